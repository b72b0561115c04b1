"""What the check reports: a finding, how severe it is, the fixes to try for it, and the limits and measures the
features' and setting styles' own findings share with the check (`features`, `styles`: each measures what only it
has)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import Enum, IntEnum
from typing import Any, NamedTuple

from . import words
from .design import Ring

TOLERANCE_MM = 1e-6
MIN_DETAIL_MM = 0.35  # raised detail and the thinnest metal that fills in the casting
MIN_GAP_MM = 0.3  # narrower gaps cannot hold investment
MIN_ACCENT_GAP_MM = 0.1  # between neighbouring accent stones' girdles

Changes = tuple[tuple[str, Any], ...]  # edits of the design document: (("ring.thickness_mm", 1.9),)


class Severity(str, Enum):
    BLOCKING = "blocking"  # the casting would fail or break in wear
    WARNING = "warning"  # castable, but worth a word with the workshop

    def __repr__(self) -> str:
        return f"<Severity.{self.name}>"


@dataclass(frozen=True)
class Finding:
    """One problem: which part, what it measures, the limit it breaks, and how to fix it.

    `changes` is the fix as edits of the design document (`(("ring.thickness_mm", 1.9),)`): applied with
    `apply_fix`, they clear the finding. `where` names the place ("the left shoulder", "the prong at 2 o'clock",
    seen from above with 12 o'clock along +Y: a pendant's bail, a ring's finger axis)."""

    severity: Severity
    part: str
    value_mm: float
    limit_mm: float
    message: str
    fix: str
    changes: Changes = ()
    where: str = ""
    kind: str = ""  # which check found it: "shank", "gap", "plate"... (the same kind after a fix: not fixed)

    def line(self) -> str:
        measure = f" ({self.value_mm:.2f} mm < {self.limit_mm:.2f} mm)" if self.limit_mm > 0 else ""
        return f"{self.severity.value}: {self.part}: {self.message}{measure}; {self.fix}"

    def to_dict(self) -> dict:
        data = {**asdict(self), "severity": self.severity.value, "changes": dict(self.changes)}
        return data


class Round(IntEnum):
    """When a sort of fix is tried for a finding: the least change first (`checks._candidates`)."""

    BIGGER = 1  # bigger steps of the finding's own change
    REMEDY = 2  # the finding's own remedy: a whole body, the matching band elsewhere, more holds, heads of their own
    STONE = 3  # thicker prongs or a larger stone
    THICKER = 4  # a thicker band or plate
    CUT = 5  # a stone that sits lower (a brilliant's pavilion for a domed or flat-backed stone)
    PLAINER = 6  # a plainer setting that does without the weak part: the last tries, kept whatever came before


# Findings of the metal round the stones and the head, which thicker prongs, a larger stone, a thicker band or plate or
# another cut may clear.
ROUND_THE_STONES = ("thin-detail", "gap", "seat-touch", "bodies")


class Fix(NamedTuple):
    """A change to try for a finding, and in which round of tries."""

    round: Round
    changes: Changes


def steps(field: str, start: float, sizes: tuple[float, ...], top: float) -> list[Changes]:
    """`field` set `start` plus each of `sizes` (rounded up to 0.05, at most `top`), the least first."""
    values = sorted({min(rounded_up(start + size, 0.05), top) for size in sizes})
    return [((field, value),) for value in values]


def rounded_up(value: float, step: float) -> float:
    """`value` rounded up to a multiple of `step` (a hair of float noise is not a step)."""
    return round(math.ceil(value / step - 1e-6) * step, 6)


def thicker_band(ring: Ring, wanted: float) -> Changes:
    """The band thickness change that reaches `wanted`, within the document's bounds."""
    limit = Ring.model_fields["thickness_mm"].metadata
    top = next((item.le for item in limit if getattr(item, "le", None) is not None), 4.0)
    return (("ring.thickness_mm", min(rounded_up(wanted, 0.05), top)),)


def metal_under_seats(ring: Ring, metal, under: float, seats: str, where: str, kind: str) -> list[Finding]:
    """Metal left `under` drilled `seats` against the alloy's thinnest wall: a warning offering the band that clears
    it, or nothing."""
    if under >= metal.min_wall_mm - TOLERANCE_MM:
        return []
    changes = thicker_band(ring, ring.thickness_mm + metal.min_wall_mm - under)
    return [Finding(Severity.WARNING, "ring.thickness_mm", under, metal.min_wall_mm,
                    f"little metal is left under {seats} (they are drilled through)",
                    words.changes(changes), changes, where, kind=kind)]
