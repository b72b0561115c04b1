"""The price table in the database: when DATABASE_URL is set (and no file is named by CONFIGURATOR_PRICES) the table
in force is the database's newest edit, first taken from the file; every edit is a dated row of its history, and an
edit made by another server is what the next quote uses. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from configurator import price_table
from configurator.documents import parse_design
from configurator.errors import CatalogueError
from configurator.price_table import (
    PRICE_TABLE,
    current_price_table,
    import_price_table,
    load_price_table,
    price_history,
    price_table_stamp,
    update_price_table,
)
from configurator.quotes import price
from configurator.storage import close_shared_stores

from .conftest import ROOT

BAND = parse_design(json.loads((ROOT / "models" / "comfort-band.json").read_text()))


@pytest.fixture
def database(backend, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", backend.url)
    monkeypatch.delenv("CONFIGURATOR_PRICES", raising=False)
    monkeypatch.setenv("CONFIGURATOR_DATA_DIR", str(ROOT / "no-such-folder"))
    yield backend.url
    close_shared_stores()


def test_the_database_takes_the_file_first_then_keeps_every_edit(database):
    shipped = load_price_table(PRICE_TABLE)
    assert current_price_table() == shipped
    (first,) = price_history()
    assert first.change == "imported from prices.toml" and first.dated == shipped.date.isoformat()
    before = price(BAND).total
    stamp = price_table_stamp()
    edited = update_price_table({"markup": 2.5, "metal_per_gram.platinum-950": 60.0})
    assert price_table_stamp() != stamp
    assert current_price_table() == edited and edited.markup == 2.5
    assert price(BAND).total > before
    latest, earlier = price_history()
    assert latest.change == "markup 2.5, metal_per_gram.platinum-950 60" and earlier == first
    assert latest.dated == edited.date.isoformat()


def test_a_bad_edit_is_refused_by_name_and_nothing_is_written(database):
    current_price_table()
    with pytest.raises(CatalogueError, match="^price table: markup: .*less than or equal to 10"):
        update_price_table({"markup": 20.0})
    with pytest.raises(CatalogueError, match="^metal_per_gram.gold-plate: no such price table field"):
        update_price_table({"metal_per_gram.gold-plate": 1.0})
    assert len(price_history()) == 1


def test_an_edit_saved_by_another_server_is_used_by_the_next_quote(database):
    before = price(BAND)
    env = {"DATABASE_URL": database, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "configurator", "prices", "--set", "markup=3"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    after = price(BAND)  # no restart, no cache to clear
    assert after.total > before.total and any(row.item == "markup x3" for row in after.rows)


def test_edits_made_at_once_are_all_kept(database):
    """Eight edits at once, each of another alloy's price, through two stores: each is made from the newest table, so
    none is lost; the history has them all."""
    current_price_table()
    metals = ["10k-yellow", "14k-yellow", "18k-yellow", "18k-white", "platinum-950", "palladium-950",
              "silver-925", "22k-yellow"]
    barrier = threading.Barrier(len(metals))
    errors = []

    def edit(metal: str) -> None:
        try:
            barrier.wait(timeout=30)
            update_price_table({f"metal_per_gram.{metal}": 99.5})
        except BaseException as exc:  # reported by the main thread
            errors.append(f"{metal}: {exc}")

    threads = [threading.Thread(target=edit, args=(metal,)) for metal in metals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    table = current_price_table()
    assert all(table.metal_per_gram[metal] == 99.5 for metal in metals)
    assert len(price_history()) == 1 + len(metals)


def test_a_file_is_imported_as_the_newest_table(database, tmp_path):
    current_price_table()
    own = tmp_path / "prices.toml"
    own.write_text((ROOT / "assets" / "prices.toml").read_text().replace("markup = 2.0", "markup = 2.4", 1))
    assert import_price_table(own).markup == 2.4
    assert current_price_table().markup == 2.4
    assert price_history()[0].change == "imported from prices.toml"
    bad = tmp_path / "bad" / "prices.toml"
    bad.parent.mkdir()
    bad.write_text("markup = [not toml")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        import_price_table(bad)
    assert current_price_table().markup == 2.4


def test_a_named_file_keeps_the_prices_out_of_the_database(database, tmp_path, monkeypatch):
    own = tmp_path / "prices.toml"
    own.write_text((ROOT / "assets" / "prices.toml").read_text())
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(own))
    update_price_table({"markup": 2.6})
    assert "markup = 2.6" in own.read_text() and current_price_table().markup == 2.6
    assert price_history() == []


def test_a_stored_table_that_is_refused_leaves_the_last_good_one_in_force(database, monkeypatch):
    """A row stored by other means (an older version, a hand-made import) is validated when read, like a file: the
    last good table stays in force in this process and the refusal is said in one line; a new process has none."""
    from collections import OrderedDict

    from configurator.price_table import price_table_problem
    from configurator.storage import shared_store

    good = current_price_table()
    stored = json.loads(good.model_dump_json())
    stored["gems"][3]["color"] = "purple"  # sapphire, row 4
    edit = shared_store(database).add_prices(good.date.isoformat(), "by hand", json.dumps(stored), None)
    assert current_price_table() is good
    assert price_table_problem() == (f"price table (database edit #{edit}): gems row 4, color: 'purple' is not a "
                                     "colour of sapphire; choose one of: blue, pink, yellow, white, green, "
                                     "padparadscha; make a good table the newest with `prices --import FILE`")
    monkeypatch.setattr(price_table, "_sources", OrderedDict())
    with pytest.raises(CatalogueError, match=f"^price table \\(database edit #{edit}\\): gems row 4, color:"):
        current_price_table()
    assert import_price_table(PRICE_TABLE) == good and price_table_problem() is None
