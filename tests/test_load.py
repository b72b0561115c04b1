"""The app under load: 10 browser sessions at once against one `streamlit run app.py` server.

Ten browser contexts (ten devices: no shared cookies or session) of one headless Chromium, driven concurrently
with Playwright's asyncio API, open the app together; then, all at the same time, each picks its own metal
and its own band width with the widgets. Afterwards every page must still show its own metal, its own width and
the price of its own design, computed here with `configurator.quotes.price`: nothing leaked between sessions.

Responsiveness is bounded by generous time limits on the waits (a first page within LOAD_S, each action's
new price within ACTION_S); the latencies actually seen are printed, never asserted.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from configurator import catalogue
from configurator.documents import parse_design
from configurator.quotes import price
from webapp.server import CHROMIUM, CHROMIUM_UNDRAWN_ARGS, ROOT

pytestmark = pytest.mark.slow  # a server and ten browsers: `-m "not slow"` leaves it out

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it", allow_module_level=True)

SESSIONS = 10
LOAD_S = 180  # ten first pages at once, each with its 3D export, on a small shared machine
ACTION_S = 90  # a choice's new price on every page (20-55 s seen with two cores shared with other work)
DEFAULT = json.loads((ROOT / "models" / "comfort-band.json").read_text(encoding="utf-8"))
WIDTH_STEP_MM = 0.1  # the Width slider's step


@dataclass
class Session:
    """One client's choices, what the page must show for them, and how long each took to show."""

    number: int
    metal: str  # the alloy's id
    width_mm: float
    latencies: dict[str, float] = field(default_factory=dict)
    drops: int = 0  # times the page's connection to the server closed (a page reconnects by itself)

    @property
    def metal_name(self) -> str:
        return catalogue.metal(self.metal).name

    def doc(self, width_mm: float | None = None) -> dict:
        doc = json.loads(json.dumps(DEFAULT))
        doc["metal"] = self.metal
        doc["ring"]["width_mm"] = self.width_mm if width_mm is None else width_mm
        return doc

    def price_text(self, width_mm: float | None = None) -> str:
        """The Price metric as app.py shows it for this session's design."""
        quoted = price(parse_design(self.doc(width_mm)))
        return f"{quoted.currency} {quoted.total:,.2f}"


def sessions() -> list[Session]:
    """Ten different designs: every session changes the default band's metal (platinum) and its width (4 mm)."""
    metals = [metal for metal in catalogue.metals() if metal != DEFAULT["metal"]]
    assert len(metals) >= SESSIONS
    start = DEFAULT["ring"]["width_mm"]
    return [Session(n, metals[n], round(start + (n + 1) * WIDTH_STEP_MM, 2)) for n in range(SESSIONS)]


# ---------------------------------------------------------------- async page helpers (as in tests/helpers/browser.py)


def price_value(page):
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(r"^Price$")))
        .get_by_test_id("stMetricValue")
    )


def width_slider(page):
    return (
        page.get_by_test_id("stSlider")
        .filter(has=page.get_by_test_id("stWidgetLabel").filter(has_text=re.compile(r"^Band width \(mm\)$")))
        .get_by_role("slider")
    )


def metal_box(page):
    return page.get_by_role("combobox", name="Metal", exact=True)


async def text_of(locator) -> str | None:
    try:
        return await locator.inner_text(timeout=5000)
    except PlaywrightError:
        return None  # not there yet, or replaced by a rerun


async def wait_for(read, expected, timeout: float, what: str):
    """Poll the coroutine function `read` until it returns `expected`; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        now = await read()
        if now == expected:
            return now
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: expected {expected!r}, still {now!r} after {timeout:.0f} s")
        await asyncio.sleep(0.25)


async def choose(page, option: str) -> None:
    """Pick `option` in the Metal selectbox (open the list, click the option) until the box shows it."""
    box = metal_box(page)
    item = page.get_by_role("listbox").get_by_role("option", name=option, exact=True)
    deadline = time.monotonic() + ACTION_S
    wait_ms = ACTION_S * 1000  # a loaded machine may take long over a run; the deadline above still holds
    while (await box.input_value(timeout=wait_ms) != option
           or await box.get_attribute("aria-expanded", timeout=wait_ms) == "true"):
        if time.monotonic() > deadline:
            pytest.fail(f"could not choose {option!r} as the metal: it shows {await box.input_value()!r}")
        try:
            if await box.get_attribute("aria-expanded") == "true":
                await item.click(timeout=3000)
            else:
                await box.click(timeout=3000)
        except PlaywrightError:
            pass  # the list closed under the click (a rerun landed): look again
        await asyncio.sleep(0.3)


async def set_width(page, width_mm: float) -> None:
    """Move the Width slider to `width_mm` with the keyboard, correcting for any key press a rerun swallowed."""
    thumb = width_slider(page)
    target = f"{width_mm:.2f}"
    deadline = time.monotonic() + ACTION_S
    while (shown := await thumb.get_attribute("aria-valuetext")) != target:
        if time.monotonic() > deadline:
            pytest.fail(f"the Width slider shows {shown!r}, not {target}")
        steps = round((width_mm - float(shown)) / WIDTH_STEP_MM)
        await thumb.focus()
        for _ in range(abs(steps)):
            await thumb.press("ArrowRight" if steps > 0 else "ArrowLeft")
        await asyncio.sleep(0.5)


async def idle(page) -> None:
    """Wait until the session's script run has finished (downloads and the 3D preview made)."""
    app = page.get_by_test_id("stApp")
    await wait_for(lambda: app.get_attribute("data-test-script-state"), "notRunning", ACTION_S, "the page's run")


# ---------------------------------------------------------------- one session, start to end


async def open_page(browser, url: str, session: Session):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    # The server does all its work for the 3D view (the GLB built, encoded and written), but these ten browsers do
    # not draw it: ten software-GL viewers on the server's own two cores would starve the pages' clicks (a real
    # client draws on her own device). tests/test_browser_viewer.py tests the viewer itself.
    await context.route("**/component/**", lambda route: route.abort())
    page = await context.new_page()

    def watch(socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("close", lambda _: setattr(session, "drops", session.drops + 1))

    page.on("websocket", watch)
    start = time.monotonic()
    await page.goto(url, timeout=LOAD_S * 1000)
    await price_value(page).wait_for(timeout=LOAD_S * 1000)
    session.latencies["page"] = time.monotonic() - start
    return page


async def make_choices(page, session: Session, expected: dict[str, str], go: asyncio.Event) -> None:
    """Choose this session's metal, then its width; after each, wait for the page to show that design's price."""
    await go.wait()  # every session starts its choices together
    start = time.monotonic()
    await choose(page, session.metal_name)
    await wait_for(lambda: text_of(price_value(page)), expected["metal"], ACTION_S,
                   f"session {session.number}: the price after choosing {session.metal_name}")
    session.latencies["metal"] = time.monotonic() - start
    start = time.monotonic()
    await set_width(page, session.width_mm)
    await wait_for(lambda: text_of(price_value(page)), expected["final"], ACTION_S,
                   f"session {session.number}: the price at width {session.width_mm:.2f} mm")
    session.latencies["width"] = time.monotonic() - start


async def settle(read, expected, timeout: float):
    """Poll the coroutine function `read` until it returns `expected` or `timeout` s pass; return what it read."""
    deadline = time.monotonic() + timeout
    while (now := await read()) != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    return now


async def what_it_shows(page, session: Session, price_text: str) -> dict:
    """The page's metal, width and price once its run has finished (given ACTION_S to show this session's)."""
    await idle(page)
    return {"metal": await settle(lambda: metal_box(page).input_value(), session.metal_name, ACTION_S),
            "width": await settle(lambda: width_slider(page).get_attribute("aria-valuetext"),
                                  f"{session.width_mm:.2f}", ACTION_S),
            "price": await settle(lambda: text_of(price_value(page)), price_text, ACTION_S)}


async def drive(url: str, plan: list[Session], expected: list[dict[str, str]]) -> list[dict]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_UNDRAWN_ARGS)
        try:
            pages = await asyncio.gather(*(open_page(browser, url, session) for session in plan))
            go = asyncio.Event()
            choices = asyncio.gather(*(make_choices(page, session, prices, go)
                                       for page, session, prices in zip(pages, plan, expected, strict=True)))
            go.set()
            await choices
            return list(await asyncio.gather(*(what_it_shows(page, session, prices["final"])
                                               for page, session, prices in zip(pages, plan, expected, strict=True))))
        finally:
            await browser.close()


def report(plan: list[Session], shown: list[dict] | None) -> str:
    """The latencies (and prices shown) as a table; "-" where a session never got that far."""
    lines = [f"{SESSIONS} concurrent sessions, seconds until the result was visible:",
             f"{'session':>7}  {'metal':<22} {'width':>6} {'page':>6} {'metal':>6} {'width':>6} {'drops':>5}  "
             "price shown"]
    seconds = lambda session, key: (f"{session.latencies[key]:6.1f}" if key in session.latencies  # noqa: E731
                                    else f"{'-':>6}")
    for n, session in enumerate(plan):
        lines.append(f"{session.number:>7}  {session.metal_name:<22} {session.width_mm:6.2f} "
                     f"{seconds(session, 'page')} {seconds(session, 'metal')} {seconds(session, 'width')} "
                     f"{session.drops:>5}  {shown[n]['price'] if shown else '-'}")
    for key in ("page", "metal", "width"):
        values = [session.latencies[key] for session in plan if key in session.latencies]
        if values:
            lines.append(f"{key:>7}: median {statistics.median(values):5.1f} s, worst {max(values):5.1f} s "
                         f"(n={len(values)})")
    return "\n".join(lines)


def test_ten_sessions_at_once_each_keep_their_own_design(server, capsys):
    plan = sessions()
    expected = [{"metal": session.price_text(DEFAULT["ring"]["width_mm"]), "final": session.price_text()}
                for session in plan]
    assert len({prices["final"] for prices in expected}) == SESSIONS  # ten designs, ten different prices

    shown = None
    try:
        shown = asyncio.run(drive(server, plan, expected))
    finally:
        with capsys.disabled():
            print("\n" + report(plan, shown))
    for session, prices, seen in zip(plan, expected, shown, strict=True):
        assert seen == {"metal": session.metal_name, "width": f"{session.width_mm:.2f}", "price": prices["final"]}, (
            f"session {session.number} shows another design")
