"""A pendant: its plate, bail and clasp (cast with it, weighed in its metal) and its chain, bought by the length and
priced as its metal and the labour of it; the check measures its plate and the room it gives the stone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import catalogue
from ..catalogue import metal_grams
from ..design import Chain, Pendant
from ..findings import ROUND_THE_STONES, TOLERANCE_MM, Finding, Fix, Round, Severity, rounded_up, steps
from ..places import at, place
from ..summary import ChainSummary
from .feature import CheckContext, Control, Feature, PriceContext, PriceLines, SummaryContext, Summed, as_number

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
    metal, per_gram = catalogue.metal(design.metal), table.per_gram(design.metal)
    length = design.pendant.chain.length_mm
    volume = cable_volume(length) if context.chain_volume_mm3 is None else context.chain_volume_mm3
    grams = metal_grams(volume, design.metal)
    client = f"Chain: cable, {length:.0f} mm, {grams:.2f} g of {metal.name}"
    return PriceLines(materials=(
        (f"chain: cable {length:.0f} mm, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram, "chain", client),
        (f"labour: chain, {length:.0f} mm at {table.labour.chain_per_metre:.2f}/m",
         length / 1000.0 * table.labour.chain_per_metre, "chain", client),
    ), grams={"chain_grams": grams})


def glance(design: Design, summary: QuoteSummary) -> list[list[str]]:
    pendant = design.pendant
    return [["outline", f"{pendant.outline.value}, {pendant.size_mm:.1f} mm"],
            ["plate thickness", f"{pendant.thickness_mm:.2f} mm"],
            ["bail / clasp", f"{pendant.bail.value} / {pendant.clasp.value}"],
            ["chain (bought)", f"cable, {pendant.chain.length_mm:.0f} mm, {summary.chain.grams:.2f} g"]]


def client_rows(design: Design, summary: QuoteSummary) -> list[list[str]]:
    pendant = design.pendant
    return [["pendant", f"{pendant.outline.value}, {pendant.size_mm:.1f} mm, {pendant.bail.value} bail, "
                        f"{pendant.clasp.value} clasp"],
            ["chain", f"cable, {pendant.chain.length_mm:.0f} mm"]]


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    pendant = design.pendant
    return [
        ["outline", f"{pendant.outline.value}, {pendant.size_mm:.1f} mm"],
        ["plate thickness", f"{pendant.thickness_mm:.2f} mm"],
        ["bail / clasp", f"{pendant.bail.value} / {pendant.clasp.value}"],
        ["chain", f"cable, {pendant.chain.length_mm:.0f} mm, {summary.chain.grams:.2f} g"],
    ]


def findings(context: CheckContext) -> list[Finding]:
    """The plate measured on the mesh (beside its engraving: the metal under the letters is the engraving's finding)
    against the alloy's wall, and the stone and its setting against the plate's room."""
    design, model, metal, walls = context.design, context.model, context.metal, context.walls
    if model.plate is None:
        return []
    found: list[Finding] = []
    plate, where = walls.thinnest((walls.centres[:, 2] <= model.plate.thickness + 0.05) & ~context.apart_of("engraving"))
    if not np.isfinite(plate):
        plate, where = design.pendant.thickness_mm, None
    if plate < metal.min_wall_mm - TOLERANCE_MM:
        whole = design.pendant.thickness_mm < metal.min_wall_mm - TOLERANCE_MM  # not just beside its seats
        wanted = min(rounded_up(design.pendant.thickness_mm + metal.min_wall_mm - plate, 0.05), 5.0)
        found.append(Finding(Severity.BLOCKING if whole else Severity.WARNING, "pendant.thickness_mm", plate,
                             metal.min_wall_mm,
                             f"the plate measures {plate:.2f} mm{at(design, model, where)}, thinner than castable metal",
                             f"make the plate at least {wanted:.2f} mm thick", (("pendant.thickness_mm", wanted),),
                             place(design, model, where), kind="plate"))
    if design.stone is not None:
        outline = model.plate.outline
        room = min(outline[:, 0].max() - outline[:, 0].min(), outline[:, 1].max() - outline[:, 1].min())
        needed = max(design.stone.length_mm, design.stone.outline_width_mm) + 2 * metal.min_wall_mm
        if room < needed - TOLERANCE_MM:
            wanted = min(rounded_up(design.pendant.size_mm * needed / room, 0.5), 50.0)
            found.append(Finding(Severity.WARNING, "pendant.size_mm", room, needed,
                                 "the stone and its setting overhang the plate",
                                 f"make the pendant at least {wanted:g} mm long, or the stone smaller",
                                 (("pendant.size_mm", wanted),), "the plate's edge", kind="overhang"))
    return found


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """Bigger steps of a thicker plate, and for metal too thin or too close round the stones, a thicker plate."""
    found: list[Fix] = []
    own = dict(finding.changes)
    if "pendant.thickness_mm" in own:
        found += [Fix(Round.BIGGER, changes) for changes in steps("pendant.thickness_mm", own["pendant.thickness_mm"],
                                                                   (0.3, 0.6, 1.0), 5.0)]
    if finding.kind in ROUND_THE_STONES and design.piece.value == "pendant":
        found += [Fix(Round.THICKER, changes) for changes in steps("pendant.thickness_mm", design.pendant.thickness_mm,
                                                                    (0.5,), 5.0)]
    return found




CONTROLS = (
    Control("outline", "Outline", ("pendant", "outline")),
    Control("pendant_size", "Pendant length (mm)", ("pendant", "size_mm"), Pendant, as_number),
    Control("plate_thickness", "Plate thickness (mm)", ("pendant", "thickness_mm"), Pendant, as_number),
    Control("bail", "Bail", ("pendant", "bail")),
    Control("clasp", "Clasp", ("pendant", "clasp")),
    Control("chain_length", "Chain length (mm)", ("pendant", "chain", "length_mm"), Chain, as_number),
)

def summary(context: SummaryContext) -> Summed:
    """The chain: a cable chain of its length, its links and its grams in the piece's metal."""
    from ..fittings import chain_links

    length = context.design.pendant.chain.length_mm
    return Summed(fields={"chain": ChainSummary("cable", length, chain_links(length),
                                                round(context.priced.chain_grams, 3))})


FEATURE = Feature("pendant", "pendant (plate, bail, clasp, chain)", present, example, price, dimensions,
                  findings=findings, fixes=fixes, controls=CONTROLS, glance=glance, client_rows=client_rows, summary=summary)
