"""Saved designs under load and faults, on SQLite and on PostgreSQL.

Eight threads saving and reading back at once lose nothing, and a process killed (SIGKILL) in the middle of saving
leaves the database consistent. PostgreSQL comes from CONFIGURATOR_TEST_POSTGRES_URL (`bash scripts/postgres.sh`
starts a loopback server and prints one; scripts/test.sh does so); each test gets a schema of its own, dropped after.
Without the URL the PostgreSQL cases are skipped, or fail when CI or CONFIGURATOR_REQUIRE_POSTGRES=1 is set.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from configurator.documents import loads_design
from configurator.storage import PNG_SIGNATURE, SavedDesign, Store

pytestmark = pytest.mark.slow  # threads and killed writers on both databases: `-m "not slow"` leaves them out

ROOT = Path(__file__).resolve().parent.parent
MODELS = [json.loads(path.read_text()) for path in sorted((ROOT / "models").glob("*.json"))]
METALS = ["14k-yellow", "14k-white", "18k-yellow", "18k-rose", "platinum-950", "silver-925"]

THREADS = 8
PER_THREAD = 100
KILLS = 4  # child processes killed per backend
PREVIEW_BYTES = 256 * 1024  # a big preview makes each save a long write, so kills land inside one


# --- designs ----------------------------------------------------------------------------------------------------------


def variant(k: int) -> str:
    """Design document number `k`: one of models/*.json with its name, metal, engraving and a measure changed."""
    doc = copy.deepcopy(MODELS[k % len(MODELS)])
    doc["name"] = f"load variant {k}"
    doc["metal"] = METALS[k % len(METALS)]
    doc["engraving"] = {"text": f"No. {k}"}
    if "ring" in doc:
        doc["ring"]["width_mm"] = round(doc["ring"]["width_mm"] + 0.1 * (k % 7), 2)
    else:
        doc["pendant"]["chain"] = {"length_mm": 400.0 + 10 * (k % 20)}
    return json.dumps(doc)


def preview(k: int, size: int = 2048) -> bytes:
    """A PNG-signed blob unique to `k` (random bytes: no page or TOAST compression shortens the write)."""
    return PNG_SIGNATURE + random.Random(k).randbytes(size - len(PNG_SIGNATURE))


def fingerprint(client_name: str, design_json: str, preview_png: bytes | None) -> str:
    """What a complete record hashes to; saved in its notes, so a torn record shows."""
    digest = hashlib.sha256(client_name.encode())
    digest.update(design_json.encode())
    digest.update(preview_png or b"")
    return digest.hexdigest()


# --- backends ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def store(backend):
    store = Store.open(backend.url)
    yield store
    store.close()


def test_each_test_has_a_database_of_its_own(backend, store):
    """The isolation the other tests rely on: a fresh SQLite file, or the table in the test's own schema."""
    assert store.list() == []
    store.save("Ada", variant(0))
    if backend.name == "postgresql":
        schema = make_url(backend.url).query["options"].removeprefix("-csearch_path=")
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT current_schema()")).scalar() == schema
            tables = conn.execute(
                text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'designs'")
            )
            assert schema in {row[0] for row in tables}
            assert conn.execute(text(f'SELECT count(*) FROM "{schema}".designs')).scalar() == 1
    assert len(store.list()) == 1


# --- eight threads ----------------------------------------------------------------------------------------------------


def test_eight_threads_saving_and_loading_lose_nothing(store):
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []
    saved: dict[int, tuple[SavedDesign, str, bytes]] = {}
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                k = n * PER_THREAD + i
                design, png = variant(k), preview(k)
                client = f"client {n}-{i}"
                record = store.save(client, design, title=f"design {k}", notes=f"thread {n}", preview_png=png)
                assert store.get(record.id) == record
                with lock:
                    saved[record.id] = (record, design, png)
        except BaseException as exc:  # reported by the main thread
            errors.append(f"thread {n}: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still saving after 120 s"
    assert errors == []
    elapsed = time.perf_counter() - started
    print(f"{THREADS} threads saved and read back {len(saved)} designs in {elapsed:.2f} s")

    listed = store.list(limit=10 * THREADS * PER_THREAD)
    assert len(saved) == THREADS * PER_THREAD
    assert len(listed) == THREADS * PER_THREAD
    assert {record.id for record in listed} == set(saved)
    for record in listed:
        original, design, png = saved[record.id]
        assert record == original
        assert store.get(record.id) == original
        assert loads_design(record.design_json) == loads_design(design)
        assert record.preview_png == png
    assert len({loads_design(record.design_json).name for record in listed}) == THREADS * PER_THREAD


# --- a killed writer --------------------------------------------------------------------------------------------------

# The child saves designs one after another through DATABASE_URL (as the app does), says "saving K" before each
# save and "saved ID K SECONDS" once it has committed; it stops by itself after 60 s should nobody kill it.
CHILD = """
import sys, time
from configurator.storage import Store
from tests.test_storage_load import PREVIEW_BYTES, child_record
store = Store.open()
first = int(sys.argv[1])
deadline = time.monotonic() + 60
for k in range(first, first + 5000):
    if time.monotonic() > deadline:
        break
    client, design, png, notes = child_record(k)
    print("saving", k, flush=True)
    started = time.perf_counter()
    record = store.save(client, design, title=f"killed writer {k}", notes=notes, preview_png=png)
    print("saved", record.id, k, time.perf_counter() - started, flush=True)
"""
CHILD_CLIENT = re.compile(r"^killed writer (\d+)$")


def child_record(k: int) -> tuple[str, str, bytes, str]:
    """The client name, design, preview and notes (the fingerprint) that the child saves as number `k`."""
    client, design, png = f"killed writer {k}", variant(k), preview(k, PREVIEW_BYTES)
    return client, design, png, fingerprint(client, loads_design(design).to_json(), png)


def _run_and_kill(url: str, first: int, rng: random.Random, tmp_path: Path) -> tuple[dict[int, int], int | None]:
    """Start a child saving from number `first`, SIGKILL it inside a save after a few; its reported saves (k -> id)
    and the number it was saving when killed (None if the kill came between saves)."""
    target = rng.randint(5, 15)
    stderr_path = tmp_path / f"child-{first}.err"
    env = os.environ | {"DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    with stderr_path.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(first)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in child.stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    committed: dict[int, int] = {}
    durations: list[float] = []
    in_flight = None
    deadline = time.monotonic() + 60
    try:
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                pytest.fail(f"the child stopped before it was killed: {stderr_path.read_text()[-2000:]}")
            words = line.split()
            if words[0] == "saved":
                committed[int(words[2])] = int(words[1])
                durations.append(float(words[3]))
            elif words[0] == "saving" and len(committed) >= target:
                # Somewhere inside this save: validation, the INSERT of the preview, or the commit.
                in_flight = int(words[1])
                time.sleep(rng.uniform(0, statistics.median(durations)))
                break
    except queue.Empty:
        pytest.fail(f"no word from the child for 60 s: {stderr_path.read_text()[-2000:]}")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        reader.join(timeout=30)
    assert child.returncode == -signal.SIGKILL
    while (line := lines.get_nowait()) is not None:
        if not line.endswith("\n"):  # cut by the kill: the save it reports stays in flight
            break
        words = line.split()
        if words[0] == "saved":
            committed[int(words[2])] = int(words[1])
            in_flight = None
        else:
            in_flight = int(words[1])
    return committed, in_flight


def _check_consistent(url: str, reported: dict[int, int], in_flight: set[int]) -> int:
    """Open the store afresh: every reported save reads back equal, every listed record is whole and either reported
    or one that was in flight at a kill, and a new save works. Returns the number of records listed."""
    store = Store.open(url)
    try:
        listed = store.list(limit=100_000)
        by_id = {record.id: record for record in listed}
        for k, design_id in reported.items():
            client, design, png, notes = child_record(k)
            record = store.get(design_id)
            assert by_id[design_id] == record
            assert (record.client_name, record.notes, record.preview_png) == (client, notes, png)
            assert loads_design(record.design_json) == loads_design(design)
        for record in listed:
            match = CHILD_CLIENT.match(record.client_name)
            if match is None:  # one of the parent's own saves after a kill
                assert record.notes == fingerprint(record.client_name, record.design_json, record.preview_png)
                continue
            k = int(match[1])
            assert reported.get(k) == record.id or k in in_flight, f"record {record.id} (number {k}) never reported"
            assert (record.title, record.notes) == (f"killed writer {k}", child_record(k)[3])
            assert record.notes == fingerprint(record.client_name, record.design_json, record.preview_png)
            assert record.design_json == loads_design(variant(k)).to_json()
        if url.startswith("sqlite"):
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        design, png = variant(len(listed)), preview(len(listed))
        client = f"after kill {len(listed)}"
        fresh = store.save(
            client, design, notes=fingerprint(client, loads_design(design).to_json(), png), preview_png=png
        )
        assert store.get(fresh.id) == fresh
        assert store.list(limit=1)[0] == fresh
        return len(listed) + 1
    finally:
        store.close()


def test_a_writer_killed_mid_save_leaves_the_database_consistent(backend, store, tmp_path):
    rng = random.Random(f"kill-{backend.name}")
    reported: dict[int, int] = {}
    in_flight: set[int] = set()
    killed_inside_a_save = 0
    started = time.perf_counter()
    for round_ in range(KILLS):
        committed, current = _run_and_kill(backend.url, 10_000 * (round_ + 1), rng, tmp_path)
        assert committed, "the child was killed before it saved anything"
        reported |= committed
        if current is not None:
            in_flight.add(current)
            killed_inside_a_save += 1
        listed = _check_consistent(backend.url, reported, in_flight)
        # At most the save in flight at each kill can be there without its report (committed, then killed).
        assert listed - (round_ + 1) - len(reported) <= len(in_flight)
    elapsed = time.perf_counter() - started
    names = {record.client_name for record in store.list(limit=100_000)}
    kept = sum(f"killed writer {k}" in names for k in in_flight)
    print(
        f"{backend.name}: {KILLS} kills, {len(reported)} saves reported committed and read back equal, "
        f"{killed_inside_a_save} kills inside a save ({kept} of those saves had committed, the rest left nothing), "
        f"{elapsed:.2f} s"
    )
    assert killed_inside_a_save >= 1, "no kill landed inside a save"
