"""What a band carries: a centre stone larger than the band under its head can carry is said, with a fix that clears it
(`checks._carrying_findings`, docs/carrying.md)."""

import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest

from configurator.builds import model_of
from configurator.checks import CARRYING_REFUSED_SHARE, CARRYING_TABLE, Severity, apply_fix, check
from configurator.design import Stone
from configurator.documents import parse_design
from configurator.stones import stone_for_carat, trade_carat

from .conftest import ROOT

HEAD = "the band under the head"
FIELD_NAMES = re.compile(r"\w+_mm\b|\b(ring|stone|setting|pendant)\.\w+")


def ring(stone: dict, setting: dict | None = None, metal: str = "18k-yellow", **band) -> dict:
    """A ring document: the default band (4.0 x 1.8 mm) unless `band` says otherwise."""
    doc = {"schema_version": 2, "piece": "ring", "metal": metal,
           "ring": {"size": {"system": "US", "value": 7}, "profile": "comfort", **band}, "stone": stone}
    return doc | ({"setting": setting} if setting else {})


def carrying(doc_or_design, verify: bool = False):
    """The carrying findings of a design (its document or itself), checked on its built model."""
    design = parse_design(doc_or_design) if isinstance(doc_or_design, dict) else doc_or_design
    return [finding for finding in check(design, model_of(design), verify=verify) if finding.kind == "carrying"]


def eight_carats() -> dict:
    """The round diamond the app makes when 8.00 ct is typed (12.87 mm)."""
    return {"length_mm": stone_for_carat(Stone(), 8.0).length_mm}


def figures(carat: float) -> tuple[float, float]:
    """The table's width and thickness at the head for `carat`, computed here from the rows (not by the check)."""
    carats, widths, thicknesses = zip(*CARRYING_TABLE, strict=True)
    if carat <= carats[-1]:
        return float(np.interp(carat, carats, widths)), float(np.interp(carat, carats, thicknesses))
    grow = (carat / carats[-1]) ** (1 / 3)
    return widths[-1] * grow, thicknesses[-1] * grow


# ---------------------------------------------------------------- the two cases


def test_an_8_ct_stone_on_a_2_2_mm_band_blocks():
    doc = ring(eight_carats(), {"style": "prong", "prongs": 4}, width_mm=2.2, thickness_mm=1.8)
    design = parse_design(doc)
    assert trade_carat(design.stone) == pytest.approx(8.0, abs=0.01)
    (found,) = carrying(design)
    assert found.severity is Severity.BLOCKING and found.where == HEAD
    width, thickness = figures(8.0)
    # the dimension furthest short names the finding: 1.8 of 2.92 mm thick (0.62) against 2.2 of 3.16 mm wide (0.70)
    assert found.part == "ring.thickness_mm" and found.value_mm == 1.8
    assert found.limit_mm == pytest.approx(thickness, abs=0.01)
    assert dict(found.changes) == {"ring.width_mm": math.ceil(width * 10) / 10,
                                   "ring.thickness_mm": math.ceil(thickness * 10) / 10} == {"ring.width_mm": 3.2,
                                                                                         "ring.thickness_mm": 3.0}
    assert found.fix == "make the band at least 3.2 mm wide and 3.0 mm thick at the head, or choose a smaller stone"
    assert "8.00 ct" in found.message and "2.2 mm wide" in found.message


def test_a_15_87_mm_stone_on_the_default_band_blocks():
    design = parse_design(ring({"length_mm": 15.87}))
    assert (design.ring.width_mm, design.ring.thickness_mm) == (4.0, 1.8)  # the document's default band
    (found,) = carrying(design)
    assert found.severity is Severity.BLOCKING and found.where == HEAD
    assert found.part == "ring.thickness_mm" and found.value_mm == 1.8  # 4 mm is wide enough; 1.8 mm is not thick
    assert found.limit_mm == pytest.approx(figures(trade_carat(design.stone))[1], abs=0.01)
    assert dict(found.changes) == {"ring.thickness_mm": 3.7}


@pytest.mark.parametrize("stone", [eight_carats(), {"length_mm": 15.87}], ids=["8ct-on-2.2mm", "15.87mm-default-band"])
@pytest.mark.slow
def test_the_command_line_check_exits_1_naming_it(tmp_design, stone):
    band = {"width_mm": 2.2, "thickness_mm": 1.8} if stone["length_mm"] < 15 else {}
    path = tmp_design(ring(stone, **band))
    result = subprocess.run([sys.executable, "-m", "configurator", "check", str(path)], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ready to cast" not in result.stdout
    line = next(line for line in result.stderr.splitlines() if "carry" in line)
    assert "blocking" in line and "ring.thickness_mm" in line and "choose a smaller stone" in line
    report = subprocess.run([sys.executable, "-m", "configurator", "check", str(path), "--json"], capture_output=True,
                            text=True, cwd=ROOT)
    assert report.returncode == 1
    (found,) = [finding for finding in json.loads(report.stdout)["findings"] if finding["kind"] == "carrying"]
    assert found["severity"] == "blocking" and found["where"] == HEAD and found["changes"]


# ---------------------------------------------------------------- what the trade sets as a matter of course passes


@pytest.mark.parametrize(("width", "thickness"), [(1.8, 1.6), (1.8, 1.8), (2.0, 1.6), (2.0, 1.8)])
def test_a_one_carat_solitaire_on_a_slim_band_has_no_finding_at_all(width, thickness):
    design = parse_design(ring({"length_mm": 6.5}, {"style": "prong", "prongs": 4}, width_mm=width,
                               thickness_mm=thickness))
    assert trade_carat(design.stone) == pytest.approx(1.03, abs=0.01)
    assert [finding.line() for finding in check(design, model_of(design))] == []


@pytest.mark.parametrize("path", sorted((ROOT / "models").glob("*.json")), ids=lambda path: path.stem)
@pytest.mark.slow
def test_no_preset_draws_the_finding(path):
    assert [finding.line() for finding in carrying(json.loads(path.read_text()))] == []


def test_only_the_centre_stone_counts_and_a_pendant_is_not_judged():
    three_stone = json.loads((ROOT / "models" / "three-stone.json").read_text())
    larger_sides = three_stone | {"side_stones": {"stone": {"shape": "pear", "length_mm": 6.0}, "style": "prong"}}
    assert carrying(larger_sides) == []  # the sides are not what the band carries under the head
    halo = ring({"shape": "cushion", "length_mm": 12.0}, {"style": "halo"}, width_mm=2.2, thickness_mm=1.7)
    assert [finding.severity for finding in carrying(halo)] == [Severity.BLOCKING]  # the centre of a halo does
    pendant = {"piece": "pendant", "metal": "18k-yellow", "pendant": {"size_mm": 30.0}, "stone": {"length_mm": 20.0},
               "setting": {"style": "bezel"}}
    assert carrying(pendant) == []


# ---------------------------------------------------------------- its fix


@pytest.mark.parametrize("doc", [
    ring(eight_carats(), width_mm=2.2, thickness_mm=1.8),
    ring({"length_mm": 15.87}),
    ring({"shape": "emerald", "length_mm": 16.0}, {"style": "bezel"}, width_mm=3.0, thickness_mm=2.0),
    ring({"length_mm": 9.3}, width_mm=2.2, thickness_mm=1.8),  # 3 ct: a warning
    ring({"length_mm": 12.87}, {"style": "prong", "prongs": 4}, profile="comfort", width_mm=2.5, thickness_mm=1.8,
         taper={"width_back_mm": 1.8, "thickness_back_mm": 1.5}),
], ids=["8ct", "15.87mm", "emerald-16mm-bezel", "3ct-warning", "tapered"])
def test_its_fix_is_a_valid_design_that_clears_it(doc):
    design = parse_design(doc)
    (found,) = carrying(design)
    fixed = apply_fix(design, found)  # a valid design, or DesignError
    assert carrying(fixed) == []
    assert 1.0 <= fixed.ring.width_mm <= 15.0 and 0.4 <= fixed.ring.thickness_mm <= 4.0
    assert fixed.stone == design.stone  # the band is what changes, when a band we make carries the stone
    if design.ring.taper is not None:  # the taper's back is kept, and stays no wider or thicker than the top
        assert fixed.ring.taper == design.ring.taper
        assert fixed.ring.width_back_mm <= fixed.ring.width_mm and fixed.ring.thickness_back_mm <= fixed.ring.thickness_mm


def test_a_stone_no_band_carries_is_fixed_by_a_smaller_stone():
    design = parse_design(ring({"length_mm": 25.0}, width_mm=2.2, thickness_mm=1.8))
    (found,) = carrying(design)
    assert found.severity is Severity.BLOCKING
    assert found.fix.startswith("choose a smaller stone")
    changes = dict(found.changes)
    assert set(changes) == {"stone.length_mm"} and changes["stone.length_mm"] < 25.0
    fixed = apply_fix(design, found)
    assert carrying(fixed) == [] and fixed.ring == design.ring
    bigger = parse_design(ring({"length_mm": round(changes["stone.length_mm"] + 0.2, 2)}, width_mm=2.2,
                               thickness_mm=1.8))
    assert carrying(bigger)  # the largest this band carries, to a few tenths
    # the client's own stone cannot be made smaller: the fix says so and changes nothing
    own = parse_design(ring({"length_mm": 25.0, "client_supplied": True}, width_mm=2.2, thickness_mm=1.8))
    (found,) = carrying(own)
    assert found.changes == () and found.fix.startswith("choose a smaller stone")


def test_a_smaller_stone_keeps_its_proportions_and_leaves_the_store_s():
    doc = ring({"length_mm": 25.0, "width_mm": 25.0, "depth_mm": 15.0, "stock_number": "S-1"}, width_mm=2.5,
               thickness_mm=1.8)
    (found,) = carrying(doc)
    changes = dict(found.changes)
    assert changes["stone.stock_number"] is None
    assert changes["stone.width_mm"] == changes["stone.length_mm"]
    assert changes["stone.depth_mm"] == pytest.approx(0.6 * changes["stone.length_mm"], abs=0.01)
    assert carrying(apply_fix(parse_design(doc), found)) == []


# ---------------------------------------------------------------- around the limits


def test_a_carat_and_under_is_left_to_the_band_s_own_rules():
    small = parse_design(ring({"length_mm": 6.4}, width_mm=1.3, thickness_mm=1.3))
    assert trade_carat(small.stone) < CARRYING_TABLE[0][0]
    assert carrying(small) == []
    over = parse_design(ring({"length_mm": 6.5}, width_mm=1.2, thickness_mm=1.2))  # 1.03 ct on 1.2 mm: refused
    assert [finding.severity for finding in carrying(over)] == [Severity.BLOCKING]


@pytest.mark.parametrize("carat", [2.5, 5.0, 8.0])
@pytest.mark.slow
def test_the_figures_follow_the_table(carat):
    stone = {"length_mm": stone_for_carat(Stone(), carat).length_mm}
    (found,) = carrying(ring(stone, width_mm=1.0, thickness_mm=4.0))
    assert found.part == "ring.width_mm" and found.limit_mm == pytest.approx(figures(carat)[0], abs=0.01)
    (found,) = carrying(ring(stone, width_mm=15.0, thickness_mm=1.0))
    assert found.part == "ring.thickness_mm" and found.limit_mm == pytest.approx(figures(carat)[1], abs=0.01)
    if carat in (2.5, 5.0):  # the rows themselves: Rockher's 2.0 mm and 1.8 mm, Whiteflash's 2.7 x 2.5 mm head
        assert figures(carat) == dict(((2.5, (2.0, 1.8)), (5.0, (2.7, 2.5))))[carat]


@pytest.mark.parametrize("field", ["width_mm", "thickness_mm"])
@pytest.mark.parametrize("length", [9.3, 12.87], ids=["3ct", "8ct"])
@pytest.mark.slow
def test_at_the_figure_nothing_under_four_fifths_blocks_between_a_warning(field, length):
    roomy = {"width_mm": 15.0, "thickness_mm": 4.0}
    (found,) = carrying(ring({"length_mm": length}, **(roomy | {field: 1.0})))
    limit = found.limit_mm  # the figure rounded up to 0.01 mm: the figure itself is within the last hundredth
    refused = (CARRYING_REFUSED_SHARE * (limit - 0.01), CARRYING_REFUSED_SHARE * limit)  # where blocking ends

    def verdict(value: float):
        return [finding.severity for finding in carrying(ring({"length_mm": length}, **(roomy | {field: value})))]

    assert verdict(limit) == []
    assert verdict(round(limit - 0.02, 2)) == [Severity.WARNING]
    assert verdict(math.ceil(refused[1] * 100) / 100 + 0.01) == [Severity.WARNING]
    assert verdict(math.floor(refused[0] * 100) / 100 - 0.01) == [Severity.BLOCKING]


def test_a_stone_counts_by_its_size_when_it_is_light_for_it():
    """A shallow 12.87 mm stone weighs under half the 8 ct of a well-cut one; it levers the band as widely."""
    shallow = ring({"length_mm": 12.87, "depth_mm": 3.5}, width_mm=2.2, thickness_mm=1.8)
    stone = parse_design(shallow).stone
    assert trade_carat(stone) < 4.0
    (found,) = carrying(shallow)
    assert found.severity is Severity.BLOCKING and found.limit_mm == pytest.approx(figures(8.0)[1], abs=0.02)


# ---------------------------------------------------------------- words a client reads


@pytest.mark.parametrize("doc", [
    ring(eight_carats(), width_mm=2.2, thickness_mm=1.8),
    ring({"length_mm": 15.87}),
    ring({"length_mm": 9.3}, width_mm=2.2, thickness_mm=1.8),
    ring({"length_mm": 25.0}),
    ring({"length_mm": 25.0, "client_supplied": True}),
], ids=["8ct", "15.87mm", "3ct-warning", "25mm", "25mm-own"])
def test_message_and_fix_name_no_fields(doc):
    (found,) = carrying(doc)
    for text in (found.message, found.fix):
        assert not FIELD_NAMES.search(text), text
        assert "_" not in text, text
