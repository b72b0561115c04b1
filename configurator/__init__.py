"""Custom-jewelry design configurator: design documents, geometry, sizes, pricing and export.

Units are millimetres everywhere; the finger axis of a ring is Y and its head points up +Z.
"""

import os
from pathlib import Path

__version__ = "0.1.0"


def data_file(name: str, default: Path) -> Path:
    """A file of the store's own data (the embedded database, the store's price table): `name` in
    CONFIGURATOR_DATA_DIR when it is set (the tests' own folder: they never write the checkout's data/), else
    `default` (in `<repo>/data`)."""
    folder = os.environ.get("CONFIGURATOR_DATA_DIR", "").strip()
    return Path(folder) / name if folder else default
