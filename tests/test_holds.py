"""Every stone held as the trade holds it: holds counted round the girdle on the built metal, the check blocking a
stone held at fewer places than its shape needs, and prongs standing straight in the wax file so the stone drops in."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import trimesh

from configurator import holds
from configurator.builds import model_of
from configurator.checks import Severity, apply_fix, check
from configurator.documents import parse_design
from configurator.export import Format, encode, wax_pattern
from configurator.geometry import build
from configurator.shapes import shape_of, stone_outline
from configurator.stone_forms import StoneForm
from configurator.stones import GIRDLE_SHARE


def _ring(stone: dict, prongs: int = 4, size: float = 6, side: dict | None = None) -> dict:
    document = {"schema_version": 2, "piece": "ring", "metal": "18k-yellow",
                "ring": {"size": {"system": "US", "value": size}, "profile": "comfort", "width_mm": 2.4,
                         "thickness_mm": 1.8},
                "stone": stone, "setting": {"style": "prong", "prongs": prongs}}
    if side is not None:
        document["side_stones"] = side
    return document


SHARED = {"stone": {"shape": "round", "length_mm": 4.0}, "style": "prong", "shared_prongs": True}
# The three centres that shared prongs left held at two places (3 and 9 o'clock).
SHARED_CENTRES = [{"shape": "round", "length_mm": 6.5}, {"shape": "princess", "length_mm": 6.0},
                  {"shape": "oval", "length_mm": 8.0, "width_mm": 6.0}]


def _holds(model, role: str = "centre") -> list[holds.Holds]:
    return [holds.of(part.stone, part.solid, model.solid) for part in model.stone_parts if part.role == role]


@pytest.mark.parametrize("centre", SHARED_CENTRES, ids=lambda stone: stone["shape"])
def test_shared_prongs_keep_the_centres_own_prongs(centre):
    design = parse_design(_ring(centre, size=4, side=SHARED))
    (held,) = _holds(build(design))
    assert held.count >= 4
    assert held.free_arc_deg <= holds.MAX_FREE_ARC_DEG
    assert not held.loose_corners
    assert holds.enough(held, design.stone.shape)


@pytest.mark.parametrize("centre", SHARED_CENTRES, ids=lambda stone: stone["shape"])
def test_side_stones_sharing_prongs_are_held_too_and_the_check_agrees(centre):
    """On a 2.4 mm band one shared prong fits between the stones, on the middle line: each side stone keeps its two
    outer prongs and is held at three places with no free arc over 120 degrees; the check finds nothing loose."""
    design = parse_design(_ring(centre, size=4, side=SHARED))
    model = model_of(design)
    sides = _holds(model, "side")
    assert len(sides) == 2
    assert all(held.count >= 3 and held.free_arc_deg <= holds.MAX_FREE_ARC_DEG for held in sides)
    assert not [finding for finding in check(design, model) if finding.severity is Severity.BLOCKING]


def test_a_three_prong_round_is_held_at_too_few_places():
    design = parse_design(_ring({"shape": "round", "length_mm": 6.5}, prongs=3))
    (held,) = _holds(build(design))
    assert held.count == 3 and not holds.enough(held, design.stone.shape)
    (found,) = [finding for finding in check(design, model_of(design)) if finding.kind == "holds"]
    assert found.severity is Severity.BLOCKING and found.changes == (("setting.prongs", 4),)
    assert "held at 3 places" in found.message


@pytest.mark.parametrize(("shape", "prongs", "fix"), [("princess", 3, 4), ("emerald", 3, 4), ("marquise", 3, 4)])
def test_corners_left_free_are_found_and_prongs_put_on_them(shape, prongs, fix):
    design = parse_design(_ring({"shape": shape, "length_mm": 6.0}, prongs=prongs))
    (held,) = _holds(build(design))
    assert held.loose_corners
    (found,) = [finding for finding in check(design, model_of(design)) if finding.kind == "holds"]
    assert "o'clock" in found.message and found.changes == (("setting.prongs", fix),)
    (after,) = _holds(build(apply_fix(design, found)))
    assert not after.loose_corners and holds.enough(after, design.stone.shape)


@pytest.mark.slow
@pytest.mark.parametrize("prongs", [4, 6])
@pytest.mark.parametrize("shape", ["round", "oval", "cushion", "pear", "marquise", "princess", "emerald", "asscher",
                                   "radiant", "heart", "trillion", "baguette"])
def test_four_or_six_prongs_hold_every_shape_its_corners_guarded(shape, prongs):
    design = parse_design(_ring({"shape": shape, "length_mm": 7.0}, prongs=prongs))
    (held,) = _holds(build(design))
    assert holds.enough(held, design.stone.shape), held
    assert all(guarded for _, guarded in held.corners)
    assert len(held.corners) == len(shape_of(design.stone.shape).corners)


def test_a_trillion_is_held_by_its_three_corners():
    design = parse_design(_ring({"shape": "trillion", "length_mm": 7.0}, prongs=3))
    (held,) = _holds(build(design))
    assert held.count == 3 and holds.enough(held, design.stone.shape)


def test_a_bezel_holds_all_round():
    document = _ring({"shape": "oval", "length_mm": 8.0})
    document["setting"] = {"style": "bezel"}
    (held,) = _holds(build(parse_design(document)))
    assert held.bezelled and held.free_arc_deg == 0


def _wax_vertices(design) -> np.ndarray:
    mesh = trimesh.load(io.BytesIO(encode(wax_pattern(model_of(design)), Format.STL)), file_type="stl")
    return np.asarray(mesh.vertices, dtype=np.float64)


def _inside(outline: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Points (x, y) inside a closed outline, by crossings."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    ax, ay = outline[:, 0][None], outline[:, 1][None]
    bx, by = np.roll(outline[:, 0], -1)[None], np.roll(outline[:, 1], -1)[None]
    crosses = ((ay > y) != (by > y)) & (x < (bx - ax) * (y - ay) / np.where(by == ay, 1e-12, by - ay) + ax)
    return crosses.sum(axis=1) % 2 == 1


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "tips"), [("round", "round"), ("oval", "claw"), ("princess", "round"),
                                              ("pear", "round"), ("marquise", "claw"), ("emerald", "round"),
                                              ("heart", "round"), ("trillion", "round")])
def test_prongs_stand_straight_in_the_wax_so_the_stone_drops_in(shape, tips):
    """Read back from the STL (float32, shrinkage scaled): no metal over the girdle within the stone's outline,
    and every prong rises past the crown's middle, its tip allowance for the setter to bend over."""
    document = _ring({"shape": shape, "length_mm": 7.0}, prongs=3 if shape == "trillion" else 4)
    document["setting"]["tips"] = tips
    design = parse_design(document)
    model = model_of(design)
    form = StoneForm.of(design.stone)
    wax = _wax_vertices(design)
    scale = float(np.ptp(wax[:, 1]) / np.ptp(model.metal.vertices[:, 1]))  # the wax is scaled for shrinkage
    points = wax / scale
    girdle_top = model.girdle_z + GIRDLE_SHARE * (form.crown + form.pavilion) / 2
    above = points[(points[:, 2] > girdle_top + 1e-3) & (points[:, 2] < model.girdle_z + form.crown)]
    outline = stone_outline(design.stone.shape, design.stone.length_mm, design.stone.outline_width_mm, 256)
    assert len(above) > 16  # the prongs are there, over the girdle
    assert not _inside(outline, above[:, :2]).any()
    if shape == "round":
        assert np.hypot(above[:, 0], above[:, 1]).min() >= design.stone.length_mm / 2
    assert points[:, 2].max() > model.girdle_z + 0.45 * form.crown + 0.2  # the tips' allowance


def test_a_round_solitaires_prongs_stand_clear_of_its_girdle_in_the_wax():
    test_prongs_stand_straight_in_the_wax_so_the_stone_drops_in("round", "round")  # the rest of the shapes: slow


def test_holds_are_counted_fast_enough_for_a_live_check():
    design = parse_design(_ring({"shape": "oval", "length_mm": 8.0}, side=SHARED))
    model = model_of(design)
    import time

    start = time.perf_counter()
    for part in model.stone_parts:
        holds.of(part.stone, part.solid, model.solid)
    assert time.perf_counter() - start < 0.5


def test_arcs_joined_round_the_circle():
    assert holds._merged([(350.0, 370.0), (5.0, 20.0), (100.0, 110.0)]) == [(100.0, 110.0), (350.0, 380.0)]
    assert holds.Holds(((100.0, 110.0), (350.0, 380.0)), (), 3).free_arc_deg == pytest.approx(240.0)
    assert math.isclose(holds.Holds((), (), 0).free_arc_deg, 360.0)


def test_the_workshops_sheet_says_the_prongs_stand_straight(tmp_path):
    import subprocess

    from configurator.sheet import Audience, spec_sheet

    texts = {}
    for style in ("prong", "bezel"):
        document = _ring({"shape": "round", "length_mm": 6.5})
        document["setting"] = {"style": style}
        path = tmp_path / f"{style}.pdf"
        path.write_bytes(spec_sheet(parse_design(document), audience=Audience.WORKSHOP))
        texts[style] = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                               check=True).stdout.split())
    assert "Prongs stand straight in the wax and in these pictures, 0.3 mm past" in texts["prong"]
    assert "Prongs stand straight" not in texts["bezel"]


def test_a_cornered_side_stone_sharing_prongs_is_blocked_and_its_fix_gives_it_prongs_of_its_own():
    """The app offers sharing only to side stones with no corner toward the centre; a document that asks it of
    princess sides loads: their corners keep prongs of their own, which crowd the centre's, and the check's fix
    gives the stones heads of their own."""
    side = {**SHARED, "stone": {"shape": "princess", "length_mm": 4.0}}
    design = parse_design(_ring({"shape": "round", "length_mm": 6.5}, size=7, side=side))
    model = model_of(design)
    assert all(not held.loose_corners for held in _holds(model, "side"))
    found = [finding for finding in check(design, model) if finding.severity is Severity.BLOCKING]
    assert found and found[0].kind == "gap" and "prong" in found[0].where
    assert found[0].changes == (("side_stones.shared_prongs", False),)
    fixed = apply_fix(design, found[0])
    assert not [finding for finding in check(fixed, model_of(fixed)) if finding.severity is Severity.BLOCKING]
