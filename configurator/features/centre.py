"""The centre stone: its own line (the client's, the store's from its record, or the table's by its grades and carat),
the setting of it, its setting and prongs on the sheet, and the check of its prongs and of the metal over its girdle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import catalogue, words
from ..design import SettingStyle
from ..errors import CatalogueError
from ..findings import ROUND_THE_STONES, TOLERANCE_MM, Finding, Fix, Round, Severity, steps
from ..heads import CENTRE_PRONG_MIN_MM, SUPPORTED_PRONG_MIN_MM, accent_prong_mm
from ..shapes import shape_of
from ..styles import default_prong_mm, prong_count, style_of
from .feature import CheckContext, Feature, PriceContext, PriceLines, Row

if TYPE_CHECKING:
    from ..design import Design, Stone
    from ..geometry import Model
    from ..inventory import LooseStone
    from ..price_table import PriceTable
    from ..summary import QuoteSummary


def present(design: Design) -> bool:
    return design.stone is not None


def example() -> dict:
    return {"piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "US", "value": 6.5}, "profile": "comfort", "width_mm": 2.2,
                     "thickness_mm": 1.6},
            "stone": {"shape": "round", "length_mm": 6.5, "color": "G", "clarity": "VS2"},
            "setting": {"style": "prong", "prongs": 6}}


def _stock_line(stone: Stone, stock: LooseStone | None, table: PriceTable, name: str, grade: str) -> Row:
    """The line of a centre stone of the store's: its own price (or the grid's at its certified carat), its
    certified weight and its report."""
    from ..inventory import stone_price

    if stock is None or stock.stock_number != stone.stock_number:
        raise CatalogueError(f"stone.stock_number: the record of stone {stone.stock_number} is needed to price it")
    amount, from_grid = stone_price(stock, table)
    report = f", {stock.lab} report {stock.certificate}" if stock.certificate else (
        f", graded by {stock.lab}" if stock.lab else "")
    basis = "at the grid's price" if from_grid else "its own price"
    said = f"{stone.shape.value} {name} {grade}, {stock.carat:.2f} ct"
    return (f"stone: {stone.stock_number} {said} certified{report} ({basis})", amount, "stone",
            f"Centre stone: {said}{report} (our stone {stone.stock_number})")


def price(context: PriceContext) -> PriceLines:
    """The stone (nothing for the client's own) and the setting of it at its style's rate."""
    design, table = context.design, context.table
    style = design.effective_setting.style
    materials, labour = [], []
    for weight in context.weights("centre"):
        name = catalogue.gemstone(weight.material).name
        stone = design.stone
        grade = f"{stone.grade_color} {stone.grade_clarity}"
        if stone.client_supplied:
            item = f"stone: client's own {stone.shape.value} {name}, {words.carats(weight.carat)}"
            materials.append((item, 0.0, "stone", f"Centre stone: your own {stone.shape.value} {name}, "
                              f"{words.carats(weight.carat)}"))
        elif stone.stock_number is not None:
            materials.append(_stock_line(stone, context.stock, table, name, grade))
        else:
            materials.append((f"stone: {stone.shape.value} {name} {grade}, {words.carats(weight.carat)}",
                              table.stone_price(stone, weight.carat), "stone",
                              f"Centre stone: {stone.shape.value} {name} {grade}, {words.carats(weight.carat)}"))
        rate = getattr(table.labour.setting, style.value)
        labour.append((f"labour: setting the centre stone ({style.value})", rate, "labour", context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


def dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list[str]]:
    """Its setting, and the diameter of its prongs where it has them."""
    setting = design.effective_setting
    prongs = f", {prong_count(setting)} prongs" if prong_count(setting) else ""
    rows = [["setting", f"{setting.style.value}{prongs}"]]
    if style_of(setting.style).prong_mm:
        prong = setting.prong_mm or default_prong_mm(design.stone, setting.style)
        rows.append(["centre prong diameter", f"{prong:.2f} mm"])
    return rows


# The setting's metal rises over at least this share of the crown above the girdle.
MIN_GRIP_SHARE = 0.2


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


def _grip_findings(design: Design, model: Model) -> list[Finding]:
    """Metal rising over the centre stone's girdle to hold it: at least `MIN_GRIP_SHARE` of its crown."""
    if not model.stone_parts or model.girdle_z is None:
        return []
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
        return [Finding(Severity.BLOCKING, "setting.style", grip, needed,
                        f"the metal rises only {grip:.2f} mm over the girdle, too little to hold the stone",
                        f"choose a setting that covers the crown ({style})", (("setting.style", style),),
                        "the centre stone's setting", kind="grip")]
    return []


def findings(context: CheckContext) -> list[Finding]:
    """Its prongs against the trade table for its size and the free-standing minimum, and the metal over its girdle."""
    return [*_prong_findings(context.design), *_grip_findings(context.design, context.model)]


def fixes(design: Design, finding: Finding) -> list[Fix]:
    """More prongs for a loose centre stone; for metal too thin or too close round the stones, thicker prongs, a larger
    stone (not the client's own), a brilliant's pavilion for a domed or flat-backed stone; last, for any finding but
    the grip's (its own fix is the setting) and the matching band's shank, a plainer setting."""
    setting, stone = design.effective_setting, design.stone
    found: list[Fix] = []
    if finding.kind == "holds" and finding.part == "setting":
        record = shape_of(stone.shape)
        counts = (len(record.corners), 6) if record.corners and not record.pointed else (4, 6)
        if style_of(setting.style).prong_mm and setting.style is not SettingStyle.BEZEL:
            found += [Fix(Round.REMEDY, (("setting.prongs", count),)) for count in counts
                      if count != prong_count(setting)]
    if finding.kind in ROUND_THE_STONES:
        if style_of(setting.style).prong_mm:
            current = setting.prong_mm or default_prong_mm(stone, setting.style)
            found += [Fix(Round.STONE, changes) for changes in steps("setting.prong_mm", current, (0.1, 0.2), 2.5)]
        if not stone.client_supplied:
            found += [Fix(Round.STONE, (("stone.length_mm", round(stone.length_mm + step, 2)),
                                        *((("stone.width_mm", round(stone.width_mm * (1 + step / stone.length_mm), 2)),)
                                          if stone.width_mm is not None else ()))) for step in (0.1, 0.25)]
        if stone.cut.value != "brilliant":
            found.append(Fix(Round.CUT, (("stone.cut", "brilliant"),)))
    if finding.kind not in ("grip", "matching-shank"):
        plainer = {"prong": (("setting.style", "prong"),),
                   "bezel": (("setting.style", "bezel"), ("setting.prongs", None), ("setting.prong_mm", None))}
        found += [Fix(Round.PLAINER, changes) for style, changes in plainer.items() if setting.style.value != style]
    return found


FEATURE = Feature("stone", "centre stone", present, example, price, dimensions, findings=findings, fixes=fixes)
