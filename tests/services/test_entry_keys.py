"""Entries with a client key are stored once (issue 14), on SQLite and PostgreSQL: the same key
again returns the stored entry, also when the repeats race each other; keys are per person."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import pytest

from walkrx.errors import InvalidInputError
from walkrx.services import accounts, diary, onboarding, program
from walkrx.services.access import Actor
from walkrx.storage import Database, UnitOfWork

START = date(2026, 3, 2)
NOW_DAY = START + timedelta(days=10)


def _walker(db: Database, email: str) -> int:
    user = accounts.sign_up(
        UnitOfWork(db), email=email, password="a long test password 1", name=email, role="walker"
    )
    person = program.new_person(name=email, start=START, age=50, timezone="UTC")
    done = onboarding.complete_onboarding(UnitOfWork(db), user.id, person, ())
    assert done.person_id is not None
    return done.person_id


def _walk(key: str | None, minutes: float = 20) -> diary.WalkEntry:
    return diary.WalkEntry(minutes=minutes, day=START + timedelta(days=2), pain_before=2, key=key)


def _walks(db: Database, person_id: int) -> list[object]:
    return list(diary.list_walks(UnitOfWork(db), Actor.console(), person_id))


def test_a_walk_sent_twice_with_its_key_is_stored_once(database: Database) -> None:
    person = _walker(database, "keys@example.org")
    key = str(uuid.uuid4())
    first = diary.log_walk(UnitOfWork(database), Actor.console(), person, _walk(key))
    again = diary.log_walk(UnitOfWork(database), Actor.console(), person, _walk(key, 35))
    assert not first.replayed
    assert again.replayed
    assert again.walk.id == first.walk.id
    assert again.walk.minutes == 20  # the first entry stands; what the repeat says is not stored
    assert len(_walks(database, person)) == 1
    other = diary.log_walk(UnitOfWork(database), Actor.console(), person, _walk(None))
    assert not other.replayed
    assert len(_walks(database, person)) == 2


def test_keys_belong_to_one_person(database: Database) -> None:
    """The same key from two people is two entries: nobody sees another's walk through a key."""
    ann = _walker(database, "ann-keys@example.org")
    bob = _walker(database, "bob-keys@example.org")
    key = str(uuid.uuid4())
    mine = diary.log_walk(UnitOfWork(database), Actor.console(), ann, _walk(key))
    theirs = diary.log_walk(UnitOfWork(database), Actor.console(), bob, _walk(key))
    assert not theirs.replayed
    assert theirs.walk.id != mine.walk.id


def test_a_check_in_sent_twice_is_stored_once_with_its_red_flag(database: Database) -> None:
    person = _walker(database, "checkin-keys@example.org")
    key = uuid.uuid4().hex
    entry = diary.CheckInEntry(
        day=START + timedelta(days=3), morning_pain=3, red_flags=("night_pain",), key=key
    )
    first = diary.record_checkin(UnitOfWork(database), Actor.console(), person, entry)
    again = diary.record_checkin(UnitOfWork(database), Actor.console(), person, entry)
    assert again.replayed and not first.replayed
    assert again.checkin.id == first.checkin.id
    assert again.tier == first.tier is not None  # the advice comes back with the replay too
    with UnitOfWork(database).read() as uow:
        checkins = [c for c in uow.checkins.list(person) if c.morning_pain == 3]
    assert len(checkins) == 1


@pytest.mark.parametrize("bad", ["short", "has space in it", "x" * 65, "semi;colon-key"])
def test_a_malformed_key_is_refused(database: Database, bad: str) -> None:
    person = _walker(database, "bad-keys@example.org")
    with pytest.raises(InvalidInputError) as refused:
        diary.log_walk(UnitOfWork(database), Actor.console(), person, _walk(bad))
    assert refused.value.field == "entry_key"
    assert _walks(database, person) == []


def test_racing_repeats_of_one_key_store_one_walk(database: Database) -> None:
    """Eight threads send the same entry at once (a phone retrying while the first request is
    still running): one walk is stored and every answer names it."""
    person = _walker(database, "race@example.org")
    key = str(uuid.uuid4())
    barrier = threading.Barrier(8)
    answers: list[int | None] = []
    errors: list[BaseException] = []

    def send() -> None:
        barrier.wait()
        try:
            logged = diary.log_walk(UnitOfWork(database), Actor.console(), person, _walk(key))
            answers.append(logged.walk.id)
        except BaseException as error:  # collected: a failure in a thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(answers) == 8 and len(set(answers)) == 1
    assert len(_walks(database, person)) == 1


def test_activities_named_at_a_check_in_are_kept(database: Database) -> None:
    """The functional scale's activities are the person's: named once, kept for the next
    check-ins; ratings cannot outnumber them."""
    person = _walker(database, "psfs@example.org")
    day = START + timedelta(days=1)
    named = ("putting on socks", "  lifting   shopping ", "sitting through a film")
    diary.record_checkin(
        UnitOfWork(database),
        Actor.console(),
        person,
        diary.CheckInEntry(day=day, psfs=(4, 5, 3), activities=named),
    )
    prog = program.load_program(UnitOfWork(database), Actor.console(), person, NOW_DAY)
    assert prog.person.activities == (
        "putting on socks",
        "lifting shopping",
        "sitting through a film",
    )
    with pytest.raises(InvalidInputError, match="4 ratings for 3 activities"):
        diary.record_checkin(
            UnitOfWork(database),
            Actor.console(),
            person,
            diary.CheckInEntry(day=day, psfs=(4, 5, 3, 6)),
        )
