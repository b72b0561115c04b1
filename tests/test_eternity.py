"""Eternity bands: the count from the circumference, the carats from the modelled stones, every family one clean
body with its stones seated and apart, priced per stone, and version-1 documents reading as before."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh

from configurator import families
from configurator.builds import model_of
from configurator.checks import Severity, check
from configurator.design import ROW_GAP_LEAST_MM, SCHEMA_VERSION, DesignError, Eternity
from configurator.documents import parse_design
from configurator.eternity import count_for, girdle_radius, layout
from configurator.families import ETERNITY_FAMILIES, ROW_SETTINGS, eternity_case
from configurator.geometry import build
from configurator.quotes import price, quote_summary
from configurator.solids import PREVIEW
from configurator.stones import modelled_carat

ROOT = Path(__file__).resolve().parent.parent
SETTINGS, COVERAGES = ROW_SETTINGS, families.COVERAGES
row_doc = families.eternity_band


# ---------------------------------------------------------------- closed figures


@pytest.mark.parametrize("coverage", COVERAGES)
@pytest.mark.parametrize("us", [3, 7, 13])
@pytest.mark.parametrize("shape", ["round", "baguette"])
def test_the_count_is_the_arc_over_stone_and_gap(coverage, us, shape):
    design = parse_design(row_doc(shape, coverage=coverage, us=us))
    row = design.ring.eternity
    share = {"full": 1.0, "three-quarter": 0.75, "half": 0.5}[coverage]
    radius = design.ring_size.inner_diameter_mm / 2 + design.ring.thickness_mm + 0.1  # the girdle circle
    expected = math.floor(share * 2 * math.pi * radius / (row.stone.outline_width_mm + row.gap))
    assert count_for(design.ring, row) == expected
    model = build(design, PREVIEW)
    assert sum(part.role == "eternity" for part in model.stone_parts) == expected
    # every girdle's centre on the girdle circle, neighbours one step apart
    centres = np.array([part.mesh.bounds.mean(axis=0) for part in model.stone_parts])
    assert np.hypot(centres[:, 0], centres[:, 2]) == pytest.approx(girdle_radius(design.ring), abs=0.6)


def test_a_larger_size_holds_more_stones_and_a_full_row_spreads_its_spare():
    counts = [count_for(parse_design(row_doc(coverage="full", us=us)).ring, Eternity(coverage="full", stone={
        "length_mm": 2.0})) for us in (4, 7, 10, 13)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    design = parse_design(row_doc(coverage="full"))
    row = layout(design.ring, design.ring.eternity)
    assert row.gap_mm >= design.ring.eternity.gap - 1e-9  # what is left over goes between the stones
    assert row.count * row.step == pytest.approx(2 * math.pi)


def test_the_total_carat_is_the_sum_of_the_modelled_stones():
    design = parse_design(row_doc("princess", coverage="three-quarter"))
    model = model_of(design)
    summary = quote_summary(design)
    row = [part for part in model.stone_parts if part.role == "eternity"]
    (group,) = [stone for stone in summary.stones if stone.role == "eternity"]
    assert group.count == len(row) == summary.eternity.count
    assert group.carat == pytest.approx(sum(part.carat for part in row), abs=1e-3)
    assert summary.total_carat == pytest.approx(group.carat, abs=1e-3)
    each = modelled_carat(design.ring.eternity.stone)  # the same stone modelled alone, at 64 girdle points
    assert group.carat_each == pytest.approx(each, rel=0.03)
    assert summary.eternity.described == f"{len(row)} x 2.5 mm, {group.carat:.2f} ctw"


def test_the_row_is_symmetric_about_the_top():
    design = parse_design(row_doc("emerald", coverage="half"))
    centres = np.array([part.mesh.bounds.mean(axis=0) for part in build(design, PREVIEW).stone_parts])
    angles = np.sort(np.arctan2(centres[:, 0], centres[:, 2]))
    assert angles == pytest.approx(-angles[::-1], abs=1e-3)


# ---------------------------------------------------------------- every family, one clean body


FAMILIES = ETERNITY_FAMILIES


@pytest.mark.parametrize(("shape", "setting", "coverage"), FAMILIES, ids=["-".join(f) for f in FAMILIES])
@pytest.mark.slow
def test_every_family_is_one_body_with_its_stones_seated_and_apart(shape, setting, coverage):
    doc = eternity_case(shape, setting, coverage)
    design = parse_design(doc)
    model = model_of(design)
    assert model.metal.is_watertight and model.body_count == 1
    row = [part for part in model.stone_parts if part.role == "eternity"]
    assert len(row) == count_for(design.ring, design.ring.eternity)
    for part in row[:: max(1, len(row) // 6)]:  # seated: no stone inside the metal
        assert (model.solid ^ part.solid).volume() < 1e-3
    pairs = list(zip(row, row[1:], strict=False)) + ([(row[-1], row[0])] if coverage == "full" else [])
    assert min(a.solid.min_gap(b.solid, 1.0) for a, b in pairs) >= ROW_GAP_LEAST_MM[design.ring.eternity.setting] - 5e-3
    assert [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING] == []


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.slow
def test_an_exported_row_is_clean_when_read_back(tmp_path, setting):
    doc = tmp_path / "row.json"
    doc.write_text(json.dumps(row_doc("asscher", setting, "full")))
    out, stones = tmp_path / "row.stl", tmp_path / "row-stones.stl"
    result = subprocess.run([sys.executable, "-m", "configurator", "export", str(doc), "-o", str(out),
                             "--stones", str(stones)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    mesh = trimesh.load(out, file_type="stl", force="mesh")
    assert mesh.is_watertight and mesh.body_count == 1
    report = subprocess.run(["admesh", str(out)], capture_output=True, text=True, timeout=120).stdout
    for figure in ("Degenerate facets", "Edges fixed", "Facets removed"):
        assert f"{figure}     :     0" in report or _figure(report, figure) == 0, report
    gems = trimesh.load(stones, file_type="stl", force="mesh")
    assert gems.body_count == count_for(parse_design(row_doc("asscher", setting, "full")).ring,
                                        parse_design(row_doc("asscher", setting, "full")).ring.eternity)


def _figure(report: str, name: str) -> int:
    line = next(line for line in report.splitlines() if line.startswith(name))
    return int(line.split(":")[1].split()[0])


# ---------------------------------------------------------------- price, check and document


def test_each_row_stone_is_priced_and_set():
    design = parse_design(row_doc("round", "bezel", "full"))
    quote = price(design)
    count = count_for(design.ring, design.ring.eternity)
    (stones,) = [row for row in quote.rows if row.item.startswith("eternity stones:")]
    (labour,) = [row for row in quote.rows if row.item.startswith("labour: setting")]
    assert stones.item.startswith(f"eternity stones: {count} round diamond")
    from configurator.price_table import current_price_table

    table = current_price_table()
    assert labour.amount == pytest.approx(round(count * table.labour.accent.bezel, 2))
    each = next(part.carat for part in model_of(design).stone_parts)
    assert stones.amount == pytest.approx(round(count * table.stone_price(design.ring.eternity.stone, each), 2),
                                          abs=0.02)
    assert quote_summary(design).eternity.resizable is False  # a full eternity cannot be resized


def test_thin_metal_under_the_row_is_flagged_with_a_fix_that_clears_it():
    design = parse_design(row_doc("princess", "channel", "half", thickness=1.6))
    (finding,) = [f for f in check(design, model_of(design)) if f.kind == "row-under"]
    assert finding.part == "ring.thickness_mm" and finding.value_mm < finding.limit_mm
    from configurator.checks import apply_fix

    fixed = apply_fix(design, finding)
    assert not [f for f in check(fixed, model_of(fixed)) if f.kind == "row-under"]


@pytest.mark.parametrize(("change", "field"), [
    ({"stone": {"length_mm": 5.0}}, "stone: an eternity band carries no centre stone"),
    ({"ring": {"profile": "knife-edge"}}, "ring.eternity"),
    ({"ring": {"width_mm": 2.0}}, "ring.width_mm"),
    ({"ring": {"eternity": {"gap_mm": 0.2, "setting": "bezel"}}}, "ring.eternity.gap_mm"),
    ({"ring": {"eternity": {"stone": {"shape": "pear", "length_mm": 3.0}}}}, "ring.eternity.stone.shape"),
    ({"ring": {"eternity": {"stone": {"length_mm": 6.0}}}}, "ring.eternity.stone.length_mm"),
])
def test_a_row_that_cannot_be_made_is_refused_naming_the_field(change, field):
    doc = row_doc()
    for key, value in change.items():
        if key == "ring":
            ring = doc["ring"]
            for part, part_value in value.items():
                if part == "eternity":
                    row = ring["eternity"]
                    for name, item in part_value.items():
                        row[name] = {**row[name], **item} if isinstance(item, dict) else item
                else:
                    ring[part] = part_value
        else:
            doc[key] = value
    with pytest.raises(DesignError, match=field.replace(".", r"\.")):
        parse_design(doc)


@pytest.mark.parametrize("path", sorted((ROOT / "models").glob("*.json")), ids=lambda path: path.stem)
def test_version_1_documents_read_unchanged_as_version_2(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    design = parse_design(doc)
    assert design.schema_version == SCHEMA_VERSION == 2
    assert {key: value for key, value in design.to_dict().items() if key != "schema_version"} == {
        key: value for key, value in parse_design({**doc, "schema_version": 2}).to_dict().items()
        if key != "schema_version"}
    if doc["schema_version"] == 1:
        assert price(design).total == price(parse_design({**doc, "schema_version": 2})).total


def test_a_version_1_document_has_no_eternity_row():
    with pytest.raises(DesignError, match=r"ring\.eternity: needs schema_version 2"):
        parse_design({**row_doc(), "schema_version": 1})


def test_a_saved_version_1_row_opens_and_quotes_as_before(tmp_path):
    from configurator.storage import Store

    store = Store.open(f"sqlite:///{tmp_path / 'saved.db'}")
    old = json.loads((ROOT / "models" / "solitaire-ring.json").read_text(encoding="utf-8"))
    assert old["schema_version"] == 1
    saved = store.save("Old Client", json.dumps(old), title="before eternity bands")
    reopened = parse_design(json.loads(store.get(saved.id).design_json))
    assert price(reopened).total == price(parse_design(old)).total
