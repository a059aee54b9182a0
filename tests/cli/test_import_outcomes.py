"""What an import does with records that are not plainly walks, and how it says so (issue 8).

Real files from the reference set (tests/data/reference/README.md: origins and licences):
Google My Tracks' `visnjan.gpx` names no sport and moves at 8.8 km/h with 45 % of its minutes
over 9 km/h; the three-day `multitrackgpx.gpx` names no sport either but is walked at 5 km/h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .conftest import Cli

DATA = Path(__file__).resolve().parents[1] / "data"
VISNJAN = DATA / "reference" / "gpx" / "tkrajina__visnjan.gpx"  # 2014-08-22 18:48 +02:00
MULTI = DATA / "reference" / "gpx" / "tmcw__multitrackgpx.gpx"  # 2008-07-12, 13 and 14
FENIX_RUN = DATA / "fit" / "fitparse__garmin-fenix-5-run.fit"


@pytest.fixture
def walker(cli: Cli) -> Cli:
    cli.ok("init", "--name", "Vi", "--age", "50", "--start", "2014-08-18", "--timezone", "UTC")
    return cli


def test_a_fast_record_without_a_sport_waits_for_the_person(walker: Cli) -> None:
    """Stored, not counted (weeks, reviews, the pace trend) until confirmed; undo works."""
    [outcome] = walker.json("import", str(VISNJAN))["files"]
    [walk_id] = outcome["stored"]
    assert outcome["unconfirmed"] == [{"id": walk_id, "check_reason": "too_fast"}]
    [walk] = walker.json("walks", "list")["walks"]
    assert walk["counted"] is False and walk["check_reason"] == "too_fast"
    assert "The file does not name the sport; walkrx took it as a walk." in walk["import_notes"]
    week = walker.json("week", "1", "--today", "2014-08-30")
    assert week["walks_logged"] == 0

    shown = walker.ok("walks", "show", str(walk_id))
    assert "Not counted yet" in shown and "faster than walking" in shown
    assert f"walkrx walks confirm {walk_id}" in shown

    confirmed = walker.json("walks", "confirm", str(walk_id))
    assert confirmed["counted"] is True and confirmed["confirmed"] is True
    assert walker.json("week", "1", "--today", "2014-08-30")["walks_logged"] == 1

    walker.ok("walks", "confirm", str(walk_id), "--undo")
    assert walker.json("week", "1", "--today", "2014-08-30")["walks_logged"] == 0


def test_a_walk_logged_by_hand_has_nothing_to_confirm(walker: Cli) -> None:
    logged = walker.json("log", "--date", "2014-08-19", "--minutes", "20")
    code, _out, err = walker.run("walks", "confirm", str(logged["id"]))
    assert code == 2 and "already counts" in err


def test_each_track_of_a_file_is_its_own_walk(cli: Cli) -> None:
    """Three hikes on three days: three walks, each with its own date and duration."""
    cli.ok("init", "--name", "Hy", "--age", "50", "--start", "2008-07-07", "--timezone", "UTC")
    [outcome] = cli.json("import", str(MULTI))["files"]
    assert len(outcome["stored"]) == 3
    walks = cli.json("walks", "list")["walks"]
    assert [w["start"][:10] for w in walks] == ["2008-07-12", "2008-07-13", "2008-07-14"]
    assert all(w["duration_s"] < 3600 for w in walks)
    assert {w["check_reason"] for w in walks} == {"sport_assumed"}


def _long_gpx(path: Path, hours: float) -> Path:
    """A track that goes on for `hours` with a point every 20 s: no break to cut it at."""
    t0 = datetime(2014, 8, 20, 6, 0, tzinfo=UTC)
    points = "".join(
        f'<trkpt lat="{45.0 + i * 1e-5:.6f}" lon="13.6"><time>'
        f"{(t0 + timedelta(seconds=20 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(int(hours * 180) + 1)
    )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>walking</type><trkseg>'
        f"{points}</trkseg></trk></gpx>"
    )
    return path


def test_a_record_longer_than_a_walk_is_not_stored(walker: Cli, tmp_path: Path) -> None:
    """17 hours without a break cannot be one walk: skipped with the reason, nothing stored,
    and the file is not kept either (so a corrected file can come in later)."""
    before = walker.snapshot()
    [outcome] = walker.json("import", str(_long_gpx(tmp_path / "logger.gpx", 17)))["files"]
    assert outcome["stored"] == []
    [skipped] = outcome["skipped"]
    assert skipped["code"] == "too_long" and "longer than one walk" in skipped["reason"]
    assert walker.snapshot() == before


def test_the_import_summary_has_totals_and_names_a_failure_once(
    walker: Cli, tmp_path: Path
) -> None:
    """Per file a short line, then one totals line; a failure says the file's name once."""
    broken = tmp_path / "broken.fit"
    broken.write_bytes(b"not a FIT file at all")
    code, out, err = walker.run("import", str(VISNJAN), str(FENIX_RUN), str(broken))
    assert code == 2
    assert f"{VISNJAN.name}: imported 1 walk; 1 of them not counted until you confirm" in out
    assert (
        f"{FENIX_RUN.name}: nothing imported; skipped 1 activity of another sport (1 running)"
        in out
    )
    assert "Totals: 3 files, 1 walk imported (1 not counted until you confirm), " in out
    assert "0 set aside as duplicates, 1 skipped, 1 failed." in out
    [failure] = [line for line in err.splitlines() if "broken.fit" in line]
    assert failure.count("broken.fit") == 1 and "could not be read" in failure
