"""Pavé: the centre in four prongs, small round stones in drilled seats along the shoulders (round a pendant's
plate), held by beads raised between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..design import Design, Setting, SettingStyle
from ..findings import metal_under_seats
from ..heads import Parts, Support
from ..pendants import Plate, border
from ..rows import BEAD_RADIUS_MM
from ..shoulders import BandTop, pave, pave_beads, pave_metal_under_mm
from ..stone_forms import StoneForm
from .prong import four_round_prongs
from .style import Style

if TYPE_CHECKING:
    from ..catalogue import Metal
    from ..findings import Finding
    from ..model import Model
    from ..walls import Scan

LEAST_BAND_MM = 2.2  # 1 mm stones and their beads


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return four_round_prongs(form, setting, support, precut)


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    return pave(top)


def plate_border(plate: Plate, keep_clear: float) -> Parts:
    return border(plate, keep_clear, pave_beads=True)


def findings(design: Design, model: Model, metal: Metal) -> list[Finding]:
    """Metal left under the seats' points, down to the finger, against the alloy's thinnest wall: the stones are sized
    to leave the casting minimum (`shoulders.pave_layout`), but on a band too thin for the smallest of them the fix is
    the band thick enough to."""
    if design.ring is None or model.band is None:
        return []
    under = pave_metal_under_mm(model.band)
    return metal_under_seats(design.ring, metal, under, "the pave seats", "under the pave stones", "pave-under")


# Faces this far past a bead's surface are its own: the crease where it meets the band's top.
BEAD_CREASE_MM = 0.05


def raised(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """The faces of the beads on a ring's shoulders and the creases round them: raised detail (0.6 mm beads, over the
    0.35 mm of PRODUCT.md), judged as detail by the check, not as walls of the band under them."""
    from scipy.spatial import cKDTree  # the check's alone: a quote loads no scipy

    if model.band is None:
        return np.zeros(len(walls.centres), dtype=bool)
    boxes = np.array([bead.bounding_box() for bead in pave_beads(BandTop.of(model.band))]).reshape(-1, 6)
    near, _ = cKDTree((boxes[:, :3] + boxes[:, 3:]) / 2).query(walls.centres,
                                                               distance_upper_bound=BEAD_RADIUS_MM + BEAD_CREASE_MM)
    return np.isfinite(near)


STYLE = Style(SettingStyle.PAVE, head, shoulders=shoulders, border=plate_border, accent_labour="pave",
              findings=findings, raised=raised, in_band=True, least_band_mm=LEAST_BAND_MM,
              label="Pavé", hint="small stones set into the shoulders, held by tiny beads")
