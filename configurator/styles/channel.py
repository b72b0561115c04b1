"""Channel: the centre in four prongs, round accent stones in a groove along each shoulder (a channel round a
pendant's plate), the band's walls holding their girdles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design import Design, Ring, Setting, SettingStyle
from ..findings import TOLERANCE_MM, Finding, Severity
from ..heads import Parts, Support
from ..pendants import Plate, border
from ..shoulders import BandTop, channel, channel_size
from ..stone_forms import StoneForm
from .prong import four_round_prongs
from .style import Style

if TYPE_CHECKING:
    from ..catalogue import Metal
    from ..model import Model


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return four_round_prongs(form, setting, support, precut)


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    return channel(top)


def plate_border(plate: Plate, keep_clear: float) -> Parts:
    return border(plate, keep_clear, pave_beads=False)


def wider_band_mm(ring: Ring, wall: float, tolerance: float) -> float:
    """The narrowest band (to 0.1 mm) whose channel leaves walls of `wall` each side."""
    width = ring.width_mm
    while width < 15.0 and (width - channel_size(width)) / 2 < wall - tolerance:
        width = round(width + 0.1, 1)
    return width


def findings(design: Design, model: Model, metal: Metal) -> list[Finding]:
    """The channel's walls either side of its stones, against the alloy's thinnest wall."""
    if design.ring is None:
        return []
    wall = (design.ring.width_mm - channel_size(design.ring.width_mm)) / 2
    if wall >= metal.min_wall_mm - TOLERANCE_MM:
        return []
    wanted = wider_band_mm(design.ring, metal.min_wall_mm, TOLERANCE_MM)
    return [Finding(Severity.BLOCKING, "ring.width_mm", wall, metal.min_wall_mm,
                    "the channel's walls are too thin to hold the stones",
                    f"make the band at least {wanted:.1f} mm wide, or choose pavé", (("ring.width_mm", wanted),),
                    "the channel's walls", kind="channel-wall")]


STYLE = Style(SettingStyle.CHANNEL, head, shoulders=shoulders, border=plate_border, accent_labour="channel",
              abutting=True, findings=findings, in_band=True,
              label="Channel", hint="small stones in a groove along the shoulders", example_band_mm=2.6)
