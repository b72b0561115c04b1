"""Orders: a saved design made into a job for the bench, from the client's approval to the piece collected.

An order freezes the design it is made from. Each version keeps its canonical document, the document's SHA-256 hash
and its total as quoted when it was made (the currency, the price table's date and which table). The client approves
the current version by typing her name, on her phone, reached by her saved design's access code (or staff record her
written approval); the approval keeps the name, the time, the version's hash and the sheet she saw. A change after
that is a new version, which waits for an approval of its own: the workshop's list (`Orders.to_make`) holds only
orders whose current version is approved, and its job bag is printed only for those.

The work then moves through fixed stages (`STAGES`; the store may rename them, `Orders.rename_stage`): approved, wax
printed, cast, set, polished, ready, collected. A step over a stage needs a reason, and so does a step back. Every
change names what it was made from (the stage the person saw, and the order's revision): it is one conditional UPDATE,
so of two staff moving an order at the same moment one wins and the other is told who moved it to what
(`OrderMoved`). An order is never deleted: it is cancelled with a reason, which releases its stone of the store's;
collected sells that stone. Every change writes an audit row: who, when, what, from and to, and the reason.

The tables are storage's (`OrderRow`, `OrderVersionRow`, `ApprovalRow`, `OrderEventRow`, `StageNameRow`): the store
creates them on a database made before them when it opens it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .builds import model_of
from .checks import Severity, check
from .documents import loads_design
from .inventory import Inventory, LooseStone
from .price_table import PriceTable, current_price_table, price_table_version
from .quotes import price
from .reading import one_line, quoted
from .storage import (
    MAX_METHOD,
    MAX_NAME,
    MAX_REASON,
    MAX_SHEET_BYTES,
    MAX_STAGE_LABEL,
    ORDER_CLOSED,
    ORDER_PREFIX,
    ORDER_STAGES,
    ApprovalRow,
    DesignRow,
    OrderDeviceRow,
    OrderEventRow,
    OrderRow,
    OrderVersionRow,
    PaymentRow,
    StageNameRow,
    StoneRow,
    StorageError,
    Store,
    Visitor,
    _check_design_json,
    _check_notes,
    _check_text,
    _stone_as_recorded,
    order_number,
    release_in,
    reserve_in,
)

# The stages' fixed keys, in the order the work moves; "cancelled" stands outside the line.
STAGES = ORDER_STAGES
AWAITING, APPROVED, COLLECTED, CANCELLED = "awaiting_approval", "approved", "collected", "cancelled"
WORK = STAGES[STAGES.index(APPROVED):STAGES.index(COLLECTED) + 1]  # approved ... collected
DEFAULT_LABELS = {key: key.replace("_", " ") for key in STAGES}
# A stone of the store's is held for its order until the order is collected (sold) or cancelled (released): the
# reservation runs this long, so it never runs out under a job on the bench.
ORDER_HOLD = timedelta(days=3650)
MAX_DEPOSIT = 1e9
MAX_DEVICE_CODES = 24  # access codes one browser keeps for its orders


class OrderError(StorageError):
    """A step an order's rules refuse; the message says why and what to do instead."""


class OrderNotFound(OrderError):
    """No such order (or, for a client, none her access code reaches: the same words, so numbers cannot be probed)."""


class DesignChanged(OrderError):
    """The version approved is not the order's current one: the design changed since the client opened it."""


class OrderMoved(OrderError):
    """Someone else changed the order between the moment a person saw it and her change: nothing was written. The
    fields say where it stands now, who moved it and when."""

    def __init__(self, message: str, number: str, stage: str, by: str, at: datetime) -> None:
        super().__init__(message)
        self.number = number
        self.stage = stage
        self.by = by
        self.at = at


# --- records --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One frozen version of an order's design and its total as quoted when it was made."""

    number: int
    design_json: str
    design_hash: str
    total: float
    currency: str
    prices_date: dt.date
    prices_version: str  # which table quoted it: "database edit #12", "file prices.toml of ..."
    stock_number: str | None  # the store's stone it is made with
    made_at: datetime
    made_by: str

    def to_dict(self, design: bool = False) -> dict[str, Any]:
        data = {"version": self.number, "design_hash": self.design_hash, "total": self.total,
                "currency": self.currency, "prices_date": self.prices_date.isoformat(),
                "prices_version": self.prices_version, "stock_number": self.stock_number,
                "made_at": self.made_at.isoformat(), "made_by": self.made_by}
        if design:
            data["design"] = loads_design(self.design_json).to_dict()
        return data


@dataclass(frozen=True)
class Approval:
    """A client's approval of one version (the sheet she saw: `Orders.approval_sheet`)."""

    version: int
    design_hash: str
    name: str  # as she typed it
    approved_at: datetime
    recorded_by: str | None  # None: she approved by her link; else the staff who recorded her written approval

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "design_hash": self.design_hash, "name": self.name,
                "approved_at": self.approved_at.isoformat(), "recorded_by": self.recorded_by}


@dataclass(frozen=True)
class Deposit:
    """The deposit taken, as staff typed it (no payment is processed here)."""

    amount: float = 0.0
    method: str | None = None
    taken_on: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "method": self.method,
                "date": self.taken_on.isoformat() if self.taken_on else None}


@dataclass(frozen=True)
class Payment:
    """A payment after the deposit (the balance at collection, or a part of it), as staff typed it."""

    amount: float
    method: str
    paid_on: dt.date
    recorded_by: str = ""
    recorded_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "method": self.method, "date": self.paid_on.isoformat(),
                "recorded_by": self.recorded_by,
                "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None}


@dataclass(frozen=True)
class Order:
    """An order as staff see it; `version` is the current one, `approval` its approval (None while it waits)."""

    id: int
    number: str
    design_id: int
    client_name: str
    contact: str | None
    stage: str
    stage_label: str
    revision: int  # changes with every change of the order: pass it back as `expected_revision`
    version: Version
    approval: Approval | None
    approved_version: int | None  # the last version approved (an earlier one while a new version waits)
    deposit: Deposit
    promised: dt.date
    notes: str  # for the bench
    placed_at: datetime
    placed_by: str
    moved_at: datetime  # the stage's last change
    moved_by: str
    changed_at: datetime  # the order's last change of any kind
    changed_by: str
    cancelled_reason: str | None
    payments: tuple[Payment, ...] = ()  # after the deposit, the first first

    @property
    def total(self) -> float:
        return self.version.total

    @property
    def currency(self) -> str:
        return self.version.currency

    @property
    def paid(self) -> float:
        """What the client has paid: the deposit and every payment since."""
        return _paid(self.deposit, self.payments)

    @property
    def balance(self) -> float:
        """What the client still owes: the current version's total less what she paid (below 0: the store owes
        her)."""
        return round(self.version.total - self.paid, 2) + 0.0

    @property
    def is_open(self) -> bool:
        return self.stage not in ORDER_CLOSED

    @property
    def to_make(self) -> bool:
        """Whether the workshop may work on it: its current version approved, neither collected nor cancelled."""
        return self.stage in WORK[:-1] and self.approved_version == self.version.number

    def to_dict(self, design: bool = False) -> dict[str, Any]:
        """JSON-ready values (the CLI's `--json`); `design`: the current version's document too."""
        return {"number": self.number, "saved_design": self.design_id, "client": self.client_name,
                "contact": self.contact, "stage": self.stage, "stage_label": self.stage_label,
                "revision": self.revision, "to_make": self.to_make, "version": self.version.to_dict(design),
                "approval": self.approval.to_dict() if self.approval else None,
                "approved_version": self.approved_version, "total": self.total, "currency": self.currency,
                "deposit": self.deposit.to_dict(), "payments": [payment.to_dict() for payment in self.payments],
                "paid": self.paid, "balance": self.balance, "promised": self.promised.isoformat(),
                "notes": self.notes, "placed_at": self.placed_at.isoformat(), "placed_by": self.placed_by,
                "moved_at": self.moved_at.isoformat(), "moved_by": self.moved_by,
                "changed_at": self.changed_at.isoformat(), "changed_by": self.changed_by,
                "cancelled_reason": self.cancelled_reason}


@dataclass(frozen=True)
class ClientOrder:
    """An order as its client sees it: her piece's version, its total, her deposit and balance, the promised date
    and where the work stands; nothing of the bench's notes or of who moved it."""

    number: str
    client_name: str
    stage: str
    stage_label: str
    version: Version
    approval: Approval | None
    deposit: Deposit
    balance: float
    promised: dt.date
    payments: tuple[Payment, ...] = ()

    @property
    def paid(self) -> float:
        return _paid(self.deposit, self.payments)

    @property
    def total(self) -> float:
        return self.version.total

    @property
    def currency(self) -> str:
        return self.version.currency

    @property
    def awaiting_approval(self) -> bool:
        """Whether she is asked to approve the current version."""
        return self.stage == AWAITING


@dataclass(frozen=True)
class Event:
    """One audit row: who changed what, when, from what to what, and why."""

    at: datetime
    who: str
    what: str  # placed, version, approved, stage, cancelled, deposit, promised, notes, stage name
    before: str | None
    after: str | None
    reason: str | None
    stage: str | None = None  # the key of the stage it moved the order to (None: it moved none)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "who": self.who, "what": self.what, "from": self.before,
                "to": self.after, "reason": self.reason, "stage": self.stage}


@dataclass(frozen=True)
class Priced:
    """A design's total as quoted now: the currency, the table's date, which table, and the table."""

    total: float
    currency: str
    prices_date: dt.date
    prices_version: str
    table: PriceTable

    def frozen(self) -> bytes:
        """The table as a version keeps it: its JSON, deflated (about 6 KB)."""
        return zlib.compress(self.table.model_dump_json().encode("utf-8"), 9)


# --- pure helpers ---------------------------------------------------------------------------------------------------

_NUMBER = re.compile(rf"^\s*{ORDER_PREFIX[0]}-?0*(\d{{1,9}})\s*$", re.IGNORECASE)


def order_id(number: str) -> int:
    """The id of order `number` ("J-000123", any case, the zeros optional); OrderNotFound for other text."""
    match = _NUMBER.match(number) if isinstance(number, str) else None
    if match is None or int(match.group(1)) == 0:
        shown = number if isinstance(number, str) else type(number).__name__
        raise OrderNotFound(f"{_shown(shown)}: not an order number (they read {order_number(123)})")
    return int(match.group(1))


def design_hash(design_json: str) -> str:
    """The content hash of a design's canonical text: what the client approves, and the bench makes."""
    return hashlib.sha256(design_json.encode("utf-8")).hexdigest()


def _shown(text: str) -> str:
    return quoted(text)


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> dt.date:
    return dt.date.today()


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _name(field: str, value: Any, empty: str) -> str:
    """A person's name (staff's, or the client's typed one): 1..120 printable characters on one line."""
    text = _check_text(field, value.strip() if isinstance(value, str) else value, MAX_NAME, single_line=True)
    if not text:
        raise OrderError(f"{field}: {empty}")
    return text


def _who(value: Any) -> str:
    return _name("by", value, "say who makes the change (staff's name)")


def _reason(value: Any) -> str | None:
    """A reason given, stripped (None when empty): one line of at most 500 characters."""
    if value is None:
        return None
    text = _check_text("reason", value.strip() if isinstance(value, str) else value, MAX_REASON, single_line=True)
    return text or None


def _date(field: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise OrderError(f"{field}: a date (YYYY-MM-DD), not {type(value).__name__}")
    return value


def _promised(value: Any, today: dt.date) -> dt.date:
    promised = _date("promised", value)
    if promised < today:
        raise OrderError(f"promised: {promised.isoformat()} is in the past (today is {today.isoformat()})")
    return promised


def _deposit(amount: Any, method: Any, taken_on: Any, today: dt.date) -> Deposit:
    """The deposit as staff typed it: an amount of 0 or more; with an amount, how it was paid and the day."""
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
        raise OrderError(f"deposit: an amount, not {amount!r}")
    if not 0 <= amount <= MAX_DEPOSIT:
        raise OrderError(f"deposit: {amount:g} is not an amount from 0 to {MAX_DEPOSIT:,.0f}")
    amount = round(float(amount), 2) + 0.0
    method = _check_text("method", method.strip() if isinstance(method, str) else method, MAX_METHOD,
                         single_line=True) if method is not None else None
    method = method or None
    taken_on = _date("deposit_date", taken_on) if taken_on is not None else None
    if amount > 0 and (method is None or taken_on is None):
        raise OrderError("deposit: say how it was paid (method: card, cash, bank transfer...) and the day it was taken")
    if taken_on is not None and taken_on > today:
        raise OrderError(f"deposit_date: {taken_on.isoformat()} is after today ({today.isoformat()}); a deposit is "
                         "recorded once taken")
    return Deposit(amount, method, taken_on)


def _payment(amount: Any, method: Any, paid_on: Any, today: dt.date) -> Payment:
    """A payment as staff typed it: an amount above 0, how it was paid and the day (not after today)."""
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
        raise OrderError(f"payment: an amount, not {amount!r}")
    if not 0 < amount <= MAX_DEPOSIT:
        raise OrderError(f"payment: {amount:g} is not an amount above 0 and up to {MAX_DEPOSIT:,.0f}")
    method = _check_text("method", method.strip() if isinstance(method, str) else method, MAX_METHOD,
                         single_line=True) if method is not None else None
    if not method:
        raise OrderError("payment: say how it was paid (card, cash, bank transfer...)")
    paid_on = _date("payment date", paid_on if paid_on is not None else today)
    if paid_on > today:
        raise OrderError(f"payment date: {paid_on.isoformat()} is after today ({today.isoformat()}); a payment is "
                         "recorded once taken")
    return Payment(round(float(amount), 2) + 0.0, method, paid_on)


def _paid(deposit: Deposit, payments: tuple[Payment, ...]) -> float:
    return round(deposit.amount + sum(payment.amount for payment in payments), 2) + 0.0


def _sheet(value: Any) -> bytes:
    """The PDF the client saw (the client's sheet of the version): PDF bytes of at most 8 MiB."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise OrderError(f"sheet_pdf: the PDF the client saw, as bytes, not {type(value).__name__}")
    data = bytes(value)
    if not data.startswith(b"%PDF-"):
        raise OrderError("sheet_pdf: not a PDF (the client's sheet of the version she approves)")
    if len(data) > MAX_SHEET_BYTES:
        raise OrderError(f"sheet_pdf: larger than {MAX_SHEET_BYTES // (1024 * 1024)} MiB")
    return data


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def stage_key(text: str, labels: Mapping[str, str] | None = None) -> str:
    """The key of a stage named by its key ("wax_printed") or its label (the store's word, or the default: "wax
    printed"), any case; OrderError listing them otherwise."""
    labels = labels or DEFAULT_LABELS
    wanted = _words(text) if isinstance(text, str) else ""
    for key in STAGES:
        if wanted in (_words(key), _words(labels.get(key, key)), _words(DEFAULT_LABELS[key])):
            return key
    raise OrderError(f"stage: {_shown(str(text))} is none of: {', '.join(labels.get(key, key) for key in STAGES)}")


def _version_words(row: OrderVersionRow) -> str:
    return f"version {row.number} ({row.design_hash[:12]}), {row.currency} {row.total:,.2f}"


# --- the orders in a store ------------------------------------------------------------------------------------------


class Orders:
    """The orders kept in one store's database; safe to share between threads (each call is its own transaction)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- reading ---

    def get(self, number: str) -> Order:
        """The order `number`; OrderNotFound if there is none."""
        with self.store._transaction() as s:
            return self._one(s, order_id(number))

    def list(self, stage: str | None = None, client: str | None = None, limit: int = 200) -> list[Order]:
        """Orders, the newest first; `stage` (a key or label) keeps those at it, `client` those whose client's name
        holds the text (any case)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise OrderError(f"limit: must be a positive integer, not {limit!r}")
        with self.store._transaction() as s:
            conditions = []
            if stage is not None:
                conditions.append(OrderRow.stage == stage_key(stage, self._labels(s)))
            if client is not None and client.strip():
                conditions.append(func.lower(OrderRow.client_name).contains(client.strip().lower(), autoescape=True))
            return self._orders(s, conditions, limit)

    def made_from(self, design_ids: list[int]) -> dict[int, str]:
        """For each of the saved designs that an order is made from, the number of its latest order (such a design
        is kept: it cannot be deleted)."""
        if not design_ids:
            return {}
        with self.store._transaction() as s:
            rows = s.execute(select(OrderRow.design_id, func.max(OrderRow.id))
                             .where(OrderRow.design_id.in_(list(design_ids))).group_by(OrderRow.design_id)).all()
        return {design: order_number(latest) for design, latest in rows}

    def to_make(self) -> list[Order]:
        """The workshop's list: orders whose current version is approved, from approved to ready, the earliest
        promised first. An order waiting for the approval of a new version is not on it."""
        with self.store._transaction() as s:
            orders = self._orders(s, [OrderRow.stage.in_(WORK[:-1]), OrderRow.approved_version == OrderRow.version],
                                  5000)
        return sorted(orders, key=lambda order: (order.promised, order.id))

    def versions(self, number: str) -> list[Version]:
        """Every version of the order, the first first."""
        with self.store._transaction() as s:
            row = self._row(s, number)
            return [_version(version) for version in s.scalars(
                select(OrderVersionRow).where(OrderVersionRow.order_id == row.id).order_by(OrderVersionRow.number))]

    def approvals(self, number: str) -> list[Approval]:
        """Every approval the order had (an approval of an earlier version stays when the design changed after it)."""
        with self.store._transaction() as s:
            row = self._row(s, number)
            return [_approval(approval) for approval in s.execute(
                _approval_columns().where(ApprovalRow.order_id == row.id).order_by(ApprovalRow.version))]

    def approval_sheet(self, number: str, version: int | None = None) -> bytes:
        """The sheet the client saw when she approved `version` (default: the last version approved)."""
        with self.store._transaction() as s:
            row = self._row(s, number)
            version = row.approved_version if version is None else version
            if version is None:
                raise OrderError(f"order {order_number(row.id)}: not approved yet")
            sheet = s.execute(select(ApprovalRow.sheet_pdf).where(ApprovalRow.order_id == row.id,
                                                                  ApprovalRow.version == version)).scalar()
            if sheet is None:
                raise OrderError(f"order {order_number(row.id)}: no approval of version {version}")
            return sheet

    def price_table(self, number: str, version: int | None = None) -> PriceTable:
        """The price table `version` of the order (default: the current one) was quoted by: its client's sheet is
        priced by it, so the total she reads is the version's, whatever the store's prices are now."""
        with self.store._transaction() as s:
            row = self._row(s, number)
            version = row.version if version is None else version
            frozen = s.execute(select(OrderVersionRow.prices_table).where(OrderVersionRow.order_id == row.id,
                                                                          OrderVersionRow.number == version)).scalar()
        if frozen is None:
            raise OrderError(f"order {order_number(row.id)}: no version {version}")
        try:
            return PriceTable.model_validate_json(zlib.decompress(frozen))
        except (ValidationError, zlib.error) as exc:
            raise OrderError(f"order {order_number(row.id)}: the price table of version {version} no longer reads "
                             f"({one_line(str(exc).splitlines()[0])}); its total stays as quoted") from None

    def history(self, number: str) -> list[Event]:
        """The order's audit rows, the first first."""
        with self.store._transaction() as s:
            row = self._row(s, number)
            return [_event(event) for event in s.scalars(
                select(OrderEventRow).where(OrderEventRow.order_id == row.id).order_by(OrderEventRow.id))]

    def stage_times(self, number: str) -> dict[str, Event]:
        """For each stage the order has reached, the last move to it (when and who: the approval is the client's,
        or the staff who recorded it), in the stages' order; a stage skipped has none."""
        moves = {event.stage: event for event in self.history(number) if event.stage is not None}
        return {key: moves[key] for key in STAGES if key in moves}

    def stage_labels(self) -> dict[str, str]:
        """Each stage's key and the store's word for it (the default where it renamed none)."""
        with self.store._transaction() as s:
            return self._labels(s)

    def stage_names_history(self) -> list[Event]:
        """The renames of stages, the first first."""
        with self.store._transaction() as s:
            return [_event(event) for event in s.scalars(
                select(OrderEventRow).where(OrderEventRow.order_id.is_(None)).order_by(OrderEventRow.id))]

    # --- the client's way in ---

    def orders_for(self, visitor: Visitor) -> list[ClientOrder]:
        """The orders made from saved designs whose access code the visitor gave, the newest first; none for a
        visitor without a code (the browser a design was saved from is not enough: it may be the store's)."""
        with self.store._transaction() as s:
            codes = self._codes(s, visitor)
            if not codes:
                return []
            ids = select(DesignRow.id).where(DesignRow.access_hash.in_(codes))
            return [_for_client(order) for order in self._orders(s, [OrderRow.design_id.in_(ids)], 200)]

    def client_order(self, visitor: Visitor, number: str) -> ClientOrder:
        """The order `number` as its client sees it; OrderNotFound, in the same words as for a number that does not
        exist, when the visitor's codes do not reach it."""
        with self.store._transaction() as s:
            row = self._client_row(s, visitor, number)
            return _for_client(self._one(s, row.id))

    def can_see(self, visitor: Visitor, number: str) -> bool:
        """Whether the visitor's access codes reach order `number`."""
        try:
            self.client_order(visitor, number)
        except OrderNotFound:
            return False
        return True

    def remember(self, visitor: Visitor) -> int:
        """Keep the visitor's access codes on her browser, so her orders open there without the code until she
        forgets them (`forget`): a reload, or her link without its code, keeps her page. Nothing is kept for a
        browser without a token (a shop terminal) or for a code that reaches no order. Returns how many codes the
        browser keeps."""
        if not visitor.owner_hash or not visitor.code_hashes:
            return 0
        for attempt in range(3):
            try:
                return self._remember(visitor)
            except StorageError as exc:  # the same browser in two tabs at once: the other kept it; look again
                if not isinstance(exc.__context__, IntegrityError) or attempt == 2:
                    raise
        return 0

    def _remember(self, visitor: Visitor) -> int:
        with self.store._transaction(write=True) as s:
            reaching = set(s.scalars(select(DesignRow.access_hash).join(OrderRow, OrderRow.design_id == DesignRow.id)
                                     .where(DesignRow.access_hash.in_(visitor.code_hashes))))
            kept = set(s.scalars(select(OrderDeviceRow.code_hash)
                                 .where(OrderDeviceRow.holder_hash == visitor.owner_hash)))
            now = _now()
            for code in sorted(reaching - kept)[:max(0, MAX_DEVICE_CODES - len(kept))]:
                s.add(OrderDeviceRow(holder_hash=visitor.owner_hash, code_hash=code, remembered_at=now))
            s.flush()
            return min(len(kept | reaching), MAX_DEVICE_CODES)

    def forget(self, visitor: Visitor) -> None:
        """Stop keeping access codes on the visitor's browser: her orders there need her code again."""
        if not visitor.owner_hash:
            return
        with self.store._transaction(write=True) as s:
            s.execute(delete(OrderDeviceRow).where(OrderDeviceRow.holder_hash == visitor.owner_hash))

    def remembered(self, visitor: Visitor) -> bool:
        """Whether the visitor's browser keeps any access code of hers."""
        if not visitor.owner_hash:
            return False
        with self.store._transaction() as s:
            return s.execute(select(OrderDeviceRow.id).where(OrderDeviceRow.holder_hash == visitor.owner_hash)
                             .limit(1)).scalar() is not None

    # --- changes ---

    def place(self, saved_id: int, *, promised: dt.date, by: str, deposit: float = 0.0, method: str | None = None,
              deposit_date: dt.date | None = None, notes: str = "", today: dt.date | None = None) -> Order:
        """Make an order from saved design `saved_id` as it is now: version 1, awaiting the client's approval, at
        its total as quoted now. Its stone of the store's (if any) is held for the order until it is collected or
        cancelled. Refused (nothing written): a design not castable, a stone sold or held for another design or
        order (StoneUnavailable), a deposit above the total, a promised date in the past, a deposit without its
        method and date.

        Args:
            promised: the day the piece is promised for.
            by: the staff member placing it.
            deposit: the amount taken (0: none yet), `method` how it was paid, `deposit_date` the day.
            notes: for the bench (at most 2000 characters).
            today: the day it is placed (the tests' clock).
        """
        who = _who(by)
        today = today or _today()
        promised = _promised(promised, today)
        taken = _deposit(deposit, method, deposit_date, today)
        notes = _check_notes(notes)
        saved = self.store.get(saved_id)
        stock, priced = self._priced(saved.design_json)
        if taken.amount > priced.total:
            raise OrderError(f"deposit: {taken.amount:,.2f} is more than the total, {priced.currency} "
                             f"{priced.total:,.2f}")
        digest = design_hash(saved.design_json)
        now = _now()
        with self.store._transaction(write=True) as s:
            design = s.get(DesignRow, saved_id)
            if design is None or design.design_json != saved.design_json:
                raise OrderError(f"saved design {saved_id}: changed while the order was made; place it again")
            _stone_as_recorded(s, saved.design_json)
            if stock is not None:
                self._stone_in_no_other_order(s, stock, None)
                reserve_in(s, stock, saved_id, now + ORDER_HOLD, now)
            row = OrderRow(design_id=saved_id, client_name=saved.client_name, contact=saved.contact, version=1,
                           approved_version=None, stage=AWAITING, revision=0, stock_number=stock,
                           deposit=taken.amount, deposit_method=taken.method, deposit_date=taken.taken_on,
                           promised=promised, notes=notes, placed_at=now, placed_by=who, moved_at=now, moved_by=who,
                           changed_at=now, changed_by=who, cancelled_reason=None)
            s.add(row)
            s.flush()
            version = OrderVersionRow(order_id=row.id, number=1, design_json=saved.design_json, design_hash=digest,
                                      total=priced.total, currency=priced.currency, prices_date=priced.prices_date,
                                      prices_version=priced.prices_version[:200], prices_table=priced.frozen(),
                                      stock_number=stock, made_at=now,
                                      made_by=who)
            s.add(version)
            labels = self._labels(s)
            _audit(s, row.id, now, who, "placed", None, f"{labels[AWAITING]}; {_version_words(version)}",
                   f"from saved design #{saved_id}; deposit {taken.amount:,.2f}, promised {promised.isoformat()}", AWAITING)
            s.flush()
            return self._one(s, row.id)

    def revise(self, number: str, design_json: str, by: str, *, expected_revision: int | None = None) -> Order:
        """A new version of the order's design (a change the client asked for): frozen at its total as quoted now,
        it waits for her approval, and the order goes back to awaiting approval (the approval of the earlier version
        stays in the history; the bench starts again from the new version once it is approved). A stone of the
        store's that changes is released and the new one held. Refused: the same design as the current version, a
        collected or cancelled order, a design not castable."""
        who = _who(by)
        canonical = _check_design_json(design_json)
        digest = design_hash(canonical)
        stock, priced = self._priced(canonical)
        now = _now()
        with self.store._transaction(write=True) as s:
            row = self._row(s, number)
            labels = self._labels(s)
            self._refuse_closed(row, labels, "its design cannot change")
            if expected_revision is not None and row.revision != expected_revision:
                raise self._moved(s, row.id, labels)
            current = self._version_row(s, row)
            if current.design_hash == digest:
                raise OrderError(f"order {order_number(row.id)}: the design is version {row.version} as it is; "
                                 "nothing changed")
            before_stage, before_stock, design_id, revision = row.stage, row.stock_number, row.design_id, row.revision
            new = row.version + 1
            self._update(s, row, labels, revision, version=new, stage=AWAITING, stock_number=stock, moved_at=now,
                         moved_by=who, changed_at=now, changed_by=who)
            _stone_as_recorded(s, canonical)
            if stock != before_stock:
                if before_stock is not None:
                    release_in(s, design_id, before_stock)
                if stock is not None:
                    self._stone_in_no_other_order(s, stock, row.id)
                    reserve_in(s, stock, design_id, now + ORDER_HOLD, now)
            version = OrderVersionRow(order_id=row.id, number=new, design_json=canonical, design_hash=digest,
                                      total=priced.total, currency=priced.currency, prices_date=priced.prices_date,
                                      prices_version=priced.prices_version[:200], prices_table=priced.frozen(),
                                      stock_number=stock, made_at=now,
                                      made_by=who)
            s.add(version)
            _audit(s, row.id, now, who, "version", _version_words(current), _version_words(version),
                   "the design changed: the new version waits for the client's approval")
            if before_stage != AWAITING:
                _audit(s, row.id, now, who, "stage", labels[before_stage], labels[AWAITING],
                       f"version {new} waits for the client's approval", AWAITING)
            s.flush()
            return self._one(s, row.id)

    def approve(self, number: str, version_hash: str, name: str, sheet_pdf: bytes, *, visitor: Visitor | None = None,
                recorded_by: str | None = None) -> Order:
        """The client's approval of the order's current version: the name she typed, now, the version's hash and the
        sheet she saw (the client's sheet of that version, `job_bag.client_sheet`). Either she approves herself
        (`visitor`: her access code must reach the order) or staff record her approval in writing (`recorded_by`).

        Refused: a hash that is not the current version's (DesignChanged: the design changed since she opened it),
        an empty name, a version approved already, a cancelled order; an order changed meanwhile (OrderMoved)."""
        if (visitor is None) == (recorded_by is None):
            raise OrderError("approve: the client approves through her access code (visitor), or staff record her "
                             "written approval (recorded_by): one of the two")
        typed = _name("name", name, "type your name to approve the design")
        staff = _who(recorded_by) if recorded_by is not None else None
        sheet = _sheet(sheet_pdf)
        if not isinstance(version_hash, str):
            raise OrderError(f"version: the version's hash, not {type(version_hash).__name__}")
        now = _now()
        with self.store._transaction(write=True) as s:
            row = self._client_row(s, visitor, number) if visitor is not None else self._row(s, number)
            labels = self._labels(s)
            shown = order_number(row.id)
            if row.stage == CANCELLED:
                raise OrderError(f"order {shown}: cancelled ({row.cancelled_reason}); there is nothing to approve")
            current = self._version_row(s, row)
            if version_hash.strip().lower() != current.design_hash:
                raise DesignChanged(f"order {shown}: the design changed since; review the new version (version "
                                    f"{current.number}, {current.currency} {current.total:,.2f}) and approve that")
            if row.approved_version == row.version:
                earlier = s.execute(_approval_columns().where(ApprovalRow.order_id == row.id,
                                                              ApprovalRow.version == row.version)).one()
                raise OrderError(f"order {shown}: version {row.version} was approved by {earlier.name} at "
                                 f"{_when(earlier.approved_at)} already")
            who = staff or typed
            self._update(s, row, labels, row.revision, stage=APPROVED, approved_version=current.number, moved_at=now,
                         moved_by=who, changed_at=now, changed_by=who, expected_stage=AWAITING,
                         expected_version=current.number)
            s.add(ApprovalRow(order_id=row.id, version=current.number, design_hash=current.design_hash, name=typed,
                              approved_at=now, recorded_by=staff, sheet_pdf=sheet))
            how = f"approved in writing, recorded by {staff}" if staff else "approved by the client's link"
            _audit(s, row.id, now, who, "approved", labels[AWAITING], labels[APPROVED],
                   f"{_version_words(current)} {how}, as {typed!r}", APPROVED)
            s.flush()
            return self._one(s, row.id)

    def advance(self, number: str, to_stage: str, by: str, *, expected_stage: str, reason: str | None = None,
                expected_revision: int | None = None, paid: float | None = None, method: str | None = None,
                paid_on: dt.date | None = None, today: dt.date | None = None) -> Order:
        """Move the work to `to_stage` (a key or the store's label) from `expected_stage`, the stage the person saw.

        The next stage needs nothing more; a step over stages, or back, needs a `reason`. Collected sells the
        order's stone of the store's. Refused: an order awaiting the client's approval (nothing is made before it),
        a collected or cancelled one, moves to awaiting approval or cancelled (`revise`, `cancel`). When the order is
        no longer at `expected_stage` (or its revision is no longer `expected_revision`), OrderMoved says who moved
        it where and when, and nothing is written: of two staff moving it at once, one wins.

        A payment taken with the move (`paid`, `method`, `paid_on`: the day, today if None) is recorded with it, in
        the same transaction. An order is collected only with its balance paid, or with a reason to hand it over
        with some unpaid."""
        who = _who(by)
        reason = _reason(reason)
        today = today or _today()
        payment = _payment(paid, method, paid_on, today) if paid is not None else None
        now = _now()
        with self.store._transaction(write=True) as s:
            labels = self._labels(s)
            to, expected = stage_key(to_stage, labels), stage_key(expected_stage, labels)
            row = self._row(s, number)
            if row.stage != expected or (expected_revision is not None and row.revision != expected_revision):
                raise self._moved(s, row.id, labels)
            shown = order_number(row.id)
            self._refuse_closed(row, labels, "its work cannot move")
            if row.stage == AWAITING:
                raise OrderError(f"order {shown}: version {row.version} awaits the client's approval; nothing is "
                                 "made before it")
            if to not in WORK:
                how = "a change of the design makes a new version (revise)" if to == AWAITING else "cancel it instead"
                raise OrderError(f"order {shown}: the work cannot move to {labels[to]}: {how}")
            step = WORK.index(to) - WORK.index(row.stage)
            if step == 0:
                raise OrderError(f"order {shown}: at {labels[to]} already")
            if step > 1 and reason is None:
                skipped = ", ".join(labels[key] for key in WORK[WORK.index(row.stage) + 1:WORK.index(to)])
                raise OrderError(f"order {shown}: from {labels[row.stage]} to {labels[to]} skips {skipped}; give a "
                                 "reason to skip")
            if step < 0 and reason is None:
                raise OrderError(f"order {shown}: back from {labels[row.stage]} to {labels[to]}; give a reason to go "
                                 "back")
            before, stock = row.stage, row.stock_number
            owed = self._owed(s, row)
            if payment is not None and payment.amount > owed + 0.005:
                raise OrderError(f"order {shown}: the payment, {payment.amount:,.2f}, is more than the balance, "
                                 f"{owed:,.2f}")
            unpaid = round(owed - (payment.amount if payment else 0.0), 2)
            if to == COLLECTED and unpaid > 0.005 and reason is None:
                raise OrderError(f"order {shown}: {unpaid:,.2f} of its total is unpaid; record the balance paid, or "
                                 "give a reason to hand it over unpaid")
            self._update(s, row, labels, row.revision, stage=to, moved_at=now, moved_by=who, changed_at=now,
                         changed_by=who, expected_stage=expected)
            if to == COLLECTED and stock is not None:
                s.execute(update(StoneRow).where(StoneRow.stock_number == stock, StoneRow.status != "sold")
                          .values(status="sold", reserved_for=None, reserved_until=None, sold_at=now, updated_at=now)
                          .execution_options(synchronize_session=False))
            _audit(s, row.id, now, who, "stage", labels[before], labels[to], reason, to)
            if payment is not None:
                self._record_payment(s, row.id, payment, who, now, unpaid)
            s.flush()
            return self._one(s, row.id)

    def cancel(self, number: str, reason: str, by: str, *, expected_stage: str | None = None,
               expected_revision: int | None = None) -> Order:
        """Cancel the order with a reason (it is never deleted): its stone of the store's is released. Refused: no
        reason, an order collected (the piece is the client's) or cancelled already; OrderMoved when it is no longer
        at `expected_stage` or `expected_revision`."""
        who = _who(by)
        reason = _reason(reason)
        if reason is None:
            raise OrderError("reason: say why the order is cancelled")
        now = _now()
        with self.store._transaction(write=True) as s:
            labels = self._labels(s)
            expected = stage_key(expected_stage, labels) if expected_stage is not None else None
            row = self._row(s, number)
            if (expected is not None and row.stage != expected) or (expected_revision is not None
                                                                    and row.revision != expected_revision):
                raise self._moved(s, row.id, labels)
            self._refuse_closed(row, labels, "it cannot be cancelled")
            before, stock, design_id = row.stage, row.stock_number, row.design_id
            self._update(s, row, labels, row.revision, stage=CANCELLED, cancelled_reason=reason, moved_at=now,
                         moved_by=who, changed_at=now, changed_by=who, expected_stage=before)
            if stock is not None:
                release_in(s, design_id, stock)
            _audit(s, row.id, now, who, "cancelled", labels[before], labels[CANCELLED], reason, CANCELLED)
            s.flush()
            return self._one(s, row.id)

    def change(self, number: str, by: str, *, deposit: float | None = None, method: str | None = None,
               deposit_date: dt.date | None = None, promised: dt.date | None = None, notes: str | None = None,
               expected_revision: int | None = None, today: dt.date | None = None) -> Order:
        """Change the order's details (None leaves one alone): the deposit (its amount, method and date, checked as a
        whole), the promised date, the bench's notes. None of them touches the design: no new approval is needed.
        Each change is an audit row. Refused on a collected or cancelled order."""
        who = _who(by)
        today = today or _today()
        notes = _check_notes(notes) if notes is not None else None
        promised = _promised(promised, today) if promised is not None else None
        now = _now()
        with self.store._transaction(write=True) as s:
            row = self._row(s, number)
            labels = self._labels(s)
            self._refuse_closed(row, labels, "it cannot change")
            if expected_revision is not None and row.revision != expected_revision:
                raise self._moved(s, row.id, labels)
            changes: dict[str, Any] = {}
            audits = []
            if deposit is not None or method is not None or deposit_date is not None:
                old = Deposit(row.deposit, row.deposit_method, row.deposit_date)
                new = _deposit(old.amount if deposit is None else deposit, old.method if method is None else method,
                               old.taken_on if deposit_date is None else deposit_date, today)
                if new != old:
                    changes.update(deposit=new.amount, deposit_method=new.method, deposit_date=new.taken_on)
                    audits.append(("deposit", _deposit_words(old), _deposit_words(new)))
            if promised is not None and promised != row.promised:
                changes["promised"] = promised
                audits.append(("promised", row.promised.isoformat(), promised.isoformat()))
            if notes is not None and notes != row.notes:
                changes["notes"] = notes
                audits.append(("notes", row.notes[:200] or None, notes[:200] or None))
            if not changes:
                return self._one(s, row.id)
            order_id_ = row.id
            self._update(s, row, labels, row.revision, changed_at=now, changed_by=who, **changes)
            for what, before, after in audits:
                _audit(s, order_id_, now, who, what, before, after, None)
            s.flush()
            return self._one(s, order_id_)

    def pay(self, number: str, amount: float, method: str, by: str, *, paid_on: dt.date | None = None,
            expected_revision: int | None = None, today: dt.date | None = None) -> Order:
        """Record a payment toward the order after its deposit (a part of the balance, or the balance after the
        piece was handed over): the amount, how it was paid and the day (today if None). Refused: an amount above
        the balance, a cancelled order, an order changed meanwhile (`expected_revision`: OrderMoved)."""
        who = _who(by)
        today = today or _today()
        payment = _payment(amount, method, paid_on, today)
        now = _now()
        with self.store._transaction(write=True) as s:
            row = self._row(s, number)
            labels = self._labels(s)
            shown = order_number(row.id)
            if row.stage == CANCELLED:
                raise OrderError(f"order {shown}: cancelled ({row.cancelled_reason}); no payment is taken")
            if expected_revision is not None and row.revision != expected_revision:
                raise self._moved(s, row.id, labels)
            owed = self._owed(s, row)
            if payment.amount > owed + 0.005:
                raise OrderError(f"order {shown}: {payment.amount:,.2f} is more than the balance, {owed:,.2f}"
                                 if owed > 0.005 else f"order {shown}: paid in full already")
            self._update(s, row, labels, row.revision, changed_at=now, changed_by=who)
            self._record_payment(s, row.id, payment, who, now, round(owed - payment.amount, 2))
            s.flush()
            return self._one(s, row.id)

    def rename_stage(self, key: str, label: str, by: str) -> dict[str, str]:
        """The store's word for stage `key` (its default word brings the default back); every stage keeps its key
        and its place. Refused: an empty label, more than 40 characters, another stage's word. Returns the labels."""
        who = _who(by)
        text = _check_text("label", label.strip() if isinstance(label, str) else label, MAX_STAGE_LABEL,
                           single_line=True)
        if not text:
            raise OrderError("label: give the stage a name")
        now = _now()
        with self.store._transaction(write=True) as s:
            labels = self._labels(s)
            key = stage_key(key, labels)
            for other in STAGES:
                if other != key and _words(text) in (_words(other), _words(labels[other]),
                                                     _words(DEFAULT_LABELS[other])):
                    raise OrderError(f"label: {_shown(text)} names the stage {labels[other]} already")
            if text == labels[key]:
                return labels
            s.execute(delete(StageNameRow).where(StageNameRow.key == key))
            if text != DEFAULT_LABELS[key]:
                s.add(StageNameRow(key=key, label=text, changed_at=now, changed_by=who))
            _audit(s, None, now, who, "stage name", labels[key], text, f"stage {key}")
            s.flush()
            return self._labels(s)

    # --- inside a transaction ---

    @staticmethod
    def _labels(s: Session) -> dict[str, str]:
        renamed = dict(s.execute(select(StageNameRow.key, StageNameRow.label)).all())
        return {key: renamed.get(key, DEFAULT_LABELS[key]) for key in STAGES}

    @staticmethod
    def _row(s: Session, number: str) -> OrderRow:
        row = s.get(OrderRow, order_id(number), populate_existing=True)
        if row is None:
            raise OrderNotFound(f"order {order_number(order_id(number))}: not found")
        return row

    @staticmethod
    def _client_row(s: Session, visitor: Visitor, number: str) -> OrderRow:
        """The order when the visitor's codes reach it; OrderNotFound in the words of a number that does not exist."""
        row = s.get(OrderRow, order_id(number), populate_existing=True)
        code = s.execute(select(DesignRow.access_hash).where(DesignRow.id == row.design_id)).scalar() \
            if row is not None else None
        if row is None or code is None or code not in Orders._codes(s, visitor):
            raise OrderNotFound(f"order {order_number(order_id(number))}: not found (check the number and the "
                                "access code of your saved design)")
        return row

    @staticmethod
    def _owed(s: Session, row: OrderRow) -> float:
        """The order's balance now: its current version's total less its deposit and payments."""
        total = s.execute(select(OrderVersionRow.total).where(OrderVersionRow.order_id == row.id,
                                                              OrderVersionRow.number == row.version)).scalar_one()
        paid = s.execute(select(func.coalesce(func.sum(PaymentRow.amount), 0.0))
                         .where(PaymentRow.order_id == row.id)).scalar_one()
        return round(total - row.deposit - float(paid), 2) + 0.0

    @staticmethod
    def _record_payment(s: Session, order: int, payment: Payment, who: str, now: datetime, left: float) -> None:
        s.add(PaymentRow(order_id=order, amount=payment.amount, method=payment.method, paid_on=payment.paid_on,
                         recorded_at=now, recorded_by=who))
        after = "paid in full" if left <= 0.005 else f"balance {left:,.2f}"
        _audit(s, order, now, who, "payment", None,
               f"{payment.amount:,.2f} by {payment.method} on {payment.paid_on.isoformat()}; {after}", None)

    @staticmethod
    def _codes(s: Session, visitor: Visitor) -> set[str]:
        """The access codes (hashed) that reach orders for the visitor: those she gave in this visit, and those her
        browser keeps (`remember`)."""
        codes = set(visitor.code_hashes)
        if visitor.owner_hash:
            codes.update(s.scalars(select(OrderDeviceRow.code_hash)
                                   .where(OrderDeviceRow.holder_hash == visitor.owner_hash)))
        return codes

    @staticmethod
    def _version_row(s: Session, row: OrderRow) -> OrderVersionRow:
        return s.execute(select(OrderVersionRow).where(OrderVersionRow.order_id == row.id,
                                                       OrderVersionRow.number == row.version)).scalar_one()

    @staticmethod
    def _refuse_closed(row: OrderRow, labels: Mapping[str, str], what: str) -> None:
        shown = order_number(row.id)
        if row.stage == CANCELLED:
            raise OrderError(f"order {shown}: cancelled ({row.cancelled_reason}); {what}")
        if row.stage == COLLECTED:
            raise OrderError(f"order {shown}: {labels[COLLECTED]} on {row.moved_at:%Y-%m-%d}; {what}")

    def _update(self, s: Session, row: OrderRow, labels: Mapping[str, str], revision: int, *,
                expected_stage: str | None = None, expected_version: int | None = None, **values: Any) -> None:
        """One conditional UPDATE of the order: it lands only while the order is at `revision` (and `expected_stage`,
        `expected_version`), and bumps the revision. On PostgreSQL a second writer waits for the first's row lock and
        then finds the row changed; on SQLite writers take the write lock up front. OrderMoved when it did not land."""
        query = update(OrderRow).where(OrderRow.id == row.id, OrderRow.revision == revision)
        if expected_stage is not None:
            query = query.where(OrderRow.stage == expected_stage)
        if expected_version is not None:
            query = query.where(OrderRow.version == expected_version)
        result = s.execute(query.values(revision=revision + 1, **values)
                           .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            if expected_version is not None:
                now_version = s.execute(select(OrderRow.version).where(OrderRow.id == row.id)).scalar()
                if now_version != expected_version:
                    raise DesignChanged(f"order {order_number(row.id)}: the design changed since; review the new "
                                        f"version (version {now_version}) and approve that")
            raise self._moved(s, row.id, labels)

    @staticmethod
    def _moved(s: Session, id: int, labels: Mapping[str, str]) -> OrderMoved:
        """The error for a change that found the order changed: where it stands now, who changed it and when."""
        stage, moved_by, moved_at, changed_by, changed_at = s.execute(
            select(OrderRow.stage, OrderRow.moved_by, OrderRow.moved_at, OrderRow.changed_by, OrderRow.changed_at)
            .where(OrderRow.id == id)).one()
        shown = order_number(id)
        if changed_at > moved_at:
            return OrderMoved(f"order {shown} was changed by {changed_by} at {_when(changed_at)} meanwhile (it is at "
                              f"{labels[stage]}); look at it again", shown, stage, changed_by, changed_at)
        return OrderMoved(f"order {shown} was moved to {labels[stage]} by {moved_by} at {_when(moved_at)} meanwhile; "
                          "look at it again", shown, stage, moved_by, moved_at)

    @staticmethod
    def _stone_in_no_other_order(s: Session, stock: str, order: int | None) -> None:
        query = select(OrderRow.id).where(OrderRow.stock_number == stock, OrderRow.stage.not_in(ORDER_CLOSED))
        if order is not None:
            query = query.where(OrderRow.id != order)
        other = s.execute(query.limit(1)).scalar()
        if other is not None:
            raise OrderError(f"stone {stock}: in order {order_number(other)} already")

    def _orders(self, s: Session, conditions: list, limit: int) -> list[Order]:
        rows = s.execute(
            select(OrderRow, OrderVersionRow)
            .join(OrderVersionRow, and_(OrderVersionRow.order_id == OrderRow.id,
                                        OrderVersionRow.number == OrderRow.version))
            .where(*conditions).order_by(OrderRow.id.desc()).limit(limit)
            .execution_options(populate_existing=True)).all()
        if not rows:
            return []
        ids = [order.id for order, _ in rows]
        approvals = {(approval.order_id, approval.version): _approval(approval) for approval in s.execute(
            _approval_columns().where(ApprovalRow.order_id.in_(ids)))}
        payments: dict[int, list[Payment]] = {}
        for payment in s.scalars(select(PaymentRow).where(PaymentRow.order_id.in_(ids)).order_by(PaymentRow.id)):
            payments.setdefault(payment.order_id, []).append(
                Payment(payment.amount, payment.method, payment.paid_on, payment.recorded_by, payment.recorded_at))
        labels = self._labels(s)
        return [_order(order, version, approvals.get((order.id, order.version)), labels,
                       tuple(payments.get(order.id, ()))) for order, version in rows]

    def _one(self, s: Session, id: int) -> Order:
        found = self._orders(s, [OrderRow.id == id], 1)
        if not found:
            raise OrderNotFound(f"order {order_number(id)}: not found")
        return found[0]

    def _priced(self, design_json: str) -> tuple[str | None, Priced]:
        """The design's stone of the store's (its stock number) and its total as quoted now; OrderError when the
        check finds it not castable (the bench cannot make it) or its stone is not in the inventory."""
        design = loads_design(design_json)
        stock: LooseStone | None = None
        number = design.stone.stock_number if design.stone is not None else None
        if number is not None:
            found = Inventory(self.store).find(number)
            if found is None:
                raise OrderError(f"stone {number}: not in the store's inventory; the design cannot be ordered with it")
            stock = found.stone
        blocking = [finding for finding in check(design, model_of(design)) if finding.severity is Severity.BLOCKING]
        if blocking:
            raise OrderError(f"the design is not castable: {blocking[0].line()}; change it first")
        version = price_table_version()
        table = current_price_table()
        quote = price(design, table, stock=stock)
        return number, Priced(quote.total, quote.currency, quote.table_date, version, table)


# --- rows to records ------------------------------------------------------------------------------------------------


def _approval_columns():
    return select(ApprovalRow.order_id, ApprovalRow.version, ApprovalRow.design_hash, ApprovalRow.name,
                  ApprovalRow.approved_at, ApprovalRow.recorded_by)


def _approval(row: Any) -> Approval:
    return Approval(row.version, row.design_hash, row.name, row.approved_at, row.recorded_by)


def _version(row: OrderVersionRow) -> Version:
    return Version(row.number, row.design_json, row.design_hash, row.total, row.currency, row.prices_date,
                   row.prices_version, row.stock_number, row.made_at, row.made_by)


def _order(row: OrderRow, version: OrderVersionRow, approval: Approval | None, labels: Mapping[str, str],
           payments: tuple[Payment, ...] = ()) -> Order:
    return Order(
        id=row.id, number=order_number(row.id), design_id=row.design_id, client_name=row.client_name,
        contact=row.contact, stage=row.stage, stage_label=labels[row.stage], revision=row.revision,
        version=_version(version), approval=approval, approved_version=row.approved_version,
        deposit=Deposit(row.deposit, row.deposit_method, row.deposit_date), promised=row.promised, notes=row.notes,
        placed_at=row.placed_at, placed_by=row.placed_by, moved_at=row.moved_at, moved_by=row.moved_by,
        changed_at=row.changed_at, changed_by=row.changed_by, cancelled_reason=row.cancelled_reason,
        payments=payments)


def _for_client(order: Order) -> ClientOrder:
    return ClientOrder(order.number, order.client_name, order.stage, order.stage_label, order.version, order.approval,
                       order.deposit, order.balance, order.promised,
                       tuple(Payment(payment.amount, payment.method, payment.paid_on) for payment in order.payments))


def _event(row: OrderEventRow) -> Event:
    return Event(row.at, row.who, row.what, row.before, row.after, row.reason, row.stage)


def _deposit_words(deposit: Deposit) -> str:
    if deposit.amount == 0:
        return "none"
    return f"{deposit.amount:,.2f} by {deposit.method} on {deposit.taken_on.isoformat()}"


def _audit(s: Session, order: int | None, at: datetime, who: str, what: str, before: str | None, after: str | None,
           reason: str | None, stage: str | None = None) -> None:
    s.add(OrderEventRow(order_id=order, at=at, who=who, what=what, before=before[:200] if before else before,
                        after=after[:200] if after else after, reason=reason, stage=stage))
