"""A feature's record, what it prices from and adds, and what the check measures it on: the types every feature
module, the quote and the check share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..catalogue import Metal
    from ..design import Design
    from ..findings import Finding, Fix
    from ..geometry import Model
    from ..inventory import LooseStone
    from ..price_table import PriceTable
    from ..quote_lines import Quote
    from ..stones import StoneWeight
    from ..summary import QuoteSummary, StoneLine
    from ..walls import Scan

Row = tuple[str, float, str, str]  # a quote line before rounding: (store item, amount, kind, client item)


@dataclass(frozen=True)
class Credit:
    """What a client's own metal is worth against the piece: its credit, and the grams left over."""

    lines: tuple[tuple[str, float, str], ...]  # (store item, amount, client item)
    used_grams: float
    leftover_grams: float


class BandMetal(NamedTuple):
    """A matching band as built: its metal, and whether its top is contoured to the ring (else it is straight)."""

    volume_mm3: float
    contoured: bool


@dataclass(frozen=True)
class PriceContext:
    """What a feature is priced from: the design, the table in force, its stones as weighed and the piece as built
    (each measurement None when the quote is made without the geometry: the feature then estimates it)."""

    design: Design
    table: PriceTable
    stones: tuple[StoneWeight, ...]  # centre first, then the others, as `pricing.stone_weights` or the model gives
    workmanship: str  # the client's line that labour joins
    chain_volume_mm3: float | None = None  # a pendant's chain; None: a cable chain of its length
    milgrain_mm: float | None = None  # the beaded length made; None: the band's edges all round and the bezel's rim
    band: BandMetal | None = None  # a matching band as built; None: the plain band
    stock: LooseStone | None = None  # the record of a centre stone of the store's

    def weights(self, role: str) -> list[StoneWeight]:
        """The stone weights of `role` ("centre", "side", "eternity", "accent"), in their order."""
        return [weight for weight in self.stones if weight.role == role]


class SetPart(NamedTuple):
    """A piece of its own priced with this one as a set (a ring's matching band): its lines, each rounded and its
    markup last, and its catalogue price."""

    name: str  # the quote's `part` for its lines
    lines: tuple[Row, ...]
    catalogue_cost: float


@dataclass(frozen=True)
class PriceLines:
    """What a feature adds to a quote, by where its lines go (the quote's order: materials, the fixed labour, the
    setting labour, custom work, the markup, a set's other part, credits)."""

    materials: tuple[Row, ...] = ()  # after the metal: stones, a chain (a catalogue piece has them too)
    labour: tuple[Row, ...] = ()  # after casting, finishing and design: setting, beading (a catalogue piece's too)
    custom: tuple[Row, ...] = ()  # work no catalogue piece has (engraving), before the markup
    part: SetPart | None = None  # after the markup
    credit: Callable[[float], Credit] | None = None  # given the price before credits; last
    grams: dict[str, float] = field(default_factory=dict)  # the Quote's weight fields it fills: {"chain_grams": 3.1}


@dataclass
class Edit:
    """A control's change being made: the document (a copy, changed in place), the person's own choices `ui` (what
    is set aside while a part is off is in `ui["parked"]`) and the control's new value."""

    doc: dict
    ui: dict
    value: Any

    @property
    def parked(self) -> dict:
        return self.ui["parked"]


def as_number(value: Any) -> Any:
    """A number as the document holds one (a float); anything else as given, for the document to refuse."""
    return float(value) if isinstance(value, int | float) else value


@dataclass(frozen=True)
class Control:
    """A control of the app's form: its key and label, the document's field it writes (`path`; `model` is the part
    of the document that declares the field, whose limits are the control's), how its value is written, and what
    follows in the document. A control that is more than one field (a tick that adds a part, a stone's shape that
    keeps its carat) makes its edit itself (`does`)."""

    key: str
    label: str
    path: tuple[str, ...] = ()
    model: type[BaseModel] | None = None
    convert: Callable[[Any], Any] | None = None  # the widget's value as the document holds it (float, int)
    then: Callable[[dict], None] | None = None  # given the document after the value is written
    does: Callable[[Edit], None] | None = None

    def apply(self, edit: Edit) -> None:
        """Make this control's change in `edit.doc`."""
        if self.does is not None:
            self.does(edit)
        else:
            write(edit.doc, self.path, edit.value if self.convert is None else self.convert(edit.value))
        if self.then is not None:
            self.then(edit.doc)


def write(doc: dict, path: tuple[str, ...], value: Any) -> None:
    """Set the field at `path` of `doc`, making the parts on the way that it lacks."""
    node = doc
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def switch(holder: dict, name: str, edit: Edit, make: Callable[[], dict]) -> None:
    """A part a tick adds or takes away: on, `holder[name]` is the one set aside before (or `make()` a new one); off,
    it is set aside, so ticking it again brings back what the client had."""
    if edit.value and not holder.get(name):
        holder[name] = edit.parked.pop(name, None) or make()
    elif not edit.value and holder.get(name):
        edit.parked[name] = holder.pop(name)


@dataclass(frozen=True)
class CheckContext:
    """What a feature's findings are measured on: the design, the piece as built, its alloy, the metal's thickness
    scan, and the scan's faces each feature judges apart (its `apart` facet: milgrain's beads, an engraving's letters
    and the metal over them), by the feature's name."""

    design: Design
    model: Model
    metal: Metal
    walls: Scan
    claimed: dict[str, np.ndarray] = field(default_factory=dict)  # a flag a face of `walls`, by feature

    def apart_of(self, name: str) -> np.ndarray:
        """The faces the feature `name` judges by its own findings (none when the design has not got it)."""
        if name in self.claimed:
            return self.claimed[name]
        return np.zeros(len(self.walls.centres), dtype=bool)


class Held(NamedTuple):
    """Stones of a feature held in prongs, whose holds the check counts (`holds`): the model's stone parts of `role`,
    what a finding calls one and the document's part it names, the fewest holds the trade takes, and where the
    finding says it is (None: where the stone sits on the piece)."""

    role: str
    name: str
    part: str
    fewest: int
    where: str | None = None


@dataclass(frozen=True)
class SummaryContext:
    """What a feature's part of a quote's summary is read from: the design, the piece as built, its quote, and the
    record of a centre stone of the store's (None for any other)."""

    design: Design
    model: Model
    priced: Quote
    stock: LooseStone | None = None


@dataclass(frozen=True)
class Summed:
    """A feature's part of a quote's summary: its stone lines (in the summary's `stones`) and the summary's fields it
    fills ({"chain": ChainSummary(...)})."""

    stones: tuple[StoneLine, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Feature:
    """A feature of a piece."""

    name: str  # the document's word for it ("side_stones"); the accents, which have none, "accents"
    title: str  # what people call it
    present: Callable[[Design], bool]
    example: Callable[[], dict]  # a design document that has it
    price: Callable[[PriceContext], PriceLines] | None = None  # None: it adds no line of its own (its metal is weighed)
    dimensions: Callable[[Design, Model, QuoteSummary], list[list[str]]] | None = None  # its rows on the sheet
    # What the check finds on it, each finding with its kind ("milgrain-bead"), in the order the check reports them;
    # None: nothing of its own to measure (the band's, the walls' and the seats' findings are the piece's).
    findings: Callable[[CheckContext], list[Finding]] | None = None
    # The changes it offers for a finding, its own or any other's ("side_stones.shared_prongs" for a gap), each in its
    # round of tries (`findings.Round`); the check tries them round by round, the piece's first, then the features' in
    # the registry's order. None: it offers none.
    fixes: Callable[[Design, Finding], list[Fix]] | None = None
    controls: tuple[Control, ...] = ()  # its controls on the app's form, in the form's order
    # Its rows in the workshop sheet's "at a glance" table and in the client's "your piece", each [label, text]; a
    # text a person typed is `Said`, set as text. None: nothing of its own there (its stones are in the stone tables).
    glance: Callable[[Design, QuoteSummary], list[list[str]]] | None = None
    client_rows: Callable[[Design, QuoteSummary], list[list[str]]] | None = None
    # What of a design valid by its schema it cannot be made with, measured on its geometry when a document is read
    # ("ring.width_mm: a row of 2 mm stones needs a band at least ..."), or None; `parse_design` refuses the first
    # fault the features find, in FIT_ORDER. None: it has no rule of its own.
    fit: Callable[[Design], str | None] | None = None
    # Its stones weighed by the trade's formula, for a quote made without the geometry (the built piece weighs them by
    # their modelled volume); None: it brings no stones of its own (a style's accents are counted on the model).
    trade_stones: Callable[[Design], list[StoneWeight]] | None = None
    # Its part of the quote's summary (the command line's JSON): its stone lines, its own fields. None: nothing of its
    # own there (its metal is the piece's, its lines are in the price).
    summary: Callable[[SummaryContext], Summed] | None = None
    # The faces of the built piece it judges by its own findings, which the check's walls and gaps leave out (milgrain's
    # beads and their creases, an engraving's letters), given the design, the model and the metal's thickness scan; a
    # flag a face of the scan. None: it claims none.
    apart: Callable[[Design, Model, Scan], np.ndarray] | None = None
    # The faces in the band's reach that are not the band's walls: drilled for its stones (an eternity row, a channel of
    # side stones) or raised on its top (pavé's beads), judged by its own findings and as detail, not as the band's
    # walls; a flag a face of the scan. None: it drills and raises none.
    drilled: Callable[[Design, Model, Scan], np.ndarray] | None = None
    # Its stones held in prongs, whose holds the check counts; None from it, or no facet: none (a channel holds its
    # stones along two walls, accents sit in beads, an eternity row counts its own prongs).
    held: Callable[[Design], Held | None] | None = None


# The order of each use where the registry's is not it. The quote's setting labour and the sheet's dimensions keep
# the order they had when each feature was written into them in turn (a quote or a sheet does not change with a
# refactoring); a feature not named comes after those named, in the registry's order.
LABOUR_ORDER = ("stone", "eternity", "accents", "milgrain", "side_stones")
# The sheet's feature rows come in two runs round the stones' height over the finger (the sheet's own row): what is
# built on the piece, then what is written on it.
DIMENSIONS_BEFORE_HEIGHT = ("taper", "pendant", "stone", "milgrain", "side_stones", "eternity", "matching_band")
# The check's findings: the piece's own (one body, the band, the walls and gaps), then the features' in two runs round
# the piece's seats and holds (every stone's room in its seat, its culet over the finger, each head's holds).
FINDINGS_ORDER = ("milgrain", "stone", "accents", "pendant", "eternity", "side_stones", "matching_band", "engraving")
FINDINGS_BEFORE_SEATS = ("milgrain", "stone")
# The sheets' short tables: the features named here say what the piece is, before its setting; the others what comes
# with it, after its metal and weight.
SHEET_ROWS_BEFORE_SETTING = ("pendant",)
# A document's faults, named one at a time: the band's (its beads, its row), the setting's, the side stones', the
# centre style's on the band or plate, the engraving's.
FIT_ORDER = ("milgrain", "eternity", "stone", "side_stones", "accents", "engraving")
# The quote's stone lines: the centre, the accents round it, the side stones nearest it first, an eternity row.
SUMMARY_ORDER = ("stone", "accents", "side_stones", "eternity")


class Said(str):
    """Text a person typed (an engraving's words), put on a sheet: set as text, escaped and wrapped."""


def ordered(features: tuple[Feature, ...], order: tuple[str, ...]) -> list[Feature]:
    """`features` with those named in `order` first, in its order, and the others after them as they came."""
    return sorted(features, key=lambda feature: order.index(feature.name) if feature.name in order else len(order))
