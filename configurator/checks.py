"""Manufacturability: what would stop a workshop casting the design, each finding with its fix.

Limits from `shared/PRODUCT.md` (casting and wax printing): a ring shank at least 1.0-1.2 mm by alloy,
walls at least 0.8 mm, raised detail at least 0.35 mm, gaps at least 0.3 mm, prongs by the stone-size table.
Walls and gaps are measured on the mesh (`walls.scan`), not read from the parameters. A ring's matching band is
judged as a band of its own (one body, its shank, edges and width), by the metal its contour leaves under the
ring's head, and by the clearance it keeps from the ring (measured on the solids).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from . import catalogue, eternity, holds, sidestones, words
from .band_rows import seat_depth_mm
from .design import (
    ENGRAVING_DEPTH_MM,
    ETERNITY_GAPS_MM,
    MILGRAIN_BEAD_RANGE,
    ROW_GAP_LEAST_MM,
    BandSide,
    Coverage,
    Design,
    MatchingBand,
    Piece,
    Ring,
    RowSetting,
    SettingStyle,
    Shape,
)
from .documents import edited
from .engraving import (
    BOLDEST_FIRST,
    LEAST_WIDTH_MM,
    band_faces,
    fineness,
    least_height_mm,
    lettering,
    metal_under_mm,
    pendant_spot,
)
from .errors import DesignError
from .eternity import span
from .findings import TOLERANCE_MM, Finding, Severity, metal_under_seats, rounded_up, thicker_band
from .geometry import Model
from .matching import measured_gap
from .outlines import pendant_outline
from .quotes import model_of, scan_of
from .settings import (
    CENTRE_PRONG_MIN_MM,
    SUPPORTED_PRONG_MIN_MM,
    accent_prong_mm,
    prong_angles,
)
from .shapes import shape_of
from .sidestones import placement
from .solids import from_trimesh
from .stones import scaled_stone, smallest_length_mm, trade_carat
from .styles import default_prong_mm, prong_count, style_of
from .walls import Scan, scan

MIN_DETAIL_MM = 0.35  # raised detail and the thinnest metal that fills in the casting
MIN_GAP_MM = 0.3  # narrower gaps cannot hold investment
MIN_GRIP_SHARE = 0.2  # the setting's metal rises over at least this share of the crown above the girdle
MIN_SEAT_CLEARANCE_MM = 0.01  # air round a stone in its seat, so that it goes in
MIN_FINGER_CLEARANCE_MM = 0.3  # metal between a culet and the finger
MIN_ACCENT_GAP_MM = 0.1  # between neighbouring accent stones' girdles
# A matching band closer to the ring than its clearance by more than this is a fault of the build, not of rounding
# (the contour's kernel and a file's cleaning move surfaces by hundredths at most).
CLEARANCE_TOLERANCE_MM = 0.05


def apply_fix(design: Design, finding: Finding | dict) -> Design:
    """`design` with the finding's suggested changes made (DesignError if there are none or they do not fit)."""
    changes = dict(finding.changes) if isinstance(finding, Finding) else dict(finding.get("changes") or {})
    if not changes:
        raise ValueError("this finding has no change to apply")
    return edited(design, changes)


def check(design: Design, model: Model, walls: Scan | None = None, verify: bool = True) -> list[Finding]:
    """Every manufacturability finding for the built `model` of `design`, blocking ones first.

    Args:
        design: the design the model was built from.
        model: its meshes (export resolution for a workshop's check; preview resolution is close enough
            for a live hint).
        walls: the metal's thickness scan, when the caller already has it.
        verify: for findings measured on the mesh (where no formula says which value clears them), rebuild the
            design with each candidate fix in turn and offer the first that clears the finding (none, if none
            does); without it, the first candidate is offered untried.
    """
    metal = catalogue.metal(design.metal)
    walls = walls or scan_of(design, model)
    beads = _bead_faces(model, walls)
    engraved = _engraved_region(design, model, walls)  # judged by _engraving_findings, on the text's outline
    apart = beads | engraved  # faces judged by their own rules, not as walls or gaps
    band = _band_region(design, model, walls) & ~apart if model.band is not None else None
    findings = [
        *_body_findings(design, model),
        *_band_findings(design, model, metal, walls, band),
        *_carrying_findings(design),
        *_wall_findings(design, model, walls, band, apart),
        *_milgrain_findings(model),
        *_prong_findings(design),
        *_seat_findings(design, model),
        *_hold_findings(design, model),
        *_accent_findings(design, model),
        *_setting_findings(design, model, metal, walls, engraved),
        *_eternity_findings(design, model, metal),
        *_side_findings(design, model, metal),
        *_matching_findings(design, model, metal),
        *_engraving_findings(design, model, metal),
    ]
    findings = [_far_under(finding) for finding in findings]
    if verify:
        findings = [_verified(design, finding) if finding.kind in MEASURED_KINDS else finding for finding in findings]
    return sorted(findings, key=lambda finding: finding.severity is not Severity.BLOCKING)


def _far_under(finding: Finding) -> Finding:
    """A measure under half its limit blocks, whatever the finding: a wall half as thick as castable is not a matter
    for a word with the workshop."""
    if finding.severity is Severity.WARNING and finding.limit_mm > 0 and finding.value_mm < finding.limit_mm / 2:
        return replace(finding, severity=Severity.BLOCKING)
    return finding


def _body_findings(design: Design, model: Model) -> list[Finding]:
    """The metal must be one body: a part that floats (a head whose posts miss the band) cannot be cast with it."""
    if model.body_count <= 1:
        return []
    bodies = sorted(model.metal.split(only_watertight=False), key=lambda body: body.volume)
    floating, main = bodies[0], bodies[-1]
    gap = float(from_trimesh(floating).min_gap(from_trimesh(main), 10.0))
    where = place(design, model, floating.bounds.mean(axis=0))
    part = "setting" if design.stone is not None else ("ring" if model.band is not None else "pendant")
    return [Finding(Severity.BLOCKING, part, gap, 0.0,
                    f"the metal is in {len(bodies)} pieces: {where or 'a part'} floats {gap:.2f} mm clear of the rest",
                    "choose a setting or band that meets the head (the fix tries them)", (), where, kind="bodies")]



# Findings read off the mesh: which value clears them is found by trying, not by a formula.
MEASURED_KINDS = ("shank", "band-top", "thin-detail", "gap", "seat-touch", "culet", "plate", "grip", "accent-gap", "holds",
                  "bodies", "matching-shank", "matching-contour", "matching-pieces")
MAX_FIX_TRIES = 10


def _steps(field: str, start: float, steps: tuple[float, ...], top: float) -> list[tuple[tuple[str, Any], ...]]:
    values = sorted({min(rounded_up(start + step, 0.05), top) for step in steps})
    return [((field, value),) for value in values]


def _candidates(design: Design, finding: Finding) -> list[tuple[tuple[str, Any], ...]]:
    """Changes to try for `finding`, the least first: its own suggestion, then bigger steps of the same, then
    thicker prongs, a thicker band or plate, another setting."""
    tries: list[tuple[tuple[str, Any], ...]] = [finding.changes] if finding.changes else []
    own = dict(finding.changes)
    if "ring.thickness_mm" in own:
        tries += _steps("ring.thickness_mm", own["ring.thickness_mm"], (0.1, 0.2, 0.4), 4.0)
    if "ring.taper.thickness_back_mm" in own:
        tries += [(*((("ring.thickness_mm", value),) if value > design.ring.thickness_mm else ()),
                   ("ring.taper.thickness_back_mm", value))
                  for ((_, value),) in _steps("ring.taper.thickness_back_mm", own["ring.taper.thickness_back_mm"],
                                              (0.1, 0.2, 0.4), 4.0)]
    if "pendant.thickness_mm" in own:
        tries += _steps("pendant.thickness_mm", own["pendant.thickness_mm"], (0.3, 0.6, 1.0), 5.0)
    if finding.kind == "bodies" and design.ring is not None and design.piece.value == "ring":
        if design.ring.profile.value in ("knife-edge", "concave"):
            tries.append((("ring.profile", "comfort"),))
        tries += _steps("ring.thickness_mm", design.ring.thickness_mm, (0.3,), 4.0)
    if finding.kind in ("matching-contour", "matching-pieces"):  # the band elsewhere, closer, or the head higher
        other = BandSide.ABOVE if design.matching_band.side is BandSide.BELOW else BandSide.BELOW
        tries.append((("matching_band.side", other.value),))
        least = MatchingBand.model_fields["clearance_mm"].metadata
        lowest = next(item.ge for item in least if getattr(item, "ge", None) is not None)
        if design.matching_band.clearance_mm > lowest:
            tries.append((("matching_band.clearance_mm", lowest),))
        tries += _steps("ring.thickness_mm", design.ring.thickness_mm, (0.2, 0.4), 4.0)
    if finding.kind == "holds":
        tries += _more_holds(design, finding)
    if finding.kind in ("gap", "thin-detail") and design.side_stones is not None and design.side_stones.shared_prongs:
        tries.append((("side_stones.shared_prongs", False),))  # heads of their own stand apart
    if finding.kind in ("thin-detail", "gap", "seat-touch", "bodies"):
        setting = design.effective_setting
        if setting is not None and style_of(setting.style).prong_mm:
            current = setting.prong_mm or default_prong_mm(design.stone, setting.style)
            tries += _steps("setting.prong_mm", current, (0.1, 0.2), 2.5)
        if design.stone is not None and not design.stone.client_supplied:  # "or a larger stone"
            tries += [(("stone.length_mm", round(design.stone.length_mm + step, 2)),
                       *((("stone.width_mm", round(design.stone.width_mm * (1 + step / design.stone.length_mm), 2)),)
                         if design.stone.width_mm is not None else ())) for step in (0.1, 0.25)]
        if design.ring is not None and design.piece.value == "ring":
            tries += _steps("ring.thickness_mm", design.ring.thickness_mm, (0.2,), 4.0)
        if design.pendant is not None and design.piece.value == "pendant":
            tries += _steps("pendant.thickness_mm", design.pendant.thickness_mm, (0.5,), 5.0)
        if design.stone is not None and design.stone.cut.value != "brilliant":  # a domed or flat-backed stone
            tries.append((("stone.cut", "brilliant"),))
    seen, unique = set(), []
    for changes in tries:
        if changes and changes not in seen:
            seen.add(changes)
            unique.append(changes)
    setting = design.effective_setting
    if setting is not None and finding.kind not in ("grip", "matching-shank"):  # last: a plainer setting that does
        # without the weak part
        plainer = {"prong": (("setting.style", "prong"),),
                   "bezel": (("setting.style", "bezel"), ("setting.prongs", None), ("setting.prong_mm", None))}
        unique = unique[:MAX_FIX_TRIES - 2] + [changes for style, changes in plainer.items()
                                                 if setting.style.value != style]
    return unique[:MAX_FIX_TRIES]


def _verified(design: Design, finding: Finding) -> Finding:
    """`finding` offering the first candidate change that clears it (tried on a rebuilt design), or none."""
    for changes in _candidates(design, finding):
        try:
            fixed = edited(design, dict(changes))
        except (DesignError, ValueError):  # the change does not make a valid design
            continue
        after = check(fixed, model_of(fixed), verify=False)
        if not any(other.kind == finding.kind and other.part == finding.part for other in after):
            if changes == finding.changes:
                return finding
            return replace(finding, changes=changes, fix=words.changes(changes))  # the words say what this fix does
    return replace(finding, changes=())


def clock(x: float, y: float) -> int:
    """The hour on a clock face seen from above (+Z) with 12 at +Y and 3 at +X."""
    hour = round(math.degrees(math.atan2(x, y)) / 30.0) % 12
    return 12 if hour == 0 else hour


def _head_part(design: Design, point: np.ndarray, centre: np.ndarray) -> str:
    """The part of the setting at `point` (in the piece's frame; `centre` is the stone's centre)."""
    setting = design.effective_setting
    x, y = float(point[0] - centre[0]), float(point[1] - centre[1])
    hour = clock(x, y)
    stone = design.stone
    if setting is None or stone is None:
        return f"the piece at {hour} o'clock"
    half_length, half_width = stone.length_mm / 2, stone.outline_width_mm / 2
    # Where the girdle is in this direction: the outline's box stretched to an ellipse is close enough to name it.
    angle = math.atan2(y, x)
    girdle = 1.0 / math.hypot(math.cos(angle) / half_width, math.sin(angle) / half_length)
    radius = math.hypot(x, y)
    style = style_of(setting.style)
    if style.named == "head" and style.prong_mm and radius < girdle + 1.2:  # a head of prongs on a gallery rail
        for prong in prong_angles(stone.shape, prong_count(setting) or 4):
            target = math.atan2(math.sin(prong) * half_length, math.cos(prong) * half_width)
            if abs((angle - target + math.pi) % (2 * math.pi) - math.pi) < math.radians(20):
                return f"the prong at {hour} o'clock"
        return f"the gallery at {hour} o'clock"
    return f"the {style.named} at {hour} o'clock"


def place(design: Design, model: Model, point: np.ndarray | None) -> str:
    """Where `point` is, named by part: "the left shoulder", "the prong at 2 o'clock", "the bail"."""
    if point is None:
        return ""
    x, y, z = (float(v) for v in point)
    if model.band is not None:
        outer = model.band.inner_radius_mm + design.ring.thickness_mm
        if design.stone is not None and z > 0 and (math.hypot(x, z) > outer + 0.1 or abs(y) > design.ring.width_mm / 2):
            return _head_part(design, point, np.zeros(2))
        side = "left" if x < 0 else "right"
        around = abs(math.degrees(math.atan2(x, z)))  # 0 at the top, 180 at the bottom of the shank
        if around > 135:
            return "the bottom of the shank"
        if around > 45:
            return f"the {side} side of the shank"
        return f"the {side} shoulder" if design.stone is not None else "the top of the band"
    plate = model.plate
    if plate is None:
        return ""
    if y > plate.top_y - 0.3:
        return "the bail"
    if z > plate.thickness + 0.05 and design.stone is not None:
        return _head_part(design, point, plate.stone_centre)
    outline = pendant_outline(design.pendant.outline, design.pendant.size_mm)
    reach = float(min(outline[:, 0].max(), outline[:, 1].max()))
    return "the middle of the plate" if math.hypot(x, y) < 0.5 * reach else f"the plate's edge at {clock(x, y)} o'clock"


def _at(design: Design, model: Model, point: np.ndarray | None) -> str:
    named = place(design, model, point)
    return f" at {named}" if named else ""


def _band_region(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """Faces of the band itself (inside its annulus), as opposed to the head and its shoulders' stones."""
    ring, band = design.ring, model.band
    radius = np.hypot(walls.centres[:, 0], walls.centres[:, 2])
    region = ((radius > band.inner_radius_mm - 0.05) & (radius < band.inner_radius_mm + ring.thickness_mm + 0.05)
              & (np.abs(walls.centres[:, 1]) < ring.width_mm / 2 + 0.05))
    if ring.eternity is not None:  # the row is drilled for its stones: judged by its own rules (_eternity_findings)
        region &= np.abs(np.arctan2(walls.centres[:, 0], walls.centres[:, 2])) > span(ring, ring.eternity)
    side = design.side_stones
    if side is not None and side.style is SettingStyle.CHANNEL:  # drilled too: judged by _side_findings
        placed = placement(design, band.inner_radius_mm + ring.thickness_mm)
        angle = np.abs(np.arctan2(walls.centres[:, 0], walls.centres[:, 2]))
        region &= (angle < placed.angles[0] - placed.stones[0].outline_width_mm / placed.radii[0]) | (angle > placed.reach + 0.1)
    return region


def thicker_shank(ring: Ring, wanted: float) -> tuple[tuple[str, Any], ...]:
    """The change that makes the band's thinnest section (a taper's back, else the band) `wanted` thick: a taper
    thinning toward the back thickens its back (and the top with it when the back would pass it)."""
    if ring.taper is None or ring.taper.thickness_back_mm is None:
        return thicker_band(ring, wanted)
    back = min(rounded_up(wanted, 0.05), 4.0)
    raised = thicker_band(ring, back) if back > ring.thickness_mm + TOLERANCE_MM else ()
    return (*raised, ("ring.taper.thickness_back_mm", back))


def _band_findings(design: Design, model: Model, metal, walls: Scan, band: np.ndarray | None) -> list[Finding]:
    """The band (`band`: its faces): its shank measured on the mesh against the alloy's minimum, its edges and
    its width. A tapered band's thinnest and narrowest are its back's: a finding there names the taper's field."""
    if band is None:
        return []
    found: list[Finding] = []
    ring, section = design.ring, model.band.thinnest
    thinning = ring.taper is not None and ring.taper.thickness_back_mm is not None
    back = ring.thickness_back_mm
    middle = band & (np.abs(walls.centres[:, 1]) <= min(ring.width_mm, ring.width_back_mm) / 4)  # edges apart
    shank, where = walls.thinnest(middle & (walls.centres[:, 2] < 0))  # the lower half: the shank proper
    if not np.isfinite(shank):  # no parallel walls to read (a knife-edge): the section's own figure
        shank, where = section.min_wall_mm, None
    if shank < metal.min_shank_mm - TOLERANCE_MM:
        # A domed band measures thinner than its thickness in proportion: grow by the larger of the two readings.
        wanted = max(back + metal.min_shank_mm - shank, back * metal.min_shank_mm / shank)
        changes = thicker_shank(ring, wanted)
        field = "ring.taper.thickness_back_mm" if thinning else "ring.thickness_mm"
        found.append(Finding(Severity.BLOCKING, field, shank, metal.min_shank_mm,
                             f"the shank measures {shank:.2f} mm{_at(design, model, where)}, too thin for a "
                             f"{metal.name} shank", words.changes(changes),
                             changes, place(design, model, where), kind="shank"))
    else:
        top, where = walls.thinnest(band & (walls.centres[:, 2] >= 0))  # under shoulders' seats and the head
        if top < metal.min_wall_mm - TOLERANCE_MM:
            changes = thicker_band(ring, ring.thickness_mm + metal.min_wall_mm - top)
            found.append(Finding(Severity.WARNING, "ring.thickness_mm", top, metal.min_wall_mm,
                                 f"the band is {top:.2f} mm thin {'under its stones' if design.stone else 'at its top'}"
                                 f"{_at(design, model, where)}",
                                 words.changes(changes), changes,
                                 place(design, model, where), kind="band-top"))
    if section.edge_mm < MIN_DETAIL_MM - TOLERANCE_MM:
        changes = thicker_shank(ring, back * MIN_DETAIL_MM / section.edge_mm)
        field = "thickness_back_mm" if thinning else "thickness_mm"
        found.append(Finding(Severity.WARNING, "ring.profile", section.edge_mm, MIN_DETAIL_MM,
                             f"the {ring.profile.value} band's edges are thinner than castable detail",
                             f"{words.changes(changes)}, or choose a flat or bevelled profile", changes,
                             "the band's edges" + (" at the back" if thinning else ""), kind="edges"))
    narrowest = min(ring.width_mm, ring.width_back_mm)
    if narrowest < metal.min_shank_mm * 1.5:
        wanted = rounded_up(metal.min_shank_mm * 1.5, 0.1)
        tapered = ring.width_back_mm < ring.width_mm
        field = "ring.taper.width_back_mm" if tapered else "ring.width_mm"
        changes = (*((("ring.width_mm", wanted),) if wanted > ring.width_mm + TOLERANCE_MM else ()), (field, wanted))
        found.append(Finding(Severity.WARNING, field, narrowest, metal.min_shank_mm * 1.5,
                             "the band is narrow enough to bend in wear" + (" at the back" if tapered else ""),
                             words.changes(changes), tuple(dict(changes).items()),
                             "the bottom of the shank" if tapered else "the band", kind="width"))
    return found


# What a band carries (docs/carrying.md). A centre stone over a carat levers the band under its head with every knock,
# and a heavy head on a light band turns the ring on the finger: the trade sets a larger stone on a wider, thicker
# shank. Each row is the band at the head (its width along the finger and its thickness, mm) the trade sets a stone of
# that many carats on as a matter of course:
#   1 ct    1.5 x 1.2  1.5 mm is the narrowest everyday solitaire shank (theclearcut.co "Solitaire Settings"; ritani.com
#                      "How thick or thin should my engagement ring be?"); 1.2 mm the upper shank minimum of PRODUCT.md.
#                      At a carat and under, the band's own minimums (shank, width) are the whole rule.
#   2.5 ct  2.0 x 1.8  thin 1.7-1.8 mm bands for stones of 2.5 ct and under, at least 2 mm advised (rockher.com "Things
#                      to consider while choosing a thin diamond engagement ring"); 1.8 mm thick, a bench jeweller's
#                      minimum for an 18k solitaire (putaringonit.co "...structurally sound?").
#   5 ct    2.7 x 2.5  a solitaire mounting sold for 0.40-5.00 ct rounds: 2.7 mm wide and 2.5 mm high at the head,
#                      tapering to 1.9 x 1.3 at the back (Whiteflash "Classic 4 Prong", as listed at flashcardmachine.com).
# Between rows the figures run straight; past 5 ct, where no published table goes, they grow with the stone's size (the
# cube root of its weight): the 5 ct ring scaled up (our extrapolation). A stone counts by its weight or by its size,
# whichever is more: the weight of a round diamond as wide as its outline (the square root of length x width).
CARRYING_TABLE = ((1.0, 1.5, 1.2), (2.5, 2.0, 1.8), (5.0, 2.7, 2.5))  # carat, width mm, thickness mm at the head
# Under four fifths of a figure the trade refuses: blocking; between that and the figure, a word with the workshop. The
# share sits between a band refused, 1-1.3 mm under a stone over a carat ("will bend or even break", michaelgabriels.com
# "Ultra thin bands": 1.3 mm is 0.78 of the 1.5 ct figure) and one sold, The Clear Cut's 1.5 mm shank under its clients'
# 2 ct stones (0.82 of the 2 ct figure).
CARRYING_REFUSED_SHARE = 0.8


def _carrying_findings(design: Design) -> list[Finding]:
    """A ring's centre stone against what its band carries at the head (`CARRYING_TABLE`): a band short of the trade's
    figure for the stone is a warning, under four fifths of it blocking. The fix is the band that carries the stone
    (within the document's bounds; a taper's back stays as it is, no wider or thicker than the new top) or, when no band
    we make does, the largest stone of the same shape and proportions this band carries (none for the client's own).
    Side stones, halos and shoulders do not count; an eternity band has no centre stone; a pendant's plate is no lever
    (its overhang is judged by `_setting_findings`)."""
    def needs(stone) -> tuple[float, float] | None:
        """The band's width and thickness at the head (mm) that carry `stone`; None for a carat and under."""
        spread = math.sqrt(stone.length_mm * stone.outline_width_mm)
        round_stone = shape_of(Shape.ROUND)
        carat = max(trade_carat(stone), spread**3 * round_stone.depth_share * round_stone.trade_factor(1.0))
        carats, widths, thicknesses = zip(*CARRYING_TABLE, strict=True)
        if carat <= carats[0] + TOLERANCE_MM:
            return None
        if carat <= carats[-1]:
            return float(np.interp(carat, carats, widths)), float(np.interp(carat, carats, thicknesses))
        grow = (carat / carats[-1]) ** (1 / 3)
        return widths[-1] * grow, thicknesses[-1] * grow

    def carried(length: float, width: float, thickness: float) -> bool:
        """Whether a band `width` x `thickness` mm at the head carries the stone at `length` (in proportion)."""
        try:
            need = needs(scaled_stone(stone, length))
        except ValueError:  # too small to make in these proportions
            return False
        return need is None or (width >= need[0] - TOLERANCE_MM and thickness >= need[1] - TOLERANCE_MM)

    def longest(width: float, thickness: float) -> float:
        """The longest stone of this shape and proportions, to 0.1 mm, that the band carries (under 1 mm: none)."""
        low, high = smallest_length_mm(stone), stone.length_mm
        if not carried(low, width, thickness):
            return 0.0
        while high - low > 0.01:  # the weight carried grows with the length
            middle = (low + high) / 2
            low, high = (middle, high) if carried(middle, width, thickness) else (low, middle)
        length = math.floor(low * 10 + 1e-6) / 10
        while length >= 1.0 and not carried(length, width, thickness):  # widths round to 0.01: step past a wobble
            length = round(length - 0.1, 1)
        return length

    def bound(field: str) -> float:  # the largest value the document takes ("ring.width_mm": 15)
        return next(item.le for item in Ring.model_fields[field[5:]].metadata if getattr(item, "le", None))

    stone, ring = design.stone, design.ring
    if design.piece.value != "ring" or stone is None or ring is None or (need := needs(stone)) is None:
        return []
    short = {field: (value, needed) for field, value, needed in (("ring.width_mm", ring.width_mm, need[0]),
                                                                  ("ring.thickness_mm", ring.thickness_mm, need[1]))
             if value < needed - TOLERANCE_MM}
    if not short:
        return []
    part = min(short, key=lambda field: short[field][0] / short[field][1])  # the furthest short names the finding
    refused = any(value < CARRYING_REFUSED_SHARE * needed for value, needed in short.values())
    wanted = {field: rounded_up(needed, 0.1) for field, (_, needed) in short.items()}
    if all(wanted[field] <= bound(field) + TOLERANCE_MM for field in wanted):
        changes = tuple(wanted.items())
        sizes = " and ".join(f"{wanted[field]:.1f} mm {word}" for field, word in
                             (("ring.width_mm", "wide"), ("ring.thickness_mm", "thick")) if field in wanted)
        fix = f"make the band at least {sizes} at the head, or choose a smaller stone"
    else:  # no band we make carries it: the longest stone this band carries
        heaviest = longest(bound("ring.width_mm"), bound("ring.thickness_mm"))
        length = longest(ring.width_mm, ring.thickness_mm)
        changes, fix = (), f"choose a smaller stone: the heaviest band we make carries one of up to {heaviest:g} mm"
        if length >= 1.0 and not stone.client_supplied:
            smaller = scaled_stone(stone, length)
            changes = (("stone.length_mm", smaller.length_mm),
                       *((f"stone.{name}", getattr(smaller, name)) for name in ("width_mm", "depth_mm")
                         if getattr(stone, name) is not None),
                       *((("stone.stock_number", None),) if stone.stock_number is not None else ()))  # not the store's
            fix += f", this band one of up to {length:g} mm (about {trade_carat(smaller):.2f} ct)"
    value, needed = short[part]
    size = (f"{stone.length_mm:g} mm" if abs(stone.outline_width_mm - stone.length_mm) < 0.005 else
            f"{stone.length_mm:g} x {stone.outline_width_mm:.3g} mm")
    band = f"a band {ring.width_mm:g} mm wide and {ring.thickness_mm:g} mm thick at the head"
    article = "an" if size.startswith("8") or size[:2] in ("11", "18") and not size[2:3].isdigit() else "a"
    what = f"{article} {size} {stone.material} of about {trade_carat(stone):.2f} ct"
    message = (f"{what} is more than {band} can carry: it would bend under the stone and the ring would tip over on "
               "the finger" if refused else
               f"{band} is light for {what}: the trade sets such a stone on a heavier band (worth a word with the "
               "workshop)")
    return [Finding(Severity.BLOCKING if refused else Severity.WARNING, part, value, rounded_up(needed, 0.01), message, fix,
                    changes, "the band under the head", kind="carrying")]


# Faces this far past a milgrain bead's surface belong to it: the crease where a bead meets the metal is cut in small
# facets, some no wider than a float32 file keeps, whose normals say nothing of a wall.
BEAD_CREASE_MM = 0.15


def _bead_faces(model: Model, walls: Scan) -> np.ndarray:
    """Faces of milgrain beads and the creases round them: judged by their own rules (`_milgrain_findings`), not as
    walls of the band or detail of a head."""
    faces = np.zeros(len(walls.centres), dtype=bool)
    for row in model.beads:
        if row.count:
            reach = row.bead_mm / 2 + BEAD_CREASE_MM
            near, _ = cKDTree(row.centres()).query(walls.centres, distance_upper_bound=reach)
            faces |= np.isfinite(near)
    return faces


def _milgrain_findings(model: Model) -> list[Finding]:
    """Milgrain beads as placed: each at least castable detail across (smaller ones block), a row with room to run,
    and beads of a row that are not neighbours along it (either side of a cusp, say) clear of each other by the gap
    the investment needs. The hair between neighbours is left alone: it is the milgrain wheel's work after polishing
    (PRODUCT.md "Milgrain": touching or nearly)."""
    found: dict[tuple[str, str], Finding] = {}
    for row in model.beads:
        if row.count == 0:
            found.setdefault((row.field, "room"), Finding(
                Severity.WARNING, row.field, 0.0, 0.0, f"{row.where} has no room for milgrain beside what is set on "
                "the band", "remove the milgrain or choose a smaller head", ((row.field, None),), row.where,
                kind="milgrain-room"))
            continue
        if row.bead_mm < MIN_DETAIL_MM - TOLERANCE_MM:
            least = max(MILGRAIN_BEAD_RANGE[0], 0.4)
            changes = ((f"{row.field}.bead_mm", least), (f"{row.field}.pitch_mm", None))
            found.setdefault((row.field, "bead"), Finding(
                Severity.BLOCKING, f"{row.field}.bead_mm", row.bead_mm, MIN_DETAIL_MM,
                f"milgrain beads {row.bead_mm:.2f} mm across are smaller than castable detail",
                f"make the beads at least {least:.1f} mm across, spaced as usual", changes, row.where,
                kind="milgrain-bead"))
        gap = row.closest_gap_mm(neighbours=False)
        if gap < MIN_GAP_MM - TOLERANCE_MM:
            found.setdefault((row.field, "gap"), Finding(
                Severity.WARNING, f"{row.field}.pitch_mm", gap, MIN_GAP_MM,
                f"milgrain beads meet {gap:.2f} mm apart across a corner, too close for the investment between them",
                "space the beads as usual or take the milgrain off", ((f"{row.field}.pitch_mm", None),),
                row.where, kind="milgrain-gap"))
    return list(found.values())


def _matching_findings(design: Design, model: Model, metal) -> list[Finding]:
    """A ring's matching band: one body; its shank measured on its mesh as the ring's is, its edges and width; the
    metal its contour leaves under the ring's head across the middle of its width (at least the alloy's wall, or it
    blocks; under the shank minimum, a warning); and the clearance it keeps from the ring, measured."""
    part = model.matching
    if part is None:
        return []
    spec, fit = design.matching_band, part.fit
    found: list[Finding] = []
    if part.body_count > 1:
        found.append(Finding(Severity.BLOCKING, "matching_band", 0.0, 0.0,
                             f"the contour under the ring's head cuts the matching band into {part.body_count} pieces",
                             "wear the band on the ring's other side, or raise the ring's head on a thicker band; the "
                             "fix tries them", (), "the matching band", kind="matching-pieces"))
    walls = scan(part.mesh)
    middle = np.abs(walls.centres[:, 1] - fit.offset_mm) <= spec.width_mm / 4
    shank, _ = walls.thinnest(middle & (walls.centres[:, 2] < 0))
    if not np.isfinite(shank):
        shank = fit.band.section.min_wall_mm
    field = "matching_band.thickness_mm"
    top = MatchingBand.model_fields["thickness_mm"].metadata
    thickest = next((item.le for item in top if getattr(item, "le", None) is not None), 4.0)
    if shank < metal.min_shank_mm - TOLERANCE_MM:
        wanted = max(spec.thickness_mm + metal.min_shank_mm - shank, spec.thickness_mm * metal.min_shank_mm / shank)
        changes = ((field, min(rounded_up(wanted, 0.05), thickest)),)
        found.append(Finding(Severity.BLOCKING, field, shank, metal.min_shank_mm,
                             f"the matching band's shank measures {shank:.2f} mm, too thin for a {metal.name} shank",
                             words.changes(changes), changes,
                             "the bottom of the matching band", kind="matching-shank"))
    section = fit.band.section
    if section.edge_mm < MIN_DETAIL_MM - TOLERANCE_MM:
        changes = ((field, min(rounded_up(spec.thickness_mm * MIN_DETAIL_MM / section.edge_mm, 0.05), thickest)),)
        found.append(Finding(Severity.WARNING, "matching_band.profile", section.edge_mm, MIN_DETAIL_MM,
                             f"the {spec.profile.value} matching band's edges are thinner than castable detail",
                             f"{words.changes(changes)}, or choose a flat or bevelled profile", changes,
                             "the matching band's edges", kind="matching-edges"))
    if spec.width_mm < metal.min_shank_mm * 1.5:
        wanted = rounded_up(metal.min_shank_mm * 1.5, 0.1)
        found.append(Finding(Severity.WARNING, "matching_band.width_mm", spec.width_mm, metal.min_shank_mm * 1.5,
                             "the matching band is narrow enough to bend in wear",
                             words.changes({"matching_band.width_mm": wanted}),
                             (("matching_band.width_mm", wanted),), "the matching band", kind="matching-width"))
    under = fit.under_contour_mm
    if under is not None and under < metal.min_shank_mm - TOLERANCE_MM:
        blocking = under < metal.min_wall_mm - TOLERANCE_MM
        limit = metal.min_wall_mm if blocking else metal.min_shank_mm
        found.append(Finding(Severity.BLOCKING if blocking else Severity.WARNING, "matching_band", under, limit,
                             f"the contour under the ring's head leaves {under:.2f} mm of metal across the matching "
                             f"band{'' if blocking else ', less than its shank'}",
                             "wear the band on the ring's other side, or raise the ring's head on a thicker band; the "
                             "fix tries them", (), "the top of the matching band",
                             kind="matching-contour"))
    gap = measured_gap(part.solid, model.solid, [stone.solid for stone in model.stone_parts], spec.clearance_mm + 0.5)
    if gap < spec.clearance_mm - CLEARANCE_TOLERANCE_MM:
        found.append(Finding(Severity.BLOCKING, "matching_band.clearance_mm", gap, spec.clearance_mm,
                             f"the matching band comes within {gap:.2f} mm of the ring, not {spec.clearance_mm:g}",
                             "rebuild the design; report it if it stays", (), "the matching band",
                             kind="matching-clearance"))
    return found


def _prong_changes(design: Design, step: float = 0.1) -> tuple[tuple[str, Any], ...]:
    """Thicker centre prongs (the setting's own diameter, or its default, plus `step`), where the style has any."""
    setting = design.effective_setting
    if setting is None or not style_of(setting.style).prong_mm:
        return ()
    current = setting.prong_mm or default_prong_mm(design.stone, setting.style)
    return (("setting.prong_mm", min(rounded_up(current + step, 0.05), 2.5)),)


def _wall_findings(design: Design, model: Model, walls: Scan, band: np.ndarray | None,
                   apart: np.ndarray) -> list[Finding]:
    """Metal outside the band measured on the mesh: detail too thin to cast, and gaps too narrow to invest (faces
    judged by their own rules apart: milgrain beads, measured by `_milgrain_findings`, and an engraving's letters, on
    its outline by `_engraving_findings`)."""
    found: list[Finding] = []
    if band is not None:
        elsewhere = ~band & ~apart  # the head and the shoulders' metal
    else:
        elsewhere = (walls.centres[:, 2] > model.plate.thickness + 0.05) & ~apart  # above the plate
    if model.plate is not None or model.stone_parts:
        thinnest, where = walls.thinnest(elsewhere)
        if thinnest < MIN_DETAIL_MM - TOLERANCE_MM:
            found.append(Finding(Severity.WARNING, "setting", thinnest, MIN_DETAIL_MM,
                                 f"metal {thinnest:.2f} mm thin{_at(design, model, where)} beside the seats may not fill",
                                 _thin_detail_fix(design), _prong_changes(design),
                                 place(design, model, where), kind="thin-detail"))
    narrowest, where = walls.narrowest(~apart)
    if narrowest < MIN_GAP_MM - TOLERANCE_MM:
        region = "ring" if model.band is not None else "pendant"
        found.append(Finding(Severity.WARNING, region, narrowest, MIN_GAP_MM,
                             f"a gap of {narrowest:.2f} mm{_at(design, model, where)} is too narrow for the investment",
                             "move the parts apart or join them; the workshop may have to open it by hand",
                             _prong_changes(design), place(design, model, where), kind="gap"))
    return found


def _thin_detail_fix(design: Design) -> str:
    """What thickens the metal beside the seats, in the words of the setting there is: a head of prongs takes thicker
    prongs; a bezel or a pavé row a larger stone or a thicker band."""
    setting = design.effective_setting
    if setting is not None and style_of(setting.style).prong_mm:
        return "choose thicker prongs or a larger stone"
    return "choose a larger stone or a thicker band"


def _prong_findings(design: Design) -> list[Finding]:
    """The centre stone's prongs against the trade table for its size, and the free-standing minimum."""
    setting = design.effective_setting
    if setting is None or not style_of(setting.style).prong_mm:
        return []
    stone = design.stone
    size = min(stone.length_mm, stone.outline_width_mm)
    braced = style_of(setting.style).braced  # a halo's rim braces its prongs
    default = default_prong_mm(stone, setting.style)
    diameter = setting.prong_mm or default
    table = accent_prong_mm(size)
    if diameter < table - TOLERANCE_MM:
        return [Finding(Severity.BLOCKING, "setting.prong_mm", diameter, table,
                        f"prongs of {diameter:.2f} mm are thinner than the trade table gives for a {size:.1f} mm stone",
                        f"make the prongs at least {table:.1f} mm thick",
                        (("setting.prong_mm", max(table, default)),), "the prongs", kind="prong-table")]
    limit = SUPPORTED_PRONG_MIN_MM if braced else CENTRE_PRONG_MIN_MM
    if diameter < limit - TOLERANCE_MM:
        return [Finding(Severity.WARNING, "setting.prong_mm", diameter, limit,
                        f"{'braced' if braced else 'free-standing'} prongs under {limit:.1f} mm bend in wear",
                        f"make the prongs at least {limit:.1f} mm thick",
                        (("setting.prong_mm", max(limit, default)),), "the prongs", kind="prong-min")]
    return []


def _seat_findings(design: Design, model: Model) -> list[Finding]:
    """Seats: metal rising over the centre stone's girdle to hold it, and room round every stone to set it."""
    found: list[Finding] = []
    if model.stone_parts and model.girdle_z is not None:
        centre = model.stone_parts[0]
        crown = float(centre.mesh.bounds[1, 2]) - model.girdle_z
        low, high = centre.mesh.bounds
        reach = 0.5 + max(SUPPORTED_PRONG_MIN_MM, design.effective_setting.prong_mm or 0.0)
        points = model.metal.vertices
        over = ((points[:, 0] > low[0] - reach) & (points[:, 0] < high[0] + reach)
                & (points[:, 1] > low[1] - reach) & (points[:, 1] < high[1] + reach))
        grip = float(points[over, 2].max()) - model.girdle_z if over.any() else 0.0
        needed = MIN_GRIP_SHARE * crown
        if grip < needed - TOLERANCE_MM:
            style = "bezel" if design.effective_setting.style is not SettingStyle.BEZEL else "prong"
            found.append(Finding(Severity.BLOCKING, "setting.style", grip, needed,
                                 f"the metal rises only {grip:.2f} mm over the girdle, too little to hold the stone",
                                 f"choose a setting that covers the crown ({style})", (("setting.style", style),),
                                 "the centre stone's setting", kind="grip"))
    for index, part in enumerate(model.stone_parts):
        clearance = part.solid.min_gap(model.solid, MIN_SEAT_CLEARANCE_MM * 2)
        if clearance < MIN_SEAT_CLEARANCE_MM:
            name = "stone" if part.role == "centre" else f"accent stone {index}"
            found.append(Finding(Severity.WARNING, "setting", clearance, MIN_SEAT_CLEARANCE_MM,
                                 f"the {name} touches the metal: the setter will have to open its seat",
                                 "choose another setting or stone shape, or have the seat opened after casting",
                                 _prong_changes(design), place(design, model, part.mesh.bounds.mean(axis=0)), kind="seat-touch"))
            break
    if design.ring is not None and model.band is not None:
        depths = [(float(np.hypot(part.mesh.vertices[:, 0], part.mesh.vertices[:, 2]).min()), index)
                  for index, part in enumerate(model.stone_parts)]
        deepest, lowest = min(depths) if depths else (np.inf, 0)
        room = deepest - model.band.inner_radius_mm
        if room < MIN_FINGER_CLEARANCE_MM - TOLERANCE_MM:
            changes = thicker_band(design.ring, design.ring.thickness_mm + MIN_FINGER_CLEARANCE_MM - room)
            found.append(Finding(Severity.BLOCKING, "ring.thickness_mm", room, MIN_FINGER_CLEARANCE_MM,
                                 "a stone's culet comes through to the finger",
                                 words.changes(changes), changes,
                                 "under the centre stone" if model.stone_parts[lowest].role == "centre" else
                                 place(design, model, model.stone_parts[lowest].mesh.bounds.mean(axis=0)),
                                 kind="culet"))
    return found


# Whose holds are counted here: stones in heads of their own or shared prongs (a centre, side stones). A channel's
# stones are held along two walls, accents by their beads, and an eternity row's prongs are counted with the row.
HELD_ROLES = ("centre", "side")


def _judged_stones(design: Design, model: Model) -> list:
    judged = []
    for part in model.stone_parts:
        if part.role not in HELD_ROLES or part.stone is None:
            continue
        if part.role == "side" and design.side_stones.style is SettingStyle.CHANNEL:
            continue
        judged.append(part)
    return judged


def _hold_findings(design: Design, model: Model) -> list[Finding]:
    """Every stone held as the trade holds it (`holds`): the first one that is not, by name, with what holds it."""
    for part in _judged_stones(design, model):
        held = holds.of(part.stone, part.solid, model.solid)
        fewest = holds.FEWEST_HOLDS if part.role == "centre" else 3
        if held is None or holds.enough(held, part.stone.shape, fewest):
            continue
        shape = part.stone.shape.value
        name = {"centre": "the centre stone", "side": "a side stone", "eternity": "a stone of the row"}[part.role]
        if held.loose_corners:
            hours = ", ".join(f"{clock(math.cos(math.radians(a)), math.sin(math.radians(a)))} o'clock"
                              for a in held.loose_corners)
            what = f"nothing guards its {'point' if len(held.loose_corners) == 1 else 'corners'} at {hours}"
        else:
            what = (f"it is held at {held.count} place{'s' if held.count != 1 else ''}, with "
                    f"{held.free_arc_deg:.0f} degrees of its girdle free")
        where = "the centre stone's setting" if part.role == "centre" else place(
            design, model, part.mesh.bounds.mean(axis=0))
        return [Finding(Severity.BLOCKING, {"centre": "setting", "side": "side_stones",
                                            "eternity": "ring.eternity"}[part.role], float(held.count), 0.0,
                        f"{name} ({shape}) would come loose: {what}; a {shape} is {holds.needed(part.stone.shape, fewest)}",
                        "give it more prongs (the fix tries them)", (), where, kind="holds")]
    return []


def _more_holds(design: Design, finding: Finding) -> list[tuple[tuple[str, Any], ...]]:
    """Changes that hold a stone at more places: more prongs, prongs of its own beside the shared ones, a bezel."""
    tries: list[tuple[tuple[str, Any], ...]] = []
    if finding.part == "setting":
        setting = design.effective_setting
        record = shape_of(design.stone.shape)
        counts = (len(record.corners), 6) if record.corners and not record.pointed else (4, 6)
        if style_of(setting.style).prong_mm and setting.style is not SettingStyle.BEZEL:
            tries += [(("setting.prongs", count),) for count in counts if count != prong_count(setting)]
        if design.side_stones is not None and design.side_stones.shared_prongs:
            tries.append((("side_stones.shared_prongs", False),))
    elif finding.part == "side_stones" and design.side_stones.shared_prongs:
        tries.append((("side_stones.shared_prongs", False),))
    elif finding.part == "ring.eternity":
        tries.append((("ring.eternity.setting", RowSetting.BEZEL.value),))
    return tries


def _accent_findings(design: Design, model: Model) -> list[Finding]:
    """Accent stones set so close together that setting one would chip its neighbour (a channel's stones
    abut by design and are left out)."""
    accents = [part for part in model.stone_parts if part.role == "accent"]
    if len(accents) < 2 or style_of(design.effective_setting.style).abutting:
        return []
    centres = np.array([part.mesh.bounds.mean(axis=0) for part in accents])
    apart = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(apart, np.inf)
    pairs = [(accents[i].solid.min_gap(accents[j].solid, MIN_ACCENT_GAP_MM), i)
             for i in range(len(accents)) for j in np.argsort(apart[i])[:2]]
    closest, index = min(pairs)
    if closest < MIN_ACCENT_GAP_MM - TOLERANCE_MM:
        return [Finding(Severity.BLOCKING, "setting.style", closest, MIN_ACCENT_GAP_MM,
                        f"accent stones {closest:.2f} mm apart would chip each other when set",
                        "choose a larger piece or fewer, smaller accent stones (prong)",
                        (("setting.style", "prong"),), place(design, model, centres[index]), kind="accent-gap")]
    return []


def _side_findings(design: Design, model: Model, metal) -> list[Finding]:
    """Side stones far enough from the centre and from each other to be set without chipping, and (in a channel)
    metal left under their seats."""
    centre = [part for part in model.stone_parts if part.role == "centre"]
    sides = [part for part in model.stone_parts if part.role == "side"]
    if not centre or not sides:
        return []
    found = []
    per_shoulder = design.side_stones.count
    pairs = [(centre[0], side) for side in sides[::per_shoulder]]  # the first of each shoulder, nearest the centre
    pairs += [(sides[index], sides[index + 1]) for index in range(len(sides) - 1) if (index + 1) % per_shoulder]
    closest, near = min(((first.solid.min_gap(second.solid, MIN_ACCENT_GAP_MM), second) for first, second in pairs),
                        key=lambda gap: gap[0])
    if closest < MIN_ACCENT_GAP_MM - TOLERANCE_MM:
        found.append(Finding(Severity.BLOCKING, "side_stones.stone.length_mm", closest, MIN_ACCENT_GAP_MM,
                             f"side stones stand {closest:.2f} mm from a neighbour and would chip it when set",
                             "choose smaller side stones", (), place(design, model, near.mesh.bounds.mean(axis=0)),
                             kind="side-gap"))
    if design.side_stones.style is SettingStyle.CHANNEL:
        found += metal_under_seats(design.ring, metal, design.ring.thickness_mm - sidestones.seat_depth_mm(design),
                                   "the side stones' seats", "under the side stones", "row-under")
    return found


def _eternity_findings(design: Design, model: Model, metal) -> list[Finding]:
    """An eternity row: neighbours far enough apart to be set (the setting's least: PRODUCT.md "Eternity bands"),
    every stone of a shared-prong row held by four prongs of the trade's diameter for it, and metal left under its
    seats."""
    ring = design.ring
    if ring is None or ring.eternity is None:
        return []
    found = []
    spec = ring.eternity
    least = ROW_GAP_LEAST_MM[spec.setting]
    row = [part for part in model.stone_parts if part.role == "eternity"]
    pairs = list(zip(row, row[1:], strict=False))
    if spec.coverage is Coverage.FULL and len(row) > 2:
        pairs.append((row[-1], row[0]))
    gaps = [(first.solid.min_gap(second.solid, least), first) for first, second in pairs]
    closest, part = min(gaps, key=lambda gap: gap[0])
    if closest < least - ROW_GAP_TOLERANCE_MM:
        wanted = rounded_up(spec.gap + least - closest, 0.05)
        found.append(Finding(Severity.BLOCKING, "ring.eternity.gap_mm", closest, least,
                             f"the row's stones stand {closest:.2f} mm apart and would chip each other when set",
                             f"set the stones at least {wanted:.2f} mm apart", (("ring.eternity.gap_mm", wanted),),
                             place(design, model, part.mesh.bounds.mean(axis=0)), kind="row-gap"))
    if spec.setting is RowSetting.SHARED_PRONG and row:
        found += _row_prong_findings(design, model, row)
    under = ring.thickness_mm - seat_depth_mm(eternity.form_of(spec))
    return found + metal_under_seats(ring, metal, under, "the row's seats", "under the row of stones", "row-under")


# The measured gap may fall short of the document's by the girdle's facets (a 32-point girdle) and float rounding.
ROW_GAP_TOLERANCE_MM = 0.005


def _row_prong_findings(design: Design, model: Model, row: list) -> list[Finding]:
    """Each stone of a shared-prong row counted for its prongs on the built metal (PRODUCT.md "Eternity bands": two
    shared each side, so four), and the prongs measured across the band just over it against the trade's diameter
    for the stone (`accent_prong_mm`, PRODUCT.md "Prong sizes by stone"). Stones stood too far apart for a pair of
    prongs to reach both are set at the trade's gap, which brings the pairs back; else the row goes in bezels."""
    ring, spec = design.ring, design.ring.eternity
    trade_gap = ETERNITY_GAPS_MM[RowSetting.SHARED_PRONG]
    fix = (("ring.eternity.gap_mm", trade_gap),) if abs(spec.gap - trade_gap) > 1e-9 else (
        ("ring.eternity.setting", RowSetting.BEZEL.value),)
    found = []
    counts = [eternity.holds_of(model.solid, ring, spec, index) for index in range(len(row))]
    fewest = min(counts)
    if fewest < eternity.FEWEST_PRONGS:
        index = counts.index(fewest)
        found.append(Finding(Severity.BLOCKING, "ring.eternity", float(fewest), float(eternity.FEWEST_PRONGS),
                             f"a stone of the row is held by {fewest} prong{'s' if fewest != 1 else ''}, not "
                             f"{eternity.FEWEST_PRONGS}: it would come loose",
                             words.changes(fix), fix, place(design, model, row[index].mesh.bounds.mean(axis=0)),
                             kind="row-holds"))
    wanted = accent_prong_mm(min(spec.stone.length_mm, spec.stone.outline_width_mm))
    thinnest = min((width for width in eternity.prong_widths(model.solid, ring, spec)), default=wanted)
    if thinnest < wanted - ROW_GAP_TOLERANCE_MM:
        found.append(Finding(Severity.BLOCKING, "ring.eternity", thinnest, wanted,
                             f"the row's prongs measure {thinnest:.2f} mm across, under the {wanted:g} mm a "
                             f"{spec.stone.length_mm:g} mm stone needs", words.changes(fix), fix, "the row's prongs",
                             kind="row-prongs"))
    return found


def _setting_findings(design: Design, model: Model, metal, walls: Scan, engraved: np.ndarray) -> list[Finding]:
    """Findings about what holds the stones: channel walls, metal under pavé, a pendant's plate (the plate under
    its engraving is judged by _engraving_findings)."""
    found: list[Finding] = []
    setting = design.effective_setting
    if setting is not None and (measure := style_of(setting.style).findings) is not None:
        found += measure(design, model, metal)
    if design.pendant is not None and model.plate is not None:
        plate, where = walls.thinnest((walls.centres[:, 2] <= model.plate.thickness + 0.05) & ~engraved)
        if not np.isfinite(plate):
            plate, where = design.pendant.thickness_mm, None
        if plate < metal.min_wall_mm - TOLERANCE_MM:
            whole = design.pendant.thickness_mm < metal.min_wall_mm - TOLERANCE_MM  # not just beside its seats
            wanted = min(rounded_up(design.pendant.thickness_mm + metal.min_wall_mm - plate, 0.05), 5.0)
            found.append(Finding(Severity.BLOCKING if whole else Severity.WARNING, "pendant.thickness_mm", plate,
                                 metal.min_wall_mm,
                                 f"the plate measures {plate:.2f} mm{_at(design, model, where)}, thinner than castable metal",
                                 f"make the plate at least {wanted:.2f} mm thick", (("pendant.thickness_mm", wanted),),
                                 place(design, model, where), kind="plate"))
        if design.stone is not None and model.plate is not None:
            outline = model.plate.outline
            room = min(outline[:, 0].max() - outline[:, 0].min(), outline[:, 1].max() - outline[:, 1].min())
            needed = max(design.stone.length_mm, design.stone.outline_width_mm) + 2 * metal.min_wall_mm
            if room < needed - TOLERANCE_MM:
                wanted = min(rounded_up(design.pendant.size_mm * needed / room, 0.5), 50.0)
                found.append(Finding(Severity.WARNING, "pendant.size_mm", room, needed,
                                     "the stone and its setting overhang the plate",
                                     f"make the pendant at least {wanted:g} mm long, or the stone smaller",
                                     (("pendant.size_mm", wanted),), "the plate's edge", kind="overhang"))
    return found


ENGRAVING_REACH_MM = 0.3  # faces this near the engraving's letters belong to it (its walls, floor and the metal over it)


def _engraved_region(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """Faces of the engraving and of the metal straight over it (through the band, or the plate): the letters' walls
    face each other across strokes narrower than any gap the investment needs, and the metal left under the cut is
    measured from the text's own figures (`_engraving_findings`)."""
    engraving = design.engraving
    centres = walls.centres
    if engraving is None or not engraving.cut:
        return np.zeros(len(centres), dtype=bool)
    letters = lettering(engraving, 0.02)
    half_length = letters.length_mm / 2 + ENGRAVING_REACH_MM
    half_extent = letters.extent_mm / 2 + ENGRAVING_REACH_MM
    if model.band is not None:
        radius = band_faces(model.band.section.points).radius(engraving.place)
        turn = np.arctan2(centres[:, 0], centres[:, 2]) - math.radians(engraving.position_deg)
        along = ((turn + math.pi) % (2 * math.pi) - math.pi) * radius
        return (np.abs(along) <= half_length) & (np.abs(centres[:, 1]) <= half_extent)
    spot = pendant_spot(design, letters.extent_mm)
    return ((np.abs(centres[:, 0] - spot.x) <= half_length) & (np.abs(centres[:, 1] - spot.y) <= half_extent)
            & (centres[:, 2] <= model.plate.thickness + 0.05))


FINE_LETTER_KINDS = ("engraving-stroke", "engraving-gap")  # letters too fine to cast: strokes, or gaps between


def castable_changes(design: Design) -> list[tuple[tuple[str, Any], ...]]:
    """The ways to make `design`'s engraving cast, each a change of the document that still reads (the text still
    fits the band or the plate): its letters at the least height that casts in its font, then each bolder font at the
    least height that casts in it (no lower than the letters are); none when neither fits."""
    engraving = design.engraving
    ways = []
    bolder = BOLDEST_FIRST[:BOLDEST_FIRST.index(engraving.font)] if engraving.font in BOLDEST_FIRST else ()
    for font in (engraving.font, *bolder):
        height = least_height_mm(engraving.text, font, engraving.height_mm)
        if height is None:
            continue
        changes = (() if font is engraving.font else (("engraving.font", font.value),)) + (
            (("engraving.height_mm", height),) if height != engraving.height_mm else ())
        try:
            edited(design, dict(changes))
        except (DesignError, ValueError):
            continue
        ways.append(changes)
    return ways


def castable_letters(design: Design) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """The ways to make `design`'s engraving cast, each in words and as changes of the document: the least letter
    height that casts in its font, then a bolder font at the least height that casts in it (each found by measuring,
    and only where the band or the plate still takes the text); where none does, engraving the letters by hand after
    casting, the only one."""
    ways = castable_changes(design) or [(("engraving.cut", False),)]
    return [(words.changes(changes), changes) for changes in ways]


def _engraving_findings(design: Design, model: Model, metal) -> list[Finding]:
    """An engraving cut into the metal, measured on its outline at its size (`engraving.fineness`): its thinnest stroke
    and its narrowest gap between strokes against the least that casts (PRODUCT.md: 0.3-0.35 mm; under
    engraving.LEAST_WIDTH_MM the export is held back), and the metal left under the cut against the shank (a ring's)
    or the plate's wall (a pendant's). Strokes and gaps grow with the letters: the fix is the least height that casts,
    a bolder font, or engraving by hand."""
    engraving = design.engraving
    if engraving is None or not engraving.cut:
        return []
    found: list[Finding] = []
    fine = fineness(engraving)
    least = LEAST_WIDTH_MM
    under_limit = [(width, char, what, kind) for width, char, what, kind in (
        (fine.stroke_mm, fine.stroke_char, "strokes", FINE_LETTER_KINDS[0]),
        (fine.gap_mm, fine.gap_char, "gaps between strokes", FINE_LETTER_KINDS[1])) if width < least - TOLERANCE_MM]
    if under_limit:
        ways = castable_letters(design)
        said = f"{ways[0][0]}, the least that casts" if ways[0][1][-1][0] == "engraving.height_mm" else ways[0][0]
        if ways[0][1] == (("engraving.cut", False),):
            piece = "band" if design.piece is Piece.RING else "pendant"
            bolder = "" if engraving.font is BOLDEST_FIRST[0] else " or a bolder one"
            said = (f"no letters this {piece} takes cast in the {engraving.font.value} font{bolder}: {ways[0][0]} "
                    f"(or choose a {'wider band' if piece == 'band' else 'larger pendant'})")
        elif len(ways) > 1:
            said += f" (or {' or '.join(way for way, _ in ways[1:])})"
        width, char, what, kind = min(under_limit)
        measured = " and ".join(f"its {item[2]} {item[0]:.2f} mm wide" for item in under_limit)
        found.append(Finding(Severity.BLOCKING, "engraving.height_mm", width, least,
                             f"the engraving is too fine to cast and keep through polishing: in {engraving.height_mm:g} "
                             f"mm {engraving.font.value} letters {measured} (finest at {char!r})", said,
                             ways[0][1], "the engraving", kind=kind))
    if model.band is not None:
        under, limit = metal_under_mm(design, band_faces(model.band.section.points)), metal.min_shank_mm
        thicker = thicker_band(design.ring, design.ring.thickness_mm + limit - under)
    else:
        under, limit = metal_under_mm(design), metal.min_wall_mm
        thicker = (("pendant.thickness_mm", min(rounded_up(design.pendant.thickness_mm + limit - under, 0.05), 5.0)),)
    if under < limit - TOLERANCE_MM:
        shallower = math.floor((engraving.depth_mm - (limit - under)) * 100 + 1e-6) / 100
        changes = (("engraving.depth_mm", shallower),) if shallower >= ENGRAVING_DEPTH_MM[0] - 1e-9 else thicker
        what = "a ring's shank" if model.band is not None else "a plate"
        found.append(Finding(Severity.WARNING, changes[0][0], under, limit,
                             f"the engraving leaves {under:.2f} mm of metal under its letters, thin for {what} in "
                             f"{metal.name}", words.changes(changes), changes,
                             "under the engraving", kind="engraving-under"))
    return found
