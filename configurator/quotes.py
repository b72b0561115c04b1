"""A design priced: its geometry built (and remembered), weighed, and run through the price table."""

from __future__ import annotations

from functools import lru_cache

from .design import Design, loads_design
from .geometry import Model, build
from .pricing import PriceTable, Quote, current_price_table, quote


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
    return quote(design, model.metal_volume_mm3, table or current_price_table(), model.stone_weights())
