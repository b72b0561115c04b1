"""A row of stones along a path and what sets them: the one accent-row builder of halos, pavé and channel shoulders,
eternity rows, channel side stones and pendant borders.

A row's path lies in a surface: a plane (a halo's, a pendant plate's face), its points (x, y), or the band's outside,
its points (angle from +Z in radians, across the band along the finger axis Y). Each stone is built in its own frame
(girdle centre at the origin, table +Z, length along Y) and placed at its point, its girdle at the row's level (a
height over the plane, a radius round the band): round the band it is first turned to stand out of it. The row gives
the stones, their seats (the stone grown, a hole drilled under it for light and cleaning) and what sits in the gaps
between them (beads, shared prongs); the style adds its own metal (a halo's rim, a channel's walls or groove).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import manifold3d
import numpy as np

from .design import Cut, Shape, Stone
from .solids import sphere, union
from .stone_forms import StoneForm, seat

# Between neighbouring accent stones of a halo or pavé: 0.2 mm, JewelCraft's default spacing for gems distributed
# along a curve and the trade's widest for stones set close (PRODUCT.md "Eternity bands": 0.1-0.2 mm). Pavé and halo
# seats are drilled each on its own with beads or posts raised between them, so they keep the wider end: nearer, the
# metal between two seats would be thinner than castable detail.
ACCENT_GAP_MM = 0.2
ACCENT_GIRDLE_POINTS = 16  # an accent stone is small: sixteen girdle points keep it round to the eye
ACCENT_DRILL_MM = 1.5  # an accent seat's hole runs this far on under the pavilion, through a band's top or a plate
DRILL_SHARE = 0.3  # a seat's hole: this share of the stone's width, as a radius
CULET_OVERLAP_MM = 0.1  # a hole drilled from the culet starts this far up inside the seat's cone
BEAD_RADIUS_MM = 0.3
BEAD_SEGMENTS = 8


@dataclass(frozen=True)
class Place:
    """Where a solid built in a stone's frame goes: turned `tilt` radians about the finger axis (Y), so that its +Z
    stands out of the band at that angle from +Z, then moved to `centre`."""

    centre: tuple[float, float, float]
    tilt: float = 0.0

    def put(self, solid: manifold3d.Manifold) -> manifold3d.Manifold:
        turned = solid.rotate((0.0, math.degrees(self.tilt), 0.0)) if self.tilt else solid
        return turned.translate(self.centre)


def _in_plane(x: float, y: float, height: float) -> Place:
    return Place((float(x), float(y), float(height)))


def _around_band(angle: float, across: float, radius: float) -> Place:
    return Place((radius * math.sin(angle), float(across), radius * math.cos(angle)), angle)


@dataclass(frozen=True)
class Surface:
    """What a row's path lies in: `place(u, v, level)` puts a point of the path at a level; a closed path's first
    coordinate comes round to its start after `turn` more (2 pi round the band; a plane's outline closes on itself)."""

    place: Callable[[float, float, float], Place]
    turn: float


PLANE = Surface(_in_plane, 0.0)
BAND = Surface(_around_band, 2 * math.pi)


@dataclass(frozen=True)
class Row:
    """Stones along a path, in order: each stone's form and its point (u, v) on the path, their girdles' centres at
    `level` of the `surface`; `closed` when the path goes all round (the last stone's neighbour is the first)."""

    forms: tuple[StoneForm, ...]
    points: tuple[tuple[float, float], ...]
    level: float
    surface: Surface = PLANE
    closed: bool = False

    @classmethod
    def of(cls, form: StoneForm, points: Iterable, level: float, surface: Surface = PLANE, closed: bool = False) -> Row:
        """A row of stones alike at `points`."""
        points = tuple((float(u), float(v)) for u, v in points)
        return cls((form,) * len(points), points, level, surface, closed)

    @property
    def places(self) -> list[Place]:
        return [self.surface.place(u, v, self.level) for u, v in self.points]

    @property
    def angles(self) -> tuple[float, ...]:
        """Round the band: each stone's angle from +Z (its point's first coordinate)."""
        return tuple(u for u, _ in self.points)

    @property
    def alike(self) -> bool:
        return all(form is self.forms[0] for form in self.forms)


def along_band(forms: tuple[StoneForm, ...], angles: Iterable[float], radius: float, closed: bool = False,
               across: float = 0.0) -> Row:
    """A row round the band: stones at `angles` (radians from +Z), `across` mm off the band's middle, girdles at
    `radius` from the finger's axis."""
    return Row(tuple(forms), tuple((float(angle), across) for angle in angles), radius, BAND, closed)


def stones(row: Row) -> list:
    """The row's stones, placed: (stone, solid) pairs as `settings.Parts` holds them."""
    return [(form.stone, place.put(form.solid)) for form, place in zip(row.forms, row.places, strict=True)]


def per_stone(row: Row, make: Callable[[StoneForm], manifold3d.Manifold]) -> list[manifold3d.Manifold]:
    """`make(form)` (a seat, a cup: built in the stone's frame, once per form) placed at each stone."""
    made: dict[int, manifold3d.Manifold] = {}
    for form in row.forms:
        if id(form) not in made:
            made[id(form)] = make(form)
    return [place.put(made[id(form)]) for form, place in zip(row.forms, row.places, strict=True)]


def pitch(size_mm: float) -> float:
    """Centre to centre of neighbouring accent stones of `size_mm`."""
    return size_mm + ACCENT_GAP_MM


def spaced(path: np.ndarray, apart: float) -> np.ndarray:
    """Points evenly spaced round a closed 2D path, as many as fit `apart`, and none closer than `apart` across a
    cusp (a heart's cleft, a teardrop's point), where the path doubles back."""
    closed = np.vstack([path, path[:1]])
    steps = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    total = steps.sum()
    count = max(3, int(total // apart))
    along = np.concatenate([[0], np.cumsum(steps)])
    targets = np.arange(count) * total / count
    x = np.interp(targets, along, closed[:, 0])
    y = np.interp(targets, along, closed[:, 1])
    kept: list[np.ndarray] = []
    for point in np.column_stack([x, y]):
        if all(np.linalg.norm(point - other) >= apart - 1e-6 for other in kept):
            kept.append(point)
    return np.array(kept)


@lru_cache(maxsize=64)
def accent_form(size_mm: float) -> StoneForm:
    """A round brilliant accent stone (diamond) of `size_mm`."""
    stone = Stone(shape=Shape.ROUND, cut=Cut.BRILLIANT, material="diamond", length_mm=round(size_mm, 3))
    return StoneForm.of(stone, ACCENT_GIRDLE_POINTS)


def drill(form: StoneForm, top: float, depth: float, segments: int = 8, share: float = DRILL_SHARE) -> manifold3d.Manifold:
    """The hole under a stone's seat for light and cleaning, from height `top` (the stone's frame) `depth` down, its
    radius `share` of the stone's width."""
    radius = share * min(form.stone.length_mm, form.stone.outline_width_mm)
    return manifold3d.Manifold.cylinder(depth, radius, radius, segments).translate((0.0, 0.0, top - depth))


def drilled_seat(form: StoneForm, hole: manifold3d.Manifold) -> manifold3d.Manifold:
    """A seat as a setting burr cuts it: the stone grown by the clearance, the pavilion's cone carried down into its
    drilled `hole` (one convex cutter)."""
    return manifold3d.Manifold.batch_hull([seat(form), hole])


def drilled_from_culet(form: StoneForm, through_mm: float, segments: int = 8, share: float = DRILL_SHARE,
                       cut: manifold3d.Manifold | None = None) -> manifold3d.Manifold:
    """A seat that keeps its pavilion's slope (`cut`: by default the stone grown by the clearance, as a setting bur
    cuts it), its hole drilled from a little over the culet on down to `through_mm` under the girdle: the metal between
    two such seats widens under the girdles as the pavilions narrow, where a seat hulled down to its hole
    (`drilled_seat`) stands as wide as the girdle all the way down."""
    top = CULET_OVERLAP_MM - form.pavilion
    return union([seat(form) if cut is None else cut, drill(form, top, through_mm + top, segments, share)])


@lru_cache(maxsize=64)
def accent_seat(size_mm: float) -> manifold3d.Manifold:
    """An accent stone's seat: drilled on ACCENT_DRILL_MM under its pavilion."""
    form = accent_form(size_mm)
    return drilled_seat(form, drill(form, -form.pavilion, ACCENT_DRILL_MM))


class Gap(NamedTuple):
    """The gap between two neighbouring stones: its middle on the path, the unit way across the row there (at right
    angles to the line between the two) and the two's distance apart (in the path's own units)."""

    middle: np.ndarray
    across: np.ndarray
    apart: float


def gaps(row: Row, ends: tuple[bool, bool] = (False, False)) -> list[Gap]:
    """The gaps between neighbouring stones, in order (a closed row's last to its first too); where `ends` says so,
    an open row's first or last stone's outer side too, as far out as the gap next to it."""
    points = np.array(row.points, dtype=float).reshape(-1, 2)
    pairs = list(zip(points, points[1:], strict=False))
    if row.closed and len(points) > 1:
        pairs.append((points[-1], points[0] + (row.surface.turn, 0.0)))
    elif len(points) > 1:
        if ends[0]:
            pairs.insert(0, (2 * points[0] - points[1], points[0]))
        if ends[1]:
            pairs.append((points[-1], 2 * points[-1] - points[-2]))
    result = []
    for a, b in pairs:
        along = b - a
        apart = float(np.linalg.norm(along))
        result.append(Gap((a + b) / 2, np.array([-along[1], along[0]]) / max(apart, 1e-9), apart))
    return result


def in_gaps(row: Row, solid: manifold3d.Manifold, ends: tuple[bool, bool] = (False, False)) -> list[manifold3d.Manifold]:
    """`solid` (shared prongs, built in a stone's frame) at the middle of each gap, at the row's level."""
    return [row.surface.place(*gap.middle, row.level).put(solid) for gap in gaps(row, ends)]


def beads(row: Row, level: float, off_mm: float, reach: float = math.inf,
          clear: Callable[[np.ndarray], bool] | None = None,
          ends: tuple[bool, bool] = (False, False)) -> list[manifold3d.Manifold]:
    """A bead either side of each gap, `off_mm` across the row from its middle, centred at `level`: none in a gap
    `reach` or more wide (a stone left out there: a bead half way would hang in the air), none at a point (u, v)
    that `clear` refuses (beside a prong)."""
    bead = sphere((0.0, 0.0, 0.0), BEAD_RADIUS_MM, BEAD_SEGMENTS)
    placed = []
    for gap in gaps(row, ends):
        if gap.apart >= reach:
            continue
        for side in (-1, 1):
            point = gap.middle + side * gap.across * off_mm
            if clear is None or clear(point):
                placed.append(row.surface.place(*point, level).put(bead))
    return placed
