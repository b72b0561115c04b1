"""Helpers every page draws with: a message as inert text, a callback that cannot show a traceback, a number typed
as people type it."""

from __future__ import annotations

import functools
import logging

import streamlit as st

from webapp import numbers
from webapp.text import message_html

LOG = logging.getLogger("configurator.app")


def say(kind: str, text: object, where=None) -> None:
    """A message (error, warning, info, success) drawn as inert text: no Markdown, so no link is ever made from a
    person's text or a file's (webapp.text.message_html)."""
    (where or st).html(message_html(kind, text))


def guarded(callback):
    """A button's or control's callback that can never show a traceback: a failure is one line on the page."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the person sees one line, the log the whole story
            LOG.exception("callback %s", callback.__name__)
            st.session_state.problem = f"That did not work ({type(exc).__name__}: {exc}); the design is as it was."

    return run


def typed_number(key: str, label: str, low: float, high: float) -> tuple[float | None, str | None]:
    """In a button's callback, the number in field `key` as the person typed it just before she pressed (the value
    the page drew the button with may be a run old): (None, None) when it is empty, else what `numbers.read_field`
    makes of it."""
    text = str(st.session_state.get(key) or "").strip()
    if not text:
        return None, None
    return numbers.read_field(text, label, low, high)


def number_field(label: str, key: str, low: float, high: float, value: float | None, *, unit: str = "",
                 decimals: int = 2, optional: bool = False, help: str | None = None) -> float | None:
    """A number the page asks for that is not part of the design (a budget, a filter, a store price), typed as
    people type it; None when it is left empty (`optional`) or refused (the reason shown under it)."""
    if key not in st.session_state:
        st.session_state[key] = "" if value is None else numbers.shown(value, decimals)
    text = st.text_input(label, key=key, help=help)
    if optional and not str(text).strip():
        return None
    parsed, problem = numbers.read_field(text, label, low, high, unit)
    if problem is not None:
        say("warning", problem)
    return parsed

