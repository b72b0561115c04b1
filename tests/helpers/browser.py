"""Driving the app's page in headless Chromium (Playwright): reading the price, waiting for a run to finish, picking in
selectboxes, ticking boxes, signing in, reading the design back from the share link, watching the 3D viewer.

Importing this module skips the importing test file when there is no Chromium."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.helpers.servers import STAFF_PASSWORD
from webapp.server import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it", allow_module_level=True)

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import Page  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CANVAS_S = 120  # software GL draws the first frame in 5-40 s on a busy machine
RERUN_S = 30
RUN_S = 60  # a whole run: after the price come the download files and the 3D export, slow on a busy machine
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                       "Gecko) Version/17.0 Mobile/15E148 Safari/604.1"}


def open_app(browser, url: str) -> Page:
    """A new browser context (another device: no cookies, no session) showing `url`, loaded and priced."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)  # the first run also waits for the 3D export
    wait_until_idle(page)  # the whole first run: share link, address bar and files are the design's
    return page


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


def checkbox(page: Page, label: str | re.Pattern):
    return page.get_by_role("checkbox", name=label, exact=True)


def tick(page: Page, label: str | re.Pattern, ticked: bool = True) -> None:
    """Tick (or untick) a Streamlit checkbox by clicking its label (the input itself is visually hidden)."""
    box = checkbox(page, label)
    if box.is_checked() != ticked:
        page.get_by_test_id("stCheckbox").filter(has=box).locator("label").first.click()
        wait_for_run(page)
    wait_for_value(box.is_checked, ticked)


def wait_for_run(page: Page, start_s: float = 3.0) -> None:
    """Wait for the run a change starts to finish. The box shows the change at once, but the server's run begins a
    moment later: until then the page reads idle and still holds what came before (a download gives the old file)."""
    app = page.get_by_test_id("stApp")
    deadline = time.monotonic() + start_s
    while app.get_attribute("data-test-script-state") != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    wait_until_idle(page)


def go_to(page: Page, section: str) -> None:
    """Open a page by its link in the sidebar's menu (the pointer moved off first, as a hand would: a button's
    tooltip left showing where it was pressed may cover the link)."""
    page.mouse.move(0, 0)
    page.get_by_test_id("stTooltipContent").wait_for(state="hidden", timeout=RERUN_S * 1000)
    page.get_by_test_id("stSidebar").get_by_role("link", name=section, exact=True).click()
    page.get_by_role("heading", name={"Design": "Design your piece"}.get(section, section)).wait_for(
        timeout=RERUN_S * 1000
    )


def shared_doc(page: Page) -> dict:
    """The whole design the page holds, read back from its Share link (what another device would open)."""
    from configurator.share import decode_design

    box = page.get_by_role("textbox", name="Share link", exact=True)
    deadline = time.monotonic() + RERUN_S
    while "design=" not in (link := box.input_value()):  # a run that has just begun redraws the box
        if time.monotonic() > deadline:
            page.screenshot(path="/tmp/share-link-empty.png", full_page=True)
            pytest.fail(f"the Share link holds no design: {link!r}")
        time.sleep(0.2)
    return decode_design(link.split("design=", 1)[1]).to_dict()


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
    # every picture on the page loaded (a saved design's thumbnail comes from the server a moment after its row)
    page.wait_for_function("() => Array.from(document.images).every((image) => image.complete && image.naturalWidth)",
                           timeout=RERUN_S * 1000)
    page.screenshot(path=str(target), full_page=True, animations="disabled")  # the button's fade finished at once
    assert target.stat().st_size > 10_000


def preview_frame(page: Page):
    """The viewer's frame (model-viewer draws the piece's GLB in it)."""
    from webapp.viewer import FRAME_SELECTOR

    return page.locator(FRAME_SELECTOR)


def viewer_state(page: Page) -> dict:
    """What the viewer reports (`window.configuratorViewer()`: the GLB shown and wanted, the materials, the
    camera), with the metal it drew; empty while the frame is not there."""
    from webapp.viewer import FRAME_SELECTOR

    body = page.frame_locator(FRAME_SELECTOR).locator("body")
    try:
        state = body.evaluate("() => window.configuratorViewer ? window.configuratorViewer() : null", timeout=15_000)
        return dict(state or {}, metal=body.get_attribute("data-metal", timeout=15_000),
                    camera_state=body.get_attribute("data-camera", timeout=15_000))
    except PlaywrightError:
        return {}


def wait_for_viewer(page: Page, key: str | None = None, metal: str | None = None) -> dict:
    """Wait until the viewer shows the GLB it was last sent (`key`, given) in `metal` (given); return its state."""
    deadline = time.monotonic() + CANVAS_S
    while True:
        state = viewer_state(page)
        if (state.get("state") == "shown" and state.get("key") == state.get("wanted")
                and (key is None or state["key"] == key) and (metal is None or state.get("metal") == metal)):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"the viewer did not show the piece: {state}")
        time.sleep(0.3)


def normal(doc: dict) -> dict:
    from configurator.documents import parse_design

    return parse_design(doc).to_dict()


def holds(page: Page, expected: dict, timeout: float = RUN_S) -> None:
    """Wait until the page's design (read back from its share link) is `expected`, whole."""
    expected = normal(expected)
    deadline = time.monotonic() + timeout
    while True:
        wait_until_idle(page)
        now = shared_doc(page)
        if now == expected:
            return
        if time.monotonic() > deadline:
            assert now == expected
        time.sleep(0.3)


def change_one_thing(page: Page, loaded: dict) -> None:
    """After a design arrived: a click on a control that is not part of the design, then one change; the page must
    hold the loaded design plus that change, every field of it (the controls did not bring back an old value)."""
    loaded = normal(loaded)
    page.get_by_role("radiogroup", name="View").get_by_text("side", exact=True).click()  # not a design field
    holds(page, loaded)
    metal = "palladium-950" if loaded["metal"] != "palladium-950" else "silver-925"
    choose(page, "Metal", catalogue_name(metal))
    holds(page, {**loaded, "metal": metal})


def catalogue_name(metal_id: str) -> str:
    from configurator import catalogue

    return catalogue.metal(metal_id).name


def open_section(page: Page, label: str) -> None:
    page.get_by_text(label, exact=True).click()


def sign_in(page: Page) -> None:
    go_to(page, "Store settings")
    box = page.get_by_label("Store password", exact=True)
    box.fill(STAFF_PASSWORD)
    box.press("Enter")  # Enter unlocks
    page.get_by_role("button", name="Lock the store settings", exact=True).wait_for(timeout=RERUN_S * 1000)


def downloaded(page: Page, label: str, folder: Path, timeout_s: float) -> Path:
    """Press the download button labelled `label` and save what the browser receives into `folder`."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).get_by_role("button")
    wait_until_idle(page)
    for attempt in range(2):  # a file made when pressed: a press that lands as a rerun begins is lost, press again
        # Enabled: the check passed. On a loaded machine the page may still be reconnecting to a busy server
        # (Streamlit disables its widgets meanwhile), or making the file pressed before: wait, as a person would.
        wait_for_value(button.is_enabled, True, timeout=RUN_S)
        try:
            with page.expect_download(timeout=timeout_s * 1000) as info:
                button.click(timeout=RUN_S * 1000)
            break
        except PlaywrightError:
            if attempt == 1:
                raise
            wait_until_idle(page)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def downloaded_as(page: Page, label: str, folder: Path, name: str, timeout_s: float) -> Path:
    """The file the button labelled `label` gives once the page shows the change just made: a click's rerun may
    not have begun when the page first reads idle, and the button then still gives the file from before it. Fails
    naming what came instead when `name` does not come within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while (path := downloaded(page, label, folder, RERUN_S)).name != name:
        if time.monotonic() > deadline:
            pytest.fail(f"{label}: still {path.name!r}, not {name!r}, after {timeout_s} s")
        wait_until_idle(page)
    return path
