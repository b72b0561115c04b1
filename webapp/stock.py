"""The store's own loose stones on the Design page: the selection a client picks from, the chosen stone's record and
where it stands (available, held, sold), the closest others when it cannot be hers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from configurator.design import DesignError, Shape
from configurator.documents import parse_design
from configurator.errors import ConfiguratorError
from configurator.inventory import (
    StockStone,
    as_recorded,
    closest,
    priced_stones,
    stone_price,
    with_stock_stone,
    without_stock_number,
)
from configurator.price_table import PriceTable, current_price_table
from configurator.storage import SavedDesign, StorageError
from webapp import form, selection
from webapp.database import inventory, stock_list, store, this_minute
from webapp.session import load
from webapp.staff import staff
from webapp.text import plain
from webapp.ui import guarded, number_field, say
from webapp.visitors import visitor

SELECTION_HEIGHT = 320


def selection_wanted(doc: dict) -> bool:
    return bool(doc.get("stone")) and st.session_state.get("stone_source") == "selection"


def selection_panel() -> None:
    """The store's available stones, wide beside the price: filters, and a table the client sorts and picks from."""
    st.subheader("Our selection")
    stock = _stock_and_prices()
    if stock is not None:
        with st.container(key="stone_selection"):
            selection_table([record for record in stock[0] if record.available], stock[1])


def _stock_and_prices() -> tuple[list[StockStone], PriceTable] | None:
    """Every stone of the inventory and the price table in force; None (and the page says why) when the database
    cannot give them."""
    try:
        return stock_list(inventory().stamp(), this_minute()), current_price_table()
    except ConfiguratorError as exc:
        say("error", f"Our selection cannot be shown: {exc}")
        return None


def chosen_stone(doc: dict) -> None:
    """The stone chosen from the selection: its record and where it stands."""
    chosen = doc["stone"].get("stock_number")
    stock = _stock_and_prices() if chosen else None
    if stock is not None:
        chosen_stone_details(chosen, *stock)


def selection_table(available: list[StockStone], table) -> None:
    if not available:
        say("info", "No stones in our selection right now; design a stone instead.")
    else:
        full = selection.frame(priced_stones(available, table), table.markup)
        shapes = selection.ordered(full["Shape"], [shape.value for shape in Shape].index)
        kinds = selection.materials(full)
        if "sel_materials" not in st.session_state:  # natural diamonds first, as a client asks for them
            st.session_state.sel_materials = kinds[:1]
        st.session_state.sel_materials = [kind for kind in st.session_state.sel_materials if kind in kinds]
        cols = st.columns([2, 2, 1])
        picked_kinds = cols[0].multiselect("Stone", kinds, key="sel_materials", placeholder="any stone",
                                           help="Natural and lab-grown diamonds and coloured stones, apart")
        picked_shapes = cols[1].multiselect("Shape", shapes, key="sel_shapes", placeholder="any shape")
        sort = cols[2].selectbox("Sort by", list(selection.SORTS), key="sel_sort")
        low, high = float(full["Carat"].min()), float(full["Carat"].max())
        kept = st.session_state.get("sel_carat")
        if kept is not None and not (low - 1e-9 <= kept[0] <= kept[1] <= max(high, low + 0.01) + 1e-9):
            del st.session_state["sel_carat"]  # the stones changed under it: the whole range again
        offered = selection.colours_of(full, picked_kinds)
        if any(colour not in offered for colour in st.session_state.get("sel_colours", [])):
            st.session_state.sel_colours = [c for c in st.session_state.sel_colours if c in offered]
        cols = st.columns(3)
        colours = cols[0].multiselect("Colour", offered, key="sel_colours", placeholder="any")
        clarities = cols[1].multiselect("Clarity", selection.ordered(full["Clarity"], selection.clarity_rank),
                                        key="sel_clarities", placeholder="any")
        grades = cols[2].multiselect("Cut grade", selection.ordered([g for g in full["Cut grade"] if g],
                                                                    selection.cut_rank),
                                     key="sel_cut_grades", placeholder="any")
        cols = st.columns([2, 1])
        carats = cols[0].slider("Carat", low, max(high, low + 0.01), (low, max(high, low + 0.01)), 0.01,
                                key="sel_carat") if high > low else (low, high)
        with cols[1]:
            price_max = number_field(f"Stone price up to ({table.currency})", "sel_price_max", 0.0, 10_000_000.0,
                                     None, help="The stone's price; empty: any price", decimals=0, optional=True)
        shown_rows = selection.narrowed(full, selection.Choice(
            shapes=picked_shapes, carat=carats, colours=colours, clarities=clarities, cut_grades=grades,
            price_max=price_max or None, sort=sort, materials=picked_kinds))
        st.session_state.stone_rows = list(shown_rows["Stock"])
        st.caption(f"{len(shown_rows)} of {len(full)} stones available · click a row to choose a stone")
        st.dataframe(shown_rows, key="stone_table", on_select=_pick_from_table, selection_mode="single-row",
                     hide_index=True, height=min(SELECTION_HEIGHT, 38 + 35 * max(len(shown_rows), 1)),
                     column_config={"Carat": st.column_config.NumberColumn(format="%.2f"),
                                    "Price": st.column_config.NumberColumn(f"Price {table.currency}",
                                                                           format="%,.2f")})
        numbers = [""] + list(shown_rows["Stock"])
        st.selectbox("Or choose by stock number", numbers, key="stock_pick", on_change=_pick_by_number,
                     format_func=lambda number: number or "—", help="The number on the stone's parcel")


def chosen_stone_details(number: str, records: list[StockStone], table) -> None:
    """The chosen stone's record, and whether it can still be the client's."""
    record = next((record for record in records if record.stock_number == number), None)
    st.markdown(f"**Chosen: our stone {plain(number)}**")
    if record is None:
        say("warning", f"Stone {number} is no longer in our selection.")
        return
    amount, from_grid = stone_price(record.stone, table)
    rows = selection.details(record, selection.client_price(amount, table.markup), from_grid, table.currency,
                             store=staff())
    st.table(pd.DataFrame({"Our stone": [what for what, _ in rows], number: [value for _, value in rows]}),
             hide_index=True)
    st.caption(plain(stone_status(record)))


def stone_status(record: StockStone) -> str:
    """Where the chosen stone stands, in the words the client reads (staff read whose design holds it)."""
    if record.available:
        try:
            table = current_price_table()
        except ConfiguratorError:
            return "Available."
        if staff():
            return f"Available. Saving the design for the client reserves it for {table.stone_hold_days:g} days."
        return (f"Available. Saving the design with the client's phone or e-mail holds it for "
                f"{table.visitor_hold_hours:g} hours (one stone a client); the store can hold it longer.")
    if record.status.value == "sold":
        return "This stone has been sold."
    holder = _holder(record)
    if record.reserved_for in set(st.session_state.get("my_designs", ())):
        whose = "this design"
    elif holder is not None and visitor().can_see(holder):
        whose = f"your saved design #{record.reserved_for}"
    elif holder is not None and staff():
        whose = f"saved design #{holder.id} for {holder.client_name}"
    else:
        whose = "another client"
    return f"Reserved for {whose} until {record.reserved_until:%Y-%m-%d %H:%M} UTC."


def _holder(record: StockStone) -> SavedDesign | None:
    """The saved design the stone is reserved for, if any (and still saved)."""
    if record.reserved_for is None:
        return None
    try:
        return store().get(record.reserved_for)
    except StorageError:
        return None


def own_hold(record: StockStone) -> bool:
    """Whether the stone is reserved for one of this person's own saved designs (saved or opened in this session, or
    theirs by their browser or an access code): a new save of the piece may take the reservation over."""
    if record.reserved_for is None:
        return False
    if record.reserved_for in set(st.session_state.get("my_designs", ())):
        return True
    holder = _holder(record)
    return holder is not None and visitor().can_see(holder)


def held_for_visitor(record: StockStone) -> bool:
    """Whether the stone is reserved for a saved design this person may open (theirs, or any, for staff)."""
    return own_hold(record) or (record.reserved_for is not None and staff() and _holder(record) is not None)


def brought_to_record(design):
    """The session's design with its stone of the store's brought to that stone's record (`inventory.as_recorded`),
    whatever the link, file or saved row said; the page says what it corrected. A piece that cannot take the stone as
    it really is keeps its own stone, priced from the grid."""
    record = _stock_record(design)
    if record is None:
        return design
    try:
        recorded = as_recorded(design, record.stone)
    except DesignError as exc:
        doc = without_stock_number(design.to_dict())
        st.session_state.design = doc
        said = str(exc).removeprefix("stone.stock_number: ")
        st.session_state.caution = f"{said[:1].upper()}{said[1:]}: the design keeps its own stone, priced from the grid."
        return parse_design(doc)
    if recorded.note is not None:
        st.session_state.design = recorded.design.to_dict()
        st.session_state.caution = recorded.note + "."
    return recorded.design


def stock_notice(design) -> None:
    """One line above the piece when the design's stone of the store's cannot be the client's (sold, gone, or held
    for someone else); a stone held for her says so in a caption. The closest stones are offered with the stone's
    controls, not here: the piece stays on the first screen."""
    record = _stock_record(design)
    if record is None:
        return
    number = design.stone.stock_number
    if record.available:
        return
    if held_for_visitor(record):
        st.caption(plain(stone_status(record)))
        return
    if record.status.value == "sold":
        say("warning", f"Our stone {number} has been sold: this design needs another stone (the closest are with "
                       "the stone, below).")
    else:
        say("warning", f"Our stone {number} is held for a client until {record.reserved_until:%Y-%m-%d}. If that is "
                       "you, open your saved design with its code (Saved designs); otherwise the closest stones are "
                       "with the stone, below.")


def _stock() -> list[StockStone] | None:
    """Every stone of the inventory (kept a minute, and until any stone changes); None when the database cannot say."""
    try:
        return stock_list(inventory().stamp(), this_minute())
    except StorageError:
        return None


def _stock_record(design) -> StockStone | None:
    """The record of the design's stone of the store's as the selection knows it (None: no such stone here)."""
    if design.stone is None or design.stone.stock_number is None:
        return None
    return next((record for record in _stock() or () if record.stock_number == design.stone.stock_number), None)


def closest_stones(design) -> None:
    """Under the stone's controls: for a stone that cannot be the client's (sold, gone, held for another), the three
    closest available, each a click away."""
    records = _stock() if design.stone is not None and design.stone.stock_number is not None else None
    if records is None:
        return
    number = design.stone.stock_number
    record = next((record for record in records if record.stock_number == number), None)
    if record is not None and (record.available or held_for_visitor(record)):
        return
    if record is None:
        say("warning", f"Our stone {number} is no longer in our selection.")
    wanted = record.stone if record is not None else design.stone
    carat = record.stone.carat if record is not None else 0.0
    others = closest(wanted, carat, records, count=3)
    if others:
        st.caption("The closest stones available:")
        for other in others:
            st.button(plain(f"{other.stock_number}: {other.stone.carat:.2f} ct {other.stone.shape.value} "
                                 f"{other.stone.color} {other.stone.clarity}"), key=f"closest_{other.stock_number}",
                      on_click=_pick, args=(other.stock_number,), width="stretch")


def _pick_from_table() -> None:
    event = st.session_state.get("stone_table")
    rows = list(getattr(getattr(event, "selection", None), "rows", None) or (event or {}).get("selection", {}).get(
        "rows", []))
    shown = st.session_state.get("stone_rows") or []
    if rows and 0 <= rows[0] < len(shown):
        _pick(shown[rows[0]])


def _pick_by_number() -> None:
    number = st.session_state.get("stock_pick")
    if number:
        _pick(number)
        st.session_state.stock_pick = ""


@guarded
def _pick(number: str) -> None:
    """Make the store's stone `number` the design's centre stone: its measured size, grades and stock number."""
    record = inventory().find(number)
    if record is None:
        st.session_state.problem = f"Stone {number} is no longer in our selection."
        return
    if not record.available and not held_for_visitor(record):
        st.session_state.problem = f"Stone {number}: {stone_status(record)} Choose another."
        return
    try:
        design = with_stock_stone(parse_design(st.session_state.design), record.stone)
    except (DesignError, ValueError) as exc:
        st.session_state.problem = f"Stone {number} does not fit this piece: {form.refusal(exc)}"
        return
    load(design.to_dict(), st.session_state.get("client"), f"Chosen: our stone {number}, "
         f"{record.stone.described}.", keep_ui=True)
    st.session_state.stone_source = "selection"

