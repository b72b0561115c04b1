"""Saved designs in a real database through SQLAlchemy: an SQLite file by default, `DATABASE_URL` for another.

Every method runs in its own transaction and returns plain `SavedDesign` records, never ORM objects; bad input and
database failures both surface as `StorageError` with one readable line.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    create_engine,
    event,
    exists,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import configurator
from configurator.design import unprintable
from configurator.documents import loads_design
from configurator.errors import ConfiguratorError, DesignError

MAX_NAME = 120
MAX_TITLE = 120
MAX_NOTES = 2000
MAX_CONTACT = 120
MAX_DESIGN_BYTES = 256 * 1024
MAX_PREVIEW_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_SURROGATE = re.compile("[\ud800-\udfff]")
_WRITE = {"storage_write": True}  # execution option: on SQLite, take the write lock up front (BEGIN IMMEDIATE)


class StorageError(ConfiguratorError):
    """Saved designs could not be read or written; the message names the field or the database problem."""


class StoneUnavailable(StorageError):
    """A stone that cannot be reserved: held for another design, sold, or not in the inventory. The message says
    which (and until when); the fields say it to a program."""

    def __init__(self, message: str, stock_number: str, status: str | None = None, reserved_for: int | None = None,
                 reserved_until: datetime | None = None) -> None:
        super().__init__(message)
        self.stock_number = stock_number
        self.status = status  # None: no such stone
        self.reserved_for = reserved_for
        self.reserved_until = reserved_until


@dataclass(frozen=True)
class StoneHold:
    """A stone to reserve for a design as it is saved: its stock number, until when, and the saved designs whose
    hold on it the new design may take over (the same client's earlier saves of the piece)."""

    stock_number: str
    until: datetime
    takes_over: tuple[int, ...] = ()
    # At most this many stones held at once for the saving client (her browser, or her contact details), this one
    # included; None: no limit (a hold made by staff).
    client_limit: int | None = None


class HoldLimit(StorageError):
    """A client who holds as many of the store's stones as she may: the message names the stone she holds."""

    def __init__(self, message: str, held: str, design_id: int, until: datetime) -> None:
        super().__init__(message)
        self.held = held
        self.design_id = design_id
        self.until = until


@dataclass(frozen=True)
class SavedDesign:
    """One saved design as stored; `design_json` is the canonical document text."""

    id: int
    client_name: str
    title: str
    notes: str
    design_json: str
    preview_png: bytes | None = field(repr=False)
    created_at: datetime
    updated_at: datetime
    owner_hash: str | None = field(default=None, repr=False)  # the browser it was saved from, hashed
    access_hash: str | None = field(default=None, repr=False)  # its access code, hashed
    contact: str | None = field(default=None, repr=False)  # the client's phone or e-mail, for the store only


@dataclass(frozen=True)
class Visitor:
    """A customer, as the store knows them: their browser's token and the access codes they gave, both hashed."""

    owner_hash: str | None = None
    code_hashes: tuple[str, ...] = ()

    def can_see(self, saved: SavedDesign) -> bool:
        return bool((self.owner_hash and saved.owner_hash == self.owner_hash)
                    or (saved.access_hash and saved.access_hash in self.code_hashes))


# --- schema -------------------------------------------------------------------------------------------------------


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; storage keeps UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class DesignRow(Base):
    __tablename__ = "designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_name: Mapped[str] = mapped_column(String(MAX_NAME), index=True, nullable=False)
    title: Mapped[str] = mapped_column(String(MAX_TITLE), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    design_json: Mapped[str] = mapped_column(Text, nullable=False)
    preview_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    owner_hash: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    access_hash: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    contact: Mapped[str | None] = mapped_column(String(MAX_CONTACT), index=True, nullable=True)


STONE_STATUSES = ("available", "reserved", "sold")


class StoneRow(Base):
    """One of the store's loose stones (configurator.inventory reads and writes it). A reservation names the saved
    design it is held for and until when; the CHECK keeps the status one of three words."""

    __tablename__ = "stones"
    __table_args__ = (
        CheckConstraint("status IN ('available', 'reserved', 'sold')", name="stones_status_known"),
        CheckConstraint("status <> 'reserved' OR (reserved_for IS NOT NULL AND reserved_until IS NOT NULL)",
                        name="stones_reservation_complete"),
    )

    stock_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    material: Mapped[str] = mapped_column(String(24), nullable=False)
    shape: Mapped[str] = mapped_column(String(16), index=True, nullable=False)
    cut: Mapped[str] = mapped_column(String(16), nullable=False)
    length_mm: Mapped[float] = mapped_column(Float, nullable=False)
    width_mm: Mapped[float] = mapped_column(Float, nullable=False)
    depth_mm: Mapped[float] = mapped_column(Float, nullable=False)
    carat: Mapped[float] = mapped_column(Float, index=True, nullable=False)
    color: Mapped[str] = mapped_column(String(24), nullable=False)
    clarity: Mapped[str] = mapped_column(String(24), nullable=False)
    cut_grade: Mapped[str | None] = mapped_column(String(12), nullable=True)
    polish: Mapped[str | None] = mapped_column(String(12), nullable=True)
    symmetry: Mapped[str | None] = mapped_column(String(12), nullable=True)
    fluorescence: Mapped[str | None] = mapped_column(String(12), nullable=True)
    lab: Mapped[str | None] = mapped_column(String(24), nullable=True)
    certificate: Mapped[str | None] = mapped_column(String(32), nullable=True)
    price: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(10), index=True, nullable=False, default="available")
    reserved_for: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)  # a saved design's id
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sold_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class PriceTableRow(Base):
    """One dated edit of the store's price table (configurator.price_table): the newest row is the table in force
    on every server that shares the database; the older ones are its history."""

    __tablename__ = "price_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    dated: Mapped[str] = mapped_column(String(10), nullable=False)  # the table's own date, ISO
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    change: Mapped[str] = mapped_column(String(400), nullable=False, default="")  # what the edit changed, in words
    table_json: Mapped[str] = mapped_column(Text, nullable=False)  # the whole table, grids included, validated
    # The edit this one was made from: unique, so two edits made from the same table at once cannot both land (the
    # second is made again from the first's result). An import starts afresh (empty).
    based_on: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)


class FactRow(Base):
    """Facts about the store's database, once set never changed: when its inventory was first set up (the sample
    stones, or the store's own), so a demo's sample is offered once, whoever opened the database first."""

    __tablename__ = "store_facts"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)


class FavouriteRow(Base):
    """A design a client starred, held by one of her secrets (configurator.favourites reads and writes it): the hash
    of her browser's token or of one of her access codes. A favourite she holds by two secrets is two rows; one
    design is starred once a holder."""

    __tablename__ = "favourites"
    __table_args__ = (UniqueConstraint("holder_hash", "design_key", name="favourites_once_a_holder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_hash: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    design_key: Mapped[str] = mapped_column(String(64), nullable=False)  # the design's content hash
    design_json: Mapped[str] = mapped_column(Text, nullable=False)
    starred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


# --- orders (configurator.orders reads and writes them) ------------------------------------------------------------

# An order's stages, in the order the work moves (configurator.orders: `STAGES`, their labels the store may rename);
# "cancelled" stands outside the line. The keys are fixed: the CHECK keeps the column to them.
ORDER_STAGES = ("awaiting_approval", "approved", "wax_printed", "cast", "set", "polished", "ready", "collected",
                "cancelled")
ORDER_CLOSED = ("collected", "cancelled")  # an order here holds nothing any more
MAX_STAGE_LABEL = 40
MAX_REASON = 500
MAX_METHOD = 40
MAX_SHEET_BYTES = 8 * 1024 * 1024  # the sheet the client approved: about 200 KB


class OrderRow(Base):
    """An order made from a saved design (its versions in `order_versions`): the client, the deposit, the promised
    date, the bench's notes and where the work stands. Never deleted: cancelled with a reason. `revision` counts every
    change of the row, so a change made from what a person saw lands only if nothing changed since."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("stage IN (" + ", ".join(f"'{key}'" for key in ORDER_STAGES) + ")", name="orders_stage_known"),
        CheckConstraint("deposit >= 0", name="orders_deposit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: the saved design an order is made from stays (its access code is the client's way to the order).
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id", ondelete="RESTRICT"), index=True, nullable=False)
    client_name: Mapped[str] = mapped_column(String(MAX_NAME), index=True, nullable=False)
    contact: Mapped[str | None] = mapped_column(String(MAX_CONTACT), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)  # the current version's number
    approved_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the last version approved
    stage: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    stock_number: Mapped[str | None] = mapped_column(String(32), index=True, nullable=True)  # the current version's
    deposit: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    deposit_method: Mapped[str | None] = mapped_column(String(MAX_METHOD), nullable=True)
    deposit_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    promised: Mapped[date] = mapped_column(Date, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")  # for the bench
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    placed_by: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)  # the stage's last change
    moved_by: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)  # the last change of any kind
    changed_by: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)
    cancelled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class OrderVersionRow(Base):
    """One frozen version of an order's design: its canonical document, its content hash, and its total as quoted
    when it was made (currency, the price table's date, which table, and the table itself: the client's sheet of the
    version is priced by it, whatever the store's prices are since)."""

    __tablename__ = "order_versions"
    __table_args__ = (UniqueConstraint("order_id", "number", name="order_versions_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    design_json: Mapped[str] = mapped_column(Text, nullable=False)
    design_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # SHA-256 of design_json
    total: Mapped[float] = mapped_column(Float, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    prices_date: Mapped[date] = mapped_column(Date, nullable=False)
    prices_version: Mapped[str] = mapped_column(String(200), nullable=False)
    prices_table: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # the table it was quoted by, deflated JSON
    stock_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    made_by: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)


class ApprovalRow(Base):
    """The client's approval of one version: the name she typed, when, the version's hash and the sheet she saw.
    A version is approved once (the unique key: two approvals at the same moment cannot both land)."""

    __tablename__ = "order_approvals"
    __table_args__ = (UniqueConstraint("order_id", "version", name="order_approvals_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    design_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_by: Mapped[str | None] = mapped_column(String(MAX_NAME), nullable=True)  # staff, for a written approval
    sheet_pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class PaymentRow(Base):
    """A payment toward an order after its deposit (the balance paid at collection, or a part of it before), as staff
    typed it: the amount, how it was paid and the day. Never changed or deleted: a mistake is put right by the
    order's notes and a further row."""

    __tablename__ = "order_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="order_payments_amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True, nullable=False)
    amount: Mapped[float] = mapped_column(Float, nullable=False)
    method: Mapped[str] = mapped_column(String(MAX_METHOD), nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)


class OrderDeviceRow(Base):
    """A client's browser that opened her orders with her access code and keeps them open: the hash of its token and
    the hash of the code (a code changed since reaches nothing). None on a shop terminal, which has no token."""

    __tablename__ = "order_devices"
    __table_args__ = (UniqueConstraint("holder_hash", "code_hash", name="order_devices_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_hash: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    remembered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class OrderEventRow(Base):
    """The audit: one row for every change of an order (and of a stage's name: no order), who, when, what, from and
    to, and the reason given."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True,
                                                 nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    who: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)
    what: Mapped[str] = mapped_column(String(24), nullable=False)
    before: Mapped[str | None] = mapped_column(String(200), nullable=True)
    after: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    stage: Mapped[str | None] = mapped_column(String(20), nullable=True)  # the stage's key it moved the order to


class StageNameRow(Base):
    """A stage the store renamed: its fixed key and the store's word for it."""

    __tablename__ = "order_stage_names"

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(MAX_STAGE_LABEL), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    changed_by: Mapped[str] = mapped_column(String(MAX_NAME), nullable=False)


ORDER_PREFIX = "J-"


def order_number(id: int) -> str:
    """The number people read for order `id`: J-000123 (the job's number on its bag)."""
    return f"{ORDER_PREFIX}{id:06d}"


INVENTORY_SET_UP = "inventory_set_up"  # the fact's key: the first stones came in (its value says which and when)


def claim_in(s: Session, key: str, value: str) -> bool:
    """Record the fact `key` inside the session's transaction unless it is known already; whether this call set it.
    One INSERT that does nothing on a key already there: two transactions claiming it at once both go on, one of
    them having set it."""
    dialect = s.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    result = s.execute(insert(FactRow).values(key=key, value=value[:200]).on_conflict_do_nothing(
        index_elements=[FactRow.key]))
    return result.rowcount == 1


@dataclass(frozen=True)
class PriceEdit:
    """One dated edit of the price table as the history lists it."""

    id: int
    dated: str
    saved_at: datetime
    change: str


class StaleEdit(StorageError):
    """Another edit of the price table landed first: make this one again from the newest table."""


# Columns added after the first release, each added to an existing table when the store opens it.
ADDED_COLUMNS = {"owner_hash": "VARCHAR(64)", "access_hash": "VARCHAR(64)", "contact": f"VARCHAR({MAX_CONTACT})"}
ACCESS_CODE_BYTES = 10  # 80 bits: a code no one guesses


def new_access_code() -> str:
    """A random code a customer keeps to reach their saved design again: 80 bits, in groups of four."""
    text = base64.b32encode(secrets.token_bytes(ACCESS_CODE_BYTES)).decode("ascii")
    return "-".join(text[index:index + 4] for index in range(0, len(text), 4))


def secret_hash(secret: str) -> str:
    """How a browser's token or an access code is stored: SHA-256 of its normalised text (codes are random, long
    and server-made, so a fast hash suffices; the text itself is never stored)."""
    return hashlib.sha256(secret.strip().upper().replace(" ", "").encode("utf-8")).hexdigest()


# --- pure helpers ---------------------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _normalise_url(url: str) -> str:
    """Hosting platforms hand out `postgres://`; SQLAlchemy only knows `postgresql://`."""
    url = url.strip()
    return "postgresql://" + url.removeprefix("postgres://") if url.startswith("postgres://") else url


EMBEDDED_DATABASE = Path(configurator.__file__).resolve().parent.parent / "data" / "designs.db"


def embedded_path() -> Path:
    """The embedded database's file: `designs.db` in CONFIGURATOR_DATA_DIR when set (the tests' own folder), else
    `<repo>/data/designs.db`."""
    return configurator.data_file("designs.db", EMBEDDED_DATABASE)


def database_url() -> str:
    """`DATABASE_URL` if set, else the embedded SQLite file (`embedded_path`, its folder created when needed)."""
    env = os.environ.get("DATABASE_URL", "").strip()
    if env:
        return _normalise_url(env)
    path = embedded_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def embedded_database() -> bool:
    """Whether the database in force is the embedded SQLite file (DATABASE_URL unset)."""
    return not os.environ.get("DATABASE_URL", "").strip()


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message: no SQL, parameters or traceback."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    line = text.splitlines()[0].strip() if text else ""
    return line[:200] or type(exc).__name__


def _check_text(name: str, value: Any, limit: int, *, single_line: bool) -> str:
    if not isinstance(value, str):
        raise StorageError(f"{name}: must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise StorageError(f"{name}: longer than {limit} characters ({len(value)})")
    if single_line:
        problem = unprintable(value)
        if problem:
            raise StorageError(f"{name}: {problem}")
    if "\x00" in value:
        raise StorageError(f"{name}: contains a NUL character")
    if _SURROGATE.search(value):
        raise StorageError(f"{name}: contains half of a UTF-16 surrogate pair, not a character")
    return value


def check_client_name(value: Any) -> str:
    """A client's name as saved: stripped, 1..120 printable characters on one line (no control, line-breaking or
    invisible characters); StorageError naming `client_name` otherwise. Never used as a path or evaluated."""
    name = _check_text("client_name", value.strip() if isinstance(value, str) else value, MAX_NAME, single_line=True)
    if not name:
        raise StorageError("client_name: must not be empty")
    return name



def _check_title(value: Any) -> str:
    """Stripped, at most 120 characters, no control characters (may be empty)."""
    return _check_text("title", value.strip() if isinstance(value, str) else value, MAX_TITLE, single_line=True)


def _check_notes(value: Any) -> str:
    """At most 2000 characters; line breaks and tabs allowed, and otherwise only what shows: no bidi controls,
    zero-width or other invisible characters, as in a name (each line is held to a name's rule)."""
    notes = _check_text("notes", value, MAX_NOTES, single_line=False)
    for number, line in enumerate(notes.replace("\r\n", "\n").split("\n"), start=1):
        problem = unprintable(line.replace("\t", " ")) if line.strip() else None
        if problem:
            raise StorageError(f"notes: line {number} {problem}")
    return notes


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")


def check_contact(value: Any) -> str | None:
    """A client's phone number or e-mail address as saved (stripped; empty is none): an address with an @ and a
    domain, or a number of 6 to 15 digits (spaces, dashes, dots, brackets and a leading + allowed). StorageError
    naming `contact` otherwise."""
    if value is None:
        return None
    contact = _check_text("contact", value.strip() if isinstance(value, str) else value, MAX_CONTACT, single_line=True)
    if not contact:
        return None
    digits = sum(char.isdigit() for char in contact)
    if _EMAIL.match(contact) or (_PHONE.match(contact) and 6 <= digits <= 15):
        return contact
    raise StorageError("contact: give a phone number (6 to 15 digits) or an e-mail address (name@example.com)")


def contact_key(contact: str | None) -> str | None:
    """What makes two contacts one client: an e-mail in small letters, a phone number's digits."""
    if not contact:
        return None
    if "@" in contact:
        return contact.strip().lower()
    return "".join(char for char in contact if char.isdigit())


def _check_design_json(value: Any) -> str:
    """A valid design document of at most 256 KiB, returned as canonical JSON text."""
    if not isinstance(value, str | bytes):
        raise StorageError(f"design_json: must be JSON text, not {type(value).__name__}")
    size = len(value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value)
    if size > MAX_DESIGN_BYTES:
        raise StorageError(f"design_json: larger than {MAX_DESIGN_BYTES // 1024} KiB")
    try:
        return loads_design(value).to_json()
    except DesignError as exc:
        raise StorageError(f"design_json: {exc}") from None


def _check_preview_png(value: Any) -> bytes | None:
    """None, or PNG bytes of at most 512 KiB."""
    if value is None:
        return None
    if not isinstance(value, bytes | bytearray | memoryview):
        raise StorageError(f"preview_png: must be bytes, not {type(value).__name__}")
    data = bytes(value)
    if len(data) > MAX_PREVIEW_BYTES:
        raise StorageError(f"preview_png: larger than {MAX_PREVIEW_BYTES // 1024} KiB")
    if not data.startswith(PNG_SIGNATURE):
        raise StorageError("preview_png: not a PNG image")
    return data


def _check_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StorageError(f"id: must be an integer, not {type(value).__name__}")
    return value


def _copy_title(title: str) -> str:
    return f"copy of {title}".strip()[:MAX_TITLE]


def _saved(row: DesignRow) -> SavedDesign:
    return SavedDesign(
        id=row.id,
        client_name=row.client_name,
        title=row.title,
        notes=row.notes,
        design_json=row.design_json,
        preview_png=row.preview_png,
        created_at=row.created_at,
        updated_at=row.updated_at,
        owner_hash=row.owner_hash,
        access_hash=row.access_hash,
        contact=row.contact,
    )


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _stone_as_recorded(s: Session, design_json: str) -> None:
    """A design naming a stone of the store's is that stone: its record's shape, cut, material, measured size and
    grades (StorageError naming `stone.stock_number` otherwise; a document is brought to its record before it is
    saved, `inventory.to_record`)."""
    stone = json.loads(design_json).get("stone") or {}
    number = stone.get("stock_number")
    if not number:
        return
    row = s.get(StoneRow, number)
    if row is None:  # taken out of the inventory: the design is kept (no hold can be made for it)
        return
    recorded = {"shape": row.shape, "cut": row.cut, "material": row.material, "length_mm": row.length_mm,
                "width_mm": row.width_mm, "depth_mm": row.depth_mm, "color": row.color, "clarity": row.clarity}
    given = {key: stone.get(key, "brilliant" if key == "cut" else None) for key in recorded}
    if given != recorded or stone.get("client_supplied"):
        raise StorageError(f"stone.stock_number: the design's stone is not our stone {number} as recorded; open it "
                           "again to bring it to the record")


def _within_client_limit(s: Session, hold: StoneHold, row: DesignRow, now: datetime) -> None:
    """HoldLimit when the saving client (the same browser, or the same contact) already holds `hold.client_limit`
    stones other than this one (earlier saves whose hold this one takes over are not counted)."""
    mine = []
    if row.owner_hash:
        mine.append(DesignRow.owner_hash == row.owner_hash)
    key = contact_key(row.contact)
    if key:
        mine.append(DesignRow.contact.is_not(None))
    if not mine:
        return
    held = s.execute(
        select(StoneRow.stock_number, StoneRow.reserved_for, StoneRow.reserved_until, DesignRow.owner_hash,
               DesignRow.contact)
        .join(DesignRow, DesignRow.id == StoneRow.reserved_for)
        .where(StoneRow.status == "reserved", StoneRow.reserved_until > now, StoneRow.stock_number != hold.stock_number,
               or_(*mine))).all()
    held = [entry for entry in held if entry.reserved_for not in hold.takes_over and (
        (row.owner_hash and entry.owner_hash == row.owner_hash) or (key and contact_key(entry.contact) == key))]
    if len(held) + 1 > hold.client_limit:
        first = held[0]
        raise HoldLimit(f"you already hold our stone {first.stock_number} (saved design #{first.reserved_for}) until "
                        f"{_when(first.reserved_until)}; a client holds {hold.client_limit} stone"
                        f"{'s' if hold.client_limit != 1 else ''} at a time", first.stock_number, first.reserved_for,
                        first.reserved_until)


def reserve_in(s: Session, stock_number: str, design_id: int, until: datetime, now: datetime,
               takes_over: tuple[int, ...] = ()) -> None:
    """Hold the stone `stock_number` for saved design `design_id` until `until`, inside the session's transaction.

    One conditional UPDATE does it: it changes the row only while the stone is available (or its reservation has run
    out, or is this design's own or one of `takes_over`'s), and the rows it changed say whether it did. Two tills at
    the same moment cannot both succeed: on PostgreSQL the second UPDATE waits for the first's row lock and then
    finds the row no longer matching; on SQLite writers take the database's write lock up front. The loser gets
    StoneUnavailable saying why.
    """
    if until <= now:
        raise StorageError(f"reserved_until: {_when(until)} is not in the future")
    # A stone an open order holds for its design is the order's until it is collected or cancelled: no later save of
    # the client's takes that hold over (configurator.orders).
    ordered = exists(select(OrderRow.id).where(OrderRow.design_id == StoneRow.reserved_for,
                                               OrderRow.stock_number == StoneRow.stock_number,
                                               OrderRow.stage.not_in(ORDER_CLOSED)))
    taken_over = and_(StoneRow.reserved_for.in_(takes_over), ~ordered) if takes_over else None
    mine = StoneRow.reserved_for == design_id if taken_over is None else or_(StoneRow.reserved_for == design_id,
                                                                             taken_over)
    free = or_(
        StoneRow.status == "available",
        and_(StoneRow.status == "reserved", or_(StoneRow.reserved_until <= now, mine)),
    )
    result = s.execute(
        update(StoneRow)
        .where(StoneRow.stock_number == stock_number, free)
        .values(status="reserved", reserved_for=design_id, reserved_until=until, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return
    row = s.execute(select(StoneRow.status, StoneRow.reserved_for, StoneRow.reserved_until, StoneRow.sold_at)
                    .where(StoneRow.stock_number == stock_number)).one_or_none()
    if row is None:
        raise StoneUnavailable(f"stone {stock_number}: not in the store's inventory", stock_number)
    status, holder, held_until, sold_at = row
    if status == "sold":
        when = f" on {sold_at:%Y-%m-%d}" if sold_at is not None else ""
        raise StoneUnavailable(f"stone {stock_number}: already sold{when}", stock_number, status)
    order = s.execute(select(OrderRow.id).where(OrderRow.design_id == holder, OrderRow.stock_number == stock_number,
                                                OrderRow.stage.not_in(ORDER_CLOSED)).limit(1)).scalar()
    if order is not None:
        raise StoneUnavailable(f"stone {stock_number}: held for order {order_number(order)} (saved design #{holder}) "
                               "until it is collected or cancelled", stock_number, status, holder, held_until)
    raise StoneUnavailable(
        f"stone {stock_number}: already reserved for saved design #{holder} until {_when(held_until)}",
        stock_number, status, holder, held_until)


def release_in(s: Session, design_id: int, stock_number: str | None = None) -> int:
    """Release what is reserved for saved design `design_id` (only `stock_number`, if given); the count released."""
    query = update(StoneRow).where(StoneRow.status == "reserved", StoneRow.reserved_for == design_id)
    if stock_number is not None:
        query = query.where(StoneRow.stock_number == stock_number)
    result = s.execute(query.values(status="available", reserved_for=None, reserved_until=None, updated_at=_now())
                       .execution_options(synchronize_session=False))
    return result.rowcount


# --- engine ---------------------------------------------------------------------------------------------------------


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy emits BEGIN itself (see `_sqlite_begin`); WAL lets readers run beside one writer."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Writers lock up front, so a read-then-write transaction waits for the lock instead of failing."""
    immediate = connection.get_execution_options().get("storage_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a 5 s busy timeout, foreign keys and real transactions."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    connect_args = {"check_same_thread": False} if is_sqlite else {}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _add_missing_columns(conn: Any) -> None:
    """Bring a table made by an earlier release up to date (its rows keep working: the new columns are empty)."""
    present = {column["name"] for column in inspect(conn).get_columns(DesignRow.__tablename__)}
    for name, kind in ADDED_COLUMNS.items():
        if name not in present:
            conn.execute(sql_text(f"ALTER TABLE {DesignRow.__tablename__} ADD COLUMN {name} {kind}"))


_shared: dict[str, Store] = {}
_shared_lock = threading.Lock()


def shared_store(url: str | None = None) -> Store:
    """One `Store` per database URL for the whole process (the price table and the inventory in force use it)."""
    url = _normalise_url(url) if url is not None else database_url()
    with _shared_lock:
        if url not in _shared:
            _shared[url] = Store.open(url)
        return _shared[url]


def close_shared_stores() -> None:
    """Close every shared store (their pooled connections); the next `shared_store` opens afresh."""
    with _shared_lock:
        stores = list(_shared.values())
        _shared.clear()
    for store in stores:
        store.close()


# --- store ----------------------------------------------------------------------------------------------------------


class Store:
    """Saved designs in one database; safe to share between threads (each call opens its own session)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Connect to `url` (default `database_url()`) and create the table if missing."""
        try:
            engine = _make_engine(_normalise_url(url) if url is not None else database_url())
        except ArgumentError as exc:
            raise StorageError(f"storage: not a usable database URL ({_reason(exc)})") from None
        except ImportError as exc:
            raise StorageError(f"storage: database driver not installed ({exc.name or exc})") from None
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(**_WRITE)
                with conn.begin():
                    Base.metadata.create_all(conn)
                    _add_missing_columns(conn)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StorageError(f"storage: {_reason(exc)}") from None
        return cls(engine)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One session and transaction; any database error rolls back and becomes a StorageError."""
        try:
            with Session(self.engine) as s, s.begin():
                if write:
                    s.connection(execution_options=_WRITE)
                yield s
        except SQLAlchemyError as exc:
            raise StorageError(f"storage: {_reason(exc)}") from None

    @staticmethod
    def _row(s: Session, id: int) -> DesignRow:
        row = s.get(DesignRow, _check_id(id))
        if row is None:
            raise StorageError(f"saved design {id}: not found")
        return row

    def save(
        self, client_name: str, design_json: str, *, title: str = "", notes: str = "", preview_png: bytes | None = None,
        owner: str | None = None, access_code: str | None = None, hold: StoneHold | None = None,
        contact: str | None = None,
    ) -> SavedDesign:
        """Insert a new saved design; `owner` (the browser's token) and `access_code` are kept only as hashes, the
        client's `contact` (phone or e-mail) as given, for the store. With a `hold`, its stone is reserved for the new
        design in the same transaction: a stone reserved or sold meanwhile refuses the save (StoneUnavailable says
        why), as does a client who already holds `hold.client_limit` other stones (HoldLimit names one), and
        nothing is written. A design naming a stone of the store's is saved only as that stone (its record's size
        and grades)."""
        now = _now()
        row = DesignRow(
            client_name=check_client_name(client_name),
            title=_check_title(title),
            notes=_check_notes(notes),
            design_json=_check_design_json(design_json),
            preview_png=_check_preview_png(preview_png),
            created_at=now,
            updated_at=now,
            owner_hash=secret_hash(owner) if owner else None,
            access_hash=secret_hash(access_code) if access_code else None,
            contact=check_contact(contact),
        )
        with self._transaction(write=True) as s:
            _stone_as_recorded(s, row.design_json)
            if hold is not None and hold.client_limit is not None:
                _within_client_limit(s, hold, row, now)
            s.add(row)
            s.flush()
            if hold is not None:
                reserve_in(s, hold.stock_number, row.id, hold.until, now, hold.takes_over)
            return _saved(row)

    def update(
        self,
        id: int,
        *,
        design_json: str | None = None,
        title: str | None = None,
        notes: str | None = None,
        preview_png: bytes | None = None,
    ) -> SavedDesign:
        """Change the given fields (None leaves a field alone; `preview_png=b""` removes the preview)."""
        changes: dict[str, Any] = {}
        if design_json is not None:
            changes["design_json"] = _check_design_json(design_json)
        if title is not None:
            changes["title"] = _check_title(title)
        if notes is not None:
            changes["notes"] = _check_notes(notes)
        if preview_png is not None:
            changes["preview_png"] = None if preview_png == b"" else _check_preview_png(preview_png)
        with self._transaction(write=True) as s:
            row = self._row(s, id)
            if changes:
                for name, value in changes.items():
                    setattr(row, name, value)
                row.updated_at = max(_now(), row.updated_at + timedelta(microseconds=1))
                s.flush()
            return _saved(row)

    def get(self, id: int) -> SavedDesign:
        """The saved design `id`; StorageError if there is none."""
        with self._transaction() as s:
            return _saved(self._row(s, id))

    def list(self, client: str | None = None, limit: int = 200, *, visitor: Visitor | None = None) -> list[SavedDesign]:
        """Full records, most recently updated first; `client` matches part of the name, ignoring case. With a
        `visitor` (a customer), only the designs saved from their browser or reached with their access codes."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise StorageError(f"limit: must be a positive integer, not {limit!r}")
        query = select(DesignRow).order_by(DesignRow.updated_at.desc(), DesignRow.id.desc()).limit(limit)
        if visitor is not None:
            mine = [DesignRow.access_hash.in_(visitor.code_hashes)] if visitor.code_hashes else []
            if visitor.owner_hash:
                mine.append(DesignRow.owner_hash == visitor.owner_hash)
            if not mine:
                return []
            query = query.where(or_(*mine))
        if client is not None and client.strip():
            needle = client.strip().lower()
            query = query.where(func.lower(DesignRow.client_name).contains(needle, autoescape=True))
        with self._transaction() as s:
            return [_saved(row) for row in s.scalars(query)]

    def duplicate(self, id: int, title: str | None = None) -> SavedDesign:
        """A new saved design with the same client, notes, design and preview; title "copy of <title>" by default."""
        new_title = _check_title(title) if title is not None else None
        with self._transaction(write=True) as s:
            source = self._row(s, id)
            now = _now()
            row = DesignRow(
                client_name=source.client_name,
                title=new_title if new_title is not None else _copy_title(source.title),
                notes=source.notes,
                design_json=source.design_json,
                preview_png=source.preview_png,
                created_at=now,
                updated_at=now,
                owner_hash=source.owner_hash,  # the copy is the same visitor's
                access_hash=source.access_hash,
            )
            s.add(row)
            s.flush()
            return _saved(row)

    def restore(self, saved: SavedDesign) -> SavedDesign:
        """Put back a design deleted a moment ago, under its own id and dates (an undo); StorageError if that id is
        taken again."""
        row = DesignRow(
            id=_check_id(saved.id),
            owner_hash=saved.owner_hash,
            access_hash=saved.access_hash,
            client_name=check_client_name(saved.client_name),
            title=_check_title(saved.title),
            notes=_check_notes(saved.notes),
            design_json=_check_design_json(saved.design_json),
            preview_png=_check_preview_png(saved.preview_png),
            created_at=saved.created_at,
            updated_at=saved.updated_at,
        )
        with self._transaction(write=True) as s:
            if s.get(DesignRow, row.id) is not None:
                raise StorageError(f"saved design {row.id}: already there")
            s.add(row)
            s.flush()
            return _saved(row)

    # --- the price table's dated edits (configurator.price_table reads and writes them) ---

    def latest_prices(self) -> tuple[int, str] | None:
        """The newest price table edit: (its id, the table's JSON), or None when the database has none."""
        with self._transaction() as s:
            row = s.execute(select(PriceTableRow.id, PriceTableRow.table_json)
                            .order_by(PriceTableRow.id.desc()).limit(1)).one_or_none()
            return None if row is None else (row[0], row[1])

    def latest_prices_id(self) -> int | None:
        """The newest edit's id (None: none yet): cheap, asked before every quote."""
        with self._transaction() as s:
            return s.execute(select(func.max(PriceTableRow.id))).scalar()

    def add_prices(self, dated: str, change: str, table_json: str, based_on: int | None) -> int:
        """Append an edit of the price table made from edit `based_on` (None: an import); StaleEdit when another
        edit made from the same one landed first."""
        row = PriceTableRow(dated=dated, saved_at=_now(), change=change[:400], table_json=table_json,
                            based_on=based_on)
        try:
            with Session(self.engine) as s, s.begin():
                s.connection(execution_options=_WRITE)
                if based_on is not None:
                    newest = s.execute(select(func.max(PriceTableRow.id))).scalar()
                    if newest != based_on:
                        raise StaleEdit(f"price table: edit #{newest} landed first; make the change again")
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            raise StaleEdit("price table: another edit landed first; make the change again") from None
        except SQLAlchemyError as exc:
            raise StorageError(f"storage: {_reason(exc)}") from None

    def price_history(self, limit: int = 50) -> list[PriceEdit]:
        """The price table's edits, newest first."""
        with self._transaction() as s:
            rows = s.execute(select(PriceTableRow.id, PriceTableRow.dated, PriceTableRow.saved_at, PriceTableRow.change)
                             .order_by(PriceTableRow.id.desc()).limit(limit)).all()
            return [PriceEdit(*row) for row in rows]

    def delete(self, id: int) -> None:
        """Remove the saved design `id` and release the stone reserved for it; StorageError if there is none, or if an
        order is made from it (an order's design stays: its access code is the client's way to the order)."""
        with self._transaction(write=True) as s:
            row = self._row(s, id)
            order = s.execute(select(OrderRow.id).where(OrderRow.design_id == id).order_by(OrderRow.id)
                              .limit(1)).scalar()
            if order is not None:
                raise StorageError(f"saved design {id}: order {order_number(order)} is made from it, so it is kept")
            s.delete(row)
            release_in(s, id)
