"""Zones and per-walk metrics: synthetic walks with answers known to the second, and invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkrx.domain.activity import Activity
from walkrx.domain.metrics import analyze, haversine_m
from walkrx.domain.zones import band_bpm, estimate_hrmax, round_half_up
from walkrx.errors import InvalidInputError

START = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
BAND = (123, 140)
SPEED_M_S = 80 / 60  # 80 m/min


def make(t: list[float], hr: list[float | None], **kw: object) -> Activity:
    """An Activity from columns, walking unless told otherwise."""
    fields: dict[str, object] = {
        "sport": "walking",
        "start": START,
        "source_format": "fit",
        "file": "synthetic.fit",
        "t_s": tuple(t),
        "hr_bpm": tuple(hr),
    }
    fields.update(kw)
    return Activity(**fields)  # type: ignore[arg-type]


def reference_walk() -> Activity:
    """45 min of moving time at 1 Hz and 80 m/min, with a 5-minute timer pause after 20 min.

    Samples at t = 0..1200 and 1500..3000; the timer stops at 1200 and restarts at 1500.
    Heart rate: 110 for t < 300, 130 up to the pause, 135 for 1500 ≤ t < 2700, 150 after.
    """
    t: list[float] = [float(x) for x in range(0, 1201)] + [float(x) for x in range(1500, 3001)]
    hr: list[float | None] = []
    dist: list[float | None] = []
    for x in t:
        hr.append(110.0 if x < 300 else 130.0 if x <= 1200 else 135.0 if x < 2700 else 150.0)
        moving = x if x <= 1200 else x - 300
        dist.append(moving * SPEED_M_S)
    return make(t, hr, distance_m=tuple(dist), pauses=((1200.0, 1500.0),), duration_s=3000.0)


def test_reference_walk_to_the_second() -> None:
    """Duration, moving time, zone split, distance and averages of the reference walk are exact."""
    m = analyze(reference_walk(), BAND)
    assert m.duration_s == 3000
    assert m.moving_s == 2700
    assert (m.below_s, m.in_s, m.above_s) == (300, 2100, 300)
    assert m.samples == 2702 and m.hr_samples == 2702
    assert m.hr_coverage == 1.0
    assert m.distance_m == pytest.approx(3600)
    assert m.avg_hr == pytest.approx(357000 / 2700)
    assert m.max_hr == 150


def test_reference_walk_efficiency_and_steadiness() -> None:
    """Trimmed speed per beat, the fitted speed at the band centre, drift and no spikes."""
    m = analyze(reference_walk(), BAND)
    eff = m.efficiency
    assert eff.eligible and eff.ineligible_reason is None
    # Steady part: moving time 270..2430 s; HR 110·30 + 130·900 + 135·1200 + 150·30 over 2160 s.
    assert eff.speed_per_beat == pytest.approx(80 / (286800 / 2160))
    assert eff.ref_hr == 131.5
    assert eff.speed_at_ref_hr == pytest.approx(80)  # constant pace: the line is flat at 80
    # Halves of 1350 s: mean HR 170250/1350 then 186750/1350 at the same pace.
    assert m.drift_pct == pytest.approx((1 - (170250 / 1350) / (186750 / 1350)) * 100)
    assert m.spikes_share == 0
    assert m.to_json()["efficiency"]["eligible"] is True


def test_gap_over_30_s_is_not_moving_time() -> None:
    """A 31-s gap between samples counts toward neither moving nor zone time; 30 s still does."""
    m = analyze(make([0, 30, 61, 62], [130, 130, 130, 130]), BAND)
    assert m.moving_s == 31
    assert m.in_s == 31


def test_zone_limits_are_inclusive() -> None:
    """lo and hi themselves are in the band; one bpm outside is not."""
    m = analyze(make([0, 1, 2, 3, 4], [122, 123, 140, 141, 130]), BAND)
    assert (m.below_s, m.in_s, m.above_s) == (1, 2, 1)


def test_spikes_share() -> None:
    """30 s at 145 in 10 min at 120 is 30/600 of HR-covered moving time above median + 10."""
    t = [float(x) for x in range(601)]
    hr: list[float | None] = [145.0 if 300 <= x < 330 else 120.0 for x in t]
    m = analyze(make(t, hr), BAND)
    assert m.spikes_share == pytest.approx(30 / 600)


def test_distance_falls_back_to_gps() -> None:
    """Without a file total or cumulative distance, the haversine sum over positions is used."""
    lat = [45.0 + 0.001 * i for i in range(4)]
    m = analyze(make([0, 1, 2, 3], [None] * 4, lat=tuple(lat), lon=(7.0,) * 4), None)
    assert m.distance_m == pytest.approx(3 * haversine_m(45.0, 7.0, 45.001, 7.0))
    assert 3 * 111.0 < (m.distance_m or 0) < 3 * 111.4
    assert m.in_s is None and m.avg_hr is None and m.hr_coverage == 0


def test_ineligible_reasons() -> None:
    """Treadmill, short, low-coverage and hilly walks are left out of efficiency and say why."""
    walk = reference_walk()
    treadmill = replace(walk, sport="treadmill_walking", indoor=True)
    assert analyze(treadmill, BAND).efficiency.ineligible_reason == "indoor"
    short = make(
        [float(x) for x in range(300)], [130.0] * 300, distance_m=tuple(x * 1.3 for x in range(300))
    )
    assert analyze(short, BAND).efficiency.ineligible_reason == "too_short"
    # heart rate lost for the last 10 minutes: 2100 of 2700 moving seconds covered
    lost = tuple(h if t < 2400 else None for t, h in zip(walk.t_s, walk.hr_bpm, strict=True))
    low = replace(walk, hr_bpm=lost)
    assert analyze(low, BAND).hr_coverage == pytest.approx(2099 / 2700)
    assert analyze(low, BAND).efficiency.ineligible_reason == "low_hr_coverage"
    # 3600 m with a steady 1 m climb every 10 s of the 3000 s: about 300 m up, over 80 m/km.
    hilly = replace(walk, altitude_m=tuple(t / 10 for t in walk.t_s))
    result = analyze(hilly, BAND)
    assert result.efficiency.ineligible_reason == "hilly" and not result.efficiency.eligible
    assert result.efficiency.speed_per_beat is not None  # figures are kept, only marked
    gentle = replace(walk, altitude_m=tuple(t / 1000 for t in walk.t_s))  # 3 m in all: flat
    assert analyze(gentle, BAND).efficiency.eligible
    running = replace(walk, sport="running")
    assert analyze(running, BAND).efficiency.ineligible_reason == "not_a_walk"


def test_drift_needs_thirty_minutes() -> None:
    """Walks under 30 min of moving time have no drift figure."""
    t = [float(x) for x in range(1200)]
    m = analyze(make(t, [130.0] * 1200, distance_m=tuple(x * 1.3 for x in t)), BAND)
    assert m.drift_pct is None


def test_empty_activity() -> None:
    """No samples: the file's duration, nothing else."""
    m = analyze(make([], [], duration_s=600.0, total_distance_m=1000.0), BAND)
    assert (m.duration_s, m.moving_s, m.samples, m.distance_m) == (600.0, 0, 0, 1000.0)
    assert m.hr_coverage is None and m.avg_hr is None and m.spikes_share is None


# ---- zones -----------------------------------------------------------------------------------


def test_band_rounds_half_up_from_unrounded_hrmax() -> None:
    """175 × 0.70 = 122.5 -> 123 (a float product would give 122.4999…), 175 × 0.80 = 140."""
    assert band_bpm(175, 0.70, 0.80) == (123, 140)
    assert band_bpm(estimate_hrmax(47), 0.70, 0.80) == (123, 140)  # Tanaka 175.1
    assert round_half_up(122.5) == 123 and round_half_up(175.1) == 175


def test_reserve_band_needs_resting_rate() -> None:
    """Karvonen: rest + p·(HRmax − rest); refused without a resting heart rate."""
    assert band_bpm(180, 0.50, 0.65, resting=60, method="hrr") == (120, 138)
    with pytest.raises(InvalidInputError, match="resting"):
        band_bpm(180, 0.50, 0.65, method="hrr")
    with pytest.raises(InvalidInputError):
        band_bpm(180, 70, 80)  # percentages, not fractions


def test_hrmax_formulas() -> None:
    """Tanaka, Fox, Gellish and Nes at age 40; unknown formulas are refused."""
    assert estimate_hrmax(40) == 180.0
    assert estimate_hrmax(40, "fox") == 180.0
    assert estimate_hrmax(40, "gellish") == 179.0
    assert estimate_hrmax(40, "nes") == pytest.approx(185.4)
    with pytest.raises(InvalidInputError, match="tanaka"):
        estimate_hrmax(40, "karvonen")


# ---- invariants ------------------------------------------------------------------------------

steps = st.lists(st.floats(min_value=0, max_value=60, allow_nan=False), min_size=0, max_size=80)
heart = st.one_of(st.none(), st.floats(min_value=40, max_value=210, allow_nan=False))


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    """Random walks: irregular sampling, gaps, missing HR, distance and random pauses."""
    gaps = draw(steps)
    t = [0.0]
    for g in gaps:
        t.append(t[-1] + g)
    hr = [draw(heart) for _ in t]
    dist = [x * 1.2 for x in t]
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.floats(min_value=0, max_value=t[-1] + 1, allow_nan=False))
        pauses.append((a, a + draw(st.floats(min_value=0.5, max_value=300, allow_nan=False))))
    return make(t, hr, distance_m=tuple(dist), pauses=tuple(sorted(pauses)))


@given(activities(), st.integers(60, 180), st.integers(0, 40))
@settings(max_examples=200, deadline=None)
def test_time_invariants(activity: Activity, lo: int, width: int) -> None:
    """below+in+above = HR-covered moving time ≤ moving ≤ duration; shares lie in [0, 1]."""
    m = analyze(activity, (lo, lo + width))
    assert m.below_s is not None and m.in_s is not None and m.above_s is not None
    zone = m.below_s + m.in_s + m.above_s
    covered = (m.hr_coverage or 0) * m.moving_s
    assert zone == pytest.approx(covered, abs=1e-6)
    assert zone <= m.moving_s + 1e-6
    assert m.moving_s <= m.duration_s + 1e-6
    assert m.hr_coverage is None or 0 <= m.hr_coverage <= 1 + 1e-9
    assert m.spikes_share is None or 0 <= m.spikes_share <= 1 + 1e-9
    assert m.samples == len(activity.t_s)
    if m.avg_hr is not None and m.max_hr is not None:
        assert m.avg_hr <= m.max_hr + 1e-6


@given(
    st.floats(min_value=100, max_value=230),
    st.floats(min_value=0.3, max_value=0.9),
    st.floats(min_value=0.01, max_value=0.1),
)
def test_band_is_ordered_and_close_to_exact(hrmax: float, low: float, width: float) -> None:
    """lo ≤ hi and each limit is within half a bpm of the exact product."""
    lo, hi = band_bpm(hrmax, low, min(1.0, low + width))
    assert lo <= hi
    assert abs(lo - hrmax * low) <= 0.5 + 1e-9
