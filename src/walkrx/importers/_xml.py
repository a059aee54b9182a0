"""Safe, streaming XML reading shared by the GPX, TCX and Apple Health importers.

Every XML importer reads through `clean_stream` and `safe_iterparse`:

- the document's DOCTYPE block is cut out before the parser sees it, so no DTD is ever loaded and
  no entity is ever defined; a DOCTYPE that declares entities (`<!ENTITY`, the shape of
  billion-laughs and external-entity attacks) is refused outright with an `ImportFileError`;
- characters that XML forbids (C0 controls other than tab, newline and carriage return), which some
  exporters let through, are dropped on the fly;
- lxml runs with resolve_entities=False, no_network=True, load_dtd=False and without huge_tree, as a
  second line of defence;
- UTF-16 documents (rare, small) are re-encoded to UTF-8 first so that the checks above see them.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import IO, Any

from lxml import etree

from walkrx.errors import ImportFileError

# C0 control characters that XML 1.0 forbids. In UTF-8 they never occur inside a multi-byte
# sequence, so deleting them byte by byte is safe.
_INVALID_XML_BYTES = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_CHUNK = 1 << 16
_MAX_PROLOG = 4 << 20  # an XML declaration, comments and a DOCTYPE; Apple's DTD is about 10 kB
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ENCODING_DECL = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")

XmlSource = bytes | IO[bytes]


class CleanStream(io.RawIOBase):
    """A read-only byte stream over an XML document with its DOCTYPE removed and bad bytes dropped.

    `root_hint` (for example b"<HealthData") lets a reader cut a malformed DOCTYPE (some iOS
    versions write an invalid internal subset) by searching for the root element instead of
    parsing the subset.
    `check` is called with the number of bytes read so far, so an archive's size guard can stop a
    member that expands more than its header claimed.
    """

    def __init__(
        self,
        source: XmlSource,
        name: str,
        *,
        root_hint: bytes | None = None,
        check: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self._src: IO[bytes] = (
            io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        )
        self._name = name
        self._root_hint = root_hint
        self._check = check
        self._read_total = 0
        self._pending = b""
        self._started = False
        self._eof = False
        self.dropped_chars = 0
        self.doctype_removed = False

    def readable(self) -> bool:
        return True

    def _raw(self, n: int) -> bytes:
        chunk = self._src.read(n)
        self._read_total += len(chunk)
        if self._check is not None:
            self._check(self._read_total)
        return chunk

    def _clean(self, chunk: bytes) -> bytes:
        cleaned = chunk.translate(None, _INVALID_XML_BYTES)
        self.dropped_chars += len(chunk) - len(cleaned)
        return cleaned

    def _start(self) -> None:
        self._started = True
        buf = self._raw(_CHUNK)
        if not buf.strip():
            raise ImportFileError(self._name, "the file is empty")
        if buf.startswith(_UTF16_BOMS) or buf[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
            buf = _utf16_to_utf8(buf + self._read_rest(), self._name)
        while True:
            result = _strip_prolog(buf, self._name, self._root_hint)
            if result is not None:
                buf, self.doctype_removed = result
                break
            more = self._raw(_CHUNK)
            if not more or len(buf) > _MAX_PROLOG:
                # No root element found: let the parser report what is wrong with the text.
                break
            buf += more
        self._pending = self._clean(buf)

    def _read_rest(self) -> bytes:
        parts = []
        while chunk := self._raw(_CHUNK):
            parts.append(chunk)
        return b"".join(parts)

    def read(self, size: int = -1) -> bytes:
        if not self._started:
            self._start()
        if self._pending:
            if size < 0 or size >= len(self._pending):
                out, self._pending = self._pending, b""
            else:
                out, self._pending = self._pending[:size], self._pending[size:]
            return out
        if self._eof:
            return b""
        chunk = self._raw(size if size > 0 else _CHUNK)
        if not chunk:
            self._eof = True
            return b""
        return self._clean(chunk)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _utf16_to_utf8(data: bytes, name: str) -> bytes:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ImportFileError(name, "the file looks like UTF-16 text but does not decode") from exc
    out = text.encode("utf-8")
    return _ENCODING_DECL.sub(rb'\1"UTF-8"', out, count=1)


def _strip_prolog(buf: bytes, name: str, root_hint: bytes | None) -> tuple[bytes, bool] | None:
    """Cut the DOCTYPE out of the prolog; None when `buf` does not yet reach the root element."""
    pos = 3 if buf.startswith(b"\xef\xbb\xbf") else 0
    n = len(buf)
    while True:
        while pos < n and buf[pos] in b" \t\r\n":
            pos += 1
        if pos >= n:
            return None
        if buf.startswith(b"<?", pos):
            end = buf.find(b"?>", pos)
            if end < 0:
                return None
            pos = end + 2
        elif buf.startswith(b"<!--", pos):
            end = buf.find(b"-->", pos)
            if end < 0:
                return None
            pos = end + 3
        elif buf.startswith(b"<!DOCTYPE", pos):
            doctype_end = _doctype_end(buf, pos, root_hint)
            if doctype_end is None:
                return None
            block = buf[pos:doctype_end]
            if b"<!ENTITY" in block:
                raise ImportFileError(
                    name,
                    "the file declares XML entities (<!ENTITY> in its DOCTYPE); activity files"
                    " never need them, and they are refused because they are the shape of"
                    " entity-expansion ('billion laughs') and external-entity attacks",
                    "DOCTYPE",
                )
            return buf[:pos] + buf[doctype_end:], True
        else:
            return buf, False


def _doctype_end(buf: bytes, start: int, root_hint: bytes | None) -> int | None:
    if root_hint is not None:
        found = buf.find(root_hint, start)
        return found if found >= 0 else None
    depth = 0
    quote = 0
    i = start + len(b"<!DOCTYPE")
    n = len(buf)
    while i < n:
        c = buf[i]
        if quote:
            if c == quote:
                quote = 0
        elif buf.startswith(b"<!--", i):
            end = buf.find(b"-->", i)
            if end < 0:
                return None
            i = end + 3
            continue
        elif c in b"\"'":
            quote = c
        elif c == 0x5B:  # [
            depth += 1
        elif c == 0x5D:  # ]
            depth -= 1
        elif c == 0x3E and depth <= 0:  # >
            return i + 1
        i += 1
    return None


def safe_iterparse(
    stream: IO[bytes] | CleanStream,
    events: tuple[str, ...],
    tags: list[str] | None = None,
) -> Any:
    """lxml iterparse with entity resolution, network access and DTD loading all off."""
    return etree.iterparse(
        stream,
        events=events,
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        # Whitespace between elements is layout, never data; not building nodes for it saves a
        # tenth of the parse (libxml2 keeps a blank that is an element's whole content).
        remove_blank_text=True,
    )


def parse_events(events: Iterator[tuple[str, Any]], name: str) -> Iterator[tuple[str, Any]]:
    """Pass iterparse events through, turning parser failures into ImportFileError."""
    try:
        yield from events
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        msg = str(getattr(exc, "msg", exc)) or "not well-formed XML"
        raise ImportFileError(
            name,
            f"the XML is damaged or incomplete ({msg}); export the file again from the device"
            " or app",
            f"line {line}" if line else None,
        ) from exc


def xml_head(head: bytes) -> bytes | None:
    """The first bytes of an XML text without BOM and leading blanks; None when not XML text."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return text if text.startswith(b"<") else None


def split_tag(tag: str) -> tuple[str, str]:
    """'{ns}local' -> ('ns', 'local'); 'local' -> ('', 'local')."""
    if tag[:1] == "{":
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def memo(fn: Callable[[str], int]) -> Callable[[str], int]:
    """A per-tag-string cache: tag classification is the hot path of every reader."""
    cache: dict[str, int] = {}

    def lookup(tag: str) -> int:
        kind = cache.get(tag)
        if kind is None:
            kind = cache[tag] = fn(tag)
        return kind

    return lookup


def parse_time(text: str | None) -> tuple[float, int | None] | None:
    """An ISO 8601 instant -> (POSIX seconds, stated UTC offset in seconds or None).

    'Z' and a zero offset both give None: a writer that states UTC says nothing about local time.
    A time without any offset is taken as UTC (GPX and TCX define their times as UTC).

    This runs once per sample, so it is kept lean: Python's C ISO parser, and the offset of each
    distinct time zone object worked out once (measured: 0.4 us a call, against 1.3 us for a
    hand-written per-day parser).
    """
    if not text:
        return None
    try:
        dt = _FROM_ISO(text)
    except ValueError:
        try:
            dt = _FROM_ISO(text.strip())
        except ValueError:
            return None
    tz = dt.tzinfo
    if tz is None:
        return dt.replace(tzinfo=UTC).timestamp(), None
    return dt.timestamp(), _offset_seconds(tz)


_FROM_ISO = datetime.fromisoformat


@functools.lru_cache(maxsize=256)
def _offset_seconds(tz: tzinfo) -> int | None:
    """A fixed-offset zone's offset in seconds; None for UTC (it says nothing of local time)."""
    off = tz.utcoffset(None)
    return (int(off.total_seconds()) or None) if off is not None else None


def to_float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def valid_hr(value: float | None) -> float | None:
    """Heart rate in bpm when plausible (devices write 0 or 255 for 'no reading')."""
    if value is None or not 20 <= value <= 250:
        return None
    return value


_SPORT_WORDS: tuple[tuple[str, str], ...] = (
    ("treadmill", "treadmill"),
    ("walk", "walking"),
    ("hik", "hiking"),
    ("trek", "hiking"),
    ("run", "running"),
    ("jog", "running"),
    ("cycl", "cycling"),
    ("bik", "cycling"),
    ("ride", "cycling"),
    ("swim", "swimming"),
)
# Strava's numeric activity types in older GPX exports.
_STRAVA_NUMERIC = {"1": "cycling", "4": "hiking", "9": "running", "10": "walking"}


def normalise_sport(raw: str | None) -> str:
    """A file's sport word -> walkrx's sport: '' or None gives 'unknown', unrecognised 'other'."""
    if raw is None or not raw.strip():
        return "unknown"
    word = raw.strip().lower()
    if word in _STRAVA_NUMERIC:
        return _STRAVA_NUMERIC[word]
    found = [sport for key, sport in _SPORT_WORDS if key in word]
    if found and found[0] == "treadmill":
        found = found[1:]
        if found and found[0] == "walking":
            return "treadmill_walking"
    return found[0] if found else "other"
