"""The app's server memory with 10 open sessions: `python -m bench.load` (also part of `python -m bench.run`).

Starts `streamlit run app.py --server.headless true` on a free port with the 3D preview on, reads the server's
resident memory (VmRSS from /proc/PID/status, summed over the server and its child processes, such as the forked
3D exporters), opens 10 browser pages (one context each, Debian's chromium through Playwright), waits until each
shows its price and then until every session's run has finished (3D preview made), and reads it again. One visit
comes first and is closed (the server's imports and shared caches, made once), so the per-session figure is what
each further session costs; the figure counting that first visit is printed too.
A thread samples the memory every 0.1 s meanwhile, for the peak. Prints figures, asserts nothing.
"""

from __future__ import annotations

import os
import re
import threading
import time

from webapp.server import CHROMIUM, CHROMIUM_ARGS, app_server

SESSIONS = 10
PAGE_S = 180  # ten first runs at once on a small machine: generous


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def vm_rss_kb(pid: int) -> int:
    """VmRSS of one process in kB (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) spent by `pid`, its live descendants and the children it has reaped (such as the
    forked 3D exporters that have ended), from /proc/PID/stat."""
    total, todo, ticks = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own = int(fields[11]) + int(fields[12])  # utime, stime
        reaped = int(fields[13]) + int(fields[14])  # cutime, cstime: children waited for
        total += (own + reaped) / ticks
        todo += _children(current)
    return total


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """VmRSS of `pid` and all its descendants, summed, in kB; and how many processes that was."""
    total, count, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        total += vm_rss_kb(current)
        count += 1
        todo += _children(current)
    return total, count


class PeakSampler(threading.Thread):
    """Samples tree_rss_kb(pid) every `interval` s until stopped; `peak_kb` is the highest seen."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid)[0])
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kb


def price_value(page):
    """The value element of the Price metric (as tests/helpers/browser.py finds it)."""
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(r"^Price$")))
        .get_by_test_id("stMetricValue")
    )


def wait_idle(page, timeout_s: float) -> None:
    """Wait until the page's script run has finished (the 3D preview made as well)."""
    app = page.get_by_test_id("stApp")
    deadline = time.monotonic() + timeout_s
    while app.get_attribute("data-test-script-state") != "notRunning":
        if time.monotonic() > deadline:
            raise TimeoutError(f"a session was still running after {timeout_s:.0f} s")
        time.sleep(0.2)


def measure(sessions: int = SESSIONS) -> dict:
    """Server memory before and after `sessions` open pages; seconds until each page showed its price."""
    from playwright.sync_api import sync_playwright

    with app_server(preview=True) as (url, process), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            time.sleep(1.0)  # let the freshly started server settle
            cold_kb, _ = tree_rss_kb(process.pid)
            first = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = first.new_page()  # one visit warms the server: imports, the default design's caches
            page.goto(url)
            price_value(page).wait_for(timeout=PAGE_S * 1000)
            wait_idle(page, PAGE_S)
            first.close()
            time.sleep(1.0)
            before_kb, before_count = tree_rss_kb(process.pid)
            sampler = PeakSampler(process.pid)
            sampler.start()
            pages, started = [], time.monotonic()
            for _ in range(sessions):  # all ten ask at once; then wait for each in turn
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                page.goto(url, wait_until="commit")
                pages.append(page)
            priced = []
            for page in pages:
                price_value(page).wait_for(timeout=PAGE_S * 1000)
                priced.append(time.monotonic() - started)
            priced_kb, priced_count = tree_rss_kb(process.pid)
            for page in pages:
                wait_idle(page, PAGE_S)
            idle_s = time.monotonic() - started
            time.sleep(1.0)  # the forked exporters have exited
            after_kb, after_count = tree_rss_kb(process.pid)
            peak_kb = sampler.stop()
            prices = [price_value(page).inner_text() for page in pages]
        finally:
            browser.close()
    return {"sessions": sessions, "cold_kb": cold_kb, "before_kb": before_kb, "before_processes": before_count,
            "priced_kb": priced_kb, "priced_processes": priced_count, "after_kb": after_kb,
            "after_processes": after_count, "peak_kb": peak_kb, "priced_s": priced, "idle_s": idle_s,
            "prices": prices}


def main() -> dict | None:
    if not CHROMIUM.exists():
        print(f"app server memory: skipped, no Chromium at {CHROMIUM}")
        return None
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("app server memory: skipped, Playwright is not installed")
        return None
    figures = measure()
    n = figures["sessions"]
    mb = lambda kb: kb / 1024  # noqa: E731
    procs = lambda count: f"{count} process" + ("es" if count != 1 else "")  # noqa: E731
    print(f"app server RSS (VmRSS of streamlit and its children, /proc/PID/status), {n} sessions, preview on:")
    print(f"  before any session                 {mb(figures['cold_kb']):7.1f} MB")
    print(f"  after one visit (warm server)      {mb(figures['before_kb']):7.1f} MB  ({procs(figures['before_processes'])})")
    print(f"  {n} sessions priced                 {mb(figures['priced_kb']):7.1f} MB  "
          f"({procs(figures['priced_processes'])})")
    print(f"  {n} sessions idle (previews made)   {mb(figures['after_kb']):7.1f} MB  "
          f"({procs(figures['after_processes'])})   +{mb(figures['after_kb'] - figures['before_kb']):.1f} MB, "
          f"{mb(figures['after_kb'] - figures['before_kb']) / n:.1f} MB a session on the warm server; "
          f"{mb(figures['after_kb'] - figures['cold_kb']) / n:.1f} MB a session counting the first visit's imports")
    print(f"  peak while loading (0.1 s samples)  {mb(figures['peak_kb']):7.1f} MB")
    print("  seconds until each page showed its price: "
          + " ".join(f"{seconds:.1f}" for seconds in figures["priced_s"])
          + f"; every run finished after {figures['idle_s']:.1f} s")
    return figures


if __name__ == "__main__":
    main()
