"""The spec sheet: one PDF, in three versions for its three readers (`Audience`).

The store's and the workshop's have four pages:
1. The piece at a glance: three views at one scale with a scale bar, ring size in every system, metal and its weight
   (the quote's: a pendant's cast clasp and jump ring in), and the setter's stone table (`gem_map`): each stone or row
   numbered, its size, carat, seat depth, prongs and their diameter, which way it lies and its girdle's height.
2. Metal and stones: the gem map (the stones numbered on the piece seen from above), the gem table with grades and
   totals, the weight in every alloy and the metal to melt in each.
3. Casting: each part cast or bought with its wax volume and grams, the wax scaled for shrinkage, the metal to melt
   (the piece and the store's sprue and button, `casting`), and every dimension.
4. Workshop check (and, the store's only, the price line by line): the manufacturability findings.
The workshop's names no price at all. The client's has two: her piece (views, size in every system, what she chose,
its weight) and its stones and her price (the lines a client reads, each with its share of the markup, and the
total); nothing of the store's workings (no markup, no labour line, no price per gram, no check).
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from PIL import ImageDraw, ImageFont
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import catalogue, gem_map
from .builds import model_of
from .casting import Casting, casting_of
from .catalogue import metal_grams
from .checks import Finding, Severity, check
from .design import Design
from .features import DIMENSIONS_BEFORE_HEIGHT, SHEET_ROWS_BEFORE_SETTING, Said, features_of, ordered
from .geometry import Model
from .heads import TIP_ALLOWANCE_MM
from .price_table import PriceTable, current_price_table
from .quotes import quote_summary
from .renders import Picture, render_views

if TYPE_CHECKING:
    from .inventory import LooseStone
from .styles import prong_count, style_of
from .summary import QuoteSummary

TITLES = ("The piece", "Metal and stones", "Casting", "Workshop check and price")
_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("cell", parent=_STYLES["BodyText"], fontSize=8.5, leading=10.5)
_SMALL = ParagraphStyle("small", parent=_STYLES["BodyText"], fontSize=7.5, leading=9)
_GRID = TableStyle([
    ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeea")),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8b8b0")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
])


def _table(rows: list[list], widths: list[float] | None = None, left: int = 1) -> Table:
    """A ruled table, header first; columns from `left` on are numbers (right-aligned)."""
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = TableStyle(_GRID.getCommands())
    style.add("ALIGN", (0, 0), (left - 1, -1), "LEFT")
    table.setStyle(style)
    return table


def _views_row(pictures: dict[str, Picture]) -> Table:
    size = 58 * mm
    cells, captions = [], []
    for name, picture in pictures.items():
        image = picture.image.copy()
        _scale_bar(image, picture.mm_per_px)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        buffer.seek(0)
        cells.append(Image(buffer, width=size, height=size))
        captions.append(Paragraph(f"<b>{name}</b>", _BODY))
    table = Table([cells, captions], colWidths=[size + 2 * mm] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("BOX", (0, 0), (-1, 0), 0.4, colors.HexColor("#b8b8b0"))]))
    return table


def _scale_bar(image, mm_per_px: float, length_mm: float = 5.0) -> None:
    """A 5 mm bar in the lower left corner of a view."""
    pen = ImageDraw.Draw(image)
    pixels = length_mm / mm_per_px
    x, y = 14, image.height - 22
    pen.line([(x, y), (x + pixels, y)], fill=(40, 40, 40), width=3)
    pen.line([(x, y - 6), (x, y + 6)], fill=(40, 40, 40), width=2)
    pen.line([(x + pixels, y - 6), (x + pixels, y + 6)], fill=(40, 40, 40), width=2)
    pen.text((x + pixels + 8, y - 10), f"{length_mm:g} mm", fill=(40, 40, 40), font=ImageFont.load_default(18))


def _dimensions(design: Design, model: Model, summary: QuoteSummary) -> list[list]:
    size = model.metal.bounds[1] - model.metal.bounds[0]
    rows = [["dimension", "value"]]
    if design.piece.value == "ring" and design.ring is not None:
        ring = design.ring
        rows += [
            ["inner diameter", f"{summary.inner_diameter_mm:.2f} mm"],
            ["inner circumference", f"{summary.inner_circumference_mm:.2f} mm"],
            ["band profile", ring.profile.value],
            ["band width x thickness", f"{ring.width_mm:.2f} x {ring.thickness_mm:.2f} mm"],
        ]
    shown = ordered(tuple(feature for feature in features_of(design) if feature.dimensions is not None),
                    DIMENSIONS_BEFORE_HEIGHT)
    built = [feature for feature in shown if feature.name in DIMENSIONS_BEFORE_HEIGHT]
    for feature in built:
        rows += feature.dimensions(design, model, summary)
    if model.stone_parts and model.band is not None:
        top = max(float(part.mesh.bounds[1, 2]) for part in model.stone_parts)
        rows.append(["height over the finger", f"{top - model.band.inner_radius_mm:.2f} mm"])
    for feature in shown[len(built):]:  # what is written on the piece
        rows += feature.dimensions(design, model, summary)
    rows += [
        ["overall (x, y, z)", f"{size[0]:.2f} x {size[1]:.2f} x {size[2]:.2f} mm"],
        ["metal volume" + (" (the piece; its fittings: Casting)" if model.fitting_parts else ""),
         f"{model.metal_volume_mm3:.1f} mm3"],
    ]
    return rows


def _weights(model: Model, chosen: str, table: PriceTable) -> list[list]:
    """The piece's weight in every alloy, its cast fittings (clasp, jump ring) in: the quote's weight in its own
    alloy; the metal to melt in each (its cast metal and the store's sprue and button); a matching band's weight in a
    column of its own."""
    band = model.matching
    rows = [["alloy", "density g/cm3", "weight g", "to melt g", *(["matching band g"] if band is not None else [])]]
    for metal_id, metal in catalogue.metals().items():
        grams = metal_grams(model.cast_volume_mm3, metal_id)
        name = f"{metal.name} (this design)" if metal_id == chosen else metal.name
        extra = [f"{metal_grams(band.volume_mm3, metal_id):.2f}"] if band is not None else []
        rows.append([name, f"{metal.density_g_cm3:.2f}", f"{grams:.2f}",
                     f"{casting_of(model, table, metal=metal_id).to_melt_grams:.2f}", *extra])
    return rows


def _feature_rows(design: Design, summary: QuoteSummary, facet: str) -> tuple[list[list], list[list]]:
    """The features' rows of a sheet's short table (`facet`: "glance" for the workshop's, "client_rows" for the
    client's), in two runs: what the piece is (SHEET_ROWS_BEFORE_SETTING), and what comes with it. A text a person
    typed is set as text."""
    runs: tuple[list[list], list[list]] = ([], [])
    for feature in ordered(features_of(design), SHEET_ROWS_BEFORE_SETTING):
        if (rows := getattr(feature, facet)) is not None:
            run = runs[0] if feature.name in SHEET_ROWS_BEFORE_SETTING else runs[1]
            run += [[label, Paragraph(escape(text), _BODY) if isinstance(text, Said) else text]
                    for label, text in rows(design, summary)]
    return runs


def _glance(design: Design, summary: QuoteSummary, metal, casting: Casting) -> list[list]:
    """The piece in a few lines: its size, its metal and weight as quoted, the metal to melt, its stones."""
    rows = [["", "as made"]]
    if design.ring is not None:
        ring = design.ring
        rows += [["band", f"{ring.profile.value}, {ring.width_mm:.2f} x {ring.thickness_mm:.2f} mm"],
                 ["inner diameter", f"{summary.inner_diameter_mm:.2f} mm"]]
    what, comes_with = _feature_rows(design, summary, "glance")
    rows += what
    setting = design.effective_setting
    if setting is not None:
        prongs = f", {prong_count(setting)} prongs" if prong_count(setting) and style_of(setting.style).prong_mm else ""
        rows.append(["setting", f"{setting.style.value}{prongs}"])
    fittings = summary.metal_grams - metal_grams(summary.metal_volume_mm3, design.metal)
    own = (f" (the piece {summary.metal_grams - fittings:.2f} g, clasp and jump ring {fittings:.2f} g)"
           if summary.findings_volume_mm3 else "")
    rows += [["metal", metal.name], ["weight, as quoted", f"{summary.metal_grams:.2f} g{own}"], *comes_with]
    rows.append(["metal to melt", f"{casting.to_melt_grams:.2f} g (with the sprue and button)"])
    if summary.stones:
        count = sum(stone.count for stone in summary.stones)
        rows.append(["stones", f"{count}, {summary.total_carat:.3f} ct in all"])
    return rows


def _setters(table: tuple[gem_map.StoneGroup, ...]) -> list[list]:
    """The setter's table: a line for each stone or row of like stones, by its numbers on the gem map."""
    head = ParagraphStyle("head", parent=_SMALL, fontName="Helvetica-Bold")
    rows = [[Paragraph(word, head) for word in ("no.", "stone", "size mm", "ct each", "held by", "prongs", "prong mm",
                                                 "seat depth mm", "girdle over metal mm", "lies")]]
    for group in table:
        size = f"{group.length_mm:.2f} x {group.width_mm:.2f} x {group.depth_mm:.2f}"
        name = catalogue.gemstone(group.material).name
        rows.append([group.numbers, Paragraph(escape(f"{group.role}: {group.shape} {name}"), _SMALL), size,
                     f"{group.carat_each:.3f}", Paragraph(escape(group.holding), _SMALL),
                     Paragraph(escape(group.prongs or "-"), _SMALL), Paragraph(escape(group.prong_mm or "-"), _SMALL),
                     f"{group.seat_depth_mm:.2f}", f"{group.seat_height_mm:.2f}",
                     Paragraph(escape(group.orientation), _SMALL)])
    return rows


def _small_table(rows: list[list], widths: list[float], left: int = 1) -> Table:
    table = _table(rows, widths, left)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
                               ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5)]))
    return table


def _casting(casting: Casting, metal) -> tuple[list[list], list[list]]:
    """The caster's tables: each part (cast, with its wax; or bought) and the figures of the casting."""
    cube = casting.scale**3
    parts = [["part", "made", "wax mm3", "wax scaled mm3", "metal g"]]
    for part in casting.parts:
        if part.cast:
            parts.append([part.name, "cast", f"{part.volume_mm3:.1f}", f"{part.volume_mm3 * cube:.1f}",
                          f"{part.grams:.2f}"])
        else:
            parts.append([part.name, "bought", "-", "-", f"{part.grams:.2f}"])
    figures = [["casting in " + metal.name, ""],
               ["shrinkage", f"{casting.shrinkage_pct:g} % linear"],
               ["wax scale (1 / (1 - shrinkage))", f"x{casting.scale:.4f}"],
               ["wax volume, nominal", f"{casting.wax_mm3:.1f} mm3"],
               ["wax volume, scaled for shrinkage", f"{casting.scaled_wax_mm3:.1f} mm3"],
               [f"cast metal ({metal.density_g_cm3:.2f} g/cm3)", f"{casting.grams:.2f} g"],
               [f"sprue and button ({casting.sprue_button_mm3:g} mm3 a casting)",
                f"{casting.sprue_button_grams:.2f} g"],
               ["metal to melt", f"{casting.to_melt_grams:.2f} g"]]
    return parts, figures


def _gems(summary: QuoteSummary) -> list[list]:
    rows = [["stone", "shape / cut", "size mm", "carat each", "colour", "clarity", "count", "carat"]]
    for stone in summary.stones:
        if stone.role == "centre":
            size = f"{stone.length_mm:.2f} x {stone.width_mm:.2f} x {stone.depth_mm:.2f}"
            own = " (client's)" if stone.client_supplied else (f" {stone.stock_number}" if stone.stock_number else "")
            rows.append([f"centre: {stone.material}{own}", f"{stone.shape} / {stone.cut}", size,
                         f"{stone.carat:.3f}", stone.color or "-", stone.clarity or "-", "1", f"{stone.carat:.3f}"])
        elif stone.role == "side":
            size = f"{stone.length_mm:.2f} x {stone.width_mm:.2f} x {stone.depth_mm:.2f}"
            rows.append([f"side ({stone.setting}): {stone.material}", f"{stone.shape} / {stone.cut}", size,
                         f"{stone.carat_each:.3f}", stone.color, stone.clarity, str(stone.count),
                         f"{stone.carat:.3f}"])
        elif stone.role == "eternity":
            row = summary.eternity
            size = f"{stone.length_mm:.2f} x {stone.width_mm:.2f}"
            rows.append([f"eternity ({row.coverage}, {row.setting}): {stone.material}",
                         f"{stone.shape} / {stone.cut}", size, f"{stone.carat_each:.4f}", stone.color,
                         stone.clarity, str(stone.count), f"{stone.carat:.3f}"])
        else:
            rows.append([f"accents: {stone.material}", f"{stone.shape} / {stone.cut}", f"{stone.length_mm:.2f}",
                         f"{stone.carat_each:.4f}", "-", "-", str(stone.count), f"{stone.carat:.3f}"])
    count = sum(stone.count for stone in summary.stones)
    rows.append(["total", "", "", "", "", "", str(count), f"{summary.total_carat:.3f}"])
    return rows


def _findings(findings: list[Finding]) -> list[list]:
    """Text goes into Paragraphs escaped: their markup could otherwise load files."""
    rows = [["severity", "part", "measured", "limit", "finding and fix"]]
    for finding in findings:
        rows.append([finding.severity.value, Paragraph(escape(finding.part), _BODY), f"{finding.value_mm:.2f} mm",
                     f"{finding.limit_mm:.2f} mm", Paragraph(escape(f"{finding.message}; {finding.fix}"), _BODY)])
    return rows


def _price(summary: QuoteSummary) -> list[list]:
    price = summary.price
    rows = [["item", f"amount {price.currency}"]]
    subtotals = {"ring": "subtotal, the ring", "band": "subtotal, the matching band"}
    for index, line in enumerate(price.rows):
        rows.append([Paragraph(escape(line.item), _BODY), f"{line.amount:,.2f}"])
        following = price.rows[index + 1].part if index + 1 < len(price.rows) else None
        if line.part in subtotals and following != line.part:  # a set: each ring's subtotal after its lines
            rows.append([Paragraph(f"<i>{subtotals[line.part]}</i>", _BODY), f"{price.subtotals[line.part]:,.2f}"])
    total = f"total {price.currency}" + (" for the set" if price.is_set else "")
    rows.append([Paragraph(f"<b>{total}</b>", _BODY), f"{price.total:,.2f}"])
    return rows


class Audience(str, Enum):
    """Who a sheet is for: the client (her piece and her price, nothing of the store's workings), the workshop
    (every dimension and the check, no price at all) or the store (everything)."""

    CLIENT = "client"
    WORKSHOP = "workshop"
    STORE = "store"

    def __repr__(self) -> str:
        return f"<Audience.{self.name}>"


FOOTERS = {"client": "sheet for the client", "workshop": "workshop sheet", "store": "spec sheet"}


def spec_sheet(design: Design, model: Model | None = None, today: dt.date | None = None,
               client: str | None = None, stock: LooseStone | None = None,
               audience: Audience | str = Audience.STORE, code: str | None = None,
               table: PriceTable | None = None) -> bytes:
    """The spec sheet of `design` for `audience` as PDF bytes (built at export resolution unless `model` is given).

    Args:
        client: the client it was saved for (named under the title).
        stock: the record of a stone of the store's (else the inventory's), described with its report.
        audience: the client's sheet (the piece, its size, its stones, her lines of the price and the total: no
            markup, no labour, no per-gram prices), the workshop's (every dimension, weights in every alloy, the gem
            table, the check and the wax's shrinkage: no prices at all) or the store's (the workshop's and the price
            line by line).
        code: the access code of the client's saved design, printed on her sheet (the code is stored only hashed:
            only the session that saved the design knows it).
        table: the price table it is priced and its casting figured by (default: the one in force; an order's
            version keeps the table it was quoted by).
    """
    audience = Audience(audience)
    piece = "Ring" if design.ring is not None else "Pendant"
    story = sheet_story(design, model, today, client, stock, audience, code, table)
    return pdf(story, f"{piece} {FOOTERS[audience.value]}")


def sheet_story(design: Design, model: Model | None = None, today: dt.date | None = None,
                client: str | None = None, stock: LooseStone | None = None,
                audience: Audience | str = Audience.STORE, code: str | None = None,
                table: PriceTable | None = None) -> list:
    """The sheet's pages as reportlab flowables (`spec_sheet`'s arguments), for a document that carries them after
    pages of its own (an order's job bag: `job_bag`)."""
    audience = Audience(audience)
    model = model or model_of(design)
    table = table or current_price_table()
    summary = quote_summary(design, stock, table)
    metal = catalogue.metal(design.metal)
    today = today or dt.date.today()
    h1, h2, body = _STYLES["Heading1"], _STYLES["Heading2"], _STYLES["BodyText"]
    piece = "Ring" if design.ring is not None else "Pendant"
    title = {Audience.CLIENT: "your piece", Audience.WORKSHOP: "workshop sheet", Audience.STORE: "spec sheet"}[audience]
    priced = "" if audience is Audience.WORKSHOP else f"; prices of {summary.price.table_date.isoformat()}"
    story = [
        Paragraph(escape(f"{piece} in {metal.name}: {title}"), h1),
        *([Paragraph(escape(" · ".join(filter(None, [design.name, f"for {client}" if client else None]))), h2)]
          if design.name or client else []),
        *([Paragraph(escape(f"Your access code: {code}. With it, this design opens again on any device (Saved "
                            "designs); keep it private."), body)] if code and audience is Audience.CLIENT else []),
        Paragraph(f"{TITLES[0]}. Printed {today.isoformat()}{priced}; all sizes in millimetres.", body),
        Spacer(1, 3 * mm),
        _views_row(render_views(model)),
        Spacer(1, 4 * mm),
    ]
    if summary.ring_size is not None:
        systems = summary.ring_size
        story += [Paragraph("Ring size in every system", h2),
                  _table([list(systems), list(systems.values())], left=len(systems)), Spacer(1, 3 * mm)]
    if audience is Audience.CLIENT:
        story += _client_pages(design, summary, metal)
    else:
        story += _workshop_pages(design, model, summary, metal, audience is Audience.STORE, table)
    return story


def pdf(story: list, title: str, footer: str | None = None) -> bytes:
    """`story` as an A4 PDF titled `title`, each page's footer `footer` (default: the title) and its page number."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, title=title, author="configurator", invariant=1)
    document.footer = footer or title
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _client_pages(design: Design, summary: QuoteSummary, metal) -> list:
    """The client's: her piece in a few lines, its stones, and her lines of the price with the total."""
    h1, h2, body = _STYLES["Heading1"], _STYLES["Heading2"], _STYLES["BodyText"]
    rows = [["", "as chosen"]]
    if design.ring is not None:
        ring = design.ring
        rows += [["band", f"{ring.profile.value}, {ring.width_mm:.2f} mm wide, {ring.thickness_mm:.2f} mm thick"],
                 ["inner diameter", f"{summary.inner_diameter_mm:.2f} mm"]]
    what, comes_with = _feature_rows(design, summary, "client_rows")
    rows += what
    setting = design.effective_setting
    if setting is not None:
        prongs = f", {prong_count(setting)} prongs" if prong_count(setting) else ""
        rows.append(["setting", f"{setting.style.value}{prongs}"])
    rows += [["metal", f"{metal.name}, {summary.metal_grams:.2f} g"], *comes_with]
    story: list = [Paragraph("Your piece", h2), _table(rows, [40 * mm, 120 * mm], left=2)]
    story += [PageBreak(), Paragraph("Stones and price", h1)]
    if summary.stones:
        story += [Paragraph("Stones", h2), _table(_client_gems(summary), [52 * mm, 30 * mm, 28 * mm, 14 * mm,
                                                                            14 * mm, 30 * mm], left=3)]
        centre = next((stone for stone in summary.stones if stone.role == "centre" and stone.stock_number), None)
        if centre is not None:
            report = f", report {centre.certificate}" if centre.certificate else ""
            story += [Spacer(1, 2 * mm), Paragraph(escape(
                f"The centre stone is our stone {centre.stock_number}: {centre.carat:.2f} ct as certified, measured "
                f"{centre.measurements}{report}."), body)]
    price = summary.price
    rows = [["", f"{price.currency}"]]
    subtotals = {"ring": "the ring", "band": "the matching band"}
    lines = price.client_lines()
    for index, line in enumerate(lines):
        rows.append([Paragraph(escape(line.item), _BODY), f"{line.amount:,.2f}"])
        following = lines[index + 1].part if index + 1 < len(lines) else None
        if line.part in subtotals and following != line.part:
            rows.append([Paragraph(f"<i>{subtotals[line.part]}</i>", _BODY), f"{price.subtotals[line.part]:,.2f}"])
    total = f"total {price.currency}" + (" for the set" if price.is_set else "")
    rows.append([Paragraph(f"<b>{total}</b>", _BODY), f"{price.total:,.2f}"])
    story += [Spacer(1, 5 * mm), Paragraph("Price", h2), _table(rows, [120 * mm, 35 * mm])]
    return story


def _client_gems(summary: QuoteSummary) -> list[list]:
    rows = [["stone", "shape / cut", "size mm", "carat", "colour", "clarity"]]
    for stone in summary.stones:
        name = catalogue.gemstone(stone.material).name
        count = f"{stone.count} x " if stone.count > 1 else ""
        size = f"{stone.length_mm:.2f}" if stone.width_mm is None else f"{stone.length_mm:.2f} x {stone.width_mm:.2f}"
        what = {"centre": "centre", "accent": "accents", "side": "side stones", "eternity": "eternity row"}[stone.role]
        own = " (your own)" if stone.client_supplied else ""
        rows.append([f"{what}: {count}{name}{own}", f"{stone.shape} / {stone.cut}", size,
                     f"{stone.carat:.2f}" if stone.carat >= 0.005 else f"{stone.carat:.3f}", stone.color or "-",
                     stone.clarity or "-"])
    return rows


def _open_prongs(design: Design) -> bool:
    """Whether a head of the design stands on prongs of its own (the centre's, or side stones' in prongs)."""
    setting = design.effective_setting
    centre = setting is not None and design.stone is not None and bool(style_of(setting.style).prong_mm)
    sides = design.side_stones is not None and design.side_stones.style.value == "prong"
    return centre or sides


def _workshop_pages(design: Design, model: Model, summary: QuoteSummary, metal, with_price: bool,
                    prices: PriceTable) -> list:
    """The workshop's pages (at a glance, stones, gem map, weights, casting, dimensions, check), and the store's
    price breakdown."""
    h1, h2, body = _STYLES["Heading1"], _STYLES["Heading2"], _STYLES["BodyText"]
    findings = check(design, model)
    blocking = [finding for finding in findings if finding.severity is Severity.BLOCKING]
    casting = casting_of(model, prices)
    stones = gem_map.mapped(model)
    table = gem_map.groups(model, stones)
    story = [Paragraph("At a glance", h2), _table(_glance(design, summary, metal, casting), [45 * mm, 133 * mm], left=2)]
    if table:
        story += [Spacer(1, 3 * mm), Paragraph("Stones, as numbered on the gem map", h2),
                  _small_table(_setters(table), [10 * mm, 25 * mm, 24 * mm, 12 * mm, 20 * mm, 17 * mm, 16 * mm,
                                                 13 * mm, 14 * mm, 30 * mm], left=2)]
        centre = next((stone for stone in summary.stones if stone.role == "centre" and stone.stock_number), None)
        if centre is not None:
            story += [Spacer(1, 1 * mm), Paragraph(escape(
                f"The centre's carat here is as modelled; as certified: {centre.carat:.2f} ct."), _SMALL)]
        if _open_prongs(design):
            story += [Spacer(1, 1 * mm), Paragraph(
                f"Prongs stand straight in the wax and in these pictures, {TIP_ALLOWANCE_MM:g} mm past where they "
                "end once bent: the stone drops in and the setter closes them over the crown. Prongs shared "
                "between two stones reach over both girdles as cast; their bearings are the setter's.", _SMALL)]
    story += [PageBreak(), Paragraph(TITLES[1], h1)]
    if table:
        picture = gem_map.draw(model, stones, table)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        buffer.seek(0)
        width = min(178 * mm, 75 * mm * picture.width / picture.height)
        story += [Paragraph("Gem map", h2), Image(buffer, width=width, height=width * picture.height / picture.width),
                  Spacer(1, 2 * mm)]
    if summary.stones:
        story += [Paragraph("Gem table", h2),
                  _table(_gems(summary), [40 * mm, 30 * mm, 30 * mm, 18 * mm, 13 * mm, 14 * mm, 12 * mm, 14 * mm])]
        centre = next((stone for stone in summary.stones if stone.role == "centre" and stone.stock_number), None)
        if centre is not None:
            words = [f"Centre stone {centre.stock_number}, the store's own: {centre.carat:.2f} ct as certified, "
                     f"measured {centre.measurements}"]
            words.append(f"report: {centre.certificate}" if centre.certificate else "no lab report")
            if centre.grading:
                words.append(centre.grading)
            story += [Spacer(1, 2 * mm), Paragraph(escape("; ".join(words) + "."), body)]
    else:
        story += [Paragraph("Gem table", h2), Paragraph("No stones in this design.", body)]
    widths = [62 * mm, 28 * mm, 24 * mm, 32 * mm] if model.matching is None else \
        [46 * mm, 22 * mm, 20 * mm, 28 * mm, 40 * mm]
    story += [Spacer(1, 3 * mm), Paragraph("Metal weight in every alloy", h2),
              _table(_weights(model, design.metal, prices), widths)]
    allowance = prices.sprue_allowance
    story.append(Paragraph(
        f"Weight: the cast metal{' (with the clasp and jump ring)' if model.fitting_parts else ''}, as quoted; to "
        f"melt: that{' and the matching band' if model.matching is not None else ''} and the sprue and button of one "
        f"casting ({casting.sprue_button_mm3:g} mm3 of the alloy, the store's figure)" + (f". The quote's +{allowance:.0%} on the metal is a price allowance, not metal to melt."
                             if with_price else "."), _SMALL))
    parts, figures = _casting(casting, metal)
    story += [PageBreak(), Paragraph(TITLES[2], h1),
              Paragraph(f"Wax pattern scaled x{casting.scale:.4f} for {casting.shrinkage_pct:g} % shrinkage of "
                        f"{metal.name}: the casting comes out at nominal size. Metal = nominal wax volume x density; "
                        "metal to melt = that and the sprue and button.", body),
              Spacer(1, 2 * mm), _table(figures, [80 * mm, 40 * mm]), Spacer(1, 3 * mm),
              Paragraph("Parts", h2), _table(parts, [70 * mm, 18 * mm, 24 * mm, 30 * mm, 20 * mm], left=2),
              Spacer(1, 3 * mm), Paragraph("Dimensions", h2),
              _table(_dimensions(design, model, summary), [60 * mm, 70 * mm]), PageBreak()]
    verdict = "ready to cast" if not blocking else f"not castable: {len(blocking)} blocking finding(s)"
    story += [
        Paragraph(TITLES[3] if with_price else "Workshop check", h1),
        Paragraph(f"Manufacturability: {verdict}", h2),
        Paragraph(f"Measured on the {len(model.metal.faces):,}-triangle export mesh: walls, gaps, prongs, seats and "
                  f"accent spacing against the casting minimums. Wax pattern scaled x{casting.scale:.4f} for "
                  f"{metal.shrinkage_pct:g} % shrinkage of {metal.name}"
                  + ("; the matching band is a pattern of its own, scaled alike" if model.matching is not None else "")
                  + ". Places are named by part; clock positions are "
                  "seen from above with 12 o'clock along the finger (+Y; a pendant: towards its bail).",
                  body),
        Spacer(1, 2 * mm),
    ]
    if findings:
        story.append(_table(_findings(findings), [17 * mm, 34 * mm, 18 * mm, 16 * mm, 93 * mm], left=5))
    else:
        story.append(Paragraph("No findings.", body))
    if with_price:
        story += [Spacer(1, 5 * mm), Paragraph("Price breakdown", h2), _table(_price(summary), [120 * mm, 35 * mm])]
    return story


def _footer(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(colors.HexColor("#777770"))
    canvas.drawString(16 * mm, 8 * mm, f"{getattr(document, 'footer', document.title)}, page {document.page}")
    canvas.restoreState()
