"""Progress series from a small hand-made diary: zone minutes, pain, pace and the prescription."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from walkrx.domain.model import CheckIn, Diary, Person, Walk, ZoneSettings
from walkrx.domain.review import review_weeks
from walkrx.protocols import load
from walkrx.services.program import Program
from walkrx.services.progress import (
    PacePoint,
    PainPoint,
    pace_series,
    pain_series,
    prescription_vs_done,
    weekly_zone_minutes,
)

START = date(2024, 1, 1)  # a Monday
TODAY = date(2024, 1, 17)  # Wednesday of program week 3: weeks 1 and 2 are reviewed


def _person(start_position: int = 1) -> Person:
    return Person(
        id=1,
        name="Test Walker",
        start=START,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(ZoneSettings(effective=START, age=50),),
        start_position=start_position,
    )


def _walk(day: date, minutes: int, walk_id: int, at: time = time(9, 0), **fields: object) -> Walk:
    local = datetime.combine(day, at, tzinfo=ZoneInfo("Europe/London"))
    return Walk(
        id=walk_id,
        start=local.astimezone(UTC),
        timezone="Europe/London",
        duration_s=minutes * 60,
        **fields,  # type: ignore[arg-type]
    )


WALKS = (
    # week 1 (prescription 4-5 walks of 15-20 min): 25 measured, 40 by effort, 80 minutes
    _walk(
        date(2024, 1, 1),
        20,
        1,
        zone_in_s=900,
        avg_hr=115,
        pain_before=2,
        pain_during=3,
        pain_after=2,
        pain_next_morning=2,
        pace_hr=0.70,
        notes="felt fine",
    ),
    _walk(date(2024, 1, 3), 20, 2, effort=4, pain_before=3, pain_during=5, pain_after=4),
    _walk(date(2024, 1, 5), 20, 3, zone_in_s=600, avg_hr=118, pace_hr=0.74, pain_after=2),
    _walk(date(2024, 1, 6), 20, 4, talk_test=True),
    # week 2: two walks only (too little), 25 measured minutes
    _walk(date(2024, 1, 8), 15, 5, zone_in_s=300, avg_hr=116, pace_hr=0.72),
    _walk(date(2024, 1, 10), 30, 6, zone_in_s=1200, avg_hr=117, pace_hr=0.80),
    # week 3, in progress: one walk by effort; and one after `today`, which no series shows
    _walk(date(2024, 1, 15), 20, 7, effort=5, pain_before=1, pain_during=1),
    _walk(date(2024, 1, 18), 20, 8, effort=5, pain_before=9, pace_hr=0.9),
)
CHECKINS = (
    CheckIn(id=None, day=date(2024, 1, 2), seq=1, morning_pain=3),
    CheckIn(id=None, day=date(2024, 1, 2), seq=2, morning_pain=4),  # the last one of a day wins
    CheckIn(id=None, day=date(2024, 1, 4), seq=3, morning_pain=2),
    CheckIn(id=None, day=date(2024, 1, 4), seq=4, morning_pain=None),  # an empty field: no change
    CheckIn(id=None, day=date(2024, 1, 20), seq=5, morning_pain=7),  # after today
)


def _program(start_position: int = 1, walks: tuple[Walk, ...] = WALKS) -> Program:
    person = _person(start_position)
    protocol = load("walking-6wk")
    diary = Diary(person=person, walks=walks, checkins=CHECKINS)
    reviews = review_weeks(diary, protocol, TODAY, start_position=start_position)
    return Program(person, protocol, diary, TODAY, reviews)


def test_weekly_zone_minutes_measured_and_by_effort_per_week() -> None:
    """Reviewed weeks then the week in progress, minutes split by heart rate and by effort."""
    points = weekly_zone_minutes(_program())
    assert [(p.week, p.start, p.complete) for p in points] == [
        (1, date(2024, 1, 1), True),
        (2, date(2024, 1, 8), True),
        (3, date(2024, 1, 15), False),
    ]
    assert [(p.measured_min, p.by_effort_min) for p in points] == [
        (25.0, 40.0),
        (25.0, 0.0),
        (0.0, 20.0),
    ]
    assert points[0].total_min == 65.0
    assert all(isinstance(p.by_effort_min, float) for p in points)


def test_weekly_zone_minutes_goal_only_in_phases_that_have_one() -> None:
    """Phase 1 has no weekly target-zone goal; a program started in phase 3 shows 150-300."""
    assert all(p.goal_min is None and p.goal_max is None for p in weekly_zone_minutes(_program()))
    points = weekly_zone_minutes(_program(start_position=5))
    assert [(p.goal_min, p.goal_max) for p in points] == [(150, 300)] * 3


def test_weekly_zone_minutes_before_the_start_is_empty() -> None:
    """Before the program starts there is no week to show."""
    prog = dataclasses.replace(_program(), today=date(2023, 12, 30), reviews=[])
    assert weekly_zone_minutes(prog) == []


def test_pain_series_walks_and_mornings_in_date_order() -> None:
    """Mornings take a day's last value; walks give before, peak, after, next morning, status."""
    points = pain_series(_program())
    mornings = [(p.day, p.morning) for p in points if p.kind == "morning"]
    assert mornings == [(date(2024, 1, 2), 4), (date(2024, 1, 4), 2)]
    walks = [p for p in points if p.kind == "walk"]
    assert [p.walk_id for p in walks] == [1, 2, 3, 4, 5, 6, 7]  # walk 8 is after today
    assert walks[0] == PainPoint(
        day=date(2024, 1, 1),
        kind="walk",
        before=2,
        peak=3,
        after=2,
        next_morning=2,
        status="green",
        walk_id=1,
        note="felt fine",
    )
    assert (walks[1].before, walks[1].peak, walks[1].after, walks[1].status) == (3, 5, 4, "amber")
    assert (walks[2].before, walks[2].peak, walks[2].after) == (None, 2, 2)
    assert walks[3].peak is None and walks[3].status == "unknown"
    assert [p.day for p in points] == sorted(p.day for p in points)


def test_pace_series_rolling_median_over_three_weeks() -> None:
    """Each walk with pace_hr, with the median of the walks in the 21 days up to its day."""
    points = pace_series(_program())
    assert [(p.day, p.pace_hr, p.walk_id, p.window_walks) for p in points] == [
        (date(2024, 1, 1), 0.70, 1, 1),
        (date(2024, 1, 5), 0.74, 3, 2),
        (date(2024, 1, 8), 0.72, 5, 3),
        (date(2024, 1, 10), 0.80, 6, 4),
    ]
    assert [p.rolling_median for p in points] == pytest.approx([0.70, 0.72, 0.72, 0.73])


def test_pace_series_window_drops_old_walks() -> None:
    """With a 7-day window the walk on 10 Jan compares with 4-10 Jan only."""
    last = pace_series(_program(), window_days=7)[-1]
    assert last == PacePoint(
        day=date(2024, 1, 10),
        pace_hr=0.80,
        rolling_median=pytest.approx(0.74),  # type: ignore[arg-type]
        window_walks=3,
        walk_id=6,
    )


def test_prescription_vs_done_per_completed_week() -> None:
    """Only reviewed weeks; totals are walks x minutes of the week's prescription."""
    points = prescription_vs_done(_program())
    assert [
        (
            p.week,
            p.prescribed_min_total,
            p.prescribed_max_total,
            p.minutes_done,
            p.walks_min,
            p.walks_max,
            p.walks_counted,
            p.decision,
        )
        for p in points
    ] == [
        (1, 60, 100, 80.0, 4, 5, 4, "hold"),  # amber pain on walk 2
        (2, 60, 100, 45.0, 4, 5, 2, "hold"),  # too little
    ]


def test_series_of_an_empty_diary() -> None:
    """No walks or check-ins: empty pain and pace series, zero-minute weeks."""
    prog = _program(walks=())
    prog = dataclasses.replace(prog, diary=dataclasses.replace(prog.diary, checkins=()))
    assert pain_series(prog) == []
    assert pace_series(prog) == []
    assert [p.total_min for p in weekly_zone_minutes(prog)] == [0.0, 0.0, 0.0]
    assert [p.minutes_done for p in prescription_vs_done(prog)] == [0.0, 0.0]
