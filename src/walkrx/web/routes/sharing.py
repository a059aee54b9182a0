"""The walker's sharing pages (who can see the program, invitation codes, who looked) and
personal API tokens; moved out of `walker` to keep modules small (issue 14)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx.errors import ConflictError, InvalidInputError
from walkrx.services import accounts, care, sharing
from walkrx.storage import UnitOfWork
from walkrx.web.deps import CurrentUser, Db, PostedForm, actor_of, page
from walkrx.web.forms import text
from walkrx.web.routes import clinics

router = APIRouter(tags=["walker"], include_in_schema=False)


# --- sharing: clinics, clinicians, invitation codes; API tokens ---------------------------------


SHARING_DONE = {
    "accepted": "Invitation accepted: from now on they can see and change your program.",
    "declined": "Invitation declined.",
    "left": "You stopped sharing your program with the clinic.",
    "revoked": "You stopped sharing your program with the clinician.",
}


@router.get("/invitations")
def invitations() -> Response:
    """The sharing page's former address."""
    return RedirectResponse("/sharing", status_code=303)


@router.get("/sharing", response_class=HTMLResponse)
def sharing_page(request: Request, db: Db, user: CurrentUser) -> Response:
    """Who can see my program, the invitations waiting, and a box for an invitation code."""
    shared = sharing.sharing_page(UnitOfWork(db), actor_of(request, user))
    done = SHARING_DONE.get(request.query_params.get("done", ""), "")
    return page(request, "sharing.html", shared=shared, notice=done)


@router.get("/sharing/log", response_class=HTMLResponse)
def access_log(
    request: Request,
    db: Db,
    user: CurrentUser,
    page_number: int = Query(1, alias="page", ge=1, le=100_000),
) -> Response:
    """Who looked at or changed my program, newest first."""
    log = sharing.access_log(UnitOfWork(db), actor_of(request, user), page_number - 1)
    return page(request, "sharing_log.html", log=log, **clinics.WORDS)


@router.post("/sharing/clinics/{clinic_id}/leave")
def leave_clinic(request: Request, clinic_id: int, db: Db, user: CurrentUser) -> Response:
    sharing.leave_clinic(UnitOfWork(db), actor_of(request, user), clinic_id)
    return RedirectResponse("/sharing?done=left", status_code=303)


@router.post("/clinicians/{clinician_id}/revoke")
def revoke_clinician(clinician_id: int, db: Db, user: CurrentUser) -> Response:
    care.revoke_clinician(UnitOfWork(db), user.id, clinician_id)
    return RedirectResponse("/sharing?done=revoked", status_code=303)


@router.post("/invitations/{invitation_id}/decline")
def decline_invitation(request: Request, invitation_id: int, db: Db, user: CurrentUser) -> Response:
    care.decline_invitation(UnitOfWork(db), actor_of(request, user), invitation_id)
    return RedirectResponse("/sharing?done=declined", status_code=303)


@router.get("/join")
def join_typed(code: str = "") -> Response:
    """A code typed on the sharing page: the page of its invitation."""
    target = f"/join/{quote(code.strip()[:40], safe='')}" if code.strip() else "/sharing"
    return RedirectResponse(target, status_code=303)


@router.get("/join/{code}", response_class=HTMLResponse)
def join_page(request: Request, code: str, db: Db, user: CurrentUser) -> Response:
    """What an invitation code offers (who, which clinic, until when), to accept or not."""
    try:
        offer = care.invitation_for_code(UnitOfWork(db), actor_of(request, user), code)
    except ConflictError as error:  # used or expired
        return page(request, "join.html", status_code=409, offer=None, error=error.message)
    return page(request, "join.html", offer=offer)


@router.post("/join", response_class=HTMLResponse)
def join(request: Request, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """Accept the invitation a code opens."""
    try:
        care.accept_invitation(UnitOfWork(db), actor_of(request, user), text(form, "code"))
    except (ConflictError, InvalidInputError) as error:
        return page(
            request, "join.html", status_code=error.http_status, offer=None, error=error.message
        )
    return RedirectResponse("/sharing?done=accepted", status_code=303)


@router.get("/tokens", response_class=HTMLResponse)
def tokens(request: Request, db: Db, user: CurrentUser) -> Response:
    listed = accounts.list_api_tokens(UnitOfWork(db), user.id)
    return page(request, "tokens.html", tokens=listed, created=None)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(request: Request, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """A new token is shown once, on this page; only its digest is stored."""
    new = accounts.create_api_token(UnitOfWork(db), user.id, text(form, "label") or "API token")
    return page(request, "tokens.html", tokens=new.tokens, created=new.token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, db: Db, user: CurrentUser) -> Response:
    accounts.revoke_api_token(UnitOfWork(db), user.id, token_id)
    return RedirectResponse("/tokens", status_code=303)
