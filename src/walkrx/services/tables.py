"""Research tables (issue 12): a database's or a clinic's programs as de-identified tables.

`export_tables` writes one table per entity (people, walks, check-ins, weeks, referrals, alerts)
as CSV and Parquet with a data dictionary (`walkrx.reports.tables`), one person at a time: it
reads a person's program, writes its rows and lets it go, so memory stays bounded however many
people there are.

Who may export whom:
- the console (whoever can open the database file owns it) every program in its database, or
  one clinic's patients;
- a clinic's administrator that clinic's patients; anyone else is refused.
A clinic's export covers the walkers who share their program with the clinic now: that sharing,
which the walker starts and can stop at any time, is their consent. Each patient read for a
clinic's administrator goes on the audit trail (`export_tables`, with the clinic), as every access
by someone else does; the console's own commands are not recorded (decision 0007).

People appear in the order of their pseudonyms, which says nothing of their names or of when they
joined. The export's key is drawn here (`secrets`) and dropped when the export ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from walkrx.errors import ConflictError, ForbiddenError, NotFoundError
from walkrx.reports.tables import (
    ROW_GROUP_ROWS,
    AlertFacts,
    Deidentifier,
    ExportAbout,
    PersonFacts,
    TableWriter,
    file_names,
    person_rows,
)
from walkrx.services.access import Actor, hidden
from walkrx.services.program import read_program
from walkrx.storage import UnitOfWork
from walkrx.storage.clinic import AuditEvent

ACTION = "export_tables"
KEY_BYTES = 32

Progress = Callable[[int, int], None]  # (people written, people in the export)


@dataclass(frozen=True)
class TablesExport:
    """What an export wrote: where, for how many people, how many rows per table."""

    folder: Path
    people: int
    rows: dict[str, int]
    files: tuple[Path, ...]
    shifted: bool
    clinic_id: int | None


def export_tables(
    uow: UnitOfWork,
    actor: Actor,
    folder: Path,
    *,
    clinic_id: int | None = None,
    shift_dates: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    row_group_rows: int | None = None,
) -> TablesExport:
    """Write the research tables of every program the actor may export, or of one clinic's
    current patients, into `folder` (created if need be; files already there are not replaced).

    `today` is the day the weeks are reviewed up to (default: each person's local today).
    """
    existing = [name for name in file_names() if (folder / name).exists()]
    if existing:
        raise ConflictError(
            f"{folder} already holds an export ({', '.join(existing[:3])}...): choose an empty "
            "folder, or move those files away first"
        )
    moment = now or datetime.now(UTC)
    deid = Deidentifier(secrets.token_bytes(KEY_BYTES), shift_dates=shift_dates)
    with uow.read():
        scope, person_ids = _whom(uow, actor, clinic_id)
        person_ids.sort(key=deid.pseudonym)
        with TableWriter(folder, row_group_rows=row_group_rows or ROW_GROUP_ROWS) as writer:
            for done, person_id in enumerate(person_ids, 1):
                person = uow.people.get(person_id)
                if person is None:  # deleted while we read: nothing to export
                    continue
                if actor.user_id is not None:
                    _audit(uow, actor, person_id, clinic_id, moment)
                program = read_program(uow, person, today)
                alerts = [
                    AlertFacts(
                        a.kind, a.day, a.walk_id, a.checkin_id, a.codes, a.raised_at, a.acked_at
                    )
                    for a in uow.alerts.of_person(person_id)
                ]
                facts = PersonFacts(
                    person,
                    program.protocol,
                    program.diary,
                    program.reviews,
                    program.today,
                    alerts,
                )
                writer.add(person_rows(facts, deid.pseudonym(person_id), deid.shift(person_id)))
                if progress is not None:
                    progress(done, len(person_ids))
            about = ExportAbout(
                people=len(person_ids),
                scope=scope,
                shifted=shift_dates,
                made_on=None if shift_dates else moment.date(),
            )
            files = writer.finish(about)
            rows = dict(writer.counts)
    return TablesExport(folder, len(person_ids), rows, tuple(files), shift_dates, clinic_id)


def _whom(uow: UnitOfWork, actor: Actor, clinic_id: int | None) -> tuple[str, list[int]]:
    """In words, whose programs the actor exports, and their ids; refuses anyone else."""
    if clinic_id is None:
        if actor.user_id is not None:
            raise ForbiddenError(
                "only the database's owner exports every program; choose a clinic you administer"
            )
        ids = [p.id for p in uow.people.list() if p.id is not None]
        return "every program in the database", ids
    clinic = uow.clinics.get(clinic_id)
    if actor.user_id is not None:
        account = uow.users.get(actor.user_id)
        role = (
            uow.clinics.role_of(clinic_id, account.id)
            if account is not None and account.role == "clinician" and clinic is not None
            else None
        )
        if role is None:
            raise _no_clinic(clinic_id)
        if role != "admin":
            raise ForbiddenError(
                "only the clinic's administrators export its patients' data; ask one of them"
            )
    if clinic is None:
        raise _no_clinic(clinic_id)
    ids = [
        p.id
        for p in uow.people.list()
        if p.id is not None and any(c.id == clinic_id for c in uow.clinics.of_patient(p.id))
    ]
    return "the patients who share their program with the clinic now", ids


def _no_clinic(clinic_id: int) -> NotFoundError:
    return NotFoundError(
        f"no clinic {clinic_id} is yours to export; choose one of your clinics", kind="clinic"
    )


def _audit(
    uow: UnitOfWork, actor: Actor, person_id: int, clinic_id: int | None, now: datetime
) -> None:
    """A clinic's administrator read this patient's program for an export: on the trail."""
    account = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if account is None or clinic_id is None:  # checked by `_whom`; never reached
        raise hidden(person_id)
    uow.record(
        AuditEvent(
            at=now,
            actor_user_id=account.id,
            actor=account.email,
            role="admin",
            via=actor.via,
            client=actor.client,
            person_id=person_id,
            clinic_id=clinic_id,
            action=ACTION,
            detail="research tables",
        )
    )
