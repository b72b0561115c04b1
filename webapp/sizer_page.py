"""The Find my size page: a printable sizer to download, a size from a measurement typed in millimetres, and a sizer on
the screen itself (a drawn bank card matched to her own card calibrates the screen, then a circle resized under a ring
that fits gives its inner diameter); the size found goes into the design in one tap. Advice where it changes the
answer: a wide band, an eternity band, warm days and the end of the day, a large knuckle.

The screen's calibration (CSS px per mm) is kept in the session (`screen_px_per_mm`, `screen_calibrated`), so it is
done once a visit; the drawings are inline SVG at exact CSS pixel sizes (`card_html`, `circle_html`), the arithmetic is
the library's (`configurator.sizer`)."""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd
import streamlit as st

from configurator import sizes
from configurator.errors import ConfiguratorError
from configurator.sizer import (
    CARD_CORNER_MM,
    CARD_MM,
    CSS_PX_PER_MM,
    MAX_DIAMETER_MM,
    MIN_DIAMETER_MM,
    SCREEN_PX_PER_MM,
    drawn_px,
    screen_scale,
    size_across,
    sizer_pdf,
)
from webapp.session import control_changed, session_design
from webapp.text import html_text
from webapp.ui import guarded, number_field, say

WIDE_BAND_MM = 6.0  # wider than this, a band sits tighter: a quarter to a half size up
ADVICE = (
    "Measure at the end of the day, when your fingers are warm: they are smaller in the cold and in the morning.",
    ("A snug fit slides over the knuckle with a little push. If your knuckle is large, measure it and the base of "
     "the finger, and choose a size between the two that still passes the knuckle."),
    f"A band wider than about {WIDE_BAND_MM:g} mm sits tighter: take a quarter to a half size larger.",
    "An eternity band, stones all round, cannot be resized later: measure twice.",
)

# The on-screen sizer's controls: the drawn card's short side in CSS px, the circle's inner diameter in mm.
CARD_STEP_PX = 0.5
CARD_PX_RANGE = (math.ceil(SCREEN_PX_PER_MM[0] * CARD_MM[1] * 2) / 2, math.floor(SCREEN_PX_PER_MM[1] * CARD_MM[1] * 2) / 2)
CIRCLE_STEP_MM = 0.05
CIRCLE_BUTTON_MM = 0.1  # a tap of Smaller or Larger: half a US quarter size across
CIRCLE_MM_RANGE = (math.ceil(MIN_DIAMETER_MM / CIRCLE_STEP_MM) * CIRCLE_STEP_MM,
                   math.floor(MAX_DIAMETER_MM / CIRCLE_STEP_MM) * CIRCLE_STEP_MM)
CIRCLE_START_MM = 17.3  # US 7 (17.32 mm across), the commonest size asked for
INK, PAPER = "#1d4a7a", "#f3efe6"


def sizer_page() -> None:
    st.title("Find my size")
    doc, ui = session_design()
    for kind, shown in (("problem", "error"), ("caution", "warning")):  # a link that did not open, a refusal
        if st.session_state.get(kind):
            say(shown, st.session_state.pop(kind))
    system = ui.get("size_system") or "US"
    st.subheader("Print a sizer")
    chosen = st.selectbox("Sizes marked in", [member.value for member in sizes.System], key="sizer_system",
                          index=[member.value for member in sizes.System].index(system))
    st.download_button("Download the printable sizer (PDF)", _sizer(chosen), file_name=f"ring-sizer-{chosen}.pdf",
                       mime="application/pdf", key="sizer_pdf",
                       help="Print it at 100 %; the page's 50 mm line and bank-card outline tell you it printed true")
    st.subheader("Measured already?")
    way = st.radio("What you measured", ["Round the finger", "Across the inside of a ring"], key="sizer_way",
                   horizontal=True)
    round_finger = way == "Round the finger"
    low, high = sizes.MIN_CIRCUMFERENCE_MM, sizes.MAX_CIRCUMFERENCE_MM
    if not round_finger:
        low, high = low / math.pi, high / math.pi
    measured = number_field("Millimetres round the finger" if round_finger else "Inner diameter in millimetres",
                            "sizer_mm", round(low, 1) + 0.1, round(high, 1) - 0.1, None, unit="mm", optional=True)
    if measured is not None:
        _found(doc, system, sizes.RingSize(measured if round_finger else measured * math.pi), "sizer_use")
    _on_screen(doc, system)
    for line in _advice(doc):
        say("info", line)


def _found(doc: dict, system: str, found: sizes.RingSize, use_key: str) -> None:
    """A size found: the table of it in every system, and the button that puts it into the ring (`use_key`)."""
    st.dataframe(pd.DataFrame([{**found.all_systems(), "round the finger": f"{found.circumference_mm:.1f} mm",
                                "across": f"{found.inner_diameter_mm:.2f} mm"}]), hide_index=True)
    label = found.in_system(system)
    if doc["piece"] != "ring":
        return
    if label == "-":
        say("warning", f"This size is outside the {system} table; choose another system on the Design page to use it.")
        return
    st.button(f"Use {system} {label} for my ring", key=use_key, type="primary",
              on_click=control_changed, args=(f"size_value_{system}", label))


# ---------------------------------------------------------------- on this screen


def _on_screen(doc: dict, system: str) -> None:
    """The sizer drawn on the screen: 1. the card to match (calibrates), 2. the circle to resize under her ring."""
    st.subheader("On this screen")
    scale = st.session_state.setdefault("screen_px_per_mm", CSS_PX_PER_MM)
    calibrated = st.session_state.setdefault("screen_calibrated", False)
    st.markdown("**1. Match the card.** Lay the screen flat and put a bank card (or any card of that size: a driving "
                "licence, a loyalty card) on the drawing, upright, its top left corner on the drawn one. Make the "
                "drawn card larger or smaller until its outline just hides under your card's edges, bottom edge first.")
    st.session_state.sizer_card = round(scale * CARD_MM[1], 3)
    st.slider("Drawn card's width", *CARD_PX_RANGE, step=CARD_STEP_PX, format="%.1f px", key="sizer_card",
              on_change=guarded(_card_moved))
    with st.container(horizontal=True, key="sizer_card_steps"):
        st.button("Smaller", key="sizer_card_less", icon=":material/remove:", on_click=guarded(_card_step),
                  args=(-CARD_STEP_PX,), help=f"The drawn card {CARD_STEP_PX:g} px narrower")
        st.button("Larger", key="sizer_card_more", icon=":material/add:", on_click=guarded(_card_step),
                  args=(CARD_STEP_PX,), help=f"The drawn card {CARD_STEP_PX:g} px wider")
        if not calibrated:
            st.button("It matches as drawn", key="sizer_card_fits", on_click=guarded(_card_fits))
    st.html(card_html(scale))  # right under its controls: on a phone both are in sight as she matches it
    if calibrated:
        say("success", f"Calibrated with your card: this screen shows {scale:.2f} px to the millimetre (kept while "
                       "you are here).")
    else:
        say("warning", f"Not calibrated yet: the drawings assume {CSS_PX_PER_MM * 25.4:.0f} px to the inch "
                       f"({CSS_PX_PER_MM:.2f} px to the millimetre), which few screens show. Match the card first.")

    st.markdown("**2. Lay a ring that fits you on the circle.** Centre it on the cross and make the circle larger or "
                "smaller until the shaded disc just fills the inside of the ring, up to the metal all round.")
    diameter = st.session_state.setdefault("screen_circle_mm", CIRCLE_START_MM)
    st.session_state.sizer_circle = diameter
    st.slider("Circle's inner diameter", *CIRCLE_MM_RANGE, step=CIRCLE_STEP_MM, format="%.2f mm", key="sizer_circle",
              on_change=guarded(_circle_moved))
    with st.container(horizontal=True, key="sizer_circle_steps"):
        st.button("Smaller", key="sizer_circle_less", icon=":material/remove:", on_click=guarded(_circle_step),
                  args=(-CIRCLE_BUTTON_MM,), help=f"The circle {CIRCLE_BUTTON_MM:g} mm smaller across")
        st.button("Larger", key="sizer_circle_more", icon=":material/add:", on_click=guarded(_circle_step),
                  args=(CIRCLE_BUTTON_MM,), help=f"The circle {CIRCLE_BUTTON_MM:g} mm larger across")
    st.html(circle_html(drawn_px(diameter, scale)))
    if calibrated:
        _found(doc, system, size_across(diameter), "sizer_screen_use")
    else:
        st.caption("Your size shows here once the card is matched.")


def _card_moved() -> None:
    _calibrate(st.session_state.sizer_card)


def _card_step(step_px: float) -> None:
    card_px = st.session_state.screen_px_per_mm * CARD_MM[1] + step_px
    _calibrate(min(max(round(card_px / CARD_STEP_PX) * CARD_STEP_PX, CARD_PX_RANGE[0]), CARD_PX_RANGE[1]))


def _card_fits() -> None:
    st.session_state.screen_calibrated = True


def _calibrate(card_px: float) -> None:
    try:
        st.session_state.screen_px_per_mm = screen_scale(card_px)
        st.session_state.screen_calibrated = True
    except ConfiguratorError as exc:  # the slider's range keeps to screens' scales: a refusal is worded all the same
        st.session_state.problem = str(exc)


def _circle_moved() -> None:
    st.session_state.screen_circle_mm = st.session_state.sizer_circle


def _circle_step(step_mm: float) -> None:
    diameter = round((st.session_state.screen_circle_mm + step_mm) / CIRCLE_STEP_MM) * CIRCLE_STEP_MM
    st.session_state.screen_circle_mm = round(min(max(diameter, CIRCLE_MM_RANGE[0]), CIRCLE_MM_RANGE[1]), 2)


def card_html(scale: float) -> str:
    """A bank card standing upright (its short side across, so that it fits a phone's width) on a screen of `scale`
    CSS px per mm: the box is the card's outline exactly, its corners rounded as ISO/IEC 7810's. A screen narrower than
    the card clips it on the right (the page never scrolls sideways). Drawn with boxes, not SVG: `st.html` keeps only
    HTML (its sanitiser's HTML profile drops every SVG element)."""
    width, height = drawn_px(CARD_MM[1], scale), drawn_px(CARD_MM[0], scale)
    label = html_text(f"A bank card, {CARD_MM[1]:.2f} by {CARD_MM[0]:.2f} mm, drawn upright")
    return (f'<div style="max-width:100%;overflow:hidden">'
            f'<div class="cfg-sizer-card" role="img" aria-label="{label}" style="box-sizing:border-box;'
            f'width:{width:.3f}px;height:{height:.3f}px;border:2px solid {INK};border-radius:{CARD_CORNER_MM * scale:.3f}px;'
            f'background:{PAPER};color:{INK};display:flex;flex-direction:column;justify-content:center;'
            f'text-align:center;font-size:14px;line-height:1.4;overflow:hidden">'
            f'{html_text("Your card here,")}<br>{html_text("upright")}</div></div>')


def circle_html(diameter_px: float) -> str:
    """A shaded disc `diameter_px` CSS px across (a ring's inside; the box is the disc exactly), its edge drawn just
    outside it, and a cross over it to centre the ring on."""
    margin = 16.0
    size = diameter_px + 2 * margin
    middle = size / 2
    line = f"position:absolute;background:{INK};opacity:0.6"
    label = html_text("A circle to lay the ring on")
    return (f'<div style="max-width:100%;overflow:hidden">'
            f'<div role="img" aria-label="{label}" style="position:relative;width:{size:.3f}px;height:{size:.3f}px;'
            f'margin:0 auto">'
            f'<div class="cfg-sizer-disc" style="position:absolute;box-sizing:border-box;left:{margin:.3f}px;'
            f'top:{margin:.3f}px;width:{diameter_px:.3f}px;height:{diameter_px:.3f}px;border-radius:50%;'
            f'background:{PAPER};box-shadow:0 0 0 2px {INK}"></div>'
            f'<div style="{line};left:0;width:100%;top:{middle - 0.5:.3f}px;height:1px"></div>'
            f'<div style="{line};top:0;height:100%;left:{middle - 0.5:.3f}px;width:1px"></div>'
            f'</div></div>')


@lru_cache(maxsize=len(sizes.System))
def _sizer(system: str) -> bytes:
    """The sizer's PDF in `system`, made once a process (the same for every visitor)."""
    return sizer_pdf(system)


def _advice(doc: dict) -> list[str]:
    """The advice, what bears on this design first (its band's width, an eternity row)."""
    ring = doc.get("ring") or {}
    wide = float(ring.get("width_mm") or 0) > WIDE_BAND_MM
    first = [ADVICE[2]] if wide else []
    first += [ADVICE[3]] if ring.get("eternity") else []
    return first + [line for line in ADVICE if line not in first]
