"""Device-file imports through the real CLI, on SQLite and PostgreSQL.

Real files from tests/data (origins and licences in tests/data/README.md): the FR955 walk carries
heart rate in separate `hr` messages; the fenix 5 walk is a short walk; the fenix 5 run is a run.
"""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from .conftest import Cli

DATA = Path(__file__).resolve().parents[1] / "data"
FR955_WALK = DATA / "fit" / "muktihari__HrmPluginTestActivity.fit"  # 2022-08-29 18:31 UTC
FENIX_WALK = DATA / "fit" / "fitparse__garmin-fenix-5-walk.fit"  # 2017-06-11
FENIX_RUN = DATA / "fit" / "fitparse__garmin-fenix-5-run.fit"
BAD_FIT = DATA / "fit" / "invalid" / "fitparse__activity-filecrc.fit"


@pytest.fixture
def walker(cli: Cli) -> Cli:
    """A person whose program started before the real files were recorded."""
    cli.ok("init", "--name", "Wes", "--age", "45", "--start", "2017-06-05", "--timezone", "UTC")
    return cli


def test_analyze_reports_figures_without_storing(walker: Cli) -> None:
    """`walkrx analyze` prints the documented keys and stores nothing."""
    before = walker.snapshot()
    data = walker.json("analyze", str(FR955_WALK), str(FENIX_RUN), "--max-hr", "180")
    assert walker.snapshot() == before
    [walk] = data["walks"]
    assert walk["sport"] == "walking"
    assert walk["start"].startswith("2022-08-29T12:31:22-06:00")  # local time with its offset
    assert walk["timezone"] == "America/Denver"
    assert walk["samples"] == 310 and walk["hr_samples"] == 309
    assert walk["zone"]["band_bpm"] == [126, 144]
    zone = walk["zone"]
    assert (
        zone["below_s"] + zone["in_s"] + zone["above_s"] <= walk["moving_s"] <= walk["duration_s"]
    )
    for key in (
        "distance_m",
        "avg_hr",
        "max_hr",
        "hr_coverage",
        "efficiency",
        "spikes_share",
        "drift_pct",
    ):
        assert key in walk
    assert data["skipped"] == [
        {
            "file": FENIX_RUN.name,
            "sport": "running",
            "reason": "running is not a walk (other sports come in only when asked for)",
            "code": "not_a_walk",
        }
    ]


def test_import_is_idempotent_and_keeps_the_original(walker: Cli, tmp_path: Path) -> None:
    """Re-importing the same file changes nothing; the original can be downloaded again."""
    first = walker.json("import", str(FR955_WALK))["files"][0]
    assert len(first["stored"]) == 1
    snapshot = walker.snapshot()
    again = walker.json("import", str(FR955_WALK))["files"][0]
    assert again["unchanged"] is True and again["stored"] == []
    assert walker.snapshot() == snapshot
    walker.ok("walks", "file", str(first["stored"][0]), "--out", str(tmp_path))
    assert (tmp_path / FR955_WALK.name).read_bytes() == FR955_WALK.read_bytes()


def test_imported_walk_enters_the_review_with_measured_minutes(walker: Cli) -> None:
    """spec 2: an imported walk's zone minutes are measured, not by effort."""
    walker.ok("import", str(FR955_WALK))
    [walk] = walker.json("walks", "list")["walks"]
    assert walk["source"] == "fit" and walk["zone_in_s"] is not None
    assert walk["band_bpm"] == [
        124,
        141,
    ]  # Tanaka, age 45: HRmax 176.5; 123.55 and 141.2 round to 124, 141
    week = walker.json("week", "--today", "2022-09-10", str(_week_of(walker, "2022-08-29")))
    assert week["zone_minutes"]["by_effort"] == 0
    assert week["walks_logged"] == 1


def _week_of(cli: Cli, day: str) -> int:
    return (date.fromisoformat(day) - date(2017, 6, 5)).days // 7 + 1


def test_duplicate_of_a_diary_walk_keeps_the_richer_record(walker: Cli) -> None:
    """The same walk from the diary and a watch: the heart-rate record wins, ratings move over,
    the person is told, and can undo the choice."""
    diary = walker.json(
        "log",
        "--date",
        "2022-08-29",
        "--start",
        "18:30",
        "--minutes",
        "6",
        "--pain-before",
        "2",
        "--pain-after",
        "3",
        "--effort",
        "4",
        "--notes",
        "after work",
    )
    result = walker.json("import", str(FR955_WALK))["files"][0]
    [kept] = result["stored"]
    assert any("replaces walk" in m for m in result["messages"])
    walks = walker.json("walks", "list")["walks"]
    assert [w["id"] for w in walks] == [kept]
    assert walks[0]["pain_before"] == 2 and walks[0]["notes"] == "after work"
    walker.ok("walks", "prefer", str(diary["id"]))
    assert [w["id"] for w in walker.json("walks", "list")["walks"]] == [diary["id"]]


def test_bulk_import_isolates_a_bad_file(walker: Cli, tmp_path: Path) -> None:
    """One bad file is reported with what is wrong; the rest are imported; exit code says so."""
    code, _out, err = walker.run("import", str(BAD_FIT), str(FR955_WALK))
    assert code == 2
    assert BAD_FIT.name in err and "byte" in err
    assert len(walker.json("walks", "list")["walks"]) == 1


def test_gz_and_zip_archives(walker: Cli, tmp_path: Path) -> None:
    """A .gz of a FIT file and a .zip of several files (a watch's bulk export) import."""
    gz = tmp_path / "walk.fit.gz"
    gz.write_bytes(gzip.compress(FENIX_WALK.read_bytes()))
    bulk = tmp_path / "export.zip"
    with zipfile.ZipFile(bulk, "w") as archive:
        archive.write(FR955_WALK, "activities/a.fit")
        archive.write(FENIX_RUN, "activities/b.fit")
        archive.writestr("notes.txt", "not an activity")
    files = walker.json("import", str(gz), str(bulk))["files"]
    assert len(files[0]["stored"]) == 1
    assert len(files[1]["stored"]) == 1
    reasons = {s["reason"] for s in files[1]["skipped"]}
    assert any("not a walk" in r for r in reasons)
    assert any("not an activity file" in r for r in reasons)


def test_walk_before_program_start_is_skipped_not_failed(cli: Cli, tmp_path: Path) -> None:
    """spec 3: walks may not be dated before the program's start; the file is not an error."""
    cli.ok("init", "--name", "Late", "--age", "45", "--start", "2025-01-06", "--timezone", "UTC")
    copy = tmp_path / "old.fit"
    shutil.copy(FENIX_WALK, copy)
    result = json.loads(cli.ok("import", str(copy), "--json"))["files"][0]
    assert result["stored"] == [] and result["failed"] == []
    assert "before the program starts" in result["skipped"][0]["reason"]
