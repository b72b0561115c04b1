"""Shaded orthographic pictures of a model from the workshop's three views, drawn without a display; and the small
pictures a client chooses by: the piece three-quarters from above, a ring's head close up, a loose stone, a band's
cross-section.

Triangles are shaded by their facing (a key light and a fill, a highlight on metal) and painted far to near; at
jewellery scale, with small triangles on closed bodies, that reads as a clean solid. All views share one scale
(`Picture.mm_per_px`) so a scale bar drawn once measures every view.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import trimesh
from PIL import Image, ImageDraw

from . import catalogue
from .geometry import Model

if TYPE_CHECKING:
    from .design import Stone

# (right, up) unit vectors of each view; the viewer looks along right x up.
RING_VIEWS = {"front": ((1, 0, 0), (0, 0, 1)), "side": ((0, -1, 0), (0, 0, 1)), "top": ((1, 0, 0), (0, 1, 0))}
PENDANT_VIEWS = {"front": ((1, 0, 0), (0, 1, 0)), "side": ((0, -1, 0), (0, 0, 1)), "top": ((1, 0, 0), (0, 0, 1))}
BACKGROUND = (255, 255, 255)
SUPERSAMPLE = 3
_KEY = np.array([-0.45, 0.6, 0.66])  # in view coordinates (right, up, toward the viewer)
# A ring's head close up: seen from 30 degrees above the finger's axis, turned 35 degrees from the front, a square
# of the ring's outer diameter x HEAD_FRAME round the top (the head and its shoulders, the shank cut off below).
HEAD_ELEVATION_DEG, HEAD_TURN_DEG, HEAD_FRAME = 30.0, 35.0, 0.68
STONE_TILT_DEG = 25.0  # a loose stone seen from above its table, tipped toward the viewer so its crown shows
STONE_FRAME = 1.2  # the frame's side, in the stone's longest outline dimension
SECTION_FRAME = 0.8  # a cross-section's longer side, as a share of the picture's


@dataclass(frozen=True)
class Picture:
    image: Image.Image
    mm_per_px: float


def _hex(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _parts(model: Model) -> list[tuple[trimesh.Trimesh, np.ndarray, bool]]:
    """Each body to draw with its colour and whether it is metal (shinier): a ring's matching band beside it."""
    parts = [(model.metal, _hex(catalogue.metal(model.design.metal).color_hex), True)]
    if model.matching is not None:
        parts.append((model.matching.mesh, _hex(catalogue.metal(model.design.metal).color_hex), True))
    for part in model.stone_parts:
        parts.append((part.mesh, _hex(catalogue.gemstone(part.material).color_hex), False))
    return parts


def _frame(right, up) -> np.ndarray:
    right, up = np.asarray(right, float), np.asarray(up, float)
    return np.vstack([right, up, np.cross(right, up)])  # rows: right, up, toward the viewer


def render_views(model: Model, size_px: int = 520, margin: float = 0.08) -> dict[str, Picture]:
    """The front, side and top views of `model`, each `size_px` square, at one common scale."""
    views = RING_VIEWS if model.band is not None else PENDANT_VIEWS
    parts = _parts(model)
    points = np.vstack([mesh.vertices for mesh, _, _ in parts])
    centre = (points.max(axis=0) + points.min(axis=0)) / 2
    extent = float(np.max(points.max(axis=0) - points.min(axis=0)))
    mm_per_px = extent / (size_px * (1 - 2 * margin))
    return {name: Picture(_draw(parts, _frame(*axes), centre, mm_per_px, size_px), mm_per_px)
            for name, axes in views.items()}


def _draw(parts, frame: np.ndarray, centre: np.ndarray, mm_per_px: float, size_px: int) -> Image.Image:
    """`parts` seen along `frame` (rows: right, up, toward the viewer), `centre` in the middle of a `size_px` square;
    triangles wholly outside the square are not painted (a close-up paints only what it shows)."""
    big = size_px * SUPERSAMPLE
    image = Image.new("RGB", (big, big), BACKGROUND)
    pen = ImageDraw.Draw(image)
    key = _KEY / np.linalg.norm(_KEY)
    polygons, depths, colours = [], [], []
    for mesh, colour, is_metal in parts:
        view = (mesh.vertices - centre) @ frame.T  # right, up, toward
        normals = mesh.face_normals @ frame.T
        facing = normals[:, 2] > 0
        triangles = view[mesh.faces[facing]]
        n = normals[facing]
        diffuse = np.clip(n @ key, 0, 1)
        light = 0.35 + 0.5 * diffuse + 0.15 * n[:, 2]
        shade = colour[None] * light[:, None]
        if is_metal:  # a highlight where the face mirrors the key light to the viewer
            halfway = (key + np.array([0, 0, 1])) / np.linalg.norm(key + np.array([0, 0, 1]))
            shade += 90 * np.clip(n @ halfway, 0, 1)[:, None] ** 24
        xy = np.empty(triangles.shape[:2] + (2,))
        xy[..., 0] = big / 2 + triangles[..., 0] / mm_per_px * SUPERSAMPLE
        xy[..., 1] = big / 2 - triangles[..., 1] / mm_per_px * SUPERSAMPLE
        shown = (xy.max(axis=1) >= 0).all(axis=1) & (xy.min(axis=1) <= big).all(axis=1)
        polygons.append(xy[shown])
        depths.append(triangles[shown][..., 2].mean(axis=1))
        colours.append(np.clip(shade[shown], 0, 255).astype(np.uint8))
    xy, depth, colour = np.concatenate(polygons), np.concatenate(depths), np.concatenate(colours)
    for index in np.argsort(depth):  # far to near
        pen.polygon([tuple(point) for point in xy[index]], fill=tuple(int(c) for c in colour[index]))
    return image.resize((size_px, size_px), Image.LANCZOS)


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _upright(right, up) -> np.ndarray:
    """The view frame of `right` and the part of `up` square to it, both made unit vectors."""
    right = np.asarray(right, float) / np.linalg.norm(right)
    up = np.asarray(up, float) - np.dot(up, right) * right
    return _frame(right, up / np.linalg.norm(up))


def _looking_down(elevation_deg: float, turn_deg: float) -> np.ndarray:
    """The view frame of a viewer `elevation_deg` above the horizontal (XY) plane, turned `turn_deg` from the front
    (-Y) toward +X: Z stays upright in the picture."""
    elevation, turn = np.radians(elevation_deg), np.radians(turn_deg)
    toward = np.array([np.sin(turn) * np.cos(elevation), -np.cos(turn) * np.cos(elevation), np.sin(elevation)])
    right = np.cross((0.0, 0.0, 1.0), toward)
    return _upright(right, np.cross(toward, right / np.linalg.norm(right)))


def thumbnail_png(model: Model, size_px: int = 192) -> bytes:
    """A small PNG of the piece seen three-quarters from above (the saved-designs list shows it)."""
    parts = _parts(model)
    points = np.vstack([mesh.vertices for mesh, _, _ in parts])
    centre = (points.max(axis=0) + points.min(axis=0)) / 2
    extent = float(np.max(points.max(axis=0) - points.min(axis=0)))
    if model.band is not None:  # a ring from the front, turned a little and seen from a little above
        right, up = (0.82, -0.57, 0.0), (0.2, 0.29, 0.94)
    else:
        right, up = (0.94, 0.0, -0.34), (0.0, 1.0, 0.0)
    return _png(_draw(parts, _upright(right, up), centre, extent / (size_px * 0.84), size_px))


def head_png(model: Model, size_px: int = 144) -> bytes:
    """A ring's head and shoulders close up, three-quarters from above (what a setting style changes); a pendant
    whole, as its thumbnail shows it."""
    if model.band is None:
        return thumbnail_png(model, size_px)
    parts = _parts(model)
    points = np.vstack([mesh.vertices for mesh, _, _ in parts])
    outer = float(np.hypot(model.metal.vertices[:, 0], model.metal.vertices[:, 2]).max())  # the band's outer radius
    side = 2 * outer * HEAD_FRAME
    centre = np.array([0.0, 0.0, points[:, 2].max() - 0.45 * side])  # the top of the stone near the picture's top
    return _png(_draw(parts, _looking_down(HEAD_ELEVATION_DEG, HEAD_TURN_DEG), centre, side / (size_px * 0.9),
                      size_px))


def stone_png(stone: Stone, size_px: int = 144) -> bytes:
    """A loose stone seen from above its table, tipped a little toward the viewer, in its material's colour: its
    shape as a client reads it, the frame fitted to its outline."""
    from .solids import to_trimesh
    from .stones import stone_solid

    mesh = to_trimesh(stone_solid(stone), for_file=False)
    low, high = mesh.bounds
    side = max(high[0] - low[0], high[1] - low[1]) * STONE_FRAME
    parts = [(mesh, _hex(catalogue.gemstone(stone.material).color_hex), False)]
    tilt = np.radians(STONE_TILT_DEG)
    frame = _upright((1.0, 0.0, 0.0), (0.0, np.cos(tilt), np.sin(tilt)))  # toward the viewer: (0, -sin, cos)
    return _png(_draw(parts, frame, (low + high) / 2, side / (size_px * 0.9), size_px))


def section_png(points: np.ndarray, metal: str, size_px: int = 144) -> bytes:
    """A band's cross-section (`points`: (radius, height) mm, as `profiles.band_section` draws it) as a client reads
    a profile: across the band, the outside up and the finger's side down, in the metal's colour, lighter toward the
    top as a polished band catches the light; the longer side `SECTION_FRAME` of the picture."""
    points = np.asarray(points, float)
    big = size_px * SUPERSAMPLE
    low, high = points.min(axis=0), points.max(axis=0)
    scale = big * SECTION_FRAME / float(np.max(high - low))
    middle = (low + high) / 2
    xy = [(big / 2 + (height - middle[1]) * scale, big / 2 - (radius - middle[0]) * scale) for radius, height in points]
    colour = _hex(catalogue.metal(metal).color_hex)
    rows = np.linspace(1.25, 0.75, big)[:, None, None]  # light from above: the outside brighter than the inside
    shaded = Image.fromarray(np.clip(colour[None, None] * rows * np.ones((1, big, 1)), 0, 255).astype(np.uint8))
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).polygon(xy, fill=255)
    image = Image.new("RGB", (big, big), BACKGROUND)
    image.paste(shaded, (0, 0), mask)
    ImageDraw.Draw(image).line([*xy, xy[0]], fill=tuple(int(c) for c in colour * 0.55), width=2 * SUPERSAMPLE,
                               joint="curve")
    return _png(image.resize((size_px, size_px), Image.LANCZOS))
