"""Orders (staff): an order placed from a saved design (its version frozen, the total as quoted, the deposit typed,
the promised date, notes for the bench), the board of orders by stage (overdue ones marked, searched by client or
order number), and one order opened: its stage moved on (a skipped stage needs a reason; of two staff moving it at
once one wins and the other is told), cancelled with a reason, its job bag for the bench, the client's link."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from configurator.job_bag import job_bag
from configurator.orders import AWAITING, CANCELLED, COLLECTED, STAGES, Order, Orders
from configurator.storage import StorageError
from webapp.database import store
from webapp.design_page import base_url
from webapp.revision import open_version
from webapp.staff import staff, staff_name
from webapp.ui import guarded, number_field, say, typed_number

METHODS = ("card", "cash", "bank transfer", "other")


def _orders() -> Orders:
    return Orders(store())


def _tried(refused: str, call):
    """What `call()` gives, or None with the refusal in words in the session's problem ("Not moved: ...")."""
    try:
        return call()
    except StorageError as exc:
        st.session_state.problem = f"{refused}: {exc}"
        return None


@guarded
def _place(saved_id: int) -> None:
    who = staff_name()
    if who is None:
        return
    deposit, problem = typed_number("order_deposit", "Deposit taken", 0.0, 1e9)
    if problem:
        st.session_state.problem = f"Not placed: {problem}"
        return
    amount = deposit or 0.0
    order = _tried("Not placed", lambda: _orders().place(
        saved_id, promised=st.session_state.order_promised, by=who, deposit=amount,
        method=st.session_state.order_method if amount else None,
        deposit_date=st.session_state.order_deposit_date if amount else None,
        notes=str(st.session_state.get("order_notes") or "")))
    if order is None:
        return
    st.session_state.order_open = order.number
    deposit = f"deposit {order.currency} {order.deposit.amount:,.2f}" if order.deposit.amount else "no deposit yet"
    st.session_state.notice = (f"Order {order.number} placed for {order.client_name} ({deposit}), awaiting her "
                               "approval: she opens it with her access code (her link is below).")


@guarded
def _advance(order: Order) -> None:
    who = staff_name()
    if who is None:
        return
    reason = str(st.session_state.get(f"move_reason_{order.number}") or "").strip() or None
    to = st.session_state[f"move_to_{order.number}"]
    paid = None
    if to == COLLECTED and order.balance > 0:
        paid, problem = typed_number(f"move_paid_{order.number}", "The balance paid", 0.0, order.balance)
        if problem:
            st.session_state.problem = f"Not moved: {problem}"
            return
    moved = _tried("Not moved", lambda: _orders().advance(
        order.number, to, who, expected_stage=order.stage, reason=reason, expected_revision=order.revision,
        paid=paid, method=st.session_state.get(f"move_method_{order.number}") if paid else None))
    if moved is None:
        return
    money = f" {moved.currency} {paid:,.2f} paid; balance {moved.balance:,.2f}." if paid else ""
    st.session_state.notice = f"Order {moved.number} is now at “{moved.stage_label}”.{money}"


@guarded
def _pay(order: Order) -> None:
    who = staff_name()
    if who is None:
        return
    amount, problem = typed_number(f"pay_amount_{order.number}", "The amount paid", 0.01, order.balance)
    if problem or not amount:
        st.session_state.problem = f"Not recorded: {problem or 'type the amount paid.'}"
        return
    paid = _tried("Not recorded", lambda: _orders().pay(
        order.number, amount, st.session_state.get(f"pay_method_{order.number}"), who,
        paid_on=st.session_state.get(f"pay_date_{order.number}"), expected_revision=order.revision))
    if paid is None:
        return
    for key in (f"pay_amount_{order.number}", f"move_paid_{order.number}"):  # filled in again with the new balance
        st.session_state.pop(key, None)
    left = "paid in full" if paid.balance <= 0 else f"the balance is {paid.currency} {paid.balance:,.2f}"
    st.session_state.notice = f"{paid.currency} {amount:,.2f} recorded for order {paid.number}: {left}."


@guarded
def _change(order: Order) -> None:
    who = staff_name()
    if who is None:
        return
    key = order.number
    deposit, problem = typed_number(f"change_deposit_{key}", "The deposit", 0.0, 1e9)
    if problem:
        st.session_state.problem = f"Not changed: {problem}"
        return
    changed = _tried("Not changed", lambda: _orders().change(
        order.number, who, deposit=deposit or 0.0,
        method=st.session_state.get(f"change_method_{key}") if deposit else None,
        deposit_date=st.session_state.get(f"change_deposit_date_{key}") if deposit else None,
        promised=None if st.session_state.get(f"change_promised_{key}") == order.promised
        else st.session_state.get(f"change_promised_{key}"),
        notes=str(st.session_state.get(f"change_notes_{key}") or ""), expected_revision=order.revision))
    if changed is None:
        return
    st.session_state.notice = (f"Order {changed.number}: deposit {changed.deposit.amount:,.2f}, promised for "
                               f"{changed.promised:%Y-%m-%d}; the design and its approval are as they were.")


@guarded
def _cancel(order: Order) -> None:
    who = staff_name()
    if who is None:
        return
    reason = str(st.session_state.get(f"cancel_reason_{order.number}") or "")
    if _tried("Not cancelled", lambda: _orders().cancel(order.number, reason, who,
                                                        expected_stage=order.stage)) is None:
        return
    st.session_state.notice = f"Order {order.number} is cancelled; its stone, if ours, is free again."


def place_form() -> None:
    with st.expander("Place an order from a saved design", expanded=not st.session_state.get("order_open")):
        try:
            saved = store().list(limit=100)
        except StorageError as exc:
            say("error", exc)
            return
        if not saved:
            say("info", "No saved designs yet: an order is placed from a design saved for a client.")
            return
        labels = {row.id: f"#{row.id} · {row.title or 'untitled'} · {row.client_name}" for row in saved}
        chosen = st.selectbox("Saved design", list(labels), format_func=labels.get, key="order_saved")
        number_field("Deposit taken", "order_deposit", 0.0, 1e9, None, optional=True,
                     help="Leave empty for none; no payment is taken here, only recorded")
        cols = st.columns(2)
        cols[0].selectbox("Paid by", METHODS, key="order_method")
        cols[1].date_input("Deposit taken on", value=dt.date.today(), key="order_deposit_date")
        st.date_input("Promised for", value=dt.date.today() + dt.timedelta(days=28), key="order_promised")
        st.text_area("Notes for the bench", key="order_notes", max_chars=2000)
        st.button("Place the order", key="order_place", type="primary", on_click=_place, args=(chosen,))


@guarded
def _rename(key: str) -> None:
    who = staff_name()
    if who is None:
        return
    label = str(st.session_state.get(f"stage_name_{key}") or "")
    _tried("Not renamed", lambda: _orders().rename_stage(key, label, who))


def stage_names() -> None:
    """The store's own names for the stages (the line's order stays the same)."""
    with st.expander("The stages' names"):
        labels = _orders().stage_labels()
        for key in STAGES:
            if st.session_state.get(f"stage_name_{key}") is None:
                st.session_state[f"stage_name_{key}"] = labels.get(key, key)
            st.text_input(key.replace("_", " "), key=f"stage_name_{key}", max_chars=40, on_change=_rename,
                          args=(key,))


def board(orders: list[Order], labels: dict[str, str]) -> None:
    """The orders by stage, in the order the work moves (cancelled last), the earliest promised first in each."""
    today = dt.date.today()
    line = [*STAGES, CANCELLED]
    orders = sorted(orders, key=lambda order: (line.index(order.stage), order.promised, order.number))
    rows = [{"order": order.number, "client": order.client_name, "stage": labels.get(order.stage, order.stage),
             "promised": order.promised.isoformat(),
             "overdue": "overdue" if order.is_open and order.promised < today and order.stage != COLLECTED else "",
             "total": f"{order.total:,.2f}", "deposit": f"{order.deposit.amount:,.2f}",
             "balance": f"{order.balance:,.2f}"} for order in orders]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def detail(order: Order, labels: dict[str, str]) -> None:
    st.subheader(f"Order {order.number}: {order.client_name}")
    st.caption(f"Stage: {labels.get(order.stage, order.stage)} · promised for {order.promised:%Y-%m-%d} · "
               f"total {order.currency} {order.total:,.2f}, deposit {order.deposit.amount:,.2f}, balance "
               f"{order.balance:,.2f} · version {order.version.number} ({order.version.design_hash[:12]})")
    link = f"{base_url().rsplit('/', 1)[0]}/order?order={order.number}"
    st.code(link, language=None)
    st.caption("Her link: she opens it with the access code her design was saved with (it never goes in the link "
               "you send).")
    if order.stage == AWAITING:
        say("info", "Awaiting the client's approval: nothing is made until she approves this version.")
    if order.is_open and order.stage != AWAITING:
        at = STAGES.index(order.stage)
        following = [key for key in STAGES[at + 1:]]
        if following:
            cols = st.columns([2, 3, 1], vertical_alignment="bottom")
            to = cols[0].selectbox("Move to", following, format_func=lambda key: labels.get(key, key),
                                   key=f"move_to_{order.number}")
            cols[1].text_input("Reason (to skip a stage, or to hand it over unpaid)", key=f"move_reason_{order.number}",
                               max_chars=300)
            if to == COLLECTED and order.balance > 0:
                money = st.columns(2)
                with money[0]:
                    number_field(f"Balance paid now ({order.currency})", f"move_paid_{order.number}", 0.0,
                                 order.balance, order.balance, optional=True,
                                 help="What she pays as she collects the piece; empty: nothing now")
                money[1].selectbox("Paid by", METHODS, key=f"move_method_{order.number}")
            cols[2].button("Move", key=f"move_{order.number}", type="primary", on_click=_advance, args=(order,),
                           width="stretch")
        if st.button("Make the job bag (PDF)", key=f"bag_{order.number}"):
            try:
                st.session_state[f"bag_pdf_{order.number}"] = job_bag(_orders(), order.number)
            except StorageError as exc:
                say("error", f"No job bag: {exc}")
        made = st.session_state.get(f"bag_pdf_{order.number}")
        if made:
            st.download_button("Download the job bag", made, file_name=f"{order.number}-job-bag.pdf",
                               mime="application/pdf", key=f"bag_download_{order.number}")
    payments(order)
    if order.is_open:
        details(order)
        st.button("Change the design (a new version for her approval)", key=f"revise_{order.number}",
                  on_click=open_version, args=(order,))
        with st.expander("Cancel this order"):
            st.text_input("Why (kept with the order)", key=f"cancel_reason_{order.number}", max_chars=300)
            st.button("Cancel the order", key=f"cancel_{order.number}", on_click=_cancel, args=(order,))
    history = _orders().history(order.number)
    st.dataframe(pd.DataFrame([{"when": f"{event.at:%Y-%m-%d %H:%M}", "who": event.who, "what": event.what,
                                "from": event.before or "", "to": event.after or "", "reason": event.reason or ""}
                               for event in history]), hide_index=True, width="stretch")


def payments(order: Order) -> None:
    """What she paid (the deposit, then each payment), and a payment recorded."""
    rows = ([{"paid": f"{order.deposit.amount:,.2f}", "how": order.deposit.method or "",
              "on": f"{order.deposit.taken_on:%Y-%m-%d}", "what": "deposit"}] if order.deposit.amount else [])
    rows += [{"paid": f"{payment.amount:,.2f}", "how": payment.method, "on": f"{payment.paid_on:%Y-%m-%d}",
              "what": f"recorded by {payment.recorded_by}"} for payment in order.payments]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if order.stage == CANCELLED or order.balance <= 0:
        if order.stage != CANCELLED:
            st.caption("Paid in full.")
        return
    with st.expander(f"Take a payment (balance {order.currency} {order.balance:,.2f})"):
        number_field("Amount paid", f"pay_amount_{order.number}", 0.01, order.balance, None, optional=True)
        cols = st.columns(2)
        cols[0].selectbox("Paid by", METHODS, key=f"pay_method_{order.number}")
        cols[1].date_input("Paid on", value=dt.date.today(), max_value=dt.date.today(), key=f"pay_date_{order.number}")
        st.button("Record the payment", key=f"pay_{order.number}", on_click=_pay, args=(order,))


def details(order: Order) -> None:
    """The deposit, the promised date and the bench's notes changed (no new approval: the design is as it was)."""
    key = order.number
    with st.expander("Change the deposit, the promised date or the notes"):
        number_field("Deposit taken", f"change_deposit_{key}", 0.0, 1e9, order.deposit.amount or None,
                     optional=True)
        cols = st.columns(2)
        method = order.deposit.method if order.deposit.method in METHODS else METHODS[0]
        cols[0].selectbox("Paid by", METHODS, index=METHODS.index(method), key=f"change_method_{key}")
        cols[1].date_input("Deposit taken on", value=order.deposit.taken_on or dt.date.today(),
                           max_value=dt.date.today(), key=f"change_deposit_date_{key}")
        st.date_input("Promised for", value=order.promised, min_value=min(order.promised, dt.date.today()),
                      key=f"change_promised_{key}")
        st.text_area("Notes for the bench", value=order.notes, key=f"change_notes_{key}", max_chars=2000)
        st.button("Save the changes", key=f"change_{key}", on_click=_change, args=(order,))


def orders_page() -> None:
    st.title("Orders")
    for kind, shown in (("problem", "error"), ("caution", "warning"), ("notice", "success")):
        if st.session_state.get(kind):
            say(shown, st.session_state.pop(kind))
    if not staff():
        say("info", "Orders are the store's: sign in on Store settings. A client sees her own order on Your order, "
                    "with her access code.")
        return
    st.text_input("Your name (staff)", key="staff_name", max_chars=60,
                  help="Every change to an order records who made it")
    place_form()
    stage_names()
    search = st.text_input("Search", key="orders_search", placeholder="Client or order number")
    stages = ["every stage", *STAGES, CANCELLED]
    stage = st.selectbox("Stage", stages, key="orders_stage")
    try:
        orders = _orders()
        labels = orders.stage_labels()
        found = orders.list(stage=None if stage == "every stage" else stage)
    except StorageError as exc:
        say("error", f"Orders cannot be read right now: {exc}")
        return
    needle = search.strip().lower()
    found = [order for order in found if not needle or needle in order.client_name.lower()
             or needle in order.number.lower()]
    if not found:
        say("info", "No orders." if not needle else "No order matches.")
        return
    board(found, labels)
    numbers = [order.number for order in found]
    if st.session_state.get("order_open") not in numbers:
        st.session_state.order_open = numbers[0]
    number = st.selectbox("Open an order", numbers, key="order_open")
    detail(next(order for order in found if order.number == number), labels)
