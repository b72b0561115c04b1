"""The setter's map and table: every stone of a built design numbered, where it sits and how it is held.

Stones are numbered the centre 1, then its side stones (nearest the centre first, the right shoulder's before the
left's), its accents (clockwise from 12 o'clock round the centre) or an eternity row (left to right along the map).
Like stones in a row share one line of the table (`StoneGroup`, "2-3"): their shape and size, carat, the seat's depth
under the girdle, the prongs holding each and their diameter, which way the stone lies, and its girdle's height over
the metal it stands on (a band's outside, measured from the finger's axis; a pendant's face).

The map (`draw`) is the piece seen from above: a pendant as it is, a ring's band unrolled round the finger (across:
the distance round the band from the top, so that a row reaching down the sides is as legible as the top), the metal
in grey and each stone drawn by its outline, coloured by its size, with its number and a legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import catalogue, eternity, sidestones
from .design import Coverage, RowSetting, Setting, SettingStyle
from .heads import prong_places
from .rows import BEAD_RADIUS_MM
from .shapes import shape_of
from .stone_forms import SEAT_CLEARANCE_MM, StoneForm
from .styles import default_prong_mm, prong_count, style_of

if TYPE_CHECKING:
    from .geometry import Model, StonePart

MAP_MARGIN_MM = 1.5  # metal and stones are drawn this far inside the picture's edge
LONGEST_PX = 1500  # the map's longer side
TALLEST_PX = 760
SIZE_COLOURS = ("#2f6db5", "#e07b1f", "#3b9a4a", "#c8343f", "#8a5cb0", "#1d9a9a", "#b8912a", "#7a7a7a")


@dataclass(frozen=True)
class MappedStone:
    """One stone on the map: its number, the part it is and its outline there (mm; x across, y up the picture)."""

    number: int
    part: StonePart
    outline: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        return (self.outline.min(axis=0) + self.outline.max(axis=0)) / 2


@dataclass(frozen=True)
class StoneGroup:
    """One line of the setter's table: a stone, or a row of like stones numbered `first` to `last`.

    Sizes and heights in mm; `prongs` are those holding each stone (own and shared), None where no prong holds it
    (a bezel, a channel); `holding` says how it is held in words."""

    first: int
    last: int
    role: str
    material: str
    shape: str
    length_mm: float
    width_mm: float
    depth_mm: float
    carat_each: float
    seat_depth_mm: float  # the stone's pavilion under its girdle and the seat's clearance
    holding: str
    prongs: str | None  # "4", "2 + 2 shared", "4 each, 30 in the row"
    prong_mm: str | None  # "1.05", "1.05 / 1.10 shared"
    orientation: str
    seat_height_mm: float  # the girdle over the band's outside (a ring) or the plate's face (a pendant)

    @property
    def numbers(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def _outer(model: Model) -> float:
    """A ring's band outside at the top, from the finger's axis."""
    return model.band.inner_radius_mm + model.design.ring.thickness_mm


def _points(part: StonePart) -> np.ndarray:
    return np.asarray(part.solid.to_mesh().vert_properties)[:, :3].astype(float)


def to_map(model: Model, points: np.ndarray, around: float | None = None, radius: float | None = None) -> np.ndarray:
    """Points (N x 3) on the map, mm: a pendant's as seen from above; a ring's unrolled round the band (across: the
    arc from the top at the point's own distance from the finger's axis, or at `radius`, so that what stands on the
    top is seen as from above; `around` the angle to unwrap them about)."""
    if model.band is None:
        return points[:, :2].copy()
    angle = np.arctan2(points[:, 0], points[:, 2])
    if around is not None:
        angle = around + np.remainder(angle - around + math.pi, 2 * math.pi) - math.pi
    reach = np.hypot(points[:, 0], points[:, 2]) if radius is None else radius
    return np.column_stack([angle * reach, points[:, 1]])


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The z of (b - a) x (c - a): positive when a, b, c turn left."""
    return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))


def _hull(points: np.ndarray) -> np.ndarray:
    """The convex outline of 2D points, counter-clockwise (monotone chain)."""
    unique = np.unique(np.round(points, 6), axis=0)
    if len(unique) < 3:
        return unique

    def half(rows) -> list:
        chain: list = []
        for point in rows:
            while len(chain) >= 2 and _turn(chain[-2], chain[-1], point) <= 0:
                chain.pop()
            chain.append(point)
        return chain

    lower, upper = half(unique), half(unique[::-1])
    return np.array(lower[:-1] + upper[:-1])


def mapped(model: Model) -> tuple[MappedStone, ...]:
    """Every stone of `model` numbered and outlined on the map, in the numbering's order."""
    parts = list(model.stone_parts)
    outlines = []
    for part in parts:
        points = _points(part)
        centre = points.mean(axis=0)  # turns with the stone, as a box round it would not
        # a stone is unrolled at its centre's distance from the finger's axis, whole: its culet and table in line
        around = math.atan2(centre[0], centre[2]) if model.band is not None else None
        outlines.append(_hull(to_map(model, points, around, math.hypot(centre[0], centre[2]))))
    centres = [(outline.min(axis=0) + outline.max(axis=0)) / 2 for outline in outlines]
    middle = centres[0] if parts and parts[0].role == "centre" else np.zeros(2)

    def order(index: int) -> tuple:
        part, (x, y) = parts[index], centres[index]
        if part.role == "centre":
            return (0,)
        if part.role == "side":  # by size nearest the centre first, then the right shoulder's before the left's
            return (1, -round(part.size_mm, 3), abs(x), x < 0)
        if part.role == "eternity":
            return (2, x)
        return (3, math.atan2(x - middle[0], y - middle[1]) % (2 * math.pi))  # clockwise from 12 o'clock

    ranked = sorted(range(len(parts)), key=order)
    return tuple(MappedStone(number, parts[index], outlines[index]) for number, index in enumerate(ranked, start=1))


def _girdle(part: StonePart) -> tuple[np.ndarray, np.ndarray, float]:
    """A small stone's girdle centre, its axis (table up) and its pavilion's depth, from its solid: the axis is its
    shortest extent (a brilliant is wider than deep), the girdle its widest points about it."""
    points = _points(part)
    centred = points - points.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][-1]
    along = centred @ axis
    spread = np.linalg.norm(centred - np.outer(along, axis), axis=1)
    rim = spread >= spread.max() - 1e-3 * max(part.size_mm, 1.0)
    girdle = points[rim].mean(axis=0)
    heights = (points - girdle) @ axis
    if heights.max() > -heights.min():  # the axis toward the table: the crown is shallower than the pavilion
        axis, heights = -axis, -heights
    return girdle, axis, float(-heights.min())


def _over(model: Model, point: np.ndarray) -> float:
    """How far a point stands over the metal a stone is set on: a ring's band outside (from the finger's axis), a
    pendant's face."""
    if model.band is None:
        return float(point[2] - model.plate.thickness)
    return float(math.hypot(point[0], point[2]) - _outer(model))


def _prong_text(own: int, diameter: float, shared: int = 0, shared_mm: float | None = None) -> tuple[str, str]:
    if not shared:
        return str(own), f"{diameter:.2f}"
    return f"{own} + {shared} shared", f"{diameter:.2f} / {shared_mm:.2f} shared"


def _lies(model: Model, stone, along: str) -> str:
    """Which way a stone lies: a round one any way; a square one with its sides square to the band (or the bail); a
    long one by its length (`along`)."""
    if shape_of(stone.shape).lies is None:
        return "any way (round)"
    if abs(stone.length_mm - stone.outline_width_mm) < 1e-6:
        return f"sides square to the {'band' if model.band is not None else 'bail'}"
    return along


def _centre(model: Model, part: StonePart, number: int) -> StoneGroup:
    design = model.design
    stone, setting = design.stone, design.effective_setting
    form = StoneForm.of(stone)
    prongs = prong_mm = None
    holding = setting.style.value
    if style_of(setting.style).prong_mm:
        # a style with no prong count of its own (its accents fill the shoulders) holds the centre in four round
        # prongs (`styles.prong.four_round_prongs`)
        count = prong_count(setting) or 4
        diameter = setting.prong_mm or default_prong_mm(stone, setting.style)
        shared = sidestones.shared_with_centre(design, _outer(model)) if design.side_stones is not None else None
        if shared is not None:
            prongs, prong_mm = _prong_text(len(prong_places(stone, count, diameter, shared)), diameter,
                                           len(shared.places), 2 * shared.radius)
        else:
            prongs, prong_mm = _prong_text(count, diameter)
        holding += ", claw tips" if setting.tips.value == "claw" else ""
    if model.band is not None:
        height = model.girdle_z - _outer(model)
        lies = _lies(model, stone, "length across the band (along the finger)")
    else:
        height = model.girdle_z - model.plate.thickness
        lies = ("point down, away from the bail" if shape_of(stone.shape).hangs_point_down
                else _lies(model, stone, "length toward the bail"))
    return StoneGroup(first=number, last=number, role="centre", material=stone.material, shape=stone.shape.value,
                      length_mm=stone.length_mm, width_mm=stone.outline_width_mm, depth_mm=form.crown + form.pavilion,
                      carat_each=part.carat, seat_depth_mm=form.pavilion + SEAT_CLEARANCE_MM, holding=holding,
                      prongs=prongs, prong_mm=prong_mm, orientation=lies, seat_height_mm=height)


def _sides(model: Model, stones: list[MappedStone]) -> list[StoneGroup]:
    design = model.design
    side = design.side_stones
    placed = sidestones.placement(design, _outer(model))
    groups = []
    for stone, angle, radius in zip(placed.stones, placed.angles, placed.radii, strict=True):
        group = [item for item in stones if item.part.role == "side" and abs(item.part.size_mm - stone.length_mm) < 1e-6]
        form = StoneForm.of(stone)
        prongs = prong_mm = None
        if side.style is SettingStyle.PRONG:
            count = prong_count(Setting(style=side.style))
            diameter = sidestones.prong_mm(side, stone) or default_prong_mm(stone, side.style)
            if side.shared_prongs:
                shared = sidestones.shared_with_side(design, _outer(model), placed)
                own = len(prong_places(stone, count, diameter, shared))
                prongs, prong_mm = _prong_text(own, diameter, len(shared.places), 2 * shared.radius)
            else:
                prongs, prong_mm = _prong_text(count, diameter)
        turn = f"turned {math.degrees(angle):.1f} degrees from the top either side"
        across = shape_of(stone.shape).lies
        lies = turn if across is None else f"{across}, {turn}"
        groups.append(StoneGroup(
            first=min(item.number for item in group), last=max(item.number for item in group), role="side",
            material=stone.material, shape=stone.shape.value, length_mm=stone.length_mm,
            width_mm=stone.outline_width_mm, depth_mm=form.crown + form.pavilion,
            carat_each=sum(item.part.carat for item in group) / len(group),
            seat_depth_mm=form.pavilion + SEAT_CLEARANCE_MM, holding=side.style.value, prongs=prongs,
            prong_mm=prong_mm, orientation=lies, seat_height_mm=radius - _outer(model)))
    return groups


def _row(model: Model, stones: list[MappedStone]) -> StoneGroup:
    ring = model.design.ring
    row = ring.eternity
    form = eternity.form_of(row)
    laid = eternity.layout(ring, row)
    prongs = prong_mm = None
    if row.setting is RowSetting.SHARED_PRONG:
        places, radius = eternity.prong_places(form, laid.step * laid.girdle_radius / 2)
        gaps = laid.count if row.coverage is Coverage.FULL else laid.count + 1
        prongs, prong_mm = f"{2 * len(places)} each, {gaps * len(places)} in the row", f"{2 * radius:.2f}"
    reach = math.degrees(max(abs(angle) for angle in laid.angles))
    where = "all round" if row.coverage is Coverage.FULL else f"from {reach:.1f} degrees left to right of the top"
    lies = _lies(model, row.stone, "length across the band")
    return StoneGroup(
        first=min(item.number for item in stones), last=max(item.number for item in stones), role="eternity",
        material=row.stone.material, shape=row.stone.shape.value, length_mm=row.stone.length_mm,
        width_mm=row.stone.outline_width_mm, depth_mm=form.crown + form.pavilion,
        carat_each=sum(item.part.carat for item in stones) / len(stones), seat_depth_mm=form.pavilion + SEAT_CLEARANCE_MM,
        holding=f"eternity, {row.setting.value.replace('_', ' ')}", prongs=prongs, prong_mm=prong_mm,
        orientation=f"{lies}; {where}, {laid.gap_mm:.2f} mm apart", seat_height_mm=laid.girdle_radius - _outer(model))


def _accents(model: Model, stones: list[MappedStone]) -> list[StoneGroup]:
    """Accent stones by size, as their style (`styles`) sets them: stones that touch by design stand in a channel
    between its walls, others are held by beads raised between them; a style's accents stand in its head (a halo's,
    table up) or along the band's shoulders (table out from the band), a pendant's round its plate."""
    style = model.design.effective_setting.style
    facts = style_of(style)
    beaded = not facts.abutting
    groups: dict[float, list[MappedStone]] = {}
    for item in stones:
        groups.setdefault(round(item.part.size_mm, 3), []).append(item)
    result = []
    for size, group in groups.items():
        _, axis, pavilion = _girdle(group[0].part)
        heights = [_over(model, _girdle(item.part)[0]) for item in group]  # a halo's stand level; a shoulder's not
        numbers = [item.number for item in group]
        result.append(StoneGroup(
            first=min(numbers), last=max(numbers), role="accent", material=group[0].part.material, shape="round",
            length_mm=size, width_mm=size, depth_mm=float(np.ptp(_points(group[0].part) @ axis)),
            carat_each=sum(item.part.carat for item in group) / len(group),
            seat_depth_mm=pavilion + SEAT_CLEARANCE_MM,
            holding=f"{style.value}, {'beads between the stones' if beaded else 'channel walls'}",
            prongs="beads" if beaded else None, prong_mm=f"{2 * BEAD_RADIUS_MM:.2f}" if beaded else None,
            orientation="table up" if facts.shoulders is None or model.band is None else "table out from the band",
            seat_height_mm=float(np.mean(heights))))
    return result


def groups(model: Model, stones: tuple[MappedStone, ...] | None = None) -> tuple[StoneGroup, ...]:
    """The setter's table of `model`: one line for the centre, each size of side stone, the accents, the row."""
    stones = mapped(model) if stones is None else stones
    result = []
    for role in ("centre", "side", "eternity", "accent"):
        mine = [item for item in stones if item.part.role == role]
        if not mine:
            continue
        if role == "centre":
            result.append(_centre(model, mine[0].part, mine[0].number))
        elif role == "side":
            result += _sides(model, mine)
        elif role == "eternity":
            result.append(_row(model, mine))
        else:
            result += _accents(model, mine)
    return tuple(sorted(result, key=lambda group: group.first))


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(max(10, int(size)))


def _colours(stones: tuple[MappedStone, ...]) -> dict[tuple[str, float], str]:
    """A colour for each size of stone (largest first)."""
    sizes = sorted({(item.part.role == "centre", round(item.part.size_mm, 2)) for item in stones}, reverse=True)
    return {size: SIZE_COLOURS[index % len(SIZE_COLOURS)] for index, size in enumerate(sizes)}


def draw(model: Model, stones: tuple[MappedStone, ...] | None = None,
         table: tuple[StoneGroup, ...] | None = None) -> Image.Image:
    """The gem map of `model`: the metal from above (a ring's band unrolled), every stone outlined in its size's
    colour and numbered, a 5 mm scale bar and the legend (number, shape, size) underneath."""
    stones = mapped(model) if stones is None else stones
    table = groups(model, stones) if table is None else table
    metal = model.metal
    vertices = np.asarray(metal.vertices, dtype=float)
    faces = np.asarray(metal.faces)
    flat = to_map(model, vertices)
    triangles = flat[faces]
    if model.band is not None:  # a triangle across the back of the band would stretch over the whole map
        triangles = triangles[np.ptp(triangles[:, :, 0], axis=1) < math.pi * _outer(model) / 2]
    outlines = np.vstack([item.outline for item in stones]) if stones else flat
    low = outlines.min(axis=0) - MAP_MARGIN_MM
    high = outlines.max(axis=0) + MAP_MARGIN_MM
    low[1], high[1] = min(low[1], flat[:, 1].min() - MAP_MARGIN_MM), max(high[1], flat[:, 1].max() + MAP_MARGIN_MM)
    if model.band is None:
        low, high = np.minimum(low, flat.min(axis=0) - MAP_MARGIN_MM), np.maximum(high, flat.max(axis=0) + MAP_MARGIN_MM)
    if model.band is not None:  # at least as wide as the legend: more of the band either side
        spare = max(0.0, 1.6 * (high[1] - low[1]) - (high[0] - low[0])) / 2
        half = math.pi * _outer(model)  # no more than the band all round, nor less than the stones
        low[0], high[0] = min(low[0], max(low[0] - spare, -half)), max(high[0], min(high[0] + spare, half))
    span = high - low
    scale = min(LONGEST_PX / span[0], TALLEST_PX / span[1])  # px per mm
    width, height = int(math.ceil(span[0] * scale)), int(math.ceil(span[1] * scale))
    colours = _colours(stones)
    legend_rows = len(table)
    line = 34
    image = Image.new("RGB", (max(width, 900), height + 92 + line * legend_rows), "white")
    pen = ImageDraw.Draw(image)

    def px(points: np.ndarray) -> list[tuple[float, float]]:
        return [(float((x - low[0]) * scale), float((high[1] - y) * scale)) for x, y in points]

    keep = (triangles[:, :, 0].max(axis=1) >= low[0]) & (triangles[:, :, 0].min(axis=1) <= high[0])
    for triangle in triangles[keep]:
        pen.polygon(px(triangle), fill=(206, 206, 200))
    for item in stones:
        colour = colours[(item.part.role == "centre", round(item.part.size_mm, 2))]
        pen.polygon(px(item.outline), fill=colour, outline=(30, 30, 30), width=2)
    for item in stones:
        size_px = float(np.min(np.ptp(item.outline, axis=0))) * scale
        font = _font(min(46, max(16, 0.5 * size_px)))
        text = str(item.number)
        x, y = px([item.centre])[0]
        box = pen.textbbox((0, 0), text, font=font)
        w, h = box[2] - box[0], box[3] - box[1]
        pen.text((x - w / 2 - box[0], y - h / 2 - box[1]), text, font=font, fill="white", stroke_width=2,
                 stroke_fill=(20, 20, 20))
    # 5 mm scale bar and the legend, under the map
    bar = 5.0 * scale
    y = height + 22
    pen.line([(14, y), (14 + bar, y)], fill=(40, 40, 40), width=3)
    for x in (14, 14 + bar):
        pen.line([(x, y - 7), (x, y + 7)], fill=(40, 40, 40), width=2)
    pen.text((24 + bar, y - 11), "5 mm", fill=(40, 40, 40), font=_font(20))
    caption = ("The band unrolled: across is round the band from the top, up is along the finger."
               if model.band is not None else "Seen from above, the bail up.")
    pen.text((14, y + 14), caption, fill=(40, 40, 40), font=_font(20))
    font = _font(24)
    for index, group in enumerate(table):
        top = height + 80 + index * line
        colour = colours[(group.role == "centre", round(group.length_mm, 2))]
        pen.rectangle([14, top, 44, top + 24], fill=colour, outline=(30, 30, 30))
        size = (f"{group.length_mm:.2f} mm" if abs(group.length_mm - group.width_mm) < 1e-6
                else f"{group.length_mm:.2f} x {group.width_mm:.2f} mm")
        name = catalogue.gemstone(group.material).name
        pen.text((56, top - 1), f"{group.numbers}: {group.role}, {group.shape} {name}, {size}"
                 + (f" ({group.count})" if group.count > 1 else ""), fill=(20, 20, 20), font=font)
    return image
