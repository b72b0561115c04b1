"""Matching bands: for each ring preset with stones, the time to fit its matching band (placing it and cutting the
contour; the ring built once beforehand) at preview and export resolution, and how close the fit comes: the least
distance to the ring (metal and stones) and to its head alone, against the clearance. Prints figures, asserts
nothing. Run alone with `python -m bench.matching` from the repository root.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import manifold3d
import numpy as np

from configurator.bands import build_band
from configurator.documents import parse_design
from configurator.geometry import build
from configurator.matching import BAND_SKIN_MM, fit_band
from configurator.solids import EXPORT, PREVIEW, revolve

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def ring_presets() -> dict[str, dict]:
    """Every ring preset with stones, each with a matching band (its own, or the default one)."""
    presets = {}
    for path in sorted((ROOT / "models").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["piece"] == "ring" and (doc.get("stone") or doc["ring"].get("eternity")):
            presets[path.stem] = {**doc, "schema_version": 2, "matching_band": doc.get("matching_band", {})}
    return presets


def _head(model) -> list[manifold3d.Manifold]:
    """The ring without its own band (and a skin of it): what the contour follows."""
    section = manifold3d.CrossSection([np.ascontiguousarray(model.band.section.points)]).offset(
        2 * BAND_SKIN_MM, manifold3d.JoinType.Round, circular_segments=16)
    skin = revolve(np.asarray(section.to_polygons()[0]), model.band.segments).rotate((90.0, 0.0, 0.0))
    return [part for part in (solid - skin for solid in [model.solid, *(p.solid for p in model.stone_parts)])
            if not part.is_empty()]


def main() -> None:
    print(f"matching band: fit to the ring (placement and contour), median and worst of {RUNS}; the ring built first")
    for name, doc in ring_presets().items():
        design = parse_design(doc)
        line = f"  {name:<16}"
        for resolution, label in ((PREVIEW, "preview"), (EXPORT, "export")):
            model = build(design, resolution)
            stones = [part.solid for part in model.stone_parts]
            times = []
            for _ in range(RUNS):
                build_band.cache_clear()
                start = time.perf_counter()
                band, fit = fit_band(design, model.band, model.solid, stones, resolution)
                band.num_tri()  # manifold evaluates lazily: the band made in full
                times.append((time.perf_counter() - start) * 1000)
            line += f" {label} {statistics.median(times):6.0f} ms (worst {max(times):4.0f})"
        clearance = design.matching_band.clearance_mm
        ring = [model.solid, *stones]
        gap = min(model.matching.solid.min_gap(solid, 2.0) for solid in ring)
        head = _head(model)
        to_head = min((model.matching.solid.min_gap(solid, 2.0) for solid in head), default=float("inf"))
        fit = model.matching.fit
        shape = f"contoured, {fit.removed_mm3:5.2f} mm3 cut" if fit.contoured else "straight" + " " * 15
        print(f"{line}  {shape}  gap {gap:.4f} mm, to the head {to_head:.4f} mm (clearance {clearance:g})")


if __name__ == "__main__":
    main()
