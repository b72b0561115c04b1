"""Manufacturability: what would stop a workshop casting the design, each finding with its fix.

Limits from `shared/PRODUCT.md` (casting and wax printing): a ring shank at least 1.0-1.2 mm by alloy,
walls at least 0.8 mm, raised detail at least 0.35 mm, gaps at least 0.3 mm, prongs by the stone-size table.
Walls and gaps are measured on the mesh (`walls.scan`), not read from the parameters. The piece's own findings are
here: one body, the band and what it carries, the walls and gaps, every stone's seat and each head's holds. Each
feature measures what only it has and offers its fixes (`features`: its `findings` and `fixes` facets), claims the
faces it judges itself (`apart`: milgrain's beads, an engraving's letters; `drilled`: the band an eternity row or a
channel is cut into) and names the stones it holds in prongs (`held`); the check names no feature.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from . import catalogue, holds, words
from .builds import model_of, scan_of
from .design import Design, Ring, Shape
from .documents import edited
from .errors import DesignError
from .features import FINDINGS_BEFORE_SEATS, FINDINGS_ORDER, CheckContext, Feature, features_of, ordered
from .findings import (
    MIN_DETAIL_MM,
    MIN_GAP_MM,
    ROUND_THE_STONES,
    TOLERANCE_MM,
    Changes,
    Finding,
    Fix,
    Round,
    Severity,
    rounded_up,
    steps,
    thicker_band,
)
from .geometry import Model
from .places import at, clock, place
from .shapes import shape_of
from .solids import from_trimesh
from .stones import scaled_stone, smallest_length_mm, trade_carat
from .styles import default_prong_mm, style_of
from .walls import Scan

MIN_SEAT_CLEARANCE_MM = 0.01  # air round a stone in its seat, so that it goes in
MIN_FINGER_CLEARANCE_MM = 0.3  # metal between a culet and the finger


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
    present = features_of(design)
    claimed = {feature.name: feature.apart(design, model, walls) for feature in present if feature.apart is not None}
    apart = np.zeros(len(walls.centres), dtype=bool)  # faces judged by their own rules, not as walls or gaps
    for faces in claimed.values():
        apart |= faces
    band = _band_region(design, model, walls, present) & ~apart if model.band is not None else None
    context = CheckContext(design, model, metal, walls, claimed)
    features = ordered(present, FINDINGS_ORDER)
    before = [feature for feature in features if feature.name in FINDINGS_BEFORE_SEATS]
    after = [feature for feature in features if feature.name not in FINDINGS_BEFORE_SEATS]
    findings = [
        *_body_findings(design, model),
        *_band_findings(design, model, metal, walls, band),
        *_carrying_findings(design),
        *_wall_findings(design, model, walls, band, apart),
        *_features_findings(before, context),
        *_seat_findings(design, model),
        *_hold_findings(design, model, present),
        *_features_findings(after, context),
    ]
    findings = [_far_under(finding) for finding in findings]
    if verify:
        findings = [_verified(design, finding) if finding.kind in MEASURED_KINDS else finding for finding in findings]
    return sorted(findings, key=lambda finding: finding.severity is not Severity.BLOCKING)


def _features_findings(features: list[Feature], context: CheckContext) -> list[Finding]:
    """What each of `features` finds, in their order."""
    return [finding for feature in features if feature.findings is not None for finding in feature.findings(context)]


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


def _piece_fixes(design: Design, finding: Finding) -> list[Fix]:
    """The band's own fixes: bigger steps of a thicker band, a band whole with its head (a rounded profile, a thicker
    band), and a thicker band for metal too thin or too close round the stones."""
    found: list[Fix] = []
    own = dict(finding.changes)
    if "ring.thickness_mm" in own:
        found += [Fix(Round.BIGGER, changes) for changes in steps("ring.thickness_mm", own["ring.thickness_mm"],
                                                                   (0.1, 0.2, 0.4), 4.0)]
    if design.ring is None or design.piece.value != "ring":
        return found
    if finding.kind == "bodies":
        if design.ring.profile.value in ("knife-edge", "concave"):
            found.append(Fix(Round.REMEDY, (("ring.profile", "comfort"),)))
        found += [Fix(Round.REMEDY, changes) for changes in steps("ring.thickness_mm", design.ring.thickness_mm,
                                                                   (0.3,), 4.0)]
    if finding.kind in ROUND_THE_STONES:
        found += [Fix(Round.THICKER, changes) for changes in steps("ring.thickness_mm", design.ring.thickness_mm,
                                                                    (0.2,), 4.0)]
    return found


def _candidates(design: Design, finding: Finding) -> list[Changes]:
    """Changes to try for `finding`, the least first: its own suggestion, then the piece's and each feature's fixes
    round by round (`findings.Round`: bigger steps of the same, the finding's own remedy, thicker prongs or a larger
    stone, a thicker band or plate, another cut), each once; the last two tries are kept for a plainer setting."""
    fixes = [*_piece_fixes(design, finding), *(fix for feature in features_of(design) if feature.fixes is not None
                                                for fix in feature.fixes(design, finding))]
    fixes.sort(key=lambda fix: fix.round)  # stable: within a round, the piece's first, then the registry's order
    tries = [finding.changes] if finding.changes else []
    tries += [fix.changes for fix in fixes if fix.round is not Round.PLAINER]
    seen, unique = set(), []
    for changes in tries:
        if changes and changes not in seen:
            seen.add(changes)
            unique.append(changes)
    plainer = [fix.changes for fix in fixes if fix.round is Round.PLAINER]
    if plainer:
        unique = unique[:MAX_FIX_TRIES - 2] + plainer
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


def _band_region(design: Design, model: Model, walls: Scan, features: tuple[Feature, ...]) -> np.ndarray:
    """Faces of the band itself (inside its annulus), as opposed to the head and its shoulders' stones; less the faces
    a feature drilled for its stones (an eternity row, a channel), judged by its own findings."""
    ring, band = design.ring, model.band
    radius = np.hypot(walls.centres[:, 0], walls.centres[:, 2])
    region = ((radius > band.inner_radius_mm - 0.05) & (radius < band.inner_radius_mm + ring.thickness_mm + 0.05)
              & (np.abs(walls.centres[:, 1]) < ring.width_mm / 2 + 0.05))
    for feature in features:
        if feature.drilled is not None:
            region &= ~feature.drilled(design, model, walls)
    return region


def thicker_shank(ring: Ring, wanted: float) -> Changes:
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
                             f"the shank measures {shank:.2f} mm{at(design, model, where)}, too thin for a "
                             f"{metal.name} shank", words.changes(changes),
                             changes, place(design, model, where), kind="shank"))
    else:
        top, where = walls.thinnest(band & (walls.centres[:, 2] >= 0))  # under shoulders' seats and the head
        if top < metal.min_wall_mm - TOLERANCE_MM:
            changes = thicker_band(ring, ring.thickness_mm + metal.min_wall_mm - top)
            found.append(Finding(Severity.WARNING, "ring.thickness_mm", top, metal.min_wall_mm,
                                 f"the band is {top:.2f} mm thin {'under its stones' if design.stone else 'at its top'}"
                                 f"{at(design, model, where)}",
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
    (its overhang is judged by `features.pendant`)."""
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


def _prong_changes(design: Design, step: float = 0.1) -> Changes:
    """Thicker centre prongs (the setting's own diameter, or its default, plus `step`), where the style has any."""
    setting = design.effective_setting
    if setting is None or not style_of(setting.style).prong_mm:
        return ()
    current = setting.prong_mm or default_prong_mm(design.stone, setting.style)
    return (("setting.prong_mm", min(rounded_up(current + step, 0.05), 2.5)),)


def _wall_findings(design: Design, model: Model, walls: Scan, band: np.ndarray | None,
                   apart: np.ndarray) -> list[Finding]:
    """Metal outside the band measured on the mesh: detail too thin to cast, and gaps too narrow to invest (the faces
    `apart` are judged by their features' own findings: milgrain's beads, an engraving's letters)."""
    found: list[Finding] = []
    if band is not None:
        elsewhere = ~band & ~apart  # the head and the shoulders' metal
    else:
        elsewhere = (walls.centres[:, 2] > model.plate.thickness + 0.05) & ~apart  # above the plate
    if model.plate is not None or model.stone_parts:
        thinnest, where = walls.thinnest(elsewhere)
        if thinnest < MIN_DETAIL_MM - TOLERANCE_MM:
            found.append(Finding(Severity.WARNING, "setting", thinnest, MIN_DETAIL_MM,
                                 f"metal {thinnest:.2f} mm thin{at(design, model, where)} beside the seats may not fill",
                                 _thin_detail_fix(design), _prong_changes(design),
                                 place(design, model, where), kind="thin-detail"))
    narrowest, where = walls.narrowest(~apart)
    if narrowest < MIN_GAP_MM - TOLERANCE_MM:
        region = "ring" if model.band is not None else "pendant"
        found.append(Finding(Severity.WARNING, region, narrowest, MIN_GAP_MM,
                             f"a gap of {narrowest:.2f} mm{at(design, model, where)} is too narrow for the investment",
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


def _seat_findings(design: Design, model: Model) -> list[Finding]:
    """Seats: room round every stone to set it, and metal between its culet and the finger (the metal that rises over
    the centre stone's girdle is the centre's finding)."""
    found: list[Finding] = []
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


def _hold_findings(design: Design, model: Model, features: tuple[Feature, ...]) -> list[Finding]:
    """Every stone held in prongs (each feature's `held`) held as the trade holds it (`holds`): the first one that is
    not, by name, with what holds it."""
    for feature in features:
        judged = feature.held(design) if feature.held is not None else None
        if judged is None:
            continue
        for part in model.stone_parts:
            if part.role != judged.role or part.stone is None:
                continue
            held = holds.of(part.stone, part.solid, model.solid)
            if held is None or holds.enough(held, part.stone.shape, judged.fewest):
                continue
            shape = part.stone.shape.value
            if held.loose_corners:
                hours = ", ".join(f"{clock(math.cos(math.radians(a)), math.sin(math.radians(a)))} o'clock"
                                  for a in held.loose_corners)
                what = f"nothing guards its {'point' if len(held.loose_corners) == 1 else 'corners'} at {hours}"
            else:
                what = (f"it is held at {held.count} place{'s' if held.count != 1 else ''}, with "
                        f"{held.free_arc_deg:.0f} degrees of its girdle free")
            where = judged.where or place(design, model, part.mesh.bounds.mean(axis=0))
            return [Finding(Severity.BLOCKING, judged.part, float(held.count), 0.0,
                            f"{judged.name} ({shape}) would come loose: {what}; a {shape} is "
                            f"{holds.needed(part.stone.shape, judged.fewest)}",
                            "give it more prongs (the fix tries them)", (), where, kind="holds")]
    return []
