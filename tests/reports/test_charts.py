"""The SVG charts: well-formed, accessible, the right summary, bars and bands where they belong."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from walkrx.reports import charts
from walkrx.services import progress
from walkrx.services.demo import build_demo
from walkrx.services.imports import Trace
from walkrx.services.progress import PacePoint, PainPoint, RxPoint, WeekPoint
from walkrx.storage import Database, UnitOfWork

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = date(2026, 4, 13)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def title_and_desc(root: ET.Element) -> tuple[str, str]:
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    return title.text or "", desc.text or ""


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def f(element: ET.Element, name: str) -> float:
    return float(element.get(name, "nan"))


def value_to_y(root: ET.Element) -> tuple[float, float]:
    """The chart's y scale (slope, intercept), read back from two labelled gridlines."""
    ticks = {float(e.get("data-value", "nan")): f(e, "y1") for e in by_class(root, "tick")}
    (v0, y0), *_, (v1, y1) = sorted(ticks.items())  # the two furthest apart: least rounding
    slope = (y1 - y0) / (v1 - v0)
    return slope, y0 - slope * v0


def weeks(
    *totals: tuple[float, float], goal: tuple[int, int] | None = (150, 300)
) -> list[WeekPoint]:
    return [
        WeekPoint(
            week=i,
            start=MONDAY + timedelta(days=7 * (i - 1)),
            measured_min=measured,
            by_effort_min=effort,
            goal_min=goal[0] if goal else None,
            goal_max=goal[1] if goal else None,
            complete=True,
        )
        for i, (measured, effort) in enumerate(totals, start=1)
    ]


def walk_pain(day: date, before: int, peak: int, after: int, note: str = "") -> PainPoint:
    return PainPoint(
        day=day, kind="walk", before=before, peak=peak, after=after, status="green", note=note
    )


def morning(day: date, pain: int) -> PainPoint:
    return PainPoint(day=day, kind="morning", morning=pain)


def rx(week: int, done: float, low: int = 60, high: int = 100) -> RxPoint:
    return RxPoint(
        week=week,
        start=MONDAY + timedelta(days=7 * (week - 1)),
        prescribed_min_total=low,
        prescribed_max_total=high,
        minutes_done=done,
        walks_min=4,
        walks_max=5,
        walks_counted=4,
        decision="progress",
    )


PAIN = [
    morning(MONDAY, 3),
    walk_pain(MONDAY, 3, 5, 4, note="hilly loop"),
    morning(MONDAY + timedelta(days=1), 4),
    walk_pain(MONDAY + timedelta(days=2), 2, 2, 2),
]
PACE = [
    PacePoint(
        day=MONDAY + timedelta(days=i),
        pace_hr=0.6 + 0.01 * i,
        rolling_median=0.6 + 0.005 * i,
        window_walks=i + 1,
    )
    for i in range(5)
]
TRACE = Trace(
    t_s=[float(s) for s in range(0, 600, 5)],
    hr_bpm=[None if 200 <= s < 260 else 100.0 + s / 30 for s in range(0, 600, 5)],
    band_bpm=(110, 125),
)
ALL_CHARTS = [
    lambda: charts.zone_minutes_chart(weeks((98, 44), (120, 40))),
    lambda: charts.pain_chart(PAIN),
    lambda: charts.pace_chart(PACE),
    lambda: charts.prescription_chart([rx(1, 80), rx(2, 45)]),
    lambda: charts.hr_trace_chart(TRACE),
]


@pytest.mark.parametrize("make", ALL_CHARTS, ids=["zone", "pain", "pace", "rx", "hr"])
def test_every_chart_is_accessible_responsive_svg(make: object) -> None:
    """role=img, labelled by its title and described by its desc, scaled by a viewBox at 100%."""
    svg = make()  # type: ignore[operator]
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    title, desc = title_and_desc(root)
    assert title and len(desc) > 40
    ids = {e.get("id") for e in root.iter()}
    assert root.get("aria-labelledby") in ids and root.get("aria-describedby") in ids
    assert "<script" not in svg and "http://" not in svg.replace(charts_ns(), "")


def charts_ns() -> str:
    return "http://www.w3.org/2000/svg"


@pytest.mark.parametrize("make", ALL_CHARTS, ids=["zone", "pain", "pace", "rx", "hr"])
def test_output_is_deterministic(make: object) -> None:
    """The same input gives byte-for-byte the same SVG (no random ids, no clock)."""
    assert make() == make()  # type: ignore[operator]


def test_zone_chart_summary_names_the_latest_week_against_the_goal() -> None:
    """The desc says the latest week's minutes in plain words, relative to the 150-300 goal."""
    title, desc = title_and_desc(parse(charts.zone_minutes_chart(weeks((100, 20), (98, 44)))))
    assert title == "Target-zone minutes per week"
    assert (
        "Week 2: 142 target-zone minutes (98 by heart rate, 44 by effort), just under the "
        "goal of 150 to 300." in desc
    )
    assert "reached in 0 of 2 weeks" in desc


@pytest.mark.parametrize(
    ("total", "phrase"),
    [
        (100, "below the goal"),
        (140, "just under the goal"),
        (150, "within the goal"),
        (300, "within the goal"),
        (301, "above the goal"),
    ],
)
def test_zone_chart_goal_phrases(total: float, phrase: str) -> None:
    """Below, just under (within 10%), within (inclusive) and above the goal."""
    _, desc = title_and_desc(parse(charts.zone_minutes_chart(weeks((total, 0)))))
    assert phrase in desc


def test_zone_chart_without_a_goal_says_so_and_draws_no_band() -> None:
    """Phases without a weekly goal: no band, and the summary says there is none."""
    root = parse(charts.zone_minutes_chart(weeks((40, 20), goal=None)))
    assert by_class(root, "goal-band") == []
    assert "no weekly goal in this phase" in title_and_desc(root)[1]


def test_zone_chart_one_stacked_bar_per_week() -> None:
    """A group per week; measured solid below, by-effort hatched on top, heights in scale."""
    root = parse(charts.zone_minutes_chart(weeks((98, 44), (120, 0), (0, 30), (0, 0))))
    groups = by_class(root, "week")
    assert [g.get("data-week") for g in groups] == ["1", "2", "3", "4"]
    slope, intercept = value_to_y(root)
    measured = by_class(groups[0], "measured")[0]
    effort = by_class(groups[0], "by-effort")[0]
    # y and height are each rounded to 0.1: their sum may be off by up to 0.1
    assert f(measured, "y") + f(measured, "height") == pytest.approx(intercept, abs=0.11)
    assert f(measured, "height") == pytest.approx(-slope * 98, abs=0.11)
    assert f(effort, "y") + f(effort, "height") == pytest.approx(f(measured, "y"), abs=0.11)
    assert f(effort, "height") == pytest.approx(-slope * 44, abs=0.11)
    assert effort.get("fill") == "url(#zone-minutes-hatch)"  # a pattern, not colour alone
    assert by_class(groups[1], "by-effort") == [] and by_class(groups[2], "measured") == []
    assert by_class(groups[3], "measured") == by_class(groups[3], "by-effort") == []


def test_zone_chart_goal_band_spans_150_to_300() -> None:
    """The band's top edge is at y(300) and its bottom at y(150), read from the axis ticks."""
    root = parse(charts.zone_minutes_chart(weeks((98, 44), (200, 10))))
    (band,) = by_class(root, "goal-band")
    slope, intercept = value_to_y(root)
    assert f(band, "y") == pytest.approx(slope * 300 + intercept, abs=0.11)
    assert f(band, "y") + f(band, "height") == pytest.approx(slope * 150 + intercept, abs=0.11)
    assert band.get("data-goal") == "150-300"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Goal 150–300" in labels and "Goal 150–300 min" in labels  # band label and legend


def test_zone_chart_band_only_over_weeks_with_a_goal() -> None:
    """Weeks in phases without a goal get no band behind them."""
    points = weeks((10, 0), (20, 0), (150, 0))
    points[2] = WeekPoint(3, points[2].start, 150, 0, 150, 300, complete=False)
    points[0] = WeekPoint(1, points[0].start, 10, 0, None, None, complete=True)
    points[1] = WeekPoint(2, points[1].start, 20, 0, None, None, complete=True)
    root = parse(charts.zone_minutes_chart(points))
    (band,) = by_class(root, "goal-band")
    bars = [by_class(g, "measured")[0] for g in by_class(root, "week")]
    assert f(band, "x") > f(bars[1], "x") + f(bars[1], "width")
    assert "Week 3 so far: 150 minutes." in title_and_desc(root)[1]


def test_pain_chart_summary_markers_and_traffic_light_bands() -> None:
    """Before/after markers per walk, a morning line, and bands at 0-3, 4-5 and 6+."""
    root = parse(charts.pain_chart(PAIN))
    title, desc = title_and_desc(root)
    assert title == "Pain over time"
    assert "2 walks and 2 mornings" in desc
    assert "Latest walk, 15 Apr: pain 2 before, peak 2, 2 after" in desc
    assert len(by_class(root, "before")) == 2 and len(by_class(root, "after")) == 2
    assert len(by_class(root, "morning-line")) == 1 and len(by_class(root, "morning")) == 2
    slope, intercept = value_to_y(root)
    bands = by_class(root, "pain-band")
    edges = [(f(b, "y"), f(b, "y") + f(b, "height")) for b in bands]
    expected = [(3.5, 0), (5.5, 3.5), (10, 5.5)]
    for (top, bottom), (high, low) in zip(edges, expected, strict=True):
        assert top == pytest.approx(slope * high + intercept, abs=0.11)
        assert bottom == pytest.approx(slope * low + intercept, abs=0.11)
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"0–3 low", "4–5 moderate", "6+ high"} <= labels


def test_pain_chart_note_cannot_inject_markup() -> None:
    """A note with <script> and quotes stays text inside a <title>, never an element."""
    note = '</title><script>alert("x")</script><g onload="evil()">'
    svg = charts.pain_chart([walk_pain(MONDAY, 2, 3, 2, note=note)])
    root = parse(svg)
    assert not any(e.tag.endswith("script") for e in root.iter())
    assert not any(e.get("onload") for e in root.iter())
    tips = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any(note in tip for tip in tips)
    assert "<script>" not in svg
    parse(charts.pain_chart([walk_pain(MONDAY, 2, 3, 2, note="bell \x07 and \x00 null")]))


def test_id_prefix_is_used_and_cleaned() -> None:
    """Ids come from the prefix (so two charts on a page differ); a hostile prefix is sanitised."""
    root = parse(charts.zone_minutes_chart(weeks((1, 1)), id_prefix="week-5"))
    assert root.get("aria-labelledby") == "week-5-title"
    hostile = charts.pace_chart(PACE, id_prefix='x" onload="evil()')
    assert not any(e.get("onload") for e in parse(hostile).iter())


def test_pace_chart_dots_and_rolling_median_line() -> None:
    """One ring per walk, the median as one line, the trend in the summary."""
    root = parse(charts.pace_chart(PACE))
    assert len(by_class(root, "walk")) == 5
    (line,) = by_class(root, "median")
    assert len(line.get("points", "").split()) == 5
    _, desc = title_and_desc(root)
    assert "5 walks" in desc and "from 0.60 to 0.62, up 3%" in desc


def test_prescription_chart_range_band_per_week_and_bars() -> None:
    """Each week's band runs from the minimum to the maximum total; bars show minutes walked."""
    root = parse(charts.prescription_chart([rx(1, 80), rx(2, 45, 48, 80), rx(3, 120)]))
    slope, intercept = value_to_y(root)
    ranges = by_class(root, "rx-range")
    assert len(ranges) == 3 and len(by_class(root, "done")) == 3
    second = ranges[1]
    assert f(second, "y") == pytest.approx(slope * 80 + intercept, abs=0.11)
    assert f(second, "y") + f(second, "height") == pytest.approx(slope * 48 + intercept, abs=0.11)
    bar = by_class(root, "done")[1]
    assert f(bar, "y") == pytest.approx(slope * 45 + intercept, abs=0.11)
    _, desc = title_and_desc(root)
    assert "1 of 3 weeks were within the range" in desc
    assert "Week 3: 120 minutes walked, prescribed 60 to 100" in desc
    assert "above the prescribed range" in desc


def test_hr_trace_leaves_pauses_open_and_shades_the_band() -> None:
    """Missing heart rate splits the line; so does a gap of more than 30 s between samples."""
    root = parse(charts.hr_trace_chart(TRACE))
    assert len(by_class(root, "hr")) == 2
    (band,) = by_class(root, "target-band")
    slope, intercept = value_to_y(root)
    assert f(band, "y") == pytest.approx(slope * 125 + intercept, abs=0.11)
    assert f(band, "y") + f(band, "height") == pytest.approx(slope * 110 + intercept, abs=0.11)
    _, desc = title_and_desc(root)
    assert "1 gap" in desc and "110 to 125" in desc
    gapped = Trace([0.0, 5.0, 10.0, 100.0, 105.0], [100.0, 101.0, 102.0, 103.0, 104.0], None)
    root = parse(charts.hr_trace_chart(gapped))
    assert len(by_class(root, "hr")) == 2 and by_class(root, "target-band") == []


def test_hr_trace_thins_long_recordings() -> None:
    """A two-hour walk at one sample a second stays a small SVG."""
    trace = Trace([float(s) for s in range(7200)], [120.0] * 7200, (110, 125))
    svg = charts.hr_trace_chart(trace)
    assert len(svg) < 20_000
    (line,) = by_class(parse(svg), "hr")
    assert len(line.get("points", "").split()) <= charts.MAX_TRACE_POINTS + 1


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: charts.zone_minutes_chart([]), "No weeks to show yet"),
        (lambda: charts.pain_chart([]), "No pain ratings yet"),
        (lambda: charts.pain_chart([PainPoint(MONDAY, "walk")]), "No pain ratings yet"),
        (lambda: charts.pace_chart([]), "No pace figures yet"),
        (lambda: charts.prescription_chart([]), "No completed weeks yet"),
        (lambda: charts.hr_trace_chart(None), "No heart-rate samples"),
        (lambda: charts.hr_trace_chart(Trace([0.0, 1.0], [None, None], None)), "No heart-rate"),
    ],
)
def test_empty_input_gives_a_friendly_message(make: object, words: str) -> None:
    """No data: a well-formed SVG whose desc and visible text carry a friendly message."""
    root = parse(make())  # type: ignore[operator]
    assert words in title_and_desc(root)[1]
    assert any(words in (t.text or "") for t in root.iter(f"{SVG}text"))
    assert root.get("role") == "img"


def test_table_html_is_escaped_and_visually_hidden() -> None:
    """The data table is well-formed, has a caption and headers, escapes every cell."""
    html = charts.table_html(
        "Pain <by> date", ["Date", "Note"], [[MONDAY, "<b>ouch</b>"], [None, 2.6]]
    )
    table = ET.fromstring(html)
    assert "position:absolute" in table.get("style", "")
    assert table.findtext("caption") == "Pain <by> date"
    assert [th.get("scope") for th in table.iter("th")] == ["col", "col"]
    cells = [td.text for td in table.iter("td")]
    assert cells == ["13 Apr 2026", "<b>ouch</b>", "–", "3"]
    assert "visually-hidden" not in charts.table_html("x", ["a"], [], visually_hidden=False)


def test_chart_tables_match_the_series() -> None:
    """Each chart's table has a row per point."""
    for html, count in [
        (charts.zone_minutes_table(weeks((1, 2), (3, 4))), 2),
        (charts.pain_table(PAIN), 4),
        (charts.pace_table(PACE), 5),
        (charts.prescription_table([rx(1, 80)]), 1),
    ]:
        table = ET.fromstring(html)
        assert len(table.findall("./tbody/tr")) == count


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_and_line_colours_meet_wcag_aa() -> None:
    """Every ink reaches 4.5:1 on white and on the light band fills it is drawn over."""
    inks = [
        charts.INK,
        charts.MUTED,
        charts.BLUE,
        charts.ORANGE,
        charts.PURPLE,
        charts.SLATE,
        charts.GREEN_INK,
        charts.AMBER_INK,
        charts.RED_INK,
    ]
    fills = ["#ffffff", charts.GREEN_FILL, charts.AMBER_FILL, charts.RED_FILL, charts.RANGE_FILL]
    assert min(_contrast(ink, fill) for ink in inks for fill in fills) >= 4.5


def test_demo_program_charts_render(tmp_path: Path) -> None:
    """The demo person's five weeks give five well-formed charts with sensible summaries."""
    db = Database.open(f"sqlite:///{tmp_path / 'd.db'}")
    prog = build_demo(UnitOfWork(db), date(2026, 5, 20))
    zone = parse(charts.zone_minutes_chart(progress.weekly_zone_minutes(prog)))
    assert len(by_class(zone, "week")) == 6
    assert "Week 6 so far" in title_and_desc(zone)[1]
    rx_root = parse(charts.prescription_chart(progress.prescription_vs_done(prog)))
    assert len(by_class(rx_root, "week")) == 5
    pain = parse(charts.pain_chart(progress.pain_series(prog)))
    assert "1 of 20 walks flared the pain (red)" in title_and_desc(pain)[1]
    parse(charts.pace_chart(progress.pace_series(prog)))
