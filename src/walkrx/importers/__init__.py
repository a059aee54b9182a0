"""Device-file importers: one module per format, found through one registry (see `base`).

Importing this package registers every format module listed here; `read_file` sniffs and
dispatches. Each format module registers itself when imported; the first registered sniffer that
claims a file wins.
"""

from walkrx.importers import apple, archive, fit, gpx, tcx  # noqa: F401  (each registers itself)
from walkrx.importers.base import Importer, importer_for, read_file, register, registered_formats

__all__ = ["Importer", "importer_for", "read_file", "register", "registered_formats"]
