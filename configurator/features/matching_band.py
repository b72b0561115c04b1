"""A ring's matching band: cast in the ring's alloy, its top contoured to the ring or straight, and priced with the
ring as a set: its own metal, casting, finishing, the contour's fitting and its own markup, after the ring's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import catalogue
from ..bands import build_band
from ..catalogue import metal_grams
from ..design import MatchingBand
from ..solids import EXPORT
from .feature import BandMetal, Control, Edit, Feature, PriceContext, PriceLines, SetPart, switch

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary




def present(design: Design) -> bool:
    return design.matching_band is not None


def example() -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": 6}, "profile": "comfort", "width_mm": 2.4,
                     "thickness_mm": 1.8},
            "stone": {"shape": "oval", "length_mm": 7.0, "color": "G", "clarity": "VS2"},
            "setting": {"style": "prong", "prongs": 4},
            "matching_band": {"profile": "comfort", "width_mm": 2.2, "thickness_mm": 2.2, "clearance_mm": 0.25,
                              "side": "below"}}


def plain_band_metal(design: Design) -> BandMetal:
    """A design's matching band before it is fitted to the ring: the plain band's metal (for a design whose geometry
    has not been built; the contour takes a few mm3 at most off it)."""
    band = build_band(design.matching_band.as_ring(design.ring), EXPORT)
    return BandMetal(float(band.solid.volume()), False)


def price(context: PriceContext) -> PriceLines:
    """The band's lines (each rounded, its markup last), its catalogue price and its grams."""
    design, table = context.design, context.table
    band = context.band or plain_band_metal(design)
    metal = catalogue.metal(design.metal)  # cast in the ring's alloy
    grams = metal_grams(band.volume_mm3, design.metal)
    per_gram = table.metal_per_gram[design.metal]
    client_metal = f"Matching band: {metal.name}, {grams:.2f} g"
    workmanship = "Matching band workmanship: casting, finishing" + (" and fitting to the ring" if band.contoured else "")
    lines = [
        (f"matching band metal: {metal.name}, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram, "metal",
         client_metal),
        (f"matching band sprue allowance: {table.sprue_allowance:.0%} extra metal for casting",
         grams * table.sprue_allowance * per_gram, "metal", client_metal),
        ("matching band labour: casting", table.labour.casting, "labour", workmanship),
        ("matching band labour: finishing", table.labour.finishing, "labour", workmanship),
    ]
    if band.contoured:  # the contour is designed to the ring
        lines.append(("matching band labour: contour fitted to the ring", table.labour.design, "labour", workmanship))
    rounded = [(item, round(amount, 2) + 0.0, kind, client) for item, amount, kind, client in lines]
    subtotal = sum(amount for _, amount, _, _ in rounded)
    rounded.append((f"matching band markup x{table.markup:g}", round(subtotal * (table.markup - 1), 2), "markup",
                    workmanship))
    materials = grams * (1 + table.sprue_allowance) * per_gram
    catalogue_cost = (materials + table.labour.catalogue_casting + table.labour.catalogue_finishing) \
        * table.catalogue_markup
    return PriceLines(part=SetPart("band", tuple(rounded), catalogue_cost), grams={"band_grams": grams})


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    band = summary.matching_band
    return [["matching band", f"{band.profile}, {band.width_mm:.2f} x {band.thickness_mm:.2f} mm"],
            ["its fit to the ring", f"{'contoured' if band.contoured else 'straight'}, "
                                    f"{band.clearance_mm:.2f} mm clear"],
            ["its place (same size and axis)", f"{band.side}, centres {abs(band.offset_mm):.2f} mm apart"],
            ["matching band metal", f"{band.metal_volume_mm3:.1f} mm3, {band.metal_grams:.2f} g"]]


def _band(edit: Edit) -> None:
    ring = edit.doc["ring"]  # a new band matches the ring's own: its profile, width and thickness
    switch(edit.doc, "matching_band", edit, lambda: {
        "profile": ring["profile"], "width_mm": float(ring["width_mm"]), "thickness_mm": float(ring["thickness_mm"])})


CONTROLS = (
    Control("band_on", "Matching band", does=_band),
    Control("band_profile", "Matching band profile", ("matching_band", "profile")),
    Control("band_side", "Worn", ("matching_band", "side")),
    Control("band_width", "Matching band width (mm)", ("matching_band", "width_mm"), MatchingBand, float),
    Control("band_thickness", "Matching band thickness (mm)", ("matching_band", "thickness_mm"), MatchingBand, float),
    Control("band_clearance", "Clearance from the ring (mm)", ("matching_band", "clearance_mm"), MatchingBand, float),
)

FEATURE = Feature("matching_band", "matching band", present, example, price, dimensions, CONTROLS)
