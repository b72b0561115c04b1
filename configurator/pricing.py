"""Prices: the store's dated price table, and quotes as tables of lines that add up to the total.

total = (metal + sprue allowance + stones + labour) x markup - credit for the client's own metal, each line
rounded to the cent and the total their sum (PRODUCT.md's pricing model). Prices come from `assets/prices.toml`
with the diamond grid `diamond_prices.csv` and coloured stones `gem_prices.csv`; a store's own table lives in
`data/prices.toml` (or wherever CONFIGURATOR_PRICES points) and is edited through `update_price_table`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from . import catalogue
from .catalogue import ASSETS
from .design import DIAMOND_CLARITIES, DIAMOND_COLORS, STONE_CLARITIES, Design, Stone
from .errors import CatalogueError
from .stones import StoneWeight, trade_carat

if TYPE_CHECKING:
    import pandas as pd

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


class Labour(Strict):
    casting: Number = Price
    finishing: Number = Price
    design: Number = Price
    engraving_per_character: Number = Price
    # Making a pendant's cable chain, per metre of chain (its metal is priced by weight). Tables written before
    # chains were priced lack the key: they take the shipped table's figure.
    chain_per_metre: Number = _bounded(LABOUR_MAX, default=40.0)
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
    """The table in force: CONFIGURATOR_PRICES, else the store's data/prices.toml, else the shipped one."""
    chosen = os.environ.get("CONFIGURATOR_PRICES")
    if chosen:
        return Path(chosen)
    return STORE_PRICE_TABLE if STORE_PRICE_TABLE.exists() else PRICE_TABLE


_loaded: dict[tuple[str, int], PriceTable] = {}


def current_price_table() -> PriceTable:
    """The table in force, re-read whenever its file changes (a store's edit shows on the next quote)."""
    path = price_table_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    key = (str(path), stamp)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = load_price_table(path)
    return _loaded[key]


def price_table_stamp() -> str:
    """Which table is in force and when it was last written: a cache key for anything priced."""
    path = price_table_path()
    try:
        return f"{path}@{path.stat().st_mtime_ns}"
    except OSError:
        return str(path)


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
    result, stamp it with today's date and write it atomically to `target` (the store's table). Nothing is
    written when the result is not valid: CatalogueError names the field."""
    from .export import write_atomically

    source = price_table_path()
    data = read_price_table(source)
    for dotted, value in changes.items():
        keys = dotted.split(".")
        node = data
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                raise CatalogueError(f"{dotted}: no such price table field")
            node = node[key]
        if keys[-1] not in node or isinstance(node[keys[-1]], dict):
            raise CatalogueError(f"{dotted}: no such price table field")
        node[keys[-1]] = value
    data["date"] = today or dt.date.today()
    target = Path(target) if target is not None else (
        Path(os.environ["CONFIGURATOR_PRICES"]) if os.environ.get("CONFIGURATOR_PRICES") else STORE_PRICE_TABLE
    )
    table = parse_price_table(data, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically({target: dump_price_table(data).encode("utf-8")})
    return table


# ------------------------------------------------------------------------------------------------- quotes


# The lines a client reads: store lines of a kind fold into one client line (the markup into workmanship).
CLIENT_GROUPS = {"metal": "metal", "stone": "stone", "chain": "chain", "labour": "workmanship",
                 "markup": "workmanship", "engraving": "engraving", "credit": "credit"}


class Line(NamedTuple):
    """One line of a quote: the store's wording, the amount (rounded to the cent), its kind and the client's line."""

    item: str
    amount: float
    kind: str
    client: str


@dataclass(frozen=True)
class Quote:
    """A priced design: its rows (item, amount, kind, client) sum to `total` to the cent.

    `kind` sorts a line for the store (metal, stone, chain, labour, engraving, markup, credit); `client` is the
    line it joins in the client's view, where the markup is part of the workmanship."""

    rows: tuple[Line, ...]
    currency: str
    table_date: dt.date
    metal_grams: float
    catalogue_total: float
    chain_grams: float = 0.0
    leftover_grams: float = 0.0  # of the client's own metal, beyond what the piece is worth

    @property
    def lines(self) -> pd.DataFrame:
        """The rows as a table (item, amount, kind, client), for the app's grid and the spec sheet."""
        import pandas as pd  # only where a table is shown: a quote on the command line needs none

        return pd.DataFrame(self.rows, columns=list(Line._fields))

    @property
    def total(self) -> float:
        return round(sum(row.amount for row in self.rows), 2)

    @property
    def credits(self) -> float:
        return round(sum(row.amount for row in self.rows if row.kind == "credit"), 2)

    def client_lines(self) -> list[dict]:
        """The lines a client reads (metal, stones, chain, workmanship, engraving, credits), in that order; they
        add up to the total to the cent."""
        grouped: dict[str, float] = {}
        kinds: dict[str, str] = {}
        for row in self.rows:
            grouped[row.client] = round(grouped.get(row.client, 0.0) + row.amount, 2)
            kinds[row.client] = CLIENT_GROUPS[row.kind]
        order = {"metal": 0, "stone": 1, "chain": 2, "workmanship": 3, "engraving": 4, "credit": 5}
        labels = sorted(grouped, key=lambda label: order[kinds[label]])
        return [{"item": label, "amount": grouped[label], "kind": kinds[label]} for label in labels]

    def to_dict(self) -> dict:
        before_credit = round(self.total - self.credits, 2)
        catalogue_net = max(0.0, round(self.catalogue_total + self.credits, 2))  # a credit pays for it at most
        return {
            "currency": self.currency,
            "table_date": self.table_date.isoformat(),
            "lines": [{"item": row.item, "amount": row.amount, "kind": row.kind} for row in self.rows],
            "client_lines": self.client_lines(),
            "total": self.total,
            "leftover_metal_grams": round(self.leftover_grams, 3),
            "catalogue": {
                "total": catalogue_net,  # what the client would pay for it, after the same credits
                "before_credits": self.catalogue_total,
                "custom_before_credits": before_credit,
                "difference": round(self.total - catalogue_net, 2),
            },
        }


def metal_grams(volume_mm3: float, metal_id: str) -> float:
    """Weight of `volume_mm3` of an alloy: volume (cm3) x density (g/cm3)."""
    return volume_mm3 / 1000.0 * catalogue.metal(metal_id).density_g_cm3


def stone_weights(design: Design) -> tuple[StoneWeight, ...]:
    """Stone weights by the trade formula, for a design whose geometry has not been built."""
    if design.stone is None:
        return ()
    return (StoneWeight("centre", design.stone.material, 1, trade_carat(design.stone)),)


@dataclass(frozen=True)
class Credit:
    """What a client's own metal is worth against the piece: its credit, and the grams left over."""

    lines: tuple[tuple[str, float, str], ...]  # (store item, amount, client item)
    used_grams: float
    leftover_grams: float


def heirloom_credit(design: Design, table: PriceTable, value: float) -> Credit | None:
    """The credit for the client's own metal (fine content x spot x refining rate), up to `value`, the piece's price
    before credits: the metal beyond that is returned to the client, or bought at the same rate on a line of its
    own when the store's table says `leftover_metal = "buy"`."""
    if design.heirloom is None:
        return None
    old = catalogue.metal(design.heirloom.metal)
    grams = design.heirloom.grams
    per_gram = old.purity * table.fine_metal_per_gram[old.element] * table.refining_rate  # of the client's alloy
    worth = grams * per_gram
    used = grams if worth <= value or per_gram == 0 else value / per_gram
    leftover = max(0.0, grams - used)
    spot = table.fine_metal_per_gram[old.element]
    rate = f"{table.refining_rate:.0%} of {spot:.2f}/g"
    lines = [(f"credit: client's {old.name}, {used:.2f} g ({used * old.purity:.2f} g fine {old.element}) at {rate}",
              -min(worth, value), f"Credit: your {old.name}, {used:.2f} g")]
    if leftover > 0.005:
        if table.leftover_metal == "buy":
            lines.append((f"bought: client's remaining {old.name}, {leftover:.2f} g at {rate}", -leftover * per_gram,
                          f"We buy your remaining {old.name}, {leftover:.2f} g"))
        else:
            lines.append((f"returned: client's remaining {old.name}, {leftover:.2f} g (more than the piece is worth)",
                          0.0, f"Returned to you: your remaining {old.name}, {leftover:.2f} g"))
    return Credit(tuple(lines), used, leftover)


def quote(
    design: Design,
    metal_volume_mm3: float,
    table: PriceTable | None = None,
    stones: tuple[StoneWeight, ...] | None = None,
    chain_volume_mm3: float | None = None,
) -> Quote:
    """Price `design` whose cast metal measures `metal_volume_mm3`, whose stones weigh `stones` and whose chain
    (a pendant's; by default a cable chain of its length) holds `chain_volume_mm3` of metal."""
    table = table or current_price_table()
    stones = stone_weights(design) if stones is None else stones
    metal = catalogue.metal(design.metal)
    grams = metal_grams(metal_volume_mm3, design.metal)
    per_gram = table.metal_per_gram[design.metal]
    style = design.effective_setting.style if design.stone is not None else None
    metal_client = f"Metal: {metal.name}, {grams:.2f} g"
    lines: list[tuple[str, float, str, str]] = [
        (f"metal: {metal.name}, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram, "metal", metal_client),
        (f"sprue allowance: {table.sprue_allowance:.0%} extra metal for casting",
         grams * table.sprue_allowance * per_gram, "metal", metal_client),
    ]
    setting_lines: list[tuple[str, float, str, str]] = []
    workmanship = "Workmanship: design, casting, finishing" + (" and setting" if stones else "")
    for weight in stones:
        name = catalogue.gemstone(weight.material).name
        if weight.role == "centre":
            stone = design.stone
            grade = f"{stone.grade_color} {stone.grade_clarity}"
            if stone.client_supplied:
                item = f"stone: client's own {stone.shape.value} {name}, {weight.carat:.2f} ct"
                lines.append((item, 0.0, "stone", f"Centre stone: your own {stone.shape.value} {name}, "
                              f"{weight.carat:.2f} ct"))
            else:
                lines.append((f"stone: {stone.shape.value} {name} {grade}, {weight.carat:.2f} ct",
                              table.stone_price(stone, weight.carat), "stone",
                              f"Centre stone: {stone.shape.value} {name} {grade}, {weight.carat:.2f} ct"))
            rate = getattr(table.labour.setting, style.value)
            setting_lines.append((f"labour: setting the centre stone ({style.value})", rate, "labour", workmanship))
        else:
            lines.append((f"accent stones: {weight.count} round {name}, {weight.carat:.2f} ct in all",
                          weight.carat * table.melee_per_carat, "stone",
                          f"Accent stones: {weight.count} round {name}, {weight.carat:.2f} ct in all"))
            rate = getattr(table.labour.accent, style.value, table.labour.accent.pave)
            setting_lines.append((f"labour: setting {weight.count} accent stones ({style.value})",
                                  rate * weight.count, "labour", workmanship))
    chain_grams = 0.0
    if design.pendant is not None:
        from .findings import chain_volume_mm3 as cable_volume

        length = design.pendant.chain.length_mm
        volume = cable_volume(length) if chain_volume_mm3 is None else chain_volume_mm3
        chain_grams = metal_grams(volume, design.metal)
        chain_client = f"Chain: cable, {length:.0f} mm, {chain_grams:.2f} g of {metal.name}"
        lines.append((f"chain: cable {length:.0f} mm, {chain_grams:.2f} g at {per_gram:.2f}/g",
                      chain_grams * per_gram, "chain", chain_client))
        lines.append((f"labour: chain, {length:.0f} mm at {table.labour.chain_per_metre:.2f}/m",
                      length / 1000.0 * table.labour.chain_per_metre, "chain", chain_client))
    materials = sum(amount for _, amount, _, _ in lines)
    lines.append(("labour: casting", table.labour.casting, "labour", workmanship))
    lines.append(("labour: finishing", table.labour.finishing, "labour", workmanship))
    lines.append(("labour: custom design", table.labour.design, "labour", workmanship))
    lines.extend(setting_lines)
    if design.engraving is not None:
        count = design.engraving.characters
        lines.append((f"labour: engraving {count} characters", count * table.labour.engraving_per_character,
                      "engraving", f"Engraving: {count} characters"))
    rounded = [(item, round(amount, 2), kind, client) for item, amount, kind, client in lines]
    subtotal = sum(amount for _, amount, _, _ in rounded)
    rounded.append((f"markup x{table.markup:g}", round(subtotal * (table.markup - 1), 2), "markup", workmanship))
    credit = heirloom_credit(design, table, value=sum(amount for _, amount, _, _ in rounded))
    if credit is not None:
        rounded += [(item, round(amount, 2), "credit", client) for item, amount, client in credit.lines]
    rows = tuple(Line(item, amount, kind, client) for item, amount, kind, client in rounded)
    setting_cost = sum(amount for _, amount, _, _ in setting_lines)
    catalogue_cost = materials + table.labour.catalogue_casting + table.labour.catalogue_finishing + setting_cost
    return Quote(rows, table.currency, table.date, grams, round(catalogue_cost * table.catalogue_markup, 2),
                 chain_grams, credit.leftover_grams if credit is not None else 0.0)
