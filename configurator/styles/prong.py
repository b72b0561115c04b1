"""Prongs: a claw of three, four or six prongs round the stone on a gallery rail, their feet in the band."""

from __future__ import annotations

from ..design import Setting, SettingStyle
from ..heads import Parts, Support, prongs
from ..stone_forms import StoneForm
from .style import Style


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return prongs(form, setting.prongs or STYLE.prongs, setting.tips.value == "claw", support, setting.prong_mm, precut)


def four_round_prongs(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    """The head of a style whose accents fill the shoulders: four round prongs, of the setting's diameter."""
    return prongs(form, 4, False, support, setting.prong_mm, precut)


STYLE = Style(SettingStyle.PRONG, head, prongs=4, flanked=True,
              label="Prongs", hint="claws hold the stone up in the light")
