"""An order's papers: the job bag that goes to the bench with the work, and the client's sheet of the version she
approves.

The job bag is the workshop's sheet of the order's approved version (every dimension and the check, no price at
all) after a first page of its own: the order number as text and as a QR code (`segno`), the client, the version and
its approval, the promised date, the bench's notes and a checklist of the stages, each with lines to sign. It is
printed only for an order whose current version the client approved: the bench never holds a bag of an unapproved
design.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, Spacer, Table, TableStyle

from . import catalogue
from .documents import loads_design
from .inventory import Inventory, LooseStone
from .orders import APPROVED, CANCELLED, COLLECTED, WORK, Event, Order, OrderError, Orders
from .sheet import _STYLES, Audience, pdf, sheet_story, spec_sheet

QR_SIZE_MM = 34.0  # printed: a phone reads it from an arm's length; its modules are about 1.3 mm
_NUMBER = ParagraphStyle("number", parent=_STYLES["Title"], fontName="Helvetica-Bold", fontSize=30, leading=34,
                         alignment=0)
_CELL = ParagraphStyle("bag-cell", parent=_STYLES["BodyText"], fontSize=9.5, leading=12)
_RULED = TableStyle([
    ("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeea")),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8b8b0")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


def qr_png(text: str, scale: int = 12) -> bytes:
    """`text` as a QR code (error correction M, the quiet zone of four modules), a black-on-white PNG."""
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _stock(orders: Orders, order: Order) -> LooseStone | None:
    number = order.version.stock_number
    if number is None:
        return None
    found = Inventory(orders.store).find(number)
    if found is None:
        raise OrderError(f"order {order.number}: its stone {number} is no longer in the inventory; its record is "
                         "needed on the sheet")
    return found.stone


def client_sheet(orders: Orders, number: str, code: str | None = None, today: dt.date | None = None) -> bytes:
    """The client's sheet of the order's current version (her piece, its stones and its total, `spec_sheet` for the
    client), priced by the table the version was quoted by (its total is the version's): what she reviews before she
    approves, and what `Orders.approve` keeps with her approval."""
    order = orders.get(number)
    return spec_sheet(loads_design(order.version.design_json), today=today, client=order.client_name,
                      stock=_stock(orders, order), audience=Audience.CLIENT, code=code,
                      table=orders.price_table(order.number))


def _done(order: Order, times: dict[str, Event]) -> dict[str, tuple[str, str]]:
    """For each stage the work has reached: when and by whom (the approval: the name she typed)."""
    reached = WORK[:WORK.index(order.stage) + 1] if order.stage in WORK else ()
    done: dict[str, tuple[str, str]] = {}
    if order.approval is not None:
        approval = order.approval
        who = approval.name + (f" (in writing, recorded by {approval.recorded_by})" if approval.recorded_by else "")
        done[APPROVED] = (f"{approval.approved_at:%Y-%m-%d %H:%M}", who)
    for key in reached[1:]:
        if key in times:
            done[key] = (f"{times[key].at:%Y-%m-%d %H:%M}", times[key].who)
    return done


def _front(order: Order, labels: dict[str, str], times: dict[str, Event], today: dt.date) -> list:
    body, h2 = _STYLES["BodyText"], _STYLES["Heading2"]
    design = loads_design(order.version.design_json)
    piece = "Ring" if design.ring is not None else "Pendant"
    title = Table([[[Paragraph(escape(order.number), _NUMBER), Spacer(1, 2 * mm),
                     Paragraph(escape(f"Job bag: {piece.lower()} in {catalogue.metal(design.metal).name}"
                                      + (f", {design.name}" if design.name else "")), h2),
                     Paragraph(f"Printed {today.isoformat()}. No prices: the store's sheet has them.", body)],
                    [Image(io.BytesIO(qr_png(order.number)), width=QR_SIZE_MM * mm, height=QR_SIZE_MM * mm),
                     Paragraph(escape(order.number), ParagraphStyle("qr", parent=body, alignment=1))]]],
                  colWidths=[140 * mm, 38 * mm], hAlign="LEFT")
    title.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    version = order.version
    approval = order.approval
    approved = (f"by {approval.name}, {approval.approved_at:%Y-%m-%d %H:%M} UTC"
                + (f" (in writing, recorded by {approval.recorded_by})" if approval.recorded_by else ""))
    rows = [["order", order.number],
            ["client", order.client_name],
            ["saved design", f"#{order.design_id}"],
            ["version", f"{version.number} (design {version.design_hash[:16]})"],
            ["approved", approved],
            ["promised", order.promised.isoformat()],
            ["stage now", labels[order.stage]]]
    if version.stock_number:
        rows.append(["our stone", version.stock_number])
    facts = Table([[cell, Paragraph(escape(text), _CELL)] for cell, text in rows], colWidths=[35 * mm, 143 * mm],
                  hAlign="LEFT")
    facts.setStyle(TableStyle([("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cfcfc8")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    notes = [Paragraph(escape(line) or "&nbsp;", _CELL) for line in order.notes.splitlines()] or \
        [Paragraph("None.", _CELL)]
    done = _done(order, times)
    checklist = [["stage", "done on", "signed", "checked"]]
    for key in WORK:
        when, who = done.get(key, ("", ""))
        checklist.append([labels[key], when, Paragraph(escape(who), _CELL), ""])
    ruled = Table(checklist, colWidths=[42 * mm, 36 * mm, 64 * mm, 36 * mm], rowHeights=[7 * mm] + [11 * mm] * len(WORK),
                  hAlign="LEFT")
    ruled.setStyle(_RULED)
    return [title, Spacer(1, 4 * mm), facts, Spacer(1, 4 * mm), Paragraph("Notes for the bench", h2), *notes,
            Spacer(1, 4 * mm), Paragraph("Stages: sign each as it is done", h2),
            Paragraph("Each stage in its turn; one skipped, or the work sent back, is recorded with its reason in the "
                      "order's history.", body), Spacer(1, 2 * mm), ruled]


def job_bag(orders: Orders, number: str, today: dt.date | None = None) -> bytes:
    """The job bag of order `number` as PDF bytes: a first page with the order number (as text and as a QR code),
    the client, the version and its approval, the promised date, the bench's notes and the stages to sign; then the
    workshop's sheet of the approved version. OrderError for an order whose current version awaits the client's
    approval, or a cancelled one."""
    order = orders.get(number)
    if order.stage == CANCELLED:
        raise OrderError(f"order {order.number}: cancelled ({order.cancelled_reason}); no job bag")
    if not (order.to_make or order.stage == COLLECTED):
        raise OrderError(f"order {order.number}: version {order.version.number} awaits the client's approval; no job "
                         "bag before it")
    today = today or dt.date.today()
    labels = orders.stage_labels()
    design = loads_design(order.version.design_json)
    story = _front(order, labels, orders.stage_times(number), today)
    story += [PageBreak(), *sheet_story(design, today=today, client=order.client_name, stock=_stock(orders, order),
                                        audience=Audience.WORKSHOP)]
    return pdf(story, f"Job bag {order.number}", f"job bag {order.number}, version {order.version.number}")
