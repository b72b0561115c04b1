"""A design priced: its geometry built (and remembered), weighed, and run through the price table."""

from __future__ import annotations

from functools import lru_cache

from .design import Design, Piece, loads_design
from .findings import chain_links
from .geometry import Model, build
from .pricing import PriceTable, Quote, current_price_table, quote
from .stones import depth_mm


@lru_cache(maxsize=32)
def _model(design_json: str) -> Model:
    return build(loads_design(design_json))


def model_of(design: Design) -> Model:
    """The design built at export resolution; the same design is built once."""
    return _model(design.to_json())


def price(design: Design, table: PriceTable | None = None) -> Quote:
    """The quote of `design` under `table` (the table in force by default): metal from the mesh volume,
    stones from their modelled carats."""
    model = model_of(design)
    return quote(design, model.cast_volume_mm3, table or current_price_table(), model.stone_weights())


def quote_document(design: Design) -> dict:
    """Everything `quote` reports, as a JSON-ready dict: sizes, metal, stones by their modelled weight, price."""
    model = model_of(design)
    priced = price(design)
    result: dict = {"piece": design.piece.value, "metal": design.metal}
    if design.piece is Piece.RING and design.ring_size is not None:
        result["inner_diameter_mm"] = round(design.ring_size.inner_diameter_mm, 3)
        result["inner_circumference_mm"] = round(design.ring_size.circumference_mm, 3)
        result["ring_size"] = design.ring_size.all_systems()
    result["metal_volume_mm3"] = round(model.metal_volume_mm3, 2)
    if model.findings:
        result["findings_volume_mm3"] = round(model.findings_volume_mm3, 2)  # clasp, jump ring: cast too
    result["metal_grams"] = round(priced.metal_grams, 3)
    if design.pendant is not None:
        length = design.pendant.chain.length_mm
        result["chain"] = {"style": "cable", "length_mm": length, "links": chain_links(length),
                           "grams": round(priced.chain_grams, 3)}
    stones = []
    for part in model.stone_parts:
        if part.role == "centre":
            stone = design.stone
            stones.append({
                "role": "centre",
                "shape": stone.shape.value,
                "cut": stone.cut.value,
                "material": stone.material,
                "length_mm": stone.length_mm,
                "width_mm": round(stone.outline_width_mm, 2),
                "depth_mm": depth_mm(stone),
                "color": stone.grade_color,
                "clarity": stone.grade_clarity,
                "carat": round(part.carat, 3),
                "client_supplied": stone.client_supplied,
            })
    for weight in model.stone_weights():
        if weight.role == "accent":
            size = next(part.size_mm for part in model.stone_parts if part.role == "accent")
            stones.append({
                "role": "accent",
                "shape": "round",
                "cut": "brilliant",
                "material": weight.material,
                "length_mm": size,
                "count": weight.count,
                "carat": round(weight.carat, 3),
                "carat_each": round(weight.carat / weight.count, 4),
            })
    result["stones"] = stones
    result["total_carat"] = round(sum(part.carat for part in model.stone_parts), 3)
    result["price"] = priced.to_dict()
    return result
