"""Milgrain: beads along a band's edges or round a bezel's rim, priced by the beaded length, shown as laid out and
judged bead by bead."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..bands import build_band
from ..design import MILGRAIN_BEAD_MM, MILGRAIN_BEAD_RANGE, EdgeMilgrain, Edges, Ring
from ..eternity import refusal as row_refusal
from ..findings import MIN_DETAIL_MM, MIN_GAP_MM, TOLERANCE_MM, Finding, Severity
from ..heads import BEZEL_WALL_MM
from ..milgrain import edge_length_mm, largest_edge_bead_mm
from ..milgrain import refusal as edge_refusal
from ..shapes import stone_outline
from ..solids import PREVIEW, offset_outline
from .feature import CheckContext, Control, Edit, Feature, PriceContext, PriceLines, switch

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary
    from ..walls import Scan


def present(design: Design) -> bool:
    setting = design.effective_setting
    return (design.ring is not None and design.ring.milgrain is not None) or (
        setting is not None and setting.milgrain is not None)


def example() -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": 6.5}, "profile": "flat", "width_mm": 2.5, "thickness_mm": 1.8,
                     "milgrain": {"edges": "both", "bead_mm": 0.5}},
            "stone": {"shape": "round", "length_mm": 6.0, "color": "H", "clarity": "VS2"},
            "setting": {"style": "bezel", "milgrain": {"bead_mm": 0.5}}}


def nominal_beaded_mm(design: Design) -> float:
    """The beaded length of a design's edges, without building it: its band's edge (or both) all round, a head's gap
    left in, and its bezel's rim (a quote made without the geometry; a built model's rows give the length made)."""
    total = 0.0
    ring = design.ring
    if ring is not None and ring.milgrain is not None:
        rows = 2 if ring.milgrain.edges is Edges.BOTH else 1
        total += rows * edge_length_mm(build_band(ring, PREVIEW))
    setting = design.effective_setting
    if setting is not None and setting.milgrain is not None:
        stone = design.stone
        rim = np.asarray(offset_outline(stone_outline(stone.shape, stone.length_mm, stone.outline_width_mm, 64),
                                        BEZEL_WALL_MM).to_polygons()[0])
        total += float(np.linalg.norm(np.diff(np.vstack([rim, rim[:1]]), axis=0), axis=1).sum())
    return total


def price(context: PriceContext) -> PriceLines:
    """The beaded length as made (or its nominal length, without the geometry) at the table's rate a millimetre."""
    beaded = nominal_beaded_mm(context.design) if context.milgrain_mm is None else context.milgrain_mm
    rate = context.table.labour.milgrain_per_mm
    return PriceLines(labour=((f"labour: milgrain, {beaded:.0f} mm of beaded edge at {rate:.2f}/mm", beaded * rate,
                               "labour", context.workmanship),))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    """Each row of beads as the workshop finds it on the wax."""
    return [[f"milgrain, {row.where.removeprefix('the ')}",
             f"{row.count} beads of {row.bead_mm:.2f} mm, {row.spacing_mm:.2f} mm apart"] for row in model.beads]


def findings(context: CheckContext) -> list[Finding]:
    """Milgrain beads as placed: each at least castable detail across (smaller ones block), a row with room to run,
    and beads of a row that are not neighbours along it (either side of a cusp, say) clear of each other by the gap
    the investment needs. The hair between neighbours is left alone: it is the milgrain wheel's work after polishing
    (PRODUCT.md "Milgrain": touching or nearly)."""
    found: dict[tuple[str, str], Finding] = {}
    for row in context.model.beads:
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




def largest_bead_mm(ring: dict) -> float:
    """The largest milgrain bead the band's edges take, to the slider's 0.05 mm (0 when the band is no valid ring)."""
    try:
        plain = Ring.model_validate({key: value for key, value in ring.items() if key != "milgrain"})
    except ValueError:
        return 0.0
    if row_refusal(plain):  # a row the band cannot hold
        return 0.0
    return math.floor(largest_edge_bead_mm(plain) * 20 + 1e-6) / 20


def fit_band(ring: dict) -> None:
    """After a change to the band: a taper's back is never wider or thicker than the top (it follows the top down),
    and beads never larger than the edges take."""
    taper = ring.get("taper")
    if taper is not None:
        for back, top in (("width_back_mm", "width_mm"), ("thickness_back_mm", "thickness_mm")):
            if taper.get(back) is not None and taper[back] > ring[top]:
                taper[back] = ring[top]
    milgrain = ring.get("milgrain")
    if milgrain is not None:
        largest = largest_bead_mm(ring)
        if largest >= MILGRAIN_BEAD_RANGE[0] and milgrain.get("bead_mm", MILGRAIN_BEAD_MM) > largest + 1e-9:
            milgrain["bead_mm"] = largest
        if milgrain.get("pitch_mm") is not None and milgrain["pitch_mm"] < milgrain.get("bead_mm", MILGRAIN_BEAD_MM):
            milgrain.pop("pitch_mm")  # beads larger than their spacing: the spacing follows the bead again


def _fit_ring(doc: dict) -> None:
    fit_band(doc["ring"])


def _edges(edit: Edit) -> None:
    """Milgrain for a band just given it: the usual bead, or the largest its edges take."""
    ring = edit.doc["ring"]
    switch(ring, "milgrain", edit, lambda: {
        "edges": "both", "bead_mm": min(MILGRAIN_BEAD_MM, max(MILGRAIN_BEAD_RANGE[0], largest_bead_mm(ring)))})


def _rim(edit: Edit) -> None:
    """Beads round a bezel's rim: the usual bead, or those the rim had before."""
    setting = edit.doc.setdefault("setting", {"style": "prong"})
    if edit.value:
        setting["milgrain"] = edit.parked.pop("rim_milgrain", None) or {"bead_mm": MILGRAIN_BEAD_MM}
    elif setting.get("milgrain"):
        edit.parked["rim_milgrain"] = setting.pop("milgrain")


CONTROLS = (
    Control("milgrain_on", "Milgrain on the edges", does=_edges, then=_fit_ring),
    Control("milgrain_edges", "Edges", ("ring", "milgrain", "edges"), then=_fit_ring),
    Control("milgrain_bead", "Bead size (mm)", ("ring", "milgrain", "bead_mm"), EdgeMilgrain, float, _fit_ring),
    Control("rim_milgrain", "Milgrain round the rim", does=_rim),
)

def fit(design: Design) -> str | None:
    """Why the band's edges cannot take its beads, or None (a document that asks for more is not read)."""
    problem = design.ring is not None and edge_refusal(design.ring)
    return f"ring.{problem}" if problem else None


# Faces this far past a milgrain bead's surface belong to it: the crease where a bead meets the metal is cut in small
# facets, some no wider than a float32 file keeps, whose normals say nothing of a wall.
BEAD_CREASE_MM = 0.15


def apart(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """Faces of milgrain beads and the creases round them: judged by their own rules (`findings` here), not as walls
    of the band or detail of a head."""
    from scipy.spatial import cKDTree  # the check's alone: a quote loads no scipy

    faces = np.zeros(len(walls.centres), dtype=bool)
    for row in model.beads:
        if row.count:
            reach = row.bead_mm / 2 + BEAD_CREASE_MM
            near, _ = cKDTree(row.centres()).query(walls.centres, distance_upper_bound=reach)
            faces |= np.isfinite(near)
    return faces


FEATURE = Feature("milgrain", "milgrain", present, example, price, dimensions, findings=findings, controls=CONTROLS,
                  fit=fit, apart=apart)
