"""Shared fixtures: a PostgreSQL server per session, and a fresh database per test on each engine.

`database` and `empty_database_url` are parametrised over `sqlite` (a temp file) and `postgresql`
(a new database on the session's server, dropped afterwards; `database` copies a template migrated
once per session), so every storage test runs on both.

The server is the one in $WALKRX_TEST_POSTGRES_URL, or a throwaway cluster that
scripts/postgres.sh starts (installing PostgreSQL with apt-get if it must) and stops at the end.
If none can be had the postgresql cases are skipped with the reason, unless
WALKRX_REQUIRE_POSTGRES=1 (as in CI), which makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from walkrx.storage import Database, resolve_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCRIPT = ROOT / "scripts" / "postgres.sh"
START_TIMEOUT_S = 600  # installing PostgreSQL with apt-get can take minutes


def _require_postgres() -> bool:
    return os.environ.get("WALKRX_REQUIRE_POSTGRES", "").strip() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if _require_postgres():
        pytest.fail(f"PostgreSQL is required (WALKRX_REQUIRE_POSTGRES) but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}; set WALKRX_TEST_POSTGRES_URL to run these")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server for this test session (an admin database on it)."""
    configured = os.environ.get("WALKRX_TEST_POSTGRES_URL", "").strip()
    if configured:
        url = resolve_url(configured)
        probe = create_engine(url)
        try:
            with probe.connect():
                pass
        except OperationalError as error:
            _unavailable(f"WALKRX_TEST_POSTGRES_URL does not answer: {str(error).splitlines()[0]}")
        finally:
            probe.dispose()
        yield url
        return
    if shutil.which("bash") is None:
        _unavailable("bash is needed to run scripts/postgres.sh")
    # Not pytest's tmp_path: its parent is private to us, and as root the server runs as another
    # user, who must be able to reach the folder.
    folder = tempfile.mkdtemp(prefix="walkrx-pg-")
    try:
        started = subprocess.run(
            ["bash", str(POSTGRES_SCRIPT), "start", folder],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"scripts/postgres.sh did not start a server within {START_TIMEOUT_S} s")
        raise  # unreachable: _unavailable raises
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"scripts/postgres.sh failed: {started.stderr.strip()[-2000:]}")
    url = started.stdout.strip().splitlines()[-1]
    try:
        yield resolve_url(url)
    finally:
        subprocess.run(
            ["bash", str(POSTGRES_SCRIPT), "stop", folder],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _new_postgres_database(server_url: str, template: str | None = None) -> Iterator[str]:
    """Create a database on the server (a copy of `template`, if given); drop it afterwards."""
    name = f"test_{uuid.uuid4().hex}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_url: str) -> Iterator[str]:
    """The name of a database migrated to head once, which each test's database copies."""
    with _new_postgres_database(postgres_url) as url:
        Database.open(url, migrate=True).close()
        database_name = make_url(url).database
        assert database_name is not None
        yield database_name


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Which database engine the test runs on; every test using a database runs on both."""
    name: str = request.param
    return name


@pytest.fixture
def empty_database_url(
    engine_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The URL of an empty database (nothing migrated), on each engine in turn."""
    if engine_name == "sqlite":
        yield resolve_url(str(tmp_path / "walkrx.db"))
        return
    with _new_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def database(
    engine_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A migrated, empty database on each engine in turn (on PostgreSQL, a copy of a template)."""
    if engine_name == "sqlite":
        database = Database.open(resolve_url(str(tmp_path / "walkrx.db")), migrate=True)
        try:
            yield database
        finally:
            database.close()
        return
    server_url: str = request.getfixturevalue("postgres_url")
    template: str = request.getfixturevalue("postgres_template")
    with _new_postgres_database(server_url, template) as url:
        database = Database.open(url, migrate=True)  # already at head: checks, changes nothing
        try:
            yield database
        finally:
            database.close()
