"""How metals and stones are drawn: the catalogue's optics (assets/metal-optics.csv, gemstones.csv's index and
dispersion) and the script that computes the metals' colours from published optical constants."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from configurator import catalogue

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def _script():
    """scripts/metal_optics.py as a module (scripts/ is not a package)."""
    name = "metal_optics_script"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "metal_optics.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up while being made
        spec.loader.exec_module(module)
    return sys.modules[name]


def rgb(metal_id: str) -> tuple[float, float, float]:
    return catalogue.metal_optics(metal_id).base_color


def luminance(metal_id: str) -> float:
    r, g, b = rgb(metal_id)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b  # Rec. 709 / sRGB weights of linear RGB


def test_every_metal_has_optics_and_nothing_else_does():
    assert set(catalogue.metal_optics_table()) == set(catalogue.metals())
    for metal_id in catalogue.metals():
        optics = catalogue.metal_optics(metal_id)
        assert optics.id == metal_id
        assert len(optics.base_color) == 3
        assert all(0.0 <= channel <= 1.0 for channel in optics.base_color)
        assert optics.metallic == 1.0
        assert 0.05 <= optics.roughness <= 0.12  # polished
        assert optics.source
    with pytest.raises(KeyError):
        catalogue.metal_optics("24k-purple")


def test_golds_are_gold_coloured_in_linear_rgb():
    golds = [metal_id for metal_id, metal in catalogue.metals().items()
             if metal.element == "gold" and "white" not in metal_id]
    assert len(golds) == 7
    for metal_id in golds:
        r, g, b = rgb(metal_id)
        assert r > g > b, metal_id
        assert r / b > 1.6, metal_id
    # the purest is the most saturated (the least blue)
    assert rgb("22k-yellow")[2] < rgb("18k-yellow")[2] < rgb("14k-yellow")[2]
    r, g, b = rgb("22k-yellow")
    assert r == pytest.approx(1.0, abs=0.01) and 0.70 <= g <= 0.80 and 0.30 <= b <= 0.45


@pytest.mark.parametrize("karat", [10, 14, 18])
def test_rose_is_redder_than_yellow(karat):
    rose, yellow = rgb(f"{karat}k-rose"), rgb(f"{karat}k-yellow")
    assert rose[0] / rose[1] > yellow[0] / yellow[1] + 0.05


def test_platinum_palladium_and_white_golds_are_near_neutral():
    for metal_id in ("platinum-950", "palladium-950", "10k-white", "14k-white", "18k-white"):
        r, g, b = rgb(metal_id)
        assert r / b < 1.2, metal_id
        assert 0.55 < g < 0.85, metal_id  # greyer than silver, as the white metals are
    assert rgb("platinum-950") == pytest.approx((0.67, 0.64, 0.59), abs=0.03)
    assert rgb("palladium-950") == pytest.approx((0.73, 0.70, 0.66), abs=0.03)


def test_silver_is_the_brightest_metal():
    brightest = max(catalogue.metals(), key=luminance)
    assert brightest == "silver-925"
    assert rgb("silver-925") == pytest.approx((0.97, 0.96, 0.91), abs=0.03)


def test_the_csv_is_what_the_script_computes():
    script = _script()
    rows = script.compute_rows()
    assert script.differences(rows) == []
    for row in rows:
        optics = catalogue.metal_optics(row["id"])
        computed = tuple(float(row[f"base_color_linear_{channel}"]) for channel in "rgb")
        assert optics.base_color == pytest.approx(computed, abs=1e-4)
        assert optics.roughness == float(row["roughness"]) and optics.source == row["source"]
    assert script.main(["--check"]) == 0


def test_the_script_reproduces_known_reflectances():
    """Fine gold and silver from Johnson & Christy 1972: the normal-incidence colours renderers quote."""
    script = _script()
    indices, weights = script.optical_constants(), script.observer()
    gold = script.colour(script.REFERENCES["fine gold (24k)"], indices, weights)
    assert (gold["r"], gold["g"], gold["b"]) == pytest.approx((1.0, 0.74, 0.33), abs=0.04)
    silver = script.colour(script.REFERENCES["fine silver"], indices, weights)
    assert min(silver["r"], silver["g"], silver["b"]) > 0.95
    # a perfect reflector is the D65 white: Y = 1 and sRGB (1, 1, 1)
    white = weights.sum(axis=0)
    assert white[1] == pytest.approx(1.0)
    assert white == pytest.approx((0.9504, 1.0, 1.0888), abs=2e-4)
    assert script.XYZ_TO_SRGB @ white == pytest.approx((1.0, 1.0, 1.0), abs=2e-3)


def test_a_measured_colour_goes_the_same_way_as_a_computed_one():
    """A recipe by CIELAB (for alloys measured to ISO 8654) lands where the spectrum with those coordinates does."""
    script = _script()
    indices, weights = script.optical_constants(), script.observer()
    for row in script.compute_rows():
        lab = tuple(float(row[column]) for column in ("cielab_l", "cielab_a", "cielab_b"))
        by_lab = script.colour(script.Recipe(source="test", lab=lab), indices, weights)
        assert (by_lab["r"], by_lab["g"], by_lab["b"]) == pytest.approx(catalogue.metal_optics(row["id"]).base_color,
                                                                         abs=0.004)
        assert (by_lab["L"], by_lab["a"], by_lab["b*"]) == pytest.approx(lab, abs=1e-6)


def test_stones_have_their_index_and_dispersion():
    assert catalogue.gemstone("diamond").refractive_index == 2.417
    assert catalogue.gemstone("lab-diamond").ior == 2.417
    for gem in catalogue.gemstones().values():
        assert gem.dispersion > 0, gem.id
        assert 20 <= gem.abbe_number <= 80, gem.id  # V_d of gem materials (moissanite ~26 to topaz ~76)
    diamond = catalogue.gemstone("diamond")
    assert diamond.abbe_number == pytest.approx(55, abs=1.5)  # KHR_materials_dispersion's example: 20/55 = 0.36
    # the order of fire gemmologists know: moissanite > cubic zirconia > diamond > corundum
    fire = {gem_id: catalogue.gemstone(gem_id).dispersion for gem_id in ("moissanite", "cubic-zirconia", "diamond",
                                                                        "sapphire")}
    assert fire["moissanite"] > fire["cubic-zirconia"] > fire["diamond"] > fire["sapphire"]
    # one mineral, one set of optics
    for a, b in (("sapphire", "ruby"), ("emerald", "aquamarine"), ("aquamarine", "morganite"),
                 ("amethyst", "citrine"), ("diamond", "lab-diamond")):
        ga, gb = catalogue.gemstone(a), catalogue.gemstone(b)
        assert (ga.refractive_index, ga.dispersion) == (gb.refractive_index, gb.dispersion)


def test_a_gemstone_without_a_dispersion_still_loads():
    gem = catalogue.Gemstone(id="x", name="x", mineral="x", density_g_cm3=3.0, refractive_index=1.6,
                             color_hex="#ffffff", colors=("white",), graded="quality")
    assert gem.dispersion == 0.0 and gem.abbe_number is None
