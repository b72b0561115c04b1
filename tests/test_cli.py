"""The command line: what the workshop's scripts rely on, and one readable line for every bad input."""

import json
import subprocess
import sys

import pytest
import trimesh

from configurator import catalogue
from configurator.cli import main
from configurator.documents import load_design
from configurator.geometry import build

from .conftest import ROOT, ring_doc

COMFORT = ROOT / "models" / "comfort-band.json"


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_module_entry_point_runs_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-m", "configurator", "quote", str(COMFORT), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ring_size"]["UK"] == "N 1/2"


def test_schema_is_json_schema(capsys):
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "Design" and "metal" in schema["properties"]


def test_sizes_table_prints_every_system(capsys):
    code, out, _ = run(capsys, "sizes")
    assert code == 0
    header, *rows = out.strip().splitlines()
    assert header.split()[:5] == ["US", "UK", "EU", "JP", "CH"]
    assert any(row.split()[:2] == ["7", "N"] and "17.32" in row for row in rows)
    code, out, _ = run(capsys, "sizes", "--json")
    assert {"US": "7", "UK": "N 1/2", "EU": "54.4", "JP": "14", "CH": "14.4"}.items() <= json.loads(out)[8].items()


def test_quote_json_has_the_contract_fields(capsys, tmp_design):
    path = tmp_design(ring_doc() | {"stone": {"shape": "round", "length_mm": 6.5}})
    code, out, _ = run(capsys, "quote", path, "--json")
    result = json.loads(out)
    assert code == 0
    assert result["inner_diameter_mm"] == pytest.approx(17.32, abs=0.005)
    assert result["metal_grams"] == pytest.approx(result["metal_volume_mm3"] / 1000 * 13.1, rel=1e-3)
    assert result["stones"][0]["carat"] == pytest.approx(1.03, abs=0.01)
    price = result["price"]
    assert price["currency"] == "USD"
    assert round(sum(line["amount"] for line in price["lines"]), 2) == price["total"]
    assert all(set(line) == {"item", "amount", "kind"} for line in price["lines"])
    assert any(line["kind"] == "markup" for line in price["lines"])  # the store's view: the markup as its own line
    assert round(sum(line["amount"] for line in price["client_lines"]), 2) == price["total"]
    assert not any("markup" in line["item"] for line in price["client_lines"])  # the client's: in workmanship


def test_quote_text_shows_the_total(capsys):
    code, out, _ = run(capsys, "quote", COMFORT)
    assert code == 0 and "total USD" in out and "inner diameter 17.31 mm" in out


def test_check_passes_a_castable_band(capsys):
    code, out, _ = run(capsys, "check", COMFORT)
    assert code == 0 and "ready to cast" in out


def test_check_fails_a_thin_band_naming_the_field(capsys, tmp_design):
    path = tmp_design(ring_doc(thickness_mm=0.6))
    code, out, err = run(capsys, "check", path)
    assert code == 1
    assert "ring.thickness_mm" in err and "0.60 mm < 1.00 mm" in err
    assert len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "check", path, "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["findings"][0]["part"] == "ring.thickness_mm"


def test_check_uses_the_alloys_minimum(capsys, tmp_design):
    """1.1 mm passes in 14k gold (minimum 1.0 mm) and fails in sterling silver (1.2 mm)."""
    gold = tmp_design(ring_doc(thickness_mm=1.1), "gold.json")
    silver = tmp_design(ring_doc(thickness_mm=1.1) | {"metal": "silver-925"}, "silver.json")
    assert run(capsys, "check", gold)[0] == 0
    assert run(capsys, "check", silver)[0] == 1


@pytest.mark.parametrize("fmt", ["stl", "obj", "3mf"])
def test_export_every_format_scaled_for_shrinkage(capsys, tmp_path, fmt):
    out = tmp_path / f"wax.{fmt}"
    code, stdout, err = run(capsys, "export", COMFORT, "-o", out)
    assert code == 0, err
    mesh = trimesh.load(out, force="mesh")
    assert mesh.is_watertight and mesh.body_count == 1
    shrinkage = catalogue.metal("platinum-950").shrinkage_pct
    nominal = build(load_design(COMFORT)).metal_volume_mm3
    assert mesh.volume == pytest.approx(nominal / (1 - shrinkage / 100) ** 3, rel=1e-4)


def test_export_is_binary_stl_in_millimetres(capsys, tmp_path):
    out = tmp_path / "wax.stl"
    assert run(capsys, "export", COMFORT, "-o", out, "--shrinkage", "0")[0] == 0
    data = out.read_bytes()
    triangles = int.from_bytes(data[80:84], "little")
    assert len(data) == 84 + 50 * triangles  # binary STL, not ASCII
    mesh = trimesh.load(out)
    assert mesh.extents[1] == pytest.approx(4.0, abs=1e-4)  # band width, mm, unscaled


def test_export_shrinkage_override(capsys, tmp_path):
    plain, scaled = tmp_path / "plain.stl", tmp_path / "scaled.stl"
    run(capsys, "export", COMFORT, "-o", plain, "--shrinkage", "0")
    run(capsys, "export", COMFORT, "-o", scaled, "--shrinkage", "2")
    ratio = trimesh.load(scaled).extents / trimesh.load(plain).extents
    assert ratio == pytest.approx([1 / 0.98] * 3, rel=1e-6)


def test_export_format_flag_beats_the_extension(capsys, tmp_path):
    out = tmp_path / "wax.bin"
    assert run(capsys, "export", COMFORT, "-o", out, "--format", "obj")[0] == 0
    assert out.read_text().lstrip().startswith(("#", "v ", "o "))


def test_export_without_stones_says_so(capsys, tmp_path):
    code, out, _ = run(capsys, "export", COMFORT, "-o", tmp_path / "a.stl", "--stones", tmp_path / "s.stl")
    assert code == 0 and "no stones" in out and not (tmp_path / "s.stl").exists()


@pytest.mark.parametrize("flag", ["--fittings", "--findings"])  # --findings: the trade's word, kept for scripts
def test_export_writes_a_pendants_fittings_under_either_name(capsys, tmp_path, flag):
    parts = tmp_path / "parts.stl"
    code, out, _ = run(capsys, "export", ROOT / "models" / "bezel-pendant.json", "-o", tmp_path / "p.stl", flag, parts)
    fittings = build(load_design(ROOT / "models" / "bezel-pendant.json")).fittings
    assert code == 0 and f"fittings: {parts}" in out
    assert trimesh.load(parts).body_count == len(fittings) >= 2  # jump ring and clasp parts, each its own body


def test_failed_export_leaves_the_target_as_it_was(capsys, tmp_path, tmp_design):
    out = tmp_path / "wax.stl"
    out.write_bytes(b"previous good file")
    bad = tmp_design(ring_doc(width_mm=99))
    code, _, err = run(capsys, "export", bad, "-o", out)
    assert code == 2 and "ring.width_mm" in err
    assert out.read_bytes() == b"previous good file"
    code, _, err = run(capsys, "export", COMFORT, "-o", out, "--shrinkage", "12")
    assert code == 2 and "--shrinkage" in err
    assert out.read_bytes() == b"previous good file"
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")] == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], "required"),
        (["bogus"], "invalid choice"),
        (["quote"], "required"),
        (["quote", "/no/such/design.json"], "no such file"),
        (["export", "DESIGN"], "-o/--output"),
        (["export", "DESIGN", "-o", "/no/such/folder/wax.stl"], "does not exist"),
        (["export", "DESIGN", "-o", "OUT.xyz"], "cannot tell the format"),
        (["export", "DESIGN", "-o", "OUT.stl", "--format", "step"], "invalid choice"),
        (["export", "DESIGN", "-o", "OUT.stl", "--shrinkage", "lots"], "invalid float"),
        (["export", "DESIGN", "-o", "OUT.stl", "--shrinkage", "-1"], "--shrinkage"),
        (["quote", "NOTJSON"], "not JSON"),
        (["quote", "LIST"], "JSON object"),
        (["check", "BADMETAL"], "metal: unknown metal"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, tmp_design, argv, words):
    files = {
        "DESIGN": COMFORT,
        "OUT.xyz": tmp_path / "out.xyz",
        "OUT.stl": tmp_path / "out.stl",
        "NOTJSON": tmp_design("{not json", "notjson.json"),
        "LIST": tmp_design([1, 2], "list.json"),
        "BADMETAL": tmp_design(ring_doc() | {"metal": "unobtainium"}, "badmetal.json"),
    }
    code, out, err = run(capsys, *[files.get(arg, arg) for arg in argv])
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert "Traceback" not in err


def test_bad_input_from_a_real_process_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"piece": "ring", "metal": "14k-yellow", "ring": {"size": {"system": "UK", "value": "N 1/3"}}}')
    result = subprocess.run(
        [sys.executable, "-m", "configurator", "export", str(bad), "-o", str(tmp_path / "x.stl")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: ring.size.value: UK size 'N 1/3' is not a letter A-Z with an optional ' 1/2' (e.g. 'N 1/2')"
    ]
    assert not (tmp_path / "x.stl").exists()


def test_design_from_standard_input(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "configurator", "quote", "-", "--json"],
        input=COMFORT.read_text(),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["metal"] == "platinum-950"


def test_fit_lists_changes_under_the_budget_as_json(capsys):
    solitaire = ROOT / "models" / "solitaire-ring.json"
    code, out, err = run(capsys, "fit", solitaire, "--budget", "5000", "--json")
    assert code == 0, err
    suggestions = json.loads(out)
    assert suggestions and all(set(item) == {"change", "total", "design"} for item in suggestions)
    assert all(item["total"] <= 5000 for item in suggestions)
    assert any(item["change"].startswith("smaller centre stone") for item in suggestions)
    for item in suggestions:
        assert load_design_text(json.dumps(item["design"])).piece.value == "ring"


def load_design_text(text):
    from configurator.documents import loads_design

    return loads_design(text)


def test_fit_text_and_bad_budget(capsys):
    code, out, _ = run(capsys, "fit", COMFORT, "--budget", "100000")
    assert code == 0 and "already within budget" in out
    code, _, err = run(capsys, "fit", COMFORT, "--budget", "-5")
    assert code == 2 and "--budget" in err and len(err.strip().splitlines()) == 1


def test_prices_set_validates_and_dates(capsys, tmp_path, monkeypatch):
    store = tmp_path / "prices.toml"
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(ROOT / "assets" / "prices.toml"))
    code, out, err = run(capsys, "prices", "--set", "markup=2.2", "--set", "metal_per_gram.18k-rose=99.5",
                         "--file", store)
    assert code == 0, err
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(store))
    code, out, _ = run(capsys, "prices", "--json")
    table = json.loads(out)
    assert table["markup"] == 2.2 and table["metal_per_gram"]["18k-rose"] == 99.5
    code, _, err = run(capsys, "prices", "--set", "markup=0.5")
    assert code == 2 and "markup" in err
    code, _, err = run(capsys, "prices", "--set", "markup")
    assert code == 2 and "FIELD=VALUE" in err


def test_a_metal_the_store_has_not_priced_is_refused_in_one_line_until_it_is_set(capsys, tmp_path, monkeypatch,
                                                                                  tmp_design):
    """A table written before a metal joined the catalogue still quotes the others; a design in the new one is refused
    in one line naming it, `prices` lists it as not priced, and `prices --set` prices it."""
    store = tmp_path / "prices.toml"
    text = (ROOT / "assets" / "prices.toml").read_text()
    store.write_text(text.replace("14k-rose = 79.0\n", "", 1))
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(store))
    rose = tmp_design({**ring_doc(), "metal": "14k-rose"}, "rose.json")
    code, out, err = run(capsys, "quote", rose)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "error: the store has not priced 14k rose gold yet (its price per gram is set on the store's settings page)"]
    code, out, _ = run(capsys, "quote", tmp_design(ring_doc()), "--json")
    assert code == 0 and json.loads(out)["price"]["total"] > 0
    code, out, _ = run(capsys, "prices")
    assert "14k-rose         not priced: set it with --set metal_per_gram.14k-rose=PRICE" in out
    code, _, err = run(capsys, "prices", "--set", "metal_per_gram.14k-rose=79", "--file", store)
    assert code == 0, err
    code, out, err = run(capsys, "quote", rose, "--json")
    assert code == 0 and json.loads(out)["metal"] == "14k-rose", err
    code, _, err = run(capsys, "prices", "--set", "metal_per_gram.unobtainium=5", "--file", store)
    assert code == 2 and "metal_per_gram.unobtainium" in err


def test_export_refuses_a_design_that_cannot_be_cast_unless_forced(capsys, tmp_path, tmp_design):
    thin = tmp_design(ring_doc(thickness_mm=0.6))
    out = tmp_path / "thin.stl"
    code, _, err = run(capsys, "export", thin, "-o", out)
    assert code == 1 and "ring.thickness_mm" in err and "--force" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    code, _, err = run(capsys, "export", thin, "-o", out, "--force")
    assert code == 0 and trimesh.load(out).is_watertight


@pytest.mark.parametrize("fmt", ["stl", "obj", "3mf"])
def test_a_halo_ring_loads_back_watertight_with_the_same_volume_in_every_format(capsys, tmp_path, fmt):
    halo = ROOT / "models" / "halo-ring.json"
    out, stones = tmp_path / f"halo.{fmt}", tmp_path / f"stones.{fmt}"
    code, _, err = run(capsys, "export", halo, "-o", out, "--stones", stones, "--shrinkage", "0")
    assert code == 0, err
    metal = trimesh.load(out, force="mesh")
    nominal = build(load_design(halo)).metal_volume_mm3
    assert metal.is_watertight and metal.body_count == 1
    assert metal.volume == pytest.approx(nominal, rel=1e-5)
    gems = trimesh.load(stones, force="mesh")
    assert gems.body_count == len(build(load_design(halo)).stone_parts)


def test_the_command_lines_format_names_are_exports():
    from configurator.cli import FORMATS
    from configurator.export import Format

    assert FORMATS == tuple(fmt.value for fmt in Format)


@pytest.mark.parametrize(("argv", "absent"), [
    (["sizes"], ("manifold3d", "trimesh", "pandas", "scipy", "reportlab", "pyvista", "streamlit")),
    (["schema"], ("manifold3d", "trimesh", "pandas", "scipy", "reportlab", "pyvista", "streamlit")),
    (["quote", str(COMFORT)], ("trimesh", "scipy", "pandas", "networkx", "reportlab", "pyvista", "streamlit")),
    (["quote", str(ROOT / "models" / "bezel-pendant.json")],
     ("trimesh", "scipy", "pandas", "networkx", "reportlab", "pyvista", "streamlit")),
    (["export", str(COMFORT), "-o", "{tmp}/band.stl"], ("pandas", "reportlab", "pyvista", "streamlit")),
    (["check", str(COMFORT)], ("pandas", "reportlab", "pyvista", "streamlit")),
])
@pytest.mark.slow
def test_a_command_imports_only_its_own_path(argv, absent, tmp_path):
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    code = ("import contextlib, io, sys\nfrom configurator.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({argv!r}) == 0\n"
            f"print(sorted(name for name in {absent!r} if name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


# --- the store's loose stones ---------------------------------------------------------------------------------------

STONES_CSV = (
    "stock_number,material,shape,cut,length_mm,width_mm,depth_mm,carat,color,clarity,cut_grade,lab,certificate,price\n"
    "D-1,diamond,round,brilliant,6.44,6.41,3.97,1.01,G,VS1,Excellent,GIA,2141438172,\n"
    "D-2,diamond,oval,brilliant,8.10,6.02,3.71,1.11,F,VS2,Very Good,,,7250\n"
    "D-3,diamond,round,brilliant,5.20,5.17,3.20,0.53,H,SI1,Good,IGI,LG5551234,\n"
)


@pytest.fixture
def stone_db(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'stones.db'}")
    path = tmp_path / "stones.csv"
    path.write_text(STONES_CSV)
    return path


def test_stones_import_list_and_set(capsys, stone_db):
    code, out, err = run(capsys, "stones", "import", stone_db)
    assert (code, err) == (0, "") and out.startswith("imported 3 stones from stones.csv in ")
    code, out, _ = run(capsys, "stones", "list", "--shape", "round", "--color", "D-G", "--json")
    (listed,) = json.loads(out)
    assert code == 0 and listed["stock_number"] == "D-1" and listed["status"] == "available"
    assert listed["priced_from_grid"] and listed["price"] is None and listed["price_in_force"] > 0
    code, out, _ = run(capsys, "stones", "list", "--price-max", "7000", "--json")
    assert [row["stock_number"] for row in json.loads(out)] == ["D-3"]
    code, out, _ = run(capsys, "stones", "list", "--carat-min", "1", "--cut-grade", "very good")
    assert code == 0 and "D-2" in out and "D-1" not in out and out.strip().endswith("1 stone")
    code, out, _ = run(capsys, "stones", "set", "D-1", "price=6900", "status=sold")
    assert code == 0 and out.strip().endswith("; sold")
    code, out, _ = run(capsys, "stones", "list", "--status", "available", "--json")
    assert [row["stock_number"] for row in json.loads(out)] == ["D-2", "D-3"]  # by shape, then carat
    code, out, _ = run(capsys, "stones", "list", "--status", "sold", "--json")
    assert json.loads(out)[0]["price"] == 6900.0


def test_stones_import_refuses_a_bad_file_whole_one_line_a_problem(capsys, stone_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(STONES_CSV.replace("6.02,3.71,1.11", "6.02,3.71,1.1x").replace(",H,SI1,", ",H,XX,"))
    code, out, err = run(capsys, "stones", "import", bad)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "error: bad.csv: row 2 (line 3), stock number D-2: carat: must be a number, not '1.1x'",
        "error: bad.csv: row 3 (line 4), stock number D-3: clarity: 'XX' is not a diamond grade; choose one of: FL, "
        "IF, VVS1, VVS2, VS1, VS2, SI1, SI2, I1, I2, I3",
        "error: bad.csv: refused, nothing imported (2 problems)",
    ]
    code, out, _ = run(capsys, "stones", "list", "--json")
    assert json.loads(out) == []  # nothing half-imported
    assert run(capsys, "stones", "import", stone_db)[0] == 0
    code, _, err = run(capsys, "stones", "import", stone_db)
    assert code == 2 and len(err.splitlines()) == 4 and "row 1, stock number D-1: stock_number: already in" in err
    code, _, err = run(capsys, "stones", "set", "D-1", "carat=3")
    assert code == 2 and err.startswith("error: stone D-1: carat: 3.00 ct does not agree with")
    code, _, err = run(capsys, "stones", "set", "D-9", "price=1")
    assert code == 2 and err == "error: stone D-9: not in the store's inventory\n"
    code, _, err = run(capsys, "stones", "import", tmp_path / "missing.csv")
    assert code == 2 and "cannot read" in err


def test_stones_expire_and_remove(capsys, stone_db):
    from datetime import UTC, datetime, timedelta

    from configurator.inventory import Inventory
    from configurator.storage import Store

    assert run(capsys, "stones", "import", stone_db)[0] == 0
    store = Store.open()
    try:
        stones = Inventory(store)
        stones.reserve("D-1", 4, datetime.now(UTC) + timedelta(days=1))
        stones.reserve("D-2", 5, datetime.now(UTC) + timedelta(days=1))
        from sqlalchemy import update

        from configurator.storage import StoneRow

        with store.engine.begin() as conn:  # D-2's hold runs out
            conn.execute(update(StoneRow).where(StoneRow.stock_number == "D-2")
                         .values(reserved_until=datetime.now(UTC) - timedelta(minutes=1)))
    finally:
        store.close()
    assert run(capsys, "stones", "expire")[:2] == (0, "1 reservation past its time freed\n")
    code, out, err = run(capsys, "stones", "remove", "D-1", "D-2")
    assert (code, out) == (2, "") and err.startswith("error: stone D-1: reserved for saved design #4 ")
    assert len(err.splitlines()) == 1
    assert run(capsys, "stones", "remove", "D-2", "D-3")[:2] == (0, "removed 2 stones\n")
    code, out, _ = run(capsys, "stones", "list", "--json")
    assert [row["stock_number"] for row in json.loads(out)] == ["D-1"]
    code, _, err = run(capsys, "stones", "remove")
    assert code == 2 and err == "error: stones remove: name the stones (stock numbers) or --sample\n"


def test_stones_remove_sample_leaves_the_stores_own_and_the_promised(capsys, stone_db):
    from configurator.inventory import SAMPLE_CSV

    assert run(capsys, "stones", "import", SAMPLE_CSV)[0] == 0
    assert run(capsys, "stones", "import", stone_db)[0] == 0
    assert run(capsys, "stones", "set", "D-24005", "status=sold")[0] == 0
    assert run(capsys, "stones", "remove", "--sample")[:2] == (0, "removed 37 stones\n")
    code, out, _ = run(capsys, "stones", "list", "--json")
    assert sorted(row["stock_number"] for row in json.loads(out)) == ["D-1", "D-2", "D-24005", "D-3"]


def test_fit_proposes_the_stores_stones_when_asked(capsys, stone_db):
    from configurator.inventory import SAMPLE_CSV

    assert run(capsys, "stones", "import", SAMPLE_CSV)[0] == 0
    design = ROOT / "models" / "solitaire-ring.json"
    code, out, _ = run(capsys, "fit", design, "--budget", "3000", "--our-stones", "--json")
    ours = [row for row in json.loads(out) if row["change"].startswith("a stone from our selection: ")]
    assert code == 0 and ours and all(row["total"] <= 3000 for row in ours)
    assert all(row["design"]["stone"]["stock_number"] in row["change"] for row in ours)
    code, out, _ = run(capsys, "fit", design, "--budget", "3000", "--json")
    assert not [row for row in json.loads(out) if "our selection" in row["change"]]
