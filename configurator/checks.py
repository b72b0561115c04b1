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
    findings += _setting_findings(design, model, metal)
    return sorted(findings, key=lambda finding: finding.severity is not Severity.BLOCKING)


def _setting_findings(design: Design, model: Model, metal) -> list[Finding]:
    """Findings about what holds the stones: channel walls, metal under pavé, a pendant's plate."""
    from .shoulders import CHANNEL_WALL_MM, channel_size, pave_layout

    found: list[Finding] = []
    setting = design.effective_setting
    style = setting.style.value if setting is not None else None
    if design.ring is not None and style == "channel":
        wall = (design.ring.width_mm - channel_size(design.ring.width_mm)) / 2
        if wall < metal.min_wall_mm - 1e-9:
            found.append(Finding(Severity.BLOCKING, "ring.width_mm", wall, metal.min_wall_mm,
                                 "the channel's walls are too thin to hold the stones",
                                 f"make width_mm at least {1.0 + 2 * CHANNEL_WALL_MM:.1f} or choose pave"))
    if design.ring is not None and style == "pave":
        _, size = pave_layout(design.ring.width_mm)
        depth = 0.62 * size + 0.05
        under = model.band.section.min_wall_mm - depth if model.band is not None else design.ring.thickness_mm
        if under < metal.min_wall_mm - 1e-9:
            found.append(Finding(Severity.WARNING, "ring.thickness_mm", under, metal.min_wall_mm,
                                 "little metal is left under the pave seats (they are drilled through)",
                                 f"make thickness_mm at least {design.ring.thickness_mm + metal.min_wall_mm - under:.2f}"))
    if design.pendant is not None:
        if design.pendant.thickness_mm < metal.min_wall_mm - 1e-9:
            found.append(Finding(Severity.BLOCKING, "pendant.thickness_mm", design.pendant.thickness_mm,
                                 metal.min_wall_mm, "the plate is thinner than castable metal",
                                 f"make thickness_mm at least {metal.min_wall_mm:.1f}"))
        if design.stone is not None and model.plate is not None:
            outline = model.plate.outline
            room = min(outline[:, 0].max() - outline[:, 0].min(), outline[:, 1].max() - outline[:, 1].min())
            needed = max(design.stone.length_mm, design.stone.outline_width_mm) + 2 * metal.min_wall_mm
            if room < needed - 1e-9:
                found.append(Finding(Severity.WARNING, "pendant.size_mm", room, needed,
                                     "the stone and its setting overhang the plate",
                                     "make the pendant larger or the stone smaller"))
    return found
