"""Shoulders of a ring: channel-set and pavé accent rows, and cathedral arches rising to the head.

Accent stones sit along the band's top on both sides of the head, each in its seat: a channel groove
(the band's walls hold the girdles) or a drilled seat held by raised beads (pavé).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import manifold3d
import numpy as np

from . import rows
from .heads import Parts
from .rows import ACCENT_GAP_MM, accent_form, accent_seat, along_band, pitch
from .solids import capsule, section, union
from .stone_forms import SEAT_CLEARANCE_MM, StoneForm, seat

CHANNEL_WALL_MM = 0.8  # metal left either side of a channel (the wall minimum, PRODUCT.md)
CHANNEL_LIP_MM = 0.25  # how far the walls reach over the girdles
STONES_PER_SIDE = 5


@dataclass(frozen=True)
class BandTop:
    """The band's top, in world coordinates (finger axis Y): radius of the outside, width, and the angle
    from +Z that the head covers on each side."""

    radius: float
    width: float
    head_angle: float
    # the band of a ring to cast: its cathedral arches are fitted to it
    solid: manifold3d.Manifold | None = field(default=None, compare=False, repr=False)


def _angles(top: BandTop, size: float, count: int, side: int) -> list[float]:
    """One shoulder's stones (`side` 1 the right, +X; -1 the left), outward from the head."""
    step = pitch(size) / top.radius
    first = top.head_angle + step / 2
    return [side * (first + index * step) for index in range(count)]


def channel_size(band_width: float) -> float:
    return float(np.clip(band_width - 2 * CHANNEL_WALL_MM, 1.0, 2.5))


def _groove(top: BandTop, inner_radius: float, half_width: float, first: float, last: float) -> manifold3d.Manifold:
    """A groove along the band's top from angle `first` to `last` (radians from +Z, first < last)."""
    area = section(np.array([(inner_radius, -half_width), (top.radius + 1.0, -half_width),
                             (top.radius + 1.0, half_width), (inner_radius, half_width)]))
    span = math.degrees(last - first)
    arc = manifold3d.Manifold.revolve(area, circular_segments=90, revolve_degrees=span)  # 4 degrees a segment
    # The revolve sweeps from +X toward +Y round Z; turn it so it sweeps from +X toward +Z round Y, then on
    # to start at `first` measured from +Z toward +X.
    start_from_x = 90.0 - math.degrees(last)
    return arc.rotate((90.0, 0.0, 0.0)).rotate((0.0, -start_from_x, 0.0))


def channel(top: BandTop) -> Parts:
    """Round accent stones in a groove along the band, walls on both sides holding the girdles."""
    size = channel_size(top.width)
    form = accent_form(size)
    radius = top.radius - form.crown - 0.05
    step = pitch(size) / top.radius
    parts = Parts()
    seats, grooves = [], []
    for side in (1, -1):
        angles = _angles(top, size, STONES_PER_SIDE, side)
        row = along_band((form,) * STONES_PER_SIDE, angles, radius)
        parts.stones += rows.stones(row)
        seats += rows.per_stone(row, seat)
        ends = sorted(side * angle for angle in angles)
        groove = _groove(top, radius, size / 2 - CHANNEL_LIP_MM, ends[0] - step / 2, ends[-1] + step / 2)
        grooves.append(groove if side > 0 else groove.mirror((1.0, 0.0, 0.0)))
    parts.seats.append(union([manifold3d.Manifold.compose(seats), *grooves]))
    return parts


PAVE_SINK_MM = 0.05  # a pavé stone's table sits this far under the band's top


def pave_layout(band_width: float) -> tuple[int, float]:
    """Lines of stones along each shoulder (one or two) and their size, for pavé on a band of this width."""
    lines = 1 if band_width < 3.4 else 2
    size = float(np.clip((band_width - 1.0) / lines - ACCENT_GAP_MM, 1.0, 1.5))
    return lines, size


def pave_seat_depth_mm(size_mm: float) -> float:
    """How deep a pavé seat reaches under the band's top: the sink, the stone, and the seat's clearance below it
    (the drilled hole under it goes through)."""
    form = accent_form(size_mm)
    return PAVE_SINK_MM + form.crown + form.pavilion + SEAT_CLEARANCE_MM


PAVE_BEAD_UNDER_TOP_MM = 0.1  # a pavé bead's centre under the band's top
PAVE_BEAD_ACROSS = 0.42  # a pavé bead stands this share of a stone's size off its line


def pave(top: BandTop) -> Parts:
    """Small round stones in drilled seats, held by beads raised between them: a line (or two) along each shoulder,
    a pair of beads past each stone on its side away from the head."""
    lines, size = pave_layout(top.width)
    form = accent_form(size)
    radius = top.radius - form.crown - PAVE_SINK_MM
    offsets = [0.0] if lines == 1 else [-pitch(size) / 2, pitch(size) / 2]
    parts = Parts()
    seats, beads = [], []
    for side in (1, -1):
        angles = _angles(top, size, STONES_PER_SIDE + 1, side)
        for y in offsets:
            row = along_band((form,) * len(angles), angles, radius, across=y)
            parts.stones += rows.stones(row)
            seats += rows.per_stone(row, lambda _: accent_seat(size))
            beads += rows.beads(row, top.radius - PAVE_BEAD_UNDER_TOP_MM, size * PAVE_BEAD_ACROSS, ends=(False, True))
    parts.seats.append(manifold3d.Manifold.compose(seats))  # seats and beads never touch their own kind
    parts.metal.append(manifold3d.Manifold.compose(beads))
    return parts


def cathedral(top: BandTop, form: StoneForm, girdle_z: float) -> Parts:
    """Two arches rising from the shoulders to the underside of the head (world coordinates)."""
    stone = form.stone
    half = min(top.width * 0.4, stone.length_mm * 0.35)
    metal = []
    for side in (1, -1):
        foot_angle = side * (top.head_angle + 0.12)
        foot = np.array([top.radius * math.sin(foot_angle) * 0.97, top.radius * math.cos(foot_angle) * 0.97])
        summit = np.array([side * stone.outline_width_mm * 0.32, girdle_z - 0.55 * form.pavilion])
        bend = np.array([foot[0] * 0.85 + summit[0] * 0.15, summit[1] - 0.2 * form.pavilion])
        points = []
        for t in np.linspace(0, 1, 7):
            xz = (1 - t) ** 2 * foot + 2 * (1 - t) * t * bend + t**2 * summit
            points.append(xz)
        for a, b in zip(points[:-1], points[1:], strict=True):
            slices = [capsule((p[0], -half, p[1]), (p[0], half, p[1]), 0.5) for p in (a, b)]
            metal.append(manifold3d.Manifold.batch_hull(slices))
    return Parts(metal)
