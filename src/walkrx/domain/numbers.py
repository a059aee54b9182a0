"""Exact rounding for the program's figures.

Half-up rounding on the shortest decimal form of a float, so that 175 x 0.7 (122.49999... in binary)
rounds as the 122.5 a clinician would compute by hand: to 123. Python's round() rounds halves to
even and works on the binary value, which would give 122.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def exact(value: float) -> Decimal:
    """The shortest decimal that reads back as `value` (what a person would write down)."""
    return Decimal(repr(float(value)))


def round_half_up(value: float | Decimal) -> int:
    """`value` rounded to a whole number, halves away from zero (122.5 -> 123)."""
    number = value if isinstance(value, Decimal) else exact(value)
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
