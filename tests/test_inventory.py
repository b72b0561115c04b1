"""The store's loose stones: records validated like a design, CSV files imported whole or refused row by row, filters,
reservations that two tills cannot both win, expiry and release. On SQLite and on PostgreSQL (the `backend` fixture of
tests/conftest.py: a fresh file, or a schema of its own)."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from configurator import inventory
from configurator.inventory import (
    COLUMNS,
    Filters,
    Inventory,
    InventoryError,
    LooseStone,
    RefusedFile,
    Status,
    grade_set,
    parse_stone,
    read_csv,
    write_csv,
)
from configurator.storage import StoneHold, StoneRow, StoneUnavailable, StorageError, Store

from .conftest import ROOT

DESIGN = (ROOT / "models" / "solitaire-ring.json").read_text()
ROUND = {"material": "diamond", "shape": "round", "cut": "brilliant", "length_mm": "6.44", "width_mm": "6.41",
         "depth_mm": "3.97", "carat": "1.01", "color": "G", "clarity": "VS1", "cut_grade": "Excellent",
         "polish": "Excellent", "symmetry": "Very Good", "fluorescence": "None", "lab": "GIA",
         "certificate": "2141438172", "price": ""}


def stone(number: str, **changes: str) -> LooseStone:
    return parse_stone({**ROUND, "stock_number": number, **changes})


def csv_text(rows: list[dict[str, str]]) -> str:
    lines = [",".join(COLUMNS)]
    for row in rows:
        lines.append(",".join(row.get(column, "") for column in COLUMNS))
    return "\n".join(lines) + "\n"


@pytest.fixture
def store(backend):
    store = Store.open(backend.url)
    yield store
    store.close()


@pytest.fixture
def stones(store):
    return Inventory(store)


def later(days: float = 7) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


# --- records and files ----------------------------------------------------------------------------------------------


def test_a_record_reads_as_on_its_grading_report():
    record = stone("D-1001", color="g", clarity="vs1", cut_grade="EX", symmetry="vg", fluorescence="faint")
    assert (record.color, record.clarity, record.cut_grade.value, record.symmetry.value,
            record.fluorescence.value) == ("G", "VS1", "Excellent", "Very Good", "Faint")
    assert record.measurements == "6.41 - 6.44 x 3.97 mm"  # a round: min - max x depth
    assert record.report == "GIA 2141438172"
    assert record.price is None  # priced from the grid
    design_stone = record.design_stone()
    assert (design_stone.length_mm, design_stone.width_mm, design_stone.depth_mm) == (6.44, 6.41, 3.97)
    oval = parse_stone({**ROUND, "stock_number": "D-2", "shape": "oval", "length_mm": "8.10", "width_mm": "6.02",
                        "depth_mm": "3.71", "carat": "1.11", "price": "7,250.00"})
    assert oval.measurements == "8.10 x 6.02 x 3.71 mm" and oval.price == 7250.0


@pytest.mark.parametrize(("changes", "field"), [
    ({"carat": "1.011"}, "carat: a report gives the weight to 2 decimals"),
    ({"carat": "2.50"}, "carat: 2.50 ct does not agree with"),
    ({"color": "Q2"}, "color:"),
    ({"clarity": "eye-clean"}, "clarity:"),
    ({"width_mm": "6.90"}, "width_mm:"),
    ({"length_mm": "abc"}, "length_mm: must be a number"),
    ({"cut_grade": "superb"}, "cut_grade:"),
    ({"fluorescence": "glowing"}, "fluorescence:"),
    ({"lab": ""}, "lab: a certificate number needs the lab"),
    ({"price": "-5"}, "price:"),
    ({"price": "inf"}, "price:"),
    ({"material": "glass"}, "material: unknown stone material"),
    ({"shape": ""}, "shape: required"),
    ({"cut": "princess"}, "cut:"),
])
def test_a_bad_record_is_refused_naming_its_field(changes, field):
    with pytest.raises(InventoryError, match=f"^{field}"):
        stone("D-1", **changes)


def test_a_file_round_trips_and_reads_in_any_column_order():
    records = [stone("D-1"), stone("D-2", price="6100"), stone("D-3", lab="", certificate="")]
    assert read_csv(write_csv(records)) == records
    shuffled = list(reversed(COLUMNS))
    text = ",".join(shuffled) + "\n" + ",".join(records[1].csv_row()[column] for column in shuffled) + "\n"
    assert read_csv(text.encode("utf-8-sig")) == [records[1]]


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row_and_field(stones):
    rows = [{**ROUND, "stock_number": f"D-{index}"} for index in range(1, 7)]
    rows[1]["carat"] = "1.5x"
    rows[3]["color"] = "Q9"
    rows[4]["stock_number"] = "D-1"  # the same as row 1
    with pytest.raises(RefusedFile) as refused:
        read_csv(csv_text(rows), "new.csv")
    problems = refused.value.problems
    assert problems == [
        "row 2 (line 3), stock number D-2: carat: must be a number, not '1.5x'",
        "row 4 (line 5), stock number D-4: color: 'Q9' is not a diamond colour; choose one of: D, E, F, G, H, I, J, K, L, "
        "M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z",
        "row 5 (line 6), stock number D-1: stock_number: D-1 is also row 1",
    ]
    lines = str(refused.value).splitlines()
    assert lines[-1] == "new.csv: refused, nothing imported (3 problems)"
    assert all(line.startswith("new.csv: ") for line in lines)
    assert stones.list() == []


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("stock_number,material\nD-1,diamond\n", "no column shape"),
    (",".join(COLUMNS) + ",colour\n", "unknown column 'colour'"),
    (",".join(COLUMNS) + "\n", "no stones in it"),
    (",".join(COLUMNS) + "\nD-1,diamond\n", r"row 1 \(line 2\): 2 cells where the header has 17"),
])
def test_a_malformed_file_is_refused_in_one_line(text, message):
    with pytest.raises(InventoryError, match=message):
        read_csv(text)


def test_grades_are_read_as_ranges_or_lists():
    assert grade_set("d-g") == {"D", "E", "F", "G"}
    assert grade_set("SI1-VS1") == {"VS1", "VS2", "SI1"}
    assert grade_set("G,H") == {"G", "H"}
    assert grade_set("Eye-Clean") == {"eye-clean"}


# --- the inventory in the database ----------------------------------------------------------------------------------


def test_an_import_is_all_or_nothing(stones, monkeypatch):
    stones.import_stones([stone("D-1")])
    with pytest.raises(RefusedFile, match="row 2, stock number D-1: stock_number: already in the inventory"):
        stones.import_stones([stone("D-5"), stone("D-1"), stone("D-6")])
    assert [record.stock_number for record in stones.list()] == ["D-1"]

    calls = []

    def failing(record):  # the database fails half-way through the insert
        calls.append(record.stock_number)
        if len(calls) == 3:
            raise StorageError("storage: disk full")
        return original(record)

    original = inventory._columns
    monkeypatch.setattr(inventory, "_columns", failing)
    with pytest.raises(StorageError, match="disk full"):
        stones.import_stones([stone(f"E-{index}") for index in range(5)])
    monkeypatch.undo()
    assert [record.stock_number for record in stones.list()] == ["D-1"]


def test_filters_narrow_the_selection(stones):
    stones.import_stones([
        stone("R-1"),
        stone("R-2", color="E", clarity="VVS2", cut_grade="Very Good"),
        stone("R-3", length_mm="5.20", width_mm="5.17", depth_mm="3.20", carat="0.53", color="H", clarity="SI1"),
        parse_stone({**ROUND, "stock_number": "O-1", "shape": "oval", "length_mm": "8.10", "width_mm": "6.02",
                     "depth_mm": "3.71", "carat": "1.11", "color": "F"}),
        parse_stone({**ROUND, "stock_number": "S-1", "material": "sapphire", "color": "blue", "clarity": "eye-clean",
                     "carat": "1.15", "cut_grade": "", "lab": "GRS", "certificate": "GRS2024-061234"}),
    ])

    def numbers(**criteria):
        return [record.stock_number for record in stones.list(Filters(**criteria))]

    assert numbers() == ["O-1", "R-3", "R-1", "R-2", "S-1"]  # by shape, then carat
    assert numbers(shapes=frozenset({"round"})) == ["R-3", "R-1", "R-2", "S-1"]
    assert numbers(materials=frozenset({"diamond"}), colors=grade_set("D-F")) == ["O-1", "R-2"]
    assert numbers(clarities=grade_set("VVS2-VS1")) == ["O-1", "R-1", "R-2"]
    assert numbers(carat_min=0.9, carat_max=1.05) == ["R-1", "R-2"]
    assert numbers(cut_grades=frozenset({"Excellent"}), shapes=frozenset({"round"})) == ["R-3", "R-1"]
    stones.sell("R-1")
    stones.reserve("R-2", 7, later())
    assert numbers(status=Status.AVAILABLE) == ["O-1", "R-3", "S-1"]
    assert numbers(status=Status.RESERVED) == ["R-2"]
    assert numbers(status=Status.SOLD) == ["R-1"]


def test_a_reservation_holds_until_it_runs_out_or_is_released(stones, store):
    stones.import_stones([stone("D-1"), stone("D-2")])
    held = stones.reserve("D-1", 11, later())
    assert (held.status, held.reserved_for) == (Status.RESERVED, 11)
    with pytest.raises(StoneUnavailable, match=r"^stone D-1: already reserved for saved design #11 until "
                                               r"\d{4}-\d\d-\d\d \d\d:\d\d UTC$") as refused:
        stones.reserve("D-1", 12, later())
    assert (refused.value.status, refused.value.reserved_for) == ("reserved", 11)
    assert stones.reserve("D-1", 11, later(10)).reserved_for == 11  # the same design may extend its own hold
    with pytest.raises(StoneUnavailable, match="^stone X-9: not in the store's inventory$"):
        stones.reserve("X-9", 12, later())
    with pytest.raises(StorageError, match="reserved_until: .* is not in the future"):
        stones.reserve("D-2", 12, datetime.now(UTC) - timedelta(seconds=1))

    with store.engine.begin() as conn:  # the hold runs out
        conn.execute(update(StoneRow).where(StoneRow.stock_number == "D-1")
                     .values(reserved_until=datetime.now(UTC) - timedelta(minutes=1)))
    assert stones.get("D-1").status is Status.AVAILABLE
    assert [record.stock_number for record in stones.list(Filters(status=Status.AVAILABLE))] == ["D-1", "D-2"]
    assert stones.expire() == 1
    assert stones.reserve("D-1", 12, later()).reserved_for == 12
    assert stones.release("D-1", design_id=11) is False  # not 11's any more
    assert stones.release("D-1", design_id=12) is True
    assert stones.get("D-1").status is Status.AVAILABLE

    stones.sell("D-2")
    with pytest.raises(StoneUnavailable, match=r"^stone D-2: already sold on \d{4}-\d\d-\d\d$"):
        stones.reserve("D-2", 12, later())
    with pytest.raises(InventoryError, match="already sold"):
        stones.sell("D-2")


def test_saving_a_design_reserves_its_stone_and_deleting_it_releases_it(stones, store):
    stones.import_stones([stone("D-1")])
    saved = store.save("Ada", DESIGN, hold=StoneHold("D-1", later()))
    assert stones.get("D-1").reserved_for == saved.id
    with pytest.raises(StoneUnavailable, match=f"already reserved for saved design #{saved.id}"):
        store.save("Bea", DESIGN, hold=StoneHold("D-1", later()))
    assert [row.client_name for row in store.list()] == ["Ada"]  # the refused save wrote nothing
    store.delete(saved.id)
    assert stones.get("D-1").status is Status.AVAILABLE
    assert store.save("Bea", DESIGN, hold=StoneHold("D-1", later())).client_name == "Bea"


def test_saving_the_piece_again_takes_over_the_clients_own_hold(stones, store):
    stones.import_stones([stone("D-1")])
    first = store.save("Ada", DESIGN, hold=StoneHold("D-1", later()))
    with pytest.raises(StoneUnavailable):  # a hold not named as the client's own is another client's
        store.save("Ada", DESIGN, hold=StoneHold("D-1", later()))
    second = store.save("Ada", DESIGN, hold=StoneHold("D-1", later(), takes_over=(first.id,)))
    assert stones.get("D-1").reserved_for == second.id
    store.delete(first.id)  # the earlier save goes: the stone stays held for the newer one
    assert stones.get("D-1").reserved_for == second.id
    with pytest.raises(StoneUnavailable, match=f"reserved for saved design #{second.id}"):  # nothing more to take
        store.save("Bea", DESIGN, hold=StoneHold("D-1", later(), takes_over=(first.id,)))


def test_available_stones_are_removed_all_or_none(stones):
    stones.import_stones([stone("D-1"), stone("D-2"), stone("D-3"), stone("D-4")])
    stones.reserve("D-2", 7, later())
    stones.sell("D-3")
    for numbers, message in ((["D-1", "D-2"], "^stone D-2: reserved for saved design #7 .*nothing removed$"),
                             (["D-1", "D-3"], "^stone D-3: sold, and a sale's record stays; nothing removed$"),
                             (["D-1", "X-9"], "^stone X-9: not in the store's inventory; nothing removed$")):
        with pytest.raises(InventoryError, match=message):
            stones.remove(numbers)
        assert len(stones.list()) == 4
    assert stones.remove(["D-1", "D-4", "D-1"]) == 2
    assert [record.stock_number for record in stones.list()] == ["D-2", "D-3"]


def test_a_new_embedded_database_starts_with_the_sample_once(tmp_path, monkeypatch):
    from configurator.storage import Store

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CONFIGURATOR_DATA_DIR", str(tmp_path / "data"))
    first = inventory.open_store_with_sample()
    try:
        assert len(Inventory(first).list()) == len(read_csv(inventory.SAMPLE_CSV.read_bytes())) == 38
        Inventory(first).remove(["D-24001"])
    finally:
        first.close()
    again = inventory.open_store_with_sample()  # set up before: a store's own stones are never touched
    try:
        assert len(Inventory(again).list()) == 37
        Inventory(again).remove([record.stock_number for record in Inventory(again).list()])
    finally:
        again.close()
    emptied = inventory.open_store_with_sample()  # every stone removed: the sample does not come back
    try:
        assert Inventory(emptied).list() == []
    finally:
        emptied.close()
    monkeypatch.setenv("CONFIGURATOR_DATA_DIR", str(tmp_path / "made-by-a-command"))
    Store.open().close()  # a command (a quote of a stone of the store's) made the database first
    later = inventory.open_store_with_sample()  # the app's first start still stocks it
    try:
        assert len(Inventory(later).list()) == 38
    finally:
        later.close()
    monkeypatch.setenv("CONFIGURATOR_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("CONFIGURATOR_SAMPLE_STONES", "0")
    empty = inventory.open_store_with_sample()
    try:
        assert Inventory(empty).list() == []
    finally:
        empty.close()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'own.db'}")  # a store's own database: never stocked
    monkeypatch.delenv("CONFIGURATOR_SAMPLE_STONES")
    own = inventory.open_store_with_sample()
    try:
        assert Inventory(own).list() == []
    finally:
        own.close()


def test_set_edits_a_record_as_a_whole_and_its_status(stones):
    stones.import_stones([stone("D-1")])
    assert stones.set("D-1", price="6900").stone.price == 6900.0
    assert stones.set("D-1", price=None).stone.price is None
    with pytest.raises(InventoryError, match="^stone D-1: carat: 3.00 ct does not agree"):
        stones.set("D-1", carat=3.0)
    with pytest.raises(InventoryError, match="^colour: no such field"):
        stones.set("D-1", colour="E")
    with pytest.raises(InventoryError, match="^status: 'reserved' cannot be set here"):
        stones.set("D-1", status="reserved")
    assert stones.get("D-1").stone.carat == 1.01
    stones.reserve("D-1", 5, later())
    assert stones.set("D-1", status="available").status is Status.AVAILABLE
    sold = stones.set("D-1", status="sold")
    assert sold.status is Status.SOLD and sold.sold_at is not None
    with pytest.raises(InventoryError, match="^stone D-9: not in the store's inventory$"):
        stones.set("D-9", price="1")


# --- two tills at once ----------------------------------------------------------------------------------------------

TILLS = 2
THREADS_PER_TILL = 8
RACED_STONES = 20


def test_two_tills_of_eight_threads_reserve_each_stone_exactly_once(backend):
    """Two stores (two app servers) on one database, eight threads each, every thread saving a design for every one of
    20 stones in its own order: each stone is reserved once, by the design whose save succeeded, and every other
    save is refused saying for which design and until when; the refused saves leave nothing behind."""
    tills = [Store.open(backend.url) for _ in range(TILLS)]
    try:
        Inventory(tills[0]).import_stones([stone(f"D-{index:02d}") for index in range(RACED_STONES)])
        barrier = threading.Barrier(TILLS * THREADS_PER_TILL)
        lock = threading.Lock()
        won: dict[str, list[int]] = {}
        refusals: list[tuple[str, StoneUnavailable]] = []
        errors: list[str] = []

        def work(till: Store, thread: int) -> None:
            order = [f"D-{index:02d}" for index in range(RACED_STONES)]
            random.Random(thread).shuffle(order)
            try:
                barrier.wait(timeout=30)
                for number in order:
                    try:
                        saved = till.save(f"client {thread}", DESIGN, hold=StoneHold(number, later()))
                        with lock:
                            won.setdefault(number, []).append(saved.id)
                    except StoneUnavailable as exc:
                        with lock:
                            refusals.append((number, exc))
            except BaseException as exc:  # reported by the main thread
                errors.append(f"thread {thread}: {type(exc).__name__}: {exc}")

        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(tills[n % TILLS], n)) for n in range(TILLS * THREADS_PER_TILL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.perf_counter() - started
        assert not any(thread.is_alive() for thread in threads)
        assert errors == []
        attempts = TILLS * THREADS_PER_TILL * RACED_STONES
        print(f"{backend.name}: {attempts} reservations raced for {RACED_STONES} stones in {elapsed:.2f} s: "
              f"{sum(len(ids) for ids in won.values())} won, {len(refusals)} refused")
        assert sorted(won) == [f"D-{index:02d}" for index in range(RACED_STONES)]
        assert all(len(ids) == 1 for ids in won.values())
        assert len(refusals) == attempts - RACED_STONES
        for number, refusal in refusals:  # every loser is told by whom and until when
            assert refusal.stock_number == number and refusal.status == "reserved"
            assert refusal.reserved_for == won[number][0]
            assert str(refusal).startswith(f"stone {number}: already reserved for saved design #{won[number][0]} until")
        held = {record.stock_number: record.reserved_for for record in Inventory(tills[1]).list()}
        assert held == {number: ids[0] for number, ids in won.items()}
        assert len(tills[0].list(limit=1000)) == RACED_STONES  # no design saved by a losing till
    finally:
        for till in tills:
            till.close()


def test_the_sample_inventory_reads_clean_and_imports_in_one_go(stones):
    text = (ROOT / "assets" / "sample-stones.csv").read_text(encoding="utf-8")
    records = read_csv(text, "sample-stones.csv")
    assert len(records) == 38 and len({record.shape for record in records}) >= 10
    assert write_csv(records) == text  # the file is what scripts/sample_stones.py writes
    started = time.perf_counter()
    stones.import_stones(records, "sample-stones.csv")
    print(f"imported the sample's {len(records)} stones in {time.perf_counter() - started:.3f} s")
    assert len(stones.list(Filters(status=Status.AVAILABLE))) == 38
