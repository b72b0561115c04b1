"""Meshes to pictures: the live vtk.js preview (stpyvista's trame backend) and PNG thumbnails."""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import multiprocessing
import os
import queue
import tempfile
import time

import numpy as np

from configurator import catalogue
from configurator.design import Design
from configurator.geometry import Model

PREVIEW_TIMEOUT_S = 45.0
PREVIEW_SIZE = (720, 520)
BACKGROUND = "#f5f3ef"
VIEWS = {"3/4": "iso", "top": "xy", "side": "yz", "front": "xz"}
# The page carries the meshes as base64 inside a zip, after a 1.05 MB vtk.js viewer: to keep every preset's page
# under 1.5 MB, points go as float32 on a 2^-10 mm grid (about 1 micron, far under the preview's 0.015 mm chord
# error) and the metal's normals are rounded to 2^-8 (under a quarter of a degree); deflate then packs the
# zeroed low bits. The shapes, edges and shading look the same; the files the app offers keep the exact meshes.
POINT_GRID_MM = 2.0**-10
NORMAL_GRID = 2.0**-8
FEATURE_ANGLE = 35  # degrees: an edge sharper than this stays crisp in the shading

# The export child looks for VTK's WebAssembly build; an empty folder stops it from trying to download one
# (the app must work with no internet).
_EMPTY_WASM_DIR = os.path.join(tempfile.gettempdir(), "configurator-no-vtk-wasm")
os.makedirs(_EMPTY_WASM_DIR, exist_ok=True)
os.environ.setdefault("VTK_WASM_DIR_OVERRIDE", _EMPTY_WASM_DIR)


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


def plotter(design: Design, model: Model, view: str, size=PREVIEW_SIZE):
    """A pyvista scene of the piece: metal shaded in its alloy's colour, stones translucent in theirs."""
    import pyvista as pv

    scene = pv.Plotter(off_screen=True, window_size=size)
    scene.background_color = BACKGROUND
    metal = catalogue.metal(design.metal)
    shine = {"smooth_shading": True, "split_sharp_edges": False, "ambient": 0.22, "diffuse": 0.62, "specular": 1.0,
             "specular_power": 50}
    scene.add_mesh(shaded(model.metal), color=metal.color_hex, **shine)
    for mesh in model.findings.values():
        scene.add_mesh(shaded(mesh), color=metal.color_hex, **shine)
    for part in model.stone_parts:
        gem = catalogue.gemstone(part.material)
        scene.add_mesh(polydata(part.mesh), color=gem.color_hex, opacity=0.8, ambient=0.3, diffuse=0.7,
                       specular=1.0, specular_power=90)
    scene.enable_lightkit()
    if design.piece.value == "pendant" and view == "3/4":
        scene.camera_position = [(6, -22, 60), (6, 2, 0), (0, 1, 0)]
    else:
        scene.camera_position = VIEWS[view]
        if view == "3/4":
            scene.camera.elevation = 20
            scene.camera.azimuth = 25
    scene.reset_camera()
    scene.camera.zoom(1.2)
    return scene


def _export_child(results, scene) -> None:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # trame prints where it looked for VTK's WebAssembly
            html = scene.trame.export_html(filename=None).read()
        results.put(("ok", html))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never a silent death
        results.put(("error", f"{type(exc).__name__}: {exc}"))


@functools.cache
def _warm() -> None:
    """Import the exporter's modules once in this process, so every forked export child starts with them."""
    for name in ("trame_pyvista", "trame.app", "trame_vtk.tools.vtksz2html", "trame_vtk.modules.vtk.serializers"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - warming is only a speed-up
            pass


def guarded_trame_html(scene, timeout: float = PREVIEW_TIMEOUT_S) -> str:
    """stpyvista's trame export in a child process, with a time limit instead of an endless wait."""
    _warm()
    context = multiprocessing.get_context("fork")
    results = context.Queue(maxsize=1)
    child = context.Process(target=_export_child, args=(results, scene), daemon=True)
    child.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                status, payload = results.get(timeout=0.25)
                break
            except queue.Empty:
                if not child.is_alive():
                    try:
                        status, payload = results.get(timeout=0.5)
                        break
                    except queue.Empty:
                        raise RuntimeError(f"the 3D view exporter stopped (exit code {child.exitcode})") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the 3D view took longer than {timeout:.0f} s") from None
    finally:
        child.join(timeout=2)
        if child.is_alive():
            child.kill()
            child.join()
    if status != "ok":
        raise RuntimeError(f"the 3D view could not be made: {payload}")
    return payload


@functools.cache
def _stpyvista():
    """stpyvista, told once to show a page already made instead of exporting the plotter it is given."""
    import stpyvista  # works only inside a Streamlit run

    stpyvista._trame_html = lambda scene, **_: getattr(scene, "_configurator_html", None) or guarded_trame_html(scene)
    return stpyvista


def show(html: str, key: str) -> None:
    """Show an exported vtk.js page through stpyvista's trame component."""
    import pyvista as pv

    stpyvista = _stpyvista()
    carrier = pv.Plotter(off_screen=True, window_size=PREVIEW_SIZE)
    carrier._configurator_html = html
    stpyvista.stpyvista(carrier, backend="trame", key=key)


def thumbnail_png(design: Design, model: Model, size: int = 192) -> bytes:
    """A small PNG of the piece for the saved-designs list."""
    import io

    from PIL import Image

    scene = plotter(design, model, "3/4", size=(size, size))
    pixels = scene.screenshot(return_img=True)
    scene.close()
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
