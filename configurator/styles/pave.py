"""Pavé: the centre in four prongs, small round stones in drilled seats along the shoulders (round a pendant's
plate), held by beads raised between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design import Design, Setting, SettingStyle
from ..findings import metal_under_seats
from ..heads import Parts, Support
from ..pendants import Plate, border
from ..shoulders import BandTop, pave, pave_layout, pave_seat_depth_mm
from ..stone_forms import StoneForm
from .prong import four_round_prongs
from .style import Style

if TYPE_CHECKING:
    from ..catalogue import Metal
    from ..findings import Finding
    from ..model import Model

LEAST_BAND_MM = 2.2  # 1 mm stones and their beads


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return four_round_prongs(form, setting, support, precut)


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    return pave(top)


def plate_border(plate: Plate, keep_clear: float) -> Parts:
    return border(plate, keep_clear, pave_beads=True)


def findings(design: Design, model: Model, metal: Metal) -> list[Finding]:
    """Metal left under the drilled seats, against the alloy's thinnest wall."""
    if design.ring is None:
        return []
    depth = pave_seat_depth_mm(pave_layout(design.ring.width_mm)[1])
    under = model.band.section.min_wall_mm - depth if model.band is not None else design.ring.thickness_mm
    return metal_under_seats(design.ring, metal, under, "the pave seats", "under the pave stones", "pave-under")


STYLE = Style(SettingStyle.PAVE, head, shoulders=shoulders, border=plate_border, accent_labour="pave",
              findings=findings, in_band=True, least_band_mm=LEAST_BAND_MM,
              label="Pavé", hint="small stones set into the shoulders, held by tiny beads")
