"""What the pieces are, written down to compare before and after a change that must not change them: every preset's
quote JSON and check as the command line prints them, the text of its three sheets, and every design of the matrix
(`configurator.families`) as the reader takes it (refused with which words) and at preview resolution (metal volume).

    python -m bench.snapshot write before.json     # on the old tree
    python -m bench.snapshot compare before.json   # on the new one: what differs, and the largest volume change

No asserts: it reports. Volumes are compared relatively (a refactoring keeps them within 0.001 %), the rest as text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from configurator.cli import main as cli
from configurator.design import DesignError
from configurator.documents import load_design, parse_design
from configurator.families import every_design
from configurator.geometry import build
from configurator.sheet import spec_sheet
from configurator.solids import PREVIEW

MODELS = Path(__file__).resolve().parent.parent / "models"
PRINTED = dt.date(2026, 1, 1)  # the sheets' date, fixed so that two runs compare
AUDIENCES = ("client", "workshop", "store")
VOLUME_TOLERANCE = 1e-5  # 0.001 %


def _printed(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli(list(argv))
    return f"exit {code}\n{out.getvalue()}"


def presets() -> dict:
    found = {}
    for path in sorted(MODELS.glob("*.json")):
        design = load_design(path)
        sheets = {}
        for audience in AUDIENCES:
            pdf = PdfReader(io.BytesIO(spec_sheet(design, today=PRINTED, audience=audience)))
            sheets[audience] = "\n".join(page.extract_text() for page in pdf.pages)
        found[path.stem] = {"quote": _printed("quote", "--json", str(path)), "check": _printed("check", str(path)),
                            "sheets": sheets}
    return found


def matrix() -> dict:
    found = {}
    for family, doc in every_design():
        key = f"{family} {json.dumps(doc, sort_keys=True)}"
        try:
            design = parse_design(doc)
        except (DesignError, ValueError) as exc:
            found[key] = {"refused": str(exc)}
            continue
        found[key] = {"volume": build(design, PREVIEW).metal.volume}
    return found


def write(path: Path) -> None:
    start = time.perf_counter()
    snapshot = {"presets": presets(), "matrix": matrix()}
    path.write_text(json.dumps(snapshot, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(snapshot['presets'])} presets, {len(snapshot['matrix'])} matrix designs in "
          f"{time.perf_counter() - start:.0f} s -> {path}")


def compare(path: Path) -> int:
    before = json.loads(path.read_text(encoding="utf-8"))
    now = {"presets": presets(), "matrix": matrix()}
    differences = 0
    for name, was in before["presets"].items():
        is_ = now["presets"].get(name)
        for facet in ("quote", "check"):
            if is_ is None or is_[facet] != was[facet]:
                differences += 1
                print(f"preset {name}: {facet} differs")
        for audience in AUDIENCES:
            if is_ is None or is_["sheets"][audience] != was["sheets"][audience]:
                differences += 1
                print(f"preset {name}: the {audience}'s sheet differs")
    worst = 0.0
    for key, was in before["matrix"].items():
        is_ = now["matrix"].get(key)
        if is_ is None or ("refused" in was) != ("refused" in is_) or was.get("refused") != is_.get("refused"):
            differences += 1
            print(f"matrix {key[:120]}: {was} -> {is_}")
        elif "volume" in was:
            change = abs(is_["volume"] - was["volume"]) / was["volume"]
            worst = max(worst, change)
            if change > VOLUME_TOLERANCE:
                differences += 1
                print(f"matrix {key[:120]}: volume {was['volume']:.4f} -> {is_['volume']:.4f} mm3")
    added = set(now["matrix"]) - set(before["matrix"])
    print(f"{len(before['presets'])} presets, {len(before['matrix'])} matrix designs ({len(added)} new): "
          f"{differences} differences; largest volume change {worst * 100:.5f} %")
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "compare"):
        print("usage: python -m bench.snapshot write|compare FILE", file=sys.stderr)
        sys.exit(2)
    if sys.argv[1] == "write":
        write(Path(sys.argv[2]))
    else:
        sys.exit(compare(Path(sys.argv[2])))
