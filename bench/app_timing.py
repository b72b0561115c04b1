"""How the app feels in a real browser: `python -m bench.app_timing` (also part of `python -m bench.run`).

Starts `streamlit run app.py` (3D preview on) and drives Debian's chromium through Playwright, as a person would:

- first price: a fresh browser session (new context: no cookies, no session) from opening the address to the price
  on screen; the server warmed by one session first, as a store's server is after its first client;
- a control change: a new metal picked in the Metal box (ten metals, each a design not seen before), from the click
  on the option to the new price on screen, and to the new 3D preview drawn (the viewer's page for the new design
  has loaded, drawn and put the person's camera back).

- bytes a change: the halo ring, its metal changed three times; what the browser received for each change
  (websocket frames and HTTP bodies), the viewer's script cached after the first.

Median and worst of each, next to the targets: price under 0.5 s, preview under 1.0 s, first price under 2 s, a
change under 400 KB.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import re
import statistics
import time

from webapp.server import CHROMIUM, CHROMIUM_ARGS, app_server

FRESH_SESSIONS = 5
CHANGES = 10
PRICE_TARGET_S, PREVIEW_TARGET_S, FIRST_PRICE_TARGET_S = 0.5, 1.0, 2.0
CHANGE_BYTES_TARGET = 400_000  # what the browser receives for one change of the halo ring, once warm
METALS = ["18k yellow gold", "14k white gold", "sterling silver 925", "18k rose gold", "palladium 950",
          "10k yellow gold", "22k yellow gold", "14k rose gold", "18k white gold", "10k white gold"]


def _price(page):
    return (page.get_by_test_id("stMetric")
            .filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(r"^Price$")))
            .get_by_test_id("stMetricValue"))


def _viewer_state(page) -> tuple[str | None, bool]:
    """The preview page's camera state and whether it is the page marked old before the change."""
    body = page.frame_locator("iframe#stpyvistaframe").locator("body")
    try:
        return body.get_attribute("data-camera", timeout=1000), body.get_attribute("data-old", timeout=1000) == "1"
    except Exception:  # noqa: BLE001 - the frame is being replaced
        return None, True


def _wait(predicate, timeout: float = 60.0, step: float = 0.01) -> float:
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            return float("inf")
        time.sleep(step)
    return time.perf_counter() - start


def first_prices(browser, url: str) -> list[float]:
    times = []
    for _ in range(FRESH_SESSIONS):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        _price(page).wait_for(timeout=60_000)
        times.append(time.perf_counter() - start)
        _wait(lambda page=page: _viewer_state(page)[0] is not None)  # let its preview finish before the next
        context.close()
    return times


def changes(browser, url: str, server_pid: int) -> tuple[list[float], list[float]]:
    """Ten metal changes: their times to the new price and to the new preview; prints the server's CPU a change."""
    from bench.load import tree_cpu_s

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    _price(page).wait_for(timeout=60_000)
    _wait(lambda: _viewer_state(page)[0] is not None)
    prices, previews, pages = [], [], []
    box = page.get_by_role("combobox", name="Metal", exact=True)
    _wait(lambda: page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning")
    cpu_before = tree_cpu_s(server_pid)
    for metal in METALS[:CHANGES]:
        page.frame_locator("iframe#stpyvistaframe").locator("body").evaluate(
            "(el) => el.setAttribute('data-old', '1')")
        before = _price(page).inner_text()
        box.click()
        option = page.get_by_role("listbox").get_by_role("option", name=metal, exact=True)
        option.wait_for(timeout=10_000)
        start = time.perf_counter()
        option.click()
        prices.append(start_to(start, lambda before=before: _price(page).inner_text() != before))
        previews.append(start_to(start, lambda: (lambda state: state[0] is not None and not state[1])(
            _viewer_state(page))))
        ready = page.frame_locator("iframe#stpyvistaframe").locator("body").get_attribute("data-ready-ms")
        pages.append(float(ready or "nan") / 1000)
        _wait(lambda: page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning")
    cpu = (tree_cpu_s(server_pid) - cpu_before) / CHANGES
    context.close()
    print(f"{'app: server CPU a metal change':<46} {cpu * 1000:7.0f} ms   (the server and its children, /proc, "
          f"over {CHANGES} changes)")
    print(f"{'  of which the viewer page loading and drawing':<46} median {statistics.median(pages) * 1000:7.0f} ms   "
          f"worst {max(pages) * 1000:7.0f} ms   (in the browser, from the page's start to its first frame)")
    return prices, previews


def change_bytes(browser, url: str) -> list[int]:
    """Bytes the browser receives for each of three metal changes of the halo ring (websocket and HTTP bodies)."""
    import json
    from pathlib import Path

    from configurator.documents import parse_design
    from configurator.share import encode_design

    halo = parse_design(json.loads((Path(__file__).resolve().parent.parent / "models" / "halo-ring.json").read_text()))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    received: list[int] = []
    responses: list = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: received.append(
        len(payload if isinstance(payload, bytes) else payload.encode("utf-8")))))
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{url}/?design={encode_design(halo)}")
    _price(page).wait_for(timeout=60_000)
    _wait(lambda: _viewer_state(page)[0] is not None)
    _wait(lambda: page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning")
    sizes = []
    box = page.get_by_role("combobox", name="Metal", exact=True)
    for metal in ("14k white gold", "18k rose gold", "palladium 950"):
        page.frame_locator("iframe#stpyvistaframe").locator("body").evaluate(
            "(el) => el.setAttribute('data-old', '1')")
        received.clear()
        responses.clear()
        box.click()
        page.get_by_role("listbox").get_by_role("option", name=metal, exact=True).click(timeout=10_000)
        _wait(lambda: (lambda state: state[0] is not None and not state[1])(_viewer_state(page)))
        _wait(lambda: page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning")
        time.sleep(0.3)
        sizes.append(sum(received) + sum(max(0, response.request.sizes()["responseBodySize"])
                                         for response in responses))
    context.close()
    return sizes


def start_to(start: float, predicate, timeout: float = 60.0) -> float:
    while not predicate():
        if time.perf_counter() - start > timeout:
            return float("inf")
        time.sleep(0.01)
    return time.perf_counter() - start


def line(name: str, times: list[float], target: float) -> tuple[str, bool]:
    median, worst = statistics.median(times), max(times)
    met = median < target
    print(f"{name:<46} median {median * 1000:7.0f} ms   worst {worst * 1000:7.0f} ms   (n={len(times)})   "
          f"target < {target * 1000:.0f} ms: {'met' if met else 'MISSED'}")
    return name, met


def main() -> dict[str, bool]:
    from playwright.sync_api import sync_playwright

    with app_server(preview=True) as (url, server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        cold = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = cold.new_page()
        start = time.perf_counter()
        page.goto(url)
        _price(page).wait_for(timeout=120_000)
        print(f"{'app: first price on a cold server':<46} {(time.perf_counter() - start) * 1000:7.0f} ms "
              "(imports and the first builds; not a target)")
        _wait(lambda: _viewer_state(page)[0] is not None, timeout=120)
        cold.close()
        first = first_prices(browser, url)
        prices, previews = changes(browser, url, server.pid)
        sent = change_bytes(browser, url)
        browser.close()
    results = dict([
        line("app: first price, fresh session (warm server)", first, FIRST_PRICE_TARGET_S),
        line("app: metal change -> new price shown", prices, PRICE_TARGET_S),
        line("app: metal change -> new preview drawn", previews, PREVIEW_TARGET_S),
    ])
    worst = max(sent[1:])
    print(f"{'app: bytes a change (halo ring)':<46} {', '.join(f'{size:,}' for size in sent)} bytes   "
          f"target < {CHANGE_BYTES_TARGET:,} after the first: {'met' if worst < CHANGE_BYTES_TARGET else 'MISSED'}")
    results["app: a change under 400 KB (halo ring)"] = worst < CHANGE_BYTES_TARGET
    return results


if __name__ == "__main__":
    main()
