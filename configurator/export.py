"""Files for the workshop: the metal (the wax pattern, scaled for shrinkage), the stones, the fittings and a ring's
matching band (its own wax pattern), written atomically: all of them or none.

Shrinkage: the metal shrinks about 1.0-2.0 % linear from the wax, so the pattern is scaled by 1 / (1 - s)
and the casting comes out at nominal size (PRODUCT.md).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import numpy as np
import trimesh

from . import catalogue
from .checks import Severity, check
from .errors import ConfiguratorError
from .files import write_atomically
from .geometry import Model
from .glb import glb

MAX_SHRINKAGE_PCT = 5.0
# A binary STL keeps float32 coordinates: about 1e-6 mm near a ring's 10 mm radius. An edge shorter than
# FILE_EDGE_MM, or a facet thinner than that across its longest edge, has a normal that the rounding swings by a
# degree or turns over (ADMesh then "fixes" it). Such edges are collapsed and such facets flipped away before a file
# is written: no surface moves by more than FILE_EDGE_MM, far under a wax printer's detail.
FILE_EDGE_MM = 2e-3
FILE_PASSES = 4


class Format(str, Enum):
    STL = "stl"
    OBJ = "obj"
    GLB = "glb"
    THREEMF = "3mf"

    def __repr__(self) -> str:
        return f"<Format.{self.name}>"

    @classmethod
    def of_path(cls, path: Path) -> Format:
        suffix = path.suffix.lower().lstrip(".")
        try:
            return cls(suffix)
        except ValueError:
            raise ConfiguratorError(
                f"{path.name}: cannot tell the format from the extension; use --format stl|obj|glb|3mf"
            ) from None


def shrinkage_scale(shrinkage_pct: float) -> float:
    """Scale factor of the wax pattern for a linear casting shrinkage in percent."""
    if not 0 <= shrinkage_pct < MAX_SHRINKAGE_PCT:
        raise ConfiguratorError(f"--shrinkage: {shrinkage_pct:g} % is outside 0-{MAX_SHRINKAGE_PCT:g} %")
    return 1.0 / (1.0 - shrinkage_pct / 100.0)


def _hex_rgba(color_hex: str, alpha: int = 255) -> list[int]:
    return [int(color_hex[i : i + 2], 16) for i in (1, 3, 5)] + [alpha]


def _collapsed(vertices: np.ndarray, faces: np.ndarray, shortest: float) -> np.ndarray:
    """`faces` with every edge shorter than `shortest` collapsed to its midpoint where that keeps the surface
    manifold (the two ends share exactly the two corners of the faces on the edge) and turns no face over;
    `vertices` are moved in place."""
    corners = vertices[faces]
    lengths = np.linalg.norm(corners[:, [1, 2, 0]] - corners, axis=2)
    short = np.argwhere(lengths < shortest)
    if not len(short):
        return faces
    faces = faces.copy()
    alive = np.ones(len(faces), dtype=bool)
    around: dict[int, set[int]] = {}
    ends = np.unique(faces[short[:, 0], short[:, 1]].tolist() + faces[short[:, 0], (short[:, 1] + 1) % 3].tolist())
    near = np.flatnonzero(np.isin(faces, ends).any(axis=1))  # only the faces round a short edge's ends are looked at
    for index in near.tolist():
        for vertex in faces[index].tolist():
            around.setdefault(vertex, set()).add(index)
    for face_index, k in short:
        if not alive[face_index]:
            continue
        u, w = int(faces[face_index][k]), int(faces[face_index][(k + 1) % 3])
        if u == w or np.linalg.norm(vertices[u] - vertices[w]) >= shortest:
            continue
        shared = [f for f in around[u] & around[w] if alive[f]]
        ring_u = {int(v) for f in around[u] if alive[f] for v in faces[f]} - {u}
        ring_w = {int(v) for f in around[w] if alive[f] for v in faces[f]} - {w}
        opposite = {int(v) for f in shared for v in faces[f]} - {u, w}
        if len(shared) != 2 or ring_u & ring_w != opposite or len(opposite) != 2:
            continue  # the link condition: collapsing would pinch the surface
        middle = (vertices[u] + vertices[w]) / 2
        moved = [f for f in (around[u] | around[w]) - set(shared) if alive[f]]
        before = np.cross(*(vertices[faces[moved]][:, 1:] - vertices[faces[moved]][:, :1]).transpose(1, 0, 2))
        after_faces = np.where(np.isin(faces[moved], (u, w)), -1, faces[moved])
        points = vertices[np.where(after_faces < 0, 0, after_faces)]
        points[after_faces < 0] = middle
        after = np.cross(points[:, 1] - points[:, 0], points[:, 2] - points[:, 0])
        if (np.einsum("ij,ij->i", before, after) <= 0).any():
            continue  # a face would turn over
        vertices[u] = middle
        for f in moved:
            faces[f][faces[f] == w] = u
        alive[shared] = False
        around[u] = {f for f in around[u] | around[w] if alive[f]}
        around[w] = set()
    return faces[alive]


def _flipped(vertices: np.ndarray, faces: np.ndarray, thinnest: float) -> np.ndarray:
    """`faces` with every facet thinner than `thinnest` across its longest edge, whose third corner lies near that
    edge, replaced with its neighbour across the edge by the other diagonal (an edge flip: the surface moves by the
    facet's thinness), where the new facets are not themselves thinner."""
    corners = vertices[faces]
    lengths = np.linalg.norm(corners[:, [1, 2, 0]] - corners, axis=2)
    doubled = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)
    thin = np.flatnonzero(doubled < thinnest * lengths.max(axis=1))
    if not len(thin):
        return faces
    faces = faces.copy()
    near = np.flatnonzero(np.isin(faces, np.unique(faces[thin])).any(axis=1))  # faces sharing a corner with a needle
    edges = np.stack([faces[near], np.roll(faces[near], -1, axis=1)], axis=2).reshape(-1, 2).tolist()
    across = dict(zip(map(tuple, edges), np.repeat(near, 3).tolist(), strict=True))
    touched: set[int] = set()
    for needle in thin:
        if needle in touched:
            continue
        k = int(np.argmax(lengths[needle]))
        u, w, v = (int(faces[needle][(k + j) % 3]) for j in range(3))
        neighbour = across.get((w, u))
        if neighbour is None or neighbour in touched:
            continue
        d = next(int(vertex) for vertex in faces[neighbour] if vertex not in (u, w))
        if d == v or (v, d) in across or (d, v) in across:
            continue
        new = np.array([(w, v, d), (v, u, d)])
        points = vertices[new]
        normals = np.cross(points[:, 1] - points[:, 0], points[:, 2] - points[:, 0])
        sides = np.linalg.norm(points[:, [1, 2, 0]] - points, axis=2).max(axis=1)
        if (np.linalg.norm(normals, axis=1) < thinnest * sides).any():
            continue
        reference = np.cross(vertices[w] - vertices[u], vertices[d] - vertices[u])
        if (normals @ reference <= 0).any():
            continue  # the pair does not lie flat enough to flip without turning a face over
        faces[needle], faces[neighbour] = new
        touched |= {int(needle), int(neighbour)}
    return faces


def for_float32(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """`mesh` as a float32 file keeps it: edges shorter than FILE_EDGE_MM collapsed and facets thinner than that
    flipped away (`_collapsed`, `_flipped`), then every vertex rounded to float32, so that the normals written are the
    ones a reader computes from the file's own corners."""
    vertices = np.array(mesh.vertices, dtype=np.float64)
    faces = np.array(mesh.faces, dtype=np.int64)
    for _ in range(FILE_PASSES):
        before = len(faces)
        faces = _collapsed(vertices, faces, FILE_EDGE_MM)
        faces = _flipped(vertices, faces, FILE_EDGE_MM)
        if len(faces) == before:
            break
    result = trimesh.Trimesh(vertices.astype(np.float32).astype(np.float64), faces, process=False)
    result.remove_unreferenced_vertices()
    result.metadata.update(mesh.metadata)
    return result


def wax_pattern(model: Model, shrinkage_pct: float | None = None) -> trimesh.Trimesh:
    """The metal scaled for casting shrinkage (the alloy's own when `shrinkage_pct` is None), as a float32 file
    keeps it (`for_float32`)."""
    metal = catalogue.metal(model.design.metal)
    pct = metal.shrinkage_pct if shrinkage_pct is None else shrinkage_pct
    scale = shrinkage_scale(pct)
    pattern = for_float32(trimesh.Trimesh(model.metal.vertices * scale, model.metal.faces, process=False))
    pattern.metadata.update({**model.metal.metadata, "shrinkage_pct": pct, "scale": scale, "units": "mm"})
    return pattern


def stones_mesh(model: Model) -> trimesh.Trimesh | None:
    """All stones as one mesh at their true size (stones do not shrink: they match the cast metal),
    or None for a design without stones."""
    if not model.stones:
        return None
    return for_float32(trimesh.util.concatenate(list(model.stones)))


def encode(mesh: trimesh.Trimesh, fmt: Format, color_hex: str = "#d4af37", metallic: bool = True) -> bytes:
    """The bytes of `mesh` in `fmt`; GLB carries a PBR material in the given colour."""
    if fmt is Format.GLB:
        mesh = mesh.copy()
        mesh.visual = trimesh.visual.TextureVisuals(
            material=trimesh.visual.material.PBRMaterial(
                baseColorFactor=_hex_rgba(color_hex),
                metallicFactor=1.0 if metallic else 0.0,
                roughnessFactor=0.25 if metallic else 0.05,
            )
        )
        return trimesh.Scene(mesh).export(file_type="glb")
    data = mesh.export(file_type=fmt.value)
    return data.encode("utf-8") if isinstance(data, str) else data


def fittings_pattern(model: Model, shrinkage_pct: float | None = None) -> trimesh.Trimesh | None:
    """The fittings cast beside the piece (jump ring, clasp parts, a hinged bail's loop), scaled like the
    pattern; each stays its own body. None when the design has none."""
    if not model.fitting_parts:
        return None
    metal = catalogue.metal(model.design.metal)
    pct = metal.shrinkage_pct if shrinkage_pct is None else shrinkage_pct
    parts = trimesh.util.concatenate(list(model.fittings.values()))
    parts.apply_scale(shrinkage_scale(pct))
    return for_float32(parts)


def band_pattern(model: Model, shrinkage_pct: float | None = None) -> trimesh.Trimesh | None:
    """A ring's matching band as its own wax pattern, scaled like the ring's; None when the design has none."""
    if model.matching is None:
        return None
    metal = catalogue.metal(model.design.metal)
    pct = metal.shrinkage_pct if shrinkage_pct is None else shrinkage_pct
    scale = shrinkage_scale(pct)
    band = model.matching.mesh
    pattern = for_float32(trimesh.Trimesh(band.vertices * scale, band.faces, process=False))
    pattern.metadata.update({**band.metadata, "shrinkage_pct": pct, "scale": scale, "units": "mm"})
    return pattern


class NotCastable(ConfiguratorError):
    """The check finds the design cannot be cast: nothing is exported (unless forced)."""

    def __init__(self, finding) -> None:
        super().__init__(finding.line())
        self.finding = finding


def gate(model: Model, metal: trimesh.Trimesh | None = None, band: trimesh.Trimesh | None = None,
         force: bool = False) -> None:
    """What keeps a file from the workshop, the CLI's export and the app's downloads alike.

    The check's verdict first: a design with a blocking finding raises NotCastable, unless `force` (a workshop's own
    decision). Then the meshes about to be written: the metal (`metal`, its wax pattern; the model's own metal by
    default) and a ring's matching band (`band`, its pattern), each one watertight body, or ConfiguratorError."""
    if not force:
        blocking = [finding for finding in check(model.design, model, verify=False)
                    if finding.severity is Severity.BLOCKING]
        if blocking:
            raise NotCastable(blocking[0])
    if not ((model.metal if metal is None else metal).is_watertight and model.body_count == 1):
        raise ConfiguratorError("the metal is not one watertight body; nothing was written")
    if band is not None and not (band.is_watertight and model.matching.body_count == 1):
        raise ConfiguratorError("the matching band is not one watertight body; nothing was written")


def export(
    model: Model,
    out: Path,
    stones_out: Path | None = None,
    shrinkage_pct: float | None = None,
    fmt: Format | None = None,
    fittings_out: Path | None = None,
    force: bool = False,
    band_out: Path | None = None,
) -> dict[str, object]:
    """Write the wax pattern (and the stones, the fittings, a ring's matching band) and return what was written.

    Nothing is written that `gate` refuses: a design with a blocking finding (unless `force`), a metal or a
    matching band that is not one watertight body."""
    fmt = fmt or Format.of_path(out)
    if fmt is Format.GLB:  # the piece to look at, as the app's viewer and download have it: true size, metres
        gate(model, force=force)
        write_atomically({out: glb(model)})
        return {"metal": str(out), "stones": None, "fittings": None, "format": fmt.value, "units": "m",
                "shrinkage_pct": 0.0, "scale": 1.0, "volume_mm3": model.metal_volume_mm3,
                "bounds_mm": np.round(model.metal.bounds, 3).tolist()}
    metal = catalogue.metal(model.design.metal)
    pattern = wax_pattern(model, shrinkage_pct)
    band = band_pattern(model, shrinkage_pct) if band_out is not None else None
    gate(model, pattern, band, force)
    files = {out: encode(pattern, fmt, metal.color_hex)}
    stones = stones_mesh(model)
    if stones_out is not None and stones is not None:
        gem = catalogue.gemstone(model.stone_parts[0].material)
        stones_fmt = Format.of_path(stones_out) if stones_out.suffix else fmt
        files[stones_out] = encode(stones, stones_fmt, gem.color_hex, metallic=False)
    fittings = fittings_pattern(model, shrinkage_pct)
    if fittings_out is not None and fittings is not None:
        files[fittings_out] = encode(fittings, Format.of_path(fittings_out) if fittings_out.suffix else fmt,
                                     metal.color_hex)
    if band is not None:
        files[band_out] = encode(band, Format.of_path(band_out) if band_out.suffix else fmt, metal.color_hex)
    write_atomically(files)
    return {
        "metal": str(out),
        "stones": str(stones_out) if stones_out in files else None,
        "fittings": str(fittings_out) if fittings_out in files else None,
        **({"band": str(band_out) if band_out in files else None} if band_out is not None else {}),
        "format": fmt.value,
        "shrinkage_pct": pattern.metadata["shrinkage_pct"],
        "scale": pattern.metadata["scale"],
        "volume_mm3": model.metal_volume_mm3 * pattern.metadata["scale"] ** 3,
        "bounds_mm": np.round(pattern.bounds, 3).tolist(),
    }
