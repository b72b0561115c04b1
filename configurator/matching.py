"""A matching (contoured) wedding band: a plain band of the ring's size on the same finger axis beside the ring, its
top following the underside of the ring's head and shoulders a clearance away (PRODUCT.md: 0.2-0.3 mm), or a
straight band where nothing of the ring comes that near.

Placement: both bands are revolved round the finger axis, so the gap between them is the gap between their
cross-sections; the band stands along the axis where its section is `clearance` from the ring's.

The contour: the band less everything within `clearance` of the ring's metal and stones, that is less the ring grown
by the clearance (a Minkowski sum with a ball). manifold has no 3D offset, and its own Minkowski sum of a non-convex
solid took 0.5-3 s for a ring's head here. Only what of the ring can come that near the band is grown (its head,
shoulders and stones over the band; the ring's own band is kept clear by the placement): it is cut into pieces that
are convex to within CONVEX_GAP_MM, each piece's growth is one hull (its corners plus the kernel's), and the hulls are
united: a tenth of a second or so for a band (`python -m bench.matching`). The kernel is a polyhedral ball whose faces touch the ball of the
clearance, so nothing of the band is left within the clearance; it stands out from the ball by at most
KERNEL_SEGMENTS' corner (4.8 %, 0.012 mm at 0.25 mm), and a piece's hull from the piece by about CONVEX_GAP_MM on
average (at most 0.03 mm on the presets, measured point by point): the contour is that much, at most, deeper than
it need be. Where the band comes closest to the head, its distance is the clearance to within 0.003 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from .bands import Band, build_band
from .design import BandSide, Design
from .solids import Resolution, drop_crumbs, revolve, union

KERNEL_SEGMENTS = 16  # the polyhedral ball's segments round a great circle: 66 corners, 4.8 % over the ball
# A piece is convex enough when its hull's extra volume over the hull's area is under this: half of it doubles the
# hulls to unite (and the time), twice it lets a hull stand 0.07 mm off a ring's gallery.
CONVEX_GAP_MM = 0.001
MOST_SPLITS = 8  # a piece is halved at most this many times (256 parts) in search of convex ones
# The ring's band grown by this is left out of what the band is cut by: the placement keeps the two bands apart, and a
# solid cleaned for a file strays this far from its section at most (solids.PINCH_TOLERANCES_MM).
BAND_SKIN_MM = 0.01
REACH_MARGIN_MM = 0.05  # what of the ring lies this much beyond the clearance from the band cannot touch it
STRAIGHT_MM3 = 1e-3  # a contour removing less than this is no contour: the band is straight


@dataclass(frozen=True)
class Fit:
    """How the matching band came out against the ring.

    Attributes:
        band: the plain band it was cut from, as built (centred on the origin).
        offset_mm: where its centre stands along the finger axis from the ring's (negative: below, toward the hand).
        removed_mm3: the metal the contour took out of the plain band.
        under_contour_mm: the least radial metal left under the contour across the middle half of the band's width
            (where a gauge reads a band); None where the contour does not reach the middle half.
        pieces: how many bodies the band is in (one, unless the contour cut it apart).
    """

    band: Band
    offset_mm: float
    removed_mm3: float
    under_contour_mm: float | None
    pieces: int

    @property
    def contoured(self) -> bool:
        """Whether the band's top follows the ring (else it is a straight band)."""
        return self.removed_mm3 >= STRAIGHT_MM3


def _vertices(solid: manifold3d.Manifold) -> np.ndarray:
    return np.asarray(solid.to_mesh().vert_properties)[:, :3].astype(np.float64)


@lru_cache(maxsize=8)
def kernel(clearance: float) -> np.ndarray:
    """The corners of a polyhedral ball whose faces touch the ball of radius `clearance` (it holds that ball)."""
    ball = manifold3d.Manifold.sphere(1.0, KERNEL_SEGMENTS)
    mesh = ball.to_mesh()
    corners = np.asarray(mesh.vert_properties)[:, :3].astype(np.float64)
    triangles = corners[np.asarray(mesh.tri_verts)]
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    normals /= np.linalg.norm(normals, axis=1)[:, None]
    inradius = float(np.abs((normals * triangles[:, 0]).sum(axis=1)).min())
    return corners * (clearance / inradius)


def _segment_distances(points: np.ndarray, polygon: np.ndarray) -> float:
    """The least distance from `points` to the edges of the closed `polygon` (2D)."""
    start, end = polygon, np.roll(polygon, -1, axis=0)
    edge = end - start
    length2 = np.maximum((edge**2).sum(axis=1), 1e-30)
    along = np.clip(((points[:, None, :] - start[None]) * edge[None]).sum(axis=2) / length2[None], 0.0, 1.0)
    nearest = start[None] + along[..., None] * edge[None]
    return float(np.sqrt(((points[:, None, :] - nearest) ** 2).sum(axis=2)).min())


def section_gap(a: np.ndarray, b: np.ndarray) -> float:
    """The least distance between two closed polygons that do not overlap."""
    return min(_segment_distances(a, b), _segment_distances(b, a))


def placement(ring_section: np.ndarray, band_section: np.ndarray, clearance: float) -> float:
    """How far along its axis a band of `band_section` stands from a ring of `ring_section` (both (radius, height),
    revolved round the same axis) so that they are `clearance` apart: bands of one axis are as far apart as their
    sections (a point turned round the axis only moves further off). The shift is found to a micron between the
    sections' touching (their edges level) and a full clearance beyond."""
    low = float(ring_section[:, 1].max() - band_section[:, 1].min())
    high = low + clearance
    while high - low > 1e-6:
        middle = (low + high) / 2
        if section_gap(ring_section, band_section + [0.0, middle]) < clearance:
            low = middle
        else:
            high = middle
    return high


def _convex_pieces(solid: manifold3d.Manifold, depth: int = 0, found: list | None = None) -> list[np.ndarray]:
    """The corners of convex hulls that cover `solid` closely: each piece whose hull stands out from it by less than
    CONVEX_GAP_MM on average, or is MOST_SPLITS halvings small, gives its hull; the others are halved across their
    longest side."""
    found = [] if found is None else found
    if solid.is_empty() or solid.volume() < 1e-9:
        return found
    hull = solid.hull()
    gap = (hull.volume() - solid.volume()) / max(hull.surface_area(), 1e-9)
    if gap <= CONVEX_GAP_MM or depth >= MOST_SPLITS:
        found.append(_vertices(hull))
        return found
    corners = _vertices(solid)
    low, high = corners.min(axis=0), corners.max(axis=0)
    axis = int(np.argmax(high - low))
    normal = [0.0, 0.0, 0.0]
    normal[axis] = 1.0
    for half in solid.split_by_plane(normal, float(low[axis] + high[axis]) / 2):
        _convex_pieces(half, depth + 1, found)
    return found


def grown(solid: manifold3d.Manifold, clearance: float, near: manifold3d.Manifold | None = None
           ) -> manifold3d.Manifold:
    """`solid` grown by at least `clearance` in every direction (see the module's notes for how much more); given
    `near`, only the pieces whose growth can reach it are grown (the rest would not touch it)."""
    ball = kernel(clearance)
    reach = float(np.linalg.norm(ball, axis=1).max())
    pieces = [corners for piece in solid.decompose() for corners in _convex_pieces(piece)]
    if near is not None:
        pieces = [corners for corners in pieces if near.min_gap(manifold3d.Manifold.hull_points(corners), reach) < reach]
    return union([manifold3d.Manifold.hull_points((corners[:, None, :] + ball[None]).reshape(-1, 3))
                  for corners in pieces])


def _revolved(section: np.ndarray, segments: int, offset_mm: float = 0.0) -> manifold3d.Manifold:
    """A (radius, height) section turned round the finger axis as `bands.build_band` turns a band's, moved along the
    axis by `offset_mm`."""
    return revolve(section, segments).rotate((90.0, 0.0, 0.0)).translate((0.0, offset_mm, 0.0))


def _inside_radius(band: Band, height: np.ndarray) -> np.ndarray:
    """The radius of the band's inside at each `height` across it (a comfort fit's curves away at its edges)."""
    points = band.section.points
    inside = points[points[:, 0] < (points[:, 0].min() + points[:, 0].max()) / 2]
    inside = inside[np.argsort(inside[:, 1])]
    return np.interp(height, inside[:, 1], inside[:, 0])


def _under_contour(band: Band, placed: manifold3d.Manifold, cutter: manifold3d.Manifold,
                   offset_mm: float) -> float | None:
    """The least radial metal the contour leaves across the middle half of the band's width, or None."""
    quarter = float(band.section.points[:, 1].max()) / 2
    outer = float(band.section.points[:, 0].max()) + 1.0
    middle = manifold3d.Manifold.cube((2 * outer, 2 * quarter, 2 * outer)).translate(
        (-outer, offset_mm - quarter, -outer))
    taken = placed ^ cutter ^ middle
    if taken.is_empty() or taken.volume() < 1e-9:
        return None
    corners = _vertices(taken)
    radius = np.hypot(corners[:, 0], corners[:, 2])
    height = -(corners[:, 1] - offset_mm)  # y = -height, as the band was turned
    return float(max(0.0, (radius - _inside_radius(band, height)).min()))


def measured_gap(band: manifold3d.Manifold, metal: manifold3d.Manifold, stones: list[manifold3d.Manifold],
                 reach: float = 1.0) -> float:
    """The least distance from the band to the ring's metal and stones, as measured on the solids (`reach` or more
    when nothing is that near)."""
    low, high = np.array(band.bounding_box()[:3]) - reach, np.array(band.bounding_box()[3:]) + reach
    near = [stone for stone in stones
            if (np.array(stone.bounding_box()[:3]) <= high).all() and (np.array(stone.bounding_box()[3:]) >= low).all()]
    return float(min(band.min_gap(solid, reach) for solid in [metal, *near]))


def fit_band(design: Design, ring_band: Band, metal: manifold3d.Manifold, stones: list[manifold3d.Manifold],
             resolution: Resolution) -> tuple[manifold3d.Manifold, Fit]:
    """The matching band of `design` beside its ring (`ring_band`, the ring's plain band; `metal` and `stones`, the
    ring as built): the band's solid, placed, and how it fits.

    The band has the ring's size and its segments round the circle, so the insides of the two are one circle."""
    spec = design.matching_band
    clearance = spec.clearance_mm
    plain = build_band(spec.as_ring(design.ring), resolution, segments=ring_band.segments)
    # Sections in (radius, y): a band is turned so that its section's height runs along -Y.
    ring_section = ring_band.section.points * [1.0, -1.0]
    band_section = plain.section.points * [1.0, -1.0]
    if spec.side is BandSide.BELOW:  # mirrored, the band below stands as the band above would
        offset = -placement(ring_section * [1.0, -1.0], band_section * [1.0, -1.0], clearance)
    else:
        offset = placement(ring_section, band_section, clearance)
    placed = plain.solid.translate((0.0, offset, 0.0))

    # What of the ring can come within the clearance of the band: inside the band's section grown by the
    # clearance (and a margin), turned round the axis; the ring's own band (and its skin) left out.
    points = plain.section.points
    reach = clearance + REACH_MARGIN_MM
    r0, r1 = float(points[:, 0].min()) - reach, float(points[:, 0].max()) + reach
    h = float(np.abs(points[:, 1]).max()) + reach
    region = _revolved(np.array([[r0, -h], [r1, -h], [r1, h], [r0, h]]), ring_band.segments, offset)
    low, high = np.array(region.bounding_box()[:3]), np.array(region.bounding_box()[3:])
    near = [stone for stone in stones
            if (np.array(stone.bounding_box()[:3]) <= high).all() and (np.array(stone.bounding_box()[3:]) >= low).all()]
    skin = manifold3d.CrossSection([np.ascontiguousarray(ring_band.section.points, dtype=np.float64)]).offset(
        BAND_SKIN_MM, manifold3d.JoinType.Round, circular_segments=16)
    ring_skin = _revolved(np.asarray(skin.to_polygons()[0], dtype=np.float64), ring_band.segments)
    overhang = union([metal ^ region, *(stone ^ region for stone in near)]) - ring_skin
    if overhang.is_empty() or overhang.volume() < 1e-9:
        return placed, Fit(plain, offset, 0.0, None, 1)
    cutter = grown(overhang, clearance, near=placed)
    if cutter.is_empty():
        return placed, Fit(plain, offset, 0.0, None, 1)
    band = drop_crumbs(placed - cutter)
    removed = float(placed.volume() - band.volume())
    under = _under_contour(plain, placed, cutter, offset) if removed > 0 else None
    return band, Fit(plain, offset, max(0.0, removed), under, len(band.decompose()))
