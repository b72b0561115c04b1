"""Step by step (AppTest): from a budget to a saved design, one step a screen, the piece and its total at the top of
every step; the choices made by tapping pictures; the full form and the steps edit the same design."""

from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from configurator.documents import parse_design
from configurator.quotes import quote_summary
from tests.helpers.apptest import document, run_page, successes

GUIDED = "app_pages/guided.py"
DESIGN = "app_pages/design.py"


def top(at: AppTest) -> tuple[int, str]:
    """The pinned bar: the step it says, and the total it shows."""
    body = next(element.proto.body for element in at.get("html") if 'class="guided-top"' in element.proto.body)
    step = int(re.search(r'data-guided-step="(\d)"', body).group(1))
    total = html.unescape(re.search(r"data-total>([^<]*)<", body).group(1))
    assert 'src="data:image/png;base64,' in body  # the piece, as it is now
    return step, total


def shows_its_total(at: AppTest, step: int) -> None:
    price = quote_summary(parse_design(document(at))).price
    assert top(at) == (step, f"{price.currency} {price.total:,.2f}")


def tap(at: AppTest, key: str) -> AppTest:
    return run_page(at.button(key=key).click())


@pytest.mark.slow  # starting points for a budget are worked out cold (about 15 s)
def test_from_a_budget_to_a_saved_design_a_step_a_screen(app):
    at = run_page(app.switch_page(GUIDED))
    shows_its_total(at, 1)
    at.text_input(key="guided_budget").set_value("25 000")  # as people type it
    at = run_page(at)
    starts = [button.key for button in at.button if button.key.startswith("start_")]
    assert 1 <= len(starts) <= 8
    at = tap(at, "start_0")  # the closest to the budget: the Cushion halo as it is, USD 21,164.10
    assert document(at)["name"] == "Cushion halo"
    shows_its_total(at, 2)
    at = tap(at, "choose_style_bezel")
    assert document(at)["setting"]["style"] == "bezel"
    assert at.button(key="choose_style_bezel").label == "✓ Bezel"
    shows_its_total(at, 2)
    at = tap(at, "guided_next")
    at = tap(at, "choose_shape_oval")
    assert document(at)["stone"]["shape"] == "oval"
    at = run_page(at.selectbox(key="color").set_value("H"))
    assert document(at)["stone"]["color"] == "H"
    shows_its_total(at, 3)
    at = tap(at, "guided_next")
    at = run_page(at.selectbox(key="metal").set_value("18k-yellow"))
    shows_its_total(at, 4)
    at = tap(at, "guided_next")
    shows_its_total(at, 5)
    at.text_input(key="guided_client_name").set_value("Ada")
    at = run_page(at.button(key="FormSubmitter:guided_save_form-Save my design").click())
    assert any(message.startswith("Saved as #") for message in successes(at))
    assert len(at.session_state["saved_codes"]) == 1
    saved = document(at)
    assert (saved["metal"], saved["stone"]["shape"], saved["setting"]["style"]) == ("18k-yellow", "oval", "bezel")


def test_the_full_form_and_the_steps_edit_one_design(app):
    at = run_page(app.switch_page(GUIDED))
    at = tap(at, "guided_next")
    at = tap(at, "choose_profile_flat")
    assert document(at)["ring"]["profile"] == "flat"
    at = run_page(at.switch_page(DESIGN))  # the full form, one tap away
    assert at.selectbox(key="profile").value == "flat"
    at = run_page(at.slider(key="width").set_value(5.0))
    at = run_page(at.switch_page(GUIDED))
    assert document(at)["ring"]["width_mm"] == 5.0 and document(at)["ring"]["profile"] == "flat"
    shows_its_total(at, 2)  # the step she was on, the design as the form left it


@pytest.mark.slow  # 4-5 s of builds: the quick run stays under 2 minutes
def test_a_budget_no_design_comes_within_is_answered_in_words(app):
    at = run_page(app.switch_page(GUIDED))
    at.text_input(key="guided_budget").set_value("120")
    at = run_page(at)
    assert not [button for button in at.button if button.key.startswith("start_")]
    assert any("None of our designs comes within" in message for message in
               [html.unescape(element.proto.body) for element in at.get("html")])
