"""Quotes: a design's metal, stones and labour priced by the table in force, as lines that add up to the total.

total = (metal + sprue allowance + stones + labour) x markup - credit for the client's own metal, each line
rounded to the cent and the total their sum (PRODUCT.md's pricing model). The table itself is `price_table`.

A ring with a matching band is priced as a set: the ring's lines (its markup among them), then the band's own (its
metal, casting, finishing, the contour's fitting and its markup), each ring adding up to its own subtotal, and the
client's metal credited against the set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from . import catalogue, words
from .bands import build_band
from .design import Design, Edges, SettingStyle, Stone
from .errors import CatalogueError
from .eternity import count_for
from .fittings import chain_volume_mm3 as cable_volume
from .milgrain import edge_length_mm
from .outlines import stone_outline
from .price_table import PriceTable, current_price_table
from .settings import BEZEL_WALL_MM
from .solids import EXPORT, PREVIEW, offset_outline
from .stones import StoneWeight, trade_carat
from .styles import style_of

if TYPE_CHECKING:
    import pandas as pd

    from .inventory import LooseStone


# The lines a client reads: store lines of a kind fold into one client line (the markup into workmanship).
CLIENT_GROUPS = {"metal": "metal", "stone": "stone", "chain": "chain", "labour": "workmanship",
                 "markup": "workmanship", "engraving": "engraving", "credit": "credit"}


SET_PARTS = ("ring", "band", "set")  # a set's lines: the ring's, the matching band's, and those of the set (credits)


class Line(NamedTuple):
    """One line of a quote: the store's wording, the amount (rounded to the cent), its kind and the client's line;
    in a set, which ring it belongs to (`part`: "ring", "band", or "set" for a credit against both)."""

    item: str
    amount: float
    kind: str
    client: str
    part: str = ""


class ClientLine(NamedTuple):
    """One line of the client's view: the wording, the amount and its kind (metal, stone, workmanship...); in a set,
    which ring it belongs to."""

    item: str
    amount: float
    kind: str
    part: str = ""

    def to_dict(self) -> dict:
        data = {"item": self.item, "amount": self.amount, "kind": self.kind}
        return {**data, "part": self.part} if self.part else data


class CatalogueComparison(NamedTuple):
    """The same metal and stones as a mass-produced catalogue piece, against this custom one."""

    total: float  # what the client would pay for it, after the same credits
    before_credits: float  # the catalogue piece's
    custom_before_credits: float  # this piece's
    difference: float  # what the custom work adds: this piece's total less the catalogue piece's


@dataclass(frozen=True)
class Quote:
    """A priced design: its rows (item, amount, kind, client) sum to `total` to the cent.

    `kind` sorts a line for the store (metal, stone, chain, labour, engraving, markup, credit); `client` is the
    line it joins in the client's view, where the markup is part of the workmanship. A ring with a matching band is
    a set: each row names its `part`, `subtotals` gives each ring's, and `total` is the set's."""

    rows: tuple[Line, ...]
    currency: str
    table_date: dt.date
    metal_grams: float  # the piece's own (a set's ring)
    catalogue_total: float
    chain_grams: float = 0.0
    leftover_grams: float = 0.0  # of the client's own metal, beyond what the piece is worth
    band_grams: float = 0.0  # a set's matching band

    @property
    def is_set(self) -> bool:
        """Whether this prices a ring and its matching band together."""
        return any(row.part for row in self.rows)

    @property
    def subtotals(self) -> dict[str, float]:
        """A set's subtotals by part: the ring, the band (each with its markup), and the set's credits if any."""
        totals: dict[str, float] = {}
        for row in self.rows:
            if row.part:
                totals[row.part] = round(totals.get(row.part, 0.0) + row.amount, 2)
        return {part: totals[part] for part in SET_PARTS if part in totals}

    @property
    def lines(self) -> pd.DataFrame:
        """The rows as a table (item, amount, kind, client), for the app's grid and the spec sheet."""
        import pandas as pd  # only where a table is shown: a quote on the command line needs none

        return pd.DataFrame(self.rows, columns=list(Line._fields))

    @property
    def total(self) -> float:
        return round(sum(row.amount for row in self.rows), 2) + 0.0  # + 0.0: a credit that pays it all is 0.00

    @property
    def credits(self) -> float:
        return round(sum(row.amount for row in self.rows if row.kind == "credit"), 2)

    def client_lines(self) -> list[ClientLine]:
        """The lines a client reads (metal, stones, chain, workmanship, engraving, credits), in that order, each at
        what the client pays for it: the store's lines of one client line summed and marked up by the same markup
        as the whole (a stone of the store's carries its own markup on its own line; the markup is no one line's). A
        ring's lines and its matching band's are marked up each by their own markup line; credits are not marked
        up. Each part's lines add up to its subtotal to the cent (a rounding cent goes to the largest line), so the
        lines add up to the total."""
        raw: dict[tuple[str, str], float] = {}
        kinds: dict[tuple[str, str], str] = {}
        markups: dict[str, float] = {}
        for row in self.rows:
            if row.kind == "markup":
                markups[row.part] = round(markups.get(row.part, 0.0) + row.amount, 2)
                continue
            key = (row.part, row.client)
            raw[key] = raw.get(key, 0.0) + row.amount
            kinds[key] = CLIENT_GROUPS[row.kind]
        grouped: dict[tuple[str, str], float] = {}
        for part in dict.fromkeys(key[0] for key in raw):
            keys = [key for key in raw if key[0] == part and kinds[key] != "credit"]
            for key in raw:
                if key[0] == part and kinds[key] == "credit":
                    grouped[key] = round(raw[key], 2)
            base = sum(round(raw[key], 2) for key in keys)
            if not keys:
                continue
            marked = round(base + markups.get(part, 0.0), 2)
            factor = marked / base if base else 1.0
            for key in keys:
                grouped[key] = round(raw[key] * factor, 2)
            residue = round(marked - sum(grouped[key] for key in keys), 2)
            if residue:
                largest = max(keys, key=lambda key: grouped[key])
                grouped[largest] = round(grouped[largest] + residue, 2)
        order = {"metal": 0, "stone": 1, "chain": 2, "workmanship": 3, "engraving": 4, "credit": 5}
        parts = {"": 0, **{part: index for index, part in enumerate(SET_PARTS)}}
        keys = sorted(grouped, key=lambda key: (parts[key[0]], order[kinds[key]]))
        return [ClientLine(key[1], grouped[key] + 0.0, kinds[key], key[0]) for key in keys]

    @property
    def catalogue_comparison(self) -> CatalogueComparison:
        net = max(0.0, round(self.catalogue_total + self.credits, 2))  # a credit pays for it at most
        return CatalogueComparison(total=net, before_credits=self.catalogue_total,
                                   custom_before_credits=round(self.total - self.credits, 2),
                                   difference=round(self.total - net, 2))

    def to_dict(self) -> dict:
        """The quote as JSON: a set's lines each name their part, and `subtotals` follows the lines."""
        lines = [{"item": row.item, "amount": row.amount, "kind": row.kind} for row in self.rows]
        if self.is_set:
            lines = [{**line, "part": row.part} for line, row in zip(lines, self.rows, strict=True)]
        result = {
            "currency": self.currency,
            "table_date": self.table_date.isoformat(),
            "lines": lines,
            "client_lines": [line.to_dict() for line in self.client_lines()],
        }
        if self.is_set:
            result["subtotals"] = self.subtotals
        return {
            **result,
            "total": self.total,
            "leftover_metal_grams": round(self.leftover_grams, 3),
            "catalogue": self.catalogue_comparison._asdict(),
        }


def side_setting_rate(table: PriceTable, style: SettingStyle) -> float:
    """Setting one side stone: in its own head at a centre stone's rate by style; in a channel at an accent's."""
    if style is SettingStyle.CHANNEL:
        return table.labour.accent.channel
    return getattr(table.labour.setting, style.value)


def metal_grams(volume_mm3: float, metal_id: str) -> float:
    """Weight of `volume_mm3` of an alloy: volume (cm3) x density (g/cm3)."""
    return volume_mm3 / 1000.0 * catalogue.metal(metal_id).density_g_cm3


def stone_weights(design: Design) -> tuple[StoneWeight, ...]:
    """Stone weights by the trade formula, for a design whose geometry has not been built."""
    weights = []
    if design.stone is not None:
        weights.append(StoneWeight("centre", design.stone.material, 1, trade_carat(design.stone)))
    if design.side_stones is not None:
        for side, count in design.side_stones.groups:  # nearest the centre first
            weights.append(StoneWeight("side", side.material, count, count * trade_carat(side)))
    if design.ring is not None and design.ring.eternity is not None:
        row = design.ring.eternity
        count = count_for(design.ring, row)
        weights.append(StoneWeight("eternity", row.stone.material, count, count * trade_carat(row.stone)))
    return tuple(weights)


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


class BandMetal(NamedTuple):
    """A matching band as built: its metal, and whether its top is contoured to the ring (else it is straight)."""

    volume_mm3: float
    contoured: bool


def nominal_beaded_mm(design: Design) -> float:
    """The beaded length of a design's edges, without building it: its band's edge (or both) all round, a head's gap
    left in, and its bezel's rim (a quote made without the geometry; a built model's rows give the length made)."""
    total = 0.0
    ring = design.ring
    if ring is not None and ring.milgrain is not None:
        rows = 2 if ring.milgrain.edges is Edges.BOTH else 1
        total += rows * edge_length_mm(build_band(ring, PREVIEW))
    setting = design.effective_setting
    if setting is not None and setting.milgrain is not None:
        stone = design.stone
        rim = np.asarray(offset_outline(stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64),
                                        BEZEL_WALL_MM).to_polygons()[0])
        total += float(np.linalg.norm(np.diff(np.vstack([rim, rim[:1]]), axis=0), axis=1).sum())
    return total


def plain_band_metal(design: Design) -> BandMetal:
    """A design's matching band before it is fitted to the ring: the plain band's metal (for a design whose geometry
    has not been built; the contour takes a few mm3 at most off it)."""
    band = build_band(design.matching_band.as_ring(design.ring), EXPORT)
    return BandMetal(float(band.solid.volume()), False)


def _band_lines(design: Design, band: BandMetal, table: PriceTable) -> tuple[list[tuple[str, float, str, str]], float,
                                                                             float]:
    """The matching band's lines (each rounded, its markup last), its catalogue price and its grams."""
    metal = catalogue.metal(design.metal)  # cast in the ring's alloy
    grams = metal_grams(band.volume_mm3, design.metal)
    per_gram = table.metal_per_gram[design.metal]
    client_metal = f"Matching band: {metal.name}, {grams:.2f} g"
    workmanship = "Matching band workmanship: casting, finishing" + (" and fitting to the ring" if band.contoured else "")
    lines = [
        (f"matching band metal: {metal.name}, {grams:.2f} g at {per_gram:.2f}/g", grams * per_gram, "metal",
         client_metal),
        (f"matching band sprue allowance: {table.sprue_allowance:.0%} extra metal for casting",
         grams * table.sprue_allowance * per_gram, "metal", client_metal),
        ("matching band labour: casting", table.labour.casting, "labour", workmanship),
        ("matching band labour: finishing", table.labour.finishing, "labour", workmanship),
    ]
    if band.contoured:  # the contour is designed to the ring
        lines.append(("matching band labour: contour fitted to the ring", table.labour.design, "labour", workmanship))
    rounded = [(item, round(amount, 2) + 0.0, kind, client) for item, amount, kind, client in lines]
    subtotal = sum(amount for _, amount, _, _ in rounded)
    rounded.append((f"matching band markup x{table.markup:g}", round(subtotal * (table.markup - 1), 2), "markup",
                    workmanship))
    materials = grams * (1 + table.sprue_allowance) * per_gram
    catalogue_cost = (materials + table.labour.catalogue_casting + table.labour.catalogue_finishing) \
        * table.catalogue_markup
    return rounded, catalogue_cost, grams


def _stock_line(stone: Stone, stock: LooseStone | None, table: PriceTable, name: str, grade: str) -> tuple[
        str, float, str, str]:
    """The line of a centre stone of the store's: its own price (or the grid's at its certified carat), its
    certified weight and its report."""
    from .inventory import stone_price  # the database (sqlalchemy): only for one of the store's stones

    if stock is None or stock.stock_number != stone.stock_number:
        raise CatalogueError(f"stone.stock_number: the record of stone {stone.stock_number} is needed to price it")
    amount, from_grid = stone_price(stock, table)
    report = f", {stock.lab} report {stock.certificate}" if stock.certificate else (
        f", graded by {stock.lab}" if stock.lab else "")
    basis = "at the grid's price" if from_grid else "its own price"
    said = f"{stone.shape.value} {name} {grade}, {stock.carat:.2f} ct"
    return (f"stone: {stone.stock_number} {said} certified{report} ({basis})", amount, "stone",
            f"Centre stone: {said}{report} (our stone {stone.stock_number})")


def quote(
    design: Design,
    metal_volume_mm3: float,
    table: PriceTable | None = None,
    stones: tuple[StoneWeight, ...] | None = None,
    chain_volume_mm3: float | None = None,
    milgrain_mm: float | None = None,
    band: BandMetal | None = None,
    stock: LooseStone | None = None,
) -> Quote:
    """Price `design` whose cast metal measures `metal_volume_mm3`, whose stones weigh `stones`, whose chain
    (a pendant's; by default a cable chain of its length) holds `chain_volume_mm3` of metal and whose milgrain runs
    `milgrain_mm` along its edges (by default its band's edges all round and its bezel's rim, as drawn); a ring with a
    matching band as a set, the band as built (`band`; by default the plain band). A centre stone of the store's
    (`stone.stock_number`) is priced from its record `stock`: its own price, or the grid's at its certified carat."""
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
    side = design.side_stones
    side_groups = iter(side.groups if side is not None else ())  # the side weights come nearest the centre first
    side_count = 0
    for weight in stones:
        name = catalogue.gemstone(weight.material).name
        if weight.role == "centre":
            stone = design.stone
            grade = f"{stone.grade_color} {stone.grade_clarity}"
            if stone.client_supplied:
                item = f"stone: client's own {stone.shape.value} {name}, {words.carats(weight.carat)}"
                lines.append((item, 0.0, "stone", f"Centre stone: your own {stone.shape.value} {name}, "
                              f"{words.carats(weight.carat)}"))
            elif stone.stock_number is not None:
                lines.append(_stock_line(stone, stock, table, name, grade))
            else:
                lines.append((f"stone: {stone.shape.value} {name} {grade}, {words.carats(weight.carat)}",
                              table.stone_price(stone, weight.carat), "stone",
                              f"Centre stone: {stone.shape.value} {name} {grade}, {words.carats(weight.carat)}"))
            rate = getattr(table.labour.setting, style.value)
            setting_lines.append((f"labour: setting the centre stone ({style.value})", rate, "labour", workmanship))
        elif weight.role == "side":
            stone, each = next(side_groups, side.groups[-1])[0], weight.carat / weight.count
            grade = f"{stone.grade_color} {stone.grade_clarity}"
            size = f" {stone.length_mm:g} mm" if len(side.groups) > 1 else ""
            said = f"{weight.count} {stone.shape.value} {name}{size}, {words.carats(each)} each"
            lines.append((f"side stones: {said} ({grade})", table.stone_price(stone, each) * weight.count, "stone",
                          f"Side stones: {said}"))
            side_count += weight.count
        elif weight.role == "eternity":
            row = design.ring.eternity
            stone, each = row.stone, weight.carat / weight.count
            grade = f"{stone.grade_color} {stone.grade_clarity}"
            said = f"{weight.count} {stone.shape.value} {name}, {words.carats(weight.carat)} in all"
            lines.append((f"eternity stones: {said} ({each:.3f} ct each, {grade})",
                          table.stone_price(stone, each) * weight.count, "stone", f"Eternity stones: {said}"))
            rate = table.labour.accent.row_rate(row.setting.value)
            setting_lines.append((f"labour: setting {weight.count} eternity stones ({row.setting.value}) at "
                                  f"{rate:.2f} each", rate * weight.count, "labour", workmanship))
        else:
            lines.append((f"accent stones: {weight.count} round {name}, {words.carats(weight.carat)} in all",
                          weight.carat * table.melee_per_carat, "stone",
                          f"Accent stones: {weight.count} round {name}, {words.carats(weight.carat)} in all"))
            rate = getattr(table.labour.accent, style_of(style).accent_labour)
            setting_lines.append((f"labour: setting {weight.count} accent stones ({style.value})",
                                  rate * weight.count, "labour", workmanship))
    setting = design.effective_setting
    if (design.ring is not None and design.ring.milgrain is not None) or (
            setting is not None and setting.milgrain is not None):
        beaded = nominal_beaded_mm(design) if milgrain_mm is None else milgrain_mm
        rate = table.labour.milgrain_per_mm
        setting_lines.append((f"labour: milgrain, {beaded:.0f} mm of beaded edge at {rate:.2f}/mm", beaded * rate,
                              "labour", workmanship))
    if side_count:  # one labour line for every side stone
        rate = side_setting_rate(table, side.style)
        setting_lines.append((f"labour: setting {side_count} side stones ({side.style.value}) at {rate:.2f} each",
                              rate * side_count, "labour", workmanship))
    chain_grams = 0.0
    if design.pendant is not None:
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
    rounded = [(item, round(amount, 2) + 0.0, kind, client) for item, amount, kind, client in lines]
    subtotal = sum(amount for _, amount, _, _ in rounded)
    rounded.append((f"markup x{table.markup:g}", round(subtotal * (table.markup - 1), 2), "markup", workmanship))
    setting_cost = sum(amount for _, amount, _, _ in setting_lines)
    catalogue_cost = (materials + table.labour.catalogue_casting + table.labour.catalogue_finishing
                      + setting_cost) * table.catalogue_markup
    rows = [Line(*line) for line in rounded]
    band_grams = 0.0
    if design.matching_band is not None:  # a set: the ring's lines, then the band's
        band_rows, band_catalogue, band_grams = _band_lines(design, band or plain_band_metal(design), table)
        rows = [row._replace(part="ring") for row in rows] + [Line(*line, part="band") for line in band_rows]
        catalogue_cost += band_catalogue
    credit = heirloom_credit(design, table, value=sum(row.amount for row in rows))
    if credit is not None:
        part = "set" if design.matching_band is not None else ""
        rows += [Line(item, round(amount, 2) + 0.0, "credit", client, part) for item, amount, client in credit.lines]
    return Quote(tuple(rows), table.currency, table.date, grams, round(catalogue_cost, 2), chain_grams,
                 credit.leftover_grams if credit is not None else 0.0, band_grams)
