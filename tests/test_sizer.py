"""The printable ring sizer, judged from the PDF's own coordinates: the 50 mm line, the bank card's outline, every
mark of the strip at the circumference its size stands for, and every disc at its inner diameter, each within
0.1 mm; and the command line that writes it. On a screen: the scale a bank card drawn to match a real one gives, a
circle's drawn pixels to millimetres and to the size in every system, and the drawings no screen can show, refused in
words."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from configurator import sizes
from configurator.errors import ConfiguratorError
from configurator.sizer import (
    CARD_AT,
    CARD_MM,
    CHECK_LINE_AT,
    CSS_PX_PER_MM,
    MAX_DIAMETER_MM,
    MIN_DIAMETER_MM,
    STRIP_ROW_MM,
    STRIP_ZERO_X,
    discs,
    drawn_mm,
    drawn_px,
    marks,
    row_bottom,
    screen_scale,
    size_across,
    size_on_screen,
    sizer_pdf,
    strip_rows,
)

from .conftest import ROOT

MM = 72 / 25.4  # PDF points in a millimetre
WITHIN_MM = 0.1
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"}


def drawn(pdf: bytes) -> tuple[list, list, list]:
    """The page's straight segments, rectangles and closed curves as drawn, in mm: ((x1, y1, x2, y2), ...),
    ((x, y, w, h), ...), and each curved path's endpoints. Only paths drawn with no transformation in force count (the
    sizer draws its marks so); rotated labels are text."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    segments, rectangles, curves = [], [], []
    depth, transformed_at = 0, []
    here, path = None, []
    for operands, operator in page.get_contents().operations:
        op = operator.decode() if isinstance(operator, bytes) else operator
        values = [float(value) / MM for value in operands] if op in ("m", "l", "re", "c") else []
        if op == "q":
            depth += 1
        elif op == "Q":
            depth -= 1
            transformed_at = [level for level in transformed_at if level <= depth]
        elif op == "cm" and [float(value) for value in operands] != [1, 0, 0, 1, 0, 0]:
            transformed_at.append(depth)
        elif op == "m":
            here, path = tuple(values), [tuple(values)]
        elif op == "l" and not transformed_at:
            segments.append((*here, *values))
            here = tuple(values)
        elif op == "re" and not transformed_at:
            rectangles.append(tuple(values))
        elif op == "c" and not transformed_at:
            path.append(tuple(values[4:]))
        elif op in PAINT:
            if len(path) > 2:
                curves.append(path)
            path = []
    return segments, rectangles, curves


@pytest.fixture(scope="module")
def us_sheet():
    return drawn(sizer_pdf("US"))


def test_the_check_line_is_50_mm(us_sheet):
    segments, _, _ = us_sheet
    x, y = CHECK_LINE_AT
    lines = [s for s in segments if abs(s[1] - y) < 1e-3 and abs(s[3] - y) < 1e-3 and abs(s[0] - x) < 1e-3]
    assert len(lines) == 1
    assert abs(abs(lines[0][2] - lines[0][0]) - 50.0) < WITHIN_MM


def test_the_card_outline_is_a_bank_cards(us_sheet):
    _, rectangles, _ = us_sheet
    cards = [r for r in rectangles if abs(r[0] - CARD_AT[0]) < 1e-3 and abs(r[1] - CARD_AT[1]) < 1e-3]
    assert len(cards) == 1
    assert abs(cards[0][2] - 85.60) < WITHIN_MM and abs(cards[0][3] - 53.98) < WITHIN_MM
    assert CARD_MM == (85.60, 53.98)


@pytest.mark.parametrize("system", [system.value for system in sizes.System])
def test_each_mark_stands_at_the_circumference_of_its_size(system):
    segments, _, _ = drawn(sizer_pdf(system))
    zero = [s for s in segments if abs(s[0] - STRIP_ZERO_X) < 1e-3 and abs(s[2] - STRIP_ZERO_X) < 1e-3]
    assert zero, "no line to wrap the strip's end to"
    rows = strip_rows(system)
    assert rows[0].value == system and len(rows) == 5
    for index, row_system in enumerate(rows):
        low, high = row_bottom(index), row_bottom(index) + STRIP_ROW_MM
        ticks = sorted(s[0] - STRIP_ZERO_X for s in segments
                       if abs(s[0] - s[2]) < 1e-6 and low - 1e-3 <= min(s[1], s[3]) and max(s[1], s[3]) <= high + 1e-3
                       and s[0] > STRIP_ZERO_X + 1)
        named = marks(row_system)
        # each size as the size table converts it (not the sizer's own figure), against the tick the PDF draws
        expected = sorted(sizes.to_circumference(row_system, mark.label if row_system is sizes.System.UK
                                                 else float(mark.label)) for mark in named)
        assert len(ticks) == len(expected) > 15, row_system
        assert max(abs(a - b) for a, b in zip(ticks, expected, strict=True)) < WITHIN_MM, row_system
        assert expected[0] >= sizes.to_circumference("US", 3) - 1e-6
        assert expected[-1] <= sizes.to_circumference("US", 13) + 1e-6


def test_us_7_is_54_41_mm_round_and_its_disc_17_32_mm_across(us_sheet):
    segments, _, curves = us_sheet
    assert any(abs(s[0] - STRIP_ZERO_X - 54.41) < 0.01 and abs(s[0] - s[2]) < 1e-6 for s in segments)
    widths = [max(p[0] for p in path) - min(p[0] for p in path) for path in curves]
    assert any(abs(width - 54.41 / math.pi) < 0.01 for width in widths)


@pytest.mark.parametrize("system", ["US", "UK", "EU"])
def test_each_disc_is_the_inner_diameter_of_its_size(system):
    _, _, curves = drawn(sizer_pdf(system))
    across = sorted((max(p[0] for p in path) - min(p[0] for p in path),
                     max(p[1] for p in path) - min(p[1] for p in path)) for path in curves)
    expected = sorted(sizes.to_circumference(system, mark.label if system == "UK" else float(mark.label)) / math.pi
                      for mark in discs(system))
    assert len(across) == len(expected) >= 14
    for (width, height), diameter in zip(across, expected, strict=True):
        assert abs(width - diameter) < WITHIN_MM and abs(height - diameter) < WITHIN_MM


def test_the_command_line_writes_the_sizer_and_refuses_in_one_line(tmp_path):
    out = tmp_path / "sizer.pdf"
    result = subprocess.run([sys.executable, "-m", "configurator", "sizer", "-o", str(out), "--system", "UK",
                             "--store", "Atelier <b>Anna</b>"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    text = PdfReader(out).pages[0].extract_text()
    assert "Ring sizer" in text and "Atelier <b>Anna</b>" in text and "85.60 x 53.98 mm" in text
    for argv, words in ((["-o", str(tmp_path / "sizer.txt")], "must name a .pdf file"),
                        (["-o", str(out), "--system", "XX"], "invalid choice: 'XX'"),
                        (["-o", str(tmp_path / "missing" / "sizer.pdf")], "folder does not exist")):
        before = out.read_bytes()
        result = subprocess.run([sys.executable, "-m", "configurator", "sizer", *argv], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
        assert out.read_bytes() == before


# ---------------------------------------------------------------- on a screen


def test_a_card_drawn_204_px_across_makes_the_screen_3_779_px_to_the_mm():
    assert screen_scale(204) == pytest.approx(204 / 53.98) == pytest.approx(3.779, abs=5e-4)
    assert screen_scale(53.98 * 96 / 25.4) == pytest.approx(CSS_PX_PER_MM) == pytest.approx(3.7795, abs=1e-4)
    phone = screen_scale(330)  # a phone's: about 6 px to the mm
    assert phone == pytest.approx(6.1134, abs=1e-4)
    assert screen_scale(330 * 85.60 / 53.98, CARD_MM[0]) == pytest.approx(phone)  # the long side gives the same


def test_a_65_5_px_circle_on_that_screen_is_17_33_mm_across_and_us_7():
    scale = screen_scale(204)
    assert drawn_mm(65.5, scale) == pytest.approx(17.33, abs=0.005)
    found = size_on_screen(65.5, scale)
    assert found.circumference_mm == pytest.approx(65.5 / scale * math.pi, abs=1e-9)
    assert found.all_systems() == {"US": "7", "UK": "N 1/2", "EU": "54.4", "JP": "14", "CH": "14.4"}


@pytest.mark.parametrize("scale", [2.0, CSS_PX_PER_MM, 6.04, 9.0])
def test_a_length_drawn_and_read_back_is_the_same_length(scale):
    assert drawn_mm(drawn_px(17.32, scale), scale) == pytest.approx(17.32, abs=1e-12)
    assert drawn_px(10.0, scale) == pytest.approx(10.0 * scale, abs=1e-12)


def test_a_circle_gives_the_size_whose_inner_diameter_it_is():
    assert size_across(17.8).all_systems() == {"US": "7.5", "UK": "O 1/2", "EU": "55.9", "JP": "15", "CH": "15.9"}
    assert size_across(sizes.RingSize.of("US", 7).inner_diameter_mm).in_system("US") == "7"
    assert size_across(MIN_DIAMETER_MM).in_system("US") == "0" and size_across(MAX_DIAMETER_MM).in_system("US") == "16"


@pytest.mark.parametrize(("call", "words"), [
    (lambda: screen_scale(0), "the drawn card must be some pixels wide, not 0"),
    (lambda: screen_scale(-204), "must be some pixels wide"),
    (lambda: screen_scale(float("nan")), "must be some pixels wide, not nan"),
    (lambda: screen_scale(float("inf")), "must be some pixels wide"),
    (lambda: screen_scale("204"), "must be some pixels wide, not '204'"),
    (lambda: screen_scale(100), "1.853 px to the millimetre, outside the 2 to 9 that screens show: make the drawn card "
                                "as large as your own card (108 to 485 px)"),
    (lambda: screen_scale(500), "9.263 px to the millimetre"),
    (lambda: drawn_mm(65.5, 1.0), "a screen shows 2 to 9 px to the millimetre, not 1.0: match the drawn card"),
    (lambda: drawn_mm(0, CSS_PX_PER_MM), "a drawn length must be some pixels long"),
    (lambda: drawn_px(17.3, float("nan")), "a screen shows 2 to 9 px to the millimetre, not nan"),
    (lambda: size_across(11.5), "a circle 11.50 mm across is smaller than any ring (US 0 to US 16 are 11.63 to 24.63 mm "
                                "across): make it larger"),
    (lambda: size_across(25), "is larger than any ring (US 0 to US 16 are 11.63 to 24.63 mm across): make it smaller"),
    (lambda: size_on_screen(200, CSS_PX_PER_MM), "a circle 52.92 mm across is larger than any ring"),
])
def test_impossible_drawings_are_refused_in_words(call, words):
    with pytest.raises(ConfiguratorError, match=re.escape(words)):
        call()
