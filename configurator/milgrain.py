"""Milgrain: rows of small beads along a band's edges and round a bezel's rim, each sunk into the metal it sits on.

PRODUCT.md "Milgrain": beads 0.4-0.8 mm across, touching or nearly, centre to centre about one bead diameter (1.0-1.2
diameters), as the milgrain wheel rolls them after polishing; the pitch is by default 1.1 diameters
(`design.Milgrain.pitch`): 0.5 mm beads 0.55 mm apart, about 117 to an edge of a US 6.5 band 1.8 mm thick. The hair
between two beads of a row is the wheel's work, not a gap the investment fills; two faceted balls that touch would
meet at a point (a non-manifold vertex) and two that cross by a hair in a seam of needles, so neighbours that would
come within APART_MM of each other are cast that much smaller (`made_bead_mm`) and stand APART_MM apart.

A row along a path of length L holds round(L / pitch) beads, one at the middle of each of as many equal stretches of
it: a closed path (a plain band's edge, a bezel's rim) evenly all round; an open run (a band's edge under a head, from
where the head's parts end round the back to where they begin again) with its first and last bead half a stretch in
from its ends. Each bead's centre lies on the edge moved a quarter of its radius into the metal, along the bisector of
the two faces meeting there: its surface meets each of them at more than a right angle, so it is one with the metal
(no crevice, no knife-edge contact) and stands proud of both.

A band's edge is where its outside meets its side, at y = +-width / 2: the outermost point of the section in the
plane of its side. Ring coordinates: finger axis Y, the top of the band +Z; angles round the finger from +Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import manifold3d
import numpy as np

from .design import EdgeMilgrain, Edges, Milgrain, Ring
from .profiles import band_section
from .solids import PREVIEW, polygon_area

if TYPE_CHECKING:
    from .bands import Band

SINK_SHARE = 0.25  # a bead's centre lies this share of its radius inside the metal, along the edge's bisector
FLOOR_MM = 0.1  # metal kept between an edge bead and the finger: a bead never breaks through the band's inside
CLEAR_MM = 0.35  # an edge row stops this far short of a head's or shoulder's metal and seats: the investment's 0.3 mm
BEAD_SEGMENTS = 16  # as a setting's rods: a bead's box is within 2 % of its diameter
# A preview's edge rows (drawn, never cast: a hundred and more beads to a row) take coarser balls, within 6 %.
PREVIEW_BEAD_SEGMENTS = 8
# A bead's facets are turned clear of the planes of symmetry that a band's and a head's edges lie in, as a setting's
# rods are (settings.ROD_TURN_DEG): a bead's vertex on a band's station plane would leave two vertices in one place.
BEAD_TURN_DEG = (10.0, 5.0, 13.0)
SMOOTH_DEG = 15.0  # faces meeting at an edge within this angle make a smooth edge (a profile's curves turn by 10 at most)
# Neighbours in a row stand at least this far apart (their faceted surfaces, which lie within the ball): a float32
# file keeps them apart, and a bead made smaller for it is within 5 % of the size asked for at the tightest pitch.
APART_MM = 0.02
# Round a rim with corners or a cusp (a heart's cleft) a bead that would crowd one kept before it goes: the rim's
# beads are made by the spacing along most of it (this percentile of the steps between neighbours).
RIM_SPACING_PERCENTILE = 25
EDGE_SAMPLES = 2048  # points along a tapered edge to measure its length (a circle's is then within 1e-6 of 2 pi r)
# A tapered band's edge is read off this many sections between the top's and the back's and drawn between them (its
# point moves linearly with the width and thickness; a bevel's, whose chamfer is the lesser of two shares, is off by
# under 0.01 mm within the one step where that changes).
SHARE_STEPS = 128


@dataclass(frozen=True)
class BeadRow:
    """One row of beads as built: its solid (the beads, apart from each other), the document field it comes from,
    where it runs, and the figures it was laid out by."""

    field: str  # "ring.milgrain" or "setting.milgrain"
    where: str  # "the band's +Y edge", "the bezel's rim"
    solid: manifold3d.Manifold = field(repr=False, compare=False)
    count: int  # beads in the row (what the sheet shows per edge)
    bead_mm: float  # as made: the size asked for, or a hair less where neighbours would touch (`made_bead_mm`)
    pitch_mm: float  # asked for: the spacing is length_mm / count
    length_mm: float  # of the path the beads were spread along
    closed: bool

    @property
    def spacing_mm(self) -> float:
        """Centre to centre along the path."""
        return self.length_mm / self.count if self.count else math.inf

    def centres(self) -> np.ndarray:
        """Every bead's centre as placed (each bead's box is centred on it: a faceted sphere is symmetric through
        its centre)."""
        boxes = np.array([piece.bounding_box() for piece in self.solid.decompose()]).reshape(-1, 6)
        return (boxes[:, :3] + boxes[:, 3:]) / 2

    def closest_gap_mm(self, neighbours: bool = True) -> float:
        """The narrowest gap between two beads of the row, measured between the placed beads' centres; without
        `neighbours`, between beads that are not next to each other along the row (across a cusp, say), since the
        gap between neighbours is the milgrain wheel's work."""
        centres = self.centres()
        if len(centres) < 2:
            return math.inf
        apart = np.linalg.norm(centres[:, None] - centres[None], axis=2)
        np.fill_diagonal(apart, np.inf)
        if not neighbours:
            apart[_neighbour_pairs(centres, self.closed)] = np.inf
        return float(apart.min()) - self.bead_mm


def _neighbour_pairs(centres: np.ndarray, closed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (both ways) of beads next to each other along a row: `centres` in the row's order (as placed and
    as `Manifold.decompose` returns them is not assured, so the order is walked from each bead to its nearest)."""
    count = len(centres)
    apart = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(apart, np.inf)
    nearest = np.argsort(apart, axis=1)[:, :2]  # a bead's neighbours along a row are its two nearest
    rows = np.repeat(np.arange(count), 2)
    cols = nearest.reshape(-1)
    return np.concatenate([rows, cols]), np.concatenate([cols, rows])


def made_bead_mm(bead_mm: float, spacing_mm: float) -> float:
    """The bead made for one asked `bead_mm` across whose neighbours' centres stand `spacing_mm` apart: as asked, or
    APART_MM less than the spacing where it would touch or cross its neighbours."""
    return float(min(bead_mm, spacing_mm - APART_MM))


def bead(centre: np.ndarray, diameter: float, segments: int = BEAD_SEGMENTS) -> manifold3d.Manifold:
    """A ball of `diameter` at `centre`, its facets turned clear of the planes of symmetry (BEAD_TURN_DEG)."""
    solid = manifold3d.Manifold.sphere(diameter / 2, segments).rotate(BEAD_TURN_DEG)
    return solid.translate(tuple(float(v) for v in centre))


def bead_count(length_mm: float, pitch_mm: float) -> int:
    """Beads along a path: its length over the pitch, rounded (halves up)."""
    return int(math.floor(length_mm / pitch_mm + 0.5))


def spread(length_mm: float, pitch_mm: float) -> np.ndarray:
    """Where the beads go along a path of `length_mm`: the middles of round(length / pitch) equal stretches."""
    count = bead_count(length_mm, pitch_mm)
    return (np.arange(count) + 0.5) * length_mm / max(count, 1)


def _kept(centres: np.ndarray, least: float) -> np.ndarray:
    """`centres` without any bead that would stand closer than `least` to one kept before it: round a rim's tight
    corner the beads close up, and either side of a cusp (a heart's cleft) they would meet."""
    kept: list[np.ndarray] = []
    for centre in centres:
        if not kept or np.linalg.norm(np.array(kept) - centre, axis=1).min() >= least:
            kept.append(centre)
    return np.array(kept).reshape(-1, 3)


def _row(field_name: str, where: str, centres: np.ndarray, milgrain: Milgrain, length: float, closed: bool,
         cusps: bool = False, segments: int = BEAD_SEGMENTS) -> BeadRow:
    """A row of beads at `centres` (in order along the path), each `made_bead_mm` by the spacing of its neighbours;
    round a path with corners or `cusps`, any bead that would come within APART_MM of one before it is left out
    (`_kept`)."""
    steps = np.linalg.norm(np.diff(np.vstack([centres, centres[:1]]) if closed else centres, axis=0), axis=1)
    if len(centres) < 2 or not len(steps):
        made = milgrain.bead_mm
    elif cusps:
        made = made_bead_mm(milgrain.bead_mm, float(np.percentile(steps, RIM_SPACING_PERCENTILE)))
        centres = _kept(centres, made + APART_MM)
    else:
        made = made_bead_mm(milgrain.bead_mm, float(steps.min()))
    solid = manifold3d.Manifold.compose([bead(centre, made, segments) for centre in centres])
    return BeadRow(field_name, where, solid, len(centres), made, milgrain.pitch, length, closed)


# ---------------------------------------------------------------- a band's edges


def edge_of(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The +height edge of a section (points (radius, height), symmetric about height 0): the outermost point in the
    plane of the side, and the unit bisector of the outward normals of the two faces meeting there (radius,
    height). Where they meet within SMOOTH_DEG (a dome running on from its side wall, drawn in short chords), the
    edge is smooth and the bisector is the side's own normal."""
    if polygon_area(points) < 0:
        points = points[::-1]
    side = points[:, 1].max()
    on_side = np.flatnonzero(points[:, 1] >= side - 1e-9)
    index = int(on_side[np.argmax(points[on_side, 0])])
    normals = []
    for start, end in ((points[index - 1], points[index]), (points[index], points[(index + 1) % len(points)])):
        step = end - start
        normals.append(np.array([step[1], -step[0]]) / max(np.linalg.norm(step), 1e-12))
    if float(np.dot(normals[0], normals[1])) > math.cos(math.radians(SMOOTH_DEG)):
        return points[index].copy(), np.array([0.0, 1.0])
    bisector = normals[0] + normals[1]
    return points[index].copy(), bisector / np.linalg.norm(bisector)


def largest_edge_bead_mm(ring: Ring) -> float:
    """The largest bead an edge of `ring`'s band takes with FLOOR_MM of metal left between it and the finger, at its
    thinnest section (a tapered band's back): the bead's lowest point against the inside at the band's edge."""
    radius = ring.size.ring_size().inner_radius_mm
    largest = math.inf
    for width, thickness in ((ring.width_mm, ring.thickness_mm), (ring.width_back_mm, ring.thickness_back_mm)):
        section = band_section(ring.profile, radius, width, thickness, PREVIEW)
        edge, bisector = edge_of(section.points)
        inside = edge[0] - section.edge_mm  # the band's inside at its edge (a comfort fit's bulge is highest there)
        # lowest point: edge_r - sink * r * bisector_r - r >= inside + FLOOR_MM
        room = (edge[0] - inside - FLOOR_MM) / (1 + SINK_SHARE * max(bisector[0], 0.0))
        largest = min(largest, 2 * room)
    return float(largest)


def _edge_path(band: Band, angles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The band's +Y edge at each of `angles` (radians from the top): its points in space, and the section's
    bisector there as (radius, height) pairs (the -Y edge is its mirror image)."""
    if band.back is None:  # one section all round
        edge, bisector = edge_of(band.section.points)
        points, bisectors = np.tile(edge, (len(angles), 1)), np.tile(bisector, (len(angles), 1))
    else:  # the edge of the sections from the top's to the back's, read between SHARE_STEPS of them
        shares = np.linspace(0.0, 1.0, SHARE_STEPS + 1)
        pairs = [edge_of(band.points_for(float(share))) for share in shares]
        share = band.share(angles)
        points = np.column_stack([np.interp(share, shares, [edge[k] for edge, _ in pairs]) for k in (0, 1)])
        bisectors = np.column_stack([np.interp(share, shares, [bisector[k] for _, bisector in pairs]) for k in (0, 1)])
        bisectors /= np.linalg.norm(bisectors, axis=1)[:, None]
    path = np.column_stack([points[:, 0] * np.sin(angles), points[:, 1], points[:, 0] * np.cos(angles)])
    return path, bisectors


def edge_length_mm(band: Band, stop: float = 0.0) -> float:
    """The length of one edge of the band from `stop` radians past the top round the back to `stop` before it."""
    if band.back is None:
        return float(edge_of(band.section.points)[0][0] * (2 * math.pi - 2 * stop))
    path, _ = _edge_path(band, np.linspace(stop, 2 * math.pi - stop, EDGE_SAMPLES + 1))
    return float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())


def edge_rows(band: Band, milgrain: EdgeMilgrain, stop: float = 0.0, for_files: bool = True) -> list[BeadRow]:
    """The beads along the band's edges (one or both), each row running from `stop` radians past the top round the
    back to `stop` before it (all round when `stop` is 0); a preview's (not `for_files`) drawn in coarser balls."""
    segments = BEAD_SEGMENTS if for_files else PREVIEW_BEAD_SEGMENTS
    angles = np.linspace(stop, 2 * math.pi - stop, EDGE_SAMPLES + 1)
    if band.back is None:  # a circle: the angle is proportional to the length along it
        length = edge_length_mm(band, stop)
        along = (angles - stop) / (2 * math.pi - 2 * stop) * length
    else:
        path, _ = _edge_path(band, angles)
        along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
        length = float(along[-1])
    at = np.interp(spread(length, milgrain.pitch), along, angles)
    path, bisectors = _edge_path(band, at)
    outward = np.column_stack([bisectors[:, 0] * np.sin(at), bisectors[:, 1], bisectors[:, 0] * np.cos(at)])
    centres = path - SINK_SHARE * milgrain.bead_mm / 2 * outward
    if len(centres) < 2:  # no room for a row
        centres = centres[:0]
    closed = bool(stop == 0)
    rows = [_row("ring.milgrain", "the band's +Y edge", centres, milgrain, length, closed, segments=segments)]
    if milgrain.edges is Edges.BOTH:
        rows.append(_row("ring.milgrain", "the band's -Y edge", centres * [1.0, -1.0, 1.0], milgrain, length, closed,
                         segments=segments))
    return rows


def edge_reach_mm(milgrain: EdgeMilgrain) -> float:
    """How far in from the band's edge, across it, an edge row's beads and the gap they keep reach."""
    return milgrain.bead_mm + CLEAR_MM


# ---------------------------------------------------------------- a bezel's rim


def rim_row(outline: np.ndarray, height: float, milgrain: Milgrain) -> BeadRow:
    """The beads round a rim: `outline` is the rim's outer edge (a closed XY path, any winding) at `height`, where
    the rim's top meets its outer wall at a right angle."""
    if polygon_area(outline) < 0:
        outline = outline[::-1]
    closed = np.vstack([outline, outline[:1]])
    steps = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    length = float(along[-1])
    places = spread(length, milgrain.pitch)
    segment = np.clip(np.searchsorted(along, places, side="right") - 1, 0, len(steps) - 1)
    share = (places - along[segment]) / np.maximum(steps[segment], 1e-12)
    start, end = closed[segment], closed[segment + 1]
    xy = start + share[:, None] * (end - start)
    direction = (end - start) / np.maximum(steps[segment], 1e-12)[:, None]
    outward = np.column_stack([direction[:, 1], -direction[:, 0]])  # counter-clockwise: outward is to the right
    bisector = np.column_stack([outward, np.ones(len(xy))]) / math.sqrt(2)
    edge = np.column_stack([xy, np.full(len(xy), height)])
    centres = edge - SINK_SHARE * milgrain.bead_mm / 2 * bisector
    return _row("setting.milgrain", "the bezel's rim", centres, milgrain, length, True, cusps=True)


def refusal(ring: Ring) -> str | None:
    """Why the band's edges cannot take its milgrain's beads ("milgrain.bead_mm: ..."), or None when they can."""
    if ring.milgrain is None:
        return None
    largest = largest_edge_bead_mm(ring)
    if ring.milgrain.bead_mm > largest + 1e-6:
        return (f"milgrain.bead_mm: a {ring.profile.value} band {ring.thickness_back_mm:g} mm thick has room on its "
                f"edges for beads up to {math.floor(largest * 100 + 1e-6) / 100:.2f} mm across, not "
                f"{ring.milgrain.bead_mm:g} (choose smaller beads or a thicker or flat band)")
    return None


def rim_overhang_mm(milgrain: Milgrain | None) -> float:
    """How far a rim's beads stand out past its outer wall (0 without milgrain)."""
    if milgrain is None:
        return 0.0
    radius = milgrain.bead_mm / 2
    return radius * (1 - SINK_SHARE / math.sqrt(2))
