"""The walker's pages: onboarding, today, logging, check-ins, walks, progress, plan, reviews,
invitations and API tokens. Every page acts on the signed-in user's own program (user.person_id,
through `accounts.authorise`); parse the form, call one service, render.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx import protocols as protocol_files
from walkrx.domain.codes import GOALS, RedFlag, Terrain
from walkrx.domain.explain import PAIN_TEXT
from walkrx.domain.model import CheckIn, Walk, ZoneSettings
from walkrx.domain.pain import pain_status
from walkrx.domain.redflags import FEAR_OF_MOVEMENT_QUESTION, advice, highest_tier, questions
from walkrx.domain.zones import ESTIMATE_ERROR_BPM, HRMAX_FORMULAS, ZONE_LABEL
from walkrx.errors import InvalidInputError
from walkrx.reports import charts
from walkrx.reports.ics import plan_to_ics
from walkrx.services import accounts, diary, imports, program, views
from walkrx.services.context import check_timezone, local_today
from walkrx.web import charts_slot
from walkrx.web.deps import CurrentUser, Db, PostedForm, WalkerReads, WalkerWrites, page
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
    held, _ = accounts.onboarding_flags(db, user)
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
    accounts.hold_onboarding_flags(db, user, flags, datetime.now(UTC).date())
    tier = highest_tier(flags)
    return page(
        request,
        "onboarding_profile.html",
        flags=[f.value for f in flags],
        tier=tier.value if tier else None,
        advice=advice(tier) if tier else None,
        today=datetime.now(UTC).date().isoformat(),
        **_onboarding_context(),
    )


def _profile(form: PostedForm) -> dict[str, Any]:
    """The program settings from step 2's fields, checked by the same rules as `walkrx init`."""
    start = opt_date(form, "start", "start date") or datetime.now(UTC).date()
    timezone = check_timezone(text(form, "timezone") or "UTC")
    days = tuple(WEEKDAYS.index(d) for d in many(form, "days") if d in WEEKDAYS)
    goals = tuple(many(form, "goals"))
    settings = program.validate_zone_settings(
        ZoneSettings(
            effective=start,
            age=opt_int(form, "age", "age"),
            max_hr=opt_int(form, "max_hr", "measured maximum heart rate"),
            resting_hr=opt_int(form, "resting_hr", "resting heart rate"),
            hrmax_formula=text(form, "hrmax_formula") or "tanaka",
            zone_method=text(form, "zone_method") or "hrmax",
        )
    )
    protocol = text(form, "protocol") or "walking-6wk"
    if protocol not in protocol_files.available():
        raise InvalidInputError(f"unknown protocol '{protocol}': choose one of the list")
    return {
        "start": start,
        "timezone": timezone,
        "days": days,
        "goals": goals,
        "settings": settings,
        "protocol": protocol,
    }


@router.post("/onboarding/profile", response_class=HTMLResponse)
def onboarding_profile(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    """Step 2 checked; step 3 says what the program is and what walkrx is not (spec 10)."""
    _profile(form)
    carried = [(k, v) for k, v in form.multi_items() if k != "csrf" and isinstance(v, str)]
    return page(request, "onboarding_about.html", carried=carried, **_onboarding_context())


@router.post("/onboarding/start")
def onboarding_start(db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """Create the program (named by the user's e-mail) and record the onboarding answers."""
    if user.person_id is not None:
        return RedirectResponse("/today", status_code=303)
    profile = _profile(form)
    held, held_on = accounts.onboarding_flags(db, user)
    flags = tuple(dict.fromkeys((*held, *_red_flag_answers(form))))
    settings = profile["settings"]
    person = program.init_program(
        db,
        name=user.email,
        start=profile["start"],
        age=settings.age,
        timezone=profile["timezone"],
        protocol=profile["protocol"],
        max_hr=settings.max_hr,
        resting_hr=settings.resting_hr,
        hrmax_formula=settings.hrmax_formula,
        zone_method=settings.zone_method,
        days=profile["days"] or None,
        goals=profile["goals"],
    )
    assert person.id is not None
    user = accounts.attach_person(db, user, person.id)
    ref = accounts.authorise(db, user, person.id, write=True)
    today = local_today(person)
    day = min(held_on, today) if held_on else today
    diary.record_checkin(db, ref, CheckIn(id=None, day=day, seq=0, red_flags=flags))
    accounts.release_onboarding_flags(db, user)
    return RedirectResponse("/today", status_code=303)


# --- today, log, check-in ----------------------------------------------------------------------


@router.get("/today", response_class=HTMLResponse)
def today(request: Request, me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    t = program.today_view(prog)
    return page(
        request,
        "today.html",
        t=t,
        person=prog.person,
        phase=prog.protocol.phase_at(t.walk.position if t.walk else t.position),
        flag_questions=[(f, dict(questions())[f]) for f in t.paused_by],
        zone_label=ZONE_LABEL,
        estimate_error=ESTIMATE_ERROR_BPM,
    )


@router.post("/flags/clear")
def clear_flags(me: WalkerWrites, form: PostedForm) -> Response:
    """Clearing a warning sign is an explicit, recorded act, after a clinician's check."""
    prog = program.programme(me.db, me.person_ref)
    day = opt_date(form, "date", "date") or prog.today
    diary.clear_flags(me.db, me.person_ref, day, text(form, "note"), by=me.user.email)
    return RedirectResponse("/today", status_code=303)


@router.get("/log", response_class=HTMLResponse)
def log_form(request: Request, me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    t = program.today_view(prog)
    now = datetime.now(UTC).astimezone(ZoneInfo(prog.person.timezone))
    return page(
        request,
        "log.html",
        person=prog.person,
        minutes=t.walk.minutes if t.walk else "",
        day=prog.today.isoformat(),
        start=now.strftime("%H:%M"),
        cues=prog.protocol.phase_at(prog.position).cues,
        pain_fields=PAIN_FIELDS,
        terrains=[x.value for x in Terrain],
    )


def _walk_from_form(form: PostedForm, default_timezone: str, default_day: date) -> Walk:
    timezone = text(form, "timezone") or default_timezone
    day = opt_date(form, "date", "date") or default_day
    minutes = req_float(form, "minutes", "walk's length in minutes")
    moving = opt_float(form, "moving_minutes", "moving time")
    distance_km = opt_float(form, "distance_km", "distance")
    return Walk(
        id=None,
        start=diary.walk_start(day, opt_time(form, "start", "start time"), timezone),
        timezone=timezone,
        duration_s=round(minutes * 60),
        moving_s=round(moving * 60) if moving is not None else None,
        distance_m=distance_km * 1000 if distance_km is not None else None,
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
    )


@router.post("/log", response_class=HTMLResponse)
def log_walk(request: Request, me: WalkerWrites, form: PostedForm) -> Response:
    prog = program.programme(me.db, me.person_ref)
    logged = diary.log_walk(
        me.db, me.person_ref, _walk_from_form(form, prog.person.timezone, prog.today)
    )
    return page(
        request,
        "logged.html",
        logged=logged,
        pain_text=PAIN_TEXT[logged.pain],
        questions=questions(),
        day=logged.walk.local_date.isoformat(),
    )


@router.get("/checkin", response_class=HTMLResponse)
def checkin_form(request: Request, me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    return page(
        request,
        "checkin.html",
        day=prog.today.isoformat(),
        questions=questions(),
        fear_question=FEAR_OF_MOVEMENT_QUESTION,
    )


@router.post("/checkin", response_class=HTMLResponse)
def checkin(request: Request, me: WalkerWrites, form: PostedForm) -> Response:
    prog = program.programme(me.db, me.person_ref)
    psfs = tuple(
        value
        for i in range(1, 6)
        if (value := opt_int(form, f"psfs{i}", f"activity {i} rating")) is not None
    )
    recorded = diary.record_checkin(
        me.db,
        me.person_ref,
        CheckIn(
            id=None,
            day=opt_date(form, "date", "date") or prog.today,
            seq=0,
            morning_pain=opt_int(form, "morning_pain", "morning pain"),
            red_flags=_red_flag_answers(form),
            fear_of_movement=yes_no(form, "fear_of_movement", "the fear-of-movement question"),
            psfs=psfs,
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
def walks(request: Request, me: WalkerReads) -> Response:
    return page(request, "walks.html", walks=diary.list_walks(me.db, me.person_ref))


@router.get("/walks/{walk_id}", response_class=HTMLResponse)
def walk_page(request: Request, walk_id: int, me: WalkerReads) -> Response:
    walk = diary.get_walk(me.db, me.person_ref, walk_id)
    prog = program.programme(me.db, me.person_ref)
    trace = imports.walk_trace(me.db, me.person_ref, walk_id)
    status = pain_status(walk, prog.protocol.pain)
    return page(
        request,
        "walk.html",
        walk=walk,
        duplicates=imports.duplicate_records(me.db, me.person_ref, walk_id),
        pain_text=PAIN_TEXT[status],
        status=status.value,
        trace_svg=charts.hr_trace_chart(trace) if trace is not None else None,
        pain_fields=(*PAIN_FIELDS, ("pain_next_morning", "Back pain the next morning")),
        terrains=[x.value for x in Terrain],
    )


@router.post("/walks/{walk_id}/edit")
def walk_edit(walk_id: int, me: WalkerWrites, form: PostedForm) -> Response:
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
    if not changes:
        raise InvalidInputError("nothing to change: fill in at least one field")
    diary.edit_walk(me.db, me.person_ref, walk_id, changes)
    return RedirectResponse(f"/walks/{walk_id}", status_code=303)


@router.post("/walks/{walk_id}/delete")
def walk_delete(walk_id: int, me: WalkerWrites) -> Response:
    diary.delete_walk(me.db, me.person_ref, walk_id)
    return RedirectResponse("/walks", status_code=303)


@router.post("/walks/{walk_id}/prefer")
def walk_prefer(walk_id: int, me: WalkerWrites) -> Response:
    """Keep this record of a walk logged twice (undoes the automatic choice)."""
    imports.prefer_walk(me.db, me.person_ref, walk_id)
    return RedirectResponse(f"/walks/{walk_id}", status_code=303)


@router.get("/walks/{walk_id}/file")
def walk_file(walk_id: int, me: WalkerReads) -> Response:
    name, content = imports.original_file(me.db, me.person_ref, walk_id)
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "walk"
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


# --- progress, plan, reviews -------------------------------------------------------------------


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    return page(request, "progress.html", charts=charts_slot.progress_charts(prog))


@router.get("/plan", response_class=HTMLResponse)
def plan(request: Request, me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    return page(
        request,
        "plan.html",
        weeks=prog.plan(),
        today=prog.today,
        walked=views.minutes_by_day(prog.diary.walks),
        zones=prog.zones(),
        zone_label=ZONE_LABEL,
    )


@router.get("/plan.ics")
def plan_ics(me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    return Response(
        plan_to_ics(prog.plan(), prog.person.name, datetime.now(UTC)),
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="walkrx-plan.ics"'},
    )


@router.get("/reviews", response_class=HTMLResponse)
def reviews(request: Request, me: WalkerReads) -> Response:
    prog = program.programme(me.db, me.person_ref)
    return page(
        request, "reviews.html", reviews=[views.review_json(r) for r in reversed(prog.reviews)]
    )


# --- clinicians and API tokens -----------------------------------------------------------------


@router.get("/invitations", response_class=HTMLResponse)
def invitations(request: Request, db: Db, user: CurrentUser) -> Response:
    return page(
        request,
        "invitations.html",
        invitations=accounts.invitations_for(db, user),
        clinicians=accounts.clinicians_of(db, user),
    )


@router.post("/invitations/{invitation_id}/answer")
def answer_invitation(invitation_id: int, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    accept = yes_no(form, "accept", "accept")
    if accept is None:
        raise InvalidInputError("choose accept or decline")
    accounts.answer_invitation(db, user, invitation_id, accept)
    return RedirectResponse("/invitations", status_code=303)


@router.post("/clinicians/{clinician_id}/revoke")
def revoke_clinician(clinician_id: int, db: Db, user: CurrentUser) -> Response:
    accounts.revoke_clinician(db, user, clinician_id)
    return RedirectResponse("/invitations", status_code=303)


@router.get("/tokens", response_class=HTMLResponse)
def tokens(request: Request, db: Db, user: CurrentUser) -> Response:
    return page(request, "tokens.html", tokens=accounts.list_api_tokens(db, user), created=None)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(request: Request, db: Db, user: CurrentUser, form: PostedForm) -> Response:
    """A new token is shown once, on this page; only its digest is stored."""
    token = accounts.create_api_token(db, user, text(form, "label") or "API token")
    return page(request, "tokens.html", tokens=accounts.list_api_tokens(db, user), created=token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, db: Db, user: CurrentUser) -> Response:
    accounts.revoke_api_token(db, user, token_id)
    return RedirectResponse("/tokens", status_code=303)
