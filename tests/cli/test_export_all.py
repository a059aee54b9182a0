"""`walkrx export all --out FILE.zip` (issue 12): one zip with each part and a README, written
whole or not at all; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from .conftest import Cli


def test_export_all_writes_one_zip_with_each_part(ann: Cli, tmp_path: Path) -> None:
    ann.ok("log", "--date", "2026-03-04", "--minutes", "20", "--notes", "a note of mine")
    out = tmp_path / "ann.zip"
    said = ann.ok("export", "all", "--out", str(out))
    assert said.startswith(f"Wrote {out}: everything walkrx holds about Ann, 1 walk and 0 device")
    assert not out.with_name("ann.zip.part").exists()
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names[0] == "README.txt"
        assert {"fhir-bundle.json", "tables/walks.csv", "account.json", "records.json"} <= set(
            names
        )
        records = json.loads(archive.read("records.json"))
        assert [w["notes"] for w in records["walks"]] == ["a note of mine"]
        assert json.loads(archive.read("account.json"))["account"] is None


def test_export_all_of_nobody_writes_nothing(ann: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.zip"
    code, _, err = ann.run("export", "all", "--out", str(out), "--person", "Nobody")
    assert code == 3 and "no person called 'Nobody'" in err
    assert not out.exists() and not out.with_name("x.zip.part").exists()
