"""The centre stone: its own line (the client's, the store's from its record, or the table's by its grades and carat),
the setting of it, and its setting and prongs on the sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import catalogue, words
from ..errors import CatalogueError
from ..styles import default_prong_mm, prong_count, style_of
from .feature import Feature, PriceContext, PriceLines, Row

if TYPE_CHECKING:
    from ..design import Design, Stone
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
    from ..inventory import stone_price

    if stock is None or stock.stock_number != stone.stock_number:
        raise CatalogueError(f"stone.stock_number: the record of stone {stone.stock_number} is needed to price it")
    amount, from_grid = stone_price(stock, table)
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


FEATURE = Feature("stone", "centre stone", present, example, price, dimensions)
