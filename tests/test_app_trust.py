"""Nobody is misled (issue 23), in the app (AppTest, preview off): a forged link shows the stone as recorded; who may
hold a stone; the code kept, a wrong code answered and slowed; a shop terminal and "New client"; numbers read as
people type them, refused next to their box; an engraving that does not fit keeps its text and offers its ways; a
preset's name goes with its piece; the password's wait; the last good price table."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from configurator.documents import parse_design
from configurator.inventory import with_stock_stone
from configurator.share import encode_design
from configurator.storage import DesignRow, Store
from tests.helpers.apptest import (
    APP,
    DATABASE_URL,
    ROOT,
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

SOLITAIRE = json.loads((ROOT / "models" / "solitaire-ring.json").read_text()) | {"schema_version": 2}
CHEAP = "D-24006"  # 0.33 ct J SI1, 4.46 - 4.48 x 2.81 mm
CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}")


def fresh(**params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return run_page(at)


def record(number: str):
    return next(stone for stone in SAMPLE if stone.stock_number == number)


def with_stock(number: str) -> dict:
    return with_stock_stone(parse_design(SOLITAIRE), record(number)).to_dict()


def save(at: AppTest, client: str, contact: str = "") -> AppTest:
    at.text_input(key="client_name").input(client)
    if contact:
        at.text_input(key="client_contact").input(contact)
    return run_page(at.button(key="FormSubmitter:save_form-Save design").click())


def kept_code(at: AppTest) -> tuple[str, str]:
    """The access code and private link the page keeps showing after a save."""
    shown = [block.value for block in at.code]
    code = next(text for text in shown if CODE.fullmatch(text))
    link = next(text for text in shown if "saved=" in text)
    return code, link


# ---------------------------------------------------------------- a stone is its record


def test_a_forged_link_shows_and_prices_the_stone_as_recorded(stones):
    forged = {**SOLITAIRE, "stone": {"shape": "round", "length_mm": 9.0, "color": "D", "clarity": "FL",
                                     "stock_number": CHEAP}}
    at = fresh(design=encode_design(parse_design(forged)))
    stone = at.session_state["design"]["stone"]
    assert (stone["length_mm"], stone["color"], stone["clarity"]) == (4.48, "J", "SI1")
    assert any(w.startswith(f"Our stone {CHEAP} is a 0.33 ct round diamond J SI1") for w in warnings(at)), warnings(at)
    honest = fresh(design=encode_design(parse_design(with_stock(CHEAP))))
    assert price(at) == price(honest)
    assert not any("D FL" in item for item in price_table(at))


# ---------------------------------------------------------------- holds


def test_a_visitor_without_contact_holds_nothing_and_with_it_one_stone_a_day(stones):
    at = fresh(design=encode_design(parse_design(with_stock("D-24001"))))
    at = save(at, "Ann")
    assert any("Our stone D-24001 is not held for it: leave a phone or e-mail" in s for s in successes(at))
    assert stones.get("D-24001").available
    at = save(at, "Ann", "ann@example.com")
    held = stones.get("D-24001")
    assert held.status.value == "reserved"
    assert held.reserved_until < datetime.now(UTC) + timedelta(hours=24.1)  # a client's own: a day
    at.session_state["design"] = with_stock("D-24009")  # another stone, the same visit
    at = save(run_page(at), "Ann", "ann@example.com")
    assert any("is not held for it" in s and "one stone at a time" in s for s in successes(at)), successes(at)
    assert stones.get("D-24009").available and stones.get("D-24001").reserved_for == held.reserved_for


def test_staff_hold_for_the_stores_days(stones):
    at = fresh(design=encode_design(parse_design(with_stock("D-24001"))))
    at.session_state["store_unlocked"] = True
    at = save(run_page(at), "Ann")
    assert stones.get("D-24001").reserved_until > datetime.now(UTC) + timedelta(days=6.9)


def test_the_clients_own_link_knows_her_stone_and_keeps_the_piece_first(stones):
    shop = fresh(design=encode_design(parse_design(with_stock("D-24001"))))
    shop = save(shop, "Ann", "ann@example.com")
    code, link = kept_code(shop)
    saved, = re.findall(r"saved=(\d+)", link)
    phone = fresh(saved=saved, code=code)  # her phone: another session, another browser
    assert phone.session_state["design"]["stone"]["stock_number"] == "D-24001"
    assert not warnings(phone)  # never "reserved for another client"
    assert any(c.value.startswith("Reserved for this design until") for c in phone.caption)
    assert not [b for b in phone.button if b.key and b.key.startswith("closest_")]
    assert "code" not in phone.query_params  # the code does not stay in the address bar
    stranger = fresh(design=encode_design(parse_design(with_stock("D-24001"))))  # the plain share link elsewhere
    assert any("is held for a client until" in w for w in warnings(stranger))


# ---------------------------------------------------------------- codes


def test_the_code_stays_after_further_clicks_and_on_the_saved_list(stones):
    at = save(fresh(), "Cleo")
    code, link = kept_code(at)
    assert f"code={code}" in link
    at = run_page(at.selectbox(key="metal").set_value("18k-rose"))
    at = run_page(at.slider(key="width").set_value(3.0))
    assert kept_code(at) == (code, link)
    at = run_page(at.switch_page("app_pages/saved.py"))
    assert any(code in html.proto.body for html in at.get("html"))
    at = run_page(at.switch_page("app_pages/design.py"))
    assert kept_code(at)[0] == code


def test_a_wrong_code_is_answered_and_guessing_is_slowed(stones):
    at = run_page(fresh().switch_page("app_pages/saved.py"))
    at.text_input(key="access_code").input("not a code")
    at = run_page(at.button(key="FormSubmitter:code_form-Open with the code").click())
    assert any(e.startswith("That is not an access code") for e in errors(at))
    waits = []
    for _ in range(5):
        at.text_input(key="access_code").input("AAAA-BBBB-CCCC-DDDD")
        at = run_page(at.button(key="FormSubmitter:code_form-Open with the code").click())
        waits.append(errors(at)[0])
    assert waits[0].startswith("That code opens no saved design")
    assert any("was not checked" in message for message in waits)  # the fourth try comes during the wait


def test_a_shop_terminal_forgets_the_last_client(stones):
    at = fresh()
    at.session_state["terminal"] = True
    at = save(run_page(at), "Walk-in One", "one@example.com")
    code, _ = kept_code(at)
    saved = int(next(re.findall(r"#(\d+)", s)[0] for s in successes(at) if s.startswith("Saved as #")))
    from sqlalchemy import select

    store = Store.open(DATABASE_URL)
    try:
        with store.engine.connect() as conn:  # saved on a terminal: tied to no browser
            assert conn.execute(select(DesignRow.owner_hash).where(DesignRow.id == saved)).scalar() is None
    finally:
        store.close()
    at = run_page(at.sidebar.button(key="new_client").click())
    assert any(i.startswith("A new client") for i in infos(at))
    assert not at.code and at.session_state["terminal"] is True
    at = run_page(at.switch_page("app_pages/saved.py"))
    assert not [b for b in at.button if b.key and b.key.startswith("load_")]  # nothing of the last client's
    assert not any("Walk-in One" in html.proto.body for html in at.get("html"))
    at.text_input(key="access_code").input(code)  # she comes back with her code
    at = run_page(at.button(key="FormSubmitter:code_form-Open with the code").click())
    assert f"load_{saved}" in {b.key for b in at.button}


# ---------------------------------------------------------------- numbers as people type them


def test_a_decimal_comma_is_a_decimal_point_and_bad_numbers_are_refused_next_to_the_box(stones):
    at = run_page(fresh().checkbox(key="stone_on").check())
    at = run_page(at.text_input(key="carat").set_value("1,5"))
    assert at.text_input(key="carat").value == "1.50"
    assert any(item.endswith("1.50 ct") for item in price_table(at) if item.startswith("Centre stone"))
    design = at.session_state["design"]
    for typed, words in (("-5", "takes 0.01 ct to 100 ct"), ("1000", "takes 0.01 ct to 100 ct"),
                         ("0.001", "takes 0.01 ct to 100 ct"), ("1e3", "has an exponent"),
                         ("abc", "must be a number"), ("1,500", None)):
        at = run_page(at.text_input(key="carat").set_value(typed))
        if words is None:  # 1.5 or 1500: only 1.5 ct lies in the range
            assert at.text_input(key="carat").value == "1.50" and not warnings(at)
            continue
        assert at.session_state["design"] == design, typed  # the design is kept
        assert at.text_input(key="carat").value == typed  # what was typed stays to be mended
        (said,) = warnings(at)
        assert said.startswith("Carat ") and words in said, said
    at = run_page(at.text_input(key="budget").set_value("-5"))
    assert any(w.startswith("Client's budget (USD) takes 1 to 10,000,000") for w in warnings(at)), warnings(at)


# ---------------------------------------------------------------- engraving, names


def _refused_engraving() -> AppTest:
    at = run_page(fresh().selectbox(key="preset").set_value("Classic solitaire"))
    at = run_page(at.button(key="open_preset").click())
    return run_page(at.text_input(key="engraving").input("A & J 2026"))


def test_an_engraving_that_does_not_fit_keeps_its_text_and_offers_its_ways():
    at = _refused_engraving()
    assert at.text_input(key="engraving").value == "A & J 2026"
    (said,) = [w for w in warnings(at) if w.startswith("That change was not made. Letter height:")]
    assert "make the band at least 2.8 mm wide, or have it engraved by hand after casting" in said
    assert not re.search(r"[a-z]+_mm|ring\.", said)
    assert at.selectbox(key="draft_font").value == "sans"  # the font and cut or by hand, before it is accepted
    ways = [unescaped(b.label) for b in at.button if b.key.startswith("engraving_way_")]
    assert ways == ["Have it engraved by hand after casting", "Make the band 2.8 mm wide"]
    at = run_page(next(b for b in at.button if unescaped(b.label) == "Make the band 2.8 mm wide").click())
    assert at.session_state["design"]["ring"]["width_mm"] == 2.8
    assert at.session_state["design"]["engraving"]["text"] == "A & J 2026" and at.session_state["design"][
        "engraving"]["cut"] is True
    assert at.text_input(key="engraving").value == "A & J 2026"
    assert not [w for w in warnings(at) if w.startswith("That change was not made")]
    widened = run_page(_refused_engraving().slider(key="width").set_value(3.0))  # the text waits; a wider band takes it
    assert widened.session_state["design"]["engraving"]["text"] == "A & J 2026"
    assert widened.text_input(key="engraving").value == "A & J 2026"
    by_hand = run_page(_refused_engraving().checkbox(key="draft_cut").uncheck())  # the hand's way, chosen in place
    engraving = by_hand.session_state["design"]["engraving"]
    assert (engraving["text"], engraving["cut"]) == ("A & J 2026", False)
    assert by_hand.session_state["design"]["ring"]["width_mm"] == 2.2


def test_a_presets_name_goes_when_the_piece_changes_but_a_clients_stays():
    at = fresh()
    assert at.session_state["design"]["name"] == "Comfort-fit wedding band"
    at = run_page(at.radio(key="piece").set_value("pendant"))
    assert "name" not in at.session_state["design"]
    at = run_page(at.text_input(key="name").input("Anna's heart"))
    at = run_page(at.radio(key="piece").set_value("ring"))
    assert at.session_state["design"]["name"] == "Anna's heart"


# ---------------------------------------------------------------- the password, the price table


def test_the_right_password_during_a_wait_is_not_called_wrong_and_works_after_it(monkeypatch, stones):
    from configurator import passwords
    from configurator.passwords import FIRST_WAIT_S, hash_password

    monkeypatch.setenv("CONFIGURATOR_STORE_PASSWORD_HASH", hash_password("open sesame", iterations=1000))
    at = run_page(fresh().switch_page("app_pages/store_settings.py"))
    for _ in range(3):
        at.text_input(key="store_password").input("wrong")
        at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    assert any("not right" in e and "Wait" in e for e in errors(at))
    at.text_input(key="store_password").input("open sesame")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    assert not errors(at) and any("this one was not checked" in w for w in warnings(at))
    waited = passwords.monotonic_s() + FIRST_WAIT_S + 0.2  # the wait is over: the throttle's clock moved past it
    monkeypatch.setattr(passwords, "monotonic_s", lambda: waited)
    at.text_input(key="store_password").input("open sesame")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    assert at.session_state["store_unlocked"] is True


def test_a_refused_price_file_leaves_the_last_good_table_in_force(monkeypatch, tmp_path, stones):
    prices = tmp_path / "prices.toml"
    prices.write_text((ROOT / "assets" / "prices.toml").read_text())
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(prices))
    at = fresh()
    at.session_state["store_unlocked"] = True
    at = run_page(at)
    before = price(at)
    prices.write_text(prices.read_text().replace("date = 2026-11-25", "date = 9999-12-31"))
    at = run_page(at.selectbox(key="metal").set_value("18k-rose"))
    at = run_page(at.selectbox(key="metal").set_value("platinum-950"))
    assert price(at) == before  # quoted from the last good table
    assert any(w.startswith("The store's price file was refused") and "9999-12-31" in w for w in warnings(at))
