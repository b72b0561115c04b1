"""Every combination a client can design is one castable body, with every stone in its seat.

The matrix: 12 shapes x 6 setting styles x 2 piece types, each checked for a watertight single body of
metal, stones that touch metal only at their seats, and a head centred over its band or plate.
"""

import manifold3d
import numpy as np
import pytest

from configurator.design import Bail, Clasp, Outline, SettingStyle, Shape
from configurator.documents import parse_design
from configurator.fittings import LINK_LENGTH_MM, LINK_WIRE_MM, chain, clasp
from configurator.geometry import build, chain_of
from configurator.heads import accent_prong_mm, centre_prong_mm
from configurator.solids import PREVIEW, to_trimesh

SEAT_LIMIT = 0.01  # a stone may share at most 1 % of its volume with the metal (the seat's contact)


def design(shape: str, style: str, piece: str, **extra):
    doc = {
        "piece": piece,
        "metal": "18k-yellow",
        "stone": {"shape": shape, "length_mm": 6.5},
        "setting": {"style": style},
    }
    if piece == "ring":
        doc["ring"] = {"size": {"system": "US", "value": 6.5}, "profile": "comfort", "width_mm": 3.0,
                       "thickness_mm": 1.9}
    else:
        doc["pendant"] = {"outline": "round", "size_mm": 16.0}
    doc.update(extra)
    return parse_design(doc)


MATRIX = [(shape.value, style.value, piece) for shape in Shape for style in SettingStyle for piece in ("ring", "pendant")]


@pytest.fixture(scope="module")
def models():
    return {case: build(design(*case), PREVIEW) for case in MATRIX}


@pytest.mark.parametrize("case", MATRIX, ids=lambda case: "-".join(case))
@pytest.mark.slow
def test_metal_is_one_watertight_body(models, case):
    metal = models[case].metal
    assert metal.is_volume
    assert metal.body_count == 1


@pytest.mark.parametrize("case", MATRIX, ids=lambda case: "-".join(case))
@pytest.mark.slow
def test_no_stone_cuts_into_the_metal(models, case):
    model = models[case]
    assert model.stone_parts, "the design has stones"
    for part in model.stone_parts:
        shared = manifold3d.Manifold.batch_boolean([part.solid, model.solid], manifold3d.OpType.Intersect)
        assert shared.volume() < SEAT_LIMIT * part.solid.volume(), part.role


@pytest.mark.parametrize("case", MATRIX, ids=lambda case: "-".join(case))
@pytest.mark.slow
def test_head_is_above_and_centred_on_its_support(models, case):
    model = models[case]
    centre = next(part for part in model.stone_parts if part.role == "centre").mesh
    middle = (centre.bounds[0] + centre.bounds[1]) / 2
    if model.band is not None:
        outer = model.band.inner_radius_mm + model.design.ring.thickness_mm
        assert middle[:2] == pytest.approx([0.0, 0.0], abs=1e-6)  # over the band's top line, mid-width
        assert centre.bounds[0][2] > outer  # the culet clears the band
    else:
        assert middle[:2] == pytest.approx(model.plate.stone_centre, abs=1e-6)
        assert model.girdle_z > model.plate.thickness  # the girdle stands above the plate's face


@pytest.mark.slow  # the whole matrix of shapes x styles x pieces
def test_stones_are_counted_by_setting(models):
    counts = {style: len(models[("round", style, "ring")].stone_parts) for style in [s.value for s in SettingStyle]}
    assert counts["prong"] == counts["bezel"] == counts["cathedral"] == 1
    assert counts["halo"] > 12  # a ring of accent stones round a 6.5 mm centre
    assert counts["channel"] == 11 and counts["pave"] > 11


@pytest.mark.slow  # the whole matrix of shapes x styles x pieces
def test_halo_accents_are_evenly_spaced_and_do_not_touch(models):
    model = models[("round", "halo", "ring")]
    accents = [part.solid for part in model.stone_parts if part.role == "accent"]
    for a, b in zip(accents, accents[1:] + accents[:1], strict=True):
        assert manifold3d.Manifold.batch_boolean([a, b], manifold3d.OpType.Intersect).volume() == 0


@pytest.mark.slow  # the whole matrix of shapes x styles x pieces
def test_modelled_carats_are_reported(models):
    model = models[("round", "prong", "ring")]
    assert model.stone_parts[0].carat == pytest.approx(1.03, abs=0.06)  # 6.5 mm round brilliant


@pytest.mark.parametrize(("size", "prong"), [(1.0, 0.5), (1.2, 0.5), (1.5, 0.6), (1.7, 0.7), (2.5, 0.8), (4.0, 0.8)])
def test_accent_prongs_follow_the_trade_table(size, prong):
    assert accent_prong_mm(size) == prong


def test_centre_prongs_are_free_standing_size():
    assert centre_prong_mm(design("round", "prong", "ring").stone) >= 1.0


@pytest.mark.parametrize("prongs", [3, 4, 6])
@pytest.mark.parametrize("tips", ["round", "claw"])
def test_prong_counts_and_tips_build(prongs, tips):
    model = build(design("oval", "prong", "ring", setting={"style": "prong", "prongs": prongs, "tips": tips}), PREVIEW)
    assert model.metal.is_volume and model.metal.body_count == 1
    # more prongs, more metal round the same stone
    assert model.metal_volume_mm3 > 0


def test_more_prongs_hold_more_metal():
    volumes = [build(design("round", "prong", "ring", setting={"style": "prong", "prongs": n}), PREVIEW).metal_volume_mm3
               for n in (3, 4, 6)]
    assert volumes[0] < volumes[1] < volumes[2]


@pytest.mark.parametrize("outline", [outline.value for outline in Outline])
@pytest.mark.parametrize("bail", [bail.value for bail in Bail])
def test_every_pendant_outline_and_bail(outline, bail):
    doc = design("round", "bezel", "pendant", stone={"shape": "round", "length_mm": 4.0})
    doc = parse_design(doc.to_dict() | {"pendant": {"outline": outline, "size_mm": 18.0, "bail": bail}})
    model = build(doc, PREVIEW)
    assert model.metal.is_volume and model.metal.body_count == 1
    ring = model.fittings["jump-ring"]
    assert ring.is_volume and ring.body_count == 1
    # The jump ring hangs through the bail without being fused to it.
    bail_body = model.fittings["bail"] if bail == "hinged" else model.metal
    assert bail_body.bounds[1][1] > ring.bounds[0][1]
    from configurator.solids import from_trimesh

    joined = manifold3d.Manifold.batch_boolean([from_trimesh(ring), from_trimesh(bail_body)], manifold3d.OpType.Intersect)
    assert joined.volume() == pytest.approx(0.0, abs=1e-6)
    if bail == "hinged":
        loop = model.fittings["bail"]
        assert loop.is_volume and loop.body_count == 1


@pytest.mark.parametrize("kind", list(Clasp), ids=lambda kind: kind.value)
def test_every_clasp_part_is_one_castable_body(kind):
    parts = clasp(kind)
    assert parts
    for name, solid in parts.items():
        mesh = to_trimesh(solid)
        assert mesh.is_volume and mesh.body_count == 1, name
        assert 15.0 < mesh.volume < 200.0, name  # a few tenths of a gram to a gram or two of gold
        assert mesh.extents.min() > 0.8  # nothing thinner than castable wire


def test_chain_is_its_own_part_of_the_asked_length():
    links = chain(450.0)
    pitch = LINK_LENGTH_MM - 2 * LINK_WIRE_MM
    assert links.metadata["links"] == round(450.0 / pitch)
    assert links.metadata["length_mm"] == pytest.approx(450.0, abs=pitch)
    assert links.extents[0] == pytest.approx((links.metadata["links"] - 1) * pitch + LINK_LENGTH_MM, abs=0.01)
    single = chain(pitch * 2)
    assert single.split().__len__() == 2 and all(link.is_volume for link in single.split())
    pendant = build(design("round", "prong", "pendant"), PREVIEW)
    assert "chain" not in pendant.fittings  # never in the wax model
    assert chain_of(pendant.design).metadata["links"] == links.metadata["links"]


def test_ring_without_a_stone_is_just_the_band():
    doc = design("round", "prong", "ring").to_dict()
    doc.pop("stone")
    doc.pop("setting")
    model = build(parse_design(doc), PREVIEW)
    assert model.stone_parts == () and model.metal.body_count == 1


def test_shoulder_rows_are_refused_on_ridged_bands():
    from configurator.errors import DesignError

    doc = design("round", "prong", "ring").to_dict()
    doc["ring"]["profile"] = "knife-edge"
    doc["setting"] = {"style": "pave"}
    with pytest.raises(DesignError, match="setting.style"):
        parse_design(doc)


def test_client_stone_is_built_at_its_measured_size():
    model = build(design("cushion", "bezel", "ring", stone={"shape": "cushion", "length_mm": 7.3, "width_mm": 6.9,
                                                              "depth_mm": 4.6, "client_supplied": True}), PREVIEW)
    centre = model.stone_parts[0].mesh
    assert centre.extents == pytest.approx([6.9, 7.3, 4.6], abs=0.02)
    assert np.isfinite(model.metal_volume_mm3)


@pytest.mark.parametrize("bail", [bail.value for bail in Bail])
def test_a_heart_pendant_hangs_point_down_from_its_rounded_cleft(bail):
    model = build(design("heart", "bezel", "pendant", stone={"shape": "heart", "length_mm": 6.0},
                         pendant={"outline": "heart", "size_mm": 18.0, "bail": bail}), PREVIEW)
    outline, plate = model.plate.outline, model.plate
    lowest = outline[np.argmin(outline[:, 1])]
    assert abs(lowest[0]) < 0.3 and lowest[1] == pytest.approx(-9.0, abs=0.05)  # the point, on the axis, below
    assert plate.top_y < outline[:, 1].max() - 1.0  # the bail meets the plate in the cleft, between the lobes
    # The cleft and the point are rounded: no slit or knife point of metal (1.2 mm and 0.6 mm radii).
    near_cleft = outline[np.hypot(outline[:, 0], outline[:, 1] - plate.top_y) < 1.0]
    assert len(near_cleft) >= 5
    bail_part = model.fittings["bail"] if bail == "hinged" else model.metal
    assert bail_part.bounds[0][1] < plate.top_y + 0.5 and abs(bail_part.bounds.mean(axis=0)[0]) < 0.5
    stone = model.stone_parts[0].mesh
    tip = stone.vertices[np.argmin(stone.vertices[:, 1])]
    assert abs(tip[0]) < 0.2  # a heart stone also hangs point down
    assert model.metal.is_volume and model.metal.body_count == 1


def test_a_hinged_bail_turns_free_of_the_plate():
    from configurator.solids import from_trimesh

    for outline in ("round", "heart", "teardrop", "bar", "oval"):
        model = build(design("round", "bezel", "pendant", stone={"shape": "round", "length_mm": 4.0},
                             pendant={"outline": outline, "size_mm": 18.0, "bail": "hinged"}))
        loop = from_trimesh(model.fittings["bail"])
        assert loop.min_gap(model.solid, 0.5) >= 0.09, outline  # a separate casting, clear of the plate's knuckles
