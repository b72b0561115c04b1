"""Engraving: letters cut into the metal (or engraved by hand after casting), priced by the character."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design import ENGRAVING_HEIGHT_MM, Engraving, Font
from ..engraving import least_height_mm
from .feature import Control, Edit, Feature, PriceContext, PriceLines

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


def _castable_height(engraving: dict) -> None:
    """A text cut at no height of the person's choosing is cut at the least height whose strokes and gaps cast in its
    font (the document's 1.5 mm is the trade's least letter; a bold sans needs a little more to cast)."""
    if engraving.get("height_mm") is not None or not engraving.get("cut", True):
        return
    least = least_height_mm(engraving["text"], Font(engraving.get("font", Font.SANS.value)))
    if least is not None and least > ENGRAVING_HEIGHT_MM[0]:
        engraving["height_mm"] = least


def _text(edit: Edit) -> None:
    """A new text is cut into the metal; a changed one keeps its font, place and size (and what the person chose for
    a text not yet accepted: cut or by hand, the font...). No text: the engraving waits aside."""
    doc, text = edit.doc, str(edit.value or "").strip()
    if text:
        doc["engraving"] = {"cut": True, **(doc.get("engraving") or edit.parked.pop("engraving", None) or {}),
                            **edit.ui.pop("engraving_draft", {}), "text": text}
        _castable_height(doc["engraving"])
    elif doc.get("engraving"):
        edit.parked["engraving"] = doc.pop("engraving")


CONTROLS = (
    Control("engraving", "Engraving", does=_text),
    Control("engraving_cut", "Cut into the metal", ("engraving", "cut")),
    Control("engraving_font", "Font", ("engraving", "font")),
    Control("engraving_place", "Place", ("engraving", "place")),
    Control("engraving_height", "Letter height (mm)", ("engraving", "height_mm"), Engraving, float),
    Control("engraving_depth", "Depth (mm)", ("engraving", "depth_mm"), Engraving, float),
)

FEATURE = Feature("engraving", "engraving", present, example, price, dimensions, CONTROLS)
