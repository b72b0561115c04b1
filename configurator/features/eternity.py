"""An eternity row: stones along the band, priced by the stone and set at the row's rate each, and judged by the row's
own rules (its gaps, its shared prongs, the metal under its seats)."""

from __future__ import annotations

import copy
import math
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .. import catalogue, words
from ..band_rows import seat_depth_mm
from ..design import ETERNITY_GAPS_MM, ROW_GAP_LEAST_MM, Coverage, Eternity, RowSetting, Stone
from ..edits import follow_field
from ..eternity import (
    FEWEST_PRONGS,
    band_width_needed,
    count_for,
    described,
    form_of,
    holds_of,
    prong_widths,
    refusal,
    resizable,
    span,
)
from ..findings import Finding, Fix, Round, Severity, metal_under_seats, rounded_up
from ..heads import accent_prong_mm
from ..places import place
from ..stones import StoneWeight, trade_carat
from ..summary import EternitySummary, StoneLine, group_fields, stone_fields
from .centre import park_centre
from .feature import CheckContext, Control, Edit, Feature, PriceContext, PriceLines, SummaryContext, Summed

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..summary import QuoteSummary
    from ..walls import Scan


def present(design: Design) -> bool:
    return design.ring is not None and design.ring.eternity is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-white",
            "ring": {"size": {"system": "US", "value": 6.5}, "profile": "comfort", "width_mm": 2.8,
                     "thickness_mm": 1.9,
                     "eternity": {"coverage": "half", "setting": "shared-prong",
                                  "stone": {"shape": "round", "length_mm": 2.2, "color": "G", "clarity": "VS2"}}}}


def price(context: PriceContext) -> PriceLines:
    row, table = context.design.ring.eternity, context.table
    materials, labour = [], []
    for weight in context.weights("eternity"):
        name = catalogue.gemstone(weight.material).name
        stone, each = row.stone, weight.carat / weight.count
        grade = f"{stone.grade_color} {stone.grade_clarity}"
        said = f"{weight.count} {stone.shape.value} {name}, {words.carats(weight.carat)} in all"
        materials.append((f"eternity stones: {said} ({each:.3f} ct each, {grade})",
                          table.stone_price(stone, each) * weight.count, "stone", f"Eternity stones: {said}"))
        rate = table.labour.accent.row_rate(row.setting.value)
        labour.append((f"labour: setting {weight.count} eternity stones ({row.setting.value}) at {rate:.2f} each",
                       rate * weight.count, "labour", context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    row = design.ring.eternity
    return [["eternity row", summary.eternity.described + f", gap {row.gap:.2f} mm"
             + ("" if summary.eternity.resizable else "; cannot be resized")]]


def findings(context: CheckContext) -> list[Finding]:
    """An eternity row: neighbours far enough apart to be set (the setting's least: PRODUCT.md "Eternity bands"),
    every stone of a shared-prong row held by four prongs of the trade's diameter for it, and metal left under its
    seats."""
    design, model, metal = context.design, context.model, context.metal
    ring = design.ring
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
    under = ring.thickness_mm - seat_depth_mm(form_of(spec))
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
    counts = [holds_of(model.solid, ring, spec, index) for index in range(len(row))]
    fewest = min(counts)
    if fewest < FEWEST_PRONGS:
        index = counts.index(fewest)
        found.append(Finding(Severity.BLOCKING, "ring.eternity", float(fewest), float(FEWEST_PRONGS),
                             f"a stone of the row is held by {fewest} prong{'s' if fewest != 1 else ''}, not "
                             f"{FEWEST_PRONGS}: it would come loose",
                             words.changes(fix), fix, place(design, model, row[index].mesh.bounds.mean(axis=0)),
                             kind="row-holds"))
    wanted = accent_prong_mm(min(spec.stone.length_mm, spec.stone.outline_width_mm))
    thinnest = min((width for width in prong_widths(model.solid, ring, spec)), default=wanted)
    if thinnest < wanted - ROW_GAP_TOLERANCE_MM:
        found.append(Finding(Severity.BLOCKING, "ring.eternity", thinnest, wanted,
                             f"the row's prongs measure {thinnest:.2f} mm across, under the {wanted:g} mm a "
                             f"{spec.stone.length_mm:g} mm stone needs", words.changes(fix), fix, "the row's prongs",
                             kind="row-prongs"))
    return found


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """A loose stone of the row held all round in a bezel."""
    if finding.kind == "holds" and finding.part == "ring.eternity":
        return [Fix(Round.REMEDY, (("ring.eternity.setting", RowSetting.BEZEL.value),))]
    return []




DEFAULT_ROW = {"coverage": "half", "setting": "shared-prong",
               "stone": {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 2.0}}


def fit_row(doc: dict) -> None:
    """After a change to the row: a gap below what its setting needs goes back to the setting's own, and the band
    widens to hold the row (never narrows)."""
    row = doc["ring"]["eternity"]
    setting = row.get("setting", "shared-prong")
    if row.get("gap_mm") is not None and row["gap_mm"] < ROW_GAP_LEAST_MM[RowSetting(setting)] - 1e-9:
        row.pop("gap_mm")
    try:
        needed = band_width_needed(Eternity.model_validate(row))
    except ValueError:
        return  # the row itself is refused by name when the design is validated
    if doc["ring"]["width_mm"] < needed - 1e-9:
        doc["ring"]["width_mm"] = math.ceil(needed * 10 - 1e-9) / 10


def _row(edit: Edit) -> None:
    """A row for a band just given one: an eternity band has no centre stone, which waits aside (with any side
    stones)."""
    doc, ring = edit.doc, edit.doc["ring"]
    if edit.value and not ring.get("eternity"):
        if doc.get("stone"):
            park_centre(doc, edit.parked)
        ring["eternity"] = edit.parked.pop("eternity", None) or copy.deepcopy(DEFAULT_ROW)
        fit_row(doc)
    elif not edit.value and ring.get("eternity"):
        edit.parked["eternity"] = ring.pop("eternity")


def _follow(field: str, doc: dict) -> None:
    """After the row's `field` changed: its stone follows a new shape or material, the row fits its band."""
    follow_field(doc["ring"]["eternity"]["stone"], field)
    fit_row(doc)


CONTROLS = (
    Control("row_on", "Stones along the band (eternity)", does=_row),
    *(Control(key, label, path, model, convert, partial(_follow, path[-1])) for key, label, path, model, convert in (
        ("row_coverage", "Row", ("ring", "eternity", "coverage"), None, None),
        ("row_setting", "Row setting", ("ring", "eternity", "setting"), None, None),
        ("row_shape", "Row stones", ("ring", "eternity", "stone", "shape"), None, None),
        ("row_length", "Row stone length (mm)", ("ring", "eternity", "stone", "length_mm"), Stone, float),
        ("row_gap", "Gap between stones (mm)", ("ring", "eternity", "gap_mm"), Eternity, float),
        ("row_material", "Row material", ("ring", "eternity", "stone", "material"), None, None),
        ("row_color", "Row colour", ("ring", "eternity", "stone", "color"), None, None),
        ("row_clarity", "Row clarity", ("ring", "eternity", "stone", "clarity"), None, None))),
)

def fit(design: Design) -> str | None:
    """Why the band cannot hold its row (too narrow for the stones, or too few of them fit), or None."""
    problem = design.ring is not None and refusal(design.ring)
    return f"ring.{problem}" if problem else None


def client_rows(design: Design, summary: QuoteSummary) -> list[list[str]]:
    """What the client must know before she orders: a full row cannot be resized."""
    if summary.eternity.resizable:
        return []
    return [["note", "a full eternity band cannot be resized: its size is fixed when it is made"]]


def trade_stones(design: Design) -> list[StoneWeight]:
    row = design.ring.eternity
    count = count_for(design.ring, row)
    return [StoneWeight("eternity", row.stone.material, count, count * trade_carat(row.stone))]


def summary(context: SummaryContext) -> Summed:
    """The row's stone line as built, and the row: coverage, setting, stones, gap, how it reads, resizable or not."""
    built = [part for part in context.model.stone_parts if part.role == "eternity"]
    if not built:
        return Summed()
    row = context.design.ring.eternity
    carat = sum(part.carat for part in built)
    return Summed((StoneLine(role="eternity", **stone_fields(row.stone), **group_fields(built)),),
                  {"eternity": EternitySummary(row.coverage.value, row.setting.value, len(built), row.gap,
                                               described(row, len(built), carat), resizable(row))})


def drilled(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """The band's faces within the row's reach round the finger: drilled for its stones, judged by `findings` here."""
    return np.abs(np.arctan2(walls.centres[:, 0], walls.centres[:, 2])) <= span(design.ring, design.ring.eternity)


FEATURE = Feature("eternity", "eternity row", present, example, price, dimensions, findings=findings, fixes=fixes,
                  controls=CONTROLS, fit=fit, client_rows=client_rows, trade_stones=trade_stones, summary=summary,
                  drilled=drilled)
