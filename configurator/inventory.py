"""The store's own loose stones: each stone's record as on its grading report, the CSV they are imported from, and
the inventory in the database (the same store as the saved designs) with its filters and reservations.

A record (`LooseStone`) is validated like a design: its shape, cut, material, measured size and grades must make a
valid design stone, and its certified carat must agree with its measurements. A file is imported whole or not at
all, every bad row named with its field. Reserving is one conditional UPDATE (`storage.reserve_in`), so two tills
reserving one stone at the same moment get one success and one refusal that says why.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, model_validator
from pydantic.fields import FieldInfo
from sqlalchemy import and_, delete, func, or_, select, update

from . import catalogue
from .design import (
    DIAMOND_CLARITIES,
    DIAMOND_COLORS,
    STOCK_NUMBER_PATTERN,
    STONE_CLARITIES,
    Choice,
    Cut,
    Design,
    MaterialId,
    Shape,
    Stone,
)
from .documents import parse_design
from .edits import follow_centre
from .errors import ConfiguratorError, DesignError
from .reading import NumberError, decode_text, file_label, one_line, quoted, read_decimal_in
from .shapes import shape_of
from .storage import (
    INVENTORY_SET_UP,
    FactRow,
    StoneRow,
    Store,
    claim_in,
    embedded_database,
    release_in,
    reserve_in,
    shared_store,
)

if TYPE_CHECKING:
    from .price_table import PriceTable

# The columns of an inventory CSV, in order; the first ten are required in every row, the rest may be left empty.
COLUMNS = ("stock_number", "material", "shape", "cut", "length_mm", "width_mm", "depth_mm", "carat", "color",
           "clarity", "cut_grade", "polish", "symmetry", "fluorescence", "lab", "certificate", "price")
REQUIRED_COLUMNS = COLUMNS[:10]
MAX_IMPORT_ROWS = 10_000
MAX_IMPORT_BYTES = 4_000_000  # 4 MB: 10,000 rows take about 1 MB
MAX_REPORTED = 50  # a refused file names at most this many problems
STOCK_NUMBER = re.compile(STOCK_NUMBER_PATTERN)
CERTIFICATE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,31}$")
LAB = re.compile(r"^[A-Za-z][A-Za-z0-9 .&-]{0,23}$")
PRICE_MAX = 5_000_000.0  # one stone; the diamond grid's bound per carat
# A certified carat and the trade formula's estimate from the stone's measurements (PRODUCT.md) agree to within
# about 10 % for well-made stones; a record outside this ratio has a slip in its carat or its millimetres.
CARAT_AGREEMENT = (0.7, 1.4)
DEFAULT_HOLD_DAYS = 7


class InventoryError(ConfiguratorError):
    """A stone record or inventory file that is not valid; the message names the row and the field."""


class CutGrade(Choice):
    """The grading report's cut, polish and symmetry scale."""

    EXCELLENT = "Excellent"
    VERY_GOOD = "Very Good"
    GOOD = "Good"
    FAIR = "Fair"
    POOR = "Poor"


class Fluorescence(Choice):
    NONE = "None"
    FAINT = "Faint"
    MEDIUM = "Medium"
    STRONG = "Strong"
    VERY_STRONG = "Very Strong"


class Status(Choice):
    AVAILABLE = "available"
    RESERVED = "reserved"
    SOLD = "sold"


CUT_GRADES = tuple(grade.value for grade in CutGrade)
FLUORESCENCES = tuple(level.value for level in Fluorescence)
# Report abbreviations, as suppliers' lists write them.
_GRADE_WORDS = {"ex": "Excellent", "vg": "Very Good", "g": "Good", "gd": "Good", "f": "Fair", "fr": "Fair",
                "p": "Poor", "pr": "Poor"}
_FLUORESCENCE_WORDS = {"non": "None", "n": "None", "fnt": "Faint", "f": "Faint", "med": "Medium", "m": "Medium",
                       "stg": "Strong", "s": "Strong", "vst": "Very Strong", "vstg": "Very Strong"}


def _word(choices: tuple[str, ...], abbreviations: dict[str, str]):
    """A grade as written on a report, any case, or its usual abbreviation; empty text is no grade."""

    def read(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = " ".join(value.split())
        if not text:
            return None
        for choice in choices:
            if choice.lower() == text.lower():
                return choice
        found = abbreviations.get(text.lower())
        if found is None:
            raise ValueError(f"{text[:24]!r} is not one of: {', '.join(choices)}")
        return found

    return BeforeValidator(read)


def _number(value: Any, info: ValidationInfo) -> Any:
    """A number, or text that spells one as people type it (a CSV cell, `stones set price=4100,50`): read by
    `reading.read_decimal_in` within the field's own bounds, so a decimal comma reads as a point ("4100,50" is
    4100.50, not 410,050) and "6,440" as a length of 1-25 mm is 6.44, while "1,500" as a price (1.50 or 1,500) is
    refused with words saying what to write; exponents, "nan" and "inf" are refused. Never a boolean; empty text is
    no number."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}")
    if isinstance(value, str):
        if not value.strip():
            return None
        low, high = _bounds(info.field_name)
        try:
            return read_decimal_in(value, low, high)
        except NumberError as exc:
            raise ValueError(str(exc)) from None
    return value


@cache
def _bounds(field: str | None) -> tuple[float, float]:
    """The bounds a LooseStone field declares (`Field(ge=1.0, le=25.0)`, also inside an optional field's type), so a
    number's two readings are judged by the same limits that refuse it."""
    low, high = -math.inf, math.inf
    info = LooseStone.model_fields.get(field or "")
    pending: list[Any] = [] if info is None else [*info.metadata, info.annotation]
    while pending:
        item = pending.pop()
        if isinstance(item, FieldInfo):
            pending.extend(item.metadata)
            continue
        pending.extend(get_args(item))
        for name in ("ge", "gt"):
            if isinstance(getattr(item, name, None), int | float):
                low = max(low, float(getattr(item, name)))
        for name in ("le", "lt"):
            if isinstance(getattr(item, name, None), int | float):
                high = min(high, float(getattr(item, name)))
    return low, high


def _text(value: Any) -> Any:
    """Text stripped; empty text is none."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _required_text(**constraints: Any) -> Any:
    return Annotated[Annotated[str, Field(min_length=1, **constraints)], BeforeValidator(_strip)]


def _optional_text(**constraints: Any) -> Any:
    return Annotated[Annotated[str, Field(**constraints)] | None, BeforeValidator(_text)]


Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]


class LooseStone(BaseModel):
    """One loose stone as its grading report gives it, and the store's price (None: priced from the grid)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stock_number: _required_text(pattern=STOCK_NUMBER.pattern) = Field(
        description="the store's own number for the stone: letters, digits and . _ / -, at most 32")
    material: MaterialId
    shape: Shape
    cut: Cut = Cut.BRILLIANT
    length_mm: Number = Field(ge=1.0, le=25.0, description="measured: the longest outline dimension (a round's "
                                                           "maximum diameter)")
    width_mm: Number = Field(ge=1.0, le=25.0, description="measured: across (a round's minimum diameter)")
    depth_mm: Number = Field(ge=0.4, le=20.0, description="measured: table to culet")
    carat: Number = Field(gt=0.0, le=100.0, description="as certified, to 2 decimals")
    color: _required_text(max_length=24)
    clarity: _required_text(max_length=24)
    cut_grade: Annotated[CutGrade | None, _word(CUT_GRADES, _GRADE_WORDS)] = None
    polish: Annotated[CutGrade | None, _word(CUT_GRADES, _GRADE_WORDS)] = None
    symmetry: Annotated[CutGrade | None, _word(CUT_GRADES, _GRADE_WORDS)] = None
    fluorescence: Annotated[Fluorescence | None, _word(FLUORESCENCES, _FLUORESCENCE_WORDS)] = None
    lab: _optional_text(pattern=LAB.pattern) = None
    certificate: _optional_text(pattern=CERTIFICATE.pattern) = Field(
        None, description="the lab's report number")
    price: Annotated[Annotated[float, Field(gt=0.0, le=PRICE_MAX, allow_inf_nan=False)] | None,
                     BeforeValidator(_number)] = Field(
        None, description="the store's price for the stone; empty: priced from the grid at its carat and grades")

    @model_validator(mode="before")
    @classmethod
    def _as_written(cls, data: Any) -> Any:
        """Words in any case: shape, cut and material in small letters, a diamond's grades in capitals, a coloured
        stone's in small letters; an empty cut is a brilliant."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("material", "shape", "cut"):
            if isinstance(data.get(key), str):
                data[key] = data[key].strip().lower()
        if data.get("cut") == "":
            del data["cut"]
        gem = catalogue.gemstones().get(data.get("material"))
        for key in ("color", "clarity"):
            if gem is not None and isinstance(data.get(key), str):
                data[key] = data[key].strip().upper() if gem.is_diamond else data[key].strip().lower()
        return data

    @model_validator(mode="after")
    def _a_real_stone(self) -> LooseStone:
        if round(self.carat, 2) != self.carat:
            raise ValueError(f"carat: a report gives the weight to 2 decimals, not {self.carat:g}")
        if self.certificate is not None and self.lab is None:
            raise ValueError("lab: a certificate number needs the lab that issued it")
        if self.width_mm > self.length_mm + 1e-9:
            raise ValueError(f"width_mm: {self.width_mm:g} mm is more than its length, {self.length_mm:g} mm; the "
                             "length is the longest dimension (a round's maximum diameter)")
        try:
            stone = self.design_stone()
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in error["loc"])
            text = str(error["msg"]).removeprefix("Value error, ")
            raise ValueError(f"{where}: {text}" if where else text) from None
        from .stones import trade_carat  # modelled on the stone's solid (manifold3d): not loaded to list stock

        estimate = trade_carat(stone)
        low, high = CARAT_AGREEMENT
        if not low * estimate <= self.carat <= high * estimate:
            raise ValueError(
                f"carat: {self.carat:.2f} ct does not agree with {self.measurements} (about {estimate:.2f} ct by the "
                f"trade formula); check the carat and the millimetres")
        return self

    def priced(self, table: PriceTable) -> tuple[float, bool]:
        """What the stone costs in a quote: the store's own price, or the grid's at its certified carat and grades
        (and whether it came from the grid)."""
        if self.price is not None:
            return self.price, False
        return table.stone_price(self.design_stone(), self.carat), True

    def design_stone(self, **changes: Any) -> Stone:
        """The stone as a design carries it: its measured size, its grades and its stock number."""
        return Stone(shape=self.shape, cut=self.cut, material=self.material, length_mm=self.length_mm,
                     width_mm=self.width_mm, depth_mm=self.depth_mm, color=self.color, clarity=self.clarity,
                     stock_number=self.stock_number, **changes)

    @property
    def measurements(self) -> str:
        """As a grading report writes them: a round's "min - max x depth", other shapes' "length x width x depth"."""
        if shape_of(self.shape).by_diameter:
            return f"{self.width_mm:.2f} - {self.length_mm:.2f} x {self.depth_mm:.2f} mm"
        return f"{self.length_mm:.2f} x {self.width_mm:.2f} x {self.depth_mm:.2f} mm"

    @property
    def report(self) -> str | None:
        """The lab and report number ("GIA 2141438172"), or None for a stone without one."""
        if self.lab is None:
            return None
        return f"{self.lab} {self.certificate}" if self.certificate else self.lab

    @property
    def described(self) -> str:
        """One line for a person: "1.01 ct round brilliant diamond G VS1, 6.41 - 6.44 x 3.97 mm"."""
        return (f"{self.carat:.2f} ct {self.shape.value} {self.cut.value} {catalogue.gemstone(self.material).name} "
                f"{self.color} {self.clarity}, {self.measurements}")

    def csv_row(self) -> dict[str, str]:
        values = self.model_dump(mode="json")
        return {column: "" if values[column] is None else _cell(values[column]) for column in COLUMNS}


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@dataclass(frozen=True)
class StockStone:
    """A stone in the inventory: its record and where it stands. A reservation past its time reads as available."""

    stone: LooseStone
    status: Status
    reserved_for: int | None
    reserved_until: datetime | None
    sold_at: datetime | None
    updated_at: datetime

    @property
    def stock_number(self) -> str:
        return self.stone.stock_number

    @property
    def available(self) -> bool:
        return self.status is Status.AVAILABLE

    def to_dict(self) -> dict[str, Any]:
        """The record and its status as JSON-ready values (the CLI's `--json`)."""
        return {**self.stone.model_dump(mode="json"), "status": self.status.value,
                "reserved_for": self.reserved_for,
                "reserved_until": self.reserved_until.isoformat() if self.reserved_until else None,
                "sold_at": self.sold_at.isoformat() if self.sold_at else None}


# --- reading files --------------------------------------------------------------------------------------------------


def _field_problem(exc: ValidationError) -> tuple[str, str]:
    error = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in error["loc"])
    text = str(error["msg"]).removeprefix("Value error, ")
    match = re.match(r"^([a-z_]+): (.*)$", text, re.DOTALL)
    if not field and match:
        field, text = match.group(1), match.group(2)
    if error["type"] == "string_pattern_mismatch":
        text = {"stock_number": "letters, digits and . _ / - only, starting with a letter or digit, at most 32",
                "certificate": "letters, digits, spaces and . _ / - only, at most 32",
                "lab": "a lab's name: letters, digits, spaces and . & -, at most 24"}.get(field, text)
    text = text.replace("Input should be", "must be")
    if error["type"] == "missing":
        text = "required; this column may not be empty"
    return field, text


def parse_stone(values: dict[str, Any]) -> LooseStone:
    """One record from a mapping of column names to values (CSV text or numbers); InventoryError naming the field."""
    cleaned = {key: value for key, value in values.items() if not (isinstance(value, str) and not value.strip()
                                                                    and key in REQUIRED_COLUMNS)}
    try:
        return LooseStone.model_validate(cleaned)
    except ValidationError as exc:
        field, text = _field_problem(exc)
        raise InventoryError(one_line(f"{field}: {text}" if field else text)) from None


def read_csv(data: str | bytes, name: str = "the file") -> list[LooseStone]:
    """Every row of an inventory CSV, validated; InventoryError listing every bad row (up to MAX_REPORTED) with
    its row number, stock number and field, one a line, when any row is bad. The header names the columns (any
    order; `COLUMNS`, of which `REQUIRED_COLUMNS` must be there). A row's line is the line it starts on, as a
    spreadsheet numbers it (the header is line 1); the file's name and every cell quoted in a message are escaped,
    so no newline or terminal escape in them can forge a line of the report."""
    name = file_label(name)
    if isinstance(data, bytes):
        if len(data) > MAX_IMPORT_BYTES:
            raise InventoryError(f"{name}: larger than {MAX_IMPORT_BYTES // 1_000_000} MB; split the file")
        data = decode_text(data, name, error=InventoryError)
    reader = csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise InventoryError(f"{name}: empty; the first line names the columns: {', '.join(COLUMNS)}") from None
    except csv.Error as exc:
        raise InventoryError(f"{name}: not CSV ({one_line(str(exc), 80)})") from None
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        raise InventoryError(f"{name}: unknown column {quoted(unknown[0])}; the columns are: {', '.join(COLUMNS)}")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InventoryError(f"{name}: no column {', '.join(missing)}; required: {', '.join(REQUIRED_COLUMNS)}")
    doubled = sorted({column for column in header if header.count(column) > 1})
    if doubled:
        raise InventoryError(f"{name}: column {doubled[0]} appears twice")
    stones: list[LooseStone] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    row_number = 0
    line = reader.line_num + 1  # where the next row starts (a quoted cell may run over several lines)
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            row_number += 1
            if row_number > MAX_IMPORT_ROWS:
                raise InventoryError(f"{name}: more than {MAX_IMPORT_ROWS} stones; split the file")
            label = f"row {row_number} (line {start})"
            if len(cells) != len(header):
                problems.append(f"{label}: {len(cells)} cells where the header has {len(header)}")
                continue
            values = dict(zip(header, cells, strict=True))
            stock = values.get("stock_number", "").strip()
            if stock:
                label += f", stock number {file_label(stock) if len(stock) <= 32 else quoted(stock, 32)}"
            try:
                stone = parse_stone(values)
            except InventoryError as exc:
                problems.append(one_line(f"{label}: {exc}"))
                continue
            if stone.stock_number in seen:
                problems.append(f"{label}: stock_number: {stone.stock_number} is also row {seen[stone.stock_number]}")
                continue
            seen[stone.stock_number] = row_number
            stones.append(stone)
    except csv.Error as exc:
        raise InventoryError(f"{name}: line {reader.line_num}: not CSV ({one_line(str(exc), 80)})") from None
    if problems:
        raise RefusedFile(name, problems)
    if not stones:
        raise InventoryError(f"{name}: no stones in it (only the header)")
    return stones


class RefusedFile(InventoryError):
    """A file refused whole: `problems` names each bad row and field, one a line."""

    def __init__(self, name: str, problems: Sequence[str]) -> None:
        self.problems = [one_line(problem) for problem in problems]  # one line each, whatever a cell held
        name = file_label(name)
        shown = self.problems[:MAX_REPORTED]
        more = len(self.problems) - len(shown)
        lines = [f"{name}: {problem}" for problem in shown]
        if more:
            lines.append(f"{name}: and {more} more")
        lines.append(f"{name}: refused, nothing imported ({len(self.problems)} problem"
                     f"{'s' if len(self.problems) != 1 else ''})")
        super().__init__("\n".join(lines))


def write_csv(stones: Iterable[LooseStone]) -> str:
    """The CSV text of `stones` with every column (what `read_csv` reads back)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for stone in stones:
        writer.writerow(stone.csv_row())
    return out.getvalue()


# --- the inventory in the database ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a client narrows the selection to; None (or empty) leaves a criterion open. Colours and clarities are
    sets of grades; `status` None lists every stone."""

    shapes: frozenset[str] = frozenset()
    materials: frozenset[str] = frozenset()
    colors: frozenset[str] = frozenset()
    clarities: frozenset[str] = frozenset()
    cut_grades: frozenset[str] = frozenset()
    carat_min: float | None = None
    carat_max: float | None = None
    status: Status | None = None
    stock_numbers: frozenset[str] = frozenset()


def _now() -> datetime:
    return datetime.now(UTC)


def _record(row: StoneRow, now: datetime) -> StockStone:
    stone = LooseStone.model_construct(
        stock_number=row.stock_number, material=row.material, shape=Shape(row.shape), cut=Cut(row.cut),
        length_mm=row.length_mm, width_mm=row.width_mm, depth_mm=row.depth_mm, carat=round(row.carat, 2),
        color=row.color, clarity=row.clarity,
        cut_grade=CutGrade(row.cut_grade) if row.cut_grade else None,
        polish=CutGrade(row.polish) if row.polish else None,
        symmetry=CutGrade(row.symmetry) if row.symmetry else None,
        fluorescence=Fluorescence(row.fluorescence) if row.fluorescence else None,
        lab=row.lab, certificate=row.certificate, price=round(row.price, 2) if row.price is not None else None)
    status = Status(row.status)
    holder, until = row.reserved_for, row.reserved_until
    if status is Status.RESERVED and until is not None and until <= now:  # run out: the stone is free again
        status, holder, until = Status.AVAILABLE, None, None
    return StockStone(stone, status, holder, until, row.sold_at, row.updated_at)


def _columns(stone: LooseStone) -> dict[str, Any]:
    values = stone.model_dump(mode="json")
    return {column: values[column] for column in COLUMNS}


def hold_until(days: float, now: datetime | None = None) -> datetime:
    """The end of a reservation of `days` from now."""
    if not (isinstance(days, int | float) and not isinstance(days, bool) and math.isfinite(days) and 0 < days <= 366):
        raise InventoryError(f"reservation_days: a reservation lasts from a moment to 366 days, not {days!r}")
    return (now or _now()) + timedelta(days=days)


class Inventory:
    """The store's loose stones in the database of `store`; safe to share between threads."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _free(self, now: datetime):
        return or_(StoneRow.status == "available",
                   and_(StoneRow.status == "reserved", StoneRow.reserved_until <= now))

    def add(self, stone: LooseStone) -> StockStone:
        """A new stone, available; InventoryError if its stock number is taken."""
        return self.import_stones([stone])[0]

    def import_stones(self, stones: Sequence[LooseStone], source: str = "import") -> list[StockStone]:
        """Add every stone in one transaction: all of them, or (a stock number already in the inventory) none."""
        now = _now()
        numbers = [stone.stock_number for stone in stones]
        if len(set(numbers)) != len(numbers):
            twice = next(number for number in numbers if numbers.count(number) > 1)
            raise InventoryError(f"stock_number: {twice} appears twice")
        with self.store._transaction(write=True) as s:
            taken = set()
            for start in range(0, len(numbers), 500):
                taken |= set(s.scalars(select(StoneRow.stock_number)
                                       .where(StoneRow.stock_number.in_(numbers[start:start + 500]))))
            if taken:
                problems = [f"row {index + 1}, stock number {number}: stock_number: already in the inventory "
                            "(change it with `stones set`)" for index, number in enumerate(numbers) if number in taken]
                raise RefusedFile(source, problems)
            rows = [StoneRow(**_columns(stone), status="available", added_at=now, updated_at=now) for stone in stones]
            s.add_all(rows)
            s.flush()
            claim_in(s, INVENTORY_SET_UP, f"{now.isoformat()} from {source}")
            return [_record(row, now) for row in rows]

    def set_up(self) -> bool:
        """Whether stones ever came into this inventory (the sample or the store's own)."""
        with self.store._transaction() as s:
            return s.get(FactRow, INVENTORY_SET_UP) is not None or s.scalar(select(StoneRow.stock_number)
                                                                             .limit(1)) is not None

    def get(self, stock_number: str) -> StockStone:
        """The stone `stock_number`; InventoryError if there is none."""
        with self.store._transaction() as s:
            row = s.get(StoneRow, stock_number)
            if row is None:
                raise InventoryError(f"stone {stock_number}: not in the store's inventory")
            return _record(row, _now())

    def find(self, stock_number: str) -> StockStone | None:
        """The stone `stock_number`, or None."""
        with self.store._transaction() as s:
            row = s.get(StoneRow, stock_number)
            return None if row is None else _record(row, _now())

    def list(self, filters: Filters | None = None, limit: int = 5000) -> list[StockStone]:
        """Stones matching `filters`, by shape, then carat, then stock number."""
        filters = filters or Filters()
        now = _now()
        query = select(StoneRow).order_by(StoneRow.shape, StoneRow.carat, StoneRow.stock_number).limit(limit)
        for column, wanted in ((StoneRow.shape, filters.shapes), (StoneRow.material, filters.materials),
                               (StoneRow.color, filters.colors), (StoneRow.clarity, filters.clarities),
                               (StoneRow.cut_grade, filters.cut_grades),
                               (StoneRow.stock_number, filters.stock_numbers)):
            if wanted:
                query = query.where(column.in_(sorted(wanted)))
        if filters.carat_min is not None:
            query = query.where(StoneRow.carat >= filters.carat_min - 1e-9)
        if filters.carat_max is not None:
            query = query.where(StoneRow.carat <= filters.carat_max + 1e-9)
        if filters.status is Status.AVAILABLE:
            query = query.where(self._free(now))
        elif filters.status is Status.RESERVED:
            query = query.where(StoneRow.status == "reserved", StoneRow.reserved_until > now)
        elif filters.status is Status.SOLD:
            query = query.where(StoneRow.status == "sold")
        with self.store._transaction() as s:
            return [_record(row, now) for row in s.scalars(query)]

    def set(self, stock_number: str, **changes: Any) -> StockStone:
        """Change fields of a stone's record (validated as a whole; `price=None` prices it from the grid again) or
        its status: "available" releases it, "sold" sells it (reserved or not), "reserved" is `reserve`'s."""
        status = changes.pop("status", None)
        if "stock_number" in changes:
            raise InventoryError("stock_number: a stone keeps its number; add it again under the new one")
        unknown = [name for name in changes if name not in COLUMNS]
        if unknown:
            raise InventoryError(f"{unknown[0]}: no such field; the fields are: {', '.join(COLUMNS[1:])}")
        if status is not None and status not in ("available", "sold"):
            raise InventoryError(f"status: {status!r} cannot be set here; set available or sold (a reservation is "
                                 "made by saving a design)")
        now = _now()
        with self.store._transaction(write=True) as s:
            row = s.get(StoneRow, stock_number)
            if row is None:
                raise InventoryError(f"stone {stock_number}: not in the store's inventory")
            if changes:
                current = _record(row, now).stone.model_dump(mode="json")
                try:
                    stone = parse_stone({**current, **changes})
                except InventoryError as exc:
                    raise InventoryError(f"stone {stock_number}: {exc}") from None
                for name, value in _columns(stone).items():
                    setattr(row, name, value)
            if status == "available":
                row.status, row.reserved_for, row.reserved_until, row.sold_at = "available", None, None, None
            elif status == "sold":
                row.status, row.reserved_for, row.reserved_until, row.sold_at = "sold", None, None, now
            row.updated_at = now
            s.flush()
            return _record(row, now)

    def reserve(self, stock_number: str, design_id: int, until: datetime) -> StockStone:
        """Hold the stone for saved design `design_id` until `until`; StoneUnavailable (a StorageError) says why
        not when it is reserved for another design, sold, or not in the inventory."""
        now = _now()
        with self.store._transaction(write=True) as s:
            reserve_in(s, stock_number, design_id, until, now)
            return _record(s.get(StoneRow, stock_number), now)

    def release(self, stock_number: str, design_id: int | None = None) -> bool:
        """Make a reserved stone available again (only if it is held for `design_id`, when given)."""
        with self.store._transaction(write=True) as s:
            if design_id is not None:
                return release_in(s, design_id, stock_number) > 0
            result = s.execute(update(StoneRow)
                               .where(StoneRow.stock_number == stock_number, StoneRow.status == "reserved")
                               .values(status="available", reserved_for=None, reserved_until=None, updated_at=_now())
                               .execution_options(synchronize_session=False))
            return result.rowcount > 0

    def sell(self, stock_number: str) -> StockStone:
        """Mark the stone sold (available or reserved); InventoryError if it is not in the inventory or sold."""
        now = _now()
        with self.store._transaction(write=True) as s:
            result = s.execute(update(StoneRow)
                               .where(StoneRow.stock_number == stock_number, StoneRow.status != "sold")
                               .values(status="sold", reserved_for=None, reserved_until=None, sold_at=now,
                                       updated_at=now)
                               .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                row = s.get(StoneRow, stock_number)
                raise InventoryError(f"stone {stock_number}: " + ("not in the store's inventory" if row is None
                                                                  else "already sold"))
            return _record(s.get(StoneRow, stock_number), now)

    def expire(self, now: datetime | None = None) -> int:
        """Free every reservation whose time has run out; the count freed. (Reads already show them available;
        this tidies the rows.)"""
        now = now or _now()
        with self.store._transaction(write=True) as s:
            result = s.execute(update(StoneRow)
                               .where(StoneRow.status == "reserved", StoneRow.reserved_until <= now)
                               .values(status="available", reserved_for=None, reserved_until=None, updated_at=now)
                               .execution_options(synchronize_session=False))
            return result.rowcount

    def remove(self, stock_numbers: Sequence[str]) -> int:
        """Take stones out of the inventory in one transaction: all of them, or (one reserved, sold or unknown) none.
        A reserved stone is a promise and a sold one a record: neither is removed."""
        numbers = list(dict.fromkeys(stock_numbers))
        with self.store._transaction(write=True) as s:
            rows = {row.stock_number: row for row in s.scalars(select(StoneRow)
                                                               .where(StoneRow.stock_number.in_(numbers)))}
            now = _now()
            for number in numbers:
                row = rows.get(number)
                if row is None:
                    raise InventoryError(f"stone {number}: not in the store's inventory; nothing removed")
                status = _record(row, now).status
                if status is Status.SOLD:
                    raise InventoryError(f"stone {number}: sold, and a sale's record stays; nothing removed")
                if status is Status.RESERVED:
                    raise InventoryError(f"stone {number}: reserved for saved design #{row.reserved_for} (release it "
                                         "first: `stones set NUMBER status=available`); nothing removed")
            result = s.execute(delete(StoneRow).where(StoneRow.stock_number.in_(numbers), self._free(now))
                               .execution_options(synchronize_session=False))
            if result.rowcount != len(numbers):  # reserved meanwhile: the transaction is undone
                raise InventoryError("stones: one was reserved meanwhile; nothing removed")
            return result.rowcount

    def stamp(self) -> str:
        """Changes whenever any stone's record or status changes: a cache key for anything shown from the
        inventory."""
        with self.store._transaction() as s:
            count, latest = s.execute(select(func.count(), func.max(StoneRow.updated_at))).one()
        return f"{count}@{latest}"


@dataclass(frozen=True)
class PricedStone:
    """A stone with the price it is sold at: its own, or the grid's at its certified carat and grades."""

    record: StockStone
    price: float
    from_grid: bool


def stone_price(stone: LooseStone, table: PriceTable) -> tuple[float, bool]:
    """What the stone costs in a quote: the store's own price, or the grid's at its certified carat and grades (and
    whether it came from the grid)."""
    return stone.priced(table)


def priced_stones(records: Iterable[StockStone], table: PriceTable, price_min: float | None = None,
                  price_max: float | None = None) -> list[PricedStone]:
    """`records` with their prices, those outside `price_min`..`price_max` left out."""
    rows = []
    for record in records:
        amount, from_grid = stone_price(record.stone, table)
        if (price_min is None or amount >= price_min - 1e-9) and (price_max is None or amount <= price_max + 1e-9):
            rows.append(PricedStone(record, amount, from_grid))
    return rows


def grades_between(scale: Sequence[str], low: str, high: str) -> frozenset[str]:
    """The grades of `scale` from `low` to `high` inclusive, either way round (D-G, SI1-VS1)."""
    try:
        first, last = sorted((scale.index(low), scale.index(high)))
    except ValueError:
        raise InventoryError(f"{low}-{high}: grades of {', '.join(scale)}") from None
    return frozenset(scale[first:last + 1])


def grade_set(text: str) -> frozenset[str]:
    """A CLI's grades: "G", "G,H,I", "D-G", "VS1-SI1", "eye-clean" (any case for diamond grades)."""
    chosen: set[str] = set()
    for part in (part.strip() for part in text.split(",")):
        if not part:
            continue
        upper = part.upper()
        for scale in (DIAMOND_COLORS, DIAMOND_CLARITIES):
            low, sep, high = upper.partition("-")
            if sep and low in scale and high in scale:
                chosen |= grades_between(scale, low, high)
                break
        else:
            chosen.add(upper if upper in DIAMOND_COLORS or upper in DIAMOND_CLARITIES else part.lower()
                       if part.lower() in STONE_CLARITIES else part)
    return frozenset(chosen)


# --- a design's stone from the inventory ----------------------------------------------------------------------------


def with_stock_stone(design: Design, stone: LooseStone) -> Design:
    """`design` with `stone` as its centre stone: its shape, cut, material, measured size, grades and stock number
    (the setting and everything else kept; side stones keep their share of the centre's length, as when a client
    resizes the centre); DesignError naming the field when the piece cannot take it."""
    doc = design.to_dict()
    doc["stone"] = stone.design_stone().model_dump(mode="json", exclude_none=True)
    doc["schema_version"] = 2
    if design.stone is not None and isinstance(doc.get("side_stones"), dict):
        follow_centre(doc["side_stones"]["stone"], design.stone.length_mm, stone.length_mm)
    return parse_design(doc)


STONE_FIELDS = ("shape", "cut", "material", "length_mm", "width_mm", "depth_mm", "color", "clarity")


def _as_written(stone: Stone, field: str) -> str:
    value = getattr(stone, field)
    if value is None:
        return "not given"
    if isinstance(value, float):
        return f"{value:g} mm"
    return str(value)


def record_differences(stone: Stone, record: LooseStone) -> list[str]:
    """How a design's stone differs from the record of the store's stone it names, in words ("9 mm long where the
    stone measures 4.48 mm", "colour D where the stone is J"); empty when it is the stone."""
    recorded = record.design_stone()
    words = {"shape": "shape", "cut": "cut", "material": "material", "length_mm": "length", "width_mm": "width",
             "depth_mm": "depth", "color": "colour", "clarity": "clarity"}
    return [f"{words[field]} {_as_written(stone, field)} where the stone's is {_as_written(recorded, field)}"
            for field in STONE_FIELDS if getattr(stone, field) != getattr(recorded, field)]


@dataclass(frozen=True)
class Recorded:
    """A design brought to the record of its store's stone: the design as it is built, checked, quoted and saved,
    the record (None for a design without a stone of the store's) and what the document said otherwise, in words."""

    design: Design
    record: LooseStone | None = None
    corrected: tuple[str, ...] = ()

    @property
    def note(self) -> str | None:
        """One line for a person when the document had to be brought to the record, else None."""
        if not self.corrected:
            return None
        stone = self.record
        return (f"Our stone {stone.stock_number} is a {stone.carat:.2f} ct {stone.shape.value} "
                f"{_gem_name(stone.material)} {stone.color} {stone.clarity}, {stone.measurements}, and the design "
                f"is made, checked and priced with it as recorded (the design said {'; '.join(self.corrected)})")


def _gem_name(material: str) -> str:
    return catalogue.gemstone(material).name


def as_recorded(design: Design, record: LooseStone) -> Recorded:
    """`design`, whose centre stone names `record`, brought to it: its measured size and grades (a document, a link or
    a file saying otherwise is corrected, never believed), with what the document said otherwise. DesignError naming
    `stone.stock_number` when the piece cannot take the stone as it really is."""
    differences = record_differences(design.stone, record)
    if not differences:
        return Recorded(design, record)
    try:
        corrected = with_stock_stone(design, record)
    except DesignError as exc:
        raise DesignError(f"stone.stock_number: our stone {record.stock_number} is {record.described}, which this "
                          f"piece cannot take as it is ({exc})") from None
    return Recorded(corrected, record, tuple(differences))


def to_record(design: Design, inventory: Inventory | None = None) -> Recorded:
    """`design` with its centre stone of the store's brought to that stone's record in `inventory` (the one in force
    by default): `as_recorded`. InventoryError naming `stone.stock_number` when the inventory has no such stone."""
    stone = design.stone
    if stone is None or stone.stock_number is None:
        return Recorded(design)
    found = (inventory or default_inventory()).find(stone.stock_number)
    if found is None:
        raise InventoryError(f"stone.stock_number: {stone.stock_number} is not in the store's inventory "
                             "(choose another stone)")
    return as_recorded(design, found.stone)


def without_stock_number(doc: dict[str, Any]) -> dict[str, Any]:
    """A design document whose centre stone is no longer the store's stone (its size or grades changed)."""
    if isinstance(doc.get("stone"), dict) and "stock_number" in doc["stone"]:
        doc = {**doc, "stone": {key: value for key, value in doc["stone"].items() if key != "stock_number"}}
    return doc


SAMPLE_CSV = Path(__file__).resolve().parent.parent / "assets" / "sample-stones.csv"


def open_store_with_sample() -> Store:
    """The store of the database in force. The embedded database (no DATABASE_URL) whose inventory was never set up
    is stocked with the sample inventory, so a demo shows a selection, whichever command or app opened the database
    first; CONFIGURATOR_SAMPLE_STONES=0 leaves it empty. A store's own database, and an inventory set up before
    (the sample, or a store's own stones imported, even if all were removed since), are never touched."""
    store = Store.open()
    if embedded_database() and os.environ.get("CONFIGURATOR_SAMPLE_STONES", "1").strip() != "0":
        inventory = Inventory(store)
        if not inventory.set_up():
            try:
                inventory.import_stones(read_csv(SAMPLE_CSV.read_bytes(), SAMPLE_CSV.name), SAMPLE_CSV.name)
            except RefusedFile:
                pass  # another process stocked it at the same moment
    return store


def default_inventory() -> Inventory:
    """The inventory of the database in force (`storage.database_url()`)."""
    return Inventory(shared_store())


def stock_for(design: Design, inventory: Inventory | None = None) -> LooseStone | None:
    """The record of the design's centre stone when it is one of the store's (None otherwise); InventoryError naming
    `stone.stock_number` when the inventory has no such stone."""
    if design.stone is None or design.stone.stock_number is None:
        return None
    record = (inventory or default_inventory()).find(design.stone.stock_number)
    if record is None:
        raise InventoryError(f"stone.stock_number: {design.stone.stock_number} is not in the store's inventory "
                             "(choose another stone)")
    refuse_unlike_record(design.stone, record.stone)
    return record.stone


def refuse_unlike_record(stone: Stone, record: LooseStone) -> None:
    """InventoryError naming `stone.stock_number` when a design's stone is not what its record says (a document
    not brought to its record by `to_record` is never priced, checked or saved as that stone)."""
    differences = record_differences(stone, record)
    if differences:
        raise InventoryError(f"stone.stock_number: the design's stone is not our stone {record.stock_number} as "
                             f"recorded ({'; '.join(differences)}); open it again to bring it to the record")


def _grade_step(scale: Sequence[str], one: str, other: str) -> int:
    if one in scale and other in scale:
        return abs(scale.index(one) - scale.index(other))
    return 0 if one == other else 3


def closeness(wanted: LooseStone | Stone, stone: LooseStone, carat: float) -> float:
    """How unlike `wanted` (which weighs `carat`) a stone is: 0 for a twin; a tenth of a carat, a colour or clarity
    grade, a cut grade (when both have one) each count 1; another shape 5, another material 20."""
    score = abs(stone.carat - carat) / 0.1
    wanted_cut = getattr(wanted, "cut_grade", None)
    if wanted_cut is not None and stone.cut_grade is not None:
        score += abs(CUT_GRADES.index(wanted_cut.value) - CUT_GRADES.index(stone.cut_grade.value))
    score += _grade_step(DIAMOND_COLORS, wanted.color or "", stone.color)
    score += _grade_step(DIAMOND_CLARITIES, wanted.clarity or "", stone.clarity)
    score += 0 if stone.shape is wanted.shape else 5
    score += 0 if stone.material == wanted.material else 20
    return score


def closest(wanted: LooseStone | Stone, carat: float, candidates: Iterable[StockStone], count: int = 3) -> list[
        StockStone]:
    """The `count` available stones most like `wanted` (its shape and material first, then carat and grades)."""
    number = getattr(wanted, "stock_number", None)
    pool = [record for record in candidates if record.available and record.stock_number != number]
    return sorted(pool, key=lambda record: (closeness(wanted, record.stone, carat), record.stock_number))[:count]
