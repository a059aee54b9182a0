"""The clinician's pages: the panel of linked patients (most urgent first), a patient's full
picture, adjusting their program, clearing red flags, and inviting patients.

Clinicians only: anyone else gets "no such page" (404). Each route calls one use case of
`services.clinic` (adjusting: `services.adjusting`; pausing: `services.pausing`), which checks the
clinician and authorises the patient inside its own transaction (decision 0006), so an unlinked
person's pages are 404 as well. A refused form (an adjustment, a pause, a clearing, an
invitation) changes nothing; the page is then shown again as it stands, with the problem beside
its field.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx.domain.explain import (
    DECISION_TEXT,
    FLAG_TEXT,
    PAIN_TEXT,
    REASON_TEXT,
    RED_FLAG_WORDS,
    REFERRAL_TEXT,
    alert_words,
)
from walkrx.domain.pain import pain_status
from walkrx.domain.redflags import questions
from walkrx.errors import (
    AdjustmentError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    WalkrxError,
)
from walkrx.services import (
    adjusting,
    care,
    clinic,
    clinics,
    pausing,
    program,
    report,
    technique,
)
from walkrx.services import panel as panel_service
from walkrx.services.accounts import User
from walkrx.storage import UnitOfWork
from walkrx.web import charts_slot
from walkrx.web.deps import Acting, CurrentUser, Db, ForPerson, PostedForm, actor_of, page
from walkrx.web.forms import many, opt_date, opt_int, text
from walkrx.web.routes.clinics import clinic_view_page
from walkrx.web.schemas import MAX_ID


def clinician_only(user: CurrentUser) -> User:
    """The signed-in clinician; for anyone else these pages do not exist."""
    if user.role != "clinician":
        raise NotFoundError("there is no such page: clinician pages are for clinicians' accounts")
    return user


router = APIRouter(
    prefix="/clinician",
    tags=["clinician"],
    include_in_schema=False,
    dependencies=[Depends(clinician_only)],
)

SOURCE_WORDS = {
    "diary": "logged by hand",
    "csv": "from a diary file",
    "fit": "from a watch (FIT)",
    "gpx": "from a GPS track",
    "tcx": "from a watch (TCX)",
    "apple": "from Apple Health",
}

PANEL_VIEWS = (
    ("all", "All patients"),
    ("attention", "Needs attention"),
    ("paused", "Paused"),
    ("not_logging", "Not logging"),
    ("referrals", "Referrals"),
    ("on_track", "On track"),
)

CODE_TEXT: dict[str, Any] = {
    "decision_text": DECISION_TEXT,
    "reason_text": REASON_TEXT,
    "flag_text": FLAG_TEXT,
    "referral_text": REFERRAL_TEXT,
    "pain_text": PAIN_TEXT,
}


def _invite_page(
    request: Request, db: Db, user: User, status_code: int = 200, **context: Any
) -> Response:
    """Inviting patients, with the invitations sent (one use case)."""
    sent = clinic.sent_invitations(UnitOfWork(db), actor_of(request, user))
    return page(
        request, "clinician/invite.html", status_code=status_code, invitations=sent, **context
    )


def _page_number(value: str | None) -> int:
    try:
        number = int(value or "1")
    except ValueError:
        raise InvalidInputError("pages are numbered from 1", field="page") from None
    return number


@router.get("", response_class=HTMLResponse)
def panel(request: Request, db: Db, user: CurrentUser) -> Response:
    """The panel: the clinician's patients, most urgent first, a page at a time, filtered by what
    needs doing and searched by name."""
    query = request.query_params
    shown = panel_service.panel_page(
        UnitOfWork(db),
        actor_of(request, user),
        view=query.get("view", "all"),
        search=query.get("q", "")[:200],
        page=_page_number(query.get("page")),
    )
    return page(
        request,
        "clinician/panel.html",
        shown=shown,
        views=PANEL_VIEWS,
        alert_text=alert_words,
        **CODE_TEXT,
    )


@router.get("/invite", response_class=HTMLResponse)
def invite_form(request: Request, db: Db, user: CurrentUser) -> Response:
    """Inviting a patient, and the invitations sent so far."""
    return _invite_page(request, db, user, invited=request.query_params.get("invited", ""))


@router.post("/patients/{person_id}/alerts/{alert_id}/ack")
def acknowledge_alert(alert_id: int, acting: ForPerson) -> Response:
    """The clinician has seen an alert: recorded with who and when."""
    panel_service.acknowledge(acting.uow(), acting.actor, acting.person_id, alert_id)
    return RedirectResponse(
        f"/clinician/patients/{acting.person_id}?done=acknowledged#alerts", status_code=303
    )


@router.post("/invite", response_class=HTMLResponse)
def invite(request: Request, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """An invitation with a single-use code, to the clinician alone or (form field `clinic`) to
    one of their clinics. The code is on this response only: it is stored as its digest."""
    email = text(form, "email")
    to_clinic = opt_int(form, "clinic", "the clinic")
    if to_clinic is not None and not 0 < to_clinic <= MAX_ID:
        raise NotFoundError("there is no such clinic: choose one of yours", kind="clinic")
    try:
        made = care.invite(UnitOfWork(db), user.id, email, clinic_id=to_clinic)
    except WalkrxError as error:
        if isinstance(error, NotFoundError):
            raise
        if to_clinic is not None:  # sent from the clinic's page: shown there again
            view = clinics.clinic_page(UnitOfWork(db), actor_of(request, user), to_clinic)
            return clinic_view_page(
                request,
                view,
                status_code=error.http_status,
                invite_error=error.message,
                invite_email=email,
            )
        return _invite_page(
            request,
            db,
            user,
            status_code=error.http_status,
            invite_error=error.message,
            invite_email=email,
        )
    response = page(
        request, "clinic/invited.html", made=made, link=f"{request.base_url}join/{made.code}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _patient_page(
    request: Request, acting: Acting, status_code: int = 200, **context: Any
) -> Response:
    """The patient's page as it stands (one use case: their whole picture)."""
    pic = clinic.picture(acting.uow(), acting.actor, acting.person_id)
    prog = pic.program
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
        units=prog.person.units,  # the patient's: miles or km (issue 15)
        posture=technique.posture_of(prog),
        walk_status={w.id: pain_status(w, prog.protocol.pain) for w in pic.walks},
        flag_questions=dict(questions()),
        today=prog.today.isoformat(),
        alert_text=alert_words,
        flag_words=RED_FLAG_WORDS,
        source_words=SOURCE_WORDS,
        **CODE_TEXT,
        **context,
    )


@router.get("/patients/{person_id}", response_class=HTMLResponse)
def patient(request: Request, acting: ForPerson) -> Response:
    """A patient's full picture: today, plan, every review with reasons, flags, charts, diary."""
    notice = {
        "cleared": "The red flags were cleared and recorded.",
        "adjusted": "The program was adjusted; the reviews below use the new settings.",
        "acknowledged": "The alert was marked as seen, with your name and the time.",
        "finished": "The program was marked finished: its monthly follow-ups begin.",
    }.get(request.query_params.get("done", ""), "")
    return _patient_page(request, acting, notice=notice)


@router.get("/patients/{person_id}/report.pdf")
def patient_report(request: Request, acting: ForPerson) -> Response:
    """The patient's progress report as a PDF (on the audit trail); `from` and `to` (YYYY-MM-DD)
    limit its period."""
    query = request.query_params
    pdf = report.report(
        acting.uow(),
        acting.actor,
        acting.person_id,
        opt_date(query, "from", "the first date"),
        opt_date(query, "to", "the last date"),
    )
    name = f"walkrx-progress-report-{acting.person_id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/patients/{person_id}/clear", response_class=HTMLResponse)
def clear_flags(request: Request, acting: ForPerson, form: PostedForm) -> Response:
    """Clear the open red flags as of a date, with a note; recorded with the clinician's e-mail."""
    try:
        day = opt_date(form, "day", "the date")  # empty: the patient's today
        clinic.clear_red_flags(
            acting.uow(), acting.actor, acting.person_id, day, text(form, "note")
        )
    except InvalidInputError as error:
        return _patient_page(  # unlinked: 404 here, as nothing was stored
            request,
            acting,
            status_code=422,
            clear_error=error.message,
            clear_note=text(form, "note"),
            clear_day=text(form, "day"),
        )
    return RedirectResponse(f"/clinician/patients/{acting.person_id}?done=cleared", status_code=303)


ADJUST_NOTICE = {
    "paused": "The program is paused. The patient sees your reason on their Today page.",
    "resumed": "The program is resumed: walks are planned again from the date you gave.",
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _show_adjust(
    request: Request,
    shown: adjusting.AdjustPage,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
    sent_days: list[str] | None = None,
    **context: Any,
) -> Response:
    return page(
        request,
        "clinician/adjust.html",
        status_code=status_code,
        adj=shown,
        person=shown.person,
        errors=errors or {},
        sent=sent or {},
        sent_days=sent_days,
        weekdays=list(zip(program.WEEKDAYS, WEEKDAY_NAMES, strict=True)),
        **CODE_TEXT,
        **context,
    )


def _adjust_page(
    request: Request,
    acting: Acting,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
    sent_days: list[str] | None = None,
    **context: Any,
) -> Response:
    """The adjustment form as the program stands (one use case: the form's page)."""
    shown = adjusting.adjust_page(acting.uow(), acting.actor, acting.person_id)
    return _show_adjust(request, shown, status_code, errors, sent, sent_days, **context)


def _proposal(form: PostedForm) -> tuple[adjusting.Proposal, dict[str, str], list[str] | None]:
    """The adjustment a form proposes, and its text to show again (fields, then the days)."""
    keys = adjusting.threshold_keys()
    values = {key: text(form, key) for key in form if key in keys}
    given = ("max_hr", "resting_hr")
    days = many(form, "days") if "days_shown" in form else None
    proposal = adjusting.Proposal(
        protocol=text(form, "protocol") or None,
        start_position=text(form, "start_position") or None,
        values=values or None,
        max_hr=text(form, "max_hr") if "max_hr" in form else None,
        resting_hr=text(form, "resting_hr") if "resting_hr" in form else None,
        zones_from=text(form, "zones_from") or None,
        days=tuple(days) if days is not None else None,
    )
    sent = {name: text(form, name) for name in ("protocol", "start_position", "zones_from")}
    sent.update({name: text(form, name) for name in given if name in form})
    sent.update(values)
    return proposal, sent, days


@router.get("/patients/{person_id}/adjust", response_class=HTMLResponse)
def adjust_form(request: Request, acting: ForPerson) -> Response:
    notice = ADJUST_NOTICE.get(request.query_params.get("done", ""), "")
    return _adjust_page(request, acting, notice=notice)


@router.post("/patients/{person_id}/adjust/preview", response_class=HTMLResponse)
def preview_adjustment(request: Request, acting: ForPerson, form: PostedForm) -> Response:
    """The form again with the values kept and the weeks whose decision would change; nothing
    is stored."""
    proposal, sent, days = _proposal(form)
    try:
        shown = adjusting.preview_adjustment(acting.uow(), acting.actor, acting.person_id, proposal)
    except AdjustmentError as error:
        return _adjust_page(
            request, acting, status_code=422, errors=error.errors, sent=sent, sent_days=days
        )
    return _show_adjust(request, shown, sent=sent, sent_days=days)


@router.post("/patients/{person_id}/adjust", response_class=HTMLResponse)
def adjust(request: Request, acting: ForPerson, form: PostedForm) -> Response:
    """Protocol, start position, thresholds, heart rates and days; every problem is shown beside
    its field and nothing is stored."""
    proposal, sent, days = _proposal(form)
    try:
        adjusting.adjust(acting.uow(), acting.actor, acting.person_id, proposal)
    except AdjustmentError as error:
        return _adjust_page(
            request, acting, status_code=422, errors=error.errors, sent=sent, sent_days=days
        )
    return RedirectResponse(
        f"/clinician/patients/{acting.person_id}?done=adjusted", status_code=303
    )


@router.post("/patients/{person_id}/pause", response_class=HTMLResponse)
def pause(request: Request, acting: ForPerson, form: PostedForm) -> Response:
    """Pause the program from a date (default: the patient's today) with a reason."""
    reason = text(form, "pause_reason")
    try:
        day = opt_date(form, "pause_from", "the date")
        pausing.pause_program(acting.uow(), acting.actor, acting.person_id, reason, day)
    except (InvalidInputError, ConflictError) as error:
        field = "pause"  # already paused: about the pause as a whole
        if isinstance(error, InvalidInputError):
            field = error.field if error.field == "pause_reason" else "pause_from"
        return _adjust_page(
            request,
            acting,
            status_code=error.http_status,
            errors={field: error.message},
            pause_reason=reason,
            pause_from=text(form, "pause_from"),
        )
    return RedirectResponse(
        f"/clinician/patients/{acting.person_id}/adjust?done=paused#pause", status_code=303
    )


@router.post("/patients/{person_id}/resume", response_class=HTMLResponse)
def resume(request: Request, acting: ForPerson, form: PostedForm) -> Response:
    """Resume a paused program from a date (default: the patient's today)."""
    try:
        day = opt_date(form, "resume_on", "the date")
        pausing.resume_program(acting.uow(), acting.actor, acting.person_id, day)
    except InvalidInputError as error:
        return _adjust_page(
            request,
            acting,
            status_code=error.http_status,
            errors={"resume_on": error.message},
            resume_on=text(form, "resume_on"),
        )
    return RedirectResponse(
        f"/clinician/patients/{acting.person_id}/adjust?done=resumed#pause", status_code=303
    )
