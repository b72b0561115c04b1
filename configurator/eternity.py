"""Eternity bands: a row of stones all round the band (full), over three quarters or over half of it, set in shared
prongs, a channel or bezels.

The stones sit across the band (their length along the finger), girdles just over the band's outside, pavilions in
seats drilled through to the finger for light and cleaning. Along the row they stand `gap_mm` apart at the girdle
circle: the count is floor(arc / (stone width + gap)); a full eternity spreads what is left over evenly between its
stones. Ring coordinates: finger axis Y, the top of the band +Z; angles are measured from +Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from . import band_rows, rows
from .band_rows import BEZEL_LIP_MM, BEZEL_WALL_MM, GIRDLE_LIFT_MM, INTO_BAND_SHARE
from .design import Coverage, Eternity, Ring, RowSetting
from .forms import StoneForm
from .outlines import stone_outline
from .rows import Row
from .settings import Parts, accent_prong_mm, rod
from .solids import union

ROW_MARGIN_MM = 0.2  # band left beyond the stones' ends (shared prongs stand within it)
SHARE = {Coverage.FULL: 1.0, Coverage.THREE_QUARTER: 0.75, Coverage.HALF: 0.5}
PRONG_ACROSS = 0.3  # a pair of shared prongs stands at least this share of the stone's length off the middle
MIN_APART_MM = 0.4  # between the two prongs of a pair: over the investment's 0.3 mm (PRODUCT.md)
PRONG_GRIP_MM = 0.12  # its ball reaches this far in over each neighbour's girdle
BEZEL_GAP_MM = 0.45  # bezel cups need this much between girdles: a 0.35 mm wall between the seats (PRODUCT.md)


@dataclass(frozen=True)
class Layout:
    """Where the stones of a row go."""

    count: int
    girdle_radius: float  # from the finger's axis, mm
    angles: tuple[float, ...]  # each stone's centre, radians from +Z
    step: float  # radians between neighbours
    gap_mm: float  # between neighbours' girdles along the girdle circle (a full eternity's spare shared out)

    @property
    def arc_mm(self) -> float:
        """The arc the row may fill, at the girdle circle."""
        return self.count * self.step * self.girdle_radius


def girdle_radius(ring: Ring) -> float:
    return band_rows.girdle_radius(ring.size.ring_size().inner_diameter_mm / 2, ring.thickness_mm)


def count_for(ring: Ring, eternity: Eternity) -> int:
    """floor(arc at the girdle circle / (stone width + gap)): the stones the row holds."""
    arc = SHARE[eternity.coverage] * 2 * math.pi * girdle_radius(ring)
    return int(math.floor(arc / (eternity.stone.outline_width_mm + eternity.gap) + 1e-9))


def layout(ring: Ring, eternity: Eternity) -> Layout:
    radius = girdle_radius(ring)
    count = count_for(ring, eternity)
    width = eternity.stone.outline_width_mm
    if eternity.coverage is Coverage.FULL:
        step = 2 * math.pi / count
        angles = tuple(index * step for index in range(count))
        gap = step * radius - width
    else:
        step = (width + eternity.gap) / radius
        first = -step * (count - 1) / 2
        angles = tuple(first + index * step for index in range(count))
        gap = eternity.gap
    return Layout(count, radius, angles, step, gap)


def band_width_needed(eternity: Eternity) -> float:
    """The narrowest band that holds the row: the stone's length and its setting's metal either side."""
    length = eternity.stone.length_mm
    if eternity.setting is RowSetting.CHANNEL:
        return band_rows.channel_width_mm(length)
    if eternity.setting is RowSetting.BEZEL:
        return length + 2 * (BEZEL_WALL_MM - BEZEL_LIP_MM)
    return length + 2 * ROW_MARGIN_MM


@lru_cache(maxsize=64)
def form_of(eternity: Eternity) -> StoneForm:
    return StoneForm.of(eternity.stone, band_rows.ROW_GIRDLE_POINTS)


def girdle_distance(outline: np.ndarray, x: float, y: float) -> float:
    """How far the point (x, y) is from a girdle `outline` (its nearest edge), in the stone's own plane."""
    edge = np.roll(outline, -1, axis=0) - outline
    t = np.clip(((np.array([x, y]) - outline) * edge).sum(axis=1) / np.maximum((edge * edge).sum(axis=1), 1e-12), 0, 1)
    return float(np.min(np.hypot(*(outline + t[:, None] * edge - [x, y]).T)))


def prong_places(form: StoneForm, half_step_mm: float) -> tuple[tuple[float, ...], float]:
    """Where the prongs between two neighbours stand across the band, and their radius: a pair, either side of the
    row's middle, each thick enough to reach in over both girdles by PRONG_GRIP_MM, as near the middle as leaves
    a castable gap (MIN_APART_MM) between them; else one prong on the middle line."""
    stone = form.stone
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 96)
    least = accent_prong_mm(min(stone.length_mm, stone.outline_width_mm)) / 2
    for y in np.linspace(PRONG_ACROSS * stone.length_mm, stone.length_mm / 2, 24):
        radius = max(least, girdle_distance(outline, half_step_mm, y) + PRONG_GRIP_MM)
        if y - radius >= MIN_APART_MM / 2 and y + radius <= stone.length_mm / 2 + ROW_MARGIN_MM:
            return (float(y), float(-y)), radius
    return (0.0,), max(least, girdle_distance(outline, half_step_mm, 0.0) + PRONG_GRIP_MM)


def _shared_prongs(form: StoneForm, row: Layout, placed: Row, into: float) -> list[manifold3d.Manifold]:
    """A prong in each gap between neighbours on both sides of the row's middle, thick enough to reach in over both
    stones' girdles by PRONG_GRIP_MM (their seats notch it): it stands in the notch between them, on the band. An
    open row has prongs outside its first and last stones too."""
    places, radius = prong_places(form, row.step * row.girdle_radius / 2)
    bottom, top = -(GIRDLE_LIFT_MM + into), form.crown * 0.3
    prong = union([rod((0.0, y, bottom), (0.0, y, top), radius) for y in places])
    return rows.in_gaps(placed, prong, ends=(True, True))


def build(ring: Ring, eternity: Eternity) -> Parts:
    """The row: its stones, their seats (to cut into the band and the setting's metal), and the setting's metal."""
    form = form_of(eternity)
    row = layout(ring, eternity)
    placed = rows.along_band((form,) * row.count, row.angles, row.girdle_radius, eternity.coverage is Coverage.FULL)
    into = ring.thickness_mm * INTO_BAND_SHARE
    seats = band_rows.cutters(placed, eternity.setting is RowSetting.CHANNEL,
                              GIRDLE_LIFT_MM + ring.thickness_mm + 1.0)
    if eternity.setting is RowSetting.SHARED_PRONG:
        metal = _shared_prongs(form, row, placed, into)
    elif eternity.setting is RowSetting.CHANNEL:
        metal = band_rows.channel_walls(placed, into)
    else:
        metal = band_rows.bezels(placed, into)
    return Parts(metal, seats, rows.stones(placed))


def described(eternity: Eternity, count: int, carat: float) -> str:
    """The row as a store writes it: "19 x 2.5 mm, 1.14 ctw"."""
    stone = eternity.stone
    size = (f"{stone.length_mm:g} mm" if abs(stone.length_mm - stone.outline_width_mm) < 1e-9
            else f"{stone.length_mm:g} x {stone.outline_width_mm:.2g} mm")
    return f"{count} x {size}, {carat:.2f} ctw"


def resizable(eternity: Eternity) -> bool:
    """A full eternity has stones all round: it cannot be sized up or down, only made anew."""
    return eternity.coverage is not Coverage.FULL



def span(ring: Ring, eternity: Eternity) -> float:
    """Half the angle the row covers, from +Z to its last stone's far side (pi for a full eternity)."""
    if eternity.coverage is Coverage.FULL:
        return math.pi
    row = layout(ring, eternity)
    return row.angles[-1] + row.step
