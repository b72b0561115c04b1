"""`python -m configurator orders ...`: an order's life on the command line, by the library's rules, and every refused
step one line on stderr with exit code 2. The job bag: `pdftotext` reads the order number on it, and its QR code
decodes to that number (zxing-cpp reading the page as pypdfium2 draws it)."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from configurator.cli import main
from configurator.job_bag import client_sheet, job_bag, qr_png
from configurator.orders import OrderError, Orders
from configurator.storage import Store
from tests.helpers.orders import BAND, PROMISED, TAKEN, place, save


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv) -> str:
    """The one line a refused step prints on stderr (exit 2, nothing on stdout)."""
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err.strip().removeprefix("error: ")


@pytest.fixture
def database(tmp_path, monkeypatch):
    """The database in force for the command line (DATABASE_URL), with the client's saved band (#1)."""
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = Store.open(url)
    save(store, BAND)
    yield store
    store.close()


def test_an_order_on_the_command_line_from_new_to_collected(capsys, database, tmp_path):
    code, out, err = run(capsys, "orders", "new", "--saved", 1, "--promised", PROMISED, "--deposit", "250,50",
                         "--method", "cash", "--deposit-date", TAKEN, "--notes", "engrave A & C", "--by", "Ann",
                         "--json")
    order = json.loads(out)
    assert (code, err) == (0, "") and order["number"] == "J-000001" and order["stage"] == "awaiting_approval"
    assert order["deposit"] == {"amount": 250.5, "method": "cash", "date": TAKEN.isoformat()}
    assert order["balance"] == round(order["total"] - 250.5, 2) and order["currency"] == "USD"
    assert order["version"]["prices_version"] == "database edit #1"  # the database keeps the prices here

    assert "awaits the client's approval; nothing is made before it" in refused(
        capsys, "orders", "advance", "J-1", "--to", "wax printed", "--by", "Bob")
    assert refused(capsys, "orders", "approve", "J-1", "--name", "Ada Lovelace", "--version", "0000abcd",
                   "--by", "Ann") == "orders approve: no version of order J-000001 has a design hash starting 0000abcd"
    digest = order["version"]["design_hash"]
    # The store raises its markup before she approves: her sheet still reads the total she was quoted.
    code, out, err = run(capsys, "prices", "--set", "markup=3.5")
    assert (code, err) == (0, "") and Orders(database).price_table("J-1").markup != 3.5
    code, out, _ = run(capsys, "orders", "approve", "J-000001", "--name", "Ada Lovelace", "--version", digest[:10],
                       "--by", "Ann")
    assert code == 0 and out == "order J-000001: version 1 approved by Ada Lovelace (in writing, recorded by Ann); " \
                                "to make\n"
    code, out, _ = run(capsys, "orders", "sheet", "J-1", "-o", tmp_path / "approved.pdf")
    seen = subprocess.run(["pdftotext", str(tmp_path / "approved.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert code == 0 and "Ada Lovelace" in seen and f"{order['total']:,.2f}" in seen  # her sheet, with her total
    assert refused(capsys, "orders", "revise", "J-1", "--from-saved", "--by", "Ann") == (
        "order J-000001: the design is version 1 as it is; nothing changed")

    assert refused(capsys, "orders", "advance", "J-1", "--to", "cast", "--by", "Bob") == (
        "order J-000001: from approved to cast skips wax printed; give a reason to skip")
    assert refused(capsys, "orders", "advance", "J-1", "--to", "wax printed", "--from", "cast", "--by", "Bob") == (
        f"order J-000001 was moved to approved by Ann at {_moved_at(database)} meanwhile; look at it again")
    for stage in ("wax printed", "cast", "set", "polished", "ready"):
        code, out, err = run(capsys, "orders", "advance", "J-1", "--to", stage, "--by", "Bob")
        assert (code, err) == (0, "") and out.endswith(f"-> {stage} (Bob)\n")
    code, out, _ = run(capsys, "orders", "list", "--to-make", "--json")
    assert [row["number"] for row in json.loads(out)] == ["J-000001"]
    owed = order["total"] - 250.5
    assert refused(capsys, "orders", "advance", "J-1", "--to", "collected", "--by", "Cleo") == (
        f"order J-000001: {owed:,.2f} of its total is unpaid; record the balance paid, or give a reason to hand it "
        "over unpaid")
    assert refused(capsys, "orders", "pay", "J-1", "--amount", "1e3", "--method", "card", "--by", "Cleo").startswith(
        "--amount: ")
    code, out, err = run(capsys, "orders", "pay", "J-1", "--amount", "100,25", "--method", "card", "--by", "Cleo")
    assert (code, err) == (0, "") and out == (
        f"order J-000001: 100.25 by card recorded; balance USD {owed - 100.25:,.2f}\n")
    code, out, _ = run(capsys, "orders", "advance", "J-1", "--to", "collected", "--by", "Cleo", "--paid",
                       f"{owed - 100.25:.2f}", "--method", "cash", "--json")
    collected = json.loads(out)
    assert collected["stage"] == "collected" and collected["balance"] == 0 and collected["paid"] == order["total"]
    assert [payment["method"] for payment in collected["payments"]] == ["card", "cash"]
    code, out, _ = run(capsys, "orders", "list", "--to-make")
    assert out == "0 orders to make\n"
    code, out, _ = run(capsys, "orders", "show", "J-1")
    assert code == 0 and "stage: collected" in out and "notes for the bench:\n  engrave A & C" in out
    assert "Cleo: stage ready -> collected" in out and f"version 1 (current): design {digest}" in out
    assert "paid: 100.25 by card on " in out and "balance: USD 0.00 (paid in full)" in out
    code, out, _ = run(capsys, "orders", "show", "J-1", "--json")
    shown = json.loads(out)
    assert len(shown["history"]) == 10 and shown["approvals"][0]["recorded_by"] == "Ann"
    assert shown["version"]["design"]["ring"]["profile"] == "comfort"


def _moved_at(store: Store) -> str:
    order = Orders(store).get("J-1")
    return f"{order.moved_at:%Y-%m-%d %H:%M} UTC"


def test_every_refused_step_is_one_line_and_exit_2(capsys, database, tmp_path):
    assert refused(capsys, "orders", "show", "J-000009") == "order J-000009: not found"
    assert refused(capsys, "orders", "show", "9") == "'9': not an order number (they read J-000123)"
    assert refused(capsys, "orders", "new", "--saved", 7, "--promised", PROMISED, "--by", "Ann") == (
        "saved design 7: not found")
    assert refused(capsys, "orders", "new", "--saved", 1, "--promised", "15/01/2027", "--by", "Ann") == (
        "--promised: '15/01/2027' is not a date (write YYYY-MM-DD)")
    assert refused(capsys, "orders", "new", "--saved", 1, "--promised", PROMISED, "--deposit", "100",
                   "--by", "Ann").startswith("deposit: say how it was paid")
    assert refused(capsys, "orders", "new", "--saved", 1, "--promised", PROMISED, "--by", "Ann", "--deposit",
                   "1e3").startswith("--deposit: ")
    assert refused(capsys, "orders", "new", "--saved", 1, "--promised", PROMISED).startswith(
        "configurator orders new: the following arguments are required: --by")
    run(capsys, "orders", "new", "--saved", 1, "--promised", PROMISED, "--by", "Ann")
    assert refused(capsys, "orders", "cancel", "J-1", "--reason", " ", "--by", "Ann") == (
        "reason: say why the order is cancelled")
    assert refused(capsys, "orders", "bag", "J-1", "-o", tmp_path / "bag.pdf") == (
        "order J-000001: version 1 awaits the client's approval; no job bag before it")
    assert refused(capsys, "orders", "bag", "J-1", "-o", tmp_path / "bag.txt") == (
        f"orders bag: -o {tmp_path / 'bag.txt'} must name a .pdf file")
    assert not (tmp_path / "bag.pdf").exists()
    assert refused(capsys, "orders", "stages", "--rename", "set=Cast", "--by", "Owner") == (
        "label: 'Cast' names the stage cast already")
    code, out, _ = run(capsys, "orders", "cancel", "J-1", "--reason", "she withdrew", "--by", "Ann")
    assert (code, out) == (0, "order J-000001: cancelled (she withdrew)\n")
    assert refused(capsys, "orders", "cancel", "J-1", "--reason", "again", "--by", "Ann") == (
        "order J-000001: cancelled (she withdrew); it cannot be cancelled")
    code, out, _ = run(capsys, "orders", "list", "--stage", "cancelled", "--json")
    assert [row["number"] for row in json.loads(out)] == ["J-000001"]


def test_a_new_version_from_the_command_line_needs_a_new_approval(capsys, database, tmp_path):
    order = Orders(database)
    first = place(order, 1)
    order.approve(first.number, first.version.design_hash, "Ada", b"%PDF-1.4\n", recorded_by="Ann")
    changed = tmp_path / "changed.json"
    changed.write_text(BAND.replace('"width_mm":4.0', '"width_mm":4.5').replace('"width_mm": 4.0', '"width_mm": 4.5'))
    assert changed.read_text() != BAND
    code, out, err = run(capsys, "orders", "revise", "J-1", "--design", changed, "--by", "Ann", "--json")
    second = json.loads(out)
    assert (code, err) == (0, "") and second["version"]["version"] == 2 and second["stage"] == "awaiting_approval"
    assert refused(capsys, "orders", "approve", "J-1", "--name", "Ada", "--version",
                   first.version.design_hash[:12], "--by", "Ann") == (
        f"orders approve: order J-000001: the design changed since version 1; version 2 "
        f"({second['version']['design_hash'][:12]}) is the one to approve")
    code, out, _ = run(capsys, "orders", "list", "--to-make")
    assert out == "0 orders to make\n"


# --- the job bag ----------------------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def qr_codes(data: bytes, page: int = 0) -> list[str]:
    """The QR codes on a page of the PDF, as a phone would read them off the printed page (150 dpi)."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_job_bag_shows_the_order_number_and_its_qr_code_reads_it(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'bag.db'}")
    try:
        orders = Orders(store)
        for _ in range(12):  # the bag of J-000012: a number of two digits
            place(orders, save(store, BAND, client="Grace Hopper"), notes="engrave inside: G.H.\nmatte finish")
        order = orders.get("J-12")
        sheet = client_sheet(orders, order.number)
        assert f"{order.total:,.2f}" in pdf_text(sheet, tmp_path)  # her sheet has her total
        order = orders.approve(order.number, order.version.design_hash, "Grace Hopper", sheet, recorded_by="Ann")
        orders.advance(order.number, "wax printed", "Bob", expected_stage="approved")
        bag = job_bag(orders, order.number)
    finally:
        store.close()
    text = pdf_text(bag, tmp_path)
    first = text.split("\f")[0]
    assert "J-000012" in first and "Grace Hopper" in first and "engrave inside: G.H." in first
    assert "matte finish" in first and PROMISED.isoformat() in first
    for stage in ("approved", "wax printed", "cast", "set", "polished", "ready", "collected"):
        assert stage in first
    assert "workshop sheet" in text and "Workshop check" in text  # the workshop's pages follow
    assert "USD" not in text and f"{order.total:,.2f}" not in text  # no price anywhere on the bench's papers
    assert "job bag J-000012, version 1, page 2" in text
    assert qr_codes(bag) == ["J-000012"]


def test_the_qr_code_alone_reads_back():
    image = Image.open(io.BytesIO(qr_png("J-000123")))
    assert [found.text for found in zxingcpp.read_barcodes(image)] == ["J-000123"]


def test_no_job_bag_for_a_version_the_client_has_not_approved(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'bag.db'}")
    try:
        orders = Orders(store)
        order = place(orders, save(store, BAND), promised=PROMISED + timedelta(days=1))
        order = orders.approve(order.number, order.version.design_hash, "Ada", b"%PDF-1.4\n", recorded_by="Ann")
        changed = json.loads(BAND)
        changed["ring"]["width_mm"] = 4.5
        orders.revise(order.number, json.dumps(changed), "Ann")
        with pytest.raises(OrderError, match="version 2 awaits the client's approval; no job bag before it"):
            job_bag(orders, order.number)
    finally:
        store.close()


@pytest.mark.slow  # two processes of the command line on each database
def test_two_processes_moving_the_same_order_at_once_one_wins(backend):
    """Two servers (here two processes of the command line, each its own connection pool) move the same order from
    approved to wax printed at the same moment: exactly one moves it, the other exits 2 saying so in one line."""
    import os
    import sys

    from tests.helpers.orders import SHEET

    store = Store.open(backend.url)
    try:
        orders = Orders(store)
        order = place(orders, save(store, BAND))
        orders.approve(order.number, order.version.design_hash, "Ada Lovelace", SHEET, recorded_by="Ann")
        env = {**os.environ, "DATABASE_URL": backend.url}
        moves = [subprocess.Popen([sys.executable, "-m", "configurator", "orders", "advance", order.number, "--to",
                                   "wax printed", "--from", "approved", "--by", who], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for who in ("Ann", "Bob")]
        results = [(move.wait(timeout=120), *move.communicate()) for move in moves]
        assert sorted(code for code, _, _ in results) == [0, 2], results
        _, _, told = next(result for result in results if result[0] == 2)
        assert told.count("\n") == 1 and "wax printed" in told, told
        history = [event for event in orders.history(order.number) if event.stage == "wax_printed"]
        assert len(history) == 1 and orders.get(order.number).stage == "wax_printed"
    finally:
        store.close()
