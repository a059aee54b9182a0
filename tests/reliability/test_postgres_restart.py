"""A PostgreSQL restart while the app runs (issue 10): requests fail cleanly while the database is
down (503 with the error shape and Retry-After, never a 500 or a hang) and succeed again once it
is back, without restarting the app.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from walkrx.storage import Database

from .conftest import Server, make_walker, start_server

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres.sh"


def _postgres(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "WALKRX_TEST_POSTGRES_URL"}
    done = subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"postgres.sh {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


@pytest.fixture
def own_cluster() -> Iterator[tuple[str, str]]:
    """A PostgreSQL cluster of this test's own (so stopping it disturbs no other test)."""
    if shutil.which("bash") is None:
        pytest.skip("bash is needed to run scripts/postgres.sh")
    folder = tempfile.mkdtemp(prefix="walkrx-pg-restart-")  # reachable by the postgres user
    try:
        url = _postgres("start", folder)
    except RuntimeError as error:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get("WALKRX_REQUIRE_POSTGRES", "").strip() not in ("", "0", "false", "no"):
            pytest.fail(f"PostgreSQL is required but could not start: {error}")
        pytest.skip(f"PostgreSQL not available: {error}")
    try:
        yield folder, url
    finally:
        _postgres("stop", folder)


def test_requests_fail_cleanly_while_postgres_restarts_and_work_after(
    own_cluster: tuple[str, str], tmp_path: Path
) -> None:
    folder, url = own_cluster
    db = Database.open(url, migrate=True)
    try:
        walker = make_walker(db, "pg@example.org")
    finally:
        db.close()
    server: Server = start_server(url, tmp_path / "server.log")
    base = f"/api/v1/people/{walker.person_id}"
    try:
        with httpx.Client(base_url=server.url, headers=walker.headers, timeout=30) as client:
            assert client.get(f"{base}/today").status_code == 200

            _postgres("down", folder)
            for _ in range(3):
                read = client.get(f"{base}/today")
                write = client.post(f"{base}/walks", json={"minutes": 20})
                for response in (read, write):
                    assert response.status_code == 503, response.text
                    assert response.headers.get("retry-after")
                    error = response.json()["error"]
                    assert error["type"] == "unavailable" and "try again" in error["message"]

            _postgres("up", folder)
            assert client.get(f"{base}/today").status_code == 200
            logged = client.post(f"{base}/walks", json={"minutes": 20})
            assert logged.status_code == 201, logged.text
            assert len(client.get(f"{base}/walks").json()["walks"]) == 1
    finally:
        server.stop()
