"""The Find my size page: a printable sizer to download, and a size from a measurement typed in millimetres, which
goes into the design in one tap. Advice where it changes the answer: a wide band, an eternity band, warm days and the
end of the day, a large knuckle."""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd
import streamlit as st

from configurator import sizes
from configurator.sizer import sizer_pdf
from webapp.session import control_changed, session_design
from webapp.ui import number_field, say

WIDE_BAND_MM = 6.0  # wider than this, a band sits tighter: a quarter to a half size up
ADVICE = (
    "Measure at the end of the day, when your fingers are warm: they are smaller in the cold and in the morning.",
    "A snug fit slides over the knuckle with a little push; if your knuckle is large, choose the size that passes it.",
    f"A band wider than about {WIDE_BAND_MM:g} mm sits tighter: take a quarter to a half size larger.",
    "An eternity band, stones all round, cannot be resized later: measure twice.",
)


def sizer_page() -> None:
    st.title("Find my size")
    doc, ui = session_design()
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
        circumference = measured if round_finger else measured * math.pi
        found = sizes.RingSize(circumference)
        st.dataframe(pd.DataFrame([{**found.all_systems(), "round the finger": f"{circumference:.1f} mm",
                                    "across": f"{found.inner_diameter_mm:.1f} mm"}]), hide_index=True)
        label = found.in_system(system)
        if doc["piece"] == "ring":
            st.button(f"Use {system} {label} for my ring", key="sizer_use", type="primary",
                      on_click=control_changed, args=(f"size_value_{system}", label))
    for line in _advice(doc):
        say("info", line)


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
