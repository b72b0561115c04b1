"""The browser draws the piece: what model-viewer in Debian's chromium shows, reads and fetches.

Each test reads the viewer's own state (`window.configuratorViewer()` in its frame: the GLB by key, the materials,
the camera) rather than waiting on pixels, takes few screenshots and looks at their colours; what crosses the wire
is counted by a relay between the browser and the server (bench/wire.py). The tests of the picture draw it
(`drawing_browser`: WebGL through SwiftShader); those of what crosses the wire, what the server loads and where the
piece sits on a phone read the viewer's state in a browser that draws nothing (`browser`).
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from configurator import glb
from configurator.builds import model_of
from configurator.documents import parse_design
from configurator.share import encode_design
from tests.helpers.browser import (  # skips this module when there is no Chromium
    PHONE,
    RERUN_S,
    ROOT,
    choose,
    go_to,
    open_app,
    preview_frame,
    price_value,
    screenshot_target,
    shared_doc,
    sign_in,
    tick,
    viewer_state,
    wait_for_viewer,
    wait_until_idle,
)
from webapp.viewer import FRAME_SELECTOR

pytestmark = pytest.mark.slow

METAL_CHANGE_BYTES = 20_000  # the bound: a metal change sends no geometry


def preset(name: str) -> dict:
    return json.loads((ROOT / "models" / f"{name}.json").read_text())


def opened(browser, server: str, doc: dict, **device):
    """A new device (a desktop, or `device`'s) showing `doc` by its share link, its piece drawn."""
    link = f"{server}/?design={encode_design(parse_design(doc))}"
    if not device:
        page = open_app(browser, link)
    else:
        page = browser.new_context(accept_downloads=True, **device).new_page()
        page.goto(link)
        price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
        wait_until_idle(page)
    wait_for_viewer(page)
    return page


def key_of(page) -> str:
    return glb.glb_key(parse_design(shared_doc(page)))


def metal_colour(page) -> list[float]:
    return viewer_state(page)["materials"]["metal"]["baseColor"][:3]


def expected_colour(metal: str) -> list[float]:
    return glb.metal_material(metal)["pbrMetallicRoughness"]["baseColorFactor"][:3]


def test_the_viewer_draws_the_designs_glb_in_its_metal(drawing_browser, server):
    page = opened(drawing_browser, server, preset("solitaire-ring"))
    try:
        state = wait_for_viewer(page, key=key_of(page))
        assert state["materials"]["metal"]["baseColor"][:3] == pytest.approx(expected_colour(shared_doc(page)["metal"]),
                                                                             abs=1e-3)
        assert state["materials"]["stone-centre"]["ior"] == pytest.approx(2.417, abs=1e-3)
        width, height, depth = (float(part.rstrip("m")) for part in state["dimensions"].split())
        assert 0.015 < width < 0.03 and 0.015 < height < 0.035 and depth < 0.012  # true size, in metres

        choose(page, "Metal", "18k rose gold")  # a new material, the same GLB
        state = wait_for_viewer(page, key=state["key"], metal="18k-rose")
        assert state["materials"]["metal"]["baseColor"][:3] == pytest.approx(expected_colour("18k-rose"), abs=1e-3)

        choose(page, "Shape", "oval")  # a new geometry: its own GLB
        wait_until_idle(page)
        state = wait_for_viewer(page, key=key_of(page), metal="18k-rose")
        assert state["src"].endswith(f"{state['key']}.glb")

        shape_key = state["key"]
        choose(page, "Ring size", "6.75")  # another size: another GLB (the preset is a US 6.5)
        wait_until_idle(page)
        state = wait_for_viewer(page, key=key_of(page), metal="18k-rose")
        assert state["key"] != shape_key and shared_doc(page)["ring"]["size"]["value"] == 6.75
        width = float(state["dimensions"].split()[0].rstrip("m"))
        tick(page, "On a finger, for scale")  # the piece on a finger of its size
        state = wait_for_viewer(page, key=key_of(page) + "-scale")
        depth = float(state["dimensions"].split()[2].rstrip("m"))
        assert depth > 0.08  # the finger runs through the ring
        assert float(state["dimensions"].split()[0].rstrip("m")) == pytest.approx(width, abs=1e-4)  # inside it
        assert state["arModes"] == "webxr scene-viewer quick-look"  # AR where the phone offers it
    finally:
        page.context.close()


def metal_pixels(png: bytes) -> np.ndarray:
    """The pixels of the piece (far from the viewer's #f5f3ef background), as RGB floats."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(float).reshape(-1, 3)
    return pixels[np.abs(pixels - [245, 243, 239]).max(axis=1) > 40]


SHOTS = {  # docs/images/<name>: the preset and what changes in it
    "viewer-solitaire-18k-yellow.png": ("solitaire-ring", {"metal": "18k-yellow"}),
    "viewer-solitaire-18k-rose.png": ("solitaire-ring", {"metal": "18k-rose"}),
    "viewer-solitaire-platinum.png": ("solitaire-ring", {"metal": "platinum-950"}),
    "viewer-sapphire-halo.png": ("halo-ring", {"stone": {"material": "sapphire", "color": "blue",
                                                         "clarity": "eye-clean"}}),
    "viewer-pendant.png": ("bezel-pendant", {}),
}


def test_screenshots_show_yellow_gold_yellow_and_platinum_grey(drawing_browser, server, tmp_path):
    colours = {}
    for name, (preset_name, change) in SHOTS.items():
        doc = preset(preset_name)
        for field, value in change.items():
            doc[field] = {**doc[field], **value} if isinstance(value, dict) else value
            if field == "stone":
                doc["stone"].pop("stock_number", None)
                doc["stone"].pop("color_grade", None)
        page = opened(drawing_browser, server, doc)
        try:
            target = screenshot_target(name, tmp_path)
            png = preview_frame(page).screenshot()
            target.write_bytes(png)
            pixels = metal_pixels(png)
            assert len(pixels) > 5_000, name  # the piece is drawn
            colours[name] = np.median(pixels, axis=0)
        finally:
            page.context.close()
    r, g, b = colours["viewer-solitaire-18k-yellow.png"]
    assert r - b > 35 and g - b > 15, colours  # yellow: red and green well over blue
    r, g, b = colours["viewer-solitaire-platinum.png"]
    assert abs(r - b) < 22 and abs(r - g) < 15, colours  # grey
    rose, yellow = colours["viewer-solitaire-18k-rose.png"], colours["viewer-solitaire-18k-yellow.png"]
    assert rose[0] / rose[1] > yellow[0] / yellow[1]  # rose is redder than yellow


def test_a_metal_change_sends_no_geometry_and_a_glb_comes_once(browser, server):
    from bench.wire import relay

    doc = preset("halo-ring")
    with relay(server) as (relayed, counter):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        glbs: list[str] = []
        page.on("response", lambda response: glbs.append(response.url) if response.url.endswith(".glb")
                and response.status == 200 else None)
        try:
            page.goto(f"{relayed}/?design={encode_design(parse_design(doc))}")
            price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
            wait_until_idle(page)
            first = wait_for_viewer(page)
            assert len(glbs) == 1
            sizes = []
            for metal, metal_id in (("14k white gold", "14k-white"), ("platinum 950", "platinum-950")):
                wait_until_idle(page)
                counter.reset()
                choose(page, "Metal", metal)
                wait_until_idle(page)
                wait_for_viewer(page, key=first["key"], metal=metal_id)
                sizes.append(counter.to_browser)
            print(f"bytes a metal change, through the wire: {sizes}")
            assert max(sizes) <= METAL_CHANGE_BYTES, sizes
            assert len(glbs) == 1  # no geometry was sent again

            choose(page, "Metal", "18k yellow gold")
            wait_until_idle(page)
            box = page.get_by_role("checkbox", name="On a finger, for scale", exact=True)
            tick(page, "On a finger, for scale")  # another geometry: one new GLB
            wait_for_viewer(page, key=first["key"] + "-scale")
            assert len(glbs) == 2
            tick(page, "On a finger, for scale", ticked=False)  # back: the browser has it already
            assert not box.is_checked()
            wait_for_viewer(page, key=first["key"])
            assert len(glbs) == 2, glbs
        finally:
            context.close()


def test_the_viewer_needs_nothing_from_outside_the_app(drawing_browser, server):
    """Every request to another host is refused: the piece (Draco-compressed) is drawn all the same, and the page
    did not even try to reach one."""
    origin = urlsplit(server).netloc
    outside: list[str] = []
    context = drawing_browser.new_context(viewport={"width": 1400, "height": 1000})

    def guard(route):
        if urlsplit(route.request.url).netloc not in (origin, "") and not route.request.url.startswith(
                ("data:", "blob:")):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    try:
        page.goto(f"{server}/?design={encode_design(parse_design(preset('three-stone')))}")
        price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
        state = wait_for_viewer(page)
        assert state["loaded"] and set(state["materials"]) >= {"metal", "stone-centre"}
        assert outside == []
    finally:
        context.close()


def test_the_download_is_the_viewers_glb_and_a_spin_is_made_in_the_browser(drawing_browser, server, tmp_path):
    doc = preset("comfort-band")
    page = opened(drawing_browser, server, doc)
    try:
        design = parse_design(shared_doc(page))
        with page.expect_download(timeout=RERUN_S * 1000) as download:
            page.get_by_role("button", name="Download 3D model (GLB)").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.suffix == ".glb" and path.read_bytes() == glb.glb(model_of(design))
        state = viewer_state(page)
        served = page.request.get(f"{server}/app/static/glb/{state['key']}.glb").body()
        assert glb.read_back(served)[1].keys() == glb.read_back(path.read_bytes())[1].keys()

        frame = page.frame_locator(FRAME_SELECTOR)
        downloads = []
        page.on("download", lambda item: downloads.append(item))
        preview_frame(page).scroll_into_view_if_needed()
        frame.get_by_role("button", name="360° spin").click()
        deadline = time.monotonic() + 240
        while len(downloads) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        names = sorted(item.suggested_filename for item in downloads)
        stem = Path(path.name).stem
        assert names == [f"{stem}-spin.webm", f"{stem}-stills.zip"], names
        stills = tmp_path / "stills.zip"
        next(item for item in downloads if item.suggested_filename.endswith(".zip")).save_as(stills)
        with zipfile.ZipFile(stills) as archive:
            assert archive.testzip() is None
            members = archive.namelist()
            assert len(members) == 12 and all(name.endswith(".png") for name in members)
            first = Image.open(io.BytesIO(archive.read(members[0])))
            assert first.width >= 300
        video = tmp_path / "spin.webm"
        next(item for item in downloads if item.suggested_filename.endswith(".webm")).save_as(video)
        assert video.read_bytes()[:4] == b"\x1a\x45\xdf\xa3" and video.stat().st_size > 5_000  # a WebM (EBML)
    finally:
        page.context.close()


def vtk_loaded(pid: int) -> bool:
    """Whether the server process has any of VTK's libraries mapped."""
    return "vtkmodules" in Path(f"/proc/{pid}/maps").read_text()


def test_the_server_loads_no_vtk_until_staff_open_the_workshop_view(browser):
    from tests.helpers.servers import STAFF_PASSWORD
    from webapp.server import app_server

    with app_server(preview=True, store_password=STAFF_PASSWORD) as (url, process):
        page = opened(browser, url, preset("halo-ring"))
        try:
            choose(page, "Metal", "18k rose gold")
            wait_until_idle(page)
            wait_for_viewer(page, metal="18k-rose")
            assert not vtk_loaded(process.pid)  # a client's page and changes never import vtk
            sign_in(page)
            go_to(page, "Design")
            wait_until_idle(page)
            assert not vtk_loaded(process.pid)
            page.get_by_text("Workshop view: wall thickness", exact=True).click()
            page.get_by_text("thinnest", exact=False).first.wait_for(timeout=180_000)
            assert vtk_loaded(process.pid)
        finally:
            page.context.close()


def test_a_phone_shows_the_piece_and_its_price_on_the_first_screen(browser, server):
    page = opened(browser, server, preset("solitaire-ring"), **PHONE)
    try:
        frame, total = preview_frame(page).bounding_box(), price_value(page).bounding_box()
        assert total["y"] + total["height"] <= 844 and frame["y"] + frame["height"] <= 844, (frame, total)
        assert viewer_state(page)["key"] == key_of(page)
    finally:
        page.context.close()
