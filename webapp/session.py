"""The design in the session, the one source of truth of the Design page.

Every control is set from it before it is drawn, every change goes through a callback into it (a change that makes
no valid design is refused in words, the design kept), and loading a design from anywhere (a preset, a file, a share
link, a saved row, a budget suggestion, a finding's fix) just replaces it. A new session opens a private link's saved
design (`?saved=&code=`), a share link's (`?design=`) or the default preset."""

from __future__ import annotations

import copy
import json
import secrets
from pathlib import Path
from typing import Any

import streamlit as st

from configurator.checks import apply_fix
from configurator.design import DesignError
from configurator.documents import parse_design, without_stray_parts
from configurator.errors import ConfiguratorError
from configurator.share import decode_design, encode_design
from configurator.storage import SavedDesign, StorageError, Visitor, secret_hash
from webapp import access, form
from webapp.database import store
from webapp.favourites import on_code
from webapp.staff import client_keys, code_guard
from webapp.ui import LOG, guarded, say
from webapp.visitors import terminal

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
DEFAULT_DESIGN = MODELS / "comfort-band.json"
MISSING = object()
MOVED = "moved_control"  # the control whose change started this run (its callback says), until the form reads it
MOVED_THIS_RUN = "moved_this_run"


def new_client() -> None:
    """Forget the last client: her design, codes, saved designs and the staff sign-in; a new browser token, so
    what was saved from this browser is no longer listed on it (her designs stay saved: her code opens them)."""
    forgotten = [*st.session_state.get("forgotten", ()), st.session_state.get("owner")]
    is_terminal = terminal()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state.forgotten = [token for token in forgotten if token]
    st.session_state.terminal = is_terminal
    st.session_state.open_design = True  # the next run shows the Design page, whichever page was open
    load(_default_design(), preset=True)
    st.session_state.notice = "A new client: the last one's design, codes and saved designs are no longer shown here."


def preset_names() -> dict[str, Path]:
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
        if saved is None:  # said on whichever page the link opens
            problem = st.session_state.pop("saved_problem", "The link could not be opened.")
            st.session_state.caution = f"{problem} Showing a preset."
        else:
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
    problem = on_code()
    if problem:
        st.session_state.caution = problem
    return found[0]


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


def session_design() -> tuple[dict, dict]:
    if "design" not in st.session_state:
        first = _initial_design()
        load(first, preset=_opens_preset(first))
    return st.session_state.design, st.session_state.ui


def address_token() -> str:
    """The session's design as the address carries it (`?design=`)."""
    doc, _ = session_design()
    return encode_design(parse_design(doc))


def keep_in_address() -> None:
    """On the pages besides Design too, the address bar reopens the session's design (`?design=`, as the Design page
    sets it): a reload there, or a new session of the server, opens the same design."""
    st.query_params["design"] = address_token()


def control_changed(key: str, value: Any = MISSING) -> None:
    """A control moved: the design follows, or the change is refused in words next to the control (what was typed
    kept in a text box) and the design kept."""
    st.session_state[MOVED] = key
    doc, ui = session_design()
    given = st.session_state.get(key) if value is MISSING else value
    try:
        trial = copy.deepcopy(ui)
        st.session_state.design = parse_design(form.change(doc, trial, key, given)).to_dict()
        st.session_state.ui = trial
        waiting = (st.session_state.get("field_problems") or {}).get("engraving")
        st.session_state.field_problems = {}  # a change made: earlier refusals are history
        if waiting is not None and key != "engraving" and str(waiting["typed"] or "").strip():
            control_changed("engraving", waiting["typed"])  # a text kept waiting is tried again on the changed piece
    except (DesignError, ConfiguratorError, ValueError) as exc:
        refuse(key, form.refusal(exc), given)
    except Exception as exc:  # noqa: BLE001 - a callback's crash would show a traceback
        LOG.exception("control %s", key)
        refuse(key, f"That change could not be made ({type(exc).__name__}); the design is as it was.", given)


def refuse(key: str, message: str, typed: Any) -> None:
    """Keep a refusal for the control `key`, shown under it while the design stays as it was."""
    shown = form.values(*session_design())
    st.session_state.setdefault("field_problems", {})[key] = {"message": message, "design": shown.get(key),
                                                              "typed": typed}


def standing_problem(key: str, shown: dict) -> dict | None:
    """The refusal standing for control `key` (None once the design has moved on)."""
    problems = st.session_state.setdefault("field_problems", {})
    problem = problems.get(key)
    if problem is not None and problem["design"] != shown.get(key):
        problems.pop(key)
        return None
    return problem


def problem_under(key: str, shown: dict) -> None:
    problem = standing_problem(key, shown)
    if problem is not None:
        say("warning", problem["message"])


@guarded
def apply_finding(finding: dict) -> None:
    try:
        design = apply_fix(parse_design(st.session_state.design), finding)
        load(design.to_dict(), st.session_state.get("client"), f"Fix applied: {form.fix_label(finding['changes'])}.",
             keep_ui=True)
    except (DesignError, ValueError) as exc:
        st.session_state.problem = form.refusal(exc)

