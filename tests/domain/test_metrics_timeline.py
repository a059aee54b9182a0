"""Heart rate on its own timeline and distance in file order (issue 8), as properties.

- Adding position-only samples between heart-rate samples (a 1 Hz route beside heart rate every
  few seconds) changes none of the heart-rate figures: zone time, coverage, average heart rate.
- Swapping the timestamps of two adjacent points never changes the distance; swapping two adjacent
  points themselves changes it by at most twice the step between them (triangle inequality).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkrx.domain.activity import Activity
from walkrx.domain.metrics import analyze, haversine_m

START = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
BAND = (123, 140)


def _activity(
    t: list[float],
    hr: list[float | None],
    lat: list[float | None] | None = None,
    lon: list[float | None] | None = None,
    pauses: tuple[tuple[float, float], ...] = (),
) -> Activity:
    return Activity(
        sport="walking",
        start=START,
        source_format="apple",
        file="x",
        t_s=tuple(t),
        hr_bpm=tuple(hr),
        lat=tuple(lat or ()),
        lon=tuple(lon or ()),
        pauses=pauses,
    )


@st.composite
def heart_rate_walks(draw: st.DrawFn) -> tuple[list[float], list[float], tuple]:
    """Heart-rate samples 1-40 s apart (some gaps over 30 s) and up to two timer pauses."""
    steps = draw(st.lists(st.integers(1, 40), min_size=1, max_size=120))
    t = [0.0]
    for s in steps:
        t.append(t[-1] + s)
    hr = [float(draw(st.integers(90, 170))) for _ in t]
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        a = float(draw(st.integers(0, int(t[-1]))))
        pauses.append((a, a + draw(st.integers(1, 200))))
    return t, hr, tuple(sorted(pauses))


@given(heart_rate_walks(), st.data())
@settings(max_examples=150, deadline=None)
def test_position_only_samples_change_no_heart_rate_figure(
    walk: tuple[list[float], list[float], tuple], data: st.DataObject
) -> None:
    t, hr, pauses = walk
    base = analyze(_activity(t, hr, pauses=pauses), BAND)
    # a route point every second through the walk, merged in time order (as the Apple reader does)
    extra = sorted(
        data.draw(
            st.lists(st.floats(0, t[-1], allow_nan=False), max_size=200),
            label="route times",
        )
    )
    merged = sorted(
        [(x, h) for x, h in zip(t, hr, strict=True)] + [(x, None) for x in extra],
        key=lambda p: p[0],
    )
    mt = [p[0] for p in merged]
    mh = [p[1] for p in merged]
    lat: list[float | None] = [None if h is not None else 51.5 for h in mh]
    lon: list[float | None] = [None if h is not None else -0.1 for h in mh]
    more = analyze(_activity(mt, mh, lat, lon, pauses), BAND)
    heart_time = (base.hr_coverage or 0) * base.moving_s
    heart_time_more = (more.hr_coverage or 0) * more.moving_s
    assert heart_time_more == pytest.approx(heart_time, abs=1e-6)
    for field in ("below_s", "in_s", "above_s"):
        assert getattr(more, field) == pytest.approx(getattr(base, field), abs=1e-6)
    assert more.avg_hr == pytest.approx(base.avg_hr)
    assert more.max_hr == base.max_hr
    assert more.hr_samples == base.hr_samples
    assert more.spikes_share == pytest.approx(base.spikes_share)


def test_one_hz_route_beside_five_second_heart_rate_is_fully_covered() -> None:
    """An Apple Watch walk: route every second, heart rate every 5 s on the same seconds."""
    t: list[float] = []
    hr: list[float | None] = []
    lat: list[float | None] = []
    lon: list[float | None] = []
    for s in range(0, 2701):
        if s % 5 == 0:  # a heart-rate sample of its own at the same second as a route point
            t.append(float(s))
            hr.append(130.0)
            lat.append(None)
            lon.append(None)
        t.append(float(s))
        hr.append(None)
        lat.append(51.5 + s * 1.2e-5)
        lon.append(-0.1)
    m = analyze(_activity(t, hr, lat, lon), BAND)
    assert m.hr_coverage == pytest.approx(1.0)
    assert m.in_s == 2700
    assert m.distance_m == pytest.approx(haversine_m(51.5, -0.1, 51.5 + 2700 * 1.2e-5, -0.1))
    assert m.efficiency.eligible


@st.composite
def paths(draw: st.DrawFn) -> tuple[list[float], list[float], list[float]]:
    n = draw(st.integers(3, 60))
    lat = [51.5]
    lon = [-0.1]
    for _ in range(n - 1):
        lat.append(lat[-1] + draw(st.floats(-2e-4, 2e-4)))
        lon.append(lon[-1] + draw(st.floats(-2e-4, 2e-4)))
    return [float(i) for i in range(n)], lat, lon


@given(paths(), st.data())
@settings(max_examples=150, deadline=None)
def test_swapping_two_adjacent_points_moves_distance_by_at_most_their_step(
    path: tuple[list[float], list[float], list[float]], data: st.DataObject
) -> None:
    t, lat, lon = path
    hr: list[float | None] = [None] * len(t)
    i = data.draw(st.integers(0, len(t) - 2), label="i")
    before = analyze(_activity(t, hr, list(lat), list(lon)), None).distance_m
    assert before is not None
    # the device wrote their times the wrong way round: the path, and so the distance, is the same
    swapped_t = list(t)
    swapped_t[i], swapped_t[i + 1] = swapped_t[i + 1], swapped_t[i]
    same = analyze(_activity(swapped_t, hr, list(lat), list(lon)), None).distance_m
    assert same == pytest.approx(before)
    # the points themselves swapped: at most twice their own step (triangle inequality)
    lat2, lon2 = list(lat), list(lon)
    lat2[i], lat2[i + 1] = lat2[i + 1], lat2[i]
    lon2[i], lon2[i + 1] = lon2[i + 1], lon2[i]
    after = analyze(_activity(t, hr, lat2, lon2), None).distance_m
    assert after is not None
    step = haversine_m(lat[i], lon[i], lat[i + 1], lon[i + 1])
    assert abs(after - before) <= 2 * step + 1e-6
