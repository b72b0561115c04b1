"""Setting styles come from one registry: each style is one module, and nothing else in the library names a style
that only a centre stone takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from configurator.builds import model_of
from configurator.design import DesignError, SettingStyle
from configurator.documents import parse_design
from configurator.price_table import current_price_table
from configurator.quotes import price
from configurator.styles import every_style, prong_count, style_of

ROOT = Path(__file__).resolve().parent.parent
CENTRE_ONLY = ("HALO", "PAVE", "CATHEDRAL")  # prong, bezel and channel also name side stones' settings


def test_every_style_of_the_document_is_registered_once_in_its_own_module():
    styles = every_style()
    assert sorted(style.name.value for style in styles) == sorted(style.value for style in SettingStyle)
    for style in styles:
        module = ROOT / "configurator" / "styles" / f"{style.name.value}.py"
        assert module.is_file() and style.head.__module__ == f"configurator.styles.{style.name.value}"


def test_no_module_outside_the_registry_branches_on_a_centre_style():
    pattern = re.compile(rf"SettingStyle\.({'|'.join(CENTRE_ONLY)})\b")
    named = [str(path.relative_to(ROOT)) for path in [*ROOT.glob("configurator/**/*.py"), *ROOT.glob("webapp/*.py"),
                                                     *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]
             if "styles" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))]
    assert named == []


@pytest.mark.parametrize("style", list(SettingStyle), ids=lambda style: style.value)
def test_the_document_takes_the_fields_its_style_has(style):
    doc = {"piece": "ring", "metal": "14k-yellow", "ring": {"size": {"system": "US", "value": 7}, "width_mm": 3.0},
           "stone": {"length_mm": 6.5}}
    facts = style_of(style)
    for field, value, allowed in (("prongs", 6, bool(facts.prongs)), ("prong_mm", 1.1, facts.prong_mm)):
        setting = {"style": style.value, field: value}
        if allowed:
            design = parse_design({**doc, "setting": setting})
            assert getattr(design.setting, field) == value
        else:
            with pytest.raises(DesignError, match=rf"setting\.{field}: a {style.value} setting has no prongs"):
                parse_design({**doc, "setting": setting})
    assert prong_count(parse_design({**doc, "setting": {"style": style.value}}).setting) == facts.prongs


@pytest.mark.parametrize("style", list(SettingStyle), ids=lambda style: style.value)
def test_accent_stones_are_set_at_their_own_style_s_rate(style):
    design = parse_design({"piece": "ring", "metal": "14k-yellow", "stone": {"length_mm": 6.5},
                           "ring": {"size": {"system": "US", "value": 7}, "width_mm": 3.0},
                           "setting": {"style": style.value}})
    accents = [part for part in model_of(design).stone_parts if part.role == "accent"]
    lines = [row for row in price(design).rows if row.item.startswith("labour: setting") and "accent" in row.item]
    if not accents:
        assert lines == []
        return
    table = current_price_table()
    rate = getattr(table.labour.accent, style_of(style).accent_labour)
    assert [row.amount for row in lines] == [pytest.approx(round(len(accents) * rate, 2))]
