"""deploy/: several app servers behind Debian's nginx, one PostgreSQL, driven in Debian's chromium.

Two replicas (`streamlit run app.py`, webapp.server.app_server, the 3D view off) on one PostgreSQL schema with one
Streamlit cookie secret, and nginx in front of them with the configuration deploy/config.py renders (started by
deploy/run.py's `nginx()`, as the command line does). Six browser pages open the app through nginx and each chooses
its own metal (its share link and its address bar hold its own design); nginx's affinity cookie names each page's
replica, and its log shows every request went to that replica. Three pages save their design. Then the replica
with more pages is killed (SIGKILL): its pages open a new websocket through nginx to the other (the cookie follows
them there, the log shows the dead replica tried and the other answering), and in a new session there each shows
its own design again (from its address bar), finds its saved design on Saved designs, and goes on: one widens its
band and saves, one is reloaded and uploads a design file. The other replica's pages keep their websocket and their
session. PostgreSQL holds every design saved, before the death and after it.

The fast tests check the rendered configuration itself (nginx accepts it, deploy/nginx-compose.conf is current, the
upload limit fits the app's, compose.yaml agrees with it), and one starts the command line (`python -m deploy`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest
import yaml

from configurator import catalogue
from configurator.storage import Store, close_shared_stores
from deploy import config
from deploy.run import COOKIE_SECRET_ENV, NGINX, nginx
from tests.helpers.browser import (  # skips this module when there is no Chromium
    RERUN_S,
    RUN_S,
    catalogue_name,
    choose,
    go_to,
    holds,
    open_section,
    press,
    price_value,
    shared_doc,
    slider,
    wait_for_value,
    wait_until_idle,
)
from webapp.server import ROOT, app_server, free_port

needs_nginx = pytest.mark.skipif(not NGINX.exists(), reason=f"no nginx at {NGINX}: Debian's nginx package could not "
                                 "be installed (bash scripts/setup.sh requirements-dev.txt installs it)")

PAGES = 6
START_S = 120  # two replicas and nginx started by the command line
RECONNECT_S = 60  # a page of the killed replica: its websocket closes, it pings /_stcore/health, connects again
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d{3}) asked=(?P<asked>\S+) upstream="(?P<upstream>[^"]*)" '
                      r'upstream_status="(?P<upstream_status>[^"]*)"')


# ---------------------------------------------------------------- the configuration, rendered (fast)


def test_compose_conf_is_the_rendered_one():
    """deploy/nginx-compose.conf is what `python -m deploy.config --compose` writes today."""
    assert config.COMPOSE_CONF.read_text(encoding="utf-8") == config.render_compose()


def test_upload_limit_fits_the_apps_largest_upload():
    """client_max_body_size: the stones CSV's 4 MB (the largest uploader) plus room for the multipart framing."""
    from configurator.inventory import MAX_IMPORT_BYTES

    conf = config.render(["127.0.0.1:8501"], "8080", "/tmp/x")
    size = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert size * 2**20 > MAX_IMPORT_BYTES * 1.1
    assert size == config.upload_limit_mib() + 1 >= 5


def test_replicas_need_ports_of_their_own():
    with pytest.raises(ValueError, match="port of its own"):
        config.render(["a:8501", "b:8501"], "8080", "/tmp/x")
    with pytest.raises(ValueError, match="host:port"):
        config.render(["a"], "8080", "/tmp/x")


def test_compose_file_matches_the_nginx_conf():
    """compose.yaml's app services listen on the ports deploy/nginx-compose.conf sends to, all share one database
    and cookie secret, and every service has a health check."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    for address in config.COMPOSE_REPLICAS:
        host, port = address.split(":")
        app = services[host]
        assert f"--server.port={port}" in app["command"]
        assert "_stcore/health" in " ".join(app["healthcheck"]["test"]) and port in " ".join(app["healthcheck"]["test"])
        assert app["environment"]["DATABASE_URL"] == services["app1"]["environment"]["DATABASE_URL"]
        assert app["environment"][COOKIE_SECRET_ENV] == services["app1"]["environment"][COOKIE_SECRET_ENV]
    assert {"postgres", "nginx"} <= set(services)
    assert all("healthcheck" in service for service in services.values())


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(config.render(["127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"], "127.0.0.1:8080",
                                  tmp_path, user=None, worker_processes="1"))
    check = subprocess.run([str(NGINX), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


# ---------------------------------------------------------------- the command line (a server, no browser)


def get(url: str, cookie: str | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def replica_cookie(headers: dict) -> str | None:
    match = re.search(rf"{config.COOKIE}=(r\d+)", headers.get("Set-Cookie", ""))
    return match.group(1) if match else None


@pytest.mark.slow
@needs_nginx
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_command_line_serves_both_replicas_and_stops(backend, tmp_path):
    """`python -m deploy --replicas 2`: nginx answers health checks, new visitors are spread over r1 and r2 (the
    cookie names the replica), a cookie keeps its replica, and SIGTERM stops all three processes."""
    port, first = free_port(), free_port()
    while not port_free(first + 1):  # the command line's replicas take consecutive ports
        first = free_port()
    second = first + 1
    command = [sys.executable, "-m", "deploy", "--replicas", "2", "--port", str(port), "--first-port", str(first),
               "--database-url", backend.url, "--no-preview", "--dir", str(tmp_path)]
    output = tmp_path / "deploy.out"
    env = {**os.environ, COOKIE_SECRET_ENV: secrets.token_hex(32)}
    with output.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_value(lambda: "replicas behind nginx" in output.read_text() or process.poll() is not None, True,
                       START_S)
        assert output.read_text().startswith("2 replicas behind nginx at "), output.read_text()
        url = f"http://127.0.0.1:{port}"
        status, headers, body = get(f"{url}/_stcore/health")
        assert (status, body) == (200, b"ok")
        served = {replica_cookie(get(f"{url}/")[1]) for _ in range(4)}
        assert served == {"r1", "r2"}
        for name in ("r1", "r2"):
            assert {replica_cookie(get(f"{url}/", cookie=f"{config.COOKIE}={name}")[1]) for _ in range(3)} == {name}
        # A body of the upload limit reaches a replica (405: the health check takes no POST), though nginx buffers
        # it to a temp file that its workers write (as root they are www-data, and the run's folder is private).
        # Last: a replica that closes on it early (502) is left out of new visitors' turn for fail_timeout.
        assert get(f"{url}/_stcore/health", data=b"x" * (config.upload_limit_mib() * 2**20))[0] in PASSED_ON
        lines = [LOG_LINE.search(line) for line in (tmp_path / "nginx" / "access.log").read_text().splitlines()]
        assert {m["upstream"] for m in lines if m} == {f"127.0.0.1:{first}", f"127.0.0.1:{second}"}
    finally:
        process.terminate()
        process.wait(timeout=30)
    rest = output.read_text()
    assert process.returncode == 0, rest
    for busy in (port, first, second):  # nginx and both replicas are gone
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{busy}/_stcore/health", timeout=2)


# ---------------------------------------------------------------- six pages, two replicas, one dies


@dataclass
class Tab:
    number: int
    page: object
    metal: str  # the metal's id this page chose
    sockets: list = field(default_factory=list)  # the page's websockets to /_stcore/stream, in order
    design: dict | None = None  # the page's design, read from its share link
    address: str = ""  # the address bar
    client: str | None = None  # the client name its design was saved for

    def opened(self) -> int:
        """How many websockets the page has opened (a Playwright call first: the sync API hands its events over only
        then)."""
        self.page.wait_for_timeout(50)
        return len(self.sockets)

    def replica(self) -> str | None:
        """The replica nginx's affinity cookie names for this page (set from the replica that answered last)."""
        cookies = {cookie["name"]: cookie["value"] for cookie in self.page.context.cookies()}
        return cookies.get(config.COOKIE)

    def kept_code_box(self):
        """The box the app shows, for the rest of the session, with the access code of a design saved in it."""
        return self.page.get_by_text(re.compile(r"^Saved design #\d+: keep its code and link$"))


def open_tab(browser, url: str, number: int, metal: str) -> Tab:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    tab = Tab(number, page, metal)
    page.on("websocket", lambda socket: tab.sockets.append(socket) if socket.url.endswith("/_stcore/stream") else None)
    page.goto(url)
    return tab


# A body within the limit is passed on to a replica, which refuses a POST to its health check: 405, or 502 when it
# closes the connection before nginx has sent it all (a 4 MiB body on a loaded machine). Over the limit: nginx's 413.
PASSED_ON = (405, 502)


def log_entries(path) -> list[re.Match]:
    return [match for line in path.read_text().splitlines() if (match := LOG_LINE.search(line))]


def last_upstream(entry: re.Match) -> str:
    return entry["upstream"].split(", ")[-1]


def save(tab: Tab, client: str) -> None:
    tab.client = client
    tab.page.get_by_role("textbox", name="Client name", exact=True).fill(client)
    tab.page.get_by_role("button", name="Save design", exact=True).click()


def wait_saved(tab: Tab) -> None:
    tab.page.get_by_text(re.compile(rf"^Saved as #\d+ for {tab.client}\. Its access code is ")).wait_for(
        timeout=RUN_S * 1000)


@pytest.mark.slow
@needs_nginx
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_pages_of_a_dead_replica_go_on_through_nginx_with_their_designs(backend, browser, monkeypatch,
                                                                      tmp_path, capsys):
    monkeypatch.setenv(COOKIE_SECRET_ENV, secrets.token_hex(32))  # one secret for both replicas, as in production
    metals = [metal for metal in catalogue.metals() if metal != "platinum-950"][:PAGES]  # the default is platinum
    store = Store.open(backend.url)
    tabs: list[Tab] = []
    timings: dict[str, float] = {}
    start = time.monotonic()
    try:
        with app_server(preview=False, database_url=backend.url) as (first_url, first), \
                app_server(preview=False, database_url=backend.url) as (second_url, second), \
                nginx([first_url.removeprefix("http://"), second_url.removeprefix("http://")]) as proxy:
            process = {"r1": first, "r2": second}
            address = {"r1": first_url.removeprefix("http://"), "r2": second_url.removeprefix("http://")}
            timings["servers"] = time.monotonic() - start

            # nginx: health checks answered; a body over the upload limit refused by nginx itself (413). (One within
            # the limit is passed on: the command-line test sends it last, as a replica that closes early on it is
            # left out of new visitors' turn for a while.)
            assert get(f"{proxy.url}/_stcore/health")[::2] == (200, b"ok")
            assert get(f"{proxy.url}/_stcore/health", data=b"x" * (config.upload_limit_mib() + 2) * 2**20)[0] == 413

            # Six pages through nginx, each its own metal: its own design, in its share link and its address bar.
            tabs = [open_tab(browser, proxy.url, n, metal) for n, metal in enumerate(metals)]
            for tab in tabs:
                price_value(tab.page).wait_for(timeout=RUN_S * 1000 * 2)
            default = shared_doc(tabs[0].page)
            for tab in tabs:
                wait_until_idle(tab.page)
                choose(tab.page, "Metal", catalogue_name(tab.metal))
            for tab in tabs:
                holds(tab.page, {**default, "metal": tab.metal})
                tab.design = shared_doc(tab.page)
                wait_for_value(lambda tab=tab: "design=" in tab.page.url, True)
                tab.address = tab.page.url
                assert tab.address.startswith(proxy.url)
            assert len({json.dumps(tab.design, sort_keys=True) for tab in tabs}) == PAGES

            # Which replica each page is on: its affinity cookie, and nginx's log agrees (every request that named
            # a replica was answered by it). The one with more pages is to die.
            before = {tab.number: tab.replica() for tab in tabs}
            assert set(before.values()) <= {"r1", "r2"}, before
            entries = log_entries(proxy.access_log)
            assert entries and all(last_upstream(entry) == address[entry["asked"]]
                                   for entry in entries if entry["asked"] in address), entries
            counts = {name: sum(1 for replica in before.values() if replica == name) for name in ("r1", "r2")}
            dead = max(counts, key=lambda name: (counts[name], name == "r1"))
            alive = "r2" if dead == "r1" else "r1"
            moved = [tab for tab in tabs if before[tab.number] == dead]
            stayed = [tab for tab in tabs if before[tab.number] == alive]
            assert moved, before  # the killed replica had pages

            # Three pages save their design (two of the replica that is to die, one of the other): each is told
            # its access code, and keeps it in a box for the rest of its session.
            assert len(moved) >= 3  # the one with more of the six pages
            savers = moved[:2] + stayed[:1]
            for tab in savers:
                save(tab, f"Deploy client {tab.number}")
            for tab in savers:
                wait_saved(tab)
                tab.kept_code_box().wait_for(timeout=RERUN_S * 1000)
            assert len(store.list()) == len(savers)
            timings["pages"] = time.monotonic() - start

            # The replica dies. What it answered before is logged by the time it is gone (nginx writes a line when a
            # request ends): the lines after a moment more were all answered by the other.
            opened = {tab.number: tab.opened() for tab in tabs}  # one websocket a page, unless one dropped already
            assert all(count >= 1 for count in opened.values()), opened
            logged_before = len(log_entries(proxy.access_log))
            process[dead].kill()
            process[dead].wait()
            killed_at = time.monotonic()
            time.sleep(0.3)
            logged = len(log_entries(proxy.access_log))

            # Its pages reconnect through nginx to the other replica (a new websocket; the affinity cookie now names
            # the replica that took them). A page that was idle is not rerun by Streamlit's frontend when it
            # reconnects: it shows what it showed, and its next action runs in a new session on the new replica.
            for tab in moved:
                wait_for_value(lambda tab=tab: tab.opened() > opened[tab.number], True, RECONNECT_S)
                wait_for_value(tab.replica, alive, RECONNECT_S)
                assert tab.page.url == tab.address
            timings["reconnected"] = time.monotonic() - killed_at
            after = log_entries(proxy.access_log)[logged:]
            failed_over = [entry for entry in after if entry["asked"] == dead and entry["status"] != "101"]
            stray = [entry.group(0) for entry in failed_over if last_upstream(entry) != address[alive]]
            assert failed_over and not stray, stray
            # nginx tried the dead replica first, then took the other (the pages reconnect at once: from the kill on)
            asked_dead = [entry for entry in log_entries(proxy.access_log)[logged_before:] if entry["asked"] == dead]
            assert any(entry["upstream"] == f"{address[dead]}, {address[alive]}" for entry in asked_dead), after
            assert get(f"{proxy.url}/_stcore/health")[::2] == (200, b"ok")

            # Each moved page goes on with its own design, in a new session on the new replica: its first action
            # (here a look at Saved designs, where a page that saved finds the design it saved through the dead
            # replica: its browser's own cookie names it hers) runs there, and back on Design the page shows its
            # design again, rebuilt from its address bar (the box with its code, kept in the dead replica's memory,
            # is gone). Then the second widens its band (its metal stays its own) and saves again, and the third is
            # reloaded (its design from the address bar alone) and opens a design file (an upload through nginx).
            for tab in moved:
                go_to(tab.page, "Saved designs")
                if tab.client:
                    tab.page.get_by_test_id("stHorizontalBlock").filter(has_text=tab.client).first.wait_for(
                        timeout=RUN_S * 1000)
                go_to(tab.page, "Design")
                holds(tab.page, tab.design)
                assert tab.kept_code_box().count() == 0 and tab.page.url == tab.address
            widener, reloader = moved[1:3]
            width = slider(widener.page, "Band width (mm)")
            widened = round(widener.design["ring"]["width_mm"] + 0.1, 2)
            press(width, "ArrowRight", 1)
            holds(widener.page, {**widener.design, "ring": {**widener.design["ring"], "width_mm": widened}})
            assert widener.kept_code_box().count() == 0
            save(widener, "Deploy client after")
            wait_saved(widener)

            reloader.page.reload()
            price_value(reloader.page).wait_for(timeout=RUN_S * 1000)
            holds(reloader.page, reloader.design)
            assert reloader.replica() == alive and reloader.page.url == reloader.address
            loaded = json.loads((ROOT / "models" / "bezel-pendant.json").read_text())
            design_file = tmp_path / "client-design.json"
            design_file.write_text(json.dumps(loaded))
            open_section(reloader.page, "Start from a preset, or open a design file")
            reloader.page.locator("input[type=file]").set_input_files(str(design_file))
            holds(reloader.page, loaded)

            # The other replica's pages never noticed: the same websocket, the same session (the code box stays).
            for tab in stayed:
                holds(tab.page, tab.design)
                assert tab.opened() == opened[tab.number] and not tab.sockets[-1].is_closed()
                assert tab.replica() == alive
                assert tab.kept_code_box().count() == (1 if tab.client else 0)
            timings["after"] = time.monotonic() - killed_at

            # Nothing saved is lost: every save, before the death and after it, is in PostgreSQL.
            rows = {row.client_name: json.loads(row.design_json) for row in store.list()}
            assert set(rows) == {f"Deploy client {tab.number}" for tab in savers} | {"Deploy client after"}
            for tab in savers:
                assert rows[f"Deploy client {tab.number}"]["metal"] == tab.metal
            assert rows["Deploy client after"]["metal"] == widener.metal
            assert rows["Deploy client after"]["ring"]["width_mm"] == widened
            with capsys.disabled():
                print(f"\npages per replica {counts}, killed {dead}: {len(moved)} pages moved to {alive}, "
                      f"{sum(1 for tab in savers if tab in moved)} of them had saved; "
                      + ", ".join(f"{key} {value:.0f} s" for key, value in timings.items()))
    finally:
        for tab in tabs:
            tab.page.context.close()
        close_shared_stores()
        store.close()
