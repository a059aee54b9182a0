"""The importer interface, and the one process-wide switch a batch read may turn on.

Every format module (fit, gpx, tcx, apple) provides one object satisfying `Importer`; the
registry (`registry.FORMATS`, and `IMPORTERS` in the package) lists them in the order sniffing
tries them. Importers turn bytes into `Activity` values and nothing else: they never touch the
database, the web layer or the clock, and they raise `ImportFileError`.

An importer may also carry `extensions: tuple[str, ...]` (lower case, with the dot: `(".fit",)`)
for the extension fallback; without it, `"." + format` is assumed. An importer whose read can go
faster with process-wide means (a worker process) sets `accepts_fast_batch = True` and takes
`fast_batch: bool` as a keyword of `read`; `read_with` passes it on.

`fast_batch` is for the command line only, and off by default: it pauses Python's cycle collector
for the whole process (`cyclic_gc_paused`) and lets the Apple reader start a worker process. In a
threaded web server both would reach every other request.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import BinaryIO, Protocol, TypeVar, cast, runtime_checkable

from walkrx.domain.activity import Activity

# How many leading bytes are handed to `sniff`: enough for an XML prolog, comments and the root
# element, or a ZIP's first local header with its member name.
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


class _FastBatchImporter(Protocol):
    def read(
        self, data: bytes | BinaryIO, name: str, *, fast_batch: bool = False
    ) -> list[Activity]: ...


def read_with(
    importer: Importer, data: bytes | BinaryIO, name: str, *, fast_batch: bool = False
) -> list[Activity]:
    """`importer.read(data, name)`, with `fast_batch=True` for an importer that accepts it."""
    if fast_batch and getattr(importer, "accepts_fast_batch", False):
        return cast(_FastBatchImporter, importer).read(data, name, fast_batch=True)
    return importer.read(data, name)


def extensions_of(importer: Importer) -> tuple[str, ...]:
    """The file name endings the extension fallback gives to `importer`."""
    declared = getattr(importer, "extensions", None)
    if declared:
        return tuple(str(ext).lower() for ext in declared)
    return (f".{importer.format}",)


_I = TypeVar("_I")


def register(importer: _I) -> _I:
    """Return `importer` unchanged. Kept for format modules that still call it on import.

    Importing a module no longer registers anything: the registry is the explicit tuple in
    `walkrx.importers.registry` (`FORMATS`), which a new format must be added to.
    """
    return importer


def batch_switches(fast_batch: bool) -> AbstractContextManager[None]:
    """The process-wide speed-ups of a batch read when `fast_batch` is asked for, else nothing."""
    return cyclic_gc_paused() if fast_batch else nullcontext()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a file is read, back to its former state after.

    A reader allocates one small tuple per sample, and each few hundred allocations wake the cycle
    collector, which then walks every sample read so far: about 5 % of a 1 Hz TCX read went there.
    The samples hold no reference cycles, so plain reference counting frees them as before and
    memory stays bounded; the collector runs as usual once the read ends. The switch is process
    wide, which is why only a batch read on the command line asks for it (`fast_batch`): in the
    web server other threads' cyclic garbage would wait for the end of the read.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
