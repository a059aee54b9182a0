"""The CLI starts at once: `walkrx --help` and `walkrx today` load no web app, Alembic or importers.

Each command runs in a fresh interpreter through a small wrapper that calls the CLI's `main` and
then prints every module it imported, so the test sees exactly what one command loads. No timing
is asserted here: `benchmarks/bench_cli_startup.py` measures start-up (docs/performance.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

START = "2026-03-02"  # a Monday
MARKER = "--- modules imported ---"
WRAPPER = f"""
import sys
from walkrx.cli.app import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print({MARKER!r})
print("\\n".join(sorted(sys.modules)))
sys.exit(code)
"""

# What no command but its own should load: the web app, migrations, file readers, calendars.
HEAVY = ("fastapi", "starlette", "uvicorn", "jinja2", "alembic", "lxml", "fitdecode", "icalendar")


def _imported_by(*args: str) -> set[str]:
    """The top-level packages `walkrx ARGS` imports; it must succeed."""
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"walkrx {' '.join(args)} failed: {result.stderr}"
    _, _, modules = result.stdout.partition(MARKER)
    assert modules, "the wrapper printed no module list"
    return {name.split(".")[0] for name in modules.split()}


def test_help_loads_no_database_web_or_importer_packages() -> None:
    imported = _imported_by("--help")
    assert "walkrx" in imported
    assert sorted(imported & {*HEAVY, "sqlalchemy"}) == []


def test_today_on_a_migrated_sqlite_database_loads_no_web_migration_or_importer_packages(
    tmp_path: Path,
) -> None:
    """Opening an existing, up-to-date database must not need Alembic (nor the web or importers)."""
    db = str(tmp_path / "walkrx.db")
    args = ("init", "--db", db, "--name", "X", "--age", "50", "--start", START, "--timezone", "UTC")
    init = subprocess.run(
        [sys.executable, "-m", "walkrx", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    imported = _imported_by("today", "--db", db, "--today", "2026-03-04")
    assert "sqlalchemy" in imported  # the command did reach the database
    assert sorted(imported & set(HEAVY)) == []
