"""A design whose centre stone is one of the store's: the document carries its stock number and measured size, the
geometry is built at that size, the quote charges the stone's own price (or the grid's at its certified carat), the
sheet names its report, and budget suggestions can offer other stones of the selection."""

from __future__ import annotations

import io
import json

import numpy as np
import pypdf
import pytest

from configurator.budget import fit
from configurator.builds import model_of
from configurator.design import DesignError
from configurator.documents import parse_design
from configurator.inventory import Inventory, InventoryError, LooseStone, parse_stone, stone_price, with_stock_stone
from configurator.price_table import current_price_table
from configurator.quotes import price, quote_summary
from configurator.sheet import spec_sheet
from configurator.storage import Store

from .conftest import ROOT

SOLITAIRE = json.loads((ROOT / "models" / "solitaire-ring.json").read_text()) | {"schema_version": 2}
OWN = parse_stone({"stock_number": "D-24001", "material": "diamond", "shape": "round", "length_mm": "6.10",
                   "width_mm": "6.06", "depth_mm": "3.72", "carat": "0.84", "color": "G", "clarity": "VVS1",
                   "cut_grade": "Excellent", "polish": "Excellent", "symmetry": "Very Good", "fluorescence": "Faint",
                   "lab": "GIA", "certificate": "2111775414", "price": "4170"})
GRID = parse_stone({"stock_number": "O-7", "material": "diamond", "shape": "oval", "length_mm": "8.29",
                    "width_mm": "6.39", "depth_mm": "3.80", "carat": "1.23", "color": "G", "clarity": "VVS2"})


def design_with(stone: LooseStone):
    return with_stock_stone(parse_design(SOLITAIRE), stone)


@pytest.mark.parametrize(("stone", "message"), [
    ({"stock_number": "D 1"}, "stone.stock_number"),
    ({"stock_number": "D-1", "client_supplied": True}, "stone.stock_number: the client's own stone"),
])
def test_a_stock_number_is_validated(stone, message):
    doc = {**SOLITAIRE, "stone": {**SOLITAIRE["stone"], **stone}}
    with pytest.raises(DesignError, match=message):
        parse_design(doc)


def test_a_version_1_document_has_no_stock_stones_and_side_stones_are_never_stock():
    with pytest.raises(DesignError, match="stone.stock_number: needs schema_version 2"):
        parse_design({**SOLITAIRE, "schema_version": 1, "stone": {**SOLITAIRE["stone"], "stock_number": "D-1"}})
    three = json.loads((ROOT / "models" / "three-stone.json").read_text())
    three["side_stones"]["stone"]["stock_number"] = "D-2"
    with pytest.raises(DesignError, match="side_stones.stone.stock_number: only the centre stone"):
        parse_design(three)


def test_the_geometry_is_built_at_the_measured_size():
    design = design_with(GRID)
    assert design.stone.stock_number == "O-7" and design.setting == parse_design(SOLITAIRE).setting
    centre = next(part for part in model_of(design).stone_parts if part.role == "centre")
    extent = np.ptp(np.asarray(centre.solid.to_mesh().vert_properties)[:, :3], axis=0)
    assert sorted(extent.round(2)) == pytest.approx(sorted([8.29, 6.39, 3.80]), abs=0.03)
    assert parse_design(design.to_dict()) == design  # the document keeps it


def test_the_quote_charges_the_stones_own_price_or_the_grids_at_its_certified_carat():
    table = current_price_table()
    own = quote_summary(design_with(OWN), OWN)
    (line,) = [row for row in own.price.rows if row.item.startswith("stone:")]
    assert line.amount == 4170.0
    assert line.item == ("stone: D-24001 round diamond G VVS1, 0.84 ct certified, GIA report 2111775414 "
                         "(its own price)")
    assert own.stones[0].carat == 0.84  # as certified, not as modelled
    assert own.stones[0].to_dict()["certificate"] == "GIA 2111775414"
    assert own.price.total == pytest.approx(sum(row.amount for row in own.price.rows), abs=0.005)
    grid = price(design_with(GRID), stock=GRID)
    (line,) = [row for row in grid.rows if row.item.startswith("stone:")]
    assert line.amount == pytest.approx(round(table.stone_price(GRID.design_stone(), 1.23), 2))
    assert "(at the grid's price)" in line.item
    assert stone_price(GRID, table) == (table.stone_price(GRID.design_stone(), 1.23), True)
    plain = price(parse_design({**SOLITAIRE, "stone": design_with(OWN).to_dict()["stone"] | {"stock_number": None}}))
    assert plain.total != price(design_with(OWN), stock=OWN).total  # the same size priced from the grid differs


def test_a_stock_stone_is_looked_up_in_the_inventory_in_force(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    store = Store.open()
    try:
        Inventory(store).import_stones([OWN])
    finally:
        store.close()
    design = design_with(OWN)
    assert quote_summary(design).price.total == quote_summary(design, OWN).price.total
    missing = design_with(GRID)
    with pytest.raises(InventoryError, match="^stone.stock_number: O-7 is not in the store's inventory"):
        price(missing)
    path = tmp_path / "d.json"
    path.write_text(design.to_json())
    from configurator.cli import main

    assert main(["quote", str(path)]) == 0
    assert "stone: D-24001 round diamond G VVS1, 0.84 ct certified" in capsys.readouterr().out
    path.write_text(missing.to_json())
    assert main(["quote", str(path)]) == 2
    assert "stone.stock_number: O-7 is not in the store's inventory" in capsys.readouterr().err


def test_the_sheet_names_the_stone_and_its_report():
    pdf = spec_sheet(design_with(OWN), stock=OWN)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Centre stone D-24001, the store's own: 0.84 ct as certified, measured 6.06 - 6.10 x 3.72 mm" in text
    assert "report: GIA 2111775414" in text and "fluorescence Faint" in text


def test_budget_suggestions_offer_other_stones_of_the_selection():
    from configurator.inventory import Status, StockStone

    def available(stone: LooseStone) -> StockStone:
        return StockStone(stone, Status.AVAILABLE, None, None, None, None)

    smaller = parse_stone({"stock_number": "D-24009", "material": "diamond", "shape": "round", "length_mm": "6.05",
                           "width_mm": "6.02", "depth_mm": "3.62", "carat": "0.78", "color": "K", "clarity": "VS1",
                           "price": "1680"})
    design = design_with(OWN)
    current = price(design, stock=OWN).total
    suggestions = fit(design, current - 1000, stock=OWN, selection=[available(OWN), available(smaller),
                                                                      available(GRID)])
    ours = [suggestion for suggestion in suggestions if suggestion.change.startswith("a stone from our selection")]
    assert [suggestion.design.stone.stock_number for suggestion in ours] == ["D-24009"]
    assert ours[0].change == ("a stone from our selection: D-24009, 0.78 ct round brilliant diamond K VS1, "
                              "6.02 - 6.05 x 3.62 mm")
    assert ours[0].total == pytest.approx(price(ours[0].design, stock=smaller).total)
    for suggestion in suggestions:  # any other change to the stone makes it a stone of the grid, not D-24001
        if suggestion.design.stone != design.stone and not suggestion.change.startswith("a stone from our"):
            assert suggestion.design.stone.stock_number is None
