"""The charts of the progress and walk pages: SVG from `walkrx.reports.charts` drawn over the
series of `walkrx.services.progress`, each with its data as a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from walkrx.reports import charts
from walkrx.services import progress
from walkrx.services.program import Programme


@dataclass(frozen=True)
class ChartSlot:
    title: str
    svg: str  # an SVG document with its own <title> and <desc>
    table: str  # the same data as an HTML table, hidden visually, read by screen readers


def progress_charts(prog: Programme, id_prefix: str = "") -> list[ChartSlot]:
    """The four progress charts of a person; `id_prefix` keeps SVG ids unique on a page that
    shows them beside others (the clinician's patient page)."""
    zone = progress.weekly_zone_minutes(prog)
    pain = progress.pain_series(prog)
    pace = progress.pace_series(prog)
    rx = progress.prescription_vs_done(prog)
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
            charts.pace_chart(pace, id_prefix=f"{id_prefix}pace"),
            charts.pace_table(pace),
        ),
        ChartSlot(
            "Prescription against what you did",
            charts.prescription_chart(rx, id_prefix=f"{id_prefix}prescription"),
            charts.prescription_table(rx),
        ),
    ]
