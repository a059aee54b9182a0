"""The progress report's section on how the person walked (issue 15): distance and moving pace
against the moderate pace band, in their units (miles or kilometres), the walking pace chart, and
the posture checklist's cues kept and forgotten. Used by `walkrx.reports.pdf`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from walkrx.domain.pace import band_text, week_pace
from walkrx.domain.posture import posture_tally
from walkrx.domain.units import IMPERIAL, distance_text, speed_text
from walkrx.reports import charts
from walkrx.reports.pdf_records import ReportRecords

FEET_PER_METRE = 1 / 0.3048


class _Doc(Protocol):
    def heading(self, text: str, level: int = 0) -> None: ...
    def para(self, text: str, style: str = "") -> None: ...
    def bullets(self, items: list[str]) -> None: ...
    def chart(self, title: str, svg: str) -> None: ...


def _walks(n: int) -> str:
    return f"{n} walk{'s' if n != 1 else ''}"


def heart_pace_chart(r: ReportRecords) -> str:
    """The pace-at-heart-rate chart, in feet for a person who reads miles."""
    if r.person.units != IMPERIAL:
        return charts.pace_chart(r.series.pace)
    scaled = [
        replace(  # type: ignore[type-var]
            p,
            pace_hr=p.pace_hr * FEET_PER_METRE,
            rolling_median=p.rolling_median * FEET_PER_METRE,
        )
        for p in r.series.pace
    ]
    return charts.pace_chart(scaled, unit="ft/min per bpm")


def walking_pace(doc: _Doc, r: ReportRecords) -> None:
    """Distance, pace against the band, its chart, and the posture checklist."""
    units = r.person.units
    band = r.protocol.pace
    counted = [w for w in r.walks if w.counted]
    doc.heading("How you walked: pace and posture")
    far = sum(w.distance_m or 0.0 for w in counted)
    with_distance = sum(1 for w in counted if w.distance_m)
    paces = week_pace(counted, band)
    if with_distance:
        doc.para(
            f"Distance walked in this period: {distance_text(far, units, 1)}, over "
            f"{_walks(with_distance)} that recorded one."
        )
    doc.para(
        f"The moderate pace band is {band_text(band, units)}. It is advice only: the heart-rate "
        "zone and the talk test guide each walk, and no weekly review reads pace."
    )
    if paces.judged:
        median = "" if paces.median_kmh is None else speed_text(paces.median_kmh, units)
        doc.para(
            f"Moving pace (pauses left out) of {_walks(paces.judged)}: {paces.in_band} in the "
            f"band, {paces.below} below it, {paces.above} above it; median {median}."
        )
    else:
        doc.para("No walk of this period had a distance, so there is no pace to show.")
    doc.chart(
        "Walking pace",
        charts.walking_pace_chart(r.series.walking, band.kmh, units=units),
    )
    tally = posture_tally(r.walks, r.protocol.posture, r.person.week_of)
    if tally.walks:
        doc.para(f"Posture checklist, ticked after {_walks(tally.walks)}:", "B")
        lines = [
            f"{c.cue}: kept on {c.ticked} of {_walks(c.walks)}"
            + {"kept": " (kept)", "forgotten": " (often forgotten)"}.get(c.standing, "")
            for c in tally.cues
        ]
        doc.bullets(lines)
