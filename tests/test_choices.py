"""Choice pictures: every setting style, stone shape and band profile has a valid example made from a preset, and a
picture that shows what the choice changes (the head, the stone's outline, the band's section), made from the client's
own design where it takes the choice."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from configurator import choices
from configurator.budget import castable
from configurator.design import Profile, SettingStyle, Shape
from configurator.documents import parse_design
from configurator.errors import DesignError
from configurator.geometry import build
from configurator.presets import preset, presets
from configurator.profiles import band_section
from configurator.renders import BACKGROUND, STONE_TILT_DEG, thumbnail_png
from configurator.solids import PREVIEW, polygon_area, to_trimesh
from configurator.stones import modelled_carat, stone_solid

EVERY = [(kind, value) for kind in choices.KINDS for value in choices.options(kind)]


def pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB")).astype(int)


def drawn(png: bytes) -> np.ndarray:
    """Where the picture is not its white background."""
    return np.abs(pixels(png) - np.array(BACKGROUND)).sum(axis=2) > 24


def box(mask: np.ndarray) -> tuple[int, int]:
    """The drawn part's height and width, pixels."""
    rows, columns = np.nonzero(mask)
    return rows.max() - rows.min() + 1, columns.max() - columns.min() + 1


def test_the_kinds_and_their_choices_are_the_documents():
    assert choices.KINDS == ("style", "shape", "profile")
    assert choices.options("style") == [style.value for style in SettingStyle]
    assert choices.options("shape") == [shape.value for shape in Shape]
    assert choices.options("profile") == [profile.value for profile in Profile]
    with pytest.raises(ValueError, match="choose one of: style, shape, profile"):
        choices.options("colour")
    with pytest.raises(ValueError, match="'octagon' is not a shape; choose one of: round, oval"):
        choices.picture("shape", "octagon")


def test_every_choice_has_words_for_a_client():
    for kind, value in EVERY:
        assert choices.label(kind, value)[:1].isupper()
        assert (choices.hint(kind, value) is None) == (kind == "shape")
    assert choices.label("style", SettingStyle.PAVE) == choices.label("style", "pave") == "Pavé"
    assert choices.label("profile", "comfort") == "Comfort fit (court)"
    assert len({choices.label(kind, value) for kind, value in EVERY}) == len(EVERY)


@pytest.mark.parametrize(("kind", "value"), EVERY)
def test_every_example_is_its_preset_with_the_choice_made(kind, value):
    example = choices.example(kind, value)
    assert parse_design(example.to_dict()) == example  # a valid document
    base = preset(choices.PRESETS[kind])
    assert example.metal == base.metal and example.ring.size == base.ring.size
    if kind == "style":
        assert example.setting.style.value == value and example.stone == base.stone
    elif kind == "shape":
        assert example.stone.shape.value == value and example.setting == base.setting
        assert modelled_carat(example.stone) == pytest.approx(modelled_carat(base.stone), abs=0.01)  # a 1 ct stone
    else:
        assert example.ring.profile.value == value
        assert example.ring.model_copy(update={"profile": base.ring.profile}) == base.ring


@pytest.mark.slow  # builds and checks every example
@pytest.mark.parametrize(("kind", "value"), EVERY)
def test_every_example_casts(kind, value):
    assert castable(choices.example(kind, value))


@pytest.mark.parametrize("kind", choices.KINDS)
def test_every_choice_has_its_own_picture(kind):
    pictures = {value: choices.picture(kind, value) for value in choices.options(kind)}
    for value, png in pictures.items():
        assert Image.open(io.BytesIO(png)).size == (choices.PICTURE_PX, choices.PICTURE_PX)
        assert drawn(png).mean() > 0.04, value  # not blank
        assert drawn(png)[[0, -1], :].sum() + drawn(png)[:, [0, -1]].sum() < 4 * choices.PICTURE_PX  # framed
    arrays = [pixels(png) for png in pictures.values()]
    for first in range(len(arrays)):
        for second in range(first + 1, len(arrays)):
            assert np.abs(arrays[first] - arrays[second]).sum(axis=2).astype(bool).mean() > 0.005
    assert choices.picture(kind, choices.options(kind)[0]) is pictures[choices.options(kind)[0]]  # kept once made
    assert Image.open(io.BytesIO(choices.picture(kind, choices.options(kind)[0], 96))).size == (96, 96)


@pytest.mark.parametrize("shape", list(Shape))
def test_a_shapes_picture_is_its_stone_seen_from_above(shape):
    stone = choices.example("shape", shape).stone
    assert stone.shape is shape
    points = to_trimesh(stone_solid(stone), for_file=False).vertices
    tilt = np.radians(STONE_TILT_DEG)
    across = np.ptp(points[:, 0])
    upward = np.ptp(points[:, 1] * np.cos(tilt) + points[:, 2] * np.sin(tilt))
    height, width = box(drawn(choices.picture("shape", shape)))
    scale = choices.PICTURE_PX * 0.9 / (max(np.ptp(points[:, 0]), np.ptp(points[:, 1])) * 1.2)  # px per mm
    assert width == pytest.approx(across * scale, abs=3)
    assert height == pytest.approx(upward * scale, abs=3)


@pytest.mark.parametrize("profile", list(Profile))
def test_a_profiles_picture_is_the_bands_section(profile):
    ring = choices.example("profile", profile).ring
    section = band_section(profile, 0.0, ring.width_mm, ring.thickness_mm, PREVIEW).points
    mask = drawn(choices.picture("profile", profile))
    height, width = box(mask)
    assert width / height == pytest.approx(ring.width_mm / ring.thickness_mm, rel=0.04)  # across the band, outside up
    filled = mask.sum() / (height * width)
    assert filled == pytest.approx(polygon_area(section) / (ring.width_mm * ring.thickness_mm), abs=0.03)
    top, bottom = mask[np.nonzero(mask.any(axis=1))[0][[2, -3]]]
    middle = (np.nonzero(top)[0].min() + np.nonzero(top)[0].max()) // 2
    if profile in (Profile.FLAT, Profile.BEVELLED):
        assert top.sum() > 0.6 * width  # flat across the top (a bevel cuts its edges)
    elif profile is Profile.CONCAVE:
        assert not top[middle] and top.sum() < 0.2 * width  # its edges stand above the dish
    else:
        assert top[middle] and top.sum() < 0.6 * width  # a dome or a ridge
    assert (bottom.sum() < 0.9 * width) == (profile is Profile.COMFORT)  # only a comfort fit is rounded inside


def test_a_picture_is_made_from_her_design_where_it_takes_the_choice():
    hers = presets()["Channel-set shoulders"]  # a blue sapphire oval in white gold on a 3.2 mm flat band
    stone = drawn(choices.picture("shape", "pear", design=hers))
    blue = pixels(choices.picture("shape", "pear", design=hers))[stone].mean(axis=0)
    assert blue[2] > blue[0] + 30  # her sapphire, not the example's diamond
    assert choices.variant(hers, "shape", "pear").stone.material == "sapphire"
    assert choices.picture("style", "bezel", design=hers) != choices.picture("style", "bezel")
    height, width = box(drawn(choices.picture("profile", "flat", design=hers)))
    assert width / height == pytest.approx(3.2 / 2.0, rel=0.04)  # her band's section, not the example's 4 x 1.8


def test_a_choice_her_design_cannot_take_shows_the_example_in_her_metal():
    hers = preset("three-stone")  # side stones stand only beside prongs or a bezel
    assert choices.offered("style", hers) == ["prong", "bezel"]
    with pytest.raises(DesignError):
        choices.variant(hers, "style", "halo")
    in_her_metal = parse_design({**choices.example("style", "halo").to_dict(), "metal": hers.metal})
    assert choices.picture("style", "halo", design=hers) == choices.picture("style", "halo", design=in_her_metal)
    pendant = preset("bezel-pendant")
    assert choices.offered("profile", pendant) == []
    assert choices.offered("shape", pendant) == choices.options("shape")


def test_a_variant_is_the_design_pages_change():
    hers = preset("milgrain-solitaire")  # a bezel with beads round its rim
    prongs = choices.variant(hers, "style", "prong")
    assert prongs.setting.style is SettingStyle.PRONG and prongs.setting.milgrain is None  # a prong has no rim
    knife = choices.variant(preset("half-eternity"), "profile", "flat")
    assert knife.ring.profile is Profile.FLAT and knife.ring.eternity is not None
    with pytest.raises(DesignError, match="ring.eternity: a row of stones needs a band with a flat or rounded top"):
        choices.variant(preset("half-eternity"), "profile", "knife-edge")
    oval = choices.variant(preset("three-stone"), "shape", "round")
    assert modelled_carat(oval.stone) == pytest.approx(modelled_carat(preset("three-stone").stone), abs=0.01)


def test_a_style_picture_shows_the_head_close_up():
    example = choices.example("style", "halo")  # white stones on yellow gold
    close = pixels(choices.picture("style", "halo"))
    whole = pixels(thumbnail_png(build(example, PREVIEW), choices.PICTURE_PX))
    stones = [((np.abs(image[..., 0] - image[..., 2]) < 25) & (np.abs(image - np.array(BACKGROUND)).sum(axis=2) > 24))
              .sum() for image in (close, whole)]
    assert stones[0] > 1.5 * stones[1]  # the stones seen closer than in the whole ring's thumbnail
    assert drawn(choices.picture("style", "halo"))[-1].any()  # the shank runs out of the picture at the bottom
