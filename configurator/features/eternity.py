"""An eternity row: stones along the band, priced by the stone and set at the row's rate each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import catalogue, words
from .feature import Feature, PriceContext, PriceLines

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


FEATURE = Feature("eternity", "eternity row", present, example, price, dimensions)
