"""The Store stones page, for staff: the inventory of loose stones; import a CSV, add or edit a stone, sell or
release one. A visitor is told to sign in."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from configurator.errors import ConfiguratorError
from configurator.inventory import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    RefusedFile,
    StockStone,
    parse_stone,
    priced_stones,
    read_csv,
)
from configurator.price_table import current_price_table
from configurator.storage import StorageError
from webapp.database import inventory
from webapp.staff import password_hash, staff
from webapp.ui import guarded, say

STONE_FIELDS = {"stock_number": "Stock number", "material": "Material", "shape": "Shape", "cut": "Cut",
                "length_mm": "Length mm (a round: max diameter)", "width_mm": "Width mm (a round: min diameter)",
                "depth_mm": "Depth mm", "carat": "Carat (certified)", "color": "Colour", "clarity": "Clarity",
                "cut_grade": "Cut grade", "polish": "Polish", "symmetry": "Symmetry", "fluorescence": "Fluorescence",
                "lab": "Lab", "certificate": "Report number", "price": "Price (empty: from the grid)"}


NEW_STONE = "(a new stone)"


def stones_page() -> None:
    """Store staff: the inventory of loose stones: import a CSV, add or edit a stone, sell or release one."""
    st.title("Store stones")
    if password_hash() is None or not staff():
        say("info", "The store's stones are managed by store staff: sign in on the Store settings page.")
        return
    for kind, shown in (("stones_problem", "error"), ("stones_notice", "success")):
        if st.session_state.get(kind):
            for line in str(st.session_state.pop(kind)).splitlines():
                say(shown, line)
    try:
        records = inventory().list()
    except StorageError as exc:
        say("error", exc)
        return
    st.caption(f"{len(records)} stones: {sum(record.available for record in records)} available, "
               f"{sum(record.status.value == 'reserved' for record in records)} reserved, "
               f"{sum(record.status.value == 'sold' for record in records)} sold.")
    if records:
        try:
            priced = priced_stones(records, current_price_table())
        except ConfiguratorError as exc:
            say("error", f"The stones cannot be priced: {exc}")
            priced = []
        st.dataframe(pd.DataFrame([{
            "Stock": row.record.stock_number, "Shape": row.record.stone.shape.value, "Carat": row.record.stone.carat,
            "Colour": row.record.stone.color, "Clarity": row.record.stone.clarity,
            "Report": row.record.stone.report or "", "Price": row.price, "Priced": "grid" if row.from_grid else "own",
            "Status": row.record.status.value,
            "Reserved for": f"#{row.record.reserved_for}" if row.record.reserved_for else "",
            "Until (UTC)": f"{row.record.reserved_until:%Y-%m-%d %H:%M}" if row.record.reserved_until else "",
        } for row in priced]), hide_index=True, key="stones_table", height=300,
            column_config={"Carat": st.column_config.NumberColumn(format="%.2f"),
                           "Price": st.column_config.NumberColumn(format="%,.2f",
                                                                  help="The stone's own price, or the grid's at its "
                                                                       "certified carat and grades"),
                           "Priced": st.column_config.TextColumn(help="own: the store's price for the stone; grid: "
                                                                      "from the price table")})
    with st.form("stones_import", clear_on_submit=True):
        st.markdown("**Import a CSV file** (the columns are listed in the README); a file with a bad row is refused "
                    "whole, each problem named.")
        upload = st.file_uploader(f"Stones CSV (up to {MAX_IMPORT_ROWS:,} stones)", type=["csv"], key="stones_upload",
                                  max_upload_size=MAX_IMPORT_BYTES // 1_000_000)
        if st.form_submit_button("Import"):
            _import_stones(upload)
    numbers = [NEW_STONE] + [record.stock_number for record in records]
    chosen = st.selectbox("Add or edit a stone", numbers, key="stone_edit", on_change=_fill_stone_fields)
    record = next((record for record in records if record.stock_number == chosen), None)
    with st.form("stone_form"):
        values = {}
        cols = st.columns(3)
        for index, (name, label) in enumerate(STONE_FIELDS.items()):
            if name == "stock_number" and record is not None:
                continue
            st.session_state.setdefault(f"stone_field_{name}", "")
            values[name] = cols[index % 3].text_input(label, key=f"stone_field_{name}")
        if st.form_submit_button("Save stone"):
            _save_stone(record, values)
    if record is not None:
        cols = st.columns(2)
        cols[0].button("Mark sold", key="stone_sell", on_click=_stone_status, args=(chosen, "sold"),
                       disabled=record.status.value == "sold", width="stretch")
        cols[1].button("Make available (release)", key="stone_release", on_click=_stone_status,
                       args=(chosen, "available"), disabled=record.available, width="stretch")


def _fill_stone_fields() -> None:
    """The form shows the stone chosen for editing (or empty fields for a new one)."""
    record = inventory().find(st.session_state.get("stone_edit") or "")
    current = record.stone.csv_row() if record is not None else {}
    for name in STONE_FIELDS:
        st.session_state[f"stone_field_{name}"] = current.get(name, "")


def _import_stones(upload) -> None:
    if upload is None:
        st.session_state.stones_problem = "Choose a CSV file first."
        return
    try:
        stones = read_csv(upload.getvalue(), upload.name)
        inventory().import_stones(stones, upload.name)
        st.session_state.stones_notice = f"Imported {len(stones)} stones from {upload.name}."
    except RefusedFile as exc:
        st.session_state.stones_problem = str(exc)
    except ConfiguratorError as exc:
        st.session_state.stones_problem = str(exc)
    st.rerun()


def _save_stone(record: StockStone | None, values: dict[str, str]) -> None:
    try:
        if record is None:
            saved = inventory().add(parse_stone(values))
        else:
            saved = inventory().set(record.stock_number, **{key: value or None for key, value in values.items()})
        st.session_state.stones_notice = f"Saved stone {saved.stock_number}: {saved.stone.described}."
    except ConfiguratorError as exc:
        st.session_state.stones_problem = str(exc)
    st.rerun()


@guarded
def _stone_status(number: str, status: str) -> None:
    if not staff():
        return
    try:
        record = inventory().set(number, status=status)
        st.session_state.stones_notice = f"Stone {number} is {record.status.value} now."
    except ConfiguratorError as exc:
        st.session_state.stones_problem = str(exc)

