"""One error hierarchy for walkrx, mapped once to CLI exit codes (and later HTTP statuses).

    WalkrxError
    ├── NotFoundError        something named does not exist (person, walk, protocol)   exit 3 / 404
    ├── InvalidInputError    input that cannot be accepted as given                    exit 2 / 422
    │   ├── ProtocolFileError  a malformed protocol file (names file, field, problem)
    │   └── ImportFileError    a device or diary file that cannot be read (names file, where)
    ├── ConflictError        the request clashes with what is stored                   exit 4 / 409
    └── ForbiddenError       the caller may not read or change this                    exit 5 / 403

Clinical outcomes (hold, step back, seek care) are never exceptions: they are returned values.
Every message says what is wrong and what to do next.
"""

from __future__ import annotations


class WalkrxError(Exception):
    """Base of every error walkrx raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(WalkrxError):
    exit_code = 3
    http_status = 404


class InvalidInputError(WalkrxError):
    exit_code = 2
    http_status = 422


class ProtocolFileError(InvalidInputError):
    """A protocol file is malformed; the message names the file, the field and the problem."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        super().__init__(f"protocol file {file}: field '{field}': {problem}")
        self.file = file
        self.field = field
        self.problem = problem


class ImportFileError(InvalidInputError):
    """A file could not be imported; the message names the file and where in it."""

    def __init__(self, file: str, problem: str, where: str | None = None) -> None:
        location = f" ({where})" if where else ""
        super().__init__(f"{file}{location}: {problem}")
        self.file = file
        self.problem = problem
        self.where = where


class ConflictError(WalkrxError):
    exit_code = 4
    http_status = 409


class ForbiddenError(WalkrxError):
    exit_code = 5
    http_status = 403
