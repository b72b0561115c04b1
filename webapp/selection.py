"""The store's stones as the client browses them, free of Streamlit: the selection's table (pandas), its filters and
its sort orders, and the words that describe a chosen stone.

Grades sort by their scale, not their letters: D before E, FL before IF before VVS1, Excellent before Very Good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from configurator import catalogue
from configurator.design import DIAMOND_CLARITIES, DIAMOND_COLORS, STONE_CLARITIES
from configurator.inventory import CUT_GRADES, LooseStone, PricedStone, StockStone

# The price beside the carat: on a phone the first few columns are what shows without scrolling sideways.
COLUMNS = ["Stock", "Shape", "Carat", "Price", "Colour", "Clarity", "Cut grade", "Report", "Measurements", "Material"]
# How the client can order the table: label -> (column, ascending).
SORTS = {
    "price, lowest first": ("Price", True),
    "price, highest first": ("Price", False),
    "carat, largest first": ("Carat", False),
    "carat, smallest first": ("Carat", True),
    "colour, best first": ("_colour", True),
    "clarity, best first": ("_clarity", True),
    "cut grade, best first": ("_cut", True),
    "shape": ("Shape", True),
}


def colour_rank(colour: str) -> int:
    """D-Z first, in order; a coloured stone's colour after them."""
    return DIAMOND_COLORS.index(colour) if colour in DIAMOND_COLORS else len(DIAMOND_COLORS)


def clarity_rank(clarity: str) -> int:
    """FL-I3 in order, then eye-clean, slightly included, included."""
    scale = DIAMOND_CLARITIES + STONE_CLARITIES
    return scale.index(clarity) if clarity in scale else len(scale)


def cut_rank(grade: str | None) -> int:
    return CUT_GRADES.index(grade) if grade in CUT_GRADES else len(CUT_GRADES)


def frame(rows: Iterable[PricedStone], markup: float = 1.0) -> pd.DataFrame:
    """One row a stone, with hidden rank columns (`_colour`, `_clarity`, `_cut`) for sorting by grade. The price is
    what the client pays for the stone: its own (or the grid's) price with the store's `markup`, as on her stone's
    line of the quote."""
    records = []
    for row in rows:
        stone = row.record.stone
        records.append({
            "Stock": stone.stock_number, "Shape": stone.shape.value, "Carat": stone.carat, "Colour": stone.color,
            "Clarity": stone.clarity, "Cut grade": stone.cut_grade.value if stone.cut_grade else "",
            "Material": catalogue.gemstone(stone.material).name, "Measurements": stone.measurements,
            "Report": stone.report or "", "Price": client_price(row.price, markup),
            "_colour": colour_rank(stone.color), "_clarity": clarity_rank(stone.clarity),
            "_cut": cut_rank(stone.cut_grade.value if stone.cut_grade else None),
        })
    return pd.DataFrame(records, columns=[*COLUMNS, "_colour", "_clarity", "_cut"])


@dataclass(frozen=True)
class Choice:
    """What the client narrowed the selection to (empty: anything)."""

    shapes: Sequence[str] = ()
    carat: tuple[float, float] | None = None
    colours: Sequence[str] = ()
    clarities: Sequence[str] = ()
    cut_grades: Sequence[str] = ()
    price_max: float | None = None
    sort: str = "price, lowest first"
    materials: Sequence[str] = field(default_factory=tuple)


def narrowed(table: pd.DataFrame, choice: Choice) -> pd.DataFrame:
    """The rows of `table` that match `choice`, in its order; the hidden rank columns dropped."""
    keep = pd.Series(True, index=table.index)
    if choice.shapes:
        keep &= table["Shape"].isin(list(choice.shapes))
    if choice.materials:
        keep &= table["Material"].isin(list(choice.materials))
    if choice.carat is not None:
        low, high = choice.carat
        keep &= table["Carat"].between(low - 1e-9, high + 1e-9)
    if choice.colours:
        keep &= table["Colour"].isin(list(choice.colours))
    if choice.clarities:
        keep &= table["Clarity"].isin(list(choice.clarities))
    if choice.cut_grades:
        keep &= table["Cut grade"].isin(list(choice.cut_grades))
    if choice.price_max is not None:
        keep &= table["Price"] <= choice.price_max + 1e-9
    column, ascending = SORTS[choice.sort]
    result = table[keep].sort_values([column, "Stock"], ascending=[ascending, True], kind="stable")
    return result[COLUMNS].reset_index(drop=True)


def client_price(price: float, markup: float) -> float:
    """A stone's price as the client pays it: the store's price for it with the markup, to the cent."""
    return round(price * markup, 2)


def materials(table: pd.DataFrame) -> list[str]:
    """The materials in the selection, natural diamond first, then by name."""
    names = set(table["Material"])
    first = catalogue.gemstone("diamond").name
    return sorted(names, key=lambda name: (name != first, name))


def colours_of(table: pd.DataFrame, chosen_materials: Sequence[str]) -> list[str]:
    """The colours a filter offers: those of the chosen materials' stones (all stones' when none is chosen), in
    their scale's order; diamond grades and coloured stones' colours are not mixed unless both are chosen."""
    rows = table if not chosen_materials else table[table["Material"].isin(list(chosen_materials))]
    return ordered(rows["Colour"], colour_rank)


def ordered(values: Iterable[str], rank) -> list[str]:
    """The distinct `values` in their scale's order (a filter's options)."""
    return sorted(set(values), key=lambda value: (rank(value), value))


def details(record: StockStone, price: float, from_grid: bool, currency: str,
            store: bool = False) -> list[tuple[str, str]]:
    """The chosen stone as a small table of (what, value); `price` is the client's (see `client_price`); staff
    (`store`) also read whether it is the stone's own price or the grid's."""
    stone: LooseStone = record.stone
    grading = ", ".join(f"{word} {value.value}" for word, value in (
        ("cut", stone.cut_grade), ("polish", stone.polish), ("symmetry", stone.symmetry),
        ("fluorescence", stone.fluorescence)) if value is not None)
    rows = [("Stone", f"{stone.stock_number}: {stone.carat:.2f} ct {stone.shape.value} {stone.cut.value} "
                      f"{catalogue.gemstone(stone.material).name}"),
            ("Colour, clarity", f"{stone.color}, {stone.clarity}"),
            ("Measurements", stone.measurements)]
    if grading:
        rows.append(("Grading", grading))
    rows.append(("Report", stone.report or "none"))
    basis = ""
    if store:
        basis = " (the grid's price at its carat and grades)" if from_grid else " (its own price)"
    rows.append(("Price", f"{currency} {price:,.2f}{basis}"))
    return rows
