"""`walkrx export all --out FILE.zip`: everything walkrx holds about a person, in one zip.

Issue 12: the FHIR R4 Bundle, the research tables for them alone (real dates, no pseudonym), the
original device files, the account's data and every stored row about them, with a README.txt
saying what each file is (docs/privacy.md). Registered on `export_app` by `walkrx.cli.app`; the
service is imported inside the command, so that `walkrx --help` stays quick (docs/performance.md).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walkrx.cli.common import DbOption, PersonOption, TodayOption, console, parse_date


def export_all(
    out: Annotated[Path, typer.Option("--out", help="The zip file to write.")],
    db: DbOption = None,
    person: PersonOption = None,
    today: TodayOption = None,
) -> None:
    """Write everything walkrx holds about a person as one zip: the FHIR Bundle, their tables,
    the original device files, their account and every stored record (docs/privacy.md)."""
    from walkrx.services import own_export

    target = console(db, person)
    part = out.with_name(out.name + ".part")
    try:
        with part.open("wb") as handle:
            done = own_export.export_all(
                target.uow(),
                target.actor,
                target.person_id,
                handle,
                today=parse_date(today, "--today"),
            )
        part.replace(out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    walks = f"{done.walks} walk{'' if done.walks == 1 else 's'}"
    files = f"{done.device_files} device file{'' if done.device_files == 1 else 's'}"
    typer.echo(
        f"Wrote {out}: everything walkrx holds about {done.name}, {walks} and {files} "
        f"included, in {len(done.names)} files (README.txt says what each is)."
    )
