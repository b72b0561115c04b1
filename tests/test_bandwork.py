"""Milgrain and tapered shanks, measured on what is built.

Milgrain: a row along an edge holds round(length / pitch) beads, each as large as asked, sunk into the band or the
bezel so the metal stays one watertight body, stopping short of a head's metal and seats. A tapered band: its inside
is still the size's circumference, its top and back sections measure the widths and thicknesses asked for, and its
file reads back clean. Old documents open, build and quote as before; refusals and findings name the field.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from configurator.bands import build_band, taper_share
from configurator.builds import model_of
from configurator.checks import apply_fix, check
from configurator.design import MILGRAIN_PITCH_SHARE
from configurator.documents import load_design, parse_design
from configurator.errors import DesignError
from configurator.export import Format, encode, wax_pattern
from configurator.geometry import build
from configurator.milgrain import CLEAR_MM, SINK_SHARE, largest_edge_bead_mm
from configurator.pricing import quote
from configurator.profiles import COMFORT_INSIDE_SHARE, EDGE_SHARE
from configurator.quotes import price
from configurator.solids import EXPORT, PREVIEW, revolve, subtract, to_trimesh
from tests.helpers.meshes import admesh, faults, needs_admesh, read_back

ROOT = Path(__file__).resolve().parent.parent
MILGRAIN_PRESET = ROOT / "models" / "milgrain-solitaire.json"
TAPERED_PRESET = ROOT / "models" / "tapered-solitaire.json"


def band_doc(**ring) -> dict:
    band = {"size": {"system": "US", "value": 7}, "profile": "flat", "width_mm": 2.5, "thickness_mm": 1.8}
    band.update(ring)
    return {"schema_version": 2, "piece": "ring", "metal": "14k-yellow", "ring": band}


def without(design, part: str, key: str):
    """`design` without one field of one of its parts."""
    doc = design.to_dict()
    doc[part].pop(key)
    return parse_design(doc)


def bead_sizes(row) -> np.ndarray:
    """Each bead of a row, built alone and taken apart: its box's extents (n, 3)."""
    boxes = np.array([piece.bounding_box() for piece in row.solid.decompose()])
    return boxes[:, 3:] - boxes[:, :3]


# ---------------------------------------------------------------- milgrain


# The edge's radius over the size's inner polygon, by profile: where the outside meets the side.
EDGE_HEIGHT = {"flat": 1.0, "half-round": EDGE_SHARE, "comfort": COMFORT_INSIDE_SHARE + EDGE_SHARE}


@pytest.mark.parametrize("profile", list(EDGE_HEIGHT))
@pytest.mark.parametrize(("bead", "pitch"), [(0.5, None), (0.4, 1.0), (0.7, 1.3)])
def test_an_edge_holds_its_length_over_the_pitch_in_beads_of_the_set_size(profile, bead, pitch):
    milgrain = {"bead_mm": bead} | ({"pitch_mm": pitch} if pitch else {})
    design = parse_design(band_doc(profile=profile, milgrain=milgrain))
    model = build(design, EXPORT)  # as cast
    edge = model.band.inner_radius_mm + EDGE_HEIGHT[profile] * 1.8
    length = 2 * math.pi * edge  # a plain band's edge: a circle, beaded all round
    spacing = pitch or bead * MILGRAIN_PITCH_SHARE
    expected = math.floor(length / spacing + 0.5)
    assert [row.where for row in model.beads] == ["the band's +Y edge", "the band's -Y edge"]
    for row in model.beads:
        assert row.closed and row.length_mm == pytest.approx(length, rel=1e-9)
        sizes = bead_sizes(row)
        assert len(sizes) == row.count == expected
        # each bead is a 16-segment ball of the set diameter: its box is within 2.5 % under it, never over
        assert sizes.max() <= bead + 1e-6 and sizes.min() >= 0.975 * bead
        centres = row.centres()
        angles = np.sort(np.arctan2(centres[:, 0], centres[:, 2]))
        steps = np.diff(np.append(angles, angles[0] + 2 * math.pi))
        assert steps == pytest.approx(2 * math.pi / expected, abs=1e-9)  # evenly all round
        if pitch is None:  # the trade's pitch: neighbours nearly touch, a real hair apart (the wheel's work)
            assert 0.02 - 1e-6 <= row.closest_gap_mm() <= 0.12 * bead


def test_a_tapered_edge_holds_its_length_over_the_pitch():
    """The edge of a flat band narrowing and thinning round the finger: its length integrated from the blend."""
    design = parse_design(band_doc(width_mm=3.0, milgrain={"bead_mm": 0.5},
                                   taper={"width_back_mm": 2.0, "thickness_back_mm": 1.3}))
    model = build(design, PREVIEW)
    band = model.band
    angles = np.linspace(-math.pi, math.pi, 200_001)
    width, thickness = band.size_at(angles)
    radius = band.inner_radius_mm + thickness
    path = np.column_stack([radius * np.sin(angles), width / 2, radius * np.cos(angles)])
    length = np.linalg.norm(np.diff(path, axis=0), axis=1).sum()
    for row in model.beads:
        assert row.closed and row.length_mm == pytest.approx(length, rel=1e-5)
        assert row.count == len(bead_sizes(row)) == math.floor(length / 0.55 + 0.5)
        centres = row.centres()
        at = np.arctan2(centres[:, 0], centres[:, 2])
        sink = SINK_SHARE * 0.25 / math.sqrt(2)
        expected_width, expected_thickness = band.size_at(at)
        assert np.abs(centres[:, 1]) == pytest.approx(expected_width / 2 - sink, abs=1e-3)
        assert np.hypot(centres[:, 0], centres[:, 2]) == pytest.approx(
            band.inner_radius_mm + expected_thickness - sink, abs=1e-3)


def test_beads_are_sunk_into_the_edge_and_the_ring_is_one_watertight_body():
    design = parse_design(band_doc(milgrain={"bead_mm": 0.6}))
    model = build(design, EXPORT)
    assert model.metal.is_volume and model.body_count == 1
    row = model.beads[0]
    centres = row.centres()
    radius = np.hypot(centres[:, 0], centres[:, 2])
    edge = model.band.inner_radius_mm + 1.8
    sink = SINK_SHARE * 0.3 / math.sqrt(2)  # a quarter of the radius in along the corner's bisector
    assert radius == pytest.approx(edge - sink, abs=1e-6)
    assert centres[:, 1] == pytest.approx(1.25 - sink, abs=1e-6)
    # every bead adds metal beyond the band (it stands proud), and overlaps it (it is joined, not touching)
    beads = to_trimesh(row.solid, clean=False).volume
    added = model.metal_volume_mm3 - model.band.solid.volume()
    assert 0 < added < 2 * beads  # two rows: each bead's buried share is taken out


def test_one_edge_is_the_plus_y_edge():
    model = build(parse_design(band_doc(milgrain={"edges": "one"})), PREVIEW)
    assert len(model.beads) == 1 and (model.beads[0].centres()[:, 1] > 0).all()


def test_the_milgrain_solitaire_is_one_body_its_rows_stop_short_of_the_head():
    design = load_design(MILGRAIN_PRESET)
    assert build(design, EXPORT).body_count == 1
    model = build(design, PREVIEW)  # drawn as built (not cleaned for a file): the head is the metal less the band
    edges = [row for row in model.beads if row.field == "ring.milgrain"]
    rim = [row for row in model.beads if row.field == "setting.milgrain"]
    assert len(edges) == 2 and len(rim) == 1
    for row in edges:
        assert not row.closed
        assert row.count == math.floor(row.length_mm / 0.55 + 0.5)
        arc = 2 * math.pi * (model.band.inner_radius_mm + 1.8)
        assert row.length_mm < arc - 4.0  # the head's posts take several mm of the top
    # The head alone: the same design without edge beads, less its band. Every edge bead keeps the casting gap from it.
    bare = build(without(design, "ring", "milgrain"), PREVIEW)
    head = subtract(bare.solid, [bare.band.solid])
    for row in edges:
        assert row.solid.min_gap(head, 1.0) >= CLEAR_MM - 0.05
    # the bezel's rim: a closed loop round the 6 mm stone's outline grown by the 0.9 mm wall
    (row,) = rim
    assert row.closed and row.length_mm == pytest.approx(2 * math.pi * 3.9, rel=0.002)
    assert row.count == len(bead_sizes(row)) == math.floor(row.length_mm / 0.55 + 0.5) == 45
    centres = row.centres()
    assert np.hypot(centres[:, 0], centres[:, 1]) == pytest.approx(3.9 - SINK_SHARE * 0.25 / math.sqrt(2), abs=0.01)


def test_the_checks_measure_the_beads_and_name_the_field():
    design = parse_design(band_doc(milgrain={"bead_mm": 0.3, "pitch_mm": 0.5}))
    found = {finding.part: finding for finding in check(design, model_of(design), verify=False)}
    bead = found["ring.milgrain.bead_mm"]
    assert bead.severity.value == "blocking" and (bead.value_mm, bead.limit_mm) == (0.3, 0.35)
    assert "ring.milgrain.pitch_mm" not in found  # 0.2 mm between neighbours: the milgrain wheel's work
    fixed = apply_fix(design, bead)
    assert not [finding for finding in check(fixed, model_of(fixed), verify=False) if "milgrain" in finding.part]


def test_a_bezel_rim_with_side_stones_leaves_them_their_gap():
    doc = band_doc(width_mm=3.0, milgrain={"bead_mm": 0.45}) | {
        "stone": {"length_mm": 6.0}, "setting": {"style": "bezel", "milgrain": {"bead_mm": 0.8}},
        "side_stones": {"stone": {"length_mm": 4.0}, "style": "bezel"}}
    design = parse_design(doc)
    model = model_of(design)
    assert model.body_count == 1
    assert [finding.line() for finding in check(design, model, verify=False)] == []


# ---------------------------------------------------------------- tapered shanks


def _sections(mesh):
    """The metal cut by the plane x = 0: its top (z > 0) and back (z < 0) sections' points (y, z)."""
    cut = mesh.section(plane_origin=[0, 0, 0], plane_normal=[1, 0, 0]).vertices
    return cut[cut[:, 2] > 0][:, 1:], cut[cut[:, 2] < 0][:, 1:]


@pytest.mark.parametrize("profile", ["flat", "comfort", "bevelled", "half-round", "knife-edge", "concave"])
def test_a_tapered_band_keeps_the_size_and_measures_its_sections(profile):
    design = parse_design(band_doc(profile=profile, width_mm=2.5, thickness_mm=1.8,
                                   taper={"width_back_mm": 1.8, "thickness_back_mm": 1.3}))
    model = build(design, EXPORT)
    mesh = model.metal
    assert mesh.is_volume and model.body_count == 1
    # the inside at the middle of the band: a loop of the size's circumference
    loops = mesh.section(plane_origin=[0, 0, 0], plane_normal=[0, 1, 0]).discrete
    inner = min(loops, key=lambda loop: np.hypot(loop[:, 0], loop[:, 2]).mean())
    perimeter = np.linalg.norm(np.diff(inner, axis=0), axis=1).sum()
    assert perimeter == pytest.approx(design.ring_size.circumference_mm, abs=0.01)
    top, back = _sections(mesh)
    for points, width, thickness in ((top, 2.5, 1.8), (back, 1.8, 1.3)):
        assert np.ptp(points[:, 0]) == pytest.approx(width, abs=1e-5)
        assert np.ptp(points[:, 1]) == pytest.approx(thickness, abs=1e-5)


def test_the_taper_blends_smoothly_and_holds_the_top_under_the_head():
    angles = np.linspace(0, math.pi, 181)
    share = taper_share(angles)
    assert share[0] == 0 and share[-1] == 1 and (np.diff(share) >= 0).all()
    assert np.abs(np.diff(share, 2)).max() < 1e-3  # no crease: the slope changes gently all the way
    held = taper_share(angles, hold=0.3)
    assert (held[angles <= 0.3] == 0).all() and held[-1] == 1
    model = build(load_design(TAPERED_PRESET), PREVIEW)
    band = model.band
    assert 0 < band.hold < 0.5  # the prongs' feet, and half a millimetre
    assert band.size_at(band.hold) == (2.5, 1.8) and band.size_at(math.pi) == pytest.approx((1.8, 1.5))


@pytest.mark.parametrize("degrees", [40, 75, 100, 130, 165])
def test_a_tapered_band_narrows_alike_on_both_sides(degrees):
    """Cut through the finger's axis at the angle either side of the top: the same section, as the blend gives."""
    design = parse_design(band_doc(profile="comfort", taper={"width_back_mm": 1.8, "thickness_back_mm": 1.3}))
    model = build(design, EXPORT)
    band, mesh = model.band, model.metal
    measured = []
    for angle in (math.radians(degrees), -math.radians(degrees)):
        out = np.array([math.sin(angle), 0.0, math.cos(angle)])
        cut = mesh.section(plane_origin=[0, 0, 0], plane_normal=[math.cos(angle), 0, -math.sin(angle)]).vertices
        along = cut @ out
        points = cut[along > 0]
        measured.append((np.ptp(points[:, 1]), np.ptp(along[along > 0])))
    assert measured[0] == pytest.approx(measured[1], abs=1e-4)
    width, thickness = band.size_at(math.radians(degrees))
    assert measured[0] == pytest.approx((width, thickness), abs=0.005)  # between two stations: the chord's sag


def test_the_tapered_solitaire_measures_its_taper():
    design = load_design(TAPERED_PRESET)
    model = build(design, EXPORT)
    assert model.metal.is_volume and model.body_count == 1
    _, back = _sections(model.metal)
    assert np.ptp(back[:, 0]) == pytest.approx(1.8, abs=1e-5)
    assert np.ptp(back[:, 1]) == pytest.approx(1.5, abs=1e-3)
    # the band at the top is the untapered one's: the head stands as it did
    plain = build_band(design.ring.model_copy(update={"taper": None}), EXPORT)
    assert model.band.section.points == pytest.approx(plain.section.points)
    assert model.band.inner_radius_mm == plain.inner_radius_mm and model.band.segments == plain.segments
    assert model.metal_volume_mm3 < build(without(design, "ring", "taper"), EXPORT).metal_volume_mm3


@needs_admesh
@pytest.mark.parametrize("path", [MILGRAIN_PRESET, TAPERED_PRESET], ids=lambda path: path.stem)
def test_the_exported_stl_reads_back_clean(path, tmp_path):
    model = model_of(load_design(path))
    data = encode(wax_pattern(model), Format.STL)  # float32, as the workshop's printer reads it
    assert faults(read_back(data, Format.STL), one_body=True) == []
    stl = tmp_path / "wax.stl"
    stl.write_bytes(data)
    assert admesh(stl) == {"degenerate": 0, "fixed": 0, "removed": 0, "normals": 0, "reversed": 0, "parts": 1}


def test_a_thin_tapered_back_is_found_and_named():
    doc = band_doc(profile="flat", taper={"width_back_mm": 1.6, "thickness_back_mm": 1.0}) | {"metal": "silver-925"}
    design = parse_design(doc)
    found = {finding.part: finding for finding in check(design, model_of(design))}
    shank, width = found["ring.taper.thickness_back_mm"], found["ring.taper.width_back_mm"]
    assert shank.kind == "shank" and shank.value_mm == pytest.approx(1.0, abs=0.01) and shank.limit_mm == 1.2
    assert width.kind == "width" and width.value_mm == 1.6 and width.limit_mm == pytest.approx(1.8)
    fixed = apply_fix(apply_fix(design, shank), width)
    assert [finding.line() for finding in check(fixed, model_of(fixed))] == []


# ---------------------------------------------------------------- refusals name the field


@pytest.mark.parametrize(("ring", "field"), [
    ({"taper": {"width_back_mm": 3.0}}, r"^ring\.taper\.width_back_mm: 3 mm is wider"),
    ({"taper": {"thickness_back_mm": 2.0}}, r"^ring\.taper\.thickness_back_mm: 2 mm is thicker"),
    ({"taper": {"thickness_back_mm": 0.8}}, r"^ring\.taper\.thickness_back_mm: "),
    ({"taper": {"width_back_mm": 1.2}}, r"^ring\.taper\.width_back_mm: "),
    ({"taper": {}}, r"^ring\.taper: "),
    ({"taper": {"width_back_mm": 2.0}, "eternity": {"coverage": "half"}, "width_mm": 3.0}, r"^ring\.taper: "),
    ({"milgrain": {"bead_mm": 0.2}}, r"^ring\.milgrain\.bead_mm: "),
    ({"milgrain": {"bead_mm": 1.2}}, r"^ring\.milgrain\.bead_mm: "),
    ({"milgrain": {"bead_mm": 0.5, "pitch_mm": 0.45}}, r"^ring\.milgrain\.pitch_mm: .*would overlap"),
    ({"milgrain": {"edges": "three"}}, r"^ring\.milgrain\.edges: "),
    ({"milgrain": {"bead_mm": 0.8}, "profile": "half-round", "thickness_mm": 1.2}, r"^ring\.milgrain\.bead_mm: .*0\.40"),
    ({"milgrain": {}, "eternity": {"coverage": "full"}, "width_mm": 3.0}, r"^ring\.milgrain: a full eternity"),
])
def test_refusals_name_the_field(ring, field):
    with pytest.raises(DesignError, match=field):
        parse_design(band_doc(**ring))


@pytest.mark.parametrize("style", ["prong", "halo", "pave"])
def test_only_a_bezel_takes_rim_milgrain(style):
    with pytest.raises(DesignError, match=rf"^setting\.milgrain: a {style} setting has no rim"):
        parse_design(band_doc(width_mm=3.0) | {"stone": {"length_mm": 6.0},
                                              "setting": {"style": style, "milgrain": {}}})


@pytest.mark.parametrize(("field", "doc"), [
    ("ring.milgrain", band_doc(milgrain={})),
    ("ring.taper", band_doc(taper={"width_back_mm": 2.0})),
    ("setting.milgrain", band_doc() | {"stone": {"length_mm": 5.0}, "setting": {"style": "bezel", "milgrain": {}}}),
])
def test_a_version_1_document_has_no_milgrain_or_taper(field, doc):
    with pytest.raises(DesignError, match=rf"^{field}: needs schema_version 2"):
        parse_design(doc | {"schema_version": 1})


def test_the_largest_bead_leaves_metal_under_it():
    ring = parse_design(band_doc(profile="half-round", thickness_mm=1.6)).ring
    assert largest_edge_bead_mm(ring) == pytest.approx(2 * (EDGE_SHARE * 1.6 - 0.1))  # the edge wall, less 0.1 mm
    biggest = parse_design(band_doc(profile="half-round", thickness_mm=1.6, milgrain={"bead_mm": 0.6}))
    model = build(biggest, PREVIEW)
    lowest = min(np.hypot(row.centres()[:, 0], row.centres()[:, 2]).min() for row in model.beads) - 0.3
    assert lowest >= model.band.inner_radius_mm + 0.1 - 1e-6


# ---------------------------------------------------------------- old documents, prices


@pytest.mark.parametrize("path", sorted((ROOT / "models").glob("*.json")), ids=lambda path: path.stem)
def test_a_document_without_the_new_fields_builds_as_before(path):
    design = load_design(path)
    if design.ring is None or (design.ring.milgrain or design.ring.taper) or (
            design.setting is not None and design.setting.milgrain is not None):
        return
    model = build(design, PREVIEW)
    assert model.beads == () and model.band.back is None
    band = model.band
    revolved = revolve(band.section.points, band.segments).rotate((90.0, 0.0, 0.0))
    assert band.solid.volume() == revolved.volume()
    assert not [row for row in quote(design, model.metal_volume_mm3).rows if "milgrain" in row.item]
    assert "milgrain" not in json.dumps(design.to_dict()) and "taper" not in json.dumps(design.to_dict())


def test_milgrain_is_priced_by_the_millimetre_of_beaded_edge():
    design = load_design(MILGRAIN_PRESET)
    model = model_of(design)
    quote = price(design)
    (line,) = [row for row in quote.rows if "milgrain" in row.item]
    beaded = sum(row.length_mm for row in model.beads)
    assert line.amount == pytest.approx(round(beaded * 0.5, 2)) and line.kind == "labour"
    assert f"{beaded:.0f} mm" in line.item
    assert model_of(without(design, "ring", "milgrain")).metal_volume_mm3 < model.metal_volume_mm3  # weighed


def test_a_price_table_without_the_milgrain_rate_takes_the_shipped_one():
    from configurator.price_table import Labour, current_price_table

    labour = current_price_table().labour.model_dump()
    labour.pop("milgrain_per_mm")
    assert Labour.model_validate(labour).milgrain_per_mm == 0.5


# ---------------------------------------------------------------- the form


def test_the_form_turns_milgrain_and_a_taper_on_and_keeps_the_rest():
    from webapp import form

    doc = json.loads((ROOT / "models" / "solitaire-ring.json").read_text()) | {"schema_version": 2}
    ui = form.new_ui(doc)
    on = form.change(doc, ui, "milgrain_on", True)
    assert on["ring"]["milgrain"] == {"edges": "both", "bead_mm": 0.5}
    assert {key: value for key, value in on.items() if key != "ring"} == {
        key: value for key, value in doc.items() if key != "ring"}
    smaller = form.change(on, ui, "milgrain_bead", 0.4)
    assert smaller["ring"]["milgrain"]["bead_mm"] == 0.4
    tapered = form.change(smaller, ui, "taper_on", True)
    assert tapered["ring"]["taper"] == {"width_back_mm": 1.6}  # 2.2 mm at the top: the trade's share of it
    shown = form.values(parse_design(tapered).to_dict(), ui)
    assert shown["taper_width"] == 1.6 and shown["taper_thickness"] == 1.6 and shown["milgrain_bead"] == 0.4
    thinner = form.change(tapered, ui, "taper_thickness", 1.3)
    narrower = form.change(thinner, ui, "width", 1.5)  # the top narrows past the back: the back follows
    assert narrower["ring"]["taper"] == {"width_back_mm": 1.5, "thickness_back_mm": 1.3}
    parse_design(narrower)
    off = form.change(narrower, ui, "milgrain_on", False)
    assert "milgrain" not in off["ring"] and form.change(off, ui, "milgrain_on", True)["ring"]["milgrain"]["bead_mm"] == 0.4
    bezel = form.change(doc, ui, "style", "bezel")
    assert form.values(bezel, ui)["rim_milgrain"] is False
    beaded = form.change(bezel, ui, "rim_milgrain", True)
    assert parse_design(beaded).setting.milgrain.bead_mm == 0.5
    assert "milgrain" not in form.change(beaded, ui, "style", "prong")["setting"]
    assert form.fix_label({"ring.milgrain.pitch_mm": None}) == "space the milgrain beads as usual"
    assert form.fix_label({"ring.taper.thickness_back_mm": 1.25}) == "make the back of the band 1.25 mm thick"


@pytest.mark.slow
def test_the_app_shows_the_band_controls_only_when_on(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.helpers.apptest import DATABASE_URL

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    keys = {widget.key for widget in at.slider}
    assert not {"milgrain_bead", "taper_width", "taper_thickness"} & keys
    at = at.checkbox(key="milgrain_on").check().run()
    at = at.checkbox(key="taper_on").check().run()
    assert not at.exception
    assert {"milgrain_bead", "taper_width"} <= {widget.key for widget in at.slider}
    at = at.slider(key="milgrain_bead").set_value(0.4).run()
    at = at.slider(key="taper_width").set_value(1.8).run()
    assert not at.exception
    ring = at.session_state.design["ring"]
    assert ring["milgrain"]["bead_mm"] == 0.4 and ring["taper"]["width_back_mm"] == 1.8
    assert ring["width_mm"] == 4.0 and ring["profile"] == "comfort"  # the rest as it was
