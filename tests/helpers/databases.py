"""The databases the storage tests run on: a fresh SQLite file, or a fresh schema on the PostgreSQL server named by
CONFIGURATOR_TEST_POSTGRES_URL (`bash scripts/postgres.sh` starts one). Without the URL the PostgreSQL cases are
skipped, or fail when CI or CONFIGURATOR_REQUIRE_POSTGRES=1 is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL_ENV = "CONFIGURATOR_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class Backend:
    """A database a test writes to: its kind (sqlite, postgresql) and its URL."""

    name: str
    url: str


def _postgres_required() -> bool:
    ci = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    return ci or os.environ.get("CONFIGURATOR_REQUIRE_POSTGRES", "").strip() == "1"


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        message = (
            f"{POSTGRES_URL_ENV} is not set: start a server with `bash scripts/postgres.sh` and export the URL it "
            f"prints (scripts/test.sh does both)"
        )
        if _postgres_required():
            pytest.fail(f"PostgreSQL is required here (CI or CONFIGURATOR_REQUIRE_POSTGRES=1): {message}")
        pytest.skip(message)
    return url


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[Backend]:
    """An empty database of `kind`: a fresh SQLite file in `folder`, or a fresh PostgreSQL schema (its URL sets the
    search_path), dropped after."""
    if kind == "sqlite":
        yield Backend("sqlite", f"sqlite:///{folder / 'designs.db'}")
        return
    base = make_url(_postgres_url())
    schema = f"load_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL at {base.render_as_string()} cannot be used: {str(exc).splitlines()[0]}")
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield Backend("postgresql", url.render_as_string(hide_password=False))
    finally:
        with admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
