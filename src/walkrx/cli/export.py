"""`walkrx export ...`: a program for other systems. This module holds the sub-app `export_app`
and `walkrx export fhir` (issue 12: a FHIR R4 Bundle); `walkrx export tables` (the research
tables) lives in `walkrx.cli.export_tables` and is registered on `export_app` by `walkrx.cli.app`.

The export service and rich are imported inside the command, so that `walkrx --help` and the
other commands start at once (docs/performance.md, CLI start-up). A FHIR export of three years
of walks takes about half a second (docs/fhir.md), longer ones more: on a terminal a spinner on
stderr says what is under way; nothing is shown when output is piped or in CI.
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from walkrx.cli.common import DbOption, PersonOption, TodayOption, console, parse_date

export_app = typer.Typer(
    help="Export programs: FHIR R4, research tables, or everything about a person.",
    no_args_is_help=True,
)


@contextmanager
def _status() -> Iterator[Callable[[str], None]]:
    """A transient spinner on stderr when it is a terminal; a no-op otherwise."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console

    with Console(stderr=True).status("Reading the program...", spinner="dots") as status:

        def say(text: str) -> None:
            status.update(text)

        yield say


@export_app.command("fhir")
def fhir(
    out: Annotated[
        Path, typer.Option("--out", help="The JSON file to write (- for standard output).")
    ],
    start: Annotated[
        str | None, typer.Option("--from", help="First date to include (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last date to include (YYYY-MM-DD).")
    ] = None,
    pseudonymous: Annotated[
        bool,
        typer.Option(help="Leave out the name, e-mail, identifiers and notes; unlinkable ids."),
    ] = False,
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
) -> None:
    """Write the program as a FHIR R4 Bundle (codes and sources: docs/fhir.md).

    The person, each walk with its pain ratings, the weekly target-zone minutes and reviews,
    and the prescription in force as a care plan with goals.
    """
    import json

    from walkrx.services import exports

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    target = console(db, person)
    with _status() as say:
        done = exports.export_fhir(
            target.uow(),
            target.actor,
            target.person_id,
            start=first,
            end=last,
            pseudonymous=pseudonymous,
            today=parse_date(today, "--today"),
        )
        say(f"Writing {done.walks} walks...")
        text = json.dumps(done.bundle, ensure_ascii=False, separators=(",", ":")) + "\n"
        if str(out) != "-":
            out.write_text(text, encoding="utf-8")
    if str(out) == "-":
        typer.echo(text, nl=False)
        return
    kind = "pseudonymous FHIR R4 Bundle" if done.pseudonymous else "FHIR R4 Bundle"
    typer.echo(
        f"Wrote {out}: a {kind} with {done.walks} walk{'' if done.walks == 1 else 's'} and "
        f"{done.weeks} reviewed week{'' if done.weeks == 1 else 's'}."
    )
