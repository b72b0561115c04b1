"""A quote as the store and the client read it: its lines, the client's grouping of them, the catalogue comparison.

The records only; `pricing` makes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pandas as pd


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
