"""Fittings (the trade's "findings"; here the check's results alone bear that name): clasps (lobster, spring ring,
toggle, box) and the cable chain, each their own castable parts.

Sizes are those of common 1-2 mm chains: a 12 mm lobster, a 6 mm spring ring, a 12 mm toggle, an 8 mm box.
The chain is never part of the wax model: it is bought or made by the metre, and shown for the design.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import manifold3d
import numpy as np

from .design import Clasp, Shape
from .shapes import stone_outline
from .solids import capsule, cleaned, offset_outline, section, slab, sphere, to_trimesh, torus, union

if TYPE_CHECKING:
    import trimesh

LINK_LENGTH_MM = 3.0
LINK_WIDTH_MM = 2.0
LINK_WIRE_MM = 0.45  # wire diameter


def _ring(centre, major: float, minor: float, plane: str = "xy") -> manifold3d.Manifold:
    loop = torus(major, minor, 24, 10)
    if plane == "yz":
        loop = loop.rotate((0.0, 90.0, 0.0))
    elif plane == "xz":
        loop = loop.rotate((90.0, 0.0, 0.0))
    return loop.translate(tuple(float(v) for v in centre))


def lobster() -> dict[str, manifold3d.Manifold]:
    """A lobster claw: a pear-shaped loop with a spring gate and a trigger, and a ring at its narrow end."""
    outline = stone_outline(Shape.PEAR, 12.0, 7.0, 64)
    body = slab(section(outline), -1.2, 1.2)
    opening = slab(offset_outline(outline, -1.1), -2, 2)
    gate_slot = slab(section(np.array([(1.8, -1.5), (3.8, -0.2), (3.8, 0.4), (1.8, -0.9)])), -2, 2)
    claw = manifold3d.Manifold.batch_boolean([body, union([opening, gate_slot])], manifold3d.OpType.Subtract)
    gate = capsule((2.2, -1.4, 0.0), (2.6, 2.2, 0.0), 0.35)  # the gate inside the slot, sprung closed
    trigger = capsule((3.3, 0.0, 0.0), (4.3, 0.6, 0.0), 0.45)
    ring = _ring((0.0, 6.0 + 1.0, 0.0), 1.3, 0.4, "yz")
    return {"clasp": union([claw, gate, trigger, ring])}


def spring_ring() -> dict[str, manifold3d.Manifold]:
    """A spring ring: a hollow-looking ring with a gap, a trigger knob, and a ring to attach it."""
    ring = torus(3.0, 0.65, 40, 12)
    gap = slab(section(np.array([(-0.5, 2.0), (0.5, 2.0), (0.5, 4.0), (-0.5, 4.0)])), -1, 1)
    ring = manifold3d.Manifold.batch_boolean([ring, gap], manifold3d.OpType.Subtract)
    plunger = capsule((-0.9, 3.0, 0.0), (0.35, 3.0, 0.0), 0.45)  # the spring's plunger reaching across the gap
    knob = union([capsule((-1.8, 2.4, 0.0), (-1.8, 2.4, 1.2), 0.35), sphere((-1.8, 2.4, 1.3), 0.5)])
    attach = _ring((0.0, -3.0 - 1.4, 0.0), 1.0, 0.35, "yz")
    return {"clasp": union([ring, plunger, knob, attach])}


def toggle() -> dict[str, manifold3d.Manifold]:
    """A toggle: a flat ring and a bar, each with its own small ring to attach the chain."""
    annulus = manifold3d.Manifold.batch_boolean(
        [manifold3d.Manifold.cylinder(1.6, 6.0, 6.0, 48), manifold3d.Manifold.cylinder(1.6, 4.2, 4.2, 48)],
        manifold3d.OpType.Subtract,
    )
    ring = union([annulus, _ring((0.0, -7.2, 0.8), 1.2, 0.4, "yz")])
    bar = union([capsule((-9.0, 0.0, 0.0), (9.0, 0.0, 0.0), 0.9), _ring((0.0, -1.9, 0.0), 1.2, 0.4, "yz")])
    return {"clasp": ring, "clasp-bar": bar.translate((0.0, -16.0, 0.8))}


def box_clasp() -> dict[str, manifold3d.Manifold]:
    """A box clasp: a hollow box open at one end, and the folded tongue that snaps into it."""
    box = slab(section(np.array([(-4.0, -2.5), (4.0, -2.5), (4.0, 2.5), (-4.0, 2.5)])), 0.0, 3.4)
    cavity = slab(section(np.array([(-3.4, -2.0), (4.5, -2.0), (4.5, 2.0), (-3.4, 2.0)])), 0.6, 2.8)
    shell = manifold3d.Manifold.batch_boolean([box, cavity], manifold3d.OpType.Subtract)
    housing = union([shell, _ring((-4.0 - 1.3, 0.0, 1.7), 1.3, 0.4, "xz")])
    lower = slab(section(np.array([(0.0, -1.8), (7.0, -1.8), (7.0, 1.8), (0.0, 1.8)])), 0.0, 0.4)
    upper = slab(section(np.array([(0.0, -1.8), (6.0, -1.8), (6.0, 1.8), (0.0, 1.8)])), 0.0, 0.4)
    upper = upper.rotate((0.0, -12.0, 0.0)).translate((0.0, 0.0, 0.45))
    button = slab(section(np.array([(-1.2, -1.6), (0.3, -1.6), (0.3, 1.6), (-1.2, 1.6)])), 0.0, 1.8)
    tongue = union([lower, upper, button, _ring((-1.2 - 1.3, 0.0, 0.9), 1.3, 0.4, "xz")])
    return {"clasp": housing, "clasp-tongue": tongue.translate((0.0, -7.0, 0.0))}


CLASPS = {Clasp.LOBSTER: lobster, Clasp.SPRING_RING: spring_ring, Clasp.TOGGLE: toggle, Clasp.BOX: box_clasp}


@lru_cache(maxsize=8)
def clasp(kind: Clasp) -> dict[str, manifold3d.Manifold]:
    """The parts of a clasp, each one castable body, lying flat round the origin (built once per kind)."""
    return CLASPS[kind]()


@lru_cache(maxsize=8)
def clasp_meshes(kind: Clasp) -> dict[str, trimesh.Trimesh]:
    """The clasp's parts as meshes (copy before moving them)."""
    return {name: to_trimesh(solid, part=name, clasp=kind.value) for name, solid in clasp(kind).items()}


@lru_cache(maxsize=2)
def _link(tube_segments: int = 10, bend_segments: int = 24) -> trimesh.Trimesh:
    """One cable link as a mesh (see `_link_solid`)."""
    return to_trimesh(_link_solid(tube_segments, bend_segments))


@lru_cache(maxsize=2)
def _link_solid(tube_segments: int = 10, bend_segments: int = 24) -> manifold3d.Manifold:
    """One cable link: round wire bent into a stadium, in the XY plane, long along X (coarser for previews)."""
    wire = LINK_WIRE_MM / 2
    bend = (LINK_WIDTH_MM - LINK_WIRE_MM) / 2  # radius of the bends to the wire's centre
    straight = (LINK_LENGTH_MM - LINK_WIDTH_MM) / 2  # half-length of the straight sides
    angles = np.linspace(0, 2 * np.pi, tube_segments, endpoint=False)
    tube = manifold3d.CrossSection([np.column_stack([bend + wire * np.cos(angles), wire * np.sin(angles)])])
    half = manifold3d.Manifold.revolve(tube, bend_segments, 180.0)  # from +X round to -X, through +Y
    ends = [half.rotate((0.0, 0.0, -90.0)).translate((straight, 0.0, 0.0)),
            half.rotate((0.0, 0.0, 90.0)).translate((-straight, 0.0, 0.0))]
    sides = [manifold3d.Manifold.cylinder(2 * straight + 0.02, wire, wire, tube_segments).rotate((0.0, 90.0, 0.0))
             .translate((-straight - 0.01, y, 0.0)) for y in (-bend, bend)]
    return cleaned(union([*ends, *sides]))


PREVIEW_LINK = (6, 8)  # tube and bend segments of a link drawn in the preview: a light mesh that reads as chain


def necklace(length_mm: float, bottom, reach_mm: float | None = None, link: tuple[int, int] = PREVIEW_LINK):
    """The cable chain of `length_mm` laid as a circle in the XY plane, its lowest link at `bottom` (where the
    pendant's jump ring holds it), links alternately flat and upright along the circle. With `reach_mm`, only the
    links within that distance of `bottom` (a close view's worth). Returns (mesh, top point of the circle)."""
    count = chain_links(length_mm)
    pitch = LINK_LENGTH_MM - 2 * LINK_WIRE_MM
    radius = count * pitch / (2 * math.pi)
    bottom = np.asarray(bottom, dtype=float)
    centre = bottom + [0.0, radius, 0.0]
    shape = _link(*link)
    vertices, faces, offset = [], [], 0
    for index in range(count):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        position = centre + radius * np.array([math.cos(angle), math.sin(angle), 0.0])
        if reach_mm is not None and np.linalg.norm(position - bottom) > reach_mm:
            continue
        tangent = np.array([-math.sin(angle), math.cos(angle), 0.0])
        across = np.array([math.cos(angle), math.sin(angle), 0.0]) if index % 2 == 0 else np.array([0.0, 0.0, 1.0])
        normal = np.cross(tangent, across)
        rotation = np.column_stack([tangent, across, normal])  # link X along the chain, Y across it
        vertices.append(shape.vertices @ rotation.T + position)
        faces.append(shape.faces + offset)
        offset += len(shape.vertices)
    import trimesh

    mesh = trimesh.Trimesh(np.vstack(vertices), np.vstack(faces), process=False)
    mesh.metadata.update({"part": "chain", "links": count, "radius_mm": radius})
    return mesh, centre + [0.0, radius, 0.0]


@lru_cache(maxsize=1)
def link_volume_mm3() -> float:
    """The metal in one cable link."""
    return float(_link_solid().volume())


def chain_links(length_mm: float) -> int:
    """How many links make a cable chain of `length_mm`."""
    return max(2, int(round(length_mm / (LINK_LENGTH_MM - 2 * LINK_WIRE_MM))))


def chain_volume_mm3(length_mm: float) -> float:
    """The metal in a cable chain of `length_mm`: its links' volume (they interlock without touching)."""
    return chain_links(length_mm) * link_volume_mm3()


def chain(length_mm: float) -> trimesh.Trimesh:
    """A cable chain of `length_mm`, laid straight along X: links alternately flat and upright."""
    import trimesh

    link = _link()
    pitch = LINK_LENGTH_MM - 2 * LINK_WIRE_MM  # each link's inside length
    count = chain_links(length_mm)
    upright = link.copy()
    upright.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [1, 0, 0]))
    vertices, faces = [], []
    offset = 0
    for index in range(count):
        piece = link if index % 2 == 0 else upright
        vertices.append(piece.vertices + [index * pitch, 0.0, 0.0])
        faces.append(piece.faces + offset)
        offset += len(piece.vertices)
    result = trimesh.Trimesh(np.vstack(vertices), np.vstack(faces), process=False)
    result.metadata.update({"part": "chain", "links": count, "length_mm": count * pitch, "pitch_mm": pitch})
    return result
