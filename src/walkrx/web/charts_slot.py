"""The chart slots of the progress and walk pages: SVG from `walkrx.reports.charts` over the
series of `walkrx.services.progress`. Each slot is a title and an SVG document, or None with a
"charts coming" placeholder while a chart is not available.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from walkrx.services.imports import Trace
from walkrx.services.program import Programme


@dataclass(frozen=True)
class ChartSlot:
    title: str
    svg: str | None  # None: not available yet, the page shows a placeholder


def _charts() -> ModuleType | None:
    try:
        return importlib.import_module("walkrx.reports.charts")
    except ImportError:
        return None


def _draw(name: str, *args: Any) -> str | None:
    charts = _charts()
    draw = getattr(charts, name, None) if charts is not None else None
    if draw is None:
        return None
    svg: str = draw(*args)
    return svg


def hr_trace(trace: Trace) -> str | None:
    return _draw("hr_trace_chart", trace.t_s, trace.hr_bpm, trace.band_bpm)


def progress_charts(prog: Programme, progress: ModuleType) -> list[ChartSlot]:
    return [
        ChartSlot(
            "Weekly target-zone minutes (goal 150-300)",
            _draw("zone_minutes_chart", progress.weekly_zone_minutes(prog)),
        ),
        ChartSlot("Pain before and after walks, and morning pain", None),
        ChartSlot("Pace at the same heart rate", None),
        ChartSlot("Prescription against what you did", None),
    ]
