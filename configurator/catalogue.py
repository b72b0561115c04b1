"""Catalogue data from `assets/`: metals, their optics (how a viewer draws them) and gemstones, validated on load."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


class MetalOptics(BaseModel):
    """How an alloy is drawn (glTF 2.0 metallic-roughness, `assets/metal-optics.csv`, written by
    `scripts/metal_optics.py` from published optical constants; sources in `assets/metal-optics.md`): its base colour
    is its normal-incidence reflectance F0 as LINEAR sRGB (glTF's baseColorFactor), fully metallic, polished."""

    model_config = ConfigDict(frozen=True)

    id: str
    base_color: tuple[float, float, float]
    metallic: float = Field(ge=0, le=1)
    roughness: float = Field(ge=0, le=1)
    source: str = Field(min_length=1, description="the key of the sources in assets/metal-optics.md")

    @model_validator(mode="before")
    @classmethod
    def _columns(cls, data):
        """The CSV's three base_color_linear_r/g/b columns make one colour."""
        if isinstance(data, dict) and "base_color" not in data:
            columns = ("base_color_linear_r", "base_color_linear_g", "base_color_linear_b")
            if all(column in data for column in columns):
                data = {**data, "base_color": tuple(data[column] for column in columns)}
        return data

    @model_validator(mode="after")
    def _linear(self):
        if not all(0.0 <= channel <= 1.0 for channel in self.base_color):
            raise ValueError("base_color: each channel is a reflectance in [0, 1]")
        return self


class Gemstone(BaseModel):
    """A stone material: density turns modelled volume into carats; index of refraction and dispersion draw it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    mineral: str
    density_g_cm3: float = Field(gt=0, lt=10)
    refractive_index: float = Field(gt=1, lt=4, description="n_D, as glTF's KHR_materials_ior takes it")
    color_hex: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    colors: tuple[str, ...]
    graded: str = Field(pattern="^(diamond|quality)$")
    dispersion: float = Field(default=0.0, ge=0, lt=2,
                              description="KHR_materials_dispersion's figure: 20 / Abbe number V_d (0: none)")

    @property
    def is_diamond(self) -> bool:
        return self.graded == "diamond"

    @property
    def ior(self) -> float:
        """The index of refraction (glTF's name for `refractive_index`)."""
        return self.refractive_index

    @property
    def abbe_number(self) -> float | None:
        """V_d = (n_d - 1) / (n_F - n_C), as `dispersion` records it (None without a dispersion)."""
        return 20.0 / self.dispersion if self.dispersion > 0 else None


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


@cache
def metal_optics_table() -> dict[str, MetalOptics]:
    """Every alloy's optics by id, from `assets/metal-optics.csv`."""
    return _read_csv(ASSETS / "metal-optics.csv", MetalOptics)  # type: ignore[return-value]


def metal(metal_id: str) -> Metal:
    return metals()[metal_id]


def metal_optics(metal_id: str) -> MetalOptics:
    """How the alloy `metal_id` is drawn: base colour (linear RGB reflectance), metallic, roughness, source."""
    return metal_optics_table()[metal_id]


def gemstone(material_id: str) -> Gemstone:
    return gemstones()[material_id]


def metal_grams(volume_mm3: float, metal_id: str) -> float:
    """Weight of `volume_mm3` of an alloy: volume (cm3) x density (g/cm3)."""
    return volume_mm3 / 1000.0 * metal(metal_id).density_g_cm3
