"""The configurator in the browser: a thin Streamlit shell over the `configurator` library.

Run with `streamlit run app.py`. Geometry, sizes, prices, checks and storage come from `configurator`; the form's
logic (what each control shows, what a change does) from `webapp.form`; this file lays the page out, caches results
by the design, and shows them.

The design in session state is the one source of truth: every control is set from it before it is drawn, every
change goes through a callback into it (a change that makes no valid design is refused in words, the design kept),
and loading a design from anywhere (a preset, a file, a share link, a saved row, a budget suggestion, a finding's
fix) just replaces it.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from configurator import catalogue, glb, words
from configurator.budget import fit
from configurator.checks import FINE_LETTER_KINDS, Severity, apply_fix, castable_letters, check
from configurator.design import (
    CHANNEL_SIDE_SHAPES,
    ENGRAVING_DEPTH_MM,
    ENGRAVING_HEIGHT_MM,
    ETERNITY_LONGEST_MM,
    ETERNITY_SHAPES,
    MATCHING_CLEARANCE_RANGE_MM,
    MILGRAIN_BEAD_RANGE,
    SIDE_GRADUATION_RANGE,
    SIDE_MOST_PER_SHOULDER,
    SIDE_SHARE_RANGE,
    SIDE_STYLES,
    TAPER_NARROWEST_MM,
    TAPER_THINNEST_MM,
    Bail,
    BandSide,
    Clasp,
    Coverage,
    Cut,
    DesignError,
    Edges,
    EngravingPlace,
    Font,
    Outline,
    Profile,
    RowSetting,
    SettingStyle,
    Shape,
)
from configurator.documents import loads_design, parse_design, without_stray_parts
from configurator.errors import ConfiguratorError
from configurator.export import Format, band_pattern, encode, stones_mesh, wax_pattern
from configurator.inventory import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    Inventory,
    RefusedFile,
    StockStone,
    as_recorded,
    closest,
    hold_until,
    open_store_with_sample,
    parse_stone,
    priced_stones,
    read_csv,
    stone_price,
    with_stock_stone,
    without_stock_number,
)
from configurator.passwords import PasswordGuard, Throttle, idle_too_long
from configurator.price_table import (
    PriceTable,
    current_price_table,
    price_history,
    price_table_problem,
    price_table_stamp,
    update_price_table,
)
from configurator.pricing import Quote
from configurator.quotes import model_of, quote_summary
from configurator.renders import thumbnail_png
from configurator.share import decode_design, encode_design
from configurator.sheet import spec_sheet
from configurator.sizes import RingSize, System
from configurator.stones import SIDE_CARAT_SHARE, SIDE_CARAT_USUAL
from configurator.storage import (
    HoldLimit,
    SavedDesign,
    StoneHold,
    StoneUnavailable,
    StorageError,
    Store,
    Visitor,
    new_access_code,
    secret_hash,
)
from configurator.summary import QuoteSummary
from webapp import access, form, numbers, selection, viewer
from webapp.text import html_text, message_html, plain

ROOT = Path(__file__).resolve().parent
MODELS = ROOT / "models"
DEFAULT_DESIGN = MODELS / "comfort-band.json"
LOG = logging.getLogger("configurator.app")
MISSING = object()
OWNER_COOKIE = "configurator_owner"  # a random token naming this browser: the designs saved from it are its own
OWNER_COOKIE_DAYS = 400
TERMINAL_COOKIE = "configurator_terminal"  # "1": this browser is a shop terminal (staff set it)

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


def say(kind: str, text: object, where=None) -> None:
    """A message (error, warning, info, success) drawn as inert text: no Markdown, so no link is ever made from a
    person's text or a file's (webapp.text.message_html)."""
    (where or st).html(message_html(kind, text))


# ---------------------------------------------------------------- cached results, keyed by the design


@st.cache_data(max_entries=256, show_spinner=False)
def priced(design_json: str, prices: str) -> QuoteSummary:
    """The quote; `prices` (the price table's stamp) keys the cache so a store's edit shows at once. The cache
    keeps it pickled: each rerun reads its own copy."""
    return quote_summary(loads_design(design_json))


@st.cache_data(max_entries=256, show_spinner=False)
def findings(design_json: str) -> list[dict]:
    design = loads_design(design_json)
    return [finding.to_dict() for finding in check(design, model_of(design))]


@st.cache_data(max_entries=64, show_spinner=False)
def budget_changes(design_json: str, budget: float, prices: str) -> list[dict]:
    """The budget's suggestions; `prices` (the price table's and the inventory's stamps) keys the cache. The store's
    available stones are proposed too."""
    design = loads_design(design_json)
    try:
        available = [record for record in stock_list(inventory().stamp(), _minute()) if record.available]
    except StorageError:
        available = []  # the suggestions of the grid still help
    return [suggestion.to_dict() for suggestion in fit(design, budget, selection=available)]


@st.cache_data(max_entries=32, show_spinner=False)
def wax_file(design_json: str, shrinkage: bool, fmt: str) -> bytes:
    design = loads_design(design_json)
    pattern = wax_pattern(model_of(design), None if shrinkage else 0.0)
    return encode(pattern, Format(fmt), catalogue.metal(design.metal).color_hex)


@st.cache_data(max_entries=32, show_spinner=False)
def band_file(design_json: str, shrinkage: bool) -> bytes:
    """A ring's matching band: its own wax STL, scaled like the ring's."""
    design = loads_design(design_json)
    pattern = band_pattern(model_of(design), None if shrinkage else 0.0)
    return encode(pattern, Format.STL, catalogue.metal(design.metal).color_hex)


@st.cache_data(max_entries=32, show_spinner=False)
def stones_file(design_json: str) -> bytes | None:
    stones = stones_mesh(model_of(loads_design(design_json)))
    return None if stones is None else encode(stones, Format.STL)


@st.cache_data(max_entries=16, show_spinner=False)
def sheet_file(design_json: str, client: str | None, prices: str = "", audience: str = "client",
               code: str | None = None) -> bytes:
    """The sheet for `audience` (client, workshop, store), made when the button is pressed (about 2 s: three
    renders and, but the client's, the export-mesh check); the client's carries her access code when known."""
    return spec_sheet(loads_design(design_json), client=client, audience=audience, code=code)


@st.cache_data(max_entries=32, show_spinner=False)
def engraving_ways_for(doc_json: str, text: str, draft_json: str) -> list[tuple[str, dict]]:
    """The ways to make a text fit that does not (`form.engraving_ways`: a hundred designs tried), found once for a
    design, text and choice: a refusal stands across the runs other controls make."""
    return form.engraving_ways(json.loads(doc_json), text, json.loads(draft_json))


@st.cache_data(max_entries=32, show_spinner=False)
def glb_file(design_json: str) -> bytes:
    """The GLB download: the same file the viewer draws, in this design's materials."""
    return glb.glb(model_of(loads_design(design_json)))


@st.cache_resource
def store() -> Store:
    """The saved-designs database, shared by every session (the engine is thread-safe); a new embedded one starts
    with the sample stones."""
    return open_store_with_sample()


def inventory() -> Inventory:
    """The store's loose stones, in the saved designs' database."""
    return Inventory(store())


def _minute() -> int:
    """A reservation runs out on its own, with no write to say so: lists are kept a minute at most."""
    import time

    return int(time.time() // 60)


@st.cache_data(max_entries=8, show_spinner=False)
def stock_list(stamp: str, minute: int) -> list[StockStone]:
    """Every stone of the inventory; `stamp` (which changes with any stone's record or status) keys the cache."""
    return inventory().list()


def prices_key(design) -> str:
    """What a quote of `design` depends on besides the design: the price table, and the store's stones when its
    centre stone is one of them."""
    try:
        key = price_table_stamp()
        if design.stone is not None and design.stone.stock_number is not None:
            key += f"|stones {inventory().stamp()}"
    except ConfiguratorError:  # the database is busy: the quote itself will say so in one line
        key = "unavailable"
    return key


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


# ---------------------------------------------------------------- who is looking: store staff, or a customer


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


def terminal() -> bool:
    """Whether this browser is a shop terminal (staff set it on Store settings): designs saved on it are not tied to
    it, so the next client at the counter sees none of them."""
    if "terminal" not in st.session_state:
        st.session_state.terminal = st.context.cookies.get(TERMINAL_COOKIE) == "1"
    return bool(st.session_state.terminal)


def _owner_token() -> str | None:
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


def _remember_owner() -> None:
    """Set the browser's cookies: this session's token (a token we made: no text of anyone's) and the terminal
    mode."""
    token = _owner_token()
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
    token = _owner_token()
    return Visitor(secret_hash(token) if token else None, tuple(st.session_state.get("codes", ())))


def new_client() -> None:
    """Forget the last client: her design, codes, saved designs and the staff sign-in; a new browser token, so
    what was saved from this browser is no longer listed on it (her designs stay saved: her code opens them)."""
    forgotten = [*st.session_state.get("forgotten", ()), st.session_state.get("owner")]
    is_terminal = terminal()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state.forgotten = [token for token in forgotten if token]
    st.session_state.terminal = is_terminal
    st.session_state.section = "Design"  # set, not forgotten: the menu shows where the page is
    load(_default_design(), preset=True)
    st.session_state.notice = "A new client: the last one's design, codes and saved designs are no longer shown here."


# ---------------------------------------------------------------- the design in the session


def _preset_names() -> dict[str, Path]:
    presets = {}
    for path in sorted(MODELS.glob("*.json")):
        try:
            presets[json.loads(path.read_text(encoding="utf-8")).get("name") or path.stem] = path
        except (OSError, ValueError):
            continue
    return presets


def _default_design() -> dict:
    return parse_design(json.loads(DEFAULT_DESIGN.read_text(encoding="utf-8"))).to_dict()


def _opens_preset(doc: dict) -> bool:
    """Whether a design opened at the start is the default preset (its name is then the preset's)."""
    return doc == _default_design()


def _initial_design() -> dict:
    """The design a new session opens: a private link's saved design (its code checked), a share link's, or the
    default preset."""
    private = access.saved_link_params(st.query_params)
    if private is not None:
        design_id, code = private
        del st.query_params["saved"], st.query_params["code"]  # the code does not stay in the address bar
        saved = open_with_code(code, design_id)
        if saved is not None:
            st.session_state.setdefault("my_designs", []).append(saved.id)
            st.session_state.client = saved.client_name
            return without_stray_parts(json.loads(saved.design_json))
    token = st.query_params.get("design")
    if token:
        try:
            return decode_design(token).to_dict()
        except DesignError as exc:
            st.session_state.caution = f"The link could not be opened ({form.in_words(exc)}); showing a preset."
    return _default_design()


def open_with_code(code: str, design_id: int | None = None) -> SavedDesign | None:
    """The saved design an access code opens (the one numbered `design_id`, if given), its code then kept for this
    session; None, with the reason in the session's messages, for a code that opens nothing (each such try counted
    against this session and address, and slowed like the password)."""
    def opens() -> bool:
        rows = store().list(visitor=Visitor(None, (secret_hash(code),)))
        found[:] = [row for row in rows if design_id is None or row.id == design_id]
        return bool(found)

    found: list[SavedDesign] = []
    try:
        attempt = code_guard().attempt(opens, *client_keys())
    except StorageError as exc:
        st.session_state.saved_problem = f"Saved designs cannot be read right now: {exc}"
        return None
    if not attempt.checked:
        st.session_state.saved_problem = (f"Too many codes that opened nothing: wait {attempt.wait_s:.0f} s, then "
                                          "type the code again (it was not checked).")
        return None
    if not attempt.ok:
        wait = f" Wait {attempt.wait_s:.0f} s before the next try." if attempt.wait_s else ""
        st.session_state.saved_problem = ("That code opens no saved design. Check it: four groups of four letters "
                                          f"and digits, as shown when the design was saved.{wait}")
        return None
    codes = st.session_state.setdefault("codes", [])
    if secret_hash(code) not in codes:
        codes.append(secret_hash(code))
    st.session_state.setdefault("saved_codes", {}).update({row.id: code for row in found})
    return found[0]


def guarded(callback):
    """A button's or control's callback that can never show a traceback: a failure is one line on the page."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the person sees one line, the log the whole story
            LOG.exception("callback %s", callback.__name__)
            st.session_state.problem = f"That did not work ({type(exc).__name__}: {exc}); the design is as it was."

    return run


def load(doc: dict, client: str | None = None, notice: str | None = None, keep_ui: bool = False,
         preset: bool = False) -> None:
    """Make `doc` (a valid design) the one on screen: every control follows it on this run. A design that comes
    from this one (a fix, a budget suggestion) keeps the person's own choices (sizing system, carat or mm) and the
    camera; another design opened starts with the camera of its own. A preset's name is the preset's: it goes when
    the piece becomes another."""
    st.session_state.design = parse_design(doc).to_dict()
    fresh = form.new_ui(st.session_state.design)
    if keep_ui and "ui" in st.session_state:
        fresh = {**fresh, "size_by": st.session_state.ui.get("size_by", "carat"),
                 "size_system": st.session_state.ui.get("size_system", fresh["size_system"]),
                 "parked": st.session_state.ui.get("parked", {}),
                 "preset_name": st.session_state.ui.get("preset_name")}
    else:
        st.session_state.opened = secrets.token_hex(4)
    if preset:
        fresh["preset_name"] = st.session_state.design.get("name")
    st.session_state.ui = fresh
    st.session_state.field_problems = {}
    st.session_state.client = client
    if notice:
        st.session_state.notice = notice


def _session() -> tuple[dict, dict]:
    if "design" not in st.session_state:
        first = _initial_design()
        load(first, preset=_opens_preset(first))
    return st.session_state.design, st.session_state.ui


def _changed(key: str, value: Any = MISSING) -> None:
    """A control moved: the design follows, or the change is refused in words next to the control (what was typed
    kept in a text box) and the design kept."""
    doc, ui = _session()
    given = st.session_state.get(key) if value is MISSING else value
    try:
        trial = copy.deepcopy(ui)
        st.session_state.design = parse_design(form.change(doc, trial, key, given)).to_dict()
        st.session_state.ui = trial
        waiting = (st.session_state.get("field_problems") or {}).get("engraving")
        st.session_state.field_problems = {}  # a change made: earlier refusals are history
        if waiting is not None and key != "engraving" and str(waiting["typed"] or "").strip():
            _changed("engraving", waiting["typed"])  # a text kept waiting is tried again on the changed piece
    except (DesignError, ConfiguratorError, ValueError) as exc:
        _refused(key, form.refusal(exc), given)
    except Exception as exc:  # noqa: BLE001 - a callback's crash would show a traceback
        LOG.exception("control %s", key)
        _refused(key, f"That change could not be made ({type(exc).__name__}); the design is as it was.", given)


def _refused(key: str, message: str, typed: Any) -> None:
    """Keep a refusal for the control `key`, shown under it while the design stays as it was."""
    shown = form.values(*_session())
    st.session_state.setdefault("field_problems", {})[key] = {"message": message, "design": shown.get(key),
                                                              "typed": typed}


def _problem(key: str, shown: dict) -> dict | None:
    """The refusal standing for control `key` (None once the design has moved on)."""
    problems = st.session_state.setdefault("field_problems", {})
    problem = problems.get(key)
    if problem is not None and problem["design"] != shown.get(key):
        problems.pop(key)
        return None
    return problem


def _problem_under(key: str, shown: dict) -> None:
    problem = _problem(key, shown)
    if problem is not None:
        say("warning", problem["message"])


@guarded
def _apply_fix(finding: dict) -> None:
    try:
        design = apply_fix(parse_design(st.session_state.design), finding)
        load(design.to_dict(), st.session_state.get("client"), f"Fix applied: {form.fix_label(finding['changes'])}.",
             keep_ui=True)
    except (DesignError, ValueError) as exc:
        st.session_state.problem = form.refusal(exc)


def _sync(key: str, shown: dict[str, Any], keep_typed: bool = False) -> None:
    """Set control `key` from the design before it is drawn (only when it differs: the browser keeps its own); a
    text box whose text was refused (`keep_typed`) keeps it while the refusal stands."""
    if keep_typed and _problem(key, shown) is not None:
        return
    if key in shown and st.session_state.get(key, MISSING) != shown[key]:
        st.session_state[key] = shown[key]


def _select(label: str, key: str, options: list, shown: dict, **kwargs):
    _sync(key, shown)
    chosen = st.selectbox(label, options, key=key, on_change=_changed, args=(key,), **kwargs)
    _problem_under(key, shown)
    return chosen


def _radio(label: str, key: str, options: list, shown: dict, **kwargs):
    _sync(key, shown)
    chosen = st.radio(label, options, key=key, on_change=_changed, args=(key,), horizontal=True, **kwargs)
    _problem_under(key, shown)
    return chosen


def _slider(label: str, key: str, low: float, high: float, step: float, shown: dict, **kwargs):
    _sync(key, shown)
    value = st.slider(label, low, high, step=step, key=key, on_change=_changed, args=(key,), **kwargs)
    _problem_under(key, shown)
    return value


def _number(label: str, key: str, low: float, high: float, shown: dict, *, unit: str = "", decimals: int = 2,
            help: str | None = None) -> None:
    """A number of the design typed as people type it (`1,5` is 1.5): a text box whose text is read when it
    changes; what cannot be read, or lies outside `low`..`high`, is refused next to the box in words, the text kept
    as typed and the design as it was (until the design changes by another control)."""
    if _problem(key, shown) is None and key in shown:
        text = numbers.shown(shown[key], decimals)
        if st.session_state.get(key) != text:
            st.session_state[key] = text
    st.text_input(label, key=key, on_change=_typed, args=(key, label, low, high, unit), help=help)
    _problem_under(key, shown)


def _typed(key: str, label: str, low: float, high: float, unit: str) -> None:
    typed = st.session_state.get(key, "")
    value, problem = numbers.read_field(typed, label, low, high, unit)
    if problem is not None:
        _refused(key, problem, typed)
        return
    _changed(key, value)


def number_field(label: str, key: str, low: float, high: float, value: float | None, *, unit: str = "",
                 decimals: int = 2, optional: bool = False, help: str | None = None) -> float | None:
    """A number the page asks for that is not part of the design (a budget, a filter, a store price), typed as
    people type it; None when it is left empty (`optional`) or refused (the reason shown under it)."""
    if key not in st.session_state:
        st.session_state[key] = "" if value is None else numbers.shown(value, decimals)
    text = st.text_input(label, key=key, help=help)
    if optional and not str(text).strip():
        return None
    parsed, problem = numbers.read_field(text, label, low, high, unit)
    if problem is not None:
        say("warning", problem)
    return parsed


def _check(label: str, key: str, shown: dict, **kwargs):
    _sync(key, shown)
    ticked = st.checkbox(label, key=key, on_change=_changed, args=(key,), **kwargs)
    _problem_under(key, shown)
    return ticked


def _text(label: str, key: str, shown: dict, problem: bool = True, **kwargs):
    _sync(key, shown, keep_typed=True)
    typed = st.text_input(label, key=key, on_change=_changed, args=(key,), **kwargs)
    if problem:
        _problem_under(key, shown)
    return typed


# ---------------------------------------------------------------- controls


def presets_and_files() -> None:
    with st.expander("Start from a preset, or open a design file"):
        presets = _preset_names()
        chosen = st.selectbox("Preset", list(presets), key="preset")
        st.button("Open this preset", key="open_preset", width="stretch", on_click=_open_preset,
                  args=(presets[chosen],))
        upload = st.file_uploader("Design file (JSON, up to 256 KiB)", type=["json"], key="upload")
        if upload is not None and st.session_state.get("uploaded_id") != upload.file_id:
            st.session_state.uploaded_id = upload.file_id
            try:
                design = loads_design(upload.getvalue(), source=upload.name)
            except DesignError as exc:
                say("error", f"That file is not a design this configurator can open: {form.in_words(exc)}")
            else:
                load(design.to_dict(), notice=f"Opened {upload.name}.")
                st.rerun()


@guarded
def _open_preset(path: Path) -> None:
    try:
        load(json.loads(path.read_text(encoding="utf-8")), preset=True)
    except (OSError, ValueError, DesignError) as exc:
        st.session_state.problem = f"That preset could not be opened: {exc}"


def band_controls(doc: dict, shown: dict) -> None:
    st.subheader("Band")
    _select("Profile", "profile", [p.value for p in Profile], shown,
            help="Cross-section of the band: comfort (court) is domed inside and out")
    cols = st.columns(2)
    with cols[0]:
        _slider("Band width (mm)", "width", 1.0, 15.0, 0.1, shown, help="Along the finger")
    with cols[1]:
        _slider("Band thickness (mm)", "thickness", 0.4, 4.0, 0.05, shown,
                help="Inside to outside; casting needs at least 1.0-1.2 mm by alloy")
    systems = [system.value for system in System]
    system = shown["size_system"]
    _radio("Size system", "size_system", systems, shown,
           help="US/Canada, UK/Australia (letters), EU (inner circumference in mm, ISO 8653), Japan, Switzerland")
    key = f"size_value_{system}"
    _select("Ring size", key, form.size_options(doc, system), shown)
    size = RingSize.of(doc["ring"]["size"]["system"], doc["ring"]["size"]["value"])
    st.caption(" · ".join(f"{name} {label}" for name, label in size.all_systems().items())
               + f" · inner diameter {size.inner_diameter_mm:.2f} mm")
    milgrain_controls(doc, shown)
    taper_controls(doc, shown)
    row_controls(shown)
    matching_controls(shown)


def matching_controls(shown: dict) -> None:
    """A wedding band made to sit beside the ring: its profile, size and the clearance its top keeps from the head."""
    if not _check("Matching band", "band_on", shown,
                  help="A wedding band of the same size beside the ring, its top following the ring's head and "
                       "shoulders 0.2-0.3 mm clear (or straight where they stand clear); priced and exported as its own"):
        return
    cols = st.columns(2)
    with cols[0]:
        _select("Matching band profile", "band_profile", [p.value for p in Profile], shown)
    with cols[1]:
        _radio("Worn", "band_side", [side.value for side in BandSide], shown,
               format_func=lambda key: {"below": "below the ring", "above": "above it"}[key],
               help="Below: on the hand's side, where a wedding band is usually worn")
    cols = st.columns(2)
    with cols[0]:
        _slider("Matching band width (mm)", "band_width", 1.0, 15.0, 0.1, shown, help="Along the finger")
    with cols[1]:
        _slider("Matching band thickness (mm)", "band_thickness", 0.4, 4.0, 0.05, shown,
                help="A band thicker than the ring's rises round its head")
    low, high = MATCHING_CLEARANCE_RANGE_MM
    _slider("Clearance from the ring (mm)", "band_clearance", low, high, 0.01, shown,
            help="Air between the band and the ring's metal and stones where they come closest")


def milgrain_controls(doc: dict, shown: dict) -> None:
    """Beads along the band's edges: which edges, and the beads' size."""
    if not _check("Milgrain on the edges", "milgrain_on", shown,
                  help="A row of small beads along the band's edges, cast with it; stops short of the head"):
        return
    cols = st.columns(2)
    with cols[0]:
        _select("Edges", "milgrain_edges", [edges.value for edges in Edges], shown,
                format_func=lambda key: {"both": "both edges", "one": "one edge"}[key])
    with cols[1]:
        low, high = MILGRAIN_BEAD_RANGE  # up to the largest the band's edges take
        high = max(low + 0.05, min(high, form.largest_bead_mm(doc["ring"])), shown["milgrain_bead"])
        _slider("Bead size (mm)", "milgrain_bead", low, high, 0.05, shown,
                help="The trade's beads are 0.4-0.8 mm across, about a bead apart; under 0.35 mm they do not cast")


def taper_controls(doc: dict, shown: dict) -> None:
    """A tapered shank: the band's width and thickness at the back (those above are the top's, under the head)."""
    if not _check("Tapered shank", "taper_on", shown,
                  help="Narrower and thinner at the back than under the head; the size is unchanged"):
        return
    ring = doc["ring"]
    cols = st.columns(2)
    if ring["width_mm"] > TAPER_NARROWEST_MM:
        with cols[0]:
            _slider("Width at the back (mm)", "taper_width", TAPER_NARROWEST_MM, float(ring["width_mm"]), 0.1, shown,
                    help="Typically about 1.8 mm under a 2.5 mm head")
    if ring["thickness_mm"] > TAPER_THINNEST_MM:
        with cols[1]:
            _slider("Thickness at the back (mm)", "taper_thickness", TAPER_THINNEST_MM, float(ring["thickness_mm"]),
                    0.05, shown, help="The shank's thinnest point; casting needs at least 1.0-1.2 mm by alloy")


def row_controls(shown: dict) -> None:
    """Stones along the band: an eternity row (full, three-quarter or half), its stones and their setting."""
    if not _check("Stones along the band (eternity)", "row_on", shown,
                  help="A row of like stones round the band; an eternity band has no centre stone"):
        return
    cols = st.columns(2)
    with cols[0]:
        _select("Row", "row_coverage", [c.value for c in Coverage], shown,
                format_func=lambda key: {"full": "full eternity", "three-quarter": "three-quarter",
                                         "half": "half eternity"}[key])
    with cols[1]:
        _select("Row setting", "row_setting", [r.value for r in RowSetting], shown,
                help="Shared prongs hold two stones each; a channel holds them between two walls; bezels ring each")
    cols = st.columns(2)
    with cols[0]:
        _select("Row stones", "row_shape", [s.value for s in ETERNITY_SHAPES], shown,
                help="Set across the band, their length along the finger")
    with cols[1]:
        _slider("Row stone length (mm)", "row_length", 1.0, ETERNITY_LONGEST_MM, 0.05, shown)
    _slider("Gap between stones (mm)", "row_gap", 0.1, 1.5, 0.05, shown,
            help="Between neighbouring girdles: a channel holds them close; prongs and bezels need 0.45 mm")
    _grade_controls("Row", "row", shown)
    st.text(shown["row_described"] + ("" if shown["row_resizable"] else
                                      " · a full eternity cannot be resized: choose the size with care"))


def _grade_controls(label: str, key: str, shown: dict) -> None:
    """Material, colour and clarity of a group of stones (`key`_material, _color, _clarity)."""
    gems = catalogue.gemstones()
    cols = st.columns(3)
    with cols[0]:
        _select(f"{label} material", f"{key}_material", list(gems), shown, format_func=lambda gem: gems[gem].name)
    with cols[1]:
        _select(f"{label} colour", f"{key}_color", form.colours(shown[f"{key}_material"]), shown)
    with cols[2]:
        _select(f"{label} clarity", f"{key}_clarity", form.clarities(shown[f"{key}_material"]), shown)


def has_row(design) -> bool:
    return design.ring is not None and design.ring.eternity is not None


def pendant_controls(shown: dict) -> None:
    st.subheader("Pendant")
    _select("Outline", "outline", [o.value for o in Outline], shown,
            help="The plate's shape; a teardrop hangs from its point, a heart from its cleft")
    cols = st.columns(2)
    with cols[0]:
        _slider("Pendant length (mm)", "pendant_size", 6.0, 50.0, 0.5, shown, help="The plate's length, bail excluded")
    with cols[1]:
        _slider("Plate thickness (mm)", "plate_thickness", 0.4, 5.0, 0.1, shown, help="At least 0.8 mm to cast")
    cols = st.columns(2)
    with cols[0]:
        _select("Bail", "bail", [b.value for b in Bail], shown,
                help="Fixed loop, or hinged so the pendant turns to face out")
    with cols[1]:
        _select("Clasp", "clasp", [c.value for c in Clasp], shown, help="Cast with the jump ring, priced by weight")
    _slider("Chain length (mm)", "chain_length", 300.0, 1000.0, 10.0, shown,
            help="A cable chain, clasp included; 450 mm sits at the collarbone")


STONE_SOURCES = {"design": "Design a stone", "selection": "A stone from our selection"}


def stone_controls(doc: dict, shown: dict) -> None:
    st.subheader("Stone")
    if not _check("Centre stone", "stone_on", shown):
        return
    if st.session_state.get("stone_source") not in STONE_SOURCES:
        st.session_state.stone_source = "selection" if doc["stone"].get("stock_number") else "design"
    source = st.radio("Which stone", list(STONE_SOURCES), format_func=STONE_SOURCES.get, horizontal=True,
                      key="stone_source", help="A stone of any size and grade, priced from the grid; or one of the "
                                               "store's own loose stones, with its certificate and its own price")
    closest_stones(parse_design(doc))
    if source == "selection":
        st.caption("Choose a stone in our selection, the table under the piece (on a phone: below).")
        chosen_stone(doc)
    else:
        designed_stone_controls(doc, shown)
    setting_controls(doc, shown)


def designed_stone_controls(doc: dict, shown: dict) -> None:
    """A stone of any shape, size and grade, priced from the grid (or the client's own, measured)."""
    if doc["stone"].get("stock_number"):
        st.caption(plain(f"Now: our stone {doc['stone']['stock_number']}. Changing its size, shape or grades here "
                         "makes it a stone of that size and grade, priced from the grid."))
    cols = st.columns(2)
    with cols[0]:
        _select("Shape", "shape", [s.value for s in Shape], shown,
                help="The outline seen from above; choosing one sets its usual length-to-width ratio")
    with cols[1]:
        _select("Cut", "cut", [c.value for c in Cut], shown,
                help="Brilliant sparkles, step is calm and clear, rose is flat-backed, cabochon domed")
    gems = catalogue.gemstones()
    _select("Material", "material", list(gems), shown, format_func=lambda key: gems[key].name,
            help="Density sets the carat weight of a given size")
    client_stone = shown["client_stone"]
    if not client_stone:
        _radio("Size by", "size_by", list(form.SIZE_BY), shown,
               format_func=lambda key: {"carat": "Carat", "mm": "Millimetres"}[key],
               help="By carat the size follows the weight (it is kept when you change shape, cut or material)")
    if shown["size_by"] == "carat" and not client_stone:
        _number("Carat", "carat", 0.01, 100.0, shown, unit="ct",
                help="The weight the modelled stone has (1,5 or 1.5); its size is chosen to match within 0.01 ct")
        st.caption(f"{shown['stone_length']:.2f} x {shown['stone_width']:.2f} x {shown['stone_depth']:.2f} mm "
                   "(length x width x depth)")
    else:
        _slider("Stone length (mm)", "stone_length", 1.0, 25.0, 0.05, shown, help="The longest outline dimension")
        st.caption(f"{words.carats(shown['carat_exact'])} by its modelled volume · {shown['stone_width']:.2f} mm wide, "
                   f"{shown['stone_depth']:.2f} mm deep")
    if not client_stone:
        _check("Set width and depth myself", "stone_free", shown,
               help="Unticked, width and depth follow the length in the shape's usual proportions")
    if shown["stone_free"]:
        cols = st.columns(2)
        square = doc["stone"]["shape"] in ("round", "asscher")
        with cols[0]:
            if not square:
                _number("Stone width (mm)", "stone_width", 1.0, 25.0, shown, unit="mm")
        with cols[1]:
            _number("Stone depth (mm)" if not client_stone else "Measured depth (mm)", "stone_depth", 0.4, 20.0,
                    shown, unit="mm")
    cols = st.columns(2)
    with cols[0]:
        _select("Colour", "color", form.colours(shown["material"]), shown,
                help="Diamonds D (colourless) to Z; other stones by colour name")
    with cols[1]:
        _select("Clarity", "clarity", form.clarities(shown["material"]), shown,
                help="Diamonds FL (flawless) to I3; other stones by how clean they look")
    _check("The client's own stone", "client_stone", shown, help="Measured by the store: no stone cost, setting only")


def setting_controls(doc: dict, shown: dict) -> None:
    st.subheader("Setting")
    _select("Style", "style", [s.value for s in SettingStyle], shown,
            help="Channel and pavé set accent stones in the shoulders")
    if "prongs" in shown:
        cols = st.columns(2)
        with cols[0]:
            _select("Prongs", "prongs", [3, 4, 6], shown)
        with cols[1]:
            _select("Tips", "tips", ["round", "claw"], shown)
    if "prong_mm" in shown:
        _slider("Prong diameter (mm)", "prong_mm", 0.3, 2.5, 0.05, shown,
                help="Unchanged, it follows the stone's size; the check wants at least 1.0 mm free-standing")
    if "rim_milgrain" in shown:
        _check("Milgrain round the rim", "rim_milgrain", shown, help="A row of 0.5 mm beads round the bezel's top edge")
    if doc["piece"] == "ring":
        side_controls(doc, shown)


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
        return stock_list(inventory().stamp(), _minute()), current_price_table()
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
        return stock_list(inventory().stamp(), _minute())
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


def side_controls(doc: dict, shown: dict) -> None:
    """Stones on the shoulders: one a side (a three-stone ring) or a graduated row."""
    if not _check("Side stones", "side_on", shown,
                  help="One a side makes a three-stone ring; more make a graduated row, in prongs, bezels or a channel"):
        return
    cols = st.columns(2)
    with cols[0]:
        _select("Side stone shape", "side_shape", [s.value for s in Shape], shown,
                help=f"A channel holds {', '.join(s.value for s in CHANNEL_SIDE_SHAPES)} stones")
    with cols[1]:
        _select("Side setting", "side_style", [s.value for s in SIDE_STYLES], shown)
    centre = float(doc["stone"]["length_mm"])
    low, high = SIDE_SHARE_RANGE
    _slider("Side stone length (mm)", "side_length", round(max(1.0, low * centre), 2), round(high * centre, 2), 0.05,
            shown, help="Next to the centre; each side stone usually weighs 50-70 % of the centre's carat")
    least, most = SIDE_CARAT_SHARE
    matching = shown["side_matching_mm"]
    if not least <= shown["side_carat_share"] <= most and abs(matching - shown["side_length"]) >= 0.05:
        st.button(f"Match the centre: {matching:.2f} mm side stones (the trade's {SIDE_CARAT_USUAL:.0%} of its carat "
                  "each, or as near as their length allows)",
                  key="side_match", on_click=_changed, args=("side_length", matching))
    cols = st.columns(2)
    with cols[0]:
        _slider("Stones a side", "side_count", 1, SIDE_MOST_PER_SHOULDER, 1, shown)
    if shown["side_count"] > 1:
        with cols[1]:
            _slider("Graduation", "side_grad", SIDE_GRADUATION_RANGE[0], SIDE_GRADUATION_RANGE[1], 0.05, shown,
                    help="Each stone's length as a share of the one nearer the centre (1.00: all alike)")
    if form.can_share_prongs(doc):
        _check("Share prongs with the centre", "side_shared", shown,
               help="The prongs between the centre and each side stone hold both, as in a classic three-stone ring")
    _grade_controls("Side", "side", shown)
    graduated = (f"; {2 * shown['side_count']} in all, each {shown['side_grad']:.0%} of the one before"
                 if shown["side_count"] > 1 else "")
    st.text(f"2 x {shown['side_length']:.2f} mm {shown['side_shape']}, {words.carats(shown['side_carat'])} each, "
            f"{shown['side_carat_share']:.0%} of the centre's carat (the trade sets {least:.0%}-{most:.0%}), next to "
            f"the centre{graduated}")


FONT_NAMES = {"serif": "Serif (DejaVu Serif Bold)", "sans": "Sans (DejaVu Sans Bold)",
              "script": "Script (Dancing Script Bold)"}


def engraving_controls(doc: dict, shown: dict) -> None:
    """How an engraving is made: cut into the metal (its font, place, letter height and depth) or by hand."""
    if not _check("Cut into the metal", "engraving_cut", shown,
                  help="Carved into the wax and cast with the piece, shown in the preview; unticked, the workshop "
                       "engraves it by hand after casting"):
        return
    cols = st.columns(2)
    with cols[0]:
        _select("Font", "engraving_font", [font.value for font in Font], shown, format_func=FONT_NAMES.get)
    with cols[1]:
        if doc["piece"] == "ring":
            _radio("Place", "engraving_place", [place.value for place in EngravingPlace], shown,
                   help="Read from inside the band, or from outside; centred on the bottom of the shank")
        else:
            st.text("On the back, reading from behind")
    cols = st.columns(2)
    with cols[0]:
        _slider("Letter height (mm)", "engraving_height", *ENGRAVING_HEIGHT_MM, 0.1, shown,
                help="Capital letters' height; at least 1.5 mm, and the text must fit across the band")
    with cols[1]:
        _slider("Depth (mm)", "engraving_depth", *ENGRAVING_DEPTH_MM, 0.01, shown, help="How deep the letters are cut")


def engraving_ways(doc: dict, text: str, message: str) -> None:
    """A text that does not fit as chosen: kept in its box, what stops it said here, how it should be made (cut or by
    hand, the font) still to choose, and each way that makes it fit one click away."""
    say("warning", message)
    ui = st.session_state.ui
    draft = ui.setdefault("engraving_draft", {})
    wanted = form.engraving_draft(doc, text, draft)["engraving"]
    st.session_state.draft_cut = bool(wanted.get("cut", True))
    st.session_state.draft_font = wanted.get("font", "sans")
    cols = st.columns(2)
    cols[0].checkbox("Cut into the metal", key="draft_cut", on_change=_draft_changed, args=("cut",),
                     help="Unticked, the workshop engraves the text by hand after casting: any text fits")
    cols[1].selectbox("Font", [font.value for font in Font], key="draft_font", format_func=FONT_NAMES.get,
                      on_change=_draft_changed, args=("font",))
    ways = engraving_ways_for(json.dumps(doc, sort_keys=True), text, json.dumps(draft, sort_keys=True))
    if ways:
        st.caption("To make it fit:")
        for index, (words, result) in enumerate(ways):
            st.button(plain(words[:1].upper() + words[1:]), key=f"engraving_way_{index}", on_click=_take_way,
                      args=(result, words), width="stretch")


@guarded
def _draft_changed(field: str) -> None:
    """The person chose how a text not yet accepted is made: the engraving is tried again with that choice."""
    doc, ui = _session()
    problem = _problem("engraving", form.values(doc, ui))
    if problem is None:
        return
    draft = ui.setdefault("engraving_draft", {})
    draft[field] = bool(st.session_state.draft_cut) if field == "cut" else st.session_state.draft_font
    _changed("engraving", problem["typed"])


@guarded
def _take_way(result: dict, words: str) -> None:
    st.session_state.ui.pop("engraving_draft", None)
    load(result, st.session_state.get("client"), f"Engraving: {words}.", keep_ui=True)


def extras_controls(doc: dict, shown: dict) -> None:
    st.subheader("Extras")
    _text("Engraving", "engraving", shown, problem=False, max_chars=40,
          help="Up to 40 characters, charged per character; cut into the metal, or engraved by hand after casting")
    problem = _problem("engraving", shown)
    if problem is not None and str(problem["typed"] or "").strip():
        engraving_ways(doc, str(problem["typed"]).strip(), problem["message"])
    elif problem is not None:
        say("warning", problem["message"])
    elif shown["engraving"]:
        engraving_controls(doc, shown)
    if _check("Credit the client's own metal", "heirloom_on", shown):
        metals = catalogue.metals()
        cols = st.columns(2)
        with cols[0]:
            _select("Their metal", "heirloom_metal", list(metals), shown, format_func=lambda key: metals[key].name)
        with cols[1]:
            _number("Weight (g)", "heirloom_grams", 0.1, 1000.0, shown, unit="g")


def controls(doc: dict, ui: dict) -> None:
    """The design form, in the order a consultant talks: piece, metal, band or pendant, stone, setting, extras."""
    shown = form.values(doc, ui)
    presets_and_files()
    _text("Design name", "name", shown, max_chars=120, placeholder="Name this design",
          help="Names the downloads, the spec sheet and the saved design")
    _radio("Piece", "piece", ["ring", "pendant"], shown)
    metals = catalogue.metals()
    _select("Metal", "metal", list(metals), shown, format_func=lambda key: metals[key].name,
            help="The alloy sets the colour, the weight (density) and the metal price")
    if doc["piece"] == "ring":
        band_controls(doc, shown)
    else:
        pendant_controls(shown)
    stone_controls(doc, shown)
    extras_controls(doc, shown)


# ---------------------------------------------------------------- results


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
            st.button(f"Fix: {form.fix_label(issue['changes'])}", key=f"fix_{index}", on_click=_apply_fix,
                      args=(issue,))
        if issue.get("kind") in FINE_LETTER_KINDS:  # letters too fine to cast: a bolder font casts too
            for number, (said, changes) in enumerate(castable_letters(parse_design(st.session_state.design))[1:]):
                st.button(f"Or: {said}", key=f"fix_{index}_{number}", on_click=_apply_fix,
                          args=({"changes": dict(changes)},))
    if not issues:
        say("success", "Ready to cast: walls, gaps, prongs and seats measured on the mesh meet the casting minimums.")


def _file_name(design, suffix: str) -> str:
    """A download's name from the design's: "Anna's band" -> "annas-band-wax-1pct-shrinkage.stl"."""
    words = re.sub(r"['’]", "", design.name or design.piece.value).lower()
    name = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:40]
    return f"{name or 'design'}{suffix}"


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
    cols[0].download_button("Download design JSON", design_json, file_name=_file_name(design, ".json"),
                            mime="application/json", key="download_json", on_click="ignore", width="stretch")
    cols[1].download_button("Download 3D model (GLB)", functools.partial(glb_file, design_json),
                            file_name=_file_name(design, ".glb"), mime="model/gltf-binary", key="download_glb",
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
                       file_name=_file_name(design, f"-{audience}-sheet.pdf"), mime="application/pdf",
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
                            file_name=_file_name(design, f"{scale}.{fmt}"), mime=mime, key=f"download_{fmt}",
                            on_click="ignore", disabled=blocking, width="stretch")
    if design.matching_band is not None:
        st.download_button("Download matching band wax STL", functools.partial(band_file, design_json, shrink),
                           file_name=_file_name(design, f"-matching-band{scale}.stl"), mime="model/stl",
                           key="download_band", on_click="ignore", disabled=blocking, width="stretch",
                           help="The matching band is cast on its own: its own wax pattern, scaled like the ring's")
    stones = stones_file(design_json) if design.stone is not None or has_row(design) else None
    st.download_button("Download stones STL", stones or b"", file_name=_file_name(design, "-stones.stl"),
                       mime="model/stl", key="download_stones", on_click="ignore", disabled=stones is None,
                       width="stretch")


def share_and_save(design) -> None:
    """The share link (the design alone), the save form, and what the client keeps of a save: its access code and
    her private link, shown for the rest of the session."""
    token = encode_design(design)
    st.query_params["design"] = token  # the address bar always reopens this design
    base = _base_url()
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


def _base_url() -> str:
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
    fields = dict(title=design.name or "", notes=notes, preview_png=picture, owner=_owner_token(), access_code=code,
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
                                     f"it to open the design again on another device (Saved designs).{held}")
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
    others = {stone: held for stone, held in (st.session_state.get("held_stones") or {}).items() if stone != number}
    if rule.client_limit is not None and len(others) >= rule.client_limit:  # one stone a client, per session too
        stone, held = next(iter(others.items()))
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
    doc, ui = _session()
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
    # The price is on screen; the preview is what the person waits for next: it goes before the rest is drawn.
    if os.environ.get("CONFIGURATOR_PREVIEW") == "off":  # tests of the logic alone switch it off
        status.html('<p class="preview-status">3D view off</p>')
    else:
        show_preview(design_json, view, slot, status, height)
    with controls_area:
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
                                   height=height, name=_file_name(design, ""), alt=f"The {piece} as designed")
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


# ---------------------------------------------------------------- saved designs and store settings


@guarded
def _load_saved(saved: SavedDesign) -> None:
    if not (staff() or visitor().can_see(saved)):
        st.session_state.saved_problem = "That design is not yours to open."
        return
    try:
        load(without_stray_parts(json.loads(saved.design_json)), saved.client_name, "Opened the saved design.")
        st.session_state.setdefault("my_designs", []).append(saved.id)  # a stone reserved for it is its own
        st.session_state.section = "Design"
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


def _saved_row(row: SavedDesign, manage: bool) -> None:
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
        if manage:  # deleting is store staff's
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
    for kind, shown in (("problem", "error"), ("saved_problem", "error"), ("saved_notice", "success")):
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
    try:
        rows = store().list(client=search or None, visitor=None if manage else visitor())
    except StorageError as exc:
        say("error", exc)
        return
    if not rows:
        say("info", "No saved designs yet." if not search else f"No saved designs for '{search}'.")
    for row in rows:
        _saved_row(row, manage)


def _password_hash() -> str | None:
    stored = os.environ.get("CONFIGURATOR_STORE_PASSWORD_HASH")
    if stored:
        return stored
    try:
        return st.secrets.get("store_password_hash")
    except Exception:  # noqa: BLE001 - no secrets file is the usual case
        return None


def _unlock_form(stored: str) -> None:
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


def terminal_setting() -> None:
    """Staff make this browser a shop terminal: designs saved on it are not tied to it, and "New client" forgets
    the last one."""
    st.checkbox("This browser is a shop terminal", key="terminal_box", value=terminal(), on_change=_set_terminal,
                help="Designs saved here are not listed to the next person at this browser; they open with their "
                     "access code. Press New client between clients.")


def _set_terminal() -> None:
    st.session_state.terminal = bool(st.session_state.get("terminal_box"))
    st.session_state.pop("owner", None)


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


def store_page() -> None:
    st.title("Store settings")
    stored = _password_hash()
    if stored is None:
        say("info", "Store settings are locked: set CONFIGURATOR_STORE_PASSWORD_HASH (make one with "
                "`python -m configurator hash-password`) or store_password_hash in Streamlit secrets.")
        return
    if not staff():
        if st.session_state.get("caution"):
            say("warning", st.session_state.pop("caution"))
        _unlock_form(stored)
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


STONE_FIELDS = {"stock_number": "Stock number", "material": "Material", "shape": "Shape", "cut": "Cut",
                "length_mm": "Length mm (a round: max diameter)", "width_mm": "Width mm (a round: min diameter)",
                "depth_mm": "Depth mm", "carat": "Carat (certified)", "color": "Colour", "clarity": "Clarity",
                "cut_grade": "Cut grade", "polish": "Polish", "symmetry": "Symmetry", "fluorescence": "Fluorescence",
                "lab": "Lab", "certificate": "Report number", "price": "Price (empty: from the grid)"}
NEW_STONE = "(a new stone)"


def stones_page() -> None:
    """Store staff: the inventory of loose stones: import a CSV, add or edit a stone, sell or release one."""
    st.title("Store stones")
    if _password_hash() is None or not staff():
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


def main() -> None:
    st.set_page_config(page_title="Jewelry configurator", page_icon="💍", layout="wide")
    sections = {"Design": design_page, "Saved designs": saved_page, "Store settings": store_page,
                "Store stones": stones_page}
    section = st.sidebar.radio("Go to", list(sections), key="section")
    st.sidebar.button("New client", key="new_client", on_click=guarded(new_client), width="stretch",
                      help="Forget the last client on this browser: her design, codes and saved designs are no longer "
                           "shown here (they stay saved; her code opens them)")
    if terminal():
        st.sidebar.caption("Shop terminal: designs saved here are not listed to the next client.")
    _remember_owner()
    try:
        sections[section]()
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a person: one line, the design kept
        LOG.exception("page %s", section)
        say("error", (f"Something went wrong on this page ({type(exc).__name__}: {exc}). Your design is kept; "
                       "try again, or reload the page.")[:400])


main()
