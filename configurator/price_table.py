"""The store's dated price table: metals by the fine gram, the diamond grid, coloured stones, labour and markups.

Read from `assets/prices.toml` with the diamond grid `diamond_prices.csv` and coloured stones `gem_prices.csv`; a
store's own table lives in `data/prices.toml` (or wherever CONFIGURATOR_PRICES points) and is edited through
`update_price_table`, which dates every edit. Every price is bounded: no infinity, no negative, no true for 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import threading
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from . import catalogue
from .catalogue import ASSETS
from .design import DIAMOND_CLARITIES, DIAMOND_COLORS, STONE_CLARITIES, Stone
from .errors import CatalogueError

if TYPE_CHECKING:
    pass

PRICE_TABLE = ASSETS / "prices.toml"
STORE_PRICE_TABLE = ASSETS.parent / "data" / "prices.toml"
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


def _number(value: Any) -> Any:
    """A number, or text that spells one (the CSV grids); never a boolean."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}")
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"must be a number, not {value[:20]!r}") from None
    return value


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
    carat_from: Number = _bounded(CARAT_BAND_MAX)
    carat_to: Number = _bounded(CARAT_BAND_MAX, above=True)
    color: str
    clarity: str
    per_carat: Number = _bounded(DIAMOND_CARAT_MAX)


class GemPrice(Strict):
    material: str
    color: str
    clarity: str
    per_carat_at_1ct: Number = _bounded(GEM_CARAT_MAX)
    size_exponent: Number = Field(ge=0, le=2, allow_inf_nan=False)


class PriceTable(Strict):
    """The store's prices on the day they were set."""

    date: dt.date
    currency: str = Field(pattern="^[A-Z]{3}$")
    markup: Number = _bounded(10.0, 1.0)
    catalogue_markup: Number = _bounded(10.0, 1.0)
    sprue_allowance: Number = _bounded(0.5)
    refining_rate: Number = _bounded(1.0)
    lab_diamond_share: Number = _bounded(1.0, above=True)
    # A client's metal worth more than the piece: the rest is returned to them, or bought at the refining rate.
    leftover_metal: Literal["return", "buy"] = "return"
    # How long a stone of the store's stays reserved for a design saved for a client (tables written before the
    # store's stones lack the key: a week).
    stone_hold_days: Number = _bounded(90.0, 1.0, default=7.0)
    melee_per_carat: Number = _bounded(GEM_CARAT_MAX)
    fine_metal_per_gram: dict[str, Number]
    metal_per_gram: dict[str, Number]
    labour: Labour
    diamonds: tuple[DiamondCell, ...]
    gems: tuple[GemPrice, ...]

    @model_validator(mode="after")
    def _complete(self) -> PriceTable:
        _complete_prices("metal_per_gram", self.metal_per_gram, list(catalogue.metals()))
        _complete_prices("fine_metal_per_gram", self.fine_metal_per_gram, list(FINE_METALS))
        bands = sorted({(cell.carat_from, cell.carat_to) for cell in self.diamonds})
        if not bands or bands[0][0] != 0:
            raise ValueError("diamonds: the grid must start at 0 ct")
        for (low, high), (next_low, _) in zip(bands, bands[1:], strict=False):
            if high != next_low:
                raise ValueError(f"diamonds: carat bands must meet: {low}-{high} is followed by {next_low}")
        cells = {(cell.carat_from, cell.color, cell.clarity) for cell in self.diamonds}
        for low, _ in bands:
            for color in GRID_COLORS:
                for clarity in GRID_CLARITIES:
                    if (low, color, clarity) not in cells:
                        raise ValueError(f"diamonds: no price for {low:g} ct {color} {clarity}")
        gems = {(gem.material, gem.color, gem.clarity) for gem in self.gems}
        for material, gem in catalogue.gemstones().items():
            if gem.is_diamond:
                continue
            for color in gem.colors:
                for clarity in STONE_CLARITIES:
                    if (material, color, clarity) not in gems:
                        raise ValueError(f"gems: no price for {material} {color} {clarity}")
        return self

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


def _complete_prices(kind: str, prices: dict[str, float], ids: list[str]) -> None:
    missing = [item for item in ids if item not in prices]
    if missing:
        raise ValueError(f"{kind}: no price for {', '.join(missing)}")
    for item, price in prices.items():
        if item not in ids:
            raise ValueError(f"{kind}.{item}: not in the catalogue")
        if not (isinstance(price, int | float) and not isinstance(price, bool) and math.isfinite(price)
                and 0 <= price <= METAL_GRAM_MAX):
            raise ValueError(f"{kind}.{item}: a price per gram is a number from 0 to {METAL_GRAM_MAX:,.0f}, "
                             f"not {price!r}")


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None


def _grid_file(table_path: Path, name: str) -> Path:
    """A grid beside the table if the store keeps its own, else the shipped one."""
    beside = table_path.parent / name
    return beside if beside.exists() else ASSETS / name


def _field_message(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in error["loc"])
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {text}" if field else text


def read_price_table(path: Path) -> dict[str, Any]:
    """The raw contents of a price table file (TOML), without its grids."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{Path(path).name}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"{Path(path).name}: not UTF-8 text") from None


def parse_price_table(data: dict[str, Any], path: Path = PRICE_TABLE) -> PriceTable:
    """Validate a price table's contents with the grids that go with it; raises CatalogueError naming the field."""
    data = dict(data)
    data.setdefault("diamonds", _read_rows(_grid_file(Path(path), "diamond_prices.csv")))
    data.setdefault("gems", _read_rows(_grid_file(Path(path), "gem_prices.csv")))
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(f"{Path(path).name}: {_field_message(exc)}") from None


def load_price_table(path: Path = PRICE_TABLE) -> PriceTable:
    """Read and validate a price table; raises CatalogueError naming the file and the field."""
    return parse_price_table(read_price_table(path), path)


def price_table_path() -> Path:
    """The table file in force: CONFIGURATOR_PRICES, else the store's data/prices.toml, else the shipped one."""
    chosen = os.environ.get("CONFIGURATOR_PRICES")
    if chosen:
        return Path(chosen)
    return STORE_PRICE_TABLE if STORE_PRICE_TABLE.exists() else PRICE_TABLE


def prices_database() -> str | None:
    """The database that keeps the price table, or None for the file: a database is configured (DATABASE_URL) and no
    file is named by CONFIGURATOR_PRICES (a named file wins: a store may keep its prices apart)."""
    if os.environ.get("CONFIGURATOR_PRICES"):
        return None
    from .storage import database_url

    return database_url() if os.environ.get("DATABASE_URL", "").strip() else None


_loaded: dict[tuple[str, int], PriceTable] = {}
_loaded_lock = threading.Lock()


def _remember(key: tuple[str, int], load) -> PriceTable:
    with _loaded_lock:
        if key in _loaded:
            return _loaded[key]
    table = load()
    with _loaded_lock:
        _loaded.clear()
        _loaded[key] = table
    return table


def _table_of(table_json: str, edit: int) -> PriceTable:
    try:
        return PriceTable.model_validate_json(table_json)
    except ValidationError as exc:
        raise CatalogueError(f"price table (database edit #{edit}): {_field_message(exc)}") from None


def _database_table(url: str) -> tuple[int, PriceTable]:
    """The newest table in the database (its edit id and table); an empty database first takes the file in force."""
    from .storage import shared_store

    store = shared_store(url)
    edit = store.latest_prices_id()
    if edit is None:
        import_price_table(price_table_path(), url=url)
        edit = store.latest_prices_id()
    return edit, _remember((url, edit), lambda: _table_of(store.latest_prices()[1], edit))


def current_price_table() -> PriceTable:
    """The table in force, re-read whenever it changes (a store's edit shows on the next quote): the database's
    newest edit when a database keeps it (`prices_database`), else the file's, re-read when the file changes."""
    url = prices_database()
    if url is not None:
        return _database_table(url)[1]
    path = price_table_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    return _remember((str(path), stamp), lambda: load_price_table(path))


def price_table_stamp() -> str:
    """Which table is in force and when it was last written: a cache key for anything priced."""
    url = prices_database()
    if url is not None:
        from .storage import shared_store

        return f"database#{shared_store(url).latest_prices_id()}"
    path = price_table_path()
    try:
        return f"{path}@{path.stat().st_mtime_ns}"
    except OSError:
        return str(path)


def price_table_source() -> str:
    """Where the table in force lives, in words."""
    url = prices_database()
    if url is not None:
        from .storage import shared_store

        return f"the database (edit #{shared_store(url).latest_prices_id()})"
    return str(price_table_path())


def import_price_table(path: Path, *, url: str | None = None, change: str | None = None) -> PriceTable:
    """Validate the table file `path` (with the grids beside it) and make it the database's newest edit."""
    from .storage import shared_store

    url = url or prices_database()
    if url is None:
        raise CatalogueError("prices --import: no database keeps the price table (set DATABASE_URL, and leave "
                             "CONFIGURATOR_PRICES unset)")
    table = load_price_table(Path(path))
    shared_store(url).add_prices(table.date.isoformat(), change or f"imported from {Path(path).name}",
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
    from .files import write_atomically

    url = prices_database() if target is None else None
    if url is not None:
        return _update_database_table(url, changes, today)
    source = price_table_path()
    data = read_price_table(source)
    _apply(data, changes)
    data["date"] = today or dt.date.today()
    target = Path(target) if target is not None else (
        Path(os.environ["CONFIGURATOR_PRICES"]) if os.environ.get("CONFIGURATOR_PRICES") else STORE_PRICE_TABLE
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
                raise CatalogueError(f"{dotted}: no such price table field")
            node = node[key]
        added = len(keys) == 1 and keys[0] in PriceTable.model_fields  # a field a table written before it lacks
        if (keys[-1] not in node and not added) or isinstance(node.get(keys[-1]), dict):
            raise CatalogueError(f"{dotted}: no such price table field")
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
        words = words or "dated again, no figure changed"
        try:
            shared_store(url).add_prices(table.date.isoformat(), words, table.model_dump_json(), based_on=edit)
            return table
        except StaleEdit:
            import random
            import time

            time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
    raise CatalogueError("price table: other edits kept landing first; try again")


# ------------------------------------------------------------------------------------------------- quotes


