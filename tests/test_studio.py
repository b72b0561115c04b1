"""The viewer's studio light (webapp/studio.py), read back from its bytes by a reader of the tests' own."""

from __future__ import annotations

import numpy as np
import pytest

from webapp import studio


def read_hdr(data: bytes) -> np.ndarray:
    """A Radiance .hdr (RGBE, -Y H +X W; flat or new-style run-length scanlines) as floats (H x W x 3)."""
    header, _, rest = data.partition(b"\n\n")
    lines = header.split(b"\n")
    assert lines[0] in (b"#?RADIANCE", b"#?RGBE")
    assert b"FORMAT=32-bit_rle_rgbe" in lines
    size, _, body = rest.partition(b"\n")
    y_sign, height, x_sign, width = size.split()
    assert (y_sign, x_sign) == (b"-Y", b"+X")
    height, width = int(height), int(width)
    pixels = np.zeros((height, width, 4), dtype=np.uint8)
    at = 0
    for row in range(height):
        if body[at:at + 2] == b"\x02\x02" and (body[at + 2] << 8 | body[at + 3]) == width:
            at += 4
            for channel in range(4):
                column = 0
                while column < width:
                    count = body[at]
                    at += 1
                    if count > 128:
                        count -= 128
                        pixels[row, column:column + count, channel] = body[at]
                        at += 1
                    else:
                        assert count > 0
                        pixels[row, column:column + count, channel] = np.frombuffer(body[at:at + count], np.uint8)
                        at += count
                    column += count
                assert column == width
        else:
            pixels[row] = np.frombuffer(body[at:at + 4 * width], np.uint8).reshape(width, 4)
            at += 4 * width
    assert at == len(body), "bytes left over after the last scanline"
    exponent = pixels[..., 3].astype(np.int32)
    scale = np.where(exponent > 0, np.ldexp(1.0, exponent - (128 + 8)), 0.0)
    return (pixels[..., :3] + 0.5) * scale[..., None] * (exponent[..., None] > 0)


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return read_hdr(studio.studio_hdr())


def test_the_file_is_an_equirectangular_hdr_of_the_size_asked(image):
    assert image.shape == (512, 1024, 3)
    assert len(studio.studio_hdr()) < 1_500_000
    small = read_hdr(studio.studio_hdr(256, 128))
    assert small.shape == (128, 256, 3)
    with pytest.raises(ValueError):
        studio.studio_hdr(300, 100)


def test_it_is_the_same_every_time():
    first = studio.studio_hdr()
    again = studio.encode_hdr(studio.rgbe(studio.radiance(1024, 512)))  # made anew, not the cached bytes
    assert first == again


def test_the_light_is_neutral_grey(image):
    lit = image.max(axis=-1) > 0
    assert lit.all()
    spread = image.max(axis=-1) / image.min(axis=-1)
    assert spread.max() <= 1.05


def test_the_soft_boxes_are_the_brightest_by_the_factor_intended(image):
    luminance = image[..., 1]
    directions = studio.pixel_directions(1024, 512)
    lit = np.zeros(luminance.shape, dtype=bool)
    for light in studio.LIGHTS:
        weight = studio.light_weight(light, directions)
        assert not (lit & (weight > 0)).any(), f"{light.name} overlaps another light"
        lit |= weight > 0
        row, column = studio.pixel_of(light.direction, 1024, 512)
        ratio = luminance[row, column] / studio.SURROUND
        assert ratio == pytest.approx(light.times_surround, rel=0.02)
        assert 20 <= ratio <= 50, light.name
        # the box is flat inside its soft edge
        inside = weight > 0.999
        assert inside.sum() > 50
        assert luminance[inside].min() >= 0.97 * light.radiance
    surround = luminance[~lit]
    assert surround.max() <= 1.3 * studio.SURROUND  # nothing else is bright: the walls and the ceiling are dim
    walls = luminance[171:256][~lit[171:256]]  # from the horizon to 30 degrees up
    assert np.median(walls) == pytest.approx(studio.SURROUND, rel=0.15)
    assert luminance.max() <= 50 * studio.SURROUND
    # the floor is darker than the walls, the walls a little darker than the ceiling
    assert luminance[-1].mean() == pytest.approx(studio.FLOOR, rel=0.02)
    assert luminance[-1].mean() < 0.5 * luminance[255, ~lit[255]].mean()
    assert luminance[0].mean() > luminance[255, ~lit[255]].mean()
    # the brightest hundredth of the picture is all light
    brightest = luminance >= np.quantile(luminance, 0.99)
    assert lit[brightest].all()


def test_the_lights_stand_where_a_jeweller_puts_them():
    by_name = {light.name: light for light in studio.LIGHTS}
    key, fill, top, strip = (by_name[name] for name in ("key", "fill", "top", "strip"))
    assert key.direction[0] < 0 < fill.direction[0]  # to either side of the camera
    assert min(key.direction[1], fill.direction[1]) > 0.3 and top.direction[1] > 0.8  # above
    assert key.direction[2] > 0 and fill.direction[2] > 0  # on the camera's side of the piece
    assert strip.direction[2] < -0.9 and strip.half_height_deg > 5 * strip.half_width_deg  # a tall strip behind


def test_write_studio_hdr_writes_the_file_whole(tmp_path):
    target = studio.write_studio_hdr(tmp_path / "studio.hdr")
    assert target.read_bytes() == studio.studio_hdr()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["studio.hdr"]
