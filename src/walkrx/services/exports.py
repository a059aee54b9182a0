"""Exports of a person's program for other systems (decision 0006: one use case per export).

Each export reads the program in one read-only unit of work, authorised (and, for anyone but the
walker, recorded on the audit trail) by `person_for` with its own action code, and hands the
records to a pure writer in `walkrx.reports`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from walkrx.domain.review import clinician_pause_on
from walkrx.errors import InvalidInputError
from walkrx.reports import fhir
from walkrx.services.access import Actor, person_for
from walkrx.services.program import read_program
from walkrx.storage import UnitOfWork

# --- FHIR R4 (issue 12) ------------------------------------------------------------------------


@dataclass(frozen=True)
class FhirExport:
    """A FHIR R4 Bundle (a JSON-ready dict) and what went into it."""

    bundle: dict[str, Any]
    walks: int
    weeks: int
    pseudonymous: bool


def check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise InvalidInputError(
            f"the first date ({start}) comes after the last one ({end}): swap them",
            field="from",
        )


def export_fhir(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    pseudonymous: bool = False,
    today: date | None = None,
    now: datetime | None = None,
) -> FhirExport:
    """The program as a FHIR R4 Bundle (docs/fhir.md): the walks whose local date lies from
    `start` to `end` (both included, either open), and the reviewed weeks that end in that span;
    the Patient and the prescription in force today always.

    Pseudonymous: no name, e-mail, telecom, identifier or free-text note, and resource ids drawn
    from a random seed, so that two exports of the same person cannot be linked by their ids.
    """
    check_dates(start, end)
    with uow.read():
        person = person_for(uow, actor, person_id, write=False, action="export_fhir")
        prog = read_program(uow, person, today)
        account = None if pseudonymous else uow.users.by_person(person_id)

    def inside(day: date) -> bool:
        return (start is None or start <= day) and (end is None or day <= end)

    walks = tuple(
        sorted((w for w in prog.diary.walks if inside(w.local_date)), key=lambda w: w.start)
    )
    reviews = tuple(r for r in prog.reviews if inside(r.summary.end))
    records = fhir.ExportRecords(
        person=person,
        protocol=prog.protocol,
        walks=walks,
        reviews=reviews,
        week=prog.current_week,
        prescription=prog.protocol.prescription(prog.position),
        paused=bool(prog.open_flags()) or clinician_pause_on(prog.diary, prog.today) is not None,
        email=account.email if account is not None else None,
        followups=tuple(a for a in prog.diary.followups if inside(a.day)),
    )
    options = fhir.ExportOptions(
        generated=now or datetime.now(UTC),
        pseudonymous=pseudonymous,
        seed=secrets.token_hex(16) if pseudonymous else f"person/{person_id}",
    )
    return FhirExport(fhir.build_bundle(records, options), len(walks), len(reviews), pseudonymous)
