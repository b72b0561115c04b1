"""Store staff: the sign-in (its password, wrong ones slowed per browser session and per address), the idle lock, and
what only staff are told.

The rules themselves need no Streamlit and live in `configurator.passwords` (the throttle, `idle_too_long`); this
module keeps them in the session."""

from __future__ import annotations

import os
import secrets

import streamlit as st

from configurator.errors import ConfiguratorError
from configurator.passwords import PasswordGuard, Throttle, idle_too_long
from configurator.price_table import current_price_table, price_table_problem
from webapp import access
from webapp.ui import say


@st.cache_resource
def password_guard() -> PasswordGuard:
    """Wrong store passwords, counted per browser session and per address (shared by every session)."""
    return PasswordGuard()


@st.cache_resource
def code_guard() -> Throttle:
    """Access codes that open nothing, counted per browser session and per address: guessing is slowed like the
    password."""
    return Throttle()


def client_keys() -> tuple[str, str]:
    """What a guess is counted against: this browser session, and the address it comes from."""
    session = st.session_state.setdefault("visitor_id", secrets.token_hex(8))
    address = access.client_address(getattr(st.context, "ip_address", None), st.context.headers)
    return f"session:{session}", f"address:{address}"


def staff() -> bool:
    """Whether this session is store staff: signed in on the Store settings page, and not idle too long."""
    if not st.session_state.get("store_unlocked"):
        return False
    now = password_guard().clock()
    if idle_too_long(st.session_state.get("staff_active_at"), now):
        st.session_state.store_unlocked = False
        st.session_state.caution = "The store session locked itself after 15 minutes without use; sign in again."
        return False
    st.session_state.staff_active_at = now
    return True


def password_hash() -> str | None:
    stored = os.environ.get("CONFIGURATOR_STORE_PASSWORD_HASH")
    if stored:
        return stored
    try:
        return st.secrets.get("store_password_hash")
    except Exception:  # noqa: BLE001 - no secrets file is the usual case
        return None


def unlock_form(stored: str) -> None:
    guard = password_guard()
    with st.form("unlock_form", clear_on_submit=True):
        password = st.text_input("Store password", type="password", key="store_password")
        if st.form_submit_button("Unlock"):
            attempt = guard.attempt(password, stored, *client_keys())
            if attempt.ok:
                st.session_state.store_unlocked = True
                st.session_state.staff_active_at = guard.clock()
                st.rerun()
            if not attempt.checked:
                say("warning", f"Too many wrong passwords from here: wait {attempt.wait_s:.0f} s, then type it again "
                               "(this one was not checked).")
            else:
                say("error", "That password is not right." + (
                    f" Wait {attempt.wait_s:.0f} s before the next try." if attempt.wait_s else ""))


def refused_prices() -> None:
    """Staff are told when the store's newest price file was refused (quotes go on from the last good table)."""
    problem = price_table_problem()
    if problem and staff():
        try:
            dated = current_price_table().date.isoformat()
        except ConfiguratorError:
            dated = "none yet"
        say("warning", f"The store's price file was refused ({problem}); quotes go on from the table of {dated}. "
                       "Mend the file.")



def staff_name() -> str | None:
    """The name staff typed (every change to an order records who made it); None, with the words in the session's
    problem, when none is typed or the session is no longer staff's (it locked itself while the page was open)."""
    if not staff():
        st.session_state.problem = "Orders are changed by store staff: sign in on Store settings first."
        return None
    name = str(st.session_state.get("staff_name") or "").strip()
    if not name:
        st.session_state.problem = "Type your name (staff) first: every change to an order says who made it."
        return None
    return name


def keep_staff_name() -> None:
    """Keep the name staff typed from page to page (Streamlit forgets a widget's value on a page that does not draw
    it; set again each run, it stays)."""
    if "staff_name" in st.session_state:
        st.session_state.staff_name = st.session_state.staff_name
