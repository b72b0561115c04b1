"""The Streamlit page, driven headless through `streamlit.testing.v1.AppTest`.

Every control is driven by its key and the test asserts what the customer would see change: the price,
the metal weight, the size labels, the manufacturability messages and the wax file offered for download.

The 3D preview (the piece's GLB written for the browser's viewer) is switched off in the logic tests with
`CONFIGURATOR_PREVIEW=off` (app.py honours it); `test_the_viewer_*` keeps it on and checks what the viewer is
sent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from configurator.design import Stone
from configurator.stones import matching_side_mm, side_carat_share
from tests.helpers.apptest import (
    APP,
    DATABASE_URL,
    document,
    download,
    errors,
    infos,
    metric,
    price,
    price_table,
    run_page,
    successes,
    table_items,
    unescaped,
    warnings,
)
from webapp.form import CONTROLS

pytestmark = pytest.mark.slow  # AppTest drives the page: `-m "not slow"` leaves it out

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = json.loads((ROOT / "models" / "comfort-band.json").read_text(encoding="utf-8"))
PROFILES = ["flat", "half-round", "comfort", "knife-edge", "bevelled", "concave"]


# ---------------------------------------------------------------- helpers


def facts(at: AppTest) -> str:
    """The line under the price: grams of metal, carats, inner diameter."""
    found = [c.value for c in at.caption if re.match(r"^\d+\.\d\d g of ", c.value)]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]


def grams(at: AppTest) -> float:
    return float(re.match(r"^(\d+\.\d\d) g of ", facts(at)).group(1))


def volume(at: AppTest) -> float:
    from configurator.documents import parse_design
    from configurator.quotes import quote_summary

    return quote_summary(parse_design(document(at))).metal_volume_mm3


def inner_diameter(at: AppTest) -> float:
    match = re.search(r"inner diameter (\d+\.\d\d) mm", facts(at))
    assert match, facts(at)
    return float(match.group(1))


def size_caption(at: AppTest) -> str:
    captions = [c.value for c in at.caption if c.value.startswith("US ") and "inner diameter" in c.value]
    assert len(captions) == 1, [c.value for c in at.caption]
    return captions[0]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def staff_app(app) -> AppTest:
    """The page as store staff see it (signed in): the workshop's files, the store's price lines."""
    app.session_state["store_unlocked"] = True
    return run_page(app)


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

    assert metric(app, "Price").startswith("USD ")
    assert price(app) > 0 and grams(app) > 0 and volume(app) > 0
    assert [m.label for m in app.metric] == ["Price"]
    # UK N 1/2 is 37.5 + 13.5 x 1.25 = 54.375 mm around: 17.31 mm across.
    assert inner_diameter(app) == pytest.approx(54.375 / 3.141592653589793, abs=0.006)
    assert size_caption(app).startswith("US 7 · UK N 1/2 · EU 54.4 · JP 14 · CH 14.4")
    # grams = volume x platinum's 20.7 g/cm3
    assert grams(app) == pytest.approx(volume(app) * 20.7 / 1000, rel=0.01)

    assert not errors(app) and not warnings(app)
    assert successes(app) == ["Ready to cast: walls, gaps, prongs and seats measured on the mesh meet the "
                                              "casting minimums."]
    assert not download(app, "download_json").proto.disabled
    assert download(app, "download_sheet").label == "Download the client's sheet (PDF)"  # made when pressed
    keys = {button.key for button in app.get("download_button")}
    assert not keys & {"download_stl", "download_obj", "download_3mf", "download_stones"}  # the workshop's: staff's
    lines = price_table(app)  # the client's view: every line shown, a total row, no markup
    assert list(lines)[-1] == "Total USD" and lines["Total USD"] == metric(app, "Price").removeprefix("USD ")
    assert not any("markup" in item.lower() for item in lines)
    assert not app.dataframe  # a plain table: nothing hidden behind an inner scroll


# ---------------------------------------------------------------- band controls


def test_wider_band_costs_more_and_weighs_more(app):
    before_price, before_grams, before_volume = price(app), grams(app), volume(app)
    run_page(app.slider(key="width").set_value(6.0))
    assert app.slider(key="width").value == pytest.approx(6.0)
    assert price(app) > before_price
    assert grams(app) > before_grams
    # the profile stretches along the finger: 1.5x the width is about 1.5x the metal
    assert volume(app) / before_volume == pytest.approx(1.5, rel=0.05)
    assert grams(app) / before_grams == pytest.approx(1.5, rel=0.05)

    run_page(app.slider(key="width").set_value(3.0))
    assert price(app) < before_price and grams(app) < before_grams


def test_thicker_band_costs_more_and_weighs_more(app):
    before_price, before_grams = price(app), grams(app)
    run_page(app.slider(key="thickness").set_value(2.5))
    assert price(app) > before_price
    assert grams(app) > before_grams
    assert inner_diameter(app) == pytest.approx(17.31, abs=0.01)  # the size is the inside: unchanged


def test_every_control_is_sent_the_designs_value_on_every_run(app):
    """A browser can lose a control's own state when a change lands while the last run is still under way (seen
    under load: the Width and Thickness sliders fell to their minimums and sent them back as the client's change).
    So the page sends each control the design's value on every run, not only when it differs from the control's."""
    run_page(app.slider(key="width").set_value(4.3))
    run_page(app.slider(key="width").set_value(4.4))  # a second run that changes nothing but the width
    controls = [w for kind in ("slider", "selectbox", "radio", "checkbox") for w in app.get(kind) if w.key in CONTROLS]
    assert {"width", "thickness", "metal", "profile", "size_system"} <= {w.key for w in controls}
    # all but the Width slider just moved: the browser's value is its newest, and the design took it
    assert [w.key for w in controls if not w.proto.set_value] == ["width"]
    assert list(app.slider(key="thickness").proto.value) == [pytest.approx(DEFAULT["ring"]["thickness_mm"])]
    assert document(app)["ring"]["thickness_mm"] == DEFAULT["ring"]["thickness_mm"]
    assert document(app)["ring"]["width_mm"] == 4.4

    run_page(app.selectbox(key="metal").set_value("18k-rose"))  # another control moved: the width is sent again
    assert app.slider(key="width").proto.set_value and list(app.slider(key="width").proto.value) == [pytest.approx(4.4)]


def test_metal_changes_weight_by_density_and_the_price(app):
    platinum_price, platinum_grams, platinum_volume = price(app), grams(app), volume(app)

    run_page(app.selectbox(key="metal").set_value("silver-925"))
    assert volume(app) == platinum_volume  # same band, another alloy
    assert grams(app) == pytest.approx(platinum_grams * 10.36 / 20.7, rel=0.01)
    assert price(app) < platinum_price
    silver_price = price(app)

    run_page(app.selectbox(key="metal").set_value("18k-yellow"))
    assert grams(app) == pytest.approx(platinum_grams * 15.5 / 20.7, rel=0.01)
    assert price(app) not in (platinum_price, silver_price)
    assert silver_price < price(app)

    run_page(app.selectbox(key="metal").set_value("platinum-950"))
    assert price(app) == platinum_price and grams(app) == platinum_grams


def test_every_profile_prices_and_a_flat_band_holds_the_most_metal(app):
    seen = {}
    for profile in PROFILES:
        run_page(app.selectbox(key="profile").set_value(profile))
        assert app.selectbox(key="profile").value == profile
        assert not errors(app), (profile, errors(app))
        seen[profile] = (price(app), grams(app), volume(app))
    # a flat band fills the whole width x thickness rectangle; every shaped profile removes metal
    assert all(seen["flat"][2] > seen[p][2] for p in PROFILES if p != "flat")
    assert all(seen["flat"][0] > seen[p][0] for p in PROFILES if p != "flat")
    # a knife edge is the lightest of them
    assert min(seen, key=lambda p: seen[p][1]) == "knife-edge"
    assert len({v[2] for v in seen.values()}) >= 5  # the profiles really differ


def test_the_workshops_files_are_staffs(staff_app):
    app = staff_app
    assert app.checkbox(key="shrinkage").value is True
    assert not download(app, "download_stl").proto.disabled
    assert app.radio(key="sheet_for").value == "client"
    run_page(app.radio(key="sheet_for").set_value("workshop"))
    assert download(app, "download_sheet").label == "Download the workshop's sheet (PDF)"


def test_too_thin_band_is_blocked_with_an_error_naming_the_field(staff_app):
    app = staff_app
    run_page(app.slider(key="thickness").set_value(0.8))
    blocking = [e for e in errors(app) if e.startswith("The shank measures")]
    assert len(blocking) == 1, errors(app)
    assert "too thin" in blocking[0]
    assert "platinum 950" in blocking[0]
    assert "at the bottom of the shank" in blocking[0]  # named by part, not by coordinates
    # measured on the mesh across the middle of the domed comfort band: at most the 0.8 mm parameter
    measured = re.search(r"\((\d\.\d\d) mm; at least 1\.00 mm\)", blocking[0])
    assert measured and 0.7 <= float(measured.group(1)) <= 0.8
    assert re.search(r"Make the band \d\.\d\d mm thick\.$", blocking[0])  # in words, saying what the fix does
    assert not successes(app)  # no "Ready to cast"
    for key in ("download_stl", "download_obj", "download_3mf", "download_glb"):
        assert download(app, key).proto.disabled, key  # no metal file for a band that cannot be cast
    assert any(e.startswith("Wax files are held back until the check passes: the shank") for e in errors(app))
    assert not download(app, "download_json").proto.disabled  # the design itself can still be saved
    assert price(app) > 0  # still quoted

    run_page(app.slider(key="thickness").set_value(1.8))
    assert not errors(app)
    assert successes(app)
    assert not download(app, "download_stl").proto.disabled and not download(app, "download_obj").proto.disabled


def test_narrow_band_gets_a_warning_not_a_block(staff_app):
    app = staff_app
    run_page(app.slider(key="width").set_value(1.5))
    assert not warnings(app)  # platinum: 1.5 mm is exactly 1.5 x its 1.0 mm minimum shank
    run_page(app.selectbox(key="metal").set_value("silver-925"))  # silver needs 1.2 mm: at least 1.8 mm wide
    assert not errors(app)
    assert any(w.startswith("The band is narrow enough to bend") for w in warnings(app)), warnings(app)
    assert not download(app, "download_stl").proto.disabled


# ---------------------------------------------------------------- ring size


def test_switching_size_system_keeps_the_size(app):
    assert app.selectbox(key="size_value_UK").value == "N 1/2"
    uk_price = price(app)

    run_page(app.radio(key="size_system").set_value("US"))
    assert app.radio(key="size_system").value == "US"
    assert app.selectbox(key="size_value_US").value == "7"
    assert size_caption(app).startswith("US 7 · UK N 1/2")
    assert inner_diameter(app) == pytest.approx(17.31, abs=0.02)
    assert price(app) == pytest.approx(uk_price, rel=0.002)  # 54.41 vs 54.375 mm: a hair more metal

    run_page(app.radio(key="size_system").set_value("UK"))
    assert app.selectbox(key="size_value_UK").value == "N 1/2"
    assert price(app) == uk_price  # back to exactly the same ring


@pytest.mark.parametrize(("system", "shown"), [("US", "7"), ("JP", "14"), ("EU", "54.4"), ("CH", "14.4")])
def test_each_size_system_shows_the_designs_size(app, system, shown):
    run_page(app.radio(key="size_system").set_value(system))
    assert app.selectbox(key=f"size_value_{system}").value == shown
    assert f"{system} " in size_caption(app)
    # the design's own size as that system names it (EU and CH to 0.1 mm, offered beside their 0.5 mm steps)
    assert f"{system} {shown}" in size_caption(app)
    assert inner_diameter(app) == pytest.approx(17.31, abs=0.01)  # looking in another system changes nothing


def test_larger_size_weighs_more(app):
    run_page(app.radio(key="size_system").set_value("US"))
    before_price, before_grams, before_diameter = price(app), grams(app), inner_diameter(app)
    run_page(app.selectbox(key="size_value_US").set_value("10"))
    assert inner_diameter(app) > before_diameter
    # US 10 = 36.5367 + 2.5535 x 10 mm around
    assert inner_diameter(app) == pytest.approx((36.5367 + 25.535) / 3.141592653589793, abs=0.006)
    assert size_caption(app).startswith("US 10 · ")
    assert grams(app) > before_grams
    assert price(app) > before_price

    run_page(app.selectbox(key="size_value_US").set_value("4"))
    assert grams(app) < before_grams


def test_uk_letter_size_can_be_picked(app):
    before = grams(app)
    run_page(app.selectbox(key="size_value_UK").set_value("T"))
    assert size_caption(app).split(" · ")[1] == "UK T"
    assert grams(app) > before


# ---------------------------------------------------------------- view, shrinkage, downloads


def test_view_changes_nothing_but_the_view(app):
    before = (price(app), grams(app), volume(app))
    for view in ["top", "side", "front", "3/4"]:
        run_page(app.radio(key="view").set_value(view))
        assert app.radio(key="view").value == view
        assert (price(app), grams(app), volume(app)) == before
        assert not warnings(app)


def test_shrinkage_scales_the_wax_but_not_the_price(staff_app):
    app = staff_app
    # the files themselves are made when pressed: test_browser downloads both and measures them
    assert "(1 %)" in app.checkbox(key="shrinkage").label  # platinum shrinks 1 %
    before = (price(app), grams(app), volume(app))
    run_page(app.checkbox(key="shrinkage").uncheck())
    assert app.checkbox(key="shrinkage").value is False
    assert (price(app), grams(app), volume(app)) == before
    run_page(app.checkbox(key="shrinkage").check())
    assert (price(app), grams(app), volume(app)) == before


def test_silver_shrinkage_label_follows_the_metal(staff_app):
    app = staff_app
    run_page(app.selectbox(key="metal").set_value("silver-925"))
    assert "(1.9 %)" in app.checkbox(key="shrinkage").label


# ---------------------------------------------------------------- the 3D preview itself (slow: kept on)


def viewer_args(at) -> dict:
    viewers = at.get("component_instance")
    assert len(viewers) == 1  # one frame, kept across changes: nothing below it moves
    return json.loads(viewers[0].proto.json_args)


def test_the_viewer_is_sent_the_glb_of_the_geometry_and_the_looks_of_the_design(monkeypatch):
    from configurator import glb
    from webapp import viewer

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CONFIGURATOR_PREVIEW", raising=False)
    at = run_page(AppTest.from_file(str(APP), default_timeout=60))
    assert not warnings(at), warnings(at)
    args = viewer_args(at)
    from configurator.documents import parse_design

    design = parse_design(document(at))
    key = args["glb"]
    assert args["url"] == f"{viewer.GLB_URL}{key}.glb" and (viewer.GLB_DIR / f"{key}.glb").exists()
    assert args["cameraKey"].startswith("ring:3/4") and args["orbit"] == viewer.RING_VIEWS["3/4"]
    metal = args["metal"]
    assert args["looks"]["metal"] == glb.metal_material(metal)
    assert not any("not available" in s.value for s in at.get("html") if hasattr(s, "value"))

    run_page(at.selectbox(key="metal").set_value("18k-rose"))
    rose = viewer_args(at)
    assert rose["glb"] == key and rose["looks"]["metal"] == glb.metal_material("18k-rose")  # no new geometry

    run_page(at.radio(key="view").set_value("top"))
    top = viewer_args(at)
    assert top["glb"] == key and "ring:top" in top["cameraKey"] and top["orbit"] == viewer.RING_VIEWS["top"]
    assert price(at) > 0
    assert glb.glb_key(design) == key


def test_budget_helper_lists_changes_under_the_budget(app):
    full = price(app)
    run_page(app.text_input(key="budget").set_value(str(round(full * 0.6))))
    rows = next(t.value for t in app.table if "change" in t.value.columns)
    assert len(rows) >= 1
    totals = [float(value.replace(",", "")) for value in rows["USD"]]
    assert all(total <= full * 0.6 for total in totals)
    assert all(change.startswith("another metal") for change in rows["change"])
    assert totals == sorted(totals, reverse=True)  # closest to the budget first
    run_page(app.text_input(key="budget").set_value(str(full * 2)))
    assert any("Within budget" in message for message in successes(app))


def test_catalogue_comparison_is_shown(app):
    assert any("mass-produced catalogue piece" in caption.value for caption in app.caption)


# ---------------------------------------------------------------- stones, settings, pendants


def with_stone(app) -> AppTest:
    return run_page(app.checkbox(key="stone_on").check())


def test_adding_a_stone_adds_its_price_and_carats(app):
    plain = price(app)
    at = with_stone(app)
    assert price(at) > plain
    assert any(item.startswith("Centre stone: round diamond") for item in table_items(at))
    assert float(at.text_input(key="carat").value) == pytest.approx(0.47, abs=0.01)  # the stone's weight, always shown


def test_a_bigger_stone_costs_more(app):
    at = with_stone(app)
    small = price(at)
    at = run_page(at.text_input(key="carat").set_value(str(1.0)))
    assert price(at) > small
    assert float(at.text_input(key="carat").value) == pytest.approx(1.0)
    at = run_page(at.radio(key="size_by").set_value("mm"))
    at = run_page(at.slider(key="stone_length").set_value(7.0))
    carat = next(float(c.value.split()[0]) for c in at.caption if "ct by its modelled volume" in c.value)
    assert carat > 1.0 and document(at)["stone"]["length_mm"] == 7.0


def test_lab_grown_and_a_clients_own_stone_cost_less(app):
    at = with_stone(app)
    natural = price(at)
    at = run_page(at.selectbox(key="material").set_value("lab-diamond"))
    assert price(at) < natural
    at = run_page(at.selectbox(key="material").set_value("diamond"))
    at = run_page(at.checkbox(key="client_stone").check())
    assert price(at) < natural
    assert any("your own" in item for item in table_items(at))


def test_coloured_stones_take_their_own_grades(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="material").set_value("sapphire"))
    assert at.selectbox(key="color").options == ["blue", "pink", "yellow", "white", "green", "padparadscha"]
    assert at.selectbox(key="clarity").options == ["eye-clean", "slightly-included", "included"]


@pytest.mark.parametrize("style", ["bezel", "halo", "channel", "pave", "cathedral"])
def test_every_setting_style_prices(app, style):
    at = with_stone(app)
    at = run_page(at.selectbox(key="profile").set_value("flat"))
    at = run_page(at.selectbox(key="style").set_value(style))
    assert price(at) > 0
    accents = [item for item in table_items(at) if item.startswith("Accent stones")]
    assert bool(accents) == (style in ("halo", "channel", "pave"))


def test_shoulder_rows_on_a_knife_edge_are_explained_not_crashed(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="profile").set_value("knife-edge"))
    at = run_page(at.selectbox(key="style").set_value("pave"))
    assert any(warning.startswith("That change was not made. Setting: ") and "flat or rounded top" in warning
               for warning in warnings(at)), warnings(at)  # next to the control, the field in words
    assert at.selectbox(key="style").value == "prong"  # refused: the control shows the design as it is


def test_a_pendant_with_its_clasp(app):
    at = run_page(app.radio(key="piece").set_value("pendant"))
    assert at.selectbox(key="outline").value == "round"
    at = with_stone(at)
    first = price(at)
    for key, value in (("outline", "heart"), ("bail", "hinged"), ("clasp", "toggle")):
        at = run_page(at.selectbox(key=key).set_value(value))
    at = run_page(at.slider(key="chain_length").set_value(600.0))
    assert price(at) > 0 and price(at) != first


def test_engraving_and_heirloom_lines(app):
    at = run_page(app.text_input(key="engraving").input("For ever"))
    assert "Engraving: 7 characters" in table_items(at)
    before = price(at)
    at = run_page(at.checkbox(key="heirloom_on").check())
    at = run_page(at.text_input(key="heirloom_grams").set_value(str(8.0)))
    assert any(item.startswith("Credit: your 14k yellow gold") for item in table_items(at))
    assert price(at) < before


def test_an_engraving_shows_how_it_is_cut(app):
    plain = volume(app)
    at = run_page(app.text_input(key="engraving").input("Forever"))
    assert at.checkbox(key="engraving_cut").value is True  # a new text is cut into the metal
    assert volume(at) < plain  # and the letters are taken out of it
    at = run_page(at.selectbox(key="engraving_font").set_value("script"))
    at = run_page(at.radio(key="engraving_place").set_value("outside"))
    at = run_page(at.slider(key="engraving_height").set_value(2.0))
    at = run_page(at.slider(key="engraving_depth").set_value(0.2))
    assert document(at)["engraving"] | {"position_deg": 180.0} == {
        "text": "Forever", "cut": True, "font": "script", "place": "outside", "height_mm": 2.0, "depth_mm": 0.2,
        "position_deg": 180.0}
    assert "Engraving: 7 characters" in table_items(at)  # still charged per character
    at = run_page(at.text_input(key="engraving").input("Always"))  # a new text keeps the letters chosen
    assert document(at)["engraving"]["font"] == "script"
    at = run_page(at.checkbox(key="engraving_cut").uncheck())
    assert document(at)["engraving"]["cut"] is False and volume(at) == pytest.approx(plain)
    assert not [box for box in at.selectbox if box.key == "engraving_font"]  # by hand: no letters to choose


def test_an_engraving_too_long_for_the_band_is_refused_in_words_and_kept_with_its_ways(app):
    text = " ".join(["WWWWWWW"] * 5)  # 39 characters: more than the band takes
    at = run_page(app.text_input(key="engraving").input(text))
    assert any(message.startswith("That change was not made. Engraving text: ") and "takes the first" in message
               for message in warnings(at)), warnings(at)
    assert "engraving" not in document(at)
    assert at.text_input(key="engraving").value == text  # the text is kept, not wiped
    ways = [unescaped(button.label) for button in at.button if button.key.startswith("engraving_way_")]
    assert ways[0] == "Have it engraved by hand after casting" and any(way.startswith("Engrave “W") for way in ways)
    at = run_page(next(b for b in at.button if unescaped(b.label).startswith("Engrave “W")).click())
    kept = document(at)["engraving"]["text"]
    assert text.startswith(kept) and set(kept.split()) == {"WWWWWWW"}  # whole words, never half of one
    assert at.text_input(key="engraving").value == kept


def test_a_pendants_engraving_is_on_its_back(app):
    at = run_page(app.text_input(key="engraving").input("Mum"))
    at = run_page(at.radio(key="engraving_place").set_value("outside"))
    at = run_page(at.radio(key="piece").set_value("pendant"))
    assert document(at)["engraving"]["place"] == "inside" and document(at)["engraving"]["text"] == "Mum"
    assert not [radio for radio in at.radio if radio.key == "engraving_place"]
    assert "On the back, reading from behind" in [text.value for text in at.text]


def test_the_engraved_preset_shows_its_engraving(app):
    at = run_page(app.selectbox(key="preset").set_value("Engraved comfort band"))
    at = run_page(at.button(key="open_preset").click())
    assert at.text_input(key="engraving").value == "J & E 2022" and at.checkbox(key="engraving_cut").value is True
    assert at.selectbox(key="engraving_font").value == "sans" and at.radio(key="engraving_place").value == "inside"
    assert at.slider(key="engraving_height").value == 2.1 and at.slider(key="engraving_depth").value == 0.2
    assert "Engraving: 7 characters" in table_items(at) and not warnings(at) and not errors(at)


def test_a_preset_opens_with_its_stone(app):
    at = run_page(app.selectbox(key="preset").set_value("Cushion halo"))
    at = run_page(at.button(key="open_preset").click())
    assert at.checkbox(key="stone_on").value is True
    assert at.selectbox(key="shape").value == "cushion"
    assert at.selectbox(key="style").value == "halo"


# ---------------------------------------------------------------- links, saving, store settings


def test_a_share_link_reopens_the_same_design(monkeypatch):
    from configurator.documents import load_design
    from configurator.share import encode_design

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    design = load_design(ROOT / "models" / "halo-ring.json")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["design"] = encode_design(design)
    at = run_page(at)
    assert at.selectbox(key="metal").value == "platinum-950"
    assert at.selectbox(key="shape").value == "cushion"
    from configurator.share import decode_design

    token = at.query_params["design"]
    shown = decode_design(token[0] if isinstance(token, list) else token)  # the address bar keeps the design
    assert (shown.metal, shown.stone.shape.value, shown.setting.style.value) == ("platinum-950", "cushion", "halo")


def test_the_address_keeps_the_design_on_every_page(app):
    from configurator.share import decode_design

    at = run_page(app.selectbox(key="metal").set_value("18k-rose"))
    at = run_page(at.switch_page("app_pages/saved.py"))
    token = at.query_params["design"]
    assert decode_design(token[0] if isinstance(token, list) else token).metal == "18k-rose"  # a reload reopens it


def test_a_damaged_share_link_falls_back_with_a_warning(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["design"] = "not-a-design"
    at = run_page(at)
    assert any("could not be opened" in warning for warning in warnings(at))
    assert price(at) > 0


def test_save_then_load_from_the_saved_list(app):
    at = run_page(app.selectbox(key="metal").set_value("18k-rose"))
    at = run_page(at.text_input(key="name").input("Rose band"))
    at.text_input(key="client_name").input("Ada Lovelace")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    assert any(message.startswith("Saved as #") for message in successes(at))
    at = run_page(at.switch_page("app_pages/saved.py"))
    assert any("Rose band" in html.proto.body and "Ada Lovelace" in html.proto.body for html in at.get("html"))
    load = next(button for button in at.button if button.key and button.key.startswith("load_"))
    at = run_page(load.click())
    assert [title.value for title in at.title] == ["Design your piece"]  # the Design page, opened for it
    assert at.selectbox(key="metal").value == "18k-rose"


def test_a_bad_client_name_is_refused_in_words(app):
    at = app
    at.text_input(key="client_name").input("   ")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    assert any(error.startswith("Not saved: Client name: must not be empty") for error in errors(at)), errors(at)


def test_store_settings_are_locked_without_a_password(app, monkeypatch):
    monkeypatch.delenv("CONFIGURATOR_STORE_PASSWORD_HASH", raising=False)
    at = run_page(app.switch_page("app_pages/store_settings.py"))
    assert any("locked" in info for info in infos(at))
    assert not [box for box in at.text_input if box.key == "markup"]


def store_app(monkeypatch, prices: Path, table: str) -> AppTest:
    """The page with a store password ("open sesame") and the store's price table written from `table`."""
    from configurator.passwords import hash_password

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    monkeypatch.setenv("CONFIGURATOR_STORE_PASSWORD_HASH", hash_password("open sesame", iterations=1000))
    prices.write_text(table)
    monkeypatch.setenv("CONFIGURATOR_PRICES", str(prices))
    return run_page(AppTest.from_file(str(APP), default_timeout=60))


def test_store_settings_change_the_markup_behind_a_password(monkeypatch, tmp_path):
    prices = tmp_path / "prices.toml"
    at = store_app(monkeypatch, prices, (ROOT / "assets" / "prices.toml").read_text())
    before = price(at)
    at = run_page(at.switch_page("app_pages/store_settings.py"))
    at.text_input(key="store_password").input("wrong password")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    assert any("not right" in error for error in errors(at))
    at.text_input(key="store_password").input("open sesame")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    at.text_input(key="markup").set_value(str(3.0))
    at = run_page(at.button(key="FormSubmitter:prices_form-Save prices").click())
    assert any("Prices saved" in message for message in successes(at))
    assert "markup = 3.0" in prices.read_text()
    at = run_page(at.switch_page("app_pages/design.py"))
    assert price(at) > before


def test_a_metal_the_store_has_not_priced_is_not_offered_until_staff_price_it(monkeypatch, tmp_path):
    """A metal new to the catalogue is missing from the store's own table: the others still quote, clients are not
    offered it, staff are told and price it on the settings page, and then it is offered and priced."""
    prices = tmp_path / "prices.toml"
    text = (ROOT / "assets" / "prices.toml").read_text()
    assert "14k-rose = 79.0\n" in text
    at = store_app(monkeypatch, prices, text.replace("14k-rose = 79.0\n", "", 1))
    assert price(at) > 0 and not errors(at)
    assert "14k rose gold" not in at.selectbox(key="metal").options
    assert "18k rose gold" in at.selectbox(key="metal").options
    at = run_page(at.switch_page("app_pages/store_settings.py"))
    at.text_input(key="store_password").input("open sesame")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    assert any(w.startswith("Not priced yet: 14k rose gold.") for w in warnings(at)), warnings(at)
    at.text_input(key="price_14k-rose").set_value("79,5")  # as a person types it
    at = run_page(at.button(key="FormSubmitter:prices_form-Save prices").click())
    assert any("Prices saved" in message for message in successes(at)), errors(at)
    assert "14k-rose = 79.5" in prices.read_text()
    at = run_page(at.switch_page("app_pages/design.py"))
    before = price(at)
    at = run_page(at.selectbox(key="metal").set_value("14k-rose"))
    assert document(at)["metal"] == "14k-rose" and price(at) != before and not errors(at)


def test_every_stone_and_setting_control_changes_the_design(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="shape").set_value("oval"))
    at = run_page(at.checkbox(key="stone_free").check())
    steps = [
        ("text_input", "stone_width", 3.2),
        ("selectbox", "cut", "step"),
        ("selectbox", "color", "E"),
        ("selectbox", "clarity", "VVS1"),
        ("selectbox", "prongs", 6),
        ("selectbox", "tips", "claw"),
        ("slider", "prong_mm", 1.3),
        ("selectbox", "shape", "pear"),
    ]
    for kind, key, value in steps:
        before_price, before_grams = price(at), grams(at)
        at = run_page(getattr(at, kind)(key=key).set_value(str(value) if kind == "text_input" else value))
        design = document(at)
        stone, setting = design["stone"], design["setting"]
        shown = {"stone_width": stone.get("width_mm"), "cut": stone.get("cut"), "color": stone.get("color"),
                 "clarity": stone.get("clarity"), "prongs": setting.get("prongs"), "tips": setting.get("tips"),
                 "prong_mm": setting.get("prong_mm"), "shape": stone.get("shape")}[key]
        assert shown == value, key
        assert (price(at), grams(at)) != (before_price, before_grams) or key in ("color", "clarity"), key
    for view in ("top", "side", "front", "3/4"):
        at = run_page(at.radio(key="view").set_value(view))
        assert at.radio(key="view").value == view


# ---------------------------------------------------------------- one source of truth


def _open_preset(at: AppTest, name: str) -> AppTest:
    at = run_page(at.selectbox(key="preset").set_value(name))
    return run_page(at.button(key="open_preset").click())


def _preset_doc(file: str) -> dict:
    from configurator.documents import parse_design

    return parse_design(json.loads((ROOT / "models" / file).read_text())).to_dict()


def test_a_loaded_preset_drives_every_control_and_stays(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="metal").set_value("18k-rose"))
    at = run_page(at.text_input(key="carat").set_value(str(0.75)))
    at = _open_preset(at, "Cushion halo")
    loaded = _preset_doc("halo-ring.json")
    assert document(at) == loaded
    shown = {"metal": at.selectbox(key="metal").value, "shape": at.selectbox(key="shape").value,
             "style": at.selectbox(key="style").value, "width": at.slider(key="width").value,
             "thickness": at.slider(key="thickness").value, "size": at.selectbox(key="size_value_US").value}
    assert shown == {"metal": "platinum-950", "shape": "cushion", "style": "halo", "width": 2.2, "thickness": 1.7,
                     "size": "6"}
    at = run_page(at.radio(key="view").set_value("top"))  # not a design field: nothing changes
    assert document(at) == loaded
    at = run_page(at.selectbox(key="metal").set_value("18k-white"))
    assert document(at) == {**loaded, "metal": "18k-white"}  # the loaded design plus that one change


def test_a_budget_suggestion_drives_every_control_and_stays(app):
    at = _open_preset(app, "Classic solitaire")
    at = run_page(at.text_input(key="budget").set_value(str(round(price(at) * 0.7))))
    labels = at.selectbox(key="suggestion").options
    smaller = next(label for label in labels if label.startswith("smaller centre stone"))
    at = run_page(at.selectbox(key="suggestion").set_value(smaller))
    at = run_page(at.button(key="apply_suggestion").click())
    applied = document(at)
    assert applied["stone"]["length_mm"] < 6.5
    assert float(at.text_input(key="carat").value) == pytest.approx(
        float(re.search(r"\((\d+\.\d\d) ct\)", smaller).group(1)), abs=0.011)
    at = run_page(at.selectbox(key="clarity").set_value("SI1"))
    assert document(at) == {**applied, "stone": {**applied["stone"], "clarity": "SI1"}}


def test_a_refused_change_says_why_and_keeps_the_design(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="style").set_value("pave"))
    before = document(at)
    at = run_page(at.selectbox(key="profile").set_value("knife-edge"))
    assert document(at) == before
    assert at.selectbox(key="profile").value == "comfort"  # the control shows the design, not the refused choice
    assert any(w.startswith("That change was not made. Setting: pave shoulders need") for w in warnings(at))


# ---------------------------------------------------------------- stones by carat


@pytest.mark.parametrize("shape", ["round", "oval", "cushion", "pear", "marquise", "princess", "emerald", "asscher",
                                   "radiant", "heart", "trillion", "baguette"])
def test_every_shape_takes_a_carat(app, shape):
    from configurator.design import Shape, Stone
    from configurator.shapes import shape_of
    from configurator.stones import modelled_carat

    at = with_stone(app)
    at = run_page(at.selectbox(key="shape").set_value(shape))
    at = run_page(at.text_input(key="carat").set_value(str(1.0)))
    stone = Stone.model_validate(document(at)["stone"])
    assert modelled_carat(stone) == pytest.approx(1.0, abs=0.01)
    low, high = shape_of(Shape(shape)).rules.length_to_width_range
    assert low - 1e-9 <= stone.length_mm / stone.outline_width_mm <= high + 1e-9
    assert any(item.startswith(f"Centre stone: {shape} diamond") and "1.00 ct" in item for item in table_items(at))


def test_choosing_a_shape_sets_its_usual_ratio_and_keeps_the_carat(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="shape").set_value("emerald"))
    at = run_page(at.text_input(key="carat").set_value(str(1.5)))
    at = run_page(at.checkbox(key="stone_free").check())
    at = run_page(at.text_input(key="stone_width").set_value(str(6.0)))
    carat = float(at.text_input(key="carat").value)  # the wider stone weighs more than 1.5 ct
    at = run_page(at.selectbox(key="shape").set_value("oval"))
    stone = document(at)["stone"]
    assert stone["length_mm"] / stone["width_mm"] == pytest.approx(1.35, abs=0.01)  # oval's usual 1.35, not 6.0 mm
    assert float(at.text_input(key="carat").value) == pytest.approx(carat, abs=0.01)


# ---------------------------------------------------------------- findings that can be acted on


def test_a_finding_names_its_place_and_its_fix_clears_it(app):
    at = run_page(app.slider(key="thickness").set_value(0.8))
    fixes = [button for button in at.button if button.key and button.key.startswith("fix_")]
    assert fixes and re.fullmatch(r"Fix: make the band \d\.\d\d mm thick", fixes[0].label), fixes[0].label
    assert not any(re.search(r"\(-?\d+\.\d, -?\d+\.\d, -?\d+\.\d\) mm", e) for e in errors(at) + warnings(at))
    assert not any("_mm" in e for e in errors(at) + warnings(at))  # words, not field names
    at = run_page(fixes[0].click())
    assert not any(e.startswith("The shank measures") for e in errors(at))
    assert document(at)["ring"]["thickness_mm"] > 0.8
    assert any(i.startswith("Fix applied") for i in infos(at))


def test_prong_diameter_has_a_control_and_its_finding_a_fix(app):
    at = with_stone(app)
    at = run_page(at.slider(key="prong_mm").set_value(0.5))
    prong = [e for e in errors(at) if e.startswith("Prongs of 0.50 mm")]
    assert prong and "prong_mm" not in prong[0]
    fix = next(b for b in at.button if b.key and b.key.startswith("fix_") and "the prongs" in b.label)
    at = run_page(fix.click())
    assert document(at)["setting"]["prong_mm"] >= 1.0
    assert not any(e.startswith("Prongs of") for e in errors(at) + warnings(at))


# ---------------------------------------------------------------- pendants, prices, names


def test_a_pendant_shows_no_ring_figures_and_prices_its_chain(app):
    at = run_page(app.radio(key="piece").set_value("pendant"))
    assert "inner diameter" not in facts(at) and "chain" in facts(at)
    assert not [c for c in at.caption if c.value.startswith("US ")]
    assert "ring" not in document(at)  # no stray band in a pendant's document
    chain = [item for item in table_items(at) if item.startswith("Chain: cable, 450 mm")]
    assert len(chain) == 1
    before, grams_before = price(at), grams(at)
    at = run_page(at.slider(key="chain_length").set_value(600.0))
    assert price(at) > before and grams(at) == grams_before  # the chain is priced; cast metal unchanged
    at = run_page(at.selectbox(key="clasp").set_value("toggle"))
    assert grams(at) != grams_before  # the clasp is cast metal, weighed
    at = run_page(at.radio(key="piece").set_value("ring"))
    assert document(at)["ring"] == DEFAULT["ring"]  # the band as it was before trying a pendant


def store_lines(at: AppTest) -> dict[str, str]:
    """The store's price lines, in the box staff open (item -> amount text)."""
    frames = [t.value for t in at.table if "" in t.value.columns]
    assert len(frames) == 2, len(frames)  # the client's lines, then the store's
    return dict(zip(frames[1][""], frames[1][frames[1].columns[-1]], strict=True))


def test_the_store_sees_the_markup_and_the_client_does_not(app):
    assert not any("markup" in item.lower() or "labour" in item.lower() for item in table_items(app))
    app.session_state["store_unlocked"] = True
    at = run_page(app)
    assert not any("markup" in item.lower() for item in table_items(at))  # the client at the counter sees her lines
    assert any(item.startswith("markup x") for item in store_lines(at))  # staff open the store's
    assert list(store_lines(at))[-1] == "Total USD" and store_lines(at)["Total USD"] == price_table(at)["Total USD"]


def test_downloads_and_the_saved_row_take_the_design_name(staff_app, media):
    at = run_page(staff_app.text_input(key="name").input("Anna's anniversary band"))
    run_page(at)
    names = {name for _, name in media if name}
    assert "annas-anniversary-band-stones.stl" in names, names  # wax files are made when pressed (test_browser)
    assert "annas-anniversary-band.json" in names
    assert json.loads(last_file(media, "annas-anniversary-band.json"))["name"] == "Anna's anniversary band"


# ---------------------------------------------------------------- no traceback, whatever happens


def test_delete_asks_first_and_can_be_undone(app):
    at = run_page(app.text_input(key="name").input("Undo me"))
    at.text_input(key="client_name").input("Undo Client")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    at.session_state["store_unlocked"] = True  # deleting is store staff's
    at = run_page(at.switch_page("app_pages/saved.py"))
    delete = next(b for b in at.button if b.key.startswith("delete_"))
    row_id = delete.key.removeprefix("delete_")
    at = run_page(delete.click())
    assert any(w.startswith("Delete this saved design?") for w in warnings(at))
    at = run_page(at.button(key=f"really_delete_{row_id}").click())
    assert not [b for b in at.button if b.key == f"load_{row_id}"]
    at = run_page(at.button(key="undo_delete").click())
    assert [b for b in at.button if b.key == f"load_{row_id}"]


def test_a_busy_database_is_one_line_not_a_traceback(app, monkeypatch):
    from configurator.storage import StorageError, Store

    def busy(*args, **kwargs):
        raise StorageError("storage: database is locked")

    for method in ("list", "duplicate", "delete", "save"):
        monkeypatch.setattr(Store, method, busy)
    at = run_page(app.switch_page("app_pages/saved.py"))
    assert errors(at) == ["storage: database is locked"]
    at = run_page(at.switch_page("app_pages/design.py"))
    at.text_input(key="client_name").input("Someone")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    assert "Not saved: storage: database is locked" in errors(at)
    assert price(at) > 0


def test_a_corrupt_price_file_is_one_line_and_the_design_is_kept(monkeypatch, tmp_path):
    at = store_app(monkeypatch, tmp_path / "prices.toml", "markup = [not toml")
    assert any(e.startswith("The price cannot be shown: prices.toml: not valid TOML") for e in errors(at))
    assert document(at)["metal"] == DEFAULT["metal"]
    at = run_page(at.switch_page("app_pages/store_settings.py"))
    at.text_input(key="store_password").input("open sesame")
    at = run_page(at.button(key="FormSubmitter:unlock_form-Unlock").click())
    assert any(e.startswith("The price table cannot be read") for e in errors(at))


def test_the_budget_helper_on_a_narrow_marquise_answers_in_words(app):
    at = with_stone(app)
    at = run_page(at.selectbox(key="shape").set_value("marquise"))
    at = run_page(at.radio(key="size_by").set_value("mm"))
    at = run_page(at.slider(key="stone_length").set_value(6.5))
    at = run_page(at.checkbox(key="stone_free").check())
    at = run_page(at.text_input(key="stone_depth").set_value(str(0.6)))
    at = run_page(at.text_input(key="stone_width").set_value(str(1.0)))
    at = run_page(at.text_input(key="budget").set_value(str(300.0)))
    assert document(at)["stone"]["width_mm"] == 1.0
    assert infos(at) or at.table  # suggestions or a plain "no single change" line


# ---------------------------------------------------------------- the small ones


def test_no_two_controls_share_a_label(app):
    at = with_stone(app)
    at = run_page(at.radio(key="size_by").set_value("mm"))
    at = run_page(at.checkbox(key="stone_free").check())
    labels = [w.label for kind in ("slider", "selectbox", "text_input") for w in at.get(kind)]
    assert len(labels) == len(set(labels)), sorted(labels)


def test_the_eu_size_box_and_caption_agree(app):
    at = run_page(app.radio(key="size_system").set_value("EU"))
    box = at.selectbox(key="size_value_EU").value
    assert size_caption(at).split(" · ")[2] == f"EU {box}"  # 54.4, the design's own size, in both
    assert document(at)["ring"]["size"] == DEFAULT["ring"]["size"]  # looking in EU changed nothing


def test_extras_stay_open_over_an_engraving_or_a_credit(app):
    at = run_page(app.text_input(key="engraving").input("Always"))
    at = run_page(at.checkbox(key="heirloom_on").check())
    assert at.text_input(key="engraving").value == "Always"
    assert not [e for e in at.get("expandable") if "Extras" in str(e.label)]  # a section of its own, not folded


# ---------------------------------------------------------------- two kinds of visitor


def fresh_session(monkeypatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    return run_page(AppTest.from_file(str(APP), default_timeout=60))


def saved_ids(at: AppTest) -> set[str]:
    return {button.key.removeprefix("load_") for button in at.button if button.key and button.key.startswith("load_")}


def test_a_customer_sees_only_their_own_designs_and_staff_see_all(monkeypatch):
    import uuid

    client = f"Private Client {uuid.uuid4().hex[:6]}"
    alice = fresh_session(monkeypatch)
    alice.text_input(key="client_name").input(client)
    alice.text_area(key="notes").input("Phone +1 555 0100, budget 3000")
    alice = run_page(alice.button(key="FormSubmitter:save_form-Save design").click())
    message = next(success for success in successes(alice) if success.startswith("Saved as"))
    code = re.search(r"access code is ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})", unescaped(message)).group(1)
    saved = re.search(r"#(\d+)", message).group(1)
    alice = run_page(alice.switch_page("app_pages/saved.py"))
    assert saved in saved_ids(alice)  # saved from this browser: hers

    stranger = fresh_session(monkeypatch)
    stranger = run_page(stranger.switch_page("app_pages/saved.py"))
    assert saved not in saved_ids(stranger)
    assert not any(client in html.proto.body for html in stranger.get("html"))  # not even the name
    assert not [button for button in stranger.button if button.key and button.key.startswith("delete_")]

    stranger.text_input(key="access_code").input(code.lower())  # the code, as a person types it
    stranger = run_page(stranger.button(key="FormSubmitter:code_form-Open with the code").click())
    assert saved in saved_ids(stranger)  # reached with the access code
    assert not [button for button in stranger.button if button.key and button.key.startswith("delete_")]

    staff = fresh_session(monkeypatch)
    staff.session_state["store_unlocked"] = True
    staff = run_page(staff.switch_page("app_pages/saved.py"))
    assert saved in saved_ids(staff) and f"delete_{saved}" in {button.key for button in staff.button}


def test_a_staff_session_locks_itself_when_idle(app):
    from configurator.passwords import IDLE_LOCK_S

    app.session_state["store_unlocked"] = True
    app.session_state["staff_active_at"] = __import__("time").monotonic() - IDLE_LOCK_S - 1
    at = run_page(app.switch_page("app_pages/saved.py"))
    assert not [button for button in at.button if button.key and button.key.startswith("delete_")]
    assert at.session_state["store_unlocked"] is False


# ---------------------------------------------------------------- eternity bands


def test_an_eternity_row_is_chosen_counted_and_priced(app):
    from configurator.documents import parse_design
    from configurator.eternity import count_for

    before = price(app)
    at = run_page(app.checkbox(key="stone_on").check())
    assert document(at).get("stone")
    at = run_page(at.checkbox(key="row_on").check())
    doc = document(at)
    assert "stone" not in doc and doc["ring"]["eternity"]["coverage"] == "half"  # the centre stone waits aside
    design = parse_design(doc)
    count = count_for(design.ring, design.ring.eternity)
    (described,) = [text.value for text in at.text if " ctw" in text.value]
    assert described.startswith(f"{count} x 2 mm, ")
    assert price(at) > before
    assert any(line.startswith("Eternity stones: ") for line in table_items(at))

    at = run_page(at.selectbox(key="row_coverage").set_value("full"))
    (described,) = [text.value for text in at.text if " ctw" in text.value]
    assert int(described.split(" x ")[0]) > count and "cannot be resized" in described
    at = run_page(at.selectbox(key="row_setting").set_value("bezel"))
    assert document(at)["ring"]["eternity"]["setting"] == "bezel" and not errors(at)
    at = run_page(at.selectbox(key="row_shape").set_value("baguette"))  # 2 mm is too short for a 1 mm wide baguette
    stone = document(at)["ring"]["eternity"]["stone"]
    assert stone["shape"] == "baguette" and stone["length_mm"] >= 2.5 and not errors(at)
    assert document(at)["ring"]["width_mm"] >= stone["length_mm"]  # the band widened to hold the row

    at = run_page(at.checkbox(key="stone_on").check())  # the centre stone back: the row waits aside
    assert "eternity" not in document(at)["ring"] and document(at)["stone"]
    at = run_page(at.checkbox(key="row_on").check())
    assert document(at)["ring"]["eternity"]["stone"]["shape"] == "baguette"  # as it was left


def test_a_graduated_channel_row_is_made_from_the_controls_and_a_band_too_narrow_is_named(app):
    at = run_page(app.checkbox(key="stone_on").check())
    at = run_page(at.checkbox(key="side_on").check())
    at = run_page(at.slider(key="side_length").set_value(2.6))
    at = run_page(at.slider(key="width").set_value(2.5))
    held = document(at)
    at = run_page(at.selectbox(key="side_style").set_value("channel"))  # 2.6 mm stones in a channel need a 4.0 mm band
    assert any(message.startswith("That change was not made. Band width: ") and "4.00 mm wide" in message
               for message in warnings(at)), warnings(at)
    assert document(at) == held  # refused: the design is as it was
    at = run_page(at.slider(key="width").set_value(4.2))
    at = run_page(at.selectbox(key="side_style").set_value("channel"))
    at = run_page(at.slider(key="side_count").set_value(3))
    at = run_page(at.slider(key="side_grad").set_value(0.85))
    side = document(at)["side_stones"]
    assert (side["style"], side["count"], side["graduation"]) == ("channel", 3, 0.85) and not errors(at)
    lines = [line for line in table_items(at) if line.startswith("Side stones: 2 ")]
    assert len(lines) == 3  # one line a size: 2.6, 2.21 and 1.88 mm
    (caption,) = [text.value for text in at.text if "of the centre's carat" in text.value]
    assert "6 in all, each 85% of the one before" in caption


def test_side_stones_share_prongs_from_the_control_until_a_change_leaves_none_to_share(app):
    at = run_page(app.checkbox(key="stone_on").check())
    at = run_page(at.checkbox(key="side_on").check())
    at = run_page(at.checkbox(key="side_shared").check())
    assert document(at)["side_stones"]["shared_prongs"] is True and not errors(at)
    at = run_page(at.selectbox(key="metal").set_value("platinum-950"))  # another change keeps the shared prongs
    assert document(at)["side_stones"]["shared_prongs"] is True
    at = run_page(at.selectbox(key="side_style").set_value("bezel"))  # nothing to share: unshared, the bezel taken
    side = document(at)["side_stones"]
    assert (side["style"], side["shared_prongs"]) == ("bezel", False) and not errors(at)
    assert not [box for box in at.checkbox if box.key == "side_shared"]  # and the control is gone


def test_side_stones_make_a_three_stone_ring_and_follow_the_centre(app):
    from configurator.documents import parse_design

    at = run_page(app.checkbox(key="stone_on").check())
    before = price(at)
    at = run_page(at.checkbox(key="side_on").check())
    doc = document(at)
    side = doc["side_stones"]["stone"]
    carat_share = lambda doc: side_carat_share(Stone.model_validate(doc["stone"]),  # noqa: E731
                                               Stone.model_validate(doc["side_stones"]["stone"]))
    assert carat_share(doc) == pytest.approx(0.6, abs=0.03)  # sized by the trade's rule: 60 % of the centre each
    assert price(at) > before and any(line.startswith("Side stones: 2 ") for line in table_items(at))
    (caption,) = [text.value for text in at.text if "of the centre's carat" in text.value]
    assert caption.startswith(f"2 x {side['length_mm']:.2f} mm round, ")
    assert 57 <= int(re.search(r"(\d+)% of the centre's carat", caption).group(1)) <= 63  # 60 %, to 0.05 mm
    assert not [button for button in at.button if button.key == "side_match"]  # within 50-70 %: nothing to offer
    at = run_page(at.selectbox(key="side_shape").set_value("pear"))
    assert document(at)["side_stones"]["stone"]["shape"] == "pear" and not errors(at)
    short = carat_share(document(at))
    assert short < 0.5  # a pear of the round's length weighs less: the matching size is offered
    (match,) = [button for button in at.button if button.key == "side_match"]
    at = run_page(match.click())
    doc = document(at)
    wanted = matching_side_mm(Stone.model_validate(doc["stone"]), Stone.model_validate(doc["side_stones"]["stone"]))
    assert doc["side_stones"]["stone"]["length_mm"] == pytest.approx(min(wanted, doc["stone"]["length_mm"]), abs=0.01)
    assert carat_share(doc) > short and not errors(at)
    share = document(at)["side_stones"]["stone"]["length_mm"] / document(at)["stone"]["length_mm"]
    at = run_page(at.radio(key="size_by").set_value("mm"))
    at = run_page(at.slider(key="stone_length").set_value(8.0))  # a larger centre: the side stones keep their share
    doc = document(at)
    assert doc["stone"]["length_mm"] == 8.0 and not errors(at)
    assert doc["side_stones"]["stone"]["length_mm"] / 8.0 == pytest.approx(share, abs=0.01)
    design = parse_design(doc)
    assert design.side_stones is not None
    at = run_page(at.checkbox(key="stone_on").uncheck())  # no centre: the side stones wait aside with it
    assert "side_stones" not in document(at)
    at = run_page(at.checkbox(key="stone_on").check())
    assert document(at)["side_stones"]["stone"]["shape"] == "pear"
