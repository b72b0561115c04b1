"""Orders in the app (AppTest): staff place an order from a client's saved design, she approves it on her own
device by her link and code, staff move it on and her page follows; a skipped stage needs a reason; a visitor
without the code sees nothing of it."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.apptest import APP, errors, infos, run_page, successes

ORDERS, ORDER = "app_pages/orders.py", "app_pages/order.py"


def fresh(**query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    return at


def stage_shown(at: AppTest) -> str:
    body = next(element.proto.body for element in at.get("html") if 'class="order-line"' in element.proto.body)
    return re.search(r'data-stage="([a-z_]+)"', body).group(1)


@pytest.mark.slow  # about 10 s of page runs: the library's tests hold the rules in the quick run
def test_an_order_from_approval_to_the_bench_as_staff_and_client_see_it(app, monkeypatch):
    from configurator.passwords import hash_password

    at = app  # the client, at home: she saves her design and keeps its code
    at.text_input(key="client_name").set_value("Ada")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    (saved_id, code), = at.session_state["saved_codes"].items()

    monkeypatch.setenv("CONFIGURATOR_STORE_PASSWORD_HASH", hash_password("open sesame", iterations=1000))
    shop = run_page(fresh().switch_page("app_pages/store_settings.py"))
    shop.text_input(key="store_password").input("open sesame")
    shop = run_page(shop.button(key="FormSubmitter:unlock_form-Unlock").click())
    shop = run_page(shop.switch_page(ORDERS))
    shop.text_input(key="staff_name").set_value("Ann")
    shop = run_page(shop.selectbox(key="order_saved").set_value(saved_id))
    shop.text_input(key="order_deposit").set_value("200,50")
    shop = run_page(shop.button(key="order_place").click())
    placed = next(message for message in successes(shop) if message.startswith("Order J-"))
    number = re.match(r"Order (J-\d+)", placed).group(1)
    assert "(deposit USD 200.50)" in placed  # the amount typed just before the press

    stranger = run_page(fresh(order=number).switch_page(ORDER))  # the link without the code: nothing of it
    assert not [element for element in stranger.get("html") if "order-line" in element.proto.body]
    assert number not in " ".join(element.proto.body for element in stranger.get("html"))

    phone = run_page(fresh(order=number, code=code).switch_page(ORDER))  # her phone: her link and her code
    assert stage_shown(phone) == "awaiting_approval" and "code" not in phone.query_params
    phone.text_input(key=f"approve_name_{number}").set_value("Ada Lovelace")
    phone = run_page(phone.button(key=f"approve_{number}").click())
    assert any(message.startswith("Thank you, Ada Lovelace") for message in successes(phone))
    assert stage_shown(phone) == "approved"

    shop = run_page(shop)
    shop = run_page(shop.selectbox(key=f"move_to_{number}").set_value("set"))  # two stages on, no reason
    shop = run_page(shop.button(key=f"move_{number}").click())
    assert any(message.startswith("Not moved") and "reason" in message for message in errors(shop))
    shop = run_page(shop.selectbox(key=f"move_to_{number}").set_value("wax_printed"))
    shop = run_page(shop.button(key=f"move_{number}").click())
    assert stage_shown(run_page(phone)) == "wax_printed"

    # A reload of her page (her browser's token, no code in the address): her order is still open there.
    token = phone.session_state["owner"]
    reloaded = fresh(order=number)
    reloaded.session_state["owner"] = token
    reloaded = run_page(reloaded.switch_page(ORDER))
    assert stage_shown(reloaded) == "wax_printed"
    other_browser = run_page(fresh(order=number).switch_page(ORDER))  # another browser, no code: nothing
    assert not [element for element in other_browser.get("html") if "order-line" in element.proto.body]

    # Staff change the design after her approval: a new version, which waits for her approval again.
    shop = run_page(shop.button(key=f"revise_{number}").click())
    assert shop.session_state["revising"]["number"] == number
    shop = run_page(shop.switch_page("app_pages/design.py"))
    shop = run_page(shop.selectbox(key="metal").set_value("18k-white"))
    shop = run_page(shop.button(key="make_version").click())
    assert any(message.startswith(f"Order {number} is at version 2") for message in infos(shop))
    assert "revising" not in shop.session_state
    reloaded = run_page(reloaded)
    assert stage_shown(reloaded) == "awaiting_approval"
    reloaded.text_input(key=f"approve_name_{number}").set_value("Ada Lovelace")
    reloaded = run_page(reloaded.button(key=f"approve_{number}").click())
    assert stage_shown(reloaded) == "approved"

    # The saved design an order is made from says so, and offers no delete.
    shop = run_page(shop.switch_page("app_pages/saved.py"))
    kept = [element.value for element in shop.caption if element.value.startswith(f"Order {number} is made from")]
    assert kept and not [button for button in shop.button if button.key == f"delete_{saved_id}"]

    # A part paid before collection, and the notes for the bench changed (no new approval).
    shop = run_page(shop.switch_page(ORDERS))
    shop.text_input(key=f"pay_amount_{number}").set_value("100")
    shop = run_page(shop.button(key=f"pay_{number}").click())
    assert any(message.startswith(f"USD 100.00 recorded for order {number}: the balance is USD")
               for message in successes(shop))
    shop.text_area(key=f"change_notes_{number}").set_value("rhodium plate the head")
    shop = run_page(shop.button(key=f"change_{number}").click())
    assert any("the design and its approval are as they were" in message for message in successes(shop))
    assert stage_shown(run_page(reloaded)) == "approved"

    # To collected: the balance is asked for, and paid as she collects it; her page says so.
    for stage in ("wax_printed", "cast", "set", "polished", "ready"):
        shop = run_page(shop.selectbox(key=f"move_to_{number}").set_value(stage))
        shop = run_page(shop.button(key=f"move_{number}").click())
    shop = run_page(shop.selectbox(key=f"move_to_{number}").set_value("collected"))
    shop.text_input(key=f"move_paid_{number}").set_value("")
    shop = run_page(shop.button(key=f"move_{number}").click())
    unpaid = next(re.search(r"([\d,.]+) of its total is unpaid; record the balance paid", message).group(1)
                  for message in errors(shop) if "is unpaid" in message)
    shop.text_input(key=f"move_paid_{number}").set_value(unpaid.replace(",", " ").replace(".", ","))  # "1 490,96"
    shop = run_page(shop.button(key=f"move_{number}").click())
    assert any("paid; balance 0.00" in message for message in successes(shop))
    reloaded = run_page(reloaded)
    assert stage_shown(reloaded) == "collected"
    cards = " ".join(element.proto.body for element in reloaded.get("html") if "order-card" in element.proto.body)
    assert "Paid in full" in cards and cards.count('data-row="Paid on ') == 2  # the 100 paid before, and the rest
    assert "rhodium" not in " ".join(element.proto.body for element in reloaded.get("html"))  # the bench's notes

    # Not her device: she forgets it there, and the next reload asks for her code.
    reloaded = run_page(reloaded.button(key="forget_order").click())
    again = fresh(order=number)
    again.session_state["owner"] = token
    again = run_page(again.switch_page(ORDER))
    assert not [element for element in again.get("html") if "order-line" in element.proto.body]
    assert again.text_input(key="order_code") is not None
