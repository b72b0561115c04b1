"""A tapered shank: narrower or thinner at the back. It adds no line to the quote (its metal is weighed as built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design import TAPER_NARROWEST_MM, TAPER_THINNEST_MM, Taper
from ..findings import Fix, Round, steps
from .feature import Control, Edit, Feature, switch
from .milgrain import fit_band

if TYPE_CHECKING:
    from ..design import Design
    from ..findings import Finding
    from ..geometry import Model
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    return design.ring is not None and design.ring.taper is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-white",
            "ring": {"size": {"system": "US", "value": 6}, "profile": "comfort", "width_mm": 2.5, "thickness_mm": 1.8,
                     "taper": {"width_back_mm": 1.8, "thickness_back_mm": 1.5}},
            "stone": {"shape": "round", "length_mm": 6.5, "color": "G", "clarity": "VS1"},
            "setting": {"style": "prong", "prongs": 4}}


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    ring = design.ring
    return [["at the back (tapered)", f"{ring.width_back_mm:.2f} x {ring.thickness_back_mm:.2f} mm"]]


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """Bigger steps of a thicker back (the band's top raised with it where the back would pass it). Its findings are
    the band's: the check measures the shank where it is thinnest, at a taper's back."""
    own = dict(finding.changes)
    if "ring.taper.thickness_back_mm" not in own:
        return []
    return [Fix(Round.BIGGER, (*((("ring.thickness_mm", value),) if value > design.ring.thickness_mm else ()),
                               ("ring.taper.thickness_back_mm", value)))
            for ((_, value),) in steps("ring.taper.thickness_back_mm", own["ring.taper.thickness_back_mm"],
                                       (0.1, 0.2, 0.4), 4.0)]




# A new taper narrows the band as the trade's usual one does: 2.5 mm at the head to 1.8 mm at the back (PRODUCT.md).
TAPER_WIDTH_SHARE = 1.8 / 2.5


def _new_taper(ring: dict) -> dict:
    """A taper for a band just given one: the trade's usual narrowing (2.5 to 1.8 mm), or, on a band too narrow for
    it, a back a little thinner than the top."""
    width, thickness = float(ring["width_mm"]), float(ring["thickness_mm"])
    narrower = max(TAPER_NARROWEST_MM, round(width * TAPER_WIDTH_SHARE, 1))
    if narrower < width - 1e-9:
        return {"width_back_mm": narrower}
    return {"thickness_back_mm": max(TAPER_THINNEST_MM, round(thickness - 0.2, 2))}


def _taper(edit: Edit) -> None:
    ring = edit.doc["ring"]
    switch(ring, "taper", edit, lambda: _new_taper(ring))


def _fit_ring(doc: dict) -> None:
    fit_band(doc["ring"])


CONTROLS = (
    Control("taper_on", "Tapered shank", does=_taper, then=_fit_ring),
    Control("taper_width", "Width at the back (mm)", ("ring", "taper", "width_back_mm"), Taper, float, _fit_ring),
    Control("taper_thickness", "Thickness at the back (mm)", ("ring", "taper", "thickness_back_mm"), Taper, float,
            _fit_ring),
)

FEATURE = Feature("taper", "tapered shank", present, example, dimensions=dimensions, fixes=fixes, controls=CONTROLS)
