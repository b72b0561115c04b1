"""The workshop view: the metal coloured by the check's own thickness scan, face for face; red exactly where the check
calls a wall under the alloy's minimum; seats, the metal holding the stones and the thinnest point marked; the page
made in a forked child and kept offline; and no vtk imported until the view is asked for."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

from configurator import catalogue
from configurator.builds import model_of, scan_of
from configurator.checks import TOLERANCE_MM
from configurator.documents import load_design
from configurator.heads import prong_angles
from webapp import workshop

from .conftest import ROOT, ring_design

pytest.importorskip("pyvista")


def preset(name: str):
    design = load_design(ROOT / "models" / f"{name}.json")
    model = model_of(design)
    return design, model, scan_of(design, model)


def minimum(design) -> float:
    return catalogue.metal(design.metal).min_wall_mm


@pytest.fixture(scope="module")
def halo():
    """The halo ring's view: a thin rim round its accents (0.45 mm by design) under the 0.8 mm wall minimum."""
    design, model, scan = preset("halo-ring")
    scene = workshop.workshop_plotter(design, model, scan, minimum(design))
    yield design, model, scan, scene
    scene.close()


@pytest.fixture(scope="module")
def thin():
    """A flat 14k band 0.6 mm thick: every wall a reading of 0.6 mm against a 0.8 mm minimum."""
    design = ring_design(thickness_mm=0.6)
    assert minimum(design) == 0.8
    model = model_of(design)
    scan = scan_of(design, model)
    scene = workshop.workshop_plotter(design, model, scan, minimum(design))
    yield design, model, scan, scene
    scene.close()


def metal_of(scene):
    return scene.actors["metal"].mapper.dataset


def drawn_colours(scene) -> np.ndarray:
    """The metal's per-face colours as vtk maps them for drawing: its `wall_mm` through the actor's lookup table."""
    from vtkmodules.util.numpy_support import vtk_to_numpy

    mapper = scene.actors["metal"].mapper
    values = metal_of(scene).GetCellData().GetArray("wall_mm")
    return vtk_to_numpy(mapper.lookup_table.MapScalars(values, 0, -1))[:, :3]


def red(colours: np.ndarray) -> np.ndarray:
    return np.all(colours == workshop.UNDER, axis=1)


def label_of(scene) -> str:
    """The text of the thinnest point's label, read back from its vtk actor."""
    import pyvista as pv

    (name,) = [name for name in scene.actors if name.startswith("thinnest-label")]
    points = scene.actors[name].GetMapper().GetInputAlgorithm().GetInputDataObject(0, 0)
    (text,) = pv.wrap(points).point_data["labels"]
    return str(text)


def red_pixels(image: np.ndarray) -> int:
    """Pixels of the under-minimum red, lit or shaded, left of the scalar bar (amber, the pin, the label and the
    background are not red; the bar's own red is left out)."""
    rgb = image[:, : int(image.shape[1] * (workshop.SCALAR_BAR_X - 0.02)), :3].astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r > 110) & (g < 0.45 * r) & (b < 0.45 * r)).sum())


def test_importing_the_module_loads_no_vtk():
    code = "import webapp.workshop, sys; assert not any(m.startswith(('vtk','pyvista')) for m in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr


def test_the_metal_carries_the_scans_thickness_face_for_face(halo):
    design, model, scan, scene = halo
    metal = metal_of(scene)
    assert metal.n_cells == len(model.metal.faces) == len(scan.thickness)
    assert np.array_equal(metal.cell_data["thickness_mm"], scan.thickness)  # inf where the scan has no reading
    assert np.isinf(scan.thickness).any() and np.isfinite(scan.thickness).any()


def test_red_faces_are_exactly_the_faces_under_the_minimum(halo):
    design, model, scan, scene = halo
    colours = drawn_colours(scene)
    under = scan.thickness < minimum(design) - TOLERANCE_MM
    assert red(colours).sum() == under.sum() > 1000  # the halo's rim and beads
    assert np.array_equal(red(colours), under)
    assert np.array_equal(colours, workshop.wall_colours(scan, minimum(design)))  # what the tests count is drawn
    assert np.all(colours[np.isinf(scan.thickness)] == workshop.NO_READING)  # no reading: grey
    over = np.isfinite(scan.thickness) & ~under
    assert not red(colours[over]).any()


def test_a_wall_at_the_minimum_within_the_checks_tolerance_is_not_red():
    design, model, scan = preset("channel-band")  # channel walls modelled at 0.8 mm read 0.7999992
    near = (scan.thickness < minimum(design)) & (scan.thickness > minimum(design) - 1e-5)
    assert near.sum() > 100
    assert not red(workshop.wall_colours(scan, minimum(design))).any()
    assert workshop.workshop_facts(design, model, scan, minimum(design)).under_faces == 0


def test_the_colour_runs_from_red_through_amber_to_green_and_blue():
    table = workshop.scale_table(0.8)
    step = workshop.SCALE_TOP * 0.8 / workshop.SCALE_STEPS
    assert np.all(table[: workshop.UNDER_STEPS] == workshop.UNDER)
    at = lambda mm: tuple(int(v) for v in table[int(mm / step)])  # noqa: E731
    assert at(0.8 + step / 2) == pytest.approx(workshop.STOPS[0][1], abs=3)  # amber from the minimum
    assert at(1.2) == pytest.approx(workshop.STOPS[1][1], abs=3)  # green at 1.5 x
    assert at(2.3) == workshop.STOPS[2][1]  # blue from 2.5 x
    assert len(table) == workshop.SCALE_STEPS


def test_a_thin_band_is_red_and_its_thinnest_wall_labelled(thin):
    design, model, scan, scene = thin
    colours = drawn_colours(scene)
    under = scan.thickness < 0.8 - TOLERANCE_MM
    assert red(colours).sum() == under.sum() > 0
    thinnest, _ = scan.thinnest()
    assert thinnest == pytest.approx(0.6, abs=0.01)
    assert label_of(scene) == f"thinnest {thinnest:.2f} mm" == "thinnest 0.60 mm"
    assert scene._workshop_facts.thinnest_mm == thinnest


def test_the_legend_gives_the_thinnest_wall_where_and_how_much_is_under(thin):
    design, model, scan, _ = thin
    lines = workshop.workshop_legend(design, model, scan, 0.8)
    facts = workshop.workshop_facts(design, model, scan, 0.8)
    under = scan.thickness < 0.8 - TOLERANCE_MM
    share = scan.areas[under].sum() / scan.areas.sum()
    assert lines[0] == ("Thinnest wall: 0.60 mm at the bottom of the shank (under the 0.80 mm minimum for 14k yellow "
                        "gold).")
    assert lines[1] == (f"Under 0.80 mm: {under.sum()} of {len(under)} faces ({np.isfinite(scan.thickness).sum()} "
                        f"measured), {100 * share:.1f} % of the metal's surface.")
    assert facts.under_faces == under.sum() and facts.under_area_share == pytest.approx(share)
    assert facts.where == "the bottom of the shank"
    assert "shank to 1.00 mm" in lines[-1] and "0.35 mm of castable detail" in lines[-1]  # the check's own limits
    lowered = workshop.workshop_legend(design, model, scan, 0.5)[0]
    assert lowered == "Thinnest wall: 0.60 mm at the bottom of the shank (at or over the 0.50 mm minimum)."


def test_a_lower_minimum_turns_the_same_band_clear(thin):
    design, model, scan, _ = thin
    scene = workshop.workshop_plotter(design, model, scan, 0.5)
    try:
        assert not red(drawn_colours(scene)).any()
        assert scene._workshop_facts.under_faces == 0
    finally:
        scene.close()


def test_the_screenshot_is_red_for_the_thin_band_and_not_for_a_thick_comfort_band(thin):
    *_, scene = thin
    assert red_pixels(scene.screenshot(return_img=True)) > 500
    design, model, scan = preset("comfort-band")
    assert scan.thinnest()[0] > 1.2  # 1.8 mm comfort fit: well over the minimum everywhere
    thick = workshop.workshop_plotter(design, model, scan, minimum(design))
    try:
        assert red_pixels(thick.screenshot(return_img=True)) == 0
    finally:
        thick.close()


def test_seats_are_covered_and_the_prongs_over_the_girdle_found():
    """The solitaire's six prongs: the metal holding its stone over the girdle lies round the six prongs' directions,
    every prong has some, and none of it is a seat."""
    design, model, scan = preset("solitaire-ring")
    scene = workshop.workshop_plotter(design, model, scan, minimum(design))
    try:
        assert scene.actors["seats"].mapper.dataset.n_cells == scan.seat.sum() > 0
        assert scene.actors["holding"].mapper.dataset.n_cells > 0
    finally:
        scene.close()
    holding = workshop.holding_faces(design, model, scan)
    assert holding.sum() > 100 and not (holding & scan.seat).any()
    centres = scan.centres[holding]
    assert (centres[:, 2] > model.girdle_z).all()
    azimuth = np.arctan2(centres[:, 1], centres[:, 0])
    prongs = prong_angles(design.stone.shape, design.setting.prongs)
    apart = np.abs((azimuth[:, None] - prongs[None, :] + math.pi) % (2 * math.pi) - math.pi)
    assert np.degrees(apart.min(axis=1)).max() < 20  # every face by a prong
    assert (np.bincount(apart.argmin(axis=1), minlength=len(prongs)) > 10).all()  # every prong found


def test_a_plain_band_has_no_seats_or_holding_metal(thin):
    design, model, scan, scene = thin
    assert "seats" not in scene.actors and "holding" not in scene.actors
    assert not workshop.holding_faces(design, model, scan).any()


def test_the_stone_frame_points_to_the_table_and_finds_the_girdle():
    design, model, scan = preset("half-eternity")
    for part in model.stone_parts:
        centre = part.mesh.bounds.mean(axis=0)
        frame = workshop.stone_frame(part.mesh, workshop._outward(design, centre))
        outward = np.array([centre[0], 0.0, centre[2]]) / np.hypot(centre[0], centre[2])
        assert frame.axis @ outward > 0.95  # set radially, table out
        heights = (part.mesh.vertices - frame.centre) @ frame.axis
        assert heights.max() - frame.girdle < frame.girdle - heights.min()  # a brilliant: crown under pavilion


def test_the_export_child_dying_is_an_error_not_a_crash(monkeypatch):
    monkeypatch.setattr(workshop, "_warm", lambda: None)
    monkeypatch.setattr(workshop, "_export_child", lambda results, scene: os._exit(3))
    with pytest.raises(RuntimeError, match="exit code 3"):
        workshop.guarded_trame_html(None, timeout=20)


def test_the_page_keeps_to_itself():
    page = "a<script>e.setAttribute(\"href\",`https://kitware.github.io/vtk-js/icon/favicon-${t}x${t}.png`)</script>"
    assert "kitware.github.io" not in workshop.offline_page(page)
    assert "`data:,`" in workshop.offline_page(page)


@pytest.mark.slow
def test_the_view_is_exported_offline_with_its_scale_and_no_readings():
    """The page of the thin band made as the app makes it: vtk.js with the scene, its scalar bar, no address on the
    internet, and the thickness readings (with their infinities) left on the server."""
    import base64
    import io
    import json
    import re
    import zipfile

    design = ring_design(thickness_mm=0.6)
    workshop.workshop_html.cache_clear()
    html, legend = workshop.workshop_html(design.to_json())
    assert legend[0].startswith("Thinnest wall: 0.60 mm")
    assert "kitware.github.io/vtk-js/icon" not in html
    (blob,) = re.findall(r'const base64Str = "([A-Za-z0-9+/=]+)"', html)
    scene = zipfile.ZipFile(io.BytesIO(base64.b64decode(blob))).read("index.json").decode()
    assert "vtkScalarBarActor" in scene and "Infinity" not in scene and "NaN" not in scene
    json.loads(scene)


@pytest.mark.slow
def test_staff_see_the_view_and_its_legend(monkeypatch):
    from streamlit.testing.v1 import AppTest

    def page():
        from configurator.documents import load_design
        from webapp.workshop import show_workshop_view

        show_workshop_view(load_design("models/halo-ring.json").to_json(), key="workshop")

    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(page, default_timeout=90).run()
    assert not at.exception
    captions = [caption.value for caption in at.caption]
    shown = [caption.replace("\\", "") for caption in captions]  # as read: `plain` escapes Markdown's characters
    design, model, scan = preset("halo-ring")
    facts = workshop.workshop_facts(design, model, scan, minimum(design))  # the halo's rim and beads, under 0.8 mm
    assert 0.3 < facts.thinnest_mm < 0.8 and facts.under_faces > 1000
    assert any(line.startswith(f"Thinnest wall: {facts.thinnest_mm:.2f} mm at the halo at ") for line in shown), shown
    assert any(line.startswith(f"Under 0.80 mm: {facts.under_faces} of {facts.faces} faces") for line in shown), shown
