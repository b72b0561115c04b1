"""The "Store stones" page in a real browser (Playwright, Debian's chromium), as store staff use it: a visitor sees
only that staff manage the stones; staff signed in see the count, a CSV with bad rows is refused whole with each
problem named, a good one imports, a stone's price is edited in its form and the stone is marked sold. Each step is
checked in the database too. The server's SQLite database holds the sample inventory (38 stones).

The tests run in order on one staff session: each starts from the stones the one before left."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from configurator.inventory import COLUMNS, write_csv
from tests.helpers.browser import (  # skips this module when there is no Chromium
    RERUN_S,
    combobox,
    go_to,
    price_value,
    save_screenshot,
    sign_in,
    wait_for_value,
    wait_until_idle,
)
from tests.helpers.stones import SAMPLE

pytestmark = pytest.mark.slow  # a server and a browser: `-m "not slow"` leaves it out

WAIT_MS = RERUN_S * 1000
# two new stones: sample stones 1 and 2 under new stock numbers, nothing else changed
NEW = [SAMPLE[0].model_copy(update={"stock_number": "T-1"}), SAMPLE[1].model_copy(update={"stock_number": "T-2"})]

# the stone form's fields as staff read them
LABELS = {"stock_number": "Stock number", "material": "Material", "shape": "Shape", "cut": "Cut",
          "length_mm": "Length mm (a round: max diameter)", "width_mm": "Width mm (a round: min diameter)",
          "depth_mm": "Depth mm", "carat": "Carat (certified)", "color": "Colour", "clarity": "Clarity",
          "cut_grade": "Cut grade", "polish": "Polish", "symmetry": "Symmetry", "fluorescence": "Fluorescence",
          "lab": "Lab", "certificate": "Report number", "price": "Price (empty: from the grid)"}


def open_page(browser, url: str):
    """A new browser context (no session) in a wide window, the app loaded and priced."""
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    page.goto(url)
    price_value(page).wait_for(timeout=WAIT_MS * 2)
    wait_until_idle(page)
    return page


@pytest.fixture(scope="module")
def staff(browser, shop):
    """One staff session, signed in on Store settings, showing "Store stones"."""
    url, _ = shop
    page = open_page(browser, url)
    try:
        sign_in(page)
        go_to(page, "Store stones")
        wait_until_idle(page)
        yield page
    finally:
        page.context.close()


def caption(page, total: int, available: int, reserved: int, sold: int):
    return page.get_by_text(f"{total} stones: {available} available, {reserved} reserved, {sold} sold.", exact=True)


def alerts(page, kind: str) -> list[str]:
    """The text of every message of `kind` ("Error", "Success", "Info") on the page (drawn as inert text)."""
    return [text.strip() for text in page.locator(f'[data-message="{kind.lower()}"]').all_inner_texts()]


def upload(page, path) -> None:
    """Put the file in the "stones_import" form's uploader and press Import."""
    wait_until_idle(page)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Import", exact=True))
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_text(path.name, exact=True).wait_for(timeout=WAIT_MS)  # uploaded: the uploader lists it
    form.get_by_role("button", name="Import", exact=True).click()


def field(page, name: str):
    """A text field of the stone form, by its column name."""
    return page.get_by_role("textbox", name=LABELS[name], exact=True)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in a selectbox by typing it (a long list shows only some of its options) and clicking it."""
    box = combobox(page, label)
    item = page.get_by_role("listbox").get_by_role("option", name=option, exact=True)
    deadline = time.monotonic() + RERUN_S
    while box.input_value() != option or box.get_attribute("aria-expanded") == "true":
        if time.monotonic() > deadline:
            pytest.fail(f"could not choose {option!r} in {label!r}: it shows {box.input_value()!r}")
        try:
            if box.get_attribute("aria-expanded") != "true":
                box.click()
            elif item.count() != 1:
                box.fill(option)
            else:
                item.click(timeout=3000)
        except PlaywrightError:
            pass  # a rerun redrew the box under the click: look again
        time.sleep(0.3)


def bad_file(tmp_path):
    """Three rows: the first good, the second with carat "1.1x", the third with clarity "XX"."""
    rows = list(csv.DictReader(io.StringIO(write_csv(
        SAMPLE[index].model_copy(update={"stock_number": f"B-{index + 1}"}) for index in range(3)))))
    rows[1]["carat"] = "1.1x"
    rows[2]["clarity"] = "XX"
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "bad-stones.csv"
    path.write_text(out.getvalue())
    return path


def test_a_visitor_sees_only_that_staff_manage_the_stones(browser, shop):
    url, _ = shop
    page = open_page(browser, url)
    try:
        nav = page.get_by_test_id("stSidebar")
        assert nav.get_by_role("link", name="Store settings", exact=True).count() == 1  # where staff sign in
        assert nav.get_by_role("link", name="Store stones", exact=True).count() == 0  # listed for staff only
        page.goto(f"{url.split('?')[0].rstrip('/')}/store_stones")  # the page's address, typed
        page.get_by_role("heading", name="Store stones").wait_for(timeout=WAIT_MS)
        page.get_by_text(re.compile(r"The store's stones are managed by store staff: sign in on the Store settings "
                                    r"page")).wait_for(timeout=WAIT_MS)
        wait_until_idle(page)
        main = page.get_by_test_id("stMain")
        assert main.get_by_test_id("stFileUploader").count() == 0
        assert main.locator("input[type=file]").count() == 0
        assert main.get_by_role("button", name="Import", exact=True).count() == 0
        assert main.get_by_test_id("stDataFrame").count() == 0
        assert main.get_by_role("combobox", name="Add or edit a stone", exact=True).count() == 0
        assert "38 stones" not in main.inner_text() and "D-24001" not in main.inner_text()
    finally:
        page.context.close()


def test_staff_see_how_many_stones_stand_where(staff, shop):
    caption(staff, 38, 38, 0, 0).wait_for(timeout=WAIT_MS)
    table = staff.get_by_test_id("stMain").get_by_test_id("stDataFrame")
    table.wait_for(timeout=WAIT_MS)  # the table's script loads on its first use
    assert table.count() == 1


def test_a_file_with_bad_rows_is_refused_whole_each_problem_named(staff, shop, tmp_path):
    _, inventory = shop
    path = bad_file(tmp_path)
    upload(staff, path)
    staff.get_by_text(re.compile(r"refused, nothing imported")).wait_for(timeout=WAIT_MS)
    errors = alerts(staff, "Error")
    assert any("row 2" in line and "carat" in line and "1.1x" in line for line in errors), errors
    assert any("row 3" in line and "clarity" in line and "XX" in line for line in errors), errors
    assert any(line.startswith("bad-stones.csv: refused, nothing imported (2 problems)") for line in errors), errors
    assert not any("row 1" in line for line in errors), errors
    assert len(errors) == 3, errors
    caption(staff, 38, 38, 0, 0).wait_for(timeout=WAIT_MS)
    assert len(inventory.list()) == 38
    assert not any(record.stock_number.startswith("B-") for record in inventory.list())


def test_a_good_file_imports_its_stones(staff, shop, tmp_path):
    _, inventory = shop
    path = tmp_path / "new-stones.csv"
    path.write_text(write_csv(NEW))
    upload(staff, path)
    staff.get_by_text("Imported 2 stones from new-stones.csv.", exact=True).wait_for(timeout=WAIT_MS)
    caption(staff, 40, 40, 0, 0).wait_for(timeout=WAIT_MS)
    wait_until_idle(staff)  # the last run's error lines are gone once this run is drawn whole
    assert alerts(staff, "Error") == []
    records = {record.stock_number: record for record in inventory.list()}
    assert len(records) == 40
    for stone in NEW:
        assert records[stone.stock_number].stone == stone
        assert records[stone.stock_number].status.value == "available"
    target = tmp_path / "staff-stones.png"
    save_screenshot(staff, target)
    print(f"screenshot: {target}")


def test_a_stone_chosen_for_editing_fills_the_form_and_its_price_is_saved(staff, shop):
    _, inventory = shop
    pick(staff, "Add or edit a stone", "T-1")
    written = NEW[0].csv_row()
    carat = field(staff, "carat")
    wait_for_value(carat.input_value, written["carat"])
    wait_until_idle(staff)  # the whole form drawn
    for name in COLUMNS[1:]:
        assert field(staff, name).input_value() == written[name], name
    assert field(staff, "stock_number").count() == 0  # a stone keeps its number
    price = field(staff, "price")
    price.fill("1234.5")
    staff.get_by_role("button", name="Save stone", exact=True).click()
    staff.get_by_text(re.compile(r"^Saved stone T-1: ")).wait_for(timeout=WAIT_MS)
    assert inventory.get("T-1").stone.price == 1234.5
    assert inventory.get("T-1").stone == NEW[0].model_copy(update={"price": 1234.5})
    assert inventory.get("T-2").stone == NEW[1]
    wait_until_idle(staff)


def test_a_stone_marked_sold_is_sold(staff, shop):
    _, inventory = shop
    assert combobox(staff, "Add or edit a stone").input_value() == "T-1"
    staff.get_by_role("button", name="Mark sold", exact=True).click()
    staff.get_by_text("Stone T-1 is sold now.", exact=True).wait_for(timeout=WAIT_MS)
    caption(staff, 40, 39, 0, 1).wait_for(timeout=WAIT_MS)
    record = inventory.get("T-1")
    assert record.status.value == "sold" and record.sold_at is not None
    wait_for_value(staff.get_by_role("button", name="Mark sold", exact=True).is_disabled, True)  # drawn after
    assert sum(record.status.value == "sold" for record in inventory.list()) == 1
