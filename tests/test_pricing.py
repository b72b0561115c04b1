"""Weights and first prices: grams = volume x density, and the lines add up to the total."""

import pytest

from configurator import catalogue
from configurator.design import parse_design
from configurator.errors import CatalogueError
from configurator.geometry import build
from configurator.pricing import PRICE_TABLE, load_price_table, metal_grams, quote
from configurator.stones import trade_carat

from .conftest import ring_doc


@pytest.mark.parametrize("metal", list(catalogue.metals()))
def test_weight_is_volume_times_density(metal):
    design = parse_design(ring_doc() | {"metal": metal})
    volume = build(design).metal_volume_mm3
    priced = quote(design, volume)
    assert priced.metal_grams == pytest.approx(volume / 1000 * catalogue.metal(metal).density_g_cm3, rel=1e-12)
    assert metal_grams(1000.0, metal) == catalogue.metal(metal).density_g_cm3


def test_flat_band_of_18k_yellow_weighs_what_the_formula_says():
    import math

    r = (36.5367 + 2.5535 * 7) / (2 * math.pi)
    analytic = math.pi * ((r + 1.8) ** 2 - r**2) * 4.0 / 1000 * 15.5
    design = parse_design(ring_doc() | {"metal": "18k-yellow"})
    assert quote(design, build(design).metal_volume_mm3).metal_grams == pytest.approx(analytic, rel=0.005)


@pytest.mark.parametrize("client_supplied", [False, True])
def test_lines_sum_to_the_total_and_metal_line_is_grams_times_price(client_supplied):
    design = parse_design(ring_doc() | {"stone": {"length_mm": 6.5, "client_supplied": client_supplied}})
    table = load_price_table()
    priced = quote(design, build(design).metal_volume_mm3, table)
    lines = dict(priced.lines.itertuples(index=False))
    assert round(sum(lines.values()), 2) == priced.total
    metal_line = next(amount for item, amount in lines.items() if item.startswith("metal:"))
    assert metal_line == round(priced.metal_grams * table.metal_per_gram["14k-yellow"], 2)
    stone_line = next(amount for item, amount in lines.items() if item.startswith("stone:"))
    expected = 0.0 if client_supplied else round(trade_carat(design.stone) * table.stone_per_carat["diamond"], 2)
    assert stone_line == expected


def test_round_brilliant_6_5_mm_is_about_one_carat():
    design = parse_design(ring_doc() | {"stone": {"shape": "round", "length_mm": 6.5}})
    assert trade_carat(design.stone) == pytest.approx(1.0, abs=0.05)


def test_malformed_price_table_is_refused_naming_the_field(tmp_path):
    text = PRICE_TABLE.read_text()
    cases = {
        "negative": (text.replace("14k-yellow = 79.0", "14k-yellow = -79.0"), "metal_per_gram"),
        "missing": (text.replace("14k-rose = 79.0\n", ""), "no price for 14k-rose"),
        "markup": (text.replace("markup = 2.0", 'markup = "lots"'), "markup"),
        "toml": (text + "\n[[[", "not valid TOML"),
    }
    for name, (body, words) in cases.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(body)
        with pytest.raises(CatalogueError, match=words):
            load_price_table(path)
