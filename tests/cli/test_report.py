"""`walkrx report` end to end (issue 12), on SQLite and PostgreSQL: a PDF whose pages render
(pdftoppm) and whose text (pdftotext) gives each week's decision as `walkrx review --json`
explains it, the red flag in words and the disclaimer; --from and --to limit the weeks; a period
that runs backwards is refused and writes nothing; `walkrx --help` does not load fpdf2."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from walkrx.domain.explain import DISCLAIMER, RED_FLAG_WORDS

from .conftest import Cli
from .test_startup_imports import _imported_by

TODAY = "2026-03-31"  # four program weeks done (the program starts on Monday 2 March)
WALKS = [  # date, minutes, then options
    ("2026-03-02", "20", "--avg-hr", "128", "--pain-before", "2", "--pain-after", "3"),
    ("2026-03-04", "22", "--effort", "4", "--pain-after", "3"),
    ("2026-03-06", "25", "--pain-next-morning", "2"),
    ("2026-03-07", "18", "--effort", "4"),
    ("2026-03-11", "30", "--avg-hr", "131", "--effort", "4", "--pain-before", "1"),
    ("2026-03-18", "18", "--effort", "5", "--pain-during", "8", "--pain-after", "8"),
    ("2026-03-30", "35", "--avg-hr", "125"),
]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install Debian's poppler-utils (scripts/check does)")
    return found


def _text(pdf: Path) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(out.split())


def _logged(cli: Cli) -> Cli:
    for day, minutes, *options in WALKS:
        cli.ok("log", "--date", day, "--minutes", minutes, *options)
    cli.ok("checkin", "--date", "2026-03-24", "--red-flag", "night_pain")
    cli.ok("clear-flag", "--date", "2026-03-26", "--note", "GP: mechanical pain, carry on")
    return cli


def test_the_report_renders_and_says_every_decision_in_words(ann: Cli, tmp_path: Path) -> None:
    _logged(ann)
    out = tmp_path / "ann.pdf"
    printed = ann.ok("report", "--out", str(out), "--today", TODAY)
    assert str(out) in printed
    assert out.read_bytes().startswith(b"%PDF-")

    subprocess.run(
        [_tool("pdftoppm"), "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    assert all(p.stat().st_size > 2000 for p in pages)  # a blank page compresses to far less

    text = _text(out)
    assert "Ann" in text
    assert "Walking for low back pain: 6-week progression" in text
    assert "Mon 2 Mar 2026 to Tue 31 Mar 2026" in text
    reviewed = ann.json("review", "--today", TODAY)["weeks"]
    assert [w["week"] for w in reviewed] == [1, 2, 3, 4]
    for week in reviewed:
        assert f"Week {week['week']}: " in text
        assert week["explanation"]["decision"] in text
        for reason in week["explanation"]["reasons"]:
            assert reason in text
    assert f"Tue 24 Mar 2026: {RED_FLAG_WORDS['night_pain']}; cleared on Thu 26 Mar 2026" in text
    assert DISCLAIMER in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert not {w["decision"] for w in reviewed if "_" in w["decision"]} & set(text.split())


def test_from_and_to_limit_the_weeks(ann: Cli, tmp_path: Path) -> None:
    _logged(ann)
    out = tmp_path / "some.pdf"
    ann.ok(
        "report", "--out", str(out), "--today", TODAY, "--from", "2026-03-09", "--to", "2026-03-22"
    )
    text = _text(out)
    assert "Mon 9 Mar 2026 to Sun 22 Mar 2026" in text
    assert "Week 2: Mon 9 Mar 2026" in text and "Week 3: Mon 16 Mar 2026" in text
    assert "Week 1:" not in text and "Week 4:" not in text
    assert "No warning sign was reported in this period." in text  # the flag came on 24 March


def test_a_backwards_period_is_refused_and_writes_nothing(ann: Cli, tmp_path: Path) -> None:
    out = tmp_path / "none.pdf"
    code, _, err = ann.run(
        "report", "--out", str(out), "--from", "2026-03-20", "--to", "2026-03-01"
    )
    assert code == 2
    assert "comes after" in err
    code, _, err = ann.run("report", "--out", str(out), "--from", "yesterday")
    assert code == 2
    assert "--from" in err
    assert not out.exists()


def test_help_does_not_load_the_pdf_library() -> None:
    assert "fpdf" not in _imported_by("--help")
    assert "fpdf" not in _imported_by("report", "--help")
