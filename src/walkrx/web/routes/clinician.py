"""The clinician's pages: the panel of linked patients (most urgent first), a patient's full
picture, adjusting their programme, clearing red flags, and inviting patients.

Clinicians only: anyone else gets "no such page" (404). Every patient is authorised through
`accounts.authorise` inside `services.clinic`, so an unlinked person's pages are 404 as well.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx import protocols as protocol_files
from walkrx.domain.explain import DECISION_TEXT, FLAG_TEXT, PAIN_TEXT, REASON_TEXT, REFERRAL_TEXT
from walkrx.domain.pain import pain_status
from walkrx.domain.redflags import questions
from walkrx.errors import InvalidInputError, NotFoundError, WalkrxError
from walkrx.services import clinic, program
from walkrx.services.accounts import User
from walkrx.services.clinic import AdjustmentError, PatientPicture
from walkrx.web import charts_slot
from walkrx.web.deps import CurrentUser, Db, PostedForm, page
from walkrx.web.forms import opt_date, text

router = APIRouter(prefix="/clinician", tags=["clinician"], include_in_schema=False)


def clinician_only(user: CurrentUser) -> User:
    """The signed-in clinician; for anyone else these pages do not exist."""
    if user.role != "clinician":
        raise NotFoundError("there is no such page: clinician pages are for clinicians' accounts")
    return user


Clinician = Annotated[User, Depends(clinician_only)]

CODE_TEXT: dict[str, Any] = {
    "decision_text": DECISION_TEXT,
    "reason_text": REASON_TEXT,
    "flag_text": FLAG_TEXT,
    "referral_text": REFERRAL_TEXT,
    "pain_text": PAIN_TEXT,
}


def _panel_page(
    request: Request, db: Db, user: User, status_code: int = 200, **context: Any
) -> Response:
    return page(
        request,
        "clinician/panel.html",
        status_code=status_code,
        rows=clinic.panel(db, user),
        invitations=clinic.sent_invitations(db, user),
        **CODE_TEXT,
        **context,
    )


@router.get("", response_class=HTMLResponse)
def panel(request: Request, db: Db, user: Clinician) -> Response:
    """The panel: linked patients, most urgent first, and the invitations sent."""
    invited = request.query_params.get("invited", "")
    return _panel_page(request, db, user, invited=invited)


@router.post("/invite", response_class=HTMLResponse)
def invite(request: Request, db: Db, user: Clinician, form: PostedForm) -> Response:
    email = text(form, "email")
    try:
        invitation = clinic.invite(db, user, email)
    except WalkrxError as error:
        if isinstance(error, NotFoundError):
            raise
        return _panel_page(
            request,
            db,
            user,
            status_code=error.http_status,
            invite_error=error.message,
            invite_email=email,
        )
    return RedirectResponse(f"/clinician?invited={invitation.patient_email}", status_code=303)


def _patient_page(
    request: Request, pic: PatientPicture, status_code: int = 200, **context: Any
) -> Response:
    prog = pic.programme
    return page(
        request,
        "clinician/patient.html",
        status_code=status_code,
        pic=pic,
        row=pic.row,
        prog=prog,
        t=program.today_view(prog),
        plan=[w for w in prog.plan() if w.week >= max(1, prog.current_week)][:2],
        charts=charts_slot.progress_charts(prog, id_prefix="cl-"),
        walk_status={w.id: pain_status(w, prog.protocol.pain) for w in pic.walks},
        flag_questions=dict(questions()),
        today=prog.today.isoformat(),
        **CODE_TEXT,
        **context,
    )


@router.get("/patients/{person_id}", response_class=HTMLResponse)
def patient(request: Request, db: Db, user: Clinician, person_id: int) -> Response:
    """A patient's full picture: today, plan, every review with reasons, flags, charts, diary."""
    notice = {
        "cleared": "The red flags were cleared and recorded.",
        "adjusted": "The programme was adjusted; the reviews below use the new settings.",
    }.get(request.query_params.get("done", ""), "")
    return _patient_page(request, clinic.picture(db, user, person_id), notice=notice)


@router.post("/patients/{person_id}/clear", response_class=HTMLResponse)
def clear_flags(
    request: Request, db: Db, user: Clinician, person_id: int, form: PostedForm
) -> Response:
    """Clear the open red flags as of a date, with a note; recorded with the clinician's e-mail."""
    pic = clinic.picture(db, user, person_id)  # authorises first: unlinked -> 404
    try:
        day = opt_date(form, "day", "the date") or pic.programme.today
        clinic.clear_red_flags(db, user, person_id, day, text(form, "note"))
    except InvalidInputError as error:
        return _patient_page(
            request,
            pic,
            status_code=422,
            clear_error=error.message,
            clear_note=text(form, "note"),
            clear_day=text(form, "day"),
        )
    return RedirectResponse(f"/clinician/patients/{person_id}?done=cleared", status_code=303)


def _adjust_page(
    request: Request,
    pic: PatientPicture,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        "clinician/adjust.html",
        status_code=status_code,
        pic=pic,
        row=pic.row,
        person=pic.programme.person,
        protocols=[protocol_files.load(name) for name in pic.protocols],
        errors=errors or {},
        sent=sent or {},
    )


@router.get("/patients/{person_id}/adjust", response_class=HTMLResponse)
def adjust_form(request: Request, db: Db, user: Clinician, person_id: int) -> Response:
    return _adjust_page(request, clinic.picture(db, user, person_id))


@router.post("/patients/{person_id}/adjust", response_class=HTMLResponse)
def adjust(request: Request, db: Db, user: Clinician, person_id: int, form: PostedForm) -> Response:
    """Protocol, start position and thresholds; every problem is shown beside its field."""
    pic = clinic.picture(db, user, person_id)
    keys = [t.key for t in pic.thresholds]
    values = {key: text(form, key) for key in keys if key in form}
    sent = {"protocol": text(form, "protocol"), "start_position": text(form, "start_position")}
    sent.update(values)
    try:
        clinic.adjust(
            db,
            user,
            person_id,
            protocol=text(form, "protocol") or None,
            start_position=text(form, "start_position") or None,
            values=values,
        )
    except AdjustmentError as error:
        return _adjust_page(request, pic, status_code=422, errors=error.errors, sent=sent)
    return RedirectResponse(f"/clinician/patients/{person_id}?done=adjusted", status_code=303)
