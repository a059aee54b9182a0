"""Property: any series gives well-formed SVG, every coordinate finite and inside the viewBox."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from xml.etree import ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from walkrx.reports import charts
from walkrx.services.imports import Trace
from walkrx.services.progress import PacePoint, PainPoint, RxPoint, WeekPoint

NUMERIC = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "width", "height", "r")
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
MINUTES = st.one_of(st.floats(min_value=0, max_value=1e6), ANY_FLOAT)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
PAIN = st.one_of(st.none(), st.integers(min_value=-3, max_value=13))
TEXT = st.text(max_size=40)
GOALS = st.one_of(
    st.just((None, None)),
    st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(lambda g: (min(g), max(g))),
)


@st.composite
def week_points(draw: st.DrawFn) -> list[WeekPoint]:
    count = draw(st.integers(min_value=0, max_value=40))
    points = []
    for week in range(1, count + 1):
        low, high = draw(GOALS)
        points.append(
            WeekPoint(
                week,
                date(2024, 1, 1),
                draw(MINUTES),
                draw(MINUTES),
                low,
                high,
                complete=draw(st.booleans()),
            )
        )
    return points


pain_points = st.lists(
    st.one_of(
        st.builds(
            PainPoint,
            day=DAYS,
            kind=st.just("walk"),
            before=PAIN,
            peak=PAIN,
            after=PAIN,
            next_morning=PAIN,
            status=st.sampled_from(["green", "amber", "red", "unknown"]),
            note=TEXT,
        ),
        st.builds(PainPoint, day=DAYS, kind=st.just("morning"), morning=PAIN),
    ),
    max_size=60,
)
pace_points = st.lists(
    st.builds(
        PacePoint,
        day=DAYS,
        pace_hr=st.one_of(st.floats(0, 5), ANY_FLOAT),
        rolling_median=st.one_of(st.floats(0, 5), ANY_FLOAT),
        window_walks=st.just(1),
    ),
    max_size=60,
)
rx_points = st.lists(
    st.builds(
        RxPoint,
        week=st.integers(1, 60),
        start=DAYS,
        prescribed_min_total=st.integers(0, 5000),
        prescribed_max_total=st.integers(0, 5000),
        minutes_done=MINUTES,
        walks_min=st.integers(0, 9),
        walks_max=st.integers(0, 9),
        walks_counted=st.integers(0, 20),
        decision=st.just("hold"),
    ),
    max_size=40,
)


@st.composite
def traces(draw: st.DrawFn) -> Trace | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    times = draw(st.lists(st.one_of(st.floats(0, 20_000), ANY_FLOAT), max_size=300))
    rates = [draw(st.one_of(st.none(), st.floats(30, 220), ANY_FLOAT)) for _ in times]
    band = draw(st.one_of(st.none(), st.tuples(st.integers(60, 150), st.integers(0, 50))))
    return Trace(times, rates, (band[0], band[0] + band[1]) if band else None)


def assert_inside_viewbox(svg: str) -> None:
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    for element in root.iter():
        if element is root:
            continue  # width="100%": the chart scales to its container
        values = {name: element.get(name) for name in NUMERIC if element.get(name) is not None}
        numbers = {name: float(text) for name, text in values.items() if text is not None}
        assert all(math.isfinite(v) for v in numbers.values()), (element.tag, values)
        for name in ("x", "x1", "x2", "cx"):
            if name in numbers:
                assert -0.05 <= numbers[name] <= width + 0.05, (element.tag, name, numbers)
        for name in ("y", "y1", "y2", "cy"):
            if name in numbers:
                assert -0.05 <= numbers[name] <= height + 0.05, (element.tag, name, numbers)
        if "width" in numbers and "x" in numbers and not element.tag.endswith("pattern"):
            assert numbers["width"] >= 0 and numbers["x"] + numbers["width"] <= width + 0.1
        if "height" in numbers and "y" in numbers:
            assert numbers["height"] >= 0 and numbers["y"] + numbers["height"] <= height + 0.1
        for pair in (element.get("points") or "").split():
            x, y = (float(v) for v in pair.split(","))
            assert math.isfinite(x) and math.isfinite(y)
            assert -0.05 <= x <= width + 0.05 and -0.05 <= y <= height + 0.05
    assert root.get("role") == "img"
    assert not re.search(r"\b(nan|inf)\b", svg.split("<desc", 1)[0], re.IGNORECASE)


def check(chart: Callable[[], str]) -> None:
    assert_inside_viewbox(chart())


@settings(max_examples=100, deadline=None)
@given(week_points())
def test_zone_chart_any_weeks(points: list[WeekPoint]) -> None:
    """Any weeks, NaN and huge values included, stay finite and inside the chart."""
    check(lambda: charts.zone_minutes_chart(points))


@settings(max_examples=100, deadline=None)
@given(pain_points)
def test_pain_chart_any_points(points: list[PainPoint]) -> None:
    """Any pain records over any dates, out-of-range ratings clamped to 0-10."""
    check(lambda: charts.pain_chart(points))


@settings(max_examples=100, deadline=None)
@given(pace_points)
def test_pace_chart_any_points(points: list[PacePoint]) -> None:
    """Any pace figures, non-finite ones left out."""
    check(lambda: charts.pace_chart(points))


@settings(max_examples=100, deadline=None)
@given(rx_points)
def test_prescription_chart_any_points(points: list[RxPoint]) -> None:
    """Any prescriptions, a maximum below the minimum included."""
    check(lambda: charts.prescription_chart(points))


@settings(max_examples=100, deadline=None)
@given(traces())
def test_hr_trace_chart_any_trace(trace: Trace | None) -> None:
    """Any samples: unsorted or non-finite times, missing or absurd heart rates."""
    check(lambda: charts.hr_trace_chart(trace))
