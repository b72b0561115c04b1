"""The caster's figures of a built design: each part cast (its wax volume at nominal size and scaled for the metal's
shrinkage) or bought, what it weighs in the design's alloy, and the metal to melt.

The wax pattern is scaled by 1 / (1 - s) for a linear shrinkage s, so its volume by the cube of that; the metal
weighs the nominal volume x the alloy's density (the quote's weight: a pendant's clasp and jump ring are cast with
it). The metal to melt is that and the sprue and button of one casting (`PriceTable.sprue_button_mm3`, a volume
weighed in the alloy), PRODUCT.md's "metal to melt"; the quote's "+10 %" is a price allowance, not this figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import catalogue
from .catalogue import metal_grams
from .export import shrinkage_scale
from .fittings import chain_volume_mm3
from .price_table import current_price_table

if TYPE_CHECKING:
    from .geometry import Model
    from .price_table import PriceTable


@dataclass(frozen=True)
class Part:
    """A part of the design as the caster or the store gets it: cast from a wax (its volume, mm3) or bought ready
    (a chain: drawn wire, no wax); its weight in the design's alloy, g."""

    name: str
    cast: bool
    volume_mm3: float
    grams: float


@dataclass(frozen=True)
class Casting:
    """A design's casting in its alloy: the parts, the wax's scale for shrinkage and the metal to melt."""

    metal: str
    shrinkage_pct: float
    scale: float  # the wax pattern's linear scale, 1 / (1 - s)
    parts: tuple[Part, ...]
    sprue_button_mm3: float

    @property
    def cast(self) -> tuple[Part, ...]:
        return tuple(part for part in self.parts if part.cast)

    @property
    def wax_mm3(self) -> float:
        """The wax patterns' volume at nominal size (the metal's volume)."""
        return sum(part.volume_mm3 for part in self.cast)

    @property
    def scaled_wax_mm3(self) -> float:
        """The wax patterns' volume as printed, scaled for shrinkage: nominal x scale cubed."""
        return self.wax_mm3 * self.scale**3

    @property
    def grams(self) -> float:
        """The cast metal's weight: nominal volume x density (the quote's, with a matching band's)."""
        return metal_grams(self.wax_mm3, self.metal)

    @property
    def sprue_button_grams(self) -> float:
        return metal_grams(self.sprue_button_mm3, self.metal)

    @property
    def to_melt_grams(self) -> float:
        """The metal to melt: the cast parts and one casting's sprue and button."""
        return self.grams + self.sprue_button_grams


def casting_of(model: Model, table: PriceTable | None = None, metal: str | None = None) -> Casting:
    """The casting of `model`'s design in its alloy (or `metal`), the sprue and button by `table` (the one in force)."""
    table = table or current_price_table()
    design = model.design
    metal = metal or design.metal
    alloy = catalogue.metal(metal)
    piece = "ring" if design.ring is not None else "pendant (plate, fixed bail and setting)" \
        if design.pendant.bail.value == "fixed" else "pendant (plate and setting)"
    parts = [Part(piece, True, model.metal_volume_mm3, metal_grams(model.metal_volume_mm3, metal))]
    for name, part in model.fitting_parts.items():
        label = {"bail": "hinged bail's loop", "jump-ring": "jump ring",
                 "clasp": f"{design.pendant.clasp.value.replace('-', ' ')} clasp"}.get(name, name.replace("-", " "))
        parts.append(Part(label, True, part.volume_mm3, metal_grams(part.volume_mm3, metal)))
    if model.matching is not None:
        parts.append(Part("matching band", True, model.matching.volume_mm3,
                          metal_grams(model.matching.volume_mm3, metal)))
    if design.pendant is not None:
        length = design.pendant.chain.length_mm
        volume = chain_volume_mm3(length)
        parts.append(Part(f"chain, cable {length:.0f} mm", False, volume, metal_grams(volume, metal)))
    return Casting(metal, alloy.shrinkage_pct, shrinkage_scale(alloy.shrinkage_pct), tuple(parts),
                   table.sprue_button_mm3)
