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

from .design import Coverage, Eternity, Ring, RowSetting
from .outlines import stone_outline
from .settings import (
    SEAT_CLEARANCE_MM,
    Parts,
    StoneForm,
    accent_prong_mm,
    rod,
    seat,
)
from .solids import offset_outline, slab, union

GIRDLE_LIFT_MM = 0.1  # the girdle stands this far over the band's outside
ROW_MARGIN_MM = 0.2  # band left beyond the stones' ends (shared prongs stand within it)
ROW_GIRDLE_POINTS = 32
SHARE = {Coverage.FULL: 1.0, Coverage.THREE_QUARTER: 0.75, Coverage.HALF: 0.5}
CHANNEL_WALL_MM = 0.8  # each channel wall, across the band
CHANNEL_LIP_MM = 0.1  # how far a wall reaches in over the girdles (the seats cut a bearing into it under its top)
BEZEL_WALL_MM = 0.6  # a bezel cup's wall round the girdle
BEZEL_LIP_MM = 0.25  # how far a cup's rim reaches in over the crown
# Prongs, walls and cups reach this share of the band's thickness down into it: deep enough that none meets the
# band's rounded edge at a shallow angle (a hair of a crevice), short of the finger.
INTO_BAND_SHARE = 0.5
PRONG_ACROSS = 0.3  # a pair of shared prongs stands at least this share of the stone's length off the middle
MIN_APART_MM = 0.4  # between the two prongs of a pair: over the investment's 0.3 mm (PRODUCT.md)
PRONG_GRIP_MM = 0.12  # its ball reaches this far in over each neighbour's girdle
BEZEL_GAP_MM = 0.45  # bezel cups need this much between girdles: a 0.35 mm wall between the seats (PRODUCT.md)  # prongs, walls and cups reach this far down into the band
DRILL_SHARE = 0.3  # a seat's hole through the band: this share of the stone's width, as a radius


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
    return ring.size.ring_size().inner_diameter_mm / 2 + ring.thickness_mm + GIRDLE_LIFT_MM


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
        return length + 2 * (CHANNEL_WALL_MM - CHANNEL_LIP_MM)
    if eternity.setting is RowSetting.BEZEL:
        return length + 2 * (BEZEL_WALL_MM - BEZEL_LIP_MM)
    return length + 2 * ROW_MARGIN_MM


def seat_depth_mm(form: StoneForm) -> float:
    """How far a seat reaches into the band under its outside (its hole goes on through)."""
    return form.pavilion - GIRDLE_LIFT_MM + SEAT_CLEARANCE_MM


@lru_cache(maxsize=64)
def form_of(eternity: Eternity) -> StoneForm:
    return StoneForm.of(eternity.stone, ROW_GIRDLE_POINTS)


def _out_at(solid: manifold3d.Manifold, angle: float, radius: float) -> manifold3d.Manifold:
    """A solid built with +Z out of the band, its origin at the girdle's centre, turned to stand at `angle`."""
    return solid.rotate((0.0, math.degrees(angle), 0.0)).translate(
        (radius * math.sin(angle), 0.0, radius * math.cos(angle)))


def _drill(form: StoneForm, through_mm: float) -> manifold3d.Manifold:
    """The hole under a stone's seat, on through the band to the finger: light and cleaning."""
    radius = DRILL_SHARE * min(form.stone.length_mm, form.stone.outline_width_mm)
    return manifold3d.Manifold.cylinder(through_mm, radius, radius, 12).translate((0.0, 0.0, -through_mm))


def _cutters(form: StoneForm, row: Layout, coverage: Coverage, setting: RowSetting, through_mm: float):
    """The row's seats and holes. Stones in a channel sit in one trough (the hull of each two neighbours' seats: no
    sliver of metal is left between them); in shared prongs or bezels each has its own seat, with castable metal
    between (the document keeps them ROW_GAP_LEAST_MM apart)."""
    placed = [_out_at(seat(form), angle, row.girdle_radius) for angle in row.angles]
    drills = [_out_at(_drill(form, through_mm), angle, row.girdle_radius) for angle in row.angles]
    if setting is not RowSetting.CHANNEL:
        return [union([manifold3d.Manifold.batch_hull([cut, drill]) for cut, drill in zip(placed, drills, strict=True)])]
    pairs = list(zip(placed, placed[1:], strict=False))
    if coverage is Coverage.FULL:
        pairs.append((placed[-1], placed[0]))
    return [union([*(manifold3d.Manifold.batch_hull([first, second]) for first, second in pairs), *drills])]


def _girdle_distance(outline: np.ndarray, x: float, y: float) -> float:
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
        radius = max(least, _girdle_distance(outline, half_step_mm, y) + PRONG_GRIP_MM)
        if y - radius >= MIN_APART_MM / 2 and y + radius <= stone.length_mm / 2 + ROW_MARGIN_MM:
            return (float(y), float(-y)), radius
    return (0.0,), max(least, _girdle_distance(outline, half_step_mm, 0.0) + PRONG_GRIP_MM)


def _shared_prongs(form: StoneForm, row: Layout, into: float, coverage: Coverage) -> list[manifold3d.Manifold]:
    """A prong between each two neighbours on both sides of the row's middle, thick enough to reach in over both
    stones' girdles by PRONG_GRIP_MM (their seats notch it): it stands in the notch between them, on the band."""
    places, radius = prong_places(form, row.step * row.girdle_radius / 2)
    bottom, top = -(GIRDLE_LIFT_MM + into), form.crown * 0.3
    prong = union([rod((0.0, y, bottom), (0.0, y, top), radius) for y in places])
    between = [angle + row.step / 2 for angle in row.angles]
    if coverage is not Coverage.FULL:  # the row's two ends: prongs outside the first and last stones too
        between = [row.angles[0] - row.step / 2, *between]
    return [_out_at(prong, angle, row.girdle_radius) for angle in between]


def _channel_walls(form: StoneForm, row: Layout, into: float, coverage: Coverage) -> list[manifold3d.Manifold]:
    """Two walls along the row reaching in over the girdles (a partial row's end stones rest against the band's
    metal beyond their seats)."""
    stone = form.stone
    inner_y = stone.length_mm / 2 - CHANNEL_LIP_MM
    outer_y = inner_y + CHANNEL_WALL_MM
    low, high = row.girdle_radius - GIRDLE_LIFT_MM - into, row.girdle_radius + form.crown * 0.35
    # a partial row's walls run on past its end stones by as much as they reach in over the girdles
    past = (stone.outline_width_mm / 2 + CHANNEL_WALL_MM) / row.girdle_radius
    walls = []
    for side in (1, -1):
        y0, y1 = sorted((side * inner_y, side * outer_y))
        section = manifold3d.CrossSection([np.ascontiguousarray([(low, y0), (high, y0), (high, y1), (low, y1)])])
        if coverage is Coverage.FULL:
            arc = manifold3d.Manifold.revolve(section, circular_segments=max(96, 4 * row.count))
        else:
            span = math.degrees(row.angles[-1] - row.angles[0] + 2 * past)
            arc = manifold3d.Manifold.revolve(section, circular_segments=max(24, 2 * row.count), revolve_degrees=span)
            arc = arc.rotate((0.0, 0.0, -span / 2))
        # revolved round Z from +X: turn it so the axis is Y and the arc is centred on +Z
        walls.append(arc.rotate((90.0, 0.0, 0.0)).rotate((0.0, -90.0, 0.0)))
    return walls


def _bezels(form: StoneForm, row: Layout, into: float) -> list[manifold3d.Manifold]:
    stone = form.stone
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, ROW_GIRDLE_POINTS)
    cup = slab(offset_outline(outline, BEZEL_WALL_MM - BEZEL_LIP_MM + SEAT_CLEARANCE_MM),
               -(GIRDLE_LIFT_MM + into), form.crown * 0.4)
    return [_out_at(cup, angle, row.girdle_radius) for angle in row.angles]


def build(ring: Ring, eternity: Eternity) -> Parts:
    """The row: its stones, their seats (to cut into the band and the setting's metal), and the setting's metal."""
    form = form_of(eternity)
    row = layout(ring, eternity)
    into = ring.thickness_mm * INTO_BAND_SHARE
    stones = [(form.stone, _out_at(form.solid, angle, row.girdle_radius)) for angle in row.angles]
    seats = _cutters(form, row, eternity.coverage, eternity.setting, GIRDLE_LIFT_MM + ring.thickness_mm + 1.0)
    if eternity.setting is RowSetting.SHARED_PRONG:
        metal = _shared_prongs(form, row, into, eternity.coverage)
    elif eternity.setting is RowSetting.CHANNEL:
        metal = _channel_walls(form, row, into, eternity.coverage)
    else:
        metal = _bezels(form, row, into)
    return Parts(metal, seats, stones)


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
