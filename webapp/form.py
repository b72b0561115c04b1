"""The design form's logic, free of Streamlit: what each control shows for a design, and what a change does to it.

The design document is the one source of truth. `values(doc, ui)` gives every control's value for it (the app sets
the widgets from it before drawing them, so a design loaded from anywhere shows in every control); `change(doc, ui,
key, value)` gives the document after a person moves one control, by that control's record (`CONTROLS`: the piece's
own here, each feature's in `configurator.features`). `ui` holds what the person chose that is not part of the
design: the sizing system shown, whether the stone is sized by carat or millimetres, and the parts of the other piece
kept aside while they try a pendant (so switching back finds the band as it was).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from configurator import sizes, words
from configurator.design import (
    MILGRAIN_BEAD_MM,
    SIDE_GRADUATION,
    SIDE_SHARE_RANGE,
    Engraving,
    Eternity,
    MatchingBand,
    Ring,
    SettingStyle,
    Stone,
)
from configurator.errors import DesignError
from configurator.features import FEATURES
from configurator.features.centre import RESIZING, leave_stock
from configurator.features.feature import Control, Edit, as_number
from configurator.features.milgrain import fit_band
from configurator.features.side_stones import follow_the_centre, unshare
from configurator.sizes import System
from configurator.stones import depth_mm, matching_side_mm, modelled_carat, side_carat_share
from configurator.styles import default_prong_mm, style_of
from webapp.limits import field_range

DEFAULT_RING = {"size": {"system": "US", "value": 7.0}, "profile": "comfort", "width_mm": 2.5, "thickness_mm": 1.7}
DEFAULT_PENDANT = {"outline": "round", "size_mm": 16.0, "thickness_mm": 1.5, "bail": "fixed", "clasp": "lobster",
                   "chain": {"length_mm": 450.0}}


def new_ui(doc: dict) -> dict:
    """The person's own choices for a design just opened: its sizing system, stones by carat."""
    ring = doc.get("ring") or {}
    return {"size_system": (ring.get("size") or {}).get("system", "US"), "size_by": "carat", "parked": {}}


def _stone(doc: dict) -> Stone | None:
    try:
        return Stone.model_validate(doc["stone"]) if doc.get("stone") else None
    except ValueError:
        return None


def size_options(doc: dict, system: str) -> list[str]:
    """The sizes offered in `system`: the usual steps, and the design's own size where it falls between them."""
    options = sizes.choices(system)
    current = current_size_label(doc, system)
    if current is not None and current not in options:
        value = (lambda label: label if system == "UK" else float(label))
        options = sorted([*options, current], key=lambda label: sizes.to_circumference(system, value(label)))
    return options


def current_size_label(doc: dict, system: str) -> str | None:
    ring = doc.get("ring")
    if not ring:
        return None
    size = sizes.RingSize.of(ring["size"]["system"], ring["size"]["value"])
    if ring["size"]["system"] == system:
        value = ring["size"]["value"]
        return value if isinstance(value, str) else f"{float(value):g}"
    return size.in_system(system)


def is_free(stone: dict) -> bool:
    """Whether the stone's width and depth are set by hand (measured, or unlocked) rather than following length."""
    return bool(stone.get("client_supplied")) or stone.get("width_mm") is not None or stone.get("depth_mm") is not None


def values(doc: dict, ui: dict) -> dict[str, Any]:
    """Every control's value for `doc` (keys of the controls shown for it)."""
    shown: dict[str, Any] = {"name": doc.get("name") or "", "piece": doc["piece"], "metal": doc["metal"]}
    ring, pendant = doc.get("ring"), doc.get("pendant")
    if ring:
        system = ui.get("size_system") or ring["size"]["system"]
        shown |= {"profile": ring["profile"], "width": float(ring["width_mm"]), "thickness": float(ring["thickness_mm"]),
                  "size_system": system, f"size_value_{system}": current_size_label(doc, system)}
    if ring:
        shown |= band_values(ring)
    if pendant:
        shown |= {"outline": pendant["outline"], "pendant_size": float(pendant["size_mm"]),
                  "plate_thickness": float(pendant["thickness_mm"]), "bail": pendant["bail"],
                  "clasp": pendant["clasp"], "chain_length": float(pendant["chain"]["length_mm"])}
    row = (ring or {}).get("eternity")
    shown["row_on"] = row is not None
    if row:
        shown |= row_values(ring)
    stone = _stone(doc)
    shown["stone_on"] = stone is not None
    if stone is not None:
        raw = doc["stone"]
        shown |= {
            "shape": stone.shape.value, "cut": stone.cut.value, "material": stone.material,
            "color": stone.grade_color, "clarity": stone.grade_clarity, "client_stone": stone.client_supplied,
            "size_by": "mm" if stone.client_supplied else ui.get("size_by", "carat"),
            "carat": round(round(modelled_carat(stone), 3), 2),  # as the quote rounds it (3 places, shown as 2)
            "carat_exact": round(modelled_carat(stone), 4),
            "stone_length": float(stone.length_mm),
            "stone_free": is_free(raw), "stone_width": round(float(stone.outline_width_mm), 2),
            "stone_depth": round(float(depth_mm(stone)), 2),
        }
        setting = doc.get("setting") or {"style": "prong"}
        style = SettingStyle(setting["style"])
        shown["style"] = style.value
        if style_of(style).prongs:  # the controls a style takes: its prong count and tips, its prongs' diameter
            shown["prongs"] = setting.get("prongs") or style_of(style).prongs
            shown["tips"] = setting.get("tips", "round")
        if style_of(style).prong_mm:
            shown["prong_mm"] = round(float(setting.get("prong_mm") or default_prong_mm(stone, style)), 2)
        if style_of(style).rim_milgrain:
            shown["rim_milgrain"] = setting.get("milgrain") is not None
    shown["side_on"] = doc.get("side_stones") is not None
    if doc.get("side_stones") and stone is not None:
        side = Stone.model_validate(doc["side_stones"]["stone"])
        shown |= {"side_shape": side.shape.value, "side_length": float(side.length_mm),
                  "side_style": doc["side_stones"].get("style", "prong"), "side_material": side.material,
                  "side_color": side.grade_color, "side_clarity": side.grade_clarity,
                  "side_share": side.length_mm / stone.length_mm,
                  "side_carat_share": side_carat_share(stone, side),
                  "side_matching_mm": _matching(stone, side),
                  "side_count": int(doc["side_stones"].get("count", 1)),
                  "side_grad": float(doc["side_stones"].get("graduation", SIDE_GRADUATION)),
                  "side_shared": bool(doc["side_stones"].get("shared_prongs", False)),
                  "side_carat": round(modelled_carat(side), 4)}
    band = doc.get("matching_band")
    shown["band_on"] = band is not None
    if band:
        spec = MatchingBand.model_validate(band)
        shown |= {"band_profile": spec.profile.value, "band_width": float(spec.width_mm),
                  "band_thickness": float(spec.thickness_mm), "band_clearance": float(spec.clearance_mm),
                  "band_side": spec.side.value}
    engraving = doc.get("engraving") or {}
    shown["engraving"] = engraving.get("text", "")
    if engraving:
        shown |= engraving_values(engraving)
    heirloom = doc.get("heirloom")
    shown["heirloom_on"] = heirloom is not None
    if heirloom:
        shown |= {"heirloom_metal": heirloom["metal"], "heirloom_grams": float(heirloom["grams"])}
    return shown


def band_values(ring: dict) -> dict[str, Any]:
    """The band's milgrain and taper controls: each one's checkbox, and its values when it is on (a taper's unset
    side shows the top's)."""
    milgrain, taper = ring.get("milgrain"), ring.get("taper")
    shown: dict[str, Any] = {"milgrain_on": milgrain is not None, "taper_on": taper is not None}
    if milgrain is not None:
        shown |= {"milgrain_edges": milgrain.get("edges", "both"),
                  "milgrain_bead": float(milgrain.get("bead_mm", MILGRAIN_BEAD_MM))}
    if taper is not None:
        shown |= {"taper_width": float(taper.get("width_back_mm") or ring["width_mm"]),
                  "taper_thickness": float(taper.get("thickness_back_mm") or ring["thickness_mm"])}
    return shown


def engraving_values(engraving: dict) -> dict[str, Any]:
    """The engraving's controls: cut into the metal or by hand, its font, place, letter height and depth."""
    parsed = Engraving.model_validate(engraving)  # a text alone reads as engraved by hand
    return {"engraving_cut": parsed.cut, "engraving_font": parsed.font.value, "engraving_place": parsed.place.value,
            "engraving_height": float(parsed.height_mm), "engraving_depth": float(parsed.depth_mm)}


def row_values(ring: dict) -> dict[str, Any]:
    """The eternity row's controls, and what the row comes to: "15 x 2.2 mm, 0.61 ctw"."""
    from configurator.design import Ring
    from configurator.eternity import count_for, described, resizable

    row = Eternity.model_validate(ring["eternity"])
    stone = row.stone
    count = count_for(Ring.model_validate(ring), row)
    return {"row_coverage": row.coverage.value, "row_setting": row.setting.value, "row_shape": stone.shape.value,
            "row_length": float(stone.length_mm), "row_gap": round(float(row.gap), 2),
            "row_material": stone.material, "row_color": stone.grade_color, "row_clarity": stone.grade_clarity,
            "row_described": described(row, count, count * modelled_carat(stone)), "row_resizable": resizable(row)}


def _name(edit: Edit) -> None:
    text = str(edit.value or "").strip()
    edit.doc["name"] = text
    if not text:
        edit.doc.pop("name")


def _piece(edit: Edit) -> None:
    """A ring becomes a pendant or back: the other piece's parts wait aside (and come back), the parts only a ring
    has (side stones, a matching band) with its band."""
    doc, ui, parked = edit.doc, edit.ui, edit.parked
    if edit.value == doc["piece"]:
        return
    leaving, coming = ("ring", "pendant") if edit.value == "pendant" else ("pendant", "ring")
    if doc.get(leaving):
        parked[leaving] = doc.pop(leaving)
    doc[coming] = parked.pop(coming, None) or copy.deepcopy(DEFAULT_RING if coming == "ring" else DEFAULT_PENDANT)
    doc["piece"] = edit.value
    if leaving == "ring" and doc.get("side_stones"):  # side stones sit on a ring's shoulders
        parked["side_stones"] = doc.pop("side_stones")
    elif coming == "ring" and parked.get("side_stones") and doc.get("stone"):
        doc["side_stones"] = parked.pop("side_stones")
    if leaving == "ring" and doc.get("matching_band"):  # a matching band sits beside a ring
        parked["matching_band"] = doc.pop("matching_band")
    elif coming == "ring" and parked.get("matching_band"):
        doc["matching_band"] = parked.pop("matching_band")
    if doc.get("name") and doc.get("name") == ui.get("preset_name"):  # a preset's name, not the client's
        doc.pop("name")
    if coming == "ring":
        ui["size_system"] = doc["ring"]["size"]["system"]
    elif doc.get("engraving"):  # a pendant's engraving is on its back
        doc["engraving"].pop("place", None)
        doc["engraving"].pop("position_deg", None)


def _size_system(edit: Edit) -> None:
    edit.ui["size_system"] = edit.value


def _size(system: str, edit: Edit) -> None:
    """A size chosen in `system` (the one shown): the document takes it in that system, unless it is its size."""
    if edit.value != current_size_label(edit.doc, system):
        edit.doc["ring"]["size"] = {"system": system, "value": edit.value if system == "UK" else float(edit.value)}


def _fit_ring(doc: dict) -> None:
    fit_band(doc["ring"])


# The controls of every piece: its name, the piece, its metal and the band's own; each feature's are its own
# (`configurator.features`).
PIECE_CONTROLS = (
    Control("name", "Design name", ("name",), does=_name),
    Control("piece", "Piece", ("piece",), does=_piece),
    Control("metal", "Metal", ("metal",), convert=as_number),
    Control("profile", "Profile", ("ring", "profile"), convert=as_number, then=_fit_ring),
    Control("width", "Band width (mm)", ("ring", "width_mm"), Ring, as_number, _fit_ring),
    Control("thickness", "Band thickness (mm)", ("ring", "thickness_mm"), Ring, as_number, _fit_ring),
    Control("size_system", "Size system", does=_size_system),
    *(Control(f"size_value_{system.value}", "Ring size", ("ring", "size"), does=functools.partial(_size, system.value))
      for system in System),
)
CONTROLS: dict[str, Control] = {control.key: control
                                for control in (*PIECE_CONTROLS, *(c for f in FEATURES for c in f.controls))}


def change(doc: dict, ui: dict, key: str, value: Any) -> dict:
    """The document after control `key` took `value` (`ui` is updated in place). The caller validates the result:
    a change that makes no valid design is refused there, the design kept as it was."""
    ui.setdefault("parked", {})
    if key not in CONTROLS:
        raise KeyError(f"no control {key!r}")
    before, doc = doc, copy.deepcopy(doc)
    CONTROLS[key].apply(Edit(doc, ui, value))
    if key in RESIZING:
        follow_the_centre(before, doc)
    if key != "side_shared":
        unshare(doc)
    leave_stock(before, doc)
    return doc


def _matching(centre: Stone, side: Stone) -> float:
    """The side stones' matching length (60 % of the centre's carat each), within the lengths a side stone may have
    (30-100 % of the centre's: a pear beside a round reaches the centre's length first)."""
    low, high = SIDE_SHARE_RANGE
    return round(min(max(matching_side_mm(centre, side), low * centre.length_mm), high * centre.length_mm), 2)


def fix_label(changes: dict[str, Any]) -> str:
    """A finding's fix in words that say what it does: "make the band 1.95 mm thick", "make the setting bezel",
    "take the milgrain off the edges"."""
    return words.changes(changes)


def in_words(exc: Exception | str) -> str:
    """A refusal as a person reads it: its field named in words ("Band width: ..."), not as the document names it."""
    return words.sentence(str(exc))


def refusal(exc: Exception | str) -> str:
    """One line saying why a change was not made (the field named in words, the design kept as it was)."""
    return f"That change was not made. {in_words(exc)}"


def wax_held_back(findings: list[dict]) -> str | None:
    """Why the metal files (wax STL, OBJ, 3MF, GLB) are held back, or None when they may be downloaded: the check's
    verdict, which greys their buttons out; the files themselves pass `export.gate`, the export's own."""
    blocking = [finding for finding in findings if finding["severity"] == "blocking"]
    return blocking[0]["message"] if blocking else None


def _valid(doc: dict) -> bool:
    from configurator.documents import parse_design

    try:
        parse_design(doc)
    except (DesignError, ValueError):
        return False
    return True


def engraving_draft(doc: dict, text: str, draft: dict[str, Any]) -> dict:
    """The document with an engraving of `text` made as the person chose so far (`draft`: cut, font, height...,
    over the design's own engraving settings); it may not be a valid design."""
    trial = copy.deepcopy(doc)
    trial["engraving"] = {"cut": True, **(doc.get("engraving") or {}), **draft, "text": text}
    return trial


def engraving_ways(doc: dict, text: str, draft: dict[str, Any]) -> list[tuple[str, dict]]:
    """The ways to make an engraving of `text` that does not fit, each as (what it does, in words; the design it
    makes), every one a valid design: engraving it by hand after casting, another font, smaller letters, a wider
    band or a longer pendant, the longest start of the text that fits. At most one of each, the least change first."""
    ways: list[tuple[str, dict]] = []
    wanted = engraving_draft(doc, text, draft)
    engraving = wanted["engraving"]
    if engraving.get("cut", True):
        by_hand = engraving_draft(doc, text, {**draft, "cut": False})
        if _valid(by_hand):
            ways.append(("have it engraved by hand after casting", by_hand))
    else:
        return ways
    from configurator.design import ENGRAVING_HEIGHT_MM

    height = float(engraving.get("height_mm", ENGRAVING_HEIGHT_MM[0]))
    steps = [round(height - 0.1 * step, 1) for step in range(1, 46)]
    for smaller in (value for value in steps if value >= ENGRAVING_HEIGHT_MM[0] - 1e-9):
        trial = engraving_draft(doc, text, {**draft, "height_mm": smaller})
        if _valid(trial):
            ways.append((f"make the letters {smaller:.1f} mm high", trial))
            break
    font = engraving.get("font", "sans")
    for other in ("sans", "serif", "script"):
        if other != font:
            trial = engraving_draft(doc, text, {**draft, "font": other})
            if _valid(trial):
                ways.append((f"use the {other} font", trial))
                break
    larger = (("ring", "width_mm", 0.1, "make the band {:.1f} mm wide"),
              ("pendant", "size_mm", 0.5, "make the pendant {:g} mm long"))
    for part, field, step, words_for in larger:
        if doc.get(part):
            found = _least_larger(doc, text, draft, part, field, step)
            if found is not None:
                ways.append((words_for.format(found[0]), found[1]))
    shorter = _fitting_start(doc, text, draft)
    if shorter:
        ways.append((f"engrave “{shorter}”", engraving_draft(doc, shorter, draft)))
    return ways


def _least_larger(doc: dict, text: str, draft: dict[str, Any], part: str, field: str,
                  step: float) -> tuple[float, dict] | None:
    """The least value of `part`'s `field` (a band's width, a pendant's length), in steps of `step` up to the
    document's own bound, at which the engraving fits: (the value, the design), or None."""
    from configurator.design import Pendant

    top = field_range({"ring": Ring, "pendant": Pendant}[part], field)[1]
    value = float(doc[part][field])
    while (value := round(value + step, 2)) <= top + 1e-9:
        trial = engraving_draft(doc, text, draft)
        trial[part] = {**trial[part], field: value}
        if _valid(trial):
            return value, trial
    return None


def _fitting_start(doc: dict, text: str, draft: dict[str, Any]) -> str | None:
    """The longest start of `text` that fits as chosen (cut at a word when one fits), or None."""
    low, high = 0, len(text) - 1  # the first `low` characters fit; `high + 1` do not
    while low < high:
        middle = (low + high + 1) // 2
        if _valid(engraving_draft(doc, text[:middle].rstrip(), draft)) and text[:middle].strip():
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return None
    start = text[:low].rstrip()
    if low < len(text) and text[low] != " ":  # cut inside a word: keep only whole words, never half of one
        whole = start.rsplit(" ", 1)
        start = whole[0].rstrip() if len(whole) == 2 else ""
    return start or None
