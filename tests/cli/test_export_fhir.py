"""`walkrx export fhir` end to end (issue 12), on SQLite and PostgreSQL: a valid FHIR R4 Bundle
in a file (or on stdout), the pseudonymous form, the date filter, and the round trip against what
`walkrx walks list --json` and `walkrx review --json` print for the same data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from walkrx.reports.fhir_read import read_bundle

from .conftest import Cli

TODAY = "2026-03-31"  # four program weeks done (the program starts on Monday 2 March)
WALKS = [  # date, minutes, then options
    ("2026-03-02", "20", "--avg-hr", "128", "--max-hr", "139", "--pain-before", "2"),
    ("2026-03-04", "22", "--pain-during", "3", "--pain-after", "3", "--distance-km", "1.9"),
    ("2026-03-06", "25", "--pain-next-morning", "2", "--notes", "Walked with Sam"),
    ("2026-03-11", "30", "--avg-hr", "131", "--effort", "4", "--pain-before", "1"),
    ("2026-03-18", "18", "--effort", "5", "--pain-after", "4"),
    ("2026-03-30", "35", "--start", "07:30", "--avg-hr", "125"),
]


def _logged(cli: Cli) -> Cli:
    for day, minutes, *options in WALKS:
        cli.ok("log", "--date", day, "--minutes", minutes, *options)
    return cli


def _export(cli: Cli, out: Path, *options: str) -> dict[str, Any]:
    printed = cli.ok("export", "fhir", "--out", str(out), "--today", TODAY, *options)
    assert str(out) in printed
    bundle: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return bundle


def test_the_bundle_is_valid_fhir_and_reads_back_as_the_stored_walks_and_weeks(
    ann: Cli, tmp_path: Path
) -> None:
    _logged(ann)
    bundle = _export(ann, tmp_path / "ann.json")
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])

    back = read_bundle(bundle)
    stored = ann.json("walks", "list")["walks"]
    assert len(back.walks) == len(stored) == 6
    for read, walk in zip(back.walks, sorted(stored, key=lambda w: w["start"]), strict=True):
        assert read.start == datetime.fromisoformat(walk["start"])
        assert read.duration_s == walk["duration_s"]
        assert read.avg_hr == walk["avg_hr"]
        assert read.max_hr == walk["max_hr"]
        assert read.distance_m == walk["distance_m"]
        assert read.zone_in_s == walk["zone_in_s"]
        for moment in ("before", "during", "after", "next_morning"):
            assert getattr(read, f"pain_{moment}") == walk[f"pain_{moment}"]

    reviewed = ann.json("review", "--today", TODAY)["weeks"]
    assert [w.week for w in back.weeks] == [r["week"] for r in reviewed] == [1, 2, 3, 4]
    for read_week, review in zip(back.weeks, reviewed, strict=True):
        zone = review["zone_minutes"]
        assert read_week.zone_measured_min == round(zone["measured"], 4)
        assert read_week.zone_by_effort_min == round(zone["by_effort"], 4)
        assert read_week.decision == review["decision"]
        assert list(read_week.reasons) == review["reasons"]
    assert back.patient["name"][0]["text"] == "Ann"


def test_pseudonymous_leaves_out_the_name_and_notes(ann: Cli, tmp_path: Path) -> None:
    _logged(ann)
    named = _export(ann, tmp_path / "named.json")
    pseudo = _export(ann, tmp_path / "pseudo.json", "--pseudonymous")
    text = json.dumps(pseudo)
    assert "Ann" not in text and "Sam" not in text
    assert "Sam" in json.dumps(named)
    (patient,) = [
        e["resource"] for e in pseudo["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert set(patient) == {"resourceType", "id", "active"}
    assert read_bundle(pseudo).walks == read_bundle(named).walks
    again = _export(ann, tmp_path / "again.json", "--pseudonymous")
    assert again["entry"][0]["fullUrl"] != pseudo["entry"][0]["fullUrl"]  # unlinkable ids


def test_from_and_to_choose_walks_by_date_and_weeks_by_their_last_day(
    ann: Cli, tmp_path: Path
) -> None:
    _logged(ann)
    out = tmp_path / "march.json"
    printed = ann.ok(
        "export",
        "fhir",
        "--out",
        str(out),
        "--from",
        "2026-03-04",
        "--to",
        "2026-03-14",
        "--today",
        TODAY,
    )
    assert "3 walks and 1 reviewed week" in printed
    back = read_bundle(json.loads(out.read_text(encoding="utf-8")))
    assert [w.start.date().isoformat() for w in back.walks] == [
        "2026-03-04",
        "2026-03-06",
        "2026-03-11",
    ]
    assert [w.week for w in back.weeks] == [1]  # week 2 ends on the 15th: left out


def test_standard_output_and_refusals(ann: Cli, tmp_path: Path) -> None:
    _logged(ann)
    before = ann.snapshot()
    printed = ann.ok("export", "fhir", "--out", "-", "--today", TODAY)
    assert json.loads(printed)["resourceType"] == "Bundle"
    code, _, err = ann.run(
        "export",
        "fhir",
        "--out",
        str(tmp_path / "x.json"),
        "--from",
        "2026-04-01",
        "--to",
        "2026-03-01",
    )
    assert code == 2 and "comes after" in err
    assert not (tmp_path / "x.json").exists()
    code, _, err = ann.run("export", "fhir", "--out", str(tmp_path / "x.json"), "--from", "May")
    assert code == 2 and "--from" in err
    code, _, err = ann.run("export", "fhir", "--out", "-", "--person", "Nobody")
    assert code == 3
    assert ann.snapshot() == before  # an export changes nothing
