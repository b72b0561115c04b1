"""Quotes: a design's metal, stones and labour priced by the table in force, as lines that add up to the total.

total = (metal + sprue allowance + stones + labour) x markup - credit for the client's own metal, each line
rounded to the cent and the total their sum (PRODUCT.md's pricing model). The table itself is `price_table`.

A ring with a matching band is priced as a set: the ring's lines (its markup among them), then the band's own (its
metal, casting, finishing, the contour's fitting and its markup), each ring adding up to its own subtotal, and the
client's metal credited against the set.

The lines each feature adds (its stones, their setting, milgrain, a chain, engraving, a matching band, a credit) are
its module's (`features`); the quote puts them in their places.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import catalogue
from .catalogue import metal_grams
from .design import Design
from .features import LABOUR_ORDER, BandMetal, PriceContext, Row, features_of, ordered
from .price_table import PriceTable, current_price_table
from .quote_lines import (  # noqa: F401 - the quote's records, where its callers have found them
    CLIENT_GROUPS,
    SET_PARTS,
    CatalogueComparison,
    ClientLine,
    Line,
    Quote,
)
from .stones import StoneWeight

if TYPE_CHECKING:
    from .inventory import LooseStone


def stone_weights(design: Design) -> tuple[StoneWeight, ...]:
    """Stone weights by the trade formula, for a design whose geometry has not been built: each feature's that brings
    stones, in the registry's order (the centre, its side stones, a band's row)."""
    return tuple(weight for feature in features_of(design) if feature.trade_stones is not None
                 for weight in feature.trade_stones(design))



def quote(
    design: Design,
    metal_volume_mm3: float,
    table: PriceTable | None = None,
    stones: tuple[StoneWeight, ...] | None = None,
    chain_volume_mm3: float | None = None,
    milgrain_mm: float | None = None,
    band: BandMetal | None = None,
    stock: LooseStone | None = None,
) -> Quote:
    """Price `design` whose cast metal measures `metal_volume_mm3`, whose stones weigh `stones`, whose chain
    (a pendant's; by default a cable chain of its length) holds `chain_volume_mm3` of metal and whose milgrain runs
    `milgrain_mm` along its edges (by default its band's edges all round and its bezel's rim, as drawn); a ring with a
    matching band as a set, the band as built (`band`; by default the plain band). A centre stone of the store's
    (`stone.stock_number`) is priced from its record `stock`: its own price, or the grid's at its certified carat."""
    table = table or current_price_table()
    stones = stone_weights(design) if stones is None else stones
    metal = catalogue.metal(design.metal)
    grams = metal_grams(metal_volume_mm3, design.metal)
    per_gram = table.per_gram(design.metal)
    metal_client = f"Metal: {metal.name}, {grams:.2f} g"
    workmanship = "Workmanship: design, casting, finishing" + (" and setting" if stones else "")
    context = PriceContext(design, table, stones, workmanship, chain_volume_mm3=chain_volume_mm3,
                           milgrain_mm=milgrain_mm, band=band, stock=stock)
    features = tuple(feature for feature in features_of(design) if feature.price is not None)
    priced = {feature.name: feature.price(context) for feature in features}
    setting_lines = [line for feature in ordered(features, LABOUR_ORDER) for line in priced[feature.name].labour]
    lines: list[Row] = [
        (f"metal: {metal.name}, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram, "metal", metal_client),
        (f"sprue allowance: {table.sprue_allowance:.0%} extra metal for casting",
         grams * table.sprue_allowance * per_gram, "metal", metal_client),
        *(line for added in priced.values() for line in added.materials),
    ]
    materials = sum(amount for _, amount, _, _ in lines)
    lines.append(("labour: casting", table.labour.casting, "labour", workmanship))
    lines.append(("labour: finishing", table.labour.finishing, "labour", workmanship))
    lines.append(("labour: custom design", table.labour.design, "labour", workmanship))
    lines.extend(setting_lines)
    lines.extend(line for added in priced.values() for line in added.custom)
    rounded = [(item, round(amount, 2) + 0.0, kind, client) for item, amount, kind, client in lines]
    subtotal = sum(amount for _, amount, _, _ in rounded)
    rounded.append((f"markup x{table.markup:g}", round(subtotal * (table.markup - 1), 2), "markup", workmanship))
    setting_cost = sum(amount for _, amount, _, _ in setting_lines)
    catalogue_cost = (materials + table.labour.catalogue_casting + table.labour.catalogue_finishing
                      + setting_cost) * table.catalogue_markup
    rows = [Line(*line) for line in rounded]
    weights = {name: value for added in priced.values() for name, value in added.grams.items()}
    parts = [added.part for added in priced.values() if added.part is not None]
    for part in parts:  # a set: the ring's lines, then the other part's
        rows = [row._replace(part=row.part or "ring") for row in rows] + [Line(*line, part=part.name)
                                                                            for line in part.lines]
        catalogue_cost += part.catalogue_cost
    for added in priced.values():
        if added.credit is not None:  # against everything before it
            credit = added.credit(sum(row.amount for row in rows))
            rows += [Line(item, round(amount, 2) + 0.0, "credit", client, "set" if parts else "")
                     for item, amount, client in credit.lines]
            weights["leftover_grams"] = credit.leftover_grams
    return Quote(tuple(rows), table.currency, table.date, grams, round(catalogue_cost, 2), **weights)
