"""Favourites and compare: the star on the Design page, and the Favourites page, where two to four favourites stand
side by side (picture, total, metal and grams, stones, size; what differs marked), each opened in one tap to go on
designing. On a phone the compared designs are cards that swipe sideways."""

from __future__ import annotations

import streamlit as st

from configurator import catalogue
from configurator.builds import model_of
from configurator.compare import MOST_COMPARED, side_by_side
from configurator.documents import loads_design
from configurator.errors import ConfiguratorError
from configurator.favourites import Favourite
from configurator.renders import thumbnail_png
from webapp import favourites as kept
from webapp.database import prices_key
from webapp.results import priced
from webapp.session import address_token, load
from webapp.staff import staff
from webapp.text import html_text
from webapp.ui import LOG, guarded, say
from webapp.visitors import terminal

FAVOURITES_PAGE = "app_pages/favourites.py"
# Side by side on a wide screen; on a phone, one card at a time across the screen, swiped sideways (snapping).
COMPARE_CSS = """
<style>
.st-key-compare [data-testid="stHorizontalBlock"] { align-items: stretch; }
@media (max-width: 640px) {
  .st-key-compare [data-testid="stHorizontalBlock"] { flex-wrap: nowrap !important; overflow-x: auto;
    scroll-snap-type: x mandatory; -webkit-overflow-scrolling: touch; gap: 0.75rem; padding-bottom: 0.5rem; }
  .st-key-compare [data-testid="stColumn"] { flex: 0 0 84% !important; min-width: 84% !important;
    scroll-snap-align: start; }
}
.compare-card { border: 1px solid #e2dccf; border-radius: 8px; padding: 0.5rem 0.7rem; background: #fffdf9; }
.compare-card h4 { margin: 0.2rem 0 0.4rem 0; font-size: 1.02rem; }
.compare-row { display: flex; justify-content: space-between; gap: 0.6rem; padding: 0.22rem 0.3rem;
  border-bottom: 1px solid #f0ebe1; font-size: 0.9rem; }
.compare-row span:first-child { color: #6b6659; }
.compare-row span:last-child { text-align: right; overflow-wrap: anywhere; }
.compare-row.differs { background: #fff1c7; font-weight: 600; }
.compare-row.differs span:first-child::after { content: " ≠"; color: #a3740a; }
</style>
"""


# The star and the way to compare side by side, on a phone too (one row, not two).
STAR_CSS = """
<style>
.st-key-star_bar [data-testid="stHorizontalBlock"] { flex-wrap: nowrap !important; }
.st-key-star_bar [data-testid="stColumn"] { min-width: 0 !important; flex: 1 1 0 !important; }
</style>
"""


def _shop() -> bool:
    return staff() or terminal()


@guarded
def _toggle(design_json: str) -> None:
    key = kept.key_of(design_json)
    if key in kept.keys():
        kept.unstar(key)
        st.session_state.notice = "Taken out of your favourites."
        return
    problem = kept.star(design_json)
    if problem:
        st.session_state.problem = problem
    else:
        st.session_state.notice = ("Pinned: change anything now, this variant stays on Favourites."
                                   if _shop() else "Added to your favourites: compare them on Favourites.")


def star_bar(design_json: str) -> None:
    """The Design page's star: add this design to the favourites (in the shop: pin this variant), or take it out;
    and the way to compare them."""
    starred = kept.key_of(design_json) in kept.keys()
    count = len(kept.favourites())
    st.html(STAR_CSS)
    left, right = st.container(key="star_bar").columns(2)
    if starred:
        label = "★ Pinned" if _shop() else "★ In your favourites"
    else:
        label = "☆ Pin this variant" if _shop() else "☆ Add to favourites"
    left.button(label, key="star", on_click=_toggle, args=(design_json,), width="stretch",
                help="Taken out again with a second tap" if starred else
                "Keeps this design as it is now, to compare with others; your changes after it do not touch it")
    if count:
        right.page_link(FAVOURITES_PAGE, label=f"Compare favourites ({count})", icon=":material/compare:",
                        query_params={"design": address_token()}, width="stretch")


@st.cache_data(max_entries=64, show_spinner=False)
def picture(design_json: str) -> bytes | None:
    """A small picture of the design (the saved designs' thumbnail), made once a design."""
    try:
        return thumbnail_png(model_of(loads_design(design_json)), 192)
    except Exception:  # noqa: BLE001 - a card without its picture still compares
        LOG.exception("favourite picture")
        return None


def title(item: Favourite, number: int) -> str:
    design = loads_design(item.design_json)
    return f"{number}. {design.name}" if design.name else f"{number}. {design.piece.value} in {design.metal}"


def chip(item: Favourite, number: int) -> str:
    """A favourite as the compare box lists it: its number and name, and its metal (variants share a name)."""
    return f"{title(item, number)}, {catalogue.metal(loads_design(item.design_json).metal).name}"


@guarded
def _open(item: Favourite, number: int) -> None:
    load(loads_design(item.design_json).to_dict(), st.session_state.get("client"),
         f"Opened favourite {number}: go on designing (it stays on Favourites as it was).")
    st.session_state.open_design = True


@guarded
def _remove(item: Favourite) -> None:
    kept.unstar(item.key)
    st.session_state.compare_chosen = [key for key in st.session_state.get("compare_chosen", []) if key != item.key]


def favourites_page() -> None:
    st.title("Favourites")
    for kind, shown in (("problem", "error"), ("caution", "warning"), ("notice", "info")):
        if st.session_state.get(kind):
            say(shown, st.session_state.pop(kind))
    items = kept.favourites()
    if not items:
        say("info", "No favourites yet. On the Design page, tap “Add to favourites” on any design you like (or, in "
                    "the shop, “Pin this variant”); then compare them here side by side.")
        return
    st.caption("Kept with your saved designs: your access code brings them back on any device."
               if kept.keeps() else "Kept for this visit. Save a design to keep them with its access code.")
    numbers = {item.key: index + 1 for index, item in enumerate(items)}
    known = [key for key in st.session_state.get("compare_chosen", []) if key in numbers]
    st.session_state.compare_chosen = known or [item.key for item in items[-MOST_COMPARED:]]
    chosen = st.multiselect("Compare (two to four)", list(numbers), key="compare_chosen",
                            max_selections=MOST_COMPARED,
                            format_func=lambda key: chip(items[numbers[key] - 1], numbers[key]))
    compared = [items[numbers[key] - 1] for key in chosen]
    if len(compared) < 2:
        say("info", "Choose at least two to compare.")
    compare(compared, [numbers[item.key] for item in compared])


def compare(items: list[Favourite], numbers: list[int]) -> None:
    """The favourites side by side: a card each, its picture, total and rows, what differs marked."""
    if not items:
        return
    designs = [loads_design(item.design_json) for item in items]
    try:
        summaries = [priced(item.design_json, prices_key(design)) for item, design in zip(items, designs, strict=True)]
    except ConfiguratorError as exc:
        say("error", f"They cannot be priced right now: {exc}")
        return
    rows = side_by_side(designs, summaries)
    st.html(COMPARE_CSS)
    with st.container(key="compare"):
        for column, item, number, index in zip(st.columns(len(items)), items, numbers, range(len(items)),
                                               strict=True):
            with column:
                shot = picture(item.design_json)
                if shot:
                    st.image(shot, width=150)
                lines = "".join(
                    f'<div class="compare-row{" differs" if row.differs and len(items) > 1 else ""}" '
                    f'data-row="{html_text(row.label)}"><span>{html_text(row.label)}</span>'
                    f"<span>{html_text(row.values[index])}</span></div>" for row in rows)
                st.html(f'<div class="compare-card" data-favourite="{number}"><h4>'
                        f"{html_text(title(item, number))}</h4>{lines}</div>")
                st.button("Open to go on designing", key=f"open_favourite_{item.key[:16]}", type="primary",
                          on_click=_open, args=(item, number), width="stretch")
                st.button("Remove from favourites", key=f"remove_favourite_{item.key[:16]}", on_click=_remove,
                          args=(item,), width="stretch")
