"""Engraved bands: build times of a comfort band with 30 characters cut inside it, in each font, at preview
resolution (`python -m bench.engraving`, or within `python -m bench.run`). Prints figures, asserts nothing.

"Cold" builds read their letters afresh (the glyph outlines' and their spacing's caches emptied, as for a text just
typed in a new font); "warm" ones find them read (a text changed elsewhere in the design). Both build their band afresh.
Then how fine the letters come out (`engraving.measure`: the thinnest stroke and narrowest gap, mm) of two typical
texts in each font at 1.5, 2.0, 2.5 and 3.0 mm, the least height that casts, and the milliseconds per measurement
(cold: every measuring cache emptied; at a new height: the letters' own measures kept).
"""

from __future__ import annotations

import statistics
import time

from configurator import engraving, fonts
from configurator.bands import build_band
from configurator.design import Font
from configurator.documents import parse_design
from configurator.geometry import build
from configurator.solids import PREVIEW

TEXT = "For ever and always · 12.06.26"  # 30 characters
TARGET_MS = 200.0
MEASURED = ("FOREVER 12.06.2026", "Forever yours · 2026")
HEIGHTS_MM = (1.5, 2.0, 2.5, 3.0)
_MEASURES = (engraving._ink, engraving._ink_taken, engraving._between, engraving._between_taken, engraving.measure)


def design(font: str | None):
    """A US 7 comfort band, 4 mm wide, with the text cut inside in `font` (None: plain)."""
    doc = {"piece": "ring", "metal": "18k-yellow",
           "ring": {"size": {"system": "US", "value": 7}, "profile": "comfort", "width_mm": 4.0, "thickness_mm": 1.8}}
    if font is not None:
        doc["engraving"] = {"text": TEXT, "font": font, "height_mm": 1.5}
    return parse_design(doc)


def _times(action, runs: int, cold: bool) -> list[float]:
    action()
    times = []
    for _ in range(runs):
        build_band.cache_clear()
        if cold:
            for cache in (fonts.glyph, fonts.line, fonts.profile, fonts.clear_of):
                cache.cache_clear()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(runs: int = 9) -> dict[str, float]:
    """Median and worst build times (ms) of the 30-character band in each font, cold and warm; the worst median."""
    assert len(TEXT) == 30
    figures = {}
    for font in ("serif", "sans", "script"):
        engraved = design(font)
        for cold in (True, False):
            times = _times(lambda engraved=engraved: build(engraved, PREVIEW), runs, cold)
            name = f"engraved band, 30 characters, {font} ({'cold' if cold else 'warm'})"
            print(f"{name:<46} median {statistics.median(times):7.2f} ms   worst {max(times):7.2f} ms   (n={runs})")
            figures[name] = statistics.median(times)
    plain = design(None)
    times = _times(lambda: build(plain, PREVIEW), runs, False)
    print(f"{'the same band, plain':<46} median {statistics.median(times):7.2f} ms   worst {max(times):7.2f} ms   "
          f"(n={runs})")
    worst = max(figures.values())
    label = f"engraved band median < {TARGET_MS:g} ms (slowest font)"
    print(f"{label:<52} {worst:9.1f} ms   {'met' if worst < TARGET_MS else 'MISSED'}")
    figures |= fineness()
    return figures


def fineness() -> dict[str, float]:
    """Stroke and gap (mm) of each typical text in each font at each height, the least height that casts, and the
    milliseconds a measurement takes."""
    figures = {}
    for text in MEASURED:
        for font in Font:
            cells = []
            for height in HEIGHTS_MM:
                for cache in _MEASURES:
                    cache.cache_clear()
                start = time.perf_counter()
                fine = engraving.measure(text, font, height)
                cold = (time.perf_counter() - start) * 1000
                engraving.measure.cache_clear()
                start = time.perf_counter()
                engraving.measure(text, font, height + 0.05)
                again = (time.perf_counter() - start) * 1000
                cells.append(f"{fine.stroke_mm:.2f}/{fine.gap_mm:.2f}")
                figures[f"measure {text!r} {font.value} {height:g} mm (cold)"] = cold
                figures[f"measure {text!r} {font.value} {height:g} mm (new height)"] = again
            least = engraving.least_height_mm(text, font)
            print(f"{text:<22} {font.value:<7} stroke/gap at {'/'.join(f'{h:g}' for h in HEIGHTS_MM)} mm: "
                  f"{'  '.join(cells)}   casts from {least if least else 'no height'} mm   "
                  f"cold {cold:5.1f} ms, new height {again:5.1f} ms")
    return figures


if __name__ == "__main__":
    main()
