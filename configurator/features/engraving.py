"""Engraving: letters cut into the metal (or engraved by hand after casting), priced by the character."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .feature import Feature, PriceContext, PriceLines

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    return design.engraving is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "US", "value": 7.0}, "profile": "comfort", "width_mm": 4.0,
                     "thickness_mm": 1.8},
            "engraving": {"text": "J & E 2022", "cut": True, "font": "sans", "place": "inside", "height_mm": 2.1,
                          "depth_mm": 0.2, "position_deg": 180.0}}


def price(context: PriceContext) -> PriceLines:
    count = context.design.engraving.characters
    return PriceLines(custom=((f"labour: engraving {count} characters",
                               count * context.table.labour.engraving_per_character, "engraving",
                               f"Engraving: {count} characters"),))


def dimensions(design: Design, model: Model | None = None, summary: QuoteSummary | None = None) -> list[list[str]]:
    """The engraving's text and how it is made: font, letter height and depth, and place; or by hand."""
    engraving = design.engraving
    rows = [["engraving", engraving.text]]
    if not engraving.cut:
        return rows + [["engraving letters", "by hand after casting"]]
    rows.append(["engraving letters", f"{engraving.font.value}, {engraving.height_mm:.2f} mm high, "
                                      f"{engraving.depth_mm:.2f} mm deep"])
    if design.ring is None:
        return rows + [["engraving place", "the back, reading from behind"]]
    bottom = " (the bottom)" if abs(engraving.position_deg - 180.0) < 1e-9 else ""
    return rows + [["engraving place", f"{engraving.place.value}, {engraving.position_deg:g} degrees from the top"
                                       f"{bottom}"]]


FEATURE = Feature("engraving", "engraving", present, example, price, dimensions)
