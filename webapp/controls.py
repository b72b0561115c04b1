"""The design form, in the order a consultant talks: piece, metal, band or pendant, stone, setting, extras.

Each control is drawn from the design (`webapp.form.values`) and its change goes back through
`webapp.session.control_changed`; what it shows and what a change does is `webapp.form`'s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

from configurator import catalogue, words
from configurator.design import (
    CHANNEL_SIDE_SHAPES,
    ETERNITY_LONGEST_MM,
    ETERNITY_SHAPES,
    SIDE_SHARE_RANGE,
    SIDE_STYLES,
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
from configurator.documents import loads_design, parse_design
from configurator.errors import ConfiguratorError
from configurator.features.centre import SIZE_BY, clarities, colours
from configurator.features.milgrain import largest_bead_mm
from configurator.features.side_stones import can_share_prongs
from configurator.price_table import current_price_table
from configurator.sizes import RingSize, System
from configurator.stones import SIDE_CARAT_SHARE, SIDE_CARAT_USUAL
from webapp import form, numbers
from webapp.limits import control_range
from webapp.results import engraving_ways_for
from webapp.session import (
    MISSING,
    MOVED,
    MOVED_THIS_RUN,
    control_changed,
    load,
    preset_names,
    problem_under,
    refuse,
    session_design,
    standing_problem,
)
from webapp.stock import chosen_stone, closest_stones
from webapp.text import plain
from webapp.ui import guarded, say


def _sync(key: str, shown: dict[str, Any], typed: bool = False) -> None:
    """Set control `key` from the design before it is drawn, on every run: the page then sends the control the
    design's value each time, and a browser that lost a control's own state (Streamlit's page frame can drop it when
    a change lands while the last run is still under way) shows the design again, not the control's minimum, which
    it would send back as a change the client never made.

    Two are set only when the design differs from them: the control the client has just moved, when the design took
    its value (the browser's is the newest: a run of an earlier key press, sent late, would move its thumb back under
    her next one), and a text box (`typed`), whose text being typed another control's run must not overwrite; a
    refused text is kept while the refusal stands."""
    if key not in shown:
        return
    differs = st.session_state.get(key, MISSING) != shown[key]
    if typed:
        if standing_problem(key, shown) is None and differs:
            st.session_state[key] = shown[key]
    elif differs or key != st.session_state.get(MOVED_THIS_RUN):
        st.session_state[key] = shown[key]


def _label(key: str) -> str:
    return form.CONTROLS[key].label


def _limits(key: str) -> tuple[float, float]:
    """Control `key`'s limits: those the document declares for the field it writes."""
    return control_range(form.CONTROLS[key])


def select_control(key: str, options: list, shown: dict, **kwargs):
    _sync(key, shown)
    chosen = st.selectbox(_label(key), options, key=key, on_change=control_changed, args=(key,), **kwargs)
    problem_under(key, shown)
    return chosen


def radio_control(key: str, options: list, shown: dict, **kwargs):
    _sync(key, shown)
    chosen = st.radio(_label(key), options, key=key, on_change=control_changed, args=(key,), horizontal=True, **kwargs)
    problem_under(key, shown)
    return chosen


def slider_control(key: str, step: float, shown: dict, low: float | None = None, high: float | None = None, **kwargs):
    """A slider between the document's limits for the field it writes, or `low`..`high` where the form's are
    narrower."""
    _sync(key, shown)
    limits = _limits(key)
    low, high = limits[0] if low is None else low, limits[1] if high is None else high
    value = st.slider(_label(key), low, high, step=step, key=key, on_change=control_changed, args=(key,), **kwargs)
    problem_under(key, shown)
    return value


def number_control(key: str, low: float, high: float, shown: dict, *, label: str | None = None, unit: str = "",
            decimals: int = 2, help: str | None = None) -> None:
    """A number of the design typed as people type it (`1,5` is 1.5): a text box whose text is read when it
    changes; what cannot be read, or lies outside `low`..`high`, is refused next to the box in words, the text kept
    as typed and the design as it was (until the design changes by another control)."""
    if standing_problem(key, shown) is None and key in shown:
        text = numbers.shown(shown[key], decimals)
        if st.session_state.get(key) != text:
            st.session_state[key] = text
    label = label or _label(key)
    st.text_input(label, key=key, on_change=_typed, args=(key, label, low, high, unit), help=help)
    problem_under(key, shown)


def _typed(key: str, label: str, low: float, high: float, unit: str) -> None:
    typed = st.session_state.get(key, "")
    value, problem = numbers.read_field(typed, label, low, high, unit)
    if problem is not None:
        refuse(key, problem, typed)
        return
    control_changed(key, value)


def check_control(key: str, shown: dict, **kwargs):
    _sync(key, shown)
    ticked = st.checkbox(_label(key), key=key, on_change=control_changed, args=(key,), **kwargs)
    problem_under(key, shown)
    return ticked


def _text(key: str, shown: dict, problem: bool = True, **kwargs):
    _sync(key, shown, typed=True)
    typed = st.text_input(_label(key), key=key, on_change=control_changed, args=(key,), **kwargs)
    if problem:
        problem_under(key, shown)
    return typed


def presets_and_files() -> None:
    with st.expander("Start from a preset, or open a design file"):
        presets = preset_names()
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
    select_control("profile", [p.value for p in Profile], shown,
                   help="Cross-section of the band: comfort (court) is domed inside and out")
    cols = st.columns(2)
    with cols[0]:
        slider_control("width", 0.1, shown, help="Along the finger")
    with cols[1]:
        slider_control("thickness", 0.05, shown,
                       help="Inside to outside; casting needs at least 1.0-1.2 mm by alloy")
    size_controls(doc, shown)
    milgrain_controls(doc, shown)
    taper_controls(doc, shown)
    row_controls(shown)
    matching_controls(shown)


def size_controls(doc: dict, shown: dict) -> None:
    """The ring's size in the system she chooses, and in every other system beside it."""
    systems = [system.value for system in System]
    system = shown["size_system"]
    radio_control("size_system", systems, shown,
                  help="US/Canada, UK/Australia (letters), EU (inner circumference in mm, ISO 8653), Japan, Switzerland")
    key = f"size_value_{system}"
    select_control(key, form.size_options(doc, system), shown)
    size = RingSize.of(doc["ring"]["size"]["system"], doc["ring"]["size"]["value"])
    st.caption(" · ".join(f"{name} {label}" for name, label in size.all_systems().items())
               + f" · inner diameter {size.inner_diameter_mm:.2f} mm")


def matching_controls(shown: dict) -> None:
    """A wedding band made to sit beside the ring: its profile, size and the clearance its top keeps from the head."""
    if not check_control("band_on", shown,
                         help="A wedding band of the same size beside the ring, its top following the ring's head and "
                       "shoulders 0.2-0.3 mm clear (or straight where they stand clear); priced and exported as its own"):
        return
    cols = st.columns(2)
    with cols[0]:
        select_control("band_profile", [p.value for p in Profile], shown)
    with cols[1]:
        radio_control("band_side", [side.value for side in BandSide], shown,
                      format_func=lambda key: {"below": "below the ring", "above": "above it"}[key],
                      help="Below: on the hand's side, where a wedding band is usually worn")
    cols = st.columns(2)
    with cols[0]:
        slider_control("band_width", 0.1, shown, help="Along the finger")
    with cols[1]:
        slider_control("band_thickness", 0.05, shown,
                       help="A band thicker than the ring's rises round its head")
    slider_control("band_clearance", 0.01, shown,
                   help="Air between the band and the ring's metal and stones where they come closest")


def milgrain_controls(doc: dict, shown: dict) -> None:
    """Beads along the band's edges: which edges, and the beads' size."""
    if not check_control("milgrain_on", shown,
                         help="A row of small beads along the band's edges, cast with it; stops short of the head"):
        return
    cols = st.columns(2)
    with cols[0]:
        select_control("milgrain_edges", [edges.value for edges in Edges], shown,
                       format_func=lambda key: {"both": "both edges", "one": "one edge"}[key])
    with cols[1]:
        low, high = _limits("milgrain_bead")  # up to the largest the band's edges take
        high = max(low + 0.05, min(high, largest_bead_mm(doc["ring"])), shown["milgrain_bead"])
        slider_control("milgrain_bead", 0.05, shown, high=high,
                       help="The trade's beads are 0.4-0.8 mm across, about a bead apart; under 0.35 mm they do not cast")


def taper_controls(doc: dict, shown: dict) -> None:
    """A tapered shank: the band's width and thickness at the back (those above are the top's, under the head)."""
    if not check_control("taper_on", shown,
                         help="Narrower and thinner at the back than under the head; the size is unchanged"):
        return
    ring = doc["ring"]
    cols = st.columns(2)
    # the back's sliders end at the top's width and thickness, under the document's 15 and 4 mm: the shank narrows
    # toward the back
    if ring["width_mm"] > _limits("taper_width")[0]:
        with cols[0]:
            slider_control("taper_width", 0.1, shown, high=float(ring["width_mm"]),
                           help="Typically about 1.8 mm under a 2.5 mm head")
    if ring["thickness_mm"] > _limits("taper_thickness")[0]:
        with cols[1]:
            slider_control("taper_thickness", 0.05, shown, high=float(ring["thickness_mm"]),
                           help="The shank's thinnest point; casting needs at least 1.0-1.2 mm by alloy")


def row_controls(shown: dict) -> None:
    """Stones along the band: an eternity row (full, three-quarter or half), its stones and their setting."""
    if not check_control("row_on", shown,
                         help="A row of like stones round the band; an eternity band has no centre stone"):
        return
    cols = st.columns(2)
    with cols[0]:
        select_control("row_coverage", [c.value for c in Coverage], shown,
                       format_func=lambda key: {"full": "full eternity", "three-quarter": "three-quarter",
                                         "half": "half eternity"}[key])
    with cols[1]:
        select_control("row_setting", [r.value for r in RowSetting], shown,
                       help="Shared prongs hold two stones each; a channel holds them between two walls; bezels ring each")
    cols = st.columns(2)
    with cols[0]:
        select_control("row_shape", [s.value for s in ETERNITY_SHAPES], shown,
                       help="Set across the band, their length along the finger")
    with cols[1]:
        # up to the row's own longest stone, under the document's 25 mm for any stone
        slider_control("row_length", 0.05, shown, high=ETERNITY_LONGEST_MM)
    # from 0.1 mm, the least gap of the row's usual setting (shared prongs), over the document's 0.05 (a channel's)
    slider_control("row_gap", 0.05, shown, low=0.1,
                   help="Between neighbouring girdles: a channel holds them close; prongs and bezels need 0.45 mm")
    _grade_controls("row", shown)
    st.text(shown["row_described"] + ("" if shown["row_resizable"] else
                                      " · a full eternity cannot be resized: choose the size with care"))


def _grade_controls(key: str, shown: dict) -> None:
    """Material, colour and clarity of a group of stones (`key`_material, _color, _clarity)."""
    gems = catalogue.gemstones()
    cols = st.columns(3)
    with cols[0]:
        select_control(f"{key}_material", list(gems), shown, format_func=lambda gem: gems[gem].name)
    with cols[1]:
        select_control(f"{key}_color", colours(shown[f"{key}_material"]), shown)
    with cols[2]:
        select_control(f"{key}_clarity", clarities(shown[f"{key}_material"]), shown)


def has_row(design) -> bool:
    return design.ring is not None and design.ring.eternity is not None


def pendant_controls(shown: dict) -> None:
    st.subheader("Pendant")
    select_control("outline", [o.value for o in Outline], shown,
                   help="The plate's shape; a teardrop hangs from its point, a heart from its cleft")
    cols = st.columns(2)
    with cols[0]:
        slider_control("pendant_size", 0.5, shown, help="The plate's length, bail excluded")
    with cols[1]:
        slider_control("plate_thickness", 0.1, shown, help="At least 0.8 mm to cast")
    cols = st.columns(2)
    with cols[0]:
        select_control("bail", [b.value for b in Bail], shown,
                       help="Fixed loop, or hinged so the pendant turns to face out")
    with cols[1]:
        select_control("clasp", [c.value for c in Clasp], shown, help="Cast with the jump ring, priced by weight")
    slider_control("chain_length", 10.0, shown,
                   help="A cable chain, clasp included; 450 mm sits at the collarbone")


STONE_SOURCES = {"design": "Design a stone", "selection": "A stone from our selection"}


def stone_controls(doc: dict, shown: dict) -> None:
    st.subheader("Stone")
    if not check_control("stone_on", shown):
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
        select_control("shape", [s.value for s in Shape], shown,
                       help="The outline seen from above; choosing one sets its usual length-to-width ratio")
    with cols[1]:
        select_control("cut", [c.value for c in Cut], shown,
                       help="Brilliant sparkles, step is calm and clear, rose is flat-backed, cabochon domed")
    gems = catalogue.gemstones()
    select_control("material", list(gems), shown, format_func=lambda key: gems[key].name,
                   help="Density sets the carat weight of a given size")
    client_stone = shown["client_stone"]
    if not client_stone:
        radio_control("size_by", list(SIZE_BY), shown,
                      format_func=lambda key: {"carat": "Carat", "mm": "Millimetres"}[key],
                      help="By carat the size follows the weight (it is kept when you change shape, cut or material)")
    if shown["size_by"] == "carat" and not client_stone:
        number_control("carat", 0.01, 100.0, shown, unit="ct",
                       help="The weight the modelled stone has (1,5 or 1.5); its size is chosen to match within 0.01 ct")
        st.caption(f"{shown['stone_length']:.2f} x {shown['stone_width']:.2f} x {shown['stone_depth']:.2f} mm "
                   "(length x width x depth)")
    else:
        slider_control("stone_length", 0.05, shown, help="The longest outline dimension")
        st.caption(f"{words.carats(shown['carat_exact'])} by its modelled volume · {shown['stone_width']:.2f} mm wide, "
                   f"{shown['stone_depth']:.2f} mm deep")
    if not client_stone:
        check_control("stone_free", shown,
                      help="Unticked, width and depth follow the length in the shape's usual proportions")
    if shown["stone_free"]:
        cols = st.columns(2)
        square = doc["stone"]["shape"] in ("round", "asscher")
        with cols[0]:
            if not square:
                number_control("stone_width", *_limits("stone_width"), shown, unit="mm")
        with cols[1]:
            number_control("stone_depth", *_limits("stone_depth"), shown, unit="mm",
                           label="Measured depth (mm)" if client_stone else None)
    cols = st.columns(2)
    with cols[0]:
        select_control("color", colours(shown["material"]), shown,
                       help="Diamonds D (colourless) to Z; other stones by colour name")
    with cols[1]:
        select_control("clarity", clarities(shown["material"]), shown,
                       help="Diamonds FL (flawless) to I3; other stones by how clean they look")
    check_control("client_stone", shown, help="Measured by the store: no stone cost, setting only")


def setting_controls(doc: dict, shown: dict) -> None:
    st.subheader("Setting")
    select_control("style", [s.value for s in SettingStyle], shown,
                   help="Channel and pavé set accent stones in the shoulders")
    if "prongs" in shown:
        cols = st.columns(2)
        with cols[0]:
            select_control("prongs", [3, 4, 6], shown)
        with cols[1]:
            select_control("tips", ["round", "claw"], shown)
    if "prong_mm" in shown:
        slider_control("prong_mm", 0.05, shown,
                       help="Unchanged, it follows the stone's size; the check wants at least 1.0 mm free-standing")
    if "rim_milgrain" in shown:
        check_control("rim_milgrain", shown, help="A row of 0.5 mm beads round the bezel's top edge")
    if doc["piece"] == "ring":
        side_controls(doc, shown)


def side_controls(doc: dict, shown: dict) -> None:
    """Stones on the shoulders: one a side (a three-stone ring) or a graduated row."""
    if not check_control("side_on", shown,
                         help="One a side makes a three-stone ring; more make a graduated row, in prongs, bezels or a channel"):
        return
    cols = st.columns(2)
    with cols[0]:
        select_control("side_shape", [s.value for s in Shape], shown,
                       help=f"A channel holds {', '.join(s.value for s in CHANNEL_SIDE_SHAPES)} stones")
    with cols[1]:
        select_control("side_style", [s.value for s in SIDE_STYLES], shown)
    centre = float(doc["stone"]["length_mm"])
    low, high = SIDE_SHARE_RANGE  # a share of the centre's length, within a stone's own least
    slider_control("side_length", 0.05, shown, low=round(max(_limits("side_length")[0], low * centre), 2),
                   high=round(high * centre, 2), help="Next to the centre; each side stone usually weighs 50-70 % of the centre's carat")
    least, most = SIDE_CARAT_SHARE
    matching = shown["side_matching_mm"]
    if not least <= shown["side_carat_share"] <= most and abs(matching - shown["side_length"]) >= 0.05:
        st.button(f"Match the centre: {matching:.2f} mm side stones (the trade's {SIDE_CARAT_USUAL:.0%} of its carat "
                  "each, or as near as their length allows)",
                  key="side_match", on_click=control_changed, args=("side_length", matching))
    cols = st.columns(2)
    with cols[0]:
        slider_control("side_count", 1, shown)
    if shown["side_count"] > 1:
        with cols[1]:
            slider_control("side_grad", 0.05, shown,
                           help="Each stone's length as a share of the one nearer the centre (1.00: all alike)")
    if can_share_prongs(doc):
        check_control("side_shared", shown,
                      help="The prongs between the centre and each side stone hold both, as in a classic three-stone ring")
    _grade_controls("side", shown)
    graduated = (f"; {2 * shown['side_count']} in all, each {shown['side_grad']:.0%} of the one before"
                 if shown["side_count"] > 1 else "")
    st.text(f"2 x {shown['side_length']:.2f} mm {shown['side_shape']}, {words.carats(shown['side_carat'])} each, "
            f"{shown['side_carat_share']:.0%} of the centre's carat (the trade sets {least:.0%}-{most:.0%}), next to "
            f"the centre{graduated}")


FONT_NAMES = {"serif": "Serif (DejaVu Serif Bold)", "sans": "Sans (DejaVu Sans Bold)",
              "script": "Script (Dancing Script Bold)"}


def engraving_controls(doc: dict, shown: dict) -> None:
    """How an engraving is made: cut into the metal (its font, place, letter height and depth) or by hand."""
    if not check_control("engraving_cut", shown,
                         help="Carved into the wax and cast with the piece, shown in the preview; unticked, the workshop "
                       "engraves it by hand after casting"):
        return
    cols = st.columns(2)
    with cols[0]:
        select_control("engraving_font", [font.value for font in Font], shown, format_func=FONT_NAMES.get)
    with cols[1]:
        if doc["piece"] == "ring":
            radio_control("engraving_place", [place.value for place in EngravingPlace], shown,
                          help="Read from inside the band, or from outside; centred on the bottom of the shank")
        else:
            st.text("On the back, reading from behind")
    cols = st.columns(2)
    with cols[0]:
        slider_control("engraving_height", 0.1, shown,
                       help="Capital letters' height; at least 1.5 mm, and the text must fit across the band")
    with cols[1]:
        slider_control("engraving_depth", 0.01, shown, help="How deep the letters are cut")


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
    doc, ui = session_design()
    problem = standing_problem("engraving", form.values(doc, ui))
    if problem is None:
        return
    draft = ui.setdefault("engraving_draft", {})
    draft[field] = bool(st.session_state.draft_cut) if field == "cut" else st.session_state.draft_font
    control_changed("engraving", problem["typed"])


@guarded
def _take_way(result: dict, words: str) -> None:
    st.session_state.ui.pop("engraving_draft", None)
    load(result, st.session_state.get("client"), f"Engraving: {words}.", keep_ui=True)


def extras_controls(doc: dict, shown: dict) -> None:
    st.subheader("Extras")
    _text("engraving", shown, problem=False, max_chars=40,
          help="Up to 40 characters, charged per character; cut into the metal, or engraved by hand after casting")
    problem = standing_problem("engraving", shown)
    if problem is not None and str(problem["typed"] or "").strip():
        engraving_ways(doc, str(problem["typed"]).strip(), problem["message"])
    elif problem is not None:
        say("warning", problem["message"])
    elif shown["engraving"]:
        engraving_controls(doc, shown)
    if check_control("heirloom_on", shown):
        metals = catalogue.metals()
        cols = st.columns(2)
        with cols[0]:
            select_control("heirloom_metal", list(metals), shown, format_func=lambda key: metals[key].name)
        with cols[1]:
            # from 0.1 g: the document takes any weight over 0 g (an open bound), a box needs a least to offer
            number_control("heirloom_grams", 0.1, _limits("heirloom_grams")[1], shown, unit="g")


def offered_metals(chosen: str) -> list[str]:
    """The catalogue's metals the store prices (all of them while no table can be read: the price says why), and the
    design's own metal even when it is not priced (a design is never changed behind the client's back)."""
    try:
        priced = current_price_table().metal_per_gram
    except ConfiguratorError:
        return list(catalogue.metals())
    return [metal_id for metal_id in catalogue.metals() if metal_id in priced or metal_id == chosen]


def controls(doc: dict, ui: dict) -> None:
    """The design form, in the order a consultant talks: piece, metal, band or pendant, stone, setting, extras."""
    shown = form.values(doc, ui)
    st.session_state[MOVED_THIS_RUN] = st.session_state.pop(MOVED, None)
    presets_and_files()
    _text("name", shown, max_chars=120, placeholder="Name this design",
          help="Names the downloads, the spec sheet and the saved design")
    radio_control("piece", ["ring", "pendant"], shown)
    metals = catalogue.metals()
    select_control("metal", offered_metals(doc["metal"]), shown, format_func=lambda key: metals[key].name,
                   help="The alloy sets the colour, the weight (density) and the metal price")
    if doc["piece"] == "ring":
        band_controls(doc, shown)
    else:
        pendant_controls(shown)
    stone_controls(doc, shown)
    extras_controls(doc, shown)

