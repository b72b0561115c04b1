"""The store's own files, read as untrusted text (issue 23): the price table (`prices.toml` with its grids
`diamond_prices.csv` and `gem_prices.csv`), a stones CSV and a design file.

Facts checked: a file is read only when it is a regular file (a FIFO, a device or a folder is refused at once, never
waited on or read for ever) within its size bound, in UTF-8; a price grid is validated by rows and cells, and each
refusal is one line naming the file, the line as a spreadsheet numbers it (the header is line 1) and the column,
with the cell's text quoted and escaped; the same rules hold for a table kept in the database; the design page keeps
quoting from the last good table when a new one is refused, and says why; numbers are read as people type them,
in one place (`reading.read_decimal`); no newline, escape or control character from a file reaches stderr, where
the command line prints one `error: ` line a problem and exits 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from configurator import catalogue, cli, price_table, reading
from configurator.documents import load_design
from configurator.errors import CatalogueError, ConfiguratorError, DesignError
from configurator.inventory import COLUMNS, InventoryError, RefusedFile, read_csv
from configurator.price_table import (
    GRID_CLARITIES,
    current_price_table,
    import_price_table,
    load_price_table,
    price_history,
    price_table_problem,
    update_price_table,
)
from configurator.reading import AmbiguousNumber, NumberError, read_bytes, read_decimal, read_decimal_in
from configurator.storage import close_shared_stores, shared_store

from .conftest import ROOT

ASSETS = ROOT / "assets"
DIAMONDS = "diamond_prices.csv"
GEMS = "gem_prices.csv"
COLOURED = [key for key, gem in catalogue.gemstones().items() if not gem.is_diamond]
SECOND_BAND = 82  # the diamond grid's first line of 0.30-0.50 ct
SAPPHIRE_BLUE = 5  # the gem grid's line of sapphire, blue, eye-clean


# --- helpers --------------------------------------------------------------------------------------------------------


def copy_table(folder: Path) -> Path:
    """The shipped table and its grids copied into `folder`; the table's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("prices.toml", DIAMONDS, GEMS):
        shutil.copyfile(ASSETS / name, folder / name)
    return folder / "prices.toml"


def later(path: Path) -> None:
    """Date the file a second later, so a change shows whatever the file system's clock resolution."""
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def set_cell(grid: Path, line: int, column: str, value: str) -> None:
    """Write `value` into one cell of a CSV grid (lines as a spreadsheet numbers them: the header is line 1)."""
    rows = list(csv.reader(io.StringIO(grid.read_text(encoding="utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    grid.write_text(out.getvalue(), encoding="utf-8")
    later(grid)


def add_line(grid: Path, text: str) -> int:
    """Append a line to a grid; its line number."""
    body = grid.read_text(encoding="utf-8")
    grid.write_text(body + text + "\n", encoding="utf-8")
    later(grid)
    return body.count("\n") + 1


def set_toml(table: Path, old: str, new: str) -> None:
    text = table.read_text(encoding="utf-8")
    assert old in text
    table.write_text(text.replace(old, new, 1), encoding="utf-8")
    later(table)


def refusal(path: Path) -> str:
    with pytest.raises(CatalogueError) as refused:
        load_price_table(path)
    message = str(refused.value)
    assert message.isprintable() and "\n" not in message, message  # one line, nothing for a terminal to obey
    return message


def cli_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CONFIGURATOR_PRICES", "CONFIGURATOR_SAMPLE_STONES")}
    return {**env, **extra}


def run_cli(args: list[str], env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "configurator", *args], cwd=ROOT, env=env, capture_output=True,
                          timeout=timeout, text=True, encoding="utf-8", errors="backslashreplace")


@pytest.fixture
def table(tmp_path, monkeypatch) -> Path:
    """A store's own copy of the table (CONFIGURATOR_PRICES), no database."""
    path = copy_table(tmp_path / "store")
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """The table kept in a SQLite database of the test's own; the files in force are the shipped ones."""
    url = f"sqlite:///{tmp_path / 'prices.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("CONFIGURATOR_PRICES", raising=False)
    monkeypatch.setenv("CONFIGURATOR_DATA_DIR", str(tmp_path / "no-store-table"))
    yield url
    close_shared_stores()


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    yield path
    try:  # a reader that waits on it (a failure of the test) is let go
        handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(handle)
    except OSError:
        pass


def finishes_within(seconds: float, call) -> object:
    """`call()`'s result or exception, failing the test when it has not returned within `seconds`."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still reading after {seconds} s"
    return outcome[0]


# --- 1. the price files, by rows and cells --------------------------------------------------------------------------


def test_a_byte_that_is_not_utf8_is_refused_naming_its_line(table):
    grid = table.parent / DIAMONDS
    lines = grid.read_bytes().split(b"\n")
    lines[13] = lines[13].replace(b"VVS1", b"VVS\xff")
    grid.write_bytes(b"\n".join(lines))
    assert refusal(table) == ("diamond_prices.csv: line 14: not UTF-8 text (byte 0xff); save it as UTF-8 (in a "
                              "spreadsheet: CSV UTF-8)")


@pytest.mark.parametrize(("grid", "line", "column", "value", "words"), [
    (DIAMONDS, 14, "color", "<img src=x>", "'<img src=x>' is not a diamond colour of the grid (D-K)"),
    (DIAMONDS, 14, "color", "=HYPERLINK(1)", "'=HYPERLINK(1)' is not a diamond colour of the grid (D-K)"),
    (DIAMONDS, 14, "clarity", "I3", f"'I3' is not a diamond clarity of the grid ({', '.join(GRID_CLARITIES)})"),
    (DIAMONDS, 14, "per_carat", "0", "'0' is not a price: diamonds are priced above 0, up to 5,000,000 per carat"),
    (DIAMONDS, 14, "per_carat", "-1440", "'-1440' is not a price: diamonds are priced above 0, up to 5,000,000 per "
                                         "carat"),
    (DIAMONDS, 14, "per_carat", "1e3", "'1e3' has an exponent; write the number in full (1000)"),
    (DIAMONDS, 14, "per_carat", "nan", "'nan' is not a number; write the figure in digits"),
    (DIAMONDS, 14, "per_carat", "1,500", "'1,500' could be 1.5 or 1500: write 1.5 if the comma marks the decimals, "
                                         "1500 if it separates the thousands"),
    (DIAMONDS, 14, "per_carat", "", "is empty; write a number"),
    (DIAMONDS, 14, "carat_to", "0", "'0' is not a carat weight above 0, up to 100"),
    (DIAMONDS, SECOND_BAND, "carat_to", "0.2", "0.2 ct is not above carat_from 0.3 ct; a band runs from its lower "
                                               "weight up to its upper"),
    (GEMS, SAPPHIRE_BLUE, "material", "unobtainium", "'unobtainium' is not a coloured stone of the catalogue; choose "
                                                     f"one of: {', '.join(COLOURED)}"),
    (GEMS, SAPPHIRE_BLUE, "material", "diamond", "'diamond' is priced by the diamond grid (diamond_prices.csv), not "
                                                 "among the coloured stones"),
    (GEMS, SAPPHIRE_BLUE, "color", "purple", "'purple' is not a colour of sapphire; choose one of: "
                                             f"{', '.join(catalogue.gemstone('sapphire').colors)}"),
    (GEMS, SAPPHIRE_BLUE, "clarity", "VS1", "'VS1' is not a coloured stone's clarity; choose one of: eye-clean, "
                                            "slightly-included, included"),
    (GEMS, SAPPHIRE_BLUE, "per_carat_at_1ct", "0", "'0' is not a price: gems are priced above 0, up to 1,000,000 per "
                                                   "carat at 1 ct"),
    (GEMS, SAPPHIRE_BLUE, "size_exponent", "5", "'5' is not a size exponent from 0 to 2 (how the price per carat "
                                                "grows with the weight)"),
])
def test_a_bad_cell_is_refused_naming_file_line_and_column(table, grid, line, column, value, words):
    set_cell(table.parent / grid, line, column, value)
    assert refusal(table) == f"{grid}: line {line}, column {column}: {words}"


def test_a_cell_priced_twice_is_refused_naming_both_lines(table):
    line = add_line(table.parent / DIAMONDS, " 0.0 , 0.3 , d , fl ,2000")  # line 2's cell, written otherwise
    assert refusal(table) == (f"diamond_prices.csv: line {line}, columns carat_from, carat_to, color, clarity: 0-0.3 "
                              "ct D FL is priced twice (line 2 too); keep one of the two lines")
    copy_table(table.parent)
    line = add_line(table.parent / GEMS, "sapphire,Blue,eye-clean,900,0.45")
    assert refusal(table) == (f"gem_prices.csv: line {line}, columns material, color, clarity: sapphire blue "
                              f"eye-clean is priced twice (line {SAPPHIRE_BLUE} too); keep one of the two lines")


def test_a_grid_has_its_own_columns_and_whole_lines(table):
    grid = table.parent / DIAMONDS
    text = grid.read_text()
    grid.write_text(text.replace("\n", ",note\n", 1))
    assert refusal(table) == ("diamond_prices.csv: line 1, column 'note': not a column of this grid; the columns are: "
                              "carat_from, carat_to, color, clarity, per_carat")
    grid.write_text(text.replace(",per_carat\n", "\n", 1))
    assert refusal(table) == ("diamond_prices.csv: line 1: no column per_carat; the columns are: carat_from, "
                              "carat_to, color, clarity, per_carat")
    grid.write_text(text.replace("0.00,0.30,D,IF,2020", "0.00,0.30,D,IF,2020,15"))
    assert refusal(table) == "diamond_prices.csv: line 3: 6 cells where the header has 5"
    grid.write_text("")
    assert refusal(table).startswith("diamond_prices.csv: empty; line 1 names the columns")
    grid.write_text(text.replace("0.00,0.30,H,SI1,670\n", ""))  # a hole: no line to name, the cell it misses
    assert refusal(table) == "diamond_prices.csv: diamonds: no price for 0-0.3 ct H SI1; add it"


def test_text_from_a_cell_reaches_the_message_escaped_and_cut(table):
    set_cell(table.parent / DIAMONDS, 14, "color", "\x1b[2J\x00D\nerror: forged" + "x" * 80)
    message = refusal(table)
    assert message.startswith("diamond_prices.csv: line 14, column color: '\\x1b[2J\\x00D\\nerror: forged")
    assert "xxx'... is not a diamond colour" in message and len(message) < 200


def test_the_table_is_not_dated_more_than_a_year_ahead(table):
    today = dt.date.today()
    set_toml(table, "date = 2026-11-25", "date = 9999-12-31")
    assert refusal(table) == (f"prices.toml: date: 9999-12-31 is more than a year ahead (today is {today}); write the "
                              "day the figures were set")
    set_toml(table, "date = 9999-12-31", f"date = {today + dt.timedelta(days=367)}")
    assert "more than a year ahead" in refusal(table)
    set_toml(table, f"date = {today + dt.timedelta(days=367)}", f"date = {today + dt.timedelta(days=366)}")
    assert load_price_table(table).date == today + dt.timedelta(days=366)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("14k-yellow = 79.0", "14k-yellow = 0.0", "prices.toml: metal_per_gram.14k-yellow: a price per gram is a number "
                                              "from 0 to 10,000 (0 itself excluded: metal is never free), not '0'"),
    ("gold = 130.0", "gold = 0", "prices.toml: fine_metal_per_gram.gold: a price per gram is a number from 0 to "
                                 "10,000 (0 itself excluded: metal is never free), not '0'"),
    ("melee_per_carat = 900.0", "melee_per_carat = 0.0", "prices.toml: melee_per_carat: Input should be greater than "
                                                         "0"),
])
def test_every_price_of_goods_is_above_zero(table, old, new, message):
    set_toml(table, old, new)
    assert refusal(table) == message


def test_labour_may_be_free(table):
    """A store may charge nothing for a step of the work (design included, engraving offered, finishing counted in the
    casting): labour of 0 is a choice, not a slip, and quotes stay right; goods at 0 are given away, so never."""
    set_toml(table, "casting = 45.0", "casting = 0.0")
    set_toml(table, "engraving_per_character = 3.0", "engraving_per_character = 0")
    loaded = load_price_table(table)
    assert loaded.labour.casting == 0.0 and loaded.labour.engraving_per_character == 0.0


# --- 2. files that are not regular files, or too large --------------------------------------------------------------


def test_a_fifo_is_refused_at_once_wherever_a_file_is_read(fifo, monkeypatch):
    started = time.monotonic()
    refused = finishes_within(1.0, lambda: load_design(fifo))
    assert isinstance(refused, DesignError)
    assert str(refused) == f"cannot read {fifo}: it is a named pipe (FIFO), not a design file"
    refused = finishes_within(1.0, lambda: load_price_table(fifo))
    assert isinstance(refused, CatalogueError) and "it is a named pipe (FIFO), not a price table (TOML)" in str(refused)
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(fifo))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    refused = finishes_within(1.0, current_price_table)
    assert isinstance(refused, CatalogueError) and "named pipe" in str(refused)
    assert time.monotonic() - started < 3.0


def test_a_fifo_swapped_in_after_the_check_does_not_hang(fifo, monkeypatch):
    """The kind is checked before the file is opened; a FIFO put in its place between the check and the open is
    opened without waiting (O_NONBLOCK) and refused by the second check, on what was opened."""
    real_stat = os.stat
    small = fifo.parent / "small.toml"
    small.write_text("markup = 2.0\n")
    regular = real_stat(small)

    def stat(path, *args, **kwargs):
        return regular if os.fspath(path) == str(fifo) else real_stat(path, *args, **kwargs)

    monkeypatch.setattr(reading.os, "stat", stat)
    refused = finishes_within(1.0, lambda: read_bytes(fifo, 1000, what="a test file"))
    assert isinstance(refused, reading.UnreadableFile)
    assert str(refused) == f"cannot read {fifo}: it is a named pipe (FIFO), not a test file"


def test_devices_folders_and_large_files_are_refused(tmp_path):
    refused = finishes_within(1.0, lambda: read_bytes("/dev/zero", 1 << 20, what="a price table (TOML)"))
    assert str(refused) == "cannot read /dev/zero: it is a device, not a price table (TOML)"
    with pytest.raises(DesignError, match="^cannot read .*: it is a directory, not a design file$"):
        load_design(tmp_path)
    with pytest.raises(DesignError, match="^cannot read .*: no such file$"):
        load_design(tmp_path / "nothing.json")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(reading.UnreadableFile, match=r"^big\.csv: larger than 1 kB, not a grid; split it$"):
        read_bytes(big, 1000, what="a grid", advice="split it")
    assert read_bytes(big, 1001) == b"x" * 1001
    with pytest.raises(reading.UnreadableFile, match="not a usable file name"):
        read_bytes("a\x00b", 10)
    odd = tmp_path / "new\nerror: forged.csv"
    with pytest.raises(reading.UnreadableFile) as refused:
        read_bytes(odd, 10)
    assert str(refused.value).isprintable() and "\\nerror: forged.csv': no such file" in str(refused.value)


def test_text_is_utf8_with_or_without_its_mark(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert reading.read_text(path, 100) == "a,b\n1,2\n"
    for mark in (b"", b"\xef\xbb\xbf"):
        path.write_bytes(mark + b"a,b\n1,2\n3,\xe9\n")  # Latin-1
        with pytest.raises(reading.UnreadableFile, match=r"^grid\.csv: line 3: not UTF-8 text \(byte 0xe9\)"):
            reading.read_text(path, 100)


# --- 3. the design page keeps the last good table -------------------------------------------------------------------


def test_a_refused_file_leaves_the_last_good_table_in_force(table):
    good = current_price_table()
    assert price_table_problem() is None
    grid = table.parent / DIAMONDS
    shipped = grid.read_bytes()
    grid.write_bytes(shipped.replace(b"0.00,0.30,E,VVS1", b"0.00,0.30,E,VVS\xff"))
    later(grid)
    assert current_price_table() is good  # the page keeps quoting
    assert price_table_problem() == ("diamond_prices.csv: line 14: not UTF-8 text (byte 0xff); save it as UTF-8 (in "
                                     "a spreadsheet: CSV UTF-8)")
    grid.write_bytes(shipped)
    set_cell(grid, 14, "color", "<img src=x>")
    assert current_price_table() is good
    assert price_table_problem().startswith("diamond_prices.csv: line 14, column color: '<img src=x>'")
    table.unlink()
    assert current_price_table() is good and price_table_problem() == f"cannot read {table}: no such file"
    grid.write_bytes(shipped)
    copy_table(table.parent)
    set_toml(table, "markup = 2.0", "markup = 2.4")
    assert current_price_table().markup == 2.4 and price_table_problem() is None


def test_with_no_good_table_yet_the_refusal_is_raised(tmp_path, monkeypatch):
    broken = copy_table(tmp_path / "broken")
    set_cell(broken.parent / GEMS, SAPPHIRE_BLUE, "color", "purple")
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(broken))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(CatalogueError, match="^gem_prices.csv: line 5, column color: 'purple' is not a colour of "):
        current_price_table()
    assert price_table_problem().startswith("gem_prices.csv: line 5, column color:")


# --- the table in the database --------------------------------------------------------------------------------------


def test_the_database_holds_its_tables_to_the_same_rules(database, tmp_path, monkeypatch):
    good = current_price_table()
    bad = copy_table(tmp_path / "bad")
    set_cell(bad.parent / DIAMONDS, 14, "color", "<img src=x>")
    with pytest.raises(CatalogueError, match=r"^diamond_prices.csv: line 14, column color: '<img src=x>'"):
        import_price_table(bad)
    with pytest.raises(CatalogueError, match="^price table: date: 9999-12-31 is more than a year ahead"):
        update_price_table({"markup": 2.2}, today=dt.date(9999, 12, 31))
    with pytest.raises(CatalogueError, match="^price table: metal_per_gram.silver-925: a price per gram is a number"):
        update_price_table({"metal_per_gram.silver-925": 0.0})
    assert len(price_history()) == 1
    # A row stored by other means (an older version, a hand-made import): refused when read, the last good table
    # stays in force in this process and the problem is said.
    stored = json.loads(good.model_dump_json())
    stored["diamonds"][13]["color"] = "<img src=x>"
    edit = shared_store(database).add_prices(good.date.isoformat(), "by hand", json.dumps(stored), based_on=None)
    expected = (f"price table (database edit #{edit}): diamonds row 14, color: '<img src=x>' is not a diamond colour "
                "of the grid (D-K); make a good table the newest with `prices --import FILE`")
    assert current_price_table() is good and price_table_problem() == expected
    monkeypatch.setattr(price_table, "_sources", OrderedDict())  # a new process: no good table yet
    with pytest.raises(CatalogueError) as refused:
        current_price_table()
    assert str(refused.value) == expected
    stored["diamonds"][13]["color"] = "E"
    stored["diamonds"].append(stored["diamonds"][0])
    edit = shared_store(database).add_prices(good.date.isoformat(), "by hand", json.dumps(stored), based_on=None)
    assert price_table_problem() == (f"price table (database edit #{edit}): diamonds: 0-0.3 ct D FL is priced twice "
                                     "(rows 1 and 801); keep one of them; make a good table the newest with `prices "
                                     "--import FILE`")
    assert import_price_table(ASSETS / "prices.toml") == good and price_table_problem() is None


# --- the command line -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_command_line_refuses_each_file_in_one_line(tmp_path):
    """Every refusal: exit 2, one stderr line starting `error: `, naming the file, its line and column; a FIFO or a
    device is refused at once."""
    broken = {}
    for name, change in (("utf8", None), ("img", "<img src=x>"), ("future", None)):
        path = copy_table(tmp_path / name)
        broken[name] = path
        if change:
            set_cell(path.parent / DIAMONDS, 14, "color", change)
    grid = broken["utf8"].parent / DIAMONDS
    grid.write_bytes(grid.read_bytes().replace(b"0.00,0.30,E,VVS1", b"0.00,0.30,E,VVS\xff"))
    set_toml(broken["future"], "date = 2026-11-25", "date = 9999-12-31")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    stones = tmp_path / "stones.csv"
    stones.write_text(",".join(COLUMNS) + "\n" + '"D-1\nerror: forged",diamond,round,,6.44,6.41,3.97,1.01,'
                      '"\x1b[2JG\x00",VS1,,,,,,,\n', encoding="utf-8")
    runs = {
        "utf8": (["prices"], cli_env(CONFIGURATOR_PRICES=str(broken["utf8"])),
                 ["error: diamond_prices.csv: line 14: not UTF-8 text (byte 0xff); save it as UTF-8 (in a "
                  "spreadsheet: CSV UTF-8)"]),
        "img": (["prices"], cli_env(CONFIGURATOR_PRICES=str(broken["img"])),
                ["error: diamond_prices.csv: line 14, column color: '<img src=x>' is not a diamond colour of the grid "
                 "(D-K)"]),
        "future": (["prices", "--json"], cli_env(CONFIGURATOR_PRICES=str(broken["future"])),
                   [f"error: prices.toml: date: 9999-12-31 is more than a year ahead (today is {dt.date.today()}); "
                    "write the day the figures were set"]),
        "zero": (["prices", "--import", "/dev/zero"], cli_env(DATABASE_URL=database),
                 ["error: cannot read /dev/zero: it is a device, not a price table (TOML)"]),
        "fifo": (["prices", "--import", str(pipe)], cli_env(DATABASE_URL=database),
                 [f"error: cannot read {pipe}: it is a named pipe (FIFO), not a price table (TOML)"]),
        "design": (["quote", str(pipe)], cli_env(),
                   [f"error: cannot read {pipe}: it is a named pipe (FIFO), not a design file"]),
        "stones fifo": (["stones", "import", str(pipe)], cli_env(DATABASE_URL=database),
                        [f"error: cannot read {pipe}: it is a named pipe (FIFO), not a stones file (CSV)"]),
        "stones": (["stones", "import", str(stones)], cli_env(DATABASE_URL=database),
                   ["error: stones.csv: row 1 (line 2), stock number 'D-1\\nerror: forged': stock_number: letters, "
                    "digits and . _ / - only, starting with a letter or digit, at most 32",
                    "error: stones.csv: refused, nothing imported (1 problem)"]),
        "import": (["prices", "--import", str(broken["img"])], cli_env(DATABASE_URL=database),
                   ["error: diamond_prices.csv: line 14, column color: '<img src=x>' is not a diamond colour of the "
                    "grid (D-K)"]),
        "set": (["prices", "--set", "markup=nan", "--file", str(tmp_path / "set" / "prices.toml")],
                cli_env(CONFIGURATOR_PRICES=str(ASSETS / "prices.toml")),
                ["error: prices --set: markup: 'nan' is not a number; write the figure in digits"]),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(runs, pool.map(lambda run: run_cli(run[0], run[1], timeout=20), runs.values()),
                           strict=True))
    for name, (_, _, lines) in runs.items():
        result = results[name]
        assert (name, result.returncode, result.stderr.splitlines()) == (name, 2, lines)
        assert result.stdout == "" and all(line.isprintable() for line in result.stderr.splitlines())
    imported = run_cli(["prices", "--import", str(ASSETS / "prices.toml")], cli_env(DATABASE_URL=database))
    assert imported.returncode == 0 and imported.stderr == ""
    history = run_cli(["prices", "--history", "--json"], cli_env(DATABASE_URL=database))
    assert [edit["change"] for edit in json.loads(history.stdout)] == ["imported from prices.toml"]  # nothing else


def test_the_last_line_of_defence_escapes_whatever_a_message_carries(capsys, monkeypatch):
    def refuse(args):
        raise ConfiguratorError("one \x1b[31mred\x1b[0m\x00 line\rwith a return\nand a second line")

    monkeypatch.setattr(cli, "_cmd_schema", refuse)
    assert cli.main(["schema"]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: one \\x1b[31mred\\x1b[0m\\x00 line",
                                                    "error: with a return", "error: and a second line"]


def test_prices_set_reads_numbers_as_people_type_them(tmp_path, monkeypatch):
    assert cli._parse_setting("markup=2,2") == ("markup", 2.2)
    assert cli._parse_setting("metal_per_gram.18k-yellow=1.040,50") == ("metal_per_gram.18k-yellow", 1040.5)
    with pytest.raises(cli.UsageError, match="^prices --set: markup: '1e1' has an exponent"):
        cli._parse_setting("markup=1e1")
    with pytest.raises(cli.UsageError, match=r"^prices --set: 'a\\nb' is not FIELD=VALUE"):
        cli._parse_setting("a\nb")


# --- 4. numbers as people type them ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("4100,50", 4100.5), ("1,5", 1.5), ("4,100.50", 4100.5), ("4.100,50", 4100.5), ("1,000,000", 1e6),
    ("1.000.000", 1e6), ("1.000.000,25", 1000000.25), ("0,500", 0.5), ("1234,567", 1234.567), (",5", 0.5),
    ("1.500", 1.5), (" 42 ", 42.0), ("-3,5", -3.5), ("+7", 7.0), ("12.", 12.0), ("0", 0.0),
    ("25 000", 25000.0), ("1 234 567,5", 1234567.5), ("25\u202f000", 25000.0), ("-4\u00a0100.25", -4100.25),
])
def test_read_decimal_reads_commas_and_points(text, value):
    assert read_decimal(text) == value


@pytest.mark.parametrize(("text", "words"), [
    ("1,500", "'1,500' could be 1.5 or 1500: write 1.5 if the comma marks the decimals, 1500 if it separates the "
              "thousands"),
    ("1e3", "'1e3' has an exponent; write the number in full (1000)"),
    ("2.5E-2", "'2.5E-2' has an exponent; write the number in full (0.025)"),
    ("nan", "'nan' is not a number; write the figure in digits"),
    ("-Infinity", "'-Infinity' is not a number; write the figure in digits"),
    ("inf", "'inf' is not a number; write the figure in digits"),
    ("", "is empty; write a number"),
    ("1,2.5", "must be a number, not '1,2.5'"),
    ("4.100.50", "must be a number, not '4.100.50'"),
    ("1,00,000", "must be a number, not '1,00,000'"),
    ("1_000", "must be a number, not '1_000'"),
    ("\u0661\u0662", "must be a number, not '\u0661\u0662'"),
    ("$5", "must be a number, not '$5'"),
    ("12,", "must be a number, not '12,'"),
    ("9" * 400, "is too large a number"),
    ("4\n1", "must be a number, not '4\\n1'"),
    ("25 00", "must be a number, not '25 00'"),
    ("2 5000", "must be a number, not '2 5000'"),
])
def test_read_decimal_refuses_in_words(text, words):
    with pytest.raises(NumberError) as refused:
        read_decimal(text)
    assert isinstance(refused.value, ValueError) and str(refused.value).endswith(words)
    assert str(refused.value).isprintable()


def test_the_range_settles_a_comma_that_reads_two_ways():
    assert read_decimal_in("1,500", 0.01, 100) == 1.5  # a carat
    assert read_decimal_in("1,500", 100, 10_000) == 1500  # a price of a few thousands
    assert read_decimal_in("4,100.50", 0.01, 100) == 4100.5  # not ambiguous: out of range is the field's to say
    for low, high in ((0, 5_000_000), (2000, 3000)):  # both readings, or neither
        with pytest.raises(AmbiguousNumber) as refused:
            read_decimal_in("1,500", low, high)
        assert refused.value.readings == (1.5, 1500.0)


ROUND = {"stock_number": "D-1", "material": "diamond", "shape": "round", "cut": "brilliant", "length_mm": "6.44",
         "width_mm": "6.41", "depth_mm": "3.97", "carat": "1.01", "color": "G", "clarity": "VS1"}


def stones_csv(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**ROUND, **row})
    return out.getvalue()


def test_a_stones_file_reads_numbers_as_people_type_them():
    (stone,) = read_csv(stones_csv({"price": "4100,50", "carat": "1,01", "length_mm": "6,440"}))
    assert (stone.price, stone.carat, stone.length_mm) == (4100.5, 1.01, 6.44)  # 6,440 mm can only be 6.44
    assert read_csv(stones_csv({"price": "4.100,50"}))[0].price == 4100.5
    assert read_csv(stones_csv({"price": "4,100.50"}))[0].price == 4100.5
    for price, words in (("1,500", "'1,500' could be 1.5 or 1500: write 1.5 if the comma marks the decimals, 1500 "
                                   "if it separates the thousands"),
                         ("1e3", "'1e3' has an exponent; write the number in full (1000)"),
                         ("nan", "'nan' is not a number; write the figure in digits")):
        with pytest.raises(RefusedFile) as refused:
            read_csv(stones_csv({"price": price}), "new.csv")
        assert refused.value.problems == [f"row 1 (line 2), stock number D-1: price: {words}"]


def test_a_stones_file_cannot_forge_a_line_or_reach_the_terminal():
    text = stones_csv({"stock_number": "D-1\nerror: forged", "color": "\x1b[2JG\x00", "lab": "GIA\r\n"},
                      {"stock_number": "D-2", "color": "\x1b]0;title\x07"})
    with pytest.raises(RefusedFile) as refused:
        read_csv(text, "new\x1b[31m.csv")
    lines = str(refused.value).splitlines()
    assert len(lines) == 3 and all(line.isprintable() for line in lines)
    assert lines[0].startswith("'new\\x1b[31m.csv': row 1 (line 2), stock number 'D-1\\nerror: forged': ")
    assert lines[1].startswith("'new\\x1b[31m.csv': row 2 (line 5), stock number D-2: color: '\\x1b]0;TITLE\\x07' is "
                               "not a diamond colour")  # line 5: row 1 runs over three lines (two in-cell breaks)
    with pytest.raises(InventoryError, match=r"^stones\.csv: line 2: not UTF-8 text \(byte 0xff\)"):
        read_csv(stones_csv().encode() + b"D-\xff\n", "stones.csv")
