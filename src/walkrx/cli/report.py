"""`walkrx report`: the progress report of one person as a PDF (issue 12).

The report service (and with it fpdf2) is imported inside the command, so that `walkrx --help`
and the other commands do not load it (docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walkrx.cli.common import DbOption, PersonOption, TodayOption, console, parse_date


def report(
    out: Annotated[Path, typer.Option("--out", help="The PDF file to write.")],
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day of the report (YYYY-MM-DD; default: the start)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day of the report (YYYY-MM-DD; default: today)."),
    ] = None,
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
) -> None:
    """Write a PDF progress report: weeks and decisions, zone minutes, pain, flags, charts.

    It covers the weeks that end from --from to --to (default: the whole program so far).
    """
    from walkrx.services.report import report as make_report

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    target = console(db, person)
    pdf = make_report(
        target.uow(),
        target.actor,
        target.person_id,
        first,
        last,
        today=parse_date(today, "--today"),
    )
    out.write_bytes(pdf)
    typer.echo(f"Wrote {out}: a progress report of {len(pdf) // 1024 + 1} KB.")
