"""Walking pace against the moderate band (issue 15, spec section 12): the verdict at the band's
edges with half-up rounding as for heart rate, walks without a distance, paused time left out, and
(Hypothesis) miles never change a verdict or contradict it on screen."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.model import Walk
from walkrx.domain.numbers import round_half_up
from walkrx.domain.pace import (
    NO_DISTANCE,
    TOO_SHORT,
    PaceBand,
    PaceVerdict,
    canonical_kmh,
    guidance,
    judge,
    moving_kmh,
    pace_text,
    shown_pace,
    walk_pace,
    week_pace,
)
from walkrx.domain.units import IMPERIAL, METRIC

BAND = PaceBand()  # 4.8-6.4 km/h, the shipped protocols' band
HOUR = 3600


def _walk(distance_m: float | None, duration_s: int = HOUR, **fields: object) -> Walk:
    start = datetime(2026, 3, 3, 9, tzinfo=UTC)
    return Walk(None, start, "UTC", duration_s, distance_m=distance_m, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("metres", "verdict"),
    [
        (4740, PaceVerdict.BELOW),  # 4.74 -> 4.7
        (4749, PaceVerdict.BELOW),  # 4.749 -> 4.7
        (4750, PaceVerdict.IN_BAND),  # 4.75 -> 4.8, the low edge: edges are in the band
        (4800, PaceVerdict.IN_BAND),
        (6400, PaceVerdict.IN_BAND),  # the high edge
        (6449, PaceVerdict.IN_BAND),  # 6.449 -> 6.4
        (6450, PaceVerdict.ABOVE),  # 6.45 -> 6.5
        (6500, PaceVerdict.ABOVE),
    ],
)
def test_verdict_at_the_edges_rounds_half_up_to_a_tenth(metres: int, verdict: PaceVerdict) -> None:
    """An hour's moving time makes the distance in metres the pace in m/h: the verdict is
    judged on the pace rounded half up to 0.1 km/h, both edges included."""
    assert walk_pace(_walk(metres), BAND).verdict is verdict


def test_halves_round_up_as_heart_rate_band_edges_do() -> None:
    """Rounding is half up on the shortest decimal, as `round_half_up` does for bpm (122.5 is
    123), not Python's round (4.85 -> 4.8 on the binary value, 0.5 -> 0 to even)."""
    assert round_half_up(122.5) == 123
    assert canonical_kmh(4.85) == Decimal("4.9")
    assert canonical_kmh(4.25) == Decimal("4.3")
    assert round(4.85, 1) == 4.8  # what the verdict must not do
    band = PaceBand(low_kmh=4.9, high_kmh=6.0)
    assert judge(4.85, band) is PaceVerdict.IN_BAND
    assert judge(4.8499, band) is PaceVerdict.BELOW
    assert judge(6.05, band) is PaceVerdict.ABOVE


def test_band_edges_are_read_to_a_tenth_too() -> None:
    band = PaceBand(low_kmh=4.75, high_kmh=6.449)
    assert band.kmh == (4.8, 6.4)


def test_paused_time_is_left_out_of_the_moving_pace() -> None:
    """4 km in an hour with 20 minutes stood still is 6 km/h of walking, not 4."""
    paused = walk_pace(_walk(4000, HOUR, moving_s=40 * 60), BAND)
    assert paused.moving_kmh == pytest.approx(6.0)
    assert paused.verdict is PaceVerdict.IN_BAND
    whole = walk_pace(_walk(4000, HOUR), BAND)  # logged by hand, no moving time: the duration
    assert whole.moving_kmh == pytest.approx(4.0)
    assert whole.verdict is PaceVerdict.BELOW


@pytest.mark.parametrize("distance", [None, 0.0])
def test_a_walk_without_distance_has_no_verdict_and_says_so(distance: float | None) -> None:
    pace = walk_pace(_walk(distance, terrain="treadmill"), BAND)
    assert (pace.moving_kmh, pace.verdict, pace.missing) == (None, None, NO_DISTANCE)
    assert pace.to_json() == {"moving_kmh": None, "band_kmh": [4.8, 6.4], "verdict": None}
    words = pace_text(pace, METRIC)
    assert "treadmill" in words and "cannot say" in words
    assert "treadmill" not in pace_text(walk_pace(_walk(distance), BAND), METRIC)
    assert guidance(_walk(distance), pace) == ""


def test_under_two_minutes_of_moving_time_gives_no_verdict() -> None:
    pace = walk_pace(_walk(300, 600, moving_s=119), BAND)
    assert (pace.verdict, pace.missing) == (None, TOO_SHORT)
    assert moving_kmh(300, 120) == pytest.approx(9.0)


def test_json_is_in_km_per_hour_with_two_decimals() -> None:
    pace = walk_pace(_walk(5040), BAND)
    assert pace.to_json() == {"moving_kmh": 5.04, "band_kmh": [4.8, 6.4], "verdict": "in_band"}


def test_the_zone_and_the_talk_test_guide_the_walk() -> None:
    """A slow walk at the right effort is a good walk; a fast one at too high an effort is not."""
    slow = _walk(4000, avg_hr=125.0, band_bpm=(121, 138))
    assert "guide the walk" in guidance(slow, walk_pace(slow, BAND))
    assert "right" in guidance(slow, walk_pace(slow, BAND))
    hard = _walk(7000, avg_hr=150.0, band_bpm=(121, 138))
    assert "slow down" in guidance(hard, walk_pace(hard, BAND))
    easy_fast = _walk(7000, talk_test=True)
    assert "fine" in guidance(easy_fast, walk_pace(easy_fast, BAND))
    strained = _walk(5000, talk_test=False)
    assert "ease off" in guidance(strained, walk_pace(strained, BAND))


def test_a_week_counts_its_verdicts() -> None:
    walks = [_walk(4000), _walk(5000), _walk(5500), _walk(7000), _walk(None)]
    week = week_pace(walks, BAND)
    assert (week.below, week.in_band, week.above, week.no_pace) == (1, 2, 1, 1)
    assert week.median_kmh == pytest.approx(5.25)
    assert week.words(METRIC) == (
        "Pace: 2 of 4 walks in the moderate band, 1 below, 1 above (median 5.3 km/h)."
    )
    assert "mph" in week.words(IMPERIAL) and "km" not in week.words(IMPERIAL)


def test_pace_in_miles() -> None:
    pace = walk_pace(_walk(6436), BAND)  # 4 mph is 6.437 km/h: 6.4 km/h, in the band
    assert pace_text(pace, IMPERIAL) == (
        "Moving pace 4.0 mph: inside the moderate band of 3.0–4.0 mph."
    )
    above = walk_pace(_walk(6500), BAND)  # 6.5 km/h is 4.04 mph: shown apart from the 3.98 edge
    assert shown_pace(above, IMPERIAL) == ("4.04", "2.98", "3.98")
    assert "above" in pace_text(above, IMPERIAL)


bands = st.tuples(
    st.integers(min_value=10, max_value=90), st.integers(min_value=0, max_value=40)
).map(lambda t: PaceBand(low_kmh=t[0] / 10, high_kmh=(t[0] + t[1]) / 10))


@given(
    distance=st.floats(min_value=1, max_value=60_000, allow_nan=False),
    moving=st.integers(min_value=120, max_value=12 * HOUR),
    band=bands,
)
def test_miles_never_change_or_contradict_a_verdict(
    distance: float, moving: int, band: PaceBand
) -> None:
    """The verdict is one value, judged in km/h; shown in mph or km/h the pace always lies where
    the verdict says, against the band's edges shown in the same unit."""
    pace = walk_pace(_walk(distance, moving + 60, moving_s=moving), band)
    assert pace.verdict is not None
    where = {"below": "below", "in_band": "inside", "above": "above"}[pace.verdict.value]
    for units in (METRIC, IMPERIAL):
        value, low, high = (Decimal(x) for x in shown_pace(pace, units))
        if pace.verdict is PaceVerdict.BELOW:
            assert value < low
        elif pace.verdict is PaceVerdict.ABOVE:
            assert value > high
        else:
            assert low <= value <= high
        assert f": {where} the moderate band" in pace_text(pace, units)
    assert pace.to_json()["verdict"] == pace.verdict.value  # the same in JSON, in SI units
