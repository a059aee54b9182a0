"""The clinician's panel for a real caseload (issue 11): alerts reach it when recorded, most
urgent first, views and search, pages, acknowledging, the audit trail, and a query count that
does not grow with the number of patients.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event

from walkrx.services import diary, panel, program, status
from walkrx.services.access import SESSION, Actor
from walkrx.storage import Database, UnitOfWork

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def _clinician(db: Database) -> Actor:
    with UnitOfWork(db) as uow:
        dr = uow.users.add(
            email="dr@clinic.example", name="Dr Who", role="clinician", password_hash="x"
        )
        uow.commit()
    return Actor.user(dr.id, via=SESSION, client="203.0.113.5")


def _patients(db: Database, dr: Actor, names: list[str]) -> list[int]:
    """Walkers with programs starting today, linked to the clinician, their lines computed."""
    assert dr.user_id is not None
    ids = []
    with UnitOfWork(db) as uow:
        for name in names:
            email = f"{name.lower().replace(' ', '.')}@example.org"
            user = uow.users.add(email=email, name=name, role="walker", password_hash="x")
            person = program.store_new_person(
                uow,
                program.new_person(
                    name=email,
                    display_name=name,
                    start=TODAY,
                    age=50,
                    timezone="UTC",
                ),
            )
            assert person.id is not None
            uow.users.set_person(user.id, person.id)
            link = uow.links.add(clinician_id=dr.user_id, patient_email=email, now=NOW)
            uow.links.answer(link.id, status="accepted", patient_user_id=user.id, now=NOW)
            status.refresh(uow, person, now=NOW)
            ids.append(person.id)
        uow.commit()
    return ids


def _walk(db: Database, person_id: int, peak: int) -> int:
    logged = diary.log_walk(
        UnitOfWork(db),
        Actor.console(),
        person_id,
        diary.WalkEntry(minutes=20, day=TODAY, pain_before=2, pain_during=peak, pain_after=peak),
        now=NOW,
    )
    assert logged.walk.id is not None
    return logged.walk.id


def test_a_red_walk_reaches_the_panel_when_logged_and_is_acknowledged(
    database: Database,
) -> None:
    dr = _clinician(database)
    calm, flared = _patients(database, dr, ["Ann Calm", "Bo Flare"])
    _walk(database, calm, peak=2)
    red = _walk(database, flared, peak=9)

    shown = panel.panel_page(UnitOfWork(database), dr, now=NOW)
    assert shown.entries[0].name == "Bo Flare"  # most urgent first
    [alert] = shown.entries[0].alerts
    assert (alert.kind, alert.walk_id) == ("red_walk", red)
    attention = panel.panel_page(UnitOfWork(database), dr, view="attention", now=NOW)
    assert [e.name for e in attention.entries] == ["Bo Flare"]

    acked = panel.acknowledge(UnitOfWork(database), dr, flared, alert.id, now=NOW)
    assert acked.acked_by_name == "Dr Who" and acked.acked_at is not None
    after = panel.panel_page(UnitOfWork(database), dr, view="attention", now=NOW)
    assert after.entries == ()
    with UnitOfWork(database) as uow:
        actions = {(e.action, e.person_id) for e in uow.audit.of_person(flared)}
    assert ("acknowledge_alert", flared) in actions and ("panel", flared) in actions


def test_search_and_pages(database: Database) -> None:
    dr = _clinician(database)
    _patients(database, dr, [f"Walker {n:02d}" for n in range(7)] + ["Zoe Search"])
    found = panel.panel_page(UnitOfWork(database), dr, search="zoe", now=NOW)
    assert [e.name for e in found.entries] == ["Zoe Search"] and found.total == 1
    first = panel.panel_page(UnitOfWork(database), dr, per_page=3, now=NOW)
    second = panel.panel_page(UnitOfWork(database), dr, per_page=3, page=2, now=NOW)
    assert (first.total, first.pages) == (8, 3)
    assert not {e.name for e in first.entries} & {e.name for e in second.entries}


@contextmanager
def _counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_page_costs_the_same_queries_whatever_the_caseload(database: Database) -> None:
    """With the lines up to date, a page of 10 reads as many statements for 12 patients as for
    60: the stored lines, their count and the open alerts, whatever the caseload."""
    dr = _clinician(database)
    _patients(database, dr, [f"P{n:03d}" for n in range(12)])
    panel.panel_page(UnitOfWork(database), dr, per_page=10, now=NOW)  # lines now fresh
    with _counted(database) as small:
        panel.panel_page(UnitOfWork(database), dr, per_page=10, now=NOW)
    _patients(database, dr, [f"Q{n:03d}" for n in range(48)])
    panel.panel_page(UnitOfWork(database), dr, per_page=10, now=NOW)
    with _counted(database) as large:
        panel.panel_page(UnitOfWork(database), dr, per_page=10, now=NOW)
    assert len(large) == len(small), (len(small), len(large))
