"""The PDF progress report (issue 12), read as a person would: every page rendered to an image by
pdftoppm and not blank, the text extracted by pdftotext in plain words (the chosen name, the
protocol, each week's decision, a red flag, the disclaimer and page number on every page), the
charts drawn as vector graphics, and no stable code or ISO date anywhere.

pdftoppm, pdftotext and pdfimages come from Debian's poppler-utils (scripts/check installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from walkrx import protocols
from walkrx.domain.codes import Decision, Flag, Reason, RedFlag, Referral
from walkrx.domain.explain import DECISION_TEXT, DISCLAIMER, RED_FLAG_WORDS, REFERRAL_TEXT
from walkrx.domain.model import CheckIn, Diary, FlagClearing, Person, Walk, ZoneSettings
from walkrx.domain.plausibility import CHECK_TEXT
from walkrx.domain.review import review_weeks
from walkrx.reports import charts, pdf, pdf_records
from walkrx.reports.pdf_svg import fold, pdf_svg
from walkrx.services import progress
from walkrx.services.program import Program

START = date(2026, 3, 2)  # a Monday
TODAY = date(2026, 4, 15)  # six weeks reviewed, the seventh in progress
PROTOCOL = protocols.load("walking-6wk")
GENERATED = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
CODES: list[type[StrEnum]] = [Decision, Reason, Flag, Referral, RedFlag]


# --- reading a PDF as a person would -------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install Debian's poppler-utils (scripts/check does)")
    return found


def pdf_text(data: bytes, folder: Path) -> list[str]:
    """The text of each page (pdftotext), whitespace made single spaces."""
    source = folder / "report.pdf"
    source.write_bytes(data)
    out = subprocess.run(
        [_tool("pdftotext"), str(source), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def pdf_images(data: bytes, folder: Path) -> list[Path]:
    """Each page rendered as a PNG (pdftoppm, 50 dpi)."""
    source = folder / "report.pdf"
    source.write_bytes(data)
    subprocess.run(
        [_tool("pdftoppm"), "-r", "50", "-png", str(source), str(folder / "page")], check=True
    )
    return sorted(folder.glob("page-*.png"))


def ink(png: Path) -> float:
    """The share of a page's pixels that are not white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(count for value, count in enumerate(grey.histogram()) if value < 245)
        return dark / (grey.width * grey.height)


# --- a program ---------------------------------------------------------------------------------


def walk(day: date, minutes: float, **fields: Any) -> Walk:
    start = datetime.combine(day, time(9, 0), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    return Walk(
        id=None, start=start, timezone="Europe/London", duration_s=round(minutes * 60), **fields
    )


def diary_of(who: Person) -> Diary:
    """Six weeks: on track, a flare in week 2, a thin week 4 and a warning sign in week 5,
    cleared three days later."""
    walks = []
    for week in range(6):
        days = (0, 2) if week == 3 else (0, 2, 4, 5)
        for n, offset in enumerate(days):
            flare = week == 1 and n == 1
            walks.append(
                walk(
                    START + timedelta(days=7 * week + offset),
                    18 + week + n,
                    avg_hr=128.0 if n % 2 else None,
                    zone_in_s=900 if n % 2 else None,
                    effort=4,
                    pain_before=2,
                    pain_during=8 if flare else 3,
                    pain_after=8 if flare else 3,
                    pain_next_morning=2,
                )
            )
    flagged = START + timedelta(days=30)  # Wed 1 April
    checkins = [
        CheckIn(id=n + 1, day=START + timedelta(days=n * 3), seq=n + 1, morning_pain=3)
        for n in range(14)
    ]
    checkins.append(CheckIn(id=99, day=flagged, seq=99, red_flags=(RedFlag.NIGHT_PAIN,)))
    clearing = FlagClearing(id=1, day=flagged + timedelta(days=3), seq=100, note="GP: fine")
    stored = tuple(replace(w, id=n + 1) for n, w in enumerate(walks))
    return Diary(person=who, walks=stored, checkins=tuple(checkins), clearings=(clearing,))


def person(**fields: Any) -> Person:
    return Person(
        id=7,
        name="A. Example (the program's name)",
        display_name="Zoë Łącka",
        start=START,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(ZoneSettings(effective=START, age=50),),
        goals=("return_to_sport",),
        **fields,
    )


def records(
    who: Person | None = None, today: date = TODAY, diary: Diary | None = None
) -> pdf_records.ReportRecords:
    """The whole program so far, as `services.report` gives it for no from/to."""
    who = who or person()
    diary = diary or diary_of(who)
    prog = Program(who, PROTOCOL, diary, today, review_weeks(diary, PROTOCOL, today))
    return pdf_records.ReportRecords(
        person=who,
        protocol=PROTOCOL,
        first=min(who.start, today),
        last=today,
        today=today,
        week=prog.current_week,
        walks=diary.walks,
        reviews=tuple(prog.reviews),
        checkins=diary.checkins,
        clearings=diary.clearings,
        pauses=diary.pauses,
        open_flags=prog.open_flags(),
        series=pdf_records.ChartSeries(
            zone=progress.weekly_zone_minutes(prog),
            pain=progress.pain_series(prog),
            pace=progress.pace_series(prog),
            rx=progress.prescription_vs_done(prog),
        ),
        generated=GENERATED,
    )


@pytest.fixture(scope="module")
def report() -> tuple[pdf_records.ReportRecords, bytes]:
    made = records()
    return made, pdf.build_report(made)


# --- pages -------------------------------------------------------------------------------------


def test_every_page_renders_and_none_is_blank(
    report: tuple[pdf_records.ReportRecords, bytes], tmp_path: Path
) -> None:
    _, data = report
    assert data.startswith(b"%PDF-")
    pages = pdf_images(data, tmp_path)
    assert len(pages) >= 3
    for page in pages:
        with Image.open(page) as image:
            assert image.width < image.height  # A4 portrait
        assert ink(page) > 0.01, f"{page.name} is blank"


def test_the_text_says_who_which_protocol_each_decision_and_the_disclaimer_on_every_page(
    report: tuple[pdf_records.ReportRecords, bytes], tmp_path: Path
) -> None:
    made, data = report
    pages = pdf_text(data, tmp_path)
    text = " ".join(pages)
    assert "Zoë Łącka" in pages[0]  # the name the person chose, as typed
    assert "A. Example" not in text
    assert PROTOCOL.title in pages[0]
    assert "Mon 2 Mar 2026 to Wed 15 Apr 2026" in pages[0]
    assert [r.week for r in made.reviews] == [1, 2, 3, 4, 5, 6]
    for review in made.reviews:
        s = review.summary
        header = f"Week {s.week}: {pdf.day_words(s.start)} to {pdf.day_words(s.end)}"
        assert f"{header} {DECISION_TEXT[review.decision]}" in text
    decisions = {r.decision for r in made.reviews}
    assert {Decision.PROGRESS, Decision.STEP_BACK, Decision.SEEK_CARE_URGENT} <= decisions
    for number, page in enumerate(pages, start=1):
        assert DISCLAIMER in page, f"page {number} has no disclaimer"
        assert f"Page {number} of {len(pages)}" in page


def test_red_flags_referrals_and_the_goal_are_in_plain_words(
    report: tuple[pdf_records.ReportRecords, bytes], tmp_path: Path
) -> None:
    _, data = report
    text = " ".join(pdf_text(data, tmp_path))
    words = RED_FLAG_WORDS[RedFlag.NIGHT_PAIN.value]
    assert f"Wed 1 Apr 2026: {words}; cleared on Sat 4 Apr 2026." in text
    assert f"From week 6: {REFERRAL_TEXT[Referral.RETURN_TO_SPORT]}" in text
    assert "Target-zone minutes against the goal" in text
    assert "7 (so far)" in text  # the week in progress, in the table
    assert "program week" in text  # the charts' labels are text, not pictures


def test_no_stable_code_or_iso_date_is_shown(
    report: tuple[pdf_records.ReportRecords, bytes], tmp_path: Path
) -> None:
    _, data = report
    text = " ".join(pdf_text(data, tmp_path))
    codes = {c.value for enum in CODES for c in enum if "_" in c.value} | {
        code for code in CHECK_TEXT if "_" in code
    }
    assert codes and not {c for c in codes if c in text}
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_the_charts_are_vector_graphics(
    report: tuple[pdf_records.ReportRecords, bytes], tmp_path: Path
) -> None:
    _, data = report
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    listed = subprocess.run(
        [_tool("pdfimages"), "-list", str(source)], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    assert len(listed) == 2, listed  # the header alone: no raster image anywhere


def test_an_empty_program_and_a_machine_without_fonts_still_give_a_readable_report(
    tmp_path: Path,
) -> None:
    who = person()
    empty = Diary(person=who)
    made = records(who, today=START - timedelta(days=3), diary=empty)
    data = pdf.build_report(made, pdf.Fonts())  # the PDF's built-in Helvetica
    pages = pdf_text(data, tmp_path)
    text = " ".join(pages)
    assert "Zoë Lacka" in text  # Latin-1 kept, the rest spelled with the nearest letter
    assert "before the program starts" in text
    assert "No week ended in this period." in text
    assert "No warning sign was reported in this period." in text
    assert all(DISCLAIMER in page for page in pages)
    assert all(ink(page) > 0.005 for page in pdf_images(data, tmp_path))


def test_an_open_red_flag_is_said_with_its_advice(tmp_path: Path) -> None:
    who = person()
    diary = diary_of(who)
    diary = replace(diary, clearings=())
    data = pdf.build_report(records(who, diary=diary))
    text = " ".join(pdf_text(data, tmp_path))
    words = RED_FLAG_WORDS[RedFlag.NIGHT_PAIN.value]
    assert f"Wed 1 Apr 2026: {words}; not cleared yet." in text
    assert f"Still open on Wed 15 Apr 2026: {words}." in text
    assert "walking is paused because of a warning sign" in text


# --- the charts' SVG for fpdf2 -----------------------------------------------------------------


def test_halos_and_hatches_become_plain_shapes() -> None:
    diary = diary_of(person())
    reviews = review_weeks(diary, PROTOCOL, TODAY)
    points = progress.weekly_zone_minutes(Program(person(), PROTOCOL, diary, TODAY, reviews))
    svg = charts.zone_minutes_chart(points)
    assert "<pattern" in svg and 'paint-order="stroke"' in svg
    drawn = pdf_svg(svg, "walkrx-sans", unicode=True)
    out = drawn.data.decode()
    for gone in ("<pattern", "url(#", "paint-order", "<title", "<desc"):
        assert gone not in out
    assert 'font-family="walkrx-sans"' in out
    assert out.count("<line") > svg.count("<line") + 10  # the hatch's stripes
    assert (drawn.width, drawn.height) == (400, 300)
    assert drawn.description.startswith("Target-zone minutes")


def test_fold_spells_text_for_latin_1() -> None:
    assert fold("Zoë Łącka – 150–300 min", unicode=False) == "Zoë Lacka - 150-300 min"
    assert fold("Zoë Łącka – 漢", unicode=True) == "Zoë Łącka – 漢"
    assert fold("漢", unicode=False) == "?"
