"""Device files: `analyze`, `import`, `walks prefer` and `walks file`, and the import summaries.

The import service (and with it the file readers: lxml, fitdecode) and rich's progress bars are
imported inside the functions that use them, so that `walkrx --help` and the other commands start
at once (docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from walkrx.cli.common import DbOption, JsonOption, PersonOption, console, print_json

if TYPE_CHECKING:
    from walkrx.services.analysis import AnalysedWalk, FileOutcome, Progress


@contextmanager
def _progress(label: str) -> Iterator[Progress | None]:
    """A progress bar on a terminal; nothing at all when output is piped or in CI."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

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


MAX_MESSAGES_PER_FILE = 5  # more than this (a years-long export) is summed up; --json has all


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _print_walk_figures(w: AnalysedWalk, units: str | None = None) -> None:
    from walkrx.domain.pace import pace_text
    from walkrx.domain.plausibility import check_text
    from walkrx.domain.units import distance_text

    shown = units or w.units
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
        f"{distance_text(m.distance_m or 0, shown)}, {hr}{zone}"
    )
    typer.echo(f"  {pace_text(w.pace, shown)}")
    if w.check_reason:
        typer.echo(f"  {check_text(w.check_reason, shown)} Imported, it would not count until")
        typer.echo("  you confirm it was a walk.")
    for note in w.notes:
        typer.echo(f"  note: {note}")


def _print_analysed(outcomes: list[FileOutcome], units: str) -> int:
    """`walkrx analyze`: each walk's figures, then what was skipped or failed; the failures."""
    from walkrx.services.analysis import skipped_summary

    failures = 0
    for o in outcomes:
        for w in o.walks:
            _print_walk_figures(w, units)
        if o.skipped:
            typer.echo(f"{o.file}: skipped {skipped_summary(o.skipped)}")
        for f in o.failed:
            failures += 1
            typer.echo(f"{f.file}: could not be read: {f.error}", err=True)
    return failures


def _file_summary(o: FileOutcome) -> str:
    from walkrx.services.analysis import skipped_summary

    if o.unchanged:
        return "already imported: nothing changed"
    parts = [f"imported {_plural(len(o.stored), 'walk')}" if o.stored else "nothing imported"]
    if o.unconfirmed:
        parts.append(f"{len(o.unconfirmed)} of them not counted until you confirm")
    if o.set_aside:
        parts.append(f"{len(o.set_aside)} set aside as duplicates of walks already stored")
    if o.replaced:
        parts.append(f"{_plural(len(o.replaced), 'earlier record')} replaced")
    if o.skipped:
        parts.append(f"skipped {skipped_summary(o.skipped)}")
    if o.failed:
        parts.append(f"{len(o.failed)} failed")
    return "; ".join(parts)


def _lines(o: FileOutcome) -> list[str]:
    """What the person should know about a file's walks, with the commands that act on it."""
    from walkrx.domain.plausibility import CHECK_TEXT, NOT_COUNTED_TEXT

    out: list[str] = []
    for d in o.set_aside:
        out.append(
            f"{d.aside.local_start:%Y-%m-%d %H:%M}: already logged as walk {d.kept.id} "
            f"({d.kept.source}), which has as much or more data; kept that one "
            f"('walkrx walks prefer {d.aside.id}' swaps them)"
        )
    for d in o.replaced:
        out.append(
            f"{d.kept.local_start:%Y-%m-%d %H:%M}: replaces walk {d.aside.id} "
            f"({d.aside.source}) because this record has heart-rate samples; your ratings were "
            f"kept ('walkrx walks prefer {d.aside.id}' undoes this)"
        )
    for w in o.unconfirmed:
        out.append(
            f"{w.local_start:%Y-%m-%d %H:%M}: walk {w.id} is not counted yet. "
            f"{CHECK_TEXT.get(w.check_reason or '', '')} {NOT_COUNTED_TEXT} "
            f"('walkrx walks confirm {w.id}' counts it)"
        )
    return out


def _print_outcomes(outcomes: list[FileOutcome]) -> int:
    """`walkrx import`: a short summary per file, the messages that matter, then the totals."""
    from walkrx.services.analysis import NOT_A_WALK

    failures = 0
    for o in outcomes:
        if o.diary is not None:
            typer.echo(f"{o.file}: imported {o.diary.rows} {o.diary.kind}")
            continue
        if o.stored or o.set_aside or o.skipped or o.unchanged or not o.failed:
            typer.echo(f"{o.file}: {_file_summary(o)}")
        lines = _lines(o)
        for line in lines[:MAX_MESSAGES_PER_FILE]:
            typer.echo(f"  {line}" if o.stored or o.set_aside else f"{o.file}: {line}")
        if len(lines) > MAX_MESSAGES_PER_FILE:
            more = len(lines) - MAX_MESSAGES_PER_FILE
            typer.echo(f"  ... and {more} more like these ('walkrx import --json' lists them all)")
        if any(s.code == NOT_A_WALK for s in o.skipped):
            typer.echo("  (other sports can be imported anyway with --all-sports)")
        for f in o.failed:
            failures += 1
            typer.echo(f"{f.file}: could not be read: {f.error}", err=True)
    if len(outcomes) > 1:
        stored = sum(len(o.stored) for o in outcomes)
        waiting = sum(len(o.unconfirmed) for o in outcomes)
        totals = [
            f"{_plural(len(outcomes), 'file')}",
            f"{_plural(stored, 'walk')} imported"
            + (f" ({waiting} not counted until you confirm)" if waiting else ""),
            f"{sum(len(o.set_aside) for o in outcomes)} set aside as duplicates",
            f"{sum(len(o.skipped) for o in outcomes)} skipped",
            f"{failures} failed",
        ]
        typer.echo("Totals: " + ", ".join(totals) + ".")
    return failures


def analyze(
    files: Annotated[list[Path], typer.Argument(help="FIT, GPX, TCX, Apple Health, .gz or .zip.")],
    max_hr: Annotated[int | None, typer.Option(help="HRmax for the band (70-80 %).")] = None,
    age: Annotated[int | None, typer.Option(help="Age, to estimate HRmax (Tanaka).")] = None,
    all_sports: Annotated[bool, typer.Option(help="Analyse runs, rides etc. too.")] = False,
    units: Annotated[
        str, typer.Option(help="metric (km, km/h) or imperial (miles, mph) for the figures shown.")
    ] = "metric",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Read device files and show each walk's figures, without storing anything.

    --db is accepted like everywhere and never used: analyze touches no database. --json is in
    SI units whatever --units says (docs/json.md).
    """
    from walkrx.domain.units import check_units
    from walkrx.services import analysis

    shown = check_units(units)

    band = analysis.band_from(max_hr, age)
    with _progress("analysing") as progress:
        outcomes = analysis.analyse_files(
            files,
            band=band,
            include_other_sports=all_sports,
            progress=progress,
            fast_batch=True,  # a command's own process: the readers' speed-ups are safe here
        )
    if as_json:
        print_json(
            {
                "walks": [analysis.analysed_json(w) for o in outcomes for w in o.walks],
                "skipped": [dataclasses.asdict(s) for o in outcomes for s in o.skipped],
                "failed": [dataclasses.asdict(f) for o in outcomes for f in o.failed],
            }
        )
        failures = sum(len(o.failed) for o in outcomes)
    else:
        failures = _print_analysed(outcomes, shown)
    if failures:
        raise typer.Exit(2)


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
    from walkrx.services import analysis, imports

    target = console(db, person)
    with _progress("importing") as progress:
        outcomes = imports.import_files(
            target.uow(),
            target.actor,
            target.person_id,
            files,
            include_other_sports=all_sports,
            progress=progress,
            fast_batch=True,  # a command's own process: the readers' speed-ups are safe here
        )
    if as_json:
        print_json({"files": [analysis.outcome_json(o) for o in outcomes]})
        failures = sum(len(o.failed) for o in outcomes)
    else:
        failures = _print_outcomes(outcomes)
    if failures:
        raise typer.Exit(2)


def walks_prefer(walk_id: int, db: DbOption = None, person: PersonOption = None) -> None:
    """Keep this record of a walk logged twice (undoes the automatic choice)."""
    from walkrx.services import imports

    target = console(db, person)
    preferred = imports.prefer_walk(target.uow(), target.actor, target.person_id, walk_id)
    others = preferred.set_aside
    aside = f"; {', '.join(map(str, others))} set aside" if others else ""
    if preferred.walk.counted:
        typer.echo(f"Walk {walk_id} is now the one counted{aside}.")
    else:
        typer.echo(
            f"Walk {walk_id} is now the record kept{aside}. It counts once you confirm it was a "
            f"walk: 'walkrx walks confirm {walk_id}'."
        )


def walks_file(
    walk_id: int,
    out: Annotated[Path, typer.Option(help="Where to write the original file.")],
    db: DbOption = None,
    person: PersonOption = None,
) -> None:
    """Download the original file a walk was imported from."""
    from walkrx.services import imports

    me = console(db, person)
    name, content = imports.original_file(me.uow(), me.actor, me.person_id, walk_id)
    target = out / name if out.is_dir() else out
    target.write_bytes(content)
    typer.echo(f"Wrote {name} ({len(content)} bytes) to {target}")
