"""The diary: `log`, `checkin`, `clear-flag` and `walks list/show/confirm/edit/delete`.

The services are imported inside the commands that use them, so that `walkrx --help` and the other
commands start at once (docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from walkrx.cli.common import (
    DbOption,
    JsonOption,
    PersonOption,
    console,
    parse_date,
    print_json,
    required_date,
    yes_no,
)
from walkrx.domain.explain import PAIN_TEXT
from walkrx.domain.redflags import advice
from walkrx.errors import InvalidInputError

if TYPE_CHECKING:
    from walkrx.services.diary import LoggedWalk


def log(
    minutes: Annotated[float, typer.Option(help="How long the walk lasted, in minutes.")],
    on: Annotated[str | None, typer.Option("--date", help="Date (default today).")] = None,
    start: Annotated[str | None, typer.Option(help="Start time HH:MM (local).")] = None,
    timezone: Annotated[str | None, typer.Option(help="Where it was walked (IANA).")] = None,
    moving_minutes: Annotated[float | None, typer.Option(help="Moving time, minutes.")] = None,
    distance_km: Annotated[float | None, typer.Option(help="Distance in km.")] = None,
    distance_mi: Annotated[float | None, typer.Option(help="Distance in miles.")] = None,
    avg_hr: Annotated[float | None, typer.Option(help="Average heart rate, bpm.")] = None,
    max_hr: Annotated[int | None, typer.Option(help="Maximum heart rate, bpm.")] = None,
    effort: Annotated[int | None, typer.Option(help="Effort 0-10 (0 none, 10 maximal).")] = None,
    pain_before: Annotated[int | None, typer.Option(help="Back pain 0-10 before.")] = None,
    pain_during: Annotated[int | None, typer.Option(help="Worst back pain 0-10 during.")] = None,
    pain_after: Annotated[int | None, typer.Option(help="Back pain 0-10 right after.")] = None,
    pain_next_morning: Annotated[
        int | None, typer.Option(help="Back pain 0-10 the next morning.")
    ] = None,
    lower_limb_pain: Annotated[
        int | None, typer.Option(help="Foot, knee, hip or shin pain 0-10.")
    ] = None,
    terrain: Annotated[str | None, typer.Option(help="flat, hilly, mixed or treadmill.")] = None,
    talk_test: Annotated[
        str | None, typer.Option(help="yes if you could talk in full sentences.")
    ] = None,
    tempo: Annotated[bool, typer.Option(help="You did the tempo intervals.")] = False,
    cue: Annotated[
        list[str] | None,
        typer.Option(
            help="A cue of the posture checklist you kept (repeat; 'walkrx today').",
        ),
    ] = None,
    notes: Annotated[str, typer.Option(help="Anything worth remembering.")] = "",
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a walk."""
    from walkrx.services import diary

    target = console(db, person)
    entry = diary.WalkEntry(
        minutes=minutes,
        day=parse_date(on, "--date"),
        start=_time(start),
        timezone=timezone,
        moving_minutes=moving_minutes,
        distance_km=distance_km,
        distance_mi=distance_mi,
        avg_hr=avg_hr,
        max_hr=max_hr,
        effort=effort,
        pain_before=pain_before,
        pain_during=pain_during,
        pain_after=pain_after,
        pain_next_morning=pain_next_morning,
        lower_limb_pain=lower_limb_pain,
        terrain=terrain,
        talk_test=yes_no(talk_test, "--talk-test"),
        tempo=tempo,
        notes=notes,
        cues=tuple(cue or ()),
    )
    logged = diary.log_walk(target.uow(), target.actor, target.person_id, entry)
    _report_walk(logged, as_json, "Logged")


def _time(value: str | None) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"--start '{value}' is not a time: use HH:MM") from None


def _report_walk(logged: LoggedWalk, as_json: bool, verb: str) -> None:
    from walkrx.domain.pace import guidance, pace_text
    from walkrx.services import views

    if as_json:
        walk = views.walk_json(logged.walk, logged.band)
        print_json({**walk, "pain_status": logged.pain.value})
        return
    w = logged.walk
    typer.echo(
        f"{verb} walk {w.id}: {w.local_start:%a %d %b %H:%M}, {w.minutes:.0f} min; "
        f"pain {PAIN_TEXT[logged.pain]}."
    )
    if w.distance_m:
        pace = logged.pace
        typer.echo(f"  {pace_text(pace, logged.units)} {guidance(w, pace)}".rstrip())
    if logged.ask_red_flags:
        typer.echo(
            "That walk flared your pain. Please answer the warning-sign questions now: "
            "'walkrx checkin --date DATE --red-flag CODE' for any that apply "
            "(codes: 'walkrx checkin --help')."
        )


def walks_list(
    db: DbOption = None, person: PersonOption = None, as_json: JsonOption = False
) -> None:
    """List logged walks."""
    from walkrx.domain.units import distance_text
    from walkrx.services import diary, views

    target = console(db, person)
    shown = diary.shown_walks(target.uow(), target.actor, target.person_id)
    walks = shown.walks
    if as_json:
        print_json({"walks": [views.walk_json(w, shown.band) for w in walks]})
        return
    if not walks:
        typer.echo("No walks yet: 'walkrx log --minutes 20' records one.")
    else:  # the pain column's three figures are named here, once
        typer.echo(
            f"{'id':>5}  {'started':16}  {'length':>9}  {'distance':>8}  {'avg HR':8}  "
            "pain before/during/after  source"
        )
    for w in walks:
        hr = f"{w.avg_hr:.0f} bpm" if w.avg_hr else "no HR"
        far = distance_text(w.distance_m, shown.units, 1) if w.distance_m else "-"
        pains = "/".join(
            "-" if p is None else str(p) for p in (w.pain_before, w.pain_during, w.pain_after)
        )
        typer.echo(
            f"{w.id:5}  {w.local_start:%Y-%m-%d %H:%M}  {w.minutes:5.0f} min  {far:>8}  "
            f"{hr:8}  {pains:24}  {w.source}" + ("" if w.counted else "  not counted yet")
        )


def walks_show(
    walk_id: int, db: DbOption = None, person: PersonOption = None, as_json: JsonOption = False
) -> None:
    """Show one walk in full: its figures, ratings, whether it counts and the importer's notes."""
    from walkrx.domain.pace import guidance, pace_text
    from walkrx.domain.plausibility import NOT_COUNTED_TEXT, check_text
    from walkrx.domain.units import distance_text
    from walkrx.services import diary, views

    target = console(db, person)
    shown = diary.shown_walk(target.uow(), target.actor, target.person_id, walk_id)
    w = shown.walk
    if as_json:
        print_json(views.walk_json(w, shown.band))
        return
    figures = [f"{w.minutes:.0f} min"]
    if w.moving_s is not None:
        figures.append(f"{w.moving_s / 60:.0f} moving")
    if w.distance_m:
        figures.append(distance_text(w.distance_m, shown.units))
    if w.avg_hr:
        figures.append(f"avg {w.avg_hr:.0f} bpm" + (f", max {w.max_hr}" if w.max_hr else ""))
    if w.zone_in_s is not None:
        figures.append(f"{w.zone_in_s / 60:.0f} min in the target zone")
    typer.echo(f"Walk {w.id}: {w.local_start:%a %d %b %Y %H:%M} ({w.timezone}), from {w.source}")
    typer.echo("  " + ", ".join(figures))
    typer.echo(f"  {pace_text(shown.pace, shown.units)} {guidance(w, shown.pace)}".rstrip())
    if w.cues:
        typer.echo(f"  posture cues kept: {'; '.join(w.cues)}")
    pains = " / ".join(
        "-" if p is None else str(p)
        for p in (w.pain_before, w.pain_during, w.pain_after, w.pain_next_morning)
    )
    typer.echo(f"  pain before / during / after / next morning: {pains}")
    if w.effort is not None:
        typer.echo(f"  effort: {w.effort}/10")
    if w.notes:
        typer.echo(f"  your notes: {w.notes}")
    if w.check_reason and not w.confirmed:
        reason = check_text(w.check_reason, shown.units)
        typer.echo(f"  Not counted yet. {reason} {NOT_COUNTED_TEXT}")
        typer.echo(f"  If it was a walk: walkrx walks confirm {w.id}")
    elif w.check_reason:
        typer.echo(
            f"  Counted: you confirmed it was a walk (undo: walkrx walks confirm {w.id} --undo)"
        )
    for note in w.import_notes:
        typer.echo(f"  from the file: {note}")


def walks_confirm(
    walk_id: int,
    undo: Annotated[
        bool, typer.Option(help="Stop counting it again, until you confirm it once more.")
    ] = False,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Count an imported walk that waits for your confirmation (it was a walk after all)."""
    from walkrx.services import diary, views

    target = console(db, person)
    shown = diary.confirm_walk(
        target.uow(), target.actor, target.person_id, walk_id, confirmed=not undo
    )
    w = shown.walk
    if as_json:
        print_json(views.walk_json(w, shown.band))
        return
    when = f"{w.local_start:%Y-%m-%d %H:%M}"
    if w.counted:
        typer.echo(f"Walk {w.id} of {when} now counts in your weeks, reviews and pace trend.")
    else:
        typer.echo(
            f"Walk {w.id} of {when} no longer counts, until you confirm it again "
            f"('walkrx walks confirm {w.id}')."
        )


def walks_edit(
    walk_id: int,
    minutes: Annotated[float | None, typer.Option()] = None,
    distance_km: Annotated[float | None, typer.Option()] = None,
    avg_hr: Annotated[float | None, typer.Option()] = None,
    max_hr: Annotated[int | None, typer.Option()] = None,
    effort: Annotated[int | None, typer.Option()] = None,
    pain_before: Annotated[int | None, typer.Option()] = None,
    pain_during: Annotated[int | None, typer.Option()] = None,
    pain_after: Annotated[int | None, typer.Option()] = None,
    pain_next_morning: Annotated[int | None, typer.Option()] = None,
    lower_limb_pain: Annotated[int | None, typer.Option()] = None,
    terrain: Annotated[str | None, typer.Option()] = None,
    talk_test: Annotated[str | None, typer.Option()] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    cue: Annotated[
        list[str] | None,
        typer.Option(help="The posture cues you kept (repeat; replaces those ticked before)."),
    ] = None,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change fields of a walk (for instance add the next-morning pain)."""
    from walkrx.services import diary

    given = {
        "minutes": minutes,
        "distance_km": distance_km,
        "avg_hr": avg_hr,
        "max_hr": max_hr,
        "effort": effort,
        "pain_before": pain_before,
        "pain_during": pain_during,
        "pain_after": pain_after,
        "pain_next_morning": pain_next_morning,
        "lower_limb_pain": lower_limb_pain,
        "terrain": terrain,
        "talk_test": yes_no(talk_test, "--talk-test"),
        "notes": notes,
        "cues": tuple(cue) if cue else None,
    }
    changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise InvalidInputError("nothing to change: give at least one option, e.g. --pain-after 3")
    target = console(db, person)
    edited = diary.edit_walk(target.uow(), target.actor, target.person_id, walk_id, changes)
    _report_walk(edited, as_json, "Updated")


def walks_delete(walk_id: int, db: DbOption = None, person: PersonOption = None) -> None:
    """Delete a walk."""
    from walkrx.services import diary

    target = console(db, person)
    w = diary.delete_walk(target.uow(), target.actor, target.person_id, walk_id)
    typer.echo(f"Deleted walk {w.id} of {w.local_start:%Y-%m-%d %H:%M}.")


def checkin(
    on: Annotated[str, typer.Option("--date", help="The morning's date, YYYY-MM-DD.")],
    morning_pain: Annotated[int | None, typer.Option(help="Back pain 0-10 on waking.")] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(help="A warning sign you have (a code; repeat for several)."),
    ] = None,
    fear_of_movement: Annotated[
        str | None, typer.Option(help="yes if you avoid movements for fear of hurting your back.")
    ] = None,
    psfs: Annotated[
        str | None, typer.Option(help="Functional-scale ratings 0-10, e.g. 5,6,4.")
    ] = None,
    tsk17: Annotated[int | None, typer.Option(help="TSK-17 score (clinician-entered).")] = None,
    fabq_pa: Annotated[
        int | None, typer.Option(help="FABQ physical-activity score (clinician-entered).")
    ] = None,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a morning check-in (pain, warning signs, function and fear questions)."""
    from walkrx.services import diary, views

    try:
        ratings = tuple(int(x) for x in psfs.split(",")) if psfs else ()
    except ValueError:
        raise InvalidInputError("--psfs takes whole numbers 0-10 separated by commas") from None
    entry = diary.CheckInEntry(
        day=required_date(on, "--date"),
        morning_pain=morning_pain,
        red_flags=tuple(red_flag or ()),
        fear_of_movement=yes_no(fear_of_movement, "--fear-of-movement"),
        psfs=ratings,
        tsk17=tsk17,
        fabq_pa=fabq_pa,
    )
    target = console(db, person)
    recorded = diary.record_checkin(target.uow(), target.actor, target.person_id, entry)
    if as_json:
        print_json(views.recorded_checkin_json(recorded))
        return
    typer.echo(f"Check-in for {recorded.checkin.day} recorded.")
    if recorded.tier is not None:
        typer.echo(advice(recorded.tier))
        typer.echo(
            "Your walking program is paused until this is cleared "
            "('walkrx clear-flag --date D' after you have been checked)."
        )


def clear_flag(
    on: Annotated[str, typer.Option("--date", help="Date of the clearing, YYYY-MM-DD.")],
    note: Annotated[str, typer.Option(help="Who checked you and what they said.")] = "",
    db: DbOption = None,
    person: PersonOption = None,
) -> None:
    """Clear open warning signs after care: an explicit, recorded act."""
    from walkrx.services import diary

    target = console(db, person)
    clearing, closed = diary.clear_flags(
        target.uow(), target.actor, target.person_id, required_date(on, "--date"), note
    )
    typer.echo(
        f"Cleared {', '.join(f.value for f in closed)} on {clearing.day}. "
        "The program resumes where it paused."
    )
