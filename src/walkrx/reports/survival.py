"""Time to recurrence as a Kaplan-Meier curve (issue 13), estimated by lifelines.

`kaplan_meier(days, events)` fits lifelines' `KaplanMeierFitter` (the product-limit estimate,
with its default 95 % confidence band: the exponential Greenwood formula) and returns the curve
as plain rows, one per day on which someone had a recurrence or was censored (day 0 first): the
number at risk, the recurrences and censorings that day, the survival (the share still without a
recurrence) and the band. The median is the first day the survival falls to one half or below
(None when it never does). lifelines (with pandas and SciPy) takes a second or two to import, so
it is imported here, inside the function, never when walkrx starts (CLI start-up is measured).
"""

# ruff: noqa: PLC0415 (lifelines is imported inside the function, on purpose: see above)

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DIGITS = 4  # survival and its band are given to 4 decimals
CONFIDENCE = 0.95


@dataclass(frozen=True)
class CurveRow:
    day: int
    at_risk: int  # people still followed up and without a recurrence at the start of the day
    events: int  # recurrences that began that day
    censored: int  # people whose follow-up stops that day without a recurrence
    survival: float  # the estimated share without a recurrence after that day
    low: float | None  # the 95 % band (None where lifelines gives none)
    high: float | None


@dataclass(frozen=True)
class Curve:
    rows: tuple[CurveRow, ...]
    people: int
    events: int
    median_days: int | None  # None: the curve never falls to one half

    def at(self, day: int) -> CurveRow | None:
        """The row in force on `day` (the last row on or before it)."""
        found = None
        for row in self.rows:
            if row.day <= day:
                found = row
        return found

    def at_risk_on(self, day: int) -> int:
        """How many people are at risk on `day` (followed up that long, no recurrence before)."""
        later = [row for row in self.rows if row.day >= day]
        return later[0].at_risk if later else 0


def _number(value: float) -> float | None:
    return round(float(value), DIGITS) if math.isfinite(value) else None


def kaplan_meier(days: Sequence[int], events: Sequence[bool]) -> Curve:
    """The product-limit estimate of time to recurrence, with lifelines' 95 % band."""
    if len(days) != len(events):
        raise ValueError("one event flag per duration")
    if not days:
        return Curve((), 0, 0, None)
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(alpha=1 - CONFIDENCE)
    fitter.fit([float(d) for d in days], event_observed=[bool(e) for e in events])
    table = fitter.event_table
    survival = fitter.survival_function_.iloc[:, 0]
    band = fitter.confidence_interval_survival_function_
    rows = []
    for time in table.index:
        rows.append(
            CurveRow(
                day=int(time),
                at_risk=int(table.loc[time, "at_risk"]),
                events=int(table.loc[time, "observed"]),
                censored=int(table.loc[time, "censored"]),
                survival=_number(survival.loc[time]) or 0.0,
                low=_number(band.loc[time].iloc[0]),
                high=_number(band.loc[time].iloc[1]),
            )
        )
    median = fitter.median_survival_time_
    return Curve(
        tuple(rows),
        len(days),
        sum(bool(e) for e in events),
        int(median) if math.isfinite(median) else None,
    )
