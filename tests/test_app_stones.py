"""The store's stones in the app (AppTest, preview off): the selection on the stone step, a stone chosen into the
design (its measured size, its own price), reserved when the design is saved for a client and refused to a second
till, a sold stone's notice with the closest stones, and the staff page that imports and edits stones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.apptest import (
    APP,
    errors,
    infos,
    price,
    price_table,
    run_page,
    successes,
    unescaped,
    warnings,
)
from tests.helpers.stones import SAMPLE

pytestmark = pytest.mark.slow  # AppTest drives the page: `-m "not slow"` leaves it out

ROUND_084 = "D-24001"  # 0.84 ct round G VVS1, 6.06 - 6.10 x 3.72 mm, its own price 4,170.00
ROUND_094 = "D-24012"  # 0.94 ct round E VS1, priced from the grid


def fresh_app() -> AppTest:
    return run_page(AppTest.from_file(str(APP), default_timeout=60))


def with_selection(at: AppTest) -> AppTest:
    at = run_page(at.checkbox(key="stone_on").check())
    return run_page(at.radio(key="stone_source").set_value("selection"))


def choose(at: AppTest, number: str) -> AppTest:
    return run_page(at.selectbox(key="stock_pick").set_value(number))


def test_the_selection_filters_and_a_chosen_stone_sets_size_and_price(stones):
    at = with_selection(fresh_app())
    assert len(at.dataframe) == 1
    assert at.multiselect(key="sel_materials").value == ["diamond"]  # natural diamonds first, rubies apart
    table = at.dataframe[0].value
    naturals = [stone for stone in SAMPLE if stone.material == "diamond"]
    assert len(table) == len(naturals) < 38 and set(table["Material"]) == {"diamond"}
    assert list(table.columns[:7]) == ["Stock", "Shape", "Carat", "Price", "Colour", "Clarity", "Cut grade"]
    assert list(table["Price"]) == sorted(table["Price"])  # cheapest first
    assert set(at.multiselect(key="sel_colours").options) <= set("DEFGHIJK")  # no "red" among diamond grades
    at = run_page(at.multiselect(key="sel_materials").unselect("diamond"))
    assert len(at.dataframe[0].value) == 38
    at = run_page(at.multiselect(key="sel_materials").select("diamond"))
    at = run_page(at.multiselect(key="sel_shapes").select("round"))
    at = run_page(at.multiselect(key="sel_colours").select("E").select("G"))
    at = run_page(at.selectbox(key="sel_sort").set_value("clarity, best first"))
    table = at.dataframe[0].value
    assert set(table["Shape"]) == {"round"} and set(table["Colour"]) <= {"E", "G"}
    assert list(table["Clarity"][:2]) == ["VVS1", "VVS2"]
    assert ROUND_084 in list(table["Stock"])
    at = choose(at, ROUND_084)
    stone = at.session_state["design"]["stone"]
    assert stone["stock_number"] == ROUND_084
    assert (stone["length_mm"], stone["width_mm"], stone["depth_mm"]) == (6.10, 6.06, 3.72)
    lines = price_table(at)
    (line,) = [item for item in lines if item.startswith("Centre stone")]
    assert line == f"Centre stone: round diamond G VVS1, 0.84 ct, GIA report 2111775414 (our stone {ROUND_084})"
    assert lines[line] == "8,340.00"  # its own 4,170.00 with the store's markup: on its own line, not in workmanship
    details = next(t.value for t in at.table if "Our stone" in t.value.columns)
    assert "6.06 - 6.10 x 3.72 mm" in list(details[ROUND_084]) and "USD 8,340.00" in list(details[ROUND_084])
    assert any("Available. Saving the design with the client's phone or e-mail holds it for 24 hours"
               in unescaped(c.value) for c in at.caption)


def test_saving_reserves_the_stone_and_a_second_till_is_refused(stones):
    at = choose(with_selection(fresh_app()), ROUND_094)
    before = price(at)
    at.text_input(key="client_name").input("Ada Lovelace")
    at.text_input(key="client_contact").input("ada@example.com")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    (saved,) = [message for message in successes(at) if message.startswith("Saved as #")]
    assert f"Our stone {ROUND_094} is reserved for this design until" in saved
    record = stones.get(ROUND_094)
    assert record.status.value == "reserved"  # a client's own hold: a day, not the store's week
    assert datetime.now(UTC) + timedelta(hours=23.9) < record.reserved_until < datetime.now(UTC) + timedelta(hours=24.1)
    at = run_page(at)  # the next run's stone step
    assert any("Reserved for this design until" in unescaped(c.value) for c in at.caption)
    assert price(at) == before and not warnings(at)

    other = fresh_app()  # another till, another client
    other = with_selection(other)
    assert ROUND_094 not in list(other.dataframe[0].value["Stock"])  # only available stones are offered
    other = run_page(other.selectbox(key="metal").set_value("platinum-950"))
    other.session_state["design"] = at.session_state["design"]  # the same stone, chosen a moment before
    other = run_page(other)
    assert any(f"Our stone {ROUND_094} is held for a client until" in warning for warning in warnings(other))
    other.text_input(key="client_name").input("Bea")
    other = run_page(other.button(key="FormSubmitter:save_form-Save design").click())
    assert any(error.startswith(f"Not saved: our stone {ROUND_094} has just been reserved for another client")
               for error in errors(other))
    assert stones.get(ROUND_094).reserved_for == record.reserved_for


def test_saving_the_piece_again_moves_the_reservation_to_the_newer_save(stones):
    at = choose(with_selection(fresh_app()), ROUND_094)
    at.text_input(key="client_name").input("Ada Lovelace")
    at.text_input(key="client_contact").input("+44 20 7946 0958")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    first = stones.get(ROUND_094).reserved_for
    at = run_page(at.selectbox(key="metal").set_value("platinum-950"))  # the client changes the metal and saves again
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    assert not errors(at)
    (saved,) = [message for message in successes(at) if message.startswith("Saved as #")]
    second = stones.get(ROUND_094).reserved_for
    assert second != first and saved.startswith(f"Saved as #{second} ")
    assert f"Our stone {ROUND_094} is reserved for this design (no longer for your earlier save #{first})" in saved

    other = fresh_app()  # a stranger cannot take it over by saving the same document
    other.session_state["design"] = at.session_state["design"]
    other = run_page(other)
    other.text_input(key="client_name").input("Bea")
    other = run_page(other.button(key="FormSubmitter:save_form-Save design").click())
    assert any(error.startswith(f"Not saved: our stone {ROUND_094} has just been reserved for another client")
               for error in errors(other))
    assert stones.get(ROUND_094).reserved_for == second


def test_a_sold_stone_is_told_and_the_closest_are_offered(stones):
    at = choose(with_selection(fresh_app()), ROUND_084)
    stones.sell(ROUND_084)
    at = run_page(at)
    assert any(f"Our stone {ROUND_084} has been sold" in warning for warning in warnings(at))
    offered = [button for button in at.button if button.key and button.key.startswith("closest_")]
    assert len(offered) == 3 and all(stones.get(b.key.removeprefix("closest_")).available for b in offered)
    at = run_page(offered[0].click())
    assert at.session_state["design"]["stone"]["stock_number"] == offered[0].key.removeprefix("closest_")
    assert not any("has been sold" in warning for warning in warnings(at))


def test_changing_the_stones_grade_makes_it_a_stone_of_the_grid(stones):
    at = choose(with_selection(fresh_app()), ROUND_084)
    at = run_page(at.radio(key="stone_source").set_value("design"))
    at = run_page(at.selectbox(key="color").set_value("H"))
    stone = at.session_state["design"]["stone"]
    assert "stock_number" not in stone and stone["color"] == "H" and stone["length_mm"] == 6.10


def test_budget_suggestions_offer_stones_of_the_selection(stones):
    at = choose(with_selection(fresh_app()), ROUND_094)
    at = run_page(at.text_input(key="budget").set_value(str(price(at) - 2000)))
    labels = at.selectbox(key="suggestion").options
    ours = [label for label in labels if label.startswith("a stone from our selection")]
    assert ours, labels
    at = run_page(at.selectbox(key="suggestion").set_value(ours[0]))
    at = run_page(at.button(key="apply_suggestion").click())
    assert at.session_state["design"]["stone"]["stock_number"] == ours[0].split(": ")[1].split(",")[0]


def staff_app(monkeypatch) -> AppTest:
    from configurator.passwords import hash_password

    monkeypatch.setenv("CONFIGURATOR_STORE_PASSWORD_HASH", hash_password("open sesame", iterations=1000))
    at = fresh_app()
    at = run_page(at.switch_page("app_pages/store_settings.py"))
    at.text_input(key="store_password").input("open sesame")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    return run_page(at.switch_page("app_pages/store_stones.py"))


def test_the_stones_page_is_for_staff_only(stones):
    at = run_page(fresh_app().switch_page("app_pages/store_stones.py"))
    assert any("managed by store staff" in info for info in infos(at))
    assert not at.dataframe


def test_staff_add_and_edit_a_stone(stones, monkeypatch):
    at = staff_app(monkeypatch)
    assert "38 stones: 38 available, 0 reserved, 0 sold." in [unescaped(c.value) for c in at.caption]
    values = {"stock_number": "N-1", "material": "diamond", "shape": "oval", "length_mm": "8.10",
              "width_mm": "6.02", "depth_mm": "3.71", "carat": "1.1x", "color": "F", "clarity": "VS2"}
    for name, value in values.items():
        at.text_input(key=f"stone_field_{name}").input(value)
    at = run_page(at.button(key="FormSubmitter:stone_form-Save stone").click())
    assert errors(at) == ["carat: must be a number, not '1.1x'"]
    at.text_input(key="stone_field_carat").input("1.11")
    at = run_page(at.button(key="FormSubmitter:stone_form-Save stone").click())
    assert stones.get("N-1").stone.carat == 1.11
    at = run_page(at.selectbox(key="stone_edit").set_value("N-1"))
    at.text_input(key="stone_field_price").input("7250")
    at = run_page(at.button(key="FormSubmitter:stone_form-Save stone").click())
    assert stones.get("N-1").stone.price == 7250.0
    at = run_page(at.button(key="stone_sell").click())
    assert stones.get("N-1").status.value == "sold"
    at = run_page(at.button(key="stone_release").click())
    assert stones.get("N-1").available


def test_store_settings_keep_the_prices_in_the_database_with_their_history(stones, monkeypatch):
    from configurator.price_table import PRICE_TABLE, import_price_table

    monkeypatch.delenv("CONFIGURATOR_PRICES", raising=False)
    at = staff_app(monkeypatch)
    try:
        at = run_page(at.switch_page("app_pages/store_settings.py"))
        at.text_input(key="markup").set_value(str(2.3))
        at.text_input(key="stone_hold_days").set_value(str(3.0))
        at = run_page(at.button(key="FormSubmitter:prices_form-Save prices").click())
        assert any("Prices saved" in message for message in successes(at))
        at = run_page(at)
        history = next(t.value for t in at.table if "change" in t.value.columns)
        assert history["change"][0] == "markup 2.3, stone_hold_days 3"
        at = choose(with_selection(run_page(at.switch_page("app_pages/design.py"))), ROUND_084)
        assert any("reserves it for 3 days" in unescaped(c.value) for c in at.caption)
        store = [t.value for t in at.table if "" in t.value.columns][1]  # staff open the store's lines
        assert "markup x2.3" in list(store[""])
    finally:
        import_price_table(PRICE_TABLE, change="the shipped table again, after a test")


def test_deleting_the_design_releases_its_stone_and_undo_reserves_it_again(stones):
    at = choose(with_selection(fresh_app()), ROUND_084)
    at.text_input(key="client_name").input("Cleo")
    at.text_input(key="client_contact").input("cleo@example.com")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    design_id = stones.get(ROUND_084).reserved_for
    at.session_state["store_unlocked"] = True  # deleting is store staff's
    at = run_page(at.switch_page("app_pages/saved.py"))
    at = run_page(at.button(key=f"delete_{design_id}").click())
    at = run_page(at.button(key=f"really_delete_{design_id}").click())
    assert stones.get(ROUND_084).available
    at = run_page(at.button(key="undo_delete").click())
    assert any(f"Its stone {ROUND_084} is reserved for it again" in s for s in successes(at))
    assert stones.get(ROUND_084).reserved_for == design_id
