"""How to walk (issue 15): `lessons` (the week's short read and the library) and `units` (miles
or kilometres).

Services are imported inside the commands that use them, so that `walkrx --help` and the other
commands start at once (docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

import textwrap
from typing import Annotated

import typer

from walkrx.cli.common import (
    DbOption,
    JsonOption,
    PersonOption,
    TodayOption,
    console,
    load_program,
    print_json,
)
from walkrx.errors import InvalidInputError


def lessons(
    number: Annotated[
        int | None, typer.Argument(help="Read this lesson (default: this week's).")
    ] = None,
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The short reads of your protocol: this week's in full, and the list of all of them."""
    from walkrx.domain.lessons import paragraphs
    from walkrx.services import technique

    prog = load_program(db, person, today)
    library = prog.protocol.lessons
    current = technique.lesson_of_week(prog)
    if as_json:
        print_json(
            {
                "lessons": [
                    {
                        "number": index,
                        "first_week": lesson.first_week,
                        "last_week": lesson.last_week,
                        "title": lesson.title,
                        "text": "\n\n".join(paragraphs(lesson.text)),
                        "sources": list(lesson.sources),
                        "this_week": lesson is current,
                    }
                    for index, lesson in enumerate(library, start=1)
                ]
            }
        )
        return
    if not library:
        typer.echo("Your protocol has no lessons.")
        return
    if number is not None and not 1 <= number <= len(library):
        raise InvalidInputError(f"lessons run from 1 to {len(library)}", field="number")
    chosen = library[number - 1] if number is not None else current
    if chosen is not None:
        typer.echo(chosen.title.upper())
        typer.echo(f"({chosen.weeks} of the protocol)\n")
        for paragraph in paragraphs(chosen.text):
            typer.echo(textwrap.fill(paragraph, 78) + "\n")
        typer.echo("Sources:")
        for source in chosen.sources:
            typer.echo(textwrap.fill(source, 78, initial_indent="  - ", subsequent_indent="    "))
        typer.echo("")
    typer.echo("All lessons ('walkrx lessons N' reads one):")
    for index, lesson in enumerate(library, start=1):
        mark = "  <- this week" if lesson is current else ""
        typer.echo(f"  {index:2}. {lesson.title} ({lesson.weeks}){mark}")


def units(
    choice: Annotated[str, typer.Argument(help="metric (km, km/h) or imperial (miles, mph).")],
    db: DbOption = None,
    person: PersonOption = None,
) -> None:
    """Read distances and speeds in kilometres or in miles (stored figures stay the same)."""
    from walkrx.services import preferences

    target = console(db, person)
    changed = preferences.set_units(target.uow(), target.actor, target.person_id, choice)
    shown = "miles and mph" if changed.units == "imperial" else "kilometres and km/h"
    typer.echo(f"{changed.name} now reads distances and speeds in {shown}.")
