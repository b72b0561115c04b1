"""A bezel: a wall round the girdle rising over a quarter of the crown, on posts to the band; its rim may be beaded
(milgrain)."""

from __future__ import annotations

from ..design import Setting, SettingStyle
from ..heads import Parts, Support, bezel
from ..stone_forms import StoneForm
from .style import Style


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return bezel(form, support, precut, setting.milgrain)


STYLE = Style(SettingStyle.BEZEL, head, prong_mm=False, flanked=True, named="bezel", rim_milgrain=True,
              label="Bezel", hint="a rim of metal all round the stone: smooth, nothing to catch")
