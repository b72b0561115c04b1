"""Build time of every design in the matrix at preview resolution: median and worst, first build and rebuild, in all
and by family.

The matrix is `configurator.families`: solitaires (12 shapes x 6 setting styles x 6 band profiles; channel and pavé
are refused on knife-edge and concave bands), pendants (12 shapes x 6 styles x 5 outlines x 2 bails), three-stone
rings, graduated side-stone rows and eternity bands across US 3-13. Run with `python -m bench.matrix`. Also notes the
design with the most triangles (metal, stones and fittings), which `bench.run` measures for peak memory.
"""

from __future__ import annotations

import statistics
import time

from configurator.design import DesignError
from configurator.documents import parse_design
from configurator.families import every_design
from configurator.geometry import build
from configurator.solids import PREVIEW


def designs():
    for _, doc in every_design():
        yield doc


def triangles(model) -> int:
    """Triangles of a built model: metal, stones and fittings."""
    return (len(model.metal.faces) + sum(len(part.mesh.faces) for part in model.stone_parts)
            + sum(len(mesh.faces) for mesh in model.fittings.values()))


def measure() -> dict:
    first, again, refused, docs, kinds = [], [], 0, [], []
    largest: tuple[int, dict | None] = (0, None)
    for family, doc in every_design():
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
        kinds.append(family)
        if triangles(model) > largest[0]:
            largest = (triangles(model), doc)
    return {"first": first, "again": again, "refused": refused, "largest": largest, "docs": docs, "families": kinds}


def main() -> dict:
    build(parse_design(next(designs())), PREVIEW)  # imports and the first stone fit
    figures = measure()
    for name in ("first", "again"):
        times = figures[name]
        slowest = max(range(len(times)), key=times.__getitem__)
        print(f"matrix build, {name:<5} ({len(times)} designs, preview res): median {statistics.median(times):6.1f} ms"
              f"   worst {max(times):6.1f} ms ({describe(figures['docs'][slowest])})")
    for family in dict.fromkeys(figures["families"]):
        times = [time for time, kind in zip(figures["first"], figures["families"], strict=True) if kind == family]
        print(f"  {family:<12} {len(times):4d} designs: median {statistics.median(times):6.1f} ms   worst "
              f"{max(times):6.1f} ms")
    print(f"combinations refused by validation (shoulder rows on ridged bands): {figures['refused']}")
    count, doc = figures["largest"]
    print(f"most triangles at preview res: {count} ({describe(doc)})")
    return figures


def describe(doc: dict) -> str:
    """A matrix design in a few words: piece, band profile or outline, stones and setting."""
    if doc["piece"] == "pendant":
        return f"{doc['pendant']['outline']} pendant, {doc['stone']['shape']} stone, {doc['setting']['style']} setting"
    ring = doc["ring"]
    form = f"US {ring['size']['value']:g} {ring['profile']} band"
    if ring.get("eternity"):
        row = ring["eternity"]
        return f"{form}, {row['coverage']} eternity of {row['stone']['shape']} stones in {row['setting']}"
    words = f"{form}, {doc['stone']['shape']} stone, {doc['setting']['style']} setting"
    if doc.get("side_stones"):
        side = doc["side_stones"]
        words += f", {side.get('count', 1)} {side['stone']['shape']} side stones a side in {side['style']}"
    return words


if __name__ == "__main__":
    main()
