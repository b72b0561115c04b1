"""Manufacturability findings name the part, the value, the limit and a fix."""

import re

import pytest

from configurator.builds import model_of
from configurator.checks import Severity, apply_fix, check
from configurator.documents import parse_design

from .conftest import ring_doc


def findings(doc):
    design = parse_design(doc)
    return {finding.part: finding for finding in check(design, model_of(design))}


def test_a_thin_band_blocks():
    found = findings(ring_doc(thickness_mm=0.6))["ring.thickness_mm"]
    assert found.severity is Severity.BLOCKING and found.value_mm == pytest.approx(0.6, abs=0.02) and found.limit_mm == 1.0
    assert found.fix == f"make the band {dict(found.changes)['ring.thickness_mm']:.2f} mm thick"  # in words


def test_a_castable_solitaire_has_no_findings():
    assert findings(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5}}) == {}


def test_a_narrow_channel_band_blocks():
    found = findings(ring_doc(width_mm=2.0) | {"stone": {"length_mm": 5.0}, "setting": {"style": "channel"}})
    assert found["ring.width_mm"].severity is Severity.BLOCKING
    assert found["ring.width_mm"].value_mm == pytest.approx(0.5)


def test_thin_metal_under_pave_is_flagged():
    found = findings(ring_doc(width_mm=3.0, thickness_mm=1.45) | {"stone": {"length_mm": 5.0},
                                                                   "setting": {"style": "pave"}})
    assert found["ring.thickness_mm"].severity is Severity.WARNING


def test_a_pave_band_too_thin_for_its_seats_is_cleared_by_the_checks_fix():
    from configurator.shoulders import PAVE_STONE_MM, pave_seat_depth_mm

    design = parse_design(ring_doc(profile="comfort", width_mm=2.2, thickness_mm=1.4)
                          | {"stone": {"length_mm": 6.5}, "setting": {"style": "pave"}})
    (thin,) = [finding for finding in check(design, model_of(design)) if finding.kind == "pave-under"]
    least = pave_seat_depth_mm(PAVE_STONE_MM[0])  # the smallest stones' seats, to their points
    assert thin.severity is Severity.WARNING and thin.limit_mm == 0.8
    assert thin.value_mm == pytest.approx(1.4 - least)  # 0.67 mm: the band is too thin for even 1 mm stones
    fixed = apply_fix(design, thin)
    assert fixed.ring.thickness_mm == 1.55 and 1.55 - least >= 0.8  # the thickness that leaves 0.8 mm, to 0.05 mm
    assert check(fixed, model_of(fixed)) == []


def test_a_thin_pendant_plate_and_an_overhanging_stone():
    doc = {"piece": "pendant", "metal": "14k-yellow", "pendant": {"outline": "bar", "size_mm": 10, "thickness_mm": 0.6},
           "stone": {"length_mm": 6.0}}
    found = findings(doc)
    assert found["pendant.thickness_mm"].severity is Severity.BLOCKING
    assert found["pendant.size_mm"].severity is Severity.BLOCKING  # 3.3 mm of plate for 7.6 mm: under half


def test_a_half_millimetre_prong_blocks_naming_the_prong():
    found = findings(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5},
                                                              "setting": {"style": "prong", "prong_mm": 0.5}})
    prong = found["setting.prong_mm"]
    assert prong.severity is Severity.BLOCKING
    assert prong.value_mm == 0.5 and prong.limit_mm == 0.8  # a stone of 2.5 mm or more takes a 0.8 mm prong
    assert prong.fix == "make the prongs at least 0.8 mm thick"


def test_a_free_standing_prong_under_a_millimetre_is_a_warning():
    found = findings(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5},
                                                              "setting": {"prong_mm": 0.9}})
    assert found["setting.prong_mm"].severity is Severity.WARNING and found["setting.prong_mm"].limit_mm == 1.0


def test_a_thin_plate_is_measured_on_the_mesh():
    found = findings({"piece": "pendant", "metal": "18k-yellow", "pendant": {"thickness_mm": 0.6}})
    plate = found["pendant.thickness_mm"]
    assert plate.severity is Severity.BLOCKING and plate.value_mm == pytest.approx(0.6, abs=0.02)


@pytest.mark.parametrize("path", sorted(__import__("pathlib").Path("models").glob("*.json")), ids=lambda path: path.stem)
@pytest.mark.slow
def test_every_preset_is_ready_to_cast(path):
    """No finding at all, not even a warning: a client starting from a preset starts from a castable piece."""
    design = parse_design(__import__("json").loads(path.read_text()))
    assert [finding.line() for finding in check(design, model_of(design))] == []


HALO_SHAPES = ["round", "oval", "cushion", "pear", "marquise", "princess", "emerald", "asscher", "radiant", "heart",
               "trillion", "baguette"]


@pytest.mark.parametrize("shape", HALO_SHAPES)
@pytest.mark.slow
def test_a_halo_leaves_no_thin_metal_or_narrow_gap(shape):
    """The rim meets the centre's gallery (no slot), its seats leave castable metal between them and the prongs."""
    from configurator.checks import MIN_DETAIL_MM, MIN_GAP_MM

    doc = ring_doc(profile="comfort", width_mm=2.5, thickness_mm=1.7) | {
        "metal": "18k-yellow", "stone": {"shape": shape, "length_mm": 7.0}, "setting": {"style": "halo"}}
    design = parse_design(doc)
    found = [finding for finding in check(design, model_of(design))
             if (finding.part, finding.limit_mm) in (("setting", MIN_DETAIL_MM), ("ring", MIN_GAP_MM))]
    assert found == [], [finding.line() for finding in found]


# ---------------------------------------------------------------- every finding can be acted on

RING = {"size": {"system": "US", "value": 7}, "profile": "comfort", "width_mm": 2.5, "thickness_mm": 1.7}


def ring_with(stone: dict, setting: dict, **band) -> dict:
    return {"piece": "ring", "metal": "18k-yellow", "ring": {**RING, **band}, "stone": stone, "setting": setting}


# A design for each kind of finding the check makes (found by scanning the design space), and the field its fix sets.
KINDS = {
    "shank": ring_doc(profile="comfort", thickness_mm=0.8) | {"metal": "platinum-950"},
    "band-top": ring_with({"shape": "oval", "length_mm": 6.5}, {"style": "prong"}, profile="half-round", width_mm=3.0,
                          thickness_mm=1.8),
    "edges": ring_doc(profile="knife-edge", width_mm=3.0, thickness_mm=1.0),
    "width": ring_doc(width_mm=1.5) | {"metal": "silver-925"},
    "thin-detail": {"piece": "ring", "metal": "14k-white",
                    "ring": {"size": {"system": "US", "value": 9.0}, "profile": "comfort", "width_mm": 5.9,
                             "thickness_mm": 1.59},
                    "stone": {"shape": "baguette", "cut": "rose", "length_mm": 3.87}, "setting": {"style": "bezel"}},
    "gap": {"piece": "ring", "metal": "14k-white", "ring": {"size": {"system": "US", "value": 9.0}, "profile": "comfort",
                                                            "width_mm": 5.7, "thickness_mm": 2.3},
            "stone": {"shape": "radiant", "cut": "rose", "length_mm": 7.03}, "setting": {"style": "cathedral", "prongs": 6}},
    "prong-table": ring_with({"length_mm": 6.5}, {"style": "prong", "prong_mm": 0.5}),
    "prong-min": ring_with({"length_mm": 6.5}, {"style": "prong", "prong_mm": 0.9}),
    "seat-touch": {"piece": "ring", "metal": "14k-white", "ring": {"size": {"system": "US", "value": 9.0},
                                                                   "profile": "bevelled", "width_mm": 5.4,
                                                                   "thickness_mm": 1.53},
                   "stone": {"shape": "asscher", "cut": "cabochon", "length_mm": 7.76}, "setting": {"style": "prong"}},
    "culet": ring_with({"length_mm": 5.0}, {"style": "pave"}, width_mm=3.0, thickness_mm=0.9),
    "channel-wall": ring_with({"shape": "pear", "length_mm": 7.0}, {"style": "channel"}, profile="flat",
                              width_mm=2.0, thickness_mm=1.2),
    "pave-under": ring_with({"cut": "cabochon", "length_mm": 7.0}, {"style": "pave"}, profile="flat", width_mm=3.0,
                            thickness_mm=1.4),
    "plate": {"piece": "pendant", "metal": "18k-yellow", "pendant": {"outline": "teardrop", "size_mm": 10,
                                                                      "thickness_mm": 0.6}},
    "overhang": {"piece": "pendant", "metal": "18k-yellow", "pendant": {"outline": "bar", "size_mm": 10},
                 "stone": {"length_mm": 6.0}, "setting": {"style": "bezel"}},
}
COORDINATES = re.compile(r"\(-?\d+\.\d, -?\d+\.\d, -?\d+\.\d\)")


def fixed_by_its_own_fix(design, kind: str) -> None:
    found = [finding for finding in check(design, model_of(design)) if finding.kind == kind]
    assert found, f"the design no longer shows a {kind} finding"
    finding = found[0]
    assert finding.changes, finding.line()  # every finding offers a change to make
    assert not COORDINATES.search(finding.message) and finding.where  # a place named by part
    after = apply_fix(design, finding)
    remaining = [other for other in check(after, model_of(after), verify=False)
                 if (other.kind, other.part) == (kind, finding.part)]
    assert remaining == [], (finding.line(), dict(finding.changes), [other.line() for other in remaining])


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.slow
def test_each_kind_of_finding_is_cleared_by_its_fix(kind):
    fixed_by_its_own_fix(parse_design(KINDS[kind]), kind)


def test_accent_stones_set_too_close_are_fixed_by_a_plainer_setting(monkeypatch):
    from configurator import rows

    monkeypatch.setattr(rows, "ACCENT_GAP_MM", -0.05)  # no halo is built so, but the check must still say it
    fixed_by_its_own_fix(parse_design(ring_with({"length_mm": 6.0}, {"style": "halo"})), "accent-gap")


def test_a_setting_that_does_not_grip_is_fixed_by_one_that_does(monkeypatch):
    from configurator.features import centre

    monkeypatch.setattr(centre, "MIN_GRIP_SHARE", 0.3)  # a bezel's quarter of the crown no longer holds
    fixed_by_its_own_fix(parse_design(ring_with({"length_mm": 6.0}, {"style": "bezel"})), "grip")


@pytest.mark.parametrize(("doc", "place"), [
    (ring_doc(profile="comfort", thickness_mm=0.8) | {"metal": "platinum-950"}, "the bottom of the shank"),
    (ring_with({"length_mm": 6.5}, {"style": "prong", "prong_mm": 0.5}), "the prongs"),
    (KINDS["culet"], "the right shoulder"),  # a pave stone's culet, not the centre's
])
def test_places_are_named_by_part(doc, place):
    design = parse_design(doc)
    assert place in [finding.where for finding in check(design, model_of(design))]


def test_a_culet_through_the_band_is_placed_at_the_stone_it_belongs_to():
    design = parse_design(KINDS["culet"])  # pave accents on a 0.9 mm band: theirs come through, not the centre's
    (culet,) = [finding for finding in check(design, model_of(design), verify=False) if finding.kind == "culet"]
    assert culet.where == "the right shoulder"


def test_the_clock_is_seen_from_above_with_twelve_along_the_finger():
    from configurator.places import clock

    assert [clock(0, 1), clock(1, 0), clock(0, -1), clock(-1, 0), clock(0.5, 0.87)] == [12, 3, 6, 9, 1]


def test_a_measure_under_half_its_limit_blocks_whatever_the_finding():
    design = parse_design(ring_with({"length_mm": 5.0}, {"style": "pave"}, thickness_mm=1.05, width_mm=2.5))
    found = [finding for finding in check(design, model_of(design), verify=False) if finding.limit_mm > 0]
    assert found
    for finding in found:
        if finding.value_mm < finding.limit_mm / 2:
            assert finding.severity is Severity.BLOCKING, finding.line()
    assert any(finding.value_mm < finding.limit_mm / 2 for finding in found)  # the case the rule is for


def test_metal_in_two_bodies_blocks_naming_the_part_that_floats():
    import dataclasses

    import manifold3d

    from configurator.geometry import Meshed

    design = parse_design(ring_with({"length_mm": 6.5}, {"style": "prong"}))
    model = model_of(design)
    assert check(design, model, verify=False) == []
    blob = manifold3d.Manifold.sphere(0.6, 32).translate((0.0, 0.0, model.metal.bounds[1][2] + 2.0))  # floats
    floating = dataclasses.replace(model, body=Meshed(manifold3d.Manifold.compose([model.solid, blob])))
    (finding,) = [finding for finding in check(design, floating, verify=False) if finding.kind == "bodies"]
    assert finding.severity is Severity.BLOCKING and "2 pieces" in finding.message
    assert finding.value_mm > 1.3  # how far it floats: at least its 2 mm lift less its radius
    assert finding.where and "floats" in finding.message
