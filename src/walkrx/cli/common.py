"""What every command shares: the --db/--person/--json/--today options and small helpers.

Parsing dates and yes/no answers, loading a person's program, printing JSON. No rules live here.
The services are imported inside the functions that call them, so that `walkrx --help` and the
commands that need no database do not load SQLAlchemy (see docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from walkrx.errors import InvalidInputError, NotFoundError, WalkrxError

if TYPE_CHECKING:
    from walkrx.services.access import Actor
    from walkrx.services.program import Program
    from walkrx.storage import Database, UnitOfWork

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


def parse_date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{label} '{value}' is not a date: use YYYY-MM-DD") from None


def required_date(value: str, label: str) -> date:
    parsed = parse_date(value, label)
    assert parsed is not None
    return parsed


@dataclass(frozen=True)
class Console:
    """The console's owner acting on one person of one database: what every command hands the
    services (decision 0006)."""

    db: Database
    actor: Actor
    person_id: int

    def uow(self) -> UnitOfWork:
        """A new unit of work for one service call."""
        from walkrx.storage import UnitOfWork

        return UnitOfWork(self.db)


def open_db(db: str | None) -> Database:
    """The database named by --db (migrated to the current schema)."""
    from walkrx.services.context import open_database

    return open_database(db)


def console(db: str | None, person: str | None) -> Console:
    """--db and --person read: the database and the id of the person the command is about."""
    from walkrx.services.access import Actor, resolve_person_id
    from walkrx.storage import UnitOfWork

    database = open_db(db)
    return Console(database, Actor.console(), resolve_person_id(UnitOfWork(database), person))


def load_program(db: str | None, person: str | None, today: str | None) -> Program:
    """The person's program as of --today (default: today where they live)."""
    from walkrx.services import program

    target = console(db, person)
    return program.load_program(
        target.uow(), target.actor, target.person_id, parse_date(today, "--today")
    )


# Where a service says which input was wrong, the command line names its option.
OPTIONS = {
    "person": "--person NAME",
    "date": "--date",
    "days": "--days",
    "age": "--age",
    "max_hr": "--max-hr",
    "resting_hr": "--resting-hr",
    "zone_method": "--zone-method",
    "hrmax_formula": "--hrmax-formula",
    "minutes": "--minutes",
    "moving_minutes": "--moving-minutes",
    "distance_km": "--distance-km",
    "distance_mi": "--distance-mi",
    "units": "--units",
    "avg_hr": "--avg-hr",
    "psfs": "--psfs",
    "red_flags": "--red-flag",
    "timezone": "--timezone",
    "name": "--name",
    "start": "--start",
    "goals": "--goal",
    "terrain": "--terrain",
}


def worded(exc: WalkrxError) -> str:
    """A service error as the command line says it: with the option or the command to use."""
    message = exc.message
    if isinstance(exc, NotFoundError) and exc.kind == "any_program":
        return (
            f"{message}: create one with 'walkrx init --name NAME --age N --start YYYY-MM-DD' "
            "(or try 'walkrx demo')"
        )
    if isinstance(exc, NotFoundError) and exc.kind == "walk":
        return f"{message}: 'walkrx walks list' lists them"
    field = getattr(exc, "field", None)
    option = OPTIONS.get(field) if isinstance(field, str) else None
    if option and option.split()[0] not in message:
        return f"{message} ({option})"
    return message


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def yes_no(value: str | None, label: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("yes", "y", "true"):
        return True
    if value.lower() in ("no", "n", "false"):
        return False
    raise InvalidInputError(f"{label} takes yes or no, not '{value}'")
