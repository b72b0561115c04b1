"""Manufacturability: what would stop a workshop casting the design, each finding with its fix.

Limits from `shared/PRODUCT.md` (casting and wax printing): a ring shank at least 1.0-1.2 mm by alloy,
walls at least 0.8 mm, raised detail at least 0.35 mm.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum

from . import catalogue
from .design import Design
from .geometry import Model

MIN_DETAIL_MM = 0.35


class Severity(str, Enum):
    BLOCKING = "blocking"  # the casting would fail or break in wear
    WARNING = "warning"  # castable, but worth a word with the workshop

    def __repr__(self) -> str:
        return f"<Severity.{self.name}>"


@dataclass(frozen=True)
class Finding:
    """One problem: which part, what it measures, the limit it breaks, and how to fix it."""

    severity: Severity
    part: str
    value_mm: float
    limit_mm: float
    message: str
    fix: str

    def line(self) -> str:
        return f"{self.severity.value}: {self.part}: {self.message} ({self.value_mm:.2f} mm < {self.limit_mm:.2f} mm); {self.fix}"

    def to_dict(self) -> dict:
        return {**asdict(self), "severity": self.severity.value}


def check(design: Design, model: Model) -> list[Finding]:
    """Every manufacturability finding for the built `model` of `design`, blocking ones first."""
    findings: list[Finding] = []
    metal = catalogue.metal(design.metal)
    if model.band is not None:
        section = model.band.section
        ring = design.ring
        if section.min_wall_mm < metal.min_shank_mm - 1e-9:
            needed = ring.thickness_mm * metal.min_shank_mm / section.min_wall_mm
            findings.append(
                Finding(
                    Severity.BLOCKING,
                    "ring.thickness_mm",
                    section.min_wall_mm,
                    metal.min_shank_mm,
                    f"the {ring.profile.value} band is too thin for a {metal.name} shank",
                    f"make thickness_mm at least {needed:.2f}",
                )
            )
        if section.edge_mm < MIN_DETAIL_MM - 1e-9:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "ring.profile",
                    section.edge_mm,
                    MIN_DETAIL_MM,
                    f"the {ring.profile.value} band's edges are thinner than castable detail",
                    "make the band thicker or choose a flat or bevelled profile",
                )
            )
        if ring.width_mm < metal.min_shank_mm * 1.5:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "ring.width_mm",
                    ring.width_mm,
                    metal.min_shank_mm * 1.5,
                    "the band is narrow enough to bend in wear",
                    f"make width_mm at least {metal.min_shank_mm * 1.5:.1f}",
                )
            )
    return sorted(findings, key=lambda finding: finding.severity is not Severity.BLOCKING)
