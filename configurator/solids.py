"""The shared solid-making core: 2D profiles revolved or extruded into manifold solids, and mesh conversion.

Every solid is a `manifold3d.Manifold` until the end, so unions and cutters stay exact and manifold;
`to_trimesh` hands the result to trimesh for measuring and file formats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import manifold3d
import numpy as np

if TYPE_CHECKING:
    import trimesh


@dataclass(frozen=True)
class Resolution:
    """How finely curves are cut into segments.

    Args:
        chord_error_mm: largest gap between a true curve and its straight segments, mm.
        min_segments: fewest segments round a full circle, whatever its size.
        max_segments: most segments round a full circle, to bound mesh size.
        max_turn_degrees: largest turn between neighbouring segments of a profile curve.
        for_files: whether the built metal is cleaned of what a float32 file would merge (`cleaned`); a preview is
            drawn, never written, and is spared the pass.
    """

    chord_error_mm: float
    min_segments: int = 24
    max_segments: int = 512
    max_turn_degrees: float = 10.0
    for_files: bool = True

    def segments(self, radius_mm: float, degrees: float = 360.0) -> int:
        """Segments for an arc of `radius_mm` over `degrees`, a multiple of 4 for a full circle."""
        if radius_mm <= 0:
            return 4
        ratio = min(1.0, self.chord_error_mm / radius_mm)
        step = 2 * math.acos(1 - ratio) if ratio < 1 else math.pi / 2
        full = min(self.max_segments, max(self.min_segments, math.ceil(2 * math.pi / step)))
        full = 4 * math.ceil(full / 4)
        return max(2, math.ceil(full * degrees / 360.0))


# Preview: fast to build and send to the browser, never written to a file; export: chord error under 0.01 mm for wax
# printing, clean in float32.
PREVIEW = Resolution(chord_error_mm=0.015, min_segments=64, max_segments=192, max_turn_degrees=10.0, for_files=False)
EXPORT = Resolution(chord_error_mm=0.004, min_segments=96, max_segments=512, max_turn_degrees=4.0)


def polygon_area(points: np.ndarray) -> float:
    """Signed area of a closed 2D polygon (positive when counter-clockwise)."""
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def polygon_centroid(points: np.ndarray) -> np.ndarray:
    """Centroid of a closed simple 2D polygon."""
    x, y = points[:, 0], points[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
    return np.array([cx, cy])


def polygon_radius_for_circumference(circumference_mm: float, segments: int) -> float:
    """Vertex radius of a regular `segments`-gon whose perimeter is `circumference_mm`."""
    return circumference_mm / (2 * segments * math.sin(math.pi / segments))


def revolve(profile: np.ndarray, segments: int) -> manifold3d.Manifold:
    """Revolve a counter-clockwise (radius, height) profile round the Z axis.

    Args:
        profile: (N, 2) closed polygon, x = radius (> 0), y = height along the axis, mm.
        segments: segments round the full circle.
    """
    if polygon_area(profile) < 0:
        profile = profile[::-1]
    section = manifold3d.CrossSection([np.ascontiguousarray(profile, dtype=np.float64)])
    return manifold3d.Manifold.revolve(section, circular_segments=segments)


def loft(sections: np.ndarray) -> manifold3d.Manifold:
    """Closed sections swept round the Z axis, each standing at its own angle: a revolve whose section changes on the
    way round.

    Args:
        sections: (n, m, 2) array, n sections of m (radius, height) points each, mm; section k stands at the angle
            2 pi k / n from +X toward +Y (a revolve of n segments puts its vertices there too), and point j of one
            section is joined to point j of the next, the last section to the first.
    """
    sections = np.asarray(sections, dtype=np.float64)
    count, points, _ = sections.shape
    if any(polygon_area(profile) < 0 for profile in sections):
        sections = sections[:, ::-1]
    angle = 2 * np.pi * np.arange(count) / count
    radius, height = sections[..., 0], sections[..., 1]
    vertices = np.stack([radius * np.cos(angle)[:, None], radius * np.sin(angle)[:, None], height], axis=-1)
    k, j = np.meshgrid(np.arange(count), np.arange(points), indexing="ij")
    here, ahead = k * points, (k + 1) % count * points
    a, b, c, d = here + j, ahead + j, ahead + (j + 1) % points, here + (j + 1) % points
    faces = np.concatenate([np.stack([a, b, c], axis=-1).reshape(-1, 3), np.stack([a, c, d], axis=-1).reshape(-1, 3)])
    mesh = manifold3d.Mesh64(vert_properties=np.ascontiguousarray(vertices.reshape(-1, 3)),
                             tri_verts=np.ascontiguousarray(faces, dtype=np.uint64))
    solid = manifold3d.Manifold(mesh)
    if solid.status() != manifold3d.Error.NoError or solid.volume() <= 0:
        raise ValueError(f"the lofted sections do not close into a solid ({solid.status()})")
    return solid


def extrude(outline: np.ndarray, height: float) -> manifold3d.Manifold:
    """Extrude a closed XY outline from z = 0 to z = height."""
    if polygon_area(outline) < 0:
        outline = outline[::-1]
    section = manifold3d.CrossSection([np.ascontiguousarray(outline, dtype=np.float64)])
    return manifold3d.Manifold.extrude(section, height)


# Every mesh handed out is cleaned here, once: booleans leave zero-length edges and needle triangles (manifold keeps
# them to mark where the faces of different parts meet), which a file in float32 turns into degenerate facets and
# open edges. Collapsing edges shorter than this moves no surface by more than it: far under any printer's detail.
CLEAN_TOLERANCE_MM = 1e-4
# Where two surfaces of one solid run a hair apart or touch (parts meeting edge to edge, a crack closed to zero
# width), vertices of the two stand closer than PINCH_MM and a float32 file merges them into edges of four faces.
# The solid is then simplified with a larger tolerance, step by step, until no two of its vertices are that close;
# the last step (0.01 mm) is still under the chord error a wax printer resolves.
PINCH_MM = 1e-4
PINCH_TOLERANCES_MM = (CLEAN_TOLERANCE_MM, 1e-3, 3e-3, 6e-3, 1e-2)


# A direction no face of a jewel lies across: vertices sorted along it, two within PINCH_MM of each other are within
# PINCH_MM along it too, and only such neighbours are compared.
_SWEEP = np.array([0.5773, 0.6127, 0.5397]) / np.linalg.norm([0.5773, 0.6127, 0.5397])


def close_pairs(points: np.ndarray, distance: float) -> int:
    """How many pairs of `points` lie within `distance` of each other (a sweep along one direction)."""
    order = np.argsort(points @ _SWEEP)
    ranked = points[order]
    along = ranked @ _SWEEP
    count = 0
    for shift in range(1, len(ranked)):
        near = along[shift:] - along[:-shift] < distance
        if not near.any():
            break
        gaps = np.linalg.norm(ranked[shift:][near] - ranked[:-shift][near], axis=1)
        count += int((gaps < distance).sum())
    return count


def _pinches(solid: manifold3d.Manifold) -> int:
    """How many defects a float32 file would show: pairs of vertices within PINCH_MM of each other (a zero-length
    edge's two ends among them), and needle triangles whose height is under PINCH_MM."""
    mesh = solid.to_mesh()
    vertices = np.asarray(mesh.vert_properties)[:, :3].astype(np.float64)
    if len(vertices) < 2:
        return 0
    corners = vertices[np.asarray(mesh.tri_verts)]
    edges = np.linalg.norm(corners[:, [1, 2, 0]] - corners, axis=2)
    doubled_area = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)
    needles = int((doubled_area < PINCH_MM * np.maximum(edges.max(axis=1), PINCH_MM)).sum())
    return close_pairs(vertices, PINCH_MM) + needles


def cleaned(solid: manifold3d.Manifold) -> manifold3d.Manifold:
    """`solid` without zero-length edges, degenerate triangles or vertices a float32 file would merge: still
    manifold, its surfaces moved by less than the tolerance that was needed (PINCH_TOLERANCES_MM, the least first);
    a solid already clean is left as it is."""
    found = _pinches(solid)
    if found == 0:
        return solid
    best, fewest = solid, found
    original = solid.as_original()
    for tolerance in PINCH_TOLERANCES_MM:
        candidate = original.set_tolerance(tolerance)
        count = _pinches(candidate)
        if count == 0:
            return candidate
        if count < fewest:
            best, fewest = candidate, count
    return best


def _needles(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Indices of the triangles whose height over their longest edge is under PINCH_MM."""
    corners = vertices[faces]
    edges = np.linalg.norm(corners[:, [1, 2, 0]] - corners, axis=2)
    doubled_area = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)
    return np.flatnonzero(doubled_area < PINCH_MM * np.maximum(edges.max(axis=1), PINCH_MM))


def _flipped_needles(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """`faces` without needle triangles whose third corner lies on their long edge (a T-junction no tolerance can
    collapse): each needle goes, and its neighbour across the long edge is split at that corner, so every edge
    still has exactly two faces and the volume is unchanged."""
    faces = faces.copy()
    for _ in range(3):
        needles = _needles(vertices, faces)
        if len(needles) == 0:
            break
        across: dict[tuple[int, int], int] = {}
        for index, (a, b, c) in enumerate(faces):
            for u, w in ((a, b), (b, c), (c, a)):
                across[(u, w)] = index
        dropped, added, touched = set(), [], set()
        for needle in needles:
            if needle in touched:
                continue
            a, b, c = faces[needle]
            corners = vertices[[a, b, c]]
            lengths = [np.linalg.norm(corners[(k + 1) % 3] - corners[k]) for k in range(3)]
            k = int(np.argmax(lengths))
            u, w, v = (a, b, c)[k], (a, b, c)[(k + 1) % 3], (a, b, c)[(k + 2) % 3]
            neighbour = across.get((w, u))
            if neighbour is None or neighbour in touched:
                continue
            d = next(vertex for vertex in faces[neighbour] if vertex not in (u, w))
            dropped |= {needle, neighbour}
            touched |= {needle, neighbour}
            if d != v:  # the same corners twice is a sheet of no volume: both faces simply go
                added += [(w, v, d), (v, u, d)]
        if not dropped:
            break
        keep = np.ones(len(faces), dtype=bool)
        keep[list(dropped)] = False
        faces = np.vstack([faces[keep], np.array(added, dtype=faces.dtype).reshape(-1, 3)])
    return faces


def to_trimesh(solid: manifold3d.Manifold, clean: bool = True, for_file: bool = True, **metadata) -> trimesh.Trimesh:
    """A trimesh copy of a manifold solid with `metadata` stamped on it. For a file (`for_file`) it is clean: see
    `cleaned` (skipped when `clean` is False, for a solid cleaned already), and a needle left at a T-junction is
    flipped away; a preview's is the solid's own mesh."""
    import trimesh

    mesh = (cleaned(solid) if clean and for_file else solid).to_mesh()
    vertices = np.asarray(mesh.vert_properties)[:, :3].astype(np.float64)
    faces = np.asarray(mesh.tri_verts).astype(np.int64)
    if for_file and len(faces) and len(_needles(vertices, faces)):
        faces = _flipped_needles(vertices, faces)
    result = trimesh.Trimesh(vertices=vertices, faces=faces, process=False)
    result.remove_unreferenced_vertices()  # a corner only flipped needles used
    result.metadata.update(metadata)
    return result


def from_trimesh(mesh: trimesh.Trimesh) -> manifold3d.Manifold:
    """A manifold solid from a closed trimesh."""
    return manifold3d.Manifold(
        manifold3d.Mesh(
            vert_properties=np.ascontiguousarray(mesh.vertices, dtype=np.float32),
            tri_verts=np.ascontiguousarray(mesh.faces, dtype=np.uint32),
        )
    )


def _wrap(angle: np.ndarray) -> np.ndarray:
    return (angle + np.pi) % (2 * np.pi) - np.pi


def ellipse_arc(
    center: tuple[float, float],
    radii: tuple[float, float],
    start: float,
    stop: float,
    resolution: Resolution,
) -> np.ndarray:
    """Points on an elliptical arc from parameter angle `start` to `stop` (radians), both ends included.

    Points are spaced evenly in the direction of the curve's normal, so a flat ellipse is sampled densely
    where it turns sharply and sparsely where it is nearly straight; the count keeps both the chord error
    and the turn between neighbouring segments within `resolution`.
    """
    a, b = radii
    normal = lambda t: t + _wrap(np.arctan2(a * np.sin(t), b * np.cos(t)) - t)  # noqa: E731
    first, last = float(normal(np.float64(start))), float(normal(np.float64(stop)))
    turn = math.degrees(abs(last - first))
    largest = max(a * a / max(b, 1e-9), b * b / max(a, 1e-9))
    count = max(
        resolution.segments(min(largest, 1e3), turn),
        math.ceil(turn / resolution.max_turn_degrees),
        2,
    )
    psi = np.linspace(first, last, count + 1)
    t = psi + _wrap(np.arctan2(b * np.sin(psi), a * np.cos(psi)) - psi)
    return np.column_stack([center[0] + a * np.cos(t), center[1] + b * np.sin(t)])


def union(solids: list[manifold3d.Manifold]) -> manifold3d.Manifold:
    """One solid of all `solids` (overlapping parts merge)."""
    if not solids:
        return manifold3d.Manifold()
    return manifold3d.Manifold.batch_boolean(list(solids), manifold3d.OpType.Add) if len(solids) > 1 else solids[0]


def subtract(solid: manifold3d.Manifold, cutters: list[manifold3d.Manifold]) -> manifold3d.Manifold:
    """`solid` with every cutter removed."""
    if not cutters:
        return solid
    return manifold3d.Manifold.batch_boolean([solid, union(cutters)], manifold3d.OpType.Subtract)


def sphere(centre, radius: float, segments: int = 16) -> manifold3d.Manifold:
    return manifold3d.Manifold.sphere(radius, segments).translate(tuple(float(v) for v in centre))


def capsule(start, end, radius_start: float, radius_end: float | None = None, segments: int = 16):
    """A rod with rounded ends from `start` to `end`, tapering from `radius_start` to `radius_end`."""
    radius_end = radius_start if radius_end is None else radius_end
    return manifold3d.Manifold.batch_hull([sphere(start, radius_start, segments), sphere(end, radius_end, segments)])


def section(outline: np.ndarray) -> manifold3d.CrossSection:
    """A manifold cross-section of a closed 2D outline (any winding)."""
    if polygon_area(outline) < 0:
        outline = outline[::-1]
    return manifold3d.CrossSection([np.ascontiguousarray(outline, dtype=np.float64)])


def offset_outline(outline: np.ndarray, delta: float, segments: int = 16) -> manifold3d.CrossSection:
    """The outline grown (delta > 0) or shrunk (delta < 0) by `delta` mm, corners rounded."""
    if abs(delta) < 1e-9:
        return section(outline)
    return section(outline).offset(delta, manifold3d.JoinType.Round, circular_segments=segments)


def slab(area: manifold3d.CrossSection, bottom: float, top: float) -> manifold3d.Manifold:
    """A cross-section extruded from z = bottom to z = top."""
    return manifold3d.Manifold.extrude(area, top - bottom).translate((0.0, 0.0, bottom))


def torus(major_radius: float, minor_radius: float, segments: int = 32, tube_segments: int = 12):
    """A torus round the Z axis."""
    angles = np.linspace(0, 2 * np.pi, tube_segments, endpoint=False)
    tube = np.column_stack([major_radius + minor_radius * np.cos(angles), minor_radius * np.sin(angles)])
    return revolve(tube, segments)


CRUMB_MM3 = 0.05  # loose bits smaller than this cannot be cast (PRODUCT.md: detail at least 0.35 mm)


def drop_crumbs(solid: manifold3d.Manifold, limit_mm3: float = CRUMB_MM3) -> manifold3d.Manifold:
    """`solid` without loose slivers under `limit_mm3` that cutting close-set seats can leave behind."""
    pieces = solid.decompose()
    if len(pieces) <= 1:
        return solid
    kept = [piece for piece in pieces if piece.volume() >= limit_mm3]
    return manifold3d.Manifold.compose(kept) if kept else solid
