"""The importer interface and the registry that picks an importer for a file.

Every format module (fit, gpx, tcx, apple, archive) provides one object satisfying `Importer` and
calls `register` on import. `importer_for` chooses by content first (`sniff` on the file's first
bytes) and falls back on the file name's extension, so a FIT file named `walk.dat` and a GPX file
named `walk.xml` are both recognised. Importers turn bytes into `Activity` values and nothing else:
they never touch the database, the web layer or the clock, and they raise `ImportFileError`.

An importer may also carry `extensions: tuple[str, ...]` (lower case, with the dot: `(".fit",)`)
for the extension fallback; without it, `"." + format` is assumed.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, Protocol, runtime_checkable

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError

# How many leading bytes `read_file` hands to `sniff`: enough for an XML prolog, comments and the
# root element, or a ZIP's first local header with its member name.
SNIFF_BYTES = 4096


@runtime_checkable
class Importer(Protocol):
    """One file format: recognise it by content, read it into activities."""

    format: str

    def sniff(self, head: bytes, name: str) -> bool:
        """True when `head` (the file's first bytes) looks like this format."""
        ...

    def read(self, data: bytes | BinaryIO, name: str) -> list[Activity]:
        """Every activity in the file, in file order; `ImportFileError` when it cannot be read."""
        ...


_registry: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add `importer` to the registry (replacing one of the same format) and return it."""
    _registry[importer.format] = importer
    return importer


def registered_formats() -> tuple[str, ...]:
    """The formats walkrx can read, in registration order."""
    return tuple(_registry)


def _extensions(importer: Importer) -> tuple[str, ...]:
    declared = getattr(importer, "extensions", None)
    if declared:
        return tuple(str(ext).lower() for ext in declared)
    return (f".{importer.format}",)


def importer_for(head: bytes, name: str) -> Importer:
    """The importer for a file: by content first, then by the extension of `name`."""
    for importer in _registry.values():
        if importer.sniff(head, name):
            return importer
    lowered = name.lower()
    for importer in _registry.values():
        if any(lowered.endswith(ext) for ext in _extensions(importer)):
            return importer
    supported = ", ".join(fmt.upper() for fmt in _registry) or "none registered"
    raise ImportFileError(
        name,
        f"not a recognised activity file (formats walkrx reads: {supported}); "
        "export the walk from your watch or app in one of these formats",
    )


def read_file(data: bytes | BinaryIO, name: str) -> list[Activity]:
    """Sniff `data`, pick its importer and read every activity in it."""
    with cyclic_gc_paused():
        if isinstance(data, bytes | bytearray | memoryview):
            payload = bytes(data)
            return importer_for(payload[:SNIFF_BYTES], name).read(payload, name)
        stream: BinaryIO = data
        if not stream.seekable():
            stream = io.BytesIO(stream.read())
        start = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(start)
        return importer_for(head, name).read(stream, name)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a file is read, back to its former state after.

    A reader allocates one small tuple per sample, and each few hundred allocations wake the cycle
    collector, which then walks every sample read so far: about 5 % of a 1 Hz TCX read went there.
    The samples hold no reference cycles, so plain reference counting frees them as before and
    memory stays bounded; the collector runs as usual once the read ends. The switch is process
    wide: in the web server other threads' cyclic garbage waits for the end of the read (seconds),
    and with overlapping reads it comes back when the read that switched it off ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
