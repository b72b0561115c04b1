"""A halo: the centre in prongs, ringed by small stones bead-set on a rim that braces the prongs."""

from __future__ import annotations

from ..design import Setting, SettingStyle
from ..heads import Parts, Support, halo
from ..stone_forms import StoneForm
from .style import Style


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return halo(form, setting.prongs or STYLE.prongs, support, precut, setting.prong_mm)


STYLE = Style(SettingStyle.HALO, head, prongs=4, braced=True, accent_labour="halo", named="halo",
              label="Halo", hint="a ring of small stones round the centre stone")
