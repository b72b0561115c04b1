"""Several files written all or none even when the writing process is killed (issue 23, item 12).

A real child process calls `write_atomically` (or the command line's `export`) with `os.replace`, `os.link`,
`os.fsync` or `os.unlink` patched to SIGKILL it at the N-th call, for every N until it runs to the end. After each
kill a plain reader finds every target whole (its old or its new content, never a half), and once `recover` (or the
next write into one of the set's folders) has run the targets are the whole old set or the whole new set, with no
staging file, backup or journal left in either folder. A write whose process is alive is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from configurator import files

ROOT = Path(__file__).resolve().parent.parent
SOLITAIRE = ROOT / "models" / "solitaire-ring.json"

CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    from pathlib import Path

    spec = json.loads(sys.argv[1])
    if spec.get("no_links"):  # a filesystem without hard links
        def no_link(*args, **kwargs):
            raise PermissionError(1, "Operation not permitted")
        os.link = no_link
    real, calls = getattr(os, spec["kill"]), []

    def killing(*args, **kwargs):
        if not sys._getframe(1).f_code.co_filename.endswith(os.path.join("configurator", "files.py")):
            return real(*args, **kwargs)  # a library's own files (a cache, say) are not the write under test
        calls.append(args)
        if spec["when"] == "before" and len(calls) == spec["at"]:
            os.kill(os.getpid(), signal.SIGKILL)
        if spec["when"] == "pause" and len(calls) == spec["at"]:
            print("paused", flush=True)
            sys.stdin.readline()
        result = real(*args, **kwargs)
        if spec["when"] == "after" and len(calls) == spec["at"]:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(os, spec["kill"], killing)
    if "cli" in spec:
        from configurator.cli import main
        code = main(spec["cli"])
    elif "recover" in spec:
        from configurator.files import recover
        code = recover(Path(spec["recover"])) - 1  # 0: the one write settled
    else:
        from configurator.files import write_atomically
        write_atomically({Path(name): data.encode() for name, data in spec["files"].items()})
        code = 0
    print(json.dumps({"calls": len(calls)}), flush=True)
    sys.exit(code)
    """
)


def child(spec: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, json.dumps(spec)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


class FileSet:
    """Four targets in two folders: two old files and a new one in `near`, an old one in `far`."""

    def __init__(self, root: Path):
        self.near, self.far = root / "near", root / "far"
        self.near.mkdir(parents=True)
        self.far.mkdir()
        self.targets = [self.near / "metal.stl", self.near / "fittings.stl", self.near / "band.stl",
                        self.far / "stones.stl"]
        self.old = {self.targets[0]: b"old metal", self.targets[1]: b"old fittings", self.targets[2]: None,
                    self.targets[3]: b"old stones"}
        self.new = {target: f"new {target.stem}, longer than the old".encode() for target in self.targets}
        for target, data in self.old.items():
            if data is not None:
                target.write_bytes(data)

    def spec(self, **spec) -> dict:
        return {"files": {str(target): data.decode() for target, data in self.new.items()}, **spec}

    def on_disk(self) -> dict[Path, bytes | None]:
        return {target: target.read_bytes() if target.exists() else None for target in self.targets}

    def leftovers(self) -> list[str]:
        names = {target.name for target in self.targets}
        return sorted(path.name for folder in (self.near, self.far) for path in folder.iterdir()
                      if path.name not in names)


def kill_at_every_call(tmp_path: Path, kill: str, when: str, **options) -> list[tuple[int, str, list[str]]]:
    """Kill a four-file write at the 1st, 2nd, ... call of `os.<kill>`, each time in fresh folders, until the write
    runs to the end; after each kill read the files as a plain reader would, then recover (from one folder or the
    other, or by the next write into a folder of the set) and read them again. Returns (N, outcome, what the reader
    saw) for every kill: the outcome is "old" or "new", the set after recovery."""
    outcomes = []
    for at in range(1, 100):
        case = FileSet(tmp_path / f"{kill}-{when}-{at}")
        result = child(case.spec(kill=kill, when=when, at=at, **options))
        if result.returncode == 0:
            assert json.loads(result.stdout)["calls"] == at - 1  # every call was a kill point
            assert case.on_disk() == case.new and case.leftovers() == []
            return outcomes
        assert result.returncode == -9, result.stderr
        seen = case.on_disk()
        reader = ["old" if seen[target] == case.old[target] else "new" if seen[target] == case.new[target]
                  else "missing" if seen[target] is None else "torn" for target in case.targets]
        if at % 3 == 0:  # the next write into the far folder, of a file of its own
            files.write_atomically({case.far / "notes.txt": b"unrelated"})
            (case.far / "notes.txt").unlink()
        else:
            assert files.recover(case.near if at % 3 == 1 else case.far) == 1
        after = case.on_disk()
        assert after in (case.old, case.new), f"kill at {kill} #{at} ({when}): {after}"
        assert case.leftovers() == [], f"kill at {kill} #{at} ({when})"
        assert files.recover(case.near) == files.recover(case.far) == 0  # settled once, for good
        outcomes.append((at, "old" if after == case.old else "new", reader))
    raise AssertionError("the write never ran to its end")


# ---------------------------------------------------------------- the issue, as reported


def test_a_write_killed_between_its_renames_is_all_old_or_all_new_after_the_next_write(tmp_path):
    """Issue 23, item 12: killed between renames, a multi-file write left the metal file missing (or new metal with
    old stones) and the old file only as a hidden .part. The next write into the same folders settles it."""
    mixed, left = {}, {}
    for at in (1, 2, 3, 4):
        case = FileSet(tmp_path / str(at))
        assert child(case.spec(kill="replace", when="before", at=at)).returncode == -9
        files.write_atomically({case.near / "notes.txt": b"next", case.far / "notes.txt": b"next"})
        if case.on_disk() not in (case.old, case.new):
            mixed[at] = {target.name: data for target, data in case.on_disk().items()}
        if [name for name in case.leftovers() if name != "notes.txt"]:
            left[at] = case.leftovers()
    assert mixed == {} and left == {}


# ---------------------------------------------------------------- killed at every step


def test_killed_before_each_rename_the_set_rolls_back_and_a_reader_always_finds_whole_files(tmp_path):
    outcomes = kill_at_every_call(tmp_path, "replace", "before")
    assert [at for at, _, _ in outcomes] == [1, 2, 3, 4]  # one rename a target, nothing else renamed
    for at, outcome, reader in outcomes:
        assert outcome == "old"
        assert reader == ["new"] * (at - 1) + ["old"] * (5 - at)  # every file whole, the first at-1 already new


def test_killed_after_each_rename_the_set_rolls_back_until_the_last_is_in(tmp_path):
    outcomes = kill_at_every_call(tmp_path, "replace", "after")
    assert [(at, outcome) for at, outcome, _ in outcomes] == [(1, "old"), (2, "old"), (3, "old"), (4, "new")]
    assert all("missing" not in reader and "torn" not in reader for _, _, reader in outcomes)


def test_killed_while_backing_up_the_old_files_the_set_is_old(tmp_path):
    outcomes = kill_at_every_call(tmp_path, "link", "before")
    assert [(at, outcome, reader) for at, outcome, reader in outcomes] == [
        (at, "old", ["old"] * 4) for at in (1, 2, 3)]  # a hard link for each of the three old files


def test_killed_at_each_sync_the_set_is_old_until_the_renames_and_new_after(tmp_path):
    outcomes = kill_at_every_call(tmp_path, "fsync", "before")
    sets = [outcome for _, outcome, _ in outcomes]
    # four staged files, the journal in each of two folders, the two folders before the renames; then the two after
    assert sets == ["old"] * 8 + ["new"] * 2
    assert all(reader == (["old"] * 4 if outcome == "old" else ["new"] * 4) for _, outcome, reader in outcomes)


def test_killed_while_cleaning_up_the_set_is_new(tmp_path):
    outcomes = kill_at_every_call(tmp_path, "unlink", "before")
    assert [(at, outcome, reader) for at, outcome, reader in outcomes] == [
        (at, "new", ["new"] * 4) for at in (1, 2, 3, 4, 5)]  # three backups, then the journal in each folder


def test_without_hard_links_a_killed_write_still_settles_all_old_or_all_new(tmp_path):
    """Where a folder cannot hold hard links the old file is renamed away just before its new one comes in: two
    renames for each old target, one for the new, and a reader may find a target missing until recovery."""
    before = kill_at_every_call(tmp_path, "replace", "before", no_links=True)
    assert [(at, outcome) for at, outcome, _ in before] == [(at, "old") for at in range(1, 8)]
    assert before[1][2] == ["missing", "old", "old", "old"]  # metal.stl renamed away, its new one not yet in
    assert before[3][2] == ["new", "missing", "old", "old"]
    after = kill_at_every_call(tmp_path, "replace", "after", no_links=True)
    assert [outcome for _, outcome, _ in after] == ["old"] * 6 + ["new"]


def test_a_recovery_killed_at_any_step_is_finished_by_the_next(tmp_path):
    """Recovery itself killed at each of its renames and removals: the next recovery still ends all old (every
    target is put back before the first staged file goes, so a repeat rolls back again)."""
    for kill in ("replace", "unlink"):
        for at in range(1, 100):
            case = FileSet(tmp_path / f"{kill}-{at}")
            assert child(case.spec(kill="replace", when="before", at=3)).returncode == -9  # two new, two old
            result = child({"recover": str(case.far), "kill": kill, "when": "before", "at": at})
            if result.returncode == 0:
                break
            assert result.returncode == -9, result.stderr
            assert all(case.on_disk()[target] in (case.old[target], case.new[target]) for target in case.targets)
            assert files.recover(case.near) + files.recover(case.far) == 1  # a journal left in one folder or both
            assert case.on_disk() == case.old and case.leftovers() == [], f"recovery killed at {kill} #{at}"
        assert at == {"replace": 3, "unlink": 10}[kill]  # two backups put back; four staged, three backups, 2 journals


def test_a_single_file_costs_one_journal_one_link_one_rename_and_four_syncs(tmp_path, monkeypatch):
    target = tmp_path / "prices.toml"
    target.write_bytes(b"old")
    calls = {name: 0 for name in ("replace", "link", "fsync", "open", "unlink")}

    def counted(name):
        real = getattr(os, name)

        def counting(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return counting

    for name in calls:
        monkeypatch.setattr(os, name, counted(name))
    files.write_atomically({target: b"new"})
    monkeypatch.undo()
    assert target.read_bytes() == b"new" and sorted(path.name for path in tmp_path.iterdir()) == ["prices.toml"]
    # the staged file, the journal, the folder before and after the rename; opened: those and the folder twice
    assert calls == {"replace": 1, "link": 1, "fsync": 4, "open": 4, "unlink": 2}


# ---------------------------------------------------------------- the command line, killed


@pytest.fixture(scope="module")
def clean_export(tmp_path_factory) -> dict[str, bytes]:
    from configurator.cli import main

    folder = tmp_path_factory.mktemp("clean")
    assert main(["export", str(SOLITAIRE), "-o", str(folder / "A.stl"), "--stones", str(folder / "B.stl")]) == 0
    return {"A.stl": (folder / "A.stl").read_bytes(), "B.stl": (folder / "B.stl").read_bytes()}


@pytest.mark.parametrize("when, at", [("before", 1), ("before", 2), ("after", 2)])
@pytest.mark.slow
def test_a_killed_export_is_settled_by_the_next_export(tmp_path, capsys, clean_export, when, at):
    """`export -o A.stl --stones sub/B.stl` killed at a rename: each file whole right after the kill, and the next
    export (which settles the killed one first) leaves exactly the files a clean export writes, and nothing else."""
    from configurator.cli import main

    metal, stones = tmp_path / "A.stl", tmp_path / "sub" / "B.stl"
    stones.parent.mkdir()
    metal.write_bytes(b"old metal")
    stones.write_bytes(b"old stones")
    argv = ["export", str(SOLITAIRE), "-o", str(metal), "--stones", str(stones)]
    result = child({"cli": argv, "kill": "replace", "when": when, "at": at}, timeout=120)
    assert result.returncode == -9, result.stderr
    assert metal.read_bytes() == (clean_export["A.stl"] if at > 1 or when == "after" else b"old metal")
    assert stones.read_bytes() == (clean_export["B.stl"] if when == "after" else b"old stones")
    assert list(tmp_path.glob(".configurator-write.*.journal"))  # the unfinished write says so beside its files
    assert main(argv) == 0
    capsys.readouterr()
    assert metal.read_bytes() == clean_export["A.stl"] and stones.read_bytes() == clean_export["B.stl"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["A.stl", "sub"]
    assert sorted(path.name for path in stones.parent.iterdir()) == ["B.stl"]


# ---------------------------------------------------------------- a live write is left alone


def test_a_live_write_is_left_alone_and_its_old_backups_outlive_the_stale_sweep(tmp_path):
    """A write paused before its first rename holds its journal: `recover` and another write into the folder leave
    it, its staging files and its backups alone, though the backups (hard links to old files) are hours old."""
    case = FileSet(tmp_path)
    hours_ago = time.time() - 3 * files.STALE_PART_S
    for target, data in case.old.items():
        if data is not None:
            os.utime(target, (hours_ago, hours_ago))
    spec = case.spec(kill="replace", when="pause", at=1)
    process = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(spec)], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "paused\n", process.stderr.read()
        parts = sorted(path.name for path in case.near.glob(".metal.stl.*.part"))
        assert len(parts) == 2  # the staged new file and the backup of the old one
        assert files.recover(case.near) == files.recover(case.far) == 0
        files.write_atomically({case.near / "metal.stl": b"a second writer's"})  # sweeps .metal.stl.*.part
        assert sorted(path.name for path in case.near.glob(".metal.stl.*.part")) == parts
        assert (case.near / "metal.stl").read_bytes() == b"a second writer's"
        process.stdin.write("\n")
        process.stdin.flush()
        assert process.wait(timeout=60) == 0, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdin.close()
        process.stdout.close()
        process.stderr.close()
    assert case.on_disk() == case.new and case.leftovers() == []


def test_recover_settles_a_dead_write_whose_journal_was_cut_short(tmp_path):
    """A journal cut short (killed while writing it) names no file that was made: recovery only removes it."""
    journal = tmp_path / ".configurator-write.0123456789ab.journal"
    journal.write_bytes(b'{"files": [["/x/a.stl", "/x/.a.stl.1.part", nu')
    (tmp_path / "a.stl").write_bytes(b"untouched")
    assert files.recover(tmp_path) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.stl"]
