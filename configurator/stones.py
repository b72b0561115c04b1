"""Stone proportions and trade carat estimates.

Carat factors from `shared/PRODUCT.md` (trade formulas, diamond; each shape's in its record, `shapes`): carat = L x W x D x factor, round stones
D_avg^2 x D x 0.0061; other materials multiply by density / 3.52. One carat is 0.2 g.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from . import catalogue
from .design import Cut, Shape, Stone
from .errors import DesignError
from .shapes import shape_of, stone_outline


@dataclass(frozen=True)
class StoneWeight:
    """Stones of one kind in a design, weighed from their modelled volume."""

    role: str  # "centre" or "accent"
    material: str
    count: int
    carat: float  # all of them together

CARAT_GRAMS = 0.2
DIAMOND_DENSITY = 3.52

# Total depth as a share of the width: rose cuts and cabochons by their cut, others by their shape's record.
DEPTH_SHARE_BY_CUT = {Cut.ROSE: 0.40, Cut.CABOCHON: 0.50}


def depth_mm(stone: Stone) -> float:
    """The stone's depth: as given, or from its cut's usual proportion of the width."""
    if stone.depth_mm is not None:
        return stone.depth_mm
    share = DEPTH_SHARE_BY_CUT.get(stone.cut, shape_of(stone.shape).depth_share)
    return round(share * stone.outline_width_mm, 2)


# Cabochons are domed, not faceted, and weigh more for the same size: the usual gem-trade estimate for an
# oval cabochon is L x W x D x SG x 0.0026 (not in PRODUCT.md's faceted table), 1.476 times the faceted oval's
# 0.0062 x SG / 3.52. Other cabochon outlines take their faceted factor times that same ratio.
CABOCHON_FACTOR_PER_SG = 0.0026
CABOCHON_TO_FACETED = CABOCHON_FACTOR_PER_SG * DIAMOND_DENSITY / 0.0062


def trade_carat(stone: Stone) -> float:
    """Carat by the trade formula for the stone's shape, corrected for its material's density."""
    length, width, depth = stone.length_mm, stone.outline_width_mm, depth_mm(stone)
    density = catalogue.gemstone(stone.material).density_g_cm3
    cabochon = CABOCHON_TO_FACETED if stone.cut is Cut.CABOCHON else 1.0
    record = shape_of(stone.shape)
    if record.by_diameter:
        diamond = ((length + width) / 2) ** 2 * depth * record.trade_factor(1.0)
    else:
        diamond = length * width * depth * record.trade_factor(length / width)
    return diamond * cabochon * density / DIAMOND_DENSITY


# ---------------------------------------------------------------------------------------------- the solid
#
# A faceted stone is the convex hull of rings of points: the table, a crown ring, the girdle (top and
# bottom), a pavilion ring and the culet. Rings with few points make the facets; the girdle keeps the
# outline. The one free number, `fullness`, sets how far the crown and pavilion rings bulge; it is solved
# per shape, cut and length-to-width ratio so the modelled volume x density gives the trade carat figure.

GIRDLE_SHARE = 0.05  # of the depth, split evenly above and below z = 0
BRILLIANT = {"crown": 0.25, "table": 0.57, "crown_ring": 16, "pavilion_ring": 16, "table_ring": 8}
STEP = {"crown": 0.22, "table": 0.66, "steps": 3}
ROSE = {"rings": (12, 6), "heights": (0.45, 0.8)}
CABOCHON_LAYERS = 8


def _cut_rings(stone: Stone, depth: float, fullness: float, length_to_width: float, girdle_points: int = 64) -> list[tuple]:
    """(sx, sy, z, every) rings of a stone of total `depth`, girdle centred on z = 0."""
    girdle = GIRDLE_SHARE * depth
    g = girdle / 2
    if stone.cut is Cut.CABOCHON:
        height = depth - girdle
        rings = [(1.0, 1.0, -g, 1), (1.0, 1.0, g, 1)]
        power = 2.0 * 2.0**fullness  # 2 is an elliptical dome; lower is more pointed, higher fuller
        for index in range(1, CABOCHON_LAYERS):
            fraction = index / CABOCHON_LAYERS
            scale = (1 - fraction**power) ** (1 / power)
            rings.append((scale, scale, g + height * fraction, 1))
        rings.append((0.0, 0.0, g + height, 1))
        return rings
    if stone.cut is Cut.ROSE:
        height = depth - girdle
        rings = [(1.0, 1.0, -g, 1), (1.0, 1.0, g, 1)]
        lower, upper = ROSE["heights"]
        outer, inner = 0.74 + 0.14 * fullness, 0.40 + 0.14 * fullness
        rings.append((outer, outer, g + height * lower, max(1, girdle_points // 16)))
        rings.append((inner, inner, g + height * upper, max(1, girdle_points // 8)))
        rings.append((0.0, 0.0, g + height, 1))
        return rings
    if stone.cut is Cut.STEP:
        crown = STEP["crown"] * depth
        pavilion = depth - crown - girdle
        table = STEP["table"]
        rings = [(table, table, g + crown, 1)]
        rings += [(table + (1 - table) * 0.55, table + (1 - table) * 0.55, g + crown * 0.55, 1)]
        rings += [(1.0, 1.0, g, 1), (1.0, 1.0, -g, 1)]
        # Pavilion steps toward a keel along the length: x closes to nothing, y to the keel's share.
        keeled = shape_of(stone.shape).keeled  # a step-cut rectangle's pavilion closes to a keel line
        keel = max(0.0, 1 - 1 / max(length_to_width, 1.0)) * 0.9 if keeled else 0.0
        for index, fraction in enumerate((0.35, 0.7), start=1):
            linear = 1 - fraction
            scale = max(0.05, linear + (1 - linear) * fullness * (0.9 - 0.25 * index))
            rings.append((scale, keel + (1 - keel) * scale, -g - pavilion * fraction, 1))
        rings.append((0.02, max(keel, 0.02), -g - pavilion, 1))
        return rings
    crown = BRILLIANT["crown"] * depth
    pavilion = depth - crown - girdle
    table = BRILLIANT["table"]
    crown_mid = (1 + table) / 2 + (1 - table) / 2 * 0.6 * fullness
    pavilion_mid = 0.5 + 0.45 * fullness
    rings = [
        (table, table, g + crown, max(1, girdle_points // BRILLIANT["table_ring"])),
        (crown_mid, crown_mid, g + crown * 0.5, max(1, girdle_points // BRILLIANT["crown_ring"])),
        (1.0, 1.0, g, 1),
        (1.0, 1.0, -g, 1),
        (pavilion_mid, pavilion_mid, -g - pavilion * 0.5, max(1, girdle_points // BRILLIANT["pavilion_ring"])),
        (0.0, 0.0, -g - pavilion, 1),
    ]
    return rings


def stone_points(stone: Stone, fullness: float, girdle_count: int = 64) -> np.ndarray:
    """Every point of the stone's rings (girdle centred on z = 0, table up +Z), mm."""
    length, width, depth = stone.length_mm, stone.outline_width_mm, depth_mm(stone)
    outline = stone_outline(stone.shape, length, width, girdle_count)
    if len(outline) < girdle_count:  # polygonal outlines (princess, emerald...) gain points along their edges
        outline = _densify(outline, girdle_count)
    points = []
    for sx, sy, z, every in _cut_rings(stone, depth, fullness, length / width, girdle_count):
        ring = outline[::every] * [sx, sy] if sx or sy else np.zeros((1, 2))
        points.append(np.column_stack([ring, np.full(len(ring), z)]))
    # On a micron grid: rings that nearly meet (a keel, a narrow end) give one point, not two a float32 file merges.
    return np.unique(np.vstack(points).round(3), axis=0)


def _densify(outline: np.ndarray, count: int) -> np.ndarray:
    """Points spaced along a polygon's edges, its corners kept, about `count` in all."""
    closed = np.vstack([outline, outline[:1]])
    lengths = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    per_edge = np.maximum(1, np.round(lengths / lengths.sum() * count).astype(int))
    points = []
    for index, steps in enumerate(per_edge):
        t = np.linspace(0, 1, steps, endpoint=False)[:, None]
        points.append((1 - t) * closed[index] + t * closed[index + 1])
    return np.vstack(points)


CORNER_SPREAD = 1e-10


def hull_corners(points: np.ndarray) -> np.ndarray:
    """The points that are corners of their convex hull, where three or more of its planes meet: those along a
    straight edge or inside a flat facet (a step cut's girdle, a cabochon's straight sides) would only split facets
    into triangles of no area."""
    points = np.ascontiguousarray(points, dtype=np.float64)
    mesh = manifold3d.Manifold.hull_points(points).to_mesh64()
    vertices = np.asarray(mesh.vert_properties)[:, :3]
    faces = np.asarray(mesh.tri_verts).astype(np.int64)
    corners = vertices[faces]
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-300)
    # At a corner the normals of the facets round it span space; along an edge they span a plane, inside a facet a
    # line: the smallest eigenvalue of the sum of their outer products tells them apart.
    spread = np.zeros((len(vertices), 3, 3))
    outer = normals[:, :, None] * normals[:, None, :]
    for k in range(3):
        np.add.at(spread, faces[:, k], outer)
    return vertices[np.linalg.eigvalsh(spread)[:, 0] > CORNER_SPREAD]


def _hull(points: np.ndarray, convex: bool) -> manifold3d.Manifold:
    """The convex hull of `points`; for a heart, the union of the hulls of its two (convex) halves."""
    if convex:
        return manifold3d.Manifold.hull_points(hull_corners(points))
    halves = [points[points[:, 0] >= -1e-9], points[points[:, 0] <= 1e-9]]
    return manifold3d.Manifold.batch_boolean(
        [manifold3d.Manifold.hull_points(hull_corners(half)) for half in halves], manifold3d.OpType.Add
    )


FITTED_CUTS = (Cut.BRILLIANT, Cut.STEP, Cut.ROSE, Cut.CABOCHON)
FULLNESS_RANGE = (-1.0, 1.0)


FULLNESS_TABLE = catalogue.ASSETS / "stone-fullness.csv"
FULLNESS_TOLERANCE = 1e-7


def _root(error, low: float, high: float, tolerance: float = FULLNESS_TOLERANCE) -> float:
    """Where `error` (increasing, negative at `low`, positive at `high`) crosses zero: false position with the
    Illinois step, which keeps a stalled end from slowing it down."""
    e_low, e_high, side = error(low), error(high), 0
    while high - low > tolerance:
        middle = high - e_high * (high - low) / (e_high - e_low)
        e_middle = error(middle)
        if e_middle == 0:
            return middle
        if e_middle < 0:
            low, e_low = middle, e_middle
            e_high, side = (e_high / 2, -1) if side == -1 else (e_high, -1)
        else:
            high, e_high = middle, e_middle
            e_low, side = (e_low / 2, 1) if side == 1 else (e_low, 1)
        if abs(e_middle) < 1e-12:
            return middle
    return (low + high) / 2


def solved_fullness(shape: Shape, cut: Cut, length_to_width: float, girdle_points: int) -> float:
    """The fullness whose modelled carat equals the trade formula's, for this shape, cut and ratio, solved."""
    if cut not in FITTED_CUTS:
        return 0.5
    probe = Stone(shape=shape, cut=cut, length_mm=10.0, width_mm=10.0 / length_to_width, depth_mm=6.0 / length_to_width,
                  material="diamond")
    target = trade_carat(probe)

    def error(fullness: float) -> float:
        return _carat_of(_solid(probe, fullness, girdle_points), DIAMOND_DENSITY) - target

    low, high = FULLNESS_RANGE
    if error(low) >= 0:
        return low
    if error(high) <= 0:
        return high
    return _root(error, low, high)


@lru_cache(maxsize=1)
def fullness_table() -> dict[tuple[str, str, float, int], float]:
    """The shipped fullness of every shape and fitted cut at its usual ratio (assets/stone-fullness.csv, made by
    `python -m configurator.stones`), so that a usual stone needs no solving."""
    with FULLNESS_TABLE.open(newline="", encoding="utf-8") as handle:
        return {(row["shape"], row["cut"], float(row["length_to_width"]), int(row["girdle_points"])):
                float(row["fullness"]) for row in csv.DictReader(handle)}


@lru_cache(maxsize=4096)
def _fullness(shape: Shape, cut: Cut, length_to_width: float, girdle_points: int) -> float:
    """The fullness for this shape, cut and ratio: from the shipped table, or solved once per process."""
    shipped = fullness_table().get((shape.value, cut.value, length_to_width, girdle_points))
    return shipped if shipped is not None else solved_fullness(shape, cut, length_to_width, girdle_points)


def table_rows() -> list[dict]:
    """The rows of the shipped fullness table: every shape and fitted cut at its usual ratio, at the girdle point
    counts the builders use (64 for a centre stone, 32 for an eternity row's, 16 for an accent)."""
    return [{"shape": shape.value, "cut": cut.value, "length_to_width": round(shape_of(shape).rules.length_to_width, 3),
             "girdle_points": points,
             "fullness": f"{solved_fullness(shape, cut, round(shape_of(shape).rules.length_to_width, 3), points):.9f}"}
            for shape in Shape for cut in FITTED_CUTS for points in (64, 32, 16)]


def _carat_of(solid: manifold3d.Manifold, density: float) -> float:
    return solid.volume() / 1000.0 * density / CARAT_GRAMS


def _solid(stone: Stone, fullness: float, girdle_points: int = 64) -> manifold3d.Manifold:
    return _hull(stone_points(stone, fullness, girdle_points), shape_of(stone.shape).convex)


def stone_solid(stone: Stone, girdle_points: int = 64) -> manifold3d.Manifold:
    """The stone, girdle centred on z = 0 and table up +Z, proportioned to the trade carat figure.

    Args:
        stone: the stone as designed.
        girdle_points: points round the girdle (a multiple of 16: the facet rings take every 4th, 8th).
    """
    ratio = round(stone.length_mm / stone.outline_width_mm, 3)
    fullness = _fullness(stone.shape, stone.cut, ratio, girdle_points)
    return _solid(stone, fullness, girdle_points)


def modelled_carat(stone: Stone) -> float:
    """Carat from the modelled volume x the material's density (one carat is 0.2 g)."""
    density = catalogue.gemstone(stone.material).density_g_cm3
    return _carat_of(stone_solid(stone), density)


CARAT_TOLERANCE = 0.005  # a size picked for a carat models it to half a hundredth of a carat
_LENGTH_STEP_MM = 0.01


def scaled_stone(stone: Stone, length: float) -> Stone:
    """`stone` at `length`, its width and depth (where given) in the same proportion."""
    scale = length / stone.length_mm
    changes: dict = {"length_mm": round(length, 2)}
    if stone.width_mm is not None:
        changes["width_mm"] = round(min(stone.width_mm * scale, length), 2)
    if stone.depth_mm is not None:
        changes["depth_mm"] = round(stone.depth_mm * scale, 2)
    return Stone.model_validate({**stone.model_dump(exclude_none=True), **changes})


def smallest_length_mm(stone: Stone, floor_mm: float = 1.0) -> float:
    """The shortest length (at least `floor_mm`, to 0.01 mm) at which `stone`, scaled in proportion, keeps the
    document's minimum width (1 mm) and depth (0.4 mm)."""
    low = max(floor_mm, 1.0 * stone.length_mm / stone.outline_width_mm)
    if stone.depth_mm is not None:
        low = max(low, 0.4 * stone.length_mm / stone.depth_mm)
    return float(np.ceil(low / _LENGTH_STEP_MM - 1e-6) * _LENGTH_STEP_MM) + (
        _LENGTH_STEP_MM if low > floor_mm else 0.0)  # one step of margin for the width's rounding


def stone_for_carat(stone: Stone, carat: float) -> Stone:
    """The stone of `stone`'s shape, cut, material and proportions whose modelled weight is `carat`.

    Length is found to 0.01 mm (width and depth, where the stone gives them, follow in proportion), so the
    modelled carat lands within about 0.005 ct of the target. Raises DesignError when no stone of 1-25 mm
    length (the document's bounds) weighs that much.
    """
    if not (carat > 0 and np.isfinite(carat)):
        raise DesignError(f"stone.carat: must be a positive number, not {carat!r}")
    bounds = (smallest_length_mm(stone), 25.0)

    def carat_at(length: float) -> float:
        return modelled_carat(scaled_stone(stone, length))

    smallest, largest = carat_at(bounds[0]), carat_at(bounds[1])
    if not smallest - CARAT_TOLERANCE <= carat <= largest + CARAT_TOLERANCE:
        raise DesignError(
            f"stone.carat: a {stone.shape.value} {stone.material} of this cut weighs {smallest:.2f}-{largest:.2f} ct "
            f"within the 1-25 mm the configurator makes, not {carat:g} ct"
        )
    # Weight grows with the cube of the size: step on the cube root, then settle on the nearest 0.01 mm.
    length = stone.length_mm
    for _ in range(6):
        now = carat_at(length)
        if abs(now - carat) <= CARAT_TOLERANCE / 4:
            break
        length = float(np.clip(length * (carat / now) ** (1 / 3), *bounds))
    length = float(np.clip(round(length / _LENGTH_STEP_MM) * _LENGTH_STEP_MM, *bounds))
    best = min((float(np.clip(length + step * _LENGTH_STEP_MM, *bounds)) for step in (-1, 0, 1)),
               key=lambda candidate: abs(carat_at(candidate) - carat))
    return scaled_stone(stone, best)


if __name__ == "__main__":  # python -m configurator.stones: rewrite the shipped fullness table
    import csv

    rows = table_rows()
    with FULLNESS_TABLE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{FULLNESS_TABLE}: {len(rows)} rows")


# Side stones (PRODUCT.md): each usually weighs 50-70 % of the centre's carat (about 75-90 % of its length); the
# size the app suggests is the middle of that.
SIDE_CARAT_SHARE = (0.5, 0.7)
SIDE_CARAT_USUAL = 0.6


def side_carat_share(centre: Stone, side: Stone) -> float:
    """What one side stone weighs as a share of the centre, by the trade formula."""
    return trade_carat(side) / trade_carat(centre)


def matching_side_mm(centre: Stone, side: Stone, share: float = SIDE_CARAT_USUAL) -> float:
    """The length (to 0.05 mm) at which a side stone of `side`'s shape and proportions weighs `share` of the centre:
    a stone's weight grows as the cube of its size."""
    length = side.length_mm * (share / side_carat_share(centre, side)) ** (1 / 3)
    return round(round(length / 0.05) * 0.05, 2)
