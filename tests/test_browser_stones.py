"""The store's stones in a real browser (Playwright, Debian's chromium): the client filters the selection, clicks a
stone in the table, sees its measured size in the design and its own price in the quote, the design is saved for
them and the stone shows reserved. The server's database holds the sample inventory. Set UPDATE_SCREENSHOTS=1 to
refresh docs/images/app-selection.png (the selection table)."""

from __future__ import annotations

import re

import pytest

from configurator.inventory import priced_stones
from configurator.price_table import PRICE_TABLE, load_price_table
from tests.helpers.browser import (  # skips this module when there is no Chromium
    RERUN_S,
    choose,
    price_value,
    screenshot_target,
    shared_doc,
    tick,
    wait_for_change,
    wait_until_idle,
)
from tests.helpers.stones import SAMPLE
from webapp import selection

pytestmark = pytest.mark.slow  # a server and a browser: `-m "not slow"` leaves it out


def open_wide(browser, url: str):
    """The app in a wide window (the selection table shows every column), loaded and priced."""
    context = browser.new_context(viewport={"width": 1800, "height": 1100})
    page = context.new_page()
    page.goto(url)
    price_value(page).wait_for(timeout=RERUN_S * 1000 * 2)
    wait_until_idle(page)
    return page


def multiselect(page, label: str, option: str) -> None:
    """Add `option` to a multiselect: open its list, click the option, close the list."""
    box = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text(label, exact=True))
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    box.get_by_text(option, exact=True).wait_for(timeout=RERUN_S * 1000)


def first_round_by_price() -> str:
    """The stone the filtered table lists first: a round natural diamond, cheapest first (the app's default order)."""
    rows = selection.frame(priced_stones([record for record in _records()], load_price_table(PRICE_TABLE)))
    return selection.narrowed(rows, selection.Choice(shapes=["round"], materials=["diamond"]))["Stock"][0]


def _records():
    from configurator.inventory import Status, StockStone

    return [StockStone(stone, Status.AVAILABLE, None, None, None, None) for stone in SAMPLE]


def click_first_row(page) -> None:
    """Tick the first row of the selection table (its row marker, the grid's leftmost column)."""
    grid = page.locator(".st-key-stone_selection").get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # below the 35 px header, in the middle of the first row


def test_filter_pick_see_the_size_and_price_save_and_see_it_reserved(browser, shop, tmp_path):
    url, inventory = shop
    page = open_wide(browser, url)
    try:
        tick(page, "Centre stone")
        page.get_by_role("radiogroup", name="Which stone").get_by_text("A stone from our selection",
                                                                       exact=True).click()
        caption = page.get_by_text(re.compile(r"^\d+ of 38 stones available"))
        caption.wait_for(timeout=RERUN_S * 1000)
        multiselect(page, "Shape", "round")
        diamonds = sum(stone.material == "diamond" for stone in SAMPLE)  # natural diamonds first, rubies apart
        wait_for_change(lambda: caption.inner_text(), f"{diamonds} of 38 stones available · click a row to choose a "
                                                      "stone")
        rounds = sum(stone.shape.value == "round" and stone.material == "diamond" for stone in SAMPLE)
        assert caption.inner_text().startswith(f"{rounds} of 38 stones available")
        wait_until_idle(page)
        save_screenshot_of_selection(page, tmp_path)

        expected = first_round_by_price()
        stone = next(stone for stone in SAMPLE if stone.stock_number == expected)
        before = price_value(page).inner_text()
        click_first_row(page)
        page.get_by_text(f"Chosen: our stone {expected}", exact=True).wait_for(timeout=RERUN_S * 1000)
        wait_for_change(lambda: price_value(page).inner_text(), before)
        wait_until_idle(page)
        # its size in the design: the document holds the measured millimetres, the chosen stone's table shows them
        doc = shared_doc(page)
        assert doc["stone"]["stock_number"] == expected
        assert (doc["stone"]["length_mm"], doc["stone"]["width_mm"], doc["stone"]["depth_mm"]) == (
            stone.length_mm, stone.width_mm, stone.depth_mm)
        assert page.get_by_role("cell", name=stone.measurements, exact=True).count() == 1
        # its price in the quote
        table = load_price_table(PRICE_TABLE)
        own = priced_stones(_records()[SAMPLE.index(stone):SAMPLE.index(stone) + 1], table)[0].price
        line = page.get_by_role("cell", name=re.compile(rf"^Centre stone: .*\(our stone {re.escape(expected)}\)$"))
        assert line.count() == 1
        row = page.get_by_role("row").filter(has=line)
        # its price with the store's markup on its own line, as the selection's table showed it
        assert row.get_by_role("cell").last.inner_text() == f"{selection.client_price(own, table.markup):,.2f}"

        page.get_by_role("textbox", name="Client name", exact=True).fill("Ada Lovelace")
        page.get_by_role("textbox", name="Phone or e-mail", exact=True).fill("ada@example.com")  # to hold it
        page.get_by_role("button", name="Save design", exact=True).click()
        saved = page.get_by_text(re.compile(rf"Our stone {re.escape(expected)} is reserved for this design until"))
        saved.wait_for(timeout=RERUN_S * 1000)
        record = inventory.get(expected)
        assert record.status.value == "reserved" and record.reserved_for is not None
        # the next run's stone step says so too
        choose(page, "Sort by", "carat, largest first")
        page.get_by_text(re.compile(r"^Reserved for this design until")).first.wait_for(timeout=RERUN_S * 1000)
    finally:
        page.context.close()


def save_screenshot_of_selection(page, tmp_path) -> None:
    target = screenshot_target("app-selection.png", tmp_path)
    area = page.locator(".st-key-stone_selection")
    area.scroll_into_view_if_needed()
    area.screenshot(path=str(target), animations="disabled")  # taken once the table stands still, fades finished
    assert target.stat().st_size > 10_000
