"""The clinic pages (issue 11): a clinician's clinics, creating one, a clinic's members (added and
removed by its administrators), inviting a patient to it, and the clinic's log.

Clinicians only: anyone else gets "no such page" (404), and a clinic the clinician does not
belong to is 404 as well (`services.clinics` decides inside each use case). Each route calls one
use case; a refused form is shown again with the problem beside its field. The words for the
audit trail's action codes live here, for these pages and the walker's "who looked" page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx.errors import ConflictError, InvalidInputError, NotFoundError
from walkrx.services import care, clinics
from walkrx.services.accounts import User
from walkrx.services.clinics import ClinicView
from walkrx.storage import UnitOfWork
from walkrx.web.deps import CurrentUser, Db, PostedForm, actor_of, page
from walkrx.web.forms import text

ACTION_TEXT = {
    "read": "looked at the program",
    "change": "changed the program",
    "view_program": "looked at the program",
    "log_walk": "logged a walk",
    "edit_walk": "changed a walk",
    "delete_walk": "deleted a walk",
    "import_walks": "imported walks",
    "add_checkin": "added a check-in",
    "adjust_program": "adjusted the program",
    "clear_red_flags": "cleared warning signs",
    "acknowledge_alert": "acknowledged an alert",
    "pause_program": "paused the program",
    "resume_program": "resumed the program",
    "export_diary": "downloaded the diary",
    "join_clinic": "started sharing the program with the clinic",
    "leave_clinic": "stopped sharing the program with the clinic",
    "create_clinic": "created the clinic",
    "add_clinician": "added a clinician",
    "add_admin": "added an administrator",
    "make_clinician": "made a member a clinician",
    "make_admin": "made a member an administrator",
    "remove_member": "removed a member",
    "leave_member": "left the clinic",
    "panel": "saw the program's line on the patient panel",
    "panel_refresh": "brought the program's line on the panel up to date",
    "export_fhir": "exported the program (FHIR)",
    "export_tables": "exported the program for research (pseudonymised tables)",
    "report": "downloaded the progress report (PDF)",
    "export_all": "downloaded everything walkrx holds",
}
ROLE_TEXT = {
    "walker": "patient",
    "clinician": "clinician",
    "admin": "administrator",
    "console": "console",
}
VIA_TEXT = {"session": "on the web", "token": "with an API token", "console": "at the console"}
DONE = {
    "added": "The member was added; they see the clinic's patients from now on.",
    "removed": "The member was removed; they no longer see the clinic's patients.",
    "left": "You left the clinic; you no longer see its patients.",
}


def action_words(code: str) -> str:
    """An action code in plain words (an unknown one: its words, without underscores)."""
    return ACTION_TEXT.get(code, code.replace("_", " "))


WORDS: dict[str, Any] = {
    "action_words": action_words,
    "role_text": ROLE_TEXT,
    "via_text": VIA_TEXT,
}


def clinicians_only(user: CurrentUser) -> User:
    """The signed-in clinician; for anyone else these pages do not exist."""
    if user.role != "clinician":
        raise NotFoundError("there is no such page: clinic pages are for clinicians' accounts")
    return user


router = APIRouter(
    prefix="/clinics",
    tags=["clinics"],
    include_in_schema=False,
    dependencies=[Depends(clinicians_only)],
)


def clinic_view_page(
    request: Request, view: ClinicView, status_code: int = 200, **context: Any
) -> Response:
    """A clinic's page as read (also the clinician's invite form's page when it is refused)."""
    return page(
        request,
        "clinic/clinic.html",
        status_code=status_code,
        view=view,
        invitation_days=care.INVITATION_DAYS,
        **context,
    )


@router.get("", response_class=HTMLResponse)
def index(request: Request, db: Db, user: CurrentUser) -> Response:
    """The clinician's clinics, and a form to create one."""
    done = DONE.get(request.query_params.get("done", ""), "")
    mine = clinics.my_clinics(UnitOfWork(db), actor_of(request, user))
    return page(request, "clinic/index.html", clinics=mine, notice=done)


@router.post("", response_class=HTMLResponse)
def create(request: Request, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    name = text(form, "name")
    try:
        clinic = clinics.create_clinic(UnitOfWork(db), actor_of(request, user), name)
    except (InvalidInputError, ConflictError) as error:
        mine = clinics.my_clinics(UnitOfWork(db), actor_of(request, user))
        return page(
            request,
            "clinic/index.html",
            status_code=error.http_status,
            clinics=mine,
            name_error=error.message,
            clinic_name=name,
        )
    return RedirectResponse(f"/clinics/{clinic.id}", status_code=303)


@router.get("/{clinic_id}", response_class=HTMLResponse)
def clinic(request: Request, clinic_id: int, db: Db, user: CurrentUser) -> Response:
    """The clinic's members, how many patients it follows, inviting a patient to it."""
    view = clinics.clinic_page(UnitOfWork(db), actor_of(request, user), clinic_id)
    return clinic_view_page(
        request, view, notice=DONE.get(request.query_params.get("done", ""), "")
    )


@router.post("/{clinic_id}/members", response_class=HTMLResponse)
def add_member(
    request: Request, clinic_id: int, db: Db, user: CurrentUser, form: PostedForm
) -> Response:
    """An administrator adds a clinician (or changes a member's role)."""
    email, role = text(form, "email"), text(form, "role") or "clinician"
    try:
        clinics.add_member(UnitOfWork(db), actor_of(request, user), clinic_id, email, role)
    except (InvalidInputError, ConflictError) as error:
        view = clinics.clinic_page(UnitOfWork(db), actor_of(request, user), clinic_id)
        return clinic_view_page(
            request,
            view,
            status_code=error.http_status,
            member_error=error.message,
            member_email=email,
            member_role=role,
        )
    return RedirectResponse(f"/clinics/{clinic_id}?done=added", status_code=303)


@router.post("/{clinic_id}/members/{user_id}/remove", response_class=HTMLResponse)
def remove_member(
    request: Request, clinic_id: int, user_id: int, db: Db, user: CurrentUser
) -> Response:
    """An administrator removes a member, or a member leaves; their access ends at once."""
    try:
        clinics.remove_member(UnitOfWork(db), actor_of(request, user), clinic_id, user_id)
    except ConflictError as error:
        view = clinics.clinic_page(UnitOfWork(db), actor_of(request, user), clinic_id)
        return clinic_view_page(request, view, status_code=409, remove_error=error.message)
    if user_id == user.id:
        return RedirectResponse("/clinics?done=left", status_code=303)
    return RedirectResponse(f"/clinics/{clinic_id}?done=removed", status_code=303)


@router.get("/{clinic_id}/log", response_class=HTMLResponse)
def log(
    request: Request,
    clinic_id: int,
    db: Db,
    user: CurrentUser,
    page_number: int = Query(1, alias="page", ge=1, le=100_000),
) -> Response:
    """The clinic's log, for its administrators: newest first, a page at a time."""
    seen = clinics.clinic_log(UnitOfWork(db), actor_of(request, user), clinic_id, page_number - 1)
    return page(request, "clinic/log.html", clinic=seen.clinic, log=seen.log, **WORDS)
