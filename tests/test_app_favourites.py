"""Favourites and compare in the app (AppTest): a design starred stays as it was while the client goes on changing
it, two to four stand side by side with what differs marked, one opens to go on designing; a client's favourites
come back with her access code on another device, and a visitor's are hers alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.apptest import APP, DATABASE_URL, ROOT, document, errors, run_page, warnings

FAVOURITES = "app_pages/favourites.py"
SAVED = "app_pages/saved.py"


def star(at: AppTest) -> AppTest:
    return run_page(at.button(key="star").click())


def cards(at: AppTest) -> dict[int, dict[str, tuple[str, bool]]]:
    """The compare cards by number: each row's value and whether it is marked as differing."""
    import re

    found = {}
    for element in at.get("html"):
        body = element.proto.body
        card = re.match(r'<div class="compare-card" data-favourite="(\d+)">', body)
        if card:
            rows = re.findall(r'<div class="compare-row( differs)?" data-row="([^"]+)"><span>[^<]*</span>'
                              r"<span>([^<]*)</span></div>", body)
            found[int(card.group(1))] = {label: (value, bool(marked)) for marked, label, value in rows}
    return found


def test_starred_designs_stand_side_by_side_and_one_opens_to_go_on_designing(app):
    at = star(app)
    assert at.button(key="star").label == "★ In your favourites"
    first = json.loads(json.dumps(document(at)))
    at = run_page(at.selectbox(key="metal").set_value("18k-yellow"))
    assert at.button(key="star").label == "☆ Add to favourites"  # a changed design is another one
    at = star(at)
    at = run_page(at.slider(key="width").set_value(5.0))
    at = star(at)
    at = run_page(at.switch_page(FAVOURITES))
    shown = cards(at)
    assert sorted(shown) == [1, 2, 3]
    assert shown[1]["Metal"] == ("platinum 950", True) and shown[2]["Metal"] == ("18k yellow gold", True)
    assert shown[1]["Band"][1] and shown[3]["Band"][0].startswith("comfort, 5.00 mm")
    assert shown[1]["Size"][1] is False  # the same in all three: not marked
    totals = [float(shown[n]["Total"][0].split()[1].replace(",", "")) for n in (1, 2, 3)]
    assert len(set(totals)) == 3
    at = run_page(at.button(key=next(b.key for b in at.button if b.key.startswith("open_favourite_"))).click())
    assert document(at) == first  # favourite 1, the first starred, as it was starred


def test_a_visitors_favourites_are_hers_alone(app):
    assert len(star(app).session_state["favourites"]) == 1
    other = run_page(AppTest.from_file(str(APP), default_timeout=60))  # another visitor on the same server
    other = run_page(other.switch_page(FAVOURITES))
    assert not cards(other) and other.session_state["favourites"] == []


def test_favourites_come_back_with_the_access_code(app):
    at = star(app)
    at = run_page(at.selectbox(key="metal").set_value("18k-white"))
    at = star(at)
    at.text_input(key="client_name").set_value("Ada")
    at = run_page(at.button(key="FormSubmitter:save_form-Save design").click())
    code = next(iter(at.session_state["saved_codes"].values()))
    keys = [item.key for item in at.session_state["favourites"]]
    assert len(keys) == 2
    later = run_page(AppTest.from_file(str(APP), default_timeout=60))  # her phone, another day
    later = run_page(later.switch_page(SAVED))
    assert later.session_state["favourites"] == []
    later.text_input(key="access_code").set_value(code.lower())
    later = run_page(later.button(key="FormSubmitter:code_form-Open with the code").click())
    assert [item.key for item in later.session_state["favourites"]] == keys
    assert [link.label for link in later.get("page_link") if "favourites" in link.label] == [
        "Your favourites (2): compare them side by side"]  # with her saved designs
    later = run_page(later.switch_page(FAVOURITES))
    assert sorted(cards(later)) == [1, 2]
    stranger = run_page(AppTest.from_file(str(APP), default_timeout=60))
    stranger = run_page(stranger.switch_page(SAVED))
    stranger.text_input(key="access_code").set_value("ABCD-EFGH-2345-JKLM")
    stranger = run_page(stranger.button(key="FormSubmitter:code_form-Open with the code").click())
    assert stranger.session_state["favourites"] == []


STAFF_PAGES = {"store_settings.py", "store_stones.py"}  # a visitor is told to sign in there
PAGES = sorted(path.name for path in (Path(__file__).resolve().parent.parent / "app_pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_a_stranger_with_forged_links_gets_words_on_every_page(page, monkeypatch):
    """Every page opened first by a new visitor with a forged share link, or a forged private link: no traceback,
    the default design, nobody's favourites, and (on the pages a client uses) what went wrong in words."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    for query, said in (({"design": "not-a-design-<script>"}, "The link could not be opened"),
                        ({"saved": "1", "code": "ABCD-EFGH-2345-JKLM"}, "That code opens no saved design")):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.query_params.update(query)
        at.switch_page(f"app_pages/{page}")
        at = run_page(at)
        assert ("favourites" not in at.session_state or at.session_state["favourites"] == [])
        assert document(at)["name"] == "Comfort-fit wedding band"
        if page not in STAFF_PAGES:
            shown = " ".join(warnings(at) + errors(at))
            assert said in shown, (page, shown)


def test_a_design_named_with_markup_compares_as_text(app):
    at = app
    at.text_input(key="name").set_value('<img src=x onerror=alert(1)> [link](http://example.com)')
    at = star(run_page(at))
    at = run_page(at.switch_page(FAVOURITES))
    card = next(element.proto.body for element in at.get("html") if 'class="compare-card"' in element.proto.body)
    assert "<img src=x" not in card and "&lt;img src=x onerror=alert(1)&gt;" in card and "<a " not in card
