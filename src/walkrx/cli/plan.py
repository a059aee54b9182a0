"""The program: `plan`, `today`, `week` and `review`.

Services and the calendar writer are imported inside the commands that use them, so that
`walkrx --help` and the other commands start at once (docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from walkrx.cli.common import (
    DbOption,
    JsonOption,
    PersonOption,
    TodayOption,
    load_program,
    print_json,
)
from walkrx.domain.codes import Decision
from walkrx.domain.explain import DISCLAIMER, PAIN_TEXT
from walkrx.errors import InvalidInputError

if TYPE_CHECKING:
    from walkrx.services.program import Program, Today


def plan(
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    ics: Annotated[
        Path | None, typer.Option(help="Also write the plan as a calendar file.")
    ] = None,
    today: TodayOption = None,
) -> None:
    """Show the dated walks of the program, as reviews have shaped it."""
    from walkrx.services import views

    prog = load_program(db, person, today)
    weeks = prog.plan()
    if ics is not None:
        from walkrx.reports.ics import plan_to_ics

        ics.write_bytes(
            plan_to_ics(
                weeks,
                prog.person.name,
                datetime.now(UTC),
                units=prog.person.units,
                band=prog.protocol.pace,
            )
        )
    if as_json:
        print_json(views.plan_json(weeks))
        return
    for week in weeks:
        rx = week.prescription
        label = "ease-in" if week.position == 0 else f"protocol week {week.position}"
        note = " (projected)" if week.projected else ""
        typer.echo(f"Week {week.week} from {week.start}: phase {rx.phase}, {label}{note}")
        for w in week.walks:
            kind = " long walk" if w.long_walk else " (tempo intervals optional)" if w.tempo else ""
            typer.echo(f"  {w.day:%a %d %b}  {w.minutes} min{kind}")
    if ics is not None:
        typer.echo(f"Calendar written to {ics}")


def today_cmd(
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """What to do today: a walk, a rest day, or a pause for a warning sign."""
    from walkrx.services import program, views

    prog = load_program(db, person, today)
    t = program.today_view(prog)
    if as_json:
        print_json(views.today_json(t))
        return
    print_today(prog, t)


def print_today(prog: Program, t: Today) -> None:
    """Today in words: a walk with its band and cues, a rest day, or the pause and why."""
    from walkrx.domain.pace import band_text
    from walkrx.services import technique

    if t.paused_by:
        typer.echo(
            "Your program is paused: you answered yes to a warning-sign question ("
            + ", ".join(f.value for f in t.paused_by)
            + ")."
        )
        typer.echo(t.advice or "")
        typer.echo("When a clinician has checked you: walkrx clear-flag --date YYYY-MM-DD")
        return
    if t.before_start:
        typer.echo(f"Your program starts on {prog.person.start}. Until then, keep moving as usual.")
        return
    print_after(t)
    if t.finished:
        return
    if t.walk is None:
        typer.echo(f"{t.day:%A %d %B}: rest day (week {t.week}). Gentle everyday movement is fine.")
        return
    w = t.walk
    kind = "long walk" if w.long_walk else "walk"
    typer.echo(f"{t.day:%A %d %B}, week {t.week}: a {w.minutes}-minute {kind}.")
    band = t.zones.band_bpm
    typer.echo(f"Aim for {band[0]}-{band[1]} bpm; you should be able to talk in full sentences.")
    if w.tempo:
        typer.echo("Optional tempo: " + t.protocol.tempo_description.strip())
    for cue in w.cues:
        typer.echo(f"  - {cue}")
    units = prog.person.units
    typer.echo(
        f"Moderate pace: {band_text(t.protocol.pace, units)} (advice: the zone and the talk "
        "test come first)."
    )
    if t.protocol.posture:
        typer.echo("Posture checklist: " + "; ".join(t.protocol.posture) + ".")
    for line in t.protocol.safety:
        typer.echo(f"  * {line}")
    typer.echo("Afterwards: walkrx log --minutes N --pain-before N --pain-after N --effort N")
    typer.echo("  (and --cue 'TEXT' for each posture cue you kept in mind)")
    lesson = technique.lesson_of_week(prog)
    if lesson is not None:
        typer.echo(f"This week's read: {lesson.title} ('walkrx lessons' shows it).")


def print_after(t: Today) -> None:
    """After the program (issue 13): the follow-up when it is due, a return after a flare-up."""
    phase = t.after.current if t.after else None
    plan = t.after.schedule if t.after else None
    if phase is None or plan is None:
        return
    if t.finished:
        typer.echo(
            f"Your program finished on {phase.end.day:%A %-d %B}. Keep walking as you like; "
            "walkrx asks how your back has been once a month."
        )
    if phase.recurrence is not None and phase.returned is None:
        typer.echo(
            "Your back flared up after the program. When you feel ready, return to it at a "
            "gentle level: walkrx return"
        )
    elif phase.returned is not None:
        typer.echo(f"You return to the program on {phase.returned.day:%A %-d %B}.")
    elif plan.unanswered:
        typer.echo(
            f"A follow-up is due (since {plan.unanswered[0]:%A %-d %B}): walkrx followup "
            f"--date {t.day.isoformat()} --recurrence yes|no --usual-minutes N"
        )
    elif plan.next_due is not None:
        typer.echo(f"Next follow-up: {plan.next_due:%A %-d %B}.")


# --- reviews -----------------------------------------------------------------------------------


def week(
    number: Annotated[int | None, typer.Argument(help="Program week (default: this week).")] = None,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """One week: walks, minutes, target-zone minutes, long/tempo walk, adherence, pain, pace."""
    from walkrx.services import technique, views

    prog = load_program(db, person, today)
    k = number if number is not None else max(1, prog.current_week)
    if k < 1:
        raise InvalidInputError("week numbers start at 1")
    s = prog.week_summary(k)
    review = prog.review_of(k)
    pace = technique.week_pace_of(prog, k)
    data = views.week_json(k, s, review, pace.to_json(prog.protocol.pace))
    if as_json:
        print_json(data)
        return
    rx = s.prescription
    typer.echo(
        f"Week {k} ({s.start} to {s.end}), phase {rx.phase}: plan {rx.walks_min}-"
        f"{rx.walks_max} walks of {rx.minutes_min}-{rx.minutes_max} min."
    )
    typer.echo(
        f"  walks: {s.walks_counted} counted ({s.walks_logged} logged), "
        f"{s.minutes:.0f} min in all, longest {s.longest_min:.0f} min"
    )
    typer.echo(
        f"  target zone: {s.zone_measured_min:.0f} min measured, "
        f"{s.zone_by_effort_min:.0f} min by effort (no heart rate)"
    )
    if s.long_walk_done is not None:
        typer.echo(f"  long walk: {'done' if s.long_walk_done else 'not yet'}")
    if rx.tempo:
        typer.echo(f"  tempo walk: {'done' if s.tempo_done else 'not done (optional)'}")
    typer.echo(f"  pain: {PAIN_TEXT[s.pain]}")
    if pace.judged or pace.no_pace:
        typer.echo(f"  {pace.words(prog.person.units)}")
    if review:
        typer.echo(f"  review: {review.decision.value}")


def review(
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The decision for every completed week, with its reasons and the next week's plan."""
    from walkrx.services import views

    prog = load_program(db, person, today)
    if as_json:
        print_json({"weeks": [views.review_json(r) for r in prog.reviews]})
        return
    if not prog.reviews:
        typer.echo("No week has ended yet: the first review comes after week 1.")
    for r in prog.reviews:
        print_review(views.review_json(r))
    typer.echo(DISCLAIMER)


def print_review(r: dict[str, Any]) -> None:
    nxt = r["next"]["prescription"]
    marker = {"progress": "+", "hold": "=", "step_back": "-"}.get(r["decision"], "!")
    first, last = (date.fromisoformat(r[key]) for key in ("start", "end"))
    walks = f"{r['walks']} walk{'' if r['walks'] == 1 else 's'}"
    typer.echo(  # the decision's own words follow on the next line, never its code
        f"[{marker}] Week {r['week']} ({first:%a} {first.day} {first:%b} to {last:%a} "
        f"{last.day} {last:%b %Y}): {walks}, {r['minutes']} min, pain {r['pain']}."
    )
    typer.echo(f"    {r['explanation']['decision']}")
    for text in [
        *r["explanation"]["reasons"],
        *r["explanation"]["flags"],
        *r["explanation"]["referrals"],
    ]:
        typer.echo(f"    - {text}")
    if r["decision"] not in (Decision.SEEK_CARE_URGENT, Decision.SEEK_CARE_EMERGENCY):
        typer.echo(
            f"    Next: {nxt['walks_min']}-{nxt['walks_max']} walks of "
            f"{nxt['minutes_min']}-{nxt['minutes_max']} min"
            + (f", one of {nxt['long_walk_minutes']}+ min" if nxt["long_walk_minutes"] else "")
        )
