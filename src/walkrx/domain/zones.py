"""Heart-rate zones (spec section 2): HRmax measured or estimated, and the target band in bpm.

The protocol's band is 70-80 % of HRmax. That is what Garmin's default five zones call zone 3, and
it straddles the ACSM "moderate" (64-76 %) and "vigorous" (77-95 %) bands, so the label says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from walkrx.domain.model import ZoneSettings
from walkrx.domain.numbers import exact, round_half_up
from walkrx.domain.protocol import ZoneDefaults
from walkrx.errors import InvalidInputError

__all__ = [
    "ESTIMATE_ERROR_BPM",
    "HRMAX_FORMULAS",
    "ZONE_LABEL",
    "ZONE_METHODS",
    "Zones",
    "band_bpm",
    "estimate_hrmax",
    "in_band",
    "round_half_up",
    "zones_for",
]

# Age formulas for HRmax, as exact decimals: (intercept, slope per year, source). Each is off by
# about ±10 bpm for one person.
HRMAX_FORMULAS: dict[str, tuple[str, str, str]] = {
    "tanaka": ("208", "0.7", "Tanaka et al. 2001: 208 - 0.7 x age"),
    "fox": ("220", "1", "Fox et al. 1971: 220 - age"),
    "gellish": ("207", "0.7", "Gellish et al. 2007: 207 - 0.7 x age"),
    "nes": ("211", "0.64", "Nes et al. 2013: 211 - 0.64 x age"),
}
ZONE_METHODS = ("hrmax", "hrr")
ESTIMATE_ERROR_BPM = 10

ZONE_LABEL = (
    "walkrx target zone: the protocol calls it 'Zone 2'. On a Garmin watch's default zones "
    "this band is zone 3, and it spans the ACSM 'moderate' and 'vigorous' bands. Trust the "
    "bpm numbers, not the zone number your watch shows."
)


def estimate_hrmax(age: float, formula: str = "tanaka") -> float:
    """HRmax estimated from age (unrounded): tanaka (default), fox, gellish or nes."""
    try:
        intercept, slope, _ = HRMAX_FORMULAS[formula]
    except KeyError:
        known = ", ".join(HRMAX_FORMULAS)
        raise InvalidInputError(f"unknown HRmax formula '{formula}'; use one of: {known}") from None
    if not 0 < age < 120:
        raise InvalidInputError(f"age {age} is outside 1-119 years; give an age in years")
    return float(Decimal(intercept) - Decimal(slope) * exact(age))


def band_bpm(
    hrmax: float,
    low: float,
    high: float,
    resting: float | None = None,
    method: str = "hrmax",
) -> tuple[int, int]:
    """The band (lo, hi) in whole bpm from the unrounded HRmax, rounded half up (spec 2).

    `low`/`high` are fractions (0.70). method "hrmax": p x HRmax; "hrr" (Karvonen, heart-rate
    reserve): rest + p x (HRmax - rest), which needs a resting heart rate.
    """
    if not 0 < low < high <= 1:
        raise InvalidInputError(
            f"band limits {low}-{high} must be fractions with 0 < low < high <= 1 (0.70 for 70 %)"
        )
    if hrmax <= 0:
        raise InvalidInputError(f"HRmax {hrmax} must be positive")
    if method == "hrmax":
        lo, hi = exact(hrmax) * exact(low), exact(hrmax) * exact(high)
    elif method == "hrr":
        if resting is None:
            raise InvalidInputError(
                "the heart-rate-reserve band needs a resting heart rate; give one or use the "
                "HRmax band"
            )
        if not 0 < resting < hrmax:
            raise InvalidInputError(f"resting heart rate {resting} must be between 0 and HRmax")
        reserve = exact(hrmax) - exact(resting)
        lo = exact(resting) + exact(low) * reserve
        hi = exact(resting) + exact(high) * reserve
    else:
        raise InvalidInputError(f"unknown band method '{method}'; use 'hrmax' or 'hrr'")
    return round_half_up(lo), round_half_up(hi)


@dataclass(frozen=True)
class Zones:
    hrmax: float  # unrounded
    hrmax_source: str  # "measured" or the formula's name
    band_bpm: tuple[int, int]
    method: str  # hrmax | hrr
    percent: tuple[float, float]
    resting_hr: int | None

    @property
    def hrmax_bpm(self) -> int:
        return round_half_up(self.hrmax)

    @property
    def estimated(self) -> bool:
        return self.hrmax_source != "measured"

    @property
    def centre_bpm(self) -> float:
        return (self.band_bpm[0] + self.band_bpm[1]) / 2


def zones_for(settings: ZoneSettings, defaults: ZoneDefaults) -> Zones:
    """Work out HRmax and the band from a person's settings; callers validate settings first."""
    if settings.max_hr is not None:
        hrmax, source = float(settings.max_hr), "measured"
    else:
        assert settings.age is not None, "an age or a measured HRmax is required"
        hrmax, source = estimate_hrmax(settings.age, settings.hrmax_formula), settings.hrmax_formula
    if settings.zone_method == "hrr":
        low_p, high_p = defaults.hrr_low, defaults.hrr_high
    else:
        low_p, high_p = defaults.hrmax_low, defaults.hrmax_high
    band = band_bpm(hrmax, low_p, high_p, settings.resting_hr, settings.zone_method)
    return Zones(
        hrmax=hrmax,
        hrmax_source=source,
        band_bpm=band,
        method=settings.zone_method,
        percent=(low_p, high_p),
        resting_hr=settings.resting_hr,
    )


def in_band(hr_bpm: float, band: tuple[int, int]) -> bool:
    return band[0] <= hr_bpm <= band[1]
