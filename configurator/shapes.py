"""Stone shapes: one record a shape, holding all that the library knows of it (its outline, proportions, trade carat
factor, depth, the corners a setting must guard, how its prongs stand and how it lies).

A shape is a `design.Shape` member. What the document accepts of it (its usual length / width and the range it is cut
to, which rows take it, whether it shares prongs) is its row of `design.SHAPE_RULES`, which the design document reads
without the geometry under it; the record reads that row as `rules`. Adding a shape is: its `Shape` member and its
`SHAPE_RULES` row (design.py), its record here, and its outline builder in outlines.py if none of those draws it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from .design import SHAPE_RULES, Shape, ShapeRules
from .outlines import centred, cushion, cut_cornered, ellipse, heart, marquise, pear, rectangle, trillion

# Corners as directions in the stone's frame scaled to its box (x by the width, y by the length): the outline's
# farthest point that way is the corner. Pointed shapes point to +Y (outlines.py).
BOX_CORNERS = ((1, 1), (-1, 1), (-1, -1), (1, -1))
TIP = (0, 1)
# A six-prong head on a square or oblong stone: its four corners and the middles of its long sides (degrees).
CORNERS_AND_SIDES_DEG = (0.0, 45.0, 135.0, 180.0, 225.0, 315.0)


@dataclass(frozen=True)
class ShapeRecord:
    """One stone shape.

    Args:
        name: the shape.
        outline: its builder, `(length mm, width mm, points) -> (N, 2) points` (outlines.py); `stone_outline` centres
            and winds what it draws.
        trade_factors: (length / width, factor) points of the trade carat factor of a diamond (PRODUCT.md: carat =
            L x W x D x factor), interpolated between them; one point is a constant factor.
        depth_share: a brilliant's or step cut's total depth as a share of its width (a well-cut stone).
        by_diameter: measured and weighed by its diameter (a round: a report's "min - max x depth", carat from the
            mean diameter squared).
        corners: its points and corners, which a prong at it or a V-prong over it must guard (PRODUCT.md "Holding a
            stone"), as directions scaled to its box.
        pointed: its corners are points (a marquise, pear, heart): held at four places as a round is, its points
            guarded besides; a stone with corners that are not points is held by its corners alone.
        prong_layouts: (prong count, directions in degrees) for heads whose prongs do not stand evenly round it.
        convex: its outline is convex (a heart's cleft dips in).
        keeled: a step cut's pavilion closes to a keel along its length rather than to a point.
        hangs_point_down: turned point down in a pendant, as a heart hangs.
        lies: how a side stone lies on the band, in the gem map's words; None for one that lies any way (a round).
    """

    name: Shape
    outline: Callable[[float, float, int], np.ndarray]
    trade_factors: tuple[tuple[float, float], ...]
    depth_share: float
    by_diameter: bool = False
    corners: tuple[tuple[float, float], ...] = ()
    pointed: bool = False
    prong_layouts: tuple[tuple[int, tuple[float, ...]], ...] = ()
    convex: bool = True
    keeled: bool = False
    hangs_point_down: bool = False
    lies: str | None = "length across the band"

    @property
    def rules(self) -> ShapeRules:
        """What the document accepts of a stone of this shape."""
        return SHAPE_RULES[self.name]

    @property
    def tipped(self) -> bool:
        """Whether it has a point at +Y, where the first prong of its head stands."""
        return TIP in self.corners

    def trade_factor(self, length_to_width: float) -> float:
        """The trade carat factor of a diamond of this shape at this length-to-width ratio."""
        points = np.array(self.trade_factors)
        return float(np.interp(length_to_width, points[:, 0], points[:, 1]))

    def prong_layout(self, count: int) -> tuple[float, ...] | None:
        """The directions (degrees) of a head of `count` prongs laid out for this shape, or None when they stand
        evenly round it."""
        return dict(self.prong_layouts).get(count)


_SQUARE_HEAD = ((6, CORNERS_AND_SIDES_DEG),)
# Baguettes are not in PRODUCT.md's table: they are rectangular step cuts like an emerald cut without the corner
# facets, so they take emerald's factors.
_STEP_FACTORS = ((1.0, 0.0080), (1.5, 0.0092), (2.0, 0.0100))

# Trade factors and depths from PRODUCT.md and well-cut stones (a round brilliant of 61.5 % depth at 6.5 mm is about
# 1.00 ct); corner cuts as a share of the width (an asscher's large ones).
SHAPES: dict[Shape, ShapeRecord] = {record.name: record for record in (
    ShapeRecord(Shape.ROUND, ellipse, ((1.0, 0.0061),), 0.615, by_diameter=True, lies=None),
    ShapeRecord(Shape.OVAL, ellipse, ((1.0, 0.0062),), 0.60),
    ShapeRecord(Shape.CUSHION, cushion, ((1.0, 0.00815),), 0.65, keeled=True),
    ShapeRecord(Shape.PEAR, pear, ((1.25, 0.00615), (2.0, 0.00575)), 0.60, corners=(TIP,), pointed=True),
    ShapeRecord(Shape.MARQUISE, marquise, ((1.5, 0.00565), (3.0, 0.00595)), 0.60, corners=(TIP, (0, -1)),
                pointed=True),
    ShapeRecord(Shape.PRINCESS, rectangle, ((1.0, 0.0082),), 0.70, corners=BOX_CORNERS, prong_layouts=_SQUARE_HEAD,
                keeled=True),
    ShapeRecord(Shape.EMERALD, partial(cut_cornered, 0.15), _STEP_FACTORS, 0.65, corners=BOX_CORNERS,
                prong_layouts=_SQUARE_HEAD, keeled=True),
    ShapeRecord(Shape.ASSCHER, partial(cut_cornered, 0.22), ((1.0, 0.0080),), 0.65, corners=BOX_CORNERS,
                prong_layouts=_SQUARE_HEAD, keeled=True),
    ShapeRecord(Shape.RADIANT, partial(cut_cornered, 0.12), ((1.0, 0.0081), (1.5, 0.0084)), 0.65,
                corners=BOX_CORNERS, prong_layouts=_SQUARE_HEAD, keeled=True),
    ShapeRecord(Shape.HEART, heart, ((1.0, 0.0059),), 0.60, corners=(TIP,), pointed=True, convex=False,
                hangs_point_down=True),
    # A trillion's three corner prongs hold it; a fourth head prong stands at the middle of the side facing its point.
    ShapeRecord(Shape.TRILLION, trillion, ((1.0, 0.0057),), 0.45,
                corners=(TIP, (-math.cos(math.pi / 6), -0.5), (math.cos(math.pi / 6), -0.5)),
                prong_layouts=((4, (90.0, 210.0, 270.0, 330.0)),), lies="points out"),
    ShapeRecord(Shape.BAGUETTE, rectangle, _STEP_FACTORS, 0.55, corners=BOX_CORNERS, prong_layouts=_SQUARE_HEAD,
                keeled=True),
)}


def shape_of(shape: Shape) -> ShapeRecord:
    """The record of `shape`."""
    return SHAPES[shape]


def stone_outline(shape: Shape, length: float, width: float, count: int = 48) -> np.ndarray:
    """The girdle of a stone: (N, 2) counter-clockwise, `width` across X and `length` along Y, in mm."""
    return centred(SHAPES[shape].outline(length, width, count))
