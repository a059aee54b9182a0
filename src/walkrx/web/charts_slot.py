"""The charts of the progress and walk pages: SVG from `walkrx.reports.charts` drawn over the
series of `walkrx.services.progress`, each with its data as a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from walkrx.reports import charts
from walkrx.services import progress
from walkrx.services.imports import Trace
from walkrx.services.program import Programme


@dataclass(frozen=True)
class ChartSlot:
    title: str
    svg: str  # an SVG document with its own <title> and <desc>
    table: str  # the same data as an HTML table, hidden visually, read by screen readers


def hr_trace(trace: Trace | None) -> str:
    return charts.hr_trace_chart(trace)


def progress_charts(prog: Programme) -> list[ChartSlot]:
    zone = progress.weekly_zone_minutes(prog)
    pain = progress.pain_series(prog)
    pace = progress.pace_series(prog)
    rx = progress.prescription_vs_done(prog)
    return [
        ChartSlot(
            "Weekly target-zone minutes",
            charts.zone_minutes_chart(zone),
            charts.zone_minutes_table(zone),
        ),
        ChartSlot(
            "Pain before and after walks, and morning pain",
            charts.pain_chart(pain),
            charts.pain_table(pain),
        ),
        ChartSlot("Pace at the same heart rate", charts.pace_chart(pace), charts.pace_table(pace)),
        ChartSlot(
            "Prescription against what you did",
            charts.prescription_chart(rx),
            charts.prescription_table(rx),
        ),
    ]
