"""The real app in a real browser: `streamlit run app.py` driven by Playwright's headless Chromium.

What only a browser shows: the vtk.js preview actually draws the ring on its WebGL canvas (software GL
through SwiftShader), a slider dragged by the keyboard reprices the design, and the wax STL that the
download button hands over is a printable solid; a centre stone reprices the ring and shows in the preview; a
design saved for a client comes back from the "Saved designs" list in a new session; the share link opens the
same design in another browser.

The server gets its own empty SQLite database (DATABASE_URL) per module. Set UPDATE_SCREENSHOTS=1 to refresh
docs/images/app.png (a ring with a centre stone) and docs/images/app-saved.png (the saved designs list).
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from webapp.server import CHROMIUM, CHROMIUM_ARGS, app_server

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it", allow_module_level=True)

import trimesh  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BACKGROUND = (0xF5, 0xF3, 0xEF)  # app.py's BACKGROUND, the preview's empty colour
CANVAS_S = 60
RERUN_S = 30
RUN_S = 60  # a whole run: after the price come the download files and the 3D export, slow on a busy machine


# ---------------------------------------------------------------- the server and the browser


@pytest.fixture(scope="module")
def server():
    """`streamlit run app.py` on a free port, with the 3D preview on and a fresh database; yields its URL."""
    try:
        with app_server(preview=True) as (url, _):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_app(browser, url: str) -> Page:
    """A new browser context (another device: no cookies, no session) showing `url`, loaded and priced."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)  # the first run also waits for the 3D export
    return page


@pytest.fixture
def page(browser, server) -> Page:
    """A fresh session (the default design) with the page loaded and priced."""
    page = open_app(browser, server)
    yield page
    page.context.close()


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


def wait_until_idle(page: Page, timeout: float = RUN_S) -> None:
    """Wait until the script run has finished (downloads, share link and 3D preview all made)."""
    app = page.get_by_test_id("stApp")
    wait_for_value(lambda: app.get_attribute("data-test-script-state"), "notRunning", timeout)


def wait_for_value(read, expected, timeout: float = RERUN_S):
    """Poll `read()` until it equals `expected`; return it."""
    deadline = time.monotonic() + timeout
    while True:
        now = read()
        if now == expected:
            return now
        if time.monotonic() > deadline:
            pytest.fail(f"expected {expected!r}, still {now!r} after {timeout} s")
        time.sleep(0.2)


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(text)}$")


def slider(page: Page, label: str):
    """The thumb (role "slider") of the one slider whose label is exactly `label`."""
    return (
        page.get_by_test_id("stSlider")
        .filter(has=page.get_by_test_id("stWidgetLabel").filter(has_text=exact(label)))
        .get_by_role("slider")
    )


def press(thumb, key: str, times: int) -> None:
    thumb.focus()
    for _ in range(times):
        thumb.press(key)


def combobox(page: Page, label: str):
    """A selectbox's input: its value is the option shown."""
    return page.get_by_role("combobox", name=label, exact=True)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in a selectbox: open its list, click the option, until the box shows it.

    A click on the box only focuses it when another widget has the focus (a second click opens the list), and a
    rerun that lands meanwhile can close the list again: so look at `aria-expanded` each time round.
    """
    box = combobox(page, label)
    item = page.get_by_role("listbox").get_by_role("option", name=option, exact=True)  # only one list is open
    deadline = time.monotonic() + RERUN_S
    while box.input_value() != option or box.get_attribute("aria-expanded") == "true":
        if time.monotonic() > deadline:
            pytest.fail(f"could not choose {option!r} in {label!r}: it shows {box.input_value()!r}")
        try:
            if box.get_attribute("aria-expanded") == "true":
                item.click(timeout=3000)
            else:
                box.click()
        except PlaywrightError:
            pass  # the list closed under the click: look again
        time.sleep(0.3)


def checkbox(page: Page, label: str):
    return page.get_by_role("checkbox", name=label, exact=True)


def tick(page: Page, label: str) -> None:
    """Tick a Streamlit checkbox by clicking its label (the input itself is visually hidden)."""
    box = checkbox(page, label)
    if not box.is_checked():
        page.get_by_test_id("stCheckbox").filter(has=box).locator("label").first.click()
    wait_for_value(box.is_checked, True)


def go_to(page: Page, section: str) -> None:
    """Pick a section in the sidebar's "Go to" radio."""
    page.get_by_test_id("stSidebar").get_by_role("radiogroup", name="Go to").get_by_text(section, exact=True).click()
    page.get_by_role("heading", name={"Design": "Design your piece"}.get(section, section)).wait_for(
        timeout=RERUN_S * 1000
    )


CARAT = re.compile(r"^\d+\.\d\d ct by its modelled volume$")


def carat_caption(page: Page):
    return page.get_by_text(CARAT)


def add_centre_stone(page: Page) -> str:
    """Tick "Centre stone" and wait until the stone is priced; return the carat caption."""
    before = price_value(page).inner_text()
    tick(page, "Centre stone")
    carat_caption(page).wait_for(timeout=RERUN_S * 1000)
    wait_for_change(lambda: price_value(page).inner_text(), before)
    return carat_caption(page).inner_text()


def screenshot_target(name: str, tmp_path: Path) -> Path:
    """docs/images/<name> with UPDATE_SCREENSHOTS=1, else a throwaway file."""
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    target = ROOT / "docs" / "images" / name if update else tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def save_screenshot(page: Page, target: Path) -> None:
    """The page from its top. Streamlit scrolls inside its own container, not the document, so `full_page` shows
    the viewport: scroll that container back up (clicking a widget scrolled it) before the picture."""
    page.evaluate("() => document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0; })")
    page.mouse.move(1390, 990)  # away from the sidebar, whose collapse button shows under the mouse
    time.sleep(0.5)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


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


def preview_canvas(page: Page):
    return page.frame_locator("iframe#stpyvistaframe").locator("canvas").first


def drawn(stats: dict) -> bool:
    return stats["drawn"] > 0.02 and stats["colours"] > 200


def wait_for_drawn_canvas(page: Page, unlike: bytes | None = None) -> tuple[bytes, dict]:
    """Poll the preview canvas until vtk.js has drawn a piece (and, given `unlike`, a different picture from it).

    The canvas exists before vtk.js has drawn the scene, and after a change the old scene stays until the new page
    has loaded: so poll its pixels rather than wait for the element. Returns the last screenshot and its stats.
    """
    canvas = preview_canvas(page)
    deadline = time.monotonic() + CANVAS_S
    while True:
        try:
            canvas.wait_for(state="visible", timeout=CANVAS_S * 1000)
            png = canvas.screenshot(timeout=CANVAS_S * 1000)
        except PlaywrightError:  # the iframe was replaced between the two calls
            png = None
        if png is not None:
            stats = canvas_stats(png)
            if drawn(stats) and (unlike is None or _differs(png, unlike)):
                return png, stats
        if time.monotonic() > deadline:
            return png or b"", stats if png is not None else {}
        time.sleep(0.5)


def _differs(png: bytes, other: bytes) -> bool:
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)
    b = np.asarray(Image.open(io.BytesIO(other)).convert("RGB")).astype(np.int16)
    if a.shape != b.shape:
        return True
    return float((np.abs(a - b).max(axis=2) > 30).mean()) > 0.005  # at least 0.5 % of the pixels changed


def assert_piece_drawn(stats: dict) -> None:
    assert stats, "no screenshot of the preview canvas"
    height, width = stats["size"]
    assert width >= 300 and height >= 200, stats
    assert stats["colours"] > 200, stats  # shaded metal, not a flat fill
    assert stats["std"] > 10, stats
    assert stats["drawn"] > 0.02, stats  # at least 2 % of the canvas is clearly not the #f5f3ef background
    assert stats["drawn"] < 0.9, stats  # ... and the band does not fill it either: the camera frames it


# ---------------------------------------------------------------- tests


def test_preview_canvas_draws_the_ring(page, tmp_path):
    _, stats = wait_for_drawn_canvas(page)
    assert_piece_drawn(stats)

    save_screenshot(page, tmp_path / "app-band.png")


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


def downloaded(page: Page, label: str, folder: Path, timeout_s: float) -> Path:
    """Press the download button labelled `label` and save what the browser receives into `folder`."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).get_by_role("button")
    assert button.is_enabled()
    with page.expect_download(timeout=timeout_s * 1000) as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_wax_stl_download_is_one_watertight_solid(page, tmp_path):
    path = downloaded(page, "Download wax STL", tmp_path, RERUN_S)
    assert path.name == "comfort-fit-wedding-band-wax.stl"

    mesh = trimesh.load(path, file_type="stl", force="mesh")
    assert mesh.is_watertight
    assert mesh.body_count == 1
    assert mesh.volume > 0
    # the default comfort band, 4 mm wide (finger axis Y), scaled 1/(1 - 1 %) for platinum's shrinkage
    assert mesh.extents[1] == pytest.approx(4.0 / 0.99, abs=0.01)
    assert mesh.volume == pytest.approx(360.44 / 0.99**3, rel=0.01)


def test_spec_sheet_download_is_made_when_pressed(page, tmp_path):
    from pypdf import PdfReader

    path = downloaded(page, "Download spec sheet", tmp_path, RUN_S)  # made when pressed
    assert path.name == "comfort-fit-wedding-band-spec.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    first = reader.pages[0].extract_text()
    assert "Ring in platinum 950: spec sheet" in first and "UK" in first and "N 1/2" in first


def test_changing_the_stone_size_changes_the_price(page):
    carat_before = add_centre_stone(page)
    price_before = price_value(page).inner_text()

    length = slider(page, "Length (mm)")  # the stone's; the band's sliders are "Width (mm)" and "Thickness (mm)"
    assert length.count() == 1
    assert length.get_attribute("aria-valuetext") == "5.00"
    press(length, "ArrowRight", 10)  # 10 steps of 0.05 mm
    wait_for_value(lambda: length.get_attribute("aria-valuetext"), "5.50")

    price_after = wait_for_change(lambda: price_value(page).inner_text(), price_before)
    carat_after = wait_for_change(lambda: carat_caption(page).inner_text(), carat_before)
    assert price_number(price_after) > price_number(price_before)  # a bigger stone costs more
    assert float(carat_after.split()[0]) > float(carat_before.split()[0])


def test_preview_canvas_is_drawn_for_a_ring_with_a_stone(page, tmp_path):
    band, _ = wait_for_drawn_canvas(page)
    add_centre_stone(page)
    _, stats = wait_for_drawn_canvas(page, unlike=band)  # the new scene, with the stone and its setting
    assert_piece_drawn(stats)

    save_screenshot(page, screenshot_target("app.png", tmp_path))


def test_save_reload_and_load_back(page, server, tmp_path):
    add_centre_stone(page)
    before = price_value(page).inner_text()
    choose(page, "Metal", "18k rose gold")
    price = wait_for_change(lambda: price_value(page).inner_text(), before)

    page.get_by_role("textbox", name="Client name", exact=True).fill("Test Client")
    page.get_by_role("textbox", name="Title", exact=True).fill("Reload check")
    page.get_by_role("textbox", name="Notes", exact=True).fill("Rose gold solitaire, browser test")
    page.get_by_role("button", name="Save design", exact=True).click()
    page.get_by_text(re.compile(r"^Saved as #\d+ for Test Client\.$")).wait_for(timeout=RUN_S * 1000)

    # a new session: the bare address, no ?design=, so the default band shows until a saved design is loaded
    page.goto(server)
    price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
    wait_for_value(lambda: combobox(page, "Metal").input_value(), "platinum 950")
    go_to(page, "Saved designs")
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text="Reload check")
    row.wait_for(timeout=RERUN_S * 1000)
    assert "Test Client" in row.inner_text()

    save_screenshot(page, screenshot_target("app-saved.png", tmp_path))

    row.get_by_role("button", name="Load", exact=True).click()
    page.get_by_role("heading", name="Design your piece").wait_for(timeout=RERUN_S * 1000)
    wait_for_value(lambda: combobox(page, "Metal").input_value(), "18k rose gold")
    wait_for_value(checkbox(page, "Centre stone").is_checked, True)
    carat_caption(page).wait_for(timeout=RERUN_S * 1000)
    wait_for_value(lambda: price_value(page).inner_text(), price)
    assert page.get_by_test_id("stSidebar").get_by_role("radio", name="Design", exact=True).is_checked()
    assert "design=" in page.url


def test_share_link_reopens_the_design(page, browser):
    # platinum 950 is the default band's metal, so change to another to be sure the link carries the choice
    share = page.get_by_role("textbox", name="Share link", exact=True)
    address_before, price_before = page.url, price_value(page).inner_text()
    assert share.input_value().split("?", 1)[1] == address_before.split("?", 1)[1]
    choose(page, "Metal", "18k white gold")
    price = wait_for_change(lambda: price_value(page).inner_text(), price_before)
    wait_until_idle(page)
    assert page.url != address_before  # the address bar follows the design ...
    link = share.input_value()
    assert link.split("?", 1)[1] == page.url.split("?", 1)[1], "the Share link still shows the first design"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/?\?design=[\w\-]+=*", link), link

    other = open_app(browser, link)  # another device: a new context, no shared session or cookies
    try:
        wait_for_value(lambda: combobox(other, "Metal").input_value(), "18k white gold")
        wait_for_value(lambda: price_value(other).inner_text(), price)
    finally:
        other.context.close()
