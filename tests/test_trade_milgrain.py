"""Milgrain at the trade's pitch, and the wax files as ADMesh reads them.

PRODUCT.md "Milgrain": beads 0.4-0.8 mm across, touching or nearly, centre to centre 1.0-1.2 bead diameters, as the
milgrain wheel rolls them; 0.5 mm beads come 110-120 to an edge of a US 6.5 band. The files leave clean: ADMesh fixes
no normal, finds no degenerate facet, removes no facet and fixes no edge.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh

from configurator.builds import model_of
from configurator.checks import Severity, check
from configurator.design import MILGRAIN_PITCH_SHARE
from configurator.documents import load_design, parse_design
from configurator.export import export, wax_pattern
from configurator.geometry import build
from configurator.milgrain import APART_MM
from configurator.solids import EXPORT
from tests.helpers.meshes import ADMESH, admesh, needs_admesh

ROOT = Path(__file__).resolve().parent.parent
MILGRAIN_PRESET = ROOT / "models" / "milgrain-solitaire.json"


def band(size: float = 6.5, thickness: float = 1.8, **milgrain) -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": size}, "profile": "flat", "width_mm": 2.5,
                     "thickness_mm": thickness, "milgrain": {"bead_mm": 0.5, **milgrain}}}


def test_a_us_6_5_edge_holds_the_trades_count_of_beads():
    """US 6.5: inner circumference 36.5367 + 2.5535 x 6.5 = 53.135 mm (radius 8.457 mm); a flat band 1.8 mm thick has
    its edge at 10.257 mm, 64.45 mm round (the size's polygon a hair less). At 1.1 diameters (0.55 mm), 117 beads."""
    design = parse_design(band())
    model = build(design, EXPORT)
    inner = (36.5367 + 2.5535 * 6.5) / (2 * math.pi)
    edge = 2 * math.pi * (inner + 1.8)
    assert design.ring.milgrain.pitch == pytest.approx(0.5 * MILGRAIN_PITCH_SHARE)
    assert {row.where: row.count for row in model.beads} == {"the band's +Y edge": 117, "the band's -Y edge": 117}
    for row in model.beads:
        assert row.length_mm == pytest.approx(edge, rel=1e-3)
        assert 110 <= row.count <= 120
        assert row.bead_mm == 0.5  # made as asked: the neighbours stand a real hair apart
        assert APART_MM <= row.closest_gap_mm() <= 0.06
    assert model.metal.is_volume and model.body_count == 1
    assert check(design, model, verify=False) == []  # the wheel's hair between beads blocks nothing


@pytest.mark.slow
@pytest.mark.parametrize("pitch", [0.5, 0.51, 0.52, 0.6])
def test_touching_beads_are_cast_a_hair_apart_and_the_file_is_one_clean_body(pitch, tmp_path):
    """A document may ask for beads one diameter apart (touching): they are made APART_MM clear of each other, a
    hair smaller (never a point of contact, a non-manifold vertex), and the ring is one watertight body."""
    design = parse_design(band(pitch_mm=pitch))
    model = model_of(design)
    for row in model.beads:
        assert row.closest_gap_mm() >= APART_MM - 1e-6
        assert 0.5 * 0.95 <= row.bead_mm <= 0.5
    blocking = [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING]
    assert blocking == []
    out = tmp_path / "wax.stl"
    export(model, out)
    back = trimesh.load(out, force="mesh")
    assert back.is_watertight and back.body_count == 1
    _, uses = np.unique(back.edges_sorted, axis=0, return_counts=True)
    assert (uses == 2).all()
    if ADMESH:
        figures = admesh(out)
        assert figures == {"normals": 0, "degenerate": 0, "removed": 0, "fixed": 0, "reversed": 0, "parts": 1}


def test_an_older_documents_pitch_is_kept():
    """Written when the pitch was the bead and a 0.35 mm gap: read as written, beaded at that pitch."""
    design = parse_design(band(pitch_mm=0.85))
    assert design.ring.milgrain.pitch == 0.85
    assert {row.count for row in build(design, EXPORT).beads} == {76}


@needs_admesh
@pytest.mark.slow
def test_the_milgrain_solitaire_passes_the_check_and_leaves_one_clean_body(tmp_path):
    command = subprocess.run([sys.executable, "-m", "configurator", "check", str(MILGRAIN_PRESET)], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert command.returncode == 0, command.stdout + command.stderr
    model = model_of(load_design(MILGRAIN_PRESET))
    edges = [row for row in model.beads if row.field == "ring.milgrain"]
    assert all(row.pitch_mm == pytest.approx(0.55) for row in edges)
    out = tmp_path / "wax.stl"
    export(model, out)
    back = trimesh.load(out, force="mesh")
    assert back.is_watertight and back.body_count == 1
    assert back.volume == pytest.approx(wax_pattern(model).volume, rel=1e-5)
    assert admesh(out) == {"normals": 0, "degenerate": 0, "removed": 0, "fixed": 0, "reversed": 0, "parts": 1}
