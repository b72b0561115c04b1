"""A printable ring sizer (one A4 page, PDF): what a client at home lays her finger or her ring on to find her size.

Everything on it is drawn at its true size, so the page must be printed at 100 %; two checks on the page say whether
it was: a 50 mm line and the outline of a bank card (ISO/IEC 7810 ID-1, 85.60 x 53.98 mm). Then:

- a strip to wrap round the finger: its end meets the mark of her size, marked in the store's system with the other
  systems in rows beside it (each mark at the inner circumference its size stands for, `sizes`);
- a chart of discs, each the inner diameter of a size in the store's system, to lay a ring that fits on.

Coordinates are millimetres from the page's lower left corner; the PDF's points are millimetres x 72 / 25.4. No mark
is drawn under a transformation, so each stands where the PDF's own coordinates say (the tests read them there).

The same sizer without a printer, on a screen (the arithmetic here, the drawing in `webapp/sizer_page.py`): a screen's
scale is unknown (CSS draws "96 px to the inch" only nominally; a phone draws about 6 px to the millimetre), so the
client first makes a drawn bank card as large as her own (`screen_scale`), then lays a ring that fits on a circle she
resizes: its inner diameter in millimetres is her size (`size_across`).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .errors import ConfiguratorError
from .sizes import (
    MAX_CIRCUMFERENCE_MM,
    MIN_CIRCUMFERENCE_MM,
    UK_BASE_MM,
    UK_STEP_MM,
    RingSize,
    System,
    format_uk,
    from_circumference,
    to_circumference,
)

CARD_MM = (85.60, 53.98)  # ISO/IEC 7810 ID-1: a bank card
CARD_CORNER_MM = 3.18  # its corners' radius: ISO/IEC 7813's for bank cards, within ISO/IEC 7810's 2.88-3.48 mm
CHECK_LINE_MM = 50.0
# The sizes on the page: US 3 to US 13 and the like in each system (44.2 to 69.7 mm round the finger).
LEAST_MM, MOST_MM = to_circumference(System.US, 3), to_circumference(System.US, 13)

PAGE_MM = (A4[0] / mm, A4[1] / mm)
MARGIN_MM = 15.0
CHECK_LINE_AT = (MARGIN_MM, 236.0)  # its left end
CARD_AT = (PAGE_MM[0] - MARGIN_MM - CARD_MM[0], 196.0)  # its lower left corner
STRIP_ZERO_X = MARGIN_MM + 20.0  # the line the strip's end is wrapped to (a 20 mm tab before it to hold)
STRIP_TOP = 176.0
STRIP_ROW_MM = 9.0  # each system's row, the store's first
DISC_TOP = 112.0
DISC_CELL_MM = (26.0, 27.0)
DISC_COLUMNS = 7


@dataclass(frozen=True)
class Mark:
    """A size on the strip or the chart: its name in its system and the inner circumference it stands for."""

    label: str
    circumference_mm: float
    major: bool = True  # a whole size (a long tick, labelled); else a half (a short one)

    @property
    def diameter_mm(self) -> float:
        return self.circumference_mm / math.pi


def marks(system: System | str) -> list[Mark]:
    """The sizes of `system` within the page's range, smallest first: US by halves, UK by half letters, EU and CH by
    the millimetre and a half, JP whole."""
    system = System(system)
    low, high = from_circumference(system, LEAST_MM), from_circumference(system, MOST_MM)
    if system is System.UK:
        steps = range(math.ceil(low * 2 - 1e-9), math.floor(high * 2 + 1e-9) + 1)
        return [Mark(format_uk(step / 2), UK_BASE_MM + UK_STEP_MM * step / 2, step % 2 == 0) for step in steps]
    if system is System.JP:  # its table's sizes (a lookup, not a formula) that fall in the range
        found = []
        for value in range(1, 40):
            try:
                circumference = to_circumference(system, value)
            except ValueError:
                continue
            if LEAST_MM - 1e-6 <= circumference <= MOST_MM + 1e-6:
                found.append(Mark(str(value), circumference))
        return found
    values = [n / 2 for n in range(math.ceil(low * 2 - 1e-9), math.floor(high * 2 + 1e-9) + 1)]
    return [Mark(f"{value:g}", to_circumference(system, value), value == int(value)) for value in values]


def discs(system: System | str) -> list[Mark]:
    """The chart's discs: the whole sizes of `system` in the page's range (US and UK halves too, as they are sold),
    at most DISC_COLUMNS x 4."""
    system = System(system)
    chosen = marks(system) if system in (System.US, System.JP) else [mark for mark in marks(system) if mark.major]
    while len(chosen) > DISC_COLUMNS * 4:
        chosen = chosen[::2]
    return chosen


def strip_rows(system: System | str) -> list[System]:
    """The strip's rows from the top: the store's system, then the others."""
    system = System(system)
    return [system, *(other for other in System if other is not system)]


def row_bottom(index: int) -> float:
    return STRIP_TOP - STRIP_ROW_MM * (index + 1)


def sizer_pdf(system: System | str = System.US, store: str | None = None) -> bytes:
    """The sizer as PDF bytes, marked in `system` first; `store` names the store under the title (set as text)."""
    system = System(system)
    buffer = io.BytesIO()
    page = Canvas(buffer, pagesize=A4, pageCompression=0)
    page.setTitle("Ring sizer")

    def text(x: float, y: float, words: str, size: float = 9, bold: bool = False, centred: bool = False) -> None:
        page.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        (page.drawCentredString if centred else page.drawString)(x * mm, y * mm, words)

    def line(x1: float, y1: float, x2: float, y2: float, width: float = 0.2) -> None:
        page.setLineWidth(width * mm)
        page.line(x1 * mm, y1 * mm, x2 * mm, y2 * mm)

    top = PAGE_MM[1] - MARGIN_MM
    text(MARGIN_MM, top - 5, "Ring sizer", 18, bold=True)
    if store:
        text(MARGIN_MM, top - 11, store[:80], 10)
    text(MARGIN_MM, top - 19, "Print this page at 100 % (\"actual size\", not \"fit to page\"), then check both:", 9)
    text(MARGIN_MM, top - 24, "the line below measures 50 mm with a ruler, and a bank card covers the outline exactly.", 9)

    x, y = CHECK_LINE_AT
    line(x, y, x + CHECK_LINE_MM, y, 0.3)
    line(x, y - 2, x, y + 2)
    line(x + CHECK_LINE_MM, y - 2, x + CHECK_LINE_MM, y + 2)
    text(x + CHECK_LINE_MM / 2, y + 3, "50 mm", 8, centred=True)

    card_x, card_y = CARD_AT
    page.setLineWidth(0.3 * mm)
    page.rect(card_x * mm, card_y * mm, CARD_MM[0] * mm, CARD_MM[1] * mm)
    text(card_x + CARD_MM[0] / 2, card_y + CARD_MM[1] / 2 + 2, "A bank card covers this outline", 9, centred=True)
    text(card_x + CARD_MM[0] / 2, card_y + CARD_MM[1] / 2 - 3, "85.60 x 53.98 mm", 8, centred=True)

    rows = strip_rows(system)
    bottom = row_bottom(len(rows) - 1)
    text(MARGIN_MM, STRIP_TOP + 8, "1. The strip: cut it out, wrap it round the base of your finger, snug but able "
         "to pass the knuckle,", 9, bold=True)
    text(MARGIN_MM, STRIP_TOP + 3.5, "and read your size where the end meets the marks. Measure at the end of the "
         "day, when fingers are largest.", 9)
    end_x = STRIP_ZERO_X + MOST_MM + 4
    page.setLineWidth(0.2 * mm)
    page.rect(MARGIN_MM * mm, bottom * mm, (end_x - MARGIN_MM) * mm, (STRIP_TOP - bottom) * mm)
    line(STRIP_ZERO_X, bottom, STRIP_ZERO_X, STRIP_TOP, 0.4)
    text(STRIP_ZERO_X, STRIP_TOP + 0.8, "the end: wrap it to the marks", 6)
    for index, row_system in enumerate(rows):
        low = row_bottom(index)
        text(MARGIN_MM + 1.5, low + STRIP_ROW_MM - 3.5, row_system.value, 8 if index == 0 else 7, bold=index == 0)
        for mark in marks(row_system):
            at = STRIP_ZERO_X + mark.circumference_mm
            reach = STRIP_ROW_MM * (0.45 if mark.major else 0.25)
            line(at, low + STRIP_ROW_MM - reach, at, low + STRIP_ROW_MM, 0.15)
            if _labelled(row_system, mark):
                _vertical_label(page, at, low + STRIP_ROW_MM - reach - 0.6, mark.label, 4.2 if index else 4.8)

    text(MARGIN_MM, DISC_TOP + 8, f"2. Or lay a ring that fits on the discs: the one that fills it to its inner edge is "
         f"your size ({system.value}).", 9, bold=True)
    text(MARGIN_MM, DISC_TOP + 3.5, "Between two, take the larger. Bands wider than 6 mm are best a quarter to a half "
         "size larger.", 9)
    for index, mark in enumerate(discs(system)):
        column, row = index % DISC_COLUMNS, index // DISC_COLUMNS
        centre_x = MARGIN_MM + DISC_CELL_MM[0] * (column + 0.5)
        centre_y = DISC_TOP - DISC_CELL_MM[1] * row - DISC_CELL_MM[1] / 2 + 1.5
        page.setLineWidth(0.2 * mm)
        page.circle(centre_x * mm, centre_y * mm, mark.diameter_mm / 2 * mm)
        text(centre_x, centre_y - 0.9, mark.label, 8, bold=True, centred=True)
        text(centre_x, centre_y - DISC_CELL_MM[1] / 2 + 0.6, f"{mark.diameter_mm:.1f} mm", 6, centred=True)

    page.showPage()
    page.save()
    return buffer.getvalue()


def _labelled(system: System, mark: Mark) -> bool:
    """Whether the strip names `mark`: whole sizes, every second one where they stand closer than a label is tall
    (EU and CH millimetres, JP sizes)."""
    if not mark.major:
        return False
    if system in (System.EU, System.CH, System.JP):
        return int(float(mark.label)) % 2 == 0
    return True


def _vertical_label(page: Canvas, x: float, y: float, label: str, size: float) -> None:
    """`label` read upwards, its end at (x, y) mm: a mark's name under its tick."""
    page.saveState()
    page.translate(x * mm, y * mm)
    page.rotate(90)
    page.setFont("Helvetica", size)
    page.drawRightString(0, -size * 0.35, label)
    page.restoreState()


# ---------------------------------------------------------------- on a screen

CSS_PX_PER_MM = 96 / 25.4  # 3.7795: CSS's reference pixel (96 to the inch), the scale assumed until she calibrates
# The scales a screen may have, in CSS px to the millimetre, from screens' published sizes and resolutions: a 40-inch
# full-HD monitor about 2.2, desktop monitors 3 to 4.5, an iPad about 5.2, phones 5.5 to 6.5 (an iPhone 14: 390 px across
# 64.6 mm, 6.04), more when zoomed out. A card matched outside these was not matched.
SCREEN_PX_PER_MM = (2.0, 9.0)
# The inner diameters a ring can have (US 0 to US 16, as `sizes` allows), mm.
MIN_DIAMETER_MM, MAX_DIAMETER_MM = MIN_CIRCUMFERENCE_MM / math.pi, MAX_CIRCUMFERENCE_MM / math.pi


def screen_scale(card_px: float, card_side_mm: float = CARD_MM[1]) -> float:
    """The screen's scale in CSS px per mm, from a drawn bank card that covers a real one exactly.

    Args:
        card_px: the drawn card's side in CSS px, as the browser lays it out.
        card_side_mm: the real card's side that `card_px` measures, mm; by default its short side (53.98 mm), the one
            across a phone's screen when the card stands upright.

    Raises:
        ConfiguratorError: a card drawn so small or so large that no screen has that scale (SCREEN_PX_PER_MM).
    """
    if not _positive(card_px):
        raise ConfiguratorError(f"the drawn card must be some pixels wide, not {card_px!r}")
    scale = card_px / card_side_mm
    low, high = SCREEN_PX_PER_MM
    if not low <= scale <= high:
        raise ConfiguratorError(
            f"a card drawn {card_px:g} px across its {card_side_mm:g} mm would make this screen {scale:.3f} px to the "
            f"millimetre, outside the {low:g} to {high:g} that screens show: make the drawn card as large as your own "
            f"card ({math.ceil(low * card_side_mm)} to {math.floor(high * card_side_mm)} px)"
        )
    return scale


def drawn_px(length_mm: float, scale: float) -> float:
    """A length in mm as CSS px on a screen of `scale` px per mm (`screen_scale`)."""
    return length_mm * _checked_scale(scale)


def drawn_mm(length_px: float, scale: float) -> float:
    """A length drawn `length_px` CSS px long, in mm, on a screen of `scale` px per mm (`screen_scale`).

    Raises:
        ConfiguratorError: a length that is not above zero, or a scale that no screen has.
    """
    if not _positive(length_px):
        raise ConfiguratorError(f"a drawn length must be some pixels long, not {length_px!r}")
    return length_px / _checked_scale(scale)


def size_across(diameter_mm: float) -> RingSize:
    """The ring size whose inner diameter is `diameter_mm`: a circle that a ring that fits just covers.

    Raises:
        ConfiguratorError: a diameter outside every ring size (US 0 to US 16), worded with the way back.
    """
    if not _positive(diameter_mm):
        raise ConfiguratorError(f"a ring's inner diameter must be some millimetres, not {diameter_mm!r}")
    if not MIN_DIAMETER_MM - 1e-9 <= diameter_mm <= MAX_DIAMETER_MM + 1e-9:
        larger = diameter_mm > MAX_DIAMETER_MM
        raise ConfiguratorError(
            f"a circle {diameter_mm:.2f} mm across is {'larger' if larger else 'smaller'} than any ring (US 0 to US 16 "
            f"are {MIN_DIAMETER_MM:.2f} to {MAX_DIAMETER_MM:.2f} mm across): make it {'smaller' if larger else 'larger'}"
        )
    return RingSize(diameter_mm * math.pi)


def size_on_screen(circle_px: float, scale: float) -> RingSize:
    """The ring size of a circle drawn `circle_px` CSS px across (its inner edge) on a screen of `scale` px per mm."""
    return size_across(drawn_mm(circle_px, scale))


def _checked_scale(scale: float) -> float:
    low, high = SCREEN_PX_PER_MM
    if not _positive(scale) or not low <= scale <= high:
        raise ConfiguratorError(f"a screen shows {low:g} to {high:g} px to the millimetre, not {scale!r}: match the "
                                "drawn card to your own card first")
    return scale


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0
