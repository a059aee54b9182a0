"""Heart-rate zones (spec section 2): HRmax measured or estimated, and the target band in bpm.

The protocol's band is 70-80 % of HRmax. That is what Garmin's default five zones call zone 3, and
it
straddles the ACSM "moderate" (64-76 %) and "vigorous" (77-95 %) bands, so the label says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from walkrx.domain.model import ZoneSettings
from walkrx.domain.protocol import ZoneDefaults

# Age formulas for HRmax (beats per minute), each about ±10 bpm off for an individual.
HRMAX_FORMULAS: dict[str, tuple[float, float, str]] = {
    "tanaka": (208.0, 0.7, "Tanaka et al. 2001: 208 - 0.7 x age"),
    "fox": (220.0, 1.0, "Fox et al. 1971: 220 - age"),
    "gellish": (207.0, 0.7, "Gellish et al. 2007: 207 - 0.7 x age"),
    "nes": (211.0, 0.64, "Nes et al. 2013: 211 - 0.64 x age"),
}
ZONE_METHODS = ("hrmax", "hrr")
ESTIMATE_ERROR_BPM = 10

ZONE_LABEL = (
    "walkrx target zone: the protocol calls it 'Zone 2'. On a Garmin watch's default zones "
    "this band is zone 3, and it spans the ACSM 'moderate' and 'vigorous' bands. Trust the "
    "bpm numbers, not the zone number your watch shows."
)


def round_half_up(value: float) -> int:
    """Round to a whole number, halves upward (122.5 -> 123), unlike Python's banker's round."""
    return int(value + 0.5 + 1e-9)


def estimate_hrmax(age: int, formula: str = "tanaka") -> float:
    intercept, slope, _ = HRMAX_FORMULAS[formula]
    return intercept - slope * age


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
        assert settings.resting_hr is not None, "the reserve method needs a resting heart rate"
        rest = float(settings.resting_hr)
        low_p, high_p = defaults.hrr_low, defaults.hrr_high
        low = rest + low_p * (hrmax - rest)
        high = rest + high_p * (hrmax - rest)
    else:
        low_p, high_p = defaults.hrmax_low, defaults.hrmax_high
        low, high = low_p * hrmax, high_p * hrmax
    return Zones(
        hrmax=hrmax,
        hrmax_source=source,
        band_bpm=(round_half_up(low), round_half_up(high)),
        method=settings.zone_method,
        percent=(low_p, high_p),
        resting_hr=settings.resting_hr,
    )


def in_band(hr_bpm: float, band: tuple[int, int]) -> bool:
    return band[0] <= hr_bpm <= band[1]
