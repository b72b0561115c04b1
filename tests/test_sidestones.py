"""Three-stone rings: a side stone either side of the centre, each in its own head, one clean body, priced as a pair."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import manifold3d
import numpy as np
import pytest
import trimesh

from configurator import holds, sidestones
from configurator.builds import model_of
from configurator.checks import Severity, check
from configurator.design import DesignError, Shape
from configurator.documents import parse_design
from configurator.families import CHANNEL_ROWS, HEAD_ROWS, shared_prongs, side_row, side_row_case
from configurator.findings import MIN_ACCENT_GAP_MM
from configurator.price_table import current_price_table
from configurator.quotes import price, quote_summary
from configurator.stones import SIDE_CARAT_SHARE, side_carat_share

ROOT = Path(__file__).resolve().parent.parent


def three_stone(shape="round", style="prong", centre_style="prong", length=4.0, **centre) -> dict:
    return {"piece": "ring", "metal": "14k-yellow",
            "ring": {"size": {"system": "US", "value": 7}, "width_mm": 2.5, "thickness_mm": 1.8},
            "stone": {"shape": "round", "length_mm": 6.5, **centre}, "setting": {"style": centre_style},
            "side_stones": {"stone": {"shape": shape, "length_mm": length}, "style": style}}


CASES = list(itertools.product([shape.value for shape in Shape], ["prong", "bezel"]))


@pytest.mark.parametrize(("shape", "style"), CASES, ids=["-".join(case) for case in CASES])
@pytest.mark.slow
def test_every_side_stone_is_seated_clear_of_the_centre_in_one_body(shape, style):
    centre_style = ("prong", "bezel")[CASES.index((shape, style)) % 2]
    design = parse_design(three_stone(shape, style, centre_style))
    model = model_of(design)
    assert model.metal.is_watertight and model.body_count == 1
    centre = next(part for part in model.stone_parts if part.role == "centre")
    sides = [part for part in model.stone_parts if part.role == "side"]
    assert len(sides) == 2
    for side in sides:
        assert (model.solid ^ side.solid).volume() < 1e-3  # seated: no stone inside the metal
        assert centre.solid.min_gap(side.solid, 1.0) >= MIN_ACCENT_GAP_MM
    # symmetric about the centre: mirror images across the plane x = 0
    left, right = sorted((side.mesh.bounds.mean(axis=0) for side in sides), key=lambda centre: centre[0])
    assert left == pytest.approx(right * [-1, 1, 1], abs=5e-3)  # a girdle of 64 points is not quite mirror-true
    found = [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING]
    if shape == "baguette" and style == "prong":
        # four prongs round a 1.6 mm wide baguette stand too close across its ends: the check says so
        assert [finding.kind for finding in found] == ["gap"]
    else:
        assert found == []


def test_the_pair_is_priced_and_set_per_stone():
    design = parse_design(three_stone("oval", "bezel", length=4.2))
    quote = price(design)
    (stones,) = [row for row in quote.rows if row.item.startswith("side stones:")]
    (labour,) = [row for row in quote.rows if row.item.startswith("labour: setting 2 side stones")]
    table = current_price_table()
    carats = [part.carat for part in model_of(design).stone_parts if part.role == "side"]
    assert carats[0] == pytest.approx(carats[1], rel=1e-9)
    assert stones.amount == pytest.approx(round(2 * table.stone_price(design.side_stones.stone, carats[0]), 2),
                                          abs=0.02)
    assert labour.amount == pytest.approx(2 * table.labour.setting.bezel)
    summary = quote_summary(design)
    (side,) = [stone for stone in summary.stones if stone.role == "side"]
    assert side.count == 2 and side.share_of_centre == pytest.approx(4.2 / 6.5, abs=1e-3)
    assert summary.total_carat == pytest.approx(sum(stone.carat for stone in summary.stones), abs=2e-3)


@pytest.mark.parametrize(("change", "field"), [
    ({"side_stones": {"stone": {"length_mm": 1.5}, "style": "prong"}}, r"side_stones\.stone\.length_mm"),
    ({"side_stones": {"stone": {"length_mm": 7.0}, "style": "prong"}}, r"side_stones\.stone\.length_mm"),
    ({"setting": {"style": "halo"}}, "side_stones: a halo centre"),
    ({"setting": {"style": "channel"}}, "side_stones: a channel centre leaves no shoulders"),
    ({"side_stones": {"stone": {"length_mm": 4.0}, "style": "pave"}}, r"side_stones\.style"),
    ({"stone": None, "setting": None}, "side_stones: side stones flank a centre stone"),
    ({"schema_version": 1}, "side_stones: needs schema_version 2"),
])
def test_side_stones_that_cannot_be_made_are_refused_naming_the_field(change, field):
    doc = {key: value for key, value in {**three_stone(), **change}.items() if value is not None}
    with pytest.raises(DesignError, match=field):
        parse_design(doc)


SHARED = list(shared_prongs())


@pytest.mark.parametrize("doc", SHARED, ids=[f"{doc['stone']['shape']}-{doc['side_stones']['stone']['shape']}-"
                                              f"{doc['setting']['prongs']}" for doc in SHARED])
@pytest.mark.slow
def test_shared_prongs_hold_both_stones_in_one_body(doc):
    design = parse_design(doc)
    model = model_of(design)
    assert model.metal.is_watertight and model.body_count == 1
    centre = next(part for part in model.stone_parts if part.role == "centre")
    sides = [part for part in model.stone_parts if part.role == "side"]
    outer = model.band.inner_radius_mm + design.ring.thickness_mm
    placed = sidestones.placement(design, outer)
    girdles = (sidestones._centre_girdle(design.stone, outer)[0], sidestones._girdle(placed.stones[0],
                                                                                     placed.angles[0], placed.radii[0]))
    from_above = girdles[1][:, 0].min() - girdles[0][:, 0].max()  # between the girdles as seen from above
    for side in sides:
        assert (model.solid ^ side.solid).volume() < 1e-3  # seated: no stone inside the metal
        apart = centre.solid.min_gap(side.solid, 2.0)
        # as close as sharing allows: the shared gap in space and seen from above, one of them tight
        assert apart >= sidestones.SHARED_GAP_MM - 0.03 and from_above >= sidestones.SHARED_GAP_MM - 0.03
        assert min(apart, from_above) <= sidestones.SHARED_GAP_MM + 0.03
    assert (model.solid ^ centre.solid).volume() < 1e-3
    left, right = sorted((side.mesh.bounds.mean(axis=0) for side in sides), key=lambda centre: centre[0])
    assert left == pytest.approx(right * [-1, 1, 1], abs=5e-3)
    # Each shared prong is metal along its axis at both girdles' heights and reaches in over both stones.
    places, radius = sidestones.shared_prong_places(design, outer)
    right_side = max(sides, key=lambda part: part.mesh.bounds.mean(axis=0)[0])
    side_girdle = float(right_side.mesh.bounds.mean(axis=0)[2])
    for x, y in places:
        for z in (model.girdle_z, side_girdle):
            probe = manifold3d.Manifold.sphere(0.05, 8).translate((x, y, z))
            assert (model.solid ^ probe).volume() == pytest.approx(probe.volume(), rel=1e-3)  # all metal
        for stone in (centre, right_side):
            rod = manifold3d.Manifold.cylinder(20.0, radius, radius, 24).translate((x, y, 0.0))
            assert (rod ^ stone.solid).volume() > 0  # the prong's reach overlaps the girdle: its seat notches it
    assert [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING] == []


def test_shared_prongs_are_quoted_and_written_on_the_sheet_and_the_cli():
    doc = next(doc for doc in SHARED if doc["stone"]["shape"] == "round")
    summary = quote_summary(parse_design(doc))
    assert summary.side_stones.shared_prongs and summary.to_dict()["side_stones"]["shared_prongs"] is True
    result = subprocess.run([sys.executable, "-m", "configurator", "quote", "-"], input=json.dumps(doc),
                            capture_output=True, text=True, cwd=ROOT, check=True)
    assert "in prong (prongs shared with the centre)" in result.stdout


def test_a_shared_prong_centre_keeps_the_prongs_the_shared_ones_do_not_stand_in_for():
    doc = next(doc for doc in SHARED if doc["stone"]["shape"] == "round" and doc["setting"]["prongs"] == 4)
    shared = model_of(parse_design(doc))
    alone = model_of(parse_design({key: value for key, value in doc.items() if key != "side_stones"}))
    centre = [holds.of(model.stone_parts[0].stone, model.stone_parts[0].solid, model.solid) for model in (shared, alone)]
    # a four-prong round centre: its prongs stand at 45 degrees, clear of the shared ones at 3 and 9 o'clock, and stay
    assert centre[1].count == 4
    assert centre[0].count > 4 and centre[0].free_arc_deg <= centre[1].free_arc_deg
    assert holds.enough(centre[0], parse_design(doc).stone.shape)


@pytest.mark.parametrize(("change", "field"), [
    ({"style": "bezel"}, "shared_prongs: only side stones in prongs"),
    ({"count": 2, "stone": {"shape": "round", "length_mm": 3.0}}, "shared_prongs: only one side stone a side"),
    ({"stone": {"shape": "baguette", "length_mm": 4.0}}, "shared_prongs: a baguette side stone"),
    ({"centre": "bezel"}, r"side_stones\.shared_prongs: a bezel centre"),
    ({"centre_shape": "baguette"}, r"side_stones\.shared_prongs: a baguette centre"),
])
def test_shared_prongs_that_cannot_be_made_are_refused_naming_the_field(change, field):
    doc = three_stone()
    doc["side_stones"]["shared_prongs"] = True
    if "centre" in change:
        doc["setting"] = {"style": change["centre"]}
    elif "centre_shape" in change:
        doc["stone"] = {"shape": change["centre_shape"], "length_mm": 6.5}
    else:
        doc["side_stones"].update(change)
    with pytest.raises(DesignError, match=field):
        parse_design(doc)


@pytest.mark.parametrize("preset", ["three-stone", "side-stone-ring"])
def test_the_side_stone_presets_export_clean(tmp_path, preset):
    out = tmp_path / "three.stl"
    result = subprocess.run([sys.executable, "-m", "configurator", "export", str(ROOT / "models" / f"{preset}.json"),
                             "-o", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    mesh = trimesh.load(out, file_type="stl", force="mesh")
    assert mesh.is_watertight and mesh.body_count == 1
    report = subprocess.run(["admesh", str(out)], capture_output=True, text=True, timeout=120).stdout
    figures = {line.split(":")[0].strip(): int(line.split(":")[1].split()[0]) for line in report.splitlines()
               if line.split(":")[0].strip() in ("Degenerate facets", "Edges fixed", "Facets removed")}
    assert figures == {"Degenerate facets": 0, "Edges fixed": 0, "Facets removed": 0}, report
    doc = json.loads((ROOT / "models" / f"{preset}.json").read_text(encoding="utf-8"))
    design = parse_design(doc)
    share = side_carat_share(design.stone, design.side_stones.stone)
    if design.side_stones.count == 1:  # one a side weighs 50-70 % of the centre; a row of three starts smaller
        assert SIDE_CARAT_SHARE[0] <= share <= SIDE_CARAT_SHARE[1]
    else:
        assert share < SIDE_CARAT_SHARE[0]
    assert np.isfinite(price(parse_design(doc)).total)


def test_a_smaller_centre_keeps_its_side_stones_in_proportion():
    from configurator.budget import fit

    design = parse_design(json.loads((ROOT / "models" / "three-stone.json").read_text(encoding="utf-8")))
    budget = round(price(design).total * 0.5, 2)
    smaller = next(s for s in fit(design, budget) if s.change.startswith("smaller centre stone"))
    share = design.side_stones.stone.length_mm / design.stone.length_mm
    new = smaller.design
    assert new.stone.length_mm < design.stone.length_mm and smaller.total <= budget
    assert new.side_stones.stone.length_mm / new.stone.length_mm == pytest.approx(share, abs=0.01)


ROWS = CHANNEL_ROWS + HEAD_ROWS


@pytest.mark.parametrize(("shape", "style", "count"), ROWS, ids=["-".join(map(str, row)) for row in ROWS])
@pytest.mark.slow
def test_every_graduated_row_is_one_body_with_its_stones_seated_apart_and_symmetric(shape, style, count):
    doc = side_row_case(shape, style, count)
    design = parse_design(doc)
    length, graduation = doc["side_stones"]["stone"]["length_mm"], doc["side_stones"]["graduation"]
    model = model_of(design)
    assert model.metal.is_watertight and model.body_count == 1
    sides = [part for part in model.stone_parts if part.role == "side"]
    assert len(sides) == 2 * count
    wanted = [round(length * graduation**i, 2) for i in range(count)]  # graduated, nearest the centre first
    assert [part.size_mm for part in sides[:count]] == pytest.approx(wanted, abs=1e-9)
    assert [part.size_mm for part in sides[count:]] == pytest.approx(wanted, abs=1e-9)
    centre = next(part for part in model.stone_parts if part.role == "centre")
    for part in sides:
        assert (model.solid ^ part.solid).volume() < 1e-3  # seated
    neighbours = [(centre, sides[0]), (centre, sides[count])]
    neighbours += [(sides[i], sides[i + 1]) for i in range(2 * count - 1) if (i + 1) % count]
    assert min(a.solid.min_gap(b.solid, 1.0) for a, b in neighbours) >= MIN_ACCENT_GAP_MM
    right = np.array([part.mesh.bounds.mean(axis=0) for part in sides[:count]])
    left = np.array([part.mesh.bounds.mean(axis=0) for part in sides[count:]])
    assert left == pytest.approx(right * [-1, 1, 1], abs=5e-3)  # the left shoulder mirrors the right
    assert np.all(np.diff(np.arctan2(right[:, 0], right[:, 2])) > 0)  # each further round the band
    found = [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING]
    assert found == []


def test_a_row_is_priced_by_size_and_set_per_stone():
    design = parse_design(json.loads((ROOT / "models" / "side-stone-ring.json").read_text(encoding="utf-8")))
    quote = price(design)
    table = current_price_table()
    lines = [row for row in quote.rows if row.item.startswith("side stones:")]
    sides = [part for part in model_of(design).stone_parts if part.role == "side"]
    assert len(lines) == design.side_stones.count == 3
    for line, stone in zip(lines, design.side_stones.stones, strict=True):
        carats = [part.carat for part in sides if part.size_mm == stone.length_mm]
        assert len(carats) == 2 and f" {stone.length_mm:g} mm," in line.item
        assert line.amount == pytest.approx(round(2 * table.stone_price(stone, carats[0]), 2), abs=0.02)
    (labour,) = [row for row in quote.rows if row.item.startswith("labour: setting 6 side stones (channel)")]
    assert labour.amount == pytest.approx(6 * table.labour.accent.channel)
    summary = quote_summary(design)
    groups = [stone for stone in summary.stones if stone.role == "side"]
    assert [group.length_mm for group in groups] == [2.6, 2.21, 1.88]
    assert sum(group.count for group in groups) == summary.side_stones.count == 6
    assert summary.total_carat == pytest.approx(sum(stone.carat for stone in summary.stones), abs=2e-3)


@pytest.mark.parametrize(("change", "field"), [
    ({"count": 6}, r"side_stones\.count"),
    ({"count": 2.0}, r"side_stones\.count"),
    ({"graduation": 0.5}, r"side_stones\.graduation"),
    ({"count": 5, "graduation": 0.7}, r"side_stones\.graduation: the smallest side stone would be 1 mm long"),
    ({"style": "prong", "count": 2, "stone": {"shape": "oval", "length_mm": 3.0}},
     r"side_stones\.stone\.shape: a graduated row in prongs takes round"),
    ({"stone": {"shape": "pear", "length_mm": 2.6}}, r"side_stones\.stone\.shape: a channel holds"),
    ({"count": 5, "graduation": 1.0}, r"side_stones\.count: 5 stones a side reach"),
    ({"style": "pave"}, r"side_stones\.style"),
])
def test_rows_that_cannot_be_made_are_refused_naming_the_field(change, field):
    doc = side_row()
    doc["side_stones"] = {**doc["side_stones"], **change}
    with pytest.raises(DesignError, match=field):
        parse_design(doc)


def test_a_channel_needs_a_band_to_hold_it():
    with pytest.raises(DesignError, match=r"ring\.width_mm: a channel of 2\.6 mm side stones needs a band at least "
                                          r"4\.00 mm wide"):
        parse_design(side_row(width=3.5))
    with pytest.raises(DesignError, match=r"side_stones\.style: a channel needs a band with a flat or rounded top"):
        parse_design(side_row(profile="knife-edge"))


def test_prong_heads_that_would_reach_past_the_top_of_a_small_ring_are_refused():
    with pytest.raises(DesignError, match=r"side_stones\.count: 3 stones a side reach"):
        parse_design(side_row("round", "prong", 3, 2.6, 0.9, us=3, width=2.6))
