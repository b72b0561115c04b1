"""Milgrain: beads along a band's edges or round a bezel's rim, priced by the beaded length and shown as laid out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import Feature, PriceContext, PriceLines

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    setting = design.effective_setting
    return (design.ring is not None and design.ring.milgrain is not None) or (
        setting is not None and setting.milgrain is not None)


def example() -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": 6.5}, "profile": "flat", "width_mm": 2.5, "thickness_mm": 1.8,
                     "milgrain": {"edges": "both", "bead_mm": 0.5}},
            "stone": {"shape": "round", "length_mm": 6.0, "color": "H", "clarity": "VS2"},
            "setting": {"style": "bezel", "milgrain": {"bead_mm": 0.5}}}


def price(context: PriceContext) -> PriceLines:
    """The beaded length as made (or its nominal length, without the geometry) at the table's rate a millimetre."""
    from ..milgrain import nominal_beaded_mm

    beaded = nominal_beaded_mm(context.design) if context.milgrain_mm is None else context.milgrain_mm
    rate = context.table.labour.milgrain_per_mm
    return PriceLines(labour=((f"labour: milgrain, {beaded:.0f} mm of beaded edge at {rate:.2f}/mm", beaded * rate,
                               "labour", context.workmanship),))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    """Each row of beads as the workshop finds it on the wax."""
    return [[f"milgrain, {row.where.removeprefix('the ')}",
             f"{row.count} beads of {row.bead_mm:.2f} mm, {row.spacing_mm:.2f} mm apart"] for row in model.beads]


FEATURE = Feature("milgrain", "milgrain", present, example, price, dimensions)
