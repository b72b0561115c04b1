"""The real app in a real browser: `streamlit run app.py` driven by Playwright's headless Chromium.

What only a browser shows: the vtk.js preview actually draws the ring on its WebGL canvas (software GL
through SwiftShader), a slider dragged by the keyboard reprices the design, and the wax STL that the
download button hands over is a printable solid.

Set UPDATE_SCREENSHOTS=1 to refresh docs/images/app.png from the first test.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it", allow_module_level=True)

import trimesh  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BACKGROUND = (0xF5, 0xF3, 0xEF)  # app.py's BACKGROUND, the preview's empty colour
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader",
]
SERVER_START_S = 60
CANVAS_S = 60
RERUN_S = 30


# ---------------------------------------------------------------- the server and the browser


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run app.py` on a free port, with the 3D preview on; yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {key: value for key, value in os.environ.items() if key != "CONFIGURATOR_PREVIEW"}
    options = {
        "server.headless": "true",
        "server.port": str(port),
        "server.address": "127.0.0.1",
        "browser.gatherUsageStats": "false",
        "server.fileWatcherType": "none",
    }
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += [part for name, value in options.items() for part in (f"--{name}", value)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer within {SERVER_START_S} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server) -> Page:
    """A fresh session (the default design) with the page loaded and priced."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(server)
    price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)  # the first run also waits for the 3D export
    yield page
    context.close()


# ---------------------------------------------------------------- helpers


def price_value(page: Page):
    """The value element of the Price metric."""
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(r"^Price$")))
        .get_by_test_id("stMetricValue")
    )


def price_number(text: str) -> float:
    match = re.fullmatch(r"[A-Z]{3} ([\d,]+\.\d\d)", text.strip())
    assert match, f"not a price: {text!r}"
    return float(match.group(1).replace(",", ""))


def wait_for_change(read, before, timeout: float = RERUN_S):
    """Poll `read()` until it differs from `before` (Streamlit reruns take a moment); return the new value."""
    deadline = time.monotonic() + timeout
    while True:
        now = read()
        if now != before:
            return now
        if time.monotonic() > deadline:
            pytest.fail(f"still {before!r} after {timeout} s")
        time.sleep(0.2)


def canvas_stats(png: bytes) -> dict:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)
    flat = pixels.reshape(-1, 3)
    far_from_background = np.abs(flat - np.array(BACKGROUND)).max(axis=1) > 60
    return {
        "size": pixels.shape[:2],
        "colours": len(np.unique(flat, axis=0)),
        "std": float(flat.std()),
        "drawn": float(far_from_background.mean()),
    }


# ---------------------------------------------------------------- tests


def test_preview_canvas_draws_the_ring(page, tmp_path):
    canvas = page.frame_locator("iframe#stpyvistaframe").locator("canvas").first
    canvas.wait_for(state="visible", timeout=CANVAS_S * 1000)

    # the canvas exists before vtk.js has drawn the scene: poll its pixels until the ring is there
    deadline = time.monotonic() + CANVAS_S
    while True:
        stats = canvas_stats(canvas.screenshot())
        if (stats["drawn"] > 0.02 and stats["colours"] > 200) or time.monotonic() > deadline:
            break
        time.sleep(0.5)

    height, width = stats["size"]
    assert width >= 300 and height >= 200, stats
    assert stats["colours"] > 200, stats  # shaded metal, not a flat fill
    assert stats["std"] > 10, stats
    assert stats["drawn"] > 0.02, stats  # at least 2 % of the canvas is clearly not the #f5f3ef background
    assert stats["drawn"] < 0.9, stats  # ... and the band does not fill it either: the camera frames it

    update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    target = ROOT / "docs" / "images" / "app.png" if update else tmp_path / "app.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_width_slider_reprices_the_band(page):
    before = price_value(page).inner_text()
    slider = page.get_by_test_id("stSlider").filter(has_text="Width (mm)").get_by_role("slider")
    assert slider.get_attribute("aria-valuetext") == "4.00"
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    after = wait_for_change(lambda: price_value(page).inner_text(), before)

    assert slider.get_attribute("aria-valuetext") == "4.50"
    assert price_number(after) > price_number(before)  # a wider band is more metal
    assert "4.50" in page.get_by_test_id("stSlider").filter(has_text="Width (mm)").inner_text()


def test_wax_stl_download_is_one_watertight_solid(page, tmp_path):
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Download wax STL").get_by_role("button")
    assert button.is_enabled()
    with page.expect_download(timeout=RERUN_S * 1000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "design-wax.stl"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    mesh = trimesh.load(path, file_type="stl", force="mesh")
    assert mesh.is_watertight
    assert mesh.body_count == 1
    assert mesh.volume > 0
    # the default comfort band, 4 mm wide (finger axis Y), scaled 1/(1 - 1 %) for platinum's shrinkage
    assert mesh.extents[1] == pytest.approx(4.0 / 0.99, abs=0.01)
    assert mesh.volume == pytest.approx(360.44 / 0.99**3, rel=0.01)
