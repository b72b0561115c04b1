"""Many sessions on one server: `python -m bench.many [SESSIONS]` (20 by default; also part of `python -m bench.run`).

Starts `streamlit run app.py` (viewer on: each page's run builds and writes its GLB as a client's does) and opens
SESSIONS pages at once in Debian's chromium (one context each: no shared cookies), all from the comfort band. The
server runs on the first core and the pages' browsers on the other at the lowest priority (taskset, nice), and do
not run the 3D viewer: its frame's files are refused (`**/component/**`), so twenty software-GL
viewers on this 2-core machine do not eat the CPU the server needs; the server's work is the same, and the
bytes it sends for a change are measured apart (bench/app_timing.py). Then every session picks a metal at the same
moment, and the time from its click to its new price on screen is read on each page's own clock (a listener put in
the page: Playwright's queue of twenty clicks does not count), and the server's part of it from the browser's
network timestamps (CDP: the change's websocket frame sent, the frame with the new price received).

Also read: the server's memory (VmRSS of streamlit and its children, /proc) cold, after 10 sessions and after all;
its CPU over the simultaneous change. Prints figures, asserts nothing.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import time

from bench.load import tree_cpu_s, tree_rss_kb
from webapp.server import CHROMIUM, CHROMIUM_ARGS, app_server

SESSIONS = 20
PAGE_S = 240
METALS = ["18k yellow gold", "14k white gold", "sterling silver 925", "18k rose gold", "palladium 950",
          "10k yellow gold", "22k yellow gold", "14k rose gold", "18k white gold", "10k white gold",
          "14k yellow gold", "10k rose gold"]


def price_value(page):
    return (page.get_by_test_id("stMetric")
            .filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(r"^Price$")))
            .get_by_test_id("stMetricValue"))


async def idle(page, timeout: float = PAGE_S) -> None:
    app = page.get_by_test_id("stApp")
    deadline = time.monotonic() + timeout
    while await app.get_attribute("data-test-script-state") != "notRunning":
        if time.monotonic() > deadline:
            raise TimeoutError("a page was still running")
        await asyncio.sleep(0.2)


async def open_page(browser, url: str):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.route("**/component/**", lambda route: route.abort())  # no 3D viewer in these browsers
    page = await context.new_page()
    await page.goto(url, timeout=PAGE_S * 1000)
    await price_value(page).wait_for(timeout=PAGE_S * 1000)
    await idle(page)
    return page


async def open_list(page) -> None:
    box = page.get_by_role("combobox", name="Metal", exact=True)
    while await box.get_attribute("aria-expanded") != "true":
        await box.click()
        await asyncio.sleep(0.2)


# Put in each page before its change: the moment of the click (a capturing listener, before Streamlit's own) and the
# moment the Price metric shows another text (polled every 5 ms), both on the page's own clock.
_WATCH = """() => {
  const price = () => { const el = [...document.querySelectorAll('[data-testid="stMetric"]')].find(
      (m) => m.innerText.startsWith('Price')); return el ? el.querySelector('[data-testid="stMetricValue"]').innerText : null; };
  const before = price();
  window.__change = null;
  document.addEventListener('click', () => {
    if (window.__change) return;
    const start = performance.now();
    window.__change = { start: start, shown: null };
    const poll = () => { if (price() !== before) { window.__change.shown = performance.now() - start;
                                                  window.__change.epoch = performance.timeOrigin + performance.now(); }
                         else setTimeout(poll, 5); };
    poll();
  }, { capture: true, once: true });
}"""


async def change(page, cdp, metal: str, go: asyncio.Event) -> tuple[float, float, float]:
    """Click `metal` in the open list when `go` is set. Returns (seconds from the click to the new price on the page,
    on the page's clock; seconds from the page sending the change to the server's reply holding the new price,
    from the browser's network timestamps): the second is the server's part, whatever the pages' drawing costs."""
    option = page.get_by_role("listbox").get_by_role("option", name=metal, exact=True)
    await option.wait_for(timeout=PAGE_S * 1000)
    sent: list[float] = []
    replies: list[float] = []

    def on_sent(event) -> None:
        sent.append(event["timestamp"])

    def on_received(event) -> None:
        if sent and not replies and b"Price" in _payload(event):
            replies.append(event["timestamp"])

    cdp.on("Network.webSocketFrameSent", on_sent)
    cdp.on("Network.webSocketFrameReceived", on_received)
    await page.evaluate(_WATCH)
    await go.wait()
    await option.click()
    while True:
        seen = await page.evaluate("() => window.__change && window.__change.shown !== null && window.__change")
        if seen and replies:
            return seen["shown"] / 1000, replies[0] - sent[0], seen["epoch"] / 1000
        await asyncio.sleep(0.05)


def _payload(event) -> bytes:
    import base64

    data = event["response"]["payloadData"]
    return base64.b64decode(data) if event["response"]["opcode"] == 2 else data.encode("utf-8")


def _low_priority_chromium(folder: str) -> str:
    """A launcher that starts Debian's chromium on the second core only, at the lowest CPU priority: twenty
    browsers on the server's own machine stay off the core the server runs on (bench runs it on the first), as
    clients on their own devices would."""
    import os

    path = os.path.join(folder, "chromium-nice")
    with open(path, "w", encoding="utf-8") as script:
        script.write(f'#!/bin/sh\nexec taskset -c {os.cpu_count() - 1} nice -n 19 {CHROMIUM} "$@"\n')
    os.chmod(path, 0o755)
    return path


async def measure(sessions: int = SESSIONS) -> dict:
    import tempfile

    from playwright.async_api import async_playwright

    from bench.wire import relay

    options = ("--server.enableWebsocketCompression", "false")  # the relay reads the frames as they pass
    with (app_server(preview=True, options=options) as (direct, process), tempfile.TemporaryDirectory() as folder,
          relay(direct, marker=b"Price") as (url, wire)):
        import os
        import subprocess

        if (os.cpu_count() or 1) > 1:  # the server (one Python process: one core's worth under the GIL) on core 0
            subprocess.run(["taskset", "-a", "-p", "-c", "0", str(process.pid)], check=False, capture_output=True)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=_low_priority_chromium(folder),
                                                       args=CHROMIUM_ARGS)
            time.sleep(1.0)
            cold_kb, _ = tree_rss_kb(process.pid)
            pages = []
            for batch in (10, sessions - 10):
                pages += await asyncio.gather(*(open_page(browser, url) for _ in range(batch)))
                if len(pages) == 10:
                    await asyncio.sleep(3.0)  # the ten runs over, their downloads made
                    ten_kb, _ = tree_rss_kb(process.pid)
            await asyncio.sleep(3.0)
            all_kb, _ = tree_rss_kb(process.pid)
            sessions_cdp = []
            for page in pages:
                cdp = await page.context.new_cdp_session(page)
                await cdp.send("Network.enable")
                sessions_cdp.append(cdp)
                await open_list(page)
            go = asyncio.Event()
            waits = [asyncio.create_task(change(page, cdp, METALS[index % len(METALS)], go))
                     for index, (page, cdp) in enumerate(zip(pages, sessions_cdp, strict=True))]
            await asyncio.sleep(1.0)
            cpu_before = tree_cpu_s(process.pid)
            spy = None
            go_at = None
            if os.environ.get("BENCH_SPY"):
                spy = subprocess.Popen(["py-spy", "record", "-p", str(process.pid), "-r", "200", "--idle", "-f", "raw",
                                        "-o", os.environ["BENCH_SPY"], "--nonblocking", "-d", "8"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                await asyncio.sleep(1.0)
            hold_at = time.perf_counter()
            wire.hold()  # the twenty changes reach the server together, however slowly the browsers click
            go.set()
            deadline = time.monotonic() + PAGE_S
            while wire.waiting() < len(pages) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            released_epoch = time.time()
            go_at = wire.release()
            results = await asyncio.gather(*waits)
            relayed = []
            for from_browser, to_browser in wire.streams:
                sent = next((max(at, go_at) for at, _ in from_browser.seen if at >= hold_at), None)
                reply = next((at for at, marked in to_browser.seen if marked and sent is not None and at > sent), None)
                if sent is not None and reply is not None:
                    relayed.append(reply - sent)
            for page in pages:
                await idle(page)
            cpu = tree_cpu_s(process.pid) - cpu_before
            if spy is not None:
                spy.wait()
            after_kb, _ = tree_rss_kb(process.pid)
            await browser.close()
    return {"sessions": sessions, "cold_kb": cold_kb, "ten_kb": ten_kb, "all_kb": all_kb, "after_kb": after_kb,
            "times": sorted(shown for shown, _, _ in results), "server": sorted(reply for _, reply, _ in results),
            "on_screen": sorted(epoch - released_epoch for _, _, epoch in results),
            "relayed": sorted(relayed),
            "cpu_s": cpu}


def main(sessions: int = SESSIONS) -> dict | None:
    if not CHROMIUM.exists():
        print(f"many sessions: skipped, no Chromium at {CHROMIUM}")
        return None
    figures = asyncio.run(measure(sessions))
    times = figures["times"]
    mb = lambda kb: kb / 1024  # noqa: E731
    print(f"{sessions} sessions changing metal at once (browsers without the 3D viewer), click to new price: "
          f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s (targets: median <= 1.5 s, "
          f"every one <= 3 s); each: {' '.join(f'{t:.2f}' for t in times)}")
    server, relayed = figures["server"], figures["relayed"]
    on_screen = figures["on_screen"]
    print(f"  released together (a relay held each page's change until all twenty were in): the new price on "
          f"screen after median {statistics.median(on_screen):.2f} s, worst {max(on_screen):.2f} s")
    print(f"  the server's reply at the wire (a relay before the server: the change's frame in, the frame with the "
          f"new price out; {len(relayed)} sessions): median {statistics.median(relayed):.2f} s, "
          f"worst {max(relayed):.2f} s")
    print(f"  of which the server's reply (the change sent to the new price received, the browser's network clock): "
          f"median {statistics.median(server):.2f} s, worst {max(server):.2f} s")
    print(f"  server CPU for the {sessions} changes: {figures['cpu_s']:.2f} s "
          f"({figures['cpu_s'] / sessions * 1000:.0f} ms a change)")
    print(f"  server memory (VmRSS, server and children): cold {mb(figures['cold_kb']):.0f} MB, 10 sessions "
          f"{mb(figures['ten_kb']):.0f} MB (target <= 300 MB), {sessions} sessions {mb(figures['all_kb']):.0f} MB, "
          f"after the changes {mb(figures['after_kb']):.0f} MB")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS)
