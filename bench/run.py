"""Benchmarks: print figures, assert nothing. Run with `python -m bench.run` from the repository root.

Figures: build and export of a comfort band (median of 20), build time of every profile at preview and
export resolution, halo ring export, the full design matrix at preview resolution, quote time, CLI start-up.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from configurator.bands import build_band
from configurator.design import Profile, load_design, parse_design
from configurator.export import Format, encode, wax_pattern
from configurator.geometry import build
from configurator.pricing import quote
from configurator.solids import EXPORT, PREVIEW

ROOT = Path(__file__).resolve().parent.parent
COMFORT = ROOT / "models" / "comfort-band.json"
RUNS = 20


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


def quoting() -> None:
    design = load_design(COMFORT)
    volume = build(design).metal_volume_mm3
    report("quote (mesh already built)", timed(lambda: quote(design, volume)))


def cli_start() -> None:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "configurator", "quote", str(COMFORT)], check=True, capture_output=True, cwd=ROOT
        )
        times.append((time.perf_counter() - start) * 1000)
    report("python -m configurator quote (whole process)", times)


def halo_ring_export() -> None:
    design = load_design(ROOT / "models" / "halo-ring.json")
    report("halo ring: build + export STL (export res)",
           timed(lambda: encode(wax_pattern(build(design, EXPORT)), Format.STL), runs=10))


def main() -> None:
    from bench import matrix

    comfort_band_build_and_export()
    every_profile()
    halo_ring_export()
    matrix.main()
    quoting()
    cli_start()


if __name__ == "__main__":
    main()
