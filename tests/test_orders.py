"""Orders (issue 28) on SQLite and on PostgreSQL (the `backend` fixture): an order's life from new to collected, a
change after approval that needs a new approval, stages skipped or sent back only with a reason, two staff moving
an order at once (threads: exactly one wins, the other is told who), a cancelled order that releases its stone and a
collected one that sells it, the audit, the workshop's list, the client's way in by her code alone, and a database
made before orders."""

from __future__ import annotations

import datetime as dt
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, select

from configurator.inventory import Inventory
from configurator.orders import (
    ORDER_HOLD,
    STAGES,
    DesignChanged,
    OrderError,
    OrderMoved,
    OrderNotFound,
    Orders,
    order_id,
    stage_key,
)
from configurator.price_table import current_price_table
from configurator.storage import (
    Base,
    DesignRow,
    OrderEventRow,
    StoneHold,
    StoneUnavailable,
    StorageError,
    Store,
    Visitor,
    new_access_code,
    secret_hash,
)
from tests.helpers.orders import (
    BAND,
    PROMISED,
    SHEET,
    STONE,
    TAKEN,
    approved,
    place,
    save,
    solitaire_in_white,
    solitaire_with_stone,
    stock_the_stone,
)


@pytest.fixture
def store(backend):
    store = Store.open(backend.url)
    yield store
    store.close()


@pytest.fixture
def orders(store):
    return Orders(store)


def stone_status(store: Store) -> tuple[str, int | None]:
    record = Inventory(store).get(STONE.stock_number)
    return record.status.value, record.reserved_for


def visitor(code: str) -> Visitor:
    return Visitor(code_hashes=(secret_hash(code),))


# --- the life of an order -------------------------------------------------------------------------------------------


def test_an_order_lives_from_new_to_collected(store, orders):
    stock_the_stone(store)
    saved = save(store, solitaire_with_stone(), hold=True)
    order = place(orders, saved)
    assert order.number == "J-000001" and order_id(order.number) == order.id
    assert (order.stage, order.stage_label, order.version.number) == ("awaiting_approval", "awaiting approval", 1)
    assert order.client_name == "Ada Lovelace" and order.approval is None and not order.to_make
    assert order.version.stock_number == STONE.stock_number and order.currency == "USD"
    assert order.version.prices_date <= dt.date.today() and order.version.prices_version.startswith("file ")
    assert order.total > 1000 and order.balance == round(order.total - 500, 2)
    assert orders.price_table(order.number) == current_price_table()  # the table it was quoted by, kept
    assert (order.deposit.amount, order.deposit.method, order.deposit.taken_on) == (500.0, "card", TAKEN)
    assert order.promised == PROMISED and order.notes == "size 6.5; polish the gallery"
    record = Inventory(store).get(STONE.stock_number)
    assert record.reserved_for == saved and record.reserved_until > datetime.now(UTC) + ORDER_HOLD - timedelta(days=1)

    order = orders.approve(order.number, order.version.design_hash, " Ada Lovelace ", SHEET, recorded_by="Ann")
    assert order.stage == "approved" and order.to_make and order.approval.name == "Ada Lovelace"
    assert order.approval.recorded_by == "Ann" and order.approval.design_hash == order.version.design_hash
    assert orders.approval_sheet(order.number) == SHEET
    for before, after in zip(STAGES[1:6], STAGES[2:7], strict=True):
        order = orders.advance(order.number, after, f"bench {after}", expected_stage=before)
        assert (order.stage, order.moved_by) == (after, f"bench {after}")
    owed = order.balance
    with pytest.raises(OrderError, match=f"{owed:,.2f} of its total is unpaid; record the balance paid"):
        orders.advance(order.number, "collected", "Ann", expected_stage="ready")
    with pytest.raises(OrderError, match="is more than the balance"):
        orders.advance(order.number, "collected", "Ann", expected_stage="ready", paid=owed + 1, method="card")
    order = orders.advance(order.number, "collected", "bench collected", expected_stage="ready", paid=owed,
                           method="cash")
    assert order.stage == "collected" and not order.to_make and not order.is_open
    assert order.balance == 0 and order.paid == order.total
    assert [(payment.amount, payment.method, payment.paid_on) for payment in order.payments] == [
        (owed, "cash", dt.date.today())]
    with pytest.raises(OrderError, match="paid in full already"):
        orders.pay(order.number, 1, "cash", "Ann")
    assert stone_status(store) == ("sold", None)
    with pytest.raises(OrderError, match="collected on .*; its work cannot move"):
        orders.advance(order.number, "ready", "Ann", expected_stage="collected", reason="oops")
    with pytest.raises(OrderError, match="collected on .*; it cannot be cancelled"):
        orders.cancel(order.number, "changed her mind", "Ann")

    history = orders.history(order.number)
    assert [(event.what, event.before, event.after) for event in history] == [
        ("placed", None, f"awaiting approval; version 1 ({order.version.design_hash[:12]}), USD {order.total:,.2f}"),
        ("approved", "awaiting approval", "approved"),
        ("stage", "approved", "wax printed"), ("stage", "wax printed", "cast"), ("stage", "cast", "set"),
        ("stage", "set", "polished"), ("stage", "polished", "ready"), ("stage", "ready", "collected"),
        ("payment", None, f"{owed:,.2f} by cash on {dt.date.today().isoformat()}; paid in full")]
    assert [event.who for event in history] == ["Ann", "Ann", "bench wax_printed", "bench cast", "bench set",
                                                "bench polished", "bench ready", "bench collected", "bench collected"]
    assert all(event.at.tzinfo is not None for event in history)
    times = orders.stage_times(order.number)
    assert list(times) == list(STAGES[:8]) and times["cast"].who == "bench cast" and times["approved"].who == "Ann"
    assert "recorded by Ann, as 'Ada Lovelace'" in history[1].reason


def test_a_change_after_approval_needs_a_new_approval(store, orders):
    stock_the_stone(store)
    code = new_access_code()
    saved = save(store, solitaire_with_stone(), code=code, hold=True)
    first = approved(orders, saved)
    first = orders.advance(first.number, "wax_printed", "Bob", expected_stage="approved")
    with pytest.raises(OrderError, match="the design is version 1 as it is; nothing changed"):
        orders.revise(first.number, solitaire_with_stone(), "Ann")

    second = orders.revise(first.number, solitaire_in_white(), "Ann")
    assert (second.version.number, second.stage, second.approved_version) == (2, "awaiting_approval", 1)
    assert second.approval is None and not second.to_make and second.version.design_hash != first.version.design_hash
    assert second.version.total != first.version.total and second.balance == round(second.total - 500, 2)
    assert orders.to_make() == []
    with pytest.raises(OrderError, match="awaits the client's approval; nothing is made before it"):
        orders.advance(second.number, "cast", "Bob", expected_stage="awaiting_approval")

    # She opened version 1 on her phone and approves it: refused, she is shown the new one.
    with pytest.raises(DesignChanged, match="the design changed since; review the new version"):
        orders.approve(first.number, first.version.design_hash, "Ada Lovelace", SHEET, visitor=visitor(code))
    with pytest.raises(OrderError, match="name: type your name to approve"):
        orders.approve(first.number, second.version.design_hash, "  ", SHEET, visitor=visitor(code))
    with pytest.raises(OrderError, match="sheet_pdf: not a PDF"):
        orders.approve(first.number, second.version.design_hash, "Ada Lovelace", b"<html>", visitor=visitor(code))
    again = orders.approve(first.number, second.version.design_hash, "Ada Lovelace", SHEET + b"v2",
                           visitor=visitor(code))
    assert (again.stage, again.approved_version, again.approval.version, again.approval.recorded_by) == (
        "approved", 2, 2, None)
    assert [order.number for order in orders.to_make()] == [first.number]
    with pytest.raises(OrderError, match="version 2 was approved by Ada Lovelace at .* already"):
        orders.approve(first.number, second.version.design_hash, "Ada Lovelace", SHEET, visitor=visitor(code))

    # The first approval stays, with the sheet she saw then; both versions are kept.
    assert [(approval.version, approval.design_hash) for approval in orders.approvals(first.number)] == [
        (1, first.version.design_hash), (2, second.version.design_hash)]
    assert orders.approval_sheet(first.number, 1) == SHEET and orders.approval_sheet(first.number) == SHEET + b"v2"
    assert [version.design_json for version in orders.versions(first.number)] == [solitaire_with_stone(),
                                                                                  solitaire_in_white()]
    whats = [(event.what, event.before, event.after) for event in orders.history(first.number)]
    assert whats[3][0] == "version" and whats[3][1].startswith("version 1 (") and whats[3][2].startswith("version 2 (")
    assert whats[4] == ("stage", "wax printed", "awaiting approval")
    assert whats[5] == ("approved", "awaiting approval", "approved")
    assert stone_status(store) == ("reserved", saved)  # the same stone, still held for the order


def test_a_skipped_stage_needs_a_reason_and_so_does_going_back(store, orders):
    order = approved(orders, save(store))
    with pytest.raises(OrderError, match="from approved to set skips wax printed, cast; give a reason to skip"):
        orders.advance(order.number, "set", "Bob", expected_stage="approved")
    with pytest.raises(OrderError, match="from approved to set skips"):
        orders.advance(order.number, "set", "Bob", expected_stage="approved", reason="   ")
    assert orders.get(order.number).stage == "approved"
    order = orders.advance(order.number, "Set", "Bob", expected_stage="approved",
                           reason="cast by the supplier, delivered cast")
    assert order.stage == "set"
    with pytest.raises(OrderError, match="back from set to cast; give a reason to go back"):
        orders.advance(order.number, "cast", "Bob", expected_stage="set")
    order = orders.advance(order.number, "cast", "Bob", expected_stage="set", reason="porosity at the shank: recast")
    with pytest.raises(OrderError, match="at cast already"):
        orders.advance(order.number, "cast", "Bob", expected_stage="cast")
    with pytest.raises(OrderError, match="cannot move to cancelled: cancel it instead"):
        orders.advance(order.number, "cancelled", "Bob", expected_stage="cast", reason="x")
    with pytest.raises(OrderError, match="cannot move to awaiting approval: a change of the design makes a new"):
        orders.advance(order.number, "awaiting approval", "Bob", expected_stage="cast", reason="x")
    with pytest.raises(OrderError, match="stage: 'glazed' is none of: awaiting approval, approved, wax printed"):
        orders.advance(order.number, "glazed", "Bob", expected_stage="cast")
    with pytest.raises(OrderError, match="by: say who makes the change"):
        orders.advance(order.number, "set", "", expected_stage="cast")
    stages = [(event.before, event.after, event.reason) for event in orders.history(order.number)
              if event.what == "stage"]
    assert stages == [("approved", "set", "cast by the supplier, delivered cast"),
                      ("set", "cast", "porosity at the shank: recast")]
    assert list(orders.stage_times(order.number)) == ["awaiting_approval", "approved", "cast", "set"]


def test_an_order_awaiting_approval_is_not_made_and_the_workshop_list_holds_approved_versions(store, orders):
    waiting = place(orders, save(store))
    made = approved(orders, save(store, client="Grace Hopper"), promised=PROMISED + timedelta(days=9))
    soon = approved(orders, save(store, client="Mary Somerville"))
    cancelled = approved(orders, save(store, client="Emmy Noether"))
    orders.cancel(cancelled.number, "the client withdrew", "Ann")
    with pytest.raises(OrderError, match="version 1 awaits the client's approval; nothing is made before it"):
        orders.advance(waiting.number, "wax printed", "Bob", expected_stage="awaiting approval")
    with pytest.raises(OrderError, match=f"order {waiting.number}: not approved yet"):
        orders.approval_sheet(waiting.number)
    assert [order.number for order in orders.to_make()] == [soon.number, made.number]  # the earliest promised first
    assert [order.number for order in orders.list(stage="awaiting approval")] == [waiting.number]
    assert [order.number for order in orders.list(client="hopper")] == [made.number]
    assert len(orders.list()) == 4


# --- two staff at once ----------------------------------------------------------------------------------------------


def race(*calls):
    """Run `calls` at the same moment, each in its own thread: what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - what the test asserts on
            results[index] = exc

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_staff_advancing_the_same_order_at_once_one_wins(store, orders):
    order = approved(orders, save(store))
    for before, after in zip(STAGES[1:5], STAGES[2:6], strict=True):
        results = race(*(lambda who=who, before=before, after=after: orders.advance(
            order.number, after, who, expected_stage=before) for who in ("Ann", "Bob", "Cleo")))
        won = [result for result in results if not isinstance(result, Exception)]
        lost = [result for result in results if isinstance(result, Exception)]
        assert len(won) == 1 and len(lost) == 2, results
        assert all(isinstance(error, OrderMoved) for error in lost), lost
        winner = won[0].moved_by
        for error in lost:
            assert f"was moved to {after.replace('_', ' ')} by {winner} at " in str(error)
            assert (error.stage, error.by, error.number) == (after, winner, order.number)
    stages = [event for event in orders.history(order.number) if event.what == "stage"]
    assert [event.after for event in stages] == ["wax printed", "cast", "set", "polished"]  # one row a move


def test_a_move_landing_between_the_read_and_the_write_is_caught_by_the_update(backend, store, orders, monkeypatch):
    """The conditional UPDATE itself: another server moves the order after this one read it and before it writes
    (PostgreSQL; on SQLite a writer holds the write lock from its first read, so nothing can land in between)."""
    if backend.name == "sqlite":
        pytest.skip("SQLite writers lock the database from BEGIN IMMEDIATE: no write lands between read and write")
    order = approved(orders, save(store))
    other = Store.open(backend.url)
    checks = Orders._refuse_closed

    def meanwhile(row, labels, what):  # after this transaction read the order, another commits a move
        monkeypatch.setattr(Orders, "_refuse_closed", staticmethod(checks))
        Orders(other).advance(order.number, "wax printed", "Cleo", expected_stage="approved")
        checks(row, labels, what)

    monkeypatch.setattr(Orders, "_refuse_closed", staticmethod(meanwhile))
    try:
        with pytest.raises(OrderMoved, match=f"order {order.number} was moved to wax printed by Cleo at "):
            orders.advance(order.number, "wax printed", "Bob", expected_stage="approved")
    finally:
        other.close()
    assert [event.who for event in orders.history(order.number) if event.what == "stage"] == ["Cleo"]


def test_a_cancel_and_an_advance_at_once_one_wins(store, orders):
    stock_the_stone(store)
    order = approved(orders, save(store, solitaire_with_stone(), hold=True))
    results = race(lambda: orders.advance(order.number, "wax printed", "Bob", expected_stage="approved"),
                   lambda: orders.cancel(order.number, "the client withdrew", "Ann", expected_stage="approved"))
    won = [result for result in results if not isinstance(result, Exception)]
    assert len(won) == 1 and isinstance(next(r for r in results if isinstance(r, Exception)), OrderMoved), results
    final = orders.get(order.number)
    assert final.stage == won[0].stage
    assert stone_status(store)[0] == ("available" if final.stage == "cancelled" else "reserved")


def test_two_approvals_at_once_make_one(store, orders):
    code = new_access_code()
    order = place(orders, save(store, code=code))
    results = race(*(lambda name=name: orders.approve(order.number, order.version.design_hash, name, SHEET,
                                                      visitor=visitor(code)) for name in ("Ada", "Ada L.")))
    assert sum(not isinstance(result, Exception) for result in results) == 1, results
    assert all(isinstance(result, OrderMoved | OrderError) for result in results if isinstance(result, Exception))
    assert len(orders.approvals(order.number)) == 1


def test_a_change_made_from_an_old_view_is_refused(store, orders):
    order = approved(orders, save(store))
    changed = orders.change(order.number, "Ann", notes="engrave inside: A & C")
    with pytest.raises(OrderMoved, match=f"order {order.number} was changed by Ann at .* meanwhile"):
        orders.advance(order.number, "wax printed", "Bob", expected_stage="approved",
                       expected_revision=order.revision)
    assert orders.advance(order.number, "wax printed", "Bob", expected_stage="approved",
                          expected_revision=changed.revision).stage == "wax_printed"


# --- cancelling, the stone, the saved design --------------------------------------------------------------------------


def test_a_cancelled_order_releases_its_stone_and_is_kept(store, orders):
    stock_the_stone(store)
    saved = save(store, solitaire_with_stone(), hold=True)
    order = approved(orders, saved)
    with pytest.raises(OrderError, match="stone D-24001: in order J-000001 already"):
        place(orders, saved)
    with pytest.raises(OrderError, match="reason: say why the order is cancelled"):
        orders.cancel(order.number, " ", "Ann")
    cancelled = orders.cancel(order.number, "the client withdrew", "Ann")
    assert (cancelled.stage, cancelled.cancelled_reason) == ("cancelled", "the client withdrew")
    assert stone_status(store) == ("available", None)
    assert orders.get(order.number).stage == "cancelled"  # never deleted
    assert orders.history(order.number)[-1].what == "cancelled"
    for refused in (lambda: orders.advance(order.number, "wax printed", "Bob", expected_stage="cancelled"),
                    lambda: orders.cancel(order.number, "again", "Ann"),
                    lambda: orders.revise(order.number, solitaire_in_white(), "Ann"),
                    lambda: orders.change(order.number, "Ann", notes="x")):
        with pytest.raises(OrderError, match="cancelled \\(the client withdrew\\)"):
            refused()
    again = place(orders, saved)  # the stone is free for a new order
    assert again.number == "J-000002" and stone_status(store) == ("reserved", saved)


def test_a_stone_held_for_an_order_stays_the_orders(store, orders):
    stock_the_stone(store)
    saved = save(store, solitaire_with_stone(), hold=True)
    order = place(orders, saved)
    # The client saves the piece again in the app, which would take the hold over from her earlier save.
    later = StoneHold(STONE.stock_number, datetime.now(UTC) + timedelta(days=1), takes_over=(saved,))
    with pytest.raises(StoneUnavailable, match=f"stone D-24001: held for order {order.number} \\(saved design"):
        store.save("Ada Lovelace", solitaire_with_stone(), hold=later)
    with pytest.raises(StorageError, match=f"saved design {saved}: order {order.number} is made from it, so it is kept"):
        store.delete(saved)
    assert store.get(saved).id == saved and stone_status(store) == ("reserved", saved)


def test_an_order_needs_its_stone_free(store, orders):
    inventory = stock_the_stone(store)
    saved = save(store, solitaire_with_stone())  # not held: another client's design holds it meanwhile
    other = save(store, solitaire_with_stone(), client="Grace Hopper", hold=True)
    with pytest.raises(StoneUnavailable, match=f"stone D-24001: already reserved for saved design #{other}"):
        place(orders, saved)
    assert orders.list() == []
    inventory.release(STONE.stock_number)
    assert place(orders, saved).version.stock_number == STONE.stock_number


# --- details, stage names, numbers ----------------------------------------------------------------------------------


def test_details_change_each_with_an_audit_row_and_no_new_approval(store, orders):
    order = approved(orders, save(store))
    today = dt.date.today()
    for details, message in [
        ({"deposit": order.total + 1}, "deposit: .* is more than the total"),
        ({"deposit": 100.0, "method": None}, "deposit: say how it was paid"),
        ({"deposit_date": today + timedelta(days=1)}, "deposit_date: .* is after today"),
        ({"promised": today - timedelta(days=1)}, "promised: .* is in the past"),
        ({"deposit": -5.0}, "deposit: -5 is not an amount"),
        ({"deposit": float("nan")}, "deposit: an amount"),
    ]:
        with pytest.raises(OrderError, match=message):
            place(orders, save(store), **details)
    changed = orders.change(order.number, "Cleo", deposit=800.0, method="bank transfer", promised=PROMISED +
                            timedelta(days=7), notes="rhodium plate the head")
    assert (changed.deposit.amount, changed.deposit.method, changed.balance) == (800.0, "bank transfer",
                                                                                 round(order.total - 800, 2))
    assert changed.stage == "approved" and changed.version.number == 1 and changed.to_make
    assert changed.revision > order.revision
    events = [(event.what, event.before, event.after, event.who) for event in orders.history(order.number)][2:]
    assert events == [("deposit", f"500.00 by card on {TAKEN}", f"800.00 by bank transfer on {TAKEN}", "Cleo"),
                      ("promised", PROMISED.isoformat(), (PROMISED + timedelta(days=7)).isoformat(), "Cleo"),
                      ("notes", "size 6.5; polish the gallery", "rhodium plate the head", "Cleo")]
    assert orders.change(order.number, "Cleo", notes="rhodium plate the head").revision == changed.revision


def test_the_store_renames_its_stages(store, orders):
    order = approved(orders, save(store))
    labels = orders.rename_stage("wax_printed", "Wax out", "Owner")
    assert labels["wax_printed"] == "Wax out" and list(labels) == list(STAGES)
    with pytest.raises(OrderError, match="label: 'Cast' names the stage cast already"):
        orders.rename_stage("set", "Cast", "Owner")
    with pytest.raises(OrderError, match="label: give the stage a name"):
        orders.rename_stage("set", " ", "Owner")
    moved = orders.advance(order.number, "wax out", "Bob", expected_stage="Approved")
    assert (moved.stage, moved.stage_label) == ("wax_printed", "Wax out")
    assert stage_key("wax printed", labels) == "wax_printed"  # the default word still reads
    assert orders.history(order.number)[-1].after == "Wax out"
    renames = orders.stage_names_history()
    assert [(event.before, event.after, event.who) for event in renames] == [("wax printed", "Wax out", "Owner")]
    assert orders.rename_stage("wax printed", "wax printed", "Owner")["wax_printed"] == "wax printed"


def test_order_numbers(orders):
    assert order_id("J-000123") == order_id("j-123") == order_id(" J000123 ") == 123
    for text in ("123", "K-1", "J-0", "J-", "", "J-1234567890"):
        with pytest.raises(OrderNotFound, match="not an order number"):
            order_id(text)
    with pytest.raises(OrderNotFound, match="order J-000042: not found"):
        orders.get("J-42")


# --- the client's way in --------------------------------------------------------------------------------------------


def test_a_visitor_without_the_code_sees_nothing(store, orders):
    code = new_access_code()
    saved = store.save("Ada Lovelace", BAND, access_code=code, owner="her-browser-token-0123456789")
    order = place(orders, saved.id)
    hers, stranger = visitor(code), visitor(new_access_code())
    assert [mine.number for mine in orders.orders_for(hers)] == [order.number]
    mine = orders.client_order(hers, order.number)
    assert (mine.total, mine.currency, mine.stage_label) == (order.total, "USD", "awaiting approval")
    assert mine.awaiting_approval and mine.balance == order.balance and not hasattr(mine, "notes")
    assert orders.can_see(hers, order.number)
    browser_only = Visitor(owner_hash=secret_hash("her-browser-token-0123456789"))
    for nobody in (Visitor(), stranger, browser_only):
        assert orders.orders_for(nobody) == [] and not orders.can_see(nobody, order.number)
        with pytest.raises(OrderNotFound) as wrong:
            orders.client_order(nobody, order.number)
        with pytest.raises(OrderNotFound) as missing:
            orders.client_order(nobody, "J-999")
        assert str(wrong.value).replace(order.number, "J-000999") == str(missing.value)
        with pytest.raises(OrderNotFound):
            orders.approve(order.number, order.version.design_hash, "Ada Lovelace", SHEET, visitor=nobody)
    with pytest.raises(OrderError, match="one of the two"):
        orders.approve(order.number, order.version.design_hash, "Ada Lovelace", SHEET)
    assert orders.get(order.number).stage == "awaiting_approval"


def test_her_browser_keeps_her_orders_open_until_she_forgets_them(store, orders):
    code, token = new_access_code(), "her-browser-token-0123456789"
    saved = store.save("Ada Lovelace", BAND, access_code=code, owner=token)
    order = place(orders, saved.id)
    browser = Visitor(owner_hash=secret_hash(token))
    assert orders.orders_for(browser) == [] and not orders.remembered(browser)
    with_code = Visitor(owner_hash=secret_hash(token), code_hashes=(secret_hash(code),))
    assert orders.remember(with_code) == 1 and orders.remember(with_code) == 1  # kept once
    assert orders.remembered(browser)
    assert [mine.number for mine in orders.orders_for(browser)] == [order.number]  # a reload: no code typed
    assert orders.client_order(browser, order.number).number == order.number
    other_browser = Visitor(owner_hash=secret_hash("another-browser-token-98765"))
    assert orders.orders_for(other_browser) == [] and not orders.can_see(other_browser, order.number)
    # A shop terminal has no token, and a code that reaches no order is not kept.
    assert orders.remember(Visitor(code_hashes=(secret_hash(code),))) == 0
    assert orders.remember(Visitor(owner_hash=secret_hash("a-third-browser-token-55555"),
                                   code_hashes=(secret_hash(new_access_code()),))) == 0
    orders.forget(browser)
    assert orders.orders_for(browser) == [] and not orders.remembered(browser)
    assert [mine.number for mine in orders.orders_for(with_code)] == [order.number]  # her code still opens it


def test_payments_after_the_deposit_settle_the_balance(store, orders):
    order = approved(orders, save(store))
    owed = order.balance
    yesterday = dt.date.today() - timedelta(days=1)
    order = orders.pay(order.number, 300, "bank transfer", "Ann", paid_on=yesterday)
    assert order.balance == round(owed - 300, 2) and order.paid == 800.0 and order.stage == "approved"
    assert [(payment.amount, payment.method, payment.paid_on, payment.recorded_by) for payment in order.payments] == [
        (300.0, "bank transfer", yesterday, "Ann")]
    for amount, method, when, words in (
            (order.balance + 0.01, "cash", None, "is more than the balance"),
            (0, "cash", None, "is not an amount above 0"), (-5, "cash", None, "is not an amount above 0"),
            (float("nan"), "cash", None, "an amount"), (10, "  ", None, "say how it was paid"),
            (10, "cash", dt.date.today() + timedelta(days=1), "is after today")):
        with pytest.raises(OrderError, match=words):
            orders.pay(order.number, amount, method, "Ann", paid_on=when)
    assert orders.get(order.number).payments == order.payments  # nothing written
    for before, after in zip(STAGES[1:6], STAGES[2:7], strict=True):
        order = orders.advance(order.number, after, "Bob", expected_stage=before)
    # Handed over with some unpaid: only with a reason; the rest is paid later.
    order = orders.advance(order.number, "collected", "Ann", expected_stage="ready", paid=100, method="card",
                           reason="the rest on account, invoice 77")
    assert order.stage == "collected" and order.balance == round(owed - 400, 2)
    order = orders.pay(order.number, order.balance, "card", "Ann")
    assert order.balance == 0 and len(order.payments) == 3
    payments = [event.after for event in orders.history(order.number) if event.what == "payment"]
    assert len(payments) == 3 and payments[-1].endswith("; paid in full")
    cancelled = place(orders, save(store))
    orders.cancel(cancelled.number, "she changed her mind", "Ann")
    with pytest.raises(OrderError, match="cancelled .*no payment is taken"):
        orders.pay(cancelled.number, 10, "cash", "Ann")


def test_two_staff_taking_the_balance_at_once_take_it_once(store, orders):
    order = approved(orders, save(store))
    owed, results = order.balance, []

    def take() -> None:
        try:
            results.append(orders.pay(order.number, owed, "card", threading.current_thread().name))
        except OrderError as exc:
            results.append(exc)

    threads = [threading.Thread(target=take, name=f"till {n}") for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    landed = [result for result in results if not isinstance(result, Exception)]
    assert len(landed) == 1 and len(results) == 3
    assert all(isinstance(result, OrderMoved) or "paid in full already" in str(result)
               for result in results if isinstance(result, Exception))
    final = orders.get(order.number)
    assert final.balance == 0 and len(final.payments) == 1


# --- a database made before orders ----------------------------------------------------------------------------------


ORDER_TABLES = {"orders", "order_versions", "order_approvals", "order_events", "order_stage_names", "order_payments",
                "order_devices"}


def test_a_database_made_before_orders_gains_their_tables(backend):
    engine = create_engine(backend.url)
    older = [table for name, table in Base.metadata.tables.items() if name not in ORDER_TABLES]
    Base.metadata.create_all(engine, tables=older)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(DesignRow.__table__.insert().values(id=7, client_name="Old Client", title="", notes="",
                                                         design_json=BAND, created_at=now, updated_at=now))
    assert not ORDER_TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
    store = Store.open(backend.url)
    try:
        assert ORDER_TABLES <= set(inspect(store.engine).get_table_names())
        assert store.get(7).client_name == "Old Client"
        orders = Orders(store)
        order = approved(orders, 7)
        assert order.client_name == "Old Client" and order.to_make
        with store._transaction() as s:
            assert len(s.scalars(select(OrderEventRow)).all()) == 2
    finally:
        store.close()
