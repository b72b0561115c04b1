"""The Streamlit page, driven headless through `streamlit.testing.v1.AppTest`.

Every control is driven by its key and the test asserts what the customer would see change: the price,
the metal weight, the size labels, the manufacturability messages and the wax file offered for download.

The 3D preview (stpyvista + a forked vtk.js export) costs ~3 s on the first run and ~0.7 s per new design,
so the logic tests switch it off with `CONFIGURATOR_PREVIEW=off` (app.py honours it); `test_preview_*`
keeps it on and checks the preview component itself.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

import pytest
import trimesh
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DEFAULT = json.loads((ROOT / "models" / "comfort-band.json").read_text(encoding="utf-8"))
PROFILES = ["flat", "half-round", "comfort", "knife-edge", "bevelled", "concave"]
DATABASE_URL = f"sqlite:///{Path(tempfile.gettempdir()) / 'configurator-apptest-designs.db'}"


# ---------------------------------------------------------------- helpers


def _run(runnable) -> AppTest:
    """Run the page (an AppTest, or a widget whose new value should be sent) and insist it did not fail."""
    at = runnable.run()
    assert not at.exception, [exception.value for exception in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    matches = [m.value for m in at.metric if m.label == label]
    assert len(matches) == 1, f"expected one {label!r} metric, found {[m.label for m in at.metric]}"
    return matches[0]


def price(at: AppTest) -> float:
    """The Price metric as a number ("USD 1,063.56" -> 1063.56)."""
    match = re.fullmatch(r"([A-Z]{3}) ([\d,]+\.\d\d)", metric(at, "Price"))
    assert match, metric(at, "Price")
    return float(match.group(2).replace(",", ""))


def grams(at: AppTest) -> float:
    match = re.fullmatch(r"(\d+\.\d\d) g", metric(at, "Metal"))
    assert match, metric(at, "Metal")
    return float(match.group(1))


def volume(at: AppTest) -> float:
    match = re.fullmatch(r"(\d+) mm³", metric(at, "Volume"))
    assert match, metric(at, "Volume")
    return float(match.group(1))


def inner_diameter(at: AppTest) -> float:
    match = re.fullmatch(r"(\d+\.\d\d) mm", metric(at, "Inner diameter"))
    assert match, metric(at, "Inner diameter")
    return float(match.group(1))


def size_caption(at: AppTest) -> str:
    captions = [c.value for c in at.caption if "inner diameter" in c.value]
    assert len(captions) == 1, [c.value for c in at.caption]
    return captions[0]


def download(at: AppTest, key: str):
    buttons = [b for b in at.get("download_button") if b.key == key]
    assert len(buttons) == 1, [b.key for b in at.get("download_button")]
    return buttons[0]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def app(monkeypatch) -> AppTest:
    """The page after its first run, preview off, with the default comfort band."""
    monkeypatch.chdir(ROOT)  # app.py opens models/comfort-band.json relative to the working directory
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    return _run(AppTest.from_file(str(APP), default_timeout=60))


@pytest.fixture
def media(monkeypatch) -> list[tuple[bytes, str | None]]:
    """Every (data, filename) AppTest's in-memory media storage receives: the bytes behind download buttons."""
    stored: list[tuple[bytes, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            stored.append((path_or_data, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return stored


def last_file(media: list[tuple[bytes, str | None]], filename: str) -> bytes:
    files = [data for data, name in media if name == filename]
    assert files, f"no {filename} was offered for download"
    return files[-1]


# ---------------------------------------------------------------- the first page


def test_default_design_is_shown_with_its_price_and_no_problems(app):
    assert app.title[0].value == "Design your piece"
    assert app.selectbox(key="metal").value == DEFAULT["metal"]
    assert app.selectbox(key="profile").value == DEFAULT["ring"]["profile"]
    assert app.slider(key="width").value == pytest.approx(DEFAULT["ring"]["width_mm"])
    assert app.slider(key="thickness").value == pytest.approx(DEFAULT["ring"]["thickness_mm"])
    assert app.radio(key="size_system").value == "UK"
    assert app.selectbox(key="size_value_UK").value == "N 1/2"
    assert app.radio(key="view").value == "3/4"
    assert app.checkbox(key="shrinkage").value is True

    assert metric(app, "Price").startswith("USD ")
    assert price(app) > 0 and grams(app) > 0 and volume(app) > 0
    # UK N 1/2 is 37.5 + 13.5 x 1.25 = 54.375 mm around: 17.31 mm across.
    assert inner_diameter(app) == pytest.approx(54.375 / 3.141592653589793, abs=0.006)
    assert size_caption(app).startswith("US 7 · UK N 1/2 · EU 54.4 · JP 14 · CH 14.4")
    # grams = volume x platinum's 20.7 g/cm3
    assert grams(app) == pytest.approx(volume(app) * 20.7 / 1000, rel=0.01)

    assert not errors(app) and not warnings(app)
    assert [s.value for s in app.success] == ["Ready to cast: walls, gaps, prongs and seats measured on the mesh meet the "
                                              "casting minimums."]
    assert not download(app, "download_stl").proto.disabled
    assert not download(app, "download_json").proto.disabled
    assert download(app, "download_sheet").label == "Download spec sheet (PDF)"  # made when pressed
    assert len(app.dataframe) == 1


# ---------------------------------------------------------------- band controls


def test_wider_band_costs_more_and_weighs_more(app):
    before_price, before_grams, before_volume = price(app), grams(app), volume(app)
    _run(app.slider(key="width").set_value(6.0))
    assert app.slider(key="width").value == pytest.approx(6.0)
    assert price(app) > before_price
    assert grams(app) > before_grams
    # the profile stretches along the finger: 1.5x the width is about 1.5x the metal
    assert volume(app) / before_volume == pytest.approx(1.5, rel=0.05)
    assert grams(app) / before_grams == pytest.approx(1.5, rel=0.05)

    _run(app.slider(key="width").set_value(3.0))
    assert price(app) < before_price and grams(app) < before_grams


def test_thicker_band_costs_more_and_weighs_more(app):
    before_price, before_grams = price(app), grams(app)
    _run(app.slider(key="thickness").set_value(2.5))
    assert price(app) > before_price
    assert grams(app) > before_grams
    assert inner_diameter(app) == pytest.approx(17.31, abs=0.01)  # the size is the inside: unchanged


def test_metal_changes_weight_by_density_and_the_price(app):
    platinum_price, platinum_grams, platinum_volume = price(app), grams(app), volume(app)

    _run(app.selectbox(key="metal").set_value("silver-925"))
    assert volume(app) == platinum_volume  # same band, another alloy
    assert grams(app) == pytest.approx(platinum_grams * 10.36 / 20.7, rel=0.01)
    assert price(app) < platinum_price
    silver_price = price(app)

    _run(app.selectbox(key="metal").set_value("18k-yellow"))
    assert grams(app) == pytest.approx(platinum_grams * 15.5 / 20.7, rel=0.01)
    assert price(app) not in (platinum_price, silver_price)
    assert silver_price < price(app)

    _run(app.selectbox(key="metal").set_value("platinum-950"))
    assert price(app) == platinum_price and grams(app) == platinum_grams


def test_every_profile_prices_and_a_flat_band_holds_the_most_metal(app):
    seen = {}
    for profile in PROFILES:
        _run(app.selectbox(key="profile").set_value(profile))
        assert app.selectbox(key="profile").value == profile
        assert not errors(app), (profile, errors(app))
        seen[profile] = (price(app), grams(app), volume(app))
    # a flat band fills the whole width x thickness rectangle; every shaped profile removes metal
    assert all(seen["flat"][2] > seen[p][2] for p in PROFILES if p != "flat")
    assert all(seen["flat"][0] > seen[p][0] for p in PROFILES if p != "flat")
    # a knife edge is the lightest of them
    assert min(seen, key=lambda p: seen[p][1]) == "knife-edge"
    assert len({v[2] for v in seen.values()}) >= 5  # the profiles really differ


def test_too_thin_band_is_blocked_with_an_error_naming_the_field(app):
    _run(app.slider(key="thickness").set_value(0.8))
    blocking = [e for e in errors(app) if e.startswith("ring.thickness_mm:")]
    assert len(blocking) == 1, errors(app)
    assert "too thin" in blocking[0]
    assert "platinum 950" in blocking[0]
    # measured on the mesh across the middle of the domed comfort band: at most the 0.8 mm parameter
    measured = re.search(r"\((\d\.\d\d) mm, minimum 1\.00 mm\)", blocking[0])
    assert measured and 0.7 <= float(measured.group(1)) <= 0.8
    assert "Fix: make thickness_mm at least" in blocking[0]
    assert not app.success  # no "Ready to cast"
    assert download(app, "download_stl").proto.disabled  # no wax for a band that cannot be cast
    assert not download(app, "download_json").proto.disabled  # the design itself can still be saved
    assert price(app) > 0  # still quoted

    _run(app.slider(key="thickness").set_value(1.8))
    assert not errors(app)
    assert app.success
    assert not download(app, "download_stl").proto.disabled


def test_narrow_band_gets_a_warning_not_a_block(app):
    _run(app.slider(key="width").set_value(1.5))
    assert not warnings(app)  # platinum: 1.5 mm is exactly 1.5 x its 1.0 mm minimum shank
    _run(app.selectbox(key="metal").set_value("silver-925"))  # silver needs 1.2 mm: at least 1.8 mm wide
    assert not errors(app)
    assert any(w.startswith("ring.width_mm:") and "narrow" in w for w in warnings(app)), warnings(app)
    assert not download(app, "download_stl").proto.disabled


# ---------------------------------------------------------------- ring size


def test_switching_size_system_keeps_the_size(app):
    assert app.selectbox(key="size_value_UK").value == "N 1/2"
    uk_price = price(app)

    _run(app.radio(key="size_system").set_value("US"))
    assert app.radio(key="size_system").value == "US"
    assert app.selectbox(key="size_value_US").value == "7"
    assert size_caption(app).startswith("US 7 · UK N 1/2")
    assert inner_diameter(app) == pytest.approx(17.31, abs=0.02)
    assert price(app) == pytest.approx(uk_price, rel=0.002)  # 54.41 vs 54.375 mm: a hair more metal

    _run(app.radio(key="size_system").set_value("UK"))
    assert app.selectbox(key="size_value_UK").value == "N 1/2"
    assert price(app) == uk_price  # back to exactly the same ring


@pytest.mark.parametrize(("system", "shown"), [("US", "7"), ("JP", "14"), ("EU", "54.5"), ("CH", "14.5")])
def test_each_size_system_shows_the_nearest_size(app, system, shown):
    _run(app.radio(key="size_system").set_value(system))
    assert app.selectbox(key=f"size_value_{system}").value == shown
    assert f"{system} " in size_caption(app)
    # nearest pickable size: within half the coarsest step (EU/CH 0.5 mm around = 0.08 mm across)
    assert inner_diameter(app) == pytest.approx(17.31, abs=0.08)


def test_larger_size_weighs_more(app):
    _run(app.radio(key="size_system").set_value("US"))
    before_price, before_grams, before_diameter = price(app), grams(app), inner_diameter(app)
    _run(app.selectbox(key="size_value_US").set_value("10"))
    assert inner_diameter(app) > before_diameter
    # US 10 = 36.5367 + 2.5535 x 10 mm around
    assert inner_diameter(app) == pytest.approx((36.5367 + 25.535) / 3.141592653589793, abs=0.006)
    assert size_caption(app).startswith("US 10 · ")
    assert grams(app) > before_grams
    assert price(app) > before_price

    _run(app.selectbox(key="size_value_US").set_value("4"))
    assert grams(app) < before_grams


def test_uk_letter_size_can_be_picked(app):
    before = grams(app)
    _run(app.selectbox(key="size_value_UK").set_value("T"))
    assert size_caption(app).split(" · ")[1] == "UK T"
    assert grams(app) > before


# ---------------------------------------------------------------- view, shrinkage, downloads


def test_view_changes_nothing_but_the_view(app):
    before = (price(app), grams(app), volume(app))
    for view in ["top", "side", "front", "3/4"]:
        _run(app.radio(key="view").set_value(view))
        assert app.radio(key="view").value == view
        assert (price(app), grams(app), volume(app)) == before
        assert not warnings(app)


def test_shrinkage_scales_the_wax_but_not_the_price(app, media):
    # the fixture's first run came before `media` started recording: rerun to capture the files
    _run(app)
    shrunk_url = download(app, "download_stl").proto.url
    shrunk = trimesh.load(io.BytesIO(last_file(media, "comfort-fit-wedding-band-wax.stl")), file_type="stl")
    design = json.loads(last_file(media, "comfort-fit-wedding-band.json"))
    assert design["metal"] == "platinum-950" and design["ring"]["size"] == {"system": "UK", "value": "N 1/2"}
    assert "(1 %)" in app.checkbox(key="shrinkage").label  # platinum shrinks 1 %
    before_price = price(app)

    _run(app.checkbox(key="shrinkage").uncheck())
    assert app.checkbox(key="shrinkage").value is False
    assert download(app, "download_stl").proto.url != shrunk_url  # another file
    exact = trimesh.load(io.BytesIO(last_file(media, "comfort-fit-wedding-band-wax.stl")), file_type="stl")
    assert price(app) == before_price

    assert exact.is_watertight and shrunk.is_watertight
    # the unscaled wax is the ring itself: 17.31 mm inside, 4 mm wide; the shrinkage wax is 1/(1-1 %) larger
    assert exact.extents[1] == pytest.approx(4.0, abs=0.01)  # the finger axis is Y
    assert shrunk.extents == pytest.approx(exact.extents / 0.99, rel=1e-4)
    assert shrunk.volume == pytest.approx(exact.volume / 0.99**3, rel=1e-4)
    assert exact.volume == pytest.approx(volume(app), abs=1.0)

    _run(app.checkbox(key="shrinkage").check())
    assert download(app, "download_stl").proto.url == shrunk_url  # deterministic: the same file again


def test_silver_shrinkage_label_follows_the_metal(app):
    _run(app.selectbox(key="metal").set_value("silver-925"))
    assert "(1.9 %)" in app.checkbox(key="shrinkage").label


# ---------------------------------------------------------------- the 3D preview itself (slow: kept on)


def test_preview_component_is_rendered_for_each_view(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CONFIGURATOR_PREVIEW", raising=False)
    at = _run(AppTest.from_file(str(APP), default_timeout=60))
    assert not warnings(at), warnings(at)  # no "3D view is not available"
    previews = at.get("bidi_component")
    assert [p.key for p in previews] == ["preview-3/4"]
    payload = json.loads(previews[0].proto.json)["_html"]
    assert "<html" in payload[:200].lower() and "vtk" in payload.lower()
    assert len(payload) > 100_000  # the self-contained vtk.js page with the scene

    _run(at.radio(key="view").set_value("top"))
    assert not warnings(at), warnings(at)
    assert [p.key for p in at.get("bidi_component")] == ["preview-top"]
    assert json.loads(at.get("bidi_component")[0].proto.json)["_html"] != payload
    assert price(at) > 0


def test_budget_helper_lists_changes_under_the_budget(app):
    full = price(app)
    _run(app.number_input(key="budget").set_value(round(full * 0.6)))
    rows = app.table[0].value
    assert len(rows) >= 1
    totals = [float(value.replace(",", "")) for value in rows["price"]]
    assert all(total <= full * 0.6 for total in totals)
    assert all(change.startswith("another metal") for change in rows["change"])
    assert totals == sorted(totals, reverse=True)  # closest to the budget first
    _run(app.number_input(key="budget").set_value(full * 2))
    assert any("Within budget" in message.value for message in app.success)


def test_catalogue_comparison_is_shown(app):
    assert any("mass-produced catalogue piece" in caption.value for caption in app.caption)


# ---------------------------------------------------------------- stones, settings, pendants


def table_items(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["item"])


def with_stone(app) -> AppTest:
    return _run(app.checkbox(key="stone_on").check())


def test_adding_a_stone_adds_its_price_and_carats(app):
    plain = price(app)
    at = with_stone(app)
    assert price(at) > plain
    assert any(item.startswith("stone: round diamond") for item in table_items(at))
    assert any(caption.value.endswith("ct by its modelled volume") for caption in at.caption)


def test_a_bigger_stone_costs_more(app):
    at = with_stone(app)
    small = price(at)
    carat = next(c.value for c in at.caption if c.value.endswith("ct by its modelled volume"))
    at = _run(at.slider(key="stone_length").set_value(7.0))
    assert price(at) > small
    assert next(c.value for c in at.caption if c.value.endswith("ct by its modelled volume")) != carat


def test_lab_grown_and_a_clients_own_stone_cost_less(app):
    at = with_stone(app)
    natural = price(at)
    at = _run(at.selectbox(key="material").set_value("lab-diamond"))
    assert price(at) < natural
    at = _run(at.selectbox(key="material").set_value("diamond"))
    at = _run(at.checkbox(key="client_stone").check())
    assert price(at) < natural
    assert any("client's own" in item for item in table_items(at))


def test_coloured_stones_take_their_own_grades(app):
    at = with_stone(app)
    at = _run(at.selectbox(key="material").set_value("sapphire"))
    assert at.selectbox(key="color").options == ["blue", "pink", "yellow", "white", "green", "padparadscha"]
    assert at.selectbox(key="clarity").options == ["eye-clean", "slightly-included", "included"]


@pytest.mark.parametrize("style", ["bezel", "halo", "channel", "pave", "cathedral"])
def test_every_setting_style_prices(app, style):
    at = with_stone(app)
    at = _run(at.selectbox(key="profile").set_value("flat"))
    at = _run(at.selectbox(key="style").set_value(style))
    assert price(at) > 0
    accents = [item for item in table_items(at) if item.startswith("accent stones")]
    assert bool(accents) == (style in ("halo", "channel", "pave"))


def test_shoulder_rows_on_a_knife_edge_are_explained_not_crashed(app):
    at = with_stone(app)
    at = _run(at.selectbox(key="profile").set_value("knife-edge"))
    at = _run(at.selectbox(key="style").set_value("pave"))
    assert any("setting.style" in error.value for error in at.error)


def test_a_pendant_with_its_clasp(app):
    at = _run(app.radio(key="piece").set_value("pendant"))
    assert at.selectbox(key="outline").value == "round"
    at = with_stone(at)
    first = price(at)
    for key, value in (("outline", "heart"), ("bail", "hinged"), ("clasp", "toggle")):
        at = _run(at.selectbox(key=key).set_value(value))
    at = _run(at.slider(key="chain_length").set_value(600.0))
    assert price(at) > 0 and price(at) != first


def test_engraving_and_heirloom_lines(app):
    at = _run(app.text_input(key="engraving").input("For ever"))
    assert "labour: engraving 7 characters" in table_items(at)
    before = price(at)
    at = _run(at.checkbox(key="heirloom_on").check())
    at = _run(at.number_input(key="heirloom_grams").set_value(8.0))
    assert any(item.startswith("credit: client's") for item in table_items(at))
    assert price(at) < before


def test_a_preset_opens_with_its_stone(app):
    at = _run(app.selectbox(key="preset").set_value("Cushion halo"))
    at = _run(at.button(key="open_preset").click())
    assert at.checkbox(key="stone_on").value is True
    assert at.selectbox(key="shape").value == "cushion"
    assert at.selectbox(key="style").value == "halo"


# ---------------------------------------------------------------- links, saving, store settings


def test_a_share_link_reopens_the_same_design(monkeypatch):
    from configurator.design import load_design
    from configurator.share import encode_design

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    design = load_design(ROOT / "models" / "halo-ring.json")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["design"] = encode_design(design)
    at = _run(at)
    assert at.selectbox(key="metal").value == "platinum-950"
    assert at.selectbox(key="shape").value == "cushion"
    from configurator.share import decode_design

    token = at.query_params["design"]
    shown = decode_design(token[0] if isinstance(token, list) else token)  # the address bar keeps the design
    assert (shown.metal, shown.stone.shape.value, shown.setting.style.value) == ("platinum-950", "cushion", "halo")


def test_a_damaged_share_link_falls_back_with_a_warning(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["design"] = "not-a-design"
    at = _run(at)
    assert any("could not be opened" in warning.value for warning in at.warning)
    assert price(at) > 0


def test_save_then_load_from_the_saved_list(app):
    at = _run(app.selectbox(key="metal").set_value("18k-rose"))
    at.text_input(key="client_name").input("Ada Lovelace")
    at.text_input(key="title").input("Rose band")
    at = _run(at.button(key="FormSubmitter:save_form-Save design").click())
    assert any(message.value.startswith("Saved as #") for message in at.success)
    at = _run(at.sidebar.radio(key="section").set_value("Saved designs"))
    assert any("Rose band" in text.value and "Ada Lovelace" in text.value for text in at.markdown)
    load = next(button for button in at.button if button.key and button.key.startswith("load_"))
    at = _run(load.click())
    assert at.sidebar.radio(key="section").value == "Design"
    assert at.selectbox(key="metal").value == "18k-rose"


def test_a_bad_client_name_is_refused_in_words(app):
    at = app
    at.text_input(key="client_name").input("   ")
    at = _run(at.button(key="FormSubmitter:save_form-Save design").click())
    assert any("client_name" in error.value for error in at.error)


def test_store_settings_are_locked_without_a_password(app, monkeypatch):
    monkeypatch.delenv("CONFIGURATOR_STORE_PASSWORD_HASH", raising=False)
    at = _run(app.sidebar.radio(key="section").set_value("Store settings"))
    assert any("locked" in info.value for info in at.info)
    assert not at.number_input


def test_store_settings_change_the_markup_behind_a_password(monkeypatch, tmp_path):
    from configurator.passwords import hash_password

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    monkeypatch.setenv("CONFIGURATOR_STORE_PASSWORD_HASH", hash_password("open sesame", iterations=1000))
    prices = tmp_path / "prices.toml"
    prices.write_text((ROOT / "assets" / "prices.toml").read_text())
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(prices))
    at = _run(AppTest.from_file(str(APP), default_timeout=60))
    before = price(at)
    at = _run(at.sidebar.radio(key="section").set_value("Store settings"))
    at.text_input(key="store_password").input("wrong password")
    at = _run(at.button(key="unlock").click())
    assert any("not right" in error.value for error in at.error)
    at.text_input(key="store_password").input("open sesame")
    at = _run(at.button(key="unlock").click())
    at.number_input(key="markup").set_value(3.0)
    at = _run(at.button(key="FormSubmitter:prices_form-Save prices").click())
    assert any("Prices saved" in message.value for message in at.success)
    assert "markup = 3.0" in prices.read_text()
    at = _run(at.sidebar.radio(key="section").set_value("Design"))
    assert price(at) > before


def test_every_stone_and_setting_control_changes_the_design(app):
    at = with_stone(app)
    at = _run(at.selectbox(key="shape").set_value("oval"))
    carats = lambda at: next(c.value for c in at.caption if c.value.endswith("by its modelled volume"))  # noqa: E731
    steps = [
        ("slider", "stone_width", 3.2),
        ("selectbox", "cut", "step"),
        ("selectbox", "color", "E"),
        ("selectbox", "clarity", "VVS1"),
        ("selectbox", "prongs", 6),
        ("selectbox", "tips", "claw"),
        ("selectbox", "shape", "pear"),
    ]
    for kind, key, value in steps:
        before_price, before_grams, before_carat = price(at), grams(at), carats(at)
        at = _run(getattr(at, kind)(key=key).set_value(value))
        design = at.session_state["design"]
        stone, setting = design["stone"], design["setting"]
        shown = {"stone_width": stone.get("width_mm"), "cut": stone["cut"], "color": stone["color"],
                 "clarity": stone["clarity"], "prongs": setting.get("prongs"), "tips": setting.get("tips"),
                 "shape": stone["shape"]}[key]
        assert shown == value, key
        assert (price(at), grams(at), carats(at)) != (before_price, before_grams, before_carat), key
    for view in ("top", "side", "front", "3/4"):
        at = _run(at.radio(key="view").set_value(view))
        assert at.radio(key="view").value == view
