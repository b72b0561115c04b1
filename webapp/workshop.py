"""The workshop view for store staff: the metal coloured by the wall thickness the check measured on it.

Drawn on demand with stpyvista's trame backend (vtk.js, offline). Every face of the metal takes the colour of its
reading in the check's scan (`walls.scan`, through `builds.scan_of`): red under the alloy's casting minimum, amber at
it, green and then blue well over it; grey where the scan has no reading (a sharp edge, a bevel: see `walls`); the
seats (faces that hold a stone, never measured) in purple. The metal that holds a stone over its girdle (prongs,
claws, beads, a bezel's lip; found by where it is, `holding_faces`) is darkened under a see-through film, the stones
are drawn translucent, and the thinnest point is marked with a pin and its thickness.

vtk and pyvista are imported inside the functions only: the app's server imports no vtk until staff open the view.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import logging
import math
import multiprocessing
import os
import queue
import re
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from configurator import catalogue

if TYPE_CHECKING:
    from configurator.design import Design
    from configurator.geometry import Model
    from configurator.walls import Scan

WORKSHOP_SIZE = (900, 640)
WORKSHOP_TIMEOUT_S = 60.0
BACKGROUND = "#f5f3ef"

# The metal is drawn through one lookup table, the one its scalar bar shows: SCALE_STEPS entries from 0 to SCALE_TOP
# times the alloy's minimum, red up to the minimum (an entry's edge), then along STOPS; a face with no reading takes
# its NaN colour. Each face carries its reading put at the middle of its entry (`shown_values`), so that a face is red
# exactly when the check would call it under the minimum, in vtk and in vtk.js alike. Seats (never read) are grey on
# the metal, covered by a purple film of their own.
UNDER = (214, 39, 40)  # under the alloy's casting minimum
NO_READING = (176, 176, 176)  # the scan has no reading there (sharp edges, bevels, knife-edges)
SEAT = (118, 78, 170)  # the face holds a stone (seats are never measured)
# Over the minimum: the colour runs through these stops, at these multiples of the minimum (straight between them).
STOPS = ((1.0, (242, 160, 24)), (1.5, (54, 168, 72)), (2.5, (38, 104, 196)))
SCALE_TOP = 3.0  # the table and its bar run from 0 to this many times the minimum
SCALE_STEPS = 300  # entries of the table: a whole number of them under the minimum
UNDER_STEPS = round(SCALE_STEPS / SCALE_TOP)  # the red entries
SCALAR_BAR_X = 0.88  # the bar's left edge, as a share of the view's width (the piece keeps left of it)
HOLDING_FILM = "#000000"  # drawn see-through over the metal holding a stone: its faces darkened, their colour kept
HOLDING_OPACITY = 0.45
HOLDING_LIFT_MM = 0.015  # the film stands this far off the metal (clear of it in the depth buffer)
THINNEST_MARK = "#111111"
PIN_LENGTH = 0.12  # the thinnest point's pin, as a share of the piece's diagonal
PIN_HEAD = 0.009  # its balls' radius, the same way

# Metal holding a stone over its girdle: a face within this reach of the stone's surface, on its crown's side of the
# girdle, not a seat. A prong's outer side stands about 0.65 of its diameter off the girdle and its top ball over the
# crown: the reach is the prong's diameter (the setting's, or the trade's for the stone's size) and a margin.
HOLDING_MARGIN_MM = 0.25
SAMPLE_SPACING_MM = 0.04  # the stones' surfaces are sampled this finely to measure how near a face is


def _tolerance() -> float:
    from configurator.checks import TOLERANCE_MM  # the check's own: a wall within it of the minimum is not under

    return TOLERANCE_MM


def under_minimum(thickness: np.ndarray, min_wall_mm: float) -> np.ndarray:
    """Faces whose reading is under the minimum, as the check judges it (within its tolerance)."""
    return np.asarray(thickness) < min_wall_mm - _tolerance()


def _step(min_wall_mm: float) -> float:
    """The width of one entry of the table, mm."""
    return SCALE_TOP * min_wall_mm / SCALE_STEPS


def scale_table(min_wall_mm: float) -> np.ndarray:
    """The table's colours (SCALE_STEPS RGB bytes): red for the entries under the minimum, then along STOPS."""
    middles = (np.arange(SCALE_STEPS) + 0.5) * _step(min_wall_mm) / min_wall_mm
    at = [stop for stop, _ in STOPS]
    rgb = np.column_stack([np.interp(middles, at, [colour[channel] for _, colour in STOPS]) for channel in range(3)])
    rgb[:UNDER_STEPS] = UNDER
    return np.round(rgb).astype(np.uint8)


def shown_values(scan: Scan, min_wall_mm: float) -> np.ndarray:
    """Per face, the value the metal is coloured by (mm): its reading put at the middle of its entry of the table (an
    entry under the minimum only for a face under it as the check judges, `under_minimum`), NaN where there is no
    reading (a seat among them)."""
    thickness = np.asarray(scan.thickness, dtype=float)
    step = _step(min_wall_mm)
    read = np.isfinite(thickness)
    entry = np.clip(np.floor(thickness[read] / step), 0, SCALE_STEPS - 1)
    entry = np.where(under_minimum(thickness[read], min_wall_mm), np.minimum(entry, UNDER_STEPS - 1),
                     np.maximum(entry, UNDER_STEPS))
    shown = np.full(len(thickness), np.nan)
    shown[read] = (entry + 0.5) * step
    return shown


def wall_colours(scan: Scan, min_wall_mm: float) -> np.ndarray:
    """Per-face RGB bytes the metal is drawn in: its entry's colour, grey where it has no reading (seats too: their
    film is drawn over them)."""
    shown = shown_values(scan, min_wall_mm)
    colours = np.empty((len(shown), 3), dtype=np.uint8)
    read = np.isfinite(shown)
    colours[read] = scale_table(min_wall_mm)[np.floor(shown[read] / _step(min_wall_mm)).astype(int)]
    colours[~read] = NO_READING
    return colours


@dataclass(frozen=True)
class StoneFrame:
    """Where a stone sits: its centre, the axis from its culet side to its table and its girdle's height on it."""

    centre: np.ndarray
    axis: np.ndarray
    girdle: float  # along `axis` from `centre`


def stone_frame(mesh, outward: np.ndarray, girdle_z: float | None = None) -> StoneFrame:
    """A placed stone's frame, read off its mesh: its axis is the one it turns hardest about (a stone is wider than it
    is deep, every cut), turned to face `outward` (away from the finger, or up off a pendant's plate); its girdle is
    the height of its widest vertices, or `girdle_z` where the build says it (the centre stone's, table up +Z)."""
    centre = np.asarray(mesh.center_mass, dtype=float)
    axis = np.asarray(mesh.principal_inertia_vectors[int(np.argmax(mesh.principal_inertia_components))], dtype=float)
    if float(axis @ outward) < 0:
        axis = -axis
    relative = mesh.vertices - centre
    height = relative @ axis
    spread = np.linalg.norm(relative - height[:, None] * axis, axis=1)
    if girdle_z is not None and abs(axis[2]) > 0.99:
        return StoneFrame(centre, axis, float((girdle_z - centre[2]) / axis[2]))
    return StoneFrame(centre, axis, float(height[spread >= 0.99 * spread.max()].mean()))


def _outward(design: Design, centre: np.ndarray) -> np.ndarray:
    """Away from the wearer at `centre`: up off a pendant's plate (+Z), out from a ring's finger axis (Y)."""
    if design.piece.value == "pendant":
        return np.array([0.0, 0.0, 1.0])
    radial = np.array([centre[0], 0.0, centre[2]])
    norm = float(np.linalg.norm(radial))
    return radial / norm if norm > 1e-9 else np.array([0.0, 0.0, 1.0])


def _reach_mm(design: Design, part) -> float:
    """How far from a stone's surface the metal holding it reaches: its prongs' diameter and a margin."""
    from configurator.heads import accent_prong_mm
    from configurator.styles import default_prong_mm

    setting = design.effective_setting
    if part.role == "centre" and design.stone is not None and setting is not None:
        diameter = setting.prong_mm or default_prong_mm(design.stone, setting.style)
    else:
        diameter = accent_prong_mm(part.size_mm)
    return diameter + HOLDING_MARGIN_MM


def _surface_points(mesh, spacing: float = SAMPLE_SPACING_MM) -> np.ndarray:
    """Points on a mesh's surface about `spacing` apart (its vertices among them), deterministic."""
    import trimesh

    count = int(min(200_000, max(200, math.ceil(float(mesh.area) / spacing**2))))
    points, _ = trimesh.sample.sample_surface(mesh, count, seed=7)
    return np.vstack([mesh.vertices, points])


def _nearest_stones(design: Design, model: Model, scan: Scan) -> tuple[np.ndarray, list[StoneFrame]]:
    """For each face of the metal, the index of the stone it is within reach of (`_reach_mm`; the nearest when
    several), -1 when none; and every stone's frame."""
    from scipy.spatial import cKDTree

    centres = np.asarray(scan.centres, dtype=float)
    nearest = np.full(len(centres), np.inf)
    stone = np.full(len(centres), -1)
    frames = []
    for index, part in enumerate(model.stone_parts):
        mesh = part.mesh
        girdle_z = model.girdle_z if part.role == "centre" else None
        frames.append(stone_frame(mesh, _outward(design, mesh.bounds.mean(axis=0)), girdle_z))
        reach = _reach_mm(design, part)
        low, high = mesh.bounds[0] - reach, mesh.bounds[1] + reach
        near = np.flatnonzero(((centres >= low) & (centres <= high)).all(axis=1))
        if not len(near):
            continue
        distance, _ = cKDTree(_surface_points(mesh)).query(centres[near], distance_upper_bound=reach)
        closer = distance < nearest[near]
        nearest[near[closer]] = distance[closer]
        stone[near[closer]] = index
    return stone, frames


def _over_girdle(points: np.ndarray, frame: StoneFrame) -> np.ndarray:
    return (points - frame.centre) @ frame.axis > frame.girdle


def holding_faces(design: Design, model: Model, scan: Scan, nearest=None) -> np.ndarray:
    """Faces of the metal that hold a stone over its girdle: prongs' upper parts and claws, a halo's or pavé's beads, a
    bezel's lip, a channel's lips. Each face is judged by the stone nearest it: within that stone's reach
    (`_reach_mm`), on its crown's side of its girdle (`stone_frame`), and not a seat. Found by where the metal is, not
    by how it was built: the metal is one body and the build keeps no names on its faces. `nearest`: what
    `_nearest_stones` gave, when the caller has it."""
    stone, frames = nearest or _nearest_stones(design, model, scan)
    centres = np.asarray(scan.centres, dtype=float)
    holding = np.zeros(len(centres), dtype=bool)
    for index, frame in enumerate(frames):
        mine = np.flatnonzero(stone == index)
        holding[mine] = _over_girdle(centres[mine], frame)
    return holding & ~np.asarray(scan.seat, dtype=bool)


@dataclass(frozen=True)
class WorkshopFacts:
    """What the workshop view shows, in figures."""

    metal: str  # the alloy's name
    min_wall_mm: float
    thinnest_mm: float  # inf: no face has a reading
    thinnest_at: np.ndarray | None
    where: str  # the thinnest point named by part ("the prong at 2 o'clock"), or ""
    faces: int
    read_faces: int  # faces with a reading
    under_faces: int  # faces under the minimum
    under_area_share: float  # of the metal's whole surface
    seat_faces: int
    holding_faces: int


def workshop_facts(design: Design, model: Model, scan: Scan, min_wall_mm: float, nearest=None) -> WorkshopFacts:
    """The figures of the view: the thinnest wall and where it is, the faces and the area under the minimum
    (`nearest`: what `_nearest_stones` gave, when the caller has it)."""
    from configurator.places import place

    thickness = np.asarray(scan.thickness, dtype=float)
    areas = np.asarray(scan.areas, dtype=float)
    under = under_minimum(thickness, min_wall_mm)
    thinnest, point = scan.thinnest()
    total = float(areas.sum())
    return WorkshopFacts(
        metal=catalogue.metal(design.metal).name,
        min_wall_mm=float(min_wall_mm),
        thinnest_mm=float(thinnest),
        thinnest_at=None if point is None else np.asarray(point, dtype=float),
        where=place(design, model, point) if point is not None else "",
        faces=len(thickness),
        read_faces=int(np.isfinite(thickness).sum()),
        under_faces=int(under.sum()),
        under_area_share=float(areas[under].sum()) / total if total > 0 else 0.0,
        seat_faces=int(np.asarray(scan.seat, dtype=bool).sum()),
        holding_faces=int(holding_faces(design, model, scan, nearest).sum()),
    )


def thinnest_label(facts: WorkshopFacts) -> str:
    """The words beside the thinnest point's mark."""
    return f"thinnest {facts.thinnest_mm:.2f} mm"


def _percent(share: float) -> str:
    if share == 0:
        return "0 %"
    if share < 0.001:
        return "under 0.1 %"
    return f"{100 * share:.1f} %"


def workshop_legend(design: Design, model: Model, scan: Scan, min_wall_mm: float,
                    facts: WorkshopFacts | None = None) -> list[str]:
    """The view's facts in words, one a line: the thinnest wall and where, the faces and the share of the surface
    under the minimum, and what the colours and marks mean (`facts`: the figures, when the caller has them)."""
    from configurator.checks import MIN_DETAIL_MM

    facts = facts or workshop_facts(design, model, scan, min_wall_mm)
    minimum = f"{facts.min_wall_mm:.2f} mm"
    if math.isfinite(facts.thinnest_mm):
        at = f" at {facts.where}" if facts.where else ""
        verdict = "under" if facts.thinnest_mm < facts.min_wall_mm - _tolerance() else "at or over"
        alloys = abs(facts.min_wall_mm - catalogue.metal(design.metal).min_wall_mm) < 1e-9  # not a minimum of its own
        whose = f" for {facts.metal}" if alloys else ""
        thinnest = f"Thinnest wall: {facts.thinnest_mm:.2f} mm{at} ({verdict} the {minimum} minimum{whose})."
    else:
        thinnest = "Thinnest wall: no face has a reading (no two surfaces face each other across the metal)."
    under = (f"Under {minimum}: {facts.under_faces} of {facts.faces} faces "
             f"({facts.read_faces} measured), {_percent(facts.under_area_share)} of the metal's surface.")
    scale = (f"Red: under {minimum}. Amber: at it. Green: {STOPS[1][0] * facts.min_wall_mm:.2f} mm. "
             f"Blue: {STOPS[2][0] * facts.min_wall_mm:.2f} mm and over. Grey: no reading (an edge or a bevel, where no "
             "two surfaces face each other).")
    marks = (f"Purple: seats ({facts.seat_faces} faces, never measured as walls). Darkened: metal holding a stone "
             f"over its girdle, such as prongs, beads or a bezel's lip ({facts.holding_faces} faces; mostly without "
             "a reading, as a prong's far side is its seat). Stones are see-through; the black pin marks the "
             "thinnest point.")
    shank = catalogue.metal(design.metal).min_shank_mm
    limits = (f"Red is the measure against the {minimum} wall minimum; the check's findings hold a ring's shank to "
              f"{shank:.2f} mm and the metal round the stones to {MIN_DETAIL_MM:.2f} mm of castable detail, and judge "
              "milgrain beads, engraved letters and a drilled row of stones by their own rules.")
    return [thinnest, under, scale, marks, limits]


def _grey_stone(colour_hex: str) -> tuple[float, float, float]:
    """A stone's colour mixed half with slate, so a colourless stone still shows against the background."""
    rgb = np.array([int(colour_hex[i:i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255.0
    return tuple(float(v) for v in 0.5 * rgb + 0.5 * np.array([0.42, 0.50, 0.58]))


def _film(mesh, faces: np.ndarray, lifted: np.ndarray | None = None):
    """The metal's `faces` as a film a hair off its surface (HOLDING_LIFT_MM along the vertex normals), or None."""
    import pyvista as pv

    picked = np.asarray(mesh.faces)[faces]
    if not len(picked):
        return None
    if lifted is None:
        lifted = mesh.vertices + HOLDING_LIFT_MM * mesh.vertex_normals
    used, inverse = np.unique(picked, return_inverse=True)
    cells = np.column_stack([np.full(len(picked), 3), inverse.reshape(-1, 3)]).ravel()
    return pv.PolyData(np.asarray(lifted[used], dtype=np.float32), cells)


def _holding_film(design: Design, model: Model, scan: Scan, nearest=None):
    """The metal holding the stones over their girdles (`holding_faces`) as a film a hair off its surface
    (HOLDING_LIFT_MM along the vertex normals), cut clean along each stone's girdle plane; drawn see-through dark over
    the metal, the faces under it keep their colour, darkened. None when there is none."""
    mesh = model.metal
    stone, frames = nearest or _nearest_stones(design, model, scan)
    lifted = np.asarray(mesh.vertices + HOLDING_LIFT_MM * mesh.vertex_normals, dtype=np.float64)
    pieces = []
    for index, frame in enumerate(frames):
        near = _film(mesh, (stone == index) & ~np.asarray(scan.seat, dtype=bool), lifted)
        if near is None:
            continue
        kept = near.clip(normal=tuple(-frame.axis), origin=tuple(frame.centre + frame.girdle * frame.axis))
        if kept.n_cells:
            pieces.append(kept.extract_surface(algorithm=None))
    if not pieces:
        return None
    film = pieces[0].merge(pieces[1:]) if len(pieces) > 1 else pieces[0]
    film.points = np.asarray(film.points, dtype=np.float32)
    return film


def _polydata(mesh):
    """A trimesh as pyvista triangles, face for face, its points as float32 (half the page; a micron is far under
    what the view shows)."""
    import pyvista as pv

    return pv.PolyData(np.asarray(mesh.vertices, dtype=np.float32),
                       np.column_stack([np.full(len(mesh.faces), 3), mesh.faces]).ravel())


def workshop_plotter(design: Design, model: Model, scan: Scan, min_wall_mm: float, size=WORKSHOP_SIZE):
    """An off-screen pyvista scene of the piece for the workshop. The metal (actor "metal": `model.metal` face for face,
    as `scan` read it) carries `thickness_mm` (the scan's readings) and `wall_mm` (what it is coloured by,
    `shown_values`) per face, with a scalar bar in mm; the seats are covered purple ("seats"), the metal holding stones
    over their girdles darkened ("holding", `holding_faces`); the stones translucent; fittings and a matching band in
    plain grey; the thinnest point marked with a pin ("thinnest") and labelled with its thickness. The figures drawn
    are the scene's `_workshop_facts`."""
    import pyvista as pv

    metal = model.metal
    if len(metal.faces) != len(scan.thickness):
        raise ValueError("the scan was not made on this model's metal")
    nearest = _nearest_stones(design, model, scan)
    facts = workshop_facts(design, model, scan, min_wall_mm, nearest)
    scene = pv.Plotter(off_screen=True, window_size=size)
    scene.background_color = BACKGROUND

    surface = _polydata(metal)
    surface.cell_data["thickness_mm"] = np.asarray(scan.thickness, dtype=np.float64)
    surface.cell_data["wall_mm"] = shown_values(scan, min_wall_mm).astype(np.float32)
    top = SCALE_TOP * min_wall_mm
    table = pv.LookupTable()
    table.values = np.column_stack([scale_table(min_wall_mm), np.full(SCALE_STEPS, 255, dtype=np.uint8)])
    table.scalar_range = (0.0, top)
    table.nan_color = tuple(v / 255 for v in NO_READING)
    scene.add_mesh(surface, scalars="wall_mm", cmap=table, clim=(0.0, top), nan_color=table.nan_color, name="metal",
                   interpolate_before_map=False,
                   smooth_shading=True, split_sharp_edges=True, ambient=0.3, diffuse=0.7, specular=0.15,
                   show_scalar_bar=True,
                   scalar_bar_args=dict(title="wall mm", n_labels=int(SCALE_TOP) + 1, fmt="%.1f", color="black",
                                        vertical=True, position_x=SCALAR_BAR_X, position_y=0.12, height=0.7, width=0.06))
    table.BuildSpecialColors()  # vtk maps NaN from a copy kept in the table's tail
    seats = _film(metal, np.asarray(scan.seat, dtype=bool))
    if seats is not None:
        scene.add_mesh(seats, color=tuple(v / 255 for v in SEAT), name="seats", smooth_shading=True, ambient=0.3,
                       diffuse=0.7, specular=0.1)
    film = _holding_film(design, model, scan, nearest)
    if film is not None:
        scene.add_mesh(film, color=HOLDING_FILM, opacity=HOLDING_OPACITY, name="holding", smooth_shading=True,
                       ambient=0.3, diffuse=0.5, specular=0.0)
    grey = "#bdbdbd"
    if model.matching is not None:
        scene.add_mesh(_polydata(model.matching.mesh), color=grey, opacity=0.5, name="matching-band")
    for name, mesh in model.fittings.items():
        scene.add_mesh(_polydata(mesh), color=grey, opacity=0.5, name=f"fitting-{name}")
    for index, part in enumerate(model.stone_parts):
        scene.add_mesh(_polydata(part.mesh), color=_grey_stone(catalogue.gemstone(part.material).color_hex),
                       opacity=0.35, smooth_shading=False, specular=0.6, name=f"stone-{index}")
    if facts.thinnest_at is not None:  # a pin standing off the face, the label at its head
        index = int(np.argmin(np.asarray(scan.thickness)))
        span = float(np.linalg.norm(np.ptp(metal.bounds, axis=0)))
        normal = np.asarray(metal.face_normals[index], dtype=float)
        head = facts.thinnest_at + normal * PIN_LENGTH * span
        radius = PIN_HEAD * span
        scene.add_mesh(pv.Sphere(radius=radius, center=facts.thinnest_at), color=THINNEST_MARK, name="thinnest")
        scene.add_mesh(pv.Tube(pointa=facts.thinnest_at, pointb=head, radius=radius / 3, n_sides=8),
                       color=THINNEST_MARK, name="thinnest-pin")
        scene.add_mesh(pv.Sphere(radius=radius, center=head), color=THINNEST_MARK, name="thinnest-head")
        scene.add_point_labels(np.array([head]), [thinnest_label(facts)], name="thinnest-label", font_size=16,
                               text_color="black", shape_color="white", shape_opacity=0.85, point_size=1,
                               show_points=False, always_visible=True)
    scene.enable_lightkit()
    if design.piece.value == "pendant":
        centre = metal.bounds.mean(axis=0)
        scene.camera_position = [tuple(centre + np.array([0.35, -0.45, 1.0]) * 100), tuple(centre), (0, 1, 0)]
    else:
        scene.camera_position = "iso"
        scene.camera.elevation = 20
        scene.camera.azimuth = 25
    scene.reset_camera()
    scene.camera.zoom(1.1)
    scene._workshop_facts = facts  # the figures drawn (pyvista takes new attributes only with a leading "_")
    return scene


# ---------------------------------------------------------------- the page, made apart and shown through stpyvista

# The export looks for VTK's WebAssembly build; an empty folder stops it from trying to download one (the app must
# work with no internet). The same rule as the preview's, made here for the view made without it.
_EMPTY_WASM_DIR = os.path.join(tempfile.gettempdir(), "configurator-no-vtk-wasm")


def _offline() -> None:
    os.makedirs(_EMPTY_WASM_DIR, exist_ok=True)
    os.environ.setdefault("VTK_WASM_DIR_OVERRIDE", _EMPTY_WASM_DIR)


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


def guarded_trame_html(scene, timeout: float = WORKSHOP_TIMEOUT_S) -> str:
    """The scene's vtk.js page, made by trame in a forked child with a time limit: a crash in vtk ends the child,
    never the server, and a child that hangs is killed."""
    _offline()
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
                        raise RuntimeError(
                            f"the workshop view's exporter stopped (exit code {child.exitcode})") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the workshop view took longer than {timeout:.0f} s") from None
    finally:
        child.join(timeout=2)
        if child.is_alive():
            child.kill()
            child.join()
    if status != "ok":
        raise RuntimeError(f"the workshop view could not be made: {payload}")
    return payload


def _exported(scene):
    """The scene as the browser gets it: the thickness readings (infinite where there is none, which JSON cannot
    carry) stay on the server: the faces are coloured by `wall_mm`; the label goes too."""
    metal = scene.actors["metal"].mapper.dataset
    if "thickness_mm" in metal.cell_data:
        del metal.cell_data["thickness_mm"]
    for name in [name for name in scene.actors if name.startswith("thinnest-label")]:
        scene.remove_actor(name)  # vtk.js has no labels (trame exports none): the legend gives the figure
    return scene


# vtk.js puts its favicons, fetched from kitware.github.io, into the page it runs in: the page keeps to itself.
_FAVICONS = re.compile(r"https://kitware\.github\.io/vtk-js/icon/[^`'\"]*")


def offline_page(html: str) -> str:
    """The exported page with every address it would fetch from the internet made an empty data: address."""
    return _FAVICONS.sub("data:,", html)


@functools.lru_cache(maxsize=8)
def workshop_html(design_json: str) -> tuple[str, tuple[str, ...]]:
    """The workshop view's vtk.js page for a design (as JSON) and its legend, made once for the last few designs."""
    from configurator.builds import model_of, scan_of
    from configurator.documents import loads_design

    design = loads_design(design_json)
    model = model_of(design)
    scan = scan_of(design, model)
    minimum = catalogue.metal(design.metal).min_wall_mm
    scene = workshop_plotter(design, model, scan, minimum)
    legend = tuple(workshop_legend(design, model, scan, minimum, scene._workshop_facts))
    try:
        html = offline_page(guarded_trame_html(_exported(scene)))
    finally:
        scene.close()
    return html, legend


@functools.cache
def _stpyvista():
    """stpyvista, told to show a page already made instead of exporting the plotter it is given (the same rule as the
    preview's: a plotter carrying `_configurator_html` is shown as that page)."""
    import stpyvista  # works only inside a Streamlit run

    stpyvista._trame_html = lambda scene, **_: getattr(scene, "_configurator_html", None) or guarded_trame_html(scene)
    return stpyvista


def show_workshop_view(design_json: str, key: str) -> None:
    """Draw the workshop view of a design (its JSON) with its legend. Made in a forked child with a time limit: a vtk
    crash or a hang is one line on the page, never the server's end."""
    import streamlit as st

    from webapp.text import plain

    try:
        html, legend = workshop_html(design_json)
    except Exception as exc:  # noqa: BLE001 - the view must never take the page down
        logging.getLogger(__name__).exception("workshop view")
        st.caption(plain(f"The workshop view is not available right now ({type(exc).__name__}). The design and its "
                         "check are unaffected."))
        return
    import pyvista as pv

    stpyvista = _stpyvista()
    carrier = pv.Plotter(off_screen=True, window_size=WORKSHOP_SIZE)
    carrier._configurator_html = html
    stpyvista.stpyvista(carrier, backend="trame", key=key)
    for line in legend:
        st.caption(plain(line))
