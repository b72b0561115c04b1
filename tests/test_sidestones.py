"""Three-stone rings: a side stone either side of the centre, each in its own head, one clean body, priced as a pair."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh

from configurator.checks import MIN_ACCENT_GAP_MM, Severity, check
from configurator.design import DesignError, Shape, parse_design
from configurator.price_table import current_price_table
from configurator.quotes import model_of, price, quote_document

ROOT = Path(__file__).resolve().parent.parent


def three_stone(shape="round", style="prong", centre_style="prong", length=4.0, **centre) -> dict:
    return {"piece": "ring", "metal": "14k-yellow",
            "ring": {"size": {"system": "US", "value": 7}, "width_mm": 2.5, "thickness_mm": 1.8},
            "stone": {"shape": "round", "length_mm": 6.5, **centre}, "setting": {"style": centre_style},
            "side_stones": {"stone": {"shape": shape, "length_mm": length}, "style": style}}


CASES = list(itertools.product([shape.value for shape in Shape], ["prong", "bezel"]))


@pytest.mark.parametrize(("shape", "style"), CASES, ids=["-".join(case) for case in CASES])
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
    summary = quote_document(design)
    (side,) = [stone for stone in summary["stones"] if stone["role"] == "side"]
    assert side["count"] == 2 and side["share_of_centre"] == pytest.approx(4.2 / 6.5, abs=1e-3)
    assert summary["total_carat"] == pytest.approx(sum(stone["carat"] for stone in summary["stones"]), abs=2e-3)


@pytest.mark.parametrize(("change", "field"), [
    ({"side_stones": {"stone": {"length_mm": 1.5}, "style": "prong"}}, r"side_stones\.stone\.length_mm"),
    ({"side_stones": {"stone": {"length_mm": 7.0}, "style": "prong"}}, r"side_stones\.stone\.length_mm"),
    ({"setting": {"style": "halo"}}, "side_stones: a halo centre"),
    ({"side_stones": {"stone": {"length_mm": 4.0}, "style": "pave"}}, r"side_stones\.style"),
    ({"stone": None, "setting": None}, "side_stones: side stones flank a centre stone"),
    ({"schema_version": 1}, "side_stones: needs schema_version 2"),
])
def test_side_stones_that_cannot_be_made_are_refused_naming_the_field(change, field):
    doc = {key: value for key, value in {**three_stone(), **change}.items() if value is not None}
    with pytest.raises(DesignError, match=field):
        parse_design(doc)


def test_the_three_stone_preset_exports_clean(tmp_path):
    out = tmp_path / "three.stl"
    result = subprocess.run([sys.executable, "-m", "configurator", "export", str(ROOT / "models" / "three-stone.json"),
                             "-o", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    mesh = trimesh.load(out, file_type="stl", force="mesh")
    assert mesh.is_watertight and mesh.body_count == 1
    report = subprocess.run(["admesh", str(out)], capture_output=True, text=True, timeout=120).stdout
    figures = {line.split(":")[0].strip(): int(line.split(":")[1].split()[0]) for line in report.splitlines()
               if line.split(":")[0].strip() in ("Degenerate facets", "Edges fixed", "Facets removed")}
    assert figures == {"Degenerate facets": 0, "Edges fixed": 0, "Facets removed": 0}, report
    doc = json.loads((ROOT / "models" / "three-stone.json").read_text(encoding="utf-8"))
    share = doc["side_stones"]["stone"]["length_mm"] / doc["stone"]["length_mm"]
    assert 0.5 <= share <= 0.7  # graduated as the trade usually does
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
