"""Resolving database URLs, making engines and opening databases, without any server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy import inspect, text

from walkrx.errors import InvalidInputError
from walkrx.storage import Database, default_database_url, make_engine, resolve_url

SRC = Path(__file__).resolve().parents[2] / "src"


def test_default_url_is_a_file_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default database is walkrx.db in the platform's data folder, which gets created."""
    folder = tmp_path / "data" / "walkrx"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda _app: str(folder))
    assert default_database_url() == f"sqlite:///{folder / 'walkrx.db'}"
    assert folder.is_dir()


def test_none_uses_the_environment_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No value: $WALKRX_DATABASE_URL when set (and not blank), else the default file."""
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda _app: str(tmp_path))
    monkeypatch.setenv("WALKRX_DATABASE_URL", "postgresql://u:p@db.example/walkrx")
    assert resolve_url(None) == "postgresql+psycopg://u:p@db.example/walkrx"
    monkeypatch.setenv("WALKRX_DATABASE_URL", "  ")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'walkrx.db'}"
    monkeypatch.delenv("WALKRX_DATABASE_URL")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'walkrx.db'}"


def test_a_bare_path_becomes_an_absolute_sqlite_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative path is made absolute, so the database does not move with the working folder."""
    monkeypatch.chdir(tmp_path)
    assert resolve_url("diary.db") == f"sqlite:///{tmp_path / 'diary.db'}"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url(":memory:") == "sqlite://"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://ann:s3cret@db:5433/walkrx",
            "postgresql+psycopg://ann:s3cret@db:5433/walkrx",
        ),
        ("postgres://ann@db/walkrx", "postgresql+psycopg://ann@db/walkrx"),
        ("postgresql+psycopg://ann@db/walkrx", "postgresql+psycopg://ann@db/walkrx"),
        ("sqlite:////var/lib/walkrx.db", "sqlite:////var/lib/walkrx.db"),
    ],
)
def test_urls_get_the_psycopg3_driver(given: str, expected: str) -> None:
    """PostgreSQL URLs without a driver get psycopg 3; other URLs are kept, password included."""
    assert resolve_url(given) == expected


def test_an_unreadable_url_says_what_to_write() -> None:
    """A malformed URL is an input error whose message shows the expected form."""
    with pytest.raises(InvalidInputError, match="postgresql://user:password@host/dbname"):
        resolve_url("postgresql://ann@db:notaport/walkrx")


def test_importing_storage_reads_no_environment_and_touches_no_files(tmp_path: Path) -> None:
    """Importing walkrx.storage connects to nothing and creates no database or folder."""
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "WALKRX_DATABASE_URL": "postgresql://nobody@203.0.113.1:1/none",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "HOME": str(tmp_path / "home"),
    }
    code = "import walkrx.storage, walkrx.storage.uow, walkrx.storage.rows; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sqlite_engines_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    """Every SQLite connection has foreign keys on (off by default in SQLite) and WAL journaling."""
    engine = make_engine(resolve_url(str(tmp_path / "w.db")))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_open_without_migrating_leaves_the_database_empty(empty_database_url: str) -> None:
    """`migrate=False` creates no tables; the default migrates to head."""
    with Database.open(empty_database_url, migrate=False) as bare:
        assert inspect(bare.engine).get_table_names() == []
    with Database.open(empty_database_url) as migrated:
        assert "walks" in inspect(migrated.engine).get_table_names()
