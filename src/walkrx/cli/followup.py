"""After the program (issue 13): `finish`, `followup`, `return` and `outcomes`.

The services (and, for `outcomes`, the survival library behind the curve) are imported inside the
commands that use them, so that `walkrx --help` and the daily commands start at once
(docs/performance.md, CLI start-up). JSON shapes: docs/json.md.
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from walkrx.cli.common import (
    DbOption,
    JsonOption,
    PersonOption,
    TodayOption,
    console,
    open_db,
    parse_date,
    print_json,
    required_date,
    yes_no,
)
from walkrx.errors import InvalidInputError

if TYPE_CHECKING:
    from walkrx.reports.survival import Curve
    from walkrx.services.outcomes import Outcomes


def finish(
    on: Annotated[str, typer.Option("--date", help="The day the program ends, YYYY-MM-DD.")],
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """End the program (as a clinician's "finished" does): the follow-ups after it begin."""
    from walkrx.services import followup

    target = console(db, person)
    done = followup.finish_program(
        target.uow(),
        target.actor,
        target.person_id,
        required_date(on, "--date"),
        parse_date(today, "--today"),
    )
    if as_json:
        print_json({"date": done.day.isoformat(), "by": done.by})
        return
    typer.echo(
        f"The program finished on {done.day:%a %-d %b %Y}. No walk is planned from then on; a "
        "follow-up is asked every month: walkrx followup --date D --recurrence yes|no"
    )


def followup_cmd(
    on: Annotated[str, typer.Option("--date", help="The day of the answer, YYYY-MM-DD.")],
    recurrence: Annotated[
        str,
        typer.Option(
            help="yes if, since the last answer, back pain limited your daily activities for at "
            "least a day."
        ),
    ],
    episode_start: Annotated[
        str | None, typer.Option(help="When that episode began, YYYY-MM-DD.")
    ] = None,
    sought_care: Annotated[
        str | None, typer.Option(help="yes if you saw someone about it (doctor, physio...).")
    ] = None,
    usual_minutes: Annotated[
        int | None, typer.Option(help="Minutes you walk in a usual week now.")
    ] = None,
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer the follow-up after the program (late answers are welcome)."""
    from walkrx.services import followup

    told = yes_no(recurrence, "--recurrence")
    if told is None:  # pragma: no cover (the option is required)
        raise InvalidInputError("--recurrence takes yes or no")
    entry = followup.FollowUpEntry(
        recurrence=told,
        day=required_date(on, "--date"),
        episode_start=parse_date(episode_start, "--episode-start"),
        sought_care=yes_no(sought_care, "--sought-care"),
        usual_minutes=usual_minutes,
    )
    target = console(db, person)
    recorded = followup.record_followup(
        target.uow(), target.actor, target.person_id, entry, parse_date(today, "--today")
    )
    a = recorded.answer
    if as_json:
        print_json(
            {
                "id": a.id,
                "date": a.day.isoformat(),
                "recurrence": a.recurrence,
                "episode_start": _iso(a.episode_start),
                "sought_care": a.sought_care,
                "usual_minutes": a.usual_minutes,
                "ask_red_flags": recorded.ask_red_flags,
                **followup.after_json(recorded.after),
            }
        )
        return
    typer.echo(f"Follow-up of {a.day:%a %-d %b %Y} recorded.")
    if a.recurrence:
        typer.echo(
            "Sorry your back flared up. First, check the warning signs (walkrx checkin --date D "
            "--red-flag CODE if any applies). Your clinician has been told. When you feel ready, "
            "you can return to the program at a gentle level: walkrx return"
        )
    elif recorded.after.schedule is not None and recorded.after.schedule.next_due is not None:
        typer.echo(f"Next follow-up: {recorded.after.schedule.next_due:%a %-d %b %Y}.")


def return_cmd(
    red_flag: Annotated[
        list[str] | None,
        typer.Option(help="A warning sign you have now (a code; repeat for several)."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="From when (default: the next program week).")
    ] = None,
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take the program up again after it ended, at a gentle level (after a flare-up)."""
    from walkrx.services import followup

    target = console(db, person)
    back = followup.return_to_program(
        target.uow(),
        target.actor,
        target.person_id,
        tuple(red_flag or ()),
        parse_date(on, "--date"),
        parse_date(today, "--today"),
    )
    if as_json:
        print_json(
            {
                "date": back.stage.day.isoformat(),
                "position": back.stage.position,
                "red_flags": [f.value for f in back.red_flags],
                "advice": back.advice,
            }
        )
        return
    typer.echo(
        f"Back in the program from {back.stage.day:%a %-d %b %Y}, at protocol week "
        f"{back.stage.position}. The weekly review moves you on as before."
    )
    if back.advice:
        typer.echo(back.advice)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def curve_json(curve: Curve) -> list[dict[str, Any]]:
    return [
        {
            "day": r.day,
            "at_risk": r.at_risk,
            "events": r.events,
            "censored": r.censored,
            "survival": r.survival,
            "low": r.low,
            "high": r.high,
        }
        for r in curve.rows
    ]


def outcomes_json(found: Outcomes) -> dict[str, Any]:
    return {
        "people": [
            {
                "person": p.person_id,
                "name": p.name,
                "protocol": p.protocol,
                "ended": p.outcome.end.day.isoformat(),
                "ended_by": p.outcome.end.how,
                "days": p.outcome.days,
                "event": p.outcome.event,
                "episode_start": _iso(p.outcome.episode_start),
                "last_answer": p.outcome.last_answer.isoformat(),
                "answers": p.outcome.answers,
            }
            for p in found.people
        ],
        "curve": curve_json(found.curve),
        "median_days": found.curve.median_days,
        "groups": [
            {
                "group": g.key,
                "label": g.label,
                "curve": curve_json(g.curve),
                "median_days": g.curve.median_days,
            }
            for g in found.groups
        ],
        "observational": found.observational,
    }


def outcomes_cmd(
    db: DbOption = None,
    person: PersonOption = None,
    by: Annotated[
        str, typer.Option(help="One curve per group too: none, protocol or start (quarter).")
    ] = "none",
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Time from the end of the program to the first recurrence: per person, and the curve."""
    from walkrx.services import outcomes
    from walkrx.services.access import Actor
    from walkrx.storage import UnitOfWork

    when = parse_date(today, "--today")
    if person is not None:
        target = console(db, person)
        uow, actor, person_id = target.uow(), target.actor, target.person_id
    else:
        uow, actor, person_id = UnitOfWork(open_db(db)), Actor.console(), None
    found = outcomes.outcomes(uow, actor, person_id, by=by, today=when)
    if as_json:
        print_json(outcomes_json(found))
        return
    if not found.people:
        typer.echo("No follow-up answered yet: outcomes appear once a program has ended.")
        return
    for p in found.people:
        what = "a recurrence began" if p.outcome.event else "no recurrence as of the last answer"
        typer.echo(f"{p.name}: {p.outcome.days} days after the program, {what}.")
    median = found.curve.median_days
    typer.echo(
        f"{found.curve.people} people, {found.curve.events} recurrences; median days to "
        f"recurrence: {median if median is not None else 'not reached'}."
    )
    typer.echo(found.observational)
