"""Budget: the changes that bring a design within a budget, each the closest such design to the budget.

Kinds of change, each tried on its own from the client's design: a smaller centre stone (the largest that fits),
a lower colour, a lower clarity, another metal, a lab-grown or other stone. Within a kind, the suggestion is the
design whose total is highest without passing the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import catalogue, words
from .builds import model_of
from .design import DIAMOND_CLARITIES, DIAMOND_COLORS, Design
from .documents import parse_design
from .errors import ConfiguratorError
from .price_table import PriceTable, current_price_table
from .quotes import price
from .stones import scaled_stone, smallest_length_mm

if TYPE_CHECKING:
    from .inventory import LooseStone, StockStone

SIZE_STEP_MM = 0.05
CASTABLE_STEPS = 6  # how many sizes below the largest that fits are tried for one that casts
SMALLEST_STONE_MM = 2.0
CANDIDATE_STONES = 8  # of the store's selection, the stones most like the client's that are priced in the design
# A white diamond's alternatives: material, its colour and clarity words.
WHITE_ALTERNATIVES = (("lab-diamond", None), ("moissanite", "white"), ("sapphire", "white"))


@dataclass(frozen=True)
class Suggestion:
    change: str
    total: float
    design: Design

    def to_dict(self) -> dict:
        return {"change": self.change, "total": self.total, "design": self.design.to_dict()}


def _with(design: Design, **parts) -> Design:
    """`design` with `parts` changed; a changed centre stone is no longer the store's stone it may have been."""
    doc = design.to_dict()
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    if "stone" in parts and isinstance(doc.get("stone"), dict):
        doc["stone"].pop("stock_number", None)
    return parse_design(doc)


def _stone_of_length(design: Design, length: float) -> Design:
    """`design` with its centre stone `length` long; side stones keep their share of it (at least 1 mm wide)."""
    parts = {"stone": scaled_stone(design.stone, length).model_dump(mode="json", exclude_none=True)}
    if design.side_stones is not None:
        side = design.side_stones.stone
        wanted = side.length_mm * length / design.stone.length_mm
        parts["side_stones"] = {"stone": scaled_stone(side, max(wanted, smallest_length_mm(side))).model_dump(
            mode="json", exclude_none=True)}
    return _with(design, **parts)


def smaller_stone(design: Design, budget: float, table: PriceTable) -> Suggestion | None:
    """The largest centre stone (in steps of 0.05 mm, same proportions) whose design fits the budget."""
    stone = design.stone
    if stone is None or stone.client_supplied:
        return None
    smallest = smallest_length_mm(stone, SMALLEST_STONE_MM)  # a narrow stone keeps its width's 1 mm minimum
    steps = int(np.floor((stone.length_mm - smallest) / SIZE_STEP_MM - 1e-9)) + 1
    lengths = [round(smallest + index * SIZE_STEP_MM, 2) for index in range(steps)]
    lengths = [length for length in lengths if length < stone.length_mm - 1e-9]  # all smaller than now
    if not lengths or price(_stone_of_length(design, lengths[0]), table).total > budget:
        return None
    low, high = 0, len(lengths) - 1  # price rises with size: find the last length that fits
    while low < high:
        middle = (low + high + 1) // 2
        if price(_stone_of_length(design, lengths[middle]), table).total <= budget:
            low = middle
        else:
            high = middle - 1
    for index in range(low, max(-1, low - CASTABLE_STEPS), -1):  # the largest that fits and also casts
        smaller = _stone_of_length(design, lengths[index])
        if castable(smaller):
            carat = price_carat(smaller)
            return Suggestion(f"smaller centre stone: {lengths[index]:.2f} mm ({words.carats(carat)})",
                              price(smaller, table).total, smaller)
    return None


def price_carat(design: Design) -> float:
    return next(part.carat for part in model_of(design).stone_parts if part.role == "centre")


def _first_fitting(candidates: list[tuple[str, Design]], budget: float, table: PriceTable) -> Suggestion | None:
    """Of candidates ordered best first, the first whose total fits (the closest to the budget)."""
    fitting = []
    for label, candidate in candidates:
        total = price(candidate, table).total
        if total <= budget:
            fitting.append(Suggestion(label, total, candidate))
    return max(fitting, key=lambda suggestion: suggestion.total) if fitting else None


def lower_grade(design: Design, budget: float, table: PriceTable, field: str) -> Suggestion | None:
    """A lower diamond colour (or clarity) that fits: the highest grade that does."""
    stone = design.stone
    if stone is None or stone.client_supplied or not catalogue.gemstone(stone.material).is_diamond:
        return None
    grades = DIAMOND_COLORS if field == "color" else DIAMOND_CLARITIES
    current = stone.grade_color if field == "color" else stone.grade_clarity
    lower = grades[grades.index(current) + 1:]
    word = "colour" if field == "color" else "clarity"
    return _first_fitting([(f"lower {word}: {grade}", _with(design, stone={field: grade})) for grade in lower],
                          budget, table)


def other_metals(design: Design, budget: float, table: PriceTable, stock: LooseStone | None = None) -> list[
        Suggestion]:
    """Every other metal the store prices that fits, the closest to the budget first (a stone of the store's priced
    from `stock`)."""
    fitting = []
    for metal_id, metal in catalogue.metals().items():
        if metal_id == design.metal or metal_id not in table.metal_per_gram:
            continue
        candidate = _with(design, metal=metal_id)
        total = price(candidate, table, stock).total
        if total <= budget:
            fitting.append(Suggestion(f"another metal: {metal.name}", total, candidate))
    return sorted(fitting, key=lambda suggestion: -suggestion.total)


def other_stones(design: Design, budget: float, table: PriceTable) -> list[Suggestion]:
    """A lab-grown diamond or another stone of the same colour, each that fits."""
    stone = design.stone
    if stone is None or stone.client_supplied:
        return []
    gem = catalogue.gemstone(stone.material)
    options: list[tuple[str, str | None]] = []
    if gem.is_diamond:
        options = [(material, color) for material, color in WHITE_ALTERNATIVES if material != stone.material]
    else:
        colour = stone.grade_color
        options = [(material, colour) for material, other in catalogue.gemstones().items()
                   if material != stone.material and not other.is_diamond and colour in other.colors]
    suggestions = []
    for material, color in options:
        other = catalogue.gemstone(material)
        changes = {"material": material}
        if not other.is_diamond:
            changes["color"] = color
            changes["clarity"] = "eye-clean"
        elif not gem.is_diamond:
            changes["color"], changes["clarity"] = "G", "VS2"
        candidate = _with(design, stone=changes)
        total = price(candidate, table).total
        if total <= budget:
            suggestions.append(Suggestion(f"another stone: {other.name}", total, candidate))
    return sorted(suggestions, key=lambda suggestion: -suggestion.total)


def castable(design: Design) -> bool:
    """Whether the workshop can cast `design`: no blocking finding (designs of one geometry share their scan)."""
    from .checks import Severity, check  # the mesh libraries (trimesh, scipy): only when the casting is judged

    return not any(finding.severity is Severity.BLOCKING
                   for finding in check(design, model_of(design), verify=False))


def our_stones(design: Design, budget: float, table: PriceTable, selection: Sequence[StockStone],
               stock: LooseStone | None = None, most: int = 2) -> list[Suggestion]:
    """Other stones of the store's selection (available, cheaper than the design's centre stone) that bring the
    design within budget: the most like the client's stone first, at most `most`."""
    from .inventory import closest, stone_price, with_stock_stone  # the database (sqlalchemy)

    stone = design.stone
    if stone is None or stone.client_supplied or not selection:
        return []
    current = price(design, table, stock)
    stone_cost = sum(line.amount for line in current.rows if line.kind == "stone" and line.item.startswith("stone:"))
    cheaper = [record for record in selection if stone_price(record.stone, table)[0] < stone_cost - 0.005]
    carat = stock.carat if stock is not None else price_carat(design)
    suggestions = []
    for record in closest(stone, carat, cheaper, count=CANDIDATE_STONES):
        try:
            candidate = with_stock_stone(design, record.stone)
        except ConfiguratorError:
            continue  # the piece cannot take that stone (a pendant too small, side stones out of proportion)
        total = price(candidate, table, record.stone).total
        if total <= budget:
            suggestions.append(Suggestion(f"a stone from our selection: {record.stock_number}, "
                                          f"{record.stone.described}", total, candidate))
        if len(suggestions) == most:
            break
    return suggestions


def fit(design: Design, budget: float, table: PriceTable | None = None, stock: LooseStone | None = None,
        selection: Sequence[StockStone] = ()) -> list[Suggestion]:
    """Changes that bring `design` within `budget`, each with its total, each a valid design the workshop can
    cast (a change that would not cast is left out); empty when the design already fits. A stone of the store's is
    priced from its record `stock`; the available stones of `selection` are proposed too."""
    table = table or current_price_table()
    if price(design, table, stock).total <= budget:
        return []
    found = [
        smaller_stone(design, budget, table),
        lower_grade(design, budget, table, "color"),
        lower_grade(design, budget, table, "clarity"),
        *our_stones(design, budget, table, selection, stock),
        *other_stones(design, budget, table),
        *other_metals(design, budget, table, stock)[:3],
    ]
    return [suggestion for suggestion in found if suggestion is not None and castable(suggestion.design)]
