"""`walkrx export tables`: de-identified research tables of a database or of one clinic (issue 12).

The services are imported inside the command, so that `walkrx --help` stays quick
(docs/performance.md, CLI start-up). On a terminal a progress bar counts the people written.
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from walkrx.cli.common import DbOption, TodayOption, open_db, parse_date


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise (pipes, logs, tests)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("people", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def export_tables(
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (created if need be).")],
    clinic: Annotated[
        int | None,
        typer.Option("--clinic", help="Only this clinic's current patients (the clinic's id)."),
    ] = None,
    shift_dates: Annotated[
        bool,
        typer.Option(
            "--shift-dates",
            help="Move each person's dates by their own random whole number of weeks "
            "(weekdays and intervals kept).",
        ),
    ] = False,
    today: TodayOption = None,
    db: DbOption = None,
) -> None:
    """Write de-identified research tables as CSV and Parquet, with a data dictionary.

    One table per entity (people, walks, check-ins, weeks, referrals, alerts); people are
    pseudonymised afresh in each export; no names, e-mail addresses or notes.
    """
    from walkrx.services import tables
    from walkrx.services.access import Actor
    from walkrx.storage import UnitOfWork

    database = open_db(db)
    with _progress() as progress:
        done = tables.export_tables(
            UnitOfWork(database),
            Actor.console(),
            out,
            clinic_id=clinic,
            shift_dates=shift_dates,
            today=parse_date(today, "--today"),
            progress=progress,
        )
    counts = ", ".join(f"{table} {rows:,}" for table, rows in done.rows.items())
    whose = f"clinic {clinic}'s current patients" if clinic is not None else "the database"
    people = "1 person" if done.people == 1 else f"{done.people:,} people"
    typer.echo(f"Wrote the research tables of {people} ({whose}) to {done.folder}")
    typer.echo(f"  rows: {counts}")
    typer.echo("  each table as .csv and .parquet; columns, units and codes: data_dictionary.md")
    if done.shifted:
        typer.echo("  dates shifted per person by whole weeks (weekdays and intervals kept)")
    else:
        typer.echo("  dates as recorded (--shift-dates moves each person's by whole weeks)")
