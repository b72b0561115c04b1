"""A design priced: its geometry (from the cache, `builds`) weighed and run through the price table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .builds import model_of
from .design import Design, Piece
from .eternity import described, resizable
from .features import BandMetal
from .fittings import chain_links
from .price_table import current_price_table
from .pricing import quote
from .stones import depth_mm
from .summary import ChainSummary, EternitySummary, MatchingBandSummary, QuoteSummary, SideStonesSummary, StoneLine

if TYPE_CHECKING:
    from .inventory import LooseStone
    from .price_table import PriceTable
    from .pricing import Quote

def _stock(design: Design, stock: LooseStone | None) -> LooseStone | None:
    """The record of the design's stone of the store's: `stock` if given, else the inventory's."""
    if design.stone is None or design.stone.stock_number is None:
        return None
    if stock is not None and stock.stock_number == design.stone.stock_number:
        from .inventory import refuse_unlike_record

        refuse_unlike_record(design.stone, stock)  # a stone is priced as its record only when it is that stone
        return stock
    from .inventory import stock_for  # the database: only for a design with one of the store's stones

    return stock_for(design)


def price(design: Design, table: PriceTable | None = None, stock: LooseStone | None = None) -> Quote:
    """The quote of `design` under `table` (the table in force by default): metal from the mesh volume,
    stones from their modelled carats; a matching band from its own mesh. A stone of the store's is priced from its
    record: `stock`, or the inventory's."""
    model = model_of(design)
    beaded = sum(row.length_mm for row in model.beads if row.count) if model.beads else None
    band = None
    if model.matching is not None:
        band = BandMetal(model.matching.volume_mm3, model.matching.fit.contoured)
    return quote(design, model.cast_volume_mm3, table or current_price_table(), model.stone_weights(),
                 milgrain_mm=beaded, band=band, stock=_stock(design, stock))


def quote_summary(design: Design, stock: LooseStone | None = None) -> QuoteSummary:
    """Everything `quote` reports: sizes, metal, stones by their modelled weight (a stone of the store's by its
    certified weight), price (`to_dict()` for JSON)."""
    model = model_of(design)
    stock = _stock(design, stock)
    priced = price(design, stock=stock)
    ring_size = design.ring_size if design.piece is Piece.RING else None  # a pendant has none
    chain = None
    if design.pendant is not None:
        length = design.pendant.chain.length_mm
        chain = ChainSummary("cable", length, chain_links(length), round(priced.chain_grams, 3))
    stones = []
    for part in model.stone_parts:
        if part.role == "centre":
            carat = round(part.carat, 3) if stock is None else stock.carat
            stones.append(StoneLine(role="centre", **_described(design.stone), carat=carat, carat_each=carat,
                                    client_supplied=design.stone.client_supplied, **_certified(stock)))
    for weight in model.stone_weights():
        if weight.role == "accent":
            size = next(part.size_mm for part in model.stone_parts if part.role == "accent")
            stones.append(StoneLine(role="accent", shape="round", cut="brilliant", material=weight.material,
                                    length_mm=size, count=weight.count, carat=round(weight.carat, 3),
                                    carat_each=round(weight.carat / weight.count, 4)))
    side_stones = None
    if design.side_stones is not None:
        side = design.side_stones
        for stone, _ in side.groups:  # nearest the centre first
            group = [part for part in model.stone_parts
                     if part.role == "side" and abs(part.size_mm - stone.length_mm) < 1e-6]
            stones.append(StoneLine(role="side", **_described(stone), setting=side.style.value,
                                    share_of_centre=round(stone.length_mm / design.stone.length_mm, 3),
                                    **_group(group)))
        side_stones = SideStonesSummary(side.style.value, side.count, side.graduation if side.count > 1 else None,
                                        sum(count for _, count in side.groups), side.shared_prongs)
    eternity = None
    rows = [part for part in model.stone_parts if part.role == "eternity"]
    if rows:
        row = design.ring.eternity
        stones.append(StoneLine(role="eternity", **_described(row.stone), **_group(rows)))
        carat = sum(part.carat for part in rows)
        eternity = EternitySummary(row.coverage.value, row.setting.value, len(rows), row.gap,
                                   described(row, len(rows), carat), resizable(row))
    matching_band = None
    if model.matching is not None:
        spec, fit = design.matching_band, model.matching.fit
        matching_band = MatchingBandSummary(
            spec.profile.value, spec.width_mm, spec.thickness_mm, spec.clearance_mm, spec.side.value, fit.contoured,
            round(fit.offset_mm, 3), round(model.matching.volume_mm3, 2), round(priced.band_grams, 3),
            priced.subtotals["band"])
    return QuoteSummary(
        piece=design.piece.value,
        metal=design.metal,
        inner_diameter_mm=round(ring_size.inner_diameter_mm, 3) if ring_size is not None else None,
        inner_circumference_mm=round(ring_size.circumference_mm, 3) if ring_size is not None else None,
        ring_size=ring_size.all_systems() if ring_size is not None else None,
        metal_volume_mm3=round(model.metal_volume_mm3, 2),
        findings_volume_mm3=round(model.fittings_volume_mm3, 2) if model.fitting_parts else None,
        metal_grams=round(priced.metal_grams, 3),
        chain=chain,
        side_stones=side_stones,
        eternity=eternity,
        matching_band=matching_band,
        stones=tuple(stones),
        total_carat=round(sum(part.carat for part in model.stone_parts), 3),
        price=priced,
    )


def _described(stone) -> dict:
    """A stone as the quote and the sheet describe it: shape, cut, material, size and grades (StoneLine fields)."""
    return {"shape": stone.shape.value, "cut": stone.cut.value, "material": stone.material,
            "length_mm": stone.length_mm, "width_mm": round(stone.outline_width_mm, 2), "depth_mm": depth_mm(stone),
            "color": stone.grade_color, "clarity": stone.grade_clarity}


def _certified(stock: LooseStone | None) -> dict:
    """A stone of the store's as the quote and the sheet name it (StoneLine fields)."""
    if stock is None:
        return {}
    grading = ", ".join(f"{word} {value.value}" for word, value in (
        ("cut", stock.cut_grade), ("polish", stock.polish), ("symmetry", stock.symmetry),
        ("fluorescence", stock.fluorescence)) if value is not None)
    return {"stock_number": stock.stock_number, "certificate": stock.report, "grading": grading or None,
            "measurements": stock.measurements}


def _group(parts) -> dict:
    """A group of like stones: how many, and their carats in all and each (StoneLine fields)."""
    carat = sum(part.carat for part in parts)
    return {"count": len(parts), "carat": round(carat, 3), "carat_each": round(carat / len(parts), 4)}
