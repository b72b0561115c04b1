"""The store's dated price table: metals by the fine gram, the diamond grid, coloured stones, labour and markups.

Read from `assets/prices.toml` with the diamond grid `diamond_prices.csv` and coloured stones `gem_prices.csv`; a
store's own table lives in `data/prices.toml` (or wherever CONFIGURATOR_PRICES points) and is edited through
`update_price_table`, which dates every edit. Every price is bounded: no infinity, no negative, no true for 1.

The files are a store's to edit by hand, so they are read as untrusted text (`reading`: a regular file within a size
bound, UTF-8) and validated row by row and cell by cell: a grid's columns are its own, every cell a known grade or
stone and a price above 0, no cell priced twice, the table not dated more than a year ahead. A refusal is one line
naming the file, the line as a spreadsheet numbers it (the header is line 1) and the column, with the cell's text
quoted and escaped. A table kept in the database is validated the same way when it is stored and when it is read.

The table in force (`current_price_table`) is read again whenever its files (or the database's newest edit) change;
a new table that is refused leaves the last good one of the same source in force in this process, and
`price_table_problem` says why, so the design page keeps quoting while staff see what to mend.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import random
import threading
import time
import tomllib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import catalogue, data_file
from .catalogue import ASSETS
from .design import DIAMOND_CLARITIES, DIAMOND_COLORS, STONE_CLARITIES, Stone
from .errors import CatalogueError, ConfiguratorError
from .files import write_atomically
from .reading import NumberError, file_label, one_line, quoted, read_decimal, read_text

PRICE_TABLE = ASSETS / "prices.toml"
STORE_PRICE_TABLE = ASSETS.parent / "data" / "prices.toml"


def store_price_table() -> Path:
    """The store's own table file: `prices.toml` in CONFIGURATOR_DATA_DIR when set (the tests' own folder), else
    `<repo>/data/prices.toml`."""
    return data_file("prices.toml", STORE_PRICE_TABLE)


GRID_COLORS = DIAMOND_COLORS[: DIAMOND_COLORS.index("K") + 1]  # D-K
GRID_CLARITIES = DIAMOND_CLARITIES[: DIAMOND_CLARITIES.index("I2") + 1]  # FL-I2
BELOW_GRID_COLOR_STEP = 0.85  # each colour grade below K
I3_FACTOR = 0.6  # I3 against I2
FINE_METALS = ("gold", "platinum", "palladium", "silver")

# Every figure of the table is a finite number within a stated bound (a price above it is a typing slip, such as
# 1e308, that would print a total of inf); true and false are not numbers. The CSV grids give numbers as text.
LABOUR_MAX = 100_000.0  # any one labour charge
METAL_GRAM_MAX = 10_000.0  # an alloy's or a fine metal's price per gram
DIAMOND_CARAT_MAX = 5_000_000.0  # per carat, the grid's largest stones
GEM_CARAT_MAX = 1_000_000.0
CARAT_BAND_MAX = 100.0
SIZE_EXPONENT_MAX = 2.0
# A table is dated the day its figures were set: a date further ahead than this is a typing slip (9999-12-31) that
# would sort it after every real edit.
DATE_AHEAD_DAYS = 366
MAX_TABLE_BYTES = 256 * 1024  # the TOML: about 3 KB
MAX_GRID_BYTES = 2 * 1024 * 1024  # a grid: the diamond grid of 10 bands is about 25 KB
DIAMOND_GRID = "diamond_prices.csv"
GEM_GRID = "gem_prices.csv"


def _number(value: Any) -> Any:
    """A number, or text that spells one (a CSV grid's cell, as `reading.read_decimal` reads it: "4100,50" too, never
    "1e3" or "nan"); never a boolean."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}")
    if isinstance(value, str):
        try:
            return read_decimal(value)
        except NumberError as exc:
            raise ValueError(str(exc)) from None
    return value


def _as_given(value: Any) -> str:
    """A cell's value as a message quotes it: the text as written, a number as a number."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return quoted(f"{value:g}")
    return quoted(value.strip() if isinstance(value, str) else value)


def _figure(high: float, words: str, low: float = 0.0, above: bool = True) -> BeforeValidator:
    """A grid's number: above `low` (or from it, `above=False`) up to `high`; refused as "'0' is not `words`"."""

    def read(value: Any) -> float:
        number = _number(value)
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ValueError(f"must be a number, not {type(number).__name__}")
        if not (math.isfinite(number) and (number > low if above else number >= low) and number <= high):
            raise ValueError(f"{_as_given(value)} is not {words}")
        return float(number)

    return BeforeValidator(read)


def _grade(scale: tuple[str, ...], words: str, upper: bool) -> BeforeValidator:
    """A grid's grade, as written in any case with spaces around; refused as "'XX' is not `words`"."""

    def read(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be text, not {type(value).__name__}")
        grade = value.strip().upper() if upper else value.strip().lower()
        if grade not in scale:
            raise ValueError(f"{_as_given(value)} is not {words}")
        return grade

    return BeforeValidator(read)


def _coloured_stone(value: Any) -> str:
    """A coloured stone of the catalogue (the diamond grid prices diamonds, natural and lab-grown)."""
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {type(value).__name__}")
    material = value.strip().lower()
    gem = catalogue.gemstones().get(material)
    if gem is None:
        names = [key for key, stone in catalogue.gemstones().items() if not stone.is_diamond]
        raise ValueError(f"{_as_given(value)} is not a coloured stone of the catalogue; choose one of: "
                         f"{', '.join(names)}")
    if gem.is_diamond:
        raise ValueError(f"{_as_given(value)} is priced by the diamond grid ({DIAMOND_GRID}), not among the "
                         "coloured stones")
    return material


def _bounded(high: float, low: float = 0.0, above: bool = False, default: Any = ...) -> Any:
    """A finite number from `low` (or above it) to `high`, naming the bound when refused."""
    limits = {"gt": low} if above else {"ge": low}
    return Field(default, le=high, allow_inf_nan=False, **limits)


Number = Annotated[float, BeforeValidator(_number)]
Price = _bounded(LABOUR_MAX)


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CentreSetting(Strict):
    prong: Number = Price
    bezel: Number = Price
    halo: Number = Price
    channel: Number = Price
    pave: Number = Price
    cathedral: Number = Price


class AccentSetting(Strict):
    halo: Number = Price
    channel: Number = Price
    pave: Number = Price
    # An eternity row's stones, each (a row in a channel takes `channel`). Tables written before eternity bands
    # lack the keys: they take the shipped table's figures.
    shared_prong: Number = _bounded(LABOUR_MAX, default=12.0)
    bezel: Number = _bounded(LABOUR_MAX, default=18.0)

    def row_rate(self, setting: str) -> float:
        """Setting one stone of an eternity row held by `setting` (shared-prong, channel, bezel)."""
        return float(getattr(self, setting.replace("-", "_")))


class Labour(Strict):
    casting: Number = Price
    finishing: Number = Price
    design: Number = Price
    engraving_per_character: Number = Price
    # Making a pendant's cable chain, per metre of chain (its metal is priced by weight). Tables written before
    # chains were priced lack the key: they take the shipped table's figure.
    chain_per_metre: Number = _bounded(LABOUR_MAX, default=40.0)
    # Milgrain, per millimetre of beaded edge: the cast beads are trued with a milgrain wheel run along the edge
    # after polishing, so the work goes by the length (the bead size changes the wheel, not the time). Tables
    # written before milgrain lack the key: they take the shipped table's figure.
    milgrain_per_mm: Number = _bounded(LABOUR_MAX, default=0.5)
    catalogue_casting: Number = Price
    catalogue_finishing: Number = Price
    setting: CentreSetting
    accent: AccentSetting


class DiamondCell(Strict):
    """One price of the diamond grid: per carat, for stones from `carat_from` (inclusive) to `carat_to` of one
    colour (D-K) and clarity (FL-I2)."""

    carat_from: Annotated[float, _figure(CARAT_BAND_MAX, f"a carat weight from 0 to {CARAT_BAND_MAX:g}",
                                         above=False)]
    carat_to: Annotated[float, _figure(CARAT_BAND_MAX, f"a carat weight above 0, up to {CARAT_BAND_MAX:g}")]
    color: Annotated[str, _grade(GRID_COLORS, "a diamond colour of the grid (D-K)", upper=True)]
    clarity: Annotated[str, _grade(GRID_CLARITIES, f"a diamond clarity of the grid ({', '.join(GRID_CLARITIES)})",
                                   upper=True)]
    per_carat: Annotated[float, _figure(DIAMOND_CARAT_MAX, "a price: diamonds are priced above 0, up to "
                                                           f"{DIAMOND_CARAT_MAX:,.0f} per carat")]

    @model_validator(mode="after")
    def _a_band(self) -> DiamondCell:
        if self.carat_to <= self.carat_from:
            raise ValueError(f"carat_to: {self.carat_to:g} ct is not above carat_from {self.carat_from:g} ct; a band "
                             "runs from its lower weight up to its upper")
        return self

    @property
    def key(self) -> tuple[float, float, str, str]:
        return self.carat_from, self.carat_to, self.color, self.clarity

    @property
    def described(self) -> str:
        return f"{self.carat_from:g}-{self.carat_to:g} ct {self.color} {self.clarity}"


class GemPrice(Strict):
    """A coloured stone's price per carat at 1 ct, by colour and quality; `size_exponent` says how it grows with the
    weight (price per carat = per_carat_at_1ct x carat ** size_exponent)."""

    material: Annotated[str, BeforeValidator(_coloured_stone)]
    color: Annotated[str, BeforeValidator(lambda value: value.strip().lower() if isinstance(value, str) else value)]
    clarity: Annotated[str, _grade(STONE_CLARITIES, "a coloured stone's clarity; choose one of: "
                                                    f"{', '.join(STONE_CLARITIES)}", upper=False)]
    per_carat_at_1ct: Annotated[float, _figure(GEM_CARAT_MAX, "a price: gems are priced above 0, up to "
                                                              f"{GEM_CARAT_MAX:,.0f} per carat at 1 ct")]
    size_exponent: Annotated[float, _figure(SIZE_EXPONENT_MAX, f"a size exponent from 0 to {SIZE_EXPONENT_MAX:g} "
                                                               "(how the price per carat grows with the weight)",
                                            above=False)]

    @model_validator(mode="after")
    def _its_colour(self) -> GemPrice:
        colors = catalogue.gemstone(self.material).colors
        if self.color not in colors:
            raise ValueError(f"color: {quoted(self.color)} is not a colour of {self.material}; choose one of: "
                             f"{', '.join(colors)}")
        return self

    @property
    def key(self) -> tuple[str, str, str]:
        return self.material, self.color, self.clarity

    @property
    def described(self) -> str:
        return f"{self.material} {self.color} {self.clarity}"


class PriceTable(Strict):
    """The store's prices on the day they were set."""

    date: dt.date
    currency: str = Field(pattern="^[A-Z]{3}$")
    markup: Number = _bounded(10.0, 1.0)
    catalogue_markup: Number = _bounded(10.0, 1.0)
    sprue_allowance: Number = _bounded(0.5)
    # The sprue and button of one casting, as a volume of metal so that each alloy weighs its own: the metal to melt is
    # the design's cast metal and this (PRODUCT.md, third wave). 1 cm3 (15.5 g of 18k yellow gold, 10.4 g of silver,
    # 20.7 g of platinum) is a small flask's button; tables written before the key take it.
    sprue_button_mm3: Number = _bounded(50000.0, default=1000.0)
    refining_rate: Number = _bounded(1.0)
    lab_diamond_share: Number = _bounded(1.0, above=True)
    # A client's metal worth more than the piece: the rest is returned to them, or bought at the refining rate.
    leftover_metal: Literal["return", "buy"] = "return"
    # How long a stone of the store's stays reserved for a design saved for a client (tables written before the
    # store's stones lack the key: a week).
    stone_hold_days: Number = _bounded(90.0, 1.0, default=7.0)
    # How long a client's own save holds a stone of the store's (she left a phone or e-mail; one stone at a time);
    # tables written before lack the key: a day.
    visitor_hold_hours: Number = _bounded(168.0, 1.0, default=24.0)
    melee_per_carat: Number = _bounded(GEM_CARAT_MAX, above=True)
    fine_metal_per_gram: dict[str, Number]
    metal_per_gram: dict[str, Number]
    labour: Labour
    diamonds: tuple[DiamondCell, ...]
    gems: tuple[GemPrice, ...]

    @field_validator("date")
    @classmethod
    def _not_ahead(cls, value: dt.date) -> dt.date:
        today = dt.date.today()
        if value > today + dt.timedelta(days=DATE_AHEAD_DAYS):
            raise ValueError(f"{value.isoformat()} is more than a year ahead (today is {today.isoformat()}); write the "
                             "day the figures were set")
        return value

    @model_validator(mode="after")
    def _complete(self) -> PriceTable:
        # A metal added to the catalogue after the store wrote its table is not priced yet: the table still quotes the
        # others, and a design in it is refused in words until staff price it (`per_gram`).
        _complete_prices("metal_per_gram", self.metal_per_gram, list(catalogue.metals()), every=False)
        _complete_prices("fine_metal_per_gram", self.fine_metal_per_gram, list(FINE_METALS))
        for kind, cells in (("diamonds", self.diamonds), ("gems", self.gems)):
            first: dict[tuple, int] = {}
            for row, cell in enumerate(cells, start=1):
                if cell.key in first:
                    raise ValueError(f"{kind}: {cell.described} is priced twice (rows {first[cell.key]} and {row}); "
                                     "keep one of them")
                first[cell.key] = row
        bands = sorted({(cell.carat_from, cell.carat_to) for cell in self.diamonds})
        if not bands or bands[0][0] != 0:
            raise ValueError("diamonds: the grid must start at 0 ct")
        for (low, high), (next_low, _) in zip(bands, bands[1:], strict=False):
            if high != next_low:
                raise ValueError(f"diamonds: carat bands must meet: {low}-{high} is followed by {next_low}")
        cells = {(cell.carat_from, cell.color, cell.clarity) for cell in self.diamonds}
        for low, high in bands:
            for color in GRID_COLORS:
                for clarity in GRID_CLARITIES:
                    if (low, color, clarity) not in cells:
                        raise ValueError(f"diamonds: no price for {low:g}-{high:g} ct {color} {clarity}; add it")
        gems = {(gem.material, gem.color, gem.clarity) for gem in self.gems}
        for material, gem in catalogue.gemstones().items():
            if gem.is_diamond:
                continue
            for color in gem.colors:
                for clarity in STONE_CLARITIES:
                    if (material, color, clarity) not in gems:
                        raise ValueError(f"gems: no price for {material} {color} {clarity}; add it")
        return self

    def per_gram(self, metal_id: str) -> float:
        """The store's price of a gram of `metal_id`. A metal the store has not priced yet (added to the catalogue
        after its table was written) is refused in words that say who prices it."""
        if metal_id not in self.metal_per_gram:
            raise CatalogueError(f"the store has not priced {catalogue.metal(metal_id).name} yet (its price per gram "
                                 "is set on the store's settings page)")
        return float(self.metal_per_gram[metal_id])

    def unpriced_metals(self) -> list[str]:
        """The catalogue's metals this table has no price for, in the catalogue's order."""
        return [metal_id for metal_id in catalogue.metals() if metal_id not in self.metal_per_gram]

    def diamond_per_carat(self, carat: float, color: str, clarity: str) -> float:
        """Natural diamond price per carat from the grid; grades below the grid are discounted from its edge."""
        factor = 1.0
        if color not in GRID_COLORS:
            factor *= BELOW_GRID_COLOR_STEP ** (DIAMOND_COLORS.index(color) - DIAMOND_COLORS.index("K"))
            color = "K"
        if clarity not in GRID_CLARITIES:
            factor *= I3_FACTOR
            clarity = "I2"
        for cell in self.diamonds:
            if cell.color == color and cell.clarity == clarity and cell.carat_from <= carat < cell.carat_to:
                return cell.per_carat * factor
        top = max((cell for cell in self.diamonds if cell.color == color and cell.clarity == clarity),
                  key=lambda cell: cell.carat_to)
        return top.per_carat * factor

    def gem_per_carat(self, material: str, color: str, clarity: str, carat: float) -> float:
        for gem in self.gems:
            if (gem.material, gem.color, gem.clarity) == (material, color, clarity):
                return gem.per_carat_at_1ct * max(carat, 0.01) ** gem.size_exponent
        raise CatalogueError(f"gems: no price for {material} {color} {clarity}")

    def stone_price(self, stone: Stone, carat: float) -> float:
        """What the store charges for this stone at this weight (the client's own stone costs nothing)."""
        if stone.client_supplied:
            return 0.0
        if stone.material == "diamond":
            return carat * self.diamond_per_carat(carat, stone.grade_color, stone.grade_clarity)
        if stone.material == "lab-diamond":
            return carat * self.diamond_per_carat(carat, stone.grade_color, stone.grade_clarity) * self.lab_diamond_share
        return carat * self.gem_per_carat(stone.material, stone.grade_color, stone.grade_clarity, carat)


def _complete_prices(kind: str, prices: dict[str, float], ids: list[str], every: bool = True) -> None:
    """Each price one of `ids`' and a number in range; `every`: each of `ids` priced (else at least one)."""
    missing = [item for item in ids if item not in prices]
    if (missing and every) or len(missing) == len(ids):
        raise ValueError(f"{kind}: no price for {', '.join(missing)}")
    for item, price in prices.items():
        if item not in ids:
            raise ValueError(f"{kind}.{file_label(item)}: not in the catalogue")
        if not (isinstance(price, int | float) and not isinstance(price, bool) and math.isfinite(price)
                and 0 < price <= METAL_GRAM_MAX):
            raise ValueError(f"{kind}.{item}: a price per gram is a number from 0 to {METAL_GRAM_MAX:,.0f} (0 "
                             f"itself excluded: metal is never free), not {_as_given(price)}")


GRIDS: dict[str, tuple[str, type[DiamondCell] | type[GemPrice]]] = {
    "diamonds": (DIAMOND_GRID, DiamondCell),
    "gems": (GEM_GRID, GemPrice),
}


def _cell_problem(exc: ValidationError) -> tuple[str, str]:
    """The column and the words of a row's first problem (a row's own check names its column first: "color: ...")."""
    error = exc.errors(include_url=False)[0]
    column = ".".join(str(part) for part in error["loc"])
    text = str(error["msg"]).removeprefix("Value error, ")
    if not column:
        named, sep, rest = text.partition(": ")
        if sep and named.isidentifier():
            column, text = named, rest
    if error["type"] == "missing":
        text = "required; this cell may not be empty"
    return column, text


def read_grid(path: Path, model: type[DiamondCell] | type[GemPrice]) -> tuple[Any, ...]:
    """The cells of a price grid file (CSV: a header naming the model's columns, in any order, then one cell a line),
    each validated as `model`; CatalogueError on the first problem, in one line naming the file, the line as a
    spreadsheet numbers it (the header is line 1) and the column: `diamond_prices.csv: line 14, column color:
    '<img src=x>' is not a diamond colour of the grid (D-K)`. Empty lines are skipped; a cell priced twice is
    refused naming both lines."""
    name = file_label(path.name)
    text = read_text(path, MAX_GRID_BYTES, what="a price grid (CSV)", error=CatalogueError)
    columns = tuple(model.model_fields)
    reader = csv.reader(io.StringIO(text, newline=""))
    cells: list[Any] = []
    first: dict[tuple, int] = {}
    try:
        written = next(reader, None)
        if written is None:
            raise CatalogueError(f"{name}: empty; line 1 names the columns: {', '.join(columns)}")
        header = [cell.strip().lower() for cell in written]
        for cell, column in zip(written, header, strict=True):
            if column not in columns:
                raise CatalogueError(f"{name}: line 1, column {quoted(cell.strip())}: not a column of this grid; the "
                                     f"columns are: {', '.join(columns)}")
            if header.count(column) > 1:
                raise CatalogueError(f"{name}: line 1, column {column}: named twice")
        missing = [column for column in columns if column not in header]
        if missing:
            raise CatalogueError(f"{name}: line 1: no column {missing[0]}; the columns are: {', '.join(columns)}")
        line = reader.line_num + 1  # where the next row starts (a quoted cell may run over several lines)
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}: line {start}"
            if len(row) != len(header):
                raise CatalogueError(f"{where}: {len(row)} cells where the header has {len(header)}")
            try:
                cell = model.model_validate(dict(zip(header, row, strict=True)))
            except ValidationError as exc:
                column, words = _cell_problem(exc)
                raise CatalogueError(one_line(f"{where}, column {column}: {words}" if column else f"{where}: {words}")
                                     ) from None
            if cell.key in first:
                key_columns = ", ".join(columns[:4] if model is DiamondCell else columns[:3])
                raise CatalogueError(f"{where}, columns {key_columns}: {cell.described} is priced twice (line "
                                     f"{first[cell.key]} too); keep one of the two lines")
            first[cell.key] = start
            cells.append(cell)
    except csv.Error as exc:
        raise CatalogueError(f"{name}: line {reader.line_num}: not CSV ({one_line(str(exc), 80)})") from None
    return tuple(cells)


def _grid_file(table_path: Path, name: str) -> Path:
    """A grid beside the table if the store keeps its own, else the shipped one (anything there, even a folder or a
    file that cannot be read, is the store's: it is refused by name rather than passed over)."""
    beside = table_path.parent / name
    try:
        os.lstat(beside)
    except (FileNotFoundError, NotADirectoryError):
        return ASSETS / name
    except (OSError, ValueError):
        return beside
    return beside


def _location(part: Any) -> str:
    """One part of a field's place: a row counted from 1, a key as written (escaped and quoted when unusual)."""
    if isinstance(part, int):
        return f"row {part + 1}"
    return file_label(str(part)) if len(str(part)) <= 40 else quoted(part)


def _field_message(exc: ValidationError) -> str:
    """The first problem in one line: `markup: ...`, `diamonds row 14, color: '<img>' is not ...`."""
    error = exc.errors(include_url=False)[0]
    field, after_row = "", False
    for part in error["loc"]:
        joint = " " if isinstance(part, int) else ", " if after_row else "." if field else ""
        field, after_row = field + joint + _location(part), isinstance(part, int)
    text = str(error["msg"]).removeprefix("Value error, ")
    named, sep, rest = text.partition(": ")
    if sep and named.isidentifier() and field:  # a row's own check names its column: "color: ..."
        field, text = f"{field}, {named}", rest
    return one_line(f"{field}: {text}" if field else text)


def read_price_table(path: Path) -> dict[str, Any]:
    """The raw contents of a price table file (TOML), without its grids; CatalogueError naming the file when it
    cannot be read (not a regular file, over MAX_TABLE_BYTES, not UTF-8 text) or is not TOML."""
    text = read_text(path, MAX_TABLE_BYTES, what="a price table (TOML)", error=CatalogueError)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{file_label(Path(path).name)}: not valid TOML: {one_line(str(exc))}") from None
    except RecursionError:
        raise CatalogueError(f"{file_label(Path(path).name)}: not valid TOML: nested too deeply") from None


def parse_price_table(data: dict[str, Any], path: Path = PRICE_TABLE) -> PriceTable:
    """Validate a price table's contents with the grids that go with it (read from the files beside `path`, else the
    shipped ones, unless `data` carries them); raises CatalogueError naming the file and the field, or the grid's
    file, line and column."""
    data = dict(data)
    read_from: dict[str, Path] = {}
    for key, (grid, model) in GRIDS.items():
        if key not in data:
            read_from[key] = _grid_file(Path(path), grid)
            data[key] = read_grid(read_from[key], model)
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        message = _field_message(exc)
        grid = next((source for key, source in read_from.items() if message.startswith(f"{key}: ")), None)
        raise CatalogueError(f"{file_label((grid or Path(path)).name)}: {message}") from None


def load_price_table(path: Path = PRICE_TABLE) -> PriceTable:
    """Read and validate a price table; raises CatalogueError naming the file and the field."""
    return parse_price_table(read_price_table(path), path)


def price_table_path() -> Path:
    """The table file in force: CONFIGURATOR_PRICES, else the store's data/prices.toml, else the shipped one."""
    chosen = os.environ.get("CONFIGURATOR_PRICES")
    if chosen:
        return Path(chosen)
    return store_price_table() if store_price_table().exists() else PRICE_TABLE


def prices_database() -> str | None:
    """The database that keeps the price table, or None for the file: a database is configured (DATABASE_URL) and no
    file is named by CONFIGURATOR_PRICES (a named file wins: a store may keep its prices apart)."""
    if os.environ.get("CONFIGURATOR_PRICES"):
        return None
    from .storage import database_url  # the database (sqlalchemy): only where one keeps the table

    return database_url() if os.environ.get("DATABASE_URL", "").strip() else None


@dataclass
class _Source:
    """What this process knows of one source of the table (a file path, a database URL)."""

    stamp: str = ""  # the files' (or the newest edit's) stamp when last read
    table: PriceTable | None = None  # the last good table read from it
    problem: str | None = None  # why the last read was refused; None when it was good


MAX_SOURCES = 8  # sources remembered (a process has one; tests name many)
_sources: OrderedDict[str, _Source] = OrderedDict()
_sources_lock = threading.Lock()


def _in_force(source: str, stamp: str, load: Callable[[], PriceTable]) -> tuple[PriceTable | None, str | None]:
    """The table of `source` as of `stamp` (read by `load` when the stamp is new) and why its newest state was
    refused: a refused state leaves the last good table of the same source in force."""
    with _sources_lock:
        known = _sources.get(source)
        if known is not None and known.stamp == stamp:
            return known.table, known.problem
    table: PriceTable | None = None
    problem: str | None = None
    try:
        table = load()
    except ConfiguratorError as exc:
        problem = one_line(str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure to read the store's files is a refusal, never a crash
        problem = one_line(f"{source}: could not be read ({type(exc).__name__}: {exc})")
    with _sources_lock:
        known = _sources.setdefault(source, _Source())
        _sources.move_to_end(source)
        known.stamp, known.problem = stamp, problem
        if table is not None:
            known.table = table
        while len(_sources) > MAX_SOURCES:
            _sources.popitem(last=False)
        return known.table, known.problem


def _file_stamp(path: Path) -> str:
    """Changes whenever the table file or a grid it is read with is written, replaced, removed or put back."""
    parts = []
    for file in (path, _grid_file(path, DIAMOND_GRID), _grid_file(path, GEM_GRID)):
        try:
            info = os.stat(file)
        except (OSError, ValueError) as exc:
            parts.append(f"{file}!{type(exc).__name__}")
        else:
            parts.append(f"{file}@{info.st_mtime_ns}:{info.st_size}:{info.st_ino}")
    return "|".join(parts)


def _table_of(table_json: str, edit: int) -> PriceTable:
    try:
        return PriceTable.model_validate_json(table_json)
    except ValidationError as exc:
        raise CatalogueError(f"price table (database edit #{edit}): {_field_message(exc)}; make a good table the "
                             "newest with `prices --import FILE`") from None


def _stored_table(store: Any) -> PriceTable:
    newest = store.latest_prices()
    if newest is None:
        raise CatalogueError("price table: the database has none; import one with `prices --import FILE`")
    return _table_of(newest[1], newest[0])


def _database_state(url: str) -> tuple[int | None, PriceTable | None, str | None]:
    """The newest edit's id in the database, the table in force from it and why the newest was refused; an empty
    database first takes the file in force."""
    from .storage import shared_store

    store = shared_store(url)
    edit = store.latest_prices_id()
    if edit is None:
        try:
            import_price_table(price_table_path(), url=url)
        except CatalogueError as exc:
            return None, None, one_line(str(exc))
        edit = store.latest_prices_id()
    table, problem = _in_force(url, f"database#{edit}", lambda: _stored_table(store))
    return edit, table, problem


def _database_table(url: str) -> tuple[int, PriceTable]:
    """The newest edit's id and the table in force (the last good one when the newest is refused)."""
    edit, table, problem = _database_state(url)
    if table is None or edit is None:
        raise CatalogueError(problem or "price table: none in the database")
    return edit, table


def _state() -> tuple[PriceTable | None, str | None]:
    url = prices_database()
    if url is not None:
        return _database_state(url)[1:]
    path = price_table_path()
    return _in_force(str(path), _file_stamp(path), lambda: load_price_table(path))


def current_price_table() -> PriceTable:
    """The table in force, re-read whenever it changes (a store's edit shows on the next quote): the database's
    newest edit when a database keeps it (`prices_database`), else the file's, re-read when the file or a grid
    beside it changes. A new table that is refused leaves the last good one of the same source in force in this
    process (`price_table_problem` says why); with no good table yet, CatalogueError in one line."""
    table, problem = _state()
    if table is None:
        raise CatalogueError(problem or "price table: none could be read")
    return table


def price_table_problem() -> str | None:
    """Why the newest price table (the file in force, or the database's newest edit) was refused, in one line, or
    None when it is in force. While there is one, quotes come from the last good table of the same source
    (`current_price_table().date` says which), and the staff should be told: "the price file was refused: <this>;
    quoting from the table of <date>"."""
    try:
        return _state()[1]
    except ConfiguratorError as exc:
        return one_line(str(exc))


def price_table_stamp() -> str:
    """Which table is in force and when it was last written: a cache key for anything priced."""
    url = prices_database()
    if url is not None:
        from .storage import shared_store

        return f"database#{shared_store(url).latest_prices_id()}"
    return _file_stamp(price_table_path())


def price_table_source() -> str:
    """Where the table in force lives, in words."""
    url = prices_database()
    if url is not None:
        from .storage import shared_store

        return f"the database (edit #{shared_store(url).latest_prices_id()})"
    return str(price_table_path())


def price_table_version() -> str:
    """Which table quotes now, in a few words an order keeps beside its total: "database edit #12", or the file's name
    and when it was last written ("file prices.toml of 2026-11-25 10:42 UTC")."""
    url = prices_database()
    if url is not None:
        return f"database edit #{_database_table(url)[0]}"
    path = price_table_path()
    try:
        written = dt.datetime.fromtimestamp(os.stat(path).st_mtime, dt.UTC)
    except OSError:
        return f"file {path.name}"
    return f"file {path.name} of {written:%Y-%m-%d %H:%M} UTC"


def import_price_table(path: Path, *, url: str | None = None, change: str | None = None) -> PriceTable:
    """Validate the table file `path` (with the grids beside it) and make it the database's newest edit."""
    from .storage import shared_store

    url = url or prices_database()
    if url is None:
        raise CatalogueError("prices --import: no database keeps the price table (set DATABASE_URL, and leave "
                             "CONFIGURATOR_PRICES unset)")
    table = load_price_table(Path(path))
    shared_store(url).add_prices(table.date.isoformat(), change or f"imported from {file_label(Path(path).name)}",
                                 table.model_dump_json(), based_on=None)
    return table


def price_history(limit: int = 50) -> list:
    """The dated edits of the table the database keeps, newest first (`storage.PriceEdit`); [] for a file."""
    url = prices_database()
    if url is None:
        return []
    from .storage import shared_store

    _database_table(url)  # an empty database takes the file first
    return shared_store(url).price_history(limit)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump_price_table(data: dict[str, Any]) -> str:
    """TOML text of a price table's contents (scalars first, then tables, then nested tables)."""
    lines = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml_value(value)}")

    def tables(prefix: str, mapping: dict[str, Any]) -> None:
        scalars = {key: value for key, value in mapping.items() if not isinstance(value, dict)}
        lines.append("")
        lines.append(f"[{prefix}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in scalars.items())
        for key, value in mapping.items():
            if isinstance(value, dict):
                tables(f"{prefix}.{key}", value)

    for key, value in data.items():
        if isinstance(value, dict):
            tables(key, value)
    return "\n".join(lines) + "\n"


def update_price_table(changes: dict[str, Any], target: Path | None = None, today: dt.date | None = None) -> PriceTable:
    """Apply `changes` ({"markup": 2.1, "metal_per_gram.14k-yellow": 80.0}) to the table in force, validate the
    result, stamp it with today's date and write it atomically to `target` (the store's table), or, when a database
    keeps the table and no `target` is given, add it to the database as its newest edit (every server quotes from
    it at once). Nothing is written when the result is not valid: CatalogueError names the field."""
    url = prices_database() if target is None else None
    if url is not None:
        return _update_database_table(url, changes, today)
    source = price_table_path()
    data = read_price_table(source)
    _apply(data, changes)
    data["date"] = today or dt.date.today()
    target = Path(target) if target is not None else (
        Path(os.environ["CONFIGURATOR_PRICES"]) if os.environ.get("CONFIGURATOR_PRICES") else store_price_table()
    )
    table = parse_price_table(data, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically({target: dump_price_table(data).encode("utf-8")})
    return table


def _apply(data: dict[str, Any], changes: dict[str, Any]) -> None:
    for dotted, value in changes.items():
        keys = dotted.split(".")
        node = data
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                raise CatalogueError(f"{file_label(dotted)}: no such price table field")
            node = node[key]
        added = len(keys) == 1 and keys[0] in PriceTable.model_fields  # a field a table written before it lacks
        added |= keys[:-1] == ["metal_per_gram"] and keys[-1] in catalogue.metals()  # a metal new to the catalogue
        if (keys[-1] not in node and not added) or isinstance(node.get(keys[-1]), dict):
            raise CatalogueError(f"{file_label(dotted)}: no such price table field")
        node[keys[-1]] = value


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


EDIT_ATTEMPTS = 30  # edits landing in between, before one gives up (each retry waits a little longer, at random)


def _update_database_table(url: str, changes: dict[str, Any], today: dt.date | None) -> PriceTable:
    """The edit made from the database's newest table and appended after it; made again from the newer table when
    another server's edit lands in between (so neither edit is lost)."""
    from .storage import StaleEdit, shared_store

    for attempt in range(EDIT_ATTEMPTS):
        edit, current = _database_table(url)
        data = current.model_dump(mode="json")
        before = {dotted: _lookup(data, dotted) for dotted in changes}
        _apply(data, changes)
        data["date"] = (today or dt.date.today()).isoformat()
        try:
            table = PriceTable.model_validate(data)
        except ValidationError as exc:
            raise CatalogueError(f"price table: {_field_message(exc)}") from None
        words = ", ".join(f"{key} {value:g}" if isinstance(value, int | float) and not isinstance(value, bool)
                          else f"{key} {value}" for key, value in changes.items() if before[key] != value)
        words = one_line(words) or "dated again, no figure changed"
        try:
            shared_store(url).add_prices(table.date.isoformat(), words, table.model_dump_json(), based_on=edit)
            return table
        except StaleEdit:
            time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
    raise CatalogueError("price table: other edits kept landing first; try again")


# ------------------------------------------------------------------------------------------------- quotes


