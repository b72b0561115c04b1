"""What the whole suite shares: its data folder kept out of the checkout, design documents built from a few keyword
arguments, and the fixtures more than one test file uses (the helpers they share are in tests/helpers/)."""

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


# ---------------------------------------------------------------- fixtures of more than one test file
# Their heavy imports (Streamlit, Playwright, SQLAlchemy's engines) wait until a test asks for them.


@pytest.fixture
def app(monkeypatch):
    """The page (AppTest) after its first run, preview off, with the default comfort band."""
    from streamlit.testing.v1 import AppTest

    from tests.helpers.apptest import APP, DATABASE_URL, run_page

    monkeypatch.chdir(ROOT)  # app.py opens models/comfort-band.json relative to the working directory
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    return run_page(AppTest.from_file(str(APP), default_timeout=60))


@pytest.fixture
def stones(monkeypatch):
    """The AppTest page's database with the sample inventory, and nothing else in its stones; yields its Inventory."""
    from sqlalchemy import delete

    from configurator.inventory import Inventory
    from configurator.storage import StoneRow, Store
    from tests.helpers.apptest import DATABASE_URL
    from tests.helpers.stones import SAMPLE

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    store = Store.open(DATABASE_URL)
    with store.engine.begin() as conn:
        conn.execute(delete(StoneRow))
    inventory = Inventory(store)
    inventory.import_stones(SAMPLE)
    yield inventory
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """An empty database: a fresh SQLite file, or a fresh PostgreSQL schema (its URL sets the search_path)."""
    from tests.helpers.databases import empty_database

    with empty_database(request.param, tmp_path) as backend:
        yield backend


@pytest.fixture(scope="module")
def server():
    """`streamlit run app.py` on a free port, with the 3D preview on and a fresh database; yields its URL."""
    from tests.helpers.servers import serving

    with serving(preview=True) as url:
        yield url


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A server (preview off) whose SQLite database holds the sample inventory; yields (url, inventory)."""
    from configurator.inventory import Inventory
    from configurator.storage import Store
    from tests.helpers.servers import serving
    from tests.helpers.stones import SAMPLE

    url = f"sqlite:///{tmp_path_factory.mktemp('shop') / 'designs.db'}"
    store = Store.open(url)
    inventory = Inventory(store)
    inventory.import_stones(SAMPLE)
    try:
        with serving(preview=False, database_url=url) as server_url:
            yield server_url, inventory
    finally:
        store.close()


@pytest.fixture(scope="module")
def playwright():
    """Playwright's driver, one for a test file (its browsers are started from it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright):
    """Headless Chromium (Debian's), one for a test file, with WebGL off: the page's logic (the viewer reads each GLB
    it is sent and reports it shown) without the drawing, which would take both cores."""
    from webapp.server import CHROMIUM, CHROMIUM_UNDRAWN_ARGS

    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_UNDRAWN_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def drawing_browser(playwright):
    """Headless Chromium that draws the 3D view (WebGL through SwiftShader), for the tests of the picture itself."""
    from webapp.server import CHROMIUM, CHROMIUM_ARGS

    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# The suite runs on both cores (scripts/test.sh: `-n 2 --dist loadgroup`): each file's tests stay together in one
# worker, in the file's order (a file's server, its database and its counts are its own), but for the files below,
# whose heavy tests stand alone and are better shared between the workers (sharing test_checks.py and
# test_builder_parts.py too made the run 24 s longer: their builds are cached once a worker).
SHARED_BETWEEN_WORKERS = {"tests/test_files.py"}


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        module = item.nodeid.split("::")[0]
        if module not in SHARED_BETWEEN_WORKERS:
            item.add_marker(pytest.mark.xdist_group(module))
