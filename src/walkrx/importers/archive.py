"""Archives of activity files: a `.gz` of one file, or a `.zip` of many (a watch's bulk export).

`iter_members` yields (member name, bytes) for every file worth handing to the registry and records
what it skipped and why. Guards: a cap on each member's and on the total uncompressed size, counted
while reading (the sizes a zip header claims are not trusted); a member that expands more than
`max_ratio` times beyond `ratio_floor_bytes` is a zip bomb and stops the whole archive; names that
climb out of the archive (`../`, absolute paths) are skipped; archives inside the archive are opened
one level deep, no deeper. An Apple Health `export.zip` is not a bulk archive: it goes to `apple`.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError
from walkrx.importers.base import importer_for, register

FORMAT = "archive"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
APPLE_EXPORT_DIR = "apple_health_export/"


@dataclass(frozen=True)
class ArchiveLimits:
    """Sizes an archive may expand to; the defaults fit a watch's bulk export with room to spare."""

    max_member_bytes: int = 512 << 20
    max_total_bytes: int = 2 << 30
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 16 << 20  # small members may compress very well (a run of zeros)
    max_members: int = 100_000


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class SkippedMember:
    name: str
    reason: str


@dataclass
class ArchiveResult:
    """What reading an archive gave: activities, members skipped, and members that failed."""

    activities: list[Activity] = field(default_factory=list)
    skipped: list[SkippedMember] = field(default_factory=list)
    failed: list[ImportFileError] = field(default_factory=list)


def is_zip(head: bytes) -> bool:
    return head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC))


def is_gzip(head: bytes) -> bool:
    return head.startswith(_GZIP_MAGIC)


def looks_like_apple_export(head: bytes) -> bool:
    """An Apple Health export.zip: its first member name starts with apple_health_export/."""
    return head.startswith(_ZIP_MAGIC) and APPLE_EXPORT_DIR.encode() in head[30:400]


def apple_export_member(names: list[str]) -> str | None:
    """The export.xml member of an Apple Health zip, if `names` are one's."""
    for member in names:
        if member == APPLE_EXPORT_DIR + "export.xml" or member.endswith(
            "/" + APPLE_EXPORT_DIR + "export.xml"
        ):
            return member
    return None


class SizeGuard:
    """Counts uncompressed bytes as they are read and stops at the limits."""

    def __init__(self, archive: str, limits: ArchiveLimits) -> None:
        self.archive = archive
        self.limits = limits
        self.total = 0

    def read_member(self, stream: IO[bytes], member: str, compressed: int | None) -> bytes:
        parts: list[bytes] = []
        size = 0
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            self.total += len(chunk)
            self.check(member, size, compressed)
            parts.append(chunk)
        return b"".join(parts)

    def check(
        self, member: str, size: int, compressed: int | None, *, max_member: int | None = None
    ) -> None:
        limits = self.limits
        if (
            compressed is not None
            and size > limits.ratio_floor_bytes
            and size > limits.max_ratio * max(compressed, 1)
        ):
            raise ImportFileError(
                self.archive,
                f"'{member}' expands more than {limits.max_ratio:.0f} times its compressed size:"
                " this looks like a zip bomb and the archive was not read",
                member,
            )
        cap = limits.max_member_bytes if max_member is None else max_member
        if size > cap:
            raise ImportFileError(
                self.archive,
                f"'{member}' is larger than {cap >> 20} MB uncompressed; import it on its own",
                member,
            )
        if self.total > limits.max_total_bytes:
            raise ImportFileError(
                self.archive,
                f"the archive expands to more than {limits.max_total_bytes >> 20} MB; split it",
            )


def _safe_name(member: str) -> bool:
    if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":"):
        return False
    parts = member.replace("\\", "/").split("/")
    return ".." not in parts


_JUNK_PREFIXES = ("__MACOSX/",)
_JUNK_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


def iter_members(
    source: bytes | IO[bytes],
    name: str,
    skipped: list[SkippedMember],
    *,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    depth: int = 0,
    guard: SizeGuard | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield (archive/member, bytes) for each file in a .zip or .gz; append skips to `skipped`."""
    guard = guard or SizeGuard(name, limits)
    stream = _seekable(source)
    head = stream.read(8)
    stream.seek(0)
    if is_gzip(head):
        yield from _gzip_members(
            stream, name=name, skipped=skipped, limits=limits, depth=depth, guard=guard
        )
    elif is_zip(head):
        yield from _zip_members(
            stream, name=name, skipped=skipped, limits=limits, depth=depth, guard=guard
        )
    else:
        raise ImportFileError(name, "not a .zip or .gz archive")


def _gzip_members(
    stream: IO[bytes],
    name: str,
    *,
    skipped: list[SkippedMember],
    limits: ArchiveLimits,
    depth: int,
    guard: SizeGuard,
) -> Iterator[tuple[str, bytes]]:
    inner = name[:-3] if name.lower().endswith(".gz") else name + ".unpacked"
    stream.seek(0, io.SEEK_END)
    compressed = stream.tell()
    stream.seek(0)
    try:
        with gzip.GzipFile(fileobj=stream) as gz:
            data = guard.read_member(gz, inner, compressed)  # type: ignore[arg-type]
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFileError(name, f"the .gz file is damaged or incomplete ({exc})") from exc
    yield from _maybe_nested(
        inner, data=data, skipped=skipped, limits=limits, depth=depth, guard=guard
    )


def _zip_members(
    stream: IO[bytes],
    name: str,
    *,
    skipped: list[SkippedMember],
    limits: ArchiveLimits,
    depth: int,
    guard: SizeGuard,
) -> Iterator[tuple[str, bytes]]:
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(name, f"the .zip file is damaged or incomplete ({exc})") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise ImportFileError(name, f"the archive holds more than {limits.max_members} files")
        for info in infos:
            member = info.filename
            label = f"{name}/{member}"
            if info.is_dir():
                continue
            base = posixpath.basename(member.replace("\\", "/"))
            if not _safe_name(member):
                skipped.append(SkippedMember(label, "unsafe path (leaves the archive)"))
                continue
            if member.startswith(_JUNK_PREFIXES) or base in _JUNK_NAMES or base.startswith("._"):
                skipped.append(SkippedMember(label, "system file"))
                continue
            if info.flag_bits & 0x1:
                skipped.append(SkippedMember(label, "encrypted"))
                continue
            try:
                with zf.open(info) as fh:
                    data = guard.read_member(fh, member, info.compress_size)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                skipped.append(SkippedMember(label, f"damaged ({exc})"))
                continue
            yield from _maybe_nested(
                label, data=data, skipped=skipped, limits=limits, depth=depth, guard=guard
            )


def _maybe_nested(
    label: str,
    *,
    data: bytes,
    skipped: list[SkippedMember],
    limits: ArchiveLimits,
    depth: int,
    guard: SizeGuard,
) -> Iterator[tuple[str, bytes]]:
    head = data[:512]
    if (is_zip(head) or is_gzip(head)) and not looks_like_apple_export(head):
        if depth >= 1:
            skipped.append(SkippedMember(label, "archive nested more than one level deep"))
            return
        yield from iter_members(data, label, skipped, limits=limits, depth=depth + 1, guard=guard)
        return
    yield label, data


def _seekable(source: bytes | IO[bytes]) -> IO[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    if source.seekable():
        return source
    return io.BytesIO(source.read())


def read_archive(
    source: bytes | IO[bytes], name: str, *, limits: ArchiveLimits = DEFAULT_LIMITS
) -> ArchiveResult:
    """Read every activity file in an archive through the registry; report skips and failures.

    A member no importer recognises is skipped; a member that is recognised but damaged is listed in
    `failed` and does not stop the rest. A zip bomb or a size limit stops the whole archive.
    """
    # Imported here, not at the top: apple uses this module's guards, and members need every
    # XML reader registered even when the package __init__ has not imported it.
    from walkrx.importers import apple, gpx, tcx  # noqa: F401, PLC0415

    stream = _seekable(source)
    head = stream.read(512)
    stream.seek(0)
    if is_zip(head):
        try:
            with zipfile.ZipFile(stream) as zf:
                is_apple = apple_export_member(zf.namelist()) is not None
        except zipfile.BadZipFile as exc:
            raise ImportFileError(name, f"the .zip file is damaged or incomplete ({exc})") from exc
        stream.seek(0)
        if is_apple:
            return ArchiveResult(activities=apple.read_apple(stream, name))
    result = ArchiveResult()
    for label, data in iter_members(stream, name, result.skipped, limits=limits):
        try:
            importer = importer_for(data[:4096], label)
        except ImportFileError:
            result.skipped.append(SkippedMember(label, "not an activity file walkrx reads"))
            continue
        if importer.format == FORMAT:
            result.skipped.append(SkippedMember(label, "archive nested more than one level deep"))
            continue
        try:
            result.activities.extend(importer.read(data, label))
        except ImportFileError as exc:
            result.failed.append(exc)
    return result


class ArchiveImporter:
    """The registry's view of archives: every activity inside, or an error when there is none.

    Use `read_archive` directly to also learn which members were skipped or failed.
    """

    format = FORMAT
    extensions = (".zip", ".gz")

    def sniff(self, head: bytes, name: str) -> bool:
        return is_gzip(head) or (is_zip(head) and not looks_like_apple_export(head))

    def read(self, data: bytes | IO[bytes], name: str) -> list[Activity]:
        result = read_archive(data, name)
        if result.activities:
            return result.activities
        if result.failed:
            first = result.failed[0]
            raise ImportFileError(
                name,
                f"no activity could be read; {len(result.failed)} file(s) failed, the first: "
                f"{first.message}",
            )
        listed = ", ".join(s.name for s in result.skipped[:5]) or "the archive is empty"
        raise ImportFileError(name, f"the archive holds no activity file walkrx reads ({listed})")


register(ArchiveImporter())
