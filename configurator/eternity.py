"""Eternity bands: a row of stones all round the band (full), over three quarters or over half of it, set in shared
prongs, a channel or bezels.

The stones sit across the band (their length along the finger), girdles just over the band's outside, pavilions in
seats drilled through to the finger for light and cleaning. Along the row they stand `gap_mm` apart at the girdle
circle, as the trade sets them (PRODUCT.md "Eternity bands": 0.1-0.2 mm in shared prongs, 0.05-0.1 mm in a channel):
the count is floor(arc / (stone width + gap)); a full eternity spreads what is left over evenly between its stones.
In shared prongs each stone is held by four: between two neighbours a pair of prongs, one toward each edge of the
band, each shared by both. Ring coordinates: finger axis Y, the top of the band +Z; angles are measured from +Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

from . import band_rows, rows
from .band_rows import BEZEL_LIP_MM, BEZEL_WALL_MM, GIRDLE_LIFT_MM, INTO_BAND_SHARE
from .design import ETERNITY_FEWEST, Coverage, Eternity, Ring, RowSetting
from .heads import ROD_SEGMENTS, Parts, accent_prong_mm, rod
from .rows import Row
from .shapes import stone_outline
from .solids import union
from .stone_forms import StoneForm, seat

ROW_MARGIN_MM = 0.2  # band left beyond the stones' ends (shared prongs stand within it)
SHARE = {Coverage.FULL: 1.0, Coverage.THREE_QUARTER: 0.75, Coverage.HALF: 0.5}
PRONG_ACROSS = 0.3  # a pair of shared prongs stands at least this share of the stone's length off the middle
MIN_APART_MM = 0.4  # between the two prongs of a pair: over the investment's 0.3 mm (PRODUCT.md)
PRONG_GRIP_MM = 0.125  # a prong reaches this far in over each neighbour's girdle (the trade's 0.10-0.15, PRODUCT.md)
# A rod's section is a ROD_SEGMENTS-gon round its radius: grown by this much, it measures the table's diameter across
# its flats.
FACET_GROWTH = 1 / math.cos(math.pi / ROD_SEGMENTS)
FACET_SPARE_MM = 0.01  # and by this (a ball's widest ring of facets lies a little off its centre)
BEZEL_GAP_MM = 0.45  # bezel cups need this much between girdles: a 0.35 mm wall between the seats (PRODUCT.md)


@dataclass(frozen=True)
class Layout:
    """Where the stones of a row go."""

    count: int
    girdle_radius: float  # from the finger's axis, mm
    angles: tuple[float, ...]  # each stone's centre, radians from +Z
    step: float  # radians between neighbours
    gap_mm: float  # between neighbours' girdles along the girdle circle (a full eternity's spare shared out)



def girdle_radius(ring: Ring) -> float:
    return band_rows.girdle_radius(ring.size.ring_size().inner_diameter_mm / 2, ring.thickness_mm)


def count_for(ring: Ring, eternity: Eternity) -> int:
    """floor(arc at the girdle circle / (stone width + gap)): the stones the row holds."""
    arc = SHARE[eternity.coverage] * 2 * math.pi * girdle_radius(ring)
    return int(math.floor(arc / (eternity.stone.outline_width_mm + eternity.gap) + 1e-9))


def layout(ring: Ring, eternity: Eternity) -> Layout:
    radius = girdle_radius(ring)
    count = count_for(ring, eternity)
    width = eternity.stone.outline_width_mm
    if eternity.coverage is Coverage.FULL:
        step = 2 * math.pi / count
        angles = tuple(index * step for index in range(count))
        gap = step * radius - width
    else:
        step = (width + eternity.gap) / radius
        first = -step * (count - 1) / 2
        angles = tuple(first + index * step for index in range(count))
        gap = eternity.gap
    return Layout(count, radius, angles, step, gap)


def band_width_needed(eternity: Eternity) -> float:
    """The narrowest band that holds the row: the stone's length and its setting's metal either side."""
    length = eternity.stone.length_mm
    if eternity.setting is RowSetting.CHANNEL:
        return band_rows.channel_width_mm(length)
    if eternity.setting is RowSetting.BEZEL:
        return length + 2 * (BEZEL_WALL_MM - BEZEL_LIP_MM)
    return length + 2 * ROW_MARGIN_MM


def refusal(ring: Ring) -> str | None:
    """Why the band cannot hold its eternity row ("width_mm: ..." or "eternity: ..."), or None when it can."""
    row = ring.eternity
    if row is None:
        return None
    needed = band_width_needed(row)
    if ring.width_mm < needed - 1e-9:
        return (f"width_mm: a {row.setting.value} row of {row.stone.length_mm:g} mm stones needs a band at least "
                f"{needed:.2f} mm wide, not {ring.width_mm:g} mm")
    count = count_for(ring, row)
    if count < ETERNITY_FEWEST:
        return (f"eternity: only {count} stones fit; a row has at least {ETERNITY_FEWEST} (choose smaller stones or "
                "more of the band)")
    return None


def form_of(eternity: Eternity) -> StoneForm:
    return StoneForm.of(eternity.stone, band_rows.ROW_GIRDLE_POINTS)


def girdle_distance(outline: np.ndarray, x: float, y: float) -> float:
    """How far the point (x, y) is from a girdle `outline` (its nearest edge), in the stone's own plane."""
    edge = np.roll(outline, -1, axis=0) - outline
    t = np.clip(((np.array([x, y]) - outline) * edge).sum(axis=1) / np.maximum((edge * edge).sum(axis=1), 1e-12), 0, 1)
    return float(np.min(np.hypot(*(outline + t[:, None] * edge - [x, y]).T)))


def prong_places(form: StoneForm, half_step_mm: float) -> tuple[tuple[float, ...], float]:
    """Where the prongs between two neighbours stand across the band, and their radius: a pair, one toward each edge
    of the band, each at least the trade's diameter for the stone (`accent_prong_mm`, PRODUCT.md "Prong sizes by
    stone", across its facets) and thick enough to reach in over both girdles by PRONG_GRIP_MM, as near the middle
    as leaves a castable gap (MIN_APART_MM) between them and keeps them on the band; else (stones stood too far apart
    for a pair to reach them) one prong on the middle line, which the check refuses."""
    stone = form.stone
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 96)
    least = accent_prong_mm(min(stone.length_mm, stone.outline_width_mm)) / 2 * FACET_GROWTH + FACET_SPARE_MM
    for y in np.linspace(PRONG_ACROSS * stone.length_mm, stone.length_mm / 2, 24):
        radius = max(least, girdle_distance(outline, half_step_mm, y) + PRONG_GRIP_MM * FACET_GROWTH)
        if y - radius >= MIN_APART_MM / 2 and y + radius <= stone.length_mm / 2 + ROW_MARGIN_MM:
            return (float(y), float(-y)), radius
    return (0.0,), max(least, girdle_distance(outline, half_step_mm, 0.0) + PRONG_GRIP_MM * FACET_GROWTH)


@lru_cache(maxsize=64)
def prong_top(eternity: Eternity) -> float:
    """How high over the girdle's centre the prongs may stand, in a stone's frame: where the seat, cut into them, has
    come PRONG_GRIP_MM in from the girdle all round, so that what is left of a prong over the crown reaches that far
    in over the girdle (the setter bends the tips down on the crown)."""
    form = form_of(eternity)
    cutter = seat(form)
    inner = _inner_girdle(eternity)
    for height in np.linspace(0.0, form.crown, 200):
        if (cutter.slice(float(height)) - inner).area() < 1e-6:
            return float(height)
    return form.crown


def _inner_girdle(eternity: Eternity) -> manifold3d.CrossSection:
    stone = eternity.stone
    outline = stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 96)
    return manifold3d.CrossSection([np.ascontiguousarray(outline)]).offset(-PRONG_GRIP_MM - FACET_SPARE_MM,
                                                                            manifold3d.JoinType.Round)


def _shared_prongs(eternity: Eternity, form: StoneForm, row: Layout, placed: Row,
                   into: float) -> list[manifold3d.Manifold]:
    """A pair of prongs in each gap between neighbours (`prong_places`), standing in the notch between them from
    `into` the band, flat on top; the stones' seats cut their bearings into them. They stand as high as `prong_top`,
    and lower where the crown falls away faster (a square stone's sides), so that no prong reaches more than
    PRONG_GRIP_MM in over a girdle. An open row has a pair outside its first and last stones too, so that those are
    held by four as well."""
    half = row.step / 2
    places, radius = prong_places(form, half * row.girdle_radius)
    bottom = -(GIRDLE_LIFT_MM + into)

    def pair(top: float) -> manifold3d.Manifold:  # in the gap's frame
        lid = manifold3d.Manifold.cube((8 * radius, 8 * radius, top - bottom)).translate(
            (-4 * radius, -4 * radius, bottom))
        return union([rod((0.0, y, bottom), (0.0, y, top), radius) ^ lid.translate((0.0, y, 0.0)) for y in places])

    # the gap's radial line lies half a step from the stone's: a top as high as the stone's own over its girdle plane
    # where the prong meets it, then lowered while what is left of a prong over the crown reaches too far in
    level = row.girdle_radius
    high = (level + prong_top(eternity)) / math.cos(half) - level
    cutter = seat(form)
    over = manifold3d.Manifold.extrude(_inner_girdle(eternity), form.crown + 1.0)

    def too_far(top: float) -> bool:
        beside = pair(top).rotate((0.0, math.degrees(half), 0.0)).translate(
            (level * math.sin(half), 0.0, level * math.cos(half) - level))
        return ((beside - cutter) ^ over).volume() > 1e-7

    top = high
    if too_far(high):
        low = 0.0
        for _ in range(16):
            middle = (low + high) / 2
            low, high = (middle, high) if not too_far(middle) else (low, middle)
        top = low
    return rows.in_gaps(placed, pair(top), ends=(True, True))


def holds_of(metal: manifold3d.Manifold, ring: Ring, eternity: Eternity, index: int) -> int:
    """How many pieces of metal stand over stone `index`'s girdle, looking down on it just over the girdle: its
    prongs (a bezel's cup or a channel's walls count as they come)."""
    form = form_of(eternity)
    row = layout(ring, eternity)
    angle = row.angles[index]
    local = metal.translate((-row.girdle_radius * math.sin(angle), 0.0, -row.girdle_radius * math.cos(angle))) \
        .rotate((0.0, -math.degrees(angle), 0.0))
    stone = form.stone
    girdle = manifold3d.CrossSection([np.ascontiguousarray(stone_outline(
        stone.shape, stone.length_mm, stone.outline_width_mm, 96))])
    collar = girdle.offset(HOLD_REACH_MM, manifold3d.JoinType.Round) - girdle.offset(-0.3, manifold3d.JoinType.Round)
    over = local.slice(_girdle_top(eternity) + 0.02) ^ collar
    return sum(1 for piece in over.decompose() if piece.area() > 1e-4)


HOLD_REACH_MM = 0.35  # metal standing within this of a girdle, just over it, holds the stone there
FEWEST_PRONGS = 4  # two shared each side (PRODUCT.md "Eternity bands")


def prong_widths(metal: manifold3d.Manifold, ring: Ring, eternity: Eternity) -> list[float]:
    """The row's prongs measured across the band (where the seats leave them whole) just over the band's outside, in
    the gap after the row's middle stone and, in an open row, outside its first: mm, one figure a prong."""
    row = layout(ring, eternity)
    middle = len(row.angles) // 2
    angles = [row.angles[middle] + row.step / 2]
    if eternity.coverage is not Coverage.FULL:
        angles.append(row.angles[0] - row.step / 2)
    found = []
    window = manifold3d.CrossSection.square((2 * row.step * row.girdle_radius / 2, 20.0), True)
    for angle in angles:
        local = metal.translate((-row.girdle_radius * math.sin(angle), 0.0, -row.girdle_radius * math.cos(angle))) \
            .rotate((0.0, -math.degrees(angle), 0.0))
        for piece in (local.slice(-GIRDLE_LIFT_MM + 0.03) ^ window).decompose():
            if piece.area() > 1e-4:
                low_x, low_y, high_x, high_y = piece.bounds()
                found.append(high_y - low_y)
    return found


@lru_cache(maxsize=64)
def _girdle_top(eternity: Eternity) -> float:
    """The height of the girdle's top over its centre, in a stone's frame."""
    solid = np.asarray(form_of(eternity).solid.to_mesh().vert_properties)[:, :3]
    across = np.hypot(solid[:, 0] / eternity.stone.outline_width_mm, solid[:, 1] / eternity.stone.length_mm)
    return float(solid[across >= across.max() - 1e-4, 2].max())


def build(ring: Ring, eternity: Eternity) -> Parts:
    """The row: its stones, their seats (to cut into the band and the setting's metal), and the setting's metal."""
    form = form_of(eternity)
    row = layout(ring, eternity)
    placed = rows.along_band((form,) * row.count, row.angles, row.girdle_radius, eternity.coverage is Coverage.FULL)
    into = ring.thickness_mm * INTO_BAND_SHARE
    seats = band_rows.cutters(placed, eternity.setting is RowSetting.CHANNEL,
                              GIRDLE_LIFT_MM + ring.thickness_mm + 1.0, eternity.setting is RowSetting.SHARED_PRONG)
    if eternity.setting is RowSetting.SHARED_PRONG:
        metal = _shared_prongs(eternity, form, row, placed, into)
    elif eternity.setting is RowSetting.CHANNEL:
        metal = band_rows.channel_walls(placed, into)
    else:
        metal = band_rows.bezels(placed, into)
    return Parts(metal, seats, rows.stones(placed))


def described(eternity: Eternity, count: int, carat: float) -> str:
    """The row as a store writes it: "19 x 2.5 mm, 1.14 ctw"."""
    stone = eternity.stone
    size = (f"{stone.length_mm:g} mm" if abs(stone.length_mm - stone.outline_width_mm) < 1e-9
            else f"{stone.length_mm:g} x {stone.outline_width_mm:.2g} mm")
    return f"{count} x {size}, {carat:.2f} ctw"


def resizable(eternity: Eternity) -> bool:
    """A full eternity has stones all round: it cannot be sized up or down, only made anew."""
    return eternity.coverage is not Coverage.FULL



def span(ring: Ring, eternity: Eternity) -> float:
    """Half the angle the row covers, from +Z to its last stone's far side (pi for a full eternity)."""
    if eternity.coverage is Coverage.FULL:
        return math.pi
    row = layout(ring, eternity)
    return row.angles[-1] + row.step
