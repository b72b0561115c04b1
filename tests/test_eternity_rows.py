"""Eternity rows spaced and held as setters make them (PRODUCT.md "Eternity bands"): the count from the size, four
shared prongs to a stone of the trade's diameter reaching 0.10-0.15 mm in over each girdle, channel stones nearly
touching, every row one clean body. Each figure is read off the built metal, in each stone's own frame."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import manifold3d
import numpy as np
import pytest
import trimesh

from configurator import eternity, families
from configurator.band_rows import GIRDLE_LIFT_MM
from configurator.builds import model_of
from configurator.checks import Severity, apply_fix, check
from configurator.design import ROW_GAP_LEAST_MM, RowSetting
from configurator.documents import parse_design
from configurator.heads import accent_prong_mm
from configurator.shapes import stone_outline

ROOT = Path(__file__).resolve().parent.parent


def framed(solid, angle, radius):
    """`solid` moved into the frame of a stone standing at `angle` on the girdle circle `radius` (table +Z)."""
    centre = (radius * math.sin(angle), 0.0, radius * math.cos(angle))
    return solid.translate(tuple(-c for c in centre)).rotate((0.0, -math.degrees(angle), 0.0))


def girdle_top(form):
    v = np.asarray(form.solid.to_mesh().vert_properties)[:, :3]
    r = np.hypot(v[:, 0], v[:, 1])
    return float(v[r >= r.max() - 1e-3, 2].max())


def outline_of(form, points=96):
    s = form.stone
    return stone_outline(s.shape, s.length_mm, s.outline_width_mm, points)


def section(solid, z):
    return solid.slice(z)


def polygon(points):
    return manifold3d.CrossSection([np.ascontiguousarray(points, dtype=float)])


def holds(model, design, index, above=0.03, inside=0.3, outside=0.35):
    """The prong pieces of metal just over stone `index`'s girdle: their angles round it (degrees)."""
    ring, row = design.ring, eternity.layout(design.ring, design.ring.eternity)
    form = eternity.form_of(ring.eternity)
    local = framed(model.solid, row.angles[index], row.girdle_radius)
    cut = section(local, girdle_top(form) + above)
    outline = outline_of(form)
    annulus = polygon(outline).offset(outside, manifold3d.JoinType.Round) - polygon(outline).offset(-inside, manifold3d.JoinType.Round)
    pieces = (cut ^ annulus).decompose()
    angles = []
    for piece in pieces:
        if piece.area() < 1e-4:
            continue
        pts = np.concatenate([np.asarray(p) for p in piece.to_polygons()])
        c = pts.mean(axis=0)
        angles.append(math.degrees(math.atan2(c[1], c[0])))
    return sorted(angles)


def reach(model, design, index, steps=40):
    """How far the metal over stone `index` reaches in over its girdle outline, looking down on it (mm)."""
    ring, row = design.ring, eternity.layout(design.ring, design.ring.eternity)
    form = eternity.form_of(ring.eternity)
    local = framed(model.solid, row.angles[index], row.girdle_radius)
    outline = outline_of(form, 192)
    inner = polygon(outline)
    best = -math.inf
    low = girdle_top(form)
    for z in np.linspace(low, form.crown, steps):
        over = section(local, float(z)) ^ inner
        if over.is_empty():
            continue
        for p in over.to_polygons():
            for x, y in np.asarray(p):
                best = max(best, eternity.girdle_distance(outline, x, y))
    return best


def prong_widths(model, design, gap_index, above=0.03):
    """The sections of the prongs in the gap after stone `gap_index`, just over the band: (across the band, along the
    row) extents of each, mm."""
    row = eternity.layout(design.ring, design.ring.eternity)
    middle = row.angles[gap_index] + row.step / 2
    local = framed(model.solid, middle, row.girdle_radius)
    cut = section(local, -GIRDLE_LIFT_MM + above)
    box = polygon([(-1.0, -5.0), (1.0, -5.0), (1.0, 5.0), (-1.0, 5.0)])
    result = []
    for piece in (cut ^ box).decompose():
        if piece.area() < 1e-4:
            continue
        lo_x, lo_y, hi_x, hi_y = piece.bounds()
        result.append((hi_y - lo_y, hi_x - lo_x, (lo_y + hi_y) / 2))
    return sorted(result, key=lambda w: w[2])


def girdle_gaps(model, design):
    row = [part for part in model.stone_parts if part.role == "eternity"]
    pairs = list(zip(row, row[1:], strict=False))
    if design.ring.eternity.coverage.value == "full":
        pairs.append((row[-1], row[0]))
    return [a.solid.min_gap(b.solid, 2.0) for a, b in pairs]


def _row(coverage="half", setting="shared-prong", shape="round", us=7, thickness=1.8, **row):
    design = parse_design(families.eternity_band(shape, setting, coverage, us=us, thickness=thickness, **row))
    return design, model_of(design)


# ---------------------------------------------------------------- spacing and count


@pytest.mark.parametrize("thickness", [1.8, 2.0])
@pytest.mark.parametrize(("us", "fewest", "most"), [(5, 27, 29), (7, 30, 31), (9, 32, 34)])
def test_a_full_row_of_2mm_rounds_counts_as_the_trade_sets_it(us, fewest, most, thickness):
    design = parse_design(families.eternity_band("round", coverage="full", us=us, thickness=thickness))
    assert fewest <= eternity.count_for(design.ring, design.ring.eternity) <= most


def test_shared_prong_and_channel_stones_stand_at_the_trade_gap():
    design, model = _row("half", "shared-prong")
    assert girdle_gaps(model, design) == pytest.approx([0.15] * (len(model.stone_parts) - 1), abs=0.01)
    design, model = _row("half", "channel", "princess")
    gaps = girdle_gaps(model, design)
    assert 0.05 <= min(gaps) and max(gaps) <= 0.1


def test_old_gaps_still_load_and_the_least_is_the_trades():
    assert parse_design(families.eternity_band(gap_mm=0.5)).ring.eternity.gap == 0.5
    assert ROW_GAP_LEAST_MM[RowSetting.SHARED_PRONG] == 0.1 and ROW_GAP_LEAST_MM[RowSetting.CHANNEL] == 0.05
    assert parse_design(families.eternity_band(setting="channel", gap_mm=0.05)).ring.eternity.gap == 0.05


# ---------------------------------------------------------------- four prongs a stone


@pytest.mark.parametrize("coverage", ["half", "three-quarter", "full"])
def test_every_stone_is_held_by_four_prongs_one_toward_each_edge_each_side(coverage):
    design, model = _row(coverage)
    count = len([part for part in model.stone_parts if part.role == "eternity"])
    for index in range(count):  # the end stones of an open row have their outer pair too
        angles = holds(model, design, index)
        assert len(angles) == 4, (index, angles)
        # one in each quarter round the stone: a pair each side (+-X along the row), one toward each edge (+-Y)
        assert sorted((a > 0, abs(a) < 90) for a in angles) == sorted(
            (up, near) for up in (False, True) for near in (False, True))


@pytest.mark.parametrize(("shape", "coverage"), [("round", "half"), ("round", "full"), ("princess", "half")])
def test_prongs_are_the_trades_diameter_and_reach_in_over_each_girdle(shape, coverage):
    design, model = _row(coverage, shape=shape)
    stone = design.ring.eternity.stone
    wanted = accent_prong_mm(min(stone.length_mm, stone.outline_width_mm))
    assert wanted == (0.8 if stone.length_mm >= 2.5 else 0.7)  # and the castable 0.8 mm from 2.5 mm stones up
    count = len(model.stone_parts)
    for gap in (0, count // 2):
        widths = prong_widths(model, design, gap)
        assert len(widths) == 2  # a pair, one either side of the row's middle
        assert min(across for across, _, _ in widths) >= wanted
    for index in (0, count // 2, count - 1):
        assert 0.10 <= reach(model, design, index) <= 0.15


def test_a_row_whose_prongs_cannot_pair_is_refused_with_a_fix_that_pairs_them():
    design, model = _row("half", gap_mm=0.5)  # a document of the days of 0.5 mm rows
    (finding,) = [f for f in check(design, model) if f.kind == "row-holds"]
    assert finding.severity is Severity.BLOCKING and finding.value_mm == 2
    fixed = apply_fix(design, finding)
    fixed_model = model_of(fixed)
    assert not [f for f in check(fixed, fixed_model) if f.severity is Severity.BLOCKING]
    assert len(holds(fixed_model, fixed, 0)) == 4


def test_a_three_quarter_bezel_row_on_a_2mm_band_passes_as_built():
    design, model = _row("three-quarter", "bezel", thickness=2.0)
    assert [f for f in check(design, model) if f.severity is Severity.BLOCKING] == []


@pytest.mark.slow
@pytest.mark.parametrize(("setting", "coverage"), [("shared-prong", "half"), ("shared-prong", "full"),
                                                   ("channel", "full")])
def test_a_row_exports_watertight_in_one_body(tmp_path, setting, coverage):
    doc = tmp_path / "row.json"
    doc.write_text(json.dumps(families.eternity_band("round", setting, coverage, thickness=1.8)))
    out = tmp_path / "row.stl"
    result = subprocess.run([sys.executable, "-m", "configurator", "export", str(doc), "-o", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    mesh = trimesh.load(out, file_type="stl", force="mesh")
    assert mesh.is_watertight and mesh.body_count == 1
