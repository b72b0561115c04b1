"""Build time of every design in the matrix at preview resolution: median and worst, first build and rebuild, in all
and by family.

The matrix is `configurator.families`: solitaires (12 shapes x 6 setting styles x 6 band profiles; channel and pavé
are refused on knife-edge and concave bands), pendants (12 shapes x 6 styles x 5 outlines x 2 bails), three-stone
rings, graduated side-stone rows and eternity bands across US 3-13. Run with `python -m bench.matrix`. Also notes the
design with the most triangles (metal, stones and fittings), which `bench.run` measures for peak memory.

`python -m bench.matrix check` runs the manufacturability check over a second matrix instead (`checked_designs`:
rings of every shape, style and profile at US 4, 7 and 10 on a 2.2 x 1.7 mm band; pendants of every outline with the
centre in prongs, a bezel or a halo, across shapes and sizes) and sorts its blocking findings: refused for what the
person chose (a thin band, a small plate), or at the builder's own parts (`BUILDER_KINDS`), which it never makes.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections import Counter

from configurator.design import DesignError, Outline, Profile, SettingStyle, Shape
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


# Blocking findings at the builder's own parts: a gap between two of them, metal thinner than castable beside them,
# a plate edge left thin by a setting's seats, parts that float apart. With every control at its default but the
# shape, style, profile and size, no design of the check matrix may have one.
BUILDER_KINDS = ("gap", "thin-detail", "plate", "bodies")
CHECK_SIZES = (4, 7, 10)
PENDANT_STYLES = (SettingStyle.PRONG, SettingStyle.BEZEL, SettingStyle.HALO)
PENDANT_STONES = (("round", 5.0), ("round", 8.0), ("oval", 7.0), ("cushion", 6.5), ("pear", 8.0), ("princess", 6.0),
                  ("emerald", 7.0), ("heart", 6.5), ("marquise", 9.0), ("trillion", 7.0))


def checked_designs():
    """Documents of the check matrix: 12 shapes x 6 styles x 6 profiles x US 4/7/10 on a 2.2 x 1.7 mm band (a
    6.5 mm stone), and 5 outlines x prong/bezel/halo x 10 stones on an 18 mm pendant of the default thickness."""
    for shape, style, profile, us in itertools.product(Shape, SettingStyle, Profile, CHECK_SIZES):
        yield {"piece": "ring", "metal": "18k-yellow",
               "ring": {"size": {"system": "US", "value": us}, "profile": profile.value, "width_mm": 2.2,
                        "thickness_mm": 1.7},
               "stone": {"shape": shape.value, "length_mm": 6.5}, "setting": {"style": style.value}}
    for outline, style, (shape, length) in itertools.product(Outline, PENDANT_STYLES, PENDANT_STONES):
        yield {"piece": "pendant", "metal": "18k-yellow", "pendant": {"outline": outline.value, "size_mm": 18.0},
               "stone": {"shape": shape, "length_mm": length}, "setting": {"style": style.value}}


def sort_findings(doc: dict) -> tuple[str, list]:
    """("refused" | "chosen" | "builder" | "clean", blocking findings) for one document of the check matrix:
    "refused" when the document itself is refused, "builder" when a blocking finding is of a `BUILDER_KINDS`."""
    from configurator.builds import model_of
    from configurator.checks import Severity, check

    try:
        design = parse_design(doc)
    except DesignError:
        return "refused", []
    blocking = [finding for finding in check(design, model_of(design), verify=False)
                if finding.severity is Severity.BLOCKING]
    if any(finding.kind in BUILDER_KINDS for finding in blocking):
        return "builder", blocking
    return ("chosen" if blocking else "clean"), blocking


def check_all(docs=None) -> Counter:
    """Run the check over the check matrix, print every design refused for the builder's own parts, and count."""
    counts: Counter = Counter()
    for doc in docs if docs is not None else checked_designs():
        sort, blocking = sort_findings(doc)
        counts[sort] += 1
        if sort == "builder":
            print(f"{describe(doc)}: " + "; ".join(f"{finding.kind} {finding.value_mm:.2f} mm at {finding.where}"
                                                   for finding in blocking), flush=True)
    print(f"{sum(counts.values())} designs: {counts['clean']} clean, {counts['chosen']} refused for the person's "
          f"choices, {counts['builder']} for the builder's own parts, {counts['refused']} refused as documents")
    return counts


if __name__ == "__main__":
    check_all() if sys.argv[1:] == ["check"] else main()
