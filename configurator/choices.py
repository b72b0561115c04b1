"""Choice pictures: each setting style, stone shape and band profile as a small picture a client chooses by, with its
name in her words; each picture made from a valid design, one of the store's presets with that choice made.

What a picture shows is what the choice changes: a style, the ring's head and shoulders close up; a shape, the loose
stone seen from above its table; a profile, the band's cross-section (outside up, finger side down), which says more
than a whole band, whose profiles look alike from outside at this size. A choice is made as the Design page's own
control makes it (`features.centre`'s style and shape, the band's profile with what follows), so a picture made from
the client's own design (`picture(..., design=hers)`) is the design she would get by choosing it; where her design
cannot take the choice (a ridged band under an eternity row, a pendant's profile, a halo beside side stones) the
preset's example stands in, in her metal (`offered` says which choices her design takes).

Pictures are kept once made, a process's (`functools.lru_cache`): by the design they are drawn from, so a client's
own asks only for what her design changes (a style builds her ring in that style; a shape draws one stone; a profile
one section).
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING

from .design import Choice, Design, Profile, SettingStyle, Shape
from .documents import parse_design
from .errors import DesignError
from .features.centre import CONTROLS, leave_stock
from .features.feature import Edit
from .features.milgrain import fit_band
from .features.side_stones import follow_the_centre, unshare
from .geometry import build
from .presets import preset
from .profiles import band_section
from .renders import head_png, section_png, stone_png
from .solids import PREVIEW
from .styles import style_of

if TYPE_CHECKING:
    from .design import Stone

KINDS = ("style", "shape", "profile")
# The choices of each kind, in the order the Design page lists them.
CHOICES: dict[str, type[Choice]] = {"style": SettingStyle, "shape": Shape, "profile": Profile}
# The preset each kind's examples are made from: one stone in every style and every shape (a 1 ct round diamond
# solitaire in 18k yellow gold), one plain band in every profile.
PRESETS = {"style": "solitaire-ring", "shape": "solitaire-ring", "profile": "comfort-band"}
# A style's words and what its example needs to cast are its module's (`styles`: a channel's walls need a 2.6 mm band
# in 18k gold); the profiles' and shapes' are here.
LABELS: dict[Choice, str] = {
    Profile.FLAT: "Flat", Profile.HALF_ROUND: "Half-round (D)", Profile.COMFORT: "Comfort fit (court)",
    Profile.KNIFE_EDGE: "Knife-edge", Profile.BEVELLED: "Bevelled", Profile.CONCAVE: "Concave",
    **{shape: shape.value.capitalize() for shape in Shape},
    **{style: style_of(style).label for style in SettingStyle},
}
HINTS: dict[Choice, str] = {
    Profile.FLAT: "flat across the top, square edges",
    Profile.HALF_ROUND: "domed outside, flat inside",
    Profile.COMFORT: "domed outside and rounded inside: slides over the knuckle",
    Profile.KNIFE_EDGE: "a ridge along the top",
    Profile.BEVELLED: "flat on top, its edges cut away at an angle",
    Profile.CONCAVE: "dished along the top",
    **{style: style_of(style).hint for style in SettingStyle},
}
PICTURE_PX = 144
CACHED_PICTURES = 256
_CENTRE = {control.key: control for control in CONTROLS}


def _choice(kind: str, value: str | Choice) -> Choice:
    """`value` as the enum of `kind` (ValueError naming the choices when it is none of them)."""
    if kind not in CHOICES:
        raise ValueError(f"unknown kind of choice {kind!r}; choose one of: {', '.join(KINDS)}")
    try:
        return CHOICES[kind](getattr(value, "value", value))
    except ValueError:
        raise ValueError(f"{value!r} is not a {kind}; choose one of: {', '.join(options(kind))}") from None


def options(kind: str) -> list[str]:
    """The choices of `kind` ("style", "shape" or "profile") as the document writes them, in the Design page's order."""
    if kind not in CHOICES:
        raise ValueError(f"unknown kind of choice {kind!r}; choose one of: {', '.join(KINDS)}")
    return [choice.value for choice in CHOICES[kind]]


def label(kind: str, value: str | Choice) -> str:
    """A choice's name for a client: "Pavé", "Comfort fit (court)", "Princess"."""
    return LABELS[_choice(kind, value)]


def hint(kind: str, value: str | Choice) -> str | None:
    """What a style or a profile is, in a few words for a client; None for a shape (its picture says it)."""
    return HINTS.get(_choice(kind, value))


def variant(design: Design, kind: str, value: str | Choice) -> Design:
    """`design` with the choice made as the Design page's control makes it: a style drops what it does not take (prongs,
    a rim's beads); a shape keeps the stone's carat (the client's own stone its length) and side stones their share of
    it; a profile keeps a taper and beads within the new band. DesignError when the design cannot take it (no centre
    stone for a style or a shape, no band for a profile, or a result the document refuses)."""
    chosen = _choice(kind, value)
    doc = design.to_dict()
    before = copy.deepcopy(doc)
    if kind == "profile":
        if design.ring is None:
            raise DesignError("ring.profile: a pendant has no band to shape")
        doc["ring"]["profile"] = chosen.value
        fit_band(doc["ring"])
    else:
        if design.stone is None:
            raise DesignError(f"stone: a {kind} is a centre stone's; this design has none")
        _CENTRE[kind].apply(Edit(doc, {"size_by": "carat", "parked": {}}, chosen.value))
        follow_the_centre(before, doc)
    unshare(doc)
    leave_stock(before, doc)
    return parse_design(doc)


@functools.cache
def example(kind: str, value: str | Choice) -> Design:
    """The design a choice is shown on when the client has none of her own that takes it: the kind's preset
    (`PRESETS`) with the choice made, on the band it needs to be cast (a style's `example_band_mm`)."""
    chosen = _choice(kind, value)
    made = variant(preset(PRESETS[kind]), kind, chosen)
    band = style_of(chosen).example_band_mm if kind == "style" else None
    if band is not None:
        doc = made.to_dict()
        made = parse_design({**doc, "ring": {**doc["ring"], "width_mm": band}})
    return made


def picture(kind: str, value: str | Choice, size_px: int = PICTURE_PX, design: Design | None = None) -> bytes:
    """A PNG `size_px` square of the choice: made from `design` with the choice (`variant`) where it takes it, else
    from its `example`. A style shows the ring's head and shoulders close up (a pendant whole); a shape the loose
    stone from above its table; a profile the band's cross-section at the design's width and thickness."""
    chosen = _choice(kind, value)
    shown = example(kind, chosen)
    if design is not None:
        try:
            shown = variant(design, kind, chosen)
        except DesignError:  # the example in her metal: her pictures all of one colour
            shown = _in_metal(shown, design.metal)
    if kind == "shape":
        return _stone_picture(shown.stone, size_px)
    if kind == "profile":
        ring = shown.ring
        return _section_picture(ring.profile, ring.width_mm, ring.thickness_mm, shown.metal, size_px)
    return _head_picture(shown, size_px)


def offered(kind: str, design: Design) -> list[str]:
    """The choices of `kind` that `design` can take (its `variant` is a valid design), in `options`' order."""
    found = []
    for value in options(kind):
        try:
            variant(design, kind, value)
        except DesignError:
            continue
        found.append(value)
    return found


@functools.lru_cache(maxsize=CACHED_PICTURES)
def _in_metal(design: Design, metal: str) -> Design:
    return design if design.metal == metal else parse_design({**design.to_dict(), "metal": metal})


@functools.lru_cache(maxsize=CACHED_PICTURES)
def _head_picture(design: Design, size_px: int) -> bytes:
    # Built here at the preview's resolution, apart from the shared geometry cache (`builds`), which keeps the designs
    # clients are pricing and exporting.
    return head_png(build(design, PREVIEW), size_px)


@functools.lru_cache(maxsize=CACHED_PICTURES)
def _stone_picture(stone: Stone, size_px: int) -> bytes:
    return stone_png(stone, size_px)


@functools.lru_cache(maxsize=CACHED_PICTURES)
def _section_picture(profile: Profile, width_mm: float, thickness_mm: float, metal: str, size_px: int) -> bytes:
    section = band_section(profile, 0.0, width_mm, thickness_mm, PREVIEW)
    return section_png(section.points, metal, size_px)
