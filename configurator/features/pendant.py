"""A pendant: its plate, bail and clasp (cast with it, weighed in its metal) and its chain, bought by the length and
priced as its metal and the labour of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import catalogue
from ..catalogue import metal_grams
from ..design import Chain, Pendant
from .feature import Control, Feature, PriceContext, PriceLines, as_number

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    return design.pendant is not None


def example() -> dict:
    return {"piece": "pendant", "metal": "18k-rose",
            "pendant": {"outline": "teardrop", "size_mm": 18.0, "thickness_mm": 1.4, "bail": "fixed",
                        "clasp": "lobster", "chain": {"length_mm": 450}},
            "stone": {"shape": "pear", "material": "morganite", "length_mm": 9.0, "width_mm": 6.0, "color": "pink",
                      "clarity": "eye-clean"},
            "setting": {"style": "bezel"}}


def price(context: PriceContext) -> PriceLines:
    """The chain's metal (by default a cable chain of its length) and its labour by the metre."""
    from ..fittings import chain_volume_mm3 as cable_volume

    design, table = context.design, context.table
    metal, per_gram = catalogue.metal(design.metal), table.metal_per_gram[design.metal]
    length = design.pendant.chain.length_mm
    volume = cable_volume(length) if context.chain_volume_mm3 is None else context.chain_volume_mm3
    grams = metal_grams(volume, design.metal)
    client = f"Chain: cable, {length:.0f} mm, {grams:.2f} g of {metal.name}"
    return PriceLines(materials=(
        (f"chain: cable {length:.0f} mm, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram, "chain", client),
        (f"labour: chain, {length:.0f} mm at {table.labour.chain_per_metre:.2f}/m",
         length / 1000.0 * table.labour.chain_per_metre, "chain", client),
    ), grams={"chain_grams": grams})


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    pendant = design.pendant
    return [
        ["outline", f"{pendant.outline.value}, {pendant.size_mm:.1f} mm"],
        ["plate thickness", f"{pendant.thickness_mm:.2f} mm"],
        ["bail / clasp", f"{pendant.bail.value} / {pendant.clasp.value}"],
        ["chain", f"cable, {pendant.chain.length_mm:.0f} mm, {summary.chain.grams:.2f} g"],
    ]


CONTROLS = (
    Control("outline", "Outline", ("pendant", "outline")),
    Control("pendant_size", "Pendant length (mm)", ("pendant", "size_mm"), Pendant, as_number),
    Control("plate_thickness", "Plate thickness (mm)", ("pendant", "thickness_mm"), Pendant, as_number),
    Control("bail", "Bail", ("pendant", "bail")),
    Control("clasp", "Clasp", ("pendant", "clasp")),
    Control("chain_length", "Chain length (mm)", ("pendant", "chain", "length_mm"), Chain, as_number),
)

FEATURE = Feature("pendant", "pendant (plate, bail, clasp, chain)", present, example, price, dimensions, CONTROLS)
