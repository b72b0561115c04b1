"""The piece as glTF 2.0 binary (GLB): what a browser draws, the app offers and `export -o FILE.glb` writes.

One file, one meaning: metres at true size with Y up (glTF's frame; a ring stands on its shank, the stone up, the
finger along Z), every part a node of its own with its material. The metal is drawn by its measured reflectance
(`catalogue.metal_optics`: base colour and metalness), polished; stones are transmissive with their volume, index
of refraction and dispersion (KHR_materials_transmission, _volume, _ior, _dispersion), coloured gems by their
colour. Meshes are Draco-compressed (KHR_draco_mesh_compression, 14-bit positions: 1.5 microns over a 25 mm piece;
10-bit normals): a halo ring is about 75 KB where raw floats would be 820 KB. The metal keeps shared normals across
soft curves and splits them at edges sharper than SHARP_DEGREES; each stone facet is flat.

Encoding the meshes is the slow part (tens of milliseconds): it is done once per geometry (`geometry_key`) and
kept (as the geometry cache keeps builds, `builds._remembered`, shared by every caller); a design of another metal or stone colour reuses the meshes and
only writes new materials around them.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import math
import struct
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import trimesh

from . import catalogue
from .builds import _remembered  # one rule for what is made once and kept: the geometry cache's
from .design import Design, Piece
from .fittings import clasp_meshes, necklace
from .geometry import Model, geometry_key

M_PER_MM = 0.001
SHARP_DEGREES = 35.0  # an edge sharper than this stays crisp in the shading
POSITION_BITS = 14
NORMAL_BITS = 10
DRACO_LEVEL = 7
CLOSE_CHAIN_MM = 22.0  # a pendant is shown with this much of its chain either side of the jump ring
ENCODING = "glb-4"  # part of every key: a change to the encoding makes new keys (and new files for browsers)

# Colours of the gems whose colour is chosen (the gem's own colour, catalogue.gemstone().color_hex, is the first).
GEM_COLOURS = {
    "white": "#f4f8ff", "blue": "#1f4fbf", "pink": "#f0a2c0", "yellow": "#f2cc45", "green": "#2f9a5a",
    "padparadscha": "#f59a78", "red": "#b0103a", "peach": "#f6b898", "purple": "#8a4fbf", "orange": "#ec8a2a",
    "violet": "#5a4fc8",
}
ATTENUATION_MM = 2.5  # a coloured gem reaches its colour over this depth of stone
# The scale reference shown on request: a ring on a finger of its own size, a pendant beside a coin.
FINGER_LENGTH_MM = 70.0
FINGER_CLEARANCE_MM = 0.1  # the finger just inside the ring
COIN_DIAMETER_MM, COIN_THICKNESS_MM = 24.26, 1.75  # a US quarter dollar (United States Mint specification)
SKIN = "#d9a88c"  # a light skin tone, matt
COIN = "#c8c8c4"  # cupronickel, satin


@dataclass(frozen=True)
class Primitive:
    """One part's mesh, compressed: the Draco bytes and what glTF's accessors say of them."""

    name: str
    kind: str  # "metal" or "stone"
    material: str  # the material's name in the file
    draco: bytes
    vertices: int
    indices: int
    low: tuple[float, float, float]
    high: tuple[float, float, float]
    attributes: tuple[tuple[str, int], ...]  # glTF attribute -> Draco attribute id


@dataclass(frozen=True)
class Encoded:
    """The compressed parts of one geometry, and the stones' looks by material name."""

    key: str
    primitives: tuple[Primitive, ...]
    stone_looks: tuple[tuple[str, str, str, float], ...]  # (material name, gem id, colour hex, depth mm)


_encoded: OrderedDict[str, Encoded] = OrderedDict()


def glb_key(design: Design) -> str:
    """The key of a design's meshes: designs of the same geometry share it (and one file in the browser)."""
    text = f"{ENCODING}\n{geometry_key(design)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def to_gltf_axes(points_mm: np.ndarray, piece: Piece) -> np.ndarray:
    """Millimetres in the project's frame to metres in glTF's (Y up): a ring's Z (up through the stone) becomes Y
    and its finger axis (Y) runs along Z; a pendant already hangs in XY."""
    points = np.asarray(points_mm, dtype=np.float64)
    if piece is Piece.RING:
        points = np.column_stack([points[:, 0], points[:, 2], -points[:, 1]])
    return points * M_PER_MM


def _turned(normals: np.ndarray, piece: Piece) -> np.ndarray:
    if piece is Piece.RING:
        normals = np.column_stack([normals[:, 0], normals[:, 2], -normals[:, 1]])
    return normals


def _split_at_sharp_edges(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """`mesh` with a vertex split wherever faces that meet at it lie in regions parted by an edge sharper than
    SHARP_DEGREES: its vertex normals are then smooth across soft curves and crisp along sharp edges (as
    trimesh.graph.smooth_shade does, in a third of the time)."""
    smooth = mesh.face_adjacency[mesh.face_adjacency_angles < math.radians(SHARP_DEGREES)]
    regions = trimesh.graph.connected_component_labels(smooth, node_count=len(mesh.faces))
    span = np.int64(regions.max() + 1)
    corners = mesh.faces.astype(np.int64).ravel() * span + np.repeat(regions, 3)
    unique, inverse = np.unique(corners, return_inverse=True)
    return trimesh.Trimesh(mesh.vertices[unique // span], inverse.reshape(-1, 3), process=False)


def _compressed(name: str, kind: str, material: str, mesh: trimesh.Trimesh, piece: Piece) -> Primitive:
    import DracoPy

    if kind == "stone":  # flat facets: every face its own corners
        shown = trimesh.Trimesh(mesh.vertices[mesh.faces].reshape(-1, 3),
                                np.arange(len(mesh.faces) * 3).reshape(-1, 3), process=False)
        normals = np.repeat(mesh.face_normals, 3, axis=0)
    else:
        shown = _split_at_sharp_edges(mesh)
        normals = shown.vertex_normals
    points = to_gltf_axes(shown.vertices, piece)
    data = DracoPy.encode(points, np.asarray(shown.faces, dtype=np.uint32), quantization_bits=POSITION_BITS,
                          compression_level=DRACO_LEVEL, normals=_turned(normals, piece).astype(np.float64),
                          normal_quantization_bits=NORMAL_BITS)
    decoded = DracoPy.decode(data)  # the counts and bounds a reader gets back
    back = np.asarray(decoded.points, dtype=np.float64).reshape(-1, 3)
    faces = np.asarray(decoded.faces).reshape(-1, 3)
    return Primitive(name=name, kind=kind, material=material, draco=data, vertices=len(back), indices=faces.size,
                     low=tuple(float(v) for v in back.min(axis=0)), high=tuple(float(v) for v in back.max(axis=0)),
                     attributes=(("POSITION", 1), ("NORMAL", 0)))  # DracoPy stores normals first


def pendant_chain(model: Model) -> dict[str, trimesh.Trimesh]:
    """A pendant's chain where it passes through the jump ring (CLOSE_CHAIN_MM of it) and its clasp laid beside
    the piece: how a pendant is shown in a shop window."""
    design = model.design
    if design.pendant is None:
        return {}
    ring = model.fittings.get("jump-ring")
    top = ring.bounds[1] if ring is not None else model.metal.bounds[1]
    depth = float((ring.bounds[0][2] + ring.bounds[1][2]) / 2) if ring is not None else 0.0
    bottom = np.array([0.0, float(top[1]) - 0.45 - 0.05, depth])
    chain, _ = necklace(design.pendant.chain.length_mm, bottom, CLOSE_CHAIN_MM)
    parts = {"chain": chain}
    side = float(model.metal.bounds[1][0]) + 9.0
    for index, (name, mesh) in enumerate(clasp_meshes(design.pendant.clasp).items()):
        placed = mesh.copy()
        place = np.array([side + index * 4.0, float(model.metal.bounds[0][1]) + 8.0 - index * 14.0, 0.0])
        placed.apply_translation(place - placed.bounds.mean(axis=0))
        parts[name] = placed
    return parts


def _gem_colour(material: str, colour: str | None) -> str:
    gem = catalogue.gemstone(material)
    own = gem.colors[0] if gem.colors else ""
    if colour is None or colour == own or colour not in GEM_COLOURS:
        return gem.color_hex
    return GEM_COLOURS[colour]


def _stone_colour(model: Model, part) -> str | None:
    design = model.design
    if part.role == "centre" and design.stone is not None:
        return getattr(design.stone, "color", None)
    return None


def reference_parts(model: Model) -> dict[str, trimesh.Trimesh]:
    """The scale reference: for a ring a finger of its inner diameter through it (the finger along Y, as the ring's),
    for a pendant a quarter dollar standing beside it."""
    design = model.design
    if design.ring is not None:
        radius = design.ring_size.inner_radius_mm - FINGER_CLEARANCE_MM
        finger = trimesh.creation.capsule(height=FINGER_LENGTH_MM, radius=radius, count=[48, 24])
        finger.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [1, 0, 0]))  # Z to -Y
        finger.apply_translation([0.0, -FINGER_LENGTH_MM * 0.25, 0.0])
        return {"finger": finger}
    coin = trimesh.creation.cylinder(radius=COIN_DIAMETER_MM / 2, height=COIN_THICKNESS_MM, sections=96)
    low, high = model.metal.bounds
    coin.apply_translation([high[0] + 4.0 + COIN_DIAMETER_MM / 2, (low[1] + high[1]) / 2, 0.0])
    return {"coin": coin}


def reference_material(name: str) -> dict:
    """A matt skin for the finger, satin cupronickel for the coin."""
    colour, metallic, roughness = (SKIN, 0.0, 0.6) if name == "finger" else (COIN, 1.0, 0.35)
    return {"name": name, "pbrMetallicRoughness": {
        "baseColorFactor": [round(v, 4) for v in srgb_to_linear(colour)] + [1.0], "metallicFactor": metallic,
        "roughnessFactor": roughness}}


def encoded(model: Model, reference: bool = False) -> Encoded:
    """The compressed parts of `model`'s geometry (with the scale reference, if asked), made once and kept among the
    geometry cache's CACHED_GEOMETRIES most recent (builds._remembered: sessions asking at once wait for one)."""
    key = glb_key(model.design) + ("-scale" if reference else "")
    return _remembered(_encoded, key, lambda: _encode(model, key, reference))


def _encode(model: Model, key: str, reference: bool) -> Encoded:
    piece = model.design.piece
    metal = [("metal", model.metal)]
    metal += [(name, mesh) for name, mesh in model.fittings.items()]
    if model.matching is not None:
        metal.append(("matching-band", model.matching.mesh))
    metal += list(pendant_chain(model).items())
    primitives = [_compressed(name, "metal", "metal", mesh, piece) for name, mesh in metal]
    if reference:
        primitives += [_compressed(name, "reference", name, mesh, piece)
                       for name, mesh in reference_parts(model).items()]
    looks: dict[str, tuple[str, str, str, float]] = {}
    groups: dict[str, list[trimesh.Trimesh]] = {}
    for part in model.stone_parts:
        colour = _stone_colour(model, part)
        name = "stone-centre" if part.role == "centre" else f"stone-{part.material}-{colour or 'own'}"
        looks.setdefault(name, (name, part.material, _gem_colour(part.material, colour), float(part.size_mm) * 0.6))
        groups.setdefault(name, []).append(part.mesh)
    for name, meshes in groups.items():
        mesh = meshes[0] if len(meshes) == 1 else trimesh.util.concatenate(meshes)
        primitives.append(_compressed(name.replace("stone-", "stones-", 1) if len(meshes) > 1 else name, "stone",
                                      name, mesh, piece))
    return Encoded(key=key, primitives=tuple(primitives), stone_looks=tuple(looks.values()))


def srgb_to_linear(hex_colour: str) -> tuple[float, float, float]:
    """'#rrggbb' (sRGB, as people and CSS write colours) as linear RGB, as glTF's colour factors are."""
    values = [int(hex_colour[i:i + 2], 16) / 255.0 for i in (1, 3, 5)]
    return tuple(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values)  # type: ignore


def metal_material(metal_id: str) -> dict:
    """The glTF material of a metal: its measured reflectance as base colour, fully metallic, polished."""
    optics = catalogue.metal_optics(metal_id)
    return {"name": "metal", "pbrMetallicRoughness": {
        "baseColorFactor": [round(float(v), 4) for v in optics.base_color] + [1.0],
        "metallicFactor": float(optics.metallic), "roughnessFactor": float(optics.roughness)}}


def stone_material(name: str, gem_id: str, colour_hex: str, depth_mm: float) -> dict:
    """The glTF material of a stone: clear and refracting by its index, coloured through its depth, dispersive."""
    gem = catalogue.gemstone(gem_id)
    linear = srgb_to_linear(colour_hex)
    _, lightness, saturation = colorsys.rgb_to_hls(*linear)
    coloured = saturation > 0.25 and lightness < 0.85
    volume: dict = {"thicknessFactor": round(depth_mm * M_PER_MM, 6)}
    if coloured:
        volume["attenuationColor"] = [round(v, 4) for v in linear]
        volume["attenuationDistance"] = ATTENUATION_MM * M_PER_MM
    extensions = {"KHR_materials_transmission": {"transmissionFactor": 1.0},
                  "KHR_materials_volume": volume,
                  "KHR_materials_ior": {"ior": float(gem.refractive_index)}}
    dispersion = float(getattr(gem, "dispersion", 0.0) or 0.0)
    if dispersion > 0:
        extensions["KHR_materials_dispersion"] = {"dispersion": round(dispersion, 4)}
    base = [1.0, 1.0, 1.0] if coloured else [round(v, 4) for v in linear]
    return {"name": name, "pbrMetallicRoughness": {"baseColorFactor": base + [1.0], "metallicFactor": 0.0,
                                                   "roughnessFactor": 0.0}, "extensions": extensions}


def _stone_looks(model: Model, parts: Encoded) -> list[tuple[str, str, str, float]]:
    """(material name, gem id, colour hex, depth mm) of each stone material: the centre's from this design (its
    material and colour are not part of the geometry), the others' as encoded."""
    centre = next((part for part in model.stone_parts if part.role == "centre"), None)
    out = []
    for name, gem_id, colour, depth in parts.stone_looks:
        if name == "stone-centre" and centre is not None:
            gem_id, colour = centre.material, _gem_colour(centre.material, _stone_colour(model, centre))
        out.append((name, gem_id, colour, depth))
    return out


def looks(model: Model) -> dict:
    """What a browser changes without new meshes: the metal's material and the centre stone's, as glTF writes
    them (the viewer applies them by material name)."""
    design = model.design
    out = {"metal": metal_material(design.metal)}
    for name, gem_id, colour, depth in _stone_looks(model, encoded(model)):
        if name == "stone-centre":
            out[name] = stone_material(name, gem_id, colour, depth)
    return out


def _padded(data: bytes, pad: bytes) -> bytes:
    return data + pad * (-len(data) % 4)


def glb(model: Model, reference: bool = False) -> bytes:
    """The GLB of `model`'s design: its meshes (made once per geometry) with this design's materials; with
    `reference`, a finger or a coin beside it for scale."""
    parts = encoded(model, reference)
    design = model.design
    materials = [metal_material(design.metal)]
    index = {"metal": 0}
    for primitive in parts.primitives:
        if primitive.kind == "reference":
            index[primitive.material] = len(materials)
            materials.append(reference_material(primitive.material))
    for name, gem_id, colour, depth in _stone_looks(model, parts):
        index[name] = len(materials)
        materials.append(stone_material(name, gem_id, colour, depth))
    accessors, views, meshes, nodes = [], [], [], []
    blob = bytearray()
    used = {"KHR_draco_mesh_compression"}
    for material in materials:
        used.update(material.get("extensions", {}))
    for primitive in parts.primitives:
        views.append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(primitive.draco)})
        blob += _padded(primitive.draco, b"\0")
        first = len(accessors)
        accessors += [
            {"componentType": 5126, "count": primitive.vertices, "type": "VEC3",
             "min": list(primitive.low), "max": list(primitive.high)},
            {"componentType": 5126, "count": primitive.vertices, "type": "VEC3"},
            {"componentType": 5125 if primitive.vertices > 65535 else 5123, "count": primitive.indices,
             "type": "SCALAR"},
        ]
        meshes.append({"name": primitive.name, "primitives": [{
            "attributes": {"POSITION": first, "NORMAL": first + 1}, "indices": first + 2,
            "material": index[primitive.material], "mode": 4,
            "extensions": {"KHR_draco_mesh_compression": {
                "bufferView": len(views) - 1, "attributes": dict(primitive.attributes)}}}]})
        nodes.append({"name": primitive.name, "mesh": len(meshes) - 1})
    document = {
        "asset": {"version": "2.0", "generator": "configurator"},
        "extensionsUsed": sorted(used), "extensionsRequired": ["KHR_draco_mesh_compression"],
        "scene": 0, "scenes": [{"name": design.name or "piece", "nodes": list(range(len(nodes)))}],
        "nodes": nodes, "meshes": meshes, "materials": materials, "accessors": accessors,
        "bufferViews": views, "buffers": [{"byteLength": len(blob)}],
    }
    text = _padded(json.dumps(document, separators=(",", ":")).encode("utf-8"), b" ")
    binary = bytes(blob)
    total = 12 + 8 + len(text) + 8 + len(binary)
    return b"".join([struct.pack("<4sII", b"glTF", 2, total), struct.pack("<I4s", len(text), b"JSON"), text,
                     struct.pack("<I4s", len(binary), b"BIN\0"), binary])


def read_back(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """A GLB written here read back: its JSON and, by node name, each part's vertices in metres (decoded)."""
    import DracoPy

    magic, version, total = struct.unpack_from("<4sII", data, 0)
    if magic != b"glTF" or version != 2 or total != len(data):
        raise ValueError("not a glTF 2.0 binary file")
    length, kind = struct.unpack_from("<I4s", data, 12)
    document = json.loads(data[20:20 + length])
    start = 20 + length
    bin_length, _ = struct.unpack_from("<I4s", data, start)
    blob = data[start + 8:start + 8 + bin_length]
    points = {}
    for node in document["nodes"]:
        primitive = document["meshes"][node["mesh"]]["primitives"][0]
        view = document["bufferViews"][primitive["extensions"]["KHR_draco_mesh_compression"]["bufferView"]]
        decoded = DracoPy.decode(blob[view["byteOffset"]:view["byteOffset"] + view["byteLength"]])
        points[node["name"]] = np.asarray(decoded.points, dtype=np.float64).reshape(-1, 3)
    return document, points
