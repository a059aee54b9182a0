"""Device-file importers: one module per format, found through one registry.

Layout (no module imports one above it, and the format modules never import each other; the
import-linter contracts in pyproject.toml hold this):

- leaf modules: `base` (the `Importer` interface, `fast_batch`), `_xml` (safe streaming XML),
  `_points` (the sample point and `build_activity`), `_gpxdoc` (a GPX document's points, used by
  `gpx` and by `apple` for route files), `_zip` (archive size limits and signatures);
- format modules: `fit`, `gpx`, `tcx`, `apple`;
- `registry`: the formats in the order sniffing tries them (`FORMATS`);
- `archive`: .zip and .gz, each member read through the registry;
- this package: `IMPORTERS` (the formats, then archives), `importer_for` and `read_file`.

`read_file(..., fast_batch=True)` is for the command line only: see `base`.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from walkrx.domain.activity import Activity
from walkrx.importers import registry
from walkrx.importers.archive import ARCHIVE
from walkrx.importers.base import SNIFF_BYTES, Importer, batch_switches, read_with, register
from walkrx.importers.registry import FORMATS

__all__ = [
    "IMPORTERS",
    "Importer",
    "importer_for",
    "read_file",
    "register",
    "registered_formats",
]

# Every format first, in the registry's order (see the reasons there), then archives: the archive
# reader claims any zip or gzip, the loosest test, and an Apple Health export.zip is a zip that
# the Apple reader must get first.
IMPORTERS: tuple[Importer, ...] = (*FORMATS, ARCHIVE)


def registered_formats() -> tuple[str, ...]:
    """The formats walkrx can read, in the order sniffing tries them."""
    return tuple(importer.format for importer in IMPORTERS)


def importer_for(head: bytes, name: str) -> Importer:
    """The importer for a file (an archive included): by content first, then by extension."""
    return registry.importer_for(head, name, IMPORTERS)


def read_file(data: bytes | BinaryIO, name: str, *, fast_batch: bool = False) -> list[Activity]:
    """Sniff `data`, pick its importer and read every activity in it.

    `fast_batch=True` (the command line only) pauses the cycle collector for the read and lets
    an Apple Health export's route files be parsed in a worker process; both reach the whole
    process, so a server leaves it off.
    """
    with batch_switches(fast_batch):
        if isinstance(data, bytes | bytearray | memoryview):
            payload = bytes(data)
            importer = importer_for(payload[:SNIFF_BYTES], name)
            return read_with(importer, payload, name, fast_batch=fast_batch)
        stream: BinaryIO = data
        if not stream.seekable():
            stream = io.BytesIO(stream.read())
        start = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(start)
        return read_with(importer_for(head, name), stream, name, fast_batch=fast_batch)
