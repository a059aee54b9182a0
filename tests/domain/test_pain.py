"""Per-walk pain traffic light (spec section 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.codes import PainStatus
from walkrx.domain.pain import pain_status, peak_pain
from walkrx.domain.protocol import PainThresholds

from .strategies import START, protocol, walk

T = PainThresholds()
G, A, R, U = PainStatus.GREEN, PainStatus.AMBER, PainStatus.RED, PainStatus.UNKNOWN
pain = st.none() | st.integers(0, 10)


def status(
    before: int | None = None,
    during: int | None = None,
    after: int | None = None,
    next_morning: int | None = None,
) -> PainStatus:
    w = walk(START, 20, before=before, during=during, after=after, next_morning=next_morning)
    return pain_status(w, protocol().pain)


def test_shipped_thresholds_match_spec() -> None:
    """spec 5: the thresholds are protocol data with the spec's values in both shipped protocols."""
    for name in ("walking-6wk", "walkback-26wk"):
        assert protocol(name).pain == T
    assert (T.settle_rise, T.red_peak, T.red_peak_with_rise, T.red_rise) == (2, 8, 6, 2)
    assert (T.amber_peak, T.amber_peak_with_rise, T.amber_rise) == (6, 4, 1)


@pytest.mark.parametrize(
    ("during", "after", "expected"),
    [(3, None, 3), (None, 5, 5), (2, 7, 7), (7, 2, 7), (None, None, None), (0, 0, 0)],
)
def test_peak_is_larger_of_during_and_after(
    during: int | None, after: int | None, expected: int | None
) -> None:
    """spec 5: peak = the larger of pain during and after, defined when either is given."""
    assert peak_pain(walk(START, 20, during=during, after=after)) == expected


@pytest.mark.parametrize(
    ("before", "during", "after", "next_morning", "expected", "why"),
    [
        # red
        (5, 6, None, None, A, "peak 6 rise 1 -> amber"),
        (4, 6, None, None, R, "peak 6 rise 2 -> red"),
        (6, 6, None, None, A, "peak 6 rise 0 -> amber (high pain not raised)"),
        (7, 7, None, None, A, "peak 7 rise 0 -> amber"),
        (6, 7, None, None, A, "peak 7 rise 1 -> amber"),
        (5, 7, None, None, R, "peak 7 rise 2 -> red"),
        (8, 8, None, None, R, "peak 8 without rise -> red"),
        (9, None, 8, None, R, "peak 8 below before -> red"),
        (10, 10, 10, None, R, "peak 10 -> red"),
        (None, 6, None, None, R, "before missing: rise = peak 6 -> red"),
        (None, 5, None, None, A, "before missing: rise = peak 5, peak >= 4 -> amber"),
        (None, 4, None, None, A, "before missing: rise = peak 4 -> amber"),
        (None, 3, None, None, G, "before missing: peak 3 -> green"),
        (None, 0, None, None, G, "before missing: peak 0 -> green"),
        # not settled by the next morning
        (2, None, None, 4, R, "next morning >= before + 2 with no peak -> red"),
        (2, 2, 2, 4, R, "next morning >= before + 2 with a green peak -> red"),
        (2, 2, 2, 3, G, "next morning before + 1 -> not red"),
        (2, None, None, 3, U, "next morning before + 1, no peak -> unknown"),
        (None, 2, None, 9, G, "next morning without before: settle rule not applied"),
        (None, None, None, 9, U, "only next morning -> unknown"),
        (2, None, None, None, U, "only before -> unknown"),
        # amber
        (3, 4, None, None, A, "peak 4 rise 1 -> amber"),
        (4, 4, None, None, G, "peak 4 rise 0 -> green"),
        (4, 5, None, None, A, "peak 5 rise 1 -> amber"),
        (5, 5, 5, 5, G, "lives with 5/10, walking does not raise it -> green"),
        (2, 3, None, None, G, "peak 3 rise 1 -> green (below 4)"),
        (0, 3, 3, None, G, "peak 3 rise 3 -> green"),
        (5, 3, 4, None, G, "peak 4 below before -> green"),
        # peak from `after`
        (4, 3, 6, None, R, "peak 6 from after, rise 2 -> red"),
        (None, None, None, None, U, "nothing given -> unknown"),
    ],
)
def test_traffic_light_branches(
    before: int | None,
    during: int | None,
    after: int | None,
    next_morning: int | None,
    expected: PainStatus,
    why: str,
) -> None:
    """spec 5 traffic light: red / amber / green / unknown branches and their boundaries."""
    assert status(before, during, after, next_morning) is expected, why


def test_thresholds_are_protocol_data() -> None:
    """spec 5: thresholds are protocol data: a stricter red peak changes the light."""
    w = walk(START, 20, before=5, during=5)
    assert pain_status(w, T) is G
    assert pain_status(w, PainThresholds(red_peak=5)) is R
    assert pain_status(w, PainThresholds(amber_peak=5)) is A


@given(before=pain, during=pain, after=pain, next_morning=pain)
def test_traffic_light_matches_spec_definition(
    before: int | None, during: int | None, after: int | None, next_morning: int | None
) -> None:
    """spec 5: the light equals the spec's definitions, written out independently here."""
    peaks = [p for p in (during, after) if p is not None]
    peak = max(peaks) if peaks else None
    unsettled = next_morning is not None and before is not None and next_morning >= before + 2
    if peak is None:
        expected = R if unsettled else U
    else:
        rise = peak - before if before is not None else peak
        if unsettled or peak >= 8 or (peak >= 6 and rise >= 2):
            expected = R
        elif peak >= 6 or (peak >= 4 and rise >= 1):
            expected = A
        else:
            expected = G
    assert status(before, during, after, next_morning) is expected


@given(before=pain, during=st.integers(0, 10), after=pain, next_morning=pain)
def test_higher_peak_never_lighter(
    before: int | None, during: int, after: int | None, next_morning: int | None
) -> None:
    """spec 5: with everything else equal, more pain during never gives a lighter colour."""
    order = {U: -1, G: 0, A: 1, R: 2}
    low = status(before, during, after, next_morning)
    high = status(before, min(10, during + 1), after, next_morning)
    assert order[high] >= order[low]
