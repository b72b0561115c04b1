"""Rows round the band's outside and the metal that sets them: the girdles' radius, seats drilled on through to the
finger, a channel's walls and bezel cups. Eternity rows and channel side stones are set so (`rows` places the stones).

Each stone sits across the band (its length along the finger), its girdle GIRDLE_LIFT_MM over the band's outside,
its pavilion in a seat drilled on through to the finger for light and cleaning. Stones may differ (a graduated row):
each comes with its own form and angle. Ring coordinates: finger axis Y, the top of the band +Z; angles from +Z.
"""

from __future__ import annotations

import math

import manifold3d
import numpy as np

from .rows import Row, drill, drilled_from_culet, drilled_seat, per_stone
from .shapes import stone_outline
from .solids import offset_outline, slab, union
from .stone_forms import SEAT_CLEARANCE_MM, StoneForm, seat

GIRDLE_LIFT_MM = 0.1  # the girdle stands this far over the band's outside
ROW_GIRDLE_POINTS = 32
CHANNEL_WALL_MM = 0.8  # each channel wall, across the band
CHANNEL_LIP_MM = 0.1  # how far a wall reaches in over the girdles (the seats cut a bearing into it under its top)
BEZEL_WALL_MM = 0.6  # a bezel cup's wall round the girdle
BEZEL_LIP_MM = 0.25  # how far a cup's rim reaches in over the crown
# Walls and cups reach this share of the band's thickness down into it: deep enough that none meets the band's
# rounded edge at a shallow angle (a hair of a crevice), short of the finger.
INTO_BAND_SHARE = 0.5
DRILL_SEGMENTS = 12


def girdle_radius(inner_radius_mm: float, thickness_mm: float) -> float:
    return inner_radius_mm + thickness_mm + GIRDLE_LIFT_MM


def seat_depth_mm(form: StoneForm) -> float:
    """How far a seat reaches into the band under its outside (its hole goes on through)."""
    return form.pavilion - GIRDLE_LIFT_MM + SEAT_CLEARANCE_MM


def channel_width_mm(length_mm: float) -> float:
    """The band a channel of stones `length_mm` long needs: the stones and a wall either side past the lips."""
    return length_mm + 2 * (CHANNEL_WALL_MM - CHANNEL_LIP_MM)


def cutters(row: Row, trough: bool, through_mm: float, from_culet: bool = False) -> list[manifold3d.Manifold]:
    """The row's seats and holes (`through_mm` down from the girdle). Stones in a channel (`trough`) sit in one trough
    (the hull of each two neighbours' seats: no sliver of metal is left between them); otherwise each has its own
    seat, with castable metal between. Stones standing as close as shared prongs set them (0.1-0.2 mm) have their
    holes drilled `from_culet` on: the seat keeps its pavilion's slope, so the metal between two seats widens
    quickly under the band's outside instead of standing as a thin wall down to the finger."""

    def hole(form: StoneForm) -> manifold3d.Manifold:
        return drill(form, 0.0, through_mm, DRILL_SEGMENTS)

    def under_culet(form: StoneForm) -> manifold3d.Manifold:  # a hole from a little over the culet on down
        return drilled_from_culet(form, through_mm, DRILL_SEGMENTS)

    if from_culet:
        return [union(per_stone(row, under_culet))]
    if not trough:
        return [union(per_stone(row, lambda form: drilled_seat(form, hole(form))))]
    placed, drills = per_stone(row, seat), per_stone(row, hole)
    pairs = list(zip(placed, placed[1:], strict=False))
    if row.closed:
        pairs.append((placed[-1], placed[0]))
    if not pairs:  # one stone alone
        return [union([*placed, *drills])]
    return [union([*(manifold3d.Manifold.batch_hull([first, second]) for first, second in pairs), *drills])]


def _wall_arc(inner_y: float, low: float, high: float, first: float, last: float, segments: int,
              closed: bool) -> list[manifold3d.Manifold]:
    """The two walls (either side of the row's middle) from angle `first` to `last`, or all round."""
    outer_y = inner_y + CHANNEL_WALL_MM
    walls = []
    for side in (1, -1):
        y0, y1 = sorted((side * inner_y, side * outer_y))
        section = manifold3d.CrossSection([np.ascontiguousarray([(low, y0), (high, y0), (high, y1), (low, y1)])])
        if closed:
            walls.append(manifold3d.Manifold.revolve(section, circular_segments=segments)
                         .rotate((90.0, 0.0, 0.0)).rotate((0.0, -90.0, 0.0)))
            continue
        span = math.degrees(last - first)
        arc = manifold3d.Manifold.revolve(section, circular_segments=segments, revolve_degrees=span)
        # revolved round Z from +X: centred on +X, turned so the axis is Y and the arc centred on +Z, then on to its
        # middle angle
        arc = arc.rotate((0.0, 0.0, -span / 2)).rotate((90.0, 0.0, 0.0)).rotate((0.0, -90.0, 0.0))
        walls.append(arc.rotate((0.0, math.degrees((first + last) / 2), 0.0)))
    return walls


def channel_walls(row: Row, into: float, open_ends: tuple[bool, bool] = (False, False)) -> list[manifold3d.Manifold]:
    """Two walls along the row reaching in over the girdles by CHANNEL_LIP_MM, `into` the band. An end runs on past
    its stone by a wall's width (the stone rests against the band's metal beyond its seat), or, where `open_ends`
    says so, stops a little inside the stone (a side row's end next to the centre's head)."""
    radius = row.level
    low = radius - GIRDLE_LIFT_MM - into
    high = radius + max(form.crown for form in row.forms) * 0.35
    if row.closed or (row.alike and not any(open_ends)):  # an eternity row: walls revolved along it
        form = row.forms[0]
        past = (form.stone.outline_width_mm / 2 + CHANNEL_WALL_MM) / radius
        first, last = row.angles[0] - past, row.angles[-1] + past
        segments = max(96, 4 * len(row.forms)) if row.closed else max(24, 2 * len(row.forms))
        return _wall_arc(form.stone.length_mm / 2 - CHANNEL_LIP_MM, low, high, first, last, segments, row.closed)
    return _graduated_walls(row, low, high, open_ends)


# An open end (a side row's, next to the centre's head) stops this share of its stone's width in from the girdle's
# end: stopped at the girdle's end, its face would stand in the seat's curve and leave a sliver.
OPEN_END_IN = 0.25
SLICE_MM = 0.05  # a graduated wall's slices are this thick along the band


def _graduated_walls(row: Row, low: float, high: float, open_ends: tuple[bool, bool]) -> list[manifold3d.Manifold]:
    """A graduated row's walls: at each stone's centre a slice of wall reaching in over its girdle by the lip, each
    two neighbouring slices hulled into one straight piece (pieces share their slices, so they overlap), the inner
    edge tapering from stone to stone; past the row's far end it runs on by a wall's width."""
    radius = row.level
    outer = max(form.stone.length_mm for form in row.forms) / 2 - CHANNEL_LIP_MM + CHANNEL_WALL_MM
    stations = [(angle, form.stone.length_mm / 2 - CHANNEL_LIP_MM) for form, angle in zip(row.forms, row.angles,
                                                                                          strict=True)]
    first, last = row.forms[0].stone.outline_width_mm, row.forms[-1].stone.outline_width_mm
    start = stations[0][0] - (first * (0.5 - OPEN_END_IN) if open_ends[0] else first / 2 + CHANNEL_WALL_MM) / radius
    end = stations[-1][0] + (last * (0.5 - OPEN_END_IN) if open_ends[1] else last / 2 + CHANNEL_WALL_MM) / radius
    stations = [(start, stations[0][1]), *stations, (end, stations[-1][1])]
    walls = []
    for side in (1, -1):
        slices = []
        for angle, inner in stations:
            y0, y1 = sorted((side * inner, side * outer))
            box = manifold3d.Manifold.cube((SLICE_MM, y1 - y0, high - low)).translate((-SLICE_MM / 2, y0, low))
            slices.append(box.rotate((0.0, math.degrees(angle), 0.0)))
        walls += [manifold3d.Manifold.batch_hull([a, b]) for a, b in zip(slices, slices[1:], strict=False)]
    return [union(walls)]


def bezels(row: Row, into: float) -> list[manifold3d.Manifold]:
    """A cup round each stone's girdle, standing in the band."""

    def cup(form: StoneForm) -> manifold3d.Manifold:
        stone = form.stone
        outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, ROW_GIRDLE_POINTS)
        return slab(offset_outline(outline, BEZEL_WALL_MM - BEZEL_LIP_MM + SEAT_CLEARANCE_MM),
                    -(GIRDLE_LIFT_MM + into), form.crown * 0.4)

    return per_stone(row, cup)
