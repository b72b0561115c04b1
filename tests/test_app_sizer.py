"""The Find my size page (AppTest): the printable sizer to download, a size from a measurement typed as a person types
it, the sizer on the screen (a drawn card matched to hers calibrates it, once a visit; a circle gives the size), the size
put into the design in one tap, and the advice that bears on the design first."""

from __future__ import annotations

import re

import pytest

from tests.helpers.apptest import document, download, infos, run_page, successes, warnings

SIZER = "app_pages/sizer.py"
CSS_PX_PER_MM = 96 / 25.4


def drawn_width(at, css_class: str) -> float:
    """The CSS width the page draws the element of `css_class` at (the card, the circle's disc), in px."""
    bodies = [element.proto.body for element in at.get("html") if f'class="{css_class}"' in element.proto.body]
    assert len(bodies) == 1, bodies
    return float(re.search(rf'class="{css_class}"[^>]*?[;"]width:([0-9.]+)px', bodies[0]).group(1))


def keys(at) -> set[str]:
    return {button.key for button in at.button}


def test_a_measured_circumference_gives_the_size_in_every_system_and_goes_into_the_ring(app):
    at = run_page(app.switch_page(SIZER))
    assert download(at, "sizer_pdf").proto.label == "Download the printable sizer (PDF)"
    at.text_input(key="sizer_mm").set_value("57,0")  # a decimal comma, as people type it
    at = run_page(at)
    shown = at.dataframe[0].value.iloc[0]
    assert (shown["US"], shown["EU"], shown["round the finger"]) == ("8", "57", "57.0 mm")
    assert document(at)["ring"]["size"]["system"] == "UK"  # the comfort band is sized in the UK: her tap keeps it
    assert at.button(key="sizer_use").label == "Use UK P 1/2 for my ring"
    at = run_page(at.button(key="sizer_use").click())
    assert document(at)["ring"]["size"] == {"system": "UK", "value": "P 1/2"}


def test_a_rings_inner_diameter_gives_its_size(app):
    at = run_page(app.switch_page(SIZER))
    at = run_page(at.radio(key="sizer_way").set_value("Across the inside of a ring"))
    at.text_input(key="sizer_mm").set_value("17.3")
    at = run_page(at)
    assert at.dataframe[0].value.iloc[0]["US"] == "7"
    assert document(at)["ring"]["size"]["value"] == "N 1/2"  # nothing changes until she taps


def test_a_measurement_outside_every_size_is_answered_in_words(app):
    at = run_page(app.switch_page(SIZER))
    at.text_input(key="sizer_mm").set_value("12")
    at = run_page(at)
    assert not at.dataframe and not [button for button in at.button if button.key == "sizer_use"]


def test_a_wide_band_is_told_to_size_up_first(app):
    at = run_page(app.slider(key="width").set_value(7.0))
    at = run_page(at.switch_page(SIZER))
    assert infos(at)[0].startswith("A band wider than about 6 mm sits tighter")


def test_the_screen_is_calibrated_with_a_card_and_a_circle_gives_the_size_that_goes_into_the_ring(app):
    at = run_page(app.switch_page(SIZER))
    assert warnings(at) == ["Not calibrated yet: the drawings assume 96 px to the inch (3.78 px to the millimetre), "
                            "which few screens show. Match the card first."]
    assert drawn_width(at, "cfg-sizer-card") == pytest.approx(53.98 * CSS_PX_PER_MM, abs=1e-3)  # 204.02 px
    assert not at.dataframe and "sizer_screen_use" not in keys(at)  # no size before the card is matched
    at = run_page(at.slider(key="sizer_card").set_value(330.0))  # a phone's card: 6.11 px to the mm
    assert successes(at) == ["Calibrated with your card: this screen shows 6.11 px to the millimetre (kept while you "
                             "are here)."]
    assert drawn_width(at, "cfg-sizer-card") == 330.0 and not warnings(at)
    at = run_page(at.slider(key="sizer_circle").set_value(17.6))
    for _ in range(2):
        at = run_page(at.button(key="sizer_circle_more").click())  # a tenth of a millimetre a tap: 17.8 mm
    assert at.slider(key="sizer_circle").value == pytest.approx(17.8)
    assert drawn_width(at, "cfg-sizer-disc") == pytest.approx(17.8 * 330 / 53.98, abs=1e-3)  # 108.82 px
    assert dict(at.dataframe[0].value.iloc[0]) == {"US": "7.5", "UK": "O 1/2", "EU": "55.9", "JP": "15", "CH": "15.9",
                                                   "round the finger": "55.9 mm", "across": "17.80 mm"}
    assert at.button(key="sizer_screen_use").label == "Use UK O 1/2 for my ring"  # the ring's own system
    at = run_page(at.button(key="sizer_screen_use").click())
    assert document(at)["ring"]["size"] == {"system": "UK", "value": "O 1/2"}


def test_the_screen_is_calibrated_once_a_visit(app):
    at = run_page(app.switch_page(SIZER))
    at = run_page(at.button(key="sizer_card_fits").click())  # a screen that shows 96 px to the inch truly
    assert successes(at)[0].startswith("Calibrated with your card: this screen shows 3.78 px to the millimetre")
    assert "sizer_card_fits" not in keys(at)
    for _ in range(2):
        at = run_page(at.button(key="sizer_card_more").click())  # half a pixel a tap: 204.02 -> 204.5 -> 205
    assert at.slider(key="sizer_card").value == 205.0
    at = run_page(at.switch_page("app_pages/design.py"))
    at = run_page(at.switch_page(SIZER))  # back again: not to be done twice
    assert at.slider(key="sizer_card").value == 205.0 and drawn_width(at, "cfg-sizer-card") == 205.0
    assert successes(at)[0].startswith("Calibrated with your card: this screen shows 3.80 px to the millimetre")
    assert at.dataframe[0].value.iloc[0]["US"] == "7"  # the circle as it starts, 17.30 mm across
