"""Two app servers of one chain on one PostgreSQL (two `streamlit run app.py`, each with the same DATABASE_URL),
driven in Debian's chromium: a price edit saved through one is what the next quote on the other uses, and a stone
reserved through one shows as reserved on the other; staff at the two servers moving one order at the same
moment: one wins, the other is told who moved it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from configurator import catalogue
from configurator.documents import parse_design
from configurator.inventory import Inventory
from configurator.orders import Orders
from configurator.quotes import quote_summary
from configurator.storage import Store, close_shared_stores
from tests.helpers.browser import (  # skips this module when there is no Chromium
    RERUN_S,
    choose,
    go_to,
    price_number,
    price_value,
    shared_doc,
    tick,
    wait_for_change,
    wait_until_idle,
)
from tests.helpers.orders import SHEET
from tests.helpers.servers import STAFF_PASSWORD
from tests.helpers.stones import SAMPLE
from webapp.server import app_server

pytestmark = pytest.mark.slow  # two servers and a browser: `-m "not slow"` leaves it out

STONE = "D-24012"


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.goto(url)
    price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
    wait_until_idle(page)
    return page


def sign_in(page) -> None:
    go_to(page, "Store settings")
    page.get_by_label("Store password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Unlock", exact=True).click()
    page.get_by_role("button", name="Lock the store settings").wait_for(timeout=RERUN_S * 1000)


def pick_by_number(page, number: str) -> None:
    """Type a stock number into "Or choose by stock number" (the box empties itself once the stone is chosen)."""
    box = page.get_by_role("combobox", name="Or choose by stock number", exact=True)
    box.click()
    box.press_sequentially(number)
    page.get_by_role("listbox").get_by_role("option", name=number, exact=True).click()
    page.get_by_text(f"Chosen: our stone {number}", exact=True).wait_for(timeout=RERUN_S * 1000)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_servers_share_prices_and_reservations(backend, browser, monkeypatch):
    store = Store.open(backend.url)
    Inventory(store).import_stones(SAMPLE)
    monkeypatch.setenv("DATABASE_URL", backend.url)  # this process quotes from the same database
    monkeypatch.delenv("CONFIGURATOR_PRICES", raising=False)
    try:
        with app_server(preview=False, store_password=STAFF_PASSWORD, database_url=backend.url) as (first, _), \
                app_server(preview=False, store_password=STAFF_PASSWORD, database_url=backend.url) as (second, _):
            till, other = open_page(browser, first), open_page(browser, second)
            try:
                # A price edit saved through the first server...
                sign_in(till)
                markup = till.get_by_role("textbox", name="Markup", exact=True)
                markup.fill("2.65")
                till.get_by_role("button", name="Save prices", exact=True).click()
                till.get_by_text(re.compile(r"^Prices saved, dated")).wait_for(timeout=RERUN_S * 1000)
                # ... is used by the next quote on the second.
                before = price_value(other).inner_text()
                choose(other, "Metal", catalogue.metal("18k-white").name)
                shown = price_number(wait_for_change(lambda: price_value(other).inner_text(), before))
                wait_until_idle(other)
                design = parse_design(shared_doc(other))
                assert design.metal == "18k-white"
                expected = quote_summary(design).price
                assert any(row.item == "markup x2.65" for row in expected.rows)
                assert shown == pytest.approx(expected.total, abs=0.005)

                # A stone reserved through the first server...
                go_to(till, "Design")
                tick(till, "Centre stone")
                till.get_by_role("radiogroup", name="Which stone").get_by_text("A stone from our selection",
                                                                               exact=True).click()
                till.get_by_text(re.compile(r"^\d+ of 38 stones available")).wait_for(timeout=RERUN_S * 1000)
                pick_by_number(till, STONE)
                wait_until_idle(till)
                till.get_by_role("textbox", name="Client name", exact=True).fill("Ada Lovelace")
                till.get_by_role("button", name="Save design", exact=True).click()
                till.get_by_text(re.compile(rf"Our stone {STONE} is reserved for this design until")).wait_for(
                    timeout=RERUN_S * 1000)
                # ... shows as reserved on the second: its staff page counts it, its selection leaves it out.
                sign_in(other)
                go_to(other, "Store stones")
                other.get_by_text("38 stones: 37 available, 1 reserved, 0 sold.", exact=True).wait_for(
                    timeout=RERUN_S * 1000)
                go_to(other, "Design")
                tick(other, "Centre stone")
                other.get_by_role("radiogroup", name="Which stone").get_by_text("A stone from our selection",
                                                                                exact=True).click()
                other.get_by_text(re.compile(r"^\d+ of 37 stones available")).wait_for(timeout=RERUN_S * 1000)
                held = Inventory(store).get(STONE)
                assert held.status.value == "reserved" and held.reserved_for is not None

                # Her order, approved; staff at both servers move it on at the same moment: one wins, and the
                # other is told who moved it, in words.
                orders = Orders(store)
                order = orders.place(held.reserved_for, promised=dt.date.today() + dt.timedelta(days=30), by="Ann")
                orders.approve(order.number, order.version.design_hash, "Ada Lovelace", SHEET, recorded_by="Ann")
                for page, name in ((till, "Till"), (other, "Other")):
                    go_to(page, "Orders")
                    box = page.get_by_role("textbox", name="Your name (staff)")
                    box.fill(name)
                    box.press("Enter")
                    page.get_by_role("button", name="Move", exact=True).wait_for(timeout=RERUN_S * 1000)
                    wait_until_idle(page)
                    assert page.get_by_role("combobox", name="Move to").input_value() == "wax printed"
                till.get_by_role("button", name="Move", exact=True).click()
                other.get_by_role("button", name="Move", exact=True).click()
                said = {}
                for page, name in ((till, "Till"), (other, "Other")):
                    message = page.locator('[data-message="success"], [data-message="error"]').filter(
                        has_text=re.compile(rf"{order.number}"))
                    message.first.wait_for(timeout=RERUN_S * 1000)
                    said[name] = message.first.inner_text()
                won = [name for name, text in said.items() if "is now at “wax printed”" in text]
                assert len(won) == 1, said
                lost = "Other" if won == ["Till"] else "Till"
                assert re.fullmatch(rf"Not moved: order {order.number} was moved to wax printed by {won[0]} at "
                                    r"\d{4}-\d\d-\d\d \d\d:\d\d UTC meanwhile; look at it again", said[lost]), said
                moved = orders.get(order.number)
                assert (moved.stage, moved.moved_by) == ("wax_printed", won[0])
                assert [event.who for event in orders.history(order.number) if event.what == "stage"] == won
            finally:
                till.context.close()
                other.context.close()
    finally:
        close_shared_stores()
        store.close()
