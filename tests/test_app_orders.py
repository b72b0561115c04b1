"""Orders in the app (AppTest): staff place an order from a client's saved design, she approves it on her own
device by her link and code, staff move it on and her page follows; a skipped stage needs a reason; a visitor
without the code sees nothing of it."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.helpers.apptest import APP, errors, run_page, successes

ORDERS, ORDER = "app_pages/orders.py", "app_pages/order.py"


def fresh(**query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    return at


def stage_shown(at: AppTest) -> str:
    body = next(element.proto.body for element in at.get("html") if 'class="order-line"' in element.proto.body)
    return re.search(r'data-stage="([a-z_]+)"', body).group(1)


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
