"""Manufacturability: what would stop a workshop casting the design, each finding with its fix.

Limits from `shared/PRODUCT.md` (casting and wax printing): a ring shank at least 1.0-1.2 mm by alloy,
walls at least 0.8 mm, raised detail at least 0.35 mm, gaps at least 0.3 mm, prongs by the stone-size table.
Walls and gaps are measured on the mesh (`walls.scan`), not read from the parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum

import numpy as np

from . import catalogue
from .design import Design, SettingStyle
from .geometry import Model
from .settings import CENTRE_PRONG_MIN_MM, SUPPORTED_PRONG_MIN_MM, accent_prong_mm, default_prong_mm
from .shoulders import CHANNEL_WALL_MM, channel_size, pave_layout
from .walls import Scan, scan

MIN_DETAIL_MM = 0.35  # raised detail and the thinnest metal that fills in the casting
MIN_GAP_MM = 0.3  # narrower gaps cannot hold investment
MIN_GRIP_SHARE = 0.2  # the setting's metal rises over at least this share of the crown above the girdle
MIN_SEAT_CLEARANCE_MM = 0.01  # air round a stone in its seat, so that it goes in
MIN_FINGER_CLEARANCE_MM = 0.3  # metal between a culet and the finger
MIN_ACCENT_GAP_MM = 0.1  # between neighbouring accent stones' girdles
TOLERANCE_MM = 1e-6


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


def check(design: Design, model: Model, walls: Scan | None = None) -> list[Finding]:
    """Every manufacturability finding for the built `model` of `design`, blocking ones first.

    Args:
        design: the design the model was built from.
        model: its meshes (export resolution for a workshop's check; preview resolution is close enough
            for a live hint).
        walls: the metal's thickness scan, when the caller already has it.
    """
    metal = catalogue.metal(design.metal)
    walls = walls or scan(model.metal, model.stones)
    band = _band_region(design, model, walls) if model.band is not None else None
    findings = [
        *_band_findings(design, model, metal, walls, band),
        *_wall_findings(model, walls, band),
        *_prong_findings(design),
        *_seat_findings(design, model),
        *_accent_findings(design, model),
        *_setting_findings(design, model, metal, walls),
    ]
    return sorted(findings, key=lambda finding: finding.severity is not Severity.BLOCKING)


def _at(point: np.ndarray | None) -> str:
    return "" if point is None else f" near ({point[0]:.1f}, {point[1]:.1f}, {point[2]:.1f}) mm"


def _band_region(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """Faces of the band itself (inside its annulus), as opposed to the head and its shoulders' stones."""
    ring, band = design.ring, model.band
    radius = np.hypot(walls.centres[:, 0], walls.centres[:, 2])
    return ((radius > band.inner_radius_mm - 0.05) & (radius < band.inner_radius_mm + ring.thickness_mm + 0.05)
            & (np.abs(walls.centres[:, 1]) < ring.width_mm / 2 + 0.05))


def _band_findings(design: Design, model: Model, metal, walls: Scan, band: np.ndarray | None) -> list[Finding]:
    """The band (`band`: its faces): its shank measured on the mesh against the alloy's minimum, its edges and
    its width."""
    if band is None:
        return []
    found: list[Finding] = []
    ring, section = design.ring, model.band.section
    middle = band & (np.abs(walls.centres[:, 1]) <= ring.width_mm / 4)  # where a gauge measures; edges apart
    shank, where = walls.thinnest(middle & (walls.centres[:, 2] < 0))  # the lower half: the shank proper
    if not np.isfinite(shank):  # no parallel walls to read (a knife-edge): the section's own figure
        shank, where = section.min_wall_mm, None
    if shank < metal.min_shank_mm - TOLERANCE_MM:
        needed = ring.thickness_mm + metal.min_shank_mm - shank
        found.append(Finding(Severity.BLOCKING, "ring.thickness_mm", shank, metal.min_shank_mm,
                             f"the shank measures {shank:.2f} mm{_at(where)}, too thin for a {metal.name} shank",
                             f"make thickness_mm at least {needed:.2f}"))
    else:
        top, where = walls.thinnest(band & (walls.centres[:, 2] >= 0))  # under shoulders' seats and the head
        if top < metal.min_wall_mm - TOLERANCE_MM:
            found.append(Finding(Severity.WARNING, "ring.thickness_mm", top, metal.min_wall_mm,
                                 f"the band is {top:.2f} mm thin under its stones{_at(where)}",
                                 f"make thickness_mm at least {ring.thickness_mm + metal.min_wall_mm - top:.2f}"))
    if section.edge_mm < MIN_DETAIL_MM - TOLERANCE_MM:
        found.append(Finding(Severity.WARNING, "ring.profile", section.edge_mm, MIN_DETAIL_MM,
                             f"the {ring.profile.value} band's edges are thinner than castable detail",
                             "make the band thicker or choose a flat or bevelled profile"))
    if ring.width_mm < metal.min_shank_mm * 1.5:
        found.append(Finding(Severity.WARNING, "ring.width_mm", ring.width_mm, metal.min_shank_mm * 1.5,
                             "the band is narrow enough to bend in wear",
                             f"make width_mm at least {metal.min_shank_mm * 1.5:.1f}"))
    return found


def _wall_findings(model: Model, walls: Scan, band: np.ndarray | None) -> list[Finding]:
    """Metal outside the band measured on the mesh: detail too thin to cast, and gaps too narrow to invest."""
    found: list[Finding] = []
    if band is not None:
        elsewhere = ~band  # the head and the shoulders' metal
    else:
        elsewhere = walls.centres[:, 2] > model.plate.thickness + 0.05  # above the plate
    if model.plate is not None or model.stone_parts:
        thinnest, where = walls.thinnest(elsewhere)
        if thinnest < MIN_DETAIL_MM - TOLERANCE_MM:
            found.append(Finding(Severity.WARNING, "setting", thinnest, MIN_DETAIL_MM,
                                 f"metal {thinnest:.2f} mm thin{_at(where)} beside the seats may not fill",
                                 "choose thicker prongs (prong_mm) or a larger stone"))
    narrowest, where = walls.narrowest()
    if narrowest < MIN_GAP_MM - TOLERANCE_MM:
        region = "ring" if model.band is not None else "pendant"
        found.append(Finding(Severity.WARNING, region, narrowest, MIN_GAP_MM,
                             f"a gap of {narrowest:.2f} mm{_at(where)} is too narrow for the investment",
                             "move the parts apart or join them; the workshop may have to open it by hand"))
    return found


def _prong_findings(design: Design) -> list[Finding]:
    """The centre stone's prongs against the trade table for its size, and the free-standing minimum."""
    setting = design.effective_setting
    if setting is None or setting.style is SettingStyle.BEZEL:
        return []
    stone = design.stone
    size = min(stone.length_mm, stone.outline_width_mm)
    braced = setting.style is SettingStyle.HALO  # the halo's rim braces its prongs
    default = default_prong_mm(stone, setting.style)
    diameter = setting.prong_mm or default
    table = accent_prong_mm(size)
    if diameter < table - TOLERANCE_MM:
        return [Finding(Severity.BLOCKING, "setting.prong_mm", diameter, table,
                        f"prongs of {diameter:.2f} mm are thinner than the trade table gives for a {size:.1f} mm stone",
                        f"make prong_mm at least {table:.1f} (unset, it is {default:.2f})")]
    limit = SUPPORTED_PRONG_MIN_MM if braced else CENTRE_PRONG_MIN_MM
    if diameter < limit - TOLERANCE_MM:
        return [Finding(Severity.WARNING, "setting.prong_mm", diameter, limit,
                        f"{'braced' if braced else 'free-standing'} prongs under {limit:.1f} mm bend in wear",
                        f"make prong_mm at least {limit:.1f} (unset, it is {default:.2f})")]
    return []


def _seat_findings(design: Design, model: Model) -> list[Finding]:
    """Seats: metal rising over the centre stone's girdle to hold it, and room round every stone to set it."""
    found: list[Finding] = []
    if model.stone_parts and model.girdle_z is not None:
        centre = model.stone_parts[0]
        crown = float(centre.mesh.bounds[1, 2]) - model.girdle_z
        low, high = centre.mesh.bounds
        reach = 0.5 + max(SUPPORTED_PRONG_MIN_MM, design.effective_setting.prong_mm or 0.0)
        points = model.metal.vertices
        over = ((points[:, 0] > low[0] - reach) & (points[:, 0] < high[0] + reach)
                & (points[:, 1] > low[1] - reach) & (points[:, 1] < high[1] + reach))
        grip = float(points[over, 2].max()) - model.girdle_z if over.any() else 0.0
        needed = MIN_GRIP_SHARE * crown
        if grip < needed - TOLERANCE_MM:
            found.append(Finding(Severity.BLOCKING, "setting.style", grip, needed,
                                 f"the metal rises only {grip:.2f} mm over the girdle, too little to hold the stone",
                                 "choose a setting that covers the crown (prong or bezel)"))
    for index, part in enumerate(model.stone_parts):
        clearance = part.solid.min_gap(model.solid, MIN_SEAT_CLEARANCE_MM * 2)
        if clearance < MIN_SEAT_CLEARANCE_MM:
            name = "stone" if part.role == "centre" else f"accent stone {index}"
            found.append(Finding(Severity.WARNING, "setting", clearance, MIN_SEAT_CLEARANCE_MM,
                                 f"the {name} touches the metal: the setter will have to open its seat",
                                 "choose another setting or stone shape, or have the seat opened after casting"))
            break
    if design.ring is not None and model.band is not None:
        deepest = min(float(np.hypot(part.mesh.vertices[:, 0], part.mesh.vertices[:, 2]).min())
                      for part in model.stone_parts) if model.stone_parts else np.inf
        room = deepest - model.band.inner_radius_mm
        if room < MIN_FINGER_CLEARANCE_MM - TOLERANCE_MM:
            found.append(Finding(Severity.BLOCKING, "ring.thickness_mm", room, MIN_FINGER_CLEARANCE_MM,
                                 "a stone's culet comes through to the finger",
                                 f"make thickness_mm at least {design.ring.thickness_mm + MIN_FINGER_CLEARANCE_MM - room:.2f}"))
    return found


def _accent_findings(design: Design, model: Model) -> list[Finding]:
    """Accent stones set so close together that setting one would chip its neighbour (a channel's stones
    abut by design and are left out)."""
    accents = [part for part in model.stone_parts if part.role == "accent"]
    if len(accents) < 2 or design.effective_setting.style is SettingStyle.CHANNEL:
        return []
    centres = np.array([part.mesh.bounds.mean(axis=0) for part in accents])
    apart = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(apart, np.inf)
    closest = min(
        accents[i].solid.min_gap(accents[j].solid, MIN_ACCENT_GAP_MM)
        for i in range(len(accents))
        for j in np.argsort(apart[i])[:2]
    )
    if closest < MIN_ACCENT_GAP_MM - TOLERANCE_MM:
        return [Finding(Severity.BLOCKING, "setting.style", closest, MIN_ACCENT_GAP_MM,
                        f"accent stones {closest:.2f} mm apart would chip each other when set",
                        "choose a larger piece or fewer, smaller accent stones")]
    return []


def _setting_findings(design: Design, model: Model, metal, walls: Scan) -> list[Finding]:
    """Findings about what holds the stones: channel walls, metal under pavé, a pendant's plate."""
    found: list[Finding] = []
    setting = design.effective_setting
    style = setting.style.value if setting is not None else None
    if design.ring is not None and style == "channel":
        wall = (design.ring.width_mm - channel_size(design.ring.width_mm)) / 2
        if wall < metal.min_wall_mm - TOLERANCE_MM:
            found.append(Finding(Severity.BLOCKING, "ring.width_mm", wall, metal.min_wall_mm,
                                 "the channel's walls are too thin to hold the stones",
                                 f"make width_mm at least {1.0 + 2 * CHANNEL_WALL_MM:.1f} or choose pave"))
    if design.ring is not None and style == "pave":
        _, size = pave_layout(design.ring.width_mm)
        depth = 0.62 * size + 0.05
        under = model.band.section.min_wall_mm - depth if model.band is not None else design.ring.thickness_mm
        if under < metal.min_wall_mm - TOLERANCE_MM:
            found.append(Finding(Severity.WARNING, "ring.thickness_mm", under, metal.min_wall_mm,
                                 "little metal is left under the pave seats (they are drilled through)",
                                 f"make thickness_mm at least {design.ring.thickness_mm + metal.min_wall_mm - under:.2f}"))
    if design.pendant is not None and model.plate is not None:
        plate, where = walls.thinnest(walls.centres[:, 2] <= model.plate.thickness + 0.05)
        if not np.isfinite(plate):
            plate, where = design.pendant.thickness_mm, None
        if plate < metal.min_wall_mm - TOLERANCE_MM:
            whole = design.pendant.thickness_mm < metal.min_wall_mm - TOLERANCE_MM  # not just beside its seats
            found.append(Finding(Severity.BLOCKING if whole else Severity.WARNING, "pendant.thickness_mm", plate, metal.min_wall_mm,
                                 f"the plate measures {plate:.2f} mm{_at(where)}, thinner than castable metal",
                                 f"make thickness_mm at least {design.pendant.thickness_mm + metal.min_wall_mm - plate:.2f}"))
        if design.stone is not None and model.plate is not None:
            outline = model.plate.outline
            room = min(outline[:, 0].max() - outline[:, 0].min(), outline[:, 1].max() - outline[:, 1].min())
            needed = max(design.stone.length_mm, design.stone.outline_width_mm) + 2 * metal.min_wall_mm
            if room < needed - TOLERANCE_MM:
                found.append(Finding(Severity.WARNING, "pendant.size_mm", room, needed,
                                     "the stone and its setting overhang the plate",
                                     "make the pendant larger or the stone smaller"))
    return found
