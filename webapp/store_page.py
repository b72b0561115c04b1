"""The Store settings page: staff sign in here; then the price table (markups, metals, how long a stone is held)
and the shop terminal mode."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from configurator import catalogue
from configurator.errors import ConfiguratorError
from configurator.price_table import current_price_table, price_history, update_price_table
from webapp.staff import password_hash, refused_prices, staff, unlock_form
from webapp.ui import number_field, say
from webapp.visitors import terminal


def terminal_setting() -> None:
    """Staff make this browser a shop terminal: designs saved on it are not tied to it, and "New client" forgets
    the last one."""
    st.checkbox("This browser is a shop terminal", key="terminal_box", value=terminal(), on_change=_set_terminal,
                help="Designs saved here are not listed to the next person at this browser; they open with their "
                     "access code. Press New client between clients.")


def _set_terminal() -> None:
    st.session_state.terminal = bool(st.session_state.get("terminal_box"))
    st.session_state.pop("owner", None)


def store_page() -> None:
    st.title("Store settings")
    stored = password_hash()
    if stored is None:
        say("info", "Store settings are locked: set CONFIGURATOR_STORE_PASSWORD_HASH (make one with "
                "`python -m configurator hash-password`) or store_password_hash in Streamlit secrets.")
        return
    if not staff():
        if st.session_state.get("caution"):
            say("warning", st.session_state.pop("caution"))
        unlock_form(stored)
        return
    st.button("Lock the store settings", key="lock", on_click=st.session_state.pop, args=("store_unlocked", None))
    refused_prices()
    try:
        table = current_price_table()
    except ConfiguratorError as exc:
        say("error", f"The price table cannot be read: {exc}. Mend or remove the file; quotes wait for it.")
        return
    st.caption(f"Price table of {table.date.isoformat()} ({table.currency}). On the design page, staff open the "
               "store's lines (labour, prices per gram, the markup) in a box of their own; clients see their lines.")
    terminal_setting()
    unpriced = [catalogue.metal(metal_id).name for metal_id in table.unpriced_metals()]
    if unpriced:
        say("warning", f"Not priced yet: {', '.join(unpriced)}. Clients are not offered "
                       f"{'it' if len(unpriced) == 1 else 'them'}, and a design in {'it' if len(unpriced) == 1 else 'them'} "
                       "shows no price until its price per gram is set below.")
    with st.form("prices_form"):
        changes: dict[str, float | None] = {}
        cols = st.columns(2)
        with cols[0]:
            changes["markup"] = number_field("Markup", "markup", 1.0, 10.0, table.markup)
        with cols[1]:
            changes["catalogue_markup"] = number_field("Catalogue markup", "catalogue_markup", 1.0, 10.0,
                                                       table.catalogue_markup)
        for metal_id, amount in table.metal_per_gram.items():
            changes[f"metal_per_gram.{metal_id}"] = number_field(
                f"{catalogue.metal(metal_id).name} per gram", f"price_{metal_id}", 0.01, 10_000.0, float(amount))
        for metal_id in table.unpriced_metals():  # new to the catalogue: priced once staff type a figure
            key = f"price_{metal_id}"
            price = number_field(f"{catalogue.metal(metal_id).name} per gram (not priced yet)", key, 0.01, 10_000.0,
                                 None, optional=True)
            if price is not None or str(st.session_state.get(key, "")).strip():
                changes[f"metal_per_gram.{metal_id}"] = price
        changes["stone_hold_days"] = number_field(
            "Days a chosen stone stays reserved", "stone_hold_days", 1.0, 90.0, float(table.stone_hold_days),
            decimals=0, help="Saving a design with one of our stones for a client reserves it this long when staff "
                             "save it")
        changes["visitor_hold_hours"] = number_field(
            "Hours a client's own save holds a stone", "visitor_hold_hours", 1.0, 168.0,
            float(table.visitor_hold_hours), decimals=0,
            help="A client saving a design with one of our stones and her phone or e-mail holds it this long, one "
                 "stone at a time")
        if st.form_submit_button("Save prices"):
            if any(value is None for value in changes.values()):
                say("error", "Not saved: mend the figures marked above.")
            else:
                try:
                    saved = update_price_table(changes)
                    say("success", f"Prices saved, dated {saved.date.isoformat()}; the next quote uses them.")
                except ConfiguratorError as exc:
                    say("error", exc)
    try:
        edits = price_history(20)
    except ConfiguratorError:
        edits = []
    if edits:
        st.caption("The price table lives in the database: every server of the store quotes from it. Its edits, "
                   "newest first:")
        st.table(pd.DataFrame({"edit": [f"#{edit.id}" for edit in edits], "dated": [edit.dated for edit in edits],
                               "saved (UTC)": [f"{edit.saved_at:%Y-%m-%d %H:%M}" for edit in edits],
                               "change": [edit.change for edit in edits]}), hide_index=True)

