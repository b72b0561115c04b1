"""The centre stone's setting styles: one small module each, one line each in `STYLES`.

A style knows how to build the head round the centre stone (in the stone's frame), what it adds to a ring's shoulders
or round a pendant's plate, which of the document's setting fields it takes, how its accent stones are priced, what
the check measures on it and what the check calls a point on it. Everything that builds, prices, checks or shows a
setting reads it from here. A new style is a module here, its line below, its name in `design.SettingStyle` (the
document's word for it) and its labour rate in the price table.
"""

from __future__ import annotations

from ..design import MIN_BORDERED_BAR_MM, RIDGED_PROFILES, Design, Outline, Piece, Setting, SettingStyle, Stone
from ..heads import Parts, Shared, Support, centre_prong_mm, halo_prong_mm, prongs
from ..stone_forms import StoneForm
from . import bezel, cathedral, channel, halo, pave, prong
from .style import Style

STYLES: dict[SettingStyle, Style] = {style.name: style for style in (
    prong.STYLE, bezel.STYLE, halo.STYLE, channel.STYLE, pave.STYLE, cathedral.STYLE)}


def style_of(name: SettingStyle) -> Style:
    """The style called `name`."""
    return STYLES[name]


def every_style() -> tuple[Style, ...]:
    return tuple(STYLES.values())


def prong_count(setting: Setting) -> int:
    """The prongs the document chose, or its style's usual count (0: none to choose)."""
    return setting.prongs or style_of(setting.style).prongs


def default_prong_mm(stone: Stone, style: SettingStyle) -> float:
    """The centre prongs' diameter when the design leaves it unset: braced (in a halo), or free-standing."""
    return halo_prong_mm(stone) if style_of(style).braced else centre_prong_mm(stone)


def head(stone: Stone, setting: Setting, support: Support, precut: bool = True, shared: Shared | None = None) -> Parts:
    """The head holding the centre stone, in the stone's frame, as its setting style builds it.

    Args:
        stone: the centre stone.
        setting: the style and its prongs.
        support: where the head's posts land.
        precut: cut the head's own seats now (when it will meet a large band), or leave every seat to be
            cut once with its support's (a pendant's plate).
        shared: prongs shared with side stones, which take the place of the head's own prongs they would crowd
            (the document allows them on prong heads only).
    """
    form = StoneForm.of(stone)
    if shared is not None:
        return prongs(form, prong_count(setting), setting.tips.value == "claw", support, setting.prong_mm, precut,
                      shared)
    return style_of(setting.style).head(form, setting, support, precut)


def setting_refusal(setting: Setting) -> str | None:
    """Why the setting asks for what its style has not ("prongs: ...", "milgrain: ..."), or None."""
    style = style_of(setting.style)
    if setting.prongs is not None and not style.prongs:
        return f"prongs: a {setting.style.value} setting has no prongs to choose"
    if setting.prong_mm is not None and not style.prong_mm:
        return f"prong_mm: a {setting.style.value} setting has no prongs"
    if setting.milgrain is not None and not style.rim_milgrain:
        return f"milgrain: a {setting.style.value} setting has no rim to bead (a bezel has)"
    return None


def refusal(design: Design) -> str | None:
    """Why the centre's style does not fit the band or the plate it is on, or None when it does: a style whose stones
    sit in the band's top needs a flat or rounded top and its least width; a border needs a bar long enough."""
    setting = design.setting
    if setting is None:
        return None
    style = style_of(setting.style)
    ring, pendant = design.ring, design.pendant
    if design.piece is Piece.RING:
        if style.in_band and ring.profile in RIDGED_PROFILES:
            return (f"setting.style: {style.name.value} shoulders need a band with a flat or rounded top; a "
                    f"{ring.profile.value} band has none (choose flat, half-round, comfort or bevelled)")
        if ring.width_mm < style.least_band_mm - 1e-9:
            return (f"ring.width_mm: {style.name.value} shoulders need a band at least {style.least_band_mm:g} mm wide "
                    f"for their stones, not {ring.width_mm:g} mm")
    elif style.border is not None and pendant.outline is Outline.BAR and pendant.size_mm < MIN_BORDERED_BAR_MM - 1e-9:
        return (f"pendant.size_mm: a bar pendant with a {setting.style.value} border is at least "
                f"{MIN_BORDERED_BAR_MM:g} mm long (its border stones need the width), not {pendant.size_mm:g} mm")
    return None
