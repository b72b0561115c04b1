"""Side stones: stones on the band's shoulders either side of the centre, one a side (a three-stone ring) or a
graduated row of them.

In prongs or a bezel, each side stone gets its own head, built as the centre's is in its own frame, then turned out
along the band, SIDE_GAP_MM clear of its neighbour nearer the centre (the centre's head, or the side stone before).
In a channel, the stones sit in one trough along the band (`band_rows`), the first SIDE_GAP_MM clear of the centre's head.
The left shoulder is the mirror image of the right. Ring coordinates: finger axis Y, top +Z; angles from +Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import band_rows, rows
from .bands import Band
from .design import ROW_GAPS_MM, Design, RowSetting, Setting, SettingStyle, SideStones, Stone
from .forms import StoneForm
from .settings import SUPPORTED_PRONG_MIN_MM, Parts, Support, accent_prong_mm, head, head_reach_mm

SIDE_GAP_MM = 0.5  # between the centre's head and a side stone's: over the investment's 0.3 mm (PRODUCT.md)
SIDE_LIFT_MM = 0.4  # a side stone's culet clears the band by this much, as the centre's does
FOOT_REACH_X_MM = 1.2  # how far along the band a side head's posts may land
CHANNEL_GAP_MM = ROW_GAPS_MM[RowSetting.CHANNEL]  # between neighbours in a channel
LOWEST_DEG = 75.0  # a side row keeps to the band's top: its last stone's far side no further round than this


@dataclass(frozen=True)
class Placed:
    """One shoulder's stones (the right, +X), nearest the centre first: each stone, the angle of its centre (radians
    from +Z) and its girdle's radius."""

    stones: tuple[Stone, ...]
    angles: tuple[float, ...]
    radii: tuple[float, ...]

    @property
    def reach(self) -> float:
        """The angle (radians from +Z) of the last stone's far side."""
        last = self.stones[-1]
        return self.angles[-1] + last.outline_width_mm / 2 / self.radii[-1]


def prong_mm(side: SideStones, stone: Stone) -> float | None:
    """A side head's prongs: one a side takes a centre's (free-standing, at least 1.0 mm); a graduated row's small
    stones take the trade table's for their size, braced by the gallery rail (at least 0.8 mm, PRODUCT.md)."""
    if side.style is not SettingStyle.PRONG or side.count == 1:
        return None
    return max(SUPPORTED_PRONG_MIN_MM, accent_prong_mm(min(stone.length_mm, stone.outline_width_mm)))


def _centre_reach(design: Design) -> float:
    centre = design.effective_setting
    return head_reach_mm(design.stone, centre.prong_mm, centre.style, along_x=True)


@lru_cache(maxsize=64)
def _placed(side: SideStones, centre_reach: float, outer: float) -> Placed:
    stones = side.stones
    if side.style is SettingStyle.CHANNEL:
        radius = outer + band_rows.GIRDLE_LIFT_MM
        angles = [math.asin(min(0.95, (centre_reach + SIDE_GAP_MM) / radius)) + stones[0].outline_width_mm / 2 / radius]
        for before, stone in zip(stones, stones[1:], strict=False):
            angles.append(angles[-1] + (before.outline_width_mm / 2 + CHANNEL_GAP_MM + stone.outline_width_mm / 2)
                          / radius)
        return Placed(stones, tuple(angles), (radius,) * len(stones))
    radii = [outer + StoneForm.of(stone).pavilion + SIDE_LIFT_MM for stone in stones]
    reaches = [head_reach_mm(stone, prong_mm(side, stone), side.style, along_x=True) for stone in stones]
    angles = [2 * math.asin(min(0.95, (centre_reach + reaches[0] + SIDE_GAP_MM) / (2 * radii[0])))]
    for index in range(1, len(stones)):
        apart = reaches[index - 1] + reaches[index] + SIDE_GAP_MM
        angles.append(angles[-1] + 2 * math.asin(min(0.95, apart / (radii[index - 1] + radii[index]))))
    return Placed(stones, tuple(angles), tuple(radii))


def placement(design: Design, outer_radius_mm: float | None = None) -> Placed:
    """Where the right shoulder's stones go on `design`'s band (its outside at `outer_radius_mm`; by default the
    size's inside plus the band's thickness)."""
    ring = design.ring
    outer = outer_radius_mm or ring.size.ring_size().inner_diameter_mm / 2 + ring.thickness_mm
    return _placed(design.side_stones, round(_centre_reach(design), 6), round(outer, 6))


def _heads(design: Design, band: Band, placed: Placed) -> Parts:
    ring, side = design.ring, design.side_stones
    foot_radius = band.inner_radius_mm + 0.45 * ring.thickness_mm
    right = Parts()
    for stone, angle, radius in zip(placed.stones, placed.angles, placed.radii, strict=True):

        def anchor(x: float, y: float, radius: float = radius) -> np.ndarray:
            return np.array([x, y, math.sqrt(foot_radius**2 - x * x) - radius])

        reach = (FOOT_REACH_X_MM, ring.width_mm / 4)
        support = Support(anchor, reach, foot_radius - band.inside_radius_mm(reach[1]))
        one = head(stone, Setting(style=side.style, prong_mm=prong_mm(side, stone)), support)
        right.add(one.moved(lambda solid, radius=radius, angle=angle: solid.translate((0.0, 0.0, radius))
                            .rotate((0.0, math.degrees(angle), 0.0))))
    return right


def _channel(design: Design, placed: Placed) -> Parts:
    ring = design.ring
    forms = tuple(StoneForm.of(stone, band_rows.ROW_GIRDLE_POINTS) for stone in placed.stones)
    row = rows.along_band(forms, placed.angles, placed.radii[0])
    seats = band_rows.cutters(row, True, band_rows.GIRDLE_LIFT_MM + ring.thickness_mm + 1.0)
    walls = band_rows.channel_walls(row, ring.thickness_mm * band_rows.INTO_BAND_SHARE, (True, False))
    return Parts(walls, seats, rows.stones(row))


def build(design: Design, band: Band) -> tuple[Parts, Parts]:
    """Both shoulders' side stones: heads (their seats cut) to unite with the centre's head, and channel rows (their
    seats still to cut into the band)."""
    placed = placement(design, band.inner_radius_mm + design.ring.thickness_mm)
    if design.side_stones.style is SettingStyle.CHANNEL:
        right, held = _channel(design, placed), False
    else:
        right, held = _heads(design, band, placed), True
    left = right.moved(lambda solid: solid.mirror((1.0, 0.0, 0.0)))  # the mirror image: a trillion points out both ways
    both = Parts().add(right).add(left)
    return (both, Parts()) if held else (Parts(), both)


def seat_depth_mm(design: Design) -> float:
    """How far the deepest channel seat reaches into the band under its outside (its hole goes on through)."""
    return max(band_rows.seat_depth_mm(StoneForm.of(stone, band_rows.ROW_GIRDLE_POINTS)) for stone in design.side_stones.stones)
