"""Side stones: a stone or a graded run of them either side of the centre (three-stone rings among them), in their
own heads, sharing prongs with the centre, or in a channel; each size on its own line, one line to set them all. The
check keeps them clear of the centre and of each other, and of the finger under a channel's seats."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .. import catalogue, words
from ..design import SHARING_CENTRE_SHAPES, SHARING_SIDE_SHAPES, SettingStyle, Shape, SideStones, Stone
from ..edits import follow_centre, follow_field
from ..findings import MIN_ACCENT_GAP_MM, TOLERANCE_MM, Finding, Fix, Round, Severity, metal_under_seats
from ..places import place
from ..sidestones import placement, refusal, seat_depth_mm
from ..stones import StoneWeight, matching_side_mm, trade_carat
from ..summary import SideStonesSummary, StoneLine, group_fields, stone_fields
from .feature import CheckContext, Control, Edit, Feature, Held, PriceContext, PriceLines, SummaryContext, Summed

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..price_table import PriceTable
    from ..summary import QuoteSummary
    from ..walls import Scan


def present(design: Design) -> bool:
    return design.side_stones is not None


def example() -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": 6}, "profile": "comfort", "width_mm": 2.4,
                     "thickness_mm": 1.8},
            "stone": {"shape": "oval", "length_mm": 7.0, "color": "G", "clarity": "VS2"},
            "setting": {"style": "prong", "prongs": 4},
            "side_stones": {"stone": {"shape": "pear", "length_mm": 6.3, "color": "G", "clarity": "VS2"},
                            "style": "prong"}}


def side_setting_rate(table: PriceTable, style: SettingStyle) -> float:
    """Setting one side stone: in its own head at a centre stone's rate by style; in a channel at an accent's."""
    if style is SettingStyle.CHANNEL:
        return table.labour.accent.channel
    return getattr(table.labour.setting, style.value)


def price(context: PriceContext) -> PriceLines:
    """Each size of side stone at the table's price, then one labour line for setting every one of them."""
    side, table = context.design.side_stones, context.table
    side_groups = iter(side.groups)  # the side weights come nearest the centre first
    materials, count = [], 0
    for weight in context.weights("side"):
        name = catalogue.gemstone(weight.material).name
        stone, each = next(side_groups, side.groups[-1])[0], weight.carat / weight.count
        grade = f"{stone.grade_color} {stone.grade_clarity}"
        size = f" {stone.length_mm:g} mm" if len(side.groups) > 1 else ""
        said = f"{weight.count} {stone.shape.value} {name}{size}, {words.carats(each)} each"
        materials.append((f"side stones: {said} ({grade})", table.stone_price(stone, each) * weight.count, "stone",
                          f"Side stones: {said}"))
        count += weight.count
    labour = []
    if count:
        rate = side_setting_rate(table, side.style)
        labour.append((f"labour: setting {count} side stones ({side.style.value}) at {rate:.2f} each",
                       rate * count, "labour", context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    side = design.side_stones
    graded = f", each {side.graduation:.0%} of the one before" if side.count > 1 else ""
    shared = ", sharing prongs with the centre" if side.shared_prongs else ""
    return [["side stones", f"{side.count} a side in {side.style.value}{graded}{shared}"]]


def findings(context: CheckContext) -> list[Finding]:
    """Side stones far enough from the centre and from each other to be set without chipping, and (in a channel)
    metal left under their seats."""
    design, model = context.design, context.model
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
        found += metal_under_seats(design.ring, context.metal, design.ring.thickness_mm - seat_depth_mm(design),
                                   "the side stones' seats", "under the side stones", "row-under")
    return found


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """Heads of their own for stones that share prongs with the centre: they stand apart (for a gap or thin metal
    between the heads) and hold their stones by prongs of their own (for a loose centre or side stone)."""
    if not design.side_stones.shared_prongs:
        return []
    if finding.kind in ("gap", "thin-detail") or (finding.kind == "holds" and finding.part in ("setting", "side_stones")):
        return [Fix(Round.REMEDY, (("side_stones.shared_prongs", False),))]
    return []




DEFAULT_SIDE_SHARE = 0.6  # a first guess at a new side stone's length, before it is sized to 60 % of the centre's carat


def _side_stones(edit: Edit) -> None:
    """Side stones for a centre just given them: round diamonds of the trade's share of its carat (or those set aside
    before)."""
    doc, parked = edit.doc, edit.parked
    if edit.value and not doc.get("side_stones") and doc.get("stone"):
        side = Stone(shape=Shape.ROUND, length_mm=round(max(1.0, DEFAULT_SIDE_SHARE * float(doc["stone"]["length_mm"])),
                                                        2))
        length = max(1.0, matching_side_mm(Stone.model_validate(doc["stone"]), side))  # the trade's share of carat
        doc["side_stones"] = parked.pop("side_stones", None) or {
            "stone": {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": length},
            "style": "prong"}
    elif not edit.value and doc.get("side_stones"):
        parked["side_stones"] = doc.pop("side_stones")


def _follow(field: str, doc: dict) -> None:
    """After the side stones' `field` changed: their stone follows a new shape or material."""
    follow_field(doc["side_stones"]["stone"], field)


def follow_the_centre(before: dict, doc: dict) -> None:
    """The side stones keep their share of the centre's length when the centre is resized."""
    if before.get("stone") and doc.get("stone") and doc.get("side_stones"):
        follow_centre(doc["side_stones"]["stone"], float(before["stone"]["length_mm"]), float(doc["stone"]["length_mm"]))


def can_share_prongs(doc: dict) -> bool:
    """Whether the design's side stones may share prongs with the centre: one a side in prongs of a shape that can,
    round a prong-set centre that can."""
    side, centre = doc.get("side_stones") or {}, doc.get("stone") or {}
    return (bool(side) and side.get("style", "prong") == "prong" and int(side.get("count", 1)) == 1
            and (doc.get("setting") or {}).get("style", "prong") == "prong"
            and Shape(side["stone"].get("shape", "round")) in SHARING_SIDE_SHAPES
            and Shape(centre.get("shape", "round")) in SHARING_CENTRE_SHAPES)


def unshare(doc: dict) -> None:
    """Side stones stop sharing prongs when a change leaves nothing to share them (another style or shape, more
    stones a side): the control that shares them is hidden then, so it cannot be left holding the design."""
    side = doc.get("side_stones") or {}
    if side.get("shared_prongs") and not can_share_prongs(doc):
        side["shared_prongs"] = False


CONTROLS = (
    Control("side_on", "Side stones", does=_side_stones),
    *(Control(key, label, path, model, convert, partial(_follow, path[-1])) for key, label, path, model, convert in (
        ("side_shape", "Side stone shape", ("side_stones", "stone", "shape"), None, None),
        ("side_style", "Side setting", ("side_stones", "style"), None, None),
        ("side_length", "Side stone length (mm)", ("side_stones", "stone", "length_mm"), Stone, float),
        ("side_count", "Stones a side", ("side_stones", "count"), SideStones, int),
        ("side_grad", "Graduation", ("side_stones", "graduation"), SideStones, float),
        ("side_shared", "Share prongs with the centre", ("side_stones", "shared_prongs"), None, None),
        ("side_material", "Side material", ("side_stones", "stone", "material"), None, None),
        ("side_color", "Side colour", ("side_stones", "stone", "color"), None, None),
        ("side_clarity", "Side clarity", ("side_stones", "stone", "clarity"), None, None))),
)

def trade_stones(design: Design) -> list[StoneWeight]:
    """Each group of like stones, nearest the centre first."""
    return [StoneWeight("side", side.material, count, count * trade_carat(side)) for side, count in design.side_stones.groups]


def summary(context: SummaryContext) -> Summed:
    """A stone line for each size of side stone, nearest the centre first (their share of the centre's length, as
    built), and the choice: setting, how many a shoulder and in all, the grading, shared prongs."""
    design, side = context.design, context.design.side_stones
    lines = []
    for stone, _ in side.groups:
        built = [part for part in context.model.stone_parts
                 if part.role == "side" and abs(part.size_mm - stone.length_mm) < 1e-6]
        lines.append(StoneLine(role="side", **stone_fields(stone), setting=side.style.value,
                               share_of_centre=round(stone.length_mm / design.stone.length_mm, 3),
                               **group_fields(built)))
    chosen = SideStonesSummary(side.style.value, side.count, side.graduation if side.count > 1 else None,
                               sum(count for _, count in side.groups), side.shared_prongs)
    return Summed(tuple(lines), {"side_stones": chosen})


def drilled(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """A channel's faces in the band, from its first stone's near side to past its last: drilled for the stones and
    judged by `findings` here (stones in heads of their own drill nothing)."""
    if design.side_stones.style is not SettingStyle.CHANNEL:
        return np.zeros(len(walls.centres), dtype=bool)
    placed = placement(design, model.band.inner_radius_mm + design.ring.thickness_mm)
    angle = np.abs(np.arctan2(walls.centres[:, 0], walls.centres[:, 2]))
    return ~((angle < placed.angles[0] - placed.stones[0].outline_width_mm / placed.radii[0])
             | (angle > placed.reach + 0.1))


def held(design: Design) -> Held | None:
    """Side stones in heads of their own or shared prongs (a channel holds its stones along two walls)."""
    if design.side_stones.style is SettingStyle.CHANNEL:
        return None
    return Held("side", "a side stone", "side_stones", 3)


FEATURE = Feature("side_stones", "side stones", present, example, price, dimensions, findings=findings, fixes=fixes,
                  controls=CONTROLS, fit=refusal, trade_stones=trade_stones, summary=summary,
                  drilled=drilled, held=held)
