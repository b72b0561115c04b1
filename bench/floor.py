"""The engine's floor: a comparable ring built straight with manifold3d and written with trimesh, nothing else.

A US 7 comfort-fit band (2.2 x 1.6 mm), four round prongs with ball tips and a basket rail round a 6.5 mm round
brilliant, its seat cut, the head united with the band: the same work `python -m configurator export` does for
bench/solitaire-us7.json, at the same chord error, without the project's checks, cleaning or file guards.
Run as a whole process (`python bench/floor.py OUT.stl [--no-teardown]`): `bench.run` times it side by side with
the export, as it is and leaving without the interpreter's teardown as the project's command line does.
"""

from __future__ import annotations

import math
import os
import sys

import manifold3d
import numpy as np
import trimesh

CHORD_MM = 0.004  # the export resolution's chord error
INNER_RADIUS = 17.35 / 2  # US 7
WIDTH, THICKNESS = 2.2, 1.6
STONE, PRONG = 6.5, 1.0


def segments(radius: float) -> int:
    step = 2 * math.acos(1 - min(1.0, CHORD_MM / radius))
    return 4 * math.ceil(min(512, max(96, math.ceil(2 * math.pi / step))) / 4)


def band() -> manifold3d.Manifold:
    """A comfort profile (flat-ish outside, domed inside) revolved round the finger axis (Y)."""
    t = np.linspace(0, math.pi, 24)
    outside = np.column_stack([INNER_RADIUS + THICKNESS + 0.25 * np.sin(t),
                               WIDTH / 2 * np.cos(t)])
    inside = np.column_stack([INNER_RADIUS + 0.25 * (1 - np.sin(t)), -WIDTH / 2 * np.cos(t)])
    profile = np.vstack([outside, inside])
    section = manifold3d.CrossSection([np.ascontiguousarray(profile[::-1] if _area(profile) < 0 else profile)])
    return manifold3d.Manifold.revolve(section, segments(INNER_RADIUS + THICKNESS)).rotate((90.0, 0.0, 0.0))


def _area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def stone() -> manifold3d.Manifold:
    """A round brilliant as the hull of its girdle, table and culet rings."""
    radius, rings = STONE / 2, []
    for scale, z, count in ((1.0, 0.0, 64), (0.57, 0.162 * STONE, 8), (0.8, 0.09 * STONE, 16), (0.5, -0.22 * STONE, 16),
                            (0.02, -0.43 * STONE, 8)):
        angles = np.linspace(0, 2 * math.pi, count, endpoint=False)
        rings.append(np.column_stack([scale * radius * np.cos(angles), scale * radius * np.sin(angles),
                                      np.full(count, z)]))
    return manifold3d.Manifold.hull_points(np.vstack(rings))


def head(girdle_z: float) -> tuple[manifold3d.Manifold, manifold3d.Manifold]:
    """Four prongs from the band to over the girdle, ball tips, a basket rail; the seat cut. Also the stone."""
    gem = stone().translate((0.0, 0.0, girdle_z))
    radius = STONE / 2 + PRONG * 0.15
    parts = []
    for k in range(4):
        angle = math.pi / 4 + k * math.pi / 2
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        foot = INNER_RADIUS + 0.8
        length = girdle_z + 0.6 * STONE * 0.16 - foot
        prong = manifold3d.Manifold.cylinder(length, PRONG / 2, PRONG / 2, 24).translate((x, y, foot))
        tip = manifold3d.Manifold.sphere(PRONG / 2 * 1.1, 24).translate((x, y, foot + length))
        parts += [prong, tip]
    rail = manifold3d.Manifold.revolve(
        manifold3d.CrossSection.circle(0.4, 16).translate((radius, 0.0)), segments(radius)
    ).translate((0.0, 0.0, girdle_z - 1.6))
    foot = INNER_RADIUS + 0.8
    parts.append(rail)
    parts.append(manifold3d.Manifold.cylinder(girdle_z - 1.2 - foot, 1.0, radius + 0.3, segments(radius))
                 .translate((0.0, 0.0, foot)))  # the basket's cone, standing on the band
    metal = manifold3d.Manifold.batch_boolean(parts, manifold3d.OpType.Add)
    return metal - gem.scale((1.015, 1.015, 1.015)), gem


def main(target: str) -> None:
    girdle_z = INNER_RADIUS + THICKNESS + 0.43 * STONE + 0.4
    metal, _ = head(girdle_z)
    ring = band() + metal
    mesh = ring.to_mesh()
    result = trimesh.Trimesh(np.asarray(mesh.vert_properties)[:, :3], np.asarray(mesh.tri_verts), process=False)
    result.export(target, file_type="stl")
    print(f"{len(result.faces)} triangles, {result.volume:.1f} mm3")


if __name__ == "__main__":
    main(sys.argv[1])
    if "--no-teardown" in sys.argv:  # leave as `python -m configurator` does, for a like-for-like figure
        sys.stdout.flush()
        os._exit(0)
