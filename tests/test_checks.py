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
    assert found.severity is Severity.BLOCKING and found.value_mm == pytest.approx(0.6) and found.limit_mm == 1.0
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
