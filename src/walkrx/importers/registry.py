"""The registry: every file format walkrx reads, in the order sniffing tries them.

`importer_for` picks by content first (`sniff` on the file's first bytes) and falls back on the
file name's extension, so a FIT file named `walk.dat` and a GPX file named `walk.xml` are both
recognised. The archive reader uses this registry for each member; the package adds the archive
itself last (`walkrx.importers.IMPORTERS`), so a file outside an archive can be an archive.

The order is written here, not left to the order modules happen to be imported in.
"""

from __future__ import annotations

from collections.abc import Sequence

from walkrx.errors import ImportFileError
from walkrx.importers.apple import APPLE
from walkrx.importers.base import Importer, extensions_of
from walkrx.importers.fit import FIT
from walkrx.importers.gpx import GPX
from walkrx.importers.tcx import TCX

# The first sniffer that claims a file wins. Each looks for what only its format has, so the order
# matters only where two marks could both be found in a file's first bytes:
# - FIT first: a binary header with '.FIT' at a fixed place, cheap and certain.
# - Apple Health next: it claims one kind of zip (export.zip), and the archive reader, tried after
#   every format, claims any other zip or gzip; its export.xml is XML like TCX and GPX.
# - TCX before GPX: the XML formats are told apart by their root element, and `<gpx` is the
#   shortest and loosest mark (it is also the start of `<gpxtpx:...>` extension elements), so it
#   is looked for last.
# The extension fallback follows the same order; the formats' extensions do not overlap.
FORMATS: tuple[Importer, ...] = (FIT, APPLE, TCX, GPX)


def importer_for(head: bytes, name: str, importers: Sequence[Importer] = FORMATS) -> Importer:
    """The importer for a file: by content first, then by the extension of `name`."""
    for importer in importers:
        if importer.sniff(head, name):
            return importer
    lowered = name.lower()
    for importer in importers:
        if any(lowered.endswith(ext) for ext in extensions_of(importer)):
            return importer
    supported = ", ".join(i.format.upper() for i in importers) or "none registered"
    raise ImportFileError(
        name,
        f"not a recognised activity file (formats walkrx reads: {supported}); "
        "export the walk from your watch or app in one of these formats",
    )


def by_format(format_name: str) -> Importer:
    """The registered importer of one format ('fit', 'apple', 'tcx', 'gpx')."""
    for importer in FORMATS:
        if importer.format == format_name:
            return importer
    raise KeyError(format_name)
