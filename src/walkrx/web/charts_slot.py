"""The charts of the progress and walk pages: SVG from `walkrx.reports.charts` drawn over the
series of `walkrx.services.progress`, each with its data as a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from walkrx.domain.units import IMPERIAL
from walkrx.reports import charts
from walkrx.services import progress, technique
from walkrx.services.program import Program

FEET_PER_METRE = 1 / 0.3048  # the pace-at-heart-rate figures for a walker who reads miles


@dataclass(frozen=True)
class ChartSlot:
    title: str
    svg: str  # an SVG document with its own <title> and <desc>
    table: str  # the same data as an HTML table, hidden visually, read by screen readers


def progress_charts(prog: Program, id_prefix: str = "") -> list[ChartSlot]:
    """The progress charts of a person, in their units (issue 15: miles or km); `id_prefix`
    keeps SVG ids unique on a page that shows them beside others (the clinician's patient
    page)."""
    zone = progress.weekly_zone_minutes(prog)
    pain = progress.pain_series(prog)
    pace = progress.pace_series(prog)
    rx = progress.prescription_vs_done(prog)
    units = prog.person.units
    unit = "m/min per bpm"
    if units == IMPERIAL:
        unit = "ft/min per bpm"
        pace = [
            replace(
                p,
                pace_hr=p.pace_hr * FEET_PER_METRE,
                rolling_median=p.rolling_median * FEET_PER_METRE,
            )
            for p in pace
        ]
    walking = technique.pace_walks(prog)
    band = prog.protocol.pace.kmh
    return [
        ChartSlot(
            "Weekly target-zone minutes",
            charts.zone_minutes_chart(zone, id_prefix=f"{id_prefix}zone-minutes"),
            charts.zone_minutes_table(zone),
        ),
        ChartSlot(
            "Pain before and after walks, and morning pain",
            charts.pain_chart(pain, id_prefix=f"{id_prefix}pain"),
            charts.pain_table(pain),
        ),
        ChartSlot(
            "Pace at the same heart rate",
            charts.pace_chart(pace, id_prefix=f"{id_prefix}pace", unit=unit),
            charts.pace_table(pace, unit=unit),
        ),
        ChartSlot(
            "Walking pace",
            charts.walking_pace_chart(
                walking, band, units=units, id_prefix=f"{id_prefix}walking-pace"
            ),
            charts.walking_pace_table(walking, band, units=units),
        ),
        ChartSlot(
            "Prescription against what you did",
            charts.prescription_chart(rx, id_prefix=f"{id_prefix}prescription"),
            charts.prescription_table(rx),
        ),
    ]
