"""A demo person with five weeks of realistic diary data, so a newcomer sees the program working.

The story: week 1 goes well (progress); in week 2 a long walk flares the back (step back to the
ease-in week); week 3 at the gentler dose goes well (progress); week 4 is a busy week with only two
walks (hold); week 5 is on track again (progress). Today falls in week 6.

For the web app, `build_demo_accounts` adds a demo walker account owning that program and a demo
clinician linked to it (fixed demo passwords, printed by `walkrx serve --demo`).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from walkrx.domain.model import CheckIn, Person, Walk
from walkrx.errors import ConflictError
from walkrx.services import accounts
from walkrx.services.context import load_protocol
from walkrx.services.diary import with_diary_figures
from walkrx.services.program import (
    Program,
    new_person,
    person_zones,
    read_program,
    store_new_person,
)
from walkrx.storage import Database, UnitOfWork
from walkrx.storage.accounts import StoredUser

DEMO_NAME = "Demo Walker"
DEMO_TIMEZONE = "Europe/London"


# (week, walks): each walk is (weekday offset within the week, minutes, pain before, peak pain)
_WEEKS: list[list[tuple[int, int, int, int]]] = [
    [(0, 16, 3, 3), (2, 18, 3, 3), (4, 18, 2, 3), (5, 20, 3, 2), (6, 19, 2, 2)],  # progress
    [(0, 20, 2, 3), (2, 22, 3, 3), (4, 20, 3, 4), (5, 38, 2, 7)],  # a flare: step back
    [(0, 14, 3, 3), (2, 15, 3, 3), (4, 16, 2, 2), (6, 15, 2, 2)],  # ease-in, progress
    [(1, 18, 2, 2), (5, 20, 2, 2)],  # a busy week: too little, hold
    [(0, 18, 2, 2), (2, 19, 2, 2), (3, 20, 1, 2), (5, 20, 2, 2), (6, 20, 1, 1)],  # progress
]


def build_demo(uow: UnitOfWork, today: date) -> Program:
    """Create (or recreate) the demo person so that `today` falls in program week 6, and return
    their program as of `today`: one use case, one transaction (the console's `walkrx demo`)."""
    start = today - timedelta(days=7 * len(_WEEKS) + 2)
    with uow:
        existing = uow.people.by_name(DEMO_NAME)
        if existing is not None and existing.id is not None:
            uow.people.delete(existing.id)
        person = store_new_person(
            uow,
            new_person(
                name=DEMO_NAME,
                start=start,
                age=52,
                timezone=DEMO_TIMEZONE,
                resting_hr=64,
                days=(0, 2, 4, 5, 6),
            ),
        )
        assert person.id is not None
        _fill_diary(uow, person, start)
        uow.commit()
        return read_program(uow, person, today)


def _fill_diary(uow: UnitOfWork, person: Person, start: date) -> None:
    """Five weeks of walks and check-ins that tell the story of the module docstring."""
    assert person.id is not None
    rng = random.Random(20260322)  # noqa: S311  (a fixed seed: the demo is the same every time)
    zone = ZoneInfo(DEMO_TIMEZONE)
    protocol = load_protocol(person)
    band = person_zones(person, protocol, start).band_bpm
    for week, walks in enumerate(_WEEKS, start=1):
        for weekday, minutes, before, peak in walks:
            day = start + timedelta(days=7 * (week - 1) + weekday)
            local = datetime.combine(
                day, time(7 + rng.randint(0, 10), rng.choice((0, 15, 30))), tzinfo=zone
            )
            with_hr = rng.random() < 0.7
            avg_hr = float(rng.randint(band[0] + 2, band[1] - 2)) if with_hr else None
            flare = peak >= 6
            walk = Walk(
                id=None,
                start=local.astimezone(UTC),
                timezone=DEMO_TIMEZONE,
                duration_s=minutes * 60,
                moving_s=minutes * 60 - rng.randint(0, 60),
                distance_m=round(minutes * rng.uniform(78, 90)),
                avg_hr=avg_hr,
                max_hr=int(avg_hr + rng.randint(6, 14)) if avg_hr else None,
                effort=rng.randint(3, 5) if not flare else 6,
                pain_before=before,
                pain_during=peak,
                pain_after=max(before, peak - 1),
                pain_next_morning=before + 3 if flare else before,
                terrain="hilly" if flare else "flat",
                talk_test=True,
                notes="Tried a long hilly loop; back tightened on the way home." if flare else "",
                source="diary",
            )
            uow.walks.add(person.id, with_diary_figures(walk, person, protocol))
        for weekday in range(7):
            day = start + timedelta(days=7 * (week - 1) + weekday)
            if rng.random() < 0.6:
                uow.checkins.add(
                    person.id,
                    CheckIn(
                        id=None,
                        day=day,
                        seq=0,
                        morning_pain=5 if week == 2 and weekday == 6 else rng.randint(2, 3),
                        fear_of_movement=False if weekday == 0 else None,
                        psfs=(5, 6, 4) if week == 1 and weekday == 0 else (),
                    ),
                )


DEMO_WALKER = ("demo@walkrx.example", "walk-demo-2026", "Demo Walker")
DEMO_CLINICIAN = ("clinic@walkrx.example", "clinic-demo-2026", "Demo Clinician")


def build_demo_accounts(database: Database, day: date) -> None:
    """Seed (idempotently) the demo walker's program and account, and a linked demo clinician.

    The program is recreated first (`build_demo`, so today is always in week 6); the accounts,
    the program's owner and the accepted care link are then made in one transaction.
    """
    person = build_demo(UnitOfWork(database), day).person
    assert person.id is not None
    now = datetime.now(UTC)
    with UnitOfWork(database) as uow:
        walker = _demo_account(uow, *DEMO_WALKER, role="walker")
        uow.users.set_person(walker.id, person.id)
        clinician = _demo_account(uow, *DEMO_CLINICIAN, role="clinician")
        if person.id not in uow.links.patient_person_ids(clinician.id):
            waiting = uow.links.between(clinician.id, walker.email, ("pending",))
            link = (
                waiting[0]
                if waiting
                else uow.links.add(clinician_id=clinician.id, patient_email=walker.email, now=now)
            )
            uow.links.answer(link.id, status="accepted", patient_user_id=walker.id, now=now)
        uow.commit()


def _demo_account(
    uow: UnitOfWork, email: str, password: str, name: str, *, role: str
) -> StoredUser:
    """The demo account, created if missing; one seeded before must still have the demo password."""
    stored = uow.users.by_email(email)
    if stored is None:
        account = accounts.new_account(email=email, password=password, name=name, role=role)
        return accounts.store_account(uow, account)
    if stored.role != role or not accounts.password_matches(stored, password):
        raise ConflictError(
            f"{email} already has an account in this database with another password or role; "
            "the demo needs a database of its own"
        )
    return stored
