"""The viewer's light, made here: a photographer's jewellery studio as an equirectangular Radiance HDR (numpy only).

Polished metal shows nothing but what it reflects, so jewellers photograph it in a dim room with large soft boxes: the
boxes are the long bright reflections along a band, the dim grey room the dark contrast between them (a white room
would make the metal look flat and grey; a black one, without any fill, would lose the band's shape). This studio:

- a neutral grey surround, SURROUND at the horizon, a little lighter towards the ceiling, darker towards the floor
  (FLOOR at the nadir), smoothly;
- three large soft boxes above and to the sides (a key up-left, a fill up-right, one overhead), rectangular with soft
  edges, apart from each other, KEY/FILL/TOP times the surround at the horizon (20-50 x, as a studio's boxes are
  against its walls);
- a tall narrow strip light behind the piece, for the rim of the band and the stone's outline.

Everything is grey: the light has no colour of its own (r = g = b), so the metals' colours are their own. The image
is made from closed-form functions of direction: the same bytes every time (`studio_hdr` caches them).

Directions are in glTF's frame (Y up; the camera in front of the piece on +Z, looking towards -Z, as model-viewer
and three.js start) and map to pixels as three.js samples an equirectangular map: u = atan2(z, x) / 2pi + 0.5,
v = asin(y) / pi + 0.5, the first scanline of the file is the top (v = 1, straight up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

SURROUND = 0.25  # radiance of the grey walls at the horizon (relative units: viewers set the exposure)
CEILING_RISE = 0.07  # added towards the zenith
FLOOR = 0.06  # at the nadir: the floor is darker than the walls
KEY, FILL, TOP, STRIP = 36.0, 24.0, 30.0, 32.0  # each light's radiance in multiples of SURROUND


@dataclass(frozen=True)
class Light:
    """A rectangular soft-edged light: where its centre is, how wide and tall it is seen, how bright."""

    name: str
    azimuth_deg: float  # around Y, from the camera's side (+Z, 0) towards the viewer's right (+X, 90); 180 is behind
    elevation_deg: float  # above the horizon
    half_width_deg: float  # half its angular width, along the horizontal
    half_height_deg: float  # half its angular height
    times_surround: float
    soft_deg: float = 3.0  # the edge ramps from full to nothing over twice this angle

    @property
    def direction(self) -> np.ndarray:
        return direction(self.azimuth_deg, self.elevation_deg)

    @property
    def radiance(self) -> float:
        return self.times_surround * SURROUND


LIGHTS = (
    Light("key", azimuth_deg=-55.0, elevation_deg=30.0, half_width_deg=22.0, half_height_deg=14.0, times_surround=KEY),
    Light("fill", azimuth_deg=65.0, elevation_deg=28.0, half_width_deg=20.0, half_height_deg=15.0, times_surround=FILL),
    Light("top", azimuth_deg=0.0, elevation_deg=70.0, half_width_deg=20.0, half_height_deg=12.0, times_surround=TOP),
    Light("strip", azimuth_deg=180.0, elevation_deg=18.0, half_width_deg=3.5, half_height_deg=28.0,
          times_surround=STRIP, soft_deg=1.5),
)


def direction(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """The unit direction (glTF frame) at an azimuth from the camera's side (+Z) towards +X and an elevation."""
    azimuth, elevation = math.radians(azimuth_deg), math.radians(elevation_deg)
    return np.array([math.cos(elevation) * math.sin(azimuth), math.sin(elevation),
                     math.cos(elevation) * math.cos(azimuth)])


def pixel_directions(width: int, height: int) -> np.ndarray:
    """The direction (height x width x 3) through the centre of each pixel, three.js's equirectangular mapping."""
    u = (np.arange(width) + 0.5) / width
    v = 1.0 - (np.arange(height) + 0.5) / height  # the first row is the top
    phi = (u - 0.5) * 2 * np.pi  # atan2(z, x)
    theta = (v - 0.5) * np.pi  # asin(y)
    cos_theta = np.cos(theta)[:, None]
    return np.stack(np.broadcast_arrays(cos_theta * np.cos(phi)[None, :], np.sin(theta)[:, None],
                                        cos_theta * np.sin(phi)[None, :]), axis=-1)


def pixel_of(vector: np.ndarray, width: int, height: int) -> tuple[int, int]:
    """(row, column) of the pixel a direction falls in."""
    x, y, z = vector / np.linalg.norm(vector)
    u = math.atan2(z, x) / (2 * math.pi) + 0.5
    v = math.asin(max(-1.0, min(1.0, y))) / math.pi + 0.5
    return min(int((1.0 - v) * height), height - 1), min(int(u * width), width - 1)


def _smoothstep(low: float, high: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - low) / (high - low), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def light_weight(light: Light, directions: np.ndarray) -> np.ndarray:
    """How much of the light each direction sees, 0..1: 1 inside its rectangle, a smooth ramp across its edges."""
    centre = light.direction
    right = np.cross(np.array([0.0, 1.0, 0.0]), centre)  # horizontal, to the light's own right as seen from the piece
    if np.linalg.norm(right) < 1e-9:
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(centre, right)
    forward = directions @ centre
    across = np.degrees(np.arctan2(directions @ right, forward))
    along = np.degrees(np.arctan2(directions @ up, forward))
    soft = light.soft_deg
    inside = ((1 - _smoothstep(light.half_width_deg - soft, light.half_width_deg + soft, np.abs(across)))
              * (1 - _smoothstep(light.half_height_deg - soft, light.half_height_deg + soft, np.abs(along))))
    return np.where(forward > 0, inside, 0.0)


def radiance(width: int = 1024, height: int = 512) -> np.ndarray:
    """The studio's grey radiance (height x width), the surround's gradient plus each light over it."""
    directions = pixel_directions(width, height)
    elevation = np.degrees(np.arcsin(np.clip(directions[..., 1], -1.0, 1.0)))
    walls = FLOOR + (SURROUND - FLOOR) * _smoothstep(-35.0, 5.0, elevation)
    image = walls + CEILING_RISE * np.clip(np.sin(np.radians(elevation)), 0.0, None)
    for light in LIGHTS:
        weight = light_weight(light, directions)
        image = image * (1 - weight) + light.radiance * weight  # a box hides the wall behind it
    return image


def rgbe(grey: np.ndarray) -> np.ndarray:
    """Radiance's shared-exponent bytes (height x width x 4) of a grey image (r = g = b), as Ward's float2rgbe."""
    mantissa, exponent = np.frexp(grey)
    scale = np.where(grey > 1e-32, mantissa * 256.0 / np.where(grey > 1e-32, grey, 1.0), 0.0)
    level = np.floor(grey * scale).astype(np.uint8)
    out = np.zeros(grey.shape + (4,), dtype=np.uint8)
    out[..., 0] = out[..., 1] = out[..., 2] = level
    out[..., 3] = np.where(grey > 1e-32, exponent + 128, 0).astype(np.uint8)
    return out


def _rle_channel(values: np.ndarray) -> bytes:
    """One channel of one scanline in new-style RLE: runs of 4+ equal bytes as (128 + n, byte), the rest literal."""
    data = values.tobytes()
    size = len(data)
    # run[i]: how many bytes from i on equal data[i] (counted from the end)
    run = np.ones(size, dtype=np.int64)
    same = values[1:] == values[:-1]
    for i in range(size - 2, -1, -1):
        if same[i]:
            run[i] = run[i + 1] + 1
    out = bytearray()
    start = i = 0
    while i < size:
        if run[i] >= 4:
            if i > start:
                for chunk in range(start, i, 128):
                    piece = data[chunk:min(chunk + 128, i)]
                    out.append(len(piece))
                    out += piece
            length = min(int(run[i]), 127)
            out += bytes((128 + length, data[i]))
            i += length
            start = i
        else:
            i += 1
    for chunk in range(start, size, 128):
        piece = data[chunk:min(chunk + 128, size)]
        out.append(len(piece))
        out += piece
    return bytes(out)


def encode_hdr(pixels: np.ndarray) -> bytes:
    """A Radiance .hdr file of RGBE pixels (height x width x 4): header, then each scanline run-length encoded."""
    height, width = pixels.shape[:2]
    if not 8 <= width < 32768:
        raise ValueError("new-style RLE needs a width of 8 to 32767 pixels")
    header = (f"#?RADIANCE\n# a jewellery studio (webapp/studio.py)\nFORMAT=32-bit_rle_rgbe\n\n"
              f"-Y {height} +X {width}\n").encode("ascii")
    body = bytearray(header)
    for row in pixels:
        body += bytes((2, 2, width >> 8, width & 0xFF))
        for channel in range(4):
            body += _rle_channel(np.ascontiguousarray(row[:, channel]))
    return bytes(body)


@cache
def studio_hdr(width: int = 1024, height: int = 512) -> bytes:
    """The studio as a Radiance RGBE .hdr file (equirectangular, width = 2 x height)."""
    if width != 2 * height:
        raise ValueError("an equirectangular map is twice as wide as it is tall")
    return encode_hdr(rgbe(radiance(width, height)))


def write_studio_hdr(path: str | Path, width: int = 1024, height: int = 512) -> Path:
    """Write the studio to `path` whole or not at all (configurator.files.write_atomically)."""
    from configurator.files import write_atomically

    target = Path(path)
    write_atomically({target: studio_hdr(width, height)})
    return target
