"""Girdle outlines: the 2D shape of each stone seen from above, also used for seats, bezels, halos and pendants.

Every outline is a counter-clockwise (N, 2) polygon centred on the origin, `width` across X and `length`
along Y (the long axis runs along the finger: a north-south setting). Pointed shapes point to +Y.
The builders here draw one figure each, `(length, width, count) -> points`; a stone shape's record
(`shapes.ShapeRecord.outline`) names its builder, and `shapes.stone_outline` centres and winds what it draws.
"""

from __future__ import annotations

import math

import numpy as np

from .design import Outline

CUSHION_EXPONENT = 3.2  # superellipse: 2 is an ellipse, large is a rectangle
TRILLION_BULGE = 0.10  # outward bow of a trillion's sides, as a share of the side


def _circle(count: int) -> np.ndarray:
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    return np.column_stack([np.cos(angles), np.sin(angles)])


def _superellipse(count: int, exponent: float) -> np.ndarray:
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    cos, sin = np.cos(angles), np.sin(angles)
    power = 2 / exponent
    return np.column_stack([np.sign(cos) * np.abs(cos) ** power, np.sign(sin) * np.abs(sin) ** power])


def ellipse(length: float, width: float, count: int) -> np.ndarray:
    """A round (length = width) or an oval."""
    return _circle(count) * [width / 2, length / 2]


def cushion(length: float, width: float, count: int) -> np.ndarray:
    """A rounded rectangle: a superellipse between an ellipse and its box."""
    return _superellipse(count, CUSHION_EXPONENT) * [width / 2, length / 2]


def pear(length: float, width: float, count: int) -> np.ndarray:
    """A round end of diameter `width` at -Y, gently bowed sides running to a point at +Y."""
    r = width / 2
    centre = -length / 2 + r
    tip = length / 2
    alpha = math.acos(min(1.0, r / (tip - centre)))  # between the axis and the radius to a tangent point
    # Round end, counter-clockwise from the left tangent point under the bottom to the right one.
    angles = np.linspace(np.pi / 2 + alpha, np.pi / 2 - alpha + 2 * np.pi, max(12, count * 3 // 4))
    body = np.column_stack([r * np.cos(angles), centre + r * np.sin(angles)])
    t = np.linspace(0, 1, max(4, count // 8) + 1)[1:-1, None]
    right_side = (1 - t) * body[-1] + t * np.array([0.0, tip])
    right_side[:, 0] += 0.05 * width * np.sin(np.pi * t[:, 0])
    left_side = right_side[::-1] * [-1, 1]
    return np.vstack([body, right_side, [[0.0, tip]], left_side])


def marquise(length: float, width: float, count: int) -> np.ndarray:
    """Two circular arcs meeting in points at +-Y (a vesica)."""
    half_w, half_l = width / 2, length / 2
    radius = (half_l**2 + half_w**2) / width
    offset = radius - half_w
    span = math.asin(half_l / radius)
    half = max(6, count // 2)
    angles = np.linspace(-span, span, half, endpoint=False)
    right = np.column_stack([-offset + radius * np.cos(angles), radius * np.sin(angles)])
    left = right * [-1, -1]
    return np.vstack([right, left])


def rectangle(length: float, width: float, count: int) -> np.ndarray:
    """Four sharp corners (a princess, a baguette); `count` is not needed."""
    return np.array([(1, -1), (1, 1), (-1, 1), (-1, -1)], dtype=float) * [width / 2, length / 2]


def cut_cornered(cut: float, length: float, width: float, count: int) -> np.ndarray:
    """A rectangle whose corners are cut by `cut` of its width, the same on both axes (an emerald, an asscher, a
    radiant: bind `cut` with functools.partial)."""
    corner = cut * width
    hx, hy = width / 2, length / 2
    return np.array([(hx, -hy + corner), (hx, hy - corner), (hx - corner, hy), (-hx + corner, hy),
                     (-hx, hy - corner), (-hx, -hy + corner), (-hx + corner, -hy), (hx - corner, -hy)])


def heart(length: float, width: float, count: int) -> np.ndarray:
    """The classic heart curve, point at +Y, cleft at -Y."""
    t = np.linspace(0, 2 * np.pi, count, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    points = np.column_stack([x, -y])  # point at +Y
    points -= (points.max(axis=0) + points.min(axis=0)) / 2
    points /= np.abs(points).max(axis=0)
    return (points[::-1] if _signed_area(points) < 0 else points) * [width / 2, length / 2]


def trillion(length: float, width: float, count: int) -> np.ndarray:
    """An equilateral triangle with gently bowed sides, point at +Y, stretched to its box."""
    corners = np.array([(0.0, 1.0), (-math.sqrt(3) / 2, -0.5), (math.sqrt(3) / 2, -0.5)])
    per_side = max(4, count // 3)
    points = []
    for index in range(3):
        a, b = corners[index], corners[(index + 1) % 3]
        t = np.linspace(0, 1, per_side, endpoint=False)[:, None]
        edge = (1 - t) * a + t * b
        normal = np.array([(b - a)[1], -(b - a)[0]])
        normal /= np.linalg.norm(normal)
        edge += normal * TRILLION_BULGE * np.linalg.norm(b - a) * np.sin(np.pi * t)
        points.append(edge)
    points = np.vstack(points)
    points -= (points.max(axis=0) + points.min(axis=0)) / 2
    points /= np.abs(points).max(axis=0)
    return (points[::-1] if _signed_area(points) < 0 else points) * [width / 2, length / 2]


def _signed_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def centred(points: np.ndarray) -> np.ndarray:
    """A builder's `points` centred on their box and wound counter-clockwise."""
    points = points - (points.max(axis=0) + points.min(axis=0)) / 2
    return points if _signed_area(points) > 0 else points[::-1]


# A pendant's plate drawn as a stone's girdle: its builder and its length / width (a round's, an oval's, a heart's and
# a pear's usual proportions).
PENDANT_OUTLINES = {
    Outline.ROUND: (ellipse, 1.0),
    Outline.OVAL: (ellipse, 1.35),
    Outline.HEART: (heart, 1.0),
    Outline.TEARDROP: (pear, 1.5),
}
# A heart pendant hangs from its cleft, point down; the cleft is rounded to this radius (a cusp would leave a slit
# of metal too narrow to invest, and nowhere for the bail to sit).
HEART_CLEFT_RADIUS_MM = 1.2
HEART_POINT_RADIUS_MM = 0.6  # and its point rounded to this (a knife point of metal does not fill; PRODUCT.md 0.8 mm)


def _rounded(outline: np.ndarray, notch_radius: float, point_radius: float) -> np.ndarray:
    """`outline` with every notch filled with a round of `notch_radius` (a morphological closing) and every
    sharp point rounded to `point_radius` (an opening)."""
    import manifold3d

    area = manifold3d.CrossSection([np.ascontiguousarray(outline, dtype=np.float64)])
    rounded = (area.offset(notch_radius, manifold3d.JoinType.Round, circular_segments=48)
               .offset(-notch_radius - point_radius, manifold3d.JoinType.Round, circular_segments=48)
               .offset(point_radius, manifold3d.JoinType.Round, circular_segments=48))
    points = max(rounded.to_polygons(), key=lambda ring: abs(_signed_area(np.asarray(ring))))
    points = np.asarray(points, dtype=float)
    step = np.linalg.norm(points - np.roll(points, 1, axis=0), axis=1)
    points = points[step > 0.02]  # the two offsets leave near-twin points where arcs meet: keep one
    return points if _signed_area(points) > 0 else points[::-1]


def pendant_outline(outline: Outline, length: float, count: int = 64) -> np.ndarray:
    """The plate of a pendant: (N, 2) counter-clockwise, `length` along Y with the bail at +Y; a bar is a third as
    wide, a teardrop hangs from its point and a heart from its (rounded) cleft, point down."""
    if outline is Outline.BAR:
        width = length / 3
        corner = min(width, length) * 0.2
        hx, hy = width / 2, length / 2
        arcs = []
        for cx, cy, start in ((hx - corner, -hy + corner, -90), (hx - corner, hy - corner, 0),
                              (-hx + corner, hy - corner, 90), (-hx + corner, -hy + corner, 180)):
            angles = np.radians(np.linspace(start, start + 90, 6))
            arcs.append(np.column_stack([cx + corner * np.cos(angles), cy + corner * np.sin(angles)]))
        return np.vstack(arcs)
    builder, length_to_width = PENDANT_OUTLINES[outline]
    points = centred(builder(length, length / length_to_width, count))  # pointed shapes point to +Y
    if outline is Outline.HEART:
        mirrored = (points * [1.0, -1.0])[::-1]  # point down, wound counter-clockwise again
        points = _rounded(mirrored, HEART_CLEFT_RADIUS_MM, HEART_POINT_RADIUS_MM)
        points = points - (points.max(axis=0) + points.min(axis=0)) / 2  # the rounded point is back at full length
        points *= length / (points[:, 1].max() - points[:, 1].min())
    return points


def top_on_axis(outline: np.ndarray) -> float:
    """The highest point where the outline crosses x = 0: where a pendant's bail meets the plate."""
    closed = np.vstack([outline, outline[:1]])
    tops = []
    for (x0, y0), (x1, y1) in zip(closed[:-1], closed[1:], strict=True):
        if (x0 <= 0.0 <= x1) or (x1 <= 0.0 <= x0):
            t = 0.5 if x1 == x0 else x0 / (x0 - x1)
            tops.append(y0 + t * (y1 - y0))
    return float(max(tops)) if tops else float(outline[:, 1].max())


def girdle_distance(outline: np.ndarray, x: float, y: float) -> float:
    """How far the point (x, y) is from a girdle `outline` (its nearest edge), in the stone's own plane."""
    edge = np.roll(outline, -1, axis=0) - outline
    t = np.clip(((np.array([x, y]) - outline) * edge).sum(axis=1) / np.maximum((edge * edge).sum(axis=1), 1e-12), 0, 1)
    return float(np.min(np.hypot(*(outline + t[:, None] * edge - [x, y]).T)))
