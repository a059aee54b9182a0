"""`walkrx erase --person NAME --yes`: erase a person's program, account and everything about them.

Without `--yes` nothing is erased: the service refuses the missing confirmation and the command
says what would go. The service is imported inside the command, so that `walkrx --help` stays
quick (docs/performance.md, CLI start-up). What erasure removes and keeps: docs/privacy.md.
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from walkrx.cli.common import DbOption, console

if TYPE_CHECKING:
    from walkrx.services.erasure import Erased, ErasurePreview


def erase(
    person: Annotated[
        str, typer.Option("--person", help="Whose program to erase: their name or id.")
    ],
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Erase for good. Without it, only say what would be erased."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Erase a person's program and account, and everything walkrx holds about them, for good."""
    from walkrx.errors import InvalidInputError
    from walkrx.services import erasure

    target = console(db, person)
    try:
        done = erasure.erase(target.uow(), target.actor, target.person_id, person if yes else "")
    except InvalidInputError as refused:
        if refused.field != "confirm":
            raise
        preview = erasure.erasure_preview(target.uow(), target.actor, target.person_id)
        typer.echo(_would_erase(preview))
        typer.echo("error: nothing was erased: add --yes to erase all of this for good", err=True)
        raise typer.Exit(refused.exit_code) from None
    typer.echo(_erased(person, done))
    if not done.scrubbed.done:
        typer.echo(
            "warning: the erased rows are gone, but the space they held could not be overwritten "
            f"yet ({done.scrubbed.problem}); it will be by the database's next clean-up",
            err=True,
        )


def _rows(rows: dict[str, int]) -> list[str]:
    from walkrx.services.erasure import TABLE_WORDS

    return [f"  {TABLE_WORDS.get(table, table)}: {n}" for table, n in sorted(rows.items())]


def _would_erase(preview: ErasurePreview) -> str:
    whose = preview.name or "this person"
    account = f" and account ({preview.email})" if preview.email else " (no account)"
    return "\n".join(
        [f"This would erase, for good, {whose}'s program{account}:", *_rows(preview.rows)]
    )


def _erased(person: str, done: Erased) -> str:
    total = sum(done.rows.values())
    freed = (
        f"The space they held was overwritten ({', '.join(done.scrubbed.steps)})."
        if done.scrubbed.done
        else ""
    )
    lines = [
        f"Erased {person}: {total} records from {len(done.rows)} tables.",
        *_rows(done.rows),
        f"Erasure id {done.erasure_id}, {done.on.isoformat()}: the audit trail keeps this id "
        "and the date, and nothing that names the person.",
    ]
    return "\n".join([*lines, freed] if freed else lines)
