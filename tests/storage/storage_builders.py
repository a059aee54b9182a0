"""Builders for the storage tests: a person and a walk with every field filled in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from walkrx.domain.model import Person, Walk, ZoneSettings

START = date(2024, 3, 4)


def a_person(name: str = "Ann", **changes: Any) -> Person:
    person = Person(
        id=None,
        name=name,
        start=START,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(
            ZoneSettings(effective=START, age=52),
            ZoneSettings(
                effective=date(2024, 3, 25),
                age=52,
                max_hr=171,
                resting_hr=58,
                hrmax_formula="gellish",
                zone_method="hrr",
            ),
        ),
        days=(0, 2, 4),
        goals=("return_to_sport", "walk the dog, daily"),
    )
    return replace(person, **changes)


def a_walk(**changes: Any) -> Walk:
    walk = Walk(
        id=None,
        start=datetime(2024, 3, 31, 0, 30, 15, 250000, tzinfo=UTC),  # the night clocks change
        timezone="Europe/London",
        duration_s=2400,
        moving_s=2280,
        distance_m=2954.75,
        avg_hr=118.4,
        max_hr=131,
        effort=4,
        pain_before=3,
        pain_during=4,
        pain_after=2,
        pain_next_morning=3,
        lower_limb_pain=1,
        terrain="hilly",
        talk_test=True,
        tempo=True,
        notes="Windy; stopped once.\nSecond line — with ümlauts.",
        cues=("tall spine", "arms swing, relaxed", ""),
        zone_in_s=1500,
        band_bpm=(112, 128),
        source="fit",
        pace_hr=0.622,
    )
    return replace(walk, **changes)
