"""Shared test helpers: design documents built from a few keyword arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh

from configurator.design import Design
from configurator.documents import parse_design

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
CHECKOUT_DATA = ROOT / "data"

# The embedded database and the store's own price file go to a folder of the test run's, for every process the tests
# start too (they inherit the environment): the tests never write the checkout's data/ (pytest_sessionfinish checks).
_DATA_DIR = __import__("tempfile").mkdtemp(prefix="configurator-tests-data-")
__import__("os").environ["CONFIGURATOR_DATA_DIR"] = _DATA_DIR
__import__("atexit").register(__import__("shutil").rmtree, _DATA_DIR, True)
_CHECKOUT_DATA_BEFORE = {path.name for path in CHECKOUT_DATA.iterdir()} if CHECKOUT_DATA.is_dir() else set()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any test wrote the checkout's data/ (its embedded database or price file)."""
    made = ({path.name for path in CHECKOUT_DATA.iterdir()} if CHECKOUT_DATA.is_dir() else set()) - _CHECKOUT_DATA_BEFORE
    if made:
        print(f"\nthe tests wrote the checkout's data/: {sorted(made)}")
        session.exitstatus = 1


def ring_doc(**ring) -> dict:
    """A minimal ring document; `ring` overrides the band fields."""
    band = {"size": {"system": "US", "value": 7}, "profile": "flat", "width_mm": 4.0, "thickness_mm": 1.8}
    band.update(ring)
    return {"schema_version": 1, "piece": "ring", "metal": "14k-yellow", "ring": band}


def ring_design(**ring) -> Design:
    return parse_design(ring_doc(**ring))


def radial_distances(mesh: trimesh.Trimesh) -> np.ndarray:
    """Distance of every vertex from the finger axis (Y)."""
    return np.hypot(mesh.vertices[:, 0], mesh.vertices[:, 2])


def polygon_factor(segments: int) -> float:
    """Area of a regular n-gon over its circumscribed circle's: the volume ratio of an n-segment revolve."""
    return segments * math.sin(2 * math.pi / segments) / (2 * math.pi)


@pytest.fixture
def tmp_design(tmp_path):
    """Write a design document to a file and return its path."""

    def write(doc, name="design.json"):
        path = tmp_path / name
        path.write_text(doc if isinstance(doc, str) else __import__("json").dumps(doc))
        return path

    return write


# The suite runs on both cores (scripts/test.sh: `-n 2 --dist loadgroup`): each file's tests stay together in one
# worker, in the file's order (a file's server, its database and its counts are its own), but for the files below,
# whose heavy tests stand alone and are better shared between the workers.
SHARED_BETWEEN_WORKERS = {"tests/test_files.py"}


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        module = item.nodeid.split("::")[0]
        if module not in SHARED_BETWEEN_WORKERS:
            item.add_marker(pytest.mark.xdist_group(module))
