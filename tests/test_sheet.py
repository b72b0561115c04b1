"""The spec sheet: three pages with the views, sizes, weights in every alloy, gem table, check and price."""

import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

from configurator import catalogue
from configurator.checks import check
from configurator.documents import load_design, parse_design
from configurator.pricing import metal_grams
from configurator.quotes import model_of, price
from configurator.sheet import spec_sheet

from .conftest import ring_doc


@pytest.fixture(scope="module")
def halo():
    design = load_design("models/halo-ring.json")
    reader = PdfReader(io.BytesIO(spec_sheet(design)))
    return design, [page.extract_text() for page in reader.pages], reader


def test_three_pages_with_three_views_on_the_first(halo):
    _, pages, reader = halo
    assert len(pages) == 3
    assert len(reader.pages[0].images) == 3  # front, side, top
    for number, (text, title) in enumerate(zip(pages, ["Ring in platinum 950: spec sheet", "Metal and stones",
                                                        "Workshop check and price"], strict=True), start=1):
        assert title in text and f"Ring spec sheet, page {number}" in text


def test_ring_size_in_every_system_and_the_dimensions(halo):
    design, pages, _ = halo
    first = pages[0]
    for system, label in design.ring_size.all_systems().items():
        assert system in first and label in first
    assert f"{design.ring_size.inner_diameter_mm:.2f} mm" in first
    assert f"{design.ring.width_mm:.2f} x {design.ring.thickness_mm:.2f} mm" in first


def test_metal_weight_in_every_alloy(halo):
    design, pages, _ = halo
    volume = model_of(design).metal_volume_mm3
    for metal_id, metal in catalogue.metals().items():
        grams = metal_grams(volume, metal_id)
        assert f"{metal.name}" in pages[1]
        assert f"{grams:.2f}" in pages[1] and f"{grams * 1.1:.2f}" in pages[1]


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
    third = pages[2].replace("\n", " ")
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
    assert len(pendant.pages) == 3 and "Ring size" not in pendant.pages[0].extract_text()
    assert "plate thickness" in pendant.pages[0].extract_text()
    band = PdfReader(io.BytesIO(spec_sheet(parse_design(ring_doc(thickness_mm=0.6)))))
    text = band.pages[1].extract_text() + band.pages[2].extract_text()
    assert "No stones in this design." in text
    assert "not castable: 1 blocking finding(s)" in text and "ring.thickness_mm" in text


@pytest.mark.slow
def test_the_command_line_writes_the_sheet_and_refuses_a_bad_target(tmp_path):
    out = tmp_path / "sheet.pdf"
    done = subprocess.run([sys.executable, "-m", "configurator", "sheet", "models/solitaire-ring.json", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == 3
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
