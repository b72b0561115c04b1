"""Cathedral: the centre in prongs, two arches rising from the shoulders to the underside of its head."""

from __future__ import annotations

from ..design import Setting, SettingStyle
from ..settings import Parts, StoneForm, Support, prongs
from ..shoulders import BandTop, cathedral
from ..solids import subtract, union
from . import Style


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return prongs(form, setting.prong_count, setting.tips.value == "claw", support, setting.prong_mm, precut)


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    arches = cathedral(top, form, girdle_z)
    return Parts([subtract(union(arches.metal), held.seats)])  # the arches stop at the stone's seat


STYLE = Style(SettingStyle.CATHEDRAL, head, prongs=4, shoulders=shoulders)
