"""Metal thickness and gaps measured on the mesh itself, by casting a ray from every face.

A face's *thickness* is the distance along its inward normal to the metal's far side, read only where that far
side faces back (the two surfaces within `WALL_FACING` of parallel) and reads the same distance back: that is a
wall, a prong or a plate. Where
the far side meets at an angle (a sharp edge, a bevel, the tip of a knife-edge) the reading says how close the
edge is, not how thick the metal is, and is left out. A face's *gap* is the air along its outward normal to
metal facing back. Faces that hold a stone (seats) are left out of both, and so are readings that land on one:
the metal round a stone is judged by its seat, prongs and spacing, not as a wall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import trimesh
from trimesh.ray.ray_pyembree import RayMeshIntersector

WALL_FACING = 0.85  # cos of the widest angle between a face and the far side for the pair to count as a wall
GAP_FACING = 0.95  # the same for the two sides of a gap (a crease's sides meet at an angle: not a gap)
MUTUAL = 0.15  # the far side's own reading agrees within this share: a wall read from both sides
SEAT_REACH_MM = 0.2  # a face this close to a stone along its normal holds the stone
_START_MM = 2e-3  # rays start this far off the face so they never hit it


@dataclass(frozen=True)
class Scan:
    """Per-face readings of a metal mesh, in millimetres (infinite where a face has no reading)."""

    centres: np.ndarray  # (n, 3)
    areas: np.ndarray  # (n,) mm2
    thickness: np.ndarray  # (n,) through the metal to a facing surface
    gap: np.ndarray  # (n,) through the air to a facing surface
    seat: np.ndarray  # (n,) bool: the face holds a stone

    def thinnest(self, where: np.ndarray | None = None) -> tuple[float, np.ndarray | None]:
        """The smallest thickness among faces `where` (all by default), and where it is."""
        return _smallest(self.thickness, self.centres, where)

    def narrowest(self, where: np.ndarray | None = None) -> tuple[float, np.ndarray | None]:
        """The smallest gap among faces `where` (all by default), and where it is."""
        return _smallest(self.gap, self.centres, where)


def _smallest(values: np.ndarray, centres: np.ndarray, where: np.ndarray | None) -> tuple[float, np.ndarray | None]:
    picked = values if where is None else np.where(where, values, np.inf)
    index = int(np.argmin(picked))
    if not np.isfinite(picked[index]):
        return float("inf"), None
    return float(picked[index]), centres[index]


def _first_hits(
    intersector: RayMeshIntersector, origins: np.ndarray, directions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distance to the first hit of each ray and the face it hits (-1 where it escapes)."""
    distance = np.full(len(origins), np.inf)
    face = np.full(len(origins), -1)
    if len(origins):
        locations, rays, faces = intersector.intersects_location(origins, directions, multiple_hits=False)
        distance[rays] = np.linalg.norm(locations - origins[rays], axis=1) + _START_MM
        face[rays] = faces
    return distance, face


def scan(metal: trimesh.Trimesh, stones: Sequence[trimesh.Trimesh] = ()) -> Scan:
    """Thickness and gap at every face of `metal`, with the faces that seat one of `stones`."""
    centres = metal.triangles_center
    normals = metal.face_normals
    intersector = RayMeshIntersector(metal)
    seat = np.zeros(len(centres), dtype=bool)
    if stones:
        gems = trimesh.util.concatenate(list(stones))
        reach = SEAT_REACH_MM + _START_MM
        low, high = gems.bounds[0] - reach, gems.bounds[1] + reach
        near = np.flatnonzero(((centres >= low) & (centres <= high)).all(axis=1))  # only these can hold a stone
        to_stone, _ = _first_hits(RayMeshIntersector(gems), centres[near] + _START_MM * normals[near], normals[near])
        seat[near] = to_stone < SEAT_REACH_MM
    readings = []
    for sign, least_facing in ((-1.0, WALL_FACING), (1.0, GAP_FACING)):  # inward: thickness; outward: gap
        direction = sign * normals
        distance, face = _first_hits(intersector, centres + _START_MM * direction, direction)
        hit = face >= 0
        facing = np.zeros(len(centres))
        facing[hit] = -(normals[hit] * normals[face[hit]]).sum(axis=1)
        lands_on_seat = np.zeros(len(centres), dtype=bool)
        lands_on_seat[hit] = seat[face[hit]]
        mutual = np.zeros(len(centres), dtype=bool)  # the far face reads the same distance back
        mutual[hit] = np.abs(distance[face[hit]] - distance[hit]) <= MUTUAL * distance[hit] + _START_MM
        readings.append(np.where((facing > least_facing) & mutual & ~seat & ~lands_on_seat, distance, np.inf))
    return Scan(centres, metal.area_faces, readings[0], readings[1], seat)


def narrowest_gap(metal: trimesh.Trimesh, where: np.ndarray) -> float:
    """The smallest gap among the faces `where`, as `scan` reads it (no stones): rays are cast from those faces and
    from the faces they land on (whose own reading must agree), not from every face of the mesh."""
    centres, normals = metal.triangles_center, metal.face_normals
    intersector = RayMeshIntersector(metal)
    asked = np.flatnonzero(where)
    distance, face = _first_hits(intersector, centres[asked] + _START_MM * normals[asked], normals[asked])
    hit = face >= 0
    if not hit.any():
        return float("inf")
    landed = np.unique(face[hit])
    back, _ = _first_hits(intersector, centres[landed] + _START_MM * normals[landed], normals[landed])
    back_of = dict(zip(landed.tolist(), back.tolist(), strict=True))
    far = np.array([back_of[index] for index in face[hit].tolist()])
    near = distance[hit]
    facing = -(normals[asked[hit]] * normals[face[hit]]).sum(axis=1)
    mutual = np.abs(far - near) <= MUTUAL * near + _START_MM
    readings = np.where((facing > GAP_FACING) & mutual, near, np.inf)
    return float(readings.min())
