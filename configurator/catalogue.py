"""Catalogue data from `assets/`: metals and gemstones, validated on load."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import CatalogueError

ASSETS = Path(__file__).resolve().parent.parent / "assets"


class Metal(BaseModel):
    """An alloy: density and purity drive weight and credit; shrinkage scales the wax pattern."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    karat: int | None = None
    purity: float = Field(gt=0, le=1)
    element: str = Field(pattern="^(gold|platinum|palladium|silver)$", description="the fine metal it is priced by")
    density_g_cm3: float = Field(gt=0, lt=25)
    color_hex: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    shrinkage_pct: float = Field(ge=0, lt=5)
    min_wall_mm: float = Field(gt=0)
    min_shank_mm: float = Field(gt=0)


class Gemstone(BaseModel):
    """A stone material: density turns modelled volume into carats."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    mineral: str
    density_g_cm3: float = Field(gt=0, lt=10)
    refractive_index: float = Field(gt=1, lt=4)
    color_hex: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    colors: tuple[str, ...]
    graded: str = Field(pattern="^(diamond|quality)$")

    @property
    def is_diamond(self) -> bool:
        return self.graded == "diamond"


def _read_csv(path: Path, model: type[BaseModel]) -> dict[str, BaseModel]:
    rows: dict[str, BaseModel] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                clean = {key: value for key, value in row.items() if value != ""}
                if "colors" in clean:
                    clean["colors"] = tuple(clean["colors"].split(";"))
                try:
                    item = model.model_validate(clean)
                except ValidationError as exc:
                    error = exc.errors()[0]
                    field = ".".join(str(part) for part in error["loc"])
                    raise CatalogueError(f"{path.name} line {line}: {field}: {error['msg']}") from None
                if item.id in rows:
                    raise CatalogueError(f"{path.name} line {line}: id: duplicate id {item.id!r}")
                rows[item.id] = item
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    return rows


@cache
def metals() -> dict[str, Metal]:
    """All alloys by id, from `assets/metals.csv`."""
    return _read_csv(ASSETS / "metals.csv", Metal)  # type: ignore[return-value]


@cache
def gemstones() -> dict[str, Gemstone]:
    """All stone materials by id, from `assets/gemstones.csv`."""
    return _read_csv(ASSETS / "gemstones.csv", Gemstone)  # type: ignore[return-value]


def metal(metal_id: str) -> Metal:
    return metals()[metal_id]


def gemstone(material_id: str) -> Gemstone:
    return gemstones()[material_id]
