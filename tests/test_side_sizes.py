"""Side stones sized by the trade's rule (PRODUCT.md): each weighs 50-70 % of the centre's carat; the app sizes new
ones to 60 % and offers that size when the centre leaves them outside the range; the three-stone presets follow it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from configurator.design import Stone
from configurator.documents import parse_design
from configurator.stones import SIDE_CARAT_SHARE, matching_side_mm, side_carat_share, trade_carat
from webapp import form

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.mark.parametrize(("centre", "side"), [(("round", 6.5), "round"), (("oval", 7.0), "pear"),
                                              (("princess", 5.5), "trillion"), (("emerald", 8.0), "baguette")])
def test_the_matching_size_weighs_sixty_percent_of_the_centre(centre, side):
    centre_stone = Stone(shape=centre[0], length_mm=centre[1])
    length = matching_side_mm(centre_stone, Stone(shape=side, length_mm=3.0))
    share = trade_carat(Stone(shape=side, length_mm=length)) / trade_carat(centre_stone)
    assert share == pytest.approx(0.6, abs=0.03)  # the length is rounded to 0.05 mm


@pytest.mark.parametrize("preset", ["three-stone", "bridal-set"])
def test_the_three_stone_presets_follow_the_rule(preset):
    design = parse_design(json.loads((MODELS / f"{preset}.json").read_text()))
    share = side_carat_share(design.stone, design.side_stones.stone)
    assert SIDE_CARAT_SHARE[0] <= share <= SIDE_CARAT_SHARE[1]


def test_new_side_stones_are_sized_by_carat_and_the_form_says_the_share():
    doc = {**json.loads((MODELS / "solitaire-ring.json").read_text()), "schema_version": 2}
    ui: dict = {}
    doc = parse_design(form.change(doc, ui, "side_on", True)).to_dict()
    shown = form.values(doc, ui)
    assert shown["side_carat_share"] == pytest.approx(0.6, abs=0.03)
    assert shown["side_matching_mm"] == pytest.approx(shown["side_length"], abs=0.051)
    # a centre twice the size leaves the side stones at an eighth of their share: the matching size is offered
    doc["side_stones"]["stone"]["length_mm"] = round(shown["side_length"] / 2, 2)
    shown = form.values(parse_design(doc).to_dict(), ui)
    assert shown["side_carat_share"] < SIDE_CARAT_SHARE[0]
    assert shown["side_matching_mm"] > shown["side_length"]
