"""Driving the Streamlit page headless through `streamlit.testing.v1.AppTest`, and reading what it shows as the
person reads it: the price, the price lines, the messages of each kind, the design held, a download button."""

from __future__ import annotations

import atexit
import os
import re
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
# One database for the run (the app keeps its store for the whole process), fresh each run: its saved designs, stones
# and price table are this run's alone.
_DATABASE = Path(tempfile.gettempdir()) / f"configurator-apptest-designs-{os.getpid()}.db"
DATABASE_URL = f"sqlite:///{_DATABASE}"
atexit.register(lambda: [path.unlink(missing_ok=True) for path in _DATABASE.parent.glob(f"{_DATABASE.name}*")])


def run_page(runnable) -> AppTest:
    """Run the page (an AppTest, or a widget whose new value should be sent) and insist it did not fail."""
    at = runnable.run()
    assert not at.exception, [exception.value for exception in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    matches = [m.value for m in at.metric if m.label == label]
    assert len(matches) == 1, f"expected one {label!r} metric, found {[m.label for m in at.metric]}"
    return matches[0]


def price(at: AppTest) -> float:
    """The Price metric as a number ("USD 1,063.56" -> 1063.56)."""
    match = re.fullmatch(r"([A-Z]{3}) ([\d,]+\.\d\d)", metric(at, "Price"))
    assert match, metric(at, "Price")
    return float(match.group(2).replace(",", ""))


def unescaped(text: str) -> str:
    """A message as the person reads it (the app escapes Markdown in every message it shows)."""
    return re.sub(r"\\(.)", r"\1", text)


def document(at: AppTest) -> dict:
    return at.session_state["design"]


def download(at: AppTest, key: str):
    buttons = [b for b in at.get("download_button") if b.key == key]
    assert len(buttons) == 1, [b.key for b in at.get("download_button")]
    return buttons[0]


def messages(at: AppTest, kind: str) -> list[str]:
    """The messages of one kind (error, warning, info, success) the page shows, as the person reads them: drawn as
    inert HTML (`webapp.text.message_html`), their text unescaped."""
    import html

    found = []
    for element in at.get("html"):
        body = element.proto.body
        match = re.match(r'<div class="cfg-message" data-message="(\w+)"[^>]*>(.*)</div>$', body, re.DOTALL)
        if match and match.group(1) == kind:
            found.append(html.unescape(match.group(2).replace("<br>", "\n")))
    return found


def errors(at: AppTest) -> list[str]:
    return [unescaped(e.value) for e in at.error] + messages(at, "error")


def warnings(at: AppTest) -> list[str]:
    return [unescaped(w.value) for w in at.warning] + messages(at, "warning")


def successes(at: AppTest) -> list[str]:
    return messages(at, "success")


def infos(at: AppTest) -> list[str]:
    return messages(at, "info")


def price_table(at: AppTest) -> dict[str, str]:
    """The price lines the page shows (item -> amount text), the total row among them."""
    frame = next(t.value for t in at.table if "" in t.value.columns)
    return dict(zip(frame[""], frame[frame.columns[-1]], strict=True))


def table_items(at: AppTest) -> list[str]:
    return list(price_table(at))
