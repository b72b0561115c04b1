"""An order's design changed in the designer: staff open its current version on the Design page, change it, and make
it the order's next version, which waits for the client's approval (`Orders.revise`; of two staff changing one
order at once, one wins and the other is told)."""

from __future__ import annotations

import json

import streamlit as st

from configurator.documents import DesignError
from configurator.orders import Order, Orders
from configurator.storage import StorageError
from webapp.database import store
from webapp.session import load
from webapp.staff import staff, staff_name
from webapp.ui import guarded


@guarded
def open_version(order: Order) -> None:
    """Open the order's current version in the designer, to make its next version from it."""
    try:
        load(json.loads(order.version.design_json), order.client_name,
             f"Order {order.number}, version {order.version.number}, is open: change it, then make it the order's "
             "next version (the bar above the preview).")
    except (ValueError, DesignError) as exc:
        st.session_state.problem = f"The order's design cannot be opened: {exc}"
        return
    st.session_state.revising = {"number": order.number, "revision": order.revision, "version": order.version.number}
    st.session_state.open_design = True


@guarded
def _make_version(design_json: str) -> None:
    revising = st.session_state.get("revising") or {}
    who = staff_name()
    if who is None or not revising:
        return
    try:
        order = Orders(store()).revise(revising["number"], design_json, who, expected_revision=revising["revision"])
    except StorageError as exc:
        st.session_state.problem = f"Not made a new version: {exc}"
        return
    st.session_state.pop("revising", None)
    st.session_state.notice = (f"Order {order.number} is at version {order.version.number} ({order.currency} "
                               f"{order.total:,.2f}): it waits for the client's approval, by her link and code.")


def revision_bar(design_json: str) -> None:
    """On the Design page, for staff who opened an order's version: make the design on screen its next version."""
    revising = st.session_state.get("revising")
    if not revising or not staff():
        return
    number, version = revising["number"], revising["version"]
    with st.container(border=True, key="revision_bar"):
        st.markdown(f"Changing order **{number}** (version {version}).")
        if not str(st.session_state.get("staff_name") or "").strip():
            st.text_input("Your name (staff)", key="staff_name", max_chars=60)
        cols = st.columns(2)
        cols[0].button(f"Make this version {version + 1} of {number}", key="make_version", type="primary",
                       on_click=_make_version, args=(design_json,), width="stretch",
                       help="The client approves the new version before anything more is made")
        cols[1].button("Stop changing the order", key="stop_revising", on_click=st.session_state.pop,
                       args=("revising", None), width="stretch")
