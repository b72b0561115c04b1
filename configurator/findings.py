"""What the check reports: a finding, how severe it is, and the measures the setting styles' own findings share with
the check (`styles`: a style measures what only it has)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from . import words
from .design import Ring

TOLERANCE_MM = 1e-6


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
    changes: tuple[tuple[str, Any], ...] = ()
    where: str = ""
    kind: str = ""  # which check found it: "shank", "gap", "plate"... (the same kind after a fix: not fixed)

    def line(self) -> str:
        measure = f" ({self.value_mm:.2f} mm < {self.limit_mm:.2f} mm)" if self.limit_mm > 0 else ""
        return f"{self.severity.value}: {self.part}: {self.message}{measure}; {self.fix}"

    def to_dict(self) -> dict:
        data = {**asdict(self), "severity": self.severity.value, "changes": dict(self.changes)}
        return data


def rounded_up(value: float, step: float) -> float:
    """`value` rounded up to a multiple of `step` (a hair of float noise is not a step)."""
    return round(math.ceil(value / step - 1e-6) * step, 6)


def thicker_band(ring: Ring, wanted: float) -> tuple[tuple[str, Any], ...]:
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
