"""Engraved bands: build times of a comfort band with 30 characters cut inside it, in each font, at preview
resolution (`python -m bench.engraving`, or within `python -m bench.run`). Prints figures, asserts nothing.

"Cold" builds read their letters afresh (the glyph outlines' and their spacing's caches emptied, as for a text just
typed in a new font); "warm" ones find them read (a text changed elsewhere in the design). Both build their band afresh.
"""

from __future__ import annotations

import statistics
import time

from configurator import fonts
from configurator.bands import build_band
from configurator.documents import parse_design
from configurator.geometry import build
from configurator.solids import PREVIEW

TEXT = "For ever and always · 12.06.26"  # 30 characters
TARGET_MS = 200.0


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
    return figures


if __name__ == "__main__":
    main()
