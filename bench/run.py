"""Benchmarks: print figures, assert nothing. Run with `python -m bench.run` from the repository root.

Figures: build and export of a comfort band (median of 20), build time of every profile at preview and
export resolution, halo ring export, the milgrain and tapered solitaires, fitting a matching band to every ring
preset with stones (`bench.matching`), an engraved band (30 characters in each font, `bench/engraving.py`), the full
design matrix at preview resolution, quote time, CLI start-up,
whole processes side by side (export with its check against bench/floor.py, the same ring straight with manifold3d
and trimesh; quote, sizes, schema), the 3D preview page (time and size) of every preset, peak memory of building the largest design (fresh
process), the app server's memory with 10 open browser sessions, and the app's timings in a browser (a fresh
session's first price, a control change to its new price and to its new preview drawn); then the targets, met or not.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from configurator.bands import build_band
from configurator.builds import model_of
from configurator.design import Profile
from configurator.documents import load_design, parse_design
from configurator.export import Format, encode, wax_pattern
from configurator.geometry import build
from configurator.pricing import quote
from configurator.quotes import price
from configurator.solids import EXPORT, PREVIEW

ROOT = Path(__file__).resolve().parent.parent
COMFORT = ROOT / "models" / "comfort-band.json"
HALO = ROOT / "models" / "halo-ring.json"
PRESETS = sorted((ROOT / "models").glob("*.json"))
RUNS = 20
# The targets of the issue "benchmarks and the app under load".
BUILD_MEDIAN_MS, BUILD_WORST_MS, QUOTE_MS = 60.0, 200.0, 20.0
PREVIEW_BYTES = 200_000  # the GLB the browser loads for a new geometry (issue 24: a halo ring under 200 KB)


def timed(action, runs: int = RUNS) -> list[float]:
    """Wall times of `runs` calls of `action`, in milliseconds; the band cache is emptied before each, so
    every call builds its band afresh."""
    action()  # warm imports and the stone fits
    times = []
    for _ in range(runs):
        build_band.cache_clear()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    print(f"{name:<46} median {statistics.median(times):7.2f} ms   worst {max(times):7.2f} ms   (n={len(times)})")


def comfort_band_build_and_export() -> None:
    design = load_design(COMFORT)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "band.stl"

        def build_and_export() -> None:
            target.write_bytes(encode(wax_pattern(build(design, EXPORT)), Format.STL))

        report("comfort band: build + export STL (export res)", timed(build_and_export))
        report("comfort band: build (preview res)", timed(lambda: build(design, PREVIEW)))
        report("comfort band: build (export res)", timed(lambda: build(design, EXPORT)))
        mesh = build(design, EXPORT).metal
        print(
            f"{'comfort band at export resolution':<46} {len(mesh.faces)} triangles, {target.stat().st_size / 1e6:.2f} MB STL"
        )


def every_profile() -> None:
    for resolution, name in ((PREVIEW, "preview"), (EXPORT, "export")):
        times = []
        for profile in Profile:
            for us in (4, 7, 12):
                design = parse_design(
                    {
                        "piece": "ring",
                        "metal": "14k-yellow",
                        "ring": {
                            "size": {"system": "US", "value": us},
                            "profile": profile.value,
                            "width_mm": 4,
                            "thickness_mm": 1.8,
                        },
                    }
                )
                times += timed(lambda design=design, resolution=resolution: build(design, resolution), runs=5)
        report(f"all 6 profiles x 3 sizes ({name} res)", times)


def quoting() -> list[float]:
    """Quote times with the mesh already built: the price table's arithmetic alone, and configurator.quotes.price
    (what the app and the command line call) for the comfort band and the halo ring with its 21 accents."""
    design = load_design(COMFORT)
    volume = build(design).metal_volume_mm3
    report("quote: pricing.quote (comfort band, mesh built)", timed(lambda: quote(design, volume)))
    medians = []
    for path in (COMFORT, HALO):
        design = load_design(path)
        model_of(design)  # built once and remembered, as in the app
        times = timed(lambda design=design: price(design))
        report(f"quote: quotes.price ({path.stem}, mesh built)", times)
        medians.append(statistics.median(times))
    return medians


FLOOR_DESIGN = ROOT / "bench" / "solitaire-us7.json"
EXPORT_OVER_FLOOR, QUOTE_PROCESS_S = 1.3, 0.5


def _process_seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def commands_side_by_side(runs: int = 7) -> dict[str, float]:
    """Whole processes, taken in turn so that the machine's load falls on all alike: `export` of the US 7 comfort
    solitaire (with its castability check) and bench/floor.py (the same ring straight with manifold3d and
    trimesh), `quote`, `sizes` and `schema`. Returns the medians in seconds."""
    with tempfile.TemporaryDirectory() as folder:
        commands = {
            "export (check included)": [sys.executable, "-m", "configurator", "export", str(FLOOR_DESIGN),
                                        "-o", f"{folder}/ring.stl"],
            "floor: raw manifold3d + trimesh": [sys.executable, str(ROOT / "bench" / "floor.py"), f"{folder}/f.stl"],
            "floor, no teardown (as the CLI leaves)": [sys.executable, str(ROOT / "bench" / "floor.py"),
                                                        f"{folder}/g.stl", "--no-teardown"],
            "quote": [sys.executable, "-m", "configurator", "quote", str(FLOOR_DESIGN)],
            "sizes": [sys.executable, "-m", "configurator", "sizes"],
            "schema": [sys.executable, "-m", "configurator", "schema"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                times[name].append(_process_seconds(argv))
    for name, values in times.items():
        print(f"{'python: ' + name:<46} median {statistics.median(values) * 1000:7.0f} ms   worst "
              f"{max(values) * 1000:7.0f} ms   (n={len(values)}, whole process)")
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["export (check included)"] / medians["floor: raw manifold3d + trimesh"]
    alike = medians["export (check included)"] / medians["floor, no teardown (as the CLI leaves)"]
    print(f"{'export / floor (paired medians)':<46} {ratio:7.2f} x   (target {EXPORT_OVER_FLOOR:g} x); "
          f"{alike:.2f} x against the floor leaving the same way")
    return medians


def eternity_families() -> None:
    """Build times of every eternity family at preview resolution: 6 shapes x 3 settings x full, three-quarter and
    half rows, US 7 (a full row of 2 mm rounds holds 30 stones)."""
    import itertools
    import math

    from configurator.design import Eternity
    from configurator.eternity import band_width_needed, count_for

    stones = {"round": (2.0, None), "oval": (3.0, 2.2), "princess": (2.5, None), "emerald": (3.0, 2.1),
              "asscher": (2.5, None), "baguette": (3.0, 1.2)}
    times, most = [], (0, "")
    for (shape, (length, width)), setting, coverage in itertools.product(
            stones.items(), ("shared-prong", "channel", "bezel"), ("full", "three-quarter", "half")):
        stone = {"shape": shape, "length_mm": length, **({"width_mm": width} if width else {})}
        row = {"coverage": coverage, "setting": setting, "stone": stone}
        band = math.ceil((band_width_needed(Eternity.model_validate(row)) + 0.2) * 10) / 10
        design = parse_design({"piece": "ring", "metal": "14k-yellow", "ring": {
            "size": {"system": "US", "value": 7}, "width_mm": band, "thickness_mm": 2.0, "eternity": row}})
        times += timed(lambda design=design: build(design, PREVIEW), runs=3)
        count = count_for(design.ring, design.ring.eternity)
        most = max(most, (count, f"{shape} {setting} {coverage}"))
    report("eternity: 54 families (preview res)", times)
    print(f"{'  the most stones':<46} {most[0]} ({most[1]})")
    round_full = parse_design({"piece": "ring", "metal": "14k-yellow", "ring": {
        "size": {"system": "US", "value": 7}, "width_mm": 3.5, "thickness_mm": 2.0,
        "eternity": {"coverage": "full", "setting": "channel", "stone": {"length_mm": 2.0}}}})
    report(f"eternity: full row of {count_for(round_full.ring, round_full.ring.eternity)} x 2 mm rounds (preview)",
           timed(lambda: build(round_full, PREVIEW), runs=10))


def three_stone_families() -> None:
    """Build times of three-stone rings at preview resolution: side stones of the 12 shapes in prongs or bezels,
    round a 6.5 mm centre in prongs or a bezel (48 designs, US 7); and the matrix's 18 rings whose side stones share
    prongs with the centre (US 3-13, every band profile)."""
    import itertools

    from configurator.design import Shape

    times = []
    for shape, style, centre in itertools.product([s.value for s in Shape], ("prong", "bezel"), ("prong", "bezel")):
        design = parse_design({"piece": "ring", "metal": "14k-yellow", "ring": {
            "size": {"system": "US", "value": 7}, "width_mm": 2.5, "thickness_mm": 1.8},
            "stone": {"length_mm": 6.5}, "setting": {"style": centre},
            "side_stones": {"stone": {"shape": shape, "length_mm": 4.0}, "style": style}})
        times += timed(lambda design=design: build(design, PREVIEW), runs=3)
    report("three-stone: 48 designs (preview res)", times)
    from configurator.families import shared_prongs

    times = []
    for doc in shared_prongs():
        design = parse_design(doc)
        times += timed(lambda design=design: build(design, PREVIEW), runs=3)
    report("three-stone, prongs shared with the centre: 18 designs (preview res)", times)


def side_row_families() -> None:
    """Build times of graduated side-stone rows at preview resolution (`configurator.families`: 9 channel rows of
    2-4 stones a side, 20 rows of 2-3 in prongs or bezels, US 3-13), and of the side-stone ring preset."""
    from configurator.families import side_rows

    times = []
    for doc in side_rows():
        design = parse_design(doc)
        times += timed(lambda design=design: build(design, PREVIEW), runs=3)
    report("side-stone rows: 29 designs (preview res)", times)
    preset = load_design(ROOT / "models" / "side-stone-ring.json")
    report("side-stone ring preset (preview res)", timed(lambda: build(preset, PREVIEW), runs=10))


def bandwork_presets() -> None:
    """Build times of the milgrain and tapered solitaires at preview and export resolution, and the milgrain rows'
    share (the same design without its beads)."""
    for name in ("milgrain-solitaire", "tapered-solitaire"):
        design = load_design(ROOT / "models" / f"{name}.json")
        report(f"{name} (preview res)", timed(lambda design=design: build(design, PREVIEW), runs=10))
        report(f"{name} (export res)", timed(lambda design=design: build(design, EXPORT), runs=5))
    design = load_design(ROOT / "models" / "milgrain-solitaire.json")
    doc = design.to_dict()
    doc["ring"].pop("milgrain")
    doc["setting"].pop("milgrain")
    plain = parse_design(doc)
    report("milgrain-solitaire without beads (preview res)", timed(lambda: build(plain, PREVIEW), runs=10))


def halo_ring_export() -> None:
    design = load_design(HALO)
    report("halo ring: build + export STL (export res)",
           timed(lambda: encode(wax_pattern(build(design, EXPORT)), Format.STL), runs=10))
    model = build(design, EXPORT)
    for fmt in (Format.STL, Format.GLB):
        report(f"halo ring: export {fmt.name} (model built)", timed(lambda fmt=fmt: encode(wax_pattern(model), fmt)))


def preview_pages(extra: dict[str, dict] | None = None) -> dict[str, int]:
    """The GLB the browser's viewer loads for every preset (and for `extra` designs by name), made as the app makes
    it (built at export resolution, as the price is; Draco-compressed once per geometry): the time to encode it
    (the build apart), the time to write it again in another metal (the meshes kept), and its size. Returns the
    presets' sizes in bytes."""
    from configurator import glb
    from configurator.builds import model_of

    designs = [(path.stem, load_design(path)) for path in PRESETS]
    designs += [(name, parse_design(doc)) for name, doc in (extra or {}).items()]
    sizes = {}
    for name, design in designs:
        model = model_of(design)

        def fresh(model=model):
            glb._encoded.clear()
            return glb.glb(model)

        first = timed(fresh, runs=3)
        again = timed(lambda model=model: glb.glb(model), runs=5)
        sizes[name] = len(glb.glb(model))
        print(f"{'viewer GLB: ' + name:<46} encode median {statistics.median(first):6.0f} ms   another metal "
              f"{statistics.median(again):5.1f} ms   {sizes[name]:,} bytes")
    return {path.stem: sizes[path.stem] for path in PRESETS}


def triangles_of(design, resolution) -> int:
    from bench.matrix import triangles

    return triangles(build(design, resolution))


def peak_memory(matrix_largest: tuple[int, dict]) -> None:
    """Peak memory of building the largest design (most triangles at preview resolution among the matrix and the
    presets) at export resolution, each measure in a fresh process (see bench/memory.py)."""
    from bench import matrix, memory

    count, doc = matrix_largest
    name = f"matrix: {matrix.describe(doc)}"
    for path in PRESETS:
        preset = json.loads(path.read_text(encoding="utf-8"))
        preset_count = triangles_of(load_design(path), PREVIEW)
        if preset_count > count:
            count, doc, name = preset_count, preset, f"preset {path.stem}"
    figures = memory.measure(doc)
    rss, traced = figures["rss"], figures["tracemalloc"]
    print(f"peak memory, building the largest design at export res in a fresh process ({name}; "
          f"{rss['triangles']} triangles, {rss['build_s'] * 1000:.0f} ms):")
    print(f"  peak RSS (VmHWM, whole process, native included): {rss['hwm_before_kb'] / 1024:.1f} MB after imports, "
          f"{rss['hwm_after_kb'] / 1024:.1f} MB after the build: "
          f"+{(rss['hwm_after_kb'] - rss['hwm_before_kb']) / 1024:.1f} MB   (getrusage ru_maxrss says "
          f"{rss['ru_maxrss_kb'] / 1024:.1f} MB: it keeps the forking bench's own peak across exec)")
    print(f"  tracemalloc peak during the build (Python objects and numpy buffers only): "
          f"{traced['traced_peak_kb'] / 1024:.1f} MB")


SESSION_MB = 30.0


def targets(matrix_figures: dict, quote_medians: list[float], page_sizes: dict[str, int],
            app: dict[str, bool] | None = None, commands: dict[str, float] | None = None,
            load: dict | None = None, engraved: dict[str, float] | None = None, many: dict | None = None) -> None:
    first = matrix_figures["first"]
    biggest = max(page_sizes, key=page_sizes.get)
    rows = [
        (f"matrix build median < {BUILD_MEDIAN_MS:g} ms", f"{statistics.median(first):.1f} ms",
         statistics.median(first) < BUILD_MEDIAN_MS),
        (f"matrix build worst < {BUILD_WORST_MS:g} ms", f"{max(first):.1f} ms", max(first) < BUILD_WORST_MS),
        (f"quote < {QUOTE_MS:g} ms (slowest median)", f"{max(quote_medians):.2f} ms", max(quote_medians) < QUOTE_MS),
        (f"viewer GLB < {PREVIEW_BYTES / 1e3:g} KB (largest preset: {biggest})", f"{page_sizes[biggest] / 1e3:.0f} KB",
         page_sizes[biggest] < PREVIEW_BYTES),
    ]
    if engraved:
        from bench.engraving import TARGET_MS

        slowest = max(engraved.values())
        rows.append((f"engraved band (30 characters) median < {TARGET_MS:g} ms", f"{slowest:.1f} ms",
                     slowest < TARGET_MS))
    if commands:
        ratio = commands["export (check included)"] / commands["floor: raw manifold3d + trimesh"]
        rows += [(f"export within {EXPORT_OVER_FLOOR:g} x of the raw floor", f"{ratio:.2f} x",
                  ratio <= EXPORT_OVER_FLOOR),
                 (f"quote < {QUOTE_PROCESS_S:g} s (whole process)", f"{commands['quote']:.3f} s",
                  commands["quote"] < QUOTE_PROCESS_S)]
    if load:
        each = (load["after_kb"] - load["before_kb"]) / 1024 / load["sessions"]
        rows.append((f"server memory a session < {SESSION_MB:g} MB (warm server)", f"{each:.1f} MB", each < SESSION_MB))
    if many:
        at_wire = many["relayed"]
        rows += [("20 changes at once: the server's price, median <= 1.5 s", f"{statistics.median(at_wire):.2f} s",
                  statistics.median(at_wire) <= 1.5),
                 ("20 changes at once: the server's price, each <= 3 s", f"{max(at_wire):.2f} s", max(at_wire) <= 3),
                 ("server memory with 10 sessions <= 300 MB", f"{many['ten_kb'] / 1024:.0f} MB",
                  many["ten_kb"] / 1024 <= 300)]
    rows += [(name, "see above", met) for name, met in (app or {}).items()]
    print("targets:")
    for name, figure, met in rows:
        print(f"  {name:<52} {figure:>12}   {'met' if met else 'MISSED'}")


def main() -> None:
    from bench import engraving, load, matching, matrix

    print(f"{os.cpu_count()} cores, load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} at the start")
    comfort_band_build_and_export()
    every_profile()
    halo_ring_export()
    eternity_families()
    three_stone_families()
    side_row_families()
    bandwork_presets()
    matching.main()
    engraved = engraving.main()
    matrix_figures = matrix.main()
    quote_medians = quoting()
    commands = commands_side_by_side()
    count, doc = matrix_figures["largest"]
    page_sizes = preview_pages({f"matrix's largest ({count} triangles)": doc})
    peak_memory(matrix_figures["largest"])
    load_figures = load.main()
    from bench import app_timing, many

    app = app_timing.main()
    crowd = many.main()
    targets(matrix_figures, quote_medians, page_sizes, app, commands, load_figures, engraved, crowd)


if __name__ == "__main__":
    main()
