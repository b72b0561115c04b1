"""The app served for a browser on this machine: `streamlit run app.py` on a free port with its own database, and
how Debian's chromium is launched against it (browser tests, the load test and the memory benchmark share both)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [  # headless chromium without a GPU or internet; vtk.js still draws through SwiftShader
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader",
]
# The same chromium with WebGL off, for tests of a page's logic: the viewer still fetches and reads each GLB (its
# `load` fires and it reports the piece shown) but draws nothing, sparing the two cores that SwiftShader's drawing
# takes (the browser tests ran in 2 minutes where they took 4).
CHROMIUM_UNDRAWN_ARGS = [*CHROMIUM_ARGS, "--disable-3d-apis"]
SERVER_START_S = 60
# glibc gives each thread that allocates its own arena; Streamlit runs every session's script in a thread of its
# own, so a server with many sessions keeps many half-empty arenas: two hold its memory (bench/many.py), as the app's
# start script and deploy/ set it.
MALLOC_ARENAS = "2"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def app_server(preview: bool = True, store_password: str | None = None, database_url: str | None = None,
               options: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free port with a fresh SQLite database (or `database_url`: several servers of one
    store share it, as a chain's do), with Streamlit's `options` (`--server.x value` ...) added; yields (url, process).

    The server's log goes to a temporary folder, or to CONFIGURATOR_SERVER_LOG (a folder) to keep it for a look
    after the run. Raises RuntimeError with the end of the log when it exits or does not answer in SERVER_START_S."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        env["CONFIGURATOR_PREVIEW"] = "on" if preview else "off"
        env.setdefault("MALLOC_ARENA_MAX", MALLOC_ARENAS)
        if store_password is not None:
            from configurator.passwords import hash_password

            env["CONFIGURATOR_STORE_PASSWORD_HASH"] = hash_password(store_password, iterations=1000)
        env["DATABASE_URL"] = database_url or f"sqlite:///{Path(folder) / 'designs.db'}"
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(port), "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options]
        log_dir = Path(os.environ.get("CONFIGURATOR_SERVER_LOG") or folder)  # set it to keep the log after the run
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_S
            while not healthy(url):
                if process.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer within {SERVER_START_S} s:\n"
                                       f"{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
