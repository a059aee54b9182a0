"""The walker's pages: onboarding, today, logging, check-ins, walks, progress, plan and reviews
(sharing and API tokens: `routes.sharing`). Every page acts on the signed-in user's own program
(user.person_id, through `accounts.authorise`); parse the form, call one service, render.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx import protocols as protocol_files
from walkrx.domain.codes import GOALS, RedFlag, RedFlagTier, Terrain
from walkrx.domain.explain import PAIN_TEXT, REASON_TEXT
from walkrx.domain.model import Person
from walkrx.domain.plausibility import NOT_COUNTED_TEXT, check_text
from walkrx.domain.redflags import FEAR_OF_MOVEMENT_QUESTION, advice, highest_tier, questions
from walkrx.domain.units import check_units, units_for_locale
from walkrx.domain.zones import ESTIMATE_ERROR_BPM, HRMAX_FORMULAS, ZONE_LABEL
from walkrx.errors import InvalidInputError
from walkrx.reports import charts
from walkrx.reports.ics import plan_to_ics
from walkrx.services import diary, imports, program, report, technique, views
from walkrx.services import onboarding as onboard
from walkrx.storage import UnitOfWork
from walkrx.web import after_slot, charts_slot, words
from walkrx.web.deps import CurrentUser, Db, PostedForm, Walker, page
from walkrx.web.forms import (
    many,
    opt_date,
    opt_float,
    opt_int,
    opt_time,
    req_float,
    text,
    yes_no,
)

router = APIRouter(tags=["walker"], include_in_schema=False)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PAIN_FIELDS = (
    ("pain_before", "Back pain before the walk"),
    ("pain_during", "Worst back pain during the walk"),
    ("pain_after", "Back pain right after the walk"),
    ("lower_limb_pain", "Foot, knee, hip or shin pain"),
)


def _red_flag_answers(form: PostedForm) -> tuple[RedFlag, ...]:
    """The questions answered yes (each is a yes/no radio named by its code)."""
    return diary.parse_red_flags([code for code, _ in questions() if text(form, code) == "yes"])


def _onboarding_context() -> dict[str, Any]:
    return {
        "questions": questions(),
        "formulas": list(HRMAX_FORMULAS),
        "weekdays": list(zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)),
        "protocols": [protocol_files.load(name) for name in protocol_files.available()],
        "goals": sorted(GOALS),
    }


# --- onboarding --------------------------------------------------------------------------------


@router.get("/onboarding", response_class=HTMLResponse)
def onboarding(db: Db, request: Request, user: CurrentUser) -> Response:
    """Step 1: the warning-sign questions, before anything else (spec section 7)."""
    if user.person_id is not None:
        return RedirectResponse("/today", status_code=303)
    held, _ = onboard.onboarding_flags(UnitOfWork(db), user.id)
    tier = highest_tier(held)
    return page(
        request,
        "onboarding_flags.html",
        tier=tier.value if tier else None,
        advice=advice(tier) if tier else None,
        **_onboarding_context(),
    )


@router.post("/onboarding/flags", response_class=HTMLResponse)
def onboarding_flags(db: Db, request: Request, user: CurrentUser, form: PostedForm) -> Response:
    """A yes is acted on at once: the advice shows now and the answer is stored at once (held on
    the account until the program exists); step 2 follows when they are ready."""
    flags = _red_flag_answers(form)
    onboard.hold_onboarding_flags(UnitOfWork(db), user.id, flags, datetime.now(UTC).date())
    tier = highest_tier(flags)
    return page(
        request,
        "onboarding_profile.html",
        flags=[f.value for f in flags],
        tier=tier.value if tier else None,
        advice=advice(tier) if tier else None,
        today=datetime.now(UTC).date().isoformat(),
        units=units_for_locale(request.headers.get("accept-language")),
        **_onboarding_context(),
    )


def _profile(form: PostedForm, name: str) -> Person:
    """The new program from step 2's fields, checked by `program.new_person` (the console's rules
    too); only a shipped protocol may be chosen here, never a file on the server."""
    protocol = text(form, "protocol") or "walking-6wk"
    if protocol not in protocol_files.available():
        raise InvalidInputError(
            f"unknown protocol '{protocol}': choose one of the list", field="protocol"
        )
    return program.new_person(
        name=name,
        start=opt_date(form, "start", "start date") or datetime.now(UTC).date(),
        age=opt_int(form, "age", "age"),
        timezone=text(form, "timezone") or "UTC",
        protocol=protocol,
        max_hr=opt_int(form, "max_hr", "measured maximum heart rate"),
        resting_hr=opt_int(form, "resting_hr", "resting heart rate"),
        hrmax_formula=text(form, "hrmax_formula") or "tanaka",
        zone_method=text(form, "zone_method") or "hrmax",
        days=tuple(WEEKDAYS.index(d) for d in many(form, "days") if d in WEEKDAYS) or None,
        goals=tuple(many(form, "goals")),
        today=datetime.now(UTC).date(),
        display_name=text(form, "display_name") or None,
        units=check_units(text(form, "units") or "metric"),
    )


@router.post("/onboarding/profile", response_class=HTMLResponse)
def onboarding_profile(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    """Step 2 checked; step 3 says what the program is and what walkrx is not (spec 10)."""
    _profile(form, user.email)
    carried = [(k, v) for k, v in form.multi_items() if k != "csrf" and isinstance(v, str)]
    return page(request, "onboarding_about.html", carried=carried, **_onboarding_context())


@router.post("/onboarding/start")
def onboarding_start(db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """Create the program (named by the user's e-mail) and record the onboarding answers, in one
    transaction: a failure leaves the account as it was, ready to try again."""
    if user.person_id is not None:
        return RedirectResponse("/today", status_code=303)
    person = _profile(form, user.email)
    onboard.complete_onboarding(UnitOfWork(db), user.id, person, _red_flag_answers(form))
    return RedirectResponse("/today", status_code=303)


# --- today, log, check-in ----------------------------------------------------------------------


@router.get("/today", response_class=HTMLResponse)
def today(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    t = program.today_view(prog)
    return page(
        request,
        "today.html",
        t=t,
        person=prog.person,
        phase=prog.protocol.phase_at(t.walk.position if t.walk else t.position),
        flag_questions=[(f, dict(questions())[f]) for f in t.paused_by],
        warning_questions=questions(),  # asked before a return to the program (issue 13)
        zone_label=ZONE_LABEL,
        estimate_error=ESTIMATE_ERROR_BPM,
        reasons=[REASON_TEXT[x] for x in t.last_review.reasons] if t.last_review else [],
        lesson=technique.lesson_of_week(prog),  # issue 15: the week's short read,
        week_pace=technique.week_pace_of(prog, t.week) if t.week >= 1 else None,
    )


@router.post("/flags/clear")
def clear_flags(me: Walker, form: PostedForm) -> Response:
    """Clearing a warning sign is an explicit, recorded act, after a clinician's check."""
    day = opt_date(form, "date", "date")
    diary.clear_flags(me.uow(), me.actor, me.person_id, day, text(form, "note"), by=me.user.email)
    return RedirectResponse("/today", status_code=303)


@router.get("/log", response_class=HTMLResponse)
def log_form(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    t = program.today_view(prog)
    now = datetime.now(UTC).astimezone(ZoneInfo(prog.person.timezone))
    return page(
        request,
        "log.html",
        person=prog.person,
        minutes=t.walk.minutes if t.walk else "",
        day=prog.today.isoformat(),
        start=now.strftime("%H:%M"),
        cues=prog.protocol.posture or prog.protocol.phase_at(prog.position).cues,
        pain_fields=PAIN_FIELDS,
        terrains=[x.value for x in Terrain],
        entry_key=str(uuid.uuid4()),
    )


def _walk_entry(form: PostedForm) -> diary.WalkEntry:
    """The walk a log form describes, in the walker's units (the service makes it a walk)."""
    return diary.WalkEntry(
        minutes=req_float(form, "minutes", "walk's length in minutes"),
        day=opt_date(form, "date", "date"),
        start=opt_time(form, "start", "start time"),
        timezone=text(form, "timezone") or None,
        moving_minutes=opt_float(form, "moving_minutes", "moving time"),
        distance_km=opt_float(form, "distance_km", "distance"),
        distance_mi=opt_float(form, "distance_mi", "distance"),
        avg_hr=opt_float(form, "avg_hr", "average heart rate"),
        max_hr=opt_int(form, "max_hr", "maximum heart rate"),
        effort=opt_int(form, "effort", "effort"),
        pain_before=opt_int(form, "pain_before", "pain before"),
        pain_during=opt_int(form, "pain_during", "pain during"),
        pain_after=opt_int(form, "pain_after", "pain after"),
        pain_next_morning=opt_int(form, "pain_next_morning", "next-morning pain"),
        lower_limb_pain=opt_int(form, "lower_limb_pain", "foot, knee, hip or shin pain"),
        terrain=text(form, "terrain") or None,
        talk_test=yes_no(form, "talk_test", "talk test"),
        tempo=yes_no(form, "tempo", "tempo") or False,
        notes=text(form, "notes"),
        cues=tuple(many(form, "cues")),
        key=text(form, "entry_key") or None,
    )


@router.post("/log", response_class=HTMLResponse)
def log_walk(request: Request, me: Walker, form: PostedForm) -> Response:
    logged = diary.log_walk(me.uow(), me.actor, me.person_id, _walk_entry(form))
    return page(
        request,
        "logged.html",
        logged=logged,
        pain_text=PAIN_TEXT[logged.pain],
        questions=questions(),
        day=logged.walk.local_date.isoformat(),
    )


@router.get("/checkin", response_class=HTMLResponse)
def checkin_form(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return page(
        request,
        "checkin.html",
        day=prog.today.isoformat(),
        questions=questions(),
        fear_question=FEAR_OF_MOVEMENT_QUESTION,
        activities=prog.person.activities,
        advice_texts={tier.value: advice(tier) for tier in RedFlagTier},
        timezone=prog.person.timezone,
        entry_key=str(uuid.uuid4()),
    )


def _psfs(form: PostedForm) -> tuple[tuple[int, ...], tuple[str, ...] | None]:
    """The functional-scale ratings by row, and the activities named on the form (None: the
    form named none). A rating needs its activity named, and a named activity its rating."""
    rows = range(1, diary.MAX_PSFS + 1)
    ratings = [opt_int(form, f"psfs{i}", f"activity {i} rating") for i in rows]
    if not any(f"activity{i}" in form for i in rows):
        return tuple(r for r in ratings if r is not None), None
    names = [text(form, f"activity{i}") for i in rows]
    rated = any(r is not None for r in ratings)
    for i, (name, rating) in enumerate(zip(names, ratings, strict=True), start=1):
        if rating is not None and not name:
            raise InvalidInputError(f"name activity {i} as well as rating it", field="psfs")
        if rated and name and rating is None:
            raise InvalidInputError(f"rate '{name}' too (0–10), or leave every rating empty")
    named = tuple(name for name in names if name)
    return tuple(r for r, n in zip(ratings, names, strict=True) if n and r is not None), named


@router.post("/checkin", response_class=HTMLResponse)
def checkin(request: Request, me: Walker, form: PostedForm) -> Response:
    psfs, activities = _psfs(form)
    recorded = diary.record_checkin(
        me.uow(),
        me.actor,
        me.person_id,
        diary.CheckInEntry(
            day=opt_date(form, "date", "date"),
            morning_pain=opt_int(form, "morning_pain", "morning pain"),
            red_flags=tuple(f.value for f in _red_flag_answers(form)),
            fear_of_movement=yes_no(form, "fear_of_movement", "the fear-of-movement question"),
            psfs=psfs,
            key=text(form, "entry_key") or None,
            activities=activities,
        ),
    )
    return page(
        request,
        "checked_in.html",
        recorded=recorded,
        advice=advice(recorded.tier) if recorded.tier else None,
        asked=dict(questions()),
    )


# --- walks -------------------------------------------------------------------------------------


@router.get("/walks", response_class=HTMLResponse)
def walks(request: Request, me: Walker) -> Response:
    shown = diary.shown_walks(me.uow(), me.actor, me.person_id)
    return page(request, "walks.html", walks=shown.walks, pace_of=shown.pace)


@router.get("/walks/{walk_id}", response_class=HTMLResponse)
def walk_page(request: Request, walk_id: int, me: Walker) -> Response:
    detail = imports.walk_detail(me.uow(), me.actor, me.person_id, walk_id)
    walk = detail.walk
    return page(
        request,
        "walk.html",
        walk=walk,
        duplicates=detail.duplicates,
        pain_text=PAIN_TEXT[detail.pain],
        status=detail.pain.value,
        trace_svg=charts.hr_trace_chart(detail.trace) if detail.trace is not None else None,
        pain_fields=(*PAIN_FIELDS, ("pain_next_morning", "Back pain the next morning")),
        terrains=[x.value for x in Terrain],
        check_text=check_text(walk.check_reason, detail.units),
        pace=detail.pace,
        checklist=tuple(dict.fromkeys((*detail.checklist, *walk.cues))),
        not_counted_text=NOT_COUNTED_TEXT,
    )


@router.post("/walks/{walk_id}/confirm")
def walk_confirm(walk_id: int, me: Walker, form: PostedForm) -> Response:
    """Count an imported walk that waited for confirmation (or, with undo, stop counting it)."""
    undo = text(form, "undo") == "yes"
    diary.confirm_walk(me.uow(), me.actor, me.person_id, walk_id, confirmed=not undo)
    return RedirectResponse(f"/walks/{walk_id}", status_code=303)


@router.post("/walks/{walk_id}/edit")
def walk_edit(walk_id: int, me: Walker, form: PostedForm) -> Response:
    """Change the fields given (empty fields are left as they were), e.g. next-morning pain."""
    changes: dict[str, Any] = {}
    for name, label in (*PAIN_FIELDS, ("pain_next_morning", "next-morning pain")):
        value = opt_int(form, name, label)
        if value is not None:
            changes[name] = value
    effort = opt_int(form, "effort", "effort")
    if effort is not None:
        changes["effort"] = effort
    if text(form, "terrain"):
        changes["terrain"] = text(form, "terrain")
    if "notes" in form:
        changes["notes"] = text(form, "notes")
    if text(form, "checklist") == "yes":  # the posture checklist, ticked after the walk
        changes["cues"] = tuple(many(form, "cues"))
    if not changes:
        raise InvalidInputError("nothing to change: fill in at least one field")
    diary.edit_walk(me.uow(), me.actor, me.person_id, walk_id, changes)
    return RedirectResponse(f"/walks/{walk_id}", status_code=303)


@router.post("/walks/{walk_id}/delete")
def walk_delete(walk_id: int, me: Walker) -> Response:
    diary.delete_walk(me.uow(), me.actor, me.person_id, walk_id)
    return RedirectResponse("/walks", status_code=303)


@router.post("/walks/{walk_id}/prefer")
def walk_prefer(walk_id: int, me: Walker) -> Response:
    """Keep this record of a walk logged twice (undoes the automatic choice)."""
    imports.prefer_walk(me.uow(), me.actor, me.person_id, walk_id)
    return RedirectResponse(f"/walks/{walk_id}", status_code=303)


@router.get("/walks/{walk_id}/file")
def walk_file(walk_id: int, me: Walker) -> Response:
    name, content = imports.original_file(me.uow(), me.actor, me.person_id, walk_id)
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "walk"
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


# --- progress, plan, reviews -------------------------------------------------------------------


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return page(
        request,
        "progress.html",
        charts=charts_slot.progress_charts(prog),
        after=after_slot.after_charts(prog),  # after the program (issue 13)
        posture=technique.posture_of(prog),  # issue 15: cues kept and forgotten
    )


@router.get("/progress/report.pdf")
def progress_report(request: Request, me: Walker) -> Response:
    """The progress report as a PDF; `from` and `to` (YYYY-MM-DD) limit its period."""
    query = request.query_params
    pdf = report.report(
        me.uow(),
        me.actor,
        me.person_id,
        opt_date(query, "from", "the first date"),
        opt_date(query, "to", "the last date"),
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="walkrx-progress-report.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/plan", response_class=HTMLResponse)
def plan(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return page(
        request,
        "plan.html",
        weeks=prog.plan(),
        today=prog.today,
        walked=views.minutes_by_day(prog.diary.walks),
        walks_on=views.walks_by_day(prog.diary.walks),
        zones=prog.zones(),
        zone_label=ZONE_LABEL,
        paces=technique.week_paces(prog),
        band=prog.protocol.pace,
    )


@router.get("/plan.ics")
def plan_ics(me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return Response(
        plan_to_ics(
            prog.plan(),
            prog.person.name,
            datetime.now(UTC),
            units=prog.person.units,
            band=prog.protocol.pace,
        ),
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="walkrx-plan.ics"'},
    )


@router.get("/reviews", response_class=HTMLResponse)
def reviews(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return page(
        request,
        "reviews.html",
        reviews=[views.review_json(r) for r in reversed(prog.reviews)],
        planned=words.by_week(prog.plan()),
        paces=technique.week_paces(prog),
    )
