"""Prices: a dated price table from `assets/prices.toml`, and quotes as line-by-line tables.

total = (metal + sprue allowance + stones + labour) x markup, shown as lines that add up to the cent.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import catalogue
from .catalogue import ASSETS
from .design import Design
from .errors import CatalogueError
from .stones import trade_carat

PRICE_TABLE = ASSETS / "prices.toml"
PositivePrice = Field(ge=0, allow_inf_nan=False)


class Labour(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    casting: float = PositivePrice
    finishing: float = PositivePrice
    setting_per_stone: float = PositivePrice
    setting_per_accent: float = PositivePrice


class PriceTable(BaseModel):
    """The store's prices on one date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    currency: str = Field(min_length=3, max_length=3)
    markup: float = Field(ge=1.0, le=10.0)
    sprue_allowance: float = Field(ge=0, le=0.5)
    metal_per_gram: dict[str, float]
    stone_per_carat: dict[str, float]
    melee_per_carat: float = Field(ge=0, allow_inf_nan=False)
    labour: Labour

    @model_validator(mode="after")
    def _complete(self) -> PriceTable:
        for kind, prices, ids in (
            ("metal_per_gram", self.metal_per_gram, catalogue.metals()),
            ("stone_per_carat", self.stone_per_carat, catalogue.gemstones()),
        ):
            missing = [item for item in ids if item not in prices]
            if missing:
                raise ValueError(f"{kind}: no price for {', '.join(missing)}")
            for item, price in prices.items():
                if item not in ids:
                    raise ValueError(f"{kind}.{item}: not in the catalogue")
                if not price >= 0:
                    raise ValueError(f"{kind}.{item}: price must be zero or more, not {price}")
        return self


def load_price_table(path: Path = PRICE_TABLE) -> PriceTable:
    """Read and validate a price table; raises CatalogueError naming the field."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{Path(path).name}: not valid TOML: {exc}") from None
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"])
        text = str(error["msg"]).removeprefix("Value error, ")
        raise CatalogueError(f"{Path(path).name}: {field + ': ' if field else ''}{text}") from None


@cache
def default_price_table() -> PriceTable:
    return load_price_table()


@dataclass(frozen=True)
class Quote:
    """A priced design: its lines (item, amount) sum to `total` to the cent."""

    lines: pd.DataFrame
    currency: str
    table_date: dt.date
    metal_grams: float

    @property
    def total(self) -> float:
        return round(float(self.lines["amount"].sum()), 2)

    def to_dict(self) -> dict:
        return {
            "currency": self.currency,
            "table_date": self.table_date.isoformat(),
            "lines": [{"item": item, "amount": amount} for item, amount in self.lines.itertuples(index=False)],
            "total": self.total,
        }


def metal_grams(volume_mm3: float, metal_id: str) -> float:
    """Weight of `volume_mm3` of an alloy: volume (cm3) x density (g/cm3)."""
    return volume_mm3 / 1000.0 * catalogue.metal(metal_id).density_g_cm3


@dataclass(frozen=True)
class StoneWeight:
    """Stones of one kind in a design, weighed from their modelled volume."""

    role: str  # "centre" or "accent"
    material: str
    count: int
    carat: float  # all of them together


def stone_weights(design: Design) -> tuple[StoneWeight, ...]:
    """Stone weights by the trade formula, for a design whose geometry has not been built."""
    if design.stone is None:
        return ()
    return (StoneWeight("centre", design.stone.material, 1, trade_carat(design.stone)),)


def quote(
    design: Design,
    metal_volume_mm3: float,
    table: PriceTable | None = None,
    stones: tuple[StoneWeight, ...] | None = None,
) -> Quote:
    """Price `design` whose metal measures `metal_volume_mm3` and whose stones weigh `stones`."""
    table = table or default_price_table()
    stones = stone_weights(design) if stones is None else stones
    metal = catalogue.metal(design.metal)
    grams = metal_grams(metal_volume_mm3, design.metal)
    per_gram = table.metal_per_gram[design.metal]
    lines: list[tuple[str, float]] = [
        (f"metal: {metal.name}, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram),
        (
            f"sprue allowance: {table.sprue_allowance:.0%} extra metal for casting",
            grams * table.sprue_allowance * per_gram,
        ),
    ]
    for weight in stones:
        name = catalogue.gemstone(weight.material).name
        if weight.role == "centre":
            stone = design.stone
            if stone.client_supplied:
                lines.append((f"stone: client's own {stone.shape.value} {name}, {weight.carat:.2f} ct", 0.0))
            else:
                per_carat = table.stone_per_carat[weight.material]
                lines.append((f"stone: {stone.shape.value} {name}, {weight.carat:.2f} ct", weight.carat * per_carat))
        else:
            lines.append(
                (f"accent stones: {weight.count} round {name}, {weight.carat:.2f} ct in all",
                 weight.carat * table.melee_per_carat)
            )
    lines.append(("labour: casting", table.labour.casting))
    lines.append(("labour: finishing", table.labour.finishing))
    for weight in stones:
        if weight.role == "centre":
            lines.append(("labour: setting the centre stone", table.labour.setting_per_stone))
        else:
            lines.append((f"labour: setting {weight.count} accent stones", table.labour.setting_per_accent * weight.count))
    rounded = [(item, round(amount, 2)) for item, amount in lines]
    subtotal = sum(amount for _, amount in rounded)
    rounded.append((f"markup x{table.markup:g}", round(subtotal * (table.markup - 1), 2)))
    frame = pd.DataFrame(rounded, columns=["item", "amount"])
    return Quote(frame, table.currency, table.date, grams)
