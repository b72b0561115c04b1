"""Your order: where the client's piece stands, behind her access code. Her link (`/order?order=J-000123&code=...`,
the code taken out of the address bar once read) or the code typed here opens it; without her code an order is not
shown at all, as if there were none. Awaiting her approval, she reviews the frozen version (its picture, her sheet,
its total) and approves by typing her name; then a progress line follows the work from the bench to collection,
with the promised date, the total, her deposit and the balance: nothing of the store's prices beyond hers."""

from __future__ import annotations

import base64

import streamlit as st

from configurator.compare import side_by_side
from configurator.documents import loads_design
from configurator.job_bag import client_sheet
from configurator.orders import CANCELLED, STAGES, ClientOrder, DesignChanged, Orders
from configurator.storage import StorageError
from webapp import access
from webapp.database import prices_key, store
from webapp.favourites_page import COMPARE_CSS, picture
from webapp.results import priced
from webapp.session import open_with_code
from webapp.text import html_text
from webapp.ui import guarded, say
from webapp.visitors import terminal, visitor

PROGRESS_CSS = """
<style>
.order-line { display: flex; flex-wrap: wrap; gap: 4px; margin: 0.4rem 0 0.8rem 0; }
.order-line span { flex: 1 1 0; min-width: 4.2rem; text-align: center; font-size: 0.78rem; padding: 6px 2px;
  border-radius: 6px; background: #efebe3; color: #6b6659; }
.order-line span.done { background: #d9cfbb; color: #3d3729; }
.order-line span.now { background: #8a6a3a; color: #fff; font-weight: 700; }
</style>
"""


def _orders() -> Orders:
    return Orders(store())


def _code_from_link() -> None:
    """A link's code opens her orders (and leaves the address bar, as a private link's does)."""
    code = st.query_params.get("code")
    if not code:
        return
    del st.query_params["code"]
    normal = access.normal_code(code)
    if normal is None or open_with_code(normal) is None:
        st.session_state.problem = ("That link's code opens no order. Check the code you were given: four groups "
                                    "of four letters and digits.")
        st.session_state.pop("saved_problem", None)
        return
    _remember()


def _remember() -> None:
    """Her browser keeps her orders open (a reload, or her link without its code, shows them); a shop terminal keeps
    nothing."""
    if terminal():
        return
    try:
        _orders().remember(visitor())
    except StorageError:  # the page still shows her order in this visit; the next visit asks for the code again
        pass


@guarded
def _forget() -> None:
    """This browser forgets her orders: the page asks for her code again."""
    _orders().forget(visitor())
    st.session_state.codes = []
    st.session_state.saved_codes = {}
    st.session_state.notice = "This device no longer keeps your order open: your access code opens it again."


@guarded
def _typed_code() -> None:
    typed = str(st.session_state.get("order_code") or "").strip()
    code = access.normal_code(typed)
    if code is None:
        st.session_state.problem = ("That is not an access code: it is four groups of four letters and digits (such "
                                    "as ABCD-EFGH-2345-JKLM), as shown when your design was saved.")
        return
    if open_with_code(code) is None:
        st.session_state.problem = st.session_state.pop("saved_problem", "That code opens no order.")
        return
    _remember()


def progress_line(order: ClientOrder, labels: dict[str, str]) -> str:
    """The stages as a line, those done and the one the work is at marked."""
    if order.stage == CANCELLED:
        return '<div class="order-line" data-stage="cancelled"><span class="now">cancelled</span></div>'
    at = STAGES.index(order.stage)
    cells = "".join(f'<span class="{"now" if index == at else "done" if index < at else ""}">'
                    f"{html_text(labels.get(key, key))}</span>" for index, key in enumerate(STAGES))
    return f'<div class="order-line" data-stage="{html_text(order.stage)}">{cells}</div>'


def _money(currency: str, amount: float) -> str:
    return f"{currency} {amount:,.2f}"


@guarded
def _approve(number: str, version_hash: str) -> None:
    name = str(st.session_state.get(f"approve_name_{number}") or "").strip()
    if not name:
        st.session_state.problem = "Type your name to approve the design (as you would sign it)."
        return
    try:
        sheet = client_sheet(_orders(), number)
        _orders().approve(number, version_hash, name, sheet, visitor=visitor())
    except DesignChanged:
        st.session_state.problem = "The design changed since you opened it: look at the new version, then approve it."
        return
    except StorageError as exc:
        st.session_state.problem = f"Not approved: {exc}"
        return
    st.session_state.notice = f"Thank you, {name}: your approval is recorded. The workshop starts on your piece."


@st.cache_data(max_entries=16, show_spinner=False)
def _sheet(number: str, version_hash: str) -> bytes:
    """Her sheet of the version she is asked to approve (made once a version)."""
    return client_sheet(_orders(), number)


def show_order(order: ClientOrder, labels: dict[str, str]) -> None:
    st.subheader(f"Order {order.number}")
    st.html(COMPARE_CSS + PROGRESS_CSS + progress_line(order, labels))
    shot = picture(order.version.design_json)
    image = (f'<img alt="Your piece" style="width:150px" src="data:image/png;base64,{base64.b64encode(shot).decode()}">'
             if shot else "")
    facts = [("Now", labels.get(order.stage, order.stage)), ("Promised for", f"{order.promised:%d %B %Y}"),
             ("Total", _money(order.currency, order.total)),
             ("Deposit", _money(order.currency, order.deposit.amount))]
    facts += [(f"Paid on {payment.paid_on:%d %B %Y}", _money(order.currency, payment.amount))
              for payment in order.payments]
    facts.append(("Balance", _money(order.currency, order.balance) if order.balance > 0 else "Paid in full"))
    rows = "".join(f'<div class="compare-row" data-row="{html_text(label)}"><span>{html_text(label)}</span>'
                   f"<span>{html_text(value)}</span></div>" for label, value in facts)
    st.html(f'<div class="order-card" data-order="{html_text(order.number)}">{image}{rows}</div>')
    design = loads_design(order.version.design_json)
    try:
        chosen = side_by_side([design], [priced(order.version.design_json, prices_key(design))])
    except Exception:  # noqa: BLE001 - what she chose is shown on her sheet too
        chosen = []
    st.html('<div class="compare-card">' + "".join(
        f'<div class="compare-row"><span>{html_text(row.label)}</span><span>{html_text(row.values[0])}</span></div>'
        for row in chosen if row.label != "Total") + "</div>")
    if order.awaiting_approval:
        say("info", "Your design is ready for your approval. Look at it and at your sheet; nothing is made until "
                    "you approve it. If anything should change, call the store instead.")
        st.download_button("Your sheet (PDF)", _sheet(order.number, order.version.design_hash),
                           file_name=f"{order.number}-your-piece.pdf", mime="application/pdf",
                           key=f"sheet_{order.number}")
        st.text_input("Type your full name to approve", key=f"approve_name_{order.number}", max_chars=120)
        st.button("I approve this design", key=f"approve_{order.number}", type="primary", on_click=_approve,
                  args=(order.number, order.version.design_hash))
    elif order.approval is not None:
        st.caption(f"Approved by {order.approval.name} on {order.approval.approved_at:%d %B %Y}.")


def order_page() -> None:
    st.title("Your order")
    _code_from_link()
    for kind, shown in (("problem", "error"), ("caution", "warning"), ("notice", "success")):
        if st.session_state.get(kind):
            say(shown, st.session_state.pop(kind))
    try:
        mine = _orders().orders_for(visitor())
        labels = _orders().stage_labels()
    except StorageError as exc:
        say("error", f"Orders cannot be read right now: {exc}")
        return
    if not mine:
        say("info", "Type the access code you were given when your design was saved to see your order.")
        with st.form("order_code_form", clear_on_submit=True):
            st.text_input("Access code", key="order_code", placeholder="XXXX-XXXX-XXXX-XXXX")
            st.form_submit_button("Open my order", on_click=_typed_code)
        return
    wanted = str(st.query_params.get("order") or "")
    numbers = [order.number for order in mine]
    chosen = next((order for order in mine if order.number.lower() == wanted.strip().lower()), None)
    if chosen is None:
        chosen = mine[0] if len(mine) == 1 else next(
            order for order in mine if order.number == st.selectbox("Your orders", numbers, key="order_chosen"))
    st.query_params["order"] = chosen.number
    show_order(chosen, labels)
    if not terminal() and _orders().remembered(visitor()):
        st.caption("This device keeps your order open, so you can come back without your code.")
        st.button("Not your device? Forget it here", key="forget_order", on_click=_forget)
