"""Prices a store can stand behind: lines that add up, weights from the mesh, heirlooms, budgets, the table."""

import datetime as dt
import math
import re
import time

import pytest

from configurator import catalogue
from configurator.budget import (
    AS_IT_IS,
    SIZE_STEP_MM,
    STARTING_POINTS,
    _stone_of_length,
    _with,
    castable,
    fit,
    other_metals,
    starting_points,
)
from configurator.builds import model_of
from configurator.design import DIAMOND_CLARITIES, DIAMOND_COLORS
from configurator.documents import parse_design
from configurator.errors import CatalogueError
from configurator.presets import preset, presets
from configurator.price_table import (
    PRICE_TABLE,
    current_price_table,
    dump_price_table,
    load_price_table,
    read_price_table,
    update_price_table,
)
from configurator.pricing import metal_grams
from configurator.quotes import price

from .conftest import ROOT, ring_doc

TABLE = load_price_table()


def solitaire(**stone):
    doc = ring_doc(profile="comfort", width_mm=2.2, thickness_mm=1.7)
    doc["metal"] = "18k-yellow"
    doc["stone"] = {"shape": "round", "length_mm": 5.5, "color": "G", "clarity": "VS2", **stone}
    doc["setting"] = {"style": "prong"}
    return parse_design(doc)


SAMPLES = {
    "band": parse_design(ring_doc()),
    "solitaire": solitaire(),
    "halo": parse_design(ring_doc(profile="comfort", width_mm=2.2) | {
        "stone": {"shape": "oval", "length_mm": 7.0, "width_mm": 5.0, "color": "F", "clarity": "VS1"},
        "setting": {"style": "halo"}, "engraving": {"text": "always & ever"}}),
    "pendant": parse_design({"piece": "pendant", "metal": "silver-925", "pendant": {"outline": "heart"},
                             "stone": {"shape": "heart", "material": "ruby", "length_mm": 6.0, "color": "red"},
                             "setting": {"style": "bezel"}, "heirloom": {"metal": "14k-yellow", "grams": 4.0}}),
}


def lines(quote):
    return dict(zip(quote.lines["item"], quote.lines["amount"], strict=True))


@pytest.mark.parametrize("name", list(SAMPLES))
def test_lines_sum_to_the_total_to_the_cent(name):
    quote = price(SAMPLES[name], TABLE)
    assert all(round(amount, 2) == amount for amount in quote.lines["amount"])
    assert round(sum(quote.lines["amount"]), 2) == quote.total
    as_json = quote.to_dict()
    assert round(sum(line["amount"] for line in as_json["lines"]), 2) == as_json["total"]
    assert as_json["currency"] == "USD" and as_json["table_date"] == TABLE.date.isoformat()


@pytest.mark.parametrize("name", list(SAMPLES))
def test_metal_line_is_mesh_grams_times_price_per_gram(name):
    design = SAMPLES[name]
    quote = price(design, TABLE)
    volume = model_of(design).cast_volume_mm3  # the piece, and a pendant's clasp and jump ring
    grams = volume / 1000 * catalogue.metal(design.metal).density_g_cm3
    assert quote.metal_grams == pytest.approx(grams, rel=1e-12)
    metal = next(amount for item, amount in lines(quote).items() if item.startswith("metal:"))
    assert metal == round(grams * TABLE.metal_per_gram[design.metal], 2)
    sprue = next(amount for item, amount in lines(quote).items() if item.startswith("sprue"))
    assert sprue == round(grams * TABLE.sprue_allowance * TABLE.metal_per_gram[design.metal], 2)


@pytest.mark.parametrize("metal", list(catalogue.metals()))
def test_grams_are_volume_times_density(metal):
    assert metal_grams(1000.0, metal) == catalogue.metal(metal).density_g_cm3


def test_markup_multiplies_the_subtotal():
    quote = price(SAMPLES["solitaire"], TABLE)
    markup = quote.lines[quote.lines["kind"] == "markup"]["amount"].iloc[0]
    subtotal = quote.lines[quote.lines["kind"].isin(["metal", "stone", "chain", "labour", "engraving"])]["amount"].sum()
    assert markup == round(subtotal * (TABLE.markup - 1), 2)


def test_diamond_line_follows_the_grid():
    design = SAMPLES["solitaire"]
    quote = price(design, TABLE)
    carat = next(part.carat for part in model_of(design).stone_parts if part.role == "centre")
    stone = next(amount for item, amount in lines(quote).items() if item.startswith("stone:"))
    assert stone == round(carat * TABLE.diamond_per_carat(carat, "G", "VS2"), 2)


def test_a_clients_stone_costs_only_its_setting():
    bought, own = price(solitaire(), TABLE), price(solitaire(client_supplied=True), TABLE)
    own_lines = lines(own)
    stone = next(amount for item, amount in own_lines.items() if item.startswith("stone:"))
    assert stone == 0.0 and "client's own" in next(item for item in own_lines if item.startswith("stone:"))
    assert own_lines["labour: setting the centre stone (prong)"] == TABLE.labour.setting.prong
    bought_stone = next(amount for item, amount in lines(bought).items() if item.startswith("stone:"))
    assert bought.total - own.total == pytest.approx(bought_stone * TABLE.markup, abs=0.02)


@pytest.mark.parametrize(("metal", "grams"), [("14k-yellow", 10.0), ("18k-white", 3.5), ("platinum-950", 7.0),
                                              ("silver-925", 20.0), ("22k-yellow", 1.0)])
def test_heirloom_credit_follows_purity_times_grams(metal, grams):
    design = parse_design(ring_doc() | {"heirloom": {"metal": metal, "grams": grams}})
    plain = price(parse_design(ring_doc()), TABLE)
    credited = price(design, TABLE)
    old = catalogue.metal(metal)
    expected = grams * old.purity * TABLE.fine_metal_per_gram[old.element] * TABLE.refining_rate
    credit = credited.lines[credited.lines["kind"] == "credit"]["amount"].iloc[0]
    assert credit == -round(expected, 2) and credit < 0
    assert credited.total == pytest.approx(plain.total - round(expected, 2), abs=0.01)


def test_karat_drives_the_credit():
    credits = [price(parse_design(ring_doc() | {"heirloom": {"metal": f"{k}k-yellow", "grams": 10.0}}), TABLE).credits
               for k in (10, 14, 18, 22)]
    assert credits == sorted(credits, reverse=True)  # more gold, a larger (more negative) credit
    assert credits[2] / credits[1] == pytest.approx(0.750 / 0.585, rel=1e-3)


def test_engraving_is_charged_per_character():
    quote = price(SAMPLES["halo"], TABLE)
    assert lines(quote)["labour: engraving 11 characters"] == 11 * TABLE.labour.engraving_per_character


def test_accent_stones_are_priced_and_set():
    quote = price(SAMPLES["halo"], TABLE)
    accents = [part for part in model_of(SAMPLES["halo"]).stone_parts if part.role == "accent"]
    item = next(item for item in lines(quote) if item.startswith("accent stones:"))
    assert f"{len(accents)} round" in item
    setting = lines(quote)[f"labour: setting {len(accents)} accent stones (halo)"]
    assert setting == round(len(accents) * TABLE.labour.accent.halo, 2)


def test_catalogue_comparison_has_no_design_labour():
    quote = price(SAMPLES["solitaire"], TABLE)
    frame = quote.lines
    materials = frame[frame["kind"].isin(["metal", "stone"])]["amount"].sum()
    setting = frame[frame["item"].str.startswith("labour: setting")]["amount"].sum()
    expected = (materials + TABLE.labour.catalogue_casting + TABLE.labour.catalogue_finishing + setting)
    assert quote.catalogue_total == pytest.approx(expected * TABLE.catalogue_markup, abs=0.05)
    assert quote.catalogue_total < quote.total
    assert quote.to_dict()["catalogue"]["difference"] == round(quote.total - quote.catalogue_total, 2)


def test_diamond_grid_rises_with_size_and_grade():
    by_carat = [TABLE.diamond_per_carat(carat, "G", "VS2") for carat in (0.2, 0.4, 0.6, 0.8, 0.95, 1.2, 1.7, 2.5, 4.0)]
    assert by_carat == sorted(by_carat)
    by_color = [TABLE.diamond_per_carat(1.0, color, "VS2") for color in DIAMOND_COLORS]
    assert by_color == sorted(by_color, reverse=True)
    by_clarity = [TABLE.diamond_per_carat(1.0, "G", clarity) for clarity in DIAMOND_CLARITIES]
    assert by_clarity == sorted(by_clarity, reverse=True)


def test_lab_grown_is_a_share_of_natural():
    natural = price(solitaire(), TABLE)
    lab = price(solitaire(material="lab-diamond"), TABLE)
    stone = lambda quote: next(a for i, a in lines(quote).items() if i.startswith("stone:"))  # noqa: E731
    assert stone(lab) == pytest.approx(stone(natural) * TABLE.lab_diamond_share, abs=0.01)


# ------------------------------------------------------------------------------------------------- budget

BUDGET = 4000.0


@pytest.fixture(scope="module")
def suggestions():
    return {suggestion.change.split(":")[0]: suggestion for suggestion in fit(solitaire(), BUDGET, TABLE)}


def test_every_suggestion_comes_in_under_the_budget(suggestions):
    assert price(solitaire(), TABLE).total > BUDGET
    assert {"smaller centre stone", "lower colour", "lower clarity", "another stone"} <= set(suggestions)
    for suggestion in suggestions.values():
        assert suggestion.total <= BUDGET
        assert price(suggestion.design, TABLE).total == suggestion.total


@pytest.mark.slow  # 4-5 s of builds: the quick run stays under 2 minutes
def test_smaller_stone_is_the_largest_that_fits(suggestions):
    suggestion = suggestions["smaller centre stone"]
    length = suggestion.design.stone.length_mm
    # Brute force over every size step from 4 mm to the original: the suggestion is the largest that fits.
    fitting = []
    size = 4.0
    while size < solitaire().stone.length_mm - 1e-9:
        if price(_stone_of_length(solitaire(), size), TABLE).total <= BUDGET:
            fitting.append(round(size, 2))
        size += SIZE_STEP_MM
    assert max(fitting) == pytest.approx(length)


@pytest.mark.parametrize(("kind", "field", "grades"), [("lower colour", "color", DIAMOND_COLORS),
                                                         ("lower clarity", "clarity", DIAMOND_CLARITIES)])
def test_lower_grade_is_the_best_that_fits(suggestions, kind, field, grades):
    design = solitaire()
    current = getattr(design.stone, field)
    totals = {grade: price(_with(design, stone={field: grade}), TABLE).total
              for grade in grades[grades.index(current) + 1:]}
    best = max((grade for grade, total in totals.items() if total <= BUDGET), key=lambda grade: totals[grade])
    assert getattr(suggestions[kind].design.stone, field) == best


def test_metals_that_fit_are_all_listed_closest_first():
    design = parse_design(ring_doc(width_mm=8.0, thickness_mm=2.5) | {"metal": "platinum-950"})
    budget = price(design, TABLE).total - 1.0
    found = [s for s in fit(design, budget, TABLE) if s.change.startswith("another metal")]
    brute = sorted((price(_with(design, metal=m), TABLE).total, m) for m in catalogue.metals() if m != design.metal)
    under = [total for total, _ in brute if total <= budget]
    assert [s.total for s in found] == sorted(under, reverse=True)[:3]


def test_a_design_within_budget_needs_no_change():
    assert fit(solitaire(), 1e6, TABLE) == []


def test_a_graduated_row_follows_a_smaller_centre_only_as_far_as_the_document_allows():
    design = preset("side-stone-ring")  # three 2.6 mm channel stones a side, graduated 0.85: the row's least is 1.5 mm
    smaller = next(s for s in fit(design, 6000.0, TABLE) if s.change.startswith("smaller centre stone"))
    assert smaller.total <= 6000.0 and smaller.design.side_stones.stones[-1].length_mm >= 1.5
    assert fit(design, 1500.0, TABLE) == []  # the smallest centre its row allows is beyond this budget: no crash


# ------------------------------------------------------------------------------------ starting points

STARTING_BUDGETS = (900.0, 3000.0)


@pytest.fixture(scope="module")
def starts():
    return {budget: starting_points(budget, presets(), TABLE) for budget in STARTING_BUDGETS}


@pytest.mark.slow  # builds and checks every preset's variants (about 25 s)
@pytest.mark.parametrize("budget", STARTING_BUDGETS)
def test_starting_points_are_castable_designs_within_the_budget_closest_first(starts, budget):
    found = starts[budget]
    assert 0 < len(found) <= STARTING_POINTS
    assert len({start.preset for start in found}) == len(found)  # one a preset
    assert [start.total for start in found] == sorted((start.total for start in found), reverse=True)
    for start in found:
        assert start.total <= budget
        assert start.total == price(start.design, TABLE).total
        assert parse_design(start.design.to_dict()) == start.design
        assert castable(start.design), (start.preset, start.change)
        own = presets()[start.preset]
        if price(own, TABLE).total <= budget:
            assert (start.change, start.design) == (AS_IT_IS, own)
        else:
            assert start.change != AS_IT_IS and start.design != own


@pytest.mark.slow  # builds and checks every preset's variants (about 25 s)
def test_a_starting_point_over_the_budget_keeps_the_stones_grades_where_it_can(starts):
    """Of the budget helper's suggestions, the closest that keeps the stone's grades: the solitaire at 3,000 comes
    with a smaller G stone, not its 1 ct stone in a lower colour (which comes closer to the budget)."""
    start = next(start for start in starts[3000.0] if start.preset == "Classic solitaire")
    suggestions = fit(preset("solitaire-ring"), 3000.0, TABLE)
    keeping = [suggestion for suggestion in suggestions if not suggestion.change.startswith("lower")]
    assert start.total == max(suggestion.total for suggestion in keeping) < max(s.total for s in suggestions)
    assert start.change.startswith("smaller centre stone") and start.design.stone.color == "G"


@pytest.mark.slow  # builds and checks every preset's variants (about 25 s)
def test_every_preset_comes_as_it_is_within_a_large_budget():
    found = starting_points(1e6, presets(), TABLE, most=len(presets()))
    assert {start.preset: start.design for start in found} == dict(presets())
    assert {start.change for start in found} == {AS_IT_IS}
    assert starting_points(1e6, presets(), TABLE, most=3) == found[:3]


@pytest.mark.slow  # 4-5 s of builds: the quick run stays under 2 minutes
def test_a_budget_no_preset_comes_within_gives_no_starting_point():
    assert starting_points(50.0, presets(), TABLE) == []


@pytest.mark.slow  # builds and checks every preset's variants (about 25 s)
def test_starting_points_are_remembered_by_budget_and_price_table(starts):
    started = time.perf_counter()
    again = starting_points(3000.0, presets(), TABLE)
    assert time.perf_counter() - started < 0.5 and again == starts[3000.0]
    bands = {name: design for name, design in presets().items() if design.stone is None and design.ring is not None}
    dearer = TABLE.model_copy(update={"markup": TABLE.markup * 2})
    cheap, dear = starting_points(1e6, bands, TABLE), starting_points(1e6, bands, dearer)
    assert [start.preset for start in cheap] == [start.preset for start in dear]
    assert [start.total for start in dear] == [price(start.design, dearer).total for start in dear]
    assert all(d.total > c.total for c, d in zip(cheap, dear, strict=True))


# ------------------------------------------------------------------------------------------- the table


def _write(tmp_path, text, name="prices.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("14k-yellow = 79.0", "14k-yellow = -79.0"), "metal_per_gram"),
        (("markup = 2.0 ", 'markup = "lots" '), "markup"),
        (('currency = "USD"', 'currency = "dollars"'), "currency"),
        (("date = 2026-11-25", "date = 2026-13-45"), "not valid TOML"),
        (("gold = 130.0", "gold = 130.0\nunobtainium = 5.0"), "fine_metal_per_gram.unobtainium"),
        (("[labour]\n", "[labour]\nbonus = 3.0\n"), "labour.bonus"),
    ],
)
def test_malformed_price_table_is_refused_naming_the_field(tmp_path, change, words):
    text = PRICE_TABLE.read_text()
    assert change[0] in text
    with pytest.raises(CatalogueError, match=words):
        load_price_table(_write(tmp_path, text.replace(*change, 1)))


def test_a_table_without_a_new_metal_quotes_the_others_and_refuses_it_in_words(tmp_path):
    text = PRICE_TABLE.read_text()
    table = load_price_table(_write(tmp_path, text.replace("14k-rose = 79.0\n", "", 1)))
    assert table.unpriced_metals() == ["14k-rose"]
    assert price(parse_design(ring_doc()), table).total == price(parse_design(ring_doc()), TABLE).total
    with pytest.raises(CatalogueError, match="the store has not priced 14k rose gold yet"):
        price(parse_design({**ring_doc(), "metal": "14k-rose"}), table)
    offered = [suggestion.change for suggestion in other_metals(solitaire(), 1e6, table)]
    assert "another metal: 14k white gold" in offered and not any("14k rose" in change for change in offered)


def test_a_table_that_prices_no_metal_is_refused(tmp_path):
    text = PRICE_TABLE.read_text()
    start = text.index("[metal_per_gram]")
    end = text.index("\n[", start + 1)
    with pytest.raises(CatalogueError, match="metal_per_gram: no price for"):
        load_price_table(_write(tmp_path, text[:start] + "[metal_per_gram]\n" + text[end:]))


def test_a_hole_in_the_diamond_grid_is_refused(tmp_path):
    grid = (PRICE_TABLE.parent / "diamond_prices.csv").read_text().splitlines()
    (tmp_path / "diamond_prices.csv").write_text("\n".join(row for row in grid if ",H,SI1," not in row) + "\n")
    with pytest.raises(CatalogueError, match="diamonds: no price for .* H SI1"):
        load_price_table(_write(tmp_path, PRICE_TABLE.read_text()))


def test_a_negative_gem_price_is_refused(tmp_path):
    gems = (PRICE_TABLE.parent / "gem_prices.csv").read_text().replace("ruby,red,eye-clean,1800", "ruby,red,eye-clean,-1")
    (tmp_path / "gem_prices.csv").write_text(gems)
    with pytest.raises(CatalogueError, match="gems"):
        load_price_table(_write(tmp_path, PRICE_TABLE.read_text()))


def test_the_table_round_trips_through_its_writer(tmp_path):
    data = read_price_table(PRICE_TABLE)
    again = load_price_table(_write(tmp_path, dump_price_table(data)))
    assert again.model_dump(exclude={"diamonds", "gems"}) == TABLE.model_dump(exclude={"diamonds", "gems"})


def test_an_edit_is_validated_dated_and_used_by_the_next_quote(tmp_path, monkeypatch):
    store = tmp_path / "store" / "prices.toml"
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(PRICE_TABLE))
    before = price(SAMPLES["band"]).total
    table = update_price_table({"metal_per_gram.14k-yellow": 90.0, "markup": 2.5}, store, today=dt.date(2027, 1, 2))
    assert table.date == dt.date(2027, 1, 2) and table.metal_per_gram["14k-yellow"] == 90.0
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(store))
    assert current_price_table().markup == 2.5
    after = price(SAMPLES["band"]).total
    assert after > before
    # A bad edit is refused with the field named, and the store's file is left as it was.
    saved = store.read_bytes()
    with pytest.raises(CatalogueError, match="metal_per_gram.14k-yellow"):
        update_price_table({"metal_per_gram.14k-yellow": -1.0}, store)
    with pytest.raises(CatalogueError, match="no such price table field"):
        update_price_table({"metal_per_gram.gold-plate": 1.0}, store)
    assert store.read_bytes() == saved
    assert math.isclose(price(SAMPLES["band"]).total, after)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_clients_lines_carry_the_markup_each_and_add_up(name):
    quote = price(SAMPLES[name], TABLE)
    client = quote.client_lines()
    assert round(sum(line.amount for line in client), 2) == quote.total
    assert [line.kind for line in client] == sorted(
        (line.kind for line in client),
        key=["metal", "stone", "chain", "workmanship", "engraving", "credit"].index)
    assert not any("markup" in line.item.lower() for line in client)
    frame = quote.lines
    markup = TABLE.markup
    workmanship = next(line.amount for line in client if line.kind == "workmanship")
    labour = round(frame[frame["kind"] == "labour"]["amount"].sum(), 2)
    assert workmanship == pytest.approx(labour * markup, abs=0.02)  # the labour with its own share of the markup
    metal = next(line.amount for line in client if line.kind == "metal")
    # the metal and its sprue allowance, marked up like the rest (a cent of rounding goes to the largest line)
    assert metal == pytest.approx(round(frame[frame["kind"] == "metal"]["amount"].sum(), 2) * markup, abs=0.02)


def test_a_pendants_chain_is_weighed_and_priced():
    from configurator.fittings import chain, chain_volume_mm3

    design = SAMPLES["pendant"]
    quote = price(design, TABLE)
    length = design.pendant.chain.length_mm
    assert chain_volume_mm3(length) == pytest.approx(chain(length).volume, rel=1e-7)  # the links' own volume (the mesh in float32, the solid exact)
    grams = chain_volume_mm3(length) / 1000 * catalogue.metal(design.metal).density_g_cm3
    assert quote.chain_grams == pytest.approx(grams, rel=1e-12)
    chain_lines = quote.lines[quote.lines["kind"] == "chain"]["amount"].tolist()
    assert chain_lines == [round(grams * TABLE.metal_per_gram[design.metal], 2),
                           round(length / 1000 * TABLE.labour.chain_per_metre, 2)]
    longer = parse_design(design.to_dict() | {"pendant": {**design.to_dict()["pendant"], "chain": {"length_mm": 600.0}}})
    assert price(longer, TABLE).total > quote.total  # a longer chain costs more
    assert price(longer, TABLE).metal_grams == quote.metal_grams  # the cast metal is the same


def test_a_pendants_clasp_and_jump_ring_are_weighed():
    design = SAMPLES["pendant"]
    model = model_of(design)
    assert model.fittings_volume_mm3 > 20.0  # a clasp and a jump ring are a good part of a small pendant's metal
    assert price(design, TABLE).metal_grams == pytest.approx(
        (model.metal_volume_mm3 + model.fittings_volume_mm3) / 1000 * catalogue.metal(design.metal).density_g_cm3)


def test_the_catalogue_comparison_counts_credits():
    design = parse_design(ring_doc() | {"heirloom": {"metal": "14k-yellow", "grams": 5.0}})
    quoted = price(design, TABLE).to_dict()
    comparison = quoted["catalogue"]
    assert comparison["total"] == round(comparison["before_credits"] + price(design, TABLE).credits, 2)
    assert round(comparison["total"] + comparison["difference"], 2) == quoted["total"]  # adds up to what is shown


def test_a_pendant_quote_has_no_ring_figures_and_a_stray_ring_part_is_refused():
    from configurator.documents import without_stray_parts
    from configurator.errors import DesignError
    from configurator.quotes import quote_summary

    doc = SAMPLES["pendant"].to_dict() | {"ring": ring_doc()["ring"]}
    with pytest.raises(DesignError, match=r"^ring: a pendant design carries no ring part"):
        parse_design(doc)
    summary = quote_summary(parse_design(without_stray_parts(doc)))  # a design saved before, opened from the store
    assert summary.inner_diameter_mm is None and summary.ring_size is None
    assert summary.chain.length_mm == 450.0 and summary.chain.grams > 0
    result = summary.to_dict()
    assert "inner_diameter_mm" not in result and "ring_size" not in result and result["chain"]["length_mm"] == 450.0


@pytest.mark.parametrize("preset", ["halo-ring", "side-stone-ring", "half-eternity", "bezel-pendant"])
def test_the_summarys_total_carat_is_the_sum_of_its_stone_lines(preset):
    from configurator.documents import load_design
    from configurator.quotes import quote_summary

    summary = quote_summary(load_design(ROOT / "models" / f"{preset}.json"))
    assert summary.stones
    rounding = 5e-4 * (len(summary.stones) + 1)  # each line's carat and the total are rounded to 0.001
    assert summary.total_carat == pytest.approx(sum(stone.carat for stone in summary.stones), abs=rounding)
    for stone in summary.stones:
        assert stone.carat == pytest.approx(stone.count * stone.carat_each, abs=5e-4 + stone.count * 5e-5)


def test_a_summary_pickles_and_its_dict_keeps_the_quote_jsons_keys():
    import pickle

    from configurator.documents import load_design
    from configurator.quotes import quote_summary

    summary = quote_summary(load_design(ROOT / "models" / "side-stone-ring.json"))
    assert pickle.loads(pickle.dumps(summary)) == summary  # the app's cache keeps it pickled
    result = summary.to_dict()
    assert list(result) == ["piece", "metal", "inner_diameter_mm", "inner_circumference_mm", "ring_size",
                            "metal_volume_mm3", "metal_grams", "side_stones", "stones", "total_carat", "price"]
    assert list(result["side_stones"]) == ["setting", "per_shoulder", "graduation", "count", "shared_prongs"]
    centre, *sides = result["stones"]
    assert list(centre) == ["role", "shape", "cut", "material", "length_mm", "width_mm", "depth_mm", "color",
                            "clarity", "carat", "client_supplied"]  # one stone: no count
    assert [list(side) for side in sides] == 3 * [["role", "shape", "cut", "material", "length_mm", "width_mm",
                                                   "depth_mm", "color", "clarity", "setting", "share_of_centre",
                                                   "count", "carat", "carat_each"]]
    assert list(result["price"]) == ["currency", "table_date", "lines", "client_lines", "total",
                                     "leftover_metal_grams", "catalogue"]
    pendant = quote_summary(load_design(ROOT / "models" / "bezel-pendant.json")).to_dict()
    assert list(pendant) == ["piece", "metal", "metal_volume_mm3", "findings_volume_mm3", "metal_grams", "chain",
                             "stones", "total_carat", "price"]  # no ring figures, and no null in their place
    assert list(pendant["chain"]) == ["style", "length_mm", "links", "grams"]


def test_a_budget_helps_a_narrow_marquise_without_crashing():
    design = parse_design(ring_doc() | {"stone": {"shape": "marquise", "length_mm": 6.5, "width_mm": 1.0}})
    suggestions = fit(design, 300.0, TABLE)
    assert all(suggestion.design.stone is None or suggestion.design.stone.outline_width_mm >= 1.0
               for suggestion in suggestions)
    design = parse_design(ring_doc() | {"stone": {"shape": "marquise", "length_mm": 6.5, "width_mm": 2.5}})
    smaller = next(s for s in fit(design, price(design, TABLE).total - 100.0, TABLE) if s.change.startswith("smaller"))
    stone = smaller.design.stone
    assert stone.outline_width_mm >= 1.0 and stone.length_mm / stone.width_mm == pytest.approx(2.6, rel=0.02)


@pytest.mark.parametrize("grams", [30.0, 1000.0])
def test_a_clients_metal_is_credited_up_to_the_pieces_value_and_the_rest_returned(grams):
    design = parse_design(ring_doc() | {"heirloom": {"metal": "22k-yellow", "grams": grams}})
    quote = price(design, TABLE)
    assert quote.total == 0.0  # never below nothing
    before = round(quote.lines[quote.lines["kind"] != "credit"]["amount"].sum(), 2)
    credit = quote.lines[quote.lines["item"].str.startswith("credit:")]["amount"].iloc[0]
    assert credit == -before
    old = catalogue.metal("22k-yellow")
    per_gram = old.purity * TABLE.fine_metal_per_gram["gold"] * TABLE.refining_rate
    assert quote.leftover_grams == pytest.approx(grams - before / per_gram, abs=1e-6)
    returned = [item for item in quote.lines["item"] if item.startswith("returned:")]
    assert returned and f"{quote.leftover_grams:.2f} g" in returned[0]
    assert fit(design, 100.0, TABLE) == []  # within any budget: the client's metal pays for it all
    assert quote.to_dict()["catalogue"]["total"] == 0.0


def test_a_store_that_buys_the_leftover_metal_says_so_on_a_line_of_its_own():
    bought = TABLE.model_copy(update={"leftover_metal": "buy"})
    design = parse_design(ring_doc() | {"heirloom": {"metal": "22k-yellow", "grams": 30.0}})
    quote = price(design, bought)
    line = quote.lines[quote.lines["item"].str.startswith("bought:")]
    assert len(line) == 1
    old = catalogue.metal("22k-yellow")
    per_gram = old.purity * TABLE.fine_metal_per_gram["gold"] * TABLE.refining_rate
    assert line["amount"].iloc[0] == round(-quote.leftover_grams * per_gram, 2)
    assert quote.total == line["amount"].iloc[0]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("metal_per_gram.18k-yellow", 1e308, "from 0 to 10,000"),
    ("metal_per_gram.18k-yellow", True, "must be a number, not true"),
    ("markup", True, "markup: must be a number, not true"),
    ("labour.casting", 1e9, "labour.casting: Input should be less than or equal to 100000"),
    ("labour.casting", float("inf"), "finite"),
    ("refining_rate", 1.5, "refining_rate"),
])
def test_every_price_is_a_finite_number_within_its_bounds(tmp_path, field, value, words):
    data = read_price_table(PRICE_TABLE)
    node, keys = data, field.split(".")
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    with pytest.raises(CatalogueError, match=re.escape(words)):
        from configurator.price_table import parse_price_table

        parse_price_table(data)


def test_prices_set_refuses_a_price_past_its_bound(tmp_path, monkeypatch):
    table = tmp_path / "prices.toml"
    table.write_text(PRICE_TABLE.read_text())
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(table))
    with pytest.raises(CatalogueError, match="18k-yellow: a price per gram is a number from 0 to 10,000"):
        update_price_table({"metal_per_gram.18k-yellow": 1e308})
    assert table.read_text() == PRICE_TABLE.read_text()  # nothing written
