"""The design matrix: a document for every family of piece the configurator makes, sized across the ring sizes.

Solitaires and pendants (12 shapes x 6 setting styles, on every band profile or pendant outline), three-stone rings
(12 side-stone shapes x prong/bezel; 9 sharing prongs with the centre), side-stone rows (graduated, in prongs, bezels or a channel) and eternity bands
(6 shapes x 3 settings x full/three-quarter/half). Rings of the newer families run through US 3 to US 13 and the
band profiles that can hold them. The tests judge every one (one watertight body, stones seated and apart, files
clean); `bench.matrix` times them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

from .design import SHARING_CENTRE_SHAPES, SHARING_SIDE_SHAPES, Bail, Eternity, Outline, Profile, SettingStyle, Shape

US_SIZES = (3, 5, 7, 9, 11, 13)
ROUNDED_PROFILES = ("comfort", "flat", "half-round", "bevelled")  # those a row of stones can sit on
ROW_STONES = {"round": (2.0, None), "oval": (3.0, 2.2), "princess": (2.5, None), "emerald": (3.0, 2.1),
              "asscher": (2.5, None), "baguette": (3.0, 1.2)}
ROW_SETTINGS = ("shared-prong", "channel", "bezel")
COVERAGES = ("full", "three-quarter", "half")
CHANNEL_ROWS = [(shape, "channel", count) for shape in ("round", "princess", "asscher") for count in (2, 3, 4)]
HEAD_ROWS = [(shape, style, count) for shape in ("round", "princess", "asscher", "cushion", "radiant")
             for style in ("prong", "bezel") for count in (2, 3)]


def solitaires() -> Iterator[dict]:
    """12 shapes x 6 setting styles x 6 band profiles, US 7."""
    for shape, style, profile in itertools.product(Shape, SettingStyle, Profile):
        yield {"piece": "ring", "metal": "18k-yellow",
               "ring": {"size": {"system": "US", "value": 7}, "profile": profile.value, "width_mm": 3.0,
                        "thickness_mm": 1.8},
               "stone": {"shape": shape.value, "length_mm": 6.5}, "setting": {"style": style.value}}


def pendants() -> Iterator[dict]:
    """12 shapes x 6 setting styles x 5 outlines x 2 bails."""
    for shape, style, outline, bail in itertools.product(Shape, SettingStyle, Outline, Bail):
        yield {"piece": "pendant", "metal": "18k-yellow",
               "pendant": {"outline": outline.value, "size_mm": 18.0, "bail": bail.value},
               "stone": {"shape": shape.value, "length_mm": 6.0}, "setting": {"style": style.value}}


def three_stones() -> Iterator[dict]:
    """12 side-stone shapes x prong/bezel, over a prong or bezel centre, across sizes and profiles."""
    for index, (shape, style) in enumerate(itertools.product(Shape, ("prong", "bezel"))):
        yield {"piece": "ring", "metal": "platinum-950",
               "ring": {"size": {"system": "US", "value": US_SIZES[index % len(US_SIZES)]},
                        "profile": ROUNDED_PROFILES[index % 4], "width_mm": 2.5, "thickness_mm": 1.8},
               "stone": {"shape": "round", "length_mm": 6.5}, "setting": {"style": ("prong", "bezel")[index // 2 % 2]},
               "side_stones": {"stone": {"shape": shape.value, "length_mm": 4.0}, "style": style}}




def shared_prongs() -> Iterator[dict]:
    """Three-stone rings whose side stones share prongs with the centre: 5 side shapes x a centre of 4 or 6 prongs;
    the centre's shape, the size and the band profile vary by case."""
    for index, (shape, prongs) in enumerate(itertools.product(SHARING_SIDE_SHAPES, (4, 6))):
        yield {"piece": "ring", "metal": "18k-white",
               "ring": {"size": {"system": "US", "value": US_SIZES[index % len(US_SIZES)]},
                        "profile": list(Profile)[index % len(Profile)].value, "width_mm": 2.5, "thickness_mm": 1.8},
               "stone": {"shape": SHARING_CENTRE_SHAPES[index % len(SHARING_CENTRE_SHAPES)].value, "length_mm": 6.5},
               "setting": {"style": "prong", "prongs": prongs},
               "side_stones": {"stone": {"shape": shape.value, "length_mm": 4.0}, "style": "prong",
                                "shared_prongs": True}}


def side_row(shape: str = "round", style: str = "channel", count: int = 3, length: float = 2.6,
             graduation: float = 0.85, us: float = 7, profile: str = "comfort", width: float | None = None) -> dict:
    """A ring with a graduated row of side stones on each shoulder round a 6.5 mm round centre in prongs."""
    return {"piece": "ring", "metal": "18k-white",
            "ring": {"size": {"system": "US", "value": us}, "profile": profile,
                     "width_mm": width or round(length + 1.6, 2), "thickness_mm": 2.0},
            "stone": {"shape": "round", "length_mm": 6.5}, "setting": {"style": "prong"},
            "side_stones": {"stone": {"shape": shape, "length_mm": length}, "style": style, "count": count,
                            "graduation": graduation}}


def side_row_case(shape: str, style: str, count: int) -> dict:
    """The matrix's row of `count` `shape` stones a side in `style`: size, profile and graduation vary by case; rows
    that reach round past the band's top on a small ring are made on a larger one."""
    index = (CHANNEL_ROWS + HEAD_ROWS).index((shape, style, count))
    us, graduation = (3, 7, 10, 13)[index % 4], (0.8, 0.85, 0.9, 1.0)[index % 3]
    if style != "channel" and count == 3:
        us, graduation = 13, max(graduation, 0.85)
    elif count >= 3:  # three a side in a channel reach 75 degrees round a US 3 band: a size up holds them
        us = max(us, 10 if count == 4 else 4)
    channel = style == "channel"
    return side_row(shape, style, count, 2.6 if channel else 3.0, graduation, us, ROUNDED_PROFILES[index % 4],
                    width=None if channel else 2.6)


def side_rows() -> Iterator[dict]:
    for case in CHANNEL_ROWS + HEAD_ROWS:
        yield side_row_case(*case)


def eternity_band(shape: str = "round", setting: str = "shared-prong", coverage: str = "half", us: float = 7,
                  profile: str = "comfort", thickness: float = 2.2, width: float | None = None, **row) -> dict:
    """An eternity band of `shape` stones (the matrix's usual size for the shape) on the narrowest band that holds
    them (to 0.1 mm, with 0.2 mm to spare) unless `width` is given."""
    from .eternity import band_width_needed  # the geometry (manifold3d): only for an eternity family

    length, across = ROW_STONES[shape]
    stone = {"shape": shape, "length_mm": length, **({"width_mm": across} if across else {})}
    eternity = {"coverage": coverage, "setting": setting, "stone": stone, **row}
    if width is None:
        width = math.ceil((band_width_needed(Eternity.model_validate(eternity)) + 0.2) * 10) / 10
    return {"piece": "ring", "metal": "14k-yellow",
            "ring": {"size": {"system": "US", "value": us}, "profile": profile, "width_mm": width,
                     "thickness_mm": thickness, "eternity": eternity}}


ETERNITY_FAMILIES = list(itertools.product(ROW_STONES, ROW_SETTINGS, COVERAGES))


def eternity_case(shape: str, setting: str, coverage: str) -> dict:
    """The matrix's eternity band of a family: size, profile and thickness vary by case."""
    index = ETERNITY_FAMILIES.index((shape, setting, coverage))
    return eternity_band(shape, setting, coverage, us=(3, 7, 10, 13)[index % 4], profile=ROUNDED_PROFILES[index % 4],
                         thickness=(2.0, 2.2, 2.4)[index % 3])


def eternities() -> Iterator[dict]:
    for family in ETERNITY_FAMILIES:
        yield eternity_case(*family)


FAMILIES = {"solitaire": solitaires, "pendant": pendants, "three-stone": three_stones, "shared-prong": shared_prongs,
            "side-row": side_rows, "eternity": eternities}


def every_design() -> Iterator[tuple[str, dict]]:
    """(family, document) of the whole matrix."""
    for family, designs in FAMILIES.items():
        for doc in designs():
            yield family, doc
