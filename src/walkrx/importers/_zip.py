"""Size guards for unpacking archives, and the zip and gzip signatures.

Used by `archive` (a bulk .zip or a .gz) and by `apple` (an Apple Health export.zip), which must
not import each other: a leaf module.

`ArchiveLimits` (defaults in brackets) bounds what one archive may cost:

- total [1 GiB]: every byte the archive's members unpack to, counted as it is read. Once it is
  spent, the member being read and every member after it fail with "the archive unpacks to more
  than 1 GB; import its files in smaller batches"; members read before keep their activities.
- per member [256 MiB]: a member that unpacks to more fails alone ("import it on its own").
- ratio [200 times, past 16 MiB]: a member that expands more is a zip bomb and stops the archive.
- members [100 000].

What is counted is what is actually unpacked (`GuardedStream`), so a header that understates a
size gains nothing; a header's claims are used only to refuse early (`SizeGuard.claim`), before a
byte is unpacked. Memory is bounded separately: members are streamed into their importer, never
held whole, and an archive inside the archive is spooled to a temporary file past
`SPOOL_MEMORY_BYTES` (`spool`).
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Literal, cast

from walkrx.errors import ImportFileError

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
APPLE_EXPORT_DIR = "apple_health_export/"
# An archive inside the archive is copied out to be opened; past this it goes to a temporary file.
SPOOL_MEMORY_BYTES = 8 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    """What one archive may unpack to; the defaults fit a watch's bulk export with room to spare.

    `max_total_bytes` is the per-archive budget (a 1 GiB upload of walks is years of them) and
    `max_member_bytes` the cap on any one file (a 10-hour 1 Hz GPX is about 10 MB).
    """

    max_member_bytes: int = 256 << 20
    max_total_bytes: int = 1 << 30
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 16 << 20  # small members may compress very well (a run of zeros)
    max_members: int = 100_000


DEFAULT_LIMITS = ArchiveLimits()

Scope = Literal["member", "total", "bomb"]


class ArchiveLimitError(ImportFileError):
    """A limit of `ArchiveLimits` was passed. `scope` says what fails: the one member ('member'),
    this member and every later one ('total'), or the whole archive ('bomb')."""

    def __init__(self, file: str, problem: str, where: str | None = None, *, scope: Scope) -> None:
        super().__init__(file, problem, where)
        self.scope = scope


@dataclass(frozen=True)
class Breach:
    """The last limit a guard's stream passed, as plain values (no traceback, no frames)."""

    scope: Scope
    problem: str


def size_text(n: int) -> str:
    """A byte limit as people read it: '1 GB', '256 MB', '50000 bytes' (binary multiples)."""
    if n >= 1 << 30 and n % (1 << 30) == 0:
        return f"{n >> 30} GB"
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MB"
    return f"{n} bytes"


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
    """Counts one archive's unpacked bytes (`total`) and stops at the limits.

    `breach` is the last limit one of its streams passed, kept as plain values: an importer may
    turn the error raised inside its read into one of its own, and the archive reader still knows
    that the member failed on a limit.
    """

    def __init__(self, archive: str, limits: ArchiveLimits) -> None:
        self.archive = archive
        self.limits = limits
        self.total = 0
        self.breach: Breach | None = None

    @property
    def spent(self) -> bool:
        """True once the archive has unpacked to more than its total budget."""
        return self.total > self.limits.max_total_bytes

    def budget_problem(self) -> str:
        return (
            f"the archive unpacks to more than {size_text(self.limits.max_total_bytes)};"
            " import its files in smaller batches"
        )

    def member_problem(self, cap: int) -> str:
        return f"it unpacks to more than {size_text(cap)}; import it on its own"

    def check(
        self, member: str, size: int, compressed: int | None, *, max_member: int | None = None
    ) -> None:
        """Raise `ArchiveLimitError` when `member`, at `size` bytes unpacked, passes a limit."""
        self._check(member, size, compressed, max_member, self.total)

    def claim(
        self, member: str, size: int, compressed: int | None, *, max_member: int | None = None
    ) -> None:
        """Refuse a member from what its header claims, before unpacking a byte of it."""
        self._check(member, size, compressed, max_member, self.total + size)

    def _check(
        self, member: str, size: int, compressed: int | None, max_member: int | None, total: int
    ) -> None:
        limits = self.limits
        if (
            compressed is not None
            and size > limits.ratio_floor_bytes
            and size > limits.max_ratio * max(compressed, 1)
        ):
            raise ArchiveLimitError(
                self.archive,
                f"'{member}' expands more than {limits.max_ratio:.0f} times its compressed size:"
                " this looks like a zip bomb and the archive was not read",
                member,
                scope="bomb",
            )
        cap = limits.max_member_bytes if max_member is None else max_member
        if size > cap:
            raise ArchiveLimitError(
                self.archive,
                f"'{member}' is larger than {size_text(cap)} uncompressed; import it on its own",
                member,
                scope="member",
            )
        if total > limits.max_total_bytes:
            raise ArchiveLimitError(self.archive, self.budget_problem(), member, scope="total")

    def stream(self, raw: IO[bytes], member: str, compressed: int | None) -> BinaryIO:
        """`raw` (a member as it unpacks) counted against the limits as it is read."""
        return cast(BinaryIO, GuardedStream(raw, self, member, compressed))


class GuardedStream(io.RawIOBase):
    """A member's bytes as they unpack, each new byte counted against its guard's limits.

    Seekable when the source is (a zip member, a gzip stream): bytes read again after a seek back
    are not counted twice. A limit passed raises `ArchiveLimitError` from `read` and is noted on
    the guard (`SizeGuard.breach`).
    """

    def __init__(
        self, raw: IO[bytes], guard: SizeGuard, member: str, compressed: int | None
    ) -> None:
        super().__init__()
        self._raw = raw
        self._guard = guard
        self._member = member
        self._compressed = compressed
        self._pos = 0
        self._high = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return bool(self._raw.seekable())

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._pos = self._raw.seek(offset, whence)
        self._advance(0)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts: list[bytes] = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        data = self._raw.read(size)
        self._advance(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _advance(self, n: int) -> None:
        self._pos += n
        if self._pos <= self._high:
            return
        guard = self._guard
        guard.total += self._pos - self._high
        self._high = self._pos
        try:
            guard.check(self._member, self._high, self._compressed)
        except ArchiveLimitError as exc:
            guard.breach = Breach(exc.scope, exc.problem)
            raise


def spool(source: IO[bytes]) -> BinaryIO:
    """`source` from its start, copied out: in memory up to SPOOL_MEMORY_BYTES, then on disk.

    For an archive inside the archive (or an Apple export.zip in a bulk zip), which is opened by
    seeking. Pass a `GuardedStream` so the copy stays within the limits. The caller closes it.
    """
    source.seek(0)
    out = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES))  # noqa: SIM115
    try:
        while chunk := source.read(_CHUNK):
            out.write(chunk)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
