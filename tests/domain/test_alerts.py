"""Alerts between reviews (spec section 14, issue 11): the rules of `walkrx.domain.alerts`."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.alerts import MORNING_DAYS, NOT_LOGGING_DAYS, AlertKind, alerts
from walkrx.domain.codes import RedFlag

from .strategies import START, checkin, diary, protocol, walk

P = protocol()


def _kinds(found: list) -> list[str]:  # type: ignore[type-arg]
    return [a.kind.value for a in found]


def test_a_red_walk_and_a_red_flag_answer_each_raise_one_alert() -> None:
    red = walk(START, 20, before=2, during=9, after=8, walk_id=7)
    green = walk(START + timedelta(days=1), 20, before=2, during=2, walk_id=8)
    flagged = dataclasses.replace(
        checkin(START + timedelta(days=2), 1, red_flags=(RedFlag.NIGHT_PAIN,)), id=11
    )
    found = alerts(diary([red, green], [flagged]), P, [], START + timedelta(days=3))
    assert [(a.kind, a.key, a.walk_id, a.checkin_id, a.codes) for a in found] == [
        (AlertKind.RED_WALK, "red_walk:7", 7, None, ()),
        (AlertKind.RED_FLAG, "red_flag:11", None, 11, ("night_pain",)),
    ]


def test_events_after_today_raise_nothing_yet() -> None:
    red = walk(START + timedelta(days=5), 20, before=2, during=9, walk_id=1)
    assert alerts(diary([red]), P, [], START) == []


def _mornings(*pains: int) -> list:  # type: ignore[type-arg]
    return [checkin(START + timedelta(days=i), i + 1, morning_pain=p) for i, p in enumerate(pains)]


def test_morning_pain_rising_by_the_flare_margin_over_the_last_days() -> None:
    """Never falling over the last three mornings and two points up (the red rise): an alert
    keyed by the first of those mornings; one fall, or a smaller rise, raises none."""
    today = START + timedelta(days=10)
    found = alerts(diary(checkins=_mornings(2, 2, 3, 4)), P, [], today)
    assert _kinds(found) == ["morning_pain_rising"]
    assert found[0].key == f"morning_pain_rising:{START + timedelta(days=1)}"
    assert found[0].codes == ("2", "3", "4")
    assert alerts(diary(checkins=_mornings(2, 4, 3, 5)), P, [], today) == []
    assert alerts(diary(checkins=_mornings(2, 2, 2, 3)), P, [], today) == []
    assert alerts(diary(checkins=_mornings(2, 4)), P, [], today) == []  # too few mornings
    assert P.pain.red_rise == 2 and MORNING_DAYS == 3


def test_several_planned_days_with_nothing_logged() -> None:
    """Three planned days gone by since the last entry: one alert, keyed by the first of them."""
    planned = [START + timedelta(days=d) for d in (0, 2, 4, 6, 8)]
    logged = walk(START, 20, walk_id=1)
    on_day_7 = alerts(diary([logged]), P, planned, START + timedelta(days=7))
    assert _kinds(on_day_7) == ["not_logging"]
    assert on_day_7[0].key == f"not_logging:{START + timedelta(days=2)}"
    assert alerts(diary([logged]), P, planned, START + timedelta(days=6)) == []  # only two yet
    late = walk(START + timedelta(days=5), 20, walk_id=2)  # a walk on an unplanned day counts
    assert alerts(diary([logged, late]), P, planned, START + timedelta(days=7)) == []
    assert NOT_LOGGING_DAYS == 3


@given(st.lists(st.integers(0, 10), min_size=0, max_size=12), st.integers(0, 30))
def test_keys_never_change_as_days_pass(pains: list[int], extra_days: int) -> None:
    """An alert raised once keeps its key on any later day: the same event is never raised
    twice (with a different key) while its facts stay the same."""
    d = diary(checkins=_mornings(*pains))
    today = START + timedelta(days=len(pains))
    first = {a.key for a in alerts(d, P, [], today)}
    later = {a.key for a in alerts(d, P, [], today + timedelta(days=extra_days))}
    assert first <= later


def test_day_is_a_date() -> None:
    found = alerts(diary([walk(START, 20, during=9, walk_id=1)]), P, [], START)
    assert isinstance(found[0].day, date)
