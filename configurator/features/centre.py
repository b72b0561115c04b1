"""The centre stone: its own line (the client's, the store's from its record, or the table's by its grades and carat),
the setting of it, and its setting and prongs on the sheet; the check of its prongs and of the metal over its girdle;
its controls on the form (its shape, size and grades, kept at its carat; its setting), and a stone of the store's
that a change makes another stone."""

from __future__ import annotations

import copy
from functools import partial
from typing import TYPE_CHECKING

from .. import catalogue, words
from ..design import (
    DIAMOND_CLARITIES,
    DIAMOND_COLORS,
    STONE_CLARITIES,
    Setting,
    SettingStyle,
    Shape,
    Stone,
)
from ..errors import CatalogueError
from ..findings import ROUND_THE_STONES, TOLERANCE_MM, Finding, Fix, Round, Severity, steps
from ..heads import CENTRE_PRONG_MIN_MM, SUPPORTED_PRONG_MIN_MM, accent_prong_mm
from ..holds import FEWEST_HOLDS
from ..shapes import shape_of
from ..stones import StoneWeight, depth_mm, modelled_carat, stone_for_carat, trade_carat
from ..styles import default_prong_mm, prong_count, setting_refusal, style_of
from ..summary import StoneLine, certified_fields, stone_fields
from .feature import (
    CheckContext,
    Control,
    Edit,
    Feature,
    Held,
    PriceContext,
    PriceLines,
    Row,
    SummaryContext,
    Summed,
    as_number,
    write,
)

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..inventory import LooseStone
    from ..price_table import PriceTable
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    return design.stone is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "US", "value": 6.5}, "profile": "comfort", "width_mm": 2.2,
                     "thickness_mm": 1.6},
            "stone": {"shape": "round", "length_mm": 6.5, "color": "G", "clarity": "VS2"},
            "setting": {"style": "prong", "prongs": 6}}


def _stock_line(stone: Stone, stock: LooseStone | None, table: PriceTable, name: str, grade: str) -> Row:
    """The line of a centre stone of the store's: its own price (or the grid's at its certified carat), its
    certified weight and its report."""
    if stock is None or stock.stock_number != stone.stock_number:
        raise CatalogueError(f"stone.stock_number: the record of stone {stone.stock_number} is needed to price it")
    amount, from_grid = stock.priced(table)
    report = f", {stock.lab} report {stock.certificate}" if stock.certificate else (
        f", graded by {stock.lab}" if stock.lab else "")
    basis = "at the grid's price" if from_grid else "its own price"
    said = f"{stone.shape.value} {name} {grade}, {stock.carat:.2f} ct"
    return (f"stone: {stone.stock_number} {said} certified{report} ({basis})", amount, "stone",
            f"Centre stone: {said}{report} (our stone {stone.stock_number})")


def price(context: PriceContext) -> PriceLines:
    """The stone (nothing for the client's own) and the setting of it at its style's rate."""
    design, table = context.design, context.table
    style = design.effective_setting.style
    materials, labour = [], []
    for weight in context.weights("centre"):
        name = catalogue.gemstone(weight.material).name
        stone = design.stone
        grade = f"{stone.grade_color} {stone.grade_clarity}"
        if stone.client_supplied:
            item = f"stone: client's own {stone.shape.value} {name}, {words.carats(weight.carat)}"
            materials.append((item, 0.0, "stone", f"Centre stone: your own {stone.shape.value} {name}, "
                              f"{words.carats(weight.carat)}"))
        elif stone.stock_number is not None:
            materials.append(_stock_line(stone, context.stock, table, name, grade))
        else:
            materials.append((f"stone: {stone.shape.value} {name} {grade}, {words.carats(weight.carat)}",
                              table.stone_price(stone, weight.carat), "stone",
                              f"Centre stone: {stone.shape.value} {name} {grade}, {words.carats(weight.carat)}"))
        rate = getattr(table.labour.setting, style.value)
        labour.append((f"labour: setting the centre stone ({style.value})", rate, "labour", context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    """Its setting, and the diameter of its prongs where it has them."""
    setting = design.effective_setting
    prongs = f", {prong_count(setting)} prongs" if prong_count(setting) else ""
    rows = [["setting", f"{setting.style.value}{prongs}"]]
    if style_of(setting.style).prong_mm:
        prong = setting.prong_mm or default_prong_mm(design.stone, setting.style)
        rows.append(["centre prong diameter", f"{prong:.2f} mm"])
    return rows


# The setting's metal rises over at least this share of the crown above the girdle.
MIN_GRIP_SHARE = 0.2


def _prong_findings(design: Design) -> list[Finding]:
    """The centre stone's prongs against the trade table for its size, and the free-standing minimum."""
    setting = design.effective_setting
    if setting is None or not style_of(setting.style).prong_mm:
        return []
    stone = design.stone
    size = min(stone.length_mm, stone.outline_width_mm)
    braced = style_of(setting.style).braced  # a halo's rim braces its prongs
    default = default_prong_mm(stone, setting.style)
    diameter = setting.prong_mm or default
    table = accent_prong_mm(size)
    if diameter < table - TOLERANCE_MM:
        return [Finding(Severity.BLOCKING, "setting.prong_mm", diameter, table,
                        f"prongs of {diameter:.2f} mm are thinner than the trade table gives for a {size:.1f} mm stone",
                        f"make the prongs at least {table:.1f} mm thick",
                        (("setting.prong_mm", max(table, default)),), "the prongs", kind="prong-table")]
    limit = SUPPORTED_PRONG_MIN_MM if braced else CENTRE_PRONG_MIN_MM
    if diameter < limit - TOLERANCE_MM:
        return [Finding(Severity.WARNING, "setting.prong_mm", diameter, limit,
                        f"{'braced' if braced else 'free-standing'} prongs under {limit:.1f} mm bend in wear",
                        f"make the prongs at least {limit:.1f} mm thick",
                        (("setting.prong_mm", max(limit, default)),), "the prongs", kind="prong-min")]
    return []


def _grip_findings(design: Design, model: Model) -> list[Finding]:
    """Metal rising over the centre stone's girdle to hold it: at least `MIN_GRIP_SHARE` of its crown."""
    if not model.stone_parts or model.girdle_z is None:
        return []
    centre = model.stone_parts[0]
    crown = float(centre.mesh.bounds[1, 2]) - model.girdle_z
    low, high = centre.mesh.bounds
    reach = 0.5 + max(SUPPORTED_PRONG_MIN_MM, design.effective_setting.prong_mm or 0.0)
    points = model.metal.vertices
    over = ((points[:, 0] > low[0] - reach) & (points[:, 0] < high[0] + reach)
            & (points[:, 1] > low[1] - reach) & (points[:, 1] < high[1] + reach))
    grip = float(points[over, 2].max()) - model.girdle_z if over.any() else 0.0
    needed = MIN_GRIP_SHARE * crown
    if grip < needed - TOLERANCE_MM:
        style = "bezel" if design.effective_setting.style is not SettingStyle.BEZEL else "prong"
        return [Finding(Severity.BLOCKING, "setting.style", grip, needed,
                        f"the metal rises only {grip:.2f} mm over the girdle, too little to hold the stone",
                        f"choose a setting that covers the crown ({style})", (("setting.style", style),),
                        "the centre stone's setting", kind="grip")]
    return []


def findings(context: CheckContext) -> list[Finding]:
    """Its prongs against the trade table for its size and the free-standing minimum, and the metal over its girdle."""
    return [*_prong_findings(context.design), *_grip_findings(context.design, context.model)]


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """More prongs for a loose centre stone; for metal too thin or too close round the stones, thicker prongs, a larger
    stone (not the client's own), a brilliant's pavilion for a domed or flat-backed stone; last, for any finding but
    the grip's (its own fix is the setting) and the matching band's shank, a plainer setting."""
    setting, stone = design.effective_setting, design.stone
    found: list[Fix] = []
    if finding.kind == "holds" and finding.part == "setting":
        record = shape_of(stone.shape)
        counts = (len(record.corners), 6) if record.corners and not record.pointed else (4, 6)
        if style_of(setting.style).prong_mm and setting.style is not SettingStyle.BEZEL:
            found += [Fix(Round.REMEDY, (("setting.prongs", count),)) for count in counts
                      if count != prong_count(setting)]
    if finding.kind in ROUND_THE_STONES:
        if style_of(setting.style).prong_mm:
            current = setting.prong_mm or default_prong_mm(stone, setting.style)
            found += [Fix(Round.STONE, changes) for changes in steps("setting.prong_mm", current, (0.1, 0.2), 2.5)]
        if not stone.client_supplied:
            found += [Fix(Round.STONE, (("stone.length_mm", round(stone.length_mm + step, 2)),
                                        *((("stone.width_mm", round(stone.width_mm * (1 + step / stone.length_mm), 2)),)
                                          if stone.width_mm is not None else ()))) for step in (0.1, 0.25)]
        if stone.cut.value != "brilliant":
            found.append(Fix(Round.CUT, (("stone.cut", "brilliant"),)))
    if finding.kind not in ("grip", "matching-shank"):
        plainer = {"prong": (("setting.style", "prong"),),
                   "bezel": (("setting.style", "bezel"), ("setting.prongs", None), ("setting.prong_mm", None))}
        found += [Fix(Round.PLAINER, changes) for style, changes in plainer.items() if setting.style.value != style]
    return found




DEFAULT_STONE = {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 5.0}
SIZE_BY = ("carat", "mm")


def colours(material: str) -> list[str]:
    gem = catalogue.gemstone(material)
    return list(DIAMOND_COLORS if gem.is_diamond else gem.colors)


def clarities(material: str) -> list[str]:
    return list(DIAMOND_CLARITIES if catalogue.gemstone(material).is_diamond else STONE_CLARITIES)


def park_centre(doc: dict, parked: dict) -> None:
    """The centre stone and its setting wait aside, and the side stones that flank it with them."""
    parked["stone"], parked["setting"] = doc.pop("stone"), doc.pop("setting", None)
    if doc.get("side_stones"):
        parked["side_stones"] = doc.pop("side_stones")


def _centre(edit: Edit) -> None:
    """A centre stone ticked on: the one set aside before (with its setting and side stones) or a new one; a centre
    stone and a row do not go together, so the row waits aside."""
    doc, parked = edit.doc, edit.parked
    if edit.value and doc.get("ring", {}).get("eternity"):
        parked["eternity"] = doc["ring"].pop("eternity")
    if edit.value and not doc.get("stone"):
        doc["stone"] = parked.pop("stone", None) or copy.deepcopy(DEFAULT_STONE)
        doc["setting"] = parked.pop("setting", None) or {"style": "prong"}
        if parked.get("side_stones") and doc["piece"] == "ring":
            doc["side_stones"] = parked.pop("side_stones")
    elif not edit.value and doc.get("stone"):
        park_centre(doc, parked)


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


def _kind(field: str, edit: Edit) -> None:
    """A new shape, cut or material (`field`): the stone restyled, its carat kept when it is sized by carat."""
    stone = dict(edit.doc["stone"])
    by_carat = edit.ui.get("size_by", "carat") == "carat" and not stone.get("client_supplied")
    carat = round(modelled_carat(Stone.model_validate(stone)), 2) if by_carat else None
    stone[field] = edit.value
    edit.doc["stone"] = _restyle_stone(stone, carat)


def _size_by(edit: Edit) -> None:
    edit.ui["size_by"] = edit.value


def _carat(edit: Edit) -> None:
    stone = Stone.model_validate(edit.doc["stone"])
    edit.doc["stone"] = stone_for_carat(stone, float(edit.value)).model_dump(mode="json", exclude_none=True)


def _length(edit: Edit) -> None:
    """A new length: a width set by hand is never more than it."""
    stone = edit.doc["stone"]
    stone["length_mm"] = float(edit.value)
    if stone.get("width_mm") is not None:
        stone["width_mm"] = min(float(stone["width_mm"]), float(edit.value))


def _free(edit: Edit) -> None:
    """Width and depth set by hand start from those the shape's proportions gave; locked again, they follow them."""
    stone = edit.doc["stone"]
    current = Stone.model_validate(stone)
    if edit.value:
        stone["width_mm"] = round(float(current.outline_width_mm), 2)
        stone["depth_mm"] = round(float(depth_mm(current)), 2)
        if shape_of(current.shape).rules.square:
            stone.pop("width_mm")
    else:
        stone.pop("width_mm", None)
        stone.pop("depth_mm", None)


def _clients(edit: Edit) -> None:
    """The client's own stone, measured by the store: its measures start from the model's."""
    stone = edit.doc["stone"]
    if edit.value:
        current = Stone.model_validate(stone)
        stone["client_supplied"] = True
        stone["depth_mm"] = round(float(depth_mm(current)), 2)
        if not shape_of(current.shape).rules.square:
            stone["width_mm"] = round(float(current.outline_width_mm), 2)
    else:
        stone.pop("client_supplied", None)


def _style(edit: Edit) -> None:
    """A new setting style: what the style does not take (prongs, their diameter, a rim's milgrain) goes."""
    setting = dict(edit.doc.get("setting") or {})
    setting["style"] = edit.value
    style = style_of(SettingStyle(edit.value))
    if not style.prongs:
        setting.pop("prongs", None)
    if not style.prong_mm:
        setting.pop("prong_mm", None)
    if not style.rim_milgrain and setting.get("milgrain"):
        edit.parked["rim_milgrain"] = setting.pop("milgrain")
    edit.doc["setting"] = setting


def _setting_field(field: str, convert, edit: Edit) -> None:
    """A field of the setting, the usual prong setting made first where the design has none written."""
    setting = edit.doc.setdefault("setting", {"style": "prong"})
    write(setting, (field,), edit.value if convert is None else convert(edit.value))


def leave_stock(before: dict, doc: dict) -> None:
    """A stone of the store's whose size, shape or grades a control changed is no longer that stone: the design
    drops its stock number (and is a stone of the grid again)."""
    stone, was = doc.get("stone"), before.get("stone")
    if not (was and stone and stone.get("stock_number")):
        return
    if {key: value for key, value in stone.items() if key != "stock_number"} != {
            key: value for key, value in was.items() if key != "stock_number"}:
        stone.pop("stock_number")


CONTROLS = (
    Control("stone_on", "Centre stone", does=_centre),
    Control("shape", "Shape", ("stone", "shape"), does=partial(_kind, "shape")),
    Control("cut", "Cut", ("stone", "cut"), does=partial(_kind, "cut")),
    Control("material", "Material", ("stone", "material"), does=partial(_kind, "material")),
    Control("size_by", "Size by", does=_size_by),
    Control("carat", "Carat", does=_carat),
    Control("stone_length", "Stone length (mm)", ("stone", "length_mm"), Stone, does=_length),
    Control("stone_free", "Set width and depth myself", does=_free),
    Control("stone_width", "Stone width (mm)", ("stone", "width_mm"), Stone, as_number),
    Control("stone_depth", "Stone depth (mm)", ("stone", "depth_mm"), Stone, as_number),
    Control("color", "Colour", ("stone", "color")),
    Control("clarity", "Clarity", ("stone", "clarity")),
    Control("client_stone", "The client's own stone", does=_clients),
    Control("style", "Style", ("setting", "style"), does=_style),
    Control("prongs", "Prongs", ("setting", "prongs"), does=partial(_setting_field, "prongs", None)),
    Control("tips", "Tips", ("setting", "tips"), does=partial(_setting_field, "tips", None)),
    Control("prong_mm", "Prong diameter (mm)", ("setting", "prong_mm"), Setting,
            does=partial(_setting_field, "prong_mm", as_number)),
)
# The controls that may resize the centre stone (the side stones keep their share of it).
RESIZING = ("carat", "stone_length", "shape", "cut", "material", "stone_width", "client_stone", "stone_free")

def fit(design: Design) -> str | None:
    """Why the setting asks for what its style has not (prongs of a bezel, a rim's beads on prongs), or None."""
    problem = design.setting is not None and setting_refusal(design.setting)
    return f"setting.{problem}" if problem else None


def trade_stones(design: Design) -> list[StoneWeight]:
    return [StoneWeight("centre", design.stone.material, 1, trade_carat(design.stone))]


def summary(context: SummaryContext) -> Summed:
    """The centre stone's line: by its modelled weight, or a stone of the store's by its record's."""
    stone, stock = context.design.stone, context.stock
    return Summed(tuple(
        StoneLine(role="centre", **stone_fields(stone), carat=carat, carat_each=carat,
                  client_supplied=stone.client_supplied, **certified_fields(stock))
        for carat in (round(part.carat, 3) if stock is None else stock.carat
                      for part in context.model.stone_parts if part.role == "centre")))


def held(design: Design) -> Held:
    """The centre stone, in the head its style makes."""
    return Held("centre", "the centre stone", "setting", FEWEST_HOLDS, "the centre stone's setting")


FEATURE = Feature("stone", "centre stone", present, example, price, dimensions, findings=findings, fixes=fixes,
                  controls=CONTROLS, fit=fit, trade_stones=trade_stones, summary=summary,
                  held=held)
