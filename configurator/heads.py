"""Heads: the metal that holds the stones, built around the actual stone, with a seat cut for each stone.

A setting is built in the centre stone's frame (girdle centred on the origin, table up +Z, length along Y)
and anchored to its support (a ring's band or a pendant's plate) through `Support.anchor`.

Figures from `shared/PRODUCT.md` (casting): prongs at least 0.8 mm where supported and 1.0 mm free-standing,
0.6 mm for accent stones under 2 mm; prong size by stone (2.5 mm or more: 0.8; 1.7: 0.7; 1.5: 0.6; 1.2: 0.5);
bezel wall about 0.8-1.0 mm rising over the girdle to cover about a quarter of the crown; raised detail at least
0.35 mm and gaps at least 0.3 mm (a halo's rim, seats, beads and posts keep to them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import manifold3d
import numpy as np

from . import rows
from .design import Milgrain, SettingStyle, Shape, Stone
from .milgrain import BeadRow, rim_row
from .outlines import girdle_distance
from .rows import BEAD_RADIUS_MM, Row, accent_form, drill, pitch, spaced
from .shapes import shape_of, stone_outline
from .solids import offset_outline, polygon_area, section, slab, subtract, union
from .stone_forms import StoneForm, seat
from .stones import GIRDLE_SHARE

CENTRE_PRONG_MIN_MM = 1.0  # free-standing prongs (PRODUCT.md)
OPEN_CLEAR_MM = 0.07  # an upright prong stands this clear of the girdle, past the seat's 0.05 mm: the stone drops in
TIP_ALLOWANCE_MM = 0.3  # an upright prong rises this much past where it ends once bent over the crown, for the setter
SUPPORTED_PRONG_MIN_MM = 0.8  # prongs braced by a rim or rail (PRODUCT.md)
CENTRE_PRONG_MAX_MM = 1.5
STONE_LIFT_MM = 0.4  # a centre stone's culet clears the band's top by this much
HEAD_FOOT_REACH_MM = 1.6  # how far from the top line a centre head's post may land along the band
PRONG_BITE = 0.35  # share of a prong's diameter that overlaps the girdle (the notch the seat cuts)
BEZEL_WALL_MM = 0.9
BEZEL_LIP_MM = 0.45  # how far the bezel's top edge reaches in over the crown
RAIL_HEIGHT_MM = 0.8  # the gallery rail joining the prongs: a wall at the metal's minimum
# The rail's walls stand this far past a prong's sides: a rail exactly as wide as the prong would meet it face to face
# (its rounded corner round a prong on the outline's corner is the prong's own surface), leaving a seam of no width.
RAIL_PAST_PRONG_MM = 0.05
KNEE_DEPTH = 0.6  # a prong rises straight from this many diameters under the girdle (deeper on deep pavilions)
KNEE_DEPTH_MAX_MM = 1.0
RIM_WALL_MM = 0.45  # a halo rim's metal beyond its accent stones' girdles
HALO_RIDGE_MM = 0.45  # metal between neighbouring halo seats at the rim's top: over the 0.35 mm detail (PRODUCT.md)
HALO_BEAD_LIFT_MM = 0.1  # a halo bead's centre over the rim's top: it grips the accents' girdles
HALO_BEAD_ACROSS = 0.42  # a halo bead stands this share of an accent's size off the line between two accents
HALO_DRILL_BELOW_MM = 0.1  # a halo seat's hole runs this far through the rim's underside
RIM_INTO_RAIL_MM = 0.05  # a halo rim's inner edge reaches this far over its gallery rail
POST_TOP_MM = 0.45  # radius of a halo post's top, just under the rim
# A post's top ball is centred this far under the rim (reaching 0.3 mm up into it): not at the depth the seats' holes
# stop at (HALO_DRILL_BELOW_MM), where a hole's floor would lie in the plane of the ball's middle vertices.
POST_UNDER_RIM_MM = 0.15
POST_MIN_SLOPE_DEG = 30.0  # a flatter post would leave a slit under the rim along it
HALO_CLEAR_MM = 0.3  # halo metal keeps this clear of other metal, or joins it: gaps at least 0.3 mm (PRODUCT.md)
ANCHOR_DEPTH_MM = 0.3  # a support's anchor lies at least this far inside it (a pendant's: 0.3 mm under its face)
# A post's foot ball keeps this much metal under it: a ball grazing a thin band's inside comes through it as a bump in
# the finger hole, the two surfaces crossing by a hair (a pinch in the file).
FOOT_COVER_MM = 0.15
FOOT_MIN_MM = 0.3  # the smallest foot ball: a post never narrows below 0.6 mm where it enters its support
ACCENT_PRONG_SIZES = ((1.2, 0.5), (1.5, 0.6), (1.7, 0.7), (2.5, 0.8))  # stone mm -> prong mm (PRODUCT.md)


def accent_prong_mm(stone_mm: float) -> float:
    """Prong diameter for an accent stone of this size, from the trade table."""
    size = 0.5
    for threshold, diameter in ACCENT_PRONG_SIZES:
        if stone_mm >= threshold - 1e-9:
            size = diameter
    return size


def centre_prong_mm(stone: Stone) -> float:
    """Prong diameter for a centre stone: free-standing, so at least 1.0 mm, growing with the stone."""
    return float(np.clip(0.15 * min(stone.length_mm, stone.outline_width_mm), CENTRE_PRONG_MIN_MM, CENTRE_PRONG_MAX_MM))


@dataclass
class Parts:
    """What a setting adds, all placed: metal to unite (a setting's own metal comes with its seats already
    cut), seats still to cut into whatever else the stones reach (a band, a plate), and the stones."""

    metal: list[manifold3d.Manifold] = field(default_factory=list)
    seats: list[manifold3d.Manifold] = field(default_factory=list)
    stones: list[tuple[Stone, manifold3d.Manifold]] = field(default_factory=list)
    beads: list[BeadRow] = field(default_factory=list)  # milgrain rows among the metal, as laid out (for the check)

    def add(self, other: Parts) -> Parts:
        self.metal += other.metal
        self.seats += other.seats
        self.stones += other.stones
        self.beads += other.beads
        return self

    def moved(self, transform: Callable[[manifold3d.Manifold], manifold3d.Manifold]) -> Parts:
        return Parts(
            [transform(solid) for solid in self.metal],
            [transform(solid) for solid in self.seats],
            [(stone, transform(solid)) for stone, solid in self.stones],
            [replace(row, solid=transform(row.solid)) for row in self.beads],
        )


@dataclass(frozen=True)
class Support:
    """Where a setting's posts end: `anchor(x, y)` gives the point (in the stone's frame) inside the support
    below (x, y), and `reach` bounds how far from the centre a post may land."""

    anchor: Callable[[float, float], np.ndarray]
    reach: tuple[float, float]  # largest |x|, |y| of a post's foot
    room: float = math.inf  # metal under an anchor: to a band's inside, a plate's back

    def foot_radius(self, wanted: float) -> float:
        """A post's foot ball of radius `wanted`, smaller where it would come through the support's far side."""
        return max(FOOT_MIN_MM, min(wanted, self.room - FOOT_COVER_MM))


def head_reach_mm(stone: Stone, prong_mm: float | None = None, style: SettingStyle = SettingStyle.PRONG,
                  along_x: bool = False) -> float:
    """How far a head's metal reaches from the stone's centre: the girdle's farthest point (every way, or along X
    only; a princess's or trillion's corner stands up to 41 % past its half-length) and the prongs' outer sides, or
    a bezel's wall, beyond it."""
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64)
    farthest = float(np.abs(outline[:, 0]).max() if along_x else np.linalg.norm(outline, axis=1).max())
    if style is SettingStyle.BEZEL:
        return farthest + BEZEL_WALL_MM
    return farthest + prong_reach_mm(prong_mm or centre_prong_mm(stone))


def prong_reach_mm(diameter: float) -> float:
    """How far a prong's outer side stands beyond the girdle: it rises straight beside it (`prong_places`)."""
    return OPEN_CLEAR_MM + diameter


@dataclass(frozen=True)
class ProngPlace:
    """Where one of a head's own prongs stands (XY, the stone's frame): `point` on the girdle, `bitten` its axis under
    the girdle (biting PRONG_BITE of its diameter into the stone: the seat cuts its bearing there), `upright` its axis
    over the girdle (OPEN_CLEAR_MM clear of it: the stone drops in, the setter bends the prong over the crown)."""

    point: np.ndarray
    bitten: np.ndarray
    upright: np.ndarray


def prong_places(stone: Stone, count: int, diameter: float, shared: Shared | None = None) -> list[ProngPlace]:
    """The prongs a head of `count` keeps round `stone`: one in each of `prong_angles`' directions, but for those that
    would crowd a prong shared with a neighbour (`shared`), which holds the stone there."""
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64)
    fine = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 256)  # a rounded corner's true curve
    kept = []
    corners = {round(math.degrees(math.atan2(dy, dx))) % 360 for dx, dy in shape_of(stone.shape).corners}
    for angle in prong_angles(stone.shape, count):
        corner = round(math.degrees(angle)) % 360 in corners
        point = _outline_point(outline, angle, stone.length_mm, stone.outline_width_mm)
        outward = point / max(np.linalg.norm(point), 1e-9)
        bitten = point + outward * diameter * (0.5 - PRONG_BITE)
        upright = _clear_of(fine, point + outward * (0.5 * diameter + OPEN_CLEAR_MM), outward,
                            0.5 * diameter + OPEN_CLEAR_MM)
        if shared is not None and (shared.crowds(bitten, 0.5 * diameter, corner)
                                   or shared.crowds(upright, 0.5 * diameter, corner)):
            continue
        kept.append(ProngPlace(point, bitten, upright))
    return kept


def prong_angles(shape: Shape, count: int) -> np.ndarray:
    """Directions of the prongs (radians from +X, on the unit circle stretched to the stone's box), every point and
    corner guarded (PRODUCT.md, "Holding a stone"): a prong on the point of pointed shapes; a square or oblong stone's
    four at its corners and six with two more at the middles of its long sides; a trillion's three at its corners and
    a fourth at the middle of the side facing its point."""
    record = shape_of(shape)
    laid_out = record.prong_layout(count)
    if laid_out is not None:
        return np.radians(laid_out)
    if record.tipped or count in (3, 6):
        start = math.pi / 2
    else:
        start = math.pi / 4
    return start + 2 * math.pi * np.arange(count) / count


def _outline_point(outline: np.ndarray, angle: float, length: float, width: float) -> np.ndarray:
    """The outline point in the direction `angle` of the unit circle stretched to the stone's box."""
    target = math.atan2(math.sin(angle) * length, math.cos(angle) * width)
    ray = np.array([math.cos(target), math.sin(target)])
    ends = np.roll(outline, -1, axis=0)
    edge = ends - outline
    # Where the ray from the centre crosses each edge: outline + t * edge = s * ray, 0 <= t <= 1, s > 0 (the middle of
    # an asscher's cut corner, not the vertex nearest the direction).
    det = edge[:, 0] * ray[1] - edge[:, 1] * ray[0]
    safe = np.where(np.abs(det) < 1e-12, 1.0, det)
    t = (outline[:, 1] * ray[0] - outline[:, 0] * ray[1]) / safe
    reach = (outline[:, 1] * edge[:, 0] - outline[:, 0] * edge[:, 1]) / safe
    hits = (np.abs(det) >= 1e-12) & (t >= -1e-9) & (t <= 1 + 1e-9) & (reach > 0)
    if not hits.any():
        return outline[int(np.argmax(outline @ ray))]
    return ray * float(reach[hits].max())


def _finish(metal: list[manifold3d.Manifold], seats: list[manifold3d.Manifold], stones, precut: bool) -> Parts:
    """A setting's parts: with `precut`, its metal comes with its own seats already cut."""
    if not precut:
        return Parts(metal, seats, stones)
    return Parts([subtract(union(metal), [manifold3d.Manifold.compose(seats)])], seats, stones)


# A ball comes faceted with edges in the planes x = 0, y = 0 and the diagonals, a ring of vertices round its middle
# and its poles on every vertical plane through its centre: the planes of symmetry a head's rods (prongs, posts) run
# in, and where the band's, the rail's and the seats' own edges lie. Two rods meeting at a knee, a rod entering the
# band or passing the rail's corner would cross edge on edge there, leaving two vertices in one place (a pinch no
# clean-up removes). A rod's balls turn about X, Y and Z by these angles, found by search: no vertex then lies within
# 1.4 % of the radius of the horizontal plane through the centre or of a vertical one at a multiple of 15 or 22.5
# degrees (a turn about Z alone leaves the middle ring and the poles where they were).
ROD_SEGMENTS = 16
ROD_TURN_DEG = (10.0, 5.0, 13.0)


def ball(centre, radius: float) -> manifold3d.Manifold:
    """A ball at `centre`, its facets turned clear of the planes of symmetry (ROD_TURN_DEG)."""
    solid = manifold3d.Manifold.sphere(radius, ROD_SEGMENTS).rotate(ROD_TURN_DEG)
    return solid.translate(tuple(float(v) for v in centre))


def rod(start, end, radius_start: float, radius_end: float | None = None) -> manifold3d.Manifold:
    """A rod with rounded ends from `start` to `end`, tapering from `radius_start` to `radius_end`, its facets turned
    clear of the planes of symmetry (ROD_TURN_DEG)."""
    radius_end = radius_start if radius_end is None else radius_end
    return manifold3d.Manifold.batch_hull([ball(start, radius_start), ball(end, radius_end)])


@dataclass(frozen=True)
class Shared:
    """Prongs a head shares with its neighbours: where they rise (X, Y in the stone's frame) and their radius."""

    places: tuple[tuple[float, float], ...]
    radius: float
    facing: int = 0  # a smaller stone's head gives way along X (+1, -1) to the larger neighbour's prongs

    def crowds(self, centre: np.ndarray, radius: float, corner: bool = False) -> bool:
        """Whether a prong of `radius` at `centre` (X, Y) would stand closer than the casting gap to a shared one,
        which then holds the stone in its place, or faces the neighbour this head gives way to (but on a corner,
        which only a prong of its own guards)."""
        facing = self.facing * centre[0] > math.cos(math.radians(FACING_DEG)) * math.hypot(*centre)
        if self.facing and facing and not corner:
            return True
        return any(math.hypot(centre[0] - x, centre[1] - y) < radius + self.radius + SHARED_CLEAR_MM
                   for x, y in self.places)


FACING_DEG = 60.0  # a prong within this angle of the neighbour's side faces it


SHARED_CLEAR_MM = 0.3  # a head's own prong keeps the casting gap (PRODUCT.md) from a shared one, or gives way to it


def prongs(
    form: StoneForm, count: int, claw: bool, support: Support, diameter: float | None = None, precut: bool = True,
    shared: Shared | None = None,
) -> Parts:
    """Prongs hugging the girdle and rising over the crown, their feet converging into the support. A prong that
    would crowd one shared with a neighbour (`shared`) is left out, the shared one holding the stone there; the
    others stay, so that sharing never leaves the stone held at fewer places (`holds`). The gallery rail is the
    whole head's."""
    stone = form.stone
    d = diameter or centre_prong_mm(stone)
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64)
    metal = []
    top_z = 0.45 * form.crown
    knee_z = -max(KNEE_DEPTH * d, min(0.25 * form.pavilion, KNEE_DEPTH_MAX_MM))
    step_z = -GIRDLE_SHARE * (form.crown + form.pavilion) / 2  # the girdle's underside: the seat's wall stands over it
    paths = []  # (outline point, foot, knee) of every prong the head would have, for its rail
    for place in prong_places(stone, count, d):
        knee = np.array([*place.bitten, knee_z])
        paths.append((place.point, support.anchor(*np.clip(place.bitten * 0.5, -np.array(support.reach),
                                                             np.array(support.reach))), knee))
    for place in prong_places(stone, count, d, shared):
        knee = np.array([*place.bitten, knee_z])
        foot = support.anchor(*np.clip(place.bitten * 0.5, -np.array(support.reach), np.array(support.reach)))
        # From its bite the prong leans out to the girdle's underside, then rises straight to its tip allowance; the
        # rods share their balls, facet for facet (a ball a hair smaller would cross it in slivers).
        step = np.array([*place.upright, step_z])
        top = np.array([*place.upright, top_z + TIP_ALLOWANCE_MM])
        metal += [rod(foot, knee, support.foot_radius(0.55 * d), 0.5 * d), rod(knee, step, 0.5 * d),
                  rod(step, top, 0.5 * d)]
        if claw:  # a pointed tip, straight up: it is bent over the crown with the prong
            metal.append(rod(top, top + np.array([0.0, 0.0, 0.15 * form.crown + 0.5 * d]), 0.5 * d, 0.12 * d))
    # Gallery rail under the girdle (above the feet), joining the prongs where their axes pass its height.
    rail_z = min(max(-0.5 * form.pavilion, max(foot[2] for _, foot, _ in paths) + RAIL_HEIGHT_MM / 2), knee_z)
    shares = []
    for point, foot, knee in paths:
        along = (rail_z - foot[2]) / max(1e-9, knee[2] - foot[2])
        crossing = foot[:2] + float(np.clip(along, 0.0, 1.0)) * (knee[:2] - foot[:2])
        shares.append(np.linalg.norm(crossing) / max(np.linalg.norm(point), 1e-9))
    # Gallery rail under the girdle, joining the prongs where they pass its height.
    rail_line = outline * float(np.mean(shares))
    width = max(d + 2 * RAIL_PAST_PRONG_MM, RAIL_HEIGHT_MM)
    rail = slab(offset_outline(rail_line, 0.5 * width) - offset_outline(rail_line, -0.5 * width),
                rail_z - RAIL_HEIGHT_MM / 2, rail_z + RAIL_HEIGHT_MM / 2)
    metal.append(rail)
    return _finish(metal, [seat(form)], [(stone, form.solid)], precut)


def _clear_of(outline: np.ndarray, centre: np.ndarray, outward: np.ndarray, apart: float) -> np.ndarray:
    """`centre` moved out along `outward` until it stands `apart` from every edge of the closed `outline` (a prong
    beside a pear's shoulder or a princess's corner is nearer another edge than the point it stands by)."""
    for _ in range(8):
        short = apart - girdle_distance(outline, float(centre[0]), float(centre[1]))
        if short <= 1e-6:
            break
        centre = centre + outward * (short + 1e-4)
    return centre


def bezel(form: StoneForm, support: Support, precut: bool = True, milgrain: Milgrain | None = None) -> Parts:
    """A wall round the girdle rising over a quarter of the crown, open at the back, on a base to the support; with
    `milgrain`, beads round the outer edge of its top."""
    stone = form.stone
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64)
    top = 0.25 * form.crown
    bottom = -0.6 * form.pavilion
    cup = slab(offset_outline(outline, BEZEL_WALL_MM) - offset_outline(outline, -BEZEL_LIP_MM), bottom, top)
    # Posts from the cup's underside into the support.
    posts = []
    for angle in prong_angles(stone.shape, 4):
        point = _outline_point(outline, angle, stone.length_mm, stone.outline_width_mm) * 0.95
        foot = support.anchor(*np.clip(point * 0.5, -np.array(support.reach), np.array(support.reach)))
        posts.append(rod(foot, np.array([*point, bottom + 0.3]), support.foot_radius(0.55), 0.5))
    rows = [] if milgrain is None else [rim_row(np.asarray(offset_outline(outline, BEZEL_WALL_MM).to_polygons()[0]),
                                                top, milgrain)]
    parts = _finish([cup, *posts, *(row.solid for row in rows)], [seat(form)], [(stone, form.solid)], precut)
    parts.beads += rows
    return parts


def halo_prong_mm(stone: Stone) -> float:
    """Prong diameter for a centre stone in a halo: the rim braces the prongs, so 0.2 mm under free-standing."""
    return max(SUPPORTED_PRONG_MIN_MM, centre_prong_mm(stone) - 0.2)


def halo_accent_mm(stone: Stone) -> float:
    """Size of the halo's accent stones round `stone`."""
    return float(np.clip(0.18 * min(stone.length_mm, stone.outline_width_mm), 1.0, 1.8))


def halo(form: StoneForm, count: int, support: Support, precut: bool = True, diameter: float | None = None) -> Parts:
    """The centre in prongs, ringed by accent stones bead-set on a rim carried in to the prongs' gallery rail, on
    posts to the support (or sitting on it, when it comes close)."""
    stone = form.stone
    prong = diameter or halo_prong_mm(stone)
    parts = prongs(form, count, False, support, diameter=prong, precut=False)  # cut once, with the accents' seats
    accent = halo_accent_mm(stone)
    small = accent_form(accent)
    apart = pitch(accent)
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64)
    # the accents ring the prongs' outer sides (a prong beside a cushion's corner stands farther out than beside a side)
    reach = max([prong_reach_mm(prong), *(girdle_distance(outline, *place.upright) + prong / 2
                                         for place in prong_places(stone, count, prong))])
    distance = reach + 0.15 + accent / 2
    centres = spaced(np.asarray(offset_outline(outline, distance).to_polygons()[0]), apart)
    lift, depth = _rim_levels(accent, apart)
    rim_top = -0.3 * form.pavilion + 0.05
    row = Row.of(small, centres, rim_top + lift, closed=True)  # the girdles stand over the rim, held by its beads
    floor = max(support.anchor(*np.clip(xy, -np.array(support.reach), np.array(support.reach)))[2] for xy in centres)
    on_support = rim_top - depth < floor + ANCHOR_DEPTH_MM + HALO_CLEAR_MM  # too close to leave a gap under it
    rim_low = min(rim_top - depth, floor) if on_support else rim_top - depth
    rail = _rail(parts.metal, rim_low, rim_top)
    rim = slab(offset_outline(outline, distance + accent / 2 + RIM_WALL_MM) - _rim_hole(rail, outline, prong),
               rim_low, rim_top)
    seats = rows.per_stone(row, lambda _: _halo_seat(accent, apart))
    middles = (centres + np.roll(centres, -1, axis=0)) / 2
    prongs_at = _prong_axes(stone, count, prong)

    def clear(bead: np.ndarray) -> bool:  # none beside a centre prong: it holds the stones there (a bead, a slit)
        return np.linalg.norm(prongs_at - bead, axis=1).min() >= prong / 2 + BEAD_RADIUS_MM + HALO_CLEAR_MM

    beads = manifold3d.Manifold.compose(rows.beads(row, rim_top + HALO_BEAD_LIFT_MM, accent * HALO_BEAD_ACROSS,
                                                   clear=clear))
    rods = union([piece for piece in parts.metal if piece is not rail])
    posts = [] if on_support else _posts(stone, middles, support, rim_top - depth, rods)
    # Every seat cuts the rim, beads, posts and prongs: a post may pass under a stone's pavilion.
    metal = [rods, *([rail] if rail is not None else []), rim, beads, *posts]
    if precut:  # neighbouring seats are apart by the gap: they compose
        metal = [subtract(union(metal), [manifold3d.Manifold.compose(seats), *parts.seats])]
    return Parts(metal, [*parts.seats, *seats], [*parts.stones, *rows.stones(row)])  # seats still cut what they reach


def _posts(stone: Stone, middles: np.ndarray, support: Support, rim_low: float,
           rods: manifold3d.Manifold) -> list[manifold3d.Manifold]:
    """Posts from under the rim (each between two accents, at `middles`) to the support. A post that would meet or
    run beside a centre prong's rod (`rods`) over the support is left out (the prong carries the rim there), and so
    is one lying too flat under the rim."""
    reach = np.array(support.reach)
    above = support.anchor(0.0, 0.0)[2] + ANCHOR_DEPTH_MM  # where the support's top may begin
    rods = rods.trim_by_plane((0.0, 0.0, 1.0), above)
    posts = []
    for angle in prong_angles(stone.shape, 4):
        # The middle nearest that direction: a post under an accent's seat would be hollowed by its drilled hole,
        # leaving a shell of the post's top round it (a hair thin where the hole passes beside its axis).
        toward = _outline_point(middles, angle + math.pi / 4, stone.length_mm, stone.outline_width_mm)
        point = middles[int(np.argmin(np.linalg.norm(middles - toward, axis=1)))]
        foot = support.anchor(*np.clip(point * 0.45, -reach, reach))
        top = np.array([*point, rim_low - POST_UNDER_RIM_MM])
        if math.atan2(top[2] - foot[2], float(np.linalg.norm(top[:2] - foot[:2]))) < math.radians(POST_MIN_SLOPE_DEG):
            continue  # so flat under the rim that it would leave a slit along it
        post = rod(foot, top, support.foot_radius(0.5), POST_TOP_MM)
        if post.trim_by_plane((0.0, 0.0, 1.0), above).min_gap(rods, HALO_CLEAR_MM) >= HALO_CLEAR_MM:
            posts.append(post)
    return posts


def _prong_axes(stone: Stone, count: int, diameter: float) -> np.ndarray:
    """Where the centre's prongs stand (XY), under the girdle and over it, as `prongs` places them."""
    places = prong_places(stone, count, diameter)
    return np.array([axis for place in places for axis in (place.bitten, place.upright)])


@lru_cache(maxsize=64)
def _rim_levels(size_mm: float, apart: float) -> tuple[float, float]:
    """A halo rim's levels under accent stones of `size_mm` set `apart` apart: how far the girdles stand over its top
    so that neighbouring seats leave `HALO_RIDGE_MM` of metal between them there (the seats' cones narrow down
    the pavilion), and its depth."""
    cutter = seat(accent_form(size_mm))
    low, high = 0.0, accent_form(size_mm).pavilion
    for _ in range(20):  # bisect: the seat only narrows with depth
        lift = (low + high) / 2
        box = cutter.slice(-lift).bounds()
        low, high = (low, lift) if apart - (box[2] - box[0]) >= HALO_RIDGE_MM else (lift, high)
    return high, 0.05 + 0.9 * accent_form(size_mm).pavilion


@lru_cache(maxsize=64)
def _halo_seat(size_mm: float, apart: float) -> manifold3d.Manifold:
    """An accent stone's seat in a halo's rim as a setting burr cuts it: the stone grown by the clearance, its
    pavilion's cone ending in a hole drilled through the rim for light and cleaning. A cone and a hole, not their
    hull: neighbouring seats leave a ridge of metal between them, not a thin wall."""
    form = accent_form(size_mm)
    lift, depth = _rim_levels(size_mm, apart)
    bottom = -lift - depth - HALO_DRILL_BELOW_MM
    return union([seat(form), drill(form, -0.5 * form.pavilion, -0.5 * form.pavilion - bottom)])


def _opening(piece: manifold3d.Manifold) -> np.ndarray | None:
    """The largest hole through a piece at its mid-height (a gallery rail's opening), or None."""
    box = piece.bounding_box()
    holes = [polygon for polygon in piece.slice((box[2] + box[5]) / 2).to_polygons() if polygon_area(polygon) < 0]
    return min(holes, key=polygon_area) if holes else None  # holes wind clockwise: the largest is the most negative


def _rail(metal: list[manifold3d.Manifold], low: float, high: float) -> manifold3d.Manifold | None:
    """The gallery rail among a prong head's pieces (the one ring), where it passes between heights `low` and
    `high`."""
    for piece in metal:
        box = piece.bounding_box()
        if box[2] < high and box[5] > low and _opening(piece) is not None:
            return piece
    return None


def _rim_hole(rail: manifold3d.Manifold | None, outline: np.ndarray, prong: float) -> manifold3d.CrossSection:
    """The opening a halo's rim leaves round the centre: the gallery rail's own, a little inside the rail so that
    the two are one wall (no slot between them); without a rail, inside the prongs."""
    if rail is None:
        return offset_outline(outline, -PRONG_BITE * prong)
    return section(_opening(rail)).offset(RIM_INTO_RAIL_MM, manifold3d.JoinType.Round, circular_segments=16)
