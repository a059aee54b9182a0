"""The walker's own data (issue 12): downloading all of it, and erasing it with the account.

GET /account/export.zip is everything walkrx holds about the signed-in walker, as one zip.
GET /account/erase says what will be erased and asks for the account's e-mail address as the
confirmation; POST erases, ends the session and shows the erasure's id. Only the walker acts on
their own account: a clinician is refused by the services (docs/privacy.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from walkrx.errors import InvalidInputError
from walkrx.services import erasure, own_export
from walkrx.storage import UnitOfWork
from walkrx.web.deps import SESSION_COOKIE, CurrentUser, Db, PostedForm, actor_of, page
from walkrx.web.forms import text

router = APIRouter(tags=["account"], include_in_schema=False)
SPOOL_BYTES = 8 << 20  # an export bigger than this waits in a temporary file, not in memory
CHUNK_BYTES = 1 << 16


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while data := spool.read(CHUNK_BYTES):
            yield data
    finally:
        spool.close()


@router.get("/account/export.zip")
def export_zip(request: Request, db: Db, user: CurrentUser) -> Response:
    """Everything walkrx holds about the walker, as one zip (README.txt inside says what is
    what)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by _chunks)
    try:
        own_export.export_all(UnitOfWork(db), actor_of(request, user), user.person_id, spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)
    name = f"walkrx-my-data-{datetime.now(UTC):%Y-%m-%d}.zip"
    return StreamingResponse(
        _chunks(spool),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        },
    )


@router.get("/account/erase", response_class=HTMLResponse)
def erase_page(request: Request, db: Db, user: CurrentUser) -> Response:
    """What erasing the account removes, and the confirmation box."""
    preview = erasure.erasure_preview(UnitOfWork(db), actor_of(request, user), user.person_id)
    return page(request, "account_erase.html", preview=preview, words=erasure.TABLE_WORDS)


@router.post("/account/erase", response_class=HTMLResponse)
def erase(request: Request, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """Erase the account and its program once the e-mail address typed matches; sign out."""
    actor = actor_of(request, user)
    try:
        done = erasure.erase(UnitOfWork(db), actor, user.person_id, text(form, "confirm"))
    except InvalidInputError as refused:  # nothing was erased: the form again, with the problem
        preview = erasure.erasure_preview(UnitOfWork(db), actor, user.person_id)
        return page(
            request,
            "account_erase.html",
            status_code=refused.http_status,
            preview=preview,
            words=erasure.TABLE_WORDS,
            error=refused.message,
        )
    request.state.user = None  # the account is gone: the page is a signed-out one
    request.state.csrf = ""
    response = page(request, "account_erased.html", done=done, words=erasure.TABLE_WORDS)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
