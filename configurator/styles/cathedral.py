"""Cathedral: the centre in prongs, two arches rising from the shoulders to the underside of its head."""

from __future__ import annotations

from ..design import Setting, SettingStyle
from ..forms import StoneForm
from ..settings import Parts, Support
from ..shoulders import BandTop, cathedral
from ..solids import subtract, union
from . import Style, prong


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return prong.head(form, setting, support, precut)  # the prong style's head: count and tips as chosen


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    arches = cathedral(top, form, girdle_z)
    return Parts([subtract(union(arches.metal), held.seats)])  # the arches stop at the stone's seat


STYLE = Style(SettingStyle.CATHEDRAL, head, prongs=4, shoulders=shoulders)
