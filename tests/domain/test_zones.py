"""Heart-rate zones (spec section 2): HRmax formulas, the band in bpm, rounding, reserve form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.model import ZoneSettings
from walkrx.domain.protocol import ZoneDefaults
from walkrx.domain.zones import (
    ESTIMATE_ERROR_BPM,
    ZONE_LABEL,
    estimate_hrmax,
    in_band,
    round_half_up,
    zones_for,
)
from walkrx.errors import InvalidInputError

from .strategies import person, protocol

DAY = date(2024, 1, 1)
DEFAULTS = ZoneDefaults()


def settings(**kw: object) -> ZoneSettings:
    fields: dict[str, object] = {"effective": DAY, "age": 50}
    fields.update(kw)
    return ZoneSettings(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("formula", "age", "expected"),
    [
        ("tanaka", 50, 173.0),  # 208 - 0.7 x 50
        ("tanaka", 30, 187.0),
        ("fox", 50, 170.0),  # 220 - 50
        ("fox", 35, 185.0),
        ("gellish", 50, 172.0),  # 207 - 0.7 x 50
        ("gellish", 40, 179.0),
        ("nes", 50, 179.0),  # 211 - 0.64 x 50
        ("nes", 25, 195.0),
    ],
)
def test_hrmax_formulas(formula: str, age: int, expected: float) -> None:
    """spec 2 HRmax: Tanaka 208-0.7*age, Fox 220-age, Gellish 207-0.7*age, Nes 211-0.64*age."""
    assert estimate_hrmax(age, formula) == pytest.approx(expected)
    z = zones_for(settings(age=age, hrmax_formula=formula), DEFAULTS)
    assert z.hrmax == pytest.approx(expected)
    assert z.hrmax_source == formula
    assert z.estimated


def test_tanaka_is_the_default_formula() -> None:
    """spec 2 HRmax: Tanaka is the default age formula."""
    assert ZoneSettings(effective=DAY, age=50).hrmax_formula == "tanaka"
    assert estimate_hrmax(50) == pytest.approx(173.0)


def test_age_50_tanaka_band() -> None:
    """spec 2 target zone: age 50 Tanaka gives HRmax 173 and a 70-80 % band of [121, 138] bpm."""
    z = zones_for(settings(age=50), protocol().zones)
    assert z.hrmax_bpm == 173
    assert z.band_bpm == (121, 138)  # 121.1 -> 121, 138.4 -> 138
    assert z.method == "hrmax"
    assert z.percent == (0.70, 0.80)


def test_shipped_protocol_band_defaults() -> None:
    """spec 2 target zone: 70-80 % of HRmax, reserve form 50-65 %, as protocol data."""
    for name in ("walking-6wk", "walkback-26wk"):
        zd = protocol(name).zones
        assert (zd.hrmax_low, zd.hrmax_high) == (0.70, 0.80)
        assert (zd.hrr_low, zd.hrr_high) == (0.50, 0.65)


def test_measured_hrmax_wins_over_age() -> None:
    """spec 2 HRmax: a measured value is used when the person gives one."""
    z = zones_for(settings(age=50, max_hr=190), DEFAULTS)
    assert z.hrmax == 190
    assert z.hrmax_source == "measured"
    assert not z.estimated
    assert z.band_bpm == (133, 152)


def test_band_bound_exactly_half_rounds_up() -> None:
    """spec 2 band rounding: a limit of exactly x.5 rounds half up (0.7 x 175 = 122.5 -> 123)."""
    z = zones_for(settings(max_hr=175), DEFAULTS)
    assert pytest.approx(122.5) == 0.7 * 175
    assert z.band_bpm == (123, 140)
    # Fox at age 45 gives the same HRmax of 175, so the same rounding from an estimate
    assert zones_for(settings(age=45, hrmax_formula="fox"), DEFAULTS).band_bpm == (123, 140)


def test_upper_bound_exactly_half_rounds_up() -> None:
    """spec 2 band rounding: an upper limit of exactly x.5 rounds up (0.9 x 165 = 148.5 -> 149)."""
    defaults = ZoneDefaults(hrmax_low=0.70, hrmax_high=0.90)
    z = zones_for(settings(max_hr=165), defaults)  # 0.9 x 165 = 148.5
    assert z.band_bpm == (116, 149)  # 115.5 -> 116 as well


def test_band_uses_unrounded_hrmax() -> None:
    """spec 2 band rounding: limits come from the unrounded HRmax, not the rounded one.

    Tanaka at age 19: HRmax 194.7 (shown 195); 0.7 x 194.7 = 136.29 -> 136, while the rounded
    HRmax would give 0.7 x 195 = 136.5 -> 137.
    """
    z = zones_for(settings(age=19, hrmax_formula="tanaka"), DEFAULTS)
    assert z.hrmax == pytest.approx(194.7)
    assert z.hrmax_bpm == 195
    assert z.band_bpm[0] == 136
    assert z.band_bpm[1] == 156  # 155.76 -> 156


def test_hrmax_shown_rounded_half_up() -> None:
    """spec 2: HRmax itself is shown rounded half up (Gellish at 35: 182.5 -> 183)."""
    z = zones_for(settings(age=35, hrmax_formula="gellish"), DEFAULTS)
    assert z.hrmax == pytest.approx(182.5)
    assert z.hrmax_bpm == 183


@pytest.mark.parametrize(
    ("value", "expected"),
    [(122.5, 123), (122.4999, 122), (121.1, 121), (138.4, 138), (0.5, 1), (1.5, 2), (2.5, 3)],
)
def test_round_half_up(value: float, expected: int) -> None:
    """spec 2 band rounding: half up (122.5 -> 123), not banker's rounding (2.5 -> 3, not 2)."""
    assert round_half_up(value) == expected


def test_hrr_band() -> None:
    """spec 2 reserve form: rest + p x (HRmax - rest), p 50-65 %, rounded half up.

    HRmax 173 (Tanaka, 50), rest 60: 60 + 0.5 x 113 = 116.5 -> 117; 60 + 0.65 x 113 = 133.45 -> 133.
    """
    z = zones_for(settings(age=50, resting_hr=60, zone_method="hrr"), protocol().zones)
    assert z.method == "hrr"
    assert z.percent == (0.50, 0.65)
    assert z.band_bpm == (117, 133)
    assert z.resting_hr == 60


def test_hrr_needs_resting_heart_rate() -> None:
    """spec 2 reserve form: refused without a resting heart rate."""
    with pytest.raises(InvalidInputError, match="resting heart rate"):
        zones_for(settings(zone_method="hrr", resting_hr=None), DEFAULTS)


def test_in_band_is_inclusive() -> None:
    """spec 2: a sample is in the target zone when lo <= hr <= hi."""
    band = (121, 138)
    assert in_band(121, band)
    assert in_band(138, band)
    assert in_band(130.5, band)
    assert not in_band(120.9, band)
    assert not in_band(138.1, band)


def test_label_and_estimate_error() -> None:
    """spec 2: the label says the band is Garmin zone 3 and spans ACSM bands; estimates +-10."""
    assert "zone 3" in ZONE_LABEL
    assert "ACSM" in ZONE_LABEL
    assert ESTIMATE_ERROR_BPM == 10


@given(
    age=st.integers(15, 90),
    formula=st.sampled_from(["tanaka", "fox", "gellish", "nes"]),
)
def test_band_matches_half_up_of_unrounded_limits(age: int, formula: str) -> None:
    """spec 2 band rounding: each limit equals floor(p x HRmax + 0.5) from the unrounded HRmax."""
    z = zones_for(settings(age=age, hrmax_formula=formula), DEFAULTS)
    hrmax = estimate_hrmax(age, formula)
    for p, bound in zip((0.70, 0.80), z.band_bpm, strict=True):
        exact = p * hrmax
        assert bound - 0.5 <= exact + 1e-6
        assert exact < bound + 0.5 + 1e-6
    assert z.band_bpm[0] < z.band_bpm[1]


@given(
    hrmax=st.integers(120, 220),
    rest=st.integers(35, 100),
)
def test_hrr_band_within_hrmax_band_neighbourhood(hrmax: int, rest: int) -> None:
    """spec 2 reserve form: the band lies between rest and HRmax, low <= high."""
    z = zones_for(settings(max_hr=hrmax, resting_hr=rest, zone_method="hrr"), DEFAULTS)
    lo, hi = z.band_bpm
    assert rest <= lo <= hi <= hrmax


def test_zones_are_versioned_by_effective_date() -> None:
    """spec 2 versioning: a change of HRmax or band applies to walks from its date on."""
    first = ZoneSettings(effective=DAY, age=50)
    measured = ZoneSettings(effective=DAY + timedelta(days=10), age=50, max_hr=180)
    who = replace(person(), zones=(first, measured))
    assert who.zone_settings_on(DAY - timedelta(days=3)) == first  # before any change
    assert who.zone_settings_on(DAY + timedelta(days=9)) == first
    assert who.zone_settings_on(DAY + timedelta(days=10)) == measured
    assert zones_for(who.zone_settings_on(DAY + timedelta(days=30)), DEFAULTS).hrmax_bpm == 180
