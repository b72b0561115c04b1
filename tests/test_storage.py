"""Saved designs: round-trips, ordering, edits, validation naming the field, threads and persistence."""

import json
import threading
from datetime import UTC

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from configurator import storage
from configurator.documents import loads_design
from configurator.errors import ConfiguratorError
from configurator.storage import SavedDesign, StorageError, Store, database_url

from .conftest import ROOT

DESIGN = (ROOT / "models" / "comfort-band.json").read_text()
CANONICAL = loads_design(DESIGN).to_json()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'd.db'}"


@pytest.fixture
def store(url):
    store = Store.open(url)
    yield store
    store.close()


def test_save_and_get_round_trip(store):
    saved = store.save("  Ada Lovelace ", DESIGN, title="Wedding band", notes="Line one\nline two", preview_png=PNG)
    assert isinstance(saved, SavedDesign)
    got = store.get(saved.id)
    assert got == saved
    assert (got.client_name, got.title, got.notes, got.design_json, got.preview_png) == (
        "Ada Lovelace",
        "Wedding band",
        "Line one\nline two",
        CANONICAL,
        PNG,
    )
    assert got.created_at.tzinfo is UTC and got.updated_at == got.created_at


def test_defaults_are_empty(store):
    saved = store.save("Ada", DESIGN)
    assert (saved.title, saved.notes, saved.preview_png) == ("", "", None)


def test_list_is_newest_first_and_filters_by_client(store):
    ada = store.save("Ada Lovelace", DESIGN, title="a")
    grace = store.save("Grace Hopper", DESIGN, title="g")
    ada2 = store.save("ADA King", DESIGN, title="a2")
    assert [d.id for d in store.list()] == [ada2.id, grace.id, ada.id]
    assert [d.id for d in store.list(client="ada")] == [ada2.id, ada.id]
    assert [d.id for d in store.list(client="HOPP")] == [grace.id]
    assert store.list(client="%") == []  # wildcards are matched literally
    assert [d.id for d in store.list(limit=1)] == [ada2.id]
    assert store.list()[0].design_json == CANONICAL  # the list gives full records
    store.update(ada.id, notes="touched")
    assert [d.id for d in store.list()] == [ada.id, ada2.id, grace.id]


def test_update_changes_fields_and_updated_at(store):
    saved = store.save("Ada", DESIGN, title="first", notes="n", preview_png=PNG)
    doc = json.loads(DESIGN)
    doc["metal"] = "18k-rose"
    updated = store.update(saved.id, design_json=json.dumps(doc), title="second", notes="m")
    assert updated.updated_at > saved.updated_at
    assert updated.created_at == saved.created_at
    assert (updated.title, updated.notes, updated.preview_png) == ("second", "m", PNG)
    assert loads_design(updated.design_json).metal == "18k-rose"
    assert store.get(saved.id) == updated
    assert store.update(saved.id, preview_png=b"").preview_png is None


def test_duplicate_makes_a_new_row_with_the_same_design(store):
    saved = store.save("Ada", DESIGN, title="band", notes="n", preview_png=PNG)
    copy = store.duplicate(saved.id)
    assert copy.id != saved.id
    assert (copy.client_name, copy.title, copy.notes, copy.design_json, copy.preview_png) == (
        "Ada",
        "copy of band",
        "n",
        saved.design_json,
        PNG,
    )
    assert store.duplicate(saved.id, title="mine").title == "mine"
    assert store.get(saved.id) == saved
    assert len(store.list()) == 3


def test_delete_then_get_raises_naming_the_id(store):
    saved = store.save("Ada", DESIGN)
    store.delete(saved.id)
    with pytest.raises(StorageError, match=rf"^saved design {saved.id}: not found$"):
        store.get(saved.id)
    with pytest.raises(StorageError, match=rf"saved design {saved.id}: not found"):
        store.delete(saved.id)
    with pytest.raises(StorageError, match="saved design 999: not found"):
        store.update(999, title="x")
    assert issubclass(StorageError, ConfiguratorError)


def _doc(**changes) -> str:
    doc = json.loads(DESIGN)
    doc.update(changes)
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"client_name": "   "}, "client_name"),
        ({"client_name": "x" * 121}, "client_name"),
        ({"client_name": "Ada\x07"}, "client_name"),
        ({"client_name": "Ada\nLovelace"}, "client_name"),
        ({"title": "t" * 121}, "title"),
        ({"notes": "n" * 2001}, "notes"),
        ({"design_json": "not json"}, "design_json"),
        ({"design_json": _doc(metal="unobtainium")}, "design_json: metal"),
        ({"design_json": " " * (256 * 1024 + 1)}, "design_json"),
        ({"preview_png": b"GIF89a"}, "preview_png"),
        ({"preview_png": PNG + b"\x00" * (512 * 1024)}, "preview_png"),
    ],
)
def test_bad_input_raises_naming_the_field(store, kwargs, field):
    args = {"client_name": "Ada", "design_json": DESIGN} | kwargs
    with pytest.raises(StorageError, match=f"^{field}"):
        store.save(**args)
    assert store.list() == []


def test_edge_lengths_are_accepted(store):
    saved = store.save("x" * 120, DESIGN, title="t" * 120, notes="n" * 2000)
    assert len(store.get(saved.id).client_name) == 120


def test_update_validates_too(store):
    saved = store.save("Ada", DESIGN)
    with pytest.raises(StorageError, match="^design_json: metal"):
        store.update(saved.id, design_json=_doc(metal="unobtainium"))
    with pytest.raises(StorageError, match="^preview_png"):
        store.update(saved.id, preview_png=b"nope")
    assert store.get(saved.id) == saved


def test_database_errors_become_storage_errors_and_roll_back(store, monkeypatch):
    def broken(row):
        raise OperationalError("SELECT", {}, Exception("disk I/O error\nsecond line"))

    monkeypatch.setattr(storage, "_saved", broken)
    with pytest.raises(StorageError, match=r"^storage: disk I/O error$"):
        store.save("Ada", DESIGN)
    monkeypatch.undo()
    assert store.list() == []  # the insert was rolled back

    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE designs"))
    with pytest.raises(StorageError, match="^storage: no such table: designs"):
        store.list()


def test_open_refuses_unusable_urls():
    with pytest.raises(StorageError, match="^storage: not a usable database URL"):
        Store.open("nonsense://")


def test_database_url_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example/shop")
    assert database_url() == "postgresql://u:p@db.example/shop"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/shop")
    assert database_url() == "postgresql://u:p@db.example/shop"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("CONFIGURATOR_DATA_DIR")
    monkeypatch.setattr(storage, "EMBEDDED_DATABASE", tmp_path / "repo" / "data" / "designs.db")
    assert database_url() == f"sqlite:///{tmp_path / 'repo' / 'data' / 'designs.db'}"
    assert (tmp_path / "repo" / "data").is_dir()
    monkeypatch.setenv("CONFIGURATOR_DATA_DIR", str(tmp_path / "tests"))  # the tests' own folder, never the checkout's
    assert database_url() == f"sqlite:///{tmp_path / 'tests' / 'designs.db'}"


def test_sqlite_runs_in_wal_mode(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_threads_lose_nothing(store):
    errors: list[BaseException] = []
    saved: list[tuple[int, str]] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            for i in range(25):
                client = f"client {n}-{i}"
                design = store.save(client, DESIGN, title=str(i))
                assert store.get(design.id).client_name == client
                with lock:
                    saved.append((design.id, client))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.list(limit=1000)) == 200
    assert len({design_id for design_id, _ in saved}) == 200
    for design_id, client in saved:
        assert store.get(design_id).client_name == client


def test_a_second_store_sees_the_first_ones_rows(url):
    first = Store.open(url)
    saved = first.save("Ada", DESIGN, title="kept", preview_png=PNG)
    first.close()
    second = Store.open(url)
    try:
        assert second.get(saved.id) == saved
        assert [d.id for d in second.list()] == [saved.id]
    finally:
        second.close()


def test_a_deleted_design_can_be_put_back_as_it_was(store):
    saved = store.save("Ada", DESIGN, title="Rose band", notes="call on Friday", preview_png=None)
    other = store.save("Bea", DESIGN)
    store.delete(saved.id)
    restored = store.restore(saved)
    assert restored == saved  # the same id, text and dates
    assert store.get(saved.id) == saved
    assert [row.id for row in store.list()] == sorted([saved.id, other.id], reverse=True)
    with pytest.raises(StorageError, match=rf"saved design {saved.id}: already there"):
        store.restore(saved)


def test_a_customer_reaches_only_designs_of_their_browser_or_their_code(store):
    from configurator.storage import Visitor, new_access_code, secret_hash

    code = new_access_code()
    assert len(code.replace("-", "")) * 5 >= 64  # at least 64 bits
    mine = store.save("Ada", DESIGN, owner="browser-a" * 3, access_code=code)
    theirs = store.save("Bea", DESIGN, owner="browser-b" * 3, access_code=new_access_code())
    assert mine.access_hash == secret_hash(code) and code not in repr(mine)  # kept hashed only
    ada = Visitor(secret_hash("browser-a" * 3))
    assert [row.id for row in store.list(visitor=ada)] == [mine.id]
    stranger = Visitor(secret_hash("browser-c" * 3))
    assert store.list(visitor=stranger) == []
    with_code = Visitor(secret_hash("browser-c" * 3), (secret_hash(code.lower()),))
    assert [row.id for row in store.list(visitor=with_code)] == [mine.id]
    assert {row.id for row in store.list()} >= {mine.id, theirs.id}  # staff: every design
    assert with_code.can_see(mine) and not with_code.can_see(theirs)


def test_a_table_of_an_earlier_release_gains_the_new_columns(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE designs (id INTEGER PRIMARY KEY, client_name VARCHAR(120) NOT NULL, title "
                   "VARCHAR(120) NOT NULL, notes TEXT NOT NULL, design_json TEXT NOT NULL, preview_png BLOB, "
                   "created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL)")
        db.execute("INSERT INTO designs VALUES (7, 'Old Client', 'Old', '', ?, NULL, '2026-01-01 10:00:00', "
                   "'2026-01-01 10:00:00')", (DESIGN,))
    old = Store.open(f"sqlite:///{path}")
    try:
        (row,) = old.list()
        assert row.id == 7 and row.client_name == "Old Client" and row.owner_hash is None
        assert old.save("New Client", DESIGN, owner="x" * 24).owner_hash is not None
    finally:
        old.close()
