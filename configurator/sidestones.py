"""Side stones: a stone either side of the centre on the band's shoulders (a three-stone ring).

Each side stone gets its own head (prongs or a bezel) built as the centre's is, in its own frame, then turned out
along the band to stand clear of the centre's head by SIDE_GAP_MM. Ring coordinates: finger axis Y, top +Z.
"""

from __future__ import annotations

import math

import numpy as np

from .bands import Band
from .design import Design, Setting
from .settings import Parts, StoneForm, Support, head, head_reach_mm

SIDE_GAP_MM = 0.5  # between the centre's head and a side stone's: over the investment's 0.3 mm (PRODUCT.md)
SIDE_LIFT_MM = 0.4  # a side stone's culet clears the band by this much, as the centre's does
FOOT_REACH_X_MM = 1.2  # how far along the band a side head's posts may land


def placement(design: Design, band: Band) -> tuple[float, float]:
    """The angle from +Z (radians) of the right-hand side stone's centre, and its girdle's radius: its head and the
    centre's SIDE_GAP_MM apart at its girdle's height, where the two come closest."""
    ring, side = design.ring, design.side_stones
    outer = band.inner_radius_mm + ring.thickness_mm
    radius = outer + StoneForm.of(side.stone).pavilion + SIDE_LIFT_MM
    centre = design.effective_setting
    apart = (head_reach_mm(design.stone, centre.prong_mm, centre.style, along_x=True)
             + head_reach_mm(side.stone, None, side.style, along_x=True) + SIDE_GAP_MM)
    return 2 * math.asin(min(0.95, apart / (2 * radius))), radius


def build(design: Design, band: Band) -> Parts:
    """Both side stones with their heads (seats cut), placed on the shoulders."""
    ring, side = design.ring, design.side_stones
    angle, radius = placement(design, band)
    foot_radius = band.inner_radius_mm + 0.45 * ring.thickness_mm

    def anchor(x: float, y: float) -> np.ndarray:
        return np.array([x, y, math.sqrt(foot_radius**2 - x * x) - radius])

    reach = (FOOT_REACH_X_MM, ring.width_mm / 4)
    support = Support(anchor, reach, foot_radius - band.inside_radius_mm(reach[1]))
    one = head(side.stone, Setting(style=side.style), support)
    right = one.moved(lambda solid: solid.translate((0.0, 0.0, radius)).rotate((0.0, math.degrees(angle), 0.0)))
    left = right.moved(lambda solid: solid.mirror((1.0, 0.0, 0.0)))  # the mirror image: a trillion points out both ways
    return Parts().add(right).add(left)
