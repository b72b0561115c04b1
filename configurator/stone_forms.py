"""A stone's form, as every setting and row holds it: its solid (made once per stone and girdle) with its heights,
and the seat a setter cuts for it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from .design import Stone
from .shapes import shape_of
from .solids import cleaned, union
from .stones import hull_corners, stone_solid

SEAT_CLEARANCE_MM = 0.05  # the seat is the stone grown by this much all round


@dataclass(frozen=True)
class StoneForm:
    """A stone's solid and its heights: crown above the girdle centre, pavilion below it."""

    stone: Stone
    solid: manifold3d.Manifold
    crown: float
    pavilion: float

    @classmethod
    def of(cls, stone: Stone, girdle_points: int = 64) -> StoneForm:
        """The form of `stone`, made once per stone and girdle (a ring's placement and its head share it)."""
        return _form(stone, girdle_points)


@lru_cache(maxsize=256)
def _form(stone: Stone, girdle_points: int) -> StoneForm:
    solid = stone_solid(stone, girdle_points)
    if not _hollowed(stone):
        solid = _through_corners(solid)
    solid = cleaned(solid)  # once per stone: every placed copy of it is as clean (see geometry.Meshed)
    low, high = solid.bounding_box()[2], solid.bounding_box()[5]
    return StoneForm(stone, solid, high, -low)


def _through_corners(solid: manifold3d.Manifold) -> manifold3d.Manifold:
    """A convex solid rebuilt through its corners alone, the same shape: girdle points strung along a straight edge
    (a cut corner, an emerald's side) leave facets of no area along it, and a prong crossing one, or a seat cut past
    it, leaves two vertices in one place."""
    points = np.asarray(solid.to_mesh64().vert_properties)[:, :3]
    return manifold3d.Manifold.hull_points(hull_corners(points))


def _hollowed(stone: Stone) -> bool:
    """Whether the stone's outline has a hollow (a heart's cleft)."""
    return not shape_of(stone.shape).convex


# The stone and the metal round it share their planes of symmetry, so a seat's edges and the metal's can lie in one
# plane: cut there, they leave a crack closed to zero width. The seat turns this little about the stone's axis (at
# most a couple of microns at its edge, far inside its 0.05 mm clearance), so no edge of it lies in such a plane.
SEAT_TWIST_DEG = 0.02


def seat(form: StoneForm, clearance: float = SEAT_CLEARANCE_MM) -> manifold3d.Manifold:
    """The cutter for a stone's seat: the stone grown by `clearance` all round (about its girdle centre)."""
    size = np.array([form.stone.outline_width_mm, form.stone.length_mm, form.crown + form.pavilion])
    grown = form.solid.scale(tuple((size + 2 * clearance) / size))
    if _hollowed(form.stone):
        # Scaling pulls the sides of a hollow into the stone. A heart is two convex halves: each is grown by the
        # clearance every way (the hull of its corners moved to those of a cube of that half-size), and the two grown
        # halves overlap by twice the clearance across the middle, so their union has no surfaces a hair apart.
        corners = np.asarray(form.solid.to_mesh().vert_properties)[:, :3]
        cube = np.array([(dx, dy, dz) for dx in (-1, 1) for dy in (-1, 1) for dz in (-1, 1)], dtype=float) * clearance
        halves = [corners[corners[:, 0] >= -1e-6], corners[corners[:, 0] <= 1e-6]]
        grown = union([manifold3d.Manifold.hull_points((half[:, None, :] + cube[None]).reshape(-1, 3))
                       for half in halves])
    return grown.rotate((0.0, 0.0, SEAT_TWIST_DEG))
