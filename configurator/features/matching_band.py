"""A ring's matching band: cast in the ring's alloy, its top contoured to the ring or straight, and priced with the
ring as a set: its own metal, casting, finishing, the contour's fitting and its own markup, after the ring's. The check
judges it as a band of its own (one body, its shank, edges and width), by the metal its contour leaves under the ring's
head, and by the clearance it keeps from the ring (measured on the solids)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import catalogue, words
from ..bands import build_band
from ..catalogue import metal_grams
from ..design import BandSide, MatchingBand
from ..findings import (
    MIN_DETAIL_MM,
    TOLERANCE_MM,
    Changes,
    Finding,
    Fix,
    Round,
    Severity,
    rounded_up,
    steps,
)
from ..matching import measured_gap
from ..solids import EXPORT
from ..summary import MatchingBandSummary
from .feature import (
    BandMetal,
    CheckContext,
    Control,
    Edit,
    Feature,
    PriceContext,
    PriceLines,
    SetPart,
    SummaryContext,
    Summed,
    switch,
)

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary

# A matching band closer to the ring than its clearance by more than this is a fault of the build, not of rounding
# (the contour's kernel and a file's cleaning move surfaces by hundredths at most).
CLEARANCE_TOLERANCE_MM = 0.05


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
    per_gram = table.per_gram(design.metal)
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


def glance(design: Design, summary: QuoteSummary) -> list[list[str]]:
    band = summary.matching_band
    return [["matching band", f"{band.profile}, {band.width_mm:.2f} x {band.thickness_mm:.2f} mm; "
                              f"{'contoured' if band.contoured else 'straight'}, {band.clearance_mm:.2f} mm "
                              f"clear; {band.metal_grams:.2f} g"]]


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    band = summary.matching_band
    return [["matching band", f"{band.profile}, {band.width_mm:.2f} x {band.thickness_mm:.2f} mm"],
            ["its fit to the ring", f"{'contoured' if band.contoured else 'straight'}, "
                                    f"{band.clearance_mm:.2f} mm clear"],
            ["its place (same size and axis)", f"{band.side}, centres {abs(band.offset_mm):.2f} mm apart"],
            ["matching band metal", f"{band.metal_volume_mm3:.1f} mm3, {band.metal_grams:.2f} g"]]


def findings(context: CheckContext) -> list[Finding]:
    """A ring's matching band: one body; its shank measured on its mesh as the ring's is, its edges and width; the
    metal its contour leaves under the ring's head across the middle of its width (at least the alloy's wall, or it
    blocks; under the shank minimum, a warning); and the clearance it keeps from the ring, measured."""
    design, model, metal = context.design, context.model, context.metal
    part = model.matching
    if part is None:
        return []
    spec, fit = design.matching_band, part.fit
    found: list[Finding] = []
    if part.body_count > 1:
        found.append(Finding(Severity.BLOCKING, "matching_band", 0.0, 0.0,
                             f"the contour under the ring's head cuts the matching band into {part.body_count} pieces",
                             "wear the band on the ring's other side, or raise the ring's head on a thicker band; the "
                             "fix tries them", (), "the matching band", kind="matching-pieces"))
    from ..walls import scan  # ray casting: only where the band is measured, never to price it

    walls = scan(part.mesh)
    middle = np.abs(walls.centres[:, 1] - fit.offset_mm) <= spec.width_mm / 4
    shank, _ = walls.thinnest(middle & (walls.centres[:, 2] < 0))
    if not np.isfinite(shank):
        shank = fit.band.section.min_wall_mm
    field = "matching_band.thickness_mm"
    top = MatchingBand.model_fields["thickness_mm"].metadata
    thickest = next((item.le for item in top if getattr(item, "le", None) is not None), 4.0)
    if shank < metal.min_shank_mm - TOLERANCE_MM:
        wanted = max(spec.thickness_mm + metal.min_shank_mm - shank, spec.thickness_mm * metal.min_shank_mm / shank)
        changes = ((field, min(rounded_up(wanted, 0.05), thickest)),)
        found.append(Finding(Severity.BLOCKING, field, shank, metal.min_shank_mm,
                             f"the matching band's shank measures {shank:.2f} mm, too thin for a {metal.name} shank",
                             words.changes(changes), changes,
                             "the bottom of the matching band", kind="matching-shank"))
    section = fit.band.section
    if section.edge_mm < MIN_DETAIL_MM - TOLERANCE_MM:
        changes = ((field, min(rounded_up(spec.thickness_mm * MIN_DETAIL_MM / section.edge_mm, 0.05), thickest)),)
        found.append(Finding(Severity.WARNING, "matching_band.profile", section.edge_mm, MIN_DETAIL_MM,
                             f"the {spec.profile.value} matching band's edges are thinner than castable detail",
                             f"{words.changes(changes)}, or choose a flat or bevelled profile", changes,
                             "the matching band's edges", kind="matching-edges"))
    if spec.width_mm < metal.min_shank_mm * 1.5:
        wanted = rounded_up(metal.min_shank_mm * 1.5, 0.1)
        found.append(Finding(Severity.WARNING, "matching_band.width_mm", spec.width_mm, metal.min_shank_mm * 1.5,
                             "the matching band is narrow enough to bend in wear",
                             words.changes({"matching_band.width_mm": wanted}),
                             (("matching_band.width_mm", wanted),), "the matching band", kind="matching-width"))
    under = fit.under_contour_mm
    if under is not None and under < metal.min_shank_mm - TOLERANCE_MM:
        blocking = under < metal.min_wall_mm - TOLERANCE_MM
        limit = metal.min_wall_mm if blocking else metal.min_shank_mm
        found.append(Finding(Severity.BLOCKING if blocking else Severity.WARNING, "matching_band", under, limit,
                             f"the contour under the ring's head leaves {under:.2f} mm of metal across the matching "
                             f"band{'' if blocking else ', less than its shank'}",
                             "wear the band on the ring's other side, or raise the ring's head on a thicker band; the "
                             "fix tries them", (), "the top of the matching band",
                             kind="matching-contour"))
    gap = measured_gap(part.solid, model.solid, [stone.solid for stone in model.stone_parts], spec.clearance_mm + 0.5)
    if gap < spec.clearance_mm - CLEARANCE_TOLERANCE_MM:
        found.append(Finding(Severity.BLOCKING, "matching_band.clearance_mm", gap, spec.clearance_mm,
                             f"the matching band comes within {gap:.2f} mm of the ring, not {spec.clearance_mm:g}",
                             "rebuild the design; report it if it stays", (), "the matching band",
                             kind="matching-clearance"))
    return found


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """For a contour that cuts into the band or leaves too little over it: the band on the ring's other side, at its
    least clearance, or the ring's head raised on a thicker band."""
    if finding.kind not in ("matching-contour", "matching-pieces"):
        return []
    other = BandSide.ABOVE if design.matching_band.side is BandSide.BELOW else BandSide.BELOW
    tries: list[Changes] = [(("matching_band.side", other.value),)]
    least = MatchingBand.model_fields["clearance_mm"].metadata
    lowest = next(item.ge for item in least if getattr(item, "ge", None) is not None)
    if design.matching_band.clearance_mm > lowest:
        tries.append((("matching_band.clearance_mm", lowest),))
    tries += steps("ring.thickness_mm", design.ring.thickness_mm, (0.2, 0.4), 4.0)
    return [Fix(Round.REMEDY, changes) for changes in tries]




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

def summary(context: SummaryContext) -> Summed:
    """The band as chosen and as built (contoured or straight, where it stands, its metal) and its price before any
    credit."""
    matching = context.model.matching
    if matching is None:
        return Summed()
    spec, fit = context.design.matching_band, matching.fit
    return Summed(fields={"matching_band": MatchingBandSummary(
        spec.profile.value, spec.width_mm, spec.thickness_mm, spec.clearance_mm, spec.side.value, fit.contoured,
        round(fit.offset_mm, 3), round(matching.volume_mm3, 2), round(context.priced.band_grams, 3),
        context.priced.subtotals["band"])})


FEATURE = Feature("matching_band", "matching band", present, example, price, dimensions, findings=findings, fixes=fixes,
                  controls=CONTROLS, glance=glance, summary=summary)
