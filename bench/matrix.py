"""Build time of every design in the matrix at preview resolution: median and worst, first build and rebuild.

Rings: 12 shapes x 6 setting styles x 6 band profiles (channel and pavé are refused on knife-edge and concave
bands); pendants: 12 shapes x 6 styles x 5 outlines. Run with `python -m bench.matrix`. Also notes the design
with the most triangles (metal, stones and findings), which `bench.run` measures for peak memory.
"""

from __future__ import annotations

import statistics
import time

from configurator.design import DesignError, Outline, Profile, SettingStyle, Shape, parse_design
from configurator.geometry import build
from configurator.solids import PREVIEW


def designs():
    for shape in Shape:
        for style in SettingStyle:
            stone = {"shape": shape.value, "length_mm": 6.5}
            for profile in Profile:
                yield {"piece": "ring", "metal": "18k-yellow", "stone": stone, "setting": {"style": style.value},
                       "ring": {"size": {"system": "US", "value": 6.5}, "profile": profile.value, "width_mm": 3.0,
                                "thickness_mm": 1.9}}
            for outline in Outline:
                yield {"piece": "pendant", "metal": "18k-yellow", "stone": stone, "setting": {"style": style.value},
                       "pendant": {"outline": outline.value, "size_mm": 18.0}}


def triangles(model) -> int:
    """Triangles of a built model: metal, stones and findings."""
    return (len(model.metal.faces) + sum(len(part.mesh.faces) for part in model.stone_parts)
            + sum(len(mesh.faces) for mesh in model.findings.values()))


def measure() -> dict:
    first, again, refused, docs = [], [], 0, []
    largest: tuple[int, dict | None] = (0, None)
    for doc in designs():
        try:
            design = parse_design(doc)
        except DesignError:
            refused += 1
            continue
        start = time.perf_counter()
        model = build(design, PREVIEW)
        first.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        build(design, PREVIEW)
        again.append((time.perf_counter() - start) * 1000)
        docs.append(doc)
        if triangles(model) > largest[0]:
            largest = (triangles(model), doc)
    return {"first": first, "again": again, "refused": refused, "largest": largest, "docs": docs}


def main() -> dict:
    build(parse_design(next(designs())), PREVIEW)  # imports and the first stone fit
    figures = measure()
    for name in ("first", "again"):
        times = figures[name]
        slowest = max(range(len(times)), key=times.__getitem__)
        print(f"matrix build, {name:<5} ({len(times)} designs, preview res): median {statistics.median(times):6.1f} ms"
              f"   worst {max(times):6.1f} ms ({describe(figures['docs'][slowest])})")
    print(f"combinations refused by validation (shoulder rows on ridged bands): {figures['refused']}")
    count, doc = figures["largest"]
    print(f"most triangles at preview res: {count} ({describe(doc)})")
    return figures


def describe(doc: dict) -> str:
    """A matrix design in a few words: piece, band profile or outline, stone shape, setting style."""
    form = doc["ring"]["profile"] + " band" if doc["piece"] == "ring" else doc["pendant"]["outline"] + " pendant"
    return f"{form}, {doc['stone']['shape']} stone, {doc['setting']['style']} setting"


if __name__ == "__main__":
    main()
