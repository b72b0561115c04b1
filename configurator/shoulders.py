"""Shoulders of a ring: channel-set and pavé accent rows, and cathedral arches rising to the head.

Accent stones sit along the band's top on both sides of the head, each in its seat: a channel groove
(the band's walls hold the girdles) or a drilled seat held by raised beads (pavé).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import manifold3d
import numpy as np

from . import rows
from .bands import Band
from .heads import HEAD_FOOT_REACH_MM, Parts
from .rows import ACCENT_GAP_MM, accent_form, along_band, drilled_from_culet, pitch
from .solids import capsule, section, union
from .stone_forms import StoneForm, seat

CHANNEL_WALL_MM = 0.8  # metal left either side of a channel (the wall minimum, PRODUCT.md)
CHANNEL_LIP_MM = 0.25  # how far the walls reach over the girdles
STONES_PER_SIDE = 5
HEAD_CLEAR_MM = 0.8  # the shoulders start this far along the band past the head's posts


@dataclass(frozen=True)
class BandTop:
    """The band's top, in world coordinates (finger axis Y): radius of the outside, width, the angle from +Z that the
    head covers on each side, and the band itself (its outside and thickness across its width)."""

    radius: float
    width: float
    head_angle: float
    band: Band = field(compare=False, repr=False)
    # the band of a ring to cast: its cathedral arches are fitted to it
    solid: manifold3d.Manifold | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, band: Band, solid: manifold3d.Manifold | None = None) -> BandTop:
        """The top of `band` (of a plain band, or a tapered band's top), the head covering its posts' reach along it
        (HEAD_FOOT_REACH_MM) and HEAD_CLEAR_MM more each side."""
        outer = band.inner_radius_mm + band.thickness_mm
        return cls(outer, band.width_mm, math.asin(min(0.95, (HEAD_FOOT_REACH_MM + HEAD_CLEAR_MM) / outer)), band, solid)


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
PAVE_STONE_MM = (1.0, 1.5)  # the smallest and largest pavé stones the shoulders take
PAVE_EDGE_MM = 0.5  # metal along each edge of the band past the stones' girdles
PAVE_TWO_LINES_MM = 3.4  # a band this wide or wider takes two lines of stones a shoulder
# Metal left under a pavé seat's point, down to the finger: the casting's wall minimum, walls and band at least 0.8 mm
# (PRODUCT.md "Casting and wax printing"; the catalogue's every alloy has it). The stones are sized to keep it.
PAVE_UNDER_MM = 0.8
# A pavé seat as the setter cuts it: a pilot hole drilled through, then a setting bur of the stone's size cutting a
# seat the shape of its pavilion (ganoksin.com/borisat/nenam/basic-bead-setting.htm: pilot drill through, opened to
# about 3/4 of the stone, the seat cut with a ball or setting bur the stone's size; orchid.ganoksin.com "Techniques for
# a halo ring": a 90-degree setting bur cuts "a seat with the same shape as the pavilion"). The wax has the bur's seat
# and a pilot hole from the culet on through the band, 0.4 of the stone's width across (the setter opens it at the
# bench): between two seats the metal widens under the girdles as the pavilions narrow, and stays castable down to the
# finger. (A seat hulled down to its hole, `rows.drilled_seat`, is as wide as the girdle all the way through: between
# two pavé stones 0.2 mm apart it left a web 0.1-0.3 mm thin from the girdles to the finger.)
PAVE_HOLE_SHARE = 0.2  # the pilot hole's radius, a share of the stone's size
PAVE_HOLE_PAST_MM = 0.5  # the hole runs on this far past the band's inside


class PaveLayout(NamedTuple):
    """Pavé along each shoulder: the stones' size (mm) and each line's offset across the band from its middle (mm)."""

    size: float
    offsets: tuple[float, ...]


def _offsets(lines: int, size: float) -> tuple[float, ...]:
    return (0.0,) if lines == 1 else (-pitch(size) / 2, pitch(size) / 2)


@lru_cache(maxsize=64)
def pave_seat_depth_mm(size_mm: float) -> float:
    """How deep a pavé seat reaches under the band's top: the sink, the crown, and the seat's cone (the pavilion and
    its clearance) to its point, as though it were not drilled (the pilot hole takes the point: the metal round it is
    deeper)."""
    form = accent_form(size_mm)
    return PAVE_SINK_MM + form.crown - seat(form).bounding_box()[2]


def _seated_size(depth: float) -> float:
    """The largest pavé stone (to 0.01 mm, at least the smallest) whose seat reaches no deeper than `depth`."""
    least, most = PAVE_STONE_MM
    shallow, deep = pave_seat_depth_mm(least), pave_seat_depth_mm(most)
    if depth >= deep:
        return most
    size = max(least, math.floor((least + (depth - shallow) / (deep - shallow) * (most - least)) * 100 + 1e-6) / 100)
    while size > least and pave_seat_depth_mm(size) > depth + 1e-9:  # the depth runs straight with the size
        size = round(size - 0.01, 2)
    return size


def pave_layout(band: Band) -> PaveLayout:
    """Pavé for `band`: one line a shoulder (two on a band PAVE_TWO_LINES_MM wide or more, whose top leaves the metal
    under them) of stones as large as the width takes (between PAVE_STONE_MM, ACCENT_GAP_MM apart, PAVE_EDGE_MM of
    metal at each edge) and no larger than leaves PAVE_UNDER_MM of metal under their seats. On a band too thin for the
    smallest stones they are the smallest: the check says how much thicker the band must be (`styles.pave.findings`).
    """

    def largest(lines: int) -> float:  # stones as large as the width takes, and no deeper than the band allows
        size = float(np.clip((band.width_mm - 2 * PAVE_EDGE_MM) / lines - ACCENT_GAP_MM, *PAVE_STONE_MM))
        metal = min(band.thickness_at(offset) for offset in _offsets(lines, size))  # nearer the middle: no less
        return round(min(size, _seated_size(metal - PAVE_UNDER_MM)), 3)

    if band.width_mm >= PAVE_TWO_LINES_MM:
        size = largest(2)
        if _metal_under(band, _offsets(2, size), size) >= PAVE_UNDER_MM - 1e-9:
            return PaveLayout(size, _offsets(2, size))  # not where a domed top leaves too little under them off its middle
    return PaveLayout(largest(1), _offsets(1, largest(1)))


def _metal_under(band: Band, offsets: tuple[float, ...], size: float) -> float:
    return min(band.thickness_at(offset) for offset in offsets) - pave_seat_depth_mm(size)


def pave_metal_under_mm(band: Band) -> float:
    """The least metal left under the pavé seats' points on `band`, down to the finger: each line's stones sit under
    the band's top where they are (a domed top falls toward its edges)."""
    layout = pave_layout(band)
    return _metal_under(band, layout.offsets, layout.size)


@lru_cache(maxsize=64)
def pave_seat(size_mm: float, through_mm: float, side: int = 0) -> manifold3d.Manifold:
    """A pavé stone's seat, in its frame: the seat the setting bur cuts, its walls over the girdle standing straight
    toward the band's edge it opens to (`side`: +1 +Y, -1 -Y, 0 both: a line down the band's middle) and hugging the
    crown elsewhere, and the pilot hole `through_mm` under the girdle."""
    form = accent_form(size_mm)
    return drilled_from_culet(form, through_mm, share=PAVE_HOLE_SHARE, cut=_opened(seat(form), side))


def _opened(grown: manifold3d.Manifold, side: int) -> manifold3d.Manifold:
    """A seat (`grown`: the stone grown by the clearance, in its frame, its length along Y across the band) whose walls
    over the girdle stand straight toward the band's edge on `side` and lean in over the crown elsewhere: the seat
    raised by its crown's height, kept within its table's half-width but toward that edge, hulled with itself.

    Toward a neighbour (along the band, or the other line across it) the metal between two seats widens up from the
    girdles as the crowns narrow, as it does down from them as the pavilions narrow: straight walls there would stand a
    wall 0.1 mm thin between them. Toward the edge of a domed band the top falls away about as steeply as a crown: a wall
    leaning in with the crown would leave a lip of metal a hair thin over the girdle; a straight one meets the top at an
    open angle."""
    box = grown.bounding_box()
    points = np.asarray(grown.to_mesh().vert_properties)[:, :3]
    table = float(np.abs(points[points[:, 2] > box[5] - 1e-6, 0]).max())  # the table's half-width
    far = box[4] - box[1] + 1.0
    low = -far if side <= 0 else -table
    high = far if side >= 0 else table
    keep = manifold3d.Manifold.cube((2 * table, high - low, box[5] - box[2] + 1.0)).translate(
        (-table, low, box[2] - 0.5))
    raised = (grown ^ keep).translate((0.0, 0.0, box[5]))
    return manifold3d.Manifold.batch_hull([grown, raised])


PAVE_BEAD_UNDER_TOP_MM = 0.1  # a pavé bead's centre under the band's top where it stands
PAVE_BEAD_ACROSS = 0.42  # a pavé bead stands this share of a stone's size off its line


def _pave_rows(top: BandTop) -> list[tuple[rows.Row, float]]:
    """Each shoulder's lines of stones, girdles under the band's top where the line runs, with its offset across."""
    size, offsets = pave_layout(top.band)
    form = accent_form(size)
    found = []
    for side in (1, -1):
        angles = _angles(top, size, STONES_PER_SIDE + 1, side)
        for y in offsets:
            radius = top.band.outside_radius_mm(y) - form.crown - PAVE_SINK_MM
            found.append((along_band((form,) * len(angles), angles, radius, across=y), y))
    return found


def pave_beads(top: BandTop) -> list[manifold3d.Manifold]:
    """The beads that hold the pavé stones: a pair past each stone on its side away from the head, one either side of
    its line, each centred PAVE_BEAD_UNDER_TOP_MM under the band's top where it stands."""
    off = pave_layout(top.band).size * PAVE_BEAD_ACROSS
    beads = []
    for row, y in _pave_rows(top):
        for across in (y - off, y + off):
            beads += rows.beads(row, top.band.outside_radius_mm(across) - PAVE_BEAD_UNDER_TOP_MM, off,
                                clear=lambda point, across=across: abs(point[1] - across) < 1e-6, ends=(False, True))
    return beads


def pave(top: BandTop) -> Parts:
    """Small round stones in drilled seats, held by beads raised between them: a line (or two) along each shoulder."""
    size = pave_layout(top.band).size
    parts = Parts()
    seats = []
    for row, y in _pave_rows(top):
        inside = top.band.outside_radius_mm(y) - top.band.thickness_at(y)
        cutter = pave_seat(size, round(row.level - inside + PAVE_HOLE_PAST_MM, 3), int(np.sign(y)))
        parts.stones += rows.stones(row)
        seats += rows.per_stone(row, lambda _, cutter=cutter: cutter)
    parts.seats.append(manifold3d.Manifold.compose(seats))  # seats and beads never touch their own kind
    parts.metal.append(manifold3d.Manifold.compose(pave_beads(top)))
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
