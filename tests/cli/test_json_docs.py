"""docs/json.md names every key `walkrx analyze --json` and `walkrx import --json` print."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from walkrx.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
FIT_WALK = ROOT / "tests" / "data" / "fit" / "fitparse__garmin-fenix-5-walk.fit"


def _section(title: str) -> str:
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start : end if end >= 0 else None]


def _documented(section: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", section))


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_every_analyze_key_is_documented() -> None:
    """Each key of a real walk's analysis (nested ones too) is named in the analyze section."""
    result = CliRunner().invoke(app, ["analyze", str(FIT_WALK), "--json", "--age", "50"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["walks"], "the Fenix walk should give a walk"
    missing = _keys(printed) - _documented(_section("## `walkrx analyze FILE... --json`"))
    assert not missing, f"keys printed but not documented in docs/json.md: {sorted(missing)}"


def test_every_import_outcome_key_is_documented(tmp_path: Path) -> None:
    """Each key of an import outcome is named in the import section."""
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'walkrx.db'}"
    env = {"WALKRX_DATABASE_URL": db}
    init = runner.invoke(
        app,
        ["init", "--name", "Ann", "--start", "2017-06-05", "--age", "50", "--timezone", "UTC"],
        env=env,
    )
    assert init.exit_code == 0, init.output
    result = runner.invoke(app, ["import", str(FIT_WALK), "--json"], env=env)
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)["files"][0]
    assert outcome["stored"], outcome
    missing = set(outcome) - _documented(_section("## `walkrx import FILE... --json`"))
    assert not missing, f"outcome keys not documented in docs/json.md: {sorted(missing)}"
