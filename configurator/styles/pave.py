"""Pavé: the centre in four prongs, small round stones in drilled seats along the shoulders (round a pendant's
plate), held by beads raised between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design import Design, Setting, SettingStyle
from ..pendants import Plate, border
from ..settings import Parts, StoneForm, Support, prongs
from ..shoulders import BandTop, pave, pave_layout, pave_seat_depth_mm
from . import Style

if TYPE_CHECKING:
    from ..catalogue import Metal
    from ..checks import Finding
    from ..geometry import Model

LEAST_BAND_MM = 2.2  # 1 mm stones and their beads


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return prongs(form, 4, False, support, setting.prong_mm, precut)


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    return pave(top)


def plate_border(plate: Plate, keep_clear: float) -> Parts:
    return border(plate, keep_clear, pave_beads=True)


def findings(design: Design, model: Model, metal: Metal) -> list[Finding]:
    """Metal left under the drilled seats, against the alloy's thinnest wall."""
    from ..checks import TOLERANCE_MM, Finding, Severity, thicker_band

    if design.ring is None:
        return []
    _, size = pave_layout(design.ring.width_mm)
    depth = pave_seat_depth_mm(size)
    under = model.band.section.min_wall_mm - depth if model.band is not None else design.ring.thickness_mm
    if under >= metal.min_wall_mm - TOLERANCE_MM:
        return []
    changes = thicker_band(design.ring, design.ring.thickness_mm + metal.min_wall_mm - under)
    return [Finding(Severity.WARNING, "ring.thickness_mm", under, metal.min_wall_mm,
                    "little metal is left under the pave seats (they are drilled through)",
                    f"make thickness_mm at least {changes[0][1]:.2f}", changes, "under the pave stones",
                    kind="pave-under")]


STYLE = Style(SettingStyle.PAVE, head, shoulders=shoulders, border=plate_border, accent_labour="pave",
              findings=findings, in_band=True, least_band_mm=LEAST_BAND_MM)
