"""Walking pace against the moderate pace band (spec section 12, issue 15): advice, never a rule.

The band is protocol data (`[pace]`: 4.8-6.4 km/h, the 3-4 mph of the seed article on walking
and spinal health) that a clinician may adjust per person: a slow gait after an injury is not a
failing walk. A walk's moving pace is its distance over its moving time (paused time left out;
a walk logged by hand without a moving time uses its duration).

The verdict mirrors how heart-rate zone edges are judged (`walkrx.domain.zones`): the figure is
rounded half up on its shortest decimal form, here to one decimal of a km/h (4.75 -> 4.8, 6.45 ->
6.5), and compared with the band's edges, both included: `below` when under the low edge,
`above` when over the high edge, else `in_band`. It is computed once, in km/h, from metres and
seconds; miles are for display only (`walkrx.domain.units`), so the units a person reads never
change it. Without a distance (a treadmill without speed, a walk logged without one) or with
under two minutes of moving time there is no verdict: walkrx says so rather than guess.

Pace never overrides the heart-rate zone or the talk test: they guide the walk when they
disagree with the band (`guidance`), and the weekly review never reads pace verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from walkrx.domain.model import Walk
from walkrx.domain.numbers import exact
from walkrx.domain.units import fixed, speed_text, speed_unit, speed_value

__all__ = [
    "MIN_PACE_MOVING_S",
    "NO_DISTANCE",
    "TOO_SHORT",
    "PaceBand",
    "PaceVerdict",
    "WalkPace",
    "WeekPace",
    "band_text",
    "canonical_kmh",
    "guidance",
    "judge",
    "moving_kmh",
    "pace_from",
    "pace_text",
    "shown_pace",
    "walk_pace",
    "week_pace",
]

MIN_PACE_MOVING_S = 120  # as the moving speed of an imported walk: under 2 minutes, no verdict
NO_DISTANCE = "no_distance"
TOO_SHORT = "too_short"


class PaceVerdict(StrEnum):
    BELOW = "below"
    IN_BAND = "in_band"
    ABOVE = "above"


@dataclass(frozen=True)
class PaceBand:
    """The moderate walking pace, in km/h (protocol data: the `[pace]` table)."""

    low_kmh: float = 4.8
    high_kmh: float = 6.4
    source: str = ""  # where the band comes from, cited in the protocol file

    @property
    def edges(self) -> tuple[Decimal, Decimal]:
        """The edges as the verdict compares them: half up to 0.1 km/h."""
        return canonical_kmh(self.low_kmh), canonical_kmh(self.high_kmh)

    @property
    def kmh(self) -> tuple[float, float]:
        return float(self.edges[0]), float(self.edges[1])


def moving_kmh(distance_m: float | None, moving_s: float | None) -> float | None:
    """Distance over moving time in km/h (unrounded); None without a distance or with under
    `MIN_PACE_MOVING_S` of moving time."""
    if not distance_m or distance_m <= 0 or moving_s is None or moving_s < MIN_PACE_MOVING_S:
        return None
    return float(exact(distance_m) / exact(moving_s) * Decimal("3.6"))


def canonical_kmh(kmh: float | Decimal) -> Decimal:
    """The one value a verdict is judged on: km/h half up to one decimal (4.75 -> 4.8)."""
    return fixed(kmh, 1)


def judge(kmh: float, band: PaceBand) -> PaceVerdict:
    """Below, in or above the band, edges included, on the canonical value."""
    value = canonical_kmh(kmh)
    low, high = band.edges
    if value < low:
        return PaceVerdict.BELOW
    if value > high:
        return PaceVerdict.ABOVE
    return PaceVerdict.IN_BAND


@dataclass(frozen=True)
class WalkPace:
    """A walk's moving pace and its verdict against the band (None: no verdict, see `missing`)."""

    moving_kmh: float | None
    band: PaceBand
    verdict: PaceVerdict | None
    missing: str | None = None  # NO_DISTANCE or TOO_SHORT when there is no verdict
    treadmill: bool = False

    def to_json(self) -> dict[str, object]:
        """`{"moving_kmh", "band_kmh", "verdict"}` (docs/json.md): SI units whatever is shown."""
        return {
            "moving_kmh": None if self.moving_kmh is None else float(fixed(self.moving_kmh, 2)),
            "band_kmh": list(self.band.kmh),
            "verdict": None if self.verdict is None else self.verdict.value,
        }


def pace_from(
    distance_m: float | None, moving_s: float | None, band: PaceBand, treadmill: bool = False
) -> WalkPace:
    """The pace of a distance over a moving time, judged against `band`."""
    if not distance_m or distance_m <= 0:
        return WalkPace(None, band, None, NO_DISTANCE, treadmill)
    kmh = moving_kmh(distance_m, moving_s)
    if kmh is None:
        return WalkPace(None, band, None, TOO_SHORT, treadmill)
    return WalkPace(kmh, band, judge(kmh, band), None, treadmill)


def walk_pace(walk: Walk, band: PaceBand) -> WalkPace:
    """The pace of a stored walk: its moving time when known (pauses left out), else its
    duration (a walk logged by hand without a moving time had no pauses recorded)."""
    moving = walk.moving_s if walk.moving_s is not None else walk.duration_s
    return pace_from(walk.distance_m, moving, band, walk.terrain == "treadmill")


def shown_pace(pace: WalkPace, units: str) -> tuple[str, str, str]:
    """The pace and the band's edges as shown in `units`, consistent with the verdict.

    Shown with one decimal; when that would print the pace equal to an edge it lies outside of
    (6.5 km/h is 4.04 mph, the top edge 6.4 km/h 3.98 mph: both '4.0 mph'), with two decimals,
    which always tells apart values 0.1 km/h apart. Converted from the canonical km/h values."""
    assert pace.moving_kmh is not None
    value = canonical_kmh(pace.moving_kmh)
    low, high = pace.band.edges
    for digits in (1, 2):
        shown = [fixed(speed_value(v, units), digits) for v in (value, low, high)]
        p, lo, hi = shown
        consistent = {
            PaceVerdict.BELOW: p < lo,
            PaceVerdict.ABOVE: p > hi,
            PaceVerdict.IN_BAND: lo <= p <= hi,
        }[pace.verdict or PaceVerdict.IN_BAND]
        if consistent or digits == 2:
            return str(p), str(lo), str(hi)
    raise AssertionError("unreachable")  # pragma: no cover


def band_text(band: PaceBand, units: str) -> str:
    """'4.8–6.4 km/h' or '3.0–4.0 mph'."""
    low, high = (fixed(speed_value(edge, units), 1) for edge in band.edges)
    return f"{low}–{high} {speed_unit(units)}"


def pace_text(pace: WalkPace, units: str) -> str:
    """The pace and its verdict in one sentence, in the person's units."""
    if pace.verdict is None or pace.moving_kmh is None:
        if pace.missing == TOO_SHORT:
            return "Too little moving time to work out a pace."
        if pace.treadmill:
            return (
                "No distance was recorded (a treadmill without its speed), so walkrx cannot "
                "say how fast you walked; your heart rate and the talk test still tell how hard."
            )
        return "No distance was recorded, so walkrx cannot say how fast you walked."
    value, low, high = shown_pace(pace, units)
    unit = speed_unit(units)
    where = {
        PaceVerdict.BELOW: "below",
        PaceVerdict.IN_BAND: "inside",
        PaceVerdict.ABOVE: "above",
    }[pace.verdict]
    return f"Moving pace {value} {unit}: {where} the moderate band of {low}–{high} {unit}."


def _effort(walk: Walk) -> str | None:
    """What the walk's heart rate or talk test says about its effort: 'in', 'below', 'above',
    'talk_held', 'talk_failed', or None when it says nothing."""
    if walk.avg_hr is not None and walk.band_bpm is not None:
        low, high = walk.band_bpm
        return "below" if walk.avg_hr < low else "above" if walk.avg_hr > high else "in"
    if walk.talk_test is not None:
        return "talk_held" if walk.talk_test else "talk_failed"
    return None


def guidance(walk: Walk, pace: WalkPace) -> str:
    """Which guide the walk follows: the heart-rate zone and the talk test lead, the pace band
    is advice. One or two sentences, for the walk's page and the command line."""
    effort = _effort(walk)
    if pace.verdict is None:
        return ""
    if pace.verdict is PaceVerdict.IN_BAND:
        if effort in ("above", "talk_failed"):
            return (
                "Your pace was moderate, but your effort was high: ease off next time. The "
                "heart-rate zone and the talk test guide the walk; the pace band is advice."
            )
        return "A moderate pace: brisk enough to work your trunk, easy enough to keep your posture."
    if pace.verdict is PaceVerdict.BELOW:
        if effort in ("above", "talk_failed"):
            return (
                "Slower than the band, yet your effort was above your target: keep to this pace "
                "or slow down. The heart-rate zone and the talk test guide the walk; the pace "
                "band is advice (hills, heat or a slower gait after an injury all slow you)."
            )
        if effort in ("in", "talk_held"):
            return (
                "Slower than the band, but your effort was right, and your heart-rate zone and "
                "the talk test are what guide the walk: the pace band is advice. Walking slowly "
                "at the right effort is fine, and a slower gait after an injury is not a "
                "failing walk."
            )
        return (
            "Slower than the band. If the walk felt easy, you may pick up the pace a little, as "
            "long as you can still talk in full sentences: the zone and the talk test guide the "
            "walk, the pace band is advice."
        )
    if effort in ("above", "talk_failed"):
        return (
            "Faster than the band, and your effort was above your target: slow down next time. "
            "The heart-rate zone and the talk test guide the walk; the pace band is advice."
        )
    if effort in ("in", "talk_held", "below"):
        return (
            "Faster than the band while your effort stayed on target, which is what guides the "
            "walk: that is fine. Check that your posture holds at that speed."
        )
    return (
        "Faster than the band: check that your posture holds, and slow down if you cannot talk "
        "in full sentences (the talk test guides the walk; the pace band is advice)."
    )


@dataclass(frozen=True)
class WeekPace:
    """The pace verdicts of a week's walks."""

    below: int = 0
    in_band: int = 0
    above: int = 0
    no_pace: int = 0  # walks with no verdict (no distance, or too short)
    median_kmh: float | None = None  # median moving pace of the walks with a verdict

    @property
    def judged(self) -> int:
        return self.below + self.in_band + self.above

    def to_json(self, band: PaceBand) -> dict[str, object]:
        return {
            "band_kmh": list(band.kmh),
            "below": self.below,
            "in_band": self.in_band,
            "above": self.above,
            "no_pace": self.no_pace,
            "median_kmh": None if self.median_kmh is None else float(fixed(self.median_kmh, 2)),
        }

    def words(self, units: str) -> str:
        """'Pace: 3 of 4 walks in the moderate band, 1 below (median 5.1 km/h).'"""
        if not self.judged:
            if self.no_pace:
                return "Pace: no walk this week had a distance, so there is no pace to show."
            return ""
        parts = [
            f"{self.in_band} of {self.judged} walk{'s' if self.judged != 1 else ''} in the "
            "moderate band"
        ]
        if self.below:
            parts.append(f"{self.below} below")
        if self.above:
            parts.append(f"{self.above} above")
        median = (
            "" if self.median_kmh is None else f" (median {speed_text(self.median_kmh, units)})"
        )
        return "Pace: " + ", ".join(parts) + median + "."


def week_pace(walks: tuple[Walk, ...] | list[Walk], band: PaceBand) -> WeekPace:
    """Count the verdicts of `walks` (a week's, as the review counts them)."""
    paces = [walk_pace(w, band) for w in walks]
    judged = sorted(p.moving_kmh for p in paces if p.moving_kmh is not None)
    median: float | None = None
    if judged:
        middle = len(judged) // 2
        median = judged[middle] if len(judged) % 2 else (judged[middle - 1] + judged[middle]) / 2
    return WeekPace(
        below=sum(1 for p in paces if p.verdict is PaceVerdict.BELOW),
        in_band=sum(1 for p in paces if p.verdict is PaceVerdict.IN_BAND),
        above=sum(1 for p in paces if p.verdict is PaceVerdict.ABOVE),
        no_pace=sum(1 for p in paces if p.verdict is None),
        median_kmh=median,
    )
