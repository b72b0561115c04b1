"""Pictures of a piece drawn off-screen by pyvista (the README's pictures, scripts/render_docs.py): the browser draws
the live preview (webapp/viewer), the sheet draws its own (configurator/renders.py)."""

from __future__ import annotations

import numpy as np

from configurator import catalogue
from configurator.design import Design
from configurator.geometry import Model

PREVIEW_SIZE = (720, 520)
BACKGROUND = "#f5f3ef"
# The views, by piece: pyvista's named planes or (position, focal point, view up) directions.
VIEWS = {"3/4": "iso", "top": "xy", "side": "yz", "front": "xz"}
CLOSE_CHAIN_MM = 22.0  # the chain drawn this far from the jump ring in a close view of a pendant
POINT_GRID_MM = 2.0**-10
NORMAL_GRID = 2.0**-8
FEATURE_ANGLE = 35  # degrees: an edge sharper than this stays crisp in the shading


def _snap(values, grid: float) -> np.ndarray:
    """`values` rounded to multiples of `grid` (a power of two, so exact in float32), as float32."""
    return (np.round(np.asarray(values, dtype=np.float64) / grid) * grid).astype(np.float32)


def polydata(mesh):
    """A trimesh as pyvista triangles, its points as float32 on the preview's grid."""
    import pyvista as pv

    faces = np.column_stack([np.full(len(mesh.faces), 3), mesh.faces]).ravel()
    return pv.PolyData(_snap(mesh.vertices, POINT_GRID_MM), faces)


def shaded(mesh):
    """`polydata(mesh)` with point normals for smooth shading, as pyvista's smooth_shading with split_sharp_edges
    makes them (a vertex on an edge sharper than FEATURE_ANGLE split in two), rounded to NORMAL_GRID. Given to
    add_mesh with smooth_shading=True and split_sharp_edges=False, these normals are used as they are."""
    surface = polydata(mesh).compute_normals(cell_normals=False, split_vertices=True, feature_angle=FEATURE_ANGLE)
    normals = surface.point_data["Normals"]
    normals[:] = _snap(normals, NORMAL_GRID)
    for name in ("pyvistaOriginalPointIds", "vtkOriginalPointIds"):
        if name in surface.point_data:
            del surface.point_data[name]
    return surface


def _add_metal(scene, mesh, colour: str) -> None:
    scene.add_mesh(shaded(mesh), color=colour, smooth_shading=True, split_sharp_edges=False, ambient=0.22,
                   diffuse=0.62, specular=1.0, specular_power=50)


def facet_colours(mesh, colour: str) -> np.ndarray:
    """Per-facet RGB for a stone: its colour in tones that change from facet to facet with the facet's direction
    (as light thrown back by a cut stone does), a few facets flashing nearly white. Deterministic, so a stone
    looks the same on every run."""
    base = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    normals = mesh.face_normals
    azimuth = np.arctan2(normals[:, 1], normals[:, 0])
    tilt = np.arccos(np.clip(normals[:, 2], -1.0, 1.0))
    wave = 0.5 + 0.5 * np.cos(7.0 * azimuth + 5.0 * tilt)
    tone = 0.5 + 0.55 * wave
    flash = np.clip((wave - 0.82) / 0.18, 0.0, 1.0)[:, None] * 0.75  # the brightest facets catch the light
    rgb = np.clip(base * tone[:, None], 0, 255) * (1 - flash) + 255.0 * flash
    return rgb.astype(np.uint8)


def _add_stone(scene, mesh, colour: str) -> None:
    """A stone with its facets: flat-shaded, each facet its own tone (`facet_colours`), a strong tight specular
    for the sparkle, opaque so the facets read instead of a frosted disc."""
    surface = polydata(mesh)
    surface.cell_data["facets"] = facet_colours(mesh, colour)
    scene.add_mesh(surface, scalars="facets", rgb=True, smooth_shading=False, ambient=0.35, diffuse=0.6,
                   specular=1.0, specular_power=128, show_scalar_bar=False)


def _pendant_scene(design: Design, model: Model, view: str, scene, colour: str) -> np.ndarray:
    """Adds a pendant's chain and clasp for `view`; returns the bounds to frame (the piece, its jump ring and clasp,
    or in the necklace view the whole chain)."""
    from configurator.fittings import clasp_meshes, necklace

    ring = model.fittings.get("jump-ring")
    parts = [model.metal, *model.stones, *(mesh for name, mesh in model.fittings.items() if not name.startswith("clasp"))]
    top = ring.bounds[1] if ring is not None else model.metal.bounds[1]
    bottom = np.array([0.0, float(top[1]) - 0.45 - 0.05, float((ring.bounds[0][2] + ring.bounds[1][2]) / 2)
                       if ring is not None else 0.0])
    whole = view == "necklace"
    chain, crown = necklace(design.pendant.chain.length_mm, bottom, None if whole else CLOSE_CHAIN_MM)
    _add_metal(scene, chain, colour)
    clasps = clasp_meshes(design.pendant.clasp)
    if whole:  # the clasp closes the chain at the top of the circle
        place = crown + [0.0, 0.0, 0.0]
        offsets = {name: place + [index * 9.0, 0.0, 0.0] for index, name in enumerate(clasps)}
    else:  # laid beside the pendant, to be seen with it
        side = float(model.metal.bounds[1][0]) + 9.0
        offsets = {name: np.array([side + index * 4.0, float(model.metal.bounds[0][1]) + 8.0 - index * 14.0, 0.0])
                   for index, name in enumerate(clasps)}
    for name, mesh in clasps.items():
        placed = mesh.copy()
        placed.apply_translation(offsets[name] - placed.bounds.mean(axis=0))
        _add_metal(scene, placed, colour)
        parts.append(placed)
    if whole:
        parts.append(chain)
    corners = np.vstack([part.bounds for part in parts])
    return np.array([corners[:, 0].min(), corners[:, 0].max(), corners[:, 1].min(), corners[:, 1].max(),
                     corners[:, 2].min(), corners[:, 2].max()])


# The metal drawn in the browser: edges shorter than this collapse (a third of the preview's chord error, not seen),
# a quarter fewer triangles to send with each change.
DRAWN_TOLERANCE_MM = 0.005


def drawn_metal(model: Model):
    """The piece's metal as the browser draws it: its surface simplified within DRAWN_TOLERANCE_MM."""
    from configurator.solids import to_trimesh

    return to_trimesh(model.solid.as_original().set_tolerance(DRAWN_TOLERANCE_MM), for_file=False)


def plotter(design: Design, model: Model, view: str, size=PREVIEW_SIZE):
    """A pyvista scene of the piece: metal shaded in its alloy's colour, stones faceted in theirs; a pendant with
    its jump ring, clasp and chain; a ring with its matching band beside it. The camera frames the whole piece in
    every view."""
    import pyvista as pv

    scene = pv.Plotter(off_screen=True, window_size=size)
    scene.background_color = BACKGROUND
    colour = catalogue.metal(design.metal).color_hex
    _add_metal(scene, drawn_metal(model), colour)
    if model.matching is not None:  # the pair on one finger, as they are worn
        _add_metal(scene, model.matching.mesh, colour)
    for name, mesh in model.fittings.items():
        if not name.startswith("clasp"):  # clasps are placed with the chain
            _add_metal(scene, mesh, colour)
    for part in model.stone_parts:
        _add_stone(scene, part.mesh, catalogue.gemstone(part.material).color_hex)
    scene.enable_lightkit()
    if design.piece.value == "pendant":
        bounds = _pendant_scene(design, model, view, scene, colour)
        directions = {"3/4": ((0.35, -0.45, 1.0), (0, 1, 0)), "front": ((0, 0, 1), (0, 1, 0)),
                      "side": ((1, 0, 0.12), (0, 1, 0)), "necklace": ((0, 0, 1), (0, 1, 0))}
        position, up = directions.get(view, directions["3/4"])
        centre = bounds.reshape(3, 2).mean(axis=1)
        scene.camera_position = [tuple(centre + np.array(position) * 100), tuple(centre), up]
        scene.reset_camera(bounds=bounds)
    else:
        scene.camera_position = VIEWS.get(view, "iso")
        if view == "3/4":
            scene.camera.elevation = 20
            scene.camera.azimuth = 25
        scene.reset_camera()
    scene.camera.zoom(1.15)
    return scene
