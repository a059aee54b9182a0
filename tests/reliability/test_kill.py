"""`kill -9` in the middle of an import, from the command line and in the server (issue 10).

Each file is one transaction: whatever moment the process dies at, the database holds whole
files (each with its walks) and nothing half-written, and running the same import again stores
every walk exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from walkrx.storage import Database

from .conftest import WALKRX, Server, make_walker, start_server

FILES = 24
KILL_WHEN_STORED = (1, 8, 16)  # kill once this many files are in: early, middle, late


def _gpx(start: datetime, minutes: int = 30) -> str:
    points = "".join(
        f'<trkpt lat="{46.0 + i * 6.25e-5:.7f}" lon="7.0"><time>'
        f"{(start + timedelta(seconds=5 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(minutes * 12 + 1)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>walking</type><trkseg>'
        f"{points}</trkseg></trk></gpx>"
    )


def _files(folder: Path) -> list[Path]:
    """FILES walks, one per file, on separate hours of the last days (no two overlap)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=5)
    out = []
    for k in range(FILES):
        path = folder / f"walk-{k:02d}.gpx"
        path.write_text(_gpx(first + timedelta(hours=3 * k)))
        out.append(path)
    return out


def _consistent(db: Database) -> tuple[int, int]:
    """(files, walks) stored, after checking nothing is half-written."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        orphans = connection.execute(
            text(
                "SELECT count(*) FROM source_files f WHERE NOT EXISTS "
                "(SELECT 1 FROM walks w WHERE w.source_file_id = f.id)"
            )
        ).scalar()
        assert orphans == 0, "a file was stored without its walks"
        files = connection.execute(text("SELECT count(*) FROM source_files")).scalar()
        walks = connection.execute(text("SELECT count(*) FROM walks")).scalar()
        from_files = connection.execute(
            text("SELECT count(*) FROM walks WHERE source_file_id IS NOT NULL")
        ).scalar()
    assert walks == from_files == files, "every walk here comes from its own file, one each"
    return int(files or 0), int(walks or 0)


def _stored_files(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM source_files")).scalar() or 0)


@pytest.mark.parametrize("when", KILL_WHEN_STORED)
def test_cli_import_killed_then_run_again_stores_each_walk_once(
    database: Database, tmp_path: Path, when: int
) -> None:
    walker = make_walker(database, "cli@example.org")
    paths = _files(tmp_path / "files")
    url = database.url.render_as_string(hide_password=False)
    command = [WALKRX, "import", "--db", url, "--person", str(walker.person_id)]
    process = subprocess.Popen(
        [*command, *map(str, paths)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while _stored_files(database) < when and process.poll() is None:
        assert time.monotonic() < deadline, "the import did not get going within 60 s"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    files, _ = _consistent(database)
    assert when <= files < FILES
    again = subprocess.run(
        [*command, *map(str, paths)], capture_output=True, text=True, timeout=300, check=False
    )
    assert again.returncode == 0, again.stderr
    assert _consistent(database) == (FILES, FILES)


def test_server_killed_during_uploads_then_uploaded_again_stores_each_walk_once(
    served: tuple[Server, Database], tmp_path: Path
) -> None:
    server, db = served
    walker = make_walker(db, "web@example.org")
    paths = _files(tmp_path / "files")
    answers: list[int] = []

    def upload(base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for path in paths:
                try:
                    response = client.post(
                        f"/api/v1/people/{walker.person_id}/imports",
                        headers=walker.headers,
                        files={"files": (path.name, path.read_bytes(), "application/gpx+xml")},
                    )
                except httpx.TransportError:
                    return  # the server is gone
                answers.append(response.status_code)

    sender = threading.Thread(target=upload, args=(server.url,))
    sender.start()
    deadline = time.monotonic() + 30
    while len(answers) < FILES // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    sender.join(timeout=60)
    assert all(code < 500 for code in answers)
    files, _ = _consistent(db)
    assert 0 < files < FILES

    again = start_server(server.database_url, tmp_path / "again.log")
    try:
        answers.clear()
        upload(again.url)
        assert answers == [200] * FILES
    finally:
        again.stop()
    assert _consistent(db) == (FILES, FILES)
