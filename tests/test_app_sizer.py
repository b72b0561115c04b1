"""The Find my size page (AppTest): the printable sizer to download, a size from a measurement typed as a person types
it, the size put into the design in one tap, and the advice that bears on the design first."""

from __future__ import annotations

from tests.helpers.apptest import document, download, infos, run_page

SIZER = "app_pages/sizer.py"


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
