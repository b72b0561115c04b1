"""The spec sheet: four pages with the views, the piece at a glance and the setter's stone table, the gem map, weights
in every alloy, the caster's figures, check and price."""

import io
import json
import math
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from configurator import catalogue, eternity, gem_map, sidestones
from configurator.builds import model_of
from configurator.casting import casting_of
from configurator.checks import check
from configurator.documents import load_design, parse_design
from configurator.price_table import PriceTable, current_price_table
from configurator.pricing import metal_grams
from configurator.quotes import price, quote_summary
from configurator.sheet import spec_sheet
from configurator.styles import default_prong_mm

from .conftest import ring_doc


@pytest.fixture(scope="module")
def halo():
    design = load_design("models/halo-ring.json")
    reader = PdfReader(io.BytesIO(spec_sheet(design)))
    return design, [page.extract_text() for page in reader.pages], reader


def test_four_pages_with_three_views_on_the_first(halo):
    _, pages, reader = halo
    assert len(pages) == 4
    assert len(reader.pages[0].images) == 3  # front, side, top
    assert len(reader.pages[1].images) == 1  # the gem map
    for number, (text, title) in enumerate(zip(pages, ["Ring in platinum 950: spec sheet", "Metal and stones",
                                                        "Casting", "Workshop check and price"], strict=True), start=1):
        assert title in text and f"Ring spec sheet, page {number}" in text


def test_ring_size_in_every_system_and_the_dimensions(halo):
    design, pages, _ = halo
    first = pages[0]
    for system, label in design.ring_size.all_systems().items():
        assert system in first and label in first
    assert f"{design.ring_size.inner_diameter_mm:.2f} mm" in first
    assert f"{design.ring.width_mm:.2f} x {design.ring.thickness_mm:.2f} mm" in first


def test_metal_weight_and_metal_to_melt_in_every_alloy(halo):
    design, pages, _ = halo
    volume = model_of(design).metal_volume_mm3
    button = current_price_table().sprue_button_mm3
    for metal_id, metal in catalogue.metals().items():
        grams = metal_grams(volume, metal_id)
        assert f"{metal.name}" in pages[1]
        assert f"{grams:.2f} {metal_grams(volume + button, metal_id):.2f}" in pages[1].replace("\n", " ")
    assert "+10% on the metal is a price allowance, not metal to melt" in " ".join(pages[1].split())


def test_gem_table_counts_and_totals(halo):
    design, pages, _ = halo
    model = model_of(design)
    second = pages[1]
    assert "cushion / brilliant" in second and "round / brilliant" in second
    assert "F" in second and "VS1" in second
    accents = sum(1 for part in model.stone_parts if part.role == "accent")
    total = sum(part.carat for part in model.stone_parts)
    assert f"total {accents + 1} {total:.3f}" in second.replace("\n", " ")


def test_check_and_price_breakdown(halo):
    design, pages, _ = halo
    third = pages[3].replace("\n", " ")
    findings = check(design, model_of(design))
    assert "Manufacturability: ready to cast" in third
    for finding in findings:
        assert finding.part in third and f"{finding.limit_mm:.2f} mm" in third
    quote = price(design)
    for item, amount in zip(quote.lines["item"], quote.lines["amount"], strict=True):
        assert item in third and f"{amount:,.2f}" in third
    assert f"total USD {quote.total:,.2f}" in third


def test_a_pendant_and_a_plain_band():
    pendant = PdfReader(io.BytesIO(spec_sheet(load_design("models/bezel-pendant.json"))))
    assert len(pendant.pages) == 4 and "Ring size" not in pendant.pages[0].extract_text()
    assert "plate thickness" in pendant.pages[0].extract_text()
    band = PdfReader(io.BytesIO(spec_sheet(parse_design(ring_doc(thickness_mm=0.6)))))
    text = band.pages[1].extract_text() + band.pages[3].extract_text()
    assert "No stones in this design." in text
    assert "not castable: 1 blocking finding(s)" in text and "ring.thickness_mm" in text


@pytest.mark.slow
def test_the_command_line_writes_the_sheet_and_refuses_a_bad_target(tmp_path):
    out = tmp_path / "sheet.pdf"
    done = subprocess.run([sys.executable, "-m", "configurator", "sheet", "models/solitaire-ring.json", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == 4
    for target in (tmp_path / "sheet.txt", tmp_path / "missing" / "sheet.pdf"):
        done = subprocess.run([sys.executable, "-m", "configurator", "sheet", "models/solitaire-ring.json", "-o",
                               str(target)], capture_output=True, text=True)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and not target.exists()


def test_the_sheet_names_the_design_and_its_client():
    design = parse_design(ring_doc() | {"name": "Anna's <b>anniversary</b> band"})
    first = PdfReader(io.BytesIO(spec_sheet(design, client="Anna Smith & Co"))).pages[0].extract_text()
    assert "Anna's <b>anniversary</b> band" in first  # as typed: markup in a name stays text
    assert "for Anna Smith & Co" in first


def test_a_pendants_sheet_has_its_chain_and_no_ring_size():
    design = load_design("models/bezel-pendant.json")
    first = PdfReader(io.BytesIO(spec_sheet(design))).pages[0].extract_text()
    assert "cable, 450 mm" in first and "inner diameter" not in first and "Ring size" not in first


def _layout_text(pdf: bytes, tmp_path) -> list[str]:
    """The sheet's pages as `pdftotext -layout` reads them."""
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")


def _number(text: str, label: str, unit: str) -> float:
    """The number printed after `label` on its line, before `unit`."""
    (line,) = [line for line in text.splitlines() if line.strip().startswith(label)]
    return float(re.search(rf"([0-9][0-9,]*\.[0-9]+) ?{unit}(?![/\w])", line.split(label, 1)[1]).group(1).replace(",", ""))


def test_a_pendants_sheet_lists_its_fittings_and_weighs_what_the_quote_weighs(tmp_path):
    design = load_design("models/bezel-pendant.json")
    summary = quote_summary(design)
    pages = _layout_text(spec_sheet(design, audience="workshop"), tmp_path)
    assert _number(pages[0], "weight, as quoted", "g") == round(summary.metal_grams, 2)  # 5.12 g, not the plate's
    assert _number(pages[2], "cast metal", "g") == round(summary.metal_grams, 2)
    model = model_of(design)
    for name, grams in (("jump ring", metal_grams(model.fitting_parts["jump-ring"].volume_mm3, design.metal)),
                        ("lobster clasp", metal_grams(model.fitting_parts["clasp"].volume_mm3, design.metal))):
        (line,) = [line for line in pages[2].splitlines() if line.strip().startswith(name)]
        assert line.split()[len(name.split())] == "cast" and line.split()[-1] == f"{grams:.2f}"
    (chain,) = [line for line in pages[2].splitlines() if line.strip().startswith("chain, cable 450 mm")]
    assert "bought" in chain and chain.split()[-1] == f"{summary.chain.grams:.2f}"


def test_the_casters_figures_are_volume_times_density(tmp_path):
    design = load_design("models/bezel-pendant.json")
    model = model_of(design)
    metal = catalogue.metal(design.metal)
    casting = next(page for page in _layout_text(spec_sheet(design, audience="workshop"), tmp_path)
                   if "metal to melt" in page and "wax volume" in page)
    scale = 1 / (1 - metal.shrinkage_pct / 100)
    button = current_price_table().sprue_button_mm3
    assert _number(casting, "wax volume, nominal", "mm3") == round(model.cast_volume_mm3, 1)
    assert _number(casting, "wax volume, scaled", "mm3") == round(model.cast_volume_mm3 * scale**3, 1)
    assert f"x{scale:.4f}" in casting and f"{metal.shrinkage_pct:g} % linear" in casting
    grams = model.cast_volume_mm3 / 1000 * metal.density_g_cm3
    assert _number(casting, "cast metal", "g") == round(grams, 2)
    assert _number(casting, "sprue and button", "g") == round(button / 1000 * metal.density_g_cm3, 2)
    assert _number(casting, "metal to melt", "g") == round(grams + button / 1000 * metal.density_g_cm3, 2)


def test_the_stores_sprue_and_button_sets_the_metal_to_melt():
    model = model_of(load_design("models/three-stone.json"))
    table = current_price_table()
    grams = metal_grams(model.cast_volume_mm3, "platinum-950")
    for button in (0.0, 500.0, 2500.0):
        casting = casting_of(model, table.model_copy(update={"sprue_button_mm3": button}))
        assert casting.to_melt_grams == pytest.approx(grams + button / 1000 * 20.7)
    with pytest.raises(ValueError, match="sprue_button_mm3"):
        PriceTable.model_validate(table.model_dump() | {"sprue_button_mm3": -1})


def _stone_rows(page: str) -> dict[str, str]:
    """The setter's table's lines by their first word (a stone's number or a row's range)."""
    rows = {}
    for line in page.splitlines():
        words = line.split()
        if words and re.fullmatch(r"[0-9]+(-[0-9]+)?", words[0]) and ":" in line:
            rows[words[0]] = line
    return rows


@pytest.mark.slow
def test_the_stone_table_gives_prongs_and_their_diameters(tmp_path):
    three = load_design("models/three-stone.json")
    first = _layout_text(spec_sheet(three, audience="workshop"), tmp_path)[0]
    rows = _stone_rows(first)
    centre = three.effective_setting.prong_mm or default_prong_mm(three.stone, three.effective_setting.style)
    assert rows["1"].split()[rows["1"].split().index("prong") + 1:][:2] == ["4", f"{centre:.2f}"]
    side = three.side_stones
    diameter = sidestones.prong_mm(side, side.stone) or default_prong_mm(side.stone, side.style)
    assert rows["2-3"].split()[rows["2-3"].split().index("prong") + 1:][:2] == ["4", f"{diameter:.2f}"]
    turn = math.degrees(sidestones.placement(three, model_of(three).band.inner_radius_mm
                                             + three.ring.thickness_mm).angles[0])
    assert f"turned {turn:.1f}" in " ".join(first.split())

    row_design = load_design("models/half-eternity.json")
    first = _layout_text(spec_sheet(row_design, audience="workshop"), tmp_path)[0]
    ring, row = row_design.ring, row_design.ring.eternity
    laid = eternity.layout(ring, row)
    places, radius = eternity.prong_places(eternity.form_of(row), laid.step * laid.girdle_radius / 2)
    line = _stone_rows(first)[f"1-{laid.count}"]
    assert f"{2 * len(places)} each, {(laid.count + 1) * len(places)}" in line  # "... in the row" wraps
    assert f"{2 * radius:.2f}" in line.split()


def test_the_gem_map_numbers_every_stone_centre_first():
    model = model_of(load_design("models/side-stone-ring.json"))
    stones = gem_map.mapped(model)
    assert [item.number for item in stones] == list(range(1, len(model.stone_parts) + 1))
    assert stones[0].part.role == "centre"
    sizes = [item.part.size_mm for item in stones[1:]]
    assert sizes == sorted(sizes, reverse=True)  # side stones nearest the centre (the largest) first
    assert [item.centre[0] > 0 for item in stones[1:]] == [True, False] * 3  # the right shoulder's, then the left's
    table = gem_map.groups(model, stones)
    assert [group.numbers for group in table] == ["1", "2-3", "4-5", "6-7"]
    picture = gem_map.draw(model, stones, table)
    assert picture.width >= 900 and picture.height > 300


def test_the_clients_sheet_has_no_casting_or_setting_figures():
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(spec_sheet(
        load_design("models/bezel-pendant.json"), audience="client"))).pages).lower()
    for word in ("melt", "sprue", "seat depth", "wax", "gem map", "manufacturability"):
        assert word not in text


def test_shared_prongs_are_counted_as_the_metal_stands():
    doc = json.loads(open("models/three-stone.json").read())
    round_stone = {"shape": "round", "cut": "brilliant", "material": "diamond", "color": "G", "clarity": "VS2"}
    doc |= {"stone": round_stone | {"length_mm": 6.5},
            "side_stones": {"stone": round_stone | {"length_mm": 4.5}, "style": "prong", "shared_prongs": True}}
    model = model_of(parse_design(doc))
    centre = gem_map.groups(model)[0]
    own, shared = (int(word) for word in re.fullmatch(r"(\d+) \+ (\d+) shared", centre.prongs).groups())
    tops = model.solid.trim_by_plane((0.0, 0.0, 1.0), model.girdle_z + 0.05).decompose()
    assert own + shared == len(tops)  # every prong over the centre's girdle, its own and those it shares
