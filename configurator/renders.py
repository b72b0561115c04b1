"""Shaded orthographic pictures of a model from the workshop's three views, drawn without a display.

Triangles are shaded by their facing (a key light and a fill, a highlight on metal) and painted far to near; at
jewellery scale, with small triangles on closed bodies, that reads as a clean solid. All views share one scale
(`Picture.mm_per_px`) so a scale bar drawn once measures every view.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import trimesh
from PIL import Image, ImageDraw

from . import catalogue
from .geometry import Model

# (right, up) unit vectors of each view; the viewer looks along right x up.
RING_VIEWS = {"front": ((1, 0, 0), (0, 0, 1)), "side": ((0, -1, 0), (0, 0, 1)), "top": ((1, 0, 0), (0, 1, 0))}
PENDANT_VIEWS = {"front": ((1, 0, 0), (0, 1, 0)), "side": ((0, -1, 0), (0, 0, 1)), "top": ((1, 0, 0), (0, 0, 1))}
BACKGROUND = (255, 255, 255)
SUPERSAMPLE = 3
_KEY = np.array([-0.45, 0.6, 0.66])  # in view coordinates (right, up, toward the viewer)


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
        polygons.append(xy)
        depths.append(triangles[..., 2].mean(axis=1))
        colours.append(np.clip(shade, 0, 255).astype(np.uint8))
    xy, depth, colour = np.concatenate(polygons), np.concatenate(depths), np.concatenate(colours)
    for index in np.argsort(depth):  # far to near
        pen.polygon([tuple(point) for point in xy[index]], fill=tuple(int(c) for c in colour[index]))
    return image.resize((size_px, size_px), Image.LANCZOS)


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
    right = np.asarray(right) / np.linalg.norm(right)
    up = np.asarray(up) - np.dot(up, right) * right
    picture = _draw(parts, _frame(right, up / np.linalg.norm(up)), centre, extent / (size_px * 0.84), size_px)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
