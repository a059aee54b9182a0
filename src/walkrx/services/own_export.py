"""The person's own export (issue 12): everything walkrx holds about them, as one zip.

Who may: the walker (their own account and program) and the console, exactly as for erasure
(`services.erasure.own_data_of`); a clinician or administrator gets the not-found of a program
they cannot see, even for a patient they follow (they have the FHIR export for their care).

What the zip holds (`walkrx.reports.own_data` writes it): the FHIR R4 Bundle (the pure builder of
`walkrx.reports.fhir`, fed as `services.exports.export_fhir` feeds it), the research tables for
this person alone with their real dates and their program's name instead of a pseudonym, the
original device files, the account's data, and every stored row about them: the rows an erasure
would remove (`UnitOfWork.erasure.held`), so that the export is as complete as the erasure,
without password hashes, token or code digests. docs/privacy.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from walkrx.domain.model import Person
from walkrx.domain.review import clinician_pause_on
from walkrx.reports import fhir
from walkrx.reports.own_data import ACCOUNT, FHIR, RECORDS, OwnDataAbout, OwnDataZip
from walkrx.services.access import Actor
from walkrx.services.erasure import own_data_of
from walkrx.services.program import Program, read_program
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser
from walkrx.storage.erasure import Whose

# The account's own tables go to account.json; every other row about the person to records.json.
ACCOUNT_TABLES = {
    "users": "account",
    "sessions": "sessions",
    "api_tokens": "api_tokens",
    "login_attempts": "sign_in_attempts",
    "care_links": "care_links",
    "clinic_patients": "clinics",
    "clinic_members": "clinic_memberships",
}


@dataclass(frozen=True)
class OwnExport:
    """What went into the zip."""

    names: tuple[str, ...]  # the zip's files, in order
    walks: int  # walks in the FHIR Bundle and the tables
    device_files: int
    email: str | None
    name: str | None


def export_all(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int | None,
    out: IO[bytes],
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> OwnExport:
    """Write everything walkrx holds about this program and its account (for a walker, `None`:
    their account without a program) into `out` as one zip; `today` is the day the weeks are
    reviewed up to (default: the person's today)."""
    # pyarrow comes with the research tables' module: loaded when an export runs, not when the
    # web app starts
    from walkrx.reports.tables import AlertFacts, PersonFacts, person_rows  # noqa: PLC0415

    moment = now or datetime.now(UTC)
    with uow.read():
        person, account = own_data_of(uow, actor, person_id, "exported")
        held = uow.erasure.held(
            Whose(
                person_id=None if person is None else person.id,
                user_id=None if account is None else account.id,
                email=None if account is None else account.email,
            )
        )
        account_json = _account(uow, held, account)
        records = {table: rows for table, rows in held.items() if table not in ACCOUNT_TABLES}
        prog = None if person is None else read_program(uow, person, today)
        table_rows: dict[str, list[Any]] = {}
        if person is not None and prog is not None:
            assert person.id is not None
            alerts = [
                AlertFacts(a.kind, a.day, a.walk_id, a.checkin_id, a.codes, a.raised_at, a.acked_at)
                for a in uow.alerts.of_person(person.id)
            ]
            facts = PersonFacts(person, prog.protocol, prog.diary, prog.reviews, prog.today, alerts)
            table_rows = person_rows(facts, person.name, timedelta(0))
        files = [] if person is None or person.id is None else uow.files.list(person.id)
        about = OwnDataAbout(
            generated=moment,
            name=None if person is None else person.name,
            email=None if account is None else account.email,
            table_rows={t: len(rows) for t, rows in table_rows.items()},
            device_files=sum(1 for f in files if f.size_bytes),
        )
        with OwnDataZip(out, moment) as archive:
            archive.add_readme(about)
            if person is not None and prog is not None:
                archive.add_json(FHIR, _bundle(person, prog, account, moment))
                archive.add_tables(table_rows)
                for info in files:
                    stored = uow.files.get(person.id or 0, info.id)
                    if stored is not None and stored.content:  # files over the size kept: none
                        archive.add_device_file(info.id, info.filename, stored.content)
            archive.add_json(ACCOUNT, account_json)
            archive.add_json(RECORDS, records)
    return OwnExport(
        names=tuple(archive.names),
        walks=0 if prog is None else len(prog.diary.walks),
        device_files=about.device_files,
        email=about.email,
        name=about.name,
    )


def _bundle(
    person: Person, prog: Program, account: StoredUser | None, moment: datetime
) -> dict[str, Any]:
    """The whole program as a FHIR R4 Bundle: what `services.exports.export_fhir` builds with no
    dates chosen and no pseudonyms (a use case does not call another: decision 0006)."""
    records = fhir.ExportRecords(
        person=person,
        protocol=prog.protocol,
        walks=tuple(sorted(prog.diary.walks, key=lambda w: w.start)),
        reviews=tuple(prog.reviews),
        week=prog.current_week,
        prescription=prog.protocol.prescription(prog.position),
        paused=bool(prog.open_flags()) or clinician_pause_on(prog.diary, prog.today) is not None,
        email=None if account is None else account.email,
        followups=tuple(prog.diary.followups),  # answers after the program (issue 13)
    )
    options = fhir.ExportOptions(
        generated=moment,
        pseudonymous=False,
        seed=f"person/{person.id}" if person.id is not None else secrets.token_hex(16),
    )
    return fhir.build_bundle(records, options)


def _account(
    uow: UnitOfWork, held: dict[str, list[dict[str, Any]]], account: StoredUser | None
) -> dict[str, Any]:
    """account.json: the account's rows, with the names of the clinicians and clinics they
    refer to."""
    data: dict[str, Any] = {key: held.get(table, []) for table, key in ACCOUNT_TABLES.items()}
    users = data.pop("account")
    data = {"account": users[0] if users else None, **data}
    clinics: dict[int, str | None] = {}

    def clinic_name(clinic_id: int | None) -> str | None:
        if clinic_id is None:
            return None
        if clinic_id not in clinics:
            found = uow.clinics.get(clinic_id)
            clinics[clinic_id] = None if found is None else found.name
        return clinics[clinic_id]

    for link in data["care_links"]:
        clinician = uow.users.get(link["clinician_id"])
        link["clinician"] = (
            None if clinician is None else {"name": clinician.name, "email": clinician.email}
        )
        link["clinic"] = clinic_name(link["clinic_id"])
    for shared in (*data["clinics"], *data["clinic_memberships"]):
        shared["clinic"] = clinic_name(shared["clinic_id"])
    if account is None:
        data["note"] = "this program was made at the command line: it has no account"
    return data
