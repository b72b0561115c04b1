"""A design priced: its geometry (from the cache, `builds`) weighed and run through the price table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .builds import model_of
from .design import Design, Piece
from .features import SUMMARY_ORDER, BandMetal, SummaryContext, features_of, ordered
from .price_table import current_price_table
from .pricing import quote
from .stones import StoneWeight
from .summary import QuoteSummary

if TYPE_CHECKING:
    from .geometry import Model
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
    return priced_by(design, weighed(model_of(design)), table, stock=stock)


@dataclass(frozen=True)
class Weighed:
    """What a quote needs of a design's build: the metal cast, the stones' weights, the milgrain's length along the
    edges (None: no milgrain) and a matching band's metal (None: no band)."""

    cast_volume_mm3: float
    stones: tuple[StoneWeight, ...]
    milgrain_mm: float | None = None
    band: BandMetal | None = None


def weighed(model: Model) -> Weighed:
    """What a quote needs of `model`, without its meshes (small enough to keep for many designs)."""
    band = None
    if model.matching is not None:
        band = BandMetal(model.matching.volume_mm3, model.matching.fit.contoured)
    return Weighed(model.cast_volume_mm3, model.stone_weights(),
                   sum(row.length_mm for row in model.beads if row.count) if model.beads else None, band)


def priced_by(design: Design, build: Weighed, table: PriceTable | None = None,
              stones: tuple[StoneWeight, ...] | None = None, stock: LooseStone | None = None) -> Quote:
    """The quote of `design` weighed as `build` says (its stones as `stones`, where given). `price` is this on the
    design's own build; the budget helper estimates a design of another stone size from the design's build, its
    stones' weights scaled, without building it."""
    return quote(design, build.cast_volume_mm3, table or current_price_table(),
                 build.stones if stones is None else stones, milgrain_mm=build.milgrain_mm, band=build.band,
                 stock=_stock(design, stock))


def quote_summary(design: Design, stock: LooseStone | None = None, table: PriceTable | None = None) -> QuoteSummary:
    """Everything `quote` reports: sizes, metal, stones by their modelled weight (a stone of the store's by its
    certified weight), price under `table` (the one in force by default; an order's version keeps its own)
    (`to_dict()` for JSON)."""
    model = model_of(design)
    stock = _stock(design, stock)
    priced = price(design, table, stock=stock)
    ring_size = design.ring_size if design.piece is Piece.RING else None  # a pendant has none
    context = SummaryContext(design, model, priced, stock)
    stones, parts = [], {}
    for feature in ordered(features_of(design), SUMMARY_ORDER):
        if feature.summary is not None:
            summed = feature.summary(context)
            stones += summed.stones
            parts.update(summed.fields)
    return QuoteSummary(
        piece=design.piece.value,
        metal=design.metal,
        inner_diameter_mm=round(ring_size.inner_diameter_mm, 3) if ring_size is not None else None,
        inner_circumference_mm=round(ring_size.circumference_mm, 3) if ring_size is not None else None,
        ring_size=ring_size.all_systems() if ring_size is not None else None,
        metal_volume_mm3=round(model.metal_volume_mm3, 2),
        findings_volume_mm3=round(model.fittings_volume_mm3, 2) if model.fitting_parts else None,
        metal_grams=round(priced.metal_grams, 3),
        stones=tuple(stones),
        total_carat=round(sum(part.carat for part in model.stone_parts), 3),
        price=priced,
        **parts,
    )
