"""Side stones: stones on the band's shoulders either side of the centre, one a side (a three-stone ring) or a
graduated row of them.

In prongs or a bezel, each side stone gets its own head, built as the centre's is in its own frame, then turned out
along the band, SIDE_GAP_MM clear of its neighbour nearer the centre (the centre's head, or the side stone before).
In a channel, the stones sit in one trough along the band (`band_rows`), the first SIDE_GAP_MM clear of the centre's head.
One prong-set side stone a side may share prongs with the centre: it stands SHARED_GAP_MM from the centre stone, and
the prongs between them (a pair, or one where the notch between the stones is narrow) rise from the band in that
notch, reaching in over both girdles; neither head has prongs of its own facing the other.
The left shoulder is the mirror image of the right. Ring coordinates: finger axis Y, top +Z; angles from +Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import band_rows, rows
from .bands import Band
from .design import (
    RIDGED_PROFILES,
    ROW_GAPS_MM,
    SHARING_CENTRE_SHAPES,
    SIDE_SHARE_RANGE,
    Design,
    RowSetting,
    Setting,
    SettingStyle,
    SideStones,
    Stone,
)
from .eternity import MIN_APART_MM, PRONG_GRIP_MM, girdle_distance
from .heads import (
    KNEE_DEPTH,
    STONE_LIFT_MM,
    SUPPORTED_PRONG_MIN_MM,
    Parts,
    Shared,
    Support,
    accent_prong_mm,
    head_reach_mm,
    rod,
)
from .milgrain import rim_overhang_mm
from .shapes import stone_outline
from .stone_forms import StoneForm
from .styles import default_prong_mm, head, style_of

SIDE_GAP_MM = 0.5  # between the centre's head and a side stone's: over the investment's 0.3 mm (PRODUCT.md)
SIDE_LIFT_MM = STONE_LIFT_MM  # a side stone's culet clears the band by this much, as the centre's does
FOOT_REACH_X_MM = 1.2  # how far along the band a side head's posts may land
CHANNEL_GAP_MM = ROW_GAPS_MM[RowSetting.CHANNEL]  # between neighbours in a channel
LOWEST_DEG = 75.0  # a side row keeps to the band's top: its last stone's far side no further round than this
SHARED_GAP_MM = ROW_GAPS_MM[RowSetting.SHARED_PRONG]  # girdle to girdle where prongs are shared, as in an eternity row
SHARED_FLANK = 0.85  # a shared prong stands within this share of the side stone's half-length off the middle
GIRDLE_POINTS = 128  # outlines the shared prongs are fitted to


@dataclass(frozen=True)
class Placed:
    """One shoulder's stones (the right, +X), nearest the centre first: each stone, the angle of its centre (radians
    from +Z) and its girdle's radius."""

    stones: tuple[Stone, ...]
    angles: tuple[float, ...]
    radii: tuple[float, ...]

    @property
    def reach(self) -> float:
        """The angle (radians from +Z) of the last stone's far side."""
        last = self.stones[-1]
        return self.angles[-1] + last.outline_width_mm / 2 / self.radii[-1]


def prong_mm(side: SideStones, stone: Stone) -> float | None:
    """A side head's prongs: one a side takes a centre's (free-standing, at least 1.0 mm); a graduated row's small
    stones take the trade table's for their size, braced by the gallery rail (at least 0.8 mm, PRODUCT.md)."""
    if side.style is not SettingStyle.PRONG or side.count == 1:
        return None
    return max(SUPPORTED_PRONG_MIN_MM, accent_prong_mm(min(stone.length_mm, stone.outline_width_mm)))


def _centre_reach(design: Design) -> float:
    """How far the centre's head reaches along the band: its girdle and metal, and a beaded rim's beads."""
    centre = design.effective_setting
    return head_reach_mm(design.stone, centre.prong_mm, centre.style, along_x=True) + rim_overhang_mm(centre.milgrain)


@lru_cache(maxsize=64)
def _placed(side: SideStones, centre_reach: float, outer: float) -> Placed:
    stones = side.stones
    if side.style is SettingStyle.CHANNEL:
        radius = outer + band_rows.GIRDLE_LIFT_MM
        angles = [math.asin(min(0.95, (centre_reach + SIDE_GAP_MM) / radius)) + stones[0].outline_width_mm / 2 / radius]
        for before, stone in zip(stones, stones[1:], strict=False):
            angles.append(angles[-1] + (before.outline_width_mm / 2 + CHANNEL_GAP_MM + stone.outline_width_mm / 2)
                          / radius)
        return Placed(stones, tuple(angles), (radius,) * len(stones))
    radii = [outer + StoneForm.of(stone).pavilion + SIDE_LIFT_MM for stone in stones]
    reaches = [head_reach_mm(stone, prong_mm(side, stone), side.style, along_x=True) for stone in stones]
    angles = [2 * math.asin(min(0.95, (centre_reach + reaches[0] + SIDE_GAP_MM) / (2 * radii[0])))]
    for index in range(1, len(stones)):
        apart = reaches[index - 1] + reaches[index] + SIDE_GAP_MM
        angles.append(angles[-1] + 2 * math.asin(min(0.95, apart / (radii[index - 1] + radii[index]))))
    return Placed(stones, tuple(angles), tuple(radii))


@lru_cache(maxsize=64)
def _outline(stone: Stone) -> np.ndarray:
    """A stone's girdle outline (GIRDLE_POINTS) in its own frame, girdle plane z = 0."""
    x, y = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, GIRDLE_POINTS).T
    return np.column_stack([x, y, np.zeros_like(x)])


@lru_cache(maxsize=64)
def _vertices(stone: Stone) -> np.ndarray:
    """A stone's corners (its solid's vertices) in its own frame."""
    return np.asarray(StoneForm.of(stone).solid.to_mesh().vert_properties)[:, :3].astype(float)


def _turned(points: np.ndarray, angle: float, radius: float) -> np.ndarray:
    """Points of a stone's frame in ring coordinates, its head turned out to `angle` with the girdle at `radius`."""
    x, y, z = points.T
    z = z + radius
    return np.column_stack([x * math.cos(angle) + z * math.sin(angle), y, -x * math.sin(angle) + z * math.cos(angle)])


def _girdle(stone: Stone, angle: float, radius: float) -> np.ndarray:
    """A stone's girdle outline (ring coordinates) turned out to `angle`, its girdle at `radius`."""
    return _turned(_outline(stone), angle, radius)


def _centre_girdle(centre: Stone, outer: float) -> tuple[np.ndarray, float]:
    """The centre stone's girdle outline (ring coordinates) and its height."""
    height = outer + StoneForm.of(centre).pavilion + STONE_LIFT_MM
    return _girdle(centre, 0.0, height), height


def _apart(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.sqrt(((first[:, None, :] - second[None, :, :]) ** 2).sum(axis=2).min()))


@lru_cache(maxsize=64)
def _shared_placed(side: SideStones, centre: Stone, outer: float) -> Placed:
    """One stone a side, turned out until it stands SHARED_GAP_MM from the centre stone, in space and as seen from
    above (girdle to girdle): a shared prong standing between them then reaches in over each girdle by no more than a
    centre's prong does."""
    stone = side.stone
    radius = outer + StoneForm.of(stone).pavilion + SIDE_LIFT_MM
    girdle, height = _centre_girdle(centre, outer)
    corners = _turned(_vertices(centre), 0.0, height)

    def too_close(angle: float) -> bool:  # in space, or as seen from above (where the shared prongs stand between)
        side = _girdle(stone, angle, radius)
        return (side[:, 0].min() < girdle[:, 0].max() + SHARED_GAP_MM
                or _apart(girdle[:, :2], side[:, :2]) < SHARED_GAP_MM
                or _apart(corners, _turned(_vertices(stone), angle, radius)) < SHARED_GAP_MM)

    low, high = 0.0, math.pi / 2
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if too_close(middle) else (low, middle)
    return Placed((stone,), (high,), (radius,))


def placement(design: Design, outer_radius_mm: float | None = None) -> Placed:
    """Where the right shoulder's stones go on `design`'s band (its outside at `outer_radius_mm`; by default the
    size's inside plus the band's thickness)."""
    ring = design.ring
    outer = round(outer_radius_mm or ring.size.ring_size().inner_diameter_mm / 2 + ring.thickness_mm, 6)
    if design.side_stones.shared_prongs:
        return _shared_placed(design.side_stones, design.stone, outer)
    return _placed(design.side_stones, round(_centre_reach(design), 6), outer)


def refusal(design: Design) -> str | None:
    """Why the side stones cannot flank the centre on this band, or None when they can: the centre's style has
    shoulders for them (and prongs to share, if they share them), they are a share of its length the trade sets, a
    channel of them fits the band's top, and the row keeps within LOWEST_DEG of it."""
    side, ring = design.side_stones, design.ring
    if side is None:
        return None
    centre = design.effective_setting.style
    if not style_of(centre).flanked:
        return (f"side_stones: a {centre.value} centre leaves no shoulders for side stones (choose a prong or bezel "
                "centre)")
    if side.shared_prongs and centre is not SettingStyle.PRONG:
        return f"side_stones.shared_prongs: a {centre.value} centre has no prongs to share (choose a prong centre)"
    if side.shared_prongs and design.stone.shape not in SHARING_CENTRE_SHAPES:
        return (f"side_stones.shared_prongs: a {design.stone.shape.value} centre is too narrow to share its prongs "
                "(leave them unshared)")
    low, high = SIDE_SHARE_RANGE
    share = side.stone.length_mm / design.stone.length_mm
    if not low - 1e-9 <= share <= high + 1e-9:
        return (f"side_stones.stone.length_mm: {side.stone.length_mm:g} mm is {share:.0%} of the centre's length; "
                f"side stones are {low:.0%}-{high:.0%} of it")
    if side.style is SettingStyle.CHANNEL:
        if ring.profile in RIDGED_PROFILES:
            return (f"side_stones.style: a channel needs a band with a flat or rounded top; a {ring.profile.value} "
                    "band has none (choose flat, half-round, comfort or bevelled)")
        needed = band_rows.channel_width_mm(side.stone.length_mm)
        if ring.width_mm < needed - 1e-9:
            return (f"ring.width_mm: a channel of {side.stone.length_mm:g} mm side stones needs a band at least "
                    f"{needed:.2f} mm wide, not {ring.width_mm:g} mm")
    reach = math.degrees(placement(design).reach)
    if reach > LOWEST_DEG + 1e-9:
        return (f"side_stones.count: {side.count} stones a side reach {reach:.0f} degrees round the band from its top; "
                f"side stones keep within {LOWEST_DEG:g} (choose fewer or smaller stones, or a larger ring size)")
    return None


def shared_with_centre(design: Design, outer: float) -> Shared | None:
    """The prongs the centre shares with its side stones, in its frame (both shoulders'), or None: they take the
    place of the centre's own prongs they would crowd, and only of those."""
    if design.side_stones is None or not design.side_stones.shared_prongs:
        return None
    places, radius = shared_prong_places(design, outer)
    return Shared(tuple((side * x, y) for side in (1, -1) for x, y in places), radius)


def shared_with_side(design: Design, outer: float, placed: Placed) -> Shared:
    """The right side stone's shared prongs in its own frame (turned out to its angle, girdle on z = 0): where
    each upright prong crosses the side stone's girdle plane."""
    places, radius = shared_prong_places(design, outer)
    angle, girdle = placed.angles[0], placed.radii[0]
    local = []
    for x, y in places:
        z = (girdle - x * math.sin(angle)) / math.cos(angle)  # the prong's height where it meets that plane
        local.append((x * math.cos(angle) - z * math.sin(angle), y))
    return Shared(tuple(local), radius, facing=-1)


def _edge_x(outline: np.ndarray, y: float, nearest: bool) -> float | None:
    """Where the line at `y` crosses a closed 2D outline: its crossing nearest the centre (`nearest`) or farthest."""
    ends = np.roll(outline, -1, axis=0)
    crossing = (outline[:, 1] - y) * (ends[:, 1] - y) <= 0
    if not crossing.any():
        return None
    a, b = outline[crossing], ends[crossing]
    share = (y - a[:, 1]) / np.where(np.abs(b[:, 1] - a[:, 1]) < 1e-12, 1.0, b[:, 1] - a[:, 1])
    xs = a[:, 0] + np.clip(share, 0.0, 1.0) * (b[:, 0] - a[:, 0])
    return float(xs.min() if nearest else xs.max())


def shared_prong_places(design: Design, outer: float) -> tuple[tuple[tuple[float, float], ...], float]:
    """Where the prongs between the centre and the right side stone rise (X, Y) and their radius: a pair either side
    of the middle, each reaching in over both girdles by PRONG_GRIP_MM and no thinner than the centre's prongs, as
    near the middle as leaves a castable gap (MIN_APART_MM) between them and within the band's width (they rise
    straight from it); else one on the middle line."""
    placed = placement(design, outer)
    stone = placed.stones[0]
    centre = _centre_girdle(design.stone, outer)[0][:, :2]
    side = _girdle(stone, placed.angles[0], placed.radii[0])[:, :2]
    setting = design.effective_setting
    least = (setting.prong_mm or default_prong_mm(design.stone, setting.style)) / 2

    def at(y: float) -> tuple[float, float] | None:
        right, left = _edge_x(centre, y, nearest=False), _edge_x(side, y, nearest=True)
        if right is None or left is None:
            return None
        x = (right + left) / 2
        return x, max(least, girdle_distance(centre, x, y) + PRONG_GRIP_MM, girdle_distance(side, x, y) + PRONG_GRIP_MM)

    for y in np.linspace(0.0, SHARED_FLANK * stone.length_mm / 2, 32)[1:]:
        found = at(float(y))
        if found is None or y + found[1] > design.ring.width_mm / 2:
            break
        if y - found[1] >= MIN_APART_MM / 2:
            return ((found[0], float(y)), (found[0], -float(y))), found[1]
    x, radius = at(0.0)
    return ((x, 0.0),), radius


def _shared_prongs(design: Design, band: Band, placed: Placed) -> Parts:
    """The right shoulder's shared prongs: each rises straight from its foot in the band to over the centre's crown
    (a knee under the lower girdle), for both stones' seats to notch."""
    ring = design.ring
    outer = band.inner_radius_mm + ring.thickness_mm
    places, radius = shared_prong_places(design, outer)
    centre, height = _centre_girdle(design.stone, outer)
    side = _girdle(placed.stones[0], placed.angles[0], placed.radii[0])
    foot_radius = band.inner_radius_mm + 0.45 * ring.thickness_mm
    top = height + 0.45 * StoneForm.of(design.stone).crown
    metal = []
    for x, y in places:
        lowest = float(side[np.argmin(np.hypot(side[:, 0] - x, side[:, 1] - y)), 2])  # the side girdle at the prong
        knee = np.array([x, y, min(lowest, height) - KNEE_DEPTH * 2 * radius])
        foot = np.array([x, y, math.sqrt(foot_radius**2 - x * x)])
        room = foot_radius - band.inside_radius_mm(abs(y))
        foot_ball = Support(lambda *_: None, (0.0, 0.0), room).foot_radius(0.55 * 2 * radius)
        metal += [rod(foot, knee, foot_ball, radius), rod(knee, (x, y, top), radius)]
    return Parts(metal)  # uncut: the centre's and the side stones' seats are cut through every head at once


def _heads(design: Design, band: Band, placed: Placed) -> Parts:
    ring, side = design.ring, design.side_stones
    foot_radius = band.inner_radius_mm + 0.45 * ring.thickness_mm
    right = Parts()
    for stone, angle, radius in zip(placed.stones, placed.angles, placed.radii, strict=True):

        def anchor(x: float, y: float, radius: float = radius) -> np.ndarray:
            return np.array([x, y, math.sqrt(foot_radius**2 - x * x) - radius])

        reach = (FOOT_REACH_X_MM, ring.width_mm / 4)
        support = Support(anchor, reach, foot_radius - band.inside_radius_mm(reach[1]))
        shared = shared_with_side(design, band.inner_radius_mm + ring.thickness_mm, placed) if side.shared_prongs \
            else None
        one = head(stone, Setting(style=side.style, prong_mm=prong_mm(side, stone)), support,
                   precut=shared is None, shared=shared)
        right.add(one.moved(lambda solid, radius=radius, angle=angle: solid.translate((0.0, 0.0, radius))
                            .rotate((0.0, math.degrees(angle), 0.0))))
    if side.shared_prongs:
        right.add(_shared_prongs(design, band, placed))
    return right


def _channel(design: Design, placed: Placed) -> Parts:
    ring = design.ring
    forms = tuple(StoneForm.of(stone, band_rows.ROW_GIRDLE_POINTS) for stone in placed.stones)
    row = rows.along_band(forms, placed.angles, placed.radii[0])
    seats = band_rows.cutters(row, True, band_rows.GIRDLE_LIFT_MM + ring.thickness_mm + 1.0)
    walls = band_rows.channel_walls(row, ring.thickness_mm * band_rows.INTO_BAND_SHARE, (True, False))
    return Parts(walls, seats, rows.stones(row))


def build(design: Design, band: Band) -> tuple[Parts, Parts]:
    """Both shoulders' side stones: heads (their seats cut, unless they share prongs with the centre: then every
    head's seats are cut at once) to unite with the centre's head, and channel rows (their seats still to cut into
    the band)."""
    placed = placement(design, band.inner_radius_mm + design.ring.thickness_mm)
    if design.side_stones.style is SettingStyle.CHANNEL:
        right, held = _channel(design, placed), False
    else:
        right, held = _heads(design, band, placed), True
    left = right.moved(lambda solid: solid.mirror((1.0, 0.0, 0.0)))  # the mirror image: a trillion points out both ways
    both = Parts().add(right).add(left)
    return (both, Parts()) if held else (Parts(), both)


def seat_depth_mm(design: Design) -> float:
    """How far the deepest channel seat reaches into the band under its outside (its hole goes on through)."""
    return max(band_rows.seat_depth_mm(StoneForm.of(stone, band_rows.ROW_GIRDLE_POINTS)) for stone in design.side_stones.stones)
