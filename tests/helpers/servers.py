"""Starting app servers for the browser tests: `streamlit run app.py` on a free port (`webapp.server.app_server`),
its store settings behind the tests' staff password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from webapp.server import app_server

STAFF_PASSWORD = "browser test staff"


@contextmanager
def serving(**options) -> Iterator[str]:
    """An app server (`app_server`'s options, the staff password given) for a fixture; yields its URL. A server that
    does not start fails the test that asked for it."""
    try:
        with app_server(store_password=STAFF_PASSWORD, **options) as (url, _):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))
