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
import json
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
import trimesh
from PIL import Image
from playwright.sync_api import Page

from tests.helpers.browser import (  # skips this module when there is no Chromium
    CANVAS_S,
    PHONE,
    RERUN_S,
    ROOT,
    RUN_S,
    change_one_thing,
    checkbox,
    choose,
    combobox,
    downloaded,
    downloaded_as,
    go_to,
    holds,
    open_app,
    open_section,
    press,
    preview_frame,
    price_number,
    price_value,
    save_screenshot,
    screenshot_target,
    shared_doc,
    sign_in,
    slider,
    tick,
    viewer_state,
    wait_for_change,
    wait_for_value,
    wait_for_viewer,
    wait_until_idle,
)

pytestmark = pytest.mark.slow  # a server and a browser: `-m "not slow"` leaves it out

BACKGROUND = (0xF5, 0xF3, 0xEF)  # app.py's BACKGROUND, the preview's empty colour


# ---------------------------------------------------------------- the page


@pytest.fixture
def page(browser, server) -> Page:
    """A fresh session (the default design) with the page loaded and priced; the viewer reads each GLB it is sent
    but draws nothing (the `browser` fixture)."""
    page = open_app(browser, server)
    yield page
    page.context.close()


@pytest.fixture
def drawn_page(drawing_browser, server) -> Page:
    """The same in a browser that draws the 3D view, for the tests of the picture."""
    page = open_app(drawing_browser, server)
    yield page
    page.context.close()


# ---------------------------------------------------------------- helpers


CARAT = re.compile(r"^\d+\.\d\d ct by its modelled volume")


def carat_caption(page: Page):
    return page.get_by_text(CARAT)


def carat_box(page: Page):
    return page.get_by_role("textbox", name="Carat", exact=True)


def add_centre_stone(page: Page) -> str:
    """Tick "Centre stone" and wait until the stone is priced; return the carat it shows."""
    before = price_value(page).inner_text()
    tick(page, "Centre stone")
    carat_box(page).wait_for(timeout=RERUN_S * 1000)
    wait_for_change(lambda: price_value(page).inner_text(), before)
    return carat_box(page).input_value()


def size_by_millimetres(page: Page) -> None:
    page.get_by_role("radiogroup", name="Size by").get_by_text("Millimetres", exact=True).click()
    slider(page, "Stone length (mm)").wait_for(timeout=RERUN_S * 1000)


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


def wait_for_drawn_canvas(page: Page, unlike: bytes | None = None) -> tuple[bytes, dict]:
    """The viewer's picture once it shows its GLB (and, given `unlike`, a different picture from it): a screenshot
    of its frame and its stats."""
    wait_for_viewer(page)
    deadline = time.monotonic() + CANVAS_S
    while True:
        png = preview_frame(page).screenshot(timeout=CANVAS_S * 1000)
        stats = canvas_stats(png)
        if drawn(stats) and (unlike is None or _differs(png, unlike)):
            return png, stats
        if time.monotonic() > deadline:
            return png, stats
        time.sleep(0.5)


def drawn(stats: dict) -> bool:
    return stats["drawn"] > 0.02 and stats["colours"] > 200


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


def test_width_slider_reprices_the_band(page):
    before = price_value(page).inner_text()
    slider = page.get_by_test_id("stSlider").filter(has_text="Band width (mm)").get_by_role("slider")
    assert slider.get_attribute("aria-valuetext") == "4.00"
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    after = wait_for_change(lambda: price_value(page).inner_text(), before)

    assert slider.get_attribute("aria-valuetext") == "4.50"
    assert price_number(after) > price_number(before)  # a wider band is more metal
    assert "4.50" in page.get_by_test_id("stSlider").filter(has_text="Band width (mm)").inner_text()


def test_wax_stl_download_is_one_watertight_solid(page, tmp_path):
    assert page.get_by_test_id("stDownloadButton").filter(has_text="Wax STL").count() == 0  # a visitor: none
    sign_in(page)  # the workshop's files are staff's
    go_to(page, "Design")
    wait_until_idle(page)
    path = downloaded(page, "Wax STL", tmp_path, RERUN_S)
    assert path.name == "comfort-fit-wedding-band-wax-1pct-shrinkage.stl"  # the design's name and the shrinkage

    mesh = trimesh.load(path, file_type="stl", force="mesh")
    assert mesh.is_watertight
    assert mesh.body_count == 1
    assert mesh.volume > 0
    # the default comfort band, 4 mm wide (finger axis Y), scaled 1/(1 - 1 %) for platinum's shrinkage
    assert mesh.extents[1] == pytest.approx(4.0 / 0.99, abs=0.01)
    assert mesh.volume == pytest.approx(360.44 / 0.99**3, rel=0.01)

    tick(page, re.compile(r"^Scale the wax for casting shrinkage"), ticked=False)
    wait_until_idle(page)
    # another file, named for it
    exact_path = downloaded_as(page, "Wax STL", tmp_path, "comfort-fit-wedding-band-wax-nominal-size.stl", RERUN_S)
    exact = trimesh.load(exact_path, file_type="stl", force="mesh")
    assert exact.is_watertight and exact.body_count == 1
    assert exact.extents[1] == pytest.approx(4.0, abs=0.01)  # the ring itself: 4 mm wide
    assert mesh.extents == pytest.approx(exact.extents / 0.99, rel=1e-4)
    assert mesh.volume == pytest.approx(exact.volume / 0.99**3, rel=1e-4)


def test_spec_sheet_download_is_made_when_pressed(page, tmp_path):
    from pypdf import PdfReader

    path = downloaded(page, "Download the client's sheet", tmp_path, RUN_S)  # made when pressed
    assert path.name == "comfort-fit-wedding-band-client-sheet.pdf"  # named after the design and its reader
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    first = reader.pages[0].extract_text()
    assert "Ring in platinum 950: your piece" in first and "UK" in first and "N 1/2" in first
    text = " ".join(page.extract_text() for page in reader.pages).lower()
    assert "markup" not in text and "labour" not in text and "/g" not in text  # nothing of the store's workings


def test_changing_the_stone_size_changes_the_price(page):
    add_centre_stone(page)
    size_by_millimetres(page)
    carat_before = carat_caption(page).inner_text()
    price_before = price_value(page).inner_text()

    length = slider(page, "Stone length (mm)")  # the stone's; the band's sliders say "Band width", "Band thickness"
    assert length.count() == 1
    assert length.get_attribute("aria-valuetext") == "5.00"
    press(length, "ArrowRight", 10)  # 10 steps of 0.05 mm
    wait_for_value(lambda: length.get_attribute("aria-valuetext"), "5.50")

    price_after = wait_for_change(lambda: price_value(page).inner_text(), price_before)
    carat_after = wait_for_change(lambda: carat_caption(page).inner_text(), carat_before)
    assert price_number(price_after) > price_number(price_before)  # a bigger stone costs more
    assert float(carat_after.split()[0]) > float(carat_before.split()[0])


def test_a_carat_is_chosen_by_typing_it(page):
    add_centre_stone(page)
    price_before = price_value(page).inner_text()
    box = carat_box(page)
    box.fill("1.00")
    box.press("Enter")
    wait_for_change(lambda: price_value(page).inner_text(), price_before)
    wait_until_idle(page)
    stone = shared_doc(page)["stone"]
    assert stone["length_mm"] == pytest.approx(6.44, abs=0.011)  # a 1.00 ct round brilliant diamond
    assert box.input_value() == "1.00"
    choose(page, "Shape", "oval")  # by carat, the weight stays as the shape changes
    wait_for_value(lambda: shared_doc(page)["stone"]["shape"], "oval")
    assert box.input_value() == "1.00"
    assert shared_doc(page)["stone"]["length_mm"] > 7.5


def test_preview_canvas_is_drawn_for_a_ring_with_a_stone(drawn_page, tmp_path):
    band, drawn_band = wait_for_drawn_canvas(drawn_page)  # the plain band first, drawn and framed
    assert_piece_drawn(drawn_band)
    add_centre_stone(drawn_page)
    _, stats = wait_for_drawn_canvas(drawn_page, unlike=band)  # the new scene, with the stone and its setting
    assert_piece_drawn(stats)

    save_screenshot(drawn_page, tmp_path / "app-stone.png")


def test_save_reload_and_load_back(page, server, tmp_path):
    add_centre_stone(page)
    before = price_value(page).inner_text()
    choose(page, "Metal", "18k rose gold")
    price = wait_for_change(lambda: price_value(page).inner_text(), before)

    name = page.get_by_role("textbox", name="Design name", exact=True)
    name.fill("Reload check")
    name.press("Enter")
    wait_for_value(lambda: shared_doc(page).get("name"), "Reload check")
    page.get_by_role("textbox", name="Client name", exact=True).fill("Test Client")
    page.get_by_role("textbox", name="Notes", exact=True).fill("Rose gold solitaire, browser test")
    page.get_by_role("button", name="Save design", exact=True).click()
    page.get_by_text(re.compile(r"^Saved as #\d+ for Test Client\. Its access code is ")).wait_for(timeout=RUN_S * 1000)

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
    carat_box(page).wait_for(timeout=RERUN_S * 1000)
    wait_for_value(lambda: price_value(page).inner_text(), price)
    assert urlparse(page.url).path in ("", "/")  # the Design page's own address
    wait_for_value(lambda: "design=" in page.url, True)  # the address bar follows the page a moment later


def test_share_link_reopens_the_design(page, browser):
    # platinum 950 is the default band's metal, so change to another to be sure the link carries the choice
    share = page.get_by_role("textbox", name="Share link", exact=True)

    def query(text: str) -> str:
        return text.split("?", 1)[1] if "?" in text else ""

    # the address bar takes the design when the run reaches the share link: it follows the page a moment later
    wait_for_value(lambda: query(page.url) == query(share.input_value()) != "", True)
    address_before, price_before = page.url, price_value(page).inner_text()
    choose(page, "Metal", "18k white gold")
    price = wait_for_change(lambda: price_value(page).inner_text(), price_before)
    wait_until_idle(page)
    wait_for_value(lambda: page.url != address_before, True)  # the address bar follows the design ...
    link = share.input_value()
    wait_for_value(lambda: query(page.url), query(link))  # ... and so does the Share link
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/?\?design=[\w\-]+=*", link), link

    other = open_app(browser, link)  # another device: a new context, no shared session or cookies
    try:
        wait_for_value(lambda: combobox(other, "Metal").input_value(), "18k white gold")
        wait_for_value(lambda: price_value(other).inner_text(), price)
    finally:
        other.context.close()


# ---------------------------------------------------------------- a design arrives, and stays


def test_a_preset_arrives_and_stays(drawn_page, tmp_path):
    tick(drawn_page, "Centre stone")  # the controls hold another design first: a stone, another metal
    choose(drawn_page, "Metal", "18k rose gold")
    wait_until_idle(drawn_page)
    open_section(drawn_page, "Start from a preset, or open a design file")
    choose(drawn_page, "Preset", "Cushion halo")
    drawn_page.get_by_role("button", name="Open this preset", exact=True).click()
    loaded = json.loads((ROOT / "models" / "halo-ring.json").read_text())
    holds(drawn_page, loaded)
    assert combobox(drawn_page, "Shape").input_value() == "cushion"
    assert combobox(drawn_page, "Style").input_value() == "halo"
    _, stats = wait_for_drawn_canvas(drawn_page)
    assert_piece_drawn(stats)
    save_screenshot(drawn_page, screenshot_target("app.png", tmp_path))  # the README's picture: a halo, its facets
    change_one_thing(drawn_page, loaded)


def test_an_uploaded_file_arrives_and_stays(page, tmp_path):
    loaded = json.loads((ROOT / "models" / "channel-band.json").read_text())
    path = tmp_path / "client-design.json"
    path.write_text(json.dumps(loaded))
    open_section(page, "Start from a preset, or open a design file")
    page.locator("input[type=file]").set_input_files(str(path))
    holds(page, loaded)
    assert combobox(page, "Metal").input_value() == "14k white gold"
    change_one_thing(page, loaded)


def test_a_share_link_arrives_and_stays(browser, server):
    from configurator.share import encode_design

    loaded = json.loads((ROOT / "models" / "heirloom-ring.json").read_text())
    page = open_app(browser, f"{server}/?design={encode_design(normal_design(loaded))}")
    try:
        holds(page, loaded)
        assert checkbox(page, "The client's own stone").is_checked()
        change_one_thing(page, loaded)
    finally:
        page.context.close()


def test_a_shared_prong_ring_arrives_by_link_and_stays_on_a_phone_too(browser, server, tmp_path):
    """A visitor opens a three-stone ring whose side stones share prongs with the centre: the control shows it ticked,
    the preview draws it, and a change of metal keeps every field (read back from the share link); the same on a
    phone."""
    from configurator.families import shared_prongs
    from configurator.share import encode_design

    loaded = next(doc for doc in shared_prongs() if doc["stone"]["shape"] == "oval")
    url = f"{server}/?design={encode_design(normal_design(loaded))}"
    for name, options in (("desktop", {}), ("phone", PHONE)):
        context = browser.new_context(**options) if options else None
        page = context.new_page() if context else open_app(browser, url)
        try:
            if context:
                page.goto(url)
                price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
            holds(page, loaded)
            assert checkbox(page, "Share prongs with the centre").is_checked()
            wait_for_viewer(page)
            (save_screenshot_phone if context else save_screenshot)(page, tmp_path / f"shared-prongs-{name}.png")
            change_one_thing(page, loaded)
        finally:
            page.context.close()


@pytest.mark.parametrize(("preset", "ticked"), [
    ("bridal-set", ["Matching band"]),
    ("milgrain-solitaire", ["Milgrain on the edges", "Milgrain round the rim"]),
    ("tapered-solitaire", ["Tapered shank"]),
    ("engraved-band", ["Cut into the metal"]),
])
def test_band_work_arrives_by_link_and_stays(browser, server, tmp_path, preset, ticked):
    """A visitor opens a preset with a matching band, milgrain, a tapered shank or a cut engraving by a share link: its
    controls show it ticked, the preview draws it, and a change of metal keeps every field (read back from the share
    link)."""
    from configurator.share import encode_design

    loaded = json.loads((ROOT / "models" / f"{preset}.json").read_text())
    page = open_app(browser, f"{server}/?design={encode_design(normal_design(loaded))}")
    try:
        holds(page, loaded)
        assert all(checkbox(page, label).is_checked() for label in ticked)
        wait_for_viewer(page)
        save_screenshot(page, tmp_path / f"{preset}.png")
        change_one_thing(page, loaded)
    finally:
        page.context.close()


def normal_design(doc: dict):
    from configurator.documents import parse_design

    return parse_design(doc)


def test_a_saved_row_arrives_and_stays(page, server, browser):
    loaded = json.loads((ROOT / "models" / "bezel-pendant.json").read_text())
    from configurator.share import encode_design

    saver = open_app(browser, f"{server}/?design={encode_design(normal_design(loaded))}")
    try:
        holds(saver, loaded)
        saver.get_by_role("textbox", name="Client name", exact=True).fill("Arrival Client")
        saver.get_by_role("button", name="Save design", exact=True).click()
        saved = saver.get_by_text(re.compile(r"^Saved as #\d+ for Arrival Client\. Its access code is "))
        saved.wait_for(timeout=RUN_S * 1000)
        code = re.search(r"access code is ([A-Z2-7-]{19})", saved.inner_text()).group(1)
    finally:
        saver.context.close()
    go_to(page, "Saved designs")  # another browser: the default band until the saved row is loaded
    page.get_by_role("textbox", name="Access code", exact=True).fill(code)
    page.get_by_role("button", name="Open with the code", exact=True).click()
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text="Arrival Client").first
    row.get_by_role("button", name="Load", exact=True).click()
    page.get_by_role("heading", name="Design your piece").wait_for(timeout=RERUN_S * 1000)
    holds(page, loaded)
    assert combobox(page, "Outline").input_value() == "teardrop"
    change_one_thing(page, loaded)


def test_a_budget_suggestion_arrives_and_stays(page):
    open_section(page, "Start from a preset, or open a design file")
    choose(page, "Preset", "Classic solitaire")
    page.get_by_role("button", name="Open this preset", exact=True).click()
    holds(page, json.loads((ROOT / "models" / "solitaire-ring.json").read_text()))
    total = price_number(price_value(page).inner_text())
    budget = page.get_by_role("textbox", name=re.compile(r"^Client's budget"))
    budget.fill(f"{int(total * 0.7)}")
    budget.press("Enter")
    suggestion = combobox(page, "Try a suggestion")
    suggestion.wait_for(timeout=RUN_S * 1000)
    choose(page, "Try a suggestion", next(text for text in suggestion_options(page) if text.startswith("smaller")))
    page.get_by_role("button", name="Apply this change", exact=True).click()
    page.get_by_text(re.compile(r"^Applied: smaller centre stone")).wait_for(timeout=RUN_S * 1000)
    deadline = time.monotonic() + RUN_S  # the message can show before the run that carries the change is over
    while True:
        wait_until_idle(page)
        applied = shared_doc(page)
        if applied["stone"]["length_mm"] < 6.5:
            break
        assert time.monotonic() < deadline, f"the share link still holds the 6.5 mm stone: {applied['stone']}"
        time.sleep(0.3)
    assert price_number(price_value(page).inner_text()) <= total * 0.7
    change_one_thing(page, applied)


def suggestion_options(page: Page) -> list[str]:
    table = page.get_by_test_id("stTable").filter(has_text="change").first
    return [cell.inner_text() for cell in table.locator("tbody tr td:first-child, tbody tr th:first-child").all()]


# ---------------------------------------------------------------- a phone, and a steady preview


def orbit(state: dict) -> tuple[float, float, float]:
    """The viewer camera's (azimuth, polar angle) in radians and distance in metres."""
    return tuple(float(part.rstrip("radm")) for part in state["camera"]["orbit"].split())


def drag(page: Page) -> None:
    box = preview_frame(page).bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 14 * step, y + 4 * step)
        time.sleep(0.03)
    page.mouse.up()
    at_rest(lambda: viewer_state(page).get("camera"))  # the camera eases on after the drag, then the viewer keeps it


def at_rest(read, timeout: float = RERUN_S):
    """Poll `read()` until two readings 0.3 s apart agree and are not empty; return the last. For what moves on a
    moment after the pointer lifts: a dragged camera (the viewer keeps it 120 ms after its last move), a swiped page."""
    before = read()
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(0.3)
        now = read()
        if now and now == before:
            return now
        if time.monotonic() > deadline:
            pytest.fail(f"still moving after {timeout} s: {before!r}, then {now!r}")
        before = now


def test_the_camera_survives_a_change_of_metal_and_of_geometry(drawn_page, tmp_path):
    before = wait_for_viewer(drawn_page)
    drag(drawn_page)
    turned = viewer_state(drawn_page)
    assert orbit(turned)[0] != pytest.approx(orbit(before)[0], abs=0.05)  # the drag really turned the piece
    shot = preview_frame(drawn_page).screenshot()

    price_before = price_value(drawn_page).inner_text()
    choose(drawn_page, "Metal", "18k yellow gold")
    wait_for_change(lambda: price_value(drawn_page).inner_text(), price_before)
    after = wait_for_viewer(drawn_page, key=turned["key"], metal="18k-yellow")  # the same GLB, a new material
    assert orbit(after) == pytest.approx(orbit(turned), abs=1e-6)
    assert _differs(preview_frame(drawn_page).screenshot(), shot)  # the same view of another metal

    press(slider(drawn_page, "Band width (mm)"), "ArrowRight", 3)  # a new geometry: a new GLB

    def another_shown() -> bool:  # each press may rerun the page: a new GLB shows once the first has run
        state = viewer_state(drawn_page)
        return state.get("state") == "shown" and state.get("key") not in (None, turned["key"])

    wait_for_value(another_shown, True, RUN_S)
    wait_until_idle(drawn_page)  # the last press's run, over
    wider = wait_for_viewer(drawn_page)  # the GLB of the width the page ends on
    assert wider["key"] != turned["key"]
    assert orbit(wider)[:2] == pytest.approx(orbit(turned)[:2], abs=1e-6)  # the person's camera, kept
    save_screenshot(drawn_page, tmp_path / "camera-kept.png")


def test_a_phone_shows_the_piece_and_the_price_first_and_swipes_scroll(browser, server, tmp_path):
    from configurator.documents import load_design
    from configurator.share import encode_design

    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{server}/?design={encode_design(load_design(ROOT / 'models' / 'solitaire-ring.json'))}")
        price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
        wait_for_viewer(page)
        frame, total = preview_frame(page).bounding_box(), price_value(page).bounding_box()
        assert total["y"] + total["height"] <= 844, total  # the price on the first screen ...
        assert frame["y"] >= 0 and frame["y"] + frame["height"] <= 844, frame  # ... and the whole preview
        assert page.get_by_text(re.compile(r"^Total")).first.is_visible()  # the total bar pinned to the bottom
        save_screenshot_phone(page, screenshot_target("app-phone.png", tmp_path))

        swipe(context.new_cdp_session(page), frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] * 0.8, -300)
        moved = at_rest(preview_frame(page).bounding_box)  # the scroll runs on a moment after the finger lifts
        assert moved["y"] < frame["y"] - 100, (frame, moved)  # the page scrolled under the finger
    finally:
        context.close()


def swipe(cdp, x: float, y: float, distance: float, steps: int = 15) -> None:
    """A one-finger swipe as a touch screen sends it (touch events through the browser's input pipeline)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + distance * step / steps}]})
        time.sleep(0.016)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def save_screenshot_phone(page: Page, target: Path) -> None:
    page.screenshot(path=str(target), animations="disabled")  # transitions finished, not caught half-way
    assert target.stat().st_size > 10_000


def test_a_pendant_shows_its_chain_and_clasp_and_faceted_stone(drawn_page, tmp_path):
    open_section(drawn_page, "Start from a preset, or open a design file")
    choose(drawn_page, "Preset", "Bezel teardrop pendant")
    drawn_page.get_by_role("button", name="Open this preset", exact=True).click()
    holds(drawn_page, json.loads((ROOT / "models" / "bezel-pendant.json").read_text()))
    shown = drawn_page.locator(".st-key-design_layout").inner_text()
    assert "inner diameter" not in shown and "Ring size" not in shown  # no ring figures on a pendant
    assert drawn_page.get_by_text(re.compile(r"Chain: cable, 450 mm")).count() == 1  # weighed and priced
    _, stats = wait_for_drawn_canvas(drawn_page)
    assert_piece_drawn(stats)
    save_screenshot(drawn_page, screenshot_target("app-pendant.png", tmp_path))


# ---------------------------------------------------------------- text from people stays text


QUIET_S = 1.0
HOSTILE = {
    "name": "![n](http://evil.example/n.png) <img src=http://evil.example/i.png> # BIG [x](javascript:alert(1))",
    "engraving": "![e](http://evil.example/e.png) #E",
    "client": "![c](http://127.0.0.1:9/c.png) <b>Alice</b>",
    "notes": "# Heading\n[link](http://evil.example/l) <script>fetch('http://evil.example/s')</script>",
}


def test_hostile_text_in_every_field_stays_text_and_fetches_nothing(browser, server):
    from urllib.parse import urlsplit

    from configurator.share import encode_design

    origin = urlsplit(server).netloc
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.on("request", lambda request: outside.append(request.url)
               if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
               and urlsplit(request.url).netloc != origin else None)
    page = context.new_page()
    try:
        # a link whose metal is a markdown image: refused, and its echo must not fetch
        bad = __import__("base64").urlsafe_b64encode(__import__("zlib").compress(json.dumps(
            {"piece": "ring", "metal": "![m](http://evil.example/m.png)",
             "ring": {"size": {"system": "US", "value": 7}}}).encode())).decode().rstrip("=")
        page.goto(f"{server}/?design={bad}")
        price_value(page).wait_for(timeout=RUN_S * 1000)
        page.get_by_text(re.compile(r"^The link could not be opened")).wait_for(timeout=RERUN_S * 1000)
        doc = json.loads((ROOT / "models" / "solitaire-ring.json").read_text())
        doc |= {"name": HOSTILE["name"], "engraving": {"text": HOSTILE["engraving"]}}
        page.goto(f"{server}/?design={encode_design(normal_design(doc))}")
        holds(page, doc)
        page.get_by_role("textbox", name="Client name", exact=True).fill(HOSTILE["client"])
        page.get_by_role("textbox", name="Notes", exact=True).fill(HOSTILE["notes"])
        page.get_by_role("button", name="Save design", exact=True).click()
        page.get_by_text(re.compile(r"^Saved as #\d+ for ")).wait_for(timeout=RUN_S * 1000)
        saved = page.get_by_text(re.compile(r"^Saved as #\d+ for ")).inner_text()
        assert HOSTILE["client"] in saved  # shown as typed, the markup inert
        go_to(page, "Saved designs")
        row = page.get_by_test_id("stHorizontalBlock").filter(has_text="evil.example/n.png").first
        row.wait_for(timeout=RERUN_S * 1000)
        shown = row.inner_text()
        for text in (HOSTILE["name"], HOSTILE["client"]):
            assert text in shown, (text, shown)
        assert "# Heading" in shown and "<script>" in shown
        page.get_by_role("textbox", name="Access code", exact=True).fill(HOSTILE["engraving"])
        page.get_by_role("button", name="Open with the code", exact=True).click()
        wait_until_idle(page)
        go_to(page, "Store settings")
        wait_until_idle(page)
        time.sleep(QUIET_S)  # nothing to wait for: a fetch the page must not make is watched for this long
        assert page.locator("img[src*='evil'], a[href*='evil'], a[href^='javascript']").count() == 0
        assert outside == [], outside
    finally:
        context.close()


def test_a_customer_cannot_see_or_delete_another_clients_design(browser, server):
    from configurator.share import encode_design

    doc = json.loads((ROOT / "models" / "halo-ring.json").read_text())
    owner = open_app(browser, f"{server}/?design={encode_design(normal_design(doc))}")
    try:
        owner.get_by_role("textbox", name="Client name", exact=True).fill("Very Private Client")
        owner.get_by_role("textbox", name="Notes", exact=True).fill("Phone +1 555 0100, budget 3000")
        owner.get_by_role("button", name="Save design", exact=True).click()
        owner.get_by_text(re.compile(r"^Saved as #\d+ for Very Private Client")).wait_for(timeout=RUN_S * 1000)
        message = owner.get_by_text(re.compile(r"^Saved as #\d+ for Very Private Client")).inner_text()
        code = re.search(r"access code is ([A-Z2-7-]{19})", message).group(1)
        go_to(owner, "Saved designs")
        owner.get_by_text("Very Private Client", exact=False).first.wait_for(timeout=RERUN_S * 1000)
        assert owner.get_by_role("button", name="Delete…").count() == 0  # a customer never deletes
    finally:
        owner.context.close()
    stranger = open_app(browser, server)
    try:
        go_to(stranger, "Saved designs")
        wait_until_idle(stranger)
        page_text = stranger.get_by_test_id("stMain").inner_text()
        assert "Very Private Client" not in page_text and "555 0100" not in page_text
        stranger.get_by_role("textbox", name="Access code", exact=True).fill(code)
        stranger.get_by_role("button", name="Open with the code", exact=True).click()
        stranger.get_by_text("Very Private Client", exact=False).first.wait_for(timeout=RERUN_S * 1000)
        assert stranger.get_by_role("button", name="Delete…").count() == 0
    finally:
        stranger.context.close()


def test_staff_see_every_design_and_can_delete_and_undo(browser, server):
    from configurator.share import encode_design

    doc = json.loads((ROOT / "models" / "channel-band.json").read_text())
    customer = open_app(browser, f"{server}/?design={encode_design(normal_design(doc))}")
    try:
        customer.get_by_role("textbox", name="Client name", exact=True).fill("Client Of Another Browser")
        customer.get_by_role("button", name="Save design", exact=True).click()
        customer.get_by_text(re.compile(r"^Saved as #\d+ for Client Of Another")).wait_for(timeout=RUN_S * 1000)
    finally:
        customer.context.close()
    staff = open_app(browser, server)
    try:
        sign_in(staff)
        go_to(staff, "Saved designs")
        row = staff.get_by_test_id("stHorizontalBlock").filter(has_text="Client Of Another Browser").first
        row.wait_for(timeout=RERUN_S * 1000)
        row.get_by_role("button", name="Delete…", exact=True).click()
        staff.get_by_text("Delete this saved design?").wait_for(timeout=RERUN_S * 1000)
        staff.get_by_role("button", name="Delete", exact=True).click()
        staff.get_by_role("button", name="Undo", exact=True).wait_for(timeout=RERUN_S * 1000)
        wait_until_idle(staff)
        rows = (staff.get_by_test_id("stHorizontalBlock").filter(has_text="Client Of Another Browser")
                .filter(has=staff.get_by_role("button", name="Load", exact=True)))
        assert rows.count() == 0  # gone from the list; only the "Deleted ... Undo" line names it
        staff.get_by_role("button", name="Undo", exact=True).click()
        staff.get_by_text(re.compile(r"^Put back #\d+")).wait_for(timeout=RERUN_S * 1000)
        staff.get_by_test_id("stHorizontalBlock").filter(has_text="Client Of Another Browser").first.wait_for(
            timeout=RERUN_S * 1000)
    finally:
        staff.context.close()


# ---------------------------------------------------------------- finding her size at home


def test_find_my_size_on_a_phone_puts_the_measured_size_into_the_ring(browser, server, tmp_path):
    """On a 390 x 844 phone: the Find my size page fits the screen's width, offers the printable sizer, reads a
    measurement typed with a decimal comma and puts its size into the ring in one tap (read back from the address,
    which reopens the design). On the screen itself: a tap on the card's slider calibrates it (the card drawn exactly
    as many CSS px across as the slider says, upright so that it fits), two taps grow the circle to 17.5 mm, drawn at
    the calibrated scale, and its size goes into the ring in one tap."""
    from urllib.parse import parse_qs, urlsplit

    from configurator.share import decode_design

    context = browser.new_context(accept_downloads=True, **PHONE)
    page = context.new_page()
    try:
        page.goto(f"{server}/sizer")
        page.get_by_role("heading", name="Find my size").wait_for(timeout=RUN_S * 1000)
        wait_until_idle(page)
        sizer = downloaded(page, "Download the printable sizer (PDF)", tmp_path, RUN_S)
        assert sizer.name == "ring-sizer-UK.pdf" and sizer.read_bytes().startswith(b"%PDF")
        box = page.get_by_role("textbox", name="Millimetres round the finger", exact=True)
        box.fill("57,0")
        box.press("Enter")
        use = page.get_by_role("button", name="Use UK P 1/2 for my ring", exact=True)
        use.wait_for(timeout=RERUN_S * 1000)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # nothing off the side of the phone
        use.click()

        def size() -> dict:  # the address asked of the page: `page.url` is only brought up to date by other calls
            query = parse_qs(urlsplit(page.evaluate("location.href")).query)
            return decode_design(query["design"][0]).to_dict()["ring"]["size"] if "design" in query else {}

        wait_for_value(size, {"system": "UK", "value": "P 1/2"})

        assert page.get_by_text(re.compile(r"^Not calibrated yet: the drawings assume 96 px to the inch")).is_visible()
        assert drawn_width(page, ".cfg-sizer-card") == pytest.approx(53.98 * 96 / 25.4, abs=ONE_LAYOUT_UNIT)
        card_px = tap_slider_at(page, "sizer_card", 330.0)  # about a phone's card: 6 px to the millimetre
        assert 320 <= card_px <= 340, card_px
        scale = card_px / 53.98
        page.get_by_text(f"Calibrated with your card: this screen shows {scale:.2f} px to the millimetre",
                         exact=False).wait_for(timeout=RERUN_S * 1000)
        card = page.locator(".cfg-sizer-card").bounding_box()
        assert drawn_width(page, ".cfg-sizer-card") == pytest.approx(card_px, abs=ONE_LAYOUT_UNIT)
        assert card["x"] >= 0 and card["x"] + card["width"] <= 390, card  # the whole card on the phone
        larger = page.locator(".st-key-sizer_circle_steps").get_by_role("button", name="Larger", exact=True)
        for diameter in ("17.4", "17.5"):  # from 17.30 mm, a tenth a tap
            larger.tap()
            wait_for_value(page.locator(".st-key-sizer_circle input").input_value, diameter)
        assert drawn_width(page, ".cfg-sizer-disc") == pytest.approx(17.5 * scale, abs=ONE_LAYOUT_UNIT)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        page.locator(".st-key-sizer_card").evaluate(  # the controls, the card and what they found, under the header
            "(e) => { e.style.scrollMarginTop = '64px'; e.scrollIntoView({block: 'start'}); }")
        save_screenshot_phone(page, screenshot_target("sizer-phone.png", tmp_path))
        page.locator(".st-key-sizer_screen_use").get_by_role("button", name="Use UK O for my ring", exact=True).tap()
        wait_for_value(size, {"system": "UK", "value": "O"})
    finally:
        context.close()


def test_find_my_size_on_a_desktop_opens_from_a_forged_link_and_sizes_on_screen(browser, server):
    """At 1280 px: a forged `?design=` opens the page with the reason in words and the preset in its place (no
    traceback); the card's slider moved by the keyboard draws the card at exactly its px, and the circle's size is
    offered for the ring."""
    from urllib.parse import parse_qs, urlsplit

    from configurator.share import decode_design

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/sizer?design=forged-by-hand.not-a-design")
        page.get_by_role("heading", name="Find my size").wait_for(timeout=RUN_S * 1000)
        wait_until_idle(page)
        page.get_by_text("The link could not be opened (design link: damaged (it does not decode)); showing a preset.",
                         exact=True).wait_for(timeout=RERUN_S * 1000)
        assert page.get_by_test_id("stException").count() == 0
        assert "Traceback" not in page.get_by_test_id("stMain").inner_text()
        shown = decode_design(parse_qs(urlsplit(page.evaluate("location.href")).query)["design"][0]).to_dict()
        assert shown["ring"]["size"] == {"system": "UK", "value": "N 1/2"}  # the preset, in the address instead
        thumb = page.locator(".st-key-sizer_card input")
        thumb.focus()
        for _ in range(4):
            thumb.press("ArrowRight")  # half a pixel a press: 204 -> 206
        wait_for_value(thumb.input_value, "206")
        page.get_by_text("Calibrated with your card: this screen shows 3.82 px", exact=False).wait_for(
            timeout=RERUN_S * 1000)
        assert drawn_width(page, ".cfg-sizer-card") == pytest.approx(206.0, abs=ONE_LAYOUT_UNIT)
        assert drawn_width(page, ".cfg-sizer-disc") == pytest.approx(17.3 * 206 / 53.98, abs=ONE_LAYOUT_UNIT)
        assert page.locator(".st-key-sizer_screen_use").get_by_role("button").inner_text() == "Use UK N 1/2 for my ring"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    finally:
        context.close()


ONE_LAYOUT_UNIT = 1 / 32  # Chromium lays boxes out in 1/64 px: a width and its left edge each rounded


def drawn_width(page: Page, selector: str) -> float:
    """The on-screen width, in CSS px, of the one element `selector` finds (as the browser laid it out)."""
    return page.locator(selector).evaluate("(e) => e.getBoundingClientRect().width")


def tap_slider_at(page: Page, key: str, value: float) -> float:
    """Tap a finger on the slider `key`'s track where `value` lies; return the value it took, once the page has run."""
    thumb = page.locator(f".st-key-{key} input")
    before = thumb.input_value()
    low, high = float(thumb.get_attribute("min")), float(thumb.get_attribute("max"))
    track = page.locator(f".st-key-{key} div[role=group] > div").first
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * (value - low) / (high - low), box["y"] + box["height"] / 2)
    wait_for_change(thumb.input_value, before)
    wait_until_idle(page)
    return float(thumb.input_value())
