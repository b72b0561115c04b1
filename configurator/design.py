"""The design document: a validated, immutable description of one piece, stored as JSON.

Field names are a contract with stores' saved files: extend around them, never rename them.
Reading a document from JSON text or a file, and editing one, is `documents`.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from . import catalogue
from .errors import DesignError
from .sizes import RingSize, System

SCHEMA_VERSION = 2  # version 2 added ring.eternity, side_stones and matching_band; a version-1 document reads unchanged
# (see Design._migrated)
MAX_ENGRAVING_CHARACTERS = 40
ENGRAVING_HEIGHT_MM = (1.5, 6.0)  # capital letters: at least 1.5 mm to survive casting and polishing (PRODUCT.md)
ENGRAVING_DEPTH_MM = (0.10, 0.30)  # the trade's engraving depths (PRODUCT.md)
MAX_NAME_CHARACTERS = 120
STOCK_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$"  # a stone's number in the store's inventory


class Choice(str, Enum):
    """A named choice whose value is its id in the document."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}>"

    def __str__(self) -> str:
        return self.value


class Piece(Choice):
    RING = "ring"
    PENDANT = "pendant"


class Profile(Choice):
    FLAT = "flat"
    HALF_ROUND = "half-round"
    COMFORT = "comfort"
    KNIFE_EDGE = "knife-edge"
    BEVELLED = "bevelled"
    CONCAVE = "concave"


class Shape(Choice):
    ROUND = "round"
    OVAL = "oval"
    CUSHION = "cushion"
    PEAR = "pear"
    MARQUISE = "marquise"
    PRINCESS = "princess"
    EMERALD = "emerald"
    ASSCHER = "asscher"
    RADIANT = "radiant"
    HEART = "heart"
    TRILLION = "trillion"
    BAGUETTE = "baguette"


class Cut(Choice):
    BRILLIANT = "brilliant"
    STEP = "step"
    ROSE = "rose"
    CABOCHON = "cabochon"


class SettingStyle(Choice):
    PRONG = "prong"
    BEZEL = "bezel"
    HALO = "halo"
    CHANNEL = "channel"
    PAVE = "pave"
    CATHEDRAL = "cathedral"


class Coverage(Choice):
    """How far round the band an eternity row runs."""

    FULL = "full"
    THREE_QUARTER = "three-quarter"
    HALF = "half"


class RowSetting(Choice):
    """How an eternity row holds its stones."""

    SHARED_PRONG = "shared-prong"
    CHANNEL = "channel"
    BEZEL = "bezel"


class Edges(Choice):
    """Which of the band's edges carry milgrain: both, or one (the +Y edge; a band is worn either way round)."""

    BOTH = "both"
    ONE = "one"


class BandSide(Choice):
    """Which side of the engagement ring a matching band sits: below it, on the hand's side (-Y; a pointed centre
    points to the fingertip, +Y), where a wedding band is usually worn, or above it."""

    BELOW = "below"
    ABOVE = "above"


class ProngTip(Choice):
    ROUND = "round"
    CLAW = "claw"


class Outline(Choice):
    ROUND = "round"
    OVAL = "oval"
    HEART = "heart"
    TEARDROP = "teardrop"
    BAR = "bar"


class Bail(Choice):
    FIXED = "fixed"
    HINGED = "hinged"


class Clasp(Choice):
    LOBSTER = "lobster"
    SPRING_RING = "spring-ring"
    TOGGLE = "toggle"
    BOX = "box"


class Font(Choice):
    """An engraving's letters: DejaVu Serif Bold, DejaVu Sans Bold or Dancing Script Bold (assets/fonts/)."""

    SERIF = "serif"
    SANS = "sans"
    SCRIPT = "script"


class EngravingPlace(Choice):
    """Where a ring's engraving is cut: the inside of the band or its outside (a pendant's is on its back)."""

    INSIDE = "inside"
    OUTSIDE = "outside"


DIAMOND_COLORS = tuple(chr(code) for code in range(ord("D"), ord("Z") + 1))
DIAMOND_CLARITIES = ("FL", "IF", "VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2", "I1", "I2", "I3")
STONE_CLARITIES = ("eye-clean", "slightly-included", "included")


@dataclass(frozen=True)
class ShapeRules:
    """What the document accepts of a stone of one shape; the rest of the shape's record (its outline, carat factor,
    corners) is `shapes.ShapeRecord`, which reads this as its `rules`."""

    length_to_width: float  # the usual proportion of a stone whose width is not given (trade proportions)
    # The range of length / width the shape is cut to in the trade (the carat-factor table of PRODUCT.md spans the
    # same ranges for oval, pear, marquise, emerald and radiant); the usual ratio lies inside it.
    length_to_width_range: tuple[float, float]
    square: bool = False  # its outline is symmetric both ways by definition: width must equal length
    in_eternity: bool = False  # an eternity row takes it
    in_channel: bool = False  # a channel of side stones holds it
    graduated: bool = False  # as broad as long: a graduated row of side stones, each in its own head, takes it
    # A side stone of it may share prongs with the centre (a baguette's straight flank, a marquise's or a trillion's
    # points leave crevices under the investment's 0.3 mm where the prongs toward the centre are left out); the app
    # offers it only when no corner faces the centre (`sharing_offered`).
    shares_as_side: bool = True
    sharing_offered: bool = False
    shares_as_centre: bool = True  # a centre of it shares its prongs with side stones (a baguette is too narrow)


# One row a shape. Adding a shape adds its row here and its record in `shapes.SHAPES`.
SHAPE_RULES = {
    Shape.ROUND: ShapeRules(1.0, (1.0, 1.0), square=True, in_eternity=True, in_channel=True, graduated=True,
                            sharing_offered=True),
    Shape.OVAL: ShapeRules(1.35, (1.25, 1.5), in_eternity=True, sharing_offered=True),
    Shape.CUSHION: ShapeRules(1.0, (1.0, 1.3), graduated=True, sharing_offered=True),
    Shape.PEAR: ShapeRules(1.5, (1.25, 2.0), sharing_offered=True),
    Shape.MARQUISE: ShapeRules(2.0, (1.5, 3.0), shares_as_side=False),
    # A princess's, emerald's, asscher's or radiant's corners toward the centre are guarded only by prongs of their
    # own (PRODUCT.md "Holding a stone"), which crowd the centre's: a document asking for sharing is checked, and the
    # check's fix gives the stones prongs of their own.
    Shape.PRINCESS: ShapeRules(1.0, (1.0, 1.05), in_eternity=True, in_channel=True, graduated=True),
    Shape.EMERALD: ShapeRules(1.4, (1.0, 2.0), in_eternity=True),
    Shape.ASSCHER: ShapeRules(1.0, (1.0, 1.0), square=True, in_eternity=True, in_channel=True, graduated=True),
    Shape.RADIANT: ShapeRules(1.2, (1.0, 1.5), graduated=True),
    Shape.HEART: ShapeRules(1.0, (1.0, 1.1), sharing_offered=True),
    Shape.TRILLION: ShapeRules(1.0, (1.0, 1.1), shares_as_side=False),
    Shape.BAGUETTE: ShapeRules(2.5, (1.5, 4.0), in_eternity=True, shares_as_side=False, shares_as_centre=False),
}
# The longest stone for its width that can be modelled (the stone's proportions are fitted on a 10 mm probe of
# the same ratio, which must itself be a valid stone of at least 1 mm width).
MAX_LENGTH_TO_WIDTH = 10.0
# Profiles whose top cannot take stones set into it (a ridge, a dish).
RIDGED_PROFILES = (Profile.KNIFE_EDGE, Profile.CONCAVE)
# A pendant's channel or pavé border runs 0.8 mm inside the edge with 1.2 mm stones (pendants.border): a bar, a third
# as wide as it is long, has room for it from 8.4 mm.
MIN_BORDERED_BAR_MM = 8.5


def _catalogue_id(kind: str, lookup):
    def check(value: str) -> str:
        if value not in lookup():
            shown = repr(value) if len(value) <= 40 else repr(value[:40]) + "..."
            raise ValueError(f"unknown {kind} {shown}; choose one of: {', '.join(lookup())}")
        return value

    return check


MetalId = Annotated[
    str,
    AfterValidator(_catalogue_id("metal", catalogue.metals)),
    WithJsonSchema({"type": "string", "enum": list(catalogue.metals())}),
]
MaterialId = Annotated[
    str,
    AfterValidator(_catalogue_id("stone material", catalogue.gemstones)),
    WithJsonSchema({"type": "string", "enum": list(catalogue.gemstones())}),
]
_Number = Annotated[float, Field(allow_inf_nan=False, strict=True)]  # numbers only: no "4", no true
Millimetres = _Number
Degrees = _Number
Grams = _Number


# Text a person typed may hold letters, marks, digits, punctuation, symbols and spaces of any script, and what it
# holds must show: refused are controls (C0, DEL, C1), line and paragraph separators, lone surrogates, format
# characters (Cf: bidi overrides, zero-width spaces and joiners, BOM), private-use and unassigned code points (Co,
# Cn), the characters Unicode marks default-ignorable (variation selectors, the combining grapheme joiner, Hangul
# fillers...), the braille blank, and combining marks with no letter to sit on. So "Alice" and "Alice" with an
# invisible letter are not two different clients.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn"})
_MARKS = frozenset({"Mn", "Me", "Mc"})
_INVISIBLE_RANGES = (  # Unicode's Default_Ignorable_Code_Point, and the braille blank
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x2800, 0x2800), (0x3164, 0x3164), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def _invisible(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def unprintable(text: str) -> str | None:
    """Why `text` is not visible single-line text (naming the first bad character), or None when it is."""
    previous = None
    for char in text:
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES or _invisible(char):
            kind = "a control" if category == "Cc" else "an invisible or line-breaking"
            return f"contains {kind} character (U+{ord(char):04X}); visible characters only"
        if category in _MARKS and (previous is None or previous.isspace()):
            return f"contains a combining mark with no letter to sit on (U+{ord(char):04X}); visible characters only"
        previous = char
    if text and text.isspace():
        return "is only spaces; write something that shows"
    return None


def _printable(value: str) -> str:
    problem = unprintable(value)
    if problem:
        raise ValueError(problem)
    return value


def _printable_text(max_length: int, min_length: int = 0) -> Any:
    """Printable single-line text; its length is checked first, so a long text is not scanned."""
    return Annotated[str, Field(min_length=min_length or None, max_length=max_length), AfterValidator(_printable)]


def _whole_number(*choices: int):
    """A JSON integer among `choices`: no true, no 4.0, no "4" (pydantic's Literal would take the first two)."""
    allowed = " or ".join(filter(None, (", ".join(str(choice) for choice in choices[:-1]), str(choices[-1]))))

    def check(value: Any) -> Any:
        if value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value not in choices:
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"must be {allowed} (a whole number)")  # the message adds which: NaN, Infinity
            shown = repr(value) if len(repr(value)) <= 24 else f"a {type(value).__name__}"
            raise ValueError(f"must be {allowed} (a whole number), not {shown}")
        return value

    return BeforeValidator(check)


class Part(BaseModel):
    """Base of every document part: immutable, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Size(Part):
    """A ring size as written in one system; UK takes letters with halves, e.g. "N 1/2"."""

    system: System = Field(description="US, UK, EU (ISO 8653 inner circumference in mm), JP or CH")
    value: Annotated[float, Field(strict=True)] | str = Field(description="number, or a UK letter such as 'N 1/2'")

    @model_validator(mode="after")
    def _valid_size(self) -> Size:
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise ValueError("value: must be a finite number")
        if isinstance(self.value, str) and len(self.value) > 16:
            raise ValueError("value: too long for a size")
        try:
            self.ring_size()
        except DesignError as exc:
            raise ValueError(str(exc).removeprefix("ring.size.")) from None
        return self

    def ring_size(self) -> RingSize:
        return RingSize.of(self.system, self.value)


def shortest_length_mm(shape: Shape) -> float:
    """The shortest length (to 0.01 mm) at which a stone of `shape` in its usual proportion is 1 mm wide."""
    return math.ceil(SHAPE_RULES[shape].length_to_width * 100 - 1e-9) / 100


class Stone(Part):
    shape: Shape = Shape.ROUND
    cut: Cut = Cut.BRILLIANT
    material: MaterialId = "diamond"
    length_mm: Millimetres = Field(6.5, ge=1.0, le=25.0, description="longest outline dimension, mm")
    width_mm: Millimetres | None = Field(
        None, ge=1.0, le=25.0, description="outline width, mm; default from the shape's usual proportion"
    )
    depth_mm: Millimetres | None = Field(
        None, ge=0.4, le=20.0, description="table to culet, mm; default from the cut's proportions"
    )
    color: str | None = Field(None, max_length=24, description="diamond D-Z, other stones a colour name")
    clarity: str | None = Field(None, max_length=24, description="diamond FL-I3, others eye-clean...included")
    client_supplied: bool = Field(
        False, strict=True, description="the client's own stone: no stone cost, setting only"
    )
    stock_number: str | None = Field(
        None, pattern=STOCK_NUMBER_PATTERN, description="a stone of the store's own (version 2): its stock number in "
        "the inventory; the stone's size is its measured size, its price the stone's own, its report on the sheet")

    @model_validator(mode="after")
    def _grades_and_outline(self) -> Stone:
        if self.stock_number is not None and self.client_supplied:
            raise ValueError("stock_number: the client's own stone is not one of the store's (remove one of "
                             "stock_number and client_supplied)")
        gem = catalogue.gemstone(self.material)
        colors = DIAMOND_COLORS if gem.is_diamond else gem.colors
        clarities = DIAMOND_CLARITIES if gem.is_diamond else STONE_CLARITIES
        if self.color is not None and self.color not in colors:
            raise ValueError(f"color: {self.color!r} is not a {gem.name} colour; choose one of: {', '.join(colors)}")
        if self.clarity is not None and self.clarity not in clarities:
            raise ValueError(
                f"clarity: {self.clarity!r} is not a {gem.name} grade; choose one of: {', '.join(clarities)}"
            )
        if self.width_mm is not None:
            if self.width_mm > self.length_mm + 1e-9:
                raise ValueError("width_mm: larger than the length; the length is the longest dimension")
            if SHAPE_RULES[self.shape].square and abs(self.width_mm - self.length_mm) > 0.05 * self.length_mm:
                raise ValueError(f"width_mm: a {self.shape.value} stone has equal length and width")
            if self.length_mm > MAX_LENGTH_TO_WIDTH * self.width_mm + 1e-9:
                raise ValueError(
                    f"width_mm: {self.width_mm:g} mm is too narrow for a {self.length_mm:g} mm stone; "
                    f"a stone is at most {MAX_LENGTH_TO_WIDTH:g} times as long as it is wide"
                )
        if self.width_mm is None and self.outline_width_mm < 1.0 - 1e-9:
            shortest = shortest_length_mm(self.shape)
            raise ValueError(
                f"length_mm: a {self.length_mm:g} mm {self.shape.value} is {self.outline_width_mm:.2f} mm wide by its "
                f"usual proportion, under the 1 mm minimum; make it at least {shortest:.2f} mm long or give its width"
            )
        if self.depth_mm is not None and self.depth_mm > self.outline_width_mm:
            raise ValueError("depth_mm: larger than the stone's width; no cut is that deep")
        return self

    @property
    def outline_width_mm(self) -> float:
        if self.width_mm is not None:
            return self.width_mm
        return self.length_mm / SHAPE_RULES[self.shape].length_to_width

    @property
    def grade_color(self) -> str:
        gem = catalogue.gemstone(self.material)
        return self.color or ("G" if gem.is_diamond else gem.colors[0])

    @property
    def grade_clarity(self) -> str:
        gem = catalogue.gemstone(self.material)
        return self.clarity or ("VS2" if gem.is_diamond else "eye-clean")


ETERNITY_SHAPES = tuple(shape for shape, rules in SHAPE_RULES.items() if rules.in_eternity)
ETERNITY_LONGEST_MM = 5.0
ETERNITY_FEWEST = 3
# Between girdles (PRODUCT.md "Eternity bands"): shared-prong stones sit 0.1-0.2 mm apart (each its own seat, the
# prongs standing in the notches between them), channel stones nearly touch (0.05-0.1 mm: one trough holds them); a
# bezel's cups need a 0.35 mm wall between the seats past their clearances, so bezel rows keep 0.45-0.5 mm.
# Documents written when shared-prong rows stood 0.45 mm and more apart, channels 0.1 mm and more, still load (within
# the field's limits): the check says when their prongs no longer hold each stone at four places.
ROW_GAP_LEAST_MM = {RowSetting.SHARED_PRONG: 0.1, RowSetting.CHANNEL: 0.05, RowSetting.BEZEL: 0.45}
ETERNITY_GAPS_MM = {RowSetting.SHARED_PRONG: 0.15, RowSetting.CHANNEL: 0.08, RowSetting.BEZEL: 0.5}
# Side stones (sidestones.py: a three-stone's shared prongs, a channel of side stones) keep their own gaps, judged by
# the side stones' check against 0.1 mm between girdles.
ROW_GAPS_MM = {RowSetting.SHARED_PRONG: 0.5, RowSetting.CHANNEL: 0.2, RowSetting.BEZEL: 0.5}


def _eternity_stone() -> Stone:
    return Stone(length_mm=2.0)


class Eternity(Part):
    """A row of like stones along the band: all round it, over three quarters, or over half (centred on top)."""

    coverage: Coverage = Coverage.HALF
    setting: RowSetting = RowSetting.SHARED_PRONG
    stone: Stone = Field(default_factory=_eternity_stone, description="one stone of the row; set across the band")
    gap_mm: Millimetres | None = Field(
        None, ge=0.05, le=1.5, description="between neighbouring girdles, mm; default 0.15 in shared prongs (the trade's "
        "0.1-0.2), 0.08 in a channel (0.05-0.1), 0.5 in bezels")

    @property
    def gap(self) -> float:
        """The gap between neighbours: the document's, or the setting's usual one."""
        return self.gap_mm if self.gap_mm is not None else ETERNITY_GAPS_MM[self.setting]

    @model_validator(mode="after")
    def _stones_for_a_row(self) -> Eternity:
        if self.stone.shape not in ETERNITY_SHAPES:
            raise ValueError(f"stone.shape: an eternity row takes {', '.join(s.value for s in ETERNITY_SHAPES)} "
                             f"stones, not {self.stone.shape.value}")
        least = ROW_GAP_LEAST_MM[self.setting]
        if self.gap < least - 1e-9:
            raise ValueError(f"gap_mm: stones in a {self.setting.value} row stand at least {least:g} mm apart (the "
                             f"metal between their seats), not {self.gap:g}")
        if self.stone.length_mm > ETERNITY_LONGEST_MM + 1e-9:
            raise ValueError(f"stone.length_mm: eternity stones are at most {ETERNITY_LONGEST_MM:g} mm long, "
                             f"not {self.stone.length_mm:g}")
        return self


# Milgrain (PRODUCT.md "Milgrain"): beads 0.4-0.8 mm across, touching or nearly: centre to centre about one bead
# diameter (1.0-1.2 diameters), as the milgrain wheel rolls them after polishing. A document may ask for beads from
# 0.3 to 1.0 mm (the check flags one under castable detail, 0.35 mm) spaced from one diameter (touching) up; the
# default is MILGRAIN_PITCH_SHARE diameters. The hair between two beads of a row is the wheel's work, not an
# investment gap (`milgrain` casts neighbours that would touch a hair smaller, so that no two meet at a point).
# Documents written when the pitch was the bead and a 0.35 mm gap keep their pitch_mm (at most 3 mm).
MILGRAIN_BEAD_MM = 0.5
MILGRAIN_BEAD_RANGE = (0.3, 1.0)
MILGRAIN_PITCH_SHARE = 1.1
MILGRAIN_PITCH_RANGE = (1.0, 1.2)  # the trade's spacing, in bead diameters: what the controls offer
# A tapered shank's back (PRODUCT.md: a ring shank at least 1.0-1.2 mm by alloy, so no alloy casts one under 1.0 mm;
# a band narrower than 1.5 times that bends in wear, as the check says of any band).
TAPER_THINNEST_MM = 1.0
TAPER_NARROWEST_MM = 1.5


class Milgrain(Part):
    """A row of beads along an edge: `bead_mm` across, `pitch_mm` centre to centre along the edge."""

    bead_mm: Millimetres = Field(
        MILGRAIN_BEAD_MM, ge=MILGRAIN_BEAD_RANGE[0], le=MILGRAIN_BEAD_RANGE[1],
        description="bead diameter, mm (the trade's 0.4-0.8; the check flags one under 0.35)")
    pitch_mm: Millimetres | None = Field(
        None, ge=0.3, le=3.0, description=f"centre to centre along the edge, mm; at least the bead; default "
        f"{MILGRAIN_PITCH_SHARE:g} beads (the trade's {MILGRAIN_PITCH_RANGE[0]:g}-{MILGRAIN_PITCH_RANGE[1]:g})")

    @model_validator(mode="after")
    def _beads_apart(self) -> Milgrain:
        if self.pitch_mm is not None and self.pitch_mm < self.bead_mm * MILGRAIN_PITCH_RANGE[0] - 1e-9:
            raise ValueError(f"pitch_mm: beads {self.bead_mm:g} mm across {self.pitch_mm:g} mm apart would overlap; "
                             f"space them at least {self.bead_mm * MILGRAIN_PITCH_RANGE[0]:.2f} mm apart (the trade "
                             f"sets them {self.bead_mm * MILGRAIN_PITCH_SHARE:.2f})")
        return self

    @property
    def pitch(self) -> float:
        """Centre to centre along the edge: the document's, or MILGRAIN_PITCH_SHARE bead diameters."""
        return self.pitch_mm if self.pitch_mm is not None else round(self.bead_mm * MILGRAIN_PITCH_SHARE, 6)


class EdgeMilgrain(Milgrain):
    """Milgrain along the band's edges, where its outside meets its sides (y = +-width/2)."""

    edges: Edges = Field(Edges.BOTH, description="both edges, or one (the +Y edge)")


class Taper(Part):
    """A shank narrower or thinner at the back than at the head; the ring's width_mm and thickness_mm are the top's."""

    width_back_mm: Millimetres | None = Field(
        None, ge=TAPER_NARROWEST_MM, le=15.0, description="band width at the back, mm; unset: the top's width_mm")
    thickness_back_mm: Millimetres | None = Field(
        None, ge=TAPER_THINNEST_MM, le=4.0, description="band thickness at the back, mm; unset: the top's thickness_mm")

    @model_validator(mode="after")
    def _something_tapers(self) -> Taper:
        if self.width_back_mm is None and self.thickness_back_mm is None:
            raise ValueError("a tapered shank needs a width or a thickness at the back (or both)")
        return self


class Ring(Part):
    size: Size
    profile: Profile = Profile.COMFORT
    width_mm: Millimetres = Field(4.0, ge=1.0, le=15.0, description="band width along the finger, mm")
    thickness_mm: Millimetres = Field(1.8, ge=0.4, le=4.0, description="band thickness, inner to outer, mm")
    eternity: Eternity | None = Field(None, description="stones along the band (document version 2)")
    milgrain: EdgeMilgrain | None = Field(None, description="beads along the band's edges (document version 2)")
    taper: Taper | None = Field(None, description="a shank narrower or thinner at the back (document version 2)")

    @property
    def width_back_mm(self) -> float:
        """The band's width at the back: the taper's, or the same as at the top."""
        return self.taper.width_back_mm if self.taper and self.taper.width_back_mm is not None else self.width_mm

    @property
    def thickness_back_mm(self) -> float:
        """The band's thickness at the back: the taper's, or the same as at the top."""
        taper = self.taper
        return taper.thickness_back_mm if taper and taper.thickness_back_mm is not None else self.thickness_mm

    @model_validator(mode="after")
    def _taper_and_milgrain_fit(self) -> Ring:
        if self.taper is not None:
            if self.width_back_mm > self.width_mm + 1e-9:
                raise ValueError(f"taper.width_back_mm: {self.width_back_mm:g} mm is wider than the top's "
                                 f"{self.width_mm:g} mm; a tapered shank narrows toward the back")
            if self.thickness_back_mm > self.thickness_mm + 1e-9:
                raise ValueError(f"taper.thickness_back_mm: {self.thickness_back_mm:g} mm is thicker than the top's "
                                 f"{self.thickness_mm:g} mm; a tapered shank thins toward the back")
            if self.eternity is not None:
                raise ValueError("taper: an eternity row keeps one width and thickness all round (remove the taper or "
                                 "the row)")
        if self.milgrain is not None:
            if self.eternity is not None and self.eternity.coverage is Coverage.FULL:
                raise ValueError("milgrain: a full eternity's row takes the band's edges all round (choose a half or "
                                 "three-quarter row, or no milgrain)")
        return self

    @model_validator(mode="after")
    def _row_has_a_top(self) -> Ring:
        if self.eternity is not None and self.profile in RIDGED_PROFILES:
            raise ValueError(f"eternity: a row of stones needs a band with a flat or rounded top; a "
                             f"{self.profile.value} band has none (choose flat, half-round, comfort or bevelled)")
        return self


SIDE_SHARE_RANGE = (0.3, 1.0)  # a side stone's length as a share of the centre's (one a side usually weighs 50-70 % of its carat)
SIDE_STYLES = (SettingStyle.PRONG, SettingStyle.BEZEL, SettingStyle.CHANNEL)
SIDE_MOST_PER_SHOULDER = 5
SIDE_GRADUATION = 0.85  # each stone of a graduated row is this share of its neighbour nearer the centre
SIDE_GRADUATION_RANGE = (0.6, 1.0)
# A graduated row's smallest stone: in a channel, smaller ones leave slivers between their seats; in a head, 0.7 mm
# prongs (PRODUCT.md) round a stone under 1.8 mm crowd its gallery down onto the band.
SIDE_SMALLEST_MM = {SettingStyle.CHANNEL: 1.5, SettingStyle.PRONG: 1.8, SettingStyle.BEZEL: 1.8}
# Side stones that share prongs with the centre, those the app offers it to, and the centres that share them (see
# ShapeRules).
SHARED_PRONG_SHAPES = tuple(shape for shape, rules in SHAPE_RULES.items() if rules.shares_as_side)
SHARING_SIDE_SHAPES = tuple(shape for shape, rules in SHAPE_RULES.items() if rules.sharing_offered)
SHARING_CENTRE_SHAPES = tuple(shape for shape, rules in SHAPE_RULES.items() if rules.shares_as_centre)
CHANNEL_SIDE_SHAPES = tuple(shape for shape, rules in SHAPE_RULES.items() if rules.in_channel)
# A graduated row's stones each in their own head (a narrow stone's head is too small for its prongs to stand apart).
GRADUATED_SIDE_SHAPES = tuple(shape for shape, rules in SHAPE_RULES.items() if rules.graduated)


def _side_stone() -> Stone:
    return Stone(length_mm=4.0)


class SideStones(Part):
    """Stones on the band's shoulders either side of the centre: one each side (a three-stone ring), or a graduated
    row of up to five a side, each in its own prongs or bezel or all in a channel."""

    stone: Stone = Field(default_factory=_side_stone,
                         description="the side stone next to the centre (the largest of a graduated row)")
    style: SettingStyle = Field(SettingStyle.PRONG, description="prong, bezel or channel")
    count: Annotated[int, _whole_number(*range(1, SIDE_MOST_PER_SHOULDER + 1))] = Field(
        1, ge=1, le=SIDE_MOST_PER_SHOULDER, description=f"stones on each shoulder, 1-{SIDE_MOST_PER_SHOULDER}")
    graduation: float = Field(
        SIDE_GRADUATION, ge=SIDE_GRADUATION_RANGE[0], le=SIDE_GRADUATION_RANGE[1],
        description="each stone's length as a share of its neighbour nearer the centre (1: all alike)")
    shared_prongs: bool = Field(
        False, description="the prongs between the centre and each side stone hold both (one prong-set stone a side, a "
                           "prong centre)")

    @model_validator(mode="after")
    def _row_can_be_set(self) -> SideStones:
        if self.style not in SIDE_STYLES:
            raise ValueError(f"style: side stones sit in prongs, a bezel or a channel, not {self.style.value}")
        if self.style is SettingStyle.CHANNEL and self.stone.shape not in CHANNEL_SIDE_SHAPES:
            raise ValueError(f"stone.shape: a channel holds {', '.join(s.value for s in CHANNEL_SIDE_SHAPES)} "
                             f"stones, not {self.stone.shape.value}")
        if self.count > 1 and self.style is not SettingStyle.CHANNEL and self.stone.shape not in GRADUATED_SIDE_SHAPES:
            raise ValueError(f"stone.shape: a graduated row in {self.style.value}s takes "
                             f"{', '.join(s.value for s in GRADUATED_SIDE_SHAPES)} stones, not {self.stone.shape.value} "
                             "(one a side takes any shape)")
        if self.shared_prongs and (self.style is not SettingStyle.PRONG or self.count > 1):
            raise ValueError("shared_prongs: only one side stone a side, in prongs, shares prongs with the centre "
                             f"(not {self.count} a side in {self.style.value}s)" if self.count > 1 else
                             f"shared_prongs: only side stones in prongs share them with the centre, not in a "
                             f"{self.style.value}")
        if self.shared_prongs and self.stone.shape not in SHARED_PRONG_SHAPES:
            raise ValueError(f"shared_prongs: a {self.stone.shape.value} side stone takes prongs of its own, not "
                             "shared ones (choose another shape, or leave the prongs unshared)")
        smallest, least = self.stones[-1], SIDE_SMALLEST_MM[self.style]
        if self.count > 1 and smallest.length_mm < least - 1e-9:
            raise ValueError(f"graduation: the smallest side stone would be {smallest.length_mm:g} mm long; a graduated "
                             f"row holds stones of at least {least:g} mm (choose fewer stones, larger ones or a gentler "
                             "graduation)")
        return self

    @property
    def stones(self) -> tuple[Stone, ...]:
        """One shoulder's stones, nearest the centre first, each `graduation` of the one before (to 0.01 mm)."""
        first = self.stone
        result = [first]
        for index in range(1, self.count):
            length = round(first.length_mm * self.graduation**index, 2)
            changes: dict[str, Any] = {"length_mm": max(1.0, length)}
            scale = changes["length_mm"] / first.length_mm
            if first.width_mm is not None:
                changes["width_mm"] = max(1.0, round(min(first.width_mm * scale, changes["length_mm"]), 2))
            if first.depth_mm is not None:
                changes["depth_mm"] = max(0.4, round(first.depth_mm * scale, 2))
            result.append(first.model_copy(update=changes))
        return tuple(result)

    @property
    def groups(self) -> tuple[tuple[Stone, int], ...]:
        """The ring's side stones by size, nearest the centre first: each stone and how many of it (both shoulders)."""
        groups: list[tuple[Stone, int]] = []
        for stone in self.stones:
            if groups and groups[-1][0].length_mm == stone.length_mm:
                groups[-1] = (groups[-1][0], groups[-1][1] + 2)
            else:
                groups.append((stone, 2))
        return tuple(groups)


class Setting(Part):
    style: SettingStyle = SettingStyle.PRONG
    prongs: Annotated[Literal[3, 4, 6] | None, _whole_number(3, 4, 6)] = Field(
        None, description="prong count; default by style (4)"
    )
    tips: ProngTip = Field(ProngTip.ROUND, description="prong tip shape: round or claw")
    prong_mm: Millimetres | None = Field(
        None, ge=0.3, le=2.5, description="centre prong diameter, mm; default from the stone's size (the check "
        "flags one thinner than the trade table)")
    milgrain: Milgrain | None = Field(None, description="beads round a bezel's rim (document version 2)")


class Chain(Part):
    length_mm: Millimetres = Field(450.0, ge=300.0, le=1000.0, description="chain length, clasp included, mm")


class Pendant(Part):
    outline: Outline = Outline.ROUND
    size_mm: Millimetres = Field(14.0, ge=6.0, le=50.0, description="outline length, mm")
    thickness_mm: Millimetres = Field(1.5, ge=0.4, le=5.0, description="plate thickness, mm")
    bail: Bail = Bail.FIXED
    clasp: Clasp = Clasp.LOBSTER
    chain: Chain = Chain()


class Engraving(Part):
    """Text engraved inside the band (or outside it), or on the back of a pendant.

    Cut (`cut`, the default), the text is part of the metal: carved into the wax in the chosen font, `height_mm` tall
    and `depth_mm` deep (PRODUCT.md: 0.10-0.30 mm deep, letters at least 1.5 mm high). A document that gives only
    `text` was written when engraving was a price line: it reads as `cut` false, engraved by hand after casting, and
    quotes as it did.
    """

    text: _printable_text(MAX_ENGRAVING_CHARACTERS, 1) = Field(
        json_schema_extra={"pattern": r"^[^\x00-\x1f\x7f-\x9f]+$"}, description="printable characters only"
    )
    cut: bool = Field(True, strict=True, description="cut into the metal (true), or engraved by hand after casting "
                      "(false: how a document giving only its text reads)")
    font: Font = Field(Font.SANS, description="sans (DejaVu Sans Bold; the default: its strokes are the strongest, "
                      "castable from about 2 mm), serif (DejaVu Serif Bold) or script (Dancing Script Bold)")
    place: EngravingPlace = Field(EngravingPlace.INSIDE, description="a ring's inside or outside; a pendant's "
                                  "engraving is always on its back")
    height_mm: Millimetres = Field(ENGRAVING_HEIGHT_MM[0], ge=ENGRAVING_HEIGHT_MM[0], le=ENGRAVING_HEIGHT_MM[1],
                                   description="capital letters' height, mm; the text's tallest and lowest letters "
                                   "must fit across the band")
    depth_mm: Millimetres = Field(0.15, ge=ENGRAVING_DEPTH_MM[0], le=ENGRAVING_DEPTH_MM[1],
                                  description="how deep the letters are cut, mm")
    position_deg: Degrees = Field(180.0, ge=0.0, le=360.0, description="a ring's: where the text's middle is round "
                                  "the band, degrees from the top (under the head) toward +X; 180 is the bottom of the "
                                  "shank")

    @model_validator(mode="before")
    @classmethod
    def _by_hand_when_only_text(cls, data: Any) -> Any:
        """A document giving only the text reads as it was written: engraved by hand after casting."""
        if isinstance(data, dict) and set(data) == {"text"}:
            return {**data, "cut": False}
        return data

    @property
    def characters(self) -> int:
        """Characters the engraver cuts (spaces are free)."""
        return sum(1 for char in self.text if not char.isspace())


class Heirloom(Part):
    """The client's own metal, credited against the new piece."""

    metal: MetalId
    grams: Grams = Field(gt=0, le=1000.0, description="weight of the client's metal, g")


# A contoured (matching) band sits 0.2-0.3 mm clear of the engagement ring's head and shoulders (PRODUCT.md).
MATCHING_CLEARANCE_RANGE_MM = (0.2, 0.3)
MATCHING_CLEARANCE_MM = 0.25


class MatchingBand(Part):
    """A wedding band made to sit beside the ring on the same finger: a plain band of the ring's size whose top
    follows the underside of the ring's head and shoulders `clearance_mm` clear of them (a contour), or a straight
    band where nothing of the ring comes that near. Cast and priced as a ring of its own, in the design's metal."""

    profile: Profile = Profile.COMFORT
    width_mm: Millimetres = Field(2.0, ge=1.0, le=15.0, description="band width along the finger, mm")
    thickness_mm: Millimetres = Field(1.6, ge=0.4, le=4.0, description="band thickness, inner to outer, mm")
    clearance_mm: Millimetres = Field(
        MATCHING_CLEARANCE_MM, ge=MATCHING_CLEARANCE_RANGE_MM[0], le=MATCHING_CLEARANCE_RANGE_MM[1],
        description="air between the band and the ring (metal and stones) where they come closest, mm")
    side: BandSide = Field(BandSide.BELOW, description="below the ring (toward the hand, -Y) or above it (+Y)")

    def as_ring(self, ring: Ring) -> Ring:
        """The band as a plain ring of `ring`'s size."""
        return Ring(size=ring.size, profile=self.profile, width_mm=self.width_mm, thickness_mm=self.thickness_mm)


class Design(Part):
    """One piece as a client designed it."""

    schema_version: Annotated[Literal[1, 2], _whole_number(1, SCHEMA_VERSION)] = SCHEMA_VERSION
    name: _printable_text(MAX_NAME_CHARACTERS) | None = Field(None, description="printable characters only")
    piece: Piece
    metal: MetalId
    ring: Ring | None = None
    stone: Stone | None = None
    setting: Setting | None = None
    side_stones: SideStones | None = Field(None, description="a stone either side of the centre (version 2)")
    pendant: Pendant | None = None
    heirloom: Heirloom | None = None
    engraving: Engraving | None = None
    matching_band: MatchingBand | None = Field(
        None, description="a wedding band made to sit flush beside the ring, priced and exported as its own (version 2)")

    @model_validator(mode="before")
    @classmethod
    def _migrated(cls, data: Any) -> Any:
        """A version-1 document is a version-2 one without eternity rows, side stones, milgrain or tapers: it reads
        unchanged, as version 2."""
        if isinstance(data, dict) and type(data.get("schema_version")) is int and data["schema_version"] == 1:
            ring = data.get("ring")
            if isinstance(ring, dict) and "eternity" in ring:
                raise ValueError("ring.eternity: needs schema_version 2 (version 1 has no eternity rows)")
            if "side_stones" in data:
                raise ValueError("side_stones: needs schema_version 2 (version 1 has no side stones)")
            for part, key, what in (("ring", "milgrain", "milgrain"), ("ring", "taper", "tapered shanks"),
                                    ("setting", "milgrain", "milgrain")):
                if isinstance(data.get(part), dict) and key in data[part]:
                    raise ValueError(f"{part}.{key}: needs schema_version 2 (version 1 has no {what})")
            if "matching_band" in data:
                raise ValueError("matching_band: needs schema_version 2 (version 1 has no matching band)")
            if isinstance(data.get("stone"), dict) and "stock_number" in data["stone"]:
                raise ValueError("stone.stock_number: needs schema_version 2 (version 1 has no stones of the store's)")
            data = {**data, "schema_version": SCHEMA_VERSION}
        return data

    @model_validator(mode="after")
    def _parts_match_piece(self) -> Design:
        if self.piece is Piece.RING and self.ring is None:
            raise ValueError("ring: a ring design needs its ring part (size, profile, width, thickness)")
        if self.piece is Piece.PENDANT and self.pendant is None:
            raise ValueError("pendant: a pendant design needs its pendant part (outline, bail, clasp, chain)")
        if self.piece is Piece.RING and self.pendant is not None:
            raise ValueError("pendant: a ring design carries no pendant part (remove it, or make the piece a pendant)")
        if self.piece is Piece.PENDANT and self.ring is not None:
            raise ValueError("ring: a pendant design carries no ring part (remove it, or make the piece a ring)")
        if self.setting is not None and self.stone is None:
            raise ValueError("setting: a setting needs a stone to hold")
        if self.side_stones is not None and self.side_stones.stone.stock_number is not None:
            raise ValueError("side_stones.stone.stock_number: only the centre stone is chosen from the store's stones")
        if self.ring is not None and self.ring.eternity is not None and self.ring.eternity.stone.stock_number:
            raise ValueError("ring.eternity.stone.stock_number: only the centre stone is chosen from the store's stones")
        if self.matching_band is not None and self.piece is not Piece.RING:
            raise ValueError("matching_band: a pendant has no matching band (it sits beside a ring on the finger)")
        if self.side_stones is not None:
            if self.piece is not Piece.RING:
                raise ValueError("side_stones: a pendant has no side stones (they sit on a ring's shoulders)")
            if self.stone is None:
                raise ValueError("side_stones: side stones flank a centre stone; add the centre stone first")
        if self.piece is Piece.RING and self.ring.eternity is not None and self.stone is not None:
            raise ValueError("stone: an eternity band carries no centre stone (remove the stone or the eternity row)")
        if (
            self.piece is Piece.PENDANT
            and self.stone is not None
            and max(self.stone.length_mm, self.stone.outline_width_mm) > self.pendant.size_mm + 1e-9
        ):
            raise ValueError(
                f"stone.length_mm: a {self.stone.length_mm:g} mm stone is larger than the {self.pendant.size_mm:g} mm "
                "pendant it sits on; choose a smaller stone or a longer pendant"
            )
        return self

    @property
    def ring_size(self) -> RingSize | None:
        return self.ring.size.ring_size() if self.ring else None

    @property
    def effective_setting(self) -> Setting | None:
        """The setting that holds the stone: the document's, or a four-prong head by default."""
        if self.stone is None:
            return None
        return self.setting or Setting()

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
