"""Figures in the person's units on every page (issue 15): distances and speeds in kilometres or
miles, a walk's pace against the moderate band and which guide wins, the lesson's paragraphs.

Presentation only: the values come from the services in SI units and are converted here, as the
templates show them (`units` is in every page's context: the signed-in walker's own, or the
patient's on a clinician's page). Installed as Jinja filters and globals by `install`.
"""

from __future__ import annotations

from jinja2 import Environment

from walkrx.domain.lessons import paragraphs
from walkrx.domain.pace import band_text, guidance, pace_text, shown_pace
from walkrx.domain.plausibility import check_text
from walkrx.domain.units import distance_text, distance_unit, speed_text, speed_unit

VERDICT_WORDS = {"below": "below the band", "in_band": "in the band", "above": "above the band"}


def _distance(metres: float | None, units: str, digits: int = 2) -> str:
    return "" if metres is None else distance_text(metres, units, digits)


def _speed(kmh: float | None, units: str, digits: int = 1) -> str:
    return "" if kmh is None else speed_text(kmh, units, digits)


def install(env: Environment) -> None:
    env.filters["distance"] = _distance
    env.filters["speed"] = _speed
    env.filters["paragraphs"] = paragraphs
    env.globals.update(
        distance_unit=distance_unit,
        speed_unit=speed_unit,
        pace_text=pace_text,
        pace_guidance=guidance,
        pace_shown=shown_pace,
        band_text=band_text,
        check_words=check_text,
        verdict_words=VERDICT_WORDS,
    )
