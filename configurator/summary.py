"""A priced design summed up: sizes, metal, stones and price as typed values (what `quotes.quote_summary` returns).

`QuoteSummary.to_dict()` is the JSON the command line prints: a part that does not apply to the piece (a
pendant's ring size, a ring's chain, fittings it has none of) is left out, not written as null.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Literal

from .stones import depth_mm

if TYPE_CHECKING:
    from .design import Stone
    from .inventory import LooseStone
    from .quote_lines import Quote

Role = Literal["centre", "accent", "side", "eternity"]

_DESCRIBED = ("shape", "cut", "material", "length_mm", "width_mm", "depth_mm", "color", "clarity")
_GROUP = ("count", "carat", "carat_each")
_STOCK = ("stock_number", "certificate", "grading", "measurements")  # a stone of the store's, as certified
# The keys each kind of stone line carries in the JSON, in its order: accents are described by size alone, and a
# centre stone is one stone (no count).
_KEYS: dict[str, tuple[str, ...]] = {
    "centre": ("role", *_DESCRIBED, "carat", "client_supplied"),
    "accent": ("role", "shape", "cut", "material", "length_mm", *_GROUP),
    "side": ("role", *_DESCRIBED, "setting", "share_of_centre", *_GROUP),
    "eternity": ("role", *_DESCRIBED, *_GROUP),
}


@dataclass(frozen=True, kw_only=True)
class StoneLine:
    """Stones of one kind: the centre stone, the accents, one size of side stone, or an eternity row.

    `carat` is the group's modelled weight and `carat_each` one stone's; a centre stone is a group of one.
    Accents carry no width, depth or grades; only side stones a setting and their size as a share of the centre."""

    role: Role
    shape: str
    cut: str
    material: str
    length_mm: float
    count: int = 1
    carat: float
    carat_each: float
    width_mm: float | None = None
    depth_mm: float | None = None
    color: str | None = None
    clarity: str | None = None
    client_supplied: bool = False
    setting: str | None = None
    share_of_centre: float | None = None
    stock_number: str | None = None  # a centre stone of the store's: its stock number, report, grades and size
    certificate: str | None = None
    grading: str | None = None
    measurements: str | None = None

    def to_dict(self) -> dict:
        keys = _KEYS[self.role] + (_STOCK if self.stock_number is not None else ())
        return {key: getattr(self, key) for key in keys}


def stone_fields(stone: Stone) -> dict:
    """A stone as the quote and the sheet describe it: shape, cut, material, size and grades (StoneLine fields)."""
    return {"shape": stone.shape.value, "cut": stone.cut.value, "material": stone.material,
            "length_mm": stone.length_mm, "width_mm": round(stone.outline_width_mm, 2), "depth_mm": depth_mm(stone),
            "color": stone.grade_color, "clarity": stone.grade_clarity}


def certified_fields(stock: LooseStone | None) -> dict:
    """A stone of the store's as the quote and the sheet name it (StoneLine fields)."""
    if stock is None:
        return {}
    grading = ", ".join(f"{word} {value.value}" for word, value in (
        ("cut", stock.cut_grade), ("polish", stock.polish), ("symmetry", stock.symmetry),
        ("fluorescence", stock.fluorescence)) if value is not None)
    return {"stock_number": stock.stock_number, "certificate": stock.report, "grading": grading or None,
            "measurements": stock.measurements}


def group_fields(parts) -> dict:
    """A group of like stones: how many, and their carats in all and each (StoneLine fields)."""
    carat = sum(part.carat for part in parts)
    return {"count": len(parts), "carat": round(carat, 3), "carat_each": round(carat / len(parts), 4)}


@dataclass(frozen=True)
class ChainSummary:
    """A pendant's chain: its style, length, number of links and weight in the design's metal."""

    style: str
    length_mm: float
    links: int
    grams: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SideStonesSummary:
    """The side stones as chosen: their setting, how many a shoulder (graded when more than one) and in all, and
    whether they share prongs with the centre."""

    setting: str
    per_shoulder: int
    graduation: float | None  # None for one a side: nothing to grade
    count: int
    shared_prongs: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EternitySummary:
    """An eternity row: its coverage and setting, the stones it holds, the gap between them and how it reads."""

    coverage: str
    setting: str
    count: int
    gap_mm: float
    described: str  # "24 x 2.5 mm, 1.52 ctw"
    resizable: bool

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MatchingBandSummary:
    """A ring's matching band: as chosen (profile, width, thickness, clearance, side), as built (contoured or
    straight, where it stands along the finger from the ring's centre, its metal) and its price before any credit."""

    profile: str
    width_mm: float
    thickness_mm: float
    clearance_mm: float
    side: str
    contoured: bool
    offset_mm: float  # its centre from the ring's along the finger axis (negative: below, toward the hand)
    metal_volume_mm3: float
    metal_grams: float
    subtotal: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class QuoteSummary:
    """Everything a quote reports. Ring figures are None for a pendant, `chain` for a ring, `findings_volume_mm3`
    without a clasp or jump ring; `side_stones`, `eternity` and `matching_band` when the design has none. Metal
    figures are the piece's own; a matching band's are in `matching_band`, and the price is the set's.

    The fields are in the JSON's order. It pickles (the app caches it)."""

    piece: str
    metal: str
    inner_diameter_mm: float | None = None
    inner_circumference_mm: float | None = None
    ring_size: dict[str, str] | None = None  # the size in every system: {"US": "7", "UK": "N 1/2", ...}
    metal_volume_mm3: float
    # clasp, jump ring: cast too (the key keeps the trade's word "findings": stores' scripts read it)
    findings_volume_mm3: float | None = None
    metal_grams: float
    chain: ChainSummary | None = None
    side_stones: SideStonesSummary | None = None
    eternity: EternitySummary | None = None
    matching_band: MatchingBandSummary | None = None
    stones: tuple[StoneLine, ...]
    total_carat: float
    price: Quote

    def to_dict(self) -> dict:
        """The JSON-ready dict the command line prints: what does not apply is left out."""
        result: dict = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if isinstance(value, tuple):
                value = [stone.to_dict() for stone in value]
            elif isinstance(value, dict):
                value = dict(value)  # the caller's to change, not this summary's
            elif hasattr(value, "to_dict"):
                value = value.to_dict()
            result[field.name] = value
        return result
