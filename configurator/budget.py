"""Budget: the changes that bring a design within a budget, each the closest such design to the budget; and, from a
budget alone, the store's presets that fit it (as they are, or by the change that brings each closest to it).

Kinds of change, each tried on its own from the client's design: a smaller centre stone (the largest that fits),
a lower colour, a lower clarity, another metal, a lab-grown or other stone. Within a kind, the suggestion is the
design whose total is highest without passing the budget.

A design's total and whether it casts are remembered (per price table, the most recently used kept): a budget tried
after another prices again only the stone sizes the first did not, and a preset is built and checked once a process.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from . import catalogue, words
from .builds import model_of
from .design import DIAMOND_CLARITIES, DIAMOND_COLORS, Design
from .documents import parse_design
from .errors import ConfiguratorError
from .price_table import PriceTable, current_price_table
from .quotes import Weighed, price, priced_by, weighed
from .stones import scaled_stone, smallest_length_mm

if TYPE_CHECKING:
    from .inventory import LooseStone, StockStone

SIZE_STEP_MM = 0.05
GUIDED_TRIES = 4  # stone sizes tried where the estimate puts the budget, before halving the rest
CASTABLE_STEPS = 6  # how many sizes below the largest that fits are tried for one that casts
SMALLEST_STONE_MM = 2.0
CANDIDATE_STONES = 8  # of the store's selection, the stones most like the client's that are priced in the design
# A white diamond's alternatives: material, its colour and clarity words.
WHITE_ALTERNATIVES = (("lab-diamond", None), ("moissanite", "white"), ("sapphire", "white"))
AS_IT_IS = "as it is"  # a starting point within the budget unchanged
STARTING_POINTS = 8  # the most a budget offers
CACHED_TOTALS = 2048  # designs' totals remembered (a float each, keyed by the design)
CACHED_CASTINGS = 1024  # designs' castability remembered
CACHED_WEIGHTS = 256  # designs' builds' metal and stone weights remembered (what an estimate starts from)
CACHED_STARTS = 64  # budgets' starting points remembered


@dataclass(frozen=True)
class Suggestion:
    change: str
    total: float
    design: Design

    def to_dict(self) -> dict:
        return {"change": self.change, "total": self.total, "design": self.design.to_dict()}


@dataclass(frozen=True)
class Start:
    """A starting point within a budget: the preset it is made from (by its name), the change made to it (`AS_IT_IS`,
    or a suggestion's words), its total and the design."""

    preset: str
    change: str
    total: float
    design: Design

    def to_dict(self) -> dict:
        return {"preset": self.preset, "change": self.change, "total": self.total, "design": self.design.to_dict()}


class _Remembered:
    """Values by key, the `most` most recently used kept, safe to share between sessions' threads. A value keyed by a
    price table's id keeps the table with it, so that no other table takes that id while the value is kept."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.values: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = make()  # outside the lock: two sessions may make one value twice, never wait on each other
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.most:
                self.values.popitem(last=False)
        return value


_totals = _Remembered(CACHED_TOTALS)
_castings = _Remembered(CACHED_CASTINGS)
_starts = _Remembered(CACHED_STARTS)
_builds = _Remembered(CACHED_WEIGHTS)


def _total(design: Design, table: PriceTable) -> float:
    """`price(design, table).total`, remembered for a design priced from the table alone (a stone of the store's is
    priced from its record in the inventory, which may change: it is priced afresh)."""
    if design.stone is not None and design.stone.stock_number is not None:
        return price(design, table).total
    return _totals.get((id(table), design), lambda: (table, price(design, table).total))[1]


def _weighed(design: Design) -> Weighed:
    """What a quote needs of the design's build, remembered (the build itself may leave the geometry cache)."""
    return _builds.get(design, lambda: weighed(model_of(design)))


def _castable(design: Design) -> bool:
    """`castable(design)`, remembered for designs that differ only in what the workshop does not cast: their name and
    their stones' colour and clarity (a lower grade casts as the design did)."""
    doc = design.to_dict()
    doc.pop("name", None)
    for stone in (doc.get("stone"), (doc.get("side_stones") or {}).get("stone"),
                  ((doc.get("ring") or {}).get("eternity") or {}).get("stone")):
        for grade in ("color", "clarity"):
            (stone or {}).pop(grade, None)
    return _castings.get(json.dumps(doc, sort_keys=True), lambda: castable(design))


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
    lengths = lengths[_first_valid(design, lengths):]
    low = _last_fitting(design, lengths, budget, table)
    if low < 0:
        return None
    for index in range(low, max(-1, low - CASTABLE_STEPS), -1):  # the largest that fits and also casts
        smaller = _stone_of_length(design, lengths[index])
        if _castable(smaller):
            carat = price_carat(smaller)
            return Suggestion(f"smaller centre stone: {lengths[index]:.2f} mm ({words.carats(carat)})",
                              _total(smaller, table), smaller)
    return None


def _last_fitting(design: Design, lengths: list[float], budget: float, table: PriceTable) -> int:
    """The index of the longest of `lengths` (ascending, all shorter than the design's stone) at which the design fits
    the budget; -1 when none does. Price rises with size, so the answer lies between the longest known to fit and the
    shortest known not to (at first none, and the design's own length). Each length tried is built; they are tried
    where an estimate puts the budget: the design's own build with its centre and side stones' carats scaled by the
    cube of the length (a stone scaled in proportion), corrected by the last one built's total against its estimate
    (the head's metal shrinks with the stone, a halo's accents too). Usually two or three are built; after
    GUIDED_TRIES, halving the interval (as bisection would) bounds the rest."""
    build = _weighed(design)
    own = design.stone.length_mm

    @functools.cache
    def estimate(index: int) -> float:
        scale = (lengths[index] / own) ** 3
        weights = tuple(replace(weight, carat=weight.carat * scale) if weight.role in ("centre", "side") else weight
                        for weight in build.stones)
        return priced_by(_stone_of_length(design, lengths[index]), build, table, weights).total

    low, high = -1, len(lengths)  # lengths[low] fits (-1: none known to), lengths[high] does not (len: the design's)
    correction, tries = 1.0, 0  # the estimate at the design's own length is its price
    while high - low > 1:
        if tries < GUIDED_TRIES:  # the longest between that the corrected estimate fits, at least the next one up
            below, above = low + 1, high - 1
            while below < above:
                middle = (below + above + 1) // 2
                if estimate(middle) * correction <= budget:
                    below = middle
                else:
                    above = middle - 1
            index = below
        else:
            index = (low + high) // 2
        tries += 1
        total = _total(_stone_of_length(design, lengths[index]), table)
        correction = total / estimate(index)
        if total <= budget:
            low = index
        else:
            high = index
    return low


def _first_valid(design: Design, lengths: list[float]) -> int:
    """The index of the shortest of `lengths` (ascending) at which the design is still valid (a graduated row of side
    stones, following the centre down, refuses a smallest stone under its least), or len(lengths) if none is."""
    def valid(index: int) -> bool:
        try:
            _stone_of_length(design, lengths[index])
        except ConfiguratorError:
            return False
        return True

    low, high = 0, len(lengths)  # a larger centre keeps larger side stones: valid from some index on
    while low < high:
        middle = (low + high) // 2
        if valid(middle):
            high = middle
        else:
            low = middle + 1
    return low


def price_carat(design: Design) -> float:
    return next(part.carat for part in model_of(design).stone_parts if part.role == "centre")


def _first_fitting(candidates: list[tuple[str, Design]], budget: float, table: PriceTable) -> Suggestion | None:
    """Of candidates ordered best first, the first whose total fits (the closest to the budget)."""
    fitting = []
    for label, candidate in candidates:
        total = _total(candidate, table)
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
        total = price(candidate, table, stock).total if stock is not None else _total(candidate, table)
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
        total = _total(candidate, table)
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


def _changes(design: Design, budget: float, table: PriceTable, stock: LooseStone | None = None,
             selection: Sequence[StockStone] = ()) -> list[Suggestion]:
    """Each kind's changes that bring `design` within `budget`, in `fit`'s order; whether they cast is not yet judged
    (but a smaller stone's, which is the largest that casts)."""
    found = [
        smaller_stone(design, budget, table),
        lower_grade(design, budget, table, "color"),
        lower_grade(design, budget, table, "clarity"),
        *our_stones(design, budget, table, selection, stock),
        *other_stones(design, budget, table),
        *other_metals(design, budget, table, stock)[:3],
    ]
    return [suggestion for suggestion in found if suggestion is not None]


def fit(design: Design, budget: float, table: PriceTable | None = None, stock: LooseStone | None = None,
        selection: Sequence[StockStone] = ()) -> list[Suggestion]:
    """Changes that bring `design` within `budget`, each with its total, each a valid design the workshop can
    cast (a change that would not cast is left out); empty when the design already fits. A stone of the store's is
    priced from its record `stock`; the available stones of `selection` are proposed too."""
    table = table or current_price_table()
    if price(design, table, stock).total <= budget:
        return []
    return [suggestion for suggestion in _changes(design, budget, table, stock, selection)
            if _castable(suggestion.design)]


def _best_change(design: Design, budget: float, table: PriceTable) -> Suggestion | None:
    """The change of `fit`'s that a starting point takes: one that keeps the stone's grades (a smaller stone, another
    metal, another stone) where one brings `design` within the budget and casts, else a lower colour or clarity; of
    those, the one whose total comes closest to the budget. A client who starts from a budget is shown a smaller G
    stone before a 1 ct stone of colour T, which a store would not put in the window."""
    keeping = [smaller_stone(design, budget, table), *other_stones(design, budget, table),
               *other_metals(design, budget, table)[:3]]
    for kinds in (keeping, lambda: [lower_grade(design, budget, table, "color"),
                                    lower_grade(design, budget, table, "clarity")]):
        found = [suggestion for suggestion in (kinds if isinstance(kinds, list) else kinds()) if suggestion]
        for suggestion in sorted(found, key=lambda suggestion: -suggestion.total):
            if _castable(suggestion.design):
                return suggestion
    return None


def _start(name: str, design: Design, budget: float, table: PriceTable) -> Start | None:
    total = _total(design, table)
    if total <= budget:
        return Start(name, AS_IT_IS, total, design) if _castable(design) else None
    best = _best_change(design, budget, table)
    return Start(name, best.change, best.total, best.design) if best is not None else None


def starting_points(budget: float, presets: Mapping[str, Design], table: PriceTable | None = None,
                    most: int = STARTING_POINTS) -> list[Start]:
    """The presets within `budget`, each the closest to it that casts: as it is where it fits, else by the one change
    of `fit`'s that brings it closest (from the table alone: no stones of the store's), at most one a preset; the
    closest to the budget first (the presets' order where two come as close), at most `most`. Empty when no preset
    comes within it by any one change.

    Args:
        budget: the client's budget, in the table's currency.
        presets: the designs to start from, by the name a client sees (`presets.presets()`).
        table: the price table (the one in force by default).
        most: how many starting points at most.

    Remembered by budget, presets and table: the same budget again answers at once; another budget prices only what
    the first did not (each preset is built and checked once a process)."""
    table = table or current_price_table()
    key = (id(table), float(budget), tuple(presets.items()), most)

    def found() -> tuple[PriceTable, list[Start]]:
        starts = [start for name, design in presets.items()
                  if (start := _start(name, design, budget, table)) is not None]
        return table, sorted(starts, key=lambda start: budget - start.total)[:most]

    return list(_starts.get(key, found)[1])
