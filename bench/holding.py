"""How the bench receives the stones: each preset's (and the shared-prong three-stone rings') holds, and what the
work costs: the build at export resolution, the castability check, the wax file. Figures only, no asserts.

    python -m bench.holding
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from configurator.checks import Severity, check
from configurator.documents import parse_design
from configurator.export import wax_pattern
from configurator.geometry import build

ROOT = Path(__file__).resolve().parent.parent
SHARED = [("shared, 6.5 round 4 prongs", {"shape": "round", "length_mm": 6.5}),
          ("shared, 6.0 princess", {"shape": "princess", "length_mm": 6.0}),
          ("shared, 8 x 6 oval", {"shape": "oval", "length_mm": 8.0, "width_mm": 6.0})]


def shared(stone: dict) -> dict:
    """A US 4 three-stone ring whose 4.0 mm round side stones share prongs with the centre."""
    return {"schema_version": 2, "piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "US", "value": 4}, "profile": "comfort", "width_mm": 2.4, "thickness_mm": 1.8},
            "stone": stone, "setting": {"style": "prong", "prongs": 4},
            "side_stones": {"stone": {"shape": "round", "length_mm": 4.0}, "style": "prong", "shared_prongs": True}}


def designs() -> list[tuple[str, dict]]:
    presets = [(path.stem, json.loads(path.read_text())) for path in sorted((ROOT / "models").glob("*.json"))]
    return presets + [(name, shared(stone)) for name, stone in SHARED]


def _holds(model) -> str:
    try:
        from configurator import holds
    except ImportError:  # an older tree: no count
        return "-"
    said = []
    for part in model.stone_parts:
        if part.role in ("centre", "side"):
            held = holds.of(part.stone, part.solid, model.solid)
            said.append(f"{part.role} {held.count}/{held.free_arc_deg:.0f}deg"
                        + (f" {len(held.loose_corners)} loose" if held.loose_corners else ""))
    return ", ".join(dict.fromkeys(said)) or "-"


def main() -> None:
    print(f"{'design':32} {'build s':>8} {'check s':>8} {'wax s':>7}  blocking  holds (count/widest free arc)")
    for name, document in designs():
        design = parse_design(document)
        start = time.perf_counter()
        model = build(design)
        built = time.perf_counter() - start
        start = time.perf_counter()
        findings = check(design, model, verify=False)
        checked = time.perf_counter() - start
        start = time.perf_counter()
        wax_pattern(model)
        waxed = time.perf_counter() - start
        blocking = sum(finding.severity is Severity.BLOCKING for finding in findings)
        print(f"{name:32} {built:8.2f} {checked:8.2f} {waxed:7.2f}  {blocking:8d}  {_holds(model)}")


if __name__ == "__main__":
    main()
