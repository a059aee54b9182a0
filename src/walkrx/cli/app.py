"""The walkrx command line: parse, call one service, render. No rules live here.

Errors from the services (`walkrx.errors`) are printed once, as one line, with the exit code of
their class; `--json` output shapes are documented in docs/json.md.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from walkrx import protocols as protocol_files
from walkrx.domain.codes import Decision
from walkrx.domain.explain import DISCLAIMER, PAIN_TEXT
from walkrx.domain.model import CheckIn, Walk
from walkrx.domain.redflags import advice
from walkrx.domain.zones import ESTIMATE_ERROR_BPM, ZONE_LABEL
from walkrx.errors import InvalidInputError, WalkrxError
from walkrx.reports.ics import plan_to_ics
from walkrx.services import diary, imports, program, views
from walkrx.services.context import open_database
from walkrx.services.demo import DEMO_CLINICIAN, DEMO_WALKER, build_demo, build_demo_accounts

app = typer.Typer(
    help="walkrx: a progressive walking program for low back pain.\n\n" + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
walks_app = typer.Typer(help="List, show, edit and delete logged walks.", no_args_is_help=True)
app.add_typer(walks_app, name="walks")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite path or database URL (default: $WALKRX_DATABASE_URL, else a file in your "
        "user data folder).",
    ),
]
PersonOption = Annotated[
    str | None,
    typer.Option("--person", help="Whose program (name or id), when the database holds several."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print stable JSON (docs/json.md).")]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Act as if today were this date (YYYY-MM-DD).")
]


def _date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{label} '{value}' is not a date: use YYYY-MM-DD") from None


def _required_date(value: str, label: str) -> date:
    parsed = _date(value, label)
    assert parsed is not None
    return parsed


def _programme(db: str | None, person: str | None, today: str | None) -> program.Programme:
    """The person's program as of --today (default: today where they live)."""
    return program.programme(open_database(db), person, _date(today, "--today"))


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _yes_no(value: str | None, label: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("yes", "y", "true"):
        return True
    if value.lower() in ("no", "n", "false"):
        return False
    raise InvalidInputError(f"{label} takes yes or no, not '{value}'")


# --- program -----------------------------------------------------------------------------------


@app.command()
def init(
    name: Annotated[str, typer.Option(help="The person's name.")],
    start: Annotated[str, typer.Option(help="First day of the program, YYYY-MM-DD.")],
    age: Annotated[int | None, typer.Option(help="Age in years (for the HRmax estimate).")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone (default: this machine's).")
    ] = None,
    protocol: Annotated[
        str, typer.Option(help="walking-6wk, walkback-26wk, or a protocol file's path.")
    ] = "walking-6wk",
    max_hr: Annotated[int | None, typer.Option(help="A measured maximum heart rate.")] = None,
    resting_hr: Annotated[int | None, typer.Option(help="Resting heart rate.")] = None,
    hrmax_formula: Annotated[str, typer.Option(help="tanaka, fox, gellish or nes.")] = "tanaka",
    zone_method: Annotated[str, typer.Option(help="hrmax (default) or hrr.")] = "hrmax",
    days: Annotated[
        str | None, typer.Option(help="Preferred walking days, e.g. mon,wed,fri,sat,sun.")
    ] = None,
    goal: Annotated[
        list[str] | None, typer.Option(help="A goal, e.g. return_to_sport (repeatable).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a person's walking program."""
    person = program.init_program(
        open_database(db),
        name=name,
        start=_required_date(start, "--start"),
        age=age,
        timezone=timezone,
        protocol=protocol,
        max_hr=max_hr,
        resting_hr=resting_hr,
        hrmax_formula=hrmax_formula,
        zone_method=zone_method,
        days=program.parse_days(days) if days else None,
        goals=tuple(goal or ()),
    )
    if as_json:
        _print_json(views.person_json(person))
        return
    typer.echo(
        f"Created {person.name}'s program ({person.protocol}), starting {person.start}, "
        f"time zone {person.timezone}."
    )
    typer.echo(DISCLAIMER)
    typer.echo("Next: 'walkrx zones' for your heart-rate band, 'walkrx today' for today's walk.")


@app.command()
def protocols(
    name: Annotated[str | None, typer.Argument(help="Show this protocol in full.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the protocols, or show one in full (a name or a file's path).

    Protocols are files, not database rows: --db is accepted like everywhere and not needed.
    """
    if name is None:
        names = protocol_files.available()
        loaded = [protocol_files.load(n) for n in names]
        if as_json:
            _print_json({"protocols": [{"name": p.name, "title": p.title} for p in loaded]})
            return
        for p in loaded:
            typer.echo(f"{p.name:16} {p.title}")
        typer.echo("Show one in full: walkrx protocols NAME")
        return
    protocol = protocol_files.load(name)
    description = protocol_files.describe(protocol)
    if as_json:
        _print_json(description)
        return
    typer.echo(f"{protocol.title} ({protocol.name})")
    typer.echo(protocol.description.strip())
    for phase in protocol.phases:
        weeks = (
            f"weeks {phase.first_week}-{phase.last_week}"
            if phase.last_week
            else f"from week {phase.first_week}"
        )
        extra = []
        if phase.long_walk_minutes:
            extra.append(f"one long walk of {phase.long_walk_minutes}+ min")
        if phase.tempo:
            extra.append("optional tempo walk")
        if phase.weekly_zone_minutes:
            lo, hi = phase.weekly_zone_minutes
            extra.append(f"goal {lo}-{hi} target-zone min/week")
        typer.echo(
            f"\nPhase {phase.number}: {phase.name} ({weeks})\n"
            f"  {phase.walks_min}-{phase.walks_max} walks/week of "
            f"{phase.minutes_min}-{phase.minutes_max} min"
            + (f"; {'; '.join(extra)}" if extra else "")
        )
        typer.echo(f"  {phase.purpose}")
        for cue in phase.cues:
            typer.echo(f"  - {cue}")
    if protocol.sources:
        typer.echo("\nSources:")
        for source in protocol.sources:
            typer.echo(f"  - {source}")


@app.command()
def zones(
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Show HRmax and your target heart-rate band in bpm."""
    prog = _programme(db, person, today)
    z = prog.zones()
    if as_json:
        _print_json(views.zones_json(z))
        return
    if z.estimated:
        typer.echo(
            f"HRmax: {z.hrmax_bpm} bpm, estimated from age ({z.hrmax_source} formula). Any age "
            f"formula can be off by about ±{ESTIMATE_ERROR_BPM} bpm for one person: a measured "
            "value (walkrx init --max-hr) makes your band more accurate."
        )
    else:
        typer.echo(f"HRmax: {z.hrmax_bpm} bpm (measured).")
    lo_p, hi_p = (round(p * 100) for p in z.percent)
    basis = "of HRmax" if z.method == "hrmax" else f"of heart-rate reserve (resting {z.resting_hr})"
    typer.echo(f"Target band: {z.band_bpm[0]}-{z.band_bpm[1]} bpm ({lo_p}-{hi_p} % {basis}).")
    typer.echo(ZONE_LABEL)
    typer.echo("No heart-rate monitor? Walk at a pace where you can still talk in full sentences.")


@app.command()
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
    prog = _programme(db, person, today)
    weeks = prog.plan()
    if ics is not None:
        ics.write_bytes(plan_to_ics(weeks, prog.person.name, datetime.now(UTC)))
    if as_json:
        _print_json(views.plan_json(weeks))
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


@app.command(name="today")
def today_cmd(
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """What to do today: a walk, a rest day, or a pause for a warning sign."""
    prog = _programme(db, person, today)
    t = program.today_view(prog)
    if as_json:
        _print_json(
            {
                "date": t.day.isoformat(),
                "week": t.week,
                "position": t.position,
                "paused_by": [f.value for f in t.paused_by],
                "advice": t.advice,
                "walk": views.planned_walk_json(t.walk) if t.walk else None,
                "zones": views.zones_json(t.zones),
            }
        )
        return
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
    for line in t.protocol.safety:
        typer.echo(f"  * {line}")
    typer.echo("Afterwards: walkrx log --minutes N --pain-before N --pain-after N --effort N")


# --- diary -------------------------------------------------------------------------------------


@app.command()
def log(
    minutes: Annotated[float, typer.Option(help="How long the walk lasted, in minutes.")],
    on: Annotated[str | None, typer.Option("--date", help="Date (default today).")] = None,
    start: Annotated[str | None, typer.Option(help="Start time HH:MM (local).")] = None,
    timezone: Annotated[str | None, typer.Option(help="Where it was walked (IANA).")] = None,
    moving_minutes: Annotated[float | None, typer.Option(help="Moving time, minutes.")] = None,
    distance_km: Annotated[float | None, typer.Option(help="Distance in km.")] = None,
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
    cue: Annotated[list[str] | None, typer.Option(help="A posture cue you kept (repeat).")] = None,
    notes: Annotated[str, typer.Option(help="Anything worth remembering.")] = "",
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a walk."""
    database = open_database(db)
    current = program.programme(database, person)
    tz = timezone or current.person.timezone
    day = _date(on, "--date") or current.today
    start_time = _time(start)
    walk = Walk(
        id=None,
        start=diary.walk_start(day, start_time, tz),
        timezone=tz,
        duration_s=round(minutes * 60),
        moving_s=round(moving_minutes * 60) if moving_minutes is not None else None,
        distance_m=distance_km * 1000 if distance_km is not None else None,
        avg_hr=avg_hr,
        max_hr=max_hr,
        effort=effort,
        pain_before=pain_before,
        pain_during=pain_during,
        pain_after=pain_after,
        pain_next_morning=pain_next_morning,
        lower_limb_pain=lower_limb_pain,
        terrain=terrain,
        talk_test=_yes_no(talk_test, "--talk-test"),
        tempo=tempo,
        notes=notes,
        cues=tuple(cue or ()),
    )
    logged = diary.log_walk(database, person, walk)
    _report_walk(logged, as_json, "Logged")


def _time(value: str | None) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"--start '{value}' is not a time: use HH:MM") from None


def _report_walk(logged: diary.LoggedWalk, as_json: bool, verb: str) -> None:
    if as_json:
        _print_json({**views.walk_json(logged.walk), "pain_status": logged.pain.value})
        return
    w = logged.walk
    typer.echo(
        f"{verb} walk {w.id}: {w.local_start:%a %d %b %H:%M}, {w.minutes:.0f} min; "
        f"pain {PAIN_TEXT[logged.pain]}."
    )
    if logged.ask_red_flags:
        typer.echo(
            "That walk flared your pain. Please answer the warning-sign questions now: "
            "'walkrx checkin --date DATE --red-flag CODE' for any that apply "
            "(codes: 'walkrx checkin --help')."
        )


@walks_app.command("list")
def walks_list(
    db: DbOption = None, person: PersonOption = None, as_json: JsonOption = False
) -> None:
    """List logged walks."""
    walks = diary.list_walks(open_database(db), person)
    if as_json:
        _print_json({"walks": [views.walk_json(w) for w in walks]})
        return
    if not walks:
        typer.echo("No walks yet: 'walkrx log --minutes 20' records one.")
    for w in walks:
        hr = f"{w.avg_hr:.0f} bpm" if w.avg_hr else "no HR"
        pains = "/".join(
            "-" if p is None else str(p) for p in (w.pain_before, w.pain_during, w.pain_after)
        )
        typer.echo(
            f"{w.id:5}  {w.local_start:%Y-%m-%d %H:%M}  {w.minutes:5.0f} min  {hr:8}  "
            f"pain {pains}  {w.source}"
        )


@walks_app.command("show")
def walks_show(walk_id: int, db: DbOption = None, person: PersonOption = None) -> None:
    """Show one walk in full (JSON)."""
    _print_json(views.walk_json(diary.get_walk(open_database(db), person, walk_id)))


@walks_app.command("edit")
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
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change fields of a walk (for instance add the next-morning pain)."""
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "distance_m": distance_km * 1000 if distance_km is not None else None,
            "avg_hr": avg_hr,
            "max_hr": max_hr,
            "effort": effort,
            "pain_before": pain_before,
            "pain_during": pain_during,
            "pain_after": pain_after,
            "pain_next_morning": pain_next_morning,
            "lower_limb_pain": lower_limb_pain,
            "terrain": terrain,
            "talk_test": _yes_no(talk_test, "--talk-test"),
            "notes": notes,
            "duration_s": round(minutes * 60) if minutes is not None else None,
        }.items()
        if v is not None
    }
    if not changes:
        raise InvalidInputError("nothing to change: give at least one option, e.g. --pain-after 3")
    _report_walk(diary.edit_walk(open_database(db), person, walk_id, changes), as_json, "Updated")


@walks_app.command("delete")
def walks_delete(walk_id: int, db: DbOption = None, person: PersonOption = None) -> None:
    """Delete a walk."""
    w = diary.delete_walk(open_database(db), person, walk_id)
    typer.echo(f"Deleted walk {w.id} of {w.local_start:%Y-%m-%d %H:%M}.")


@app.command()
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
    try:
        ratings = tuple(int(x) for x in psfs.split(",")) if psfs else ()
    except ValueError:
        raise InvalidInputError("--psfs takes whole numbers 0-10 separated by commas") from None
    recorded = diary.record_checkin(
        open_database(db),
        person,
        CheckIn(
            id=None,
            day=_required_date(on, "--date"),
            seq=0,
            morning_pain=morning_pain,
            red_flags=diary.parse_red_flags(tuple(red_flag or ())),
            fear_of_movement=_yes_no(fear_of_movement, "--fear-of-movement"),
            psfs=ratings,
            tsk17=tsk17,
            fabq_pa=fabq_pa,
        ),
    )
    if as_json:
        _print_json(
            {
                **views.checkin_json(recorded.checkin),
                "tier": recorded.tier.value if recorded.tier else None,
                "advice": advice(recorded.tier) if recorded.tier else None,
                "open_flags": [f.value for f in recorded.open_flags],
            }
        )
        return
    typer.echo(f"Check-in for {recorded.checkin.day} recorded.")
    if recorded.tier is not None:
        typer.echo(advice(recorded.tier))
        typer.echo(
            "Your walking program is paused until this is cleared "
            "('walkrx clear-flag --date D' after you have been checked)."
        )


@app.command(name="clear-flag")
def clear_flag(
    on: Annotated[str, typer.Option("--date", help="Date of the clearing, YYYY-MM-DD.")],
    note: Annotated[str, typer.Option(help="Who checked you and what they said.")] = "",
    db: DbOption = None,
    person: PersonOption = None,
) -> None:
    """Clear open warning signs after care: an explicit, recorded act."""
    clearing, closed = diary.clear_flags(
        open_database(db), person, _required_date(on, "--date"), note
    )
    typer.echo(
        f"Cleared {', '.join(f.value for f in closed)} on {clearing.day}. "
        "The program resumes where it paused."
    )


@contextmanager
def _progress(label: str) -> Iterator[imports.Progress | None]:
    """A progress bar on a terminal; nothing at all when output is piped or in CI."""
    if not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.description}"),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield update


def _print_outcomes(outcomes: list[imports.FileOutcome], verbose_walks: bool) -> int:
    """Print what happened to each file; return how many files failed."""
    failures = 0
    for o in outcomes:
        for f in o.failed:
            failures += 1
            typer.echo(f"FAILED {f.file}: {f.error}", err=True)
        for message in o.messages:
            typer.echo(f"{o.file}: {message}")
        if verbose_walks:
            for w in o.walks:
                m = w.metrics
                hr = f"avg {m.avg_hr:.0f} bpm" if m.avg_hr is not None else "no heart rate"
                zone = (
                    f", {m.in_s / 60:.0f} min in {m.band[0]}-{m.band[1]} bpm"
                    if m.band and m.in_s is not None and m.hr_samples
                    else ""
                )
                typer.echo(
                    f"{w.file}: {w.activity.sport} {w.local_start:%Y-%m-%d %H:%M %Z}, "
                    f"{m.duration_s / 60:.0f} min ({m.moving_s / 60:.0f} moving), "
                    f"{(m.distance_m or 0) / 1000:.2f} km, {hr}{zone}"
                )
        elif o.stored:
            typer.echo(
                f"{o.file}: imported {len(o.stored)} walk(s) "
                f"({', '.join(str(w.id) for w in o.stored)})"
            )
        for sk in o.skipped:
            typer.echo(f"skipped {sk.file}: {sk.reason}")
    return failures


@app.command()
def analyze(
    files: Annotated[list[Path], typer.Argument(help="FIT, GPX, TCX, Apple Health, .gz or .zip.")],
    max_hr: Annotated[int | None, typer.Option(help="HRmax for the band (70-80 %).")] = None,
    age: Annotated[int | None, typer.Option(help="Age, to estimate HRmax (Tanaka).")] = None,
    all_sports: Annotated[bool, typer.Option(help="Analyse runs, rides etc. too.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Read device files and show each walk's figures, without storing anything.

    --db is accepted like everywhere and never used: analyze touches no database.
    """
    band = imports.band_from(max_hr, age)
    with _progress("analysing") as progress:
        outcomes = imports.analyse_files(
            files, band=band, include_other_sports=all_sports, progress=progress
        )
    if as_json:
        _print_json(
            {
                "walks": [imports.analysed_json(w) for o in outcomes for w in o.walks],
                "skipped": [dataclasses.asdict(s) for o in outcomes for s in o.skipped],
                "failed": [dataclasses.asdict(f) for o in outcomes for f in o.failed],
            }
        )
        failures = sum(len(o.failed) for o in outcomes)
    else:
        failures = _print_outcomes(outcomes, verbose_walks=True)
    if failures:
        raise typer.Exit(2)


@app.command(name="import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Device files, archives or diary CSVs.")],
    all_sports: Annotated[bool, typer.Option(help="Import runs, rides etc. as walks too.")] = False,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import watch/phone files (FIT, GPX, TCX, Apple Health, .gz, .zip) or paper-diary CSVs.

    Each file is imported whole or not at all; a bad file is reported and the others go in; the
    exit code is 2 when any file failed. Re-importing a file changes nothing.
    """
    database = open_database(db)
    with _progress("importing") as progress:
        outcomes = imports.import_files(
            database, person, files, include_other_sports=all_sports, progress=progress
        )
    if as_json:
        _print_json({"files": [imports.outcome_json(o) for o in outcomes]})
        failures = sum(len(o.failed) for o in outcomes)
    else:
        failures = _print_outcomes(outcomes, verbose_walks=False)
    if failures:
        raise typer.Exit(2)


@walks_app.command("prefer")
def walks_prefer(walk_id: int, db: DbOption = None, person: PersonOption = None) -> None:
    """Keep this record of a walk logged twice (undoes the automatic choice)."""
    others = imports.prefer_walk(open_database(db), person, walk_id)
    typer.echo(
        f"Walk {walk_id} is now the one counted"
        + (f"; {', '.join(map(str, others))} set aside." if others else ".")
    )


@walks_app.command("file")
def walks_file(
    walk_id: int,
    out: Annotated[Path, typer.Option(help="Where to write the original file.")],
    db: DbOption = None,
    person: PersonOption = None,
) -> None:
    """Download the original file a walk was imported from."""
    name, content = imports.original_file(open_database(db), person, walk_id)
    target = out / name if out.is_dir() else out
    target.write_bytes(content)
    typer.echo(f"Wrote {name} ({len(content)} bytes) to {target}")


# --- reviews -----------------------------------------------------------------------------------


@app.command()
def week(
    number: Annotated[int | None, typer.Argument(help="Program week (default: this week).")] = None,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """One week: walks, minutes, target-zone minutes, long/tempo walk, adherence, pain."""
    prog = _programme(db, person, today)
    k = number if number is not None else max(1, prog.current_week)
    if k < 1:
        raise InvalidInputError("week numbers start at 1")
    s = prog.week_summary(k)
    review = prog.review_of(k)
    data = views.week_json(k, s, review)
    if as_json:
        _print_json(data)
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
    if review:
        typer.echo(f"  review: {review.decision.value}")


@app.command()
def review(
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The decision for every completed week, with its reasons and the next week's plan."""
    prog = _programme(db, person, today)
    if as_json:
        _print_json({"weeks": [views.review_json(r) for r in prog.reviews]})
        return
    if not prog.reviews:
        typer.echo("No week has ended yet: the first review comes after week 1.")
    for r in prog.reviews:
        _print_review(views.review_json(r))
    typer.echo(DISCLAIMER)


def _print_review(r: dict[str, Any]) -> None:
    nxt = r["next"]["prescription"]
    marker = {"progress": "+", "hold": "=", "step_back": "-"}.get(r["decision"], "!")
    typer.echo(
        f"[{marker}] Week {r['week']} ({r['start']} to {r['end']}): {r['decision']}. "
        f"{r['walks']} walks, {r['minutes']} min, pain {r['pain']}."
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


@app.command()
def demo(db: DbOption = None, today: TodayOption = None) -> None:
    """Create a demo person with five weeks of data and show the program at work."""
    database = open_database(db)
    day = _date(today, "--today") or datetime.now(UTC).date()
    person = build_demo(database, day)
    typer.echo(f"Created '{person.name}': program started {person.start}, five weeks logged.\n")
    prog = program.programme(database, person.name, day)
    typer.echo("== Weekly reviews ==")
    for r in prog.reviews:
        _print_review(views.review_json(r))
    typer.echo("\n== Today ==")
    today_cmd(db=db, person=person.name, today=day.isoformat(), as_json=False)
    typer.echo(
        f"\nTry: walkrx plan --person '{person.name}', walkrx week --person "
        f"'{person.name}', walkrx review --json --person '{person.name}'."
    )
    typer.echo(DISCLAIMER)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Seed a demo walker and a demo clinician, and print sign-ins.")
    ] = False,
    insecure_cookies: Annotated[
        bool,
        typer.Option(help="Send cookies without Secure (only for plain http on another host)."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Run the web app (the walker's pages, the clinician panel and the JSON API)."""
    # imported here, not at the top: the other commands need not load the web stack
    import uvicorn  # noqa: PLC0415

    from walkrx.web.app import create_app  # noqa: PLC0415
    from walkrx.web.settings import WebSettings  # noqa: PLC0415

    if demo:
        build_demo_accounts(open_database(db), datetime.now(UTC).date())
        typer.echo("Demo sign-ins (demo passwords: never use this database for real data):")
        typer.echo(f"  walker:    {DEMO_WALKER[0]} / {DEMO_WALKER[1]}")
        typer.echo(f"  clinician: {DEMO_CLINICIAN[0]} / {DEMO_CLINICIAN[1]}")
    typer.echo(f"walkrx is running at http://{host}:{port}/ (Ctrl+C stops it)")
    typer.echo(DISCLAIMER)
    settings = WebSettings(database_url=db, secure_cookies=not insecure_cookies, demo=demo)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn walkrx errors into one line and an exit code.

    Usage errors are Typer's own (exit 2, with help); errors from the services are ours.
    """
    try:
        app(args=argv, prog_name="walkrx")
    except WalkrxError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
