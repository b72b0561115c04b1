"""The builder never makes what its own check refuses: no gap between its own parts, no metal thinner than castable,
where no control of the person's made it so (PRODUCT.md, "Casting": gaps at least 0.3 mm)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import trimesh

from bench.matrix import BUILDER_KINDS, checked_designs, describe, sort_findings
from configurator.checks import Severity, check
from configurator.design import SettingStyle
from configurator.documents import parse_design
from configurator.quotes import model_of, scan_of
from configurator.styles.cathedral import ARCH_CLEAR_MM


def cathedral(shape: str, profile: str, us: float = 7) -> dict:
    return {"piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "US", "value": us}, "profile": profile, "width_mm": 2.2, "thickness_mm": 1.7},
            "stone": {"shape": shape, "length_mm": 6.5}, "setting": {"style": "cathedral"}}


# Refused before for a crevice between an arch's end and a prong's foot: 0.01 mm at the prong at 4 o'clock (round),
# 0.09 mm (cushion), 0.00 mm (oval), 0.08 mm at the gallery (princess).
ARCH_CASES = [("round", "flat", 7), ("round", "comfort", 4), ("cushion", "flat", 4), ("cushion", "comfort", 4),
              ("oval", "flat", 10), ("princess", "flat", 4), ("princess", "comfort", 4), ("asscher", "flat", 7)]


@pytest.mark.parametrize(("shape", "profile", "us"), ARCH_CASES, ids=lambda value: str(value))
def test_cathedral_arches_keep_the_casting_gap_from_the_head(shape, profile, us):
    design = parse_design(cathedral(shape, profile, us))
    model = model_of(design)
    blocking = [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING]
    assert blocking == []
    assert scan_of(design, model).narrowest()[0] >= ARCH_CLEAR_MM - 0.05  # the mesh's facets, not a crevice
    assert model.body_count == 1


def test_the_colleague_s_cathedral_ring_exports_one_watertight_body_with_no_gap():
    design = parse_design(cathedral("round", "flat", 7))
    model = model_of(design)
    buffer = io.BytesIO()
    model.metal.export(buffer, file_type="stl")
    mesh = trimesh.load(io.BytesIO(buffer.getvalue()), file_type="stl")  # float32, as the workshop reads it
    assert mesh.is_watertight and mesh.is_volume
    assert len(mesh.split(only_watertight=False)) == 1
    assert not [finding for finding in check(design, model, verify=False) if finding.kind == "gap"
                and finding.severity is Severity.BLOCKING]
    assert np.isclose(mesh.volume, model.metal.volume, rtol=1e-3)


@pytest.mark.slow
def test_no_cathedral_ring_of_the_matrix_is_refused_for_the_builder_s_own_parts():
    refused = []
    for doc in checked_designs():
        if doc["piece"] != "ring" or doc["setting"]["style"] != SettingStyle.CATHEDRAL.value:
            continue
        sort, blocking = sort_findings(doc)
        if sort == "builder":
            refused.append(f"{describe(doc)}: " + ", ".join(f"{finding.kind} at {finding.where}"
                                                            for finding in blocking if finding.kind in BUILDER_KINDS))
    assert refused == []
