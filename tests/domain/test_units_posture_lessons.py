"""Miles or kilometres, the posture checklist over the weeks, and the week's lesson (issue 15)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.lessons import Lesson, lesson_at, paragraphs
from walkrx.domain.model import Walk
from walkrx.domain.posture import posture_tally
from walkrx.domain.units import (
    IMPERIAL,
    METRIC,
    check_units,
    distance_text,
    distance_value,
    metres_from,
    speed_text,
    units_for_locale,
)
from walkrx.errors import InvalidInputError


@pytest.mark.parametrize(
    ("header", "units"),
    [
        ("en-US,en;q=0.9", IMPERIAL),
        ("en-GB,en;q=0.8", IMPERIAL),  # our reading: the UK's roads and walking advice use miles
        ("en-LR", IMPERIAL),
        ("my-MM", IMPERIAL),
        ("es-US", IMPERIAL),  # the region decides, whatever the language
        ("de-DE,de;q=0.9,en-US;q=0.8", METRIC),  # the most preferred tag with a region
        ("en,en-US;q=0.9", IMPERIAL),  # "en" names no region: the next tag does
        ("fr-CA;q=0.5,en-US;q=0.9", IMPERIAL),  # by quality, not by order
        ("en_US", IMPERIAL),
        ("en-IE", METRIC),
        ("fr", METRIC),
        ("", METRIC),
        (None, METRIC),
        ("*;q=0,en-US;q=0", METRIC),  # refused tags say nothing
    ],
)
def test_units_default_from_the_browser_language(header: str | None, units: str) -> None:
    assert units_for_locale(header) == units


def test_units_are_checked() -> None:
    assert check_units(" Imperial ") == IMPERIAL
    with pytest.raises(InvalidInputError, match=r"metric .* or imperial"):
        check_units("furlongs")


def test_distances_and_speeds_in_each_unit() -> None:
    assert distance_text(5000, METRIC) == "5.00 km"
    assert distance_text(1609.344, IMPERIAL) == "1.00 mi"
    assert distance_text(3218.7, IMPERIAL, 1) == "2.0 mi"
    assert speed_text(4.8, IMPERIAL) == "3.0 mph"
    assert speed_text(6.4, IMPERIAL) == "4.0 mph"
    assert speed_text(5.05, METRIC) == "5.1 km/h"  # half up, as everywhere
    assert metres_from(2, IMPERIAL) == pytest.approx(3218.688)
    assert metres_from(2.5, METRIC) == 2500


@given(st.floats(min_value=0, max_value=100_000, allow_nan=False))
def test_a_distance_read_in_miles_comes_back(metres: float) -> None:
    """Shown in miles and given back in miles, a distance is the same to the millimetre."""
    miles = float(distance_value(metres, IMPERIAL))
    assert metres_from(miles, IMPERIAL) == pytest.approx(metres, abs=1e-3)


START = date(2026, 3, 2)  # a Monday
CHECKLIST = ("Head up", "Chin level", "Arms swinging loosely")


def _walk(day: int, *cues: str) -> Walk:
    start = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    return Walk(None, start.replace(hour=9), "UTC", 1800, cues=cues)


def _week_of(day: date) -> int:
    return (day - START).days // 7 + 1


def test_posture_tally_shows_cues_kept_and_forgotten() -> None:
    walks = [
        _walk(0, "Head up", "Chin level"),
        _walk(2, "Head up"),
        _walk(3),  # nothing ticked: not a checklist walk, says nothing
        _walk(8, "Head up", "Arms swinging loosely"),
        _walk(9, "Head up", "Chin level", "Walk tall"),  # an old wording, kept apart
    ]
    tally = posture_tally(walks, CHECKLIST, _week_of)
    assert tally.walks == 4
    assert tally.weeks == (1, 2) and tally.walks_by_week == (2, 2)
    head, chin, arms = tally.cues
    assert (head.by_week, head.ticked, head.standing) == ((2, 2), 4, "kept")
    assert (chin.by_week, chin.ticked, chin.standing) == ((1, 1), 2, "sometimes")
    assert (arms.ticked, arms.standing) == (1, "forgotten")
    assert tally.standing("kept") == ["Head up"]
    assert tally.other == ("Walk tall",)


def test_too_few_checklist_walks_say_nothing_yet() -> None:
    tally = posture_tally([_walk(0, "Head up"), _walk(1, "Chin level")], CHECKLIST, _week_of)
    assert {c.standing for c in tally.cues} == {"not_yet"}
    empty = posture_tally([_walk(0)], CHECKLIST, _week_of)
    assert (empty.walks, empty.weeks) == (0, ())


def test_posture_tally_keeps_the_latest_weeks() -> None:
    walks = [_walk(7 * week, "Head up") for week in range(10)]
    tally = posture_tally(walks, CHECKLIST, _week_of, recent_weeks=6)
    assert tally.weeks == (5, 6, 7, 8, 9, 10)
    assert tally.cues[0].ticked == 10


LESSONS = (
    Lesson(1, 2, "One", "First paragraph\nstill first.\n\nSecond.", ("a source",)),
    Lesson(3, 6, "Two", "Text.", ("a source",)),
    Lesson(7, None, "Three", "Text.", ("a source",)),
)


@pytest.mark.parametrize(
    ("position", "title"),
    [(0, "One"), (1, "One"), (2, "One"), (3, "Two"), (6, "Two"), (30, "Three")],
)
def test_the_lesson_of_a_protocol_week(position: int, title: str) -> None:
    """The ease-in week reads the first lesson; the last runs on through maintenance."""
    found = lesson_at(LESSONS, position)
    assert found is not None and found.title == title


def test_lessons_end_where_the_last_one_ends() -> None:
    assert lesson_at(LESSONS[:2], 7) is None
    assert lesson_at((), 1) is None
    assert LESSONS[0].weeks == "weeks 1–2" and LESSONS[2].weeks == "from week 7 on"
    assert paragraphs(LESSONS[0].text) == ["First paragraph still first.", "Second."]
