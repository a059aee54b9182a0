"""The command line end to end: every command through `walkrx.cli.app.main`, SQLite and PostgreSQL.

Each test drives the real CLI the way a person would and checks what it prints, its exit code, and
what is stored. Refused input must leave the database exactly as it was.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer.main
from icalendar import Calendar

from walkrx.cli.app import app

from .conftest import START, Cli


def test_init_and_zones_json(ann: Cli) -> None:
    """spec 2: Tanaka HRmax for age 50 is 173, band 70-80 % is 121-138 bpm, with its source."""
    assert ann.json("zones") == {
        "hrmax": 173,
        "hrmax_source": "tanaka",
        "hrmax_error_bpm": 10,
        "band_bpm": [121, 138],
        "method": "hrmax",
        "percent": [70, 80],
        "resting_hr": None,
    }
    text_out = ann.ok("zones")
    assert "±10 bpm" in text_out and "zone 3" in text_out


def test_measured_hrmax_and_reserve_method(cli: Cli) -> None:
    """spec 2: a measured HRmax is used as given; the reserve method needs a resting heart rate."""
    code, _, err = cli.run(
        "init", "--name", "Bo", "--age", "40", "--start", START, "--zone-method", "hrr"
    )
    assert code == 2 and "resting heart rate" in err
    cli.ok(
        "init",
        "--name",
        "Bo",
        "--start",
        START,
        "--max-hr",
        "180",
        "--resting-hr",
        "60",
        "--zone-method",
        "hrr",
        "--timezone",
        "UTC",
    )
    zones = cli.json("zones")
    assert zones["hrmax_source"] == "measured"
    assert zones["band_bpm"] == [120, 138]  # 60 + 0.50*120, 60 + 0.65*120


def test_protocols_listed_and_shown(cli: Cli) -> None:
    """spec 1: both shipped protocols are listed, and one is shown in full with its sources."""
    listing = cli.json("protocols")
    assert {p["name"] for p in listing["protocols"]} >= {"walking-6wk", "walkback-26wk"}
    shown = cli.ok("protocols", "walkback-26wk")
    assert "Phase 4" in shown and "Pocovi" in shown


def test_malformed_protocol_is_refused_with_file_and_field(cli: Cli, tmp_path: Path) -> None:
    """spec 1: a protocol with min > max is refused naming file and field; nothing is stored."""
    good = Path(__file__).resolve().parents[2] / "src/walkrx/protocols/walking-6wk.toml"
    bad = tmp_path / "clinic.toml"
    bad.write_text(good.read_text().replace("walks_min = 4", "walks_min = 9", 1))
    before = cli.snapshot()
    code, _, err = cli.run(
        "init", "--name", "Cy", "--age", "40", "--start", START, "--protocol", str(bad)
    )
    assert code == 2
    assert "clinic.toml" in err and "walks_min" in err
    assert err.count("\n") == 1, "one-line error"
    assert cli.snapshot() == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("log", "--date", "2026-03-03", "--minutes", "20", "--pain-after", "11"), "0 to 10"),
        (("log", "--date", "2026-02-20", "--minutes", "20"), "before the program starts"),
        (("log", "--date", "2026-03-03", "--minutes", "20", "--terrain", "beach"), "terrain"),
        (("checkin", "--date", "2026-03-03", "--red-flag", "headache"), "unknown red-flag code"),
        (("checkin", "--date", "2026-03-03", "--morning-pain", "-1"), "0 to 10"),
        (("checkin", "--date", "2026-03-03", "--psfs", "5,6"), "3 to 5 ratings"),
        (("log", "--date", "2026-03-03", "--minutes", "20", "--person", "Zed"), "no person"),
        (("log", "--date", "03/03/2026", "--minutes", "20"), "YYYY-MM-DD"),
        (("clear-flag", "--date", "2026-03-03"), "no open red flag"),
    ],
)
def test_bad_input_gives_one_line_and_changes_nothing(
    ann: Cli, args: tuple[str, ...], needle: str
) -> None:
    """Acceptance: every kind of bad input gets a one-line error, a non-zero exit, no change."""
    before = ann.snapshot()
    code, _out, err = ann.run(*args)
    assert code != 0
    assert needle in err, err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert ann.snapshot() == before


def test_log_list_edit_delete(ann: Cli) -> None:
    """spec 3: walks can be logged with all fields, listed, edited and deleted."""
    logged = ann.json(
        "log",
        "--date",
        "2026-03-03",
        "--start",
        "07:30",
        "--minutes",
        "18",
        "--distance-km",
        "1.5",
        "--avg-hr",
        "130",
        "--max-hr",
        "140",
        "--effort",
        "4",
        "--pain-before",
        "3",
        "--pain-during",
        "4",
        "--pain-after",
        "3",
        "--lower-limb-pain",
        "1",
        "--terrain",
        "flat",
        "--talk-test",
        "yes",
        "--cue",
        "relaxed arms",
        "--notes",
        "canal path",
    )
    assert logged["start"] == "2026-03-03T07:30:00+00:00"
    assert logged["zone_in_s"] == 18 * 60  # average 130 lies in 121-138: every minute measured
    assert logged["pain_status"] == "amber"  # peak 4 with a rise of 1
    walk_id = str(logged["id"])
    edited = ann.json("walks", "edit", walk_id, "--pain-next-morning", "5")
    assert edited["pain_next_morning"] == 5 and edited["pain_status"] == "red"
    assert [w["id"] for w in ann.json("walks", "list")["walks"]] == [logged["id"]]
    ann.ok("walks", "delete", walk_id)
    assert ann.json("walks", "list")["walks"] == []


def test_red_walk_asks_the_red_flag_questions(ann: Cli) -> None:
    """spec 7: red-flag questions are asked whenever a walk is red."""
    out = ann.ok(
        "log", "--date", "2026-03-03", "--minutes", "20", "--pain-before", "2", "--pain-after", "7"
    )
    assert "warning-sign questions" in out


def test_red_flag_pauses_today_until_cleared(ann: Cli) -> None:
    """spec 7: a yes is acted on at once, the day's plan shows the pause, clearing is recorded."""
    out = ann.ok("checkin", "--date", "2026-03-04", "--red-flag", "saddle_numbness")
    assert "emergency" in out.lower()
    today = ann.json("today", "--today", "2026-03-06")
    assert today["paused_by"] == ["saddle_numbness"] and today["walk"] is None
    assert "emergency" in today["advice"].lower()
    ann.ok("clear-flag", "--date", "2026-03-05", "--note", "seen in A&E, all clear")
    today = ann.json("today", "--today", "2026-03-06")
    assert today["paused_by"] == [] and today["walk"]["minutes"] == 15


def test_review_json_shape_and_progression(ann: Cli) -> None:
    """spec 6: a green, adequate week progresses; JSON carries the documented keys."""
    for day in ("2026-03-02", "2026-03-04", "2026-03-06", "2026-03-07"):
        ann.ok(
            "log",
            "--date",
            day,
            "--minutes",
            "18",
            "--pain-before",
            "2",
            "--pain-after",
            "2",
            "--effort",
            "4",
        )
    weeks = ann.json("review", "--today", "2026-03-10")["weeks"]
    assert len(weeks) == 1
    week = weeks[0]
    assert {
        k: week[k]
        for k in (
            "week",
            "start",
            "end",
            "position",
            "phase",
            "walks",
            "minutes",
            "pain",
            "decision",
            "reasons",
            "flags",
            "referrals",
        )
    } == {
        "week": 1,
        "start": "2026-03-02",
        "end": "2026-03-08",
        "position": 1,
        "phase": 1,
        "walks": 4,
        "minutes": 72,
        "pain": "green",
        "decision": "progress",
        "reasons": ["on_track"],
        "flags": [],
        "referrals": [],
    }
    assert week["zone_minutes"] == {"measured": 0, "by_effort": 72}
    assert week["next"] == {
        "position": 2,
        "phase": 1,
        "prescription": {
            "walks_min": 4,
            "walks_max": 5,
            "minutes_min": 15,
            "minutes_max": 20,
            "long_walk_minutes": None,
            "tempo": False,
        },
    }


def test_plan_shifts_after_step_back_and_writes_ics(ann: Cli, tmp_path: Path) -> None:
    """spec 6: a step back shifts what follows; the ICS file parses as a calendar of the walks."""
    ann.ok(
        "log", "--date", "2026-03-02", "--minutes", "20", "--pain-before", "1", "--pain-after", "8"
    )
    ics = tmp_path / "plan.ics"
    plan = ann.json("plan", "--today", "2026-03-10", "--ics", str(ics))["weeks"]
    assert plan[0]["position"] == 1 and plan[1]["position"] == 0  # ease-in after the flare
    assert plan[1]["prescription"]["minutes_min"] == 12
    for week in plan:
        days = {date.fromisoformat(w["date"]).weekday() for w in week["walks"]}
        assert len(days) == len(week["walks"]) >= week["prescription"]["walks_min"]
        if week["prescription"]["walks_min"] <= 4:  # four preferred days are enough
            assert days <= {0, 2, 4, 5}
        else:  # the preferred days are all used before another day is added
            assert days >= {0, 2, 4, 5}
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == sum(len(week["walks"]) for week in plan)


def test_csv_import_walks_and_checkins(ann: Cli, tmp_path: Path) -> None:
    """The paper-diary CSV kinds are told apart by header and imported whole."""
    walks = tmp_path / "walks.csv"
    walks.write_text(
        "date,start,minutes,distance_km,avg_hr,max_hr,effort,pain_before,pain_during,pain_after,"
        "pain_next_morning,terrain,talk_test,notes\n"
        "2026-03-02,07:00,18,1.4,,,4,2,3,2,2,flat,yes,first walk\n"
        "2026-03-04,,20,,128,135,,2,,2,,,,\n"
    )
    checkins = tmp_path / "checkins.csv"
    checkins.write_text(
        "date,morning_pain,red_flags,fear_of_movement,psfs\n"
        "2026-03-01,3,,no,5;6;4\n"
        "2026-03-03,2,night_pain;fever_unwell,,\n"
    )
    out = ann.ok("import", str(walks), str(checkins))
    assert "imported 2 walks" in out and "imported 2 checkins" in out
    assert len(ann.json("walks", "list")["walks"]) == 2
    assert ann.json("today", "--today", "2026-03-05")["paused_by"] == ["fever_unwell", "night_pain"]


def test_csv_bad_row_names_line_and_column_and_stores_nothing(ann: Cli, tmp_path: Path) -> None:
    """A bad row is reported with line number and column, and nothing of the file is stored."""
    walks = tmp_path / "walks.csv"
    walks.write_text(
        "date,start,minutes,distance_km,avg_hr,max_hr,effort,pain_before,pain_during,pain_after,"
        "pain_next_morning,terrain,talk_test,notes\n"
        "2026-03-02,07:00,18,,,,4,2,3,2,,flat,yes,\n"
        "2026-03-04,,20,,,,,2,,11,,,,\n"
    )
    before = ann.snapshot()
    code, _, err = ann.run("import", str(walks))
    assert code == 2
    assert "line 3" in err and "pain_after" in err
    assert ann.snapshot() == before


def test_several_people_need_person(ann: Cli) -> None:
    """Every command takes --person where the database holds more than one person."""
    ann.ok("init", "--name", "Ben", "--age", "30", "--start", START, "--timezone", "UTC")
    code, _, err = ann.run("zones")
    assert code == 2 and "--person" in err
    assert ann.json("zones", "--person", "Ben")["hrmax"] == 187


def test_demo_shows_flare_hold_and_progress(cli: Cli) -> None:
    """walkrx demo: realistic weeks with a flare (step back), a hold and progressions."""
    out = cli.ok("demo", "--today", "2026-05-20")
    assert "Step back:" in out and "Hold:" in out and "Move on:" in out  # in words, not codes
    assert "step_back" not in out
    decisions = [
        w["decision"]
        for w in cli.json("review", "--person", "Demo Walker", "--today", "2026-05-20")["weeks"]
    ]
    assert decisions == ["progress", "step_back", "progress", "hold", "progress"]
    cli.ok("demo", "--today", "2026-05-20")  # running it again replaces the demo person
    assert len(cli.json("review", "--person", "Demo Walker", "--today", "2026-05-20")["weeks"]) == 5


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    """The installed `walkrx` console script answers and maps errors to exit codes."""
    result = subprocess.run(
        [sys.executable, "-m", "walkrx", "zones", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3
    assert "walkrx init" in result.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    """Each CLI command appears in the README's tour (a newcomer can find it)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    group = typer.main.get_command(app)
    names = list(group.commands)  # type: ignore[attr-defined]
    assert names, "no commands found"
    missing = [n for n in names if f"walkrx {n}" not in readme]
    assert not missing, f"commands missing from README: {missing}"
