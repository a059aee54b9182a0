"""One error hierarchy for walkrx, mapped once to CLI exit codes and once to HTTP statuses.

    WalkrxError                                                                 exit / HTTP
    ├── NotFoundError          something named does not exist or is not yours   3 / 404
    ├── InvalidInputError      input that cannot be accepted as given           2 / 422
    │   ├── ProtocolFileError    a malformed protocol file (file, field, problem)
    │   ├── ImportFileError      a device or diary file that cannot be read (file, where)
    │   ├── AdjustmentError      fields of a clinician's adjustment (errors: field -> message)
    │   └── UploadTooLargeError  an upload over the size limit                    2 / 413
    ├── ConflictError          the request clashes with what is stored          4 / 409
    ├── ForbiddenError         the caller may not do this                       5 / 403
    │   └── SignInLimitedError   too many failed sign-ins (retry_after_s)         5 / 429
    ├── SignInRequired         no valid session or API token                    6 / 401
    ├── OnboardingRequired     a walker without a program yet                   6 / 409
    └── UnavailableError       the database is busy or unreachable: try again    7 / 503

Clinical outcomes (hold, step back, seek care) are never exceptions: they are returned values.
Every message says what is wrong and what to do next, in words that fit every interface (no
command names or page addresses: each interface adds its own hint from the error's data).
`InvalidInputError.field` names the input a problem concerns (a form field, a CLI option, a
JSON key: the interface maps it), and `NotFoundError.kind` what was not found (`person`, `walk`,
`program`, ...).
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
    """Something named does not exist, or is not the caller's to see (the same answer)."""

    exit_code = 3
    http_status = 404

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class InvalidInputError(WalkrxError):
    """Input that cannot be accepted as given; `field` names it when it is one input."""

    exit_code = 2
    http_status = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ProtocolFileError(InvalidInputError):
    """A protocol file is malformed; the message names the file, the field and the problem."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        super().__init__(f"protocol file {file}: field '{field}': {problem}", field=field)
        self.file = file
        self.problem = problem


class ImportFileError(InvalidInputError):
    """A file could not be imported; the message names the file and where in it."""

    def __init__(self, file: str, problem: str, where: str | None = None) -> None:
        location = f" ({where})" if where else ""
        super().__init__(f"{file}{location}: {problem}")
        self.file = file
        self.problem = problem
        self.where = where


class AdjustmentError(InvalidInputError):
    """Fields of a clinician's adjustment that cannot be accepted: `errors` maps field to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            "; ".join(f"{field}: {message}" for field, message in errors.items()),
            field=next(iter(errors), None),
        )
        self.errors = errors


class UploadTooLargeError(InvalidInputError):
    """An uploaded file is over the per-file limit; nothing from the request is stored."""

    http_status = 413


class ConflictError(WalkrxError):
    exit_code = 4
    http_status = 409


class ForbiddenError(WalkrxError):
    exit_code = 5
    http_status = 403


class SignInLimitedError(ForbiddenError):
    """Too many failed sign-ins; `retry_after_s` says how long until the next attempt counts."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SignInRequired(WalkrxError):
    """No valid session or API token: pages send the person to sign in, the API answers 401."""

    exit_code = 6
    http_status = 401
    location = "/signin"


class OnboardingRequired(WalkrxError):
    """A walker without a program yet: pages send them to the onboarding steps."""

    exit_code = 6
    http_status = 409
    location = "/onboarding"


class UnavailableError(WalkrxError):
    """The database stayed busy past its timeout, or cannot be reached: nothing was changed, and
    the same request can simply be tried again (HTTP 503 with Retry-After)."""

    exit_code = 7
    http_status = 503
    retry_after_s = 1
