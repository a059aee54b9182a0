"""Archives: .gz of one file, .zip bulk exports (skips, failures, nesting, unsafe names), zip bombs
generated in the test, and Apple Health export.zip routed to the Apple reader."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from walkrx.errors import ImportFileError
from walkrx.importers.archive import (
    ArchiveImporter,
    ArchiveLimits,
    SkippedMember,
    iter_members,
    read_archive,
)
from walkrx.importers.base import importer_for

DATA = Path(__file__).resolve().parent.parent / "data"
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


def test_size_limits_are_counted_while_reading() -> None:
    """Member and total caps hold even for data that compresses poorly."""
    limits = ArchiveLimits(max_member_bytes=10_000, max_total_bytes=50_000)
    with pytest.raises(ImportFileError, match="larger than"):
        read_archive(_zip({"a.gpx": GPX}), "a.zip", limits=limits)
    many = _zip({f"{i}.tcx": TCX[:9_000] for i in range(10)})
    with pytest.raises(ImportFileError, match="expands to more than"):
        read_archive(many, "many.zip", limits=limits)


def test_gzip_bomb_is_refused() -> None:
    """A .gz that expands 1000-fold past the floor is refused the same way."""
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_archive(gzip.compress(b"\0" * (64 << 20)), "bomb.gpx.gz")


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
