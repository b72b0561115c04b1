"""Nobody is misled (issue 23), below the app: a stone is what its record says in every way a document arrives; holds
are the store's promise (who may hold a stone, for how long, how many); three sheets for three readers; the client's
lines carry the markup line by line; messages in words; notes that show what they hold; amounts that never read
-0.00. The storage tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from configurator import words
from configurator.builds import model_of
from configurator.checks import check
from configurator.design import DesignError
from configurator.documents import parse_design
from configurator.inventory import (
    Inventory,
    InventoryError,
    read_csv,
    record_differences,
    to_record,
    with_stock_stone,
)
from configurator.quotes import price, quote_summary
from configurator.storage import HoldLimit, StoneHold, StorageError, Store, check_contact, contact_key

from .conftest import ROOT

SAMPLE = read_csv((ROOT / "assets" / "sample-stones.csv").read_text())
CHEAP = "D-24006"  # a 0.33 ct J SI1 round, 4.46 - 4.48 x 2.81 mm, priced from the grid
SOLITAIRE = json.loads((ROOT / "models" / "solitaire-ring.json").read_text()) | {"schema_version": 2}
FORGED = {**SOLITAIRE, "stone": {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 9.0,
                                 "color": "D", "clarity": "FL", "stock_number": CHEAP}}


@pytest.fixture
def store(backend):
    store = Store.open(backend.url)
    Inventory(store).import_stones(SAMPLE)
    yield store
    store.close()


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """The database in force (DATABASE_URL) holding the sample stones."""
    from configurator.storage import close_shared_stores

    url = f"sqlite:///{tmp_path / 'shop.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = Store.open(url)
    Inventory(store).import_stones(SAMPLE)
    store.close()
    yield url
    close_shared_stores()


def record(number: str):
    return next(stone for stone in SAMPLE if stone.stock_number == number)


# ---------------------------------------------------------------- a stone is its record


def test_a_forged_document_is_brought_to_its_record(shop):
    forged = parse_design(FORGED)
    recorded = to_record(forged)
    stone = recorded.design.stone
    assert (stone.length_mm, stone.width_mm, stone.depth_mm, stone.color, stone.clarity) == (4.48, 4.46, 2.81, "J",
                                                                                              "SI1")
    assert recorded.corrected == tuple(record_differences(forged.stone, record(CHEAP)))
    assert "colour D where the stone's is J" in recorded.note and "length 9 mm where the stone's is 4.48 mm" in recorded.note
    honest = to_record(recorded.design)
    assert honest.design == recorded.design and honest.note is None  # a document that is its record stays as it is
    expected = price(with_stock_stone(parse_design(SOLITAIRE), record(CHEAP)), stock=record(CHEAP)).total
    assert price(recorded.design).total == expected


def test_a_document_unlike_its_record_is_never_priced_as_that_stone(shop):
    forged = parse_design(FORGED)
    with pytest.raises(InventoryError, match=r"^stone\.stock_number: the design's stone is not our stone D-24006"):
        price(forged)
    with pytest.raises(InventoryError, match=r"^stone\.stock_number: "):
        quote_summary(forged, stock=record(CHEAP))  # not even with the record at hand


@pytest.mark.slow
def test_the_command_line_quotes_checks_and_sheets_the_stone_as_recorded(shop, tmp_path):
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(FORGED))
    run = lambda *args: subprocess.run([sys.executable, "-m", "configurator", *args], capture_output=True,  # noqa
                                       text=True, cwd=ROOT)
    quoted = run("quote", str(path), "--json")
    assert quoted.returncode == 0, quoted.stderr
    summary = json.loads(quoted.stdout)
    centre = summary["stones"][0]
    assert (centre["length_mm"], centre["color"], centre["clarity"], centre["carat"]) == (4.48, "J", "SI1", 0.33)
    recorded = with_stock_stone(parse_design(SOLITAIRE), record(CHEAP))
    assert summary["price"]["total"] == price(recorded, stock=record(CHEAP)).total  # not the forged 2,063.30
    (note,) = quoted.stderr.splitlines()
    assert note.startswith(f"note: Our stone {CHEAP} is a 0.33 ct round diamond J SI1")
    checked = run("check", str(path))
    assert checked.returncode == 0 and "ready to cast" in checked.stdout
    sheet = tmp_path / "sheet.pdf"
    assert run("sheet", str(path), "-o", str(sheet), "--for", "client").returncode == 0
    text = _pdf_text(sheet)
    assert "J SI1" in text and "D FL" not in text and "4.46 - 4.48 x 2.81 mm" in text


def test_a_forged_document_is_not_saved_as_the_stone(store):
    with pytest.raises(StorageError, match=r"^stone\.stock_number: the design's stone is not our stone D-24006"):
        store.save("Mallory", parse_design(FORGED).to_json())
    honest = with_stock_stone(parse_design(SOLITAIRE), record(CHEAP))
    assert store.save("Alice", honest.to_json()).id > 0


def test_a_stone_the_piece_cannot_take_as_it_is_is_refused_naming_the_field(shop):
    pendant = json.loads((ROOT / "models" / "bezel-pendant.json").read_text()) | {"schema_version": 2}
    big = max(SAMPLE, key=lambda stone: stone.length_mm)
    small_plate = {**pendant, "pendant": {**pendant["pendant"], "size_mm": 8.0},
                   "stone": {"shape": big.shape.value, "length_mm": 5.0, "stock_number": big.stock_number}}
    small_plate["stone"]["width_mm"] = min(5.0, big.width_mm)
    with pytest.raises(DesignError, match=r"^stone\.stock_number: our stone .* cannot take as it is"):
        to_record(parse_design(small_plate))


# ---------------------------------------------------------------- holds are the store's promise


def _honest(number: str) -> str:
    return with_stock_stone(parse_design(SOLITAIRE), record(number)).to_json()


def test_a_client_holds_one_stone_at_a_time_by_browser_and_by_contact(store):
    later = datetime.now(UTC) + timedelta(hours=24)
    first = store.save("Ann", _honest("D-24001"), owner="browser-ann", contact="ann@example.com",
                       hold=StoneHold("D-24001", later, (), 1))
    with pytest.raises(HoldLimit, match="you already hold our stone D-24001") as refused:
        store.save("Ann", _honest("D-24009"), owner="browser-ann", hold=StoneHold("D-24009", later, (), 1))
    assert refused.value.design_id == first.id
    with pytest.raises(HoldLimit):  # another browser, the same client: her e-mail names her
        store.save("Ann", _honest("D-24009"), owner="browser-phone", contact=" ANN@example.com ",
                   hold=StoneHold("D-24009", later, (), 1))
    assert Inventory(store).get("D-24009").available  # nothing was written
    again = store.save("Ann", _honest("D-24001"), owner="browser-ann", contact="ann@example.com",
                       hold=StoneHold("D-24001", later, (first.id,), 1))  # the same stone, saved again: taken over
    assert Inventory(store).get("D-24001").reserved_for == again.id
    other = store.save("Bea", _honest("D-24009"), owner="browser-bea", contact="+1 555 0100",
                       hold=StoneHold("D-24009", later, (), 1))
    assert Inventory(store).get("D-24009").reserved_for == other.id
    staff = [store.save("Ann", _honest(number), owner="browser-ann", hold=StoneHold(number, later))
             for number in ("D-24003", "D-24008")]  # staff hold as many as the client asks
    assert [Inventory(store).get(number).reserved_for for number in ("D-24003", "D-24008")] == [s.id for s in staff]


def test_contact_details_are_a_phone_or_an_e_mail(store):
    assert check_contact(" ann@example.com ") == "ann@example.com" and check_contact("") is None
    assert check_contact("+44 (0)20 7946-0958") == "+44 (0)20 7946-0958"
    assert contact_key("ANN@Example.com") == "ann@example.com" and contact_key("+1 555-0100") == "15550100"
    for bad in ("ann", "12345", "ann@example", "call me\u202e", "x" * 121):
        with pytest.raises(StorageError, match="^contact: "):
            check_contact(bad)
    saved = store.save("Ann", _honest("D-24001"), contact="ann@example.com")
    assert store.get(saved.id).contact == "ann@example.com"


def test_notes_refuse_what_does_not_show_as_names_do(store):
    design = parse_design(SOLITAIRE).to_json()
    assert store.save("Ann", design, notes="Size M\n\tremind on Friday").notes == "Size M\n\tremind on Friday"
    for hidden in ("\u202e", "\u200b", "\u2066", "\u00ad", "\ufeff"):
        with pytest.raises(StorageError, match=r"^notes: line 2 contains an invisible or line-breaking character"):
            store.save("Ann", design, notes=f"fine\nnot{hidden}fine")


# ---------------------------------------------------------------- three sheets, three readers


def _pdf_text(path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def _sheet_text(design, audience: str, tmp_path) -> str:
    from configurator.sheet import spec_sheet

    out = tmp_path / f"{audience}.pdf"
    out.write_bytes(spec_sheet(design, audience=audience, client="Anna Smith"))
    return _pdf_text(out)


@pytest.mark.parametrize("preset", ["halo-ring", "heirloom-ring", "bridal-set", "bezel-pendant"])
@pytest.mark.slow
def test_each_reader_gets_their_own_sheet(preset, tmp_path):
    design = parse_design(json.loads((ROOT / "models" / f"{preset}.json").read_text()))
    client, workshop, store = (_sheet_text(design, audience, tmp_path) for audience in ("client", "workshop", "store"))
    quote = price(design)
    total = f"{quote.total:,.2f}"
    assert "for Anna Smith" in client and total in client
    for line in quote.client_lines():
        assert f"{line.amount:,.2f}" in client
    lowered = client.lower()
    assert "markup" not in lowered and "labour" not in lowered and "/g" not in client and "sprue" not in lowered
    assert "USD" not in workshop and total not in workshop and "markup" not in workshop.lower()
    assert "Manufacturability" in workshop and "Metal weight in every alloy" in workshop
    assert "markup x" in store and total in store and "/g" in store


@pytest.mark.slow
def test_the_command_line_writes_each_readers_sheet(tmp_path):
    design = ROOT / "models" / "halo-ring.json"
    out = tmp_path / "sheet.pdf"
    for audience in ("client", "workshop"):
        done = subprocess.run([sys.executable, "-m", "configurator", "sheet", str(design), "-o", str(out), "--for",
                               audience, "--client", "Anna Smith"], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0 and done.stdout.strip().endswith(f"the {audience}'s sheet)"), done.stderr
        assert ("USD" in _pdf_text(out)) == (audience == "client")
    refused = subprocess.run([sys.executable, "-m", "configurator", "sheet", str(design), "-o", str(out), "--for",
                              "everyone"], capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1


def test_the_clients_sheet_carries_her_code():
    from configurator.sheet import spec_sheet

    pdf = spec_sheet(parse_design(SOLITAIRE), audience="client", client="Anna", code="ABCD-EFGH-2345-JKLM")
    import io

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Your access code: ABCD-EFGH-2345-JKLM" in " ".join(text.split())


def test_a_chosen_stones_markup_is_on_the_stones_line_not_in_workmanship(shop):
    stock = record("D-24015")
    designed = parse_design(SOLITAIRE)
    chosen = with_stock_stone(designed, stock)
    lines = {line.kind: line.amount for line in price(chosen, stock=stock).client_lines()}
    from configurator.inventory import stone_price
    from configurator.price_table import current_price_table

    table = current_price_table()
    own, _ = stone_price(stock, table)
    assert lines["stone"] == pytest.approx(round(own * table.markup, 2), abs=0.01)
    plain = {line.kind: line.amount for line in price(designed).client_lines()}
    assert lines["workmanship"] == pytest.approx(plain["workmanship"], abs=0.02)  # the stone's markup is not in it
    quote = price(chosen, stock=stock)
    assert round(sum(line.amount for line in quote.client_lines()), 2) == quote.total


@pytest.mark.parametrize("preset", ["halo-ring", "bridal-set", "heirloom-ring", "bezel-pendant", "half-eternity"])
def test_the_clients_lines_add_up_to_the_total_and_name_no_store_workings(preset):
    quote = price(parse_design(json.loads((ROOT / "models" / f"{preset}.json").read_text())))
    client = quote.client_lines()
    assert round(sum(line.amount for line in client), 2) == quote.total
    assert not any("markup" in line.item or "/g" in line.item or "labour" in line.item for line in client)
    for part, subtotal in quote.subtotals.items():
        assert round(sum(line.amount for line in client if line.part == part), 2) == subtotal


def test_a_credit_that_pays_for_it_all_prints_0_00_not_minus():
    doc = json.loads((ROOT / "models" / "heirloom-ring.json").read_text())
    doc["heirloom"]["grams"] = 50.0
    quote = price(parse_design(doc))
    assert quote.total == 0.0 and f"{quote.total:,.2f}" == "0.00"
    assert all(f"{row.amount:.2f}" != "-0.00" for row in quote.rows)
    assert all(f"{line.amount:.2f}" != "-0.00" for line in quote.client_lines())


# ---------------------------------------------------------------- words, not field names


DOTTED = r"\b[a-z_]+\.[a-z_]+\b|\b[a-z]+_mm\b"


@pytest.mark.parametrize("doc", [
    {"ring": {"thickness_mm": 0.8}}, {"ring": {"width_mm": 1.2}, "metal": "silver-925"},
    {"stone": {"length_mm": 6.5}, "setting": {"style": "prong", "prong_mm": 0.5}},
    {"stone": {"length_mm": 12.87}, "ring": {"width_mm": 2.2}},
    {"ring": {"profile": "knife-edge", "thickness_mm": 0.7}},
], ids=["thin", "narrow", "prongs", "heavy stone", "knife edge"])
def test_every_finding_and_fix_is_in_words(doc):
    import re

    base = json.loads((ROOT / "models" / "comfort-band.json").read_text())
    design = parse_design({**base, **{key: value for key, value in doc.items() if key != "ring"},
                           "ring": {**base["ring"], **doc.get("ring", {})}})
    found = check(design, model_of(design))
    assert found
    for finding in found:
        assert not re.search(DOTTED, finding.message), finding.message
        assert not re.search(DOTTED, finding.fix), finding.fix
        if finding.changes:  # a fix's words say what its action does
            assert words.changes(finding.changes) in finding.fix or finding.fix.startswith("make the")


def test_a_fix_found_by_trying_says_what_it_does():
    from configurator.checks import Finding, Severity, _verified

    design = parse_design(json.loads((ROOT / "models" / "comfort-band.json").read_text()) | {
        "ring": {"size": {"system": "US", "value": 7}, "profile": "comfort", "width_mm": 4.0, "thickness_mm": 0.8}})
    stale = Finding(Severity.BLOCKING, "ring.thickness_mm", 0.7, 1.0, "the shank measures 0.70 mm",
                    "make the band 0.85 mm thick", (("ring.thickness_mm", 0.85),), kind="shank")
    fixed = _verified(design, stale)
    assert fixed.changes and fixed.changes != stale.changes
    assert fixed.fix == words.changes(fixed.changes)


def test_refusals_read_in_words():
    assert words.sentence("engraving.height_mm: letters too tall") == "Letter height: letters too tall"
    assert words.sentence("ring.width_mm: too narrow") == "Band width: too narrow"
    assert words.sentence("storage: database is locked") == "storage: database is locked"
    assert words.changes({"setting.style": "bezel", "setting.prongs": None}) == "make the setting bezel"
    assert words.carats(0.0041) == "0.004 ct" and words.carats(1.03) == "1.03 ct"


@pytest.mark.parametrize("preset", ["bezel-pendant", "bridal-set"])
def test_the_sheets_weight_is_the_quotes(preset, tmp_path):
    design = parse_design(json.loads((ROOT / "models" / f"{preset}.json").read_text()))
    grams = f"{quote_summary(design).metal_grams:.2f}"
    from configurator import catalogue

    name = catalogue.metal(design.metal).name
    for audience in ("client", "workshop", "store"):
        text = _sheet_text(design, audience, tmp_path)
        if audience == "client":
            assert f"{name}, {grams} g" in text
        else:
            (row,) = [line for line in text.splitlines() if f"{name} (this design)" in line]
            assert row.split()[len(name.split()) + 3] == grams, row  # alloy, "(this design)", density, weight
