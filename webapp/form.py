"""The design form's logic, free of Streamlit: what each control shows for a design, and what a change does to it.

The design document is the one source of truth. `values(doc, ui)` gives every control's value for it (the app sets
the widgets from it before drawing them, so a design loaded from anywhere shows in every control); `change(doc, ui,
key, value)` gives the document after a person moves one control. `ui` holds what the person chose that is not part
of the design: the sizing system shown, whether the stone is sized by carat or millimetres, and the parts of the
other piece kept aside while they try a pendant (so switching back finds the band as it was).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from configurator import catalogue, sizes, words
from configurator.design import (
    DIAMOND_CLARITIES,
    DIAMOND_COLORS,
    ENGRAVING_HEIGHT_MM,
    MILGRAIN_BEAD_MM,
    MILGRAIN_BEAD_RANGE,
    ROW_GAP_LEAST_MM,
    SHARING_CENTRE_SHAPES,
    SHARING_SIDE_SHAPES,
    SIDE_GRADUATION,
    SIDE_SHARE_RANGE,
    STONE_CLARITIES,
    TAPER_NARROWEST_MM,
    TAPER_THINNEST_MM,
    Engraving,
    Eternity,
    Font,
    MatchingBand,
    Ring,
    RowSetting,
    SettingStyle,
    Shape,
    Stone,
    shortest_length_mm,
)
from configurator.documents import follow_centre
from configurator.errors import DesignError
from configurator.shapes import shape_of
from configurator.stones import depth_mm, matching_side_mm, modelled_carat, side_carat_share, stone_for_carat
from configurator.styles import default_prong_mm, style_of

DEFAULT_RING = {"size": {"system": "US", "value": 7.0}, "profile": "comfort", "width_mm": 2.5, "thickness_mm": 1.7}
DEFAULT_PENDANT = {"outline": "round", "size_mm": 16.0, "thickness_mm": 1.5, "bail": "fixed", "clasp": "lobster",
                   "chain": {"length_mm": 450.0}}
DEFAULT_STONE = {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 5.0}
DEFAULT_ROW = {"coverage": "half", "setting": "shared-prong",
               "stone": {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 2.0}}
DEFAULT_SIDE_SHARE = 0.6  # a first guess at a new side stone's length, before it is sized to 60 % of the centre's carat
SIDE_FIELDS: dict[str, tuple[str, ...]] = {
    "side_shape": ("side_stones", "stone", "shape"),
    "side_length": ("side_stones", "stone", "length_mm"),
    "side_style": ("side_stones", "style"),
    "side_material": ("side_stones", "stone", "material"),
    "side_color": ("side_stones", "stone", "color"),
    "side_clarity": ("side_stones", "stone", "clarity"),
    "side_count": ("side_stones", "count"),
    "side_grad": ("side_stones", "graduation"),
    "side_shared": ("side_stones", "shared_prongs"),
}
SIDE_NUMBERS = {"side_length": float, "side_count": int, "side_grad": float}
# An eternity row's controls: key -> path in the document.
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "row_coverage": ("ring", "eternity", "coverage"),
    "row_setting": ("ring", "eternity", "setting"),
    "row_shape": ("ring", "eternity", "stone", "shape"),
    "row_length": ("ring", "eternity", "stone", "length_mm"),
    "row_gap": ("ring", "eternity", "gap_mm"),
    "row_material": ("ring", "eternity", "stone", "material"),
    "row_color": ("ring", "eternity", "stone", "color"),
    "row_clarity": ("ring", "eternity", "stone", "clarity"),
}
SIZE_BY = ("carat", "mm")
# The band's milgrain and taper: key -> path in the document.
BAND_FIELDS: dict[str, tuple[str, ...]] = {
    "milgrain_edges": ("ring", "milgrain", "edges"),
    "milgrain_bead": ("ring", "milgrain", "bead_mm"),
    "taper_width": ("ring", "taper", "width_back_mm"),
    "taper_thickness": ("ring", "taper", "thickness_back_mm"),
}
# A new taper narrows the band as the trade's usual one does: 2.5 mm at the head to 1.8 mm at the back (PRODUCT.md).
TAPER_WIDTH_SHARE = 1.8 / 2.5

# A matching band's controls: key -> path in the document.
MATCHING_FIELDS: dict[str, tuple[str, ...]] = {
    "band_profile": ("matching_band", "profile"),
    "band_width": ("matching_band", "width_mm"),
    "band_thickness": ("matching_band", "thickness_mm"),
    "band_clearance": ("matching_band", "clearance_mm"),
    "band_side": ("matching_band", "side"),
}
MATCHING_NUMBERS = ("band_width", "band_thickness", "band_clearance")

# The engraving's controls shown once it has a text: key -> path in the document.
ENGRAVING_FIELDS: dict[str, tuple[str, ...]] = {
    "engraving_cut": ("engraving", "cut"),
    "engraving_font": ("engraving", "font"),
    "engraving_place": ("engraving", "place"),
    "engraving_height": ("engraving", "height_mm"),
    "engraving_depth": ("engraving", "depth_mm"),
}

# Controls whose value is a field of the document: key -> path.
FIELDS: dict[str, tuple[str, ...]] = {
    "metal": ("metal",),
    "profile": ("ring", "profile"),
    "width": ("ring", "width_mm"),
    "thickness": ("ring", "thickness_mm"),
    "outline": ("pendant", "outline"),
    "pendant_size": ("pendant", "size_mm"),
    "plate_thickness": ("pendant", "thickness_mm"),
    "bail": ("pendant", "bail"),
    "clasp": ("pendant", "clasp"),
    "chain_length": ("pendant", "chain", "length_mm"),
    "cut": ("stone", "cut"),
    "color": ("stone", "color"),
    "clarity": ("stone", "clarity"),
    "stone_width": ("stone", "width_mm"),
    "stone_depth": ("stone", "depth_mm"),
    "prongs": ("setting", "prongs"),
    "tips": ("setting", "tips"),
    "prong_mm": ("setting", "prong_mm"),
    "heirloom_metal": ("heirloom", "metal"),
    "heirloom_grams": ("heirloom", "grams"),
}
def new_ui(doc: dict) -> dict:
    """The person's own choices for a design just opened: its sizing system, stones by carat."""
    ring = doc.get("ring") or {}
    return {"size_system": (ring.get("size") or {}).get("system", "US"), "size_by": "carat", "parked": {}}


def _stone(doc: dict) -> Stone | None:
    try:
        return Stone.model_validate(doc["stone"]) if doc.get("stone") else None
    except ValueError:
        return None


def colours(material: str) -> list[str]:
    gem = catalogue.gemstone(material)
    return list(DIAMOND_COLORS if gem.is_diamond else gem.colors)


def clarities(material: str) -> list[str]:
    return list(DIAMOND_CLARITIES if catalogue.gemstone(material).is_diamond else STONE_CLARITIES)


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


def largest_bead_mm(ring: dict) -> float:
    """The largest milgrain bead the band's edges take, to the slider's 0.05 mm (0 when the band is no valid ring)."""
    from configurator import eternity
    from configurator.milgrain import largest_edge_bead_mm

    try:
        plain = Ring.model_validate({key: value for key, value in ring.items() if key != "milgrain"})
    except ValueError:
        return 0.0
    if eternity.refusal(plain):  # a row the band cannot hold
        return 0.0
    return math.floor(largest_edge_bead_mm(plain) * 20 + 1e-6) / 20


def _new_milgrain(ring: dict) -> dict:
    """Milgrain for a band just given it: the usual bead, or the largest its edges take."""
    bead = min(MILGRAIN_BEAD_MM, max(MILGRAIN_BEAD_RANGE[0], largest_bead_mm(ring)))
    return {"edges": "both", "bead_mm": bead}


def _new_taper(ring: dict) -> dict:
    """A taper for a band just given one: the trade's usual narrowing (2.5 to 1.8 mm), or, on a band too narrow for
    it, a back a little thinner than the top."""
    width, thickness = float(ring["width_mm"]), float(ring["thickness_mm"])
    narrower = max(TAPER_NARROWEST_MM, round(width * TAPER_WIDTH_SHARE, 1))
    if narrower < width - 1e-9:
        return {"width_back_mm": narrower}
    return {"thickness_back_mm": max(TAPER_THINNEST_MM, round(thickness - 0.2, 2))}


def _fit_band(ring: dict) -> None:
    """After a change to the band: a taper's back is never wider or thicker than the top (it follows the top down),
    and beads never larger than the edges take."""
    taper = ring.get("taper")
    if taper is not None:
        for back, top in (("width_back_mm", "width_mm"), ("thickness_back_mm", "thickness_mm")):
            if taper.get(back) is not None and taper[back] > ring[top]:
                taper[back] = ring[top]
    milgrain = ring.get("milgrain")
    if milgrain is not None:
        largest = largest_bead_mm(ring)
        if largest >= MILGRAIN_BEAD_RANGE[0] and milgrain.get("bead_mm", MILGRAIN_BEAD_MM) > largest + 1e-9:
            milgrain["bead_mm"] = largest
        if milgrain.get("pitch_mm") is not None and milgrain["pitch_mm"] < milgrain.get("bead_mm", MILGRAIN_BEAD_MM):
            milgrain.pop("pitch_mm")  # beads larger than their spacing: the spacing follows the bead again


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


def _fit_row(doc: dict) -> None:
    """After a change to the row: a gap below what its setting needs goes back to the setting's own, a stone's width
    follows a new shape, and the band widens to hold the row (never narrows)."""
    from configurator.eternity import band_width_needed

    row = doc["ring"]["eternity"]
    setting = row.get("setting", "shared-prong")
    if row.get("gap_mm") is not None and row["gap_mm"] < ROW_GAP_LEAST_MM[RowSetting(setting)] - 1e-9:
        row.pop("gap_mm")
    try:
        needed = band_width_needed(Eternity.model_validate(row))
    except ValueError:
        return  # the row itself is refused by name when the design is validated
    if doc["ring"]["width_mm"] < needed - 1e-9:
        doc["ring"]["width_mm"] = math.ceil(needed * 10 - 1e-9) / 10


def _set(doc: dict, path: tuple[str, ...], value: Any) -> None:
    node = doc
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _restyle_stone(stone: dict, carat: float | None) -> dict:
    """A stone whose shape, cut or material just changed: grades that the material lacks fall back to its own,
    a square shape drops its width, unlocked proportions restart from the shape's usual ratio, and a stone sized
    by carat keeps its weight."""
    material = stone.get("material", "diamond")
    if stone.get("color") not in colours(material):
        stone.pop("color", None)
    if stone.get("clarity") not in clarities(material):
        stone.pop("clarity", None)
    shape = Shape(stone.get("shape", "round"))
    if not stone.get("client_supplied"):
        stone.pop("depth_mm", None)
        if stone.get("width_mm") is not None:
            stone["width_mm"] = round(stone["length_mm"] / shape_of(shape).rules.length_to_width, 2)
    if shape_of(shape).rules.square:
        stone.pop("width_mm", None)
    if carat is not None:
        stone = stone_for_carat(Stone.model_validate(stone), carat).model_dump(mode="json", exclude_none=True)
    return stone


def change(doc: dict, ui: dict, key: str, value: Any) -> dict:
    """The document after control `key` took `value` (`ui` is updated in place). The caller validates the result:
    a change that makes no valid design is refused there, the design kept as it was."""
    before, doc = doc, copy.deepcopy(doc)
    parked = ui.setdefault("parked", {})
    if key == "name":
        text = str(value or "").strip()
        doc["name"] = text
        if not text:
            doc.pop("name")
    elif key == "piece":
        if value != doc["piece"]:
            leaving, coming = ("ring", "pendant") if value == "pendant" else ("pendant", "ring")
            if doc.get(leaving):
                parked[leaving] = doc.pop(leaving)
            doc[coming] = parked.pop(coming, None) or copy.deepcopy(DEFAULT_RING if coming == "ring" else DEFAULT_PENDANT)
            doc["piece"] = value
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
    elif key == "size_system":
        ui["size_system"] = value
    elif key.startswith("size_value_"):
        system = key.removeprefix("size_value_")
        if value != current_size_label(doc, system):
            doc["ring"]["size"] = {"system": system, "value": value if system == "UK" else float(value)}
    elif key == "side_on":
        if value and not doc.get("side_stones") and doc.get("stone"):
            side = Stone(shape=Shape.ROUND, length_mm=round(max(1.0, DEFAULT_SIDE_SHARE * float(doc["stone"]["length_mm"])), 2))
            length = max(1.0, matching_side_mm(Stone.model_validate(doc["stone"]), side))  # the trade's share of carat
            doc["side_stones"] = parked.pop("side_stones", None) or {
                "stone": {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": length},
                "style": "prong"}
        elif not value and doc.get("side_stones"):
            parked["side_stones"] = doc.pop("side_stones")
    elif key in SIDE_FIELDS:
        _set(doc, SIDE_FIELDS[key], SIDE_NUMBERS[key](value) if key in SIDE_NUMBERS else value)
        _follow(doc["side_stones"]["stone"], SIDE_FIELDS[key][-1])
    elif key == "band_on":
        ring = doc["ring"]  # a new band matches the ring's own: its profile, width and thickness
        _switch(doc, "matching_band", value, parked, lambda: {
            "profile": ring["profile"], "width_mm": float(ring["width_mm"]), "thickness_mm": float(ring["thickness_mm"])})
    elif key in MATCHING_FIELDS:
        _set(doc, MATCHING_FIELDS[key], float(value) if key in MATCHING_NUMBERS else value)
    elif key == "row_on":
        ring = doc["ring"]
        if value and not ring.get("eternity"):
            if doc.get("stone"):  # an eternity band has no centre stone: it waits aside (with any side stones)
                _park_centre(doc, parked)
            ring["eternity"] = parked.pop("eternity", None) or copy.deepcopy(DEFAULT_ROW)
            _fit_row(doc)
        elif not value and ring.get("eternity"):
            parked["eternity"] = ring.pop("eternity")
    elif key in ("milgrain_on", "taper_on"):
        ring = doc["ring"]
        part, make = {"milgrain_on": ("milgrain", _new_milgrain), "taper_on": ("taper", _new_taper)}[key]
        _switch(ring, part, value, parked, lambda: make(ring))
        _fit_band(ring)
    elif key in BAND_FIELDS:
        _set(doc, BAND_FIELDS[key], value if key == "milgrain_edges" else float(value))
        _fit_band(doc["ring"])
    elif key == "rim_milgrain":
        setting = doc.setdefault("setting", {"style": "prong"})
        if value:
            setting["milgrain"] = parked.pop("rim_milgrain", None) or {"bead_mm": MILGRAIN_BEAD_MM}
        elif setting.get("milgrain"):
            parked["rim_milgrain"] = setting.pop("milgrain")
    elif key in ROW_FIELDS:
        if key in ("row_length", "row_gap"):
            value = float(value)
        _set(doc, ROW_FIELDS[key], value)
        _follow(doc["ring"]["eternity"]["stone"], ROW_FIELDS[key][-1])
        _fit_row(doc)
    elif key == "stone_on":
        if value and doc.get("ring", {}).get("eternity"):  # a centre stone and a row do not go together
            parked["eternity"] = doc["ring"].pop("eternity")
        if value and not doc.get("stone"):
            doc["stone"] = parked.pop("stone", None) or copy.deepcopy(DEFAULT_STONE)
            doc["setting"] = parked.pop("setting", None) or {"style": "prong"}
            if parked.get("side_stones") and doc["piece"] == "ring":
                doc["side_stones"] = parked.pop("side_stones")
        elif not value and doc.get("stone"):
            _park_centre(doc, parked)
    elif key in ("shape", "cut", "material"):
        stone = dict(doc["stone"])
        by_carat = ui.get("size_by", "carat") == "carat" and not stone.get("client_supplied")
        carat = round(modelled_carat(Stone.model_validate(stone)), 2) if by_carat else None
        stone[key] = value
        doc["stone"] = _restyle_stone(stone, carat)
    elif key == "size_by":
        ui["size_by"] = value
    elif key == "carat":
        stone = Stone.model_validate(doc["stone"])
        doc["stone"] = stone_for_carat(stone, float(value)).model_dump(mode="json", exclude_none=True)
    elif key == "stone_length":
        stone = doc["stone"]
        stone["length_mm"] = float(value)
        if stone.get("width_mm") is not None:
            stone["width_mm"] = min(float(stone["width_mm"]), float(value))
    elif key == "stone_free":
        current = Stone.model_validate(doc["stone"])
        if value:
            doc["stone"]["width_mm"] = round(float(current.outline_width_mm), 2)
            doc["stone"]["depth_mm"] = round(float(depth_mm(current)), 2)
            if shape_of(current.shape).rules.square:
                doc["stone"].pop("width_mm")
        else:
            doc["stone"].pop("width_mm", None)
            doc["stone"].pop("depth_mm", None)
    elif key == "client_stone":
        stone = doc["stone"]
        if value:
            current = Stone.model_validate(stone)
            stone["client_supplied"] = True
            stone["depth_mm"] = round(float(depth_mm(current)), 2)  # measured by the store: start from the model
            if not shape_of(current.shape).rules.square:
                stone["width_mm"] = round(float(current.outline_width_mm), 2)
        else:
            stone.pop("client_supplied", None)
    elif key == "style":
        setting = dict(doc.get("setting") or {})
        setting["style"] = value
        style = style_of(SettingStyle(value))
        if not style.prongs:
            setting.pop("prongs", None)
        if not style.prong_mm:
            setting.pop("prong_mm", None)
        if not style.rim_milgrain and setting.get("milgrain"):
            parked["rim_milgrain"] = setting.pop("milgrain")
        doc["setting"] = setting
    elif key == "engraving":
        text = str(value or "").strip()
        if text:  # a new text is cut into the metal; a changed one keeps its font, place and size (and what the
            # person chose for a text not yet accepted: cut or by hand, the font...)
            doc["engraving"] = {"cut": True, **(doc.get("engraving") or parked.pop("engraving", None) or {}),
                                **ui.pop("engraving_draft", {}), "text": text}
            _castable_height(doc["engraving"])
        elif doc.get("engraving"):
            parked["engraving"] = doc.pop("engraving")
    elif key in ENGRAVING_FIELDS:
        _set(doc, ENGRAVING_FIELDS[key], float(value) if key in ("engraving_height", "engraving_depth") else value)
    elif key == "heirloom_on":
        _switch(doc, "heirloom", value, parked, lambda: {"metal": "14k-yellow", "grams": 5.0})
    elif key in FIELDS:
        path = FIELDS[key]
        if path[0] == "setting":
            doc.setdefault("setting", {"style": "prong"})
        _set(doc, path, float(value) if isinstance(value, int | float) and key != "prongs" else value)
        if path[0] == "ring":
            _fit_band(doc["ring"])
    else:
        raise KeyError(f"no control {key!r}")
    if before.get("stone") and doc.get("stone") and doc.get("side_stones") and key in CENTRE_SIZE_KEYS:
        follow_centre(doc["side_stones"]["stone"], float(before["stone"]["length_mm"]),
                      float(doc["stone"]["length_mm"]))  # the side stones keep their share of the centre
    if key != "side_shared":
        _unshare(doc)
    _leave_stock(before.get("stone"), doc)
    return doc


def _matching(centre: Stone, side: Stone) -> float:
    """The side stones' matching length (60 % of the centre's carat each), within the lengths a side stone may have
    (30-100 % of the centre's: a pear beside a round reaches the centre's length first)."""
    low, high = SIDE_SHARE_RANGE
    return round(min(max(matching_side_mm(centre, side), low * centre.length_mm), high * centre.length_mm), 2)


def _castable_height(engraving: dict) -> None:
    """A text cut at no height of the person's choosing is cut at the least height whose strokes and gaps cast in its
    font (the document's 1.5 mm is the trade's least letter; a bold sans needs a little more to cast)."""
    if engraving.get("height_mm") is not None or not engraving.get("cut", True):
        return
    from configurator.engraving import least_height_mm

    least = least_height_mm(engraving["text"], Font(engraving.get("font", Font.SANS.value)))
    if least is not None and least > ENGRAVING_HEIGHT_MM[0]:
        engraving["height_mm"] = least


def _leave_stock(before: dict | None, doc: dict) -> None:
    """A stone of the store's whose size, shape or grades a control changed is no longer that stone: the design
    drops its stock number (and is a stone of the grid again)."""
    stone = doc.get("stone")
    if not (before and stone and stone.get("stock_number")):
        return
    if {key: value for key, value in stone.items() if key != "stock_number"} != {
            key: value for key, value in before.items() if key != "stock_number"}:
        stone.pop("stock_number")


def can_share_prongs(doc: dict) -> bool:
    """Whether the design's side stones may share prongs with the centre: one a side in prongs of a shape that can,
    round a prong-set centre that can."""
    side, centre = doc.get("side_stones") or {}, doc.get("stone") or {}
    return (bool(side) and side.get("style", "prong") == "prong" and int(side.get("count", 1)) == 1
            and (doc.get("setting") or {}).get("style", "prong") == "prong"
            and Shape(side["stone"].get("shape", "round")) in SHARING_SIDE_SHAPES
            and Shape(centre.get("shape", "round")) in SHARING_CENTRE_SHAPES)


def _unshare(doc: dict) -> None:
    """Side stones stop sharing prongs when a change leaves nothing to share them (another style or shape, more
    stones a side): the control that shares them is hidden then, so it cannot be left holding the design."""
    side = doc.get("side_stones") or {}
    if side.get("shared_prongs") and not can_share_prongs(doc):
        side["shared_prongs"] = False


def _follow(stone: dict, field: str) -> None:
    """A group's stone after its `field` changed: a new shape in its usual proportion, long enough to be 1 mm wide;
    a new material with its own grades."""
    if field == "shape":
        stone.pop("width_mm", None)
        stone["length_mm"] = max(float(stone["length_mm"]), shortest_length_mm(Shape(stone["shape"])))
    elif field == "material":
        stone.pop("color", None)
        stone.pop("clarity", None)


def _switch(holder: dict, name: str, on: bool, parked: dict, make) -> None:
    """A part a tick adds or takes away: on, `holder[name]` is the one set aside before (or `make()` a new one); off,
    it is set aside in `parked`, so ticking it again brings back what the client had."""
    if on and not holder.get(name):
        holder[name] = parked.pop(name, None) or make()
    elif not on and holder.get(name):
        parked[name] = holder.pop(name)


def _park_centre(doc: dict, parked: dict) -> None:
    """The centre stone and its setting wait aside, and the side stones that flank it with them."""
    parked["stone"], parked["setting"] = doc.pop("stone"), doc.pop("setting", None)
    if doc.get("side_stones"):
        parked["side_stones"] = doc.pop("side_stones")


CENTRE_SIZE_KEYS = ("carat", "stone_length", "shape", "cut", "material", "stone_width", "client_stone", "stone_free")


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

    model = {"ring": Ring, "pendant": Pendant}[part]
    top = next(item.le for item in model.model_fields[field].metadata if getattr(item, "le", None) is not None)
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
