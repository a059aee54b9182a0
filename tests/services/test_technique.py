"""How to walk through the services (issue 15), on SQLite and PostgreSQL: a person's units stored
and changed, walks and weeks with their pace against the person's band (which a clinician may
lower), the posture checklist over the weeks, the week's lesson, and the calendar file and the
PDF report in miles."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from walkrx.errors import InvalidInputError
from walkrx.reports.ics import plan_to_ics
from walkrx.services import (
    accounts,
    adjusting,
    care,
    diary,
    onboarding,
    preferences,
    program,
    report,
    technique,
    views,
)
from walkrx.services.access import Actor
from walkrx.services.adjusting import Proposal
from walkrx.storage import Database, UnitOfWork

START = date(2026, 3, 2)  # a Monday
TODAY = START + timedelta(days=15)  # week 3: weeks 1 and 2 are reviewed
CONSOLE = Actor.console()
PASSWORD = "correct horse battery staple"


def _person(db: Database, units: str = "imperial") -> int:
    person = program.new_person(
        name="Ann", start=START, age=50, timezone="UTC", units=units, today=START
    )
    stored = program.create_program(UnitOfWork(db), person)
    assert stored.id is not None
    return stored.id


def _log(db: Database, pid: int, day: int, minutes: float, **fields: object) -> diary.LoggedWalk:
    entry = diary.WalkEntry(
        minutes=minutes, day=START + timedelta(days=day), start=time(9), timezone="UTC", **fields
    )  # type: ignore[arg-type]
    return diary.log_walk(UnitOfWork(db), CONSOLE, pid, entry)


def test_units_are_stored_and_changed(database: Database) -> None:
    pid = _person(database)
    shown = diary.shown_walks(UnitOfWork(database), CONSOLE, pid)
    assert shown.units == "imperial" and shown.walks == []
    changed = preferences.set_units(UnitOfWork(database), CONSOLE, pid, "metric")
    assert changed.units == "metric"
    assert program.load_program(UnitOfWork(database), CONSOLE, pid, TODAY).person.units == "metric"
    with pytest.raises(InvalidInputError) as refused:
        preferences.set_units(UnitOfWork(database), CONSOLE, pid, "leagues")
    assert refused.value.field == "units"
    with pytest.raises(InvalidInputError):
        program.new_person(name="Bo", start=START, age=50, units="cubits")


def test_a_walker_account_carries_its_programs_units(database: Database) -> None:
    """Every page shows the walker's units: the signed-in account reads them with itself."""
    user = accounts.sign_up(
        UnitOfWork(database), email="ann@x.example", password=PASSWORD, name="Ann", role="walker"
    )
    assert user.units == "metric"  # no program yet
    person = program.new_person(name="ann", start=START, age=50, timezone="UTC", units="imperial")
    walker = onboarding.complete_onboarding(UnitOfWork(database), user.id, person, ())
    assert walker.person_id is not None
    _, token = accounts.sign_in(
        UnitOfWork(database), email="ann@x.example", password=PASSWORD, client="t"
    )
    signed = accounts.signed_in(UnitOfWork(database), token)
    assert signed is not None and signed.user.units == "imperial"
    preferences.set_units(UnitOfWork(database), Actor.user(user.id), walker.person_id, "metric")
    again = accounts.signed_in(UnitOfWork(database), token)
    assert again is not None and again.user.units == "metric"


def test_walks_carry_their_pace_in_si_units(database: Database) -> None:
    pid = _person(database)
    logged = _log(database, pid, 1, 40, distance_mi=2.0, moving_minutes=36)
    assert logged.units == "imperial" and logged.pace.verdict is not None
    walk = views.walk_json(logged.walk, logged.band)
    assert walk["distance_m"] == pytest.approx(3218.7, abs=0.1)  # stored in metres
    assert walk["pace"] == {"moving_kmh": 5.36, "band_kmh": [4.8, 6.4], "verdict": "in_band"}
    shown = diary.shown_walk(UnitOfWork(database), CONSOLE, pid, walk["id"])
    assert views.walk_json(shown.walk, shown.band) == walk
    with pytest.raises(InvalidInputError) as twice:
        _log(database, pid, 2, 30, distance_mi=1.0, distance_km=1.6)
    assert twice.value.field == "distance_mi"
    treadmill = _log(database, pid, 2, 30, terrain="treadmill")
    assert views.walk_json(treadmill.walk, treadmill.band)["pace"]["verdict"] is None


def test_a_clinician_lowers_the_band_and_the_verdicts_follow(database: Database) -> None:
    """A slow gait after an injury is not a failing walk: the clinician moves the band, the
    walks' verdicts follow at once, and no weekly review changes (pace is advice)."""
    doctor = accounts.sign_up(
        UnitOfWork(database), email="dr@x.example", password=PASSWORD, name="Dr", role="clinician"
    )
    user = accounts.sign_up(
        UnitOfWork(database), email="bo@x.example", password=PASSWORD, name="Bo", role="walker"
    )
    person = program.new_person(name="bo@x.example", start=START, age=50, timezone="UTC")
    onboarded = datetime.combine(START, time(8), tzinfo=UTC)
    walker = onboarding.complete_onboarding(UnitOfWork(database), user.id, person, (), onboarded)
    assert walker.person_id is not None
    pid = walker.person_id
    invitation = care.invite(UnitOfWork(database), doctor.id, "bo@x.example")
    care.accept_invitation(UnitOfWork(database), Actor.user(user.id), invitation.code)
    for day in (0, 2, 4, 6):
        _log(database, pid, day, 30, distance_km=2.0, effort=4, pain_before=2, pain_after=2)
    before = program.load_program(UnitOfWork(database), CONSOLE, pid, TODAY)
    assert technique.week_pace_of(before, 1).below == 4  # 4 km/h
    proposal = Proposal(values={"pace.low_kmh": "3.5", "pace.high_kmh": "5.5"})
    clinician = Actor.user(doctor.id)
    shown = adjusting.preview_adjustment(UnitOfWork(database), clinician, pid, proposal, TODAY)
    assert shown.preview is not None and shown.preview.changes == []  # no review reads pace
    adjusting.adjust(UnitOfWork(database), clinician, pid, proposal, TODAY)
    after = program.load_program(UnitOfWork(database), CONSOLE, pid, TODAY)
    assert after.protocol.pace.kmh == (3.5, 5.5)
    week = technique.week_pace_of(after, 1)
    assert (week.in_band, week.below) == (4, 0)
    assert [r.decision for r in after.reviews] == [r.decision for r in before.reviews]
    assert diary.shown_walks(UnitOfWork(database), CONSOLE, pid).band.kmh == (3.5, 5.5)


def test_posture_and_the_weeks_lesson(database: Database) -> None:
    pid = _person(database)
    prog = program.load_program(UnitOfWork(database), CONSOLE, pid, TODAY)
    checklist = prog.protocol.posture
    for day in (0, 2, 4):
        _log(database, pid, day, 20, cues=checklist[:2])
    logged = _log(database, pid, 8, 20)
    diary.edit_walk(
        UnitOfWork(database), CONSOLE, pid, logged.walk.id or 0, {"cues": [checklist[0]]}
    )
    prog = program.load_program(UnitOfWork(database), CONSOLE, pid, TODAY)
    tally = technique.posture_of(prog)
    assert tally.walks == 4 and tally.weeks == (1, 2)
    assert tally.standing("kept") == [checklist[0], checklist[1]]
    assert checklist[2] in tally.standing("forgotten")
    lesson = technique.lesson_of_week(prog)
    assert lesson is not None and lesson is prog.protocol.lessons[prog.position - 1]


def test_the_calendar_file_is_in_miles(database: Database) -> None:
    pid = _person(database)
    prog = program.load_program(UnitOfWork(database), CONSOLE, pid, TODAY)
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    ics = plan_to_ics(
        prog.plan(), "Ann", stamp, units=prog.person.units, band=prog.protocol.pace
    ).decode()
    unfolded = ics.replace("\r\n ", "")
    assert "Moderate pace: 3.0–4.0 mph" in unfolded
    assert "km" not in unfolded


def test_the_report_is_in_miles(database: Database, tmp_path: Path) -> None:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (scripts/check does)")
    pid = _person(database)
    for day in (0, 2, 4):
        _log(database, pid, day, 40, distance_mi=2.0, cues=("Chin level",))
    pdf = report.report(UnitOfWork(database), CONSOLE, pid, today=TODAY)
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = " ".join(
        subprocess.run(
            [tool, str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Distance walked in this period: 6.0 mi" in text
    assert "The moderate pace band is 3.0–4.0 mph" in text
    assert "median 3.0 mph" in text
    assert " km" not in text and "km/h" not in text
