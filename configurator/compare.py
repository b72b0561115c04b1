"""Designs side by side: what a client weighs between two to four of her ideas (the total, the metal and its weight,
the stones with their carat, colour and clarity, the size, the band and the setting), each row marked where they
differ. The client's view: her totals, none of the store's lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import catalogue, words
from .design import Design
from .sizes import RingSize
from .summary import QuoteSummary, StoneLine

MOST_COMPARED = 4
ROLE_WORDS = {"accent": "{n} accent stones", "side": "{n} side stones", "eternity": "{n} stones in an eternity row"}


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _centre(summary: QuoteSummary) -> StoneLine | None:
    return next((stone for stone in summary.stones if stone.role == "centre"), None)


def _stone(stone: StoneLine | None) -> str:
    if stone is None:
        return "none"
    own = " (her own)" if stone.client_supplied else ""
    ours = f", our stone {stone.stock_number}" if stone.stock_number else ""
    return f"{stone.shape} {stone.cut} {catalogue.gemstone(stone.material).name}{own}{ours}"


def _others(summary: QuoteSummary) -> str:
    """The stones besides the centre, by kind: "12 accent stones, 0.24 ct"."""
    groups: dict[str, tuple[int, float]] = {}
    for stone in summary.stones:
        if stone.role != "centre":
            count, carat = groups.get(stone.role, (0, 0.0))
            groups[stone.role] = (count + stone.count, carat + stone.carat)
    return "; ".join(f"{ROLE_WORDS[role].format(n=count)}, {words.carats(carat)}" for role, (count, carat) in groups.items()) \
        or "none"


def _size(design: Design, summary: QuoteSummary) -> str:
    if design.ring is None:
        return f"{design.pendant.chain.length_mm / 10:g} cm chain" if design.pendant is not None else "-"
    size = design.ring.size
    found = RingSize.of(size.system.value, size.value)
    return f"{size.system.value} {found.in_system(size.system.value)} ({found.inner_diameter_mm:.1f} mm across)"


def _band(design: Design) -> str:
    if design.ring is None:
        return "-"
    ring = design.ring
    return f"{ring.profile.value}, {ring.width_mm:.2f} mm wide"


def _setting(design: Design) -> str:
    setting = design.effective_setting
    return setting.style.value if setting is not None else "no centre stone"


def side_by_side(designs: Sequence[Design], summaries: Sequence[QuoteSummary]) -> list[Row]:
    """The rows of a comparison of `designs` (their quotes `summaries`, in the same order): each a label and one
    value a design, in the words and figures the client's sheet uses."""
    if len(designs) != len(summaries):
        raise ValueError("one quote a design")
    pairs = list(zip(designs, summaries, strict=True))
    centres = [_centre(summary) for summary in summaries]

    def row(label: str, value) -> Row:
        return Row(label, tuple(value(design, summary) for design, summary in pairs))

    rows = [
        row("Total", lambda d, s: f"{s.price.currency} {s.price.total:,.2f}"),
        row("Piece", lambda d, s: d.piece.value),
        row("Metal", lambda d, s: catalogue.metal(s.metal).name),
        row("Metal weight", lambda d, s: f"{s.metal_grams:.2f} g"),
        Row("Centre stone", tuple(_stone(centre) for centre in centres)),
        Row("Carat", tuple(words.carats(centre.carat) if centre else "-" for centre in centres)),
        Row("Colour", tuple((centre.color or "-") if centre else "-" for centre in centres)),
        Row("Clarity", tuple((centre.clarity or "-") if centre else "-" for centre in centres)),
        row("Other stones", lambda d, s: _others(s)),
        row("All stones", lambda d, s: words.carats(s.total_carat) if s.stones else "none"),
        row("Size", _size),
        row("Band", lambda d, s: _band(d)),
        row("Setting", lambda d, s: _setting(d)),
    ]
    return rows
