"""A person's progress report as a PDF (issue 12): who, which protocol, the weeks of a period with
their decisions and reasons, target-zone minutes against the goal, the pain trend, referrals and
red flags, and the four charts of the progress page as vector graphics.

Pure: `build_report` turns records (domain objects and the charts' series) into PDF bytes with
fpdf2. Everything is in plain words (`walkrx.domain.explain`; no stable code), dates read
"Mon 2 Mar 2026", and every page's footer holds the disclaimer and "Page 2 of 5".

Fonts: the text and the charts are set in DejaVu Sans (else Liberation Sans or Arial) when the
machine has it (Debian: fonts-dejavu-core), embedded as a subset, so any name prints as typed.
Without one the PDF's built-in Helvetica is used, which knows Latin-1 only: other characters are
spelled with the nearest one (Ł as L, – as -). `walkrx.reports.pdf_svg` adapts the charts' SVG.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from walkrx.domain.codes import Decision
from walkrx.domain.explain import (
    DECISION_TEXT,
    DISCLAIMER,
    FLAG_TEXT,
    PAIN_TEXT,
    REASON_TEXT,
    RED_FLAG_WORDS,
    REFERRAL_TEXT,
)
from walkrx.domain.model import CheckIn, FlagClearing
from walkrx.domain.numbers import round_half_up
from walkrx.domain.protocol import Prescription
from walkrx.domain.redflags import advice, highest_tier
from walkrx.domain.review import WeekReview
from walkrx.reports import charts
from walkrx.reports.pdf_pace import heart_pace_chart, walking_pace
from walkrx.reports.pdf_records import ReportRecords
from walkrx.reports.pdf_svg import fold, pdf_svg


@dataclass(frozen=True)
class Fonts:
    """The TrueType files to embed; no `regular` means the PDF's built-in Helvetica."""

    regular: Path | None = None
    bold: Path | None = None


FONT_FILES = (  # (regular, bold), the first found is used
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),  # Debian, Ubuntu
    ("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),  # Fedora
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),  # Arch
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "Arial Bold.ttf"),  # macOS
    ("C:/Windows/Fonts/arial.ttf", "arialbd.ttf"),
)


@functools.cache
def system_fonts() -> Fonts:
    """The first font of `FONT_FILES` on this machine (its bold beside it), else none."""
    for regular, bold in FONT_FILES:
        path = Path(regular)
        if path.is_file():
            heavy = path.with_name(bold)
            return Fonts(path, heavy if heavy.is_file() else path)
    return Fonts()


# --- words -------------------------------------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DECISION_SHORT = {
    Decision.PROGRESS: "moved on",
    Decision.HOLD: "held",
    Decision.STEP_BACK: "stepped back",
    Decision.SEEK_CARE_URGENT: "paused to see a doctor",
    Decision.SEEK_CARE_EMERGENCY: "stopped for emergency care",
}
SEEK_CARE = (Decision.SEEK_CARE_URGENT, Decision.SEEK_CARE_EMERGENCY)


def day_words(day: date) -> str:
    """A date as people read it: Mon 2 Mar 2026 (the same in every locale)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {charts.MONTHS[day.month - 1]} {day.year}"


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pain_words(status: str) -> str:
    """'green (walking did not aggravate your pain)' from the explanation of a traffic light."""
    text = next((t for s, t in PAIN_TEXT.items() if s.value == status), "not rated")
    colour, _, why = text.partition(": ")
    return f"{colour} ({why})" if why else colour


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the document ------------------------------------------------------------------------------

FAMILY = "walkrx-sans"
INK, MUTED, RULE = (26, 26, 26), (77, 77, 77), (190, 190, 190)
SHADE = (238, 241, 246)
MARGIN = 16.0  # mm
FOOTER = 24.0  # mm kept free at the bottom of each page for the footer
BODY, LINE = 10.0, 5.0  # pt, mm
NEXT_LINE: dict[str, Any] = {"align": Align.L, "new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
CHART_WIDTH = 120.0  # mm for 400 chart units: the charts' text prints at 9 to 11 pt


class _Document(FPDF):
    def __init__(self, records: ReportRecords, fonts: Fonts) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.records = records
        self.unicode = fonts.regular is not None
        self.family = FAMILY if self.unicode else "helvetica"
        if fonts.regular is not None:
            self.add_font(FAMILY, "", str(fonts.regular))
            self.add_font(FAMILY, "B", str(fonts.bold or fonts.regular))
        name = records.person.shown_name
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=FOOTER)
        self.set_title(f"Walking progress report: {name}")
        self.set_subject(f"{day_words(records.first)} to {day_words(records.last)}")
        self.set_author("walkrx")
        self.set_creator("walkrx")
        self.set_lang("en")
        self.set_creation_date(records.generated)
        self.running = fold(f"{_short(name)}: walking progress report", self.unicode)

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(fold(text, self.unicode))

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        period = f"{day_words(self.records.first)} to {day_words(self.records.last)}"
        self.cell(0, 4, f"{self.running}, {period}", **NEXT_LINE)
        self.ln(4)
        self.body()

    def footer(self) -> None:
        self.set_y(-FOOTER + 5)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(1.5)
        self.set_font(self.family, "", 7.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 3.4, DISCLAIMER, **NEXT_LINE)
        self.ln(0.5)
        line = self.y
        self.cell(0, 4, self.running)
        self.set_xy(self.l_margin, line)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align=Align.R)

    # --- writing helpers

    def body(self, style: str = "") -> None:
        self.set_font(self.family, style, BODY)
        self.set_text_color(*INK)

    def heading(self, text: str, level: int = 0) -> None:
        size = 15.0 if level == 0 else 11.5
        if self.will_page_break(size * 0.6 + 3 * LINE):  # a heading stays with what follows
            self.add_page()
        self.ln(4 if level == 0 else 2.5)
        self.start_section(fold(text, self.unicode), level=level)
        self.set_font(self.family, "B", size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.5, text, **NEXT_LINE)
        self.ln(1)
        self.body()

    def para(self, text: str, style: str = "") -> None:
        self.body(style)
        self.multi_cell(0, LINE, text, **NEXT_LINE)
        self.body()

    def field(self, label: str, value: str) -> None:
        """A bold label and its value, wrapped as one paragraph."""
        self.body("B")
        self.write(LINE, f"{label}: ")
        self.body()
        self.write(LINE, value)
        self.ln(LINE)

    def bullets(self, items: Sequence[str]) -> None:
        self.body()
        for item in items:
            self.set_x(self.l_margin + 3)
            self.cell(4, LINE, "•")
            self.multi_cell(0, LINE, item, **NEXT_LINE)

    def keep(self, texts: Sequence[str], extra: float = 0.0) -> None:
        """A new page unless paragraphs of these texts (and `extra` mm) fit on this one."""
        self.body("B")
        width = self.epw - 8
        lines = sum(max(1, math.ceil(self.get_string_width(t) * 1.03 / width)) for t in texts)
        self.body()
        if self.will_page_break(lines * LINE + extra):
            self.add_page()

    def chart(self, title: str, svg: str) -> None:
        drawn = pdf_svg(svg, self.family, unicode=self.unicode)
        height = CHART_WIDTH * drawn.height / drawn.width
        if self.will_page_break(height + 2 * LINE):
            self.add_page()
        self.ln(2)
        self.para(title, "B")
        self.image(io.BytesIO(drawn.data), x=Align.C, w=CHART_WIDTH, alt_text=drawn.description)
        self.ln(3)

    def rows(self, heading: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.body()
        with self.table(
            col_widths=(16, 22, 20, 16, 26),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=SHADE),
            line_height=LINE,
            padding=(1, 2),
        ) as table:
            for values in (heading, *rows):
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(2)


# --- the sections ------------------------------------------------------------------------------


def _first_page(doc: _Document, r: ReportRecords) -> None:
    doc.set_font(doc.family, "B", 20)
    doc.set_text_color(*INK)
    doc.multi_cell(0, 9, "Walking progress report", **NEXT_LINE)
    doc.set_font(doc.family, "B", 14)
    doc.multi_cell(0, 7, r.person.shown_name, **NEXT_LINE)
    doc.ln(2)
    doc.field("Program", r.protocol.title)
    doc.field("Started on", day_words(r.person.start))
    doc.field("This report covers", f"{day_words(r.first)} to {day_words(r.last)}")
    when = f"in week {r.week} of the program" if r.week >= 1 else "before the program starts"
    doc.field("Made on", f"{day_words(r.today)}, {when}")
    tier = highest_tier(r.open_flags)
    held = [p for p in r.pauses if p.covers(r.today)]
    if tier is not None:
        doc.field("Now", f"walking is paused because of a warning sign. {advice(tier)}")
    elif held:
        doc.field("Now", f"walking is paused by a clinician since {day_words(held[-1].start)}.")

    doc.heading("At a glance")
    counted = [w for w in r.walks if w.counted]
    minutes = round_half_up(sum(w.minutes for w in counted))
    zone = round_half_up(sum(p.measured_min + p.by_effort_min for p in r.series.zone))
    doc.para(
        f"In this period: {_count(len(counted), 'walk')}, {_count(minutes, 'minute')} in all, "
        f"{zone} of them in the target zone."
    )
    if not r.reviews:
        doc.para("No week of the program ended in this period, so there is no weekly review yet.")
        return
    tally = [
        f"{sum(1 for w in r.reviews if w.decision == d)} {words}"
        for d, words in DECISION_SHORT.items()
        if any(w.decision == d for w in r.reviews)
    ]
    doc.para(f"{_count(len(r.reviews), 'week')} reviewed: {_listed(tally)}.")


def _plan_words(rx: Prescription) -> str:
    text = f"{rx.walks_min}–{rx.walks_max} walks of {rx.minutes_min}–{rx.minutes_max} minutes"
    return text + (f", one of at least {rx.long_walk_minutes}" if rx.long_walk_minutes else "")


def _week(doc: _Document, review: WeekReview) -> None:
    s = review.summary
    walks = _count(s.walks_counted, "walk")
    if s.walks_logged != s.walks_counted:
        walks += f" counted of {s.walks_logged} logged"
    pain = _pain_words(s.pain.value)
    if s.morning_pain_mean is not None:
        pain += (
            f"; morning pain averaged {s.morning_pain_mean:.1f} out of 10 over "
            f"{_count(s.morning_checkins, 'check-in')}"
        )
    fields = [
        (
            "Walking",
            f"{walks}, {round_half_up(s.minutes)} minutes; the plan was "
            f"{_plan_words(s.prescription)}.",
        ),
        (
            "Target zone",
            f"{round_half_up(s.zone_measured_min)} minutes by heart rate, "
            f"{round_half_up(s.zone_by_effort_min)} by effort.",
        ),
        ("Pain", pain + "."),
    ]
    lists = [
        ("Why", [REASON_TEXT[x] for x in review.reasons]),
        ("For the clinician", [FLAG_TEXT[x] for x in review.flags]),
    ]
    if review.decision not in SEEK_CARE:
        fields.append(("Next week", _plan_words(review.next_prescription) + "."))
    texts = [DECISION_TEXT[review.decision], *(f"{k}: {v}" for k, v in fields)]
    texts += [t for label, items in lists if items for t in (label, *items)]
    doc.keep(texts, extra=12)  # a week's block stays on one page
    doc.heading(f"Week {s.week}: {day_words(s.start)} to {day_words(s.end)}", level=1)
    doc.para(DECISION_TEXT[review.decision], "B")
    for label, value in fields[:3]:
        doc.field(label, value)
    for label, items in lists:
        if items:
            doc.para(f"{label}:", "B")
            doc.bullets(items)
    for label, value in fields[3:]:
        doc.field(label, value)


def _weeks(doc: _Document, r: ReportRecords) -> None:
    doc.heading("Weeks, decisions and reasons")
    if not r.reviews:
        doc.para("No week ended in this period.")
    for review in r.reviews:
        _week(doc, review)


def _goal_words(point: charts.ZoneWeekLike) -> str:
    if point.goal_min is None or point.goal_max is None:
        return "none in this phase"
    total = point.measured_min + point.by_effort_min
    reached = "reached" if total >= point.goal_min else "not reached"
    if not point.complete:
        reached = "so far"
    return f"{point.goal_min}–{point.goal_max} ({reached})"


def _zone(doc: _Document, r: ReportRecords) -> None:
    doc.heading("Target-zone minutes against the goal")
    doc.para(
        "Minutes in the target heart-rate zone each week: measured by heart rate, or counted by "
        "effort (the talk test) for walks without heart rate. The later phases set a weekly goal."
    )
    rows = [
        (
            f"{p.week}" + ("" if p.complete else " (so far)"),
            f"{round_half_up(p.measured_min)}",
            f"{round_half_up(p.by_effort_min)}",
            f"{round_half_up(p.measured_min + p.by_effort_min)}",
            _goal_words(p),
        )
        for p in r.series.zone
    ]
    if rows:
        heading = ("Week", "By heart rate", "By effort", "Total", "Weekly goal")
        doc.rows(heading, rows)
    doc.chart("Weekly target-zone minutes", charts.zone_minutes_chart(r.series.zone))


def _pain(doc: _Document, r: ReportRecords) -> None:
    doc.heading("Pain trend")
    walks = [p for p in r.series.pain if p.kind == "walk"]
    if walks:
        tally = [
            f"{sum(1 for p in walks if p.status == s)} {s}"
            for s in ("green", "amber", "red")
            if any(p.status == s for p in walks)
        ]
        unrated = sum(1 for p in walks if p.status not in ("green", "amber", "red"))
        if unrated:
            tally.append(f"{unrated} without pain ratings")
        doc.para(
            f"Of {_count(len(walks), 'walk')} in this period: {_listed(tally)}. Green: walking "
            "did not aggravate the pain; amber: it rose a little; red: a flare."
        )
    else:
        doc.para("No walk was logged in this period.")
    mornings = [(w.week, w.summary.morning_pain_mean) for w in r.reviews]
    rated = [(week, mean) for week, mean in mornings if mean is not None]
    if len(rated) >= 2:
        (w0, m0), (w1, m1) = rated[0], rated[-1]
        way = "went down" if m1 < m0 else "went up" if m1 > m0 else "stayed the same"
        doc.para(
            f"Morning pain averaged {m0:.1f} out of 10 in week {w0} and {m1:.1f} in week {w1}: "
            f"it {way}."
        )
    elif rated:
        doc.para(f"Morning pain averaged {rated[0][1]:.1f} out of 10 in week {rated[0][0]}.")
    doc.chart("Pain before and after walks, and morning pain", charts.pain_chart(r.series.pain))


def _clearing_of(checkin: CheckIn, clearings: Sequence[FlagClearing]) -> FlagClearing | None:
    """The first clearing that closed a check-in's red flags (as `open_red_flags` reads them)."""
    closing = [c for c in clearings if c.seq > checkin.seq and c.day >= checkin.day]
    return min(closing, key=lambda c: (c.day, c.seq)) if closing else None


def _care(doc: _Document, r: ReportRecords) -> None:
    doc.heading("Referrals and red flags")
    doc.heading("Referrals", level=1)
    first_week: dict[str, tuple[int, str]] = {}
    for review in r.reviews:
        for referral in review.referrals:
            first_week.setdefault(referral.value, (review.week, REFERRAL_TEXT[referral]))
    if first_week:
        doc.bullets([f"From week {week}: {text}" for week, text in first_week.values()])
    else:
        doc.para("None in this period: walking alone is the plan.")

    doc.heading("Red flags", level=1)
    answered = sorted((c for c in r.checkins if c.red_flags), key=lambda c: (c.day, c.seq))
    lines = []
    for checkin in answered:
        signs = _listed([RED_FLAG_WORDS.get(f.value, "a warning sign") for f in checkin.red_flags])
        cleared = _clearing_of(checkin, r.clearings)
        state = f"cleared on {day_words(cleared.day)}" if cleared else "not cleared yet"
        lines.append(f"{day_words(checkin.day)}: {signs}; {state}.")
    if lines:
        doc.bullets(lines)
    else:
        doc.para("No warning sign was reported in this period.")
    tier = highest_tier(r.open_flags)
    if tier is not None:
        signs = _listed([RED_FLAG_WORDS.get(f.value, "a warning sign") for f in r.open_flags])
        doc.para(f"Still open on {day_words(r.today)}: {signs}. {advice(tier)}", "B")

    paused = [p for p in r.pauses if p.overlaps(r.first, r.last)]
    if paused:
        doc.heading("Pauses by a clinician", level=1)
        doc.bullets(
            [
                f"From {day_words(p.start)}"
                + (f", resumed on {day_words(p.end)}" if p.end else ", not resumed yet")
                + (f": {p.reason}" if p.reason else ".")
                for p in paused
            ]
        )


def _more_charts(doc: _Document, r: ReportRecords) -> None:
    walking_pace(doc, r)  # issue 15: distance and pace in the person's units, and posture
    doc.heading("Pace and prescription")
    doc.chart("Pace at the same heart rate", heart_pace_chart(r))
    doc.chart("Prescription against what you did", charts.prescription_chart(r.series.rx))


def build_report(records: ReportRecords, fonts: Fonts | None = None) -> bytes:
    """The report as PDF bytes (A4); `fonts` defaults to the first of `FONT_FILES` found."""
    doc = _Document(records, fonts if fonts is not None else system_fonts())
    doc.add_page()
    _first_page(doc, records)
    _weeks(doc, records)
    _zone(doc, records)
    _pain(doc, records)
    _care(doc, records)
    _more_charts(doc, records)
    return bytes(doc.output())
