"""N replicas of the app behind nginx on this machine: `python -m deploy --replicas 2 --port 8080`.

Starts N `streamlit run app.py` on 127.0.0.1 (ports --first-port, +1, ...), all with one DATABASE_URL and one
Streamlit cookie secret, then Debian's nginx (/usr/sbin/nginx) in front of them with a configuration rendered by
deploy/config.py into a folder of the run's: nginx runs as an ordinary foreground process (`-p PREFIX -c CONF`,
`daemon off`), its pid, logs and temp files in that folder, as root (its workers then run as www-data, their temp
files in a folder of theirs) or as any user. A replica that exits is started again; Ctrl-C (or SIGTERM) stops them all. tests/test_deploy.py starts nginx
through `nginx()` below.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import pwd
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.config import render
from webapp.server import ROOT, SERVER_START_S, free_port, healthy

NGINX = Path("/usr/sbin/nginx")  # Debian's nginx package (scripts/setup.sh installs it for the tests)
NGINX_START_S = 15
RESTART_S = 5  # a replica that exits is started again, at most once in this many seconds
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit's server.cookieSecret, read from the environment


def worker_user() -> str | None:
    """The "user group" for nginx's worker processes when it starts as root (www-data, else nobody); None when not
    root (the workers then run as whoever started nginx)."""
    if os.geteuid() != 0:
        return None
    for name in ("www-data", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return f"{name} {grp.getgrgid(entry.pw_gid).gr_name}"
    return "root root"  # a bare container with neither: nginx would refuse to start with its default, nobody


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Nginx:
    url: str  # http://host:port, what browsers open
    prefix: Path  # the folder of the run: nginx.conf, nginx.pid, error.log, access.log, temp folders
    process: subprocess.Popen

    @property
    def conf(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    @property
    def error_log(self) -> Path:
        return self.prefix / "error.log"


@contextlib.contextmanager
def nginx(addresses: list[str], port: int | None = None, host: str = "127.0.0.1", prefix: Path | None = None,
          worker_processes: str = "1") -> Iterator[Nginx]:
    """nginx in front of the replicas at `addresses` (host:port each), listening on host:port (a free port if None),
    in the foreground, everything it writes under `prefix` (a temporary folder, removed after, if None). Yields
    once it accepts connections; stops it (SIGTERM: a fast shutdown) after. RuntimeError with its error log if its
    configuration is refused or it does not start."""
    if not NGINX.exists():
        raise FileNotFoundError(f"no nginx at {NGINX}: apt-get install nginx (bash scripts/setup.sh "
                                "requirements-dev.txt does)")
    port = port or free_port()
    with contextlib.ExitStack() as stack:
        if prefix is None:
            prefix = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="configurator-nginx-")))
        prefix.mkdir(parents=True, exist_ok=True)
        user = worker_user()
        temp = None
        if user:  # the workers (not root) write the temp files: a folder of theirs that they can reach, in /tmp
            temp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="configurator-nginx-temp-")))
            entry = pwd.getpwnam(user.split()[0])
            os.chown(temp, entry.pw_uid, entry.pw_gid)
        conf = prefix / "nginx.conf"
        conf.write_text(render(addresses, f"{host}:{port}", prefix, user=user, worker_processes=worker_processes,
                               temp=temp), encoding="utf-8")
        command = [str(NGINX), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
        check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused {conf}:\n{check.stderr}{_tail(prefix / 'error.log')}")
        with (prefix / "nginx.out").open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + NGINX_START_S
            while not _accepts(host if host not in ("0.0.0.0", "::") else "127.0.0.1", port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start ({process.poll()}):\n{_tail(prefix / 'error.log')}"
                                       f"{_tail(prefix / 'nginx.out')}")
                time.sleep(0.1)
            yield Nginx(f"http://{host}:{port}", prefix, process)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- the replicas (the command line's; the tests use
# webapp.server.app_server, which picks its own ports and database)


@dataclass
class Replica:
    number: int
    port: int
    log: Path
    env: dict
    process: subprocess.Popen | None = None
    starts: int = 0
    started_at: float = 0.0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> None:
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.starts += 1
        self.started_at = time.monotonic()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_S
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"replica r{self.number} ({self.url}) did not start ({self.process.poll()}):\n"
                                   f"{_tail(self.log)}")
            time.sleep(0.2)


def replica_env(database_url: str, cookie_secret: str, preview: bool | None = None) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env[COOKIE_SECRET_ENV] = cookie_secret
    env.setdefault("MALLOC_ARENA_MAX", "2")  # as webapp/server.py says: the server's memory with many sessions
    if preview is not None:
        env["CONFIGURATOR_PREVIEW"] = "on" if preview else "off"
    return env


def serve(count: int, port: int, host: str, first_port: int, database_url: str, cookie_secret: str,
          folder: Path, preview: bool | None, stop: threading.Event) -> int:
    """Run `count` replicas and nginx until `stop` is set; start again a replica that exits. 1 if nginx exits."""
    env = replica_env(database_url, cookie_secret, preview)
    replicas = [Replica(n, first_port + n - 1, folder / f"replica-{n}.log", env) for n in range(1, count + 1)]
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.wait_healthy()
        with nginx([replica.address for replica in replicas], port, host, folder / "nginx", "auto") as proxy:
            print(f"{count} replicas behind nginx at http://{host}:{port}/", flush=True)
            for replica in replicas:
                print(f"  r{replica.number} {replica.url} (log {replica.log})", flush=True)
            print(f"  nginx: {proxy.conf}, {proxy.access_log}, {proxy.error_log}", flush=True)
            print("Ctrl-C stops them all.", flush=True)
            while not stop.wait(1):
                if proxy.process.poll() is not None:
                    print(f"nginx exited ({proxy.process.returncode}):\n{_tail(proxy.error_log)}", file=sys.stderr)
                    return 1
                for replica in replicas:
                    if replica.process.poll() is not None and time.monotonic() - replica.started_at > RESTART_S:
                        print(f"r{replica.number} exited ({replica.process.returncode}); starting it again "
                              f"(its pages went on to the others)", file=sys.stderr, flush=True)
                        replica.start()
        return 0
    finally:
        for replica in replicas:
            if replica.process is not None:
                _stop(replica.process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="how many `streamlit run app.py` (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="nginx's address (default 127.0.0.1; 0.0.0.0 for the store's network)")
    parser.add_argument("--first-port", type=int, default=8501, help="the first replica's port (default 8501)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="the one database every replica uses (default: $DATABASE_URL)")
    parser.add_argument("--dir", type=Path, help="keep the logs and nginx's files here (default: a temporary "
                                                 "folder, removed at the end)")
    parser.add_argument("--no-preview", action="store_true", help="CONFIGURATOR_PREVIEW=off: no 3D view")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    if not args.database_url.strip():
        parser.error("the replicas must share one database: set DATABASE_URL (PostgreSQL; `bash scripts/postgres.sh` "
                     "starts one on this machine) or give --database-url")
    cookie_secret = os.environ.get(COOKIE_SECRET_ENV, "").strip()
    if not cookie_secret:
        cookie_secret = secrets.token_hex(32)
        print(f"{COOKIE_SECRET_ENV} is not set: the replicas share one made for this run", file=sys.stderr)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.ExitStack() as stack:
        folder = args.dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="configurator-deploy-")))
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return serve(args.replicas, args.port, args.host, args.first_port, args.database_url.strip(),
                         cookie_secret, folder, False if args.no_preview else None, stop)
        except KeyboardInterrupt:
            return 0
        except RuntimeError as exc:
            print(f"python -m deploy: {exc}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    raise SystemExit(main())
