"""What leaves for the workshop, judged as the workshop gets it: the files as written, read back, and ADMesh.

The meshes in memory are float64 and manifold; a binary STL is float32 and a slicer merges its vertices. So every
test here writes the file the way `export` does, reads it back with vertex merging, and asks of it: watertight,
every edge shared by exactly two faces, no degenerate facet, the metal one body. ADMesh (Debian's `admesh`, which
the test command installs) is the outside judge: no degenerate facet, no edge fixed, no facet removed.

One verdict: `check` passes exactly when `export` writes (a property over 1,000 random designs), and `fit` only
ever suggests designs that cast (a property over 500 random designs and budgets). Writing is all or nothing.
"""

from __future__ import annotations

import collections
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import trimesh
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from configurator.budget import fit
from configurator.builds import model_of
from configurator.checks import Severity, check
from configurator.design import Bail, Outline, Profile, SettingStyle, Shape
from configurator.documents import load_design, parse_design
from configurator.errors import ConfiguratorError, DesignError
from configurator.export import Format, encode, export, fittings_pattern, stones_mesh, wax_pattern
from configurator.families import every_design
from configurator.quotes import price
from tests.helpers.designs import DEEP, REPRODUCIBLE, design_documents
from tests.helpers.meshes import ADMESH, admesh, faults, needs_admesh, read_back

ROOT = Path(__file__).resolve().parent.parent
# The whole depth (DEEP: every matrix design, 1,000 and 500 examples) is for a change to the builders.
AGREEMENT_EXAMPLES = 1000 if DEEP else 200
FIT_EXAMPLES = 500 if DEEP else 100
JUDGED_BY_ADMESH_EVERY = 3  # of the random designs, every third written STL also goes to ADMesh (a few hundred)
COUNTS: collections.Counter[str] = collections.Counter()  # kept by the properties below, over all their examples
LEAST_EXAMPLES = {  # a property: the count it keeps and the least it must reach once it has run
    "test_check_passes_exactly_when_export_writes": ("designs checked and exported", AGREEMENT_EXAMPLES),
    "test_fit_never_fails_and_only_suggests_castable_designs": ("designs given a budget", FIT_EXAMPLES),
}


@pytest.fixture(autouse=True)
def tried_enough_examples(request):
    """After a property that passed, whatever ran before it: its figures (shown with `-rP`) and that it tried as many
    examples as it was set to."""
    before, failed = COUNTS.copy(), request.session.testsfailed
    yield
    tried = COUNTS - before
    if tried:
        print("\n".join(f"{name}: {count}" for name, count in sorted(tried.items())))
    if request.node.originalname in LEAST_EXAMPLES and request.session.testsfailed == failed:
        name, least = LEAST_EXAMPLES[request.node.originalname]
        assert tried[name] >= least, f"{request.node.originalname} tried {tried[name]} examples, not {least}"


# ---------------------------------------------------------------- judging a written file


def judged(design, folder: Path, name: str, with_admesh: bool = True) -> list[str]:
    """Every STL `export` would write for `design` (metal, stones, fittings), read back and judged."""
    model = model_of(design)
    files = {"metal": (wax_pattern(model), True), "stones": (stones_mesh(model), False),
             "fittings": (fittings_pattern(model), False)}
    problems = []
    for kind, (mesh, one_body) in files.items():
        if mesh is None:
            continue
        data = encode(mesh, Format.STL)
        problems += [f"{kind}: {fault}" for fault in faults(read_back(data, Format.STL), one_body)]
        if with_admesh and ADMESH:
            path = folder / f"{name}-{kind}.stl"
            path.write_bytes(data)
            figures = admesh(path)
            path.unlink()
            if figures["degenerate"] or figures["fixed"] or figures["removed"] or figures["normals"] or figures["reversed"]:
                problems.append(f"{kind}: ADMesh {figures}")
            if one_body and figures["parts"] != 1:
                problems.append(f"{kind}: ADMesh finds {figures['parts']} parts")
    return problems


# ---------------------------------------------------------------- every format, read back


CASES = {
    "halo ring": load_design(ROOT / "models" / "halo-ring.json").to_dict(),
    "hinged bezel pendant": load_design(ROOT / "models" / "bezel-pendant.json").to_dict()
    | {"pendant": {"outline": "teardrop", "size_mm": 18.0, "thickness_mm": 1.4, "bail": "hinged"}},
    "heart pendant": {"piece": "pendant", "metal": "18k-rose", "pendant": {"outline": "heart", "size_mm": 18.0},
                      "stone": {"shape": "heart", "length_mm": 7.0}, "setting": {"style": "halo"}},
    # the issue's own: a US 7 comfort solitaire with six prongs round a 6.5 mm cushion
    "six-prong cushion": {"piece": "ring", "metal": "18k-yellow",
                          "ring": {"size": {"system": "US", "value": 7}, "profile": "comfort", "width_mm": 2.5,
                                   "thickness_mm": 1.7},
                          "stone": {"shape": "cushion", "length_mm": 6.5}, "setting": {"style": "prong", "prongs": 6}},
}


@pytest.mark.parametrize("fmt", [fmt for fmt in Format if fmt is not Format.GLB], ids=lambda fmt: fmt.value)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.slow
def test_every_format_reads_back_clean(case, fmt, tmp_path):
    """Every format of the wax pattern (the GLB is the piece to look at, in metres: tests/test_glb.py judges it)."""
    design = parse_design(CASES[case])
    model = model_of(design)
    out, stones, parts = (tmp_path / f"{name}.{fmt.value}" for name in ("metal", "stones", "fittings"))
    export(model, out, stones, None, fmt, parts)
    metal = read_back(out.read_bytes(), fmt)
    assert faults(metal, one_body=True) == []
    assert metal.volume == pytest.approx(wax_pattern(model).volume, rel=1e-5)
    gems = read_back(stones.read_bytes(), fmt)
    assert faults(gems, one_body=False) == [] and gems.body_count == len(model.stone_parts)
    if model.fittings:
        fittings = read_back(parts.read_bytes(), fmt)
        assert faults(fittings, one_body=False) == [] and fittings.body_count == len(model.fittings)


@needs_admesh
@pytest.mark.parametrize("case", list(CASES))
def test_admesh_finds_nothing_to_repair(case, tmp_path):
    assert judged(parse_design(CASES[case]), tmp_path, "case") == []


# ---------------------------------------------------------------- the design matrix, judged by ADMesh


def _matrix() -> list[dict]:
    """The design matrix, or, but in a deep run, the part of it where a fault would hide (`by_risk`)."""
    return [doc for family, doc in every_design() if DEEP or by_risk(family, doc)]


def by_risk(family: str, doc: dict) -> bool:
    """Whether a design of the matrix is judged in an ordinary run. Every joint of stones (three-stone, shared
    prongs, side rows, eternity rows, each across the sizes) is; of the solitaires and pendants, whose shape x style
    heads repeat on bands and plates that differ only in their section or outline, each shape x style on two band
    profiles and on two pendant outlines with both bails, the choice turning with the shape and style so that every
    profile, outline and bail meets every shape and every style."""
    if family not in ("solitaire", "pendant"):
        return True
    turn = list(Shape).index(Shape(doc["stone"]["shape"])) + list(SettingStyle).index(
        SettingStyle(doc["setting"]["style"]))
    if family == "solitaire":
        profile = list(Profile).index(Profile(doc["ring"]["profile"]))
        return profile in (turn % len(Profile), (turn + len(Profile) // 2) % len(Profile))
    outline = list(Outline).index(Outline(doc["pendant"]["outline"]))
    bail = list(Bail).index(Bail(doc["pendant"].get("bail", Bail.FIXED.value)))
    return (outline, bail) in ((turn % len(Outline), turn % len(Bail)),
                               ((turn + 2) % len(Outline), (turn + 1) % len(Bail)))


def _judge_matrix_slice(docs: list[dict], folder: str) -> tuple[int, int, list[str]]:
    judged_files = designs = 0
    problems = []
    for index, doc in enumerate(docs):
        try:
            design = parse_design(doc)
        except DesignError:  # pave on a knife-edge band and the like: refused in words elsewhere
            continue
        designs += 1
        found = judged(design, Path(folder), f"m{os.getpid()}-{index}")
        model = model_of(design)
        judged_files += 1 + (model.stones != ()) + bool(model.fittings)
        problems += [f"{doc}: {problem}" for problem in found]
    return designs, judged_files, problems


@needs_admesh
@pytest.mark.slow
def test_admesh_judges_the_design_matrix(tmp_path):
    """Every family (`configurator.families`): 12 shapes x 6 styles x 6 band profiles of rings, x 5 outlines x 2 bails
    of pendants, three-stone rings, side-stone rows and eternity bands across the ring sizes (sampled by risk but in a
    deep run, `by_risk`): metal, stones and fittings of each, written and judged (two processes, one a core)."""
    docs = _matrix()
    halves = [docs[0::2], docs[1::2]]
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_judge_matrix_slice, halves, [str(tmp_path)] * 2))
    designs = sum(result[0] for result in results)
    files = sum(result[1] for result in results)
    problems = [problem for result in results for problem in result[2]]
    print(f"\ndesign matrix: {designs} designs, {files} STL files judged, {len(problems)} problems")
    assert designs > (800 if DEEP else 350)
    assert problems == [], problems[:10]


# ---------------------------------------------------------------- one verdict: check passes <=> export writes


def valid_design(doc: dict):
    """The design of a generated document, or the example is skipped (the strategy also makes invalid ones)."""
    try:
        return parse_design(doc)
    except DesignError:
        assume(False)


@needs_admesh
@given(doc=design_documents(beyond=False, longest_stone=14.0))
@settings(max_examples=AGREEMENT_EXAMPLES, **REPRODUCIBLE)
@pytest.mark.slow
def test_check_passes_exactly_when_export_writes(doc, tmp_path_factory):
    design = valid_design(doc)
    COUNTS["designs checked and exported"] += 1
    model = model_of(design)
    findings = check(design, model, verify=False)
    blocking = [finding for finding in findings if finding.severity is Severity.BLOCKING]
    folder = tmp_path_factory.mktemp("agree")
    out = folder / "wax.stl"
    try:
        export(model, out)
        written = True
    except ConfiguratorError:
        written = False
    assert written == (not blocking), (doc, [finding.line() for finding in blocking])
    from webapp.form import wax_held_back

    app_verdict = wax_held_back([finding.to_dict() for finding in findings])
    assert (app_verdict is None) == written  # the app's wax downloads follow the same verdict
    COUNTS["castable" if written else "refused, with a blocking finding"] += 1
    if written:
        with_admesh = COUNTS["designs checked and exported"] % JUDGED_BY_ADMESH_EVERY == 0
        problems = judged(design, folder, "agree", with_admesh=with_admesh)
        COUNTS["files judged by ADMesh"] += 3 if with_admesh else 0
        assert problems == [], (doc, problems)
    shutil.rmtree(folder)


# ---------------------------------------------------------------- fit only suggests what casts


@given(doc=design_documents(beyond=False, longest_stone=14.0), share=st.floats(0.3, 0.95))
@settings(max_examples=FIT_EXAMPLES, **REPRODUCIBLE)
@pytest.mark.slow
def test_fit_never_fails_and_only_suggests_castable_designs(doc, share):
    from configurator.budget import castable

    design = valid_design(doc)
    COUNTS["designs given a budget"] += 1
    budget = round(price(design).total * share, 2)
    suggestions = fit(design, budget)
    for suggestion in suggestions:
        assert suggestion.total <= budget
        assert parse_design(suggestion.design.to_dict()) == suggestion.design  # a valid document
        assert castable(suggestion.design), suggestion.change
        if suggestion.design.stone is not None:
            assert suggestion.design.stone.outline_width_mm >= 1.0
    COUNTS["suggestions, every one castable"] += len(suggestions)


# ---------------------------------------------------------------- all or nothing on disk


COMFORT = ROOT / "models" / "comfort-band.json"
HALO = ROOT / "models" / "halo-ring.json"


def run_cli(*argv) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "configurator", *map(str, argv)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    return result.returncode, result.stderr


def test_several_files_are_written_all_or_none(tmp_path):
    out = tmp_path / "wax.stl"
    out.write_bytes(b"previous wax")
    blocked = tmp_path / "stones.stl"
    blocked.mkdir()  # the stones target cannot be written: a folder stands there
    code, err = run_cli("export", HALO, "-o", out, "--stones", blocked)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "folder" in err
    assert out.read_bytes() == b"previous wax"  # the metal file was not replaced either
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".part")]


def test_a_failed_rename_puts_back_what_it_replaced(tmp_path, monkeypatch):
    from configurator import files as exporting

    first, second = tmp_path / "a.stl", tmp_path / "b.stl"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real, failed = os.replace, []

    def failing(source, target):  # the new b.stl cannot be put in place, once
        if Path(target) == second and str(source).endswith(".part") and not failed:
            failed.append(target)
            raise PermissionError(13, "Permission denied", str(target))
        return real(source, target)

    monkeypatch.setattr(exporting.os, "replace", failing)
    with pytest.raises(ConfiguratorError, match="nothing was written"):
        exporting.write_atomically({first: b"new a", second: b"new b"})
    assert first.read_bytes() == b"old a" and second.read_bytes() == b"old b"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.stl", "b.stl"]


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_export_will_not_write_over_what_is_not_a_regular_file(tmp_path, kind):
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "fifo":
        target = tmp_path / "pipe.stl"
        os.mkfifo(target)
    else:
        target = tmp_path / "folder.stl"
        target.mkdir()
    code, err = run_cli("export", COMFORT, "-o", target, "--format", "stl")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "will not write over" in err
    assert Path("/dev/null").is_char_device()
    if kind == "fifo":
        assert target.is_fifo()


def test_a_killed_exports_leftovers_are_removed_by_the_next_run(tmp_path):
    out = tmp_path / "wax.stl"
    stale = tmp_path / ".wax.stl.k1lled.part"  # as a killed export leaves it
    stale.write_bytes(b"half a file")
    hour_ago = time.time() - 7200
    os.utime(stale, (hour_ago, hour_ago))
    fresh = tmp_path / ".wax.stl.running.part"  # another export's, still at work: left alone
    fresh.write_bytes(b"in progress")
    other = tmp_path / ".notes.txt.part"  # not ours
    other.write_bytes(b"keep")
    os.utime(other, (hour_ago, hour_ago))
    code, err = run_cli("export", COMFORT, "-o", out)
    assert code == 0, err
    assert not stale.exists() and fresh.exists() and other.exists()
    assert faults(trimesh.load(out), one_body=True) == []


# `python -m configurator` whose first write into a staging file (`.NAME.<random>.part`) writes half, says how much,
# and kills the process: an export killed at a known point, half its new file written beside the old one.
KILLED_HALF_WAY = """
import os, signal, sys
from configurator.cli import main

real_write = os.write

def half_then_killed(handle, data):
    if os.readlink(f"/proc/self/fd/{handle}").endswith(".part"):
        real_write(handle, bytes(data[: len(data) // 2]))
        print("wrote", len(data) // 2, "of", len(data), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    return real_write(handle, data)

os.write = half_then_killed
sys.exit(main(sys.argv[1:]))
"""


def test_a_killed_export_leaves_the_old_file_whole(tmp_path):
    from configurator.files import recover

    out = tmp_path / "wax.stl"
    out.write_bytes(b"the old wax")
    killed = subprocess.run([sys.executable, "-c", KILLED_HALF_WAY, "export", str(HALO), "-o", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    half, whole = map(int, re.fullmatch(r"wrote (\d+) of (\d+)\n", killed.stdout).groups())
    (staged,) = tmp_path.glob(".wax.stl.*.part")
    assert staged.stat().st_size == half < whole  # half the new wax was on disk ...
    assert out.read_bytes() == b"the old wax"  # ... beside the old file, whole and in place
    recover(tmp_path)  # as the next write into the folder does first
    assert [path.name for path in tmp_path.iterdir()] == ["wax.stl"] and out.read_bytes() == b"the old wax"


def test_names_in_messages_are_quoted(tmp_path):
    odd = tmp_path / "line\nbreak" / "wax.stl"
    code, err = run_cli("export", COMFORT, "-o", odd)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "\\n" in err


def test_the_export_gate_refuses_what_the_cli_and_the_app_may_not_hand_the_workshop():
    """`gate` is the one verdict of the CLI's export and the app's downloads: a blocking finding (unless forced),
    a metal that is not one watertight body."""
    from configurator.export import NotCastable, gate

    doc = load_design(COMFORT).to_dict()
    model = model_of(parse_design(doc))
    gate(model)
    gate(model, wax_pattern(model))
    opened = wax_pattern(model)
    opened.update_faces(np.arange(len(opened.faces)) > 0)  # one face gone: a hole
    with pytest.raises(ConfiguratorError, match="not one watertight body"):
        gate(model, opened)
    thin = model_of(parse_design({**doc, "ring": {**doc["ring"], "thickness_mm": 0.6}}))
    with pytest.raises(NotCastable, match="ring.thickness_mm"):
        gate(thin)
    gate(thin, force=True)
