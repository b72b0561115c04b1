"""Meshes to pictures: the live vtk.js preview (stpyvista's trame backend) and PNG thumbnails."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import io
import multiprocessing
import os
import queue
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from configurator import catalogue
from configurator.design import Design
from configurator.geometry import Model

PREVIEW_TIMEOUT_S = 45.0
PREVIEW_SIZE = (720, 520)
PHONE_PREVIEW_HEIGHT = 340  # on a phone the piece and the price share the first screen
BACKGROUND = "#f5f3ef"
# The views a person picks, by piece: pyvista's named planes or (position, focal point, view up) directions.
VIEWS = {"3/4": "iso", "top": "xy", "side": "yz", "front": "xz"}
PENDANT_VIEWS = ("3/4", "front", "side", "necklace")
CLOSE_CHAIN_MM = 22.0  # the chain drawn this far from the jump ring in a close view of a pendant
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


def views(piece: str) -> list[str]:
    """The views offered for a piece: a ring turns on its finger axis, a pendant hangs on its chain."""
    return list(PENDANT_VIEWS) if piece == "pendant" else list(VIEWS)


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
    its jump ring, clasp and chain. The camera frames the whole piece in every view."""
    import pyvista as pv

    scene = pv.Plotter(off_screen=True, window_size=size)
    scene.background_color = BACKGROUND
    colour = catalogue.metal(design.metal).color_hex
    _add_metal(scene, drawn_metal(model), colour)
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


# Put into every preview page, ahead of vtk.js: the camera the person chose is kept in the tab's sessionStorage
# (per piece and view) and put back when the next design's page loads, before its first frame; a one-finger swipe
# up or down scrolls the page (touch-action: pan-y), sideways turns the piece, two fingers zoom; the camera reads
# back for tests through `window.configuratorCamera()`.
_VIEWER_STYLE = """
<style>html, body { background: %(background)s; touch-action: pan-y; }
canvas, body > div { touch-action: pan-y !important; }
#configurator-reset { position: fixed; right: 8px; bottom: 8px; z-index: 10; font: 13px sans-serif;
  padding: 4px 9px; border: 1px solid #c9c4bb; border-radius: 6px; background: #fffdf9; color: #333; cursor: pointer; }
</style>
"""
_VIEWER_SCRIPT = """
<script>
(function () {
  var KEY = "configurator-camera:" + %(camera_key)s;
  var FIELDS = ["Position", "FocalPoint", "ViewUp", "ViewAngle", "ParallelScale"];
  var initial = null, saveTimer = null, restored = false;
  function renderer(win) {  // the synchronised scene's renderer (the full-screen window keeps an empty one too)
    var all = win ? win.getRenderers() : [];
    for (var i = 0; i < all.length; i++) { if (all[i].getActors().length) return all[i]; }
    return null;
  }
  function camera(win) { var r = renderer(win); return r ? r.getActiveCamera() : null; }
  function read(cam) { var state = {}; FIELDS.forEach(function (f) { state[f] = cam["get" + f](); }); return state; }
  function write(cam, state) {
    FIELDS.forEach(function (f) { var v = state[f]; if (v !== undefined && v !== null) {
      Array.isArray(v) ? cam["set" + f].apply(cam, v) : cam["set" + f](v); } });
  }
  function stored() { try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return null; } }
  function save(win) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      var cam = camera(win); if (!cam) return;
      try { sessionStorage.setItem(KEY, JSON.stringify(read(cam))); } catch (e) {}
    }, 120);
  }
  function takeOver(win) {
    if (restored) return; var cam = camera(win); if (!cam) return;
    restored = true; initial = read(cam);
    var state = stored(); if (state) { write(cam, state); renderer(win).resetCameraClippingRange(); }
    cam.onModified(function () { save(win); });
    window.configuratorCamera = function () { return read(camera(win)); };
    var reset = document.createElement("button"); reset.id = "configurator-reset"; reset.textContent = "Reset view";
    reset.title = "Back to the view's own camera";
    reset.onclick = function () { try { sessionStorage.removeItem(KEY); } catch (e) {} write(camera(win), initial);
      renderer(win).resetCameraClippingRange(); win.render(); };
    document.body.appendChild(reset);
    document.body.setAttribute("data-camera", state ? "restored" : "initial");
    document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));  // since the page began
    var canvas = document.querySelector("canvas");  // vtk.js takes every touch; leave vertical swipes to the page
    for (var node = canvas; node && node !== document.documentElement; node = node.parentElement) {
      node.style.touchAction = "pan-y";
    }
  }
  function hook(win) {
    var render = win.render;
    win.render = function () {
      if (!restored && renderer(win)) takeOver(win);
      return render.apply(this, arguments);
    };
    var poll = setInterval(function () {  // should the first frame come another way
      if (restored) { clearInterval(poll); return; }
      if (renderer(win)) { takeOver(win); win.render(); clearInterval(poll); }
    }, 50);
  }
  window.global = window.global || {};
  var current = null;
  [window, window.global].forEach(function (target) {  // vtk.js sets global.renderWindow; `global` may be window
    Object.defineProperty(target, "renderWindow", {
      configurable: true, get: function () { return current; },
      set: function (win) { if (win !== current) { current = win; hook(win); } }
    });
  });
})();
</script>
"""


# The exported page carries vtk.js (about 1 MB) inline, then the scene. The viewer script is the same for every
# design: it is written once to the app's static folder (Streamlit serves it at app/static/, the browser caches it)
# and each page refers to it, so a change sends only the scene. Where the folder cannot be written, pages stay whole.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_MODULE = re.compile(r'<script type="module">(.*?)</script>', re.DOTALL)


def _published(script: str) -> str | None:
    """The static file name of the viewer `script` (written there if missing), or None when it cannot be."""
    name = f"vtk-viewer-{hashlib.sha256(script.encode('utf-8')).hexdigest()[:16]}.js"
    target = STATIC_DIR / name
    if target.exists():
        return name
    try:
        STATIC_DIR.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=STATIC_DIR, suffix=".part", delete=False) as part:
            part.write(script)
        os.replace(part.name, target)
    except OSError:
        return None
    return name


def light(html: str) -> str:
    """The page with its inline vtk.js replaced by a reference to the same script in the app's static folder."""
    match = _MODULE.search(html)
    if match is None:
        return html
    name = _published(match.group(1))
    if name is None:
        return html
    tag = f'<script type="module" src="app/static/{name}"></script>'
    return html[: match.start()] + tag + html[match.end():]


def dressed(html: str, camera_key: str) -> str:
    """The exported vtk.js page with the viewer script put in ahead of vtk.js (see `_VIEWER_SCRIPT`)."""
    import json

    style = _VIEWER_STYLE % {"background": BACKGROUND}
    script = _VIEWER_SCRIPT % {"camera_key": json.dumps(camera_key)}
    head, marker, rest = html.partition("</head>")
    body, body_marker, rest = rest.partition("<body>")
    if not marker or not body_marker:
        raise RuntimeError("the 3D view's page has no <head> or <body>")
    return head + style + marker + body + body_marker + script + rest


def preview_height(user_agent: str | None) -> int:
    """The preview's height in pixels: shorter on a phone, so the price and the piece share the first screen."""
    return PHONE_PREVIEW_HEIGHT if user_agent and ("Mobi" in user_agent or "Android" in user_agent) else PREVIEW_SIZE[1]


def show(html: str, key: str, height: int = PREVIEW_SIZE[1]) -> None:
    """Show an exported vtk.js page through stpyvista's trame component (the same key keeps the same frame, so a
    new design replaces the page in place and nothing below it moves)."""
    import pyvista as pv

    stpyvista = _stpyvista()
    carrier = pv.Plotter(off_screen=True, window_size=(PREVIEW_SIZE[0], height))
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
