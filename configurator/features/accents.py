"""Accent stones: the small round stones a setting style adds (a halo, pavé, a channel along the shoulders, or round
a pendant's plate), priced by the carat at the melee rate and set at the style's rate each (`styles`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import catalogue, words
from ..styles import style_of
from .feature import Feature, PriceContext, PriceLines

if TYPE_CHECKING:
    from ..design import Design


def present(design: Design) -> bool:
    setting = design.effective_setting
    return setting is not None and style_of(setting.style).accent_labour is not None


def example() -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": 6}, "profile": "comfort", "width_mm": 2.2,
                     "thickness_mm": 1.7},
            "stone": {"shape": "cushion", "length_mm": 6.0, "color": "F", "clarity": "VS1"},
            "setting": {"style": "halo", "prongs": 4}}


def price(context: PriceContext) -> PriceLines:
    """Each size of accent at the melee rate, and the setting of them at the style's accent rate."""
    table, style = context.table, context.design.effective_setting.style
    materials, labour = [], []
    for weight in context.weights("accent"):
        name = catalogue.gemstone(weight.material).name
        materials.append((f"accent stones: {weight.count} round {name}, {words.carats(weight.carat)} in all",
                          weight.carat * table.melee_per_carat, "stone",
                          f"Accent stones: {weight.count} round {name}, {words.carats(weight.carat)} in all"))
        rate = getattr(table.labour.accent, style_of(style).accent_labour)
        labour.append((f"labour: setting {weight.count} accent stones ({style.value})", rate * weight.count, "labour",
                       context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


# No dimension rows: the setting's row is the centre stone's, and the accents are in the gem table.
FEATURE = Feature("accents", "accent stones (halo, pavé, channel)", present, example, price)
