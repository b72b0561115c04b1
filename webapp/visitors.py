"""Who a customer is to the store: her browser's own random token (kept in a cookie, none on a shop terminal) and
the access codes she gave; the shop terminal mode staff set on a browser."""

from __future__ import annotations

import re
import secrets

import streamlit as st

from configurator.storage import Visitor, secret_hash

OWNER_COOKIE = "configurator_owner"  # a random token naming this browser: the designs saved from it are its own
OWNER_COOKIE_DAYS = 400
TERMINAL_COOKIE = "configurator_terminal"  # "1": this browser is a shop terminal (staff set it)


def terminal() -> bool:
    """Whether this browser is a shop terminal (staff set it on Store settings): designs saved on it are not tied to
    it, so the next client at the counter sees none of them."""
    if "terminal" not in st.session_state:
        st.session_state.terminal = st.context.cookies.get(TERMINAL_COOKIE) == "1"
    return bool(st.session_state.terminal)


def owner_token() -> str | None:
    """This browser's own random token, from its cookie (set on its first visit: the designs it saves are its); a
    shop terminal has none."""
    if terminal():
        return None
    if "owner" not in st.session_state:
        token = str(st.context.cookies.get(OWNER_COOKIE) or "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{22,64}", token) or token in st.session_state.get("forgotten", ()):
            token = secrets.token_urlsafe(24)
        st.session_state.owner = token
    return st.session_state.owner


def remember_owner() -> None:
    """Set the browser's cookies: this session's token (a token we made: no text of anyone's) and the terminal
    mode."""
    token = owner_token()
    cookies = []
    if token is not None and st.context.cookies.get(OWNER_COOKIE) != token:
        cookies.append(f"{OWNER_COOKIE}={token}; max-age={OWNER_COOKIE_DAYS * 86400}; path=/; SameSite=Strict")
    wanted = "1" if terminal() else ""
    if (st.context.cookies.get(TERMINAL_COOKIE) or "") != wanted:
        cookies.append(f"{TERMINAL_COOKIE}={wanted}; max-age={OWNER_COOKIE_DAYS * 86400 if wanted else 0}; path=/; "
                       "SameSite=Strict")
    if cookies:
        st.html("<script>" + "".join(f"document.cookie = '{cookie}';" for cookie in cookies) + "</script>",
                unsafe_allow_javascript=True)


def visitor() -> Visitor:
    """The customer as the store knows them: their browser's token (none on a shop terminal) and the access codes
    they gave, hashed."""
    token = owner_token()
    return Visitor(secret_hash(token) if token else None, tuple(st.session_state.get("codes", ())))

