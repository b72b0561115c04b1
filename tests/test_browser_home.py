"""At home on a phone (390 x 844, touch), in a real browser: she stars three designs, compares them side by side
(swiping between the cards) and opens one to go on designing; she goes through the guided steps from a budget to a
saved design with the piece and its total on every screen.

The server runs with the 3D preview off: what is tested is the way through, not the picture (test_browser.py draws
it). Set UPDATE_SCREENSHOTS=1 to refresh docs/images/compare-phone.png and docs/images/guided-phone.png."""

from __future__ import annotations

import io
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page

from tests.helpers.browser import (  # skips this module when there is no Chromium
    PHONE,
    RERUN_S,
    ROOT,
    RUN_S,
    choose,
    screenshot_target,
    wait_for_run,
    wait_until_idle,
)

pytestmark = pytest.mark.slow  # a server and a browser: `-m "not slow"` leaves it out


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """An app server with the preview off and a fresh database; yields its URL."""
    from tests.helpers.servers import serving

    with serving(preview=False) as url:
        yield url


@pytest.fixture
def phone(browser):
    context = browser.new_context(accept_downloads=True, **PHONE)
    yield context.new_page()
    context.close()


def address_design(page: Page) -> dict:
    from configurator.share import decode_design

    query = parse_qs(urlsplit(page.url).query)
    return decode_design(query["design"][0]).to_dict() if "design" in query else {}


def tap(page: Page, name: str | re.Pattern, role: str = "button") -> None:
    page.get_by_role(role, name=name).first.tap()
    wait_for_run(page)


def star(page: Page) -> None:
    tap(page, "☆ Add to favourites")
    page.get_by_role("button", name="★ In your favourites").wait_for(timeout=RERUN_S * 1000)


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # nothing off the side of the phone


def test_she_stars_three_designs_compares_them_and_opens_one(phone, home, tmp_path):
    from configurator.documents import load_design
    from configurator.share import encode_design

    page = phone
    page.goto(f"{home}/?design={encode_design(load_design(ROOT / 'models' / 'solitaire-ring.json'))}")
    page.get_by_role("button", name="☆ Add to favourites").wait_for(timeout=RUN_S * 1000)
    wait_until_idle(page)
    star(page)
    for metal in ("platinum 950", "18k rose gold"):
        choose(page, "Metal", metal)
        wait_for_run(page)
        page.get_by_role("button", name="☆ Add to favourites").wait_for(timeout=RERUN_S * 1000)
        star(page)
    tap(page, "Compare favourites (3)", role="link")
    cards = page.locator("[data-favourite]")
    cards.nth(2).wait_for(timeout=RUN_S * 1000)
    wait_until_idle(page)
    assert cards.count() == 3
    assert page.locator('.compare-row.differs[data-row="Metal"]').count() == 3  # what differs is marked ...
    assert page.locator('.compare-row.differs[data-row="Size"]').count() == 0  # ... and only that
    fits_the_screen(page)
    row = page.locator(".st-key-compare [data-testid='stHorizontalBlock']").first
    sizes = row.evaluate("(e) => [e.scrollWidth, e.clientWidth, getComputedStyle(e).scrollSnapType]")
    assert sizes[0] > 2 * sizes[1] and sizes[2].startswith("x")  # three cards in a row wider than the screen
    first = cards.nth(0).bounding_box()
    assert first["x"] >= 0 and first["x"] + first["width"] <= 390  # one card across the screen at a time
    target = screenshot_target("compare-phone.png", tmp_path)
    page.screenshot(path=str(target), animations="disabled")
    swipe_left(page, first["y"] + 120)
    moved = wait_for_scroll(row)
    assert moved > 200, moved  # a swipe brings the next card
    row.evaluate("(e) => e.scrollTo({left: e.scrollWidth})")
    page.get_by_role("button", name="Open to go on designing").nth(1).tap()
    page.get_by_role("heading", name="Design your piece").wait_for(timeout=RUN_S * 1000)
    wait_until_idle(page)
    deadline = time.monotonic() + RERUN_S
    while address_design(page).get("metal") != "platinum-950" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert address_design(page)["metal"] == "platinum-950"  # the second starred, opened to go on designing
    page.get_by_role("button", name="★ In your favourites").wait_for(timeout=RERUN_S * 1000)


def swipe_left(page: Page, y: float) -> None:
    """A one-finger swipe from right to left, as a touch screen sends it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": 340, "y": y}]})
    for step in range(1, 16):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": 340 - 20 * step, "y": y}]})
        time.sleep(0.016)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def wait_for_scroll(row) -> float:
    """The row's scroll once it comes to rest (it snaps to a card a moment after the finger lifts)."""
    last, deadline = -1.0, time.monotonic() + 5
    while time.monotonic() < deadline:
        now = row.evaluate("(e) => e.scrollLeft")
        if now == last and now > 0:
            return now
        last = now
        time.sleep(0.25)
    return last


def top_bar_in_view(page: Page, step: int) -> str:
    """The pinned bar on this screen: it says the step, it is on the screen, and it shows the piece and a total."""
    bar = page.locator(f'.guided-top[data-guided-step="{step}"]')
    bar.wait_for(timeout=RUN_S * 1000)
    wait_until_idle(page)
    box = bar.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    assert page.locator(".guided-top img").evaluate("(image) => image.complete && image.naturalWidth") > 0
    total = bar.locator("[data-total]").inner_text()
    assert re.fullmatch(r"USD [\d,]+\.\d\d", total), total
    fits_the_screen(page)
    return total


def next_step(page: Page, step: int) -> None:
    page.get_by_role("button", name=re.compile("→$")).tap()
    top_bar_in_view(page, step)


def test_she_goes_step_by_step_from_a_budget_to_a_saved_design(phone, home, tmp_path):
    page = phone
    shots = []
    page.goto(f"{home}/guided")
    top_bar_in_view(page, 1)
    box = page.get_by_role("textbox", name="Your budget (USD)")
    box.fill("25 000")
    box.press("Enter")
    page.get_by_role("button", name="Start from this").first.wait_for(timeout=RUN_S * 1000)
    wait_until_idle(page)
    shots.append(page.screenshot(animations="disabled"))
    page.get_by_role("button", name="Start from this").first.tap()
    first = top_bar_in_view(page, 2)
    page.get_by_role("button", name="Bezel", exact=True).tap()
    page.get_by_role("button", name="✓ Bezel").wait_for(timeout=RERUN_S * 1000)
    assert top_bar_in_view(page, 2) != first  # the total follows the choice, on the screen where it is made
    shots.append(page.screenshot(animations="disabled"))
    next_step(page, 3)
    page.get_by_role("button", name="Oval", exact=True).tap()
    page.get_by_role("button", name="✓ Oval").wait_for(timeout=RERUN_S * 1000)
    top_bar_in_view(page, 3)
    shots.append(page.screenshot(animations="disabled"))
    next_step(page, 4)
    choose(page, "Metal", "18k yellow gold")
    wait_for_run(page)
    top_bar_in_view(page, 4)
    shots.append(page.screenshot(animations="disabled"))
    next_step(page, 5)
    page.get_by_role("textbox", name="Your name").fill("Ada")
    page.get_by_role("button", name="Save my design").tap()
    page.get_by_text(re.compile(r"^Saved as #\d+ for Ada")).wait_for(timeout=RUN_S * 1000)
    top_bar_in_view(page, 5)
    shots.append(page.screenshot(animations="disabled"))
    saved = address_design(page)
    assert (saved["metal"], saved["stone"]["shape"], saved["setting"]["style"]) == ("18k-yellow", "oval", "bezel")
    montage(shots, screenshot_target("guided-phone.png", tmp_path))


def montage(shots: list[bytes], target) -> None:
    """The steps' screens side by side, each at the phone's own 390 x 844."""
    screens = [Image.open(io.BytesIO(shot)).convert("RGB").resize((390, 844), Image.LANCZOS) for shot in shots]
    sheet = Image.new("RGB", (len(screens) * 400 - 10, 844), "white")
    for index, screen in enumerate(screens):
        sheet.paste(screen, (index * 400, 0))
    sheet.save(target, optimize=True)
    assert target.stat().st_size > 20_000


def test_an_order_is_approved_on_her_phone_and_followed_there_stage_by_stage(browser, phone, home):
    """Staff place an order from her saved design; she approves it on her phone by her link and code; staff move it
    on and her page shows each stage, opened again by her link without the code (her phone keeps it); a visitor with
    the link but not the code sees nothing of it."""
    from tests.helpers.browser import go_to, sign_in

    page = phone
    page.goto(home)
    page.get_by_role("textbox", name="Client name", exact=True).fill("Ada")
    page.get_by_role("button", name="Save design", exact=True).tap()
    saved = page.locator('[data-message="success"]').filter(has_text=re.compile(r"^Saved as #\d+"))
    saved.wait_for(timeout=RUN_S * 1000)
    code = re.search(r"access code is ([A-Z0-9-]{19})", saved.inner_text()).group(1)

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(home)
    wait_until_idle(staff)
    sign_in(staff)
    go_to(staff, "Orders")  # in the same session: a new address would be a new visit, signed out
    staff.get_by_role("textbox", name="Your name (staff)").fill("Ann")
    staff.get_by_role("textbox", name="Your name (staff)").press("Enter")
    wait_for_run(staff)
    staff.get_by_role("button", name="Place the order").click()
    placed = staff.locator('[data-message="success"]').filter(has_text=re.compile(r"^Order J-\d+ placed for Ada"))
    placed.wait_for(timeout=RUN_S * 1000)
    number = re.match(r"Order (J-\d+)", placed.inner_text()).group(1)

    def her_page(address: str = f"/order?order={number}&code={code}") -> str:
        page.goto(home + address)
        line = page.locator(".order-line")
        line.wait_for(timeout=RUN_S * 1000)
        wait_until_idle(page)
        fits_the_screen(page)
        return line.get_attribute("data-stage")

    assert her_page() == "awaiting_approval"
    assert "code=" not in page.evaluate("location.href")  # the code leaves the address bar
    page.get_by_role("textbox", name="Type your full name to approve").fill("Ada Lovelace")
    page.get_by_role("button", name="I approve this design").tap()
    page.get_by_text(re.compile(r"^Thank you, Ada Lovelace")).wait_for(timeout=RUN_S * 1000)
    assert page.locator(".order-line").get_attribute("data-stage") == "approved"
    for stage in ("wax printed", "cast"):
        go_to(staff, "Orders")  # the board again, after her approval
        staff.get_by_role("button", name="Move", exact=True).wait_for(timeout=RUN_S * 1000)
        wait_until_idle(staff)
        assert staff.get_by_role("combobox", name="Move to").input_value() == stage  # the next stage, offered first
        staff.get_by_role("button", name="Move", exact=True).click()
        staff.locator('[data-message="success"]').filter(has_text=f"is now at “{stage}”").wait_for(
            timeout=RUN_S * 1000)
        assert her_page(f"/order?order={number}") == stage.replace(" ", "_")  # her phone keeps it: no code
    staff.context.close()

    stranger = browser.new_context(**PHONE).new_page()
    stranger.goto(f"{home}/order?order={number}")
    stranger.get_by_role("button", name="Open my order").wait_for(timeout=RUN_S * 1000)
    wait_until_idle(stranger)
    assert stranger.locator(".order-line").count() == 0 and number not in stranger.content()
    stranger.context.close()
