"""The client's own metal, credited against the piece: its fine content at spot less refining, up to the piece's
price; what is left over is returned, or bought when the store's table says so."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from .. import catalogue
from ..design import Heirloom
from .feature import Control, Credit, Edit, Feature, PriceContext, PriceLines, as_number, switch

if TYPE_CHECKING:
    from ..design import Design
    from ..price_table import PriceTable


def present(design: Design) -> bool:
    return design.heirloom is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "UK", "value": "N"}, "profile": "half-round", "width_mm": 2.5,
                     "thickness_mm": 1.7},
            "heirloom": {"metal": "14k-yellow", "grams": 6.2}}


def heirloom_credit(design: Design, table: PriceTable, value: float) -> Credit:
    """The credit for the client's own metal (fine content x spot x refining rate), up to `value`, the piece's price
    before credits: the metal beyond that is returned to the client, or bought at the same rate on a line of its
    own when the store's table says `leftover_metal = "buy"`."""
    old = catalogue.metal(design.heirloom.metal)
    grams = design.heirloom.grams
    per_gram = old.purity * table.fine_metal_per_gram[old.element] * table.refining_rate  # of the client's alloy
    worth = grams * per_gram
    used = grams if worth <= value or per_gram == 0 else value / per_gram
    leftover = max(0.0, grams - used)
    spot = table.fine_metal_per_gram[old.element]
    rate = f"{table.refining_rate:.0%} of {spot:.2f}/g"
    lines = [(f"credit: client's {old.name}, {used:.2f} g ({used * old.purity:.2f} g fine {old.element}) at {rate}",
              -min(worth, value), f"Credit: your {old.name}, {used:.2f} g")]
    if leftover > 0.005:
        if table.leftover_metal == "buy":
            lines.append((f"bought: client's remaining {old.name}, {leftover:.2f} g at {rate}", -leftover * per_gram,
                          f"We buy your remaining {old.name}, {leftover:.2f} g"))
        else:
            lines.append((f"returned: client's remaining {old.name}, {leftover:.2f} g (more than the piece is worth)",
                          0.0, f"Returned to you: your remaining {old.name}, {leftover:.2f} g"))
    return Credit(tuple(lines), used, leftover)


def price(context: PriceContext) -> PriceLines:
    return PriceLines(credit=partial(heirloom_credit, context.design, context.table))


# No dimension rows: a credit, not a part of the piece (the store's sheet shows it among the price lines).
def _credit(edit: Edit) -> None:
    switch(edit.doc, "heirloom", edit, lambda: {"metal": "14k-yellow", "grams": 5.0})


CONTROLS = (
    Control("heirloom_on", "Credit the client's own metal", does=_credit),
    Control("heirloom_metal", "Their metal", ("heirloom", "metal")),
    Control("heirloom_grams", "Weight (g)", ("heirloom", "grams"), Heirloom, as_number),
)

FEATURE = Feature("heirloom", "heirloom credit", present, example, price, controls=CONTROLS)
