"""Engraving fonts: glyph outlines read with fontTools, curves flattened to polylines, text laid out by advance width
and spaced so that neighbouring letters' ink stands apart.

The fonts ship in `assets/fonts/` with their licences (README there). Sizes are given by the cap height: the top of
a capital H stands `height_mm` over the baseline in every font. A character the chosen font lacks is drawn from
DejaVu Sans Bold (the widest coverage of the three), scaled to the same cap height.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont

from .catalogue import ASSETS
from .design import Font

FONTS = ASSETS / "fonts"
FONT_FILES = {Font.SERIF: "DejaVuSerif-Bold.ttf", Font.SANS: "DejaVuSans-Bold.ttf", Font.SCRIPT: "DancingScript-Bold.otf"}
FALLBACK = Font.SANS
JOINED = frozenset({Font.SCRIPT})  # fonts whose letters are drawn to join their neighbours


@dataclass(frozen=True)
class Face:
    """One font file, read once: its glyphs, character map and the cap height its sizes are measured by."""

    font: Font
    glyphs: object  # fontTools glyph set
    cmap: dict[int, str]
    cap_units: float  # the top of a capital H over the baseline, font units


@lru_cache(maxsize=len(FONT_FILES))
def face(font: Font) -> Face:
    """The font file of `font`, read once."""
    ttf = TTFont(FONTS / FONT_FILES[font], lazy=True)
    glyphs = ttf.getGlyphSet()
    cmap = ttf.getBestCmap()
    top = _Bounds(glyphs)
    glyphs[cmap[ord("H")]].draw(top)
    return Face(font, glyphs, dict(cmap), float(top.top))


class _Bounds(BasePen):
    """The highest on-curve or control point drawn: a glyph's top, to within its control polygon."""

    def __init__(self, glyphs) -> None:
        super().__init__(glyphs)
        self.top = -math.inf

    def _point(self, *points) -> None:
        self.top = max([self.top, *(point[1] for point in points)])

    _moveTo = _lineTo = _point  # noqa: N815 (fontTools' names)

    def _curveToOne(self, *points) -> None:  # noqa: N802
        self._point(*points)

    def _qCurveToOne(self, *points) -> None:  # noqa: N802
        self._point(*points)


class FlatPen(BasePen):
    """Records a glyph as closed polylines, each curve cut into straight segments that stray at most `tolerance`
    (font units) from it: a Bezier curve of n segments strays at most M / (8 n^2), M its largest second
    derivative (6 |P0 - 2 P1 + P2| or so for a cubic, 2 |P0 - 2 P1 + P2| for a quadratic)."""

    def __init__(self, glyphs, tolerance: float) -> None:
        super().__init__(glyphs)
        self.tolerance = tolerance
        self.contours: list[np.ndarray] = []
        self._points: list[tuple[float, float]] = []

    def _moveTo(self, point) -> None:  # noqa: N802
        self._points = [point]

    def _lineTo(self, point) -> None:  # noqa: N802
        self._points.append(point)

    def _segments(self, bend: float) -> int:
        return max(1, math.ceil(math.sqrt(bend / (8 * self.tolerance))))

    def _curveToOne(self, p1, p2, p3) -> None:  # noqa: N802
        p0, p1, p2, p3 = (np.asarray(point, dtype=float) for point in (self._points[-1], p1, p2, p3))
        bend = 6 * max(np.linalg.norm(p0 - 2 * p1 + p2), np.linalg.norm(p1 - 2 * p2 + p3))
        t = np.linspace(0, 1, self._segments(bend) + 1)[1:, None]
        curve = (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3
        self._points.extend(map(tuple, curve))

    def _qCurveToOne(self, p1, p2) -> None:  # noqa: N802
        p0, p1, p2 = (np.asarray(point, dtype=float) for point in (self._points[-1], p1, p2))
        t = np.linspace(0, 1, self._segments(2 * np.linalg.norm(p0 - 2 * p1 + p2)) + 1)[1:, None]
        curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
        self._points.extend(map(tuple, curve))

    def _closePath(self) -> None:  # noqa: N802
        points = np.array(self._points, dtype=float)
        if len(points) > 1 and np.allclose(points[0], points[-1]):
            points = points[:-1]
        if len(points) >= 3:
            self.contours.append(points)
        self._points = []

    _endPath = _closePath  # noqa: N815 (an open path in a glyph is closed: a glyph is an area)


@dataclass(frozen=True)
class Glyph:
    """One character's outline in its font's units, and how far it moves the pen."""

    char: str
    font: Font
    area: manifold3d.CrossSection  # non-zero fill: holes (o, e) are holes whatever the font's winding
    advance: float
    scale: float  # font units to cap heights: 1 / the font's cap height


def covering(char: str, font: Font) -> Font | None:
    """The font that draws `char`: `font`, else the fallback, else none."""
    for candidate in (font, FALLBACK):
        if ord(char) in face(candidate).cmap:
            return candidate
    return None


def _drawn(char: str, font: Font, tolerance: float) -> tuple[Font, FlatPen, Face]:
    """The font that draws `char`, its contours flattened to within `tolerance` cap heights (font units), and its face.

    Raises KeyError for a character neither font draws."""
    drawn = covering(char, font)
    if drawn is None:
        raise KeyError(char)
    source = face(drawn)
    pen = FlatPen(source.glyphs, tolerance * source.cap_units)
    source.glyphs[source.cmap[ord(char)]].draw(pen)
    return drawn, pen, source


@lru_cache(maxsize=2048)
def glyph(char: str, font: Font, tolerance: float) -> Glyph:
    """The outline of `char` in `font` (or the fallback), flattened to within `tolerance` cap heights.

    Raises KeyError for a character neither font draws."""
    drawn, pen, source = _drawn(char, font, tolerance)
    area = manifold3d.CrossSection(pen.contours, manifold3d.FillRule.NonZero)
    return Glyph(char, drawn, area, float(source.glyphs[source.cmap[ord(char)]].width), 1.0 / source.cap_units)


def missing(text: str, font: Font) -> str:
    """The characters of `text` that neither `font` nor the fallback draws (spaces need no glyph)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(dict.fromkeys(char for char in text if not char.isspace() and covering(char, font) is None))


PROFILE_STEP = 1 / 256  # cap heights: the rows in which a glyph's ink is profiled for spacing
_PROFILE_TOLERANCE = 1 / 1024  # the outline profiled, whatever the resolution drawn: the layout is the same at all


@dataclass(frozen=True)
class Profile:
    """A glyph's ink row by row at cap height 1, its pen at x = 0: rows of PROFILE_STEP from `first` (row k spans
    y in [k, k + 1) steps), the leftmost and rightmost ink in each (inf and -inf where it has none)."""

    first: int
    left: np.ndarray
    right: np.ndarray


@lru_cache(maxsize=2048)
def profile(char: str, font: Font) -> Profile | None:
    """The ink of `char` in `font` (or the fallback) row by row; None for a glyph with no ink (a space). Read off
    its contours: the leftmost and rightmost ink of a row lie on them, whatever the fill rule makes of overlaps."""
    _, pen, source = _drawn(char, font, _PROFILE_TOLERANCE)
    if not pen.contours:
        return None
    points = []
    for outline in pen.contours:  # every edge sampled finer than a row, so that each row it crosses holds its points
        outline = outline / source.cap_units
        ends = np.roll(outline, -1, axis=0)
        counts = np.maximum(1, np.ceil(np.linalg.norm(ends - outline, axis=1) / (PROFILE_STEP / 2))).astype(int)
        share = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts, counts)
        start = np.repeat(outline, counts, axis=0)
        points.append(start + share[:, None] * (np.repeat(ends, counts, axis=0) - start))
    points = np.vstack(points)
    rows = np.floor(points[:, 1] / PROFILE_STEP).astype(int)
    first = int(rows.min())
    left = np.full(rows.max() - first + 1, np.inf)
    right = np.full(rows.max() - first + 1, -np.inf)
    np.minimum.at(left, rows - first, points[:, 0])
    np.maximum.at(right, rows - first, points[:, 0])
    return Profile(first, left, right)


@lru_cache(maxsize=4096)
def clear_of(before: str, char: str, font: Font, clearance: float) -> float:
    """How far right of `before`'s pen `char`'s pen must stand for their ink to stand at least `clearance` apart
    (cap heights; -inf when either has no ink). Rows j apart are taken (|j| - 1) steps apart: a hair wide of the
    exact distance, never short of it."""
    ahead, behind = profile(before, font), profile(char, font)
    if ahead is None or behind is None:
        return -math.inf
    reach = math.ceil(clearance / PROFILE_STEP) + 1
    rise = np.maximum(np.abs(np.arange(-reach, reach + 1)) - 1, 0) * PROFILE_STEP
    room = np.where(rise < clearance, np.sqrt(np.maximum(clearance**2 - rise**2, 0.0)), -np.inf)
    low = min(ahead.first, behind.first) - reach  # both on rows low .. high, `char`'s padded by reach either side
    high = max(ahead.first + len(ahead.right), behind.first + len(behind.left)) + reach
    right = np.full(high - low, -np.inf)
    right[ahead.first - low:ahead.first - low + len(ahead.right)] = ahead.right
    left = np.full(high - low, np.inf)
    left[behind.first - low:behind.first - low + len(behind.left)] = behind.left
    # row k of `before` against rows k - reach .. k + reach of `char`
    windows = np.lib.stride_tricks.sliding_window_view(left, 2 * reach + 1)
    return float(np.max(right[reach:-reach, None] - windows + room[None, :]))


@dataclass(frozen=True)
class Spacing:
    """How a line's letters stand apart, cap heights: `tracking` added after each letter (not after a space: a word
    space is the font's own), and further where needed for a letter's ink to stand `clearance` from the last
    letter's."""

    tracking: float = 0.0
    clearance: float = 0.0


@dataclass(frozen=True)
class Placed:
    """A glyph laid out on a line one cap height tall: its left pen position and its advance."""

    char: str
    x: float
    advance: float
    area: manifold3d.CrossSection  # in cap heights, baseline at y = 0, placed at x


@dataclass(frozen=True)
class Line:
    """A line of text at cap height 1: the glyphs, its length along the pen and the ink's top and bottom."""

    glyphs: tuple[Placed, ...]
    length: float
    bottom: float
    top: float

    def prefix_lengths(self) -> np.ndarray:
        """The line's length after each character (the pen position past it)."""
        return np.array([placed.x + placed.advance for placed in self.glyphs])


def _quantized(tolerance: float) -> float:
    """`tolerance` rounded down to a power of two, so that nearby sizes share flattened glyphs."""
    return 2.0 ** math.floor(math.log2(tolerance))


@lru_cache(maxsize=256)
def line(text: str, font: Font, tolerance: float = 1 / 1024, spacing: Spacing = Spacing()) -> Line:
    """`text` laid out by advance width at cap height 1 (no kerning), its letters spaced by `spacing`, its curves
    within `tolerance` cap heights (the layout does not depend on it). Characters no font draws are left out (the
    design refuses them where they would be cut)."""
    text = unicodedata.normalize("NFC", text)
    tolerance = _quantized(tolerance)
    placed: list[Placed] = []
    x, bottom, top = 0.0, math.inf, -math.inf
    inked: Placed | None = None  # the last letter with ink
    space = glyph(" ", font, tolerance)
    for char in text:
        try:
            shape = glyph(char, font, tolerance)
        except KeyError:
            shape = space if char.isspace() else None
        if shape is None:
            continue
        if placed and not placed[-1].char.isspace():
            x += spacing.tracking
        if spacing.clearance > 0 and inked is not None and not char.isspace():
            x = max(x, inked.x + clear_of(inked.char, char, font, spacing.clearance))
        advance = shape.advance * shape.scale
        area = shape.area.scale((shape.scale, shape.scale)).translate((x, 0.0))
        placed.append(Placed(char, x, advance, area))
        if not area.is_empty():
            low, high = area.bounds()[1], area.bounds()[3]
            bottom, top = min(bottom, low), max(top, high)
            inked = placed[-1]
        x += advance
    if not math.isfinite(top):
        bottom, top = 0.0, 1.0
    return Line(tuple(placed), x, bottom, top)
