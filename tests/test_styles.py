"""Setting styles come from one registry: each style is one module, and nothing else in the library names a style
that only a centre stone takes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from configurator import catalogue
from configurator.builds import model_of
from configurator.checks import check
from configurator.design import DesignError, SettingStyle
from configurator.documents import parse_design
from configurator.presets import preset
from configurator.price_table import current_price_table
from configurator.quotes import price
from configurator.shoulders import PAVE_HOLE_SHARE, PAVE_UNDER_MM, pave_layout, pave_metal_under_mm, pave_seat_depth_mm
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


# ---------------------------------------------------------------- pavé shoulders on the band they are cut into


def pave_solitaire(profile: str, width: float, thickness: float, size: float = 6.5):
    """The Classic solitaire preset with pavé shoulders, on a band of that profile, width and thickness."""
    doc = preset("solitaire-ring").to_dict()
    doc["ring"] |= {"profile": profile, "width_mm": width, "thickness_mm": thickness,
                    "size": {"system": "US", "value": size}}
    return parse_design(doc | {"setting": {"style": "pave"}})


def metal_under_each_seat(model) -> list[float]:
    """Measured on the mesh, for each pavé stone: the metal from the band's inside up to its seat, along the stone's
    axis just past the side of its pilot hole (toward the next stone along the band), where the seat's cone is
    nearest the finger. A ray from inside the finger along the axis enters the metal at the band's inside and leaves it
    at the seat."""
    accents = [part for part in model.stone_parts if part.role == "accent"]
    size = accents[0].size_mm
    off = PAVE_HOLE_SHARE * size + 0.02
    origins, directions = [], []
    for part in accents:
        lowest = part.mesh.vertices[np.argmin(np.hypot(part.mesh.vertices[:, 0], part.mesh.vertices[:, 2]))]  # culet
        axis = np.array([lowest[0], 0.0, lowest[2]]) / np.hypot(lowest[0], lowest[2])
        along = np.array([axis[2], 0.0, -axis[0]]) * -np.sign(lowest[0])  # toward the head: the next stone along
        origins.append(np.array([0.0, lowest[1], 0.0]) + axis * (model.band.inner_radius_mm - 0.5) + along * off)
        directions.append(axis)
    locations, rays, _ = model.metal.ray.intersects_location(np.array(origins), np.array(directions))
    runs = []
    for index, origin in enumerate(origins):
        hits = np.sort(np.linalg.norm(locations[rays == index] - origin, axis=1))
        runs.append(float(hits[1] - hits[0]))
    return runs


USUAL_BANDS = [(profile, width, thickness) for profile in ("comfort", "flat", "half-round")
               for width, thickness in ((2.2, 1.6), (2.6, 1.8), (3.0, 2.0))]


@pytest.mark.parametrize(("profile", "width", "thickness"), USUAL_BANDS)
def test_pave_seats_leave_the_casting_minimum_under_them(profile, width, thickness):
    """PRODUCT.md, casting: walls and band at least 0.8 mm. Each seat, measured on the mesh, leaves at least that under
    it down to the finger, and at least what the style's own finding reckons (to the seat's point, as if undrilled)."""
    design = pave_solitaire(profile, width, thickness)
    model = model_of(design)
    least = catalogue.metal(design.metal).min_wall_mm
    assert PAVE_UNDER_MM == least == 0.8
    reckoned = pave_metal_under_mm(model.band)
    assert reckoned >= least - 1e-9
    layout = pave_layout(model.band)
    assert thickness - pave_seat_depth_mm(layout.size) >= least - 1e-9  # the seat is cut to suit the band
    runs = metal_under_each_seat(model)
    assert len(runs) == 12 * len(layout.offsets)
    assert min(runs) >= reckoned - 0.01, (min(runs), reckoned)
    assert min(runs) >= least


def test_pave_stones_are_sized_to_the_band_they_are_cut_into():
    """The width takes stones up to 1.5 mm; a band too thin for them takes smaller ones, never under 1 mm."""
    wide = model_of(pave_solitaire("flat", 3.0, 2.0)).band
    thin = model_of(pave_solitaire("flat", 3.0, 1.6)).band
    thinner = model_of(pave_solitaire("flat", 3.0, 1.3)).band
    assert pave_layout(wide).size == 1.5
    assert 1.0 < pave_layout(thin).size < 1.5
    assert 1.6 - pave_seat_depth_mm(pave_layout(thin).size) == pytest.approx(PAVE_UNDER_MM, abs=0.01)
    assert pave_layout(thinner).size == 1.0 and pave_metal_under_mm(thinner) < PAVE_UNDER_MM  # the check's to say


@pytest.mark.parametrize(("profile", "width", "thickness", "size"), [
    *((profile, width, thickness, 6.5) for profile in ("comfort", "flat", "half-round")
      for width, thickness in ((2.2, 1.6), (3.0, 1.6), (2.2, 2.0), (3.0, 2.0), (3.5, 1.6), (3.5, 2.0))),
    ("comfort", 2.6, 3.0, 6.5), ("flat", 2.6, 3.0, 6.5), ("comfort", 2.2, 1.6, 3), ("comfort", 2.2, 1.6, 10),
    ("comfort", 3.0, 3.0, 10)])
def test_pave_shoulders_cast_without_a_finding_on_the_usual_bands(profile, width, thickness, size):
    """The whole check on the preset with pavé shoulders, 2.2-3.5 mm wide (two lines from 3.4 mm), 1.6-3 mm thick:
    nothing for the workshop to say. (A half-round band 3 mm thick is left out: its head has a word of its own, under
    any style.)"""
    design = pave_solitaire(profile, width, thickness, size)
    assert [finding.line() for finding in check(design, model_of(design), verify=False)] == []
