"""Uploaded files to `imports.import_files`: size-checked first, then saved to a temporary folder.

Every file is checked against the per-file limit before any is imported, so a refused request
stores nothing; after that each file is its own unit of work, so a bad file loses nothing else.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath

from starlette.datastructures import UploadFile

from walkrx.errors import InvalidInputError, UploadTooLargeError
from walkrx.services import imports
from walkrx.services.analysis import FileOutcome
from walkrx.web.deps import Acting


def _size(upload: UploadFile) -> int:
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


def megabytes(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB" if size >= 1 << 20 else f"{size:,} bytes"


def request_too_large_message(content_length: str | None, max_bytes: int) -> str:
    """The words of the 413 for a request body over the cap (`web/limits.py`)."""
    declared = content_length or ""
    size = f"is {megabytes(int(declared))}, over" if declared.isdigit() else "is over"
    return (
        f"this upload {size} the limit of {megabytes(max_bytes)} for one upload: nothing was"
        " stored. Upload fewer files at once, or import a large export with 'walkrx import' on"
        " the command line"
    )


def check_sizes(uploads: list[UploadFile], max_bytes: int) -> None:
    if not uploads:
        raise InvalidInputError("choose at least one file to upload")
    for upload in uploads:
        size = _size(upload)
        if size > max_bytes:
            raise UploadTooLargeError(
                f"{upload.filename or 'a file'} is {megabytes(size)}, over the "
                f"{megabytes(max_bytes)} limit per file: nothing was stored. Split the export "
                "(for example one .zip per year) or import it with 'walkrx import' on the "
                "command line"
            )


def safe_name(filename: str | None) -> str:
    """A file name that is only a name: no folders, no control characters, never '.' or '..'."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in "/\\")
    return name if name.strip(". ") else "upload"


def import_uploads(me: Acting, uploads: list[UploadFile], max_bytes: int) -> list[FileOutcome]:
    """Import uploaded files for one person; each file's outcome, in upload order."""
    check_sizes(uploads, max_bytes)
    with tempfile.TemporaryDirectory(prefix="walkrx-upload-") as folder:
        paths: list[Path] = []
        for index, upload in enumerate(uploads):
            target = Path(folder) / str(index) / safe_name(upload.filename)
            target.parent.mkdir()
            upload.file.seek(0)
            with target.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            paths.append(target)
        return imports.import_files(me.uow(), me.actor, me.person_id, paths)
