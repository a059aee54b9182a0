"""Archives: .gz of one file, .zip bulk exports (skips, failures, nesting, unsafe names), zip bombs
generated in the test, the archive's budget (per member and in all, issue 10), memory while a big
archive is read, and Apple Health export.zip routed to the Apple reader."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from walkrx.errors import ImportFileError
from walkrx.importers import importer_for
from walkrx.importers.archive import (
    ArchiveImporter,
    ArchiveLimits,
    SkippedMember,
    iter_members,
    read_archive,
)
from zip_builders import zip_of_copies

DATA = Path(__file__).resolve().parent.parent / "data"
SRC = Path(__file__).resolve().parents[2] / "src"
GPX = (DATA / "gpx" / "togeojson__run_gpxtpx.gpx").read_bytes()
TCX = (DATA / "tcx" / "togeojson__tour_hr.tcx").read_bytes()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_gz_of_a_gpx_reads_through_the_registry() -> None:
    """walk.gpx.gz is sniffed as an archive and its GPX read: 42 samples, 42 HR."""
    data = gzip.compress(GPX)
    importer = importer_for(data[:4096], "walk.gpx.gz")
    assert importer.format == "archive"
    (activity,) = importer.read(data, "walk.gpx.gz")
    assert (activity.source_format, len(activity.t_s), activity.file) == ("gpx", 42, "walk.gpx")


def test_bulk_zip_reads_activities_and_reports_skips_and_failures() -> None:
    """GPX and TCX are read, a text file and macOS junk are skipped, a corrupt GPX is listed."""
    data = _zip(
        {
            "export/a.gpx": GPX,
            "export/b.tcx": TCX,
            "export/readme.txt": b"hello",
            "__MACOSX/export/._a.gpx": b"junk",
            "export/broken.gpx": GPX[:500],
            "export/": b"",
        }
    )
    result = read_archive(data, "bulk.zip")
    assert sorted(a.source_format for a in result.activities) == ["gpx", "tcx"]
    assert {a.file for a in result.activities} == {"bulk.zip/export/a.gpx", "bulk.zip/export/b.tcx"}
    reasons = {s.name: s.reason for s in result.skipped}
    assert reasons["bulk.zip/export/readme.txt"] == "not an activity file walkrx reads"
    assert reasons["bulk.zip/__MACOSX/export/._a.gpx"] == "system file"
    assert [e.file for e in result.failed] == ["bulk.zip/export/broken.gpx"]


def test_traversal_names_are_skipped() -> None:
    """'../' and absolute member names are never used; the rest of the archive is read."""
    data = _zip({"../evil.gpx": GPX, "/abs.gpx": GPX, "ok.gpx": GPX})
    skipped: list[SkippedMember] = []
    names = [name for name, _ in iter_members(data, "x.zip", skipped)]
    assert names == ["x.zip/ok.gpx"]
    assert {s.reason for s in skipped} == {"unsafe path (leaves the archive)"}


def test_nested_archives_one_level_only() -> None:
    """A zip in a zip is opened; a zip in a zip in a zip is skipped with the reason."""
    inner = _zip({"walk.gpx": GPX})
    middle = _zip({"inner.zip": inner, "walk2.gpx.gz": gzip.compress(GPX)})
    outer = _zip({"middle.zip": middle})
    result = read_archive(middle, "m.zip")
    assert len(result.activities) == 2
    deep = read_archive(outer, "o.zip")
    assert deep.activities == []
    assert any("nested more than one level" in s.reason for s in deep.skipped)


def test_zip_bomb_is_refused() -> None:
    """A member of 64 MB of zeros (ratio about 1000) stops the archive with a zip-bomb error."""
    bomb = _zip({"walk.gpx": b"\0" * (64 << 20)})
    assert len(bomb) < 1 << 20
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_archive(bomb, "bomb.zip")


def test_a_member_over_its_cap_fails_alone() -> None:
    """A member over the per-member cap is listed as failed with what to do; the rest is read."""
    limits = ArchiveLimits(max_member_bytes=20_000)
    result = read_archive(_zip({"a.gpx": GPX, "big.tcx": TCX}), "a.zip", limits=limits)
    assert [a.file for a in result.activities] == ["a.zip/a.gpx"]
    (failed,) = result.failed
    assert failed.file == "a.zip/big.tcx"
    assert failed.problem == "it unpacks to more than 20000 bytes; import it on its own"


def test_the_member_cap_is_counted_while_reading() -> None:
    """A .gz states no size: its bytes are counted as the TCX reader pulls them, and the read
    stops at the cap (the error raised inside the XML parser comes out as the member's failure)."""
    limits = ArchiveLimits(max_member_bytes=100_000)
    result = read_archive(gzip.compress(TCX), "walk.tcx.gz", limits=limits)
    assert result.activities == []
    assert [(e.file, e.problem) for e in result.failed] == [
        ("walk.tcx", "it unpacks to more than 100000 bytes; import it on its own")
    ]


BUDGET = "the archive unpacks to more than 200000 bytes; import its files in smaller batches"


def test_a_member_past_the_budget_fails_and_the_others_are_read() -> None:
    """The archive's budget: a member whose size would pass it fails with what to do, and the
    members before and after it that fit are read."""
    limits = ArchiveLimits(max_total_bytes=200_000)
    data = _zip({"1.gpx": GPX, "big.tcx": TCX, "2.gpx": GPX})
    result = read_archive(data, "b.zip", limits=limits)
    assert [a.file for a in result.activities] == ["b.zip/1.gpx", "b.zip/2.gpx"]
    assert [(e.file, e.problem) for e in result.failed] == [("b.zip/big.tcx", BUDGET)]


def test_a_budget_spent_while_reading_fails_every_later_member() -> None:
    """A .gz inside the zip claims only its compressed size; unpacking it spends the budget, so
    it fails, and so does every member after it (without being read), each with the reason."""
    limits = ArchiveLimits(max_total_bytes=200_000)
    data = _zip({"a.gpx": GPX, "b.tcx.gz": gzip.compress(TCX), "c.gpx": GPX})
    result = read_archive(data, "s.zip", limits=limits)
    assert [a.file for a in result.activities] == ["s.zip/a.gpx"]
    assert [(e.file, e.problem) for e in result.failed] == [
        ("s.zip/b.tcx", BUDGET),
        ("s.zip/c.gpx", BUDGET),
    ]


def test_failed_members_keep_no_traceback() -> None:
    """What a failed member leaves in the result is its error's text, not the frames (which would
    hold its bytes and the parser)."""
    result = read_archive(_zip({"broken.gpx": GPX[:500], "bad.tcx": b"\0" * 70_000}), "f.zip")
    assert len(result.failed) == 2
    for error in result.failed:
        assert error.__traceback__ is None
        assert error.__cause__ is None and error.__context__ is None


def test_gzip_bomb_is_refused() -> None:
    """A .gz that expands 1000-fold past the floor is refused the same way, counted while the GPX
    reader pulls it (a .gz states no size): 64 MB of empty comments after a <gpx> tag."""
    bomb = gzip.compress(b"<gpx>" + b"<!-- -->" * (8 << 20))
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_archive(bomb, "bomb.gpx.gz")


def test_members_are_streamed_so_zeros_cost_nothing() -> None:
    """A member is unpacked only as far as its reader goes: 64 MB of zeros named .gpx fails as
    damaged XML after the first chunks, without being unpacked (and a .gz of it is no bomb)."""
    zeros = gzip.compress(b"\0" * (64 << 20))
    result = read_archive(zeros, "zeros.gpx.gz")
    assert [e.file for e in result.failed] == ["zeros.gpx"]
    assert "damaged or incomplete" in result.failed[0].problem


_MEASURE = """
import json, re, sys
from walkrx.importers.archive import read_archive
def hwm_kib():  # this process's own peak (ru_maxrss would include the parent's, kept over exec)
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
before = hwm_kib()
with open(sys.argv[1], "rb") as stream:
    result = read_archive(stream, "upload.zip")
peak_kib = hwm_kib() - before
print(json.dumps({
    "peak_mb": peak_kib / 1024,
    "activities": len(result.activities),
    "skipped": {s.name: s.reason for s in result.skipped},
    "failed": {e.file: e.problem for e in result.failed},
}))
"""


def _measure(path: Path) -> dict[str, Any]:
    """read_archive on `path` in a fresh process: its outcome, and the peak memory the read adds."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_an_archive_of_zeros_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Issue 10: 127 members of 16 MiB of zeros (each just under the zip-bomb floor; 2 MB
    compressed, 2 GB unpacked) add under 150 MB to the reading process (2 GB before: every
    member was read whole and kept alive by its error), and each member is listed with why."""
    path = tmp_path / "zeros.zip"
    names = [f"walk-{i:03d}{('.gpx', '.tcx', '.fit', '.bin')[i % 4]}" for i in range(127)]
    zip_of_copies(path, names, b"\0" * (16 << 20))
    assert path.stat().st_size < 3 << 20
    outcome = _measure(path)
    assert outcome["peak_mb"] < 150
    assert outcome["activities"] == 0
    failed, skipped = outcome["failed"], outcome["skipped"]
    assert len(failed) + len(skipped) == 127
    for name in names:
        label = f"upload.zip/{name}"
        if name.endswith(".bin"):
            assert skipped[label] == "not an activity file walkrx reads"
        elif name.endswith(".fit"):
            assert "FIT header is invalid" in failed[label]
        else:
            assert "the XML is damaged or incomplete" in failed[label]


def test_the_default_budget_stops_an_archive_of_big_members(tmp_path: Path) -> None:
    """127 GPX-looking members of 16 MiB of blanks, each read until the XML parser gives up at
    10 MB: about 1 GiB in, the budget is spent and the remaining members fail with what to do,
    all in bounded memory (the parser's buffers do not pile up from one member to the next)."""
    path = tmp_path / "blanks.zip"
    names = [f"walk-{i:03d}.gpx" for i in range(127)]
    zip_of_copies(path, names, b"<gpx>" + b" " * ((16 << 20) - 5))
    outcome = _measure(path)
    assert outcome["peak_mb"] < 150
    problems = list(outcome["failed"].values())
    assert len(problems) == 127
    budget = "the archive unpacks to more than 1 GB; import its files in smaller batches"
    first_over = problems.index(budget)
    assert 100 <= first_over < 110  # each member costs about 10 MB before the parser stops
    assert problems[first_over:] == [budget] * (127 - first_over)
    assert all("Text node too long" in p for p in problems[:first_over])


def test_apple_export_zip_goes_to_the_apple_reader() -> None:
    """An Apple Health export.zip is not treated as a bulk zip, even when it reaches archive."""
    data = (DATA / "apple" / "hk2sqlite__export.zip").read_bytes()
    assert importer_for(data[:4096], "export.zip").format == "apple"
    assert not ArchiveImporter().sniff(data[:4096], "export.zip")
    result = read_archive(data, "export.zip")
    assert [a.source_format for a in result.activities] == ["apple"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 this is not really a zip", "damaged or incomplete"),
        (gzip.compress(GPX)[:40], "damaged or incomplete"),
        (_zip({"readme.txt": b"hi"}), "holds no activity file"),
        (_zip({"broken.gpx": GPX[:300]}), "no activity could be read"),
    ],
    ids=["corrupt-zip", "truncated-gz", "nothing-to-read", "all-members-fail"],
)
def test_bad_archives_give_a_clear_import_error(data: bytes, message: str) -> None:
    """Corrupt or useless archives raise ImportFileError through the registry's read."""
    with pytest.raises(ImportFileError, match=message):
        ArchiveImporter().read(data, "upload.zip")
