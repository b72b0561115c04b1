"""Where a point of a built piece is, in the words a finding uses: "the left shoulder", "the prong at 2 o'clock",
"the bail"."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .design import Design
from .heads import prong_angles
from .outlines import pendant_outline
from .styles import prong_count, style_of

if TYPE_CHECKING:
    from .model import Model


def clock(x: float, y: float) -> int:
    """The hour on a clock face seen from above (+Z) with 12 at +Y and 3 at +X."""
    hour = round(math.degrees(math.atan2(x, y)) / 30.0) % 12
    return 12 if hour == 0 else hour


def _head_part(design: Design, point: np.ndarray, centre: np.ndarray) -> str:
    """The part of the setting at `point` (in the piece's frame; `centre` is the stone's centre)."""
    setting = design.effective_setting
    x, y = float(point[0] - centre[0]), float(point[1] - centre[1])
    hour = clock(x, y)
    stone = design.stone
    if setting is None or stone is None:
        return f"the piece at {hour} o'clock"
    half_length, half_width = stone.length_mm / 2, stone.outline_width_mm / 2
    # Where the girdle is in this direction: the outline's box stretched to an ellipse is close enough to name it.
    angle = math.atan2(y, x)
    girdle = 1.0 / math.hypot(math.cos(angle) / half_width, math.sin(angle) / half_length)
    radius = math.hypot(x, y)
    style = style_of(setting.style)
    if style.named == "head" and style.prong_mm and radius < girdle + 1.2:  # a head of prongs on a gallery rail
        for prong in prong_angles(stone.shape, prong_count(setting) or 4):
            target = math.atan2(math.sin(prong) * half_length, math.cos(prong) * half_width)
            if abs((angle - target + math.pi) % (2 * math.pi) - math.pi) < math.radians(20):
                return f"the prong at {hour} o'clock"
        return f"the gallery at {hour} o'clock"
    return f"the {style.named} at {hour} o'clock"


def place(design: Design, model: Model, point: np.ndarray | None) -> str:
    """Where `point` is, named by part: "the left shoulder", "the prong at 2 o'clock", "the bail"."""
    if point is None:
        return ""
    x, y, z = (float(v) for v in point)
    if model.band is not None:
        outer = model.band.inner_radius_mm + design.ring.thickness_mm
        if design.stone is not None and z > 0 and (math.hypot(x, z) > outer + 0.1 or abs(y) > design.ring.width_mm / 2):
            return _head_part(design, point, np.zeros(2))
        side = "left" if x < 0 else "right"
        around = abs(math.degrees(math.atan2(x, z)))  # 0 at the top, 180 at the bottom of the shank
        if around > 135:
            return "the bottom of the shank"
        if around > 45:
            return f"the {side} side of the shank"
        return f"the {side} shoulder" if design.stone is not None else "the top of the band"
    plate = model.plate
    if plate is None:
        return ""
    if y > plate.top_y - 0.3:
        return "the bail"
    if z > plate.thickness + 0.05 and design.stone is not None:
        return _head_part(design, point, plate.stone_centre)
    outline = pendant_outline(design.pendant.outline, design.pendant.size_mm)
    reach = float(min(outline[:, 0].max(), outline[:, 1].max()))
    return "the middle of the plate" if math.hypot(x, y) < 0.5 * reach else f"the plate's edge at {clock(x, y)} o'clock"


def at(design: Design, model: Model, point: np.ndarray | None) -> str:
    """" at the left shoulder", to follow a measure; nothing where `point` has no name."""
    named = place(design, model, point)
    return f" at {named}" if named else ""
