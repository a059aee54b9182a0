"""The person's outcomes after the program on the progress page (issue 13): what happened since
the program ended, and two charts from `walkrx.reports.charts` with their tables."""

from __future__ import annotations

from dataclasses import dataclass

from walkrx.reports import charts
from walkrx.services import followup
from walkrx.services.program import Program
from walkrx.web.charts_slot import ChartSlot


@dataclass(frozen=True)
class AfterSlot:
    view: followup.AfterView
    charts: tuple[ChartSlot, ...]


def after_charts(prog: Program, id_prefix: str = "") -> AfterSlot | None:
    """None while the program has never ended."""
    view = followup.after_view(prog)
    if view is None:
        return None
    return AfterSlot(
        view,
        (
            ChartSlot(
                "Walking kept up after the program",
                charts.walking_kept_chart(view.answers, view.ended, id_prefix=f"{id_prefix}kept"),
                charts.walking_kept_table(view.answers),
            ),
            ChartSlot(
                "Everyday activities and morning pain over time",
                charts.function_chart(view.scores, view.ended, id_prefix=f"{id_prefix}function"),
                charts.function_table(view.scores),
            ),
        ),
    )
