"""The Saved designs page: a client's own designs (saved from her browser, or opened with their access code), each
loaded, duplicated or, by staff, deleted (and put back)."""

from __future__ import annotations

import json

import streamlit as st

from configurator.design import DesignError
from configurator.documents import without_stray_parts
from configurator.errors import ConfiguratorError
from configurator.inventory import hold_until
from configurator.orders import Orders
from configurator.price_table import current_price_table
from configurator.storage import SavedDesign, StoneUnavailable, StorageError
from webapp import access
from webapp.database import inventory, store
from webapp.favourites import favourites
from webapp.session import address_token, load, open_with_code
from webapp.staff import staff
from webapp.text import html_text
from webapp.ui import guarded, say
from webapp.visitors import terminal, visitor


@guarded
def _load_saved(saved: SavedDesign) -> None:
    if not (staff() or visitor().can_see(saved)):
        st.session_state.saved_problem = "That design is not yours to open."
        return
    try:
        load(without_stray_parts(json.loads(saved.design_json)), saved.client_name, "Opened the saved design.")
        st.session_state.setdefault("my_designs", []).append(saved.id)  # a stone reserved for it is its own
        st.session_state.open_design = True
    except (ValueError, DesignError) as exc:
        st.session_state.saved_problem = f"That saved design cannot be opened: {exc}"


@guarded
def _duplicate(saved: SavedDesign) -> None:
    if not (staff() or visitor().can_see(saved)):
        st.session_state.saved_problem = "That design is not yours to copy."
        return
    try:
        twin = store().duplicate(saved.id)
        st.session_state.saved_notice = f"Duplicated as #{twin.id}."
    except StorageError as exc:
        st.session_state.saved_problem = str(exc)


@guarded
def _delete(saved: SavedDesign) -> None:
    if not staff():
        st.session_state.saved_problem = "Only store staff delete saved designs."
        return
    try:
        store().delete(saved.id)
    except StorageError as exc:
        st.session_state.saved_problem = str(exc)
        return
    st.session_state.setdefault("deleted", []).append(saved)
    st.session_state.pop("confirm_delete", None)


@guarded
def _undo_delete() -> None:
    if not staff():
        return
    deleted = st.session_state.get("deleted") or []
    if not deleted:
        return
    saved = deleted[-1]
    try:
        store().restore(saved)
    except StorageError as exc:
        st.session_state.saved_problem = f"It could not be put back: {exc}"
        return
    deleted.pop()
    st.session_state.saved_notice = f"Put back #{saved.id}." + _hold_again(saved)


def _hold_again(saved: SavedDesign) -> str:
    """A design put back reserves its stone again, if no one took it meanwhile; the words that say how it went."""
    stone = (json.loads(saved.design_json).get("stone") or {}).get("stock_number")
    if not stone:
        return ""
    try:
        record = inventory().reserve(stone, saved.id, hold_until(current_price_table().stone_hold_days))
    except StoneUnavailable as exc:
        taken = ("it has been sold" if exc.status == "sold" else "it is no longer in our selection"
                 if exc.status is None else f"another client holds it until {exc.reserved_until:%Y-%m-%d}")
        return f" Its stone {stone} could not be reserved again: {taken}."
    except ConfiguratorError as exc:
        return f" Its stone {stone} could not be reserved again ({exc})."
    return f" Its stone {stone} is reserved for it again, until {record.reserved_until:%Y-%m-%d}."


def _saved_row(row: SavedDesign, manage: bool, order: str | None) -> None:
    cols = st.columns([1, 3, 2])
    if row.preview_png:
        cols[0].image(row.preview_png, width=96)
    code = (st.session_state.get("saved_codes") or {}).get(row.id)
    contact = f" · {html_text(row.contact)}" if manage and row.contact else ""
    cols[1].html(f"<div><b>{html_text(row.title or 'untitled')}</b> · {html_text(row.client_name)}{contact}<br>"
                 f"<small>saved {row.updated_at:%Y-%m-%d %H:%M} UTC · #{row.id}</small>"
                 + (f"<br><small>access code <code>{html_text(code)}</code></small>" if code else "")
                 + (f'<br><small style="white-space:pre-wrap">{html_text(row.notes)}</small>' if row.notes else "")
                 + "</div>")
    with cols[2]:
        if manage and st.session_state.get("confirm_delete") == row.id:
            say("warning", "Delete this saved design?")
            yes, no = st.columns(2)
            yes.button("Delete", key=f"really_delete_{row.id}", type="primary", on_click=_delete, args=(row,))
            no.button("Keep", key=f"keep_{row.id}", on_click=st.session_state.pop, args=("confirm_delete", None))
            return
        st.button("Load", key=f"load_{row.id}", on_click=_load_saved, args=(row,), width="stretch")
        st.button("Duplicate", key=f"duplicate_{row.id}", on_click=_duplicate, args=(row,), width="stretch")
        if order is not None:  # its access code is the client's way to the order: it stays
            if manage:
                st.caption(f"Order {order} is made from it, so it is kept (an order is cancelled, never deleted).")
                st.page_link("app_pages/orders.py", label="Open the orders", icon=":material/work:")
            else:
                st.caption("An order is made from this design.")
                st.page_link("app_pages/order.py", label="See your order", icon=":material/work:")
        elif manage:  # deleting is store staff's
            st.button("Delete…", key=f"delete_{row.id}", width="stretch",
                      on_click=lambda id=row.id: st.session_state.update(confirm_delete=id))


def _add_code() -> None:
    typed = str(st.session_state.get("access_code") or "").strip()
    if not typed:
        return
    code = access.normal_code(typed)
    if code is None:
        st.session_state.saved_problem = ("That is not an access code: it is four groups of four letters and digits "
                                          "(such as ABCD-EFGH-2345-JKLM), as shown when the design was saved.")
        return
    saved = open_with_code(code)
    if saved is not None:
        st.session_state.saved_notice = (f"The code opens “{saved.title or 'untitled'}”, saved for "
                                         f"{saved.client_name} (#{saved.id}): it is listed below.")


def saved_page() -> None:
    st.title("Saved designs")
    for kind, shown in (("problem", "error"), ("caution", "warning"), ("saved_problem", "error"),
                        ("saved_notice", "success")):
        if st.session_state.get(kind):
            say(shown, st.session_state.pop(kind))
    manage = staff()
    if manage:
        st.caption("Store staff: every client's saved designs.")
        deleted = st.session_state.get("deleted") or []
        if deleted:
            last = deleted[-1]
            cols = st.columns([3, 1])
            say("info", f"Deleted “{last.title or 'untitled'}” for {last.client_name}.", cols[0])
            cols[1].button("Undo", key="undo_delete", on_click=_undo_delete, width="stretch")
        search = st.text_input("Client", key="search_client", placeholder="Search by client name")
    else:
        search = ""
        st.caption("Your saved designs: those saved from this browser, and those you open with their access code. "
                   "Store staff sign in on the Store settings page to see every client's."
                   if not terminal() else "Shop terminal: the designs saved or opened with a code by this client. "
                   "Press New client (in the menu) before the next one.")
        with st.form("code_form", clear_on_submit=True):
            st.text_input("Access code", key="access_code", placeholder="XXXX-XXXX-XXXX-XXXX",
                          help="The code shown when the design was saved")
            st.form_submit_button("Open with the code", on_click=_add_code)
    starred = len(favourites())
    if starred:
        st.page_link("app_pages/favourites.py", label=f"Your favourites ({starred}): compare them side by side",
                     icon=":material/compare:", query_params={"design": address_token()})
    try:
        rows = store().list(client=search or None, visitor=None if manage else visitor())
    except StorageError as exc:
        say("error", exc)
        return
    if not rows:
        say("info", "No saved designs yet." if not search else f"No saved designs for '{search}'.")
    try:
        ordered = Orders(store()).made_from([row.id for row in rows])
    except StorageError:
        ordered = {}
    for row in rows:
        _saved_row(row, manage, ordered.get(row.id))

