"""After the program (issue 13): the walker's follow-up answer and return to the program (asked
on Today), a clinician marking a patient's program finished, and a clinician's outcomes page
(the time-to-recurrence curve of their patients, with its table as CSV).

Parse the form, call one use case (`services.followup`, `services.outcomes`), render or redirect.
The clinician's routes are for clinicians only (anyone else: no such page).
"""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx.domain.redflags import questions
from walkrx.errors import InvalidInputError
from walkrx.reports import charts
from walkrx.services import followup, outcomes
from walkrx.storage import UnitOfWork
from walkrx.web.deps import CurrentUser, Db, ForPerson, PostedForm, Walker, actor_of, page
from walkrx.web.forms import opt_date, opt_int, text, yes_no
from walkrx.web.routes.clinician import clinician_only

router = APIRouter(tags=["walker"], include_in_schema=False)
clinician_router = APIRouter(
    prefix="/clinician",
    tags=["clinician"],
    include_in_schema=False,
    dependencies=[Depends(clinician_only)],
)

GROUPS = (("none", "All together"), ("protocol", "By protocol"), ("start", "By start quarter"))


def _warning_signs(form: PostedForm) -> tuple[str, ...]:
    """The warning-sign questions answered yes (each a yes/no radio named by its code)."""
    return tuple(code.value for code, _ in questions() if text(form, code.value) == "yes")


@router.post("/followup")
def answer_followup(me: Walker, form: PostedForm) -> Response:
    """The four questions of the follow-up after the program."""
    told = yes_no(form, "recurrence", "the question about your back")
    if told is None:
        raise InvalidInputError(
            "answer whether back pain limited your daily activities (yes or no)",
            field="recurrence",
        )
    entry = followup.FollowUpEntry(
        recurrence=told,
        day=opt_date(form, "date", "date"),
        episode_start=opt_date(form, "episode_start", "when it began") if told else None,
        sought_care=yes_no(form, "sought_care", "whether you saw someone") if told else None,
        usual_minutes=opt_int(form, "usual_minutes", "minutes in a usual week"),
    )
    followup.record_followup(me.uow(), me.actor, me.person_id, entry)
    return RedirectResponse("/today?done=followup#after-program", status_code=303)


@router.post("/return")
def return_to_program(me: Walker, form: PostedForm) -> Response:
    """After a recurrence: the warning signs first (a yes is recorded and pauses the program
    until a clinician has checked), then back to the program. The form's other button sends the
    same answers to the check-in, without returning."""
    followup.return_to_program(me.uow(), me.actor, me.person_id, _warning_signs(form))
    return RedirectResponse("/today?done=returned#after-program", status_code=303)


@clinician_router.post("/patients/{person_id}/finish")
def finish_program(acting: ForPerson, form: PostedForm) -> Response:
    """Mark a patient's program finished (their follow-ups begin)."""
    day = opt_date(form, "date", "the day it ends")
    followup.finish_program(acting.uow(), acting.actor, acting.person_id, day)
    return RedirectResponse(
        f"/clinician/patients/{acting.person_id}?done=finished#after-program", status_code=303
    )


def _choices(request: Request) -> tuple[str, int | None]:
    by = request.query_params.get("by", "none")[:20]
    clinic = request.query_params.get("clinic", "")
    if clinic and not clinic.isdigit():
        raise InvalidInputError("choose one of your clinics", field="clinic")
    return by, int(clinic[:12]) if clinic else None


def _read(request: Request, db: Db, user: CurrentUser) -> outcomes.Outcomes:
    by, clinic = _choices(request)
    return outcomes.outcomes(UnitOfWork(db), actor_of(request, user), by=by, clinic_id=clinic)


@clinician_router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, db: Db, user: CurrentUser) -> Response:
    """The time-to-recurrence curve of the clinician's patients (or one clinic's), overall and
    by group, with the number at risk, the median and the table behind it."""
    found = _read(request, db, user)
    series = [(g.label, g.curve) for g in found.groups] or [("All patients", found.curve)]
    return page(
        request,
        "clinician/outcomes.html",
        found=found,
        chart=charts.survival_chart(series, id_prefix="outcomes"),
        table=charts.survival_table(series, visually_hidden=False),
        groups=GROUPS,
        query=request.url.query,
    )


@clinician_router.get("/outcomes.csv")
def outcomes_csv(request: Request, db: Db, user: CurrentUser) -> Response:
    """The table behind the curve: one row per group and day."""
    found = _read(request, db, user)
    series = [(g.key, g.curve) for g in found.groups] or [("all", found.curve)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["group", "day", "at_risk", "events", "censored", "survival", "low", "high", "median_days"]
    )
    for key, curve in series:
        for r in curve.rows:
            row = [r.day, r.at_risk, r.events, r.censored, r.survival, r.low, r.high]
            writer.writerow([key, *row, curve.median_days])
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="walkrx-time-to-recurrence.csv"',
            "Cache-Control": "no-store",
        },
    )
