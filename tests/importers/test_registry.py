"""The registry (issue 9): an explicit order that does not depend on import order, and the
process-wide speed-ups of a batch read (the cycle collector paused) only when the caller asks."""

from __future__ import annotations

import gc
import gzip
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from walkrx.domain.activity import Activity
from walkrx.importers import IMPORTERS, importer_for, read_file, registered_formats
from walkrx.importers.archive import read_archive
from walkrx.importers.gpx import GpxImporter
from walkrx.importers.registry import FORMATS

DATA = Path(__file__).resolve().parent.parent / "data"
SRC = Path(__file__).resolve().parents[2] / "src"
GPX = (DATA / "gpx" / "togeojson__run_gpxtpx.gpx").read_bytes()


def test_the_order_is_written_down() -> None:
    """The formats in the registry's order, then archives, whatever was imported first."""
    assert registered_formats() == ("fit", "apple", "tcx", "gpx", "archive")
    assert IMPORTERS[: len(FORMATS)] == FORMATS
    script = (
        "import walkrx.importers.tcx, walkrx.importers.archive, walkrx.importers.gpx\n"
        "from walkrx.importers import registered_formats\n"
        "print(','.join(registered_formats()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert out.stdout.strip() == "fit,apple,tcx,gpx,archive"


def test_an_unknown_file_names_the_formats_in_order() -> None:
    with pytest.raises(Exception, match=r"FIT, APPLE, TCX, GPX, ARCHIVE"):
        importer_for(b"hello", "notes.txt")


def test_the_cycle_collector_is_paused_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """read_file and read_archive leave the collector alone by default (a server's threads share
    it); `fast_batch=True` pauses it during the read and switches it back on after."""
    if not gc.isenabled():
        pytest.skip("the cycle collector is off in this process")
    seen: list[bool] = []
    read = GpxImporter.read

    def spy(self: GpxImporter, data: bytes | IO[bytes], name: str) -> list[Activity]:
        seen.append(gc.isenabled())
        return read(self, data, name)

    monkeypatch.setattr(GpxImporter, "read", spy)
    read_file(GPX, "walk.gpx")
    read_file(GPX, "walk.gpx", fast_batch=True)
    read_archive(gzip.compress(GPX), "walk.gpx.gz")
    read_archive(gzip.compress(GPX), "walk.gpx.gz", fast_batch=True)
    read_file(gzip.compress(GPX), "walk.gpx.gz")
    read_file(gzip.compress(GPX), "walk.gpx.gz", fast_batch=True)
    assert seen == [True, False, True, False, True, False]
    assert gc.isenabled()
