"""Holds: where the metal holds each stone, counted round its girdle as a setter counts prongs.

A stone is held where metal stands over its girdle: a prong, a V-prong on a corner, a bezel's wall or a channel's
wall, in the wax standing straight beside the girdle (the setter bends it over the crown) or, in a picture, already
over it. `of` finds those holds on the built metal, in the stone's own frame (girdle on z = 0, length along Y), and
`judged` says whether they hold the stone as the trade does (PRODUCT.md, "Holding a stone"): a centre or side stone
at four places at least, no free arc of its girdle wider than about 120 degrees; every point or corner of a
princess, marquise, pear, heart, trillion, emerald (asscher, radiant, baguette) guarded by a prong at it or a
V-prong over it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from .design import Shape, Stone
from .shapes import shape_of, stone_outline
from .solids import offset_outline, slab
from .stone_forms import StoneForm
from .stones import GIRDLE_SHARE

HOLD_REACH_MM = 0.15  # metal standing up within this of the girdle (outside it, in the wax) holds the stone there
HOLD_OVER_MM = 0.8  # and metal over the crown up to this far in from the girdle (a closed prong, a bezel's lip)
HOLD_ABOVE_MM = 0.02  # the holds are looked for from this far over the girdle's top (the seat's bearing is under it)
HOLD_HEIGHT_SHARE = 0.5  # up to this share of the crown over the girdle
WALL_DEG = 180.0  # metal over this much of the girdle at least, with no free arc over 120 degrees, is a wall that holds
FEWEST_HOLDS = 4  # a centre stone's (PRODUCT.md); a side stone in a head of its own or shared prongs, three
MAX_FREE_ARC_DEG = 120.0
GIRDLE_POINTS = 128
CORNER_GUARD_MM = 0.35  # a hold whose metal comes within this of a corner (along the girdle) guards it


@dataclass(frozen=True)
class Holds:
    """A stone's holds: each an arc of its girdle (degrees, counter-clockwise from +X, start < end, end may pass 360)
    with metal over it, and its corners with whether one is guarded."""

    arcs: tuple[tuple[float, float], ...]  # those of prongs side by side joined
    corners: tuple[tuple[float, bool], ...]  # (direction in degrees, guarded)
    count: int  # pieces of metal holding it (a pair of shared prongs side by side is two)

    @property
    def free_arc_deg(self) -> float:
        """The widest arc of the girdle with no metal over it (360 with none at all)."""
        if not self.arcs:
            return 360.0
        starts = sorted(self.arcs)
        widest = 0.0
        for (_, end), (start, _) in zip(starts, [*starts[1:], (starts[0][0] + 360.0, 0.0)], strict=True):
            widest = max(widest, start - end)
        return max(widest, 0.0)

    @property
    def covered_deg(self) -> float:
        """How much of the girdle has metal over it, in degrees."""
        return min(360.0, sum(end - start for start, end in self.arcs))

    @property
    def loose_corners(self) -> tuple[float, ...]:
        return tuple(angle for angle, guarded in self.corners if not guarded)

    @property
    def bezelled(self) -> bool:
        """Metal all round (a bezel's wall, a channel's pair of walls leave free arcs, so they are not)."""
        return self.free_arc_deg <= 1e-6


def needed(shape: Shape, fewest: int = FEWEST_HOLDS) -> str:
    """What the trade asks of a stone of this shape, in words for a message."""
    record = shape_of(shape)
    if record.corners:
        if record.pointed:
            return (f"held at {fewest} places with no gap over {MAX_FREE_ARC_DEG:g} degrees and "
                    f"{'its points' if len(record.corners) > 1 else 'its point'} guarded")
        return "held with every corner guarded"
    return f"held at {fewest} places with no gap over {MAX_FREE_ARC_DEG:g} degrees"


def enough(holds: Holds, shape: Shape, fewest: int = FEWEST_HOLDS) -> bool:
    """Whether `holds` hold a stone of `shape` as the trade does: all round; or, cornered (princess, emerald,
    asscher, radiant, baguette, trillion), every corner guarded (a trillion's three corner prongs hold it, a
    baguette's four, whatever the long sides' arcs); or at `fewest` places at least (a centre stone: four) with no
    free arc over 120 degrees, and a pointed stone's points guarded."""
    if holds.loose_corners:
        return False
    if holds.covered_deg >= WALL_DEG and holds.free_arc_deg <= MAX_FREE_ARC_DEG + 1e-6:
        return True  # a wall round most of it (a bezel, open at the back or not)
    record = shape_of(shape)
    if record.corners and not record.pointed:
        return holds.count >= len(record.corners)
    return holds.count >= fewest and holds.free_arc_deg <= MAX_FREE_ARC_DEG + 1e-6


@lru_cache(maxsize=256)
def _outline(stone: Stone) -> np.ndarray:
    return stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, GIRDLE_POINTS)


@lru_cache(maxsize=256)
def _collar(stone: Stone) -> manifold3d.Manifold:
    """Where metal holding the stone stands, in its frame: a ring round the girdle from HOLD_OVER_MM inside it to
    HOLD_REACH_MM outside, over the girdle's top."""
    form = StoneForm.of(stone)
    outline = _outline(stone)
    low = GIRDLE_SHARE * (form.crown + form.pavilion) / 2 + HOLD_ABOVE_MM
    area = offset_outline(outline, HOLD_REACH_MM) - offset_outline(outline, -HOLD_OVER_MM)
    return slab(area, low, max(low + 0.1, HOLD_HEIGHT_SHARE * form.crown))


def corner_angles(stone: Stone) -> tuple[float, ...]:
    """The directions (degrees) of a stone's points and corners in its frame."""
    outline = _outline(stone)
    found = []
    for dx, dy in shape_of(stone.shape).corners:
        toward = np.array([dx / stone.outline_width_mm, dy / stone.length_mm])
        reach = outline @ toward
        point = outline[reach >= reach.max() - 1e-3 * float(np.abs(reach).max())].mean(axis=0)  # a cut corner's middle
        found.append(math.degrees(math.atan2(point[1], point[0])) % 360.0)
    return tuple(found)


def _local_frame(stone: Stone, solid: manifold3d.Manifold) -> np.ndarray | None:
    """The 3 x 4 transform from the stone's frame to where `solid` (a placed copy of its form) stands, found from the
    copy's corners: a placed stone is its form moved, turned and perhaps mirrored, corner for corner."""
    world = np.asarray(solid.to_mesh().vert_properties)[:, :3].astype(float)
    for points in (64, 32, 16, 128):
        local = np.asarray(StoneForm.of(stone, points).solid.to_mesh().vert_properties)[:, :3].astype(float)
        if len(local) != len(world):
            continue
        middle_local, middle_world = local.mean(axis=0), world.mean(axis=0)
        u, _, vt = np.linalg.svd((local - middle_local).T @ (world - middle_world))
        turn = (u @ vt).T  # world = turn @ local + shift (a mirror image is a turn with determinant -1)
        shift = middle_world - turn @ middle_local
        if np.abs(local @ turn.T + shift - world).max() < 1e-3:
            return np.column_stack([turn, shift])
    return None


def of(stone: Stone, solid: manifold3d.Manifold, metal: manifold3d.Manifold) -> Holds | None:
    """The holds the `metal` gives the placed stone `solid` (None if its frame cannot be found)."""
    frame = _local_frame(stone, solid)
    if frame is None:
        return None
    collar = _collar(stone).transform(frame)
    turn, shift = frame[:, :3], frame[:, 3]
    arcs = []
    for piece in (collar ^ metal).decompose():
        if piece.volume() < 1e-4:
            continue
        mesh = piece.to_mesh()
        corners = np.asarray(mesh.vert_properties)[:, :3]
        ends = corners[np.asarray(mesh.tri_verts)[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)]
        along = np.linspace(0.0, 1.0, 9)[None, :, None]  # along every edge: a cup's straight side has few corners
        points = ((ends[:, :1] + along * (ends[:, 1:] - ends[:, :1])).reshape(-1, 3) - shift) @ turn
        arcs.append(_arc(np.degrees(np.arctan2(points[:, 1], points[:, 0])) % 360.0))
    count = len(arcs)
    arcs = _merged(arcs)
    outline = _outline(stone)
    corners = []
    for angle in corner_angles(stone):
        radius = float(np.linalg.norm(outline, axis=1).max())
        slack = math.degrees(CORNER_GUARD_MM / radius)
        corners.append((angle, any(_within(angle, start - slack, end + slack) for start, end in arcs)))
    return Holds(tuple(arcs), tuple(corners), count)


def _arc(angles: np.ndarray) -> tuple[float, float]:
    """The shortest arc covering `angles` (degrees): all round, if no gap between them is wider than 10 degrees."""
    ordered = np.sort(angles)
    gaps = np.diff(np.concatenate([ordered, [ordered[0] + 360.0]]))
    widest = int(np.argmax(gaps))
    if gaps[widest] < 10.0:
        return (0.0, 360.0)
    start = float(ordered[(widest + 1) % len(ordered)])
    end = float(ordered[widest])
    return (start, end if end >= start else end + 360.0)


def _merged(arcs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Arcs that overlap joined (a prong and the rail over it are one hold)."""
    if any(end - start >= 360.0 - 1e-9 for start, end in arcs):
        return [(0.0, 360.0)]
    result: list[list[float]] = []
    for start, end in sorted(arcs):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    if len(result) > 1 and result[-1][1] >= result[0][0] + 360.0:  # the last wraps onto the first
        first = result.pop(0)
        result[-1][1] = max(result[-1][1], first[1] + 360.0)
        if result[-1][1] - result[-1][0] >= 360.0:
            return [(0.0, 360.0)]
    return [(float(start), float(end)) for start, end in result]


def _within(angle: float, start: float, end: float) -> bool:
    return any(start <= a <= end for a in (angle, angle + 360.0, angle - 360.0))
