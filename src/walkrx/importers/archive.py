"""Archives of activity files: a `.gz` of one file, or a `.zip` of many (a watch's bulk export).

`read_archive` hands each member to the registry (`registry.importer_for`) and reports per member:
the activities read, the members skipped and why, the members that failed and why. This module
depends on the registry, never on a format module; the package tries it after every format.

Budget (`_zip.ArchiveLimits`): an archive may unpack to 1 GiB in all and any member to 256 MiB,
counted as the bytes are unpacked. A member over its cap fails alone ("import it on its own");
once the archive's budget is spent, the member being read and every member after it fail with
"the archive unpacks to more than 1 GB; import its files in smaller batches", while the members
read before keep their activities. A member that expands more than 200 times past 16 MiB is a zip
bomb and stops the whole archive.

Memory: one member at a time, streamed from the archive into its importer (`iter_members`), so a
member is never held whole and a run of zeros that decodes to nothing costs a few kB; an archive
inside the archive is spooled to a temporary file past 8 MiB. A failed member's error is kept as
a fresh `ImportFileError` (file, problem, where), without the traceback that would keep the
member's bytes and the importer's state alive.

Other guards: names that climb out of the archive (`../`, absolute paths) are skipped; archives
inside the archive are opened one level deep, no deeper. An Apple Health `export.zip` is not a bulk
archive: it goes to the Apple reader whole.
"""

from __future__ import annotations

import gc
import gzip
import io
import posixpath
import traceback
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, BinaryIO, cast

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError
from walkrx.importers._zip import (
    DEFAULT_LIMITS,
    ArchiveLimitError,
    ArchiveLimits,
    Scope,
    SizeGuard,
    apple_export_member,
    is_gzip,
    is_zip,
    looks_like_apple_export,
    spool,
)
from walkrx.importers.base import SNIFF_BYTES, batch_switches, read_with
from walkrx.importers.registry import by_format, importer_for

__all__ = [
    "ARCHIVE",
    "DEFAULT_LIMITS",
    "ArchiveImporter",
    "ArchiveLimits",
    "ArchiveResult",
    "SkippedMember",
    "is_gzip",
    "is_zip",
    "iter_members",
    "read_archive",
]

FORMAT = "archive"
# A failed member that unpacked this much may leave big parser buffers in a reference cycle.
_COLLECT_AFTER_BYTES = 8 << 20
# What a damaged member raises while it is unpacked.
_DAMAGE = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError)


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
    failed: list[ImportFileError] | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    depth: int = 0,
    guard: SizeGuard | None = None,
) -> Iterator[tuple[str, BinaryIO]]:
    """Each file in a .zip or .gz as (archive/member, stream), one at a time.

    A stream unpacks as it is read, counted against the limits, and is closed when the next
    member is asked for: read it before then. Skips go to `skipped`. A member that passes a size
    limit goes to `failed` (without `failed`, its error ends the iteration); a zip bomb always
    ends it.
    """
    guard = guard or SizeGuard(name, limits)
    stream = _seekable(source)
    head = stream.read(8)
    stream.seek(0)
    if is_gzip(head):
        yield from _gzip_members(
            stream, name, skipped=skipped, failed=failed, depth=depth, guard=guard
        )
    elif is_zip(head):
        yield from _zip_members(
            stream, name, skipped=skipped, failed=failed, depth=depth, guard=guard
        )
    else:
        raise ImportFileError(name, "not a .zip or .gz archive")


def _gzip_members(
    stream: IO[bytes],
    name: str,
    *,
    skipped: list[SkippedMember],
    failed: list[ImportFileError] | None,
    depth: int,
    guard: SizeGuard,
) -> Iterator[tuple[str, BinaryIO]]:
    inner = name[:-3] if name.lower().endswith(".gz") else name + ".unpacked"
    stream.seek(0, io.SEEK_END)
    compressed = stream.tell()
    stream.seek(0)
    with gzip.GzipFile(fileobj=stream, mode="rb") as gz:
        guarded = guard.stream(gz, inner, compressed)  # type: ignore[arg-type]
        try:
            head = guarded.read(SNIFF_BYTES)
        except ArchiveLimitError as exc:
            _limit_failure(exc.scope, inner, guard, failed)
            return
        except _DAMAGE as exc:
            raise ImportFileError(name, f"the .gz file is damaged or incomplete ({exc})") from exc
        yield from _member(
            inner, guarded, head, skipped=skipped, failed=failed, depth=depth, guard=guard
        )


def _zip_members(
    stream: IO[bytes],
    name: str,
    *,
    skipped: list[SkippedMember],
    failed: list[ImportFileError] | None,
    depth: int,
    guard: SizeGuard,
) -> Iterator[tuple[str, BinaryIO]]:
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(name, f"the .zip file is damaged or incomplete ({exc})") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > guard.limits.max_members:
            raise ImportFileError(
                name, f"the archive holds more than {guard.limits.max_members} files"
            )
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
            if guard.spent:  # nothing is unpacked once the budget is gone
                _limit_failure("total", label, guard, failed)
                continue
            try:
                guard.claim(member, info.file_size, info.compress_size)
            except ArchiveLimitError as exc:
                _limit_failure(exc.scope, label, guard, failed)
                continue
            try:
                fh = zf.open(info)
            except _DAMAGE as exc:
                skipped.append(SkippedMember(label, f"damaged ({exc})"))
                continue
            with fh:
                guarded = guard.stream(fh, member, info.compress_size)
                try:
                    head = guarded.read(SNIFF_BYTES)
                except ArchiveLimitError as exc:
                    _limit_failure(exc.scope, label, guard, failed)
                    continue
                except _DAMAGE as exc:
                    skipped.append(SkippedMember(label, f"damaged ({exc})"))
                    continue
                yield from _member(
                    label, guarded, head, skipped=skipped, failed=failed, depth=depth, guard=guard
                )


def _member(
    label: str,
    stream: BinaryIO,
    head: bytes,
    *,
    skipped: list[SkippedMember],
    failed: list[ImportFileError] | None,
    depth: int,
    guard: SizeGuard,
) -> Iterator[tuple[str, BinaryIO]]:
    """One member whose first bytes (`head`) were read: yielded rewound, or opened if an archive."""
    stream.seek(0)
    if not (is_zip(head) or is_gzip(head)):
        yield label, stream
        return
    apple = looks_like_apple_export(head)
    if not apple and depth >= 1:
        skipped.append(SkippedMember(label, "archive nested more than one level deep"))
        return
    # Opened by seeking (a zip's directory is at its end): copied out first, within the limits.
    try:
        copy = spool(stream)
    except ArchiveLimitError as exc:
        _limit_failure(exc.scope, label, guard, failed)
        return
    except _DAMAGE as exc:
        skipped.append(SkippedMember(label, f"damaged ({exc})"))
        return
    with copy:
        if apple:  # an Apple Health export.zip in a bulk zip: the Apple reader takes it whole
            yield label, copy
            return
        try:
            yield from iter_members(
                copy, label, skipped, failed=failed, depth=depth + 1, guard=guard
            )
        except ArchiveLimitError:
            raise
        except ImportFileError as exc:
            if failed is None:
                raise
            failed.append(_detached(exc))


def _limit_failure(
    scope: Scope, label: str, guard: SizeGuard, failed: list[ImportFileError] | None
) -> None:
    """Record (or raise) a member that passed a limit; a zip bomb stops the whole archive."""
    if scope == "bomb":
        raise ArchiveLimitError(
            guard.archive,
            f"'{label}' expands more than {guard.limits.max_ratio:.0f} times its compressed size:"
            " this looks like a zip bomb and the archive was not read",
            scope="bomb",
        )
    if scope == "member":
        problem = guard.member_problem(guard.limits.max_member_bytes)
    else:
        problem = guard.budget_problem()
    error = ImportFileError(label, problem)
    if failed is None:
        raise error
    failed.append(error)


def _release(exc: BaseException) -> None:
    """Clear the frames a failed read left in `exc` (and its causes): their locals are the member's
    parser, buffers and stream, which would otherwise wait for the cycle collector."""
    pending: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
        pending += [error.__cause__, error.__context__]


def _detached(exc: ImportFileError) -> ImportFileError:
    """The same error without its traceback, which would keep a failed member's data alive."""
    return ImportFileError(exc.file, exc.problem, exc.where)


def _seekable(source: bytes | IO[bytes]) -> IO[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    if source.seekable():
        return source
    return io.BytesIO(source.read())


def read_archive(
    source: bytes | IO[bytes],
    name: str,
    *,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    fast_batch: bool = False,
) -> ArchiveResult:
    """Read every activity file in an archive through the registry; report skips and failures.

    A member no importer recognises is skipped; a member that is recognised but damaged, or that
    passes the archive's budget, is listed in `failed` and does not stop the rest. A zip bomb
    stops the whole archive. `fast_batch` (the command line only) turns on the process-wide
    speed-ups described in `base`.
    """
    with batch_switches(fast_batch):
        return _read_archive(source, name, limits=limits, fast_batch=fast_batch)


def _read_archive(
    source: bytes | IO[bytes], name: str, *, limits: ArchiveLimits, fast_batch: bool
) -> ArchiveResult:
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
            apple = by_format("apple")
            activities = read_with(apple, cast(BinaryIO, stream), name, fast_batch=fast_batch)
            return ArchiveResult(activities=activities)
    result = ArchiveResult()
    guard = SizeGuard(name, limits)
    members = iter_members(stream, name, result.skipped, failed=result.failed, guard=guard)
    for label, member in members:
        guard.breach = None
        try:
            importer = importer_for(member.read(SNIFF_BYTES), label)
        except ImportFileError:
            result.skipped.append(SkippedMember(label, "not an activity file walkrx reads"))
            continue
        unpacked_before = guard.total
        try:
            member.seek(0)
            activities = read_with(importer, member, label, fast_batch=fast_batch)
        except Exception as exc:
            _member_failed(exc, label, guard, result.failed)
            if guard.total - unpacked_before >= _COLLECT_AFTER_BYTES:
                # lxml's parser, its document and its input buffer form a reference cycle: after a
                # parse that failed deep into a big member it holds up to a 10 MB text node, and
                # in a loop over members the cycle collector may not run for hundreds of MB.
                gc.collect()
            continue
        result.activities.extend(activities)
    return result


def _member_failed(
    exc: Exception, label: str, guard: SizeGuard, failed: list[ImportFileError]
) -> None:
    """Record why a member's read failed, keeping nothing of the member; raise what is no member's
    failure (a zip bomb stops the archive; anything but an import or unpacking error is a bug)."""
    breach, guard.breach = guard.breach, None
    if breach is None and not isinstance(exc, (ImportFileError, *_DAMAGE)):
        raise exc
    _release(exc)
    if breach is not None:
        _limit_failure(breach.scope, label, guard, failed)
    elif isinstance(exc, ImportFileError):
        failed.append(_detached(exc))
    else:
        failed.append(ImportFileError(label, f"the file is damaged inside the archive ({exc})"))


class ArchiveImporter:
    """The registry's view of archives: every activity inside, or an error when there is none.

    Use `read_archive` directly to also learn which members were skipped or failed.
    """

    format = FORMAT
    extensions = (".zip", ".gz")
    accepts_fast_batch = True

    def sniff(self, head: bytes, name: str) -> bool:
        return is_gzip(head) or (is_zip(head) and not looks_like_apple_export(head))

    def read(
        self, data: bytes | IO[bytes], name: str, *, fast_batch: bool = False
    ) -> list[Activity]:
        result = read_archive(data, name, fast_batch=fast_batch)
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


ARCHIVE = ArchiveImporter()
