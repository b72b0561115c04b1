"""Pendants: a plate cut to the outline, the stone set on its face, a bail at the top.

The plate lies in the XY plane with its face up (+Z) and the bail at +Y; a hinged bail's loop is its own part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import manifold3d
import numpy as np

from . import rows
from .design import Bail, Outline, Pendant
from .heads import Parts, ball
from .outlines import pendant_outline, top_on_axis
from .rows import Row, accent_form, accent_seat, pitch, spaced
from .solids import Resolution, offset_outline, section, slab, torus, union

BAIL_MAJOR_MM = 2.2  # loop radius to the wire's centre: an opening of about 3 mm for chains
BAIL_WIRE_MM = 0.7  # loop wire radius
BORDER_INSET_MM = 0.8
BORDER_STONE_MM = 1.2  # the accent stones of a channel or pavé border
HINGE_CLEARANCE_MM = 0.1  # between a hinged bail's knuckle and the plate it turns in
HINGE_KNUCKLE_MM = 1.15  # knuckle radius: over 0.8 mm of metal (PRODUCT.md minimum wall) round the pin hole
HINGE_PIN_MM = 0.3  # pin hole radius
BAIL_KEEP_CLEAR_MM = 3.0  # border stones stay this far either side of the bail


@dataclass(frozen=True)
class Plate:
    outline: np.ndarray
    solid: manifold3d.Manifold
    thickness: float
    top_y: float  # where the bail meets the plate, on the axis x = 0 (a heart's cleft)
    stone_centre: np.ndarray  # (x, y) where the centre stone sits


def plate(pendant: Pendant, resolution: Resolution) -> Plate:
    """The plate of `pendant`, its outline cut as finely as `resolution` asks of a curve its size; a teardrop's stone
    sits in its round part, others at the centre."""
    outline = pendant_outline(pendant.outline, pendant.size_mm, resolution.segments(pendant.size_mm / 2))
    solid = slab(section(outline), 0.0, pendant.thickness_mm)
    centre = np.zeros(2)
    if pendant.outline is Outline.TEARDROP:
        width = outline[:, 0].max() - outline[:, 0].min()
        centre = np.array([0.0, outline[:, 1].min() + width / 2])
    return Plate(outline, solid, pendant.thickness_mm, top_on_axis(outline), centre)


def _loop(centre, major: float, minor: float) -> manifold3d.Manifold:
    """A wire loop standing in the YZ plane (its hole runs along X)."""
    return torus(major, minor, 32, 12).rotate((0.0, 90.0, 0.0)).translate(tuple(float(v) for v in centre))


KNUCKLE_FACETS = 24
KNUCKLE_TURN_DEG = 180.0 / KNUCKLE_FACETS  # half a facet


def bail(pendant: Pendant, body: Plate) -> tuple[list[manifold3d.Manifold], list[manifold3d.Manifold], dict]:
    """Metal joined to the plate, cutters, and separate parts (a hinged bail's loop)."""
    mid_z = body.thickness / 2
    if pendant.bail is Bail.FIXED:
        centre = (0.0, bail_centre_y(pendant, body), mid_z)
        return [_loop(centre, BAIL_MAJOR_MM, BAIL_WIRE_MM)], [], {}
    # Hinged: two knuckles on a tab at the top of the plate, the loop's own knuckle between them, one pin hole.
    knuckle_r = HINGE_KNUCKLE_MM
    axis_y = body.top_y + knuckle_r * 0.6
    tab = slab(section(np.array([(-2.0, body.top_y - 1.0), (2.0, body.top_y - 1.0), (2.0, axis_y), (-2.0, axis_y)])),
               0.0, body.thickness)
    # Each knuckle is turned half a facet about its axis, so that none of its edges lies in the tab's top face (the
    # plane through the axis): on a plate thicker than a knuckle, the two met in a crack of no width.
    knuckles = [
        manifold3d.Manifold.cylinder(1.2, knuckle_r, knuckle_r, KNUCKLE_FACETS).rotate((0.0, 90.0, 0.0))
        .rotate((KNUCKLE_TURN_DEG, 0.0, 0.0)).translate((x, axis_y, mid_z))
        for x in (-2.0, 0.85)
    ]
    pin = manifold3d.Manifold.cylinder(5.0, HINGE_PIN_MM, HINGE_PIN_MM, 12).rotate((0.0, 90.0, 0.0)).translate(
        (-2.5, axis_y, mid_z))
    # 1.5 mm long: its ends stand 0.05 mm past the loop wire's sides (0.7 mm), so the two overlap, never just touch.
    loop_knuckle = manifold3d.Manifold.cylinder(1.5, knuckle_r, knuckle_r, KNUCKLE_FACETS).rotate(
        (0.0, 90.0, 0.0)).rotate((KNUCKLE_TURN_DEG, 0.0, 0.0)).translate((-0.75, axis_y, mid_z))
    loop = union([loop_knuckle, _loop((0.0, bail_centre_y(pendant, body), mid_z), BAIL_MAJOR_MM, BAIL_WIRE_MM)])
    loop = manifold3d.Manifold.batch_boolean([loop, pin], manifold3d.OpType.Subtract)
    # The loop's knuckle turns between the plate's two: a slot (shaving 0.05 mm off their inner ends, so no face
    # is shared) clears it and its loop out of the tab and the plate.
    slot_low = axis_y - knuckle_r - HINGE_CLEARANCE_MM
    slot = slab(section(np.array([(-0.85, slot_low), (0.9, slot_low), (0.9, axis_y + 4.0), (-0.85, axis_y + 4.0)])),
                -1.0, body.thickness + 1.0)
    return [tab, *knuckles], [pin, slot], {"bail": loop}


def girdle_height(plate_thickness: float, pavilion: float) -> float:
    """Where a centre stone's girdle sits over the plate's back: 0.6 mm over its face, and its culet at least
    0.2 mm over the back."""
    return max(plate_thickness + 0.6, pavilion + 0.2)


HEAD_CLEAR_MM = 0.3  # a head's metal stands this far over the plate's face, or enters it: gaps at least 0.3 mm
HEAD_CLEAR_MARGIN_MM = 0.01  # and a hair more, so that the mesh's facets read the gap at its full width


def lift_over_plate(metal: list[manifold3d.Manifold], face: float) -> float:
    """How far a head's `metal` (its pieces, placed) must rise so that every piece standing over the plate's `face`
    keeps the casting gap from it (PRODUCT.md "Casting": gaps at least 0.3 mm): a gallery rail or a bezel's cup a
    hair over the face leaves a slit the investment cannot fill. Pieces entering the plate (posts, prongs' feet) or
    resting on it join it; 0 when every piece does or keeps the gap."""
    lows = [piece.bounding_box()[2] for piece in metal if not piece.is_empty()]
    short = [HEAD_CLEAR_MM + HEAD_CLEAR_MARGIN_MM - (low - face) for low in lows
             if face + 1e-6 < low < face + HEAD_CLEAR_MM]
    return max(short, default=0.0)


PLATE_PAST_HEAD_MM = 0.35  # a plate grown under a head stands this far past it: a ledge of castable detail (PRODUCT.md)


def grown_under(body: Plate, metal: list[manifold3d.Manifold]) -> Plate:
    """`body`, its plate grown under a head whose metal comes down beside its edge (a halo's rim resting on a bar
    narrower than the halo): hanging there, the rim's foot is cut by its seats' holes into metal a hair thin. The
    plate takes the hull of what of the head lies lower than the casting gap over its face, PLATE_PAST_HEAD_MM
    wider; the outline the person chose stays the pendant's, and a head within it leaves the plate as it is."""
    low = union(metal).trim_by_plane((0.0, 0.0, -1.0), -(body.thickness + HEAD_CLEAR_MM))
    if low.is_empty():
        return body
    shadow = low.project()
    if (shadow - section(body.outline)).area() < 1e-3:
        return body
    under = shadow.hull().offset(PLATE_PAST_HEAD_MM, manifold3d.JoinType.Round, circular_segments=32)
    return replace(body, solid=slab(section(body.outline) + under, 0.0, body.thickness))


BAIL_OVERLAP_MM = 0.4  # a fixed bail's wire sinks this far into the plate (not a multiple of its facets' heights)


def bail_centre_y(pendant: Pendant, body: Plate) -> float:
    """Height of the bail loop's centre."""
    if pendant.bail is Bail.FIXED:
        return body.top_y + BAIL_MAJOR_MM - BAIL_OVERLAP_MM
    return body.top_y + HINGE_KNUCKLE_MM * 0.6 + BAIL_MAJOR_MM + 0.2


JUMP_RING_MAJOR_MM = 1.8
JUMP_RING_WIRE_MM = 0.45


def jump_ring(pendant: Pendant, body: Plate) -> manifold3d.Manifold:
    """A round jump ring lying at right angles to the bail, its wire passing through the bail's opening."""
    inside_top = bail_centre_y(pendant, body) + BAIL_MAJOR_MM - BAIL_WIRE_MM
    centre_y = inside_top - JUMP_RING_WIRE_MM - 0.05 + JUMP_RING_MAJOR_MM
    return torus(JUMP_RING_MAJOR_MM, JUMP_RING_WIRE_MM, 32, 10).translate((0.0, centre_y, body.thickness / 2))


# Beads sit only between stones next to each other on the border: where stones are left out (round the bail, the
# centre stone), the next one stands far off, and a bead half way to it would hang in the air (over a heart's cleft).
NEIGHBOUR_REACH = 1.5  # in stone pitches
BORDER_BEAD_ACROSS = 0.45  # a border bead stands this share of a stone's size off the line between two stones


def border(body: Plate, keep_clear: float, pave_beads: bool) -> Parts:
    """Accent stones round the plate's edge, clear of the centre stone, in a channel or with beads."""
    size = BORDER_STONE_MM
    form = accent_form(size)
    path = np.asarray(offset_outline(body.outline, -(size / 2 + BORDER_INSET_MM)).to_polygons()[0])
    centres = [xy for xy in spaced(path, pitch(size))
               if np.linalg.norm(xy - body.stone_centre) > keep_clear
               and not (abs(xy[0]) < BAIL_KEEP_CLEAR_MM and xy[1] > body.top_y - 2.0)]
    z = body.thickness - form.crown - 0.05
    row = Row.of(form, centres, z)  # open: stones are left out round the bail
    parts = Parts(stones=rows.stones(row))
    if not centres:
        return parts
    parts.seats.append(manifold3d.Manifold.compose(rows.per_stone(row, lambda _: accent_seat(size))))
    if pave_beads:
        beads = rows.beads(row, body.thickness, size * BORDER_BEAD_ACROSS, reach=NEIGHBOUR_REACH * pitch(size))
        if beads:
            parts.metal.append(manifold3d.Manifold.compose(beads))
        return parts
    # a shallow channel joining the seats
    groove = offset_outline(path, size / 2 - 0.25)
    inner = offset_outline(path, -(size / 2 - 0.25))
    ring = slab(groove - inner, z, body.thickness + 1)
    # Balls turned clear of the planes of symmetry: a stone on a diagonal would put their edges in the plane of
    # the groove's own corner edges, crossing there edge on edge (a pinch).
    keep = union([ball((*xy, z), size * 0.75) for xy in centres])
    parts.seats.append(manifold3d.Manifold.batch_boolean([ring, keep], manifold3d.OpType.Intersect))
    return parts
