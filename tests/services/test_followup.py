"""After the program (issue 13), on SQLite and PostgreSQL: finishing a program (walker, clinician,
console), follow-up answers (late ones welcome; refused before the end, in the future, twice a
day or backwards), a recurrence alerting the clinician and offering a return, the return through
the red-flag questions, and the outcomes (each person's time to recurrence and the curve) for the
console, a clinician's patients and one clinic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from walkrx.errors import ConflictError, InvalidInputError, NotFoundError
from walkrx.services import clinics, followup, outcomes, panel, program, status
from walkrx.services.access import SESSION, Actor
from walkrx.services.followup import FollowUpEntry
from walkrx.storage import Database, UnitOfWork

START = date(2026, 1, 5)  # a Monday
FINISH = date(2026, 3, 2)  # a Monday, program week 9
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
CONSOLE = Actor.console()


def _clinician(db: Database, email: str = "dr@clinic.example") -> Actor:
    with UnitOfWork(db) as uow:
        dr = uow.users.add(email=email, name="Dr Who", role="clinician", password_hash="x")
        uow.commit()
    return Actor.user(dr.id, via=SESSION, client="203.0.113.5")


def _walker(db: Database, name: str, dr: Actor | None = None, **kw: object) -> tuple[Actor, int]:
    with UnitOfWork(db) as uow:
        email = f"{name.lower()}@example.org"
        user = uow.users.add(email=email, name=name, role="walker", password_hash="x")
        made = program.new_person(name=name, start=START, age=50, timezone="UTC", **kw)  # type: ignore[arg-type]
        person = program.store_new_person(uow, made)
        assert person.id is not None
        uow.users.set_person(user.id, person.id)
        if dr is not None and dr.user_id is not None:
            link = uow.links.add(clinician_id=dr.user_id, patient_email=email, now=NOW)
            uow.links.answer(link.id, status="accepted", patient_user_id=user.id, now=NOW)
        status.refresh(uow, person, now=NOW)
        uow.commit()
    return Actor.user(user.id, via=SESSION), person.id


def _answer(
    db: Database, who: Actor, pid: int, day: date, **kw: object
) -> followup.RecordedFollowUp:
    entry = FollowUpEntry(day=day, **{"recurrence": False, **kw})  # type: ignore[arg-type]
    return followup.record_followup(UnitOfWork(db), who, pid, entry, today=TODAY, now=NOW)


def test_finishing_a_program_and_answering_follow_ups(database: Database) -> None:
    dr = _clinician(database)
    me, pid = _walker(database, "Ann", dr)
    with pytest.raises(InvalidInputError) as early:  # not ended yet
        _answer(database, me, pid, FINISH)
    assert early.value.field == "date"

    done = followup.finish_program(UnitOfWork(database), dr, pid, FINISH, today=TODAY, now=NOW)
    assert (done.kind, done.day, done.by) == ("finished", FINISH, "dr@clinic.example")
    with pytest.raises(ConflictError):
        followup.finish_program(UnitOfWork(database), me, pid, TODAY, today=TODAY, now=NOW)
    with UnitOfWork(database) as uow:
        actions = [e.action for e in uow.audit.of_person(pid)]
    assert "finish_program" in actions

    for day, field in ((FINISH - timedelta(days=1), "date"), (TODAY + timedelta(days=1), "date")):
        with pytest.raises(InvalidInputError) as refused:
            _answer(database, me, pid, day)
        assert refused.value.field == field
    with pytest.raises(InvalidInputError) as stray:
        _answer(database, me, pid, FINISH + timedelta(days=40), episode_start=FINISH)
    assert stray.value.field == "episode_start"

    late = _answer(database, me, pid, FINISH + timedelta(days=65), usual_minutes=150)
    plan = late.after.schedule  # the late answer covers 1 Apr and 1 May; 31 May is still due
    assert plan is not None and plan.unanswered == (date(2026, 5, 31),)
    with pytest.raises(ConflictError):
        _answer(database, me, pid, FINISH + timedelta(days=65))
    with pytest.raises(InvalidInputError):  # backwards
        _answer(database, me, pid, FINISH + timedelta(days=31))

    prog = program.load_program(UnitOfWork(database), me, pid, TODAY)
    assert program.today_view(prog).finished and program.today_view(prog).walk is None
    line = panel.panel_page(UnitOfWork(database), dr, now=NOW).entries[0].line
    assert line.status is not None and line.status.state == "follow_up"
    assert line.status.detail["followup"]["unanswered"] == 1  # type: ignore[index]


def test_a_recurrence_alerts_the_clinician_and_offers_a_return(database: Database) -> None:
    dr = _clinician(database)
    me, pid = _walker(database, "Bo", dr)
    followup.finish_program(UnitOfWork(database), me, pid, FINISH, today=TODAY, now=NOW)
    told = _answer(
        database,
        me,
        pid,
        TODAY,
        recurrence=True,
        episode_start=TODAY - timedelta(days=10),
        sought_care=True,
    )
    assert told.ask_red_flags and told.after.return_position == 1
    shown = panel.panel_page(UnitOfWork(database), dr, now=NOW).entries[0]
    assert [(a.kind, a.codes) for a in shown.alerts] == [("recurrence", ("sought_care",))]

    back = followup.return_to_program(
        UnitOfWork(database), me, pid, ("night_pain",), today=TODAY, now=NOW
    )
    assert back.stage.day == TODAY and back.stage.position == 1  # 1 Jun 2026 is a week's start
    assert back.tier is not None and back.advice
    with pytest.raises(ConflictError):
        followup.return_to_program(UnitOfWork(database), me, pid, today=TODAY, now=NOW)
    prog = program.load_program(UnitOfWork(database), me, pid, TODAY)
    t = program.today_view(prog)
    assert not t.finished and t.paused_by and t.position == 1  # back, paused by the warning sign


def test_maintenance_ends_the_program_without_a_finish(database: Database) -> None:
    me, pid = _walker(database, "Cy")
    with UnitOfWork(database) as uow:
        person = uow.people.get(pid)
        assert person is not None
        program.apply_adjustment(uow, person, start_position=7)  # at maintenance from the start
        uow.commit()
    _answer(database, me, pid, START + timedelta(days=31), usual_minutes=200)
    [mine] = outcomes.outcomes(UnitOfWork(database), me, pid, today=TODAY, now=NOW).people
    assert (mine.outcome.end.how, mine.outcome.days, mine.outcome.event) == (
        "maintenance",
        31,
        False,
    )


def test_outcomes_for_the_console_a_clinician_and_a_clinic(database: Database) -> None:
    dr = _clinician(database)
    other = _clinician(database, "other@clinic.example")
    a, ann = _walker(database, "Ann", dr)
    b, bo = _walker(database, "Bo", dr, protocol="walkback-26wk")
    c, cy = _walker(database, "Cy", other)
    for who, pid in ((a, ann), (b, bo), (c, cy)):
        followup.finish_program(UnitOfWork(database), who, pid, FINISH, today=TODAY, now=NOW)
    _answer(database, a, ann, FINISH + timedelta(days=30))
    _answer(
        database,
        a,
        ann,
        FINISH + timedelta(days=61),
        recurrence=True,
        episode_start=FINISH + timedelta(days=50),
    )
    _answer(database, b, bo, FINISH + timedelta(days=40))
    _answer(database, c, cy, FINISH + timedelta(days=10), recurrence=True)

    every = outcomes.outcomes(UnitOfWork(database), CONSOLE, today=TODAY, now=NOW, by="protocol")
    assert {p.name: (p.outcome.days, p.outcome.event) for p in every.people} == {
        "Ann": (50, True),
        "Bo": (40, False),
        "Cy": (0, True),  # no start given: from the end itself (no earlier answer)
    }
    assert every.curve.people == 3 and every.curve.events == 2
    assert [g.key for g in every.groups] == ["walkback-26wk", "walking-6wk"]

    mine = outcomes.outcomes(UnitOfWork(database), dr, today=TODAY, now=NOW)
    assert sorted(p.person_id for p in mine.people) == [ann, bo]
    with UnitOfWork(database) as uow:
        assert "outcomes" in [e.action for e in uow.audit.of_person(ann)]
    clinic = clinics.create_clinic(UnitOfWork(database), dr, "Riverside")
    shared = outcomes.outcomes(UnitOfWork(database), dr, clinic_id=clinic.id, today=TODAY, now=NOW)
    assert shared.people == ()  # nobody shares with the clinic yet
    with pytest.raises(NotFoundError):
        outcomes.outcomes(UnitOfWork(database), other, clinic_id=clinic.id, today=TODAY, now=NOW)
    with pytest.raises(NotFoundError):  # not their patient
        outcomes.outcomes(UnitOfWork(database), other, ann, today=TODAY, now=NOW)
    with pytest.raises(InvalidInputError):
        outcomes.outcomes(UnitOfWork(database), CONSOLE, by="colour", today=TODAY, now=NOW)
