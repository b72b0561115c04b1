"""Manufacturability findings name the part, the value, the limit and a fix."""

import pytest

from configurator.checks import Severity, check
from configurator.design import parse_design
from configurator.quotes import model_of

from .conftest import ring_doc


def findings(doc):
    design = parse_design(doc)
    return {finding.part: finding for finding in check(design, model_of(design))}


def test_a_thin_band_blocks():
    found = findings(ring_doc(thickness_mm=0.6))["ring.thickness_mm"]
    assert found.severity is Severity.BLOCKING and found.value_mm == pytest.approx(0.6, abs=0.02) and found.limit_mm == 1.0
    assert "make thickness_mm at least" in found.fix


def test_a_castable_solitaire_has_no_findings():
    assert findings(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5}}) == {}


def test_a_narrow_channel_band_blocks():
    found = findings(ring_doc(width_mm=2.0) | {"stone": {"length_mm": 5.0}, "setting": {"style": "channel"}})
    assert found["ring.width_mm"].severity is Severity.BLOCKING
    assert found["ring.width_mm"].value_mm == pytest.approx(0.5)


def test_thin_metal_under_pave_is_flagged():
    found = findings(ring_doc(width_mm=3.0, thickness_mm=1.4) | {"stone": {"length_mm": 5.0},
                                                                   "setting": {"style": "pave"}})
    assert found["ring.thickness_mm"].severity is Severity.WARNING


def test_a_thin_pendant_plate_and_an_overhanging_stone():
    doc = {"piece": "pendant", "metal": "14k-yellow", "pendant": {"outline": "bar", "size_mm": 10, "thickness_mm": 0.6},
           "stone": {"length_mm": 6.0}}
    found = findings(doc)
    assert found["pendant.thickness_mm"].severity is Severity.BLOCKING
    assert found["pendant.size_mm"].severity is Severity.WARNING


def test_a_half_millimetre_prong_blocks_naming_the_prong():
    found = findings(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5},
                                                              "setting": {"style": "prong", "prong_mm": 0.5}})
    prong = found["setting.prong_mm"]
    assert prong.severity is Severity.BLOCKING
    assert prong.value_mm == 0.5 and prong.limit_mm == 0.8  # a stone of 2.5 mm or more takes a 0.8 mm prong
    assert "make prong_mm at least 0.8" in prong.fix


def test_a_free_standing_prong_under_a_millimetre_is_a_warning():
    found = findings(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5},
                                                              "setting": {"prong_mm": 0.9}})
    assert found["setting.prong_mm"].severity is Severity.WARNING and found["setting.prong_mm"].limit_mm == 1.0


def test_a_thin_plate_is_measured_on_the_mesh():
    found = findings({"piece": "pendant", "metal": "18k-yellow", "pendant": {"thickness_mm": 0.6}})
    plate = found["pendant.thickness_mm"]
    assert plate.severity is Severity.BLOCKING and plate.value_mm == pytest.approx(0.6, abs=0.02)


def test_every_preset_is_ready_to_cast():
    from pathlib import Path

    for path in sorted(Path("models").glob("*.json")):
        design = parse_design(__import__("json").loads(path.read_text()))
        blocking = [f for f in check(design, model_of(design)) if f.severity is Severity.BLOCKING]
        assert blocking == [], (path.name, blocking)
