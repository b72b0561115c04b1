"""An eternity row: stones along the band, priced by the stone and set at the row's rate each."""

from __future__ import annotations

import copy
import math
from functools import partial
from typing import TYPE_CHECKING

from .. import catalogue, words
from ..design import ROW_GAP_LEAST_MM, Eternity, RowSetting, Stone
from ..documents import follow_field
from ..eternity import band_width_needed
from .centre import park_centre
from .feature import Control, Edit, Feature, PriceContext, PriceLines

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    return design.ring is not None and design.ring.eternity is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-white",
            "ring": {"size": {"system": "US", "value": 6.5}, "profile": "comfort", "width_mm": 2.8,
                     "thickness_mm": 1.9,
                     "eternity": {"coverage": "half", "setting": "shared-prong",
                                  "stone": {"shape": "round", "length_mm": 2.2, "color": "G", "clarity": "VS2"}}}}


def price(context: PriceContext) -> PriceLines:
    row, table = context.design.ring.eternity, context.table
    materials, labour = [], []
    for weight in context.weights("eternity"):
        name = catalogue.gemstone(weight.material).name
        stone, each = row.stone, weight.carat / weight.count
        grade = f"{stone.grade_color} {stone.grade_clarity}"
        said = f"{weight.count} {stone.shape.value} {name}, {words.carats(weight.carat)} in all"
        materials.append((f"eternity stones: {said} ({each:.3f} ct each, {grade})",
                          table.stone_price(stone, each) * weight.count, "stone", f"Eternity stones: {said}"))
        rate = table.labour.accent.row_rate(row.setting.value)
        labour.append((f"labour: setting {weight.count} eternity stones ({row.setting.value}) at {rate:.2f} each",
                       rate * weight.count, "labour", context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    row = design.ring.eternity
    return [["eternity row", summary.eternity.described + f", gap {row.gap:.2f} mm"
             + ("" if summary.eternity.resizable else "; cannot be resized")]]


DEFAULT_ROW = {"coverage": "half", "setting": "shared-prong",
               "stone": {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 2.0}}


def fit_row(doc: dict) -> None:
    """After a change to the row: a gap below what its setting needs goes back to the setting's own, and the band
    widens to hold the row (never narrows)."""
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


def _row(edit: Edit) -> None:
    """A row for a band just given one: an eternity band has no centre stone, which waits aside (with any side
    stones)."""
    doc, ring = edit.doc, edit.doc["ring"]
    if edit.value and not ring.get("eternity"):
        if doc.get("stone"):
            park_centre(doc, edit.parked)
        ring["eternity"] = edit.parked.pop("eternity", None) or copy.deepcopy(DEFAULT_ROW)
        fit_row(doc)
    elif not edit.value and ring.get("eternity"):
        edit.parked["eternity"] = ring.pop("eternity")


def _follow(field: str, doc: dict) -> None:
    """After the row's `field` changed: its stone follows a new shape or material, the row fits its band."""
    follow_field(doc["ring"]["eternity"]["stone"], field)
    fit_row(doc)


CONTROLS = (
    Control("row_on", "Stones along the band (eternity)", does=_row),
    *(Control(key, label, path, model, convert, partial(_follow, path[-1])) for key, label, path, model, convert in (
        ("row_coverage", "Row", ("ring", "eternity", "coverage"), None, None),
        ("row_setting", "Row setting", ("ring", "eternity", "setting"), None, None),
        ("row_shape", "Row stones", ("ring", "eternity", "stone", "shape"), None, None),
        ("row_length", "Row stone length (mm)", ("ring", "eternity", "stone", "length_mm"), Stone, float),
        ("row_gap", "Gap between stones (mm)", ("ring", "eternity", "gap_mm"), Eternity, float),
        ("row_material", "Row material", ("ring", "eternity", "stone", "material"), None, None),
        ("row_color", "Row colour", ("ring", "eternity", "stone", "color"), None, None),
        ("row_clarity", "Row clarity", ("ring", "eternity", "stone", "clarity"), None, None))),
)

FEATURE = Feature("eternity", "eternity row", present, example, price, dimensions, CONTROLS)
