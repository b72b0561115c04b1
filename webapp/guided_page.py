"""Step by step: the guided way through, made for a phone (and in the shop on request). Budget, then piece and
setting, stone, metal and size, and review and save: one step a screen, the piece and its total pinned at the top of
every one, back and next at the bottom, the choices a picture says best (setting styles, stone shapes, band profiles)
shown as small renders of the project's own presets. It edits the session's design, the same one the full form
edits: the full form is one tap away, and each shows what the other changed."""

from __future__ import annotations

import base64
import json

import streamlit as st

from configurator import budget, catalogue, choices
from configurator.compare import side_by_side
from configurator.documents import loads_design, parse_design
from configurator.errors import ConfiguratorError
from configurator.features.centre import clarities, colours
from configurator.presets import presets
from configurator.price_table import current_price_table, price_table_stamp
from webapp import form
from webapp.controls import (
    check_control,
    number_control,
    offered_metals,
    pendant_controls,
    radio_control,
    select_control,
    size_controls,
)
from webapp.database import prices_key
from webapp.design_page import base_url, checks_panel, kept_codes, save_design
from webapp.favourites_page import COMPARE_CSS, picture, star_bar
from webapp.results import findings, priced
from webapp.session import (
    MOVED,
    MOVED_THIS_RUN,
    address_token,
    control_changed,
    load,
    problem_under,
    session_design,
)
from webapp.staff import staff
from webapp.text import html_text
from webapp.ui import guarded, number_field, say

STEPS = ("Your budget", "Piece and setting", "The stone", "Metal and size", "Review and save")
STEP = "guided_step"
DESIGN_PAGE = "app_pages/design.py"
SIZER_PAGE = "app_pages/sizer.py"
GUIDED_CSS = """
<style>
[data-testid="stElementContainer"]:has(> * .guided-top), [data-testid="stElementContainer"]:has(.guided-top) {
  position: sticky; top: 3.75rem; z-index: 999; }
.guided-top { display: flex; align-items: center; gap: 12px; background: #fffdf9; border: 1px solid #e2dccf;
  border-radius: 10px; padding: 6px 10px; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.06); }
.guided-top img { width: 76px; height: 76px; object-fit: contain; background: #fff; border-radius: 6px; }
.guided-top .total { font: 700 1.15rem sans-serif; color: #262730; }
.guided-top .step { font-size: 0.85rem; color: #6b6659; }
.st-key-guided_nav [data-testid="stHorizontalBlock"] { flex-wrap: nowrap !important; }
.st-key-guided_nav [data-testid="stColumn"] { min-width: 0 !important; flex: 1 1 0 !important; }
[class*="st-key-choices_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.6rem; }
[class*="st-key-choices_"] [data-testid="stColumn"] { flex: 0 0 calc(33.3% - 0.5rem) !important;
  min-width: calc(33.3% - 0.5rem) !important; }
[class*="st-key-choices_"] img { border-radius: 8px; background: #fff; }
.st-key-starts [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.6rem; }
.st-key-starts [data-testid="stColumn"] { flex: 0 0 calc(50% - 0.4rem) !important; min-width: calc(50% - 0.4rem) !important; }
@media (min-width: 900px) {
  [class*="st-key-choices_"] [data-testid="stColumn"] { flex: 0 0 calc(16.6% - 0.6rem) !important;
    min-width: calc(16.6% - 0.6rem) !important; }
  .st-key-starts [data-testid="stColumn"] { flex: 0 0 calc(25% - 0.5rem) !important; min-width: calc(25% - 0.5rem) !important; }
}
</style>
"""


def _step() -> int:
    return min(max(int(st.session_state.get(STEP, 0)), 0), len(STEPS) - 1)


def _go(step: int) -> None:
    st.session_state[STEP] = min(max(step, 0), len(STEPS) - 1)


def _money(currency: str, amount: float) -> str:
    return f"{currency} {amount:,.2f}"


def top_bar(design_json: str, step: int) -> None:
    """The piece and its total, pinned at the top of every step, with the step she is on."""
    try:
        quote = priced(design_json, prices_key(loads_design(design_json)))
        total = _money(quote.price.currency, quote.price.total)
    except ConfiguratorError as exc:
        total = f"No price yet: {exc}"
    shot = picture(design_json)
    image = (f'<img alt="The piece as it is now" src="data:image/png;base64,{base64.b64encode(shot).decode()}">'
             if shot else "")
    st.html(f'<div class="guided-top" data-guided-step="{step + 1}">{image}<div><div class="total" '
            f'data-total>{html_text(total)}</div><div class="step">Step {step + 1} of {len(STEPS)}: '
            f"{html_text(STEPS[step])}</div></div></div>")


def nav(step: int) -> None:
    """Back and next, at the foot of every step."""
    with st.container(key="guided_nav"):
        back, forward = st.columns(2)
        if step > 0:
            back.button(f"← {STEPS[step - 1]}", key="guided_back", on_click=_go, args=(step - 1,), width="stretch")
        if step < len(STEPS) - 1:
            forward.button(f"{STEPS[step + 1]} →", key="guided_next", type="primary", on_click=_go,
                           args=(step + 1,), width="stretch")


def picture_choice(kind: str, design, key: str) -> None:
    """The choices of `kind` her design can take, as pictures of her design with each (`configurator.choices`),
    three across on a phone; a tap makes the choice through the form, as its control would, the chosen one marked."""
    shown = form.values(design.to_dict(), st.session_state.ui)
    chosen = shown.get(key)
    with st.container(key=f"choices_{kind}"):
        values = choices.offered(kind, design)
        for column, value in zip(st.columns(len(values)), values, strict=True):
            with column:
                st.image(choices.picture(kind, value, design=design), width="stretch")
                mark = "✓ " if value == chosen else ""
                st.button(f"{mark}{choices.label(kind, value)}", key=f"choose_{kind}_{value}", width="stretch",
                          type="primary" if value == chosen else "secondary", help=choices.hint(kind, value),
                          on_click=control_changed, args=(key, value))
    problem_under(key, shown)


@guarded
def _start_from(doc: dict, change: str) -> None:
    load(doc, st.session_state.get("client"), f"Starting from {change}.", preset=True)
    _go(1)


def budget_step() -> None:
    st.subheader("What would you like to spend?")
    currency = current_price_table().currency
    amount = number_field(f"Your budget ({currency})", "guided_budget", 100.0, 10_000_000.0, None, optional=True,
                          decimals=0, help="Leave it empty to start from the design you have")
    if amount is None:
        st.caption("Type a budget to see the pieces that come within it, or go on with the design above.")
        return
    with st.spinner("Finding the pieces within your budget…"):
        starts = _starts(amount, price_table_stamp())
    if not starts:
        say("info", f"None of our designs comes within {_money(currency, amount)}. Try a larger budget, or go on "
                    "with the design above and the budget helper on the full form.")
        return
    st.caption(f"Within {_money(currency, amount)}, the closest first: tap one to start from it.")
    with st.container(key="starts"):
        for index, (column, start) in enumerate(zip(st.columns(len(starts)), starts, strict=True)):
            with column:
                shot = picture(start["design_json"])
                if shot:
                    st.image(shot, width="stretch")
                st.html(f'<div data-start="{index}"><b>{html_text(start["name"])}</b><br><small>'
                        f'{html_text(start["change"])}</small><br><b>{html_text(_money(currency, start["total"]))}'
                        "</b></div>")
                st.button("Start from this", key=f"start_{index}", width="stretch", on_click=_start_from,
                          args=(json.loads(start["design_json"]), f"{start['name']}, {start['change']}"))


@st.cache_data(max_entries=32, show_spinner=False)
def _starts(amount: float, prices: str) -> list[dict]:
    """The presets and their nearest variants within `amount` (the budget helper's), found once a budget and price
    table (`prices`, the table's stamp, keys it)."""
    return [{"name": start.preset, "change": start.change, "total": start.total, "design_json": start.design.to_json()}
            for start in budget.starting_points(amount, presets())]


def piece_step(doc: dict, shown: dict, design) -> None:
    st.subheader("A ring or a pendant?")
    radio_control("piece", ["ring", "pendant"], shown)
    if doc["piece"] == "ring":
        st.markdown("**The band's profile** (its cross-section)")
        picture_choice("profile", design, "profile")
    if not shown["stone_on"]:
        st.caption("A plain band, no stone. Add one to choose its setting.")
        check_control("stone_on", shown)
        return
    st.markdown("**How the stone is set**")
    picture_choice("style", design, "style")


def stone_step(doc: dict, shown: dict, design) -> None:
    st.subheader("The stone")
    check_control("stone_on", shown)
    if not shown["stone_on"]:
        return
    st.markdown("**Its shape**")
    picture_choice("shape", design, "shape")
    gems = catalogue.gemstones()
    select_control("material", list(gems), shown, format_func=lambda key: gems[key].name)
    if shown["size_by"] == "carat" and not shown["client_stone"]:
        number_control("carat", 0.01, 100.0, shown, unit="ct", help="1,5 or 1.5")
    cols = st.columns(2)
    with cols[0]:
        select_control("color", colours(shown["material"]), shown)
    with cols[1]:
        select_control("clarity", clarities(shown["material"]), shown)


def metal_step(doc: dict, shown: dict) -> None:
    st.subheader("Metal and size")
    metals = catalogue.metals()
    select_control("metal", offered_metals(doc["metal"]), shown, format_func=lambda key: metals[key].name)
    if doc["piece"] == "ring":
        size_controls(doc, shown)
        st.page_link(SIZER_PAGE, label="Not sure of your size? Find my size", icon=":material/straighten:",
                     query_params={"design": address_token()})
    else:
        pendant_controls(shown)


def review_step(design) -> None:
    st.subheader("Your piece")
    design_json = design.to_json()
    try:
        quote = priced(design_json, prices_key(design))
    except ConfiguratorError as exc:
        say("error", f"The price cannot be shown: {exc}. The design is kept.")
        return
    rows = side_by_side([design], [quote])
    st.html(COMPARE_CSS + '<div class="compare-card" data-review>' + "".join(
        f'<div class="compare-row"><span>{html_text(row.label)}</span><span>{html_text(row.values[0])}</span></div>'
        for row in rows) + "</div>")
    star_bar(design_json)
    try:
        checks_panel(findings(design_json))  # what the workshop would change, with its fix, before she saves
    except ConfiguratorError as exc:
        say("warning", f"The workshop check could not run just now ({exc}); the store checks it before anything is made.")
    kept_codes(base_url())
    with st.form("guided_save_form", clear_on_submit=False):
        st.markdown("**Save it, to come back to it or show it in the shop**")
        client = st.text_input("Your name", max_chars=120, key="guided_client_name")
        contact = st.text_input("Phone or e-mail (optional)", max_chars=120, key="guided_client_contact",
                                help="So the store can reach you; seen only by the store")
        if st.form_submit_button("Save my design", type="primary"):
            save_design(design, client, contact, "", staff())


def guided_page() -> None:
    doc, ui = session_design()
    st.session_state[MOVED_THIS_RUN] = st.session_state.pop(MOVED, None)
    st.html(GUIDED_CSS)
    design = parse_design(doc)
    step = _step()
    top_bar(design.to_json(), step)
    for kind, shown_as in (("problem", "error"), ("caution", "warning"), ("notice", "info")):
        if st.session_state.get(kind):
            say(shown_as, st.session_state.pop(kind))
    st.page_link(DESIGN_PAGE, label="Open the full form", icon=":material/tune:", query_params={"design": address_token()})
    shown = form.values(doc, ui)
    if step == 0:
        budget_step()
    elif step == 1:
        piece_step(doc, shown, design)
    elif step == 2:
        stone_step(doc, shown, design)
    elif step == 3:
        metal_step(doc, shown)
    else:
        review_step(design)
    nav(step)
