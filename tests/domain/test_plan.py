"""The dated plan (spec sections 1 and 6): walks on the person's days, within the prescription."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.plan import build_plan, plan_week, walk_on

from .strategies import START, day_of, diary, on_track_week, protocol, reviews, walk

P6 = protocol("walking-6wk")
P26 = protocol("walkback-26wk")
DAYS = (0, 2, 4, 5, 6)  # Monday, Wednesday, Friday, Saturday, Sunday
weekday_sets = st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(tuple)


@pytest.mark.parametrize("start", [START, date(2024, 1, 3), date(2024, 3, 28)])
def test_walks_land_on_preferred_weekdays(start: date) -> None:
    """spec 1 and 6: the plan puts the week's walks on the person's preferred weekdays, inside
    the program week (which may start on any weekday)."""
    week = plan_week(P6, 1, start, 1, DAYS, projected=False)
    assert {w.day.weekday() for w in week.walks} == set(DAYS)
    assert all(start <= w.day <= start + timedelta(days=6) for w in week.walks)
    assert len({w.day for w in week.walks}) == len(week.walks)
    assert [w.day for w in week.walks] == sorted(w.day for w in week.walks)


def test_fewer_preferred_days_than_the_minimum() -> None:
    """spec 6: the week still has the prescription's minimum number of walks; preferred days are
    all used, other days fill in."""
    week = plan_week(P6, 5, day_of(5), 5, (1,), projected=True)  # phase 3: 6-7 walks
    assert len(week.walks) == 6
    assert 1 in {w.day.weekday() for w in week.walks}


def test_phase_2_has_one_long_walk() -> None:
    """spec 1 phase 2: one longer walk of at least 40 min per week (it is one of the walks)."""
    for position in (3, 4):
        week = plan_week(P6, position, day_of(position), position, DAYS, projected=True)
        long_walks = [w for w in week.walks if w.long_walk]
        assert len(long_walks) == 1
        assert long_walks[0].minutes >= 40
        assert 5 <= len(week.walks) <= 6
    for position in (0, 1, 2, 5, 6, 7, 9):
        week = plan_week(P6, 1, START, position, DAYS, projected=True)
        assert not any(w.long_walk for w in week.walks)


def test_tempo_walk_only_where_offered() -> None:
    """spec 1: the optional tempo walk is offered once a week in phase 3 and maintenance only."""
    for position, offered in [(0, False), (1, False), (3, False), (5, True), (6, True), (8, True)]:
        week = plan_week(P6, 1, START, position, DAYS, projected=True)
        assert sum(w.tempo for w in week.walks) == (1 if offered else 0)


def test_ease_in_week_minutes() -> None:
    """spec 6 position 0: the ease-in week plans phase 1 walks at 80 % of its minutes (12-16)."""
    week = plan_week(P6, 1, START, 0, DAYS, projected=False)
    assert week.prescription.minutes_min == 12
    assert all(12 <= w.minutes <= 16 for w in week.walks)
    assert all(w.phase == 1 and w.position == 0 for w in week.walks)


def test_planned_walks_carry_phase_cues() -> None:
    """spec 1: the phase's focus cues are shown on the day's plan."""
    week = plan_week(P6, 3, day_of(3), 3, DAYS, projected=True)
    assert all(w.cues == P6.phase_at(3).cues for w in week.walks)
    assert week.walks[0].cues


@given(position=st.integers(0, 30), days=weekday_sets, name=st.sampled_from(["6", "26"]))
def test_property_count_and_minutes_within_prescription(
    position: int, days: tuple[int, ...], name: str
) -> None:
    """spec 6: a planned week has between the minimum and maximum number of walks, each within the
    prescription's minutes (the long walk at least the long-walk minutes), on distinct days of the
    week, using the preferred days first."""
    p = P6 if name == "6" else P26
    week = plan_week(p, 1, START, position, days, projected=True)
    rx = p.prescription(position)
    assert week.prescription == rx
    assert rx.walks_min <= len(week.walks) <= rx.walks_max
    assert len({w.day for w in week.walks}) == len(week.walks)
    chosen = {w.day.weekday() for w in week.walks}
    if len(days) <= rx.walks_max:
        assert set(days) <= chosen
    else:
        assert chosen <= set(days)
    for w in week.walks:
        assert START <= w.day <= START + timedelta(days=6)
        if w.long_walk:
            assert rx.long_walk_minutes is not None
            assert w.minutes >= rx.long_walk_minutes
        else:
            assert rx.minutes_min <= w.minutes <= rx.minutes_max
    assert sum(w.long_walk for w in week.walks) == (1 if rx.long_walk_minutes else 0)


def test_plan_without_reviews_is_projected_progress() -> None:
    """spec 6: before any review, week 1 is at the start position and later weeks are projected
    one position further each, through the protocol's table (plus one maintenance week)."""
    plan = build_plan(P6, START, DAYS, [])
    assert [w.week for w in plan] == list(range(1, 8))
    assert [w.position for w in plan] == list(range(1, 8))
    assert [w.projected for w in plan] == [False] + [True] * 6
    assert [w.start for w in plan] == [day_of(k) for k in range(1, 8)]
    assert plan[-1].prescription.phase == 4


def test_step_back_in_the_reviews_shifts_what_follows() -> None:
    """spec 6 rule 2: after a step back the plan continues from the lower position, so the
    program takes longer."""
    red = walk(day_of(3, 0), 20, before=1, during=9)
    d = diary([*on_track_week(1, 1), *on_track_week(2, 2), red])
    rs = reviews(d, 3)
    assert [r.next_position for r in rs] == [2, 3, 2]
    plan = build_plan(P6, START, DAYS, rs)
    assert [w.position for w in plan[:3]] == [1, 2, 3]  # reviewed weeks keep their position
    assert [w.projected for w in plan[:4]] == [False, False, False, False]
    assert plan[3].position == 2  # week 4: where the step back sent the program
    assert [w.position for w in plan[3:]] == list(range(2, 8))
    assert all(w.projected for w in plan[4:])
    assert plan[-1].week == 9  # two weeks later than without the step back


def test_hold_repeats_the_position_in_the_plan() -> None:
    """spec 6: a hold repeats the same position."""
    rs = reviews(diary(), 2)
    plan = build_plan(P6, START, DAYS, rs)
    assert [w.position for w in plan[:4]] == [1, 1, 1, 2]


def test_plan_from_maintenance_has_one_week() -> None:
    """spec 6: a program already past the table still shows its coming week."""
    rs = reviews(diary(on_track_week(1, 9)), 1, start_position=9)
    plan = build_plan(P6, START, DAYS, rs)
    assert [w.position for w in plan] == [9, 10]
    assert not plan[1].projected


def test_walk_on_a_day() -> None:
    """spec 1: the day's plan shows the walk planned for that date, or none."""
    plan = build_plan(P6, START, DAYS, [])
    monday = walk_on(plan, START)
    assert monday is not None
    assert monday.week == 1
    assert monday.minutes == 15
    assert walk_on(plan, START + timedelta(days=1)) is None  # Tuesday is not a walking day
    assert walk_on(plan, START - timedelta(days=1)) is None
