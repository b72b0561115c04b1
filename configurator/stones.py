"""Stone proportions and trade carat estimates.

Carat factors from `shared/PRODUCT.md` (trade formulas, diamond): carat = L x W x D x factor, round stones
D_avg^2 x D x 0.0061; other materials multiply by density / 3.52. One carat is 0.2 g.
"""

from __future__ import annotations

import numpy as np

from . import catalogue
from .design import Cut, Shape, Stone

CARAT_GRAMS = 0.2
DIAMOND_DENSITY = 3.52

# (length / width, factor) points; a shape with one point has a constant factor. Baguettes are not in the
# table: they are rectangular step cuts like an emerald cut without the corner facets, so take emerald's.
TRADE_FACTORS: dict[Shape, tuple[tuple[float, float], ...]] = {
    Shape.ROUND: ((1.0, 0.0061),),
    Shape.OVAL: ((1.0, 0.0062),),
    Shape.CUSHION: ((1.0, 0.00815),),
    Shape.HEART: ((1.0, 0.0059),),
    Shape.PRINCESS: ((1.0, 0.0082),),
    Shape.RADIANT: ((1.0, 0.0081), (1.5, 0.0084)),
    Shape.EMERALD: ((1.0, 0.0080), (1.5, 0.0092), (2.0, 0.0100)),
    Shape.ASSCHER: ((1.0, 0.0080),),
    Shape.PEAR: ((1.25, 0.00615), (2.0, 0.00575)),
    Shape.TRILLION: ((1.0, 0.0057),),
    Shape.MARQUISE: ((1.5, 0.00565), (3.0, 0.00595)),
    Shape.BAGUETTE: ((1.0, 0.0080), (1.5, 0.0092), (2.0, 0.0100)),
}

# Total depth as a share of the width, by cut; brilliant and step cuts by shape (typical well-cut stones:
# a round brilliant of 61.5 % depth at 6.5 mm is about 1.00 ct).
DEPTH_SHARE_BY_SHAPE = {
    Shape.ROUND: 0.615,
    Shape.OVAL: 0.60,
    Shape.CUSHION: 0.65,
    Shape.PEAR: 0.60,
    Shape.MARQUISE: 0.60,
    Shape.PRINCESS: 0.70,
    Shape.EMERALD: 0.65,
    Shape.ASSCHER: 0.65,
    Shape.RADIANT: 0.65,
    Shape.HEART: 0.60,
    Shape.TRILLION: 0.45,
    Shape.BAGUETTE: 0.55,
}
DEPTH_SHARE_BY_CUT = {Cut.ROSE: 0.40, Cut.CABOCHON: 0.50}


def depth_mm(stone: Stone) -> float:
    """The stone's depth: as given, or from its cut's usual proportion of the width."""
    if stone.depth_mm is not None:
        return stone.depth_mm
    share = DEPTH_SHARE_BY_CUT.get(stone.cut, DEPTH_SHARE_BY_SHAPE[stone.shape])
    return round(share * stone.outline_width_mm, 2)


def trade_factor(shape: Shape, length_to_width: float) -> float:
    """The trade carat factor of a diamond of `shape` at this length-to-width ratio."""
    points = np.array(TRADE_FACTORS[shape])
    return float(np.interp(length_to_width, points[:, 0], points[:, 1]))


def trade_carat(stone: Stone) -> float:
    """Carat by the trade formula for the stone's shape, corrected for its material's density."""
    length, width, depth = stone.length_mm, stone.outline_width_mm, depth_mm(stone)
    density = catalogue.gemstone(stone.material).density_g_cm3
    if stone.shape is Shape.ROUND:
        diamond = ((length + width) / 2) ** 2 * depth * trade_factor(Shape.ROUND, 1.0)
    else:
        diamond = length * width * depth * trade_factor(stone.shape, length / width)
    return diamond * density / DIAMOND_DENSITY
