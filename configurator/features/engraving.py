"""Engraving: letters cut into the metal (or engraved by hand after casting), priced by the character and judged on
the text's outline at its size: its strokes, the gaps between them, and the metal left under the cut."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .. import words
from ..design import ENGRAVING_DEPTH_MM, ENGRAVING_HEIGHT_MM, Design, Engraving, Font, Piece
from ..edits import changed
from ..engraving import (
    BOLDEST_FIRST,
    LEAST_WIDTH_MM,
    band_faces,
    fineness,
    least_height_mm,
    lettering,
    metal_under_mm,
    pendant_spot,
    refusal,
)
from ..errors import DesignError
from ..findings import TOLERANCE_MM, Changes, Finding, Severity, rounded_up, thicker_band
from .feature import CheckContext, Control, Edit, Feature, PriceContext, PriceLines, Said

if TYPE_CHECKING:
    from ..geometry import Model
    from ..summary import QuoteSummary
    from ..walls import Scan


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


FINE_LETTER_KINDS = ("engraving-stroke", "engraving-gap")  # letters too fine to cast: strokes, or gaps between


def castable_changes(design: Design) -> list[Changes]:
    """The ways to make `design`'s engraving cast, each a change of the document that still reads (the text still
    fits the band or the plate): its letters at the least height that casts in its font, then each bolder font at the
    least height that casts in it (no lower than the letters are); none when neither fits."""
    engraving = design.engraving
    ways = []
    bolder = BOLDEST_FIRST[:BOLDEST_FIRST.index(engraving.font)] if engraving.font in BOLDEST_FIRST else ()
    for font in (engraving.font, *bolder):
        height = least_height_mm(engraving.text, font, engraving.height_mm)
        if height is None:
            continue
        changes = (() if font is engraving.font else (("engraving.font", font.value),)) + (
            (("engraving.height_mm", height),) if height != engraving.height_mm else ())
        try:  # the changed letters must still read: the schema's limits, and the text on the band or plate
            trial = Design.model_validate(changed(design, dict(changes)))
        except (DesignError, ValueError):
            continue
        if refusal(trial):
            continue
        ways.append(changes)
    return ways


def castable_letters(design: Design) -> list[tuple[str, Changes]]:
    """The ways to make `design`'s engraving cast, each in words and as changes of the document: the least letter
    height that casts in its font, then a bolder font at the least height that casts in it (each found by measuring,
    and only where the band or the plate still takes the text); where none does, engraving the letters by hand after
    casting, the only one."""
    ways = castable_changes(design) or [(("engraving.cut", False),)]
    return [(words.changes(changes), changes) for changes in ways]


def findings(context: CheckContext) -> list[Finding]:
    """An engraving cut into the metal, measured on its outline at its size (`engraving.fineness`): its thinnest stroke
    and its narrowest gap between strokes against the least that casts (PRODUCT.md: 0.3-0.35 mm; under
    engraving.LEAST_WIDTH_MM the export is held back), and the metal left under the cut against the shank (a ring's)
    or the plate's wall (a pendant's). Strokes and gaps grow with the letters: the fix is the least height that casts,
    a bolder font, or engraving by hand."""
    design, model, metal = context.design, context.model, context.metal
    engraving = design.engraving
    if not engraving.cut:
        return []
    found: list[Finding] = []
    fine = fineness(engraving)
    least = LEAST_WIDTH_MM
    under_limit = [(width, char, what, kind) for width, char, what, kind in (
        (fine.stroke_mm, fine.stroke_char, "strokes", FINE_LETTER_KINDS[0]),
        (fine.gap_mm, fine.gap_char, "gaps between strokes", FINE_LETTER_KINDS[1])) if width < least - TOLERANCE_MM]
    if under_limit:
        ways = castable_letters(design)
        said = f"{ways[0][0]}, the least that casts" if ways[0][1][-1][0] == "engraving.height_mm" else ways[0][0]
        if ways[0][1] == (("engraving.cut", False),):
            piece = "band" if design.piece is Piece.RING else "pendant"
            bolder = "" if engraving.font is BOLDEST_FIRST[0] else " or a bolder one"
            said = (f"no letters this {piece} takes cast in the {engraving.font.value} font{bolder}: {ways[0][0]} "
                    f"(or choose a {'wider band' if piece == 'band' else 'larger pendant'})")
        elif len(ways) > 1:
            said += f" (or {' or '.join(way for way, _ in ways[1:])})"
        width, char, what, kind = min(under_limit)
        measured = " and ".join(f"its {item[2]} {item[0]:.2f} mm wide" for item in under_limit)
        found.append(Finding(Severity.BLOCKING, "engraving.height_mm", width, least,
                             f"the engraving is too fine to cast and keep through polishing: in {engraving.height_mm:g} "
                             f"mm {engraving.font.value} letters {measured} (finest at {char!r})", said,
                             ways[0][1], "the engraving", kind=kind))
    if model.band is not None:
        under, limit = metal_under_mm(design, band_faces(model.band.section.points)), metal.min_shank_mm
        thicker = thicker_band(design.ring, design.ring.thickness_mm + limit - under)
    else:
        under, limit = metal_under_mm(design), metal.min_wall_mm
        thicker = (("pendant.thickness_mm", min(rounded_up(design.pendant.thickness_mm + limit - under, 0.05), 5.0)),)
    if under < limit - TOLERANCE_MM:
        shallower = math.floor((engraving.depth_mm - (limit - under)) * 100 + 1e-6) / 100
        changes = (("engraving.depth_mm", shallower),) if shallower >= ENGRAVING_DEPTH_MM[0] - 1e-9 else thicker
        what = "a ring's shank" if model.band is not None else "a plate"
        found.append(Finding(Severity.WARNING, changes[0][0], under, limit,
                             f"the engraving leaves {under:.2f} mm of metal under its letters, thin for {what} in "
                             f"{metal.name}", words.changes(changes), changes,
                             "under the engraving", kind="engraving-under"))
    return found




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

def client_rows(design: Design, summary: QuoteSummary) -> list[list[str]]:
    return [["engraving", Said(design.engraving.text)]]


ENGRAVING_REACH_MM = 0.3  # faces this near the engraving's letters belong to it (its walls, floor and the metal over it)


def apart(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """Faces of the engraving and of the metal straight over it (through the band, or the plate): the letters' walls
    face each other across strokes narrower than any gap the investment needs, and the metal left under the cut is
    measured from the text's own figures (`findings` here)."""
    engraving = design.engraving
    centres = walls.centres
    if engraving is None or not engraving.cut:
        return np.zeros(len(centres), dtype=bool)
    letters = lettering(engraving, 0.02)
    half_length = letters.length_mm / 2 + ENGRAVING_REACH_MM
    half_extent = letters.extent_mm / 2 + ENGRAVING_REACH_MM
    if model.band is not None:
        radius = band_faces(model.band.section.points).radius(engraving.place)
        turn = np.arctan2(centres[:, 0], centres[:, 2]) - math.radians(engraving.position_deg)
        along = ((turn + math.pi) % (2 * math.pi) - math.pi) * radius
        return (np.abs(along) <= half_length) & (np.abs(centres[:, 1]) <= half_extent)
    spot = pendant_spot(design, letters.extent_mm)
    return ((np.abs(centres[:, 0] - spot.x) <= half_length) & (np.abs(centres[:, 1] - spot.y) <= half_extent)
            & (centres[:, 2] <= model.plate.thickness + 0.05))


FEATURE = Feature("engraving", "engraving", present, example, price, dimensions, findings=findings, controls=CONTROLS,
                  fit=refusal, client_rows=client_rows, apart=apart)
