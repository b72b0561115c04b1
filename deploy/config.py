"""nginx's configuration for N replicas, rendered from deploy/nginx.conf.template.

    python -m deploy.config --replica 127.0.0.1:8501 --replica 127.0.0.1:8502 --listen 8080 --prefix /tmp/nginx

prints it. Each replica is `host:port`, every one on a port of its own: the affinity cookie is set from the port of
the replica that answered (the template says why). `deploy/nginx-compose.conf` is this module's output for
deploy/compose.yaml (`python -m deploy.config --compose` writes it again; a test checks the two agree).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
COMPOSE_CONF = Path(__file__).with_name("nginx-compose.conf")
COOKIE = "configurator_replica"  # the template's $cookie_configurator_replica
COMPOSE_REPLICAS = ("app1:8501", "app2:8502")  # deploy/compose.yaml's services and ports
COMPOSE_PREFIX = "/var/lib/configurator-nginx"
COMPOSE_LISTEN = "8080"
_FIELD = re.compile(r"\{\{(\w+)\}\}")


def upload_limit_mib() -> int:
    """The largest upload the app takes, in MiB: Streamlit's server.maxUploadSize (.streamlit/config.toml) or the
    store's stones CSV (configurator.inventory.MAX_IMPORT_BYTES, its uploader's own max_upload_size), whichever is
    larger. Streamlit counts a "MB" as 2**20 bytes."""
    from configurator.inventory import MAX_IMPORT_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server_mb = int(config.get("server", {}).get("maxUploadSize", 200))  # Streamlit's default: 200
    return max(server_mb, MAX_IMPORT_BYTES // 1_000_000)


def client_max_body_size() -> str:
    """nginx's limit on a request body: the largest upload plus 1 MiB for the multipart framing."""
    return f"{upload_limit_mib() + 1}m"


@dataclass(frozen=True)
class Replica:
    name: str  # r1, r2, ...: the affinity cookie's value
    address: str  # host:port as nginx reaches it

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])


def replicas(addresses: list[str] | tuple[str, ...]) -> list[Replica]:
    """The replicas r1..rN at `addresses` (host:port each, every port different). ValueError otherwise."""
    if not addresses:
        raise ValueError("no replica given")
    result = []
    for number, address in enumerate(addresses, start=1):
        if not re.fullmatch(r"[A-Za-z0-9.\-]+:\d{1,5}", address) or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
            raise ValueError(f"not host:port: {address!r}")
        result.append(Replica(f"r{number}", address))
    ports = [replica.port for replica in result]
    if len(set(ports)) != len(ports):
        raise ValueError(f"each replica needs a port of its own (the affinity cookie is read from it): {ports}")
    return result


def render(addresses: list[str] | tuple[str, ...], listen: str, prefix: str | Path, *, user: str | None = None,
           worker_processes: str = "auto", error_log: str | None = None, access_log: str | None = None,
           temp: str | Path | None = None, max_fails: int = 1, fail_timeout_s: int = 10) -> str:
    """nginx.conf for the replicas at `addresses`, listening on `listen` (a port, or address:port), writing only
    under `prefix` (pid, temp files; the logs too unless `error_log`/`access_log` say where, e.g. stderr; the temp
    files in `temp` if given). `user` ("www-data www-data") is for a master process run as root, whose workers must
    not be: they must reach the temp folders."""
    members = replicas(addresses)
    prefix = str(prefix).rstrip("/") or "/"
    fails = f"max_fails={max_fails} fail_timeout={fail_timeout_s}s"
    groups = []
    for member in members:
        lines = [f"    upstream configurator_{member.name} {{", f"        zone configurator_{member.name} 64k;",
                 f"        server {member.address} {fails};"]
        lines += [f"        server {other.address} {fails} backup;" for other in members if other is not member]
        groups.append("\n".join([*lines, "    }"]))
    fields = {
        "user": f"user {user};" if user else "# user: only for a master process run as root (deploy/run.py sets it)",
        "worker_processes": worker_processes,
        "prefix": prefix,
        "temp": str(temp).rstrip("/") if temp else prefix,
        "error_log": error_log or f"{prefix}/error.log",
        "access_log": access_log or f"{prefix}/access.log",
        "client_max_body_size": client_max_body_size(),
        "cookie_groups": "\n".join(f"        {m.name:<7} configurator_{m.name};" for m in members),
        "cookie_values": "\n".join(f'        "~:{m.port}$" "{COOKIE}={m.name}; Path=/; HttpOnly; SameSite=Lax";'
                                   for m in members),
        "all_servers": "\n".join(f"        server {m.address} {fails};" for m in members),
        "replica_groups": "\n".join(groups),
        "listen": listen,
        "replicas": str(len(members)),
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    missing = set(_FIELD.findall(template)) - set(fields)
    if missing:
        raise KeyError(f"the template asks for {sorted(missing)}")
    return _FIELD.sub(lambda match: fields[match.group(1)], template)


def render_compose() -> str:
    """deploy/nginx-compose.conf: the replicas of deploy/compose.yaml, logs to the container's stdout and stderr."""
    return render(COMPOSE_REPLICAS, COMPOSE_LISTEN, COMPOSE_PREFIX, user="www-data www-data", error_log="stderr",
                  access_log="/dev/stdout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.config", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replica", action="append", default=[], metavar="HOST:PORT",
                        help="a replica (give one per replica, in order: r1, r2, ...)")
    parser.add_argument("--listen", default="8080", help="nginx's port, or address:port (default 8080)")
    parser.add_argument("--prefix", default="/var/lib/configurator-nginx",
                        help="the folder nginx writes (pid, temp files, logs)")
    parser.add_argument("--user", help='the workers\' "user group" when nginx starts as root')
    parser.add_argument("--compose", action="store_true", help=f"write {COMPOSE_CONF.relative_to(ROOT)} again")
    args = parser.parse_args(argv)
    if args.compose:
        COMPOSE_CONF.write_text(render_compose(), encoding="utf-8")
        return 0
    try:
        sys.stdout.write(render(args.replica, args.listen, args.prefix, user=args.user))
    except ValueError as exc:
        print(f"python -m deploy.config: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
