"""A design built into meshes: the metal as one body, each stone as its own part, fittings, chain and a matching band
apart.

Rings: finger axis Y, the head up +Z. Pendants: the plate in the XY plane, face up +Z, bail at +Y.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import TYPE_CHECKING

import manifold3d
import numpy as np

from . import bands, catalogue, eternity, milgrain, sidestones
from .bands import Band, build_band
from .design import Design, Piece, Ring
from .engraving import pendant_cutter, ring_cutter
from .fittings import chain, clasp
from .heads import HEAD_FOOT_REACH_MM, STONE_LIFT_MM, Parts, Support, head_reach_mm
from .matching import fit_band
from .model import MatchingPart, Meshed, Model, StonePart
from .pendants import bail, girdle_height, grown_under, jump_ring, lift_over_plate, plate
from .shapes import shape_of
from .shoulders import BandTop
from .solids import EXPORT, Resolution, drop_crumbs, subtract, union
from .stone_forms import StoneForm
from .stones import CARAT_GRAMS
from .styles import head, style_of

if TYPE_CHECKING:
    import trimesh

# A pendant's border stones stand this far past the centre's head: a channel's round end (0.9 mm round a 1.2 mm stone)
# and the 0.3 mm casting gap (PRODUCT.md), so that no border seat cuts into a prong or grazes it.
BORDER_CLEAR_MM = 1.2


def _stone_parts(design: Design, parts: Parts, for_file: bool, others: str = "accent") -> tuple[StonePart, ...]:
    """The stones weighed: the centre first, then the others (accents, or an eternity row) in the role `others`."""
    result = []
    for index, (stone, solid) in enumerate(parts.stones):
        density = catalogue.gemstone(stone.material).density_g_cm3
        # a stone is a placed copy of its StoneForm's solid, cleaned when the form was made
        shape = Meshed(solid, for_file, clean=False, part="stone", material=stone.material, shape=stone.shape.value)
        carat = solid.volume() / 1000.0 * density / CARAT_GRAMS
        role = "centre" if index == 0 and design.stone is not None else others
        result.append(StonePart(shape, stone.material, carat, role, stone.length_mm, solid, stone))
    return tuple(result)


# A tapered band keeps its top's section this far past the last of what is set on it (the head's posts, shoulders,
# side stones) before it narrows, and the band's zone they are looked for in reaches this far past its outside.
TAPER_PAST_MM = 0.5


def _cut(design: Design) -> bool:
    """Whether the design's engraving is cut into the metal (one engraved by hand after casting is not modelled)."""
    return design.engraving is not None and design.engraving.cut


def _text_angle(design: Design) -> float:
    """Where an engraving's text is centred round the band, in radians from the top (-pi to pi): a tapered band's
    section there is the one its letters are cut into."""
    return math.remainder(math.radians(design.engraving.position_deg), 2 * math.pi)


def _ring(design: Design, resolution: Resolution) -> Model:
    ring = design.ring
    # What is set on the band is placed by its top's figures, the same on a tapered band: it is built on a plain one.
    band = build_band(ring.model_copy(update={"taper": None}) if ring.taper is not None else ring, resolution)
    outer = band.inner_radius_mm + ring.thickness_mm
    shared = sidestones.shared_with_centre(design, outer)  # heads that share prongs: their seats cut through all at once
    held = Parts()  # the head: small, so its seats are cut before it meets the band
    shoulders = Parts()  # shoulders: their seats cut into the band itself
    girdle_z = None
    setting = design.effective_setting
    if design.stone is not None:
        form = StoneForm.of(design.stone)
        girdle_z = outer + form.pavilion + STONE_LIFT_MM
        foot_radius = band.inner_radius_mm + 0.45 * ring.thickness_mm

        def anchor(x: float, y: float) -> np.ndarray:
            return np.array([x, y, math.sqrt(foot_radius**2 - x * x) - girdle_z])

        reach = (HEAD_FOOT_REACH_MM, ring.width_mm / 4)
        support = Support(anchor, reach, foot_radius - band.inside_radius_mm(reach[1]))
        held = head(design.stone, setting, support, precut=shared is None, shared=shared).moved(
            lambda solid: solid.translate((0.0, 0.0, girdle_z)))
        top = BandTop.of(band, band.solid if resolution.for_files else None)  # a cathedral's arches are fitted to a cast band
        if (style := style_of(setting.style)).shoulders is not None:
            shoulders = style.shoulders(top, form, girdle_z, held)
    if design.side_stones is not None:
        heads, channel_row = sidestones.build(design, band)
        held.add(heads)
        shoulders.add(channel_row)
    row = eternity.build(ring, ring.eternity) if ring.eternity is not None else Parts()
    placed = [*held.metal, *held.seats, *shoulders.metal, *shoulders.seats, *row.metal, *row.seats]
    if ring.taper is not None:
        band = build_band(ring, resolution, _taper_hold(band, placed))
    edges = (milgrain.edge_rows(band, ring.milgrain, _row_stop(band, ring, placed), resolution.for_files)
             if ring.milgrain else [])
    letters = []
    if _cut(design):
        section = band.section.points if ring.taper is None else band.points_at(_text_angle(design))
        letters.append(ring_cutter(design, section, resolution.chord_error_mm))
    body = subtract(union([band.solid, *shoulders.metal, *row.metal, *(edge.solid for edge in edges)]),
                    [*shoulders.seats, *row.seats, *letters])
    heads = held.metal  # each head arrives with its seats cut; the stone clears the band
    if shared is not None:  # heads that share prongs: every seat is cut through all of them at once
        heads = [subtract(union(heads), held.seats)]
    metal = union([body, *heads])
    metal = drop_crumbs(metal)
    body = Meshed(metal, resolution.for_files, part="ring", profile=ring.profile.value)
    others = "eternity" if ring.eternity is not None else "side" if design.side_stones is not None else "accent"
    stones = _stone_parts(design, Parts().add(held).add(shoulders).add(row), resolution.for_files, others)
    matching = None
    if design.matching_band is not None:
        solid, fit = fit_band(design, band, body.solid, [part.solid for part in stones], resolution)
        matching = MatchingPart(Meshed(solid, resolution.for_files, part="matching-band",
                                       profile=design.matching_band.profile.value), fit)
    return Model(design, resolution, body, stones, {}, band, None, girdle_z, (*edges, *held.beads), matching)


def _taper_hold(band: Band, placed: list[manifold3d.Manifold]) -> float:
    """The angle either side of the top over which a tapered band keeps its top's section: to TAPER_PAST_MM past
    the last of what is set in or on it (0 for a plain band: it narrows from the top)."""
    outer = band.inner_radius_mm + band.thickness_mm
    half = band.width_mm / 2 + TAPER_PAST_MM
    zone = np.array([(band.inner_radius_mm - TAPER_PAST_MM, -half), (outer + TAPER_PAST_MM, -half),
                     (outer + TAPER_PAST_MM, half), (band.inner_radius_mm - TAPER_PAST_MM, half)])
    reach = bands.reach_angle(placed, [zone])
    return min(math.pi / 2, reach + TAPER_PAST_MM / outer) if reach > 0 else 0.0


def _row_stop(band: Band, ring: Ring, placed: list[manifold3d.Manifold]) -> float:
    """How far past the top the band's edge rows stop, either way: a gap of milgrain.CLEAR_MM short of the first
    metal or seat set on the band that comes within a bead and that gap of an edge (0: nothing does, the rows run all
    round)."""
    edge, _ = milgrain.edge_of(band.section.points)
    reach = milgrain.edge_reach_mm(ring.milgrain)
    low, high = band.inner_radius_mm - reach, edge[0] + reach
    zones = [np.array([(low, side * (edge[1] - reach)), (high, side * (edge[1] - reach)), (high, side * (edge[1] + reach)),
                       (low, side * (edge[1] + reach))]) for side in (1, -1)]
    occupied = bands.reach_angle(placed, zones)
    return occupied + milgrain.CLEAR_MM / edge[0] if occupied > 0 else 0.0


def _pendant(design: Design, resolution: Resolution) -> Model:
    pendant = design.pendant
    body = plate(pendant, resolution)
    held = Parts()  # the head, uncut: its seats are cut with the plate's in one go
    rows = Parts()  # accent stones set into the plate
    girdle_z = None
    bail_metal, bail_cuts, extra = bail(pendant, body)
    setting = design.effective_setting
    if design.stone is not None:
        form = StoneForm.of(design.stone)
        girdle_z = girdle_height(body.thickness, form.pavilion)
        centre = np.array([*body.stone_centre, girdle_z])

        foot_z = body.thickness - 0.3  # the posts' feet, 0.3 mm under the plate's face

        def anchor(x: float, y: float) -> np.ndarray:
            return np.array([x, y, foot_z - girdle_z])

        reach = (design.stone.outline_width_mm / 2, design.stone.length_mm / 2)
        turn = 180.0 if shape_of(design.stone.shape).hangs_point_down else 0.0  # a heart stone, like a heart
        for tries in range(3):  # the stone rises till no piece of its head hangs a hair over the plate (lift_over_plate)
            at = tuple(float(v) for v in centre)
            held = head(design.stone, setting, Support(anchor, reach, foot_z), precut=False).moved(
                lambda solid, at=at: solid.rotate((0.0, 0.0, turn)).translate(at))
            if not (lift := lift_over_plate(held.metal, body.thickness)) or tries == 2:
                break
            girdle_z += lift
            centre = np.array([*body.stone_centre, girdle_z])
        body = grown_under(body, held.metal)  # a halo wider than a bar rests on the plate, not beside it
        if (style := style_of(setting.style)).border is not None:
            keep_clear = head_reach_mm(design.stone, setting.prong_mm, setting.style) + BORDER_CLEAR_MM
            rows = style.border(body, keep_clear)
    # One cut of every seat through the plate and the head together: the plate is small, unlike a band.
    # The head's seats never touch one another, so they compose; a channel's groove overlaps its seats.
    cuts = [*bail_cuts, *rows.seats, *([manifold3d.Manifold.compose(held.seats)] if held.seats else [])]
    if _cut(design):
        cuts.append(pendant_cutter(design, resolution.chord_error_mm))
    metal = drop_crumbs(subtract(union([body.solid, *bail_metal, *rows.metal, *held.metal]), cuts))
    parts = Parts().add(held).add(rows)
    piece = Meshed(metal, resolution.for_files, part="pendant", outline=pendant.outline.value)
    stones = _stone_parts(design, parts, resolution.for_files)
    fittings = {name: Meshed(solid, resolution.for_files, part=name) for name, solid in extra.items()}
    fittings["jump-ring"] = Meshed(jump_ring(pendant, body), resolution.for_files, part="jump-ring")
    side = float(body.outline[:, 0].max()) + 8.0
    for name, solid in clasp(pendant.clasp).items():
        fittings[name] = Meshed(solid.translate((side, 0.0, 0.0)), resolution.for_files, part=name,
                                clasp=pendant.clasp.value)
    return Model(design, resolution, piece, stones, fittings, None, body, girdle_z, tuple(held.beads))


def geometry_key(design: Design) -> str:
    """What of a design shapes its meshes, as text: not its name, metal, the stone's material, colour or clarity,
    a client's metal, the chain or a text engraved by hand (designs that differ only there share one build)."""
    doc = design.to_dict()
    for key in ("name", "metal", "heirloom"):
        doc.pop(key, None)
    if design.engraving is not None and not design.engraving.cut:  # engraved by hand after casting: not modelled
        doc.pop("engraving")
    for key in ("material", "color", "clarity", "client_supplied", "stock_number"):
        (doc.get("stone") or {}).pop(key, None)
    (doc.get("pendant") or {}).pop("chain", None)
    return json.dumps(doc, sort_keys=True)


def dressed(model: Model, design: Design) -> Model:
    """`model`, built for a design of the same geometry, made `design`'s: its design, and the centre stone weighed
    in `design`'s material."""
    if model.design == design:
        return model
    parts = []
    for part in model.stone_parts:
        if part.role == "centre" and design.stone is not None:
            density = catalogue.gemstone(design.stone.material).density_g_cm3
            part = replace(part, material=design.stone.material,
                           carat=part.solid.volume() / 1000.0 * density / CARAT_GRAMS)
        parts.append(part)
    return replace(model, design=design, stone_parts=tuple(parts))


def build(design: Design, resolution: Resolution = EXPORT) -> Model:
    """Build the meshes of `design`."""
    if design.piece is Piece.RING:
        return _ring(design, resolution)
    return _pendant(design, resolution)


def chain_of(design: Design) -> trimesh.Trimesh | None:
    """The chain of a pendant design (never part of the wax model)."""
    return chain(design.pendant.chain.length_mm) if design.pendant is not None else None


