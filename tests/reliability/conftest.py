"""A real `walkrx serve` process on 127.0.0.1, on SQLite or PostgreSQL, for the reliability suite.

The server runs as a child process (so a test can kill it with SIGKILL), on a free port of
127.0.0.1 only, against a database the test prepares first with the services: a walker with a
program and a personal API token. Every test here is bounded in time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from walkrx.services import accounts, onboarding, program
from walkrx.storage import Database, UnitOfWork

START_TIMEOUT_S = 30.0
WALKRX = str(Path(sys.executable).with_name("walkrx"))  # the installed command, as people run it


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Walker:
    """A walker account with a program, and a personal API token for the JSON API."""

    email: str
    person_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_walker(db: Database, email: str, start: date | None = None) -> Walker:
    """Sign up, onboard (a program starting a week ago) and create an API token, with services."""
    user = accounts.sign_up(
        UnitOfWork(db), email=email, password="a long test password 1", name=email, role="walker"
    )
    person = program.new_person(
        name=email,
        start=start or datetime.now(UTC).date() - timedelta(days=7),
        age=50,
        timezone="UTC",
    )
    user = onboarding.complete_onboarding(UnitOfWork(db), user.id, person, ())
    assert user.person_id is not None
    created = accounts.create_api_token(UnitOfWork(db), user.id, "reliability")
    return Walker(email, user.person_id, created.token)


@dataclass
class Server:
    """A `walkrx serve` child process; `stop()` ends it, `kill()` sends SIGKILL."""

    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(database_url: str, log: Path) -> Server:
    """Start `walkrx serve` on a free port of 127.0.0.1 and wait until /healthz answers."""
    port = free_port()
    out = log.open("ab")
    process = subprocess.Popen(
        [WALKRX, "serve", "--port", str(port), "--db", database_url],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    server = Server(f"http://127.0.0.1:{port}", database_url, process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"walkrx serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"walkrx serve did not answer within {START_TIMEOUT_S} s")


@pytest.fixture
def served(database: Database, tmp_path: Path) -> Iterator[tuple[Server, Database]]:
    """A real server on this test's database (SQLite file or PostgreSQL), stopped afterwards."""
    url = database.url.render_as_string(hide_password=False)
    server = start_server(url, tmp_path / "server.log")
    try:
        yield server, database
    finally:
        server.stop()
