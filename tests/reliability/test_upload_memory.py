"""Memory of the running server under hostile uploads (issue 10).

A 2 MB zip of 127 members of 16 MiB of zeros (each under the zip-bomb floor) once added about
2 GB to the server per upload, and three at once peaked at 10.5 GB. Three such uploads at once
must now keep the server's peak resident memory under 300 MB above its idle size, answer each
upload with its per-member outcome, and store nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from walkrx.storage import Database
from zip_builders import zip_of_copies

from .conftest import Server, make_walker

BUDGET_MB = 300
UPLOADS = 3


def _kib(pid: int, field: str) -> int:
    """A memory figure of a process from /proc (VmRSS: now; VmHWM: its peak so far), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_three_zip_bombs_at_once_stay_within_the_memory_budget(
    served: tuple[Server, Database], tmp_path: Path
) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read the server's memory")
    server, db = served
    walker = make_walker(db, "zip@example.org")
    bomb = tmp_path / "zeros.zip"
    names = [f"walk-{i:03d}{('.gpx', '.tcx', '.fit', '.bin')[i % 4]}" for i in range(127)]
    zip_of_copies(bomb, names, b"\0" * (16 << 20))
    content = bomb.read_bytes()
    assert len(content) < 3 << 20
    pid = server.process.pid
    with httpx.Client(base_url=server.url, headers=walker.headers, timeout=120) as client:
        assert client.get(f"/api/v1/people/{walker.person_id}/today").status_code == 200
    idle_kib = _kib(pid, "VmRSS")

    answers: list[httpx.Response] = []

    def upload(k: int) -> None:
        with httpx.Client(base_url=server.url, headers=walker.headers, timeout=300) as client:
            answers.append(
                client.post(
                    f"/api/v1/people/{walker.person_id}/imports",
                    files={"files": (f"zeros-{k}.zip", content, "application/zip")},
                )
            )

    senders = [threading.Thread(target=upload, args=(k,)) for k in range(UPLOADS)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=300)
    peak_kib = _kib(pid, "VmHWM")
    assert len(answers) == UPLOADS
    for response in answers:
        assert response.status_code == 200, response.text
        [outcome] = response.json()["files"]
        assert outcome["stored"] == []
        assert len(outcome["failed"]) + len(outcome["skipped"]) == 127
    grown_mb = (peak_kib - idle_kib) / 1024
    print(f"server peak {grown_mb:.0f} MB over idle")
    assert grown_mb < BUDGET_MB, f"the server's peak grew {grown_mb:.0f} MB over idle"
