"""Erasure (issue 12), on SQLite and PostgreSQL: a person with everything walkrx can hold about
them (walks from a real device file, check-ins, clearings, a clinician, a clinic, alerts, pauses,
audit events, sessions, tokens, sign-in attempts, invitations) is erased; table by table no row of
theirs is left and a second person's rows are untouched; on SQLite neither the database file nor
its write-ahead log holds their e-mail address, name, note or file bytes any more. Only the person
or the console may erase; a wrong confirmation erases nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select

from walkrx.errors import ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services import accounts, care, clinics, diary, erasure, imports, onboarding, program
from walkrx.services.access import Actor, person_for
from walkrx.services.accounts import User
from walkrx.services.followup import FollowUpEntry, finish_program, record_followup
from walkrx.services.pausing import pause_program
from walkrx.services.sharing import leave_clinic
from walkrx.storage import Database, UnitOfWork
from walkrx.storage.rows import Base

FIT = Path(__file__).resolve().parents[1] / "data" / "fit"
HRM = FIT / "muktihari__HrmPluginTestActivity.fit"
FENIX_WALK = FIT / "fitparse__garmin-fenix-5-walk.fit"
START = date(2017, 1, 2)
PASSWORD = "a long test password 1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ZEB_EMAIL = "zebediah.q@example.org"
ZEB_NAME = "Zebediah Quartermaine"
ZEB_NOTE = "my left knee hummed the Marseillaise"
ZEB_CLEARING = "Dr checked the numb toe: a tight shoe"

# Columns that point at a program or an account (by foreign key, or plain ids on the audit trail).
PERSON_COLUMNS = {"person_id"}
USER_COLUMNS = {"user_id", "actor_user_id", "patient_user_id", "clinician_id", "acked_by"}


@dataclass
class World:
    zeb: User
    zeb_person: int
    ann: User
    ann_person: int
    dr: User
    admin: User


def _account(db: Database, email: str, role: str, name: str | None = None) -> User:
    return accounts.sign_up(
        UnitOfWork(db),
        email=email,
        password=PASSWORD,
        name=name or email.split("@", maxsplit=1)[0],
        role=role,
    )


def _walker(db: Database, email: str, name: str) -> tuple[User, int]:
    walker = _account(db, email, "walker", name)
    person = program.new_person(name=name, start=START, age=45, timezone="Europe/London")
    at = datetime.combine(START, time(8, 0), tzinfo=UTC)
    walker = onboarding.complete_onboarding(UnitOfWork(db), walker.id, person, (), at)
    assert walker.person_id is not None
    return walker, walker.person_id


def _fill(
    db: Database,
    world_dr: User,
    clinic_id: int,
    walker: User,
    person_id: int,
    *,
    file: Path,
    note: str,
    clearing: str,
) -> None:
    """Walks (a real file and one by hand), check-ins, a clearing, sharing, tokens, sign-ins."""
    me = Actor.user(walker.id, client="198.51.100.7")
    outcome = imports.import_path(UnitOfWork(db), me, person_id, file, now=NOW)
    assert outcome.stored, outcome
    diary.log_walk(
        UnitOfWork(db),
        me,
        person_id,
        diary.WalkEntry(minutes=30, day=date(2017, 1, 4), pain_during=9, notes=note),
        now=NOW,
    )
    diary.record_checkin(
        UnitOfWork(db),
        me,
        person_id,
        diary.CheckInEntry(day=date(2017, 1, 5), morning_pain=4, red_flags=("saddle_numbness",)),
        now=NOW,
    )
    diary.clear_flags(UnitOfWork(db), me, person_id, date(2017, 1, 5), clearing, "Dr", now=NOW)
    # a clinician of their own, and a clinic
    alone = care.invite(UnitOfWork(db), world_dr.id, walker.email, now=NOW)
    care.accept_invitation(UnitOfWork(db), me, alone.code, now=NOW)
    to_clinic = care.invite(UnitOfWork(db), world_dr.id, walker.email, clinic_id=clinic_id, now=NOW)
    care.accept_invitation(UnitOfWork(db), me, to_clinic.code, now=NOW)
    # the clinician reads and pauses the program: audit events about them, a pause
    dr = Actor.user(world_dr.id, client="203.0.113.5")
    program.load_program(UnitOfWork(db), dr, person_id, date(2017, 1, 6))
    pause_program(UnitOfWork(db), dr, person_id, "off to the physio first", today=date(2017, 1, 6))
    # finished, and a follow-up answered after it (issue 13)
    finish_program(UnitOfWork(db), dr, person_id, date(2017, 1, 6), today=date(2017, 2, 20))
    followup = FollowUpEntry(True, date(2017, 2, 20), date(2017, 2, 14), True, 60)
    record_followup(UnitOfWork(db), me, person_id, followup, today=date(2017, 2, 20), now=NOW)
    # sessions, a failed sign-in, an API token
    accounts.sign_in(UnitOfWork(db), email=walker.email, password=PASSWORD, client="198.51.100.7")
    with pytest.raises(ForbiddenError):
        accounts.sign_in(UnitOfWork(db), email=walker.email, password="wrong password!", client="x")
    accounts.create_api_token(UnitOfWork(db), walker.id, "my phone")


def _world(db: Database) -> World:
    dr = _account(db, "dr@clinic.example", "clinician")
    admin = _account(db, "boss@clinic.example", "clinician")
    clinic = clinics.create_clinic(UnitOfWork(db), Actor.user(admin.id), "Riverside")
    clinics.add_member(UnitOfWork(db), Actor.user(admin.id), clinic.id, dr.email, "clinician")
    other = clinics.create_clinic(UnitOfWork(db), Actor.user(admin.id), "Hillside")
    zeb, zeb_person = _walker(db, ZEB_EMAIL, ZEB_NAME)
    ann, ann_person = _walker(db, "ann@example.org", "Ann Other")
    _fill(db, dr, clinic.id, zeb, zeb_person, file=HRM, note=ZEB_NOTE, clearing=ZEB_CLEARING)
    _fill(db, dr, clinic.id, ann, ann_person, file=FENIX_WALK, note="fine", clearing="ok")
    # Zeb joined a second clinic and left it again (events by their account), and has an
    # invitation waiting from the administrator (a care link to their address alone)
    joined = care.invite(UnitOfWork(db), admin.id, ZEB_EMAIL, clinic_id=other.id, now=NOW)
    care.accept_invitation(UnitOfWork(db), Actor.user(zeb.id), joined.code, now=NOW)
    leave_clinic(UnitOfWork(db), Actor.user(zeb.id), other.id, now=NOW)
    care.invite(UnitOfWork(db), admin.id, ZEB_EMAIL, now=NOW)
    return World(zeb, zeb_person, ann, ann_person, dr, admin)


def _rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    with db.engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


def _refers(table: Table, row: dict[str, Any], person_id: int, user: User) -> list[str]:
    """The reasons a row belongs to this person or account (empty: it does not): their ids, or
    (for Zeb) their e-mail address, name, texts or file anywhere in it."""
    texts = (user.email, user.name) + ((ZEB_NOTE, ZEB_CLEARING) if user.email == ZEB_EMAIL else ())
    blob = HRM.read_bytes()[1000:1064] if user.email == ZEB_EMAIL else None
    found = []
    for column in table.columns:
        value = row[column.name]
        targets = {fk.column.table.name for fk in column.foreign_keys}
        if (column.name in PERSON_COLUMNS or "people" in targets) and value == person_id:
            found.append(column.name)
        if (column.name in USER_COLUMNS or "users" in targets) and value == user.id:
            found.append(column.name)
        if isinstance(value, str) and any(s.lower() in value.lower() for s in texts):
            found.append(column.name)
        if isinstance(value, bytes) and blob is not None and blob in value:
            found.append(column.name)
    if table.name == "people" and row["id"] == person_id:
        found.append("id")
    if table.name == "users" and row["id"] == user.id:
        found.append("id")
    return found


def _of(rows: dict[str, list[dict[str, Any]]], person_id: int, user: User) -> dict[str, list[Any]]:
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    return {
        name: [row for row in table_rows if _refers(tables[name], row, person_id, user)]
        for name, table_rows in rows.items()
    }


def _sqlite_bytes(db: Database) -> bytes:
    path = Path(str(db.url.database))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


SECRETS = (ZEB_EMAIL, ZEB_NAME, ZEB_NOTE, ZEB_CLEARING)


def test_erasure_leaves_no_row_and_no_byte_of_theirs(database: Database) -> None:
    world = _world(database)
    before = _rows(database)
    zeb_before = _of(before, world.zeb_person, world.zeb)
    held = {name for name, rows in zeb_before.items() if rows}
    every_table = {t.name for t in Base.metadata.sorted_tables}
    # clinics hold nobody's data; a clinic's members are clinicians, never a walker's account
    assert held == every_table - {"clinics", "clinic_members"}, "they should be everywhere"
    ann_before = _of(before, world.ann_person, world.ann)
    sqlite = database.engine.dialect.name == "sqlite"
    if sqlite:  # the scan below can see them: they are there before
        stored = _sqlite_bytes(database)
        assert all(s.encode() in stored for s in SECRETS)

    me = Actor.user(world.zeb.id, client="198.51.100.7")
    preview = erasure.erasure_preview(UnitOfWork(database), me, world.zeb_person)
    assert (preview.email, preview.name, preview.confirm_with) == (ZEB_EMAIL, ZEB_NAME, "email")
    done = erasure.erase(UnitOfWork(database), me, world.zeb_person, " Zebediah.Q@Example.org ")

    assert done.rows == preview.rows
    assert done.rows == {name: len(rows) for name, rows in zeb_before.items() if rows}
    assert done.scrubbed.done, done.scrubbed
    after = _rows(database)
    left = {name: rows for name, rows in _of(after, world.zeb_person, world.zeb).items() if rows}
    assert left == {}
    assert _of(after, world.ann_person, world.ann) == ann_before  # the other person untouched
    for name, rows in after.items():  # and nothing else went but Zeb's rows
        gone = len(before[name]) - len(rows)
        assert gone == done.rows.get(name, 0) - (1 if name == "audit_events" else 0)
    erased = [e for e in after["audit_events"] if e["action"] == "erased"]
    assert len(erased) == 1
    assert erased[0]["detail"] == done.erasure_id and len(done.erasure_id) == 32
    assert erased[0]["person_id"] is None and erased[0]["actor_user_id"] is None
    assert erased[0]["client"] is None and erased[0]["at"].time() == time(0)
    assert erased[0]["at"].date() == done.on
    if sqlite:
        stored = _sqlite_bytes(database)
        for secret in SECRETS:
            assert secret.encode() not in stored, f"{secret!r} is still in the file or its log"
        assert HRM.read_bytes()[1000:1064] not in stored
        assert b"Ann Other" in stored  # the scan reads live data: the other person is there
        wal = Path(str(database.url.database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    # signed out everywhere: the account and its sessions are gone
    with pytest.raises(ForbiddenError):
        accounts.sign_in(UnitOfWork(database), email=ZEB_EMAIL, password=PASSWORD, client="x")


def test_a_clinician_cannot_erase_a_patient_even_a_linked_one(database: Database) -> None:
    """The clinician, the clinic's administrator and another walker get the answer of a program
    they cannot see; the patient's program is still there."""
    world = _world(database)
    for user in (world.dr, world.admin, world.ann):
        with pytest.raises(NotFoundError):
            erasure.erase(UnitOfWork(database), Actor.user(user.id), world.zeb_person, ZEB_EMAIL)
        with pytest.raises(NotFoundError):
            erasure.erasure_preview(UnitOfWork(database), Actor.user(user.id), world.zeb_person)
    with pytest.raises(ForbiddenError):  # nor their own account, here
        erasure.erase(UnitOfWork(database), Actor.user(world.dr.id), None, world.dr.email)
    with UnitOfWork(database) as uow:
        assert person_for(uow, Actor.console(), world.zeb_person, write=False).name == ZEB_NAME


def test_a_wrong_confirmation_erases_nothing(database: Database) -> None:
    world = _world(database)
    before = _rows(database)
    me = Actor.user(world.zeb.id)
    for wrong in ("", "ann@example.org", ZEB_NAME):
        with pytest.raises(InvalidInputError) as refused:
            erasure.erase(UnitOfWork(database), me, world.zeb_person, wrong)
        assert refused.value.field == "confirm"
    with pytest.raises(InvalidInputError):  # the console confirms with the name or id
        erasure.erase(UnitOfWork(database), Actor.console(), world.zeb_person, "Zeb")
    assert _rows(database) == before


def test_the_console_erases_a_program_with_or_without_an_account(database: Database) -> None:
    world = _world(database)
    made = program.create_program(
        UnitOfWork(database), program.new_person(name="Cy", start=START, age=60, timezone="UTC")
    )
    assert made.id is not None
    done = erasure.erase(UnitOfWork(database), Actor.console(), made.id, "Cy")
    assert done.rows == {"people": 1, "zone_settings": 1} or "people" in done.rows
    by_id = erasure.erase(
        UnitOfWork(database), Actor.console(), world.zeb_person, str(world.zeb_person)
    )
    assert by_id.rows["users"] == 1 and by_id.rows["people"] == 1
    with UnitOfWork(database) as uow:
        assert uow.people.get(made.id) is None and uow.users.get(world.zeb.id) is None
        assert uow.users.get(world.ann.id) is not None


def test_a_walker_without_a_program_erases_their_account(database: Database) -> None:
    walker = _account(database, "dee@example.org", "walker")
    preview = erasure.erasure_preview(UnitOfWork(database), Actor.user(walker.id), None)
    assert preview.person_id is None and preview.rows["users"] == 1
    done = erasure.erase(UnitOfWork(database), Actor.user(walker.id), None, "dee@example.org")
    assert done.rows["users"] == 1 and "people" not in done.rows
    with UnitOfWork(database) as uow:
        assert uow.users.by_email("dee@example.org") is None
