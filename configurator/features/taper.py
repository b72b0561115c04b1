"""A tapered shank: narrower or thinner at the back. It adds no line to the quote (its metal is weighed as built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .feature import Feature

if TYPE_CHECKING:
    from ..design import Design
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


FEATURE = Feature("taper", "tapered shank", present, example, dimensions=dimensions)
