"""Miles or kilometres (spec section 12, issue 15): how a person reads distances and speeds.

Stored values and JSON stay in SI units (metres, seconds, km/h where a speed is documented so);
a person's units only change what is shown. Every rule that judges a figure (the pace verdict,
`walkrx.domain.pace`) works on the canonical metric value and is never recomputed from a
converted one, so the units a person reads can never change a verdict.

Conversions use the international mile (1,609.344 m exactly). Shown figures are rounded half up
on their shortest decimal form (`walkrx.domain.numbers`), as heart-rate band edges are.

The default for a new person comes from the locale they sign up with (the browser's
Accept-Language header): miles for the regions that measure road distance and speed in miles
(the United States, Liberia, Myanmar and the United Kingdom), kilometres everywhere else. The
United Kingdom is our reading: its road signs, speed limits and the NHS's walking advice
("brisk walking, about 3 mph") are in miles, although its science and sport use kilometres; a
British walker who prefers kilometres changes it once in their settings.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from walkrx.domain.numbers import exact
from walkrx.errors import InvalidInputError

__all__ = [
    "IMPERIAL",
    "IMPERIAL_REGIONS",
    "KM_PER_MILE",
    "METRES_PER_MILE",
    "METRIC",
    "UNITS",
    "check_units",
    "distance_text",
    "distance_unit",
    "distance_value",
    "fixed",
    "metres_from",
    "speed_text",
    "speed_unit",
    "speed_value",
    "units_for_locale",
]

METRIC = "metric"
IMPERIAL = "imperial"
UNITS = (METRIC, IMPERIAL)
METRES_PER_MILE = Decimal("1609.344")  # the international mile, exactly
KM_PER_MILE = METRES_PER_MILE / 1000
# Regions (ISO 3166 codes of a language tag) that measure road distance in miles.
IMPERIAL_REGIONS = frozenset({"US", "LR", "MM", "GB"})


def check_units(value: str | None, field: str = "units") -> str:
    """`metric` or `imperial` (case and spaces ignored); anything else is refused."""
    cleaned = (value or "").strip().lower()
    if cleaned not in UNITS:
        raise InvalidInputError(
            f"units '{(value or '')[:40]}' are not known: use metric (kilometres) or imperial "
            "(miles)",
            field=field,
        )
    return cleaned


def fixed(value: float | Decimal, digits: int) -> Decimal:
    """`value` rounded half up to `digits` decimals (a shown figure)."""
    number = value if isinstance(value, Decimal) else exact(value)
    return number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def distance_unit(units: str) -> str:
    return "mi" if units == IMPERIAL else "km"


def speed_unit(units: str) -> str:
    return "mph" if units == IMPERIAL else "km/h"


def distance_value(metres: float, units: str) -> Decimal:
    """A distance in the person's unit (km or mi), unrounded."""
    value = exact(metres) / 1000
    return value / KM_PER_MILE if units == IMPERIAL else value


def speed_value(kmh: float | Decimal, units: str) -> Decimal:
    """A speed in the person's unit (km/h or mph), unrounded."""
    value = kmh if isinstance(kmh, Decimal) else exact(kmh)
    return value / KM_PER_MILE if units == IMPERIAL else value


def distance_text(metres: float, units: str, digits: int = 2) -> str:
    """'3.11 mi' or '5.00 km'."""
    return f"{fixed(distance_value(metres, units), digits)} {distance_unit(units)}"


def speed_text(kmh: float | Decimal, units: str, digits: int = 1) -> str:
    """'3.1 mph' or '5.0 km/h'."""
    return f"{fixed(speed_value(kmh, units), digits)} {speed_unit(units)}"


def metres_from(value: float, units: str) -> float:
    """A distance a person gave in their unit (km or mi), in metres."""
    factor = METRES_PER_MILE if units == IMPERIAL else Decimal(1000)
    return float(exact(value) * factor)


def units_for_locale(accept_language: str | None) -> str:
    """The default units for a new person from an Accept-Language header: the region of the
    most preferred language tag that names one ('en-US' -> imperial, 'de-DE' -> metric); a
    header naming no region (or none at all) gives metric."""
    tags: list[tuple[float, int, str]] = []
    for order, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            tags.append((-quality, order, tag.strip().replace("_", "-")))
    for _, _, tag in sorted(tags):
        subtags = tag.split("-")[1:]
        region = next((s for s in subtags if len(s) == 2 and s.isalpha()), None)
        if region is not None:
            return IMPERIAL if region.upper() in IMPERIAL_REGIONS else METRIC
    return METRIC
