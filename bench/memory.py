"""Peak memory of building one design at export resolution, measured in a fresh process.

`python -m bench.memory DESIGN.json [rss|tracemalloc]` prints one JSON line. Two measures, each in its own
process so neither disturbs the other:

- rss: the process's high-water resident set after the imports and the design's parsing, then after the build;
  the difference is what building added at its peak, native allocations (manifold3d, numpy) included. It is
  read as VmHWM from /proc/self/status, the figure getrusage's ru_maxrss gives, because ru_maxrss keeps the
  forking parent's high-water mark across exec (a bench process of 500 MB would hide a smaller build).
- tracemalloc: the peak of memory traced by Python's tracemalloc during the build (Python objects and numpy
  buffers; not manifold3d's own C++ allocations).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _high_water_kb() -> int:
    """VmHWM of this process in kB (ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def measure_here(doc: dict, how: str) -> dict:
    """Build `doc` once in this process and report what it cost (call it in a fresh process)."""
    import tracemalloc

    from configurator.documents import parse_design
    from configurator.geometry import build
    from configurator.solids import EXPORT

    design = parse_design(doc)
    before = _high_water_kb()
    if how == "tracemalloc":
        tracemalloc.start()
    start = time.perf_counter()
    model = build(design, EXPORT)
    seconds = time.perf_counter() - start
    result = {"how": how, "build_s": seconds, "triangles": int(len(model.metal.faces) + sum(
        len(part.mesh.faces) for part in model.stone_parts) + sum(len(m.faces) for m in model.fittings.values()))}
    if how == "tracemalloc":
        result["traced_peak_kb"] = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    else:
        result["hwm_before_kb"] = before
        result["hwm_after_kb"] = _high_water_kb()
        result["ru_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def measure(doc: dict) -> dict:
    """Both measures of building `doc`, each in a fresh `python -m bench.memory` process."""
    figures = {}
    for how in ("rss", "tracemalloc"):
        done = subprocess.run([sys.executable, "-m", "bench.memory", "-", how], input=json.dumps(doc), text=True,
                              capture_output=True, check=True, cwd=ROOT)
        figures[how] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "models" / "halo-ring.json")
    how = sys.argv[2] if len(sys.argv) > 2 else "rss"
    doc = json.loads(sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8"))
    print(json.dumps(measure_here(doc, how)))


if __name__ == "__main__":
    main()
