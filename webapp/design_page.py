"""The Design page: the piece (its price and 3D view) first, then the form, the price line by line with the budget
helper, the share link and the save form, the workshop's check and the files."""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from configurator import catalogue, glb, words
from configurator.builds import model_of
from configurator.checks import Severity
from configurator.documents import loads_design, parse_design
from configurator.errors import ConfiguratorError
from configurator.features.engraving import FINE_LETTER_KINDS, castable_letters
from configurator.price_table import current_price_table, price_table_stamp
from configurator.pricing import Quote
from configurator.renders import thumbnail_png
from configurator.share import encode_design
from configurator.storage import HoldLimit, StoneHold, StoneUnavailable, new_access_code, secret_hash
from configurator.summary import QuoteSummary
from webapp import access, form, viewer
from webapp.controls import controls, has_row
from webapp.database import inventory, prices_key, store
from webapp.favourites import on_code
from webapp.favourites_page import star_bar
from webapp.files import band_file, download_name, glb_file, sheet_file, stones_file, wax_file
from webapp.results import budget_changes, findings, priced
from webapp.revision import revision_bar
from webapp.session import apply_finding, load, session_design
from webapp.staff import refused_prices, staff
from webapp.stock import brought_to_record, own_hold, selection_panel, selection_wanted, stock_notice
from webapp.text import html_text
from webapp.ui import LOG, guarded, number_field, say
from webapp.visitors import owner_token

# The page's layout: on a wide screen the piece (price and preview) and its details on the left, the controls on
# the right; on a phone the piece first, then the controls, then the details, with the total pinned to the bottom.
LAYOUT_CSS = """
<style>
@media (min-width: 900px) {
  .st-key-design_layout { display: grid !important; grid-template-columns: minmax(0, 1.7fr) minmax(300px, 1fr);
    grid-template-rows: auto 1fr; column-gap: 2.5rem; align-items: start; }
  .st-key-design_layout > div { min-width: 0; }
  .st-key-design_layout > div:has(> .st-key-area_piece), .st-key-area_piece { grid-column: 1; grid-row: 1; }
  .st-key-design_layout > div:has(> .st-key-area_details), .st-key-area_details { grid-column: 1; grid-row: 2; }
  .st-key-design_layout > div:has(> .st-key-area_controls), .st-key-area_controls { grid-column: 2; grid-row: 1 / span 2; }
  .phone-total { display: none; }
}
@media (max-width: 899px) {
  .st-key-area_piece h1 { font-size: 1.45rem; padding: 0 0 0.25rem 0; }
  .phone-total { position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990; background: #fffdf9;
    border-top: 1px solid #ddd6ca; padding: 8px 16px; font: 600 16px sans-serif; color: #262730;
    display: flex; justify-content: space-between; }
  .block-container { padding-top: 4.2rem; padding-bottom: 4rem; }
}
.preview-status { font-size: 0.85rem; color: #6b6659; min-height: 1.3rem; margin: 0; }
.preview-placeholder { display: flex; align-items: center; justify-content: center; gap: 10px; background: #f5f3ef;
  border-radius: 6px; color: #6b6659; font: 15px sans-serif; }
.preview-placeholder .spin { width: 18px; height: 18px; border: 3px solid #d8d2c6; border-top-color: #8a7f6a;
  border-radius: 50%; animation: configurator-spin 0.9s linear infinite; }
@keyframes configurator-spin { to { transform: rotate(360deg); } }
</style>
"""


def _money(amount: float) -> str:
    return f"{amount + 0.0:,.2f}"  # + 0.0: a zero credit is 0.00, never -0.00


def headline(quote: QuoteSummary) -> None:
    """The total, and what it is for, above the preview."""
    price = quote.price
    st.metric("Price", f"{price.currency} {_money(price.total)}",
              help=f"Price table of {price.table_date.isoformat()}")
    metal = catalogue.metal(quote.metal).name
    facts = [f"{quote.metal_grams:.2f} g of {metal}"]
    if quote.stones:
        facts.append(words.carats(quote.total_carat))
    if quote.chain is not None:
        facts.append(f"{quote.chain.length_mm:.0f} mm chain, {quote.chain.grams:.2f} g")
    if quote.inner_diameter_mm is not None:
        facts.append(f"inner diameter {quote.inner_diameter_mm:.2f} mm")
    if (band := quote.matching_band) is not None:
        facts.append(f"with its {'contoured' if band.contoured else 'straight'} matching band, "
                     f"{band.metal_grams:.2f} g")
    st.caption(" · ".join(facts))
    st.html(f'<div class="phone-total"><span>Total</span><span>{html_text(price.currency)} '
            f'{_money(price.total)}</span></div>')


def price_panel(design_json: str, quote: QuoteSummary) -> None:
    """The price as the client reads it (each line with its share of the markup, and the total); staff open the
    store's lines (labour, per-gram prices, the markup) in a box of their own, closed by default: the client at the
    counter sees the screen too."""
    price = quote.price
    st.subheader("Price")
    _price_table([(line.item, line.amount, line.part) for line in price.client_lines()], price)
    compared = price.catalogue_comparison
    credited = " (after the same credit)" if compared.total != compared.before_credits else ""
    st.caption(f"The same metal and stones as a mass-produced catalogue piece: {price.currency} "
               f"{_money(compared.total)}{credited}; custom design and finishing add "
               f"{_money(compared.difference)}.")
    if staff():
        with st.expander("Store lines: labour, prices per gram and the markup (not for the client's eyes)"):
            _price_table([(line.item, line.amount, line.part) for line in price.rows], price, key="store_price")
    budget_helper(design_json, price)


def _price_table(lines: list[tuple[str, float, str]], price: Quote, key: str | None = None) -> None:
    currency = price.currency
    rows = []
    subtotals = {"ring": "Subtotal: the ring", "band": "Subtotal: the matching band"}
    for index, (item, amount, part) in enumerate(lines):
        rows.append((item, amount))
        following = lines[index + 1][2] if index + 1 < len(lines) else None
        if part in subtotals and following != part:  # a set: each ring's subtotal after its lines
            rows.append((subtotals[part], price.subtotals[part]))
    rows.append((f"Total {currency}" + (" for the set" if price.is_set else ""), price.total))
    st.table(pd.DataFrame({"": [item for item, _ in rows], currency: [_money(amount) for _, amount in rows]}),
             hide_index=True)


def budget_helper(design_json: str, price: Quote) -> None:
    """The client's budget, and the single changes that bring the design within it."""
    budget = number_field(f"Client's budget ({price.currency})", "budget", 1.0, 10_000_000.0, None, optional=True,
                          decimals=0, help="Leave empty for no budget. Each suggestion changes one thing and shows "
                                           "its new price.")
    if budget is None:
        return
    if price.total <= budget:
        say("success", f"Within budget: {price.currency} {_money(price.total)} of {_money(budget)}.")
        return
    try:
        changes = budget_changes(design_json, budget, price_table_stamp() + f"|stones {inventory().stamp()}")
    except ConfiguratorError as exc:
        say("error", f"No suggestions for this design: {exc}")
        return
    if not changes:
        say("info", "No single change brings this design within the budget.")
        return
    st.table(pd.DataFrame({"change": [change["change"] for change in changes],
                           price.currency: [_money(change["total"]) for change in changes]}), hide_index=True)
    labels = [change["change"] for change in changes]
    chosen = st.selectbox("Try a suggestion", labels, key="suggestion")
    st.button("Apply this change", key="apply_suggestion", on_click=_apply_suggestion,
              args=(changes[labels.index(chosen)]["design"], chosen))


@guarded
def _apply_suggestion(doc: dict, label: str) -> None:
    load(doc, st.session_state.get("client"), f"Applied: {label}.", keep_ui=True)


def workshop_view(design_json: str) -> None:
    """For staff, on request: the metal coloured by its wall thickness from the check's scan, seats and the metal
    holding each stone marked (pyvista through stpyvista; vtk is imported only now, never on a client's change)."""
    if st.toggle("Workshop view: wall thickness", key="workshop_view",
                 help="The metal coloured by its thickness as the check measured it (red under the casting minimum), "
                      "the seats and the metal over each stone's girdle marked. Drawn on request: it takes a few "
                      "seconds."):
        from webapp.workshop import show_workshop_view

        with st.spinner("Drawing the workshop view…"):
            show_workshop_view(design_json, key="workshop")


def checks_panel(issues: list[dict]) -> None:
    st.subheader("Workshop check")
    for index, issue in enumerate(issues):
        kind = "error" if issue["severity"] == Severity.BLOCKING.value else "warning"
        measure = f" ({issue['value_mm']:.2f} mm; at least {issue['limit_mm']:.2f} mm)" if issue["limit_mm"] > 0 else ""
        say(kind, f"{issue['message'][:1].upper()}{issue['message'][1:]}{measure}. "
                  f"{issue['fix'][:1].upper()}{issue['fix'][1:]}.")
        if issue["changes"]:
            st.button(f"Fix: {form.fix_label(issue['changes'])}", key=f"fix_{index}", on_click=apply_finding,
                      args=(issue,))
        if issue.get("kind") in FINE_LETTER_KINDS:  # letters too fine to cast: a bolder font casts too
            for number, (said, changes) in enumerate(castable_letters(parse_design(st.session_state.design))[1:]):
                st.button(f"Or: {said}", key=f"fix_{index}_{number}", on_click=apply_finding,
                          args=({"changes": dict(changes)},))
    if not issues:
        say("success", "Ready to cast: walls, gaps, prongs and seats measured on the mesh meet the casting minimums.")


def downloads(design, design_json: str, issues: list[dict]) -> None:
    """The files: for a client her sheet, the design file and the 3D model; for staff the workshop's files too (the
    wax patterns, the stones) and the sheet for each reader."""
    st.subheader("Files")
    held = form.wax_held_back(issues)
    blocking = held is not None
    is_staff = staff()
    if is_staff:
        _wax_downloads(design, design_json, held)
    cols = st.columns(2)
    cols[0].download_button("Download design JSON", design_json, file_name=download_name(design, ".json"),
                            mime="application/json", key="download_json", on_click="ignore", width="stretch")
    cols[1].download_button("Download 3D model (GLB)", functools.partial(glb_file, design_json),
                            file_name=download_name(design, ".glb"), mime="model/gltf-binary", key="download_glb",
                            on_click="ignore", disabled=blocking, width="stretch",
                            help="The piece with its stones, for 3D viewers")
    audience = "client"
    if is_staff:
        audience = st.radio("Sheet for", list(SHEETS), format_func=SHEETS.get, horizontal=True, key="sheet_for",
                            help="The client's: her piece and price, nothing of the store's workings; the "
                                 "workshop's: every dimension and the check, no prices; the store's: everything")
    saved = st.session_state.get("last_saved")
    code = (st.session_state.get("saved_codes") or {}).get(saved) if saved is not None else None
    st.download_button(f"Download {SHEETS[audience]} (PDF)",
                       functools.partial(sheet_file, design_json, st.session_state.get("client"), prices_key(design),
                                         audience, code),
                       file_name=download_name(design, f"-{audience}-sheet.pdf"), mime="application/pdf",
                       key="download_sheet", on_click="ignore", width="stretch",
                       help={"client": "Three views, the size in every system, the stones and the price",
                             "workshop": "Three views, every dimension, weights in every alloy, gem table and check",
                             "store": "The workshop's sheet and the price line by line"}[audience])
    if not is_staff:
        st.caption("The workshop's wax files are made by the store when the piece is ordered.")


SHEETS = {"client": "the client's sheet", "workshop": "the workshop's sheet", "store": "the store's sheet"}


def _wax_downloads(design, design_json: str, held: str | None) -> None:
    """Staff's: the wax patterns (held back while the check blocks) and the stones."""
    blocking = held is not None
    metal = catalogue.metal(design.metal)
    shrink = st.checkbox(f"Scale the wax for casting shrinkage ({metal.shrinkage_pct:g} %)", value=True,
                         key="shrinkage")
    scale = f"-wax-{metal.shrinkage_pct:g}pct-shrinkage" if shrink else "-wax-nominal-size"
    if held:
        say("error", f"Wax files are held back until the check passes: {held}. Use the fix above, or change the "
                     "design.")
    cols = st.columns(3)
    # Every file is made when its button is pressed: no run pays for (nor sends) a file nobody asked for, and a
    # press reruns nothing (a rerun racing the file's request could leave the button spinning).
    for col, (fmt, mime) in zip(cols, (("stl", "model/stl"), ("obj", "text/plain"), ("3mf", "model/3mf")),
                                strict=True):
        col.download_button(f"Wax {fmt.upper()}", functools.partial(wax_file, design_json, shrink, fmt),
                            file_name=download_name(design, f"{scale}.{fmt}"), mime=mime, key=f"download_{fmt}",
                            on_click="ignore", disabled=blocking, width="stretch")
    if design.matching_band is not None:
        st.download_button("Download matching band wax STL", functools.partial(band_file, design_json, shrink),
                           file_name=download_name(design, f"-matching-band{scale}.stl"), mime="model/stl",
                           key="download_band", on_click="ignore", disabled=blocking, width="stretch",
                           help="The matching band is cast on its own: its own wax pattern, scaled like the ring's")
    stones = stones_file(design_json) if design.stone is not None or has_row(design) else None
    st.download_button("Download stones STL", stones or b"", file_name=download_name(design, "-stones.stl"),
                       mime="model/stl", key="download_stones", on_click="ignore", disabled=stones is None,
                       width="stretch")


def share_and_save(design) -> None:
    """The share link (the design alone), the save form, and what the client keeps of a save: its access code and
    her private link, shown for the rest of the session."""
    token = encode_design(design)
    st.query_params["design"] = token  # the address bar always reopens this design
    base = base_url()
    # A keyed input keeps the value it was first drawn with: set its state each run so it follows the design.
    st.session_state["share_link"] = f"{base}?design={token}"
    st.text_input("Share link", key="share_link", help="Opens this same design on another device (without the "
                                                       "client's name, notes or saved designs)")
    kept_codes(base)
    is_staff = staff()
    with st.form("save_form", clear_on_submit=False):
        st.markdown("**Save for the client**")
        client = st.text_input("Client name", max_chars=120, key="client_name")
        contact = st.text_input("Phone or e-mail", max_chars=120, key="client_contact",
                                help="So the store can reach the client; needed to hold one of our stones for her. "
                                     "Seen only by the store.")
        notes = st.text_area("Notes", max_chars=2000, key="notes")
        if st.form_submit_button("Save design"):
            save_design(design, client, contact, notes, is_staff)


def base_url() -> str:
    return str(getattr(st.context, "url", "") or "").split("?")[0]


def kept_codes(base: str) -> None:
    """The designs saved in this session, each with its access code and private link (the database keeps only the
    code's hash: this session is the one place it can be read again)."""
    if st.session_state.get("save_message"):
        say("success", st.session_state.pop("save_message"))
    codes = st.session_state.get("saved_codes") or {}
    for design_id in sorted(codes, reverse=True)[:3]:
        code = codes[design_id]
        with st.container(key=f"kept_code_{design_id}", border=True):
            st.markdown(f"**Saved design #{design_id}: keep its code and link**")
            st.caption("The code opens the design again on any device (Saved designs); the private link opens it "
                       "directly. Keep both private.")
            st.code(code, language=None)
            st.code(access.private_link(base, design_id, code), language=None, wrap_lines=True)


def save_design(design, client: str, contact: str, notes: str, is_staff: bool) -> None:
    """Save the design for the client: its stone of the store's held by the store's rule (staff: the store's days;
    a client: a short hold when she leaves a phone or e-mail, one stone at a time), its access code kept for the
    session."""
    try:
        picture = thumbnail_png(model_of(design))
    except Exception:  # noqa: BLE001 - a design is saved even when no picture can be made
        picture = None
    code = new_access_code()
    fields = dict(title=design.name or "", notes=notes, preview_png=picture, owner=owner_token(), access_code=code,
                  contact=contact or None)
    try:
        hold, not_held = stone_hold(design, contact, is_staff)
        try:
            saved = store().save(client, design.to_json(), hold=hold, **fields)
        except HoldLimit as exc:
            saved = store().save(client, design.to_json(), **fields)  # the design is saved; the stone is not held
            hold, not_held = None, (f"Our stone {design.stone.stock_number} is not held for this design: {exc}. Ask "
                                    "the store to hold more.")
    except StoneUnavailable as exc:
        say("error", f"Not saved: our stone {exc.stock_number} " + (
            "has just been sold" if exc.status == "sold" else "is no longer in our selection"
            if exc.status is None else f"has just been reserved for another client, until "
                                       f"{exc.reserved_until:%Y-%m-%d}")
            + ". Choose another stone (the closest are shown with the stone) and save again.")
        return
    except ConfiguratorError as exc:
        say("error", f"Not saved: {form.in_words(exc)}")
        return
    st.session_state.client = saved.client_name
    st.session_state.setdefault("codes", []).append(secret_hash(code))
    st.session_state.setdefault("my_designs", []).append(saved.id)
    st.session_state.setdefault("saved_codes", {})[saved.id] = code
    st.session_state.last_saved = saved.id
    kept = on_code()  # her favourites are kept with her code from now on
    held = ""
    if hold is not None:
        st.session_state.setdefault("held_stones", {})[hold.stock_number] = saved.id
        moved = (f" (no longer for your earlier save #{', #'.join(map(str, hold.takes_over))})"
                 if hold.takes_over else "")
        held = (f" Our stone {hold.stock_number} is reserved for this design{moved} until "
                f"{hold.until:%Y-%m-%d %H:%M} UTC.")
    elif not_held:
        held = " " + not_held
    st.session_state.save_message = (f"Saved as #{saved.id} for {saved.client_name}. Its access code is {code}: keep "
                                     f"it to open the design again on another device (Saved designs), with your "
                                     f"favourites.{held}" + (f" {kept}" if kept else ""))
    st.rerun()  # the code and link show at once, above the form, and stay for the session


def stone_hold(design, contact: str | None, is_staff: bool) -> tuple[StoneHold | None, str]:
    """What saving `design` reserves: its stone of the store's, by the store's rule (`webapp.access.hold_rule`),
    taking the hold over from an earlier save of this person's (the client saving the piece again after a change
    keeps the stone); and, when nothing is held, why, in words."""
    if design.stone is None or design.stone.stock_number is None:
        return None, ""
    table = current_price_table()
    rule = access.hold_rule(is_staff, (contact or "").strip() or None, table.stone_hold_days,
                            table.visitor_hold_hours, datetime.now(UTC))
    number = design.stone.stock_number
    record = inventory().find(number)
    mine = record is not None and own_hold(record)
    if record is not None and not record.available and not mine:  # sold, or held for someone else: not hers
        raise StoneUnavailable(f"stone {number}: not available", number, record.status.value, record.reserved_for,
                               record.reserved_until)
    if rule is None:
        return None, (f"Our stone {number} is not held for it: leave a phone or e-mail with the design to hold it "
                      f"for {table.visitor_hold_hours:g} hours, or ask the store.")
    elsewhere = access.held_elsewhere(st.session_state.get("held_stones") or {}, number, rule.client_limit)
    if elsewhere is not None:  # one stone a client, per session too
        stone, held = elsewhere
        return None, (f"Our stone {number} is not held for it: this visit already holds our stone {stone} (saved "
                      f"design #{held}); a client holds one stone at a time. Ask the store to hold more.")
    earlier = (record.reserved_for,) if mine else ()
    return StoneHold(number, rule.until, earlier, rule.client_limit), ""


def _preview_slot(height: int):
    """A box of the preview's final size: on a first load it shows a placeholder with a building indicator; later
    the last preview stays in it until the new one replaces it, so nothing below moves."""
    slot = st.container(height=height + 8, border=False)
    if not st.session_state.get("preview_shown"):
        placeholder = slot.empty()
        placeholder.html(f'<div class="preview-placeholder" style="height:{height}px"><div class="spin"></div>'
                         "Building the 3D view…</div>")
        return placeholder
    return slot


def design_page() -> None:
    doc, ui = session_design()
    st.html(LAYOUT_CSS)
    design = brought_to_record(parse_design(doc))
    doc = st.session_state.design
    design_json = design.to_json()
    layout = st.container(key="design_layout")
    piece_area = layout.container(key="area_piece")
    controls_area = layout.container(key="area_controls")
    details_area = layout.container(key="area_details")
    with piece_area:
        st.title("Design your piece")
        for kind, shown in (("problem", "error"), ("caution", "warning"), ("notice", "info")):
            if st.session_state.get(kind):
                say(shown, st.session_state.pop(kind))
        refused_prices()
        revision_bar(design_json)
        try:
            quote = priced(design_json, prices_key(design))
        except ConfiguratorError as exc:
            say("error", f"The price cannot be shown: {exc}. The design is kept.")
            quote = None
        if quote is not None:
            headline(quote)
        stock_notice(design)
        views = viewer.views(design.piece.value)
        if st.session_state.get("view") not in views:
            st.session_state.view = views[0]
        view_column, scale_column = st.columns([3, 2], vertical_alignment="center")
        view = view_column.radio("View", views, horizontal=True, key="view", label_visibility="collapsed")
        scale_column.checkbox("On a finger, for scale" if design.piece.value == "ring" else "Beside a coin, for scale",
                              key="scale_reference",
                              help="A finger of the ring's own size through it (or a US quarter, 24.26 mm, beside the "
                                   "pendant), to see the piece at its true size.")
        status = st.empty()
        status.html('<p class="preview-status">Building the 3D view…</p>')
        height = viewer.preview_height(st.context.headers.get("User-Agent"))
        slot = _preview_slot(height)
        star_bar(design_json)  # under the preview: on a phone the price and the piece fill the first screen
    # The price is on screen; the preview is what the person waits for next: it goes before the rest is drawn.
    if os.environ.get("CONFIGURATOR_PREVIEW") == "off":  # tests of the logic alone switch it off
        status.html('<p class="preview-status">3D view off</p>')
    else:
        show_preview(design_json, view, slot, status, height)
    with controls_area:
        st.page_link("app_pages/guided.py", label="Go step by step: budget, setting, stone, metal and size",
                     icon=":material/footprint:", query_params={"design": encode_design(design)})
        controls(doc, ui)
    with details_area:
        if selection_wanted(st.session_state.design):
            selection_panel()
        if quote is not None:
            price_panel(design_json, quote)
        workshop = st.container()  # the check and the files: last, the check can take a moment
        share_and_save(design)
    with workshop:
        try:
            issues = findings(design_json)
        except ConfiguratorError as exc:
            say("error", f"The workshop check could not run: {exc}")
            issues = [{"severity": Severity.BLOCKING.value, "message": "the check could not run", "value_mm": 0.0,
                       "limit_mm": 0.0, "fix": "try again in a moment", "changes": {}}]
        checks_panel(issues)
        if staff():
            workshop_view(design_json)
        downloads(design, design_json, issues)


def show_preview(design_json: str, view: str, slot, status, height: int) -> None:
    """The piece in the browser's viewer: its GLB written once for its geometry (the price's build), the materials
    of this design sent with it; the camera the person chose is kept for this piece and view until another design
    is opened."""
    try:
        if not viewer.installed():
            raise RuntimeError("the viewer's scripts are not installed (run scripts/setup.sh)")
        design = loads_design(design_json)
        model = model_of(design)
        scale = bool(st.session_state.get("scale_reference"))
        key = glb.glb_key(design) + ("-scale" if scale else "")
        url = viewer.publish(key, lambda: glb.glb(model, reference=scale))
        piece = design.piece.value
        with slot:
            reported = viewer.show(key=key, url=url, looks=glb.looks(model), metal=design.metal, piece=piece,
                                   view=view, camera_key=f"{piece}:{view}:{st.session_state.get('opened', '')}",
                                   height=height, name=download_name(design, ""), alt=f"The {piece} as designed")
        if reported and reported.get("missing") == key:  # this server lost the file (another wrote it): again
            (viewer.GLB_DIR / f"{key}.glb").unlink(missing_ok=True)
        st.session_state.preview_shown = True
        status.html('<p class="preview-status">Drag to turn · scroll or pinch to zoom · a swipe up or down '
                    "scrolls the page</p>")
    except Exception as exc:  # noqa: BLE001 - the preview must never take the page down
        LOG.exception("preview")
        status.html(f'<p class="preview-status">The 3D view is not available right now '
                    f"({html_text(str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__)}). "
                    "The design and price are unaffected.</p>")

