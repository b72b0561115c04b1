"""Engraving cut into the metal: the text's outline at its size, where on the piece it goes and whether it fits,
the cutter that carves it, and how fine its strokes come out.

A ring's text runs round the band: the line's length maps to the angle round the finger axis (Y), so the cut is
radial and its floor lies `depth_mm` under the band's true surface at every point across the width. Read from
inside the band (from outside for `outside`), the letters stand upright across the band, their tops toward +Y,
and run from left to right. A pendant's text is cut into the back of the plate (z = 0), mirrored so that it reads
from behind, its tops toward the bail.

Trade figures (PRODUCT.md): cut 0.10-0.30 mm deep; letters at least 1.5 mm high and strokes at least 0.3-0.35 mm
wide to survive casting and polishing; castable detail 0.35 mm; a 3 mm band takes about 20-25 characters inside at
1.5 mm.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from . import catalogue, fonts
from .design import ENGRAVING_HEIGHT_MM, Design, Engraving, EngravingPlace, Font, Piece, Profile, Ring
from .eternity import span
from .heads import head_reach_mm
from .outlines import pendant_outline
from .pendants import BORDER_INSET_MM, BORDER_STONE_MM, girdle_height
from .profiles import band_section
from .shapes import shape_of, stone_outline
from .sidestones import LOWEST_DEG, placement
from .solids import EXPORT, section
from .stone_forms import StoneForm
from .styles import style_of

EDGE_MARGIN_MM = 0.4  # the letters keep this far inside a band's edges, where a comfort fit curves away
CLEAR_MM = 1.0  # round the band, between the text's ends and what the top holds (a head, shoulders, a row)
END_GAP_MM = 2.0  # a text running round a plain band leaves its two ends at least this far apart
PLATE_MARGIN_MM = 0.8  # on a pendant's back, the letters keep this far inside the plate's edge
SEAT_CLEAR_MM = 0.3  # and this far from a stone's seat where it comes down near the back (its clearance, a gap)
CUT_MARGIN_MM = 0.05  # the cutter stands this far out of the surface, so that none of its faces lies on the metal's
# Letters stand apart by a spacing that grows with them, and their ink never nearer than castable detail (0.35 mm,
# PRODUCT.md; more than the LEAST_WIDTH_MM the check asks of the metal between two strokes): where a font's own spacing lets
# two letters touch (serif feet in "Ax" or "WV", "KA" or "TY" in the sans) or a letter reach over the next ("KJ",
# "fW"), the second moves on until they stand that far apart. A word space is the font's own; a script's letters
# join their neighbours by design and keep the font's spacing.
LETTER_SPACING = 0.3  # cap heights added after each letter: 0.45 mm at 1.5 mm, 0.6 mm at 2 mm
LETTER_GAP_MM = 0.35
# How fine the cut comes out (PRODUCT.md: strokes at least 0.3-0.35 mm wide, gaps at least 0.3 mm, to survive casting
# and polishing), measured on the text's own outline, the 2D shape the cutter is extruded from (`lettering`; the cut's
# walls stand straight on it, so its width at the surface is the outline's). Each point of a letter's cut has a local
# width: the largest disc inside the letter that covers it. The text's thinnest stroke is the width under which a tenth
# of all its letters' cut lies: a stroke's tip, a serif's point or a dot's corners are a small share of it and do not
# count, a hairline running through the letters does. The same for the metal between strokes (what a closing of the
# letters fills: counters, crotches, the space to the next letter). Both are measured per character at cap height 1
# (cached) and scale with the letters.
LEAST_WIDTH_MM = 0.30  # a stroke or a gap narrower than this does not cast: the check blocks the export
FINE_SHARE = 0.10
_UNIT_RADII = 0.004 * 1.1 ** np.arange(45)  # offsets tried, cap heights, 10 % apart: up to a local width of 0.53
_MEASURE_TOLERANCE = 1 / 256  # outlines measured to within this share of the cap height
_VALIDATION_TOLERANCE = 1 / 256


@dataclass(frozen=True)
class Lettering:
    """The text's outline at its size, mm: x along the line (0 at its middle), y up the letters (0 half way up
    the ink)."""

    area: manifold3d.CrossSection
    length_mm: float  # along the pen: the advance widths and the spacing added up
    extent_mm: float  # from the lowest descender to the highest letter


def spacing(engraving: Engraving) -> fonts.Spacing:
    """How the letters of `engraving`'s text stand apart, cap heights (a joined script's as the font draws them)."""
    if engraving.font in fonts.JOINED:
        return fonts.Spacing()
    return fonts.Spacing(LETTER_SPACING, LETTER_GAP_MM / engraving.height_mm)


def lettering(engraving: Engraving, chord_mm: float) -> Lettering:
    """The outline of `engraving`'s text, its curves within `chord_mm` of the font's, its letters spaced."""
    height = engraving.height_mm
    line = fonts.line(engraving.text, engraving.font, chord_mm / height, spacing(engraving))
    shapes = [placed.area for placed in line.glyphs if not placed.area.is_empty()]
    area = manifold3d.CrossSection.batch_boolean(shapes, manifold3d.OpType.Add) if shapes else manifold3d.CrossSection()
    area = area.scale((height, height)).translate((-line.length * height / 2, -(line.bottom + line.top) * height / 2))
    return Lettering(area, line.length * height, (line.top - line.bottom) * height)


# ---------------------------------------------------------------- where it goes on a ring


@dataclass(frozen=True)
class BandFaces:
    """A band's inside and outside radius at heights `y` across its width (finger axis Y)."""

    y: np.ndarray
    inside: np.ndarray
    outside: np.ndarray

    def thickness(self, half_span: float) -> float:
        """The least thickness within `half_span` of the band's centre line."""
        within = np.abs(self.y) <= half_span + 1e-9
        return float((self.outside - self.inside)[within].min())

    def radius(self, place: EngravingPlace) -> float:
        """The surface's radius at the centre line: the text's length is measured round it."""
        faces = self.inside if place is EngravingPlace.INSIDE else self.outside
        return float(np.interp(0.0, self.y, faces))


def band_faces(points: np.ndarray, samples: int = 241) -> BandFaces:
    """The inside and outside of a band section ((radius, height) polygon, revolved and turned so that height h
    lies at y = -h), sampled across its width."""
    low, high = points[:, 1].min(), points[:, 1].max()
    heights = np.linspace(low, high, samples)
    heights[0], heights[-1] = low + 1e-9, high - 1e-9
    start, end = points, np.roll(points, -1, axis=0)
    crossings = np.full((samples, len(points)), np.nan)
    for index, (a, b) in enumerate(zip(start, end, strict=True)):
        if abs(b[1] - a[1]) < 1e-12:
            continue
        t = (heights - a[1]) / (b[1] - a[1])
        inside = (t >= 0) & (t <= 1)
        crossings[inside, index] = a[0] + t[inside] * (b[0] - a[0])
    return BandFaces(-heights[::-1], np.nanmin(crossings, axis=1)[::-1], np.nanmax(crossings, axis=1)[::-1])


def ring_faces(ring: Ring) -> BandFaces:
    """`ring`'s band faces from its size and profile alone (no solid built)."""
    profile = band_section(ring.profile, ring.size.ring_size().inner_radius_mm, ring.width_mm, ring.thickness_mm,
                           EXPORT)
    return band_faces(profile.points)


def kept_clear(design: Design) -> float:
    """Half the angle round the band's top (radians from +Z) that the head, its shoulders, side stones or an eternity
    row take: the text keeps out of it (0 for a plain band)."""
    ring = design.ring
    outer = ring.size.ring_size().inner_radius_mm + ring.thickness_mm
    taken = 0.0
    if ring.eternity is not None:
        taken = span(ring, ring.eternity)
    if design.stone is not None:
        setting = design.effective_setting
        reach = head_reach_mm(design.stone, setting.prong_mm, setting.style, along_x=True)
        taken = max(taken, math.asin(min(1.0, reach / outer)))
        if style_of(setting.style).shoulders is not None:  # accent rows or arches down the shoulders
            taken = max(taken, math.radians(LOWEST_DEG))
    if design.side_stones is not None:
        taken = max(taken, placement(design).reach)
    return taken


def ring_room_mm(design: Design, faces: BandFaces | None = None) -> float:
    """The longest text that fits round the band centred at the engraving's position (0 or less: none)."""
    engraving = design.engraving
    faces = faces or ring_faces(design.ring)
    radius = faces.radius(engraving.place)
    taken = kept_clear(design)
    if taken <= 0.0:
        return 2 * math.pi * radius - END_GAP_MM
    low = taken + CLEAR_MM / radius  # the free arc, radians from +Z round to the other side
    at = math.radians(engraving.position_deg)
    return 2 * min(at - low, 2 * math.pi - low - at) * radius


def fitting(lengths: np.ndarray, room: float) -> int:
    """How many characters of a line whose pen stands at `lengths` after each fit in `room`."""
    return int(np.searchsorted(lengths, room + 1e-9, side="right"))


# ---------------------------------------------------------------- where it goes on a pendant


@dataclass(frozen=True)
class Spot:
    """Where a pendant's text goes on the back: the middle of its line (plate x, y), and the area it may take."""

    x: float
    y: float
    free: manifold3d.CrossSection  # the plate's back, less its edge and the stone's seat


def pendant_spot(design: Design, extent_mm: float) -> Spot:
    """The middle of the back; on a pendant whose stone's seat comes within the alloy's least wall of the cut's
    floor, just below the seat's footprint there (a brilliant's pavilion reaches down near the back)."""
    pendant, engraving = design.pendant, design.engraving
    outline = pendant_outline(pendant.outline, pendant.size_mm)
    margin = PLATE_MARGIN_MM
    if design.stone is not None and style_of(design.effective_setting.style).border is not None:
        margin = BORDER_INSET_MM + BORDER_STONE_MM + SEAT_CLEAR_MM  # inside the border's seats
    free = section(outline).offset(-margin, manifold3d.JoinType.Round, circular_segments=32)
    centre_y = 0.0
    if pendant.outline.value == "teardrop":  # the plate's own centre (pendants.plate), where a stone sits
        width = outline[:, 0].max() - outline[:, 0].min()
        centre_y = float(outline[:, 1].min() + width / 2)
    if design.stone is None:
        return Spot(0.0, centre_y, free)
    form = StoneForm.of(design.stone)
    culet = girdle_height(pendant.thickness_mm, form.pavilion) - form.pavilion
    floor = engraving.depth_mm + catalogue.metal(design.metal).min_wall_mm  # where the seat may come down to
    share = min(1.0, (floor - culet) / form.pavilion)
    if share <= 0:
        return Spot(0.0, centre_y, free)
    stone = design.stone
    girdle = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64) * share
    if shape_of(stone.shape).hangs_point_down:  # on a pendant (geometry._pendant)
        girdle = -girdle
    seat = section(girdle + [0.0, centre_y]).offset(SEAT_CLEAR_MM, manifold3d.JoinType.Round, circular_segments=32)
    free = free - seat
    box = _box(0.0, centre_y, 1e-3, extent_mm)
    if (box ^ seat).area() <= 1e-9:
        return Spot(0.0, centre_y, free)
    below = float(seat.bounds()[1])
    return Spot(0.0, below - extent_mm / 2 - 1e-3, free)


def _box(x: float, y: float, length: float, extent: float) -> manifold3d.CrossSection:
    return manifold3d.CrossSection.square((max(length, 1e-6), max(extent, 1e-6))).translate(
        (x - length / 2, y - extent / 2))


def _fits(spot: Spot, length: float, extent: float) -> bool:
    return (_box(spot.x, spot.y, length, extent) - spot.free).area() < 1e-6


# ---------------------------------------------------------------- validation


def refusal(design: Design) -> str | None:
    """Why `design`'s engraving cannot be cut as it stands ("engraving.text: ..."), or None when it can."""
    engraving = design.engraving
    if engraving is None or not engraving.cut:
        return None
    lacking = fonts.missing(engraving.text, engraving.font)
    if lacking:
        shown = ", ".join(f"U+{ord(char):04X}" for char in lacking[:5])
        return (f"engraving.text: the {engraving.font.value} font has no letter for {shown}; choose another font, "
                "or leave the text to be engraved by hand after casting")
    line = fonts.line(engraving.text, engraving.font, _VALIDATION_TOLERANCE, spacing(engraving))
    height = engraving.height_mm
    extent = (line.top - line.bottom) * height
    lengths = line.prefix_lengths() * height
    if design.piece is Piece.PENDANT:
        return _pendant_refusal(design, extent, lengths)
    return _ring_refusal(design, line, extent, lengths)


def _shorter(engraving: Engraving, larger: str) -> str:
    """What makes a text fit: a shorter one, smaller letters (above the least height), another font, `larger`."""
    least = ENGRAVING_HEIGHT_MM[0]
    smaller = ", smaller letters" if engraving.height_mm > least + 1e-9 else ""
    return f"write a shorter text{smaller}, another font or {larger}"


def _ring_refusal(design: Design, line: fonts.Line, extent: float, lengths: np.ndarray) -> str | None:
    engraving, ring = design.engraving, design.ring
    if engraving.place is EngravingPlace.OUTSIDE and ring.profile is Profile.KNIFE_EDGE:
        return "engraving.place: a knife-edge band has no face outside to engrave (engrave it inside)"
    room_across = ring.width_mm - 2 * EDGE_MARGIN_MM
    if extent > room_across + 1e-9:
        tallest = math.floor(room_across / (line.top - line.bottom) * 10 + 1e-9) / 10
        lowest = ENGRAVING_HEIGHT_MM[0]
        if tallest < lowest:
            wanted = math.ceil((lowest * (line.top - line.bottom) + 2 * EDGE_MARGIN_MM) * 10 - 1e-9) / 10
            return (f"engraving.height_mm: this text in {lowest:g} mm letters stands {lowest * (line.top - line.bottom):.2f} "
                    f"mm across the band with its tallest and lowest letters; a {ring.width_mm:g} mm band takes "
                    f"{max(room_across, 0):.2f} mm of it (make the band at least {wanted:.1f} mm wide, or have it engraved "
                    "by hand after casting)")
        return (f"engraving.height_mm: letters {engraving.height_mm:g} mm high stand {extent:.2f} mm across the band "
                f"with the text's tallest and lowest letters; a {ring.width_mm:g} mm band takes {room_across:.2f} mm "
                f"of it (make the letters at most {tallest:.1f} mm high)")
    faces = ring_faces(ring)
    room = ring_room_mm(design, faces)
    low = math.degrees(kept_clear(design) + CLEAR_MM / faces.radius(engraving.place))
    if low >= 180.0:
        return ("engraving.cut: stones all round the band's top leave no room for a text to be cut (leave it to be "
                "engraved by hand after casting)")
    if kept_clear(design) > 0 and room <= 0:
        return (f"engraving.position_deg: {engraving.position_deg:g} degrees is under what the band's top holds; "
                f"the text goes between {math.ceil(low):.0f} and {math.floor(360 - low):.0f} degrees (180: the "
                "bottom of the shank)")
    if lengths[-1] > room + 1e-9:
        count = fitting(lengths, room)
        return (f"engraving.text: {len(lengths)} characters in {engraving.height_mm:g} mm {engraving.font.value} "
                f"letters run {lengths[-1]:.1f} mm; {room:.1f} mm of the band is free for them, which takes the first "
                f"{count} ({_shorter(engraving, 'a larger ring size')})")
    return None


def _pendant_refusal(design: Design, extent: float, lengths: np.ndarray) -> str | None:
    engraving = design.engraving
    if engraving.place is EngravingPlace.OUTSIDE:
        return "engraving.place: a pendant's engraving is cut on its back (inside or outside are a ring's)"
    spot = pendant_spot(design, extent)
    if not _fits(spot, min(lengths[0], lengths[-1]), extent):
        where = "below the stone's seat" if design.stone is not None else "inside the plate's edge"
        return (f"engraving.height_mm: letters {engraving.height_mm:g} mm high ({extent:.2f} mm with the text's "
                f"tallest and lowest) find no room on the pendant's back {where} (choose a larger pendant)")
    if not _fits(spot, lengths[-1], extent):
        count = next(index for index in range(len(lengths)) if not _fits(spot, lengths[index], extent))
        return (f"engraving.text: {len(lengths)} characters in {engraving.height_mm:g} mm {engraving.font.value} "
                f"letters run {lengths[-1]:.1f} mm; the pendant's back takes the first {count} "
                f"({_shorter(engraving, 'a larger pendant')})")
    return None


# ---------------------------------------------------------------- the cutters


def ring_cutter(design: Design, points: np.ndarray, chord_mm: float) -> manifold3d.Manifold:
    """The text as a solid to subtract from the band whose section is `points`: the outline extruded from
    CUT_MARGIN_MM out of the surface to `depth_mm` into it, refined so that its faces bend to within `chord_mm`,
    and wrapped round the finger axis."""
    engraving = design.engraving
    faces = band_faces(points)
    inside = engraving.place is EngravingPlace.INSIDE
    radius = faces.radius(engraving.place)
    letters = lettering(engraving, chord_mm)
    depth = engraving.depth_mm
    # w: out of the metal (+) or into it (-); the text's x, y and w map onto the band without a mirror
    solid = manifold3d.Manifold.extrude(letters.area, depth + CUT_MARGIN_MM).translate((0.0, 0.0, -depth))
    solid = solid.refine_to_length(math.sqrt(8 * radius * chord_mm) / 2)
    at, turn = math.radians(engraving.position_deg), (-1.0 if inside else 1.0) / radius
    surface = faces.inside if inside else faces.outside

    def wrapped(vertices: np.ndarray) -> np.ndarray:
        x, y, w = vertices[:, 0], vertices[:, 1], vertices[:, 2]
        under = np.interp(y, faces.y, surface)
        r = under - w if inside else under + w
        angle = at + turn * x
        return np.column_stack([r * np.sin(angle), y, r * np.cos(angle)])

    return solid.warp_batch(wrapped)


def pendant_cutter(design: Design, chord_mm: float) -> manifold3d.Manifold:
    """The text as a solid to subtract from the pendant's plate: mirrored to read from behind, from CUT_MARGIN_MM
    under the back (z = 0) to `depth_mm` into it."""
    engraving = design.engraving
    letters = lettering(engraving, chord_mm)
    spot = pendant_spot(design, letters.extent_mm)
    area = letters.area.mirror((1.0, 0.0)).translate((spot.x, spot.y))
    return manifold3d.Manifold.extrude(area, engraving.depth_mm + CUT_MARGIN_MM).translate((0.0, 0.0, -CUT_MARGIN_MM))


# ---------------------------------------------------------------- how fine it comes out


@dataclass(frozen=True)
class Fineness:
    """The finest parts of a text at its size, mm: its thinnest stroke and its narrowest gap between strokes (each the
    width under which FINE_SHARE of the text's cut, or of the metal between its strokes, lies), and the characters
    whose own are finest."""

    stroke_mm: float
    stroke_char: str
    gap_mm: float
    gap_char: str

    @property
    def casts(self) -> bool:
        """Whether both stand at least LEAST_WIDTH_MM wide."""
        return min(self.stroke_mm, self.gap_mm) >= LEAST_WIDTH_MM - 1e-9


def _opened(area: manifold3d.CrossSection, radius: float) -> manifold3d.CrossSection:
    join = manifold3d.JoinType.Round
    return area.offset(-radius, join, circular_segments=16).offset(radius, join, circular_segments=16)


def _closed(area: manifold3d.CrossSection, radius: float) -> manifold3d.CrossSection:
    join = manifold3d.JoinType.Round
    return area.offset(radius, join, circular_segments=16).offset(-radius, join, circular_segments=16)


@lru_cache(maxsize=1024)
def _ink(char: str, font: Font) -> manifold3d.CrossSection:
    """The ink of `char` at cap height 1."""
    shape = fonts.glyph(char, font, _MEASURE_TOLERANCE)
    return shape.area.scale((shape.scale, shape.scale))


@lru_cache(maxsize=8192)
def _ink_taken(char: str, font: Font, step: int) -> float:
    """The ink of `char` an opening by a disc of radius _UNIT_RADII[step] takes: what lies under twice that width."""
    ink = _ink(char, font)
    return max(0.0, ink.area() - _opened(ink, float(_UNIT_RADII[step])).area())


@lru_cache(maxsize=4096)
def _between(before: str, char: str, after: str, font: Font, spaced: fonts.Spacing
             ) -> tuple[manifold3d.CrossSection, manifold3d.CrossSection]:
    """The letters `before + char + after` (set apart as `spaced` says) at cap height 1, and the metal between the
    strokes of `char` and toward its neighbours: what a closing of the letters by 0.3 cap heights fills within `char`'s
    advance (its counters and crotches, the space to the next letter). Empty where it is less than the smallest disc
    tried (the offsets' rounding: no gap)."""
    line = fonts.line(before + char + after, font, _MEASURE_TOLERANCE, spaced)
    shapes = [placed.area for placed in line.glyphs if not placed.area.is_empty()]
    middle = next((placed for placed in line.glyphs if placed.char == char and placed.x >= 0
                   and (not before or placed.x > 0)), None)
    if middle is None or not shapes or middle.area.is_empty():
        return manifold3d.CrossSection(), manifold3d.CrossSection()
    letters = manifold3d.CrossSection.batch_boolean(shapes, manifold3d.OpType.Add)
    own = _box(middle.x + middle.advance / 2, (line.top + line.bottom) / 2, middle.advance, line.top - line.bottom + 2)
    between = (_closed(letters, 0.3) - letters) ^ own
    if between.area() <= math.pi * _UNIT_RADII[0] ** 2:
        return letters, manifold3d.CrossSection()
    return letters, between


@lru_cache(maxsize=16384)
def _between_taken(before: str, char: str, after: str, font: Font, spaced: fonts.Spacing, step: int) -> float:
    """The metal between `char`'s strokes a closing by a disc of radius _UNIT_RADII[step] fills."""
    letters, between = _between(before, char, after, font, spaced)
    if between.is_empty():
        return 0.0
    return (between ^ _closed(letters, float(_UNIT_RADII[step]))).area()


def _finest(areas: list[float], taken) -> tuple[float, int]:
    """The local width (cap heights) under which FINE_SHARE of `areas` together lies, and the step at which it is
    passed, from `taken(step)`: what the opening (or closing) of that step takes of each. Openings by larger discs
    take more: the step is found by halving (a few offsets, not one of every size); inf and -1 where nothing is that
    fine within the sizes tried."""
    total = sum(areas)
    if total <= 0:
        return math.inf, -1

    def share(step: int) -> float:
        return sum(taken(step)) / total

    if share(len(_UNIT_RADII) - 1) < FINE_SHARE:
        return math.inf, -1
    low, high = -1, len(_UNIT_RADII) - 1  # share(low) < FINE_SHARE <= share(high); share(-1) = 0 at radius 0
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if share(middle) < FINE_SHARE else (low, middle)
    below, above = (share(low), float(_UNIT_RADII[low])) if low >= 0 else (0.0, 0.0), (share(high), float(_UNIT_RADII[high]))
    radius = np.interp(FINE_SHARE, [below[0], above[0]], [below[1], above[1]]) if above[0] > below[0] else above[1]
    return float(2 * radius), high


@lru_cache(maxsize=512)
def measure(text: str, font: Font, height_mm: float) -> Fineness:
    """The thinnest stroke and narrowest gap of `text` cut in `font` letters `height_mm` high (cap height), and the
    characters that have most of their own under them."""
    text = unicodedata.normalize("NFC", text)
    spaced = spacing(Engraving(text="x", font=font, height_mm=height_mm))
    letters: list[str] = []  # each letter as often as it is cut
    triples: list[tuple[str, str, str]] = []
    for index, char in enumerate(text):
        if char.isspace() or fonts.covering(char, font) is None:
            continue
        letters.append(char)
        triples.append((text[index - 1] if index > 0 else "", char, text[index + 1] if index + 1 < len(text) else ""))
    inks = [_ink(char, font).area() for char in letters]
    stroke, at = _finest(inks, lambda step: [_ink_taken(char, font, step) for char in letters])
    stroke_char = max(letters, key=lambda char: _ink_taken(char, font, at) / _ink(char, font).area(),
                      default="") if at >= 0 else ""
    metal = [_between(*triple, font, spaced)[1].area() for triple in triples]
    gap, at = _finest(metal, lambda step: [_between_taken(*triple, font, spaced, step) for triple in triples])
    gap_char = max(zip(triples, metal, strict=True),
                   key=lambda item: _between_taken(*item[0], font, spaced, at) / max(item[1], 1e-12),
                   default=(("", "", ""), 0.0))[0][1] if at >= 0 else ""
    return Fineness(stroke * height_mm, stroke_char, gap * height_mm, gap_char)


def fineness(engraving: Engraving) -> Fineness:
    """The thinnest stroke and narrowest gap of `engraving`'s text at its height."""
    return measure(engraving.text, engraving.font, round(engraving.height_mm, 6))


# Fonts from the broadest strokes to the finest (at 1.5 mm, a typical text's: sans 0.27, serif 0.13, script 0.07 mm)
BOLDEST_FIRST = (Font.SANS, Font.SERIF, Font.SCRIPT)
HEIGHT_STEP_MM = 0.1


def least_height_mm(text: str, font: Font, start_mm: float = ENGRAVING_HEIGHT_MM[0]) -> float | None:
    """The least letter height from `start_mm` up at which `text` in `font` casts (its strokes and gaps measured at
    least LEAST_WIDTH_MM), in steps of HEIGHT_STEP_MM; None when the document's tallest letters do not."""
    height = start_mm
    highest = ENGRAVING_HEIGHT_MM[1]
    while height <= highest + 1e-9:
        fine = measure(text, font, round(height, 6))
        if fine.casts:
            return height
        # strokes grow in step with the letters: the height at which the finest would clear, measured again (the space
        # between letters stays LETTER_GAP_MM wide in mm)
        wanted = height * LEAST_WIDTH_MM / max(min(fine.stroke_mm, fine.gap_mm), 1e-6)
        height = max(_up(wanted, HEIGHT_STEP_MM), round(height + HEIGHT_STEP_MM, 6))
    return None


def _up(value: float, step: float) -> float:
    return round(math.ceil(value / step - 1e-6) * step, 6)


def metal_under_mm(design: Design, faces: BandFaces | None = None) -> float:
    """The metal left under the cut: the band's least thickness where the letters are, or the plate's, less the
    depth."""
    engraving = design.engraving
    if design.piece is Piece.PENDANT:
        return design.pendant.thickness_mm - engraving.depth_mm
    faces = faces or ring_faces(design.ring)
    extent = lettering(engraving, 0.02).extent_mm
    return faces.thickness(extent / 2) - engraving.depth_mm
