"""Engraving cut into the metal: the cut's volume and depth, which way the text reads, the files it leaves, what
fits, what the check says of it, and documents written before it was modelled."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import manifold3d
import numpy as np
import pytest

from configurator import catalogue, fonts
from configurator.bands import build_band
from configurator.builds import model_of
from configurator.checks import Severity, apply_fix, check
from configurator.design import Font
from configurator.documents import load_design, loads_design, parse_design
from configurator.engraving import (
    LEAST_WIDTH_MM,
    fineness,
    least_height_mm,
    lettering,
    measure,
    pendant_cutter,
    ring_cutter,
)
from configurator.errors import DesignError
from configurator.export import Format, export, wax_pattern
from configurator.features.engraving import FINE_LETTER_KINDS, castable_letters
from configurator.geometry import build
from configurator.price_table import current_price_table
from configurator.pricing import quote
from configurator.profiles import COMFORT_INSIDE_SHARE
from configurator.quotes import price
from configurator.solids import EXPORT, PREVIEW, to_trimesh
from tests.helpers.meshes import admesh, faults, needs_admesh, read_back

ROOT = Path(__file__).resolve().parent.parent
US7 = {"system": "US", "value": 7.0}


def band(profile: str = "comfort", width: float = 4.0, thickness: float = 1.8, **engraving) -> dict:
    doc = {"schema_version": 2, "piece": "ring", "metal": "18k-yellow",
           "ring": {"size": US7, "profile": profile, "width_mm": width, "thickness_mm": thickness}}
    if engraving:
        doc["engraving"] = {"cut": True, **engraving}
    return doc


def pendant(size: float = 16.0, **engraving) -> dict:
    return {"schema_version": 2, "piece": "pendant", "metal": "14k-yellow",
            "pendant": {"outline": "round", "size_mm": size, "thickness_mm": 1.5, "bail": "fixed",
                        "clasp": "lobster", "chain": {"length_mm": 450.0}},
            "engraving": {"cut": True, **engraving}}


def cut_of(design, resolution=EXPORT) -> manifold3d.Manifold:
    """The metal the letters take out of `design`'s band: the plain band met by the wrapped text."""
    plain = build_band(design.ring, resolution)
    return plain.solid ^ ring_cutter(design, plain.section.points, resolution.chord_error_mm)


def centre(solid: manifold3d.Manifold) -> np.ndarray:
    return np.asarray(to_trimesh(solid, clean=False, for_file=False).center_mass)


# ---------------------------------------------------------------- the cut


def test_the_engraved_band_is_the_plain_band_less_the_letters():
    plain_doc = band()
    engraved = parse_design(band(text="Forever yours · 2026"))
    plain = build(parse_design(plain_doc), PREVIEW)  # a preview is drawn as built: no float32 cleaning
    built = build(engraved, PREVIEW)
    cut = cut_of(engraved, PREVIEW).volume()
    assert built.body_count == 1
    assert plain.metal_volume_mm3 - built.metal_volume_mm3 == pytest.approx(cut, rel=0.01)
    # the cut is the letters' area, depth_mm deep round a cylinder of the inner radius (a flat band's inside):
    # area x depth x (1 + depth / 2r), and a hair more where the inner polygon's flats stand inside its corners
    flat = parse_design(band("flat", text="Forever yours · 2026"))
    area = lettering(flat.engraving, EXPORT.chord_error_mm).area.area()
    radius = flat.ring.size.ring_size().inner_radius_mm
    formula = area * 0.15 * (1 + 0.15 / (2 * radius))
    assert cut_of(flat).volume() == pytest.approx(formula, rel=0.02)


def test_the_floor_of_the_cut_is_depth_mm_under_the_comfort_fits_true_inside():
    design = parse_design(band(text="HIIH", height_mm=2.0, depth_mm=0.2))
    cut = to_trimesh(cut_of(design), clean=False, for_file=False)
    radius = np.hypot(cut.vertices[:, 0], cut.vertices[:, 2])
    y = cut.vertices[:, 1]
    # the comfort fit's inside: an ellipse of semi-axes (inside, half the width) bulging in from r0 + inside
    r0, half = design.ring.size.ring_size().inner_radius_mm, design.ring.width_mm / 2
    inside = COMFORT_INSIDE_SHARE * design.ring.thickness_mm
    true_inside = r0 + inside - inside * np.sqrt(1 - (y / half) ** 2)
    depth = radius - true_inside
    floor = depth > 0.18  # the floor's vertices (the walls' run from it up to the inside itself)
    assert floor.sum() > 50
    assert np.abs(depth[floor] - 0.2).max() < 0.005  # within the export chord error, over the inner polygon's flats
    assert depth.max() < 0.205  # nowhere deeper
    assert y.max() - y.min() > 1.9  # the letters stand across the band: the bulge is followed over 2 mm


def test_a_letter_keeps_its_holes():
    o = lettering(parse_design(band(text="o", font="sans")).engraving, 0.004).area
    assert len(o.decompose()) == 1 and o.num_contour() == 2
    outer = manifold3d.CrossSection([max(o.to_polygons(), key=lambda ring: np.ptp(np.asarray(ring)[:, 0]))])
    assert o.area() < 0.8 * outer.area()  # the counter is open, not filled


# ---------------------------------------------------------------- which way it reads


def _letters(pieces: list[manifold3d.Manifold]) -> tuple[np.ndarray, np.ndarray, float]:
    """Of the two letters of "TL": the T's centre, the L's, and how far the T's ink sits above the middle of its own
    height (positive when it is upright: its bar at the top, where the L has its foot at the bottom)."""
    assert len(pieces) == 2
    centres = [centre(piece) for piece in pieces]
    heights = [to_trimesh(piece, clean=False, for_file=False).vertices[:, 1] for piece in pieces]
    highs = [centres[index][1] - (heights[index].max() + heights[index].min()) / 2 for index in range(2)]
    t = int(np.argmax(highs))
    return centres[t], centres[1 - t], highs[t]


@pytest.mark.parametrize(("place", "position"), [("inside", 180.0), ("inside", 120.0), ("outside", 180.0),
                                                  ("outside", 230.0)])
def test_the_text_reads_left_to_right_and_upright(place, position):
    design = parse_design(band(text="TL", font="sans", height_mm=2.0, place=place, position_deg=position))
    first, last, upright = _letters(cut_of(design).decompose())
    at = math.radians(position)
    outward = np.array([math.sin(at), 0.0, math.cos(at)])
    forward = outward if place == "inside" else -outward  # read from the finger's side, or from outside
    right = np.cross(forward, [0.0, 1.0, 0.0])  # with the letters' tops (+Y) up
    assert (first - last) @ right < -0.5  # the T, first, is to the reader's left of the L
    assert upright > 0.1  # and the T's bar at the top: the text is not mirrored


def test_a_pendants_text_reads_from_behind():
    design = parse_design(pendant(text="TL", font="sans", height_mm=2.0))
    cutter = pendant_cutter(design, EXPORT.chord_error_mm)
    first, last, upright = _letters(cutter.decompose())
    right = np.cross([0.0, 0.0, 1.0], [0.0, 1.0, 0.0])  # seen from behind (along +Z), the bail (+Y) up: -X
    assert (first - last) @ right < -0.5 and upright > 0.1
    assert cutter.bounding_box()[2] < 0 < cutter.bounding_box()[5] <= design.engraving.depth_mm + 1e-9


# ---------------------------------------------------------------- one body, clean files


@needs_admesh
@pytest.mark.parametrize("doc", [band(text="Forever yours · 2026", font="script", height_mm=2.0),
                                 band("flat", text="Always · 2026", place="outside"),
                                 pendant(20.0, text="Mum & Dad", font="serif")],
                         ids=["inside, script", "outside", "pendant's back"])
def test_the_engraved_file_is_one_clean_body(doc, tmp_path):
    design = parse_design(doc)
    model = model_of(design)
    assert model.body_count == 1
    out = tmp_path / "metal.stl"
    export(model, out, None, None, Format.STL, force=True)  # script and serif this small block: the file is judged
    metal = read_back(out.read_bytes(), Format.STL)  # float32, as a slicer reads it
    assert faults(metal, one_body=True) == []
    assert metal.volume == pytest.approx(wax_pattern(model).volume, rel=1e-5)
    figures = admesh(out)
    assert figures["parts"] == 1 and not (figures["degenerate"] or figures["fixed"] or figures["removed"]
                                          or figures["normals"] or figures["reversed"]), figures


def test_outside_and_pendant_engravings_take_metal_and_leave_one_body():
    for engraved, plain in ((band(text="Always · 2026", place="outside"), band()),
                            (pendant(20.0, text="Mum & Dad"), {**pendant(20.0, text="x"), "engraving": None})):
        plain = {key: value for key, value in plain.items() if value is not None}
        with_letters, without = build(parse_design(engraved), PREVIEW), build(parse_design(plain), PREVIEW)
        assert with_letters.body_count == 1 and with_letters.metal.is_watertight
        assert 0.3 < without.metal_volume_mm3 - with_letters.metal_volume_mm3 < 3.0


# ---------------------------------------------------------------- what fits


def test_a_text_too_long_for_the_band_is_refused_with_how_many_fit():
    text = "W" * 40
    with pytest.raises(DesignError, match=r"^engraving\.text: ") as refused:
        parse_design(band(text=text))
    fit = int(re.search(r"takes the first (\d+)", str(refused.value)).group(1))
    assert 15 < fit < 25  # the widest capital, spaced: fewer than the trade's 20-25 characters of a usual text
    parse_design(band(text=text[:fit]))  # that many fit
    with pytest.raises(DesignError, match=r"^engraving\.text: "):
        parse_design(band(text=text[: fit + 1]))  # one more does not


def _fit(doc: dict) -> int:
    with pytest.raises(DesignError, match=r"^engraving\.text: ") as refused:
        parse_design(doc)
    return int(re.search(r"takes the first (\d+)", str(refused.value)).group(1))


def test_a_3_mm_band_takes_about_the_trades_count_of_spaced_letters():
    """PRODUCT.md: a 3 mm band takes about 20-25 characters inside at 1.5 mm. Spaced, capitals come near it; a
    text in small letters takes a few more (a US 7 band, 52.4 mm of it free)."""
    capitals = _fit(band(width=3.0, text="FOREVER YOURS ALWAYS AND FOREVER MY LOVE", font="sans"))
    mixed = _fit(band(width=3.0, text="Forever yours always and forever my love", font="serif"))
    assert 25 <= capitals <= 30 and 30 <= mixed <= 35
    unspaced = fonts.line("Forever yours always and forever my love", Font.SERIF)
    assert unspaced.length * 1.5 < 54.4 - 2.0  # all 40 would fit, the letters at the font's own spacing


@pytest.mark.parametrize(("font", "pairs"), [("serif", ["KJ", "fW", "Ax", "WV"]), ("sans", ["KJ", "KA", "TY"])])
def test_neighbouring_letters_stand_at_least_castable_detail_apart(font, pairs):
    """The letters' ink stands LETTER_GAP_MM apart where the font's own spacing lets them touch ("Ax", "KA"), and
    where a letter reaches over the next so far that the spacing alone would leave them nearer ("KJ")."""
    from configurator.engraving import LETTER_GAP_MM, spacing

    height = 1.5
    reach = (LETTER_GAP_MM - 0.01) / 2 / height  # each letter grown by half the gap, cap heights

    def touch(pair: str, spaced: fonts.Spacing) -> bool:
        line = fonts.line(pair, Font(font), 1 / 512, spaced)
        first, second = (placed.area.offset(reach, manifold3d.JoinType.Round, circular_segments=64)
                         for placed in line.glyphs)
        return not (first ^ second).is_empty()

    spaced = spacing(parse_design(band(text="x", font=font, height_mm=height)).engraving)
    for pair in pairs:
        assert not touch(pair, spaced), pair
        assert touch(pair, fonts.Spacing()), pair  # at the font's own spacing they stand nearer
    assert touch("KJ", fonts.Spacing(spaced.tracking))  # the K's leg reaches over the J's hook


def test_a_script_keeps_its_letters_joined():
    assert len(lettering(parse_design(band(text="ever", font="script")).engraving, 0.01).area.decompose()) == 1
    assert len(lettering(parse_design(band(text="ever", font="sans")).engraving, 0.01).area.decompose()) == 4


def test_the_text_keeps_clear_of_the_head():
    plain = parse_design(band(text="x" * 30, font="serif"))
    with pytest.raises(DesignError, match=r"^engraving\.text: .*takes the first (\d+)"):
        parse_design(plain.to_dict() | {"stone": {"length_mm": 6.5}, "setting": {"style": "pave"}})
    with pytest.raises(DesignError, match=r"^engraving\.position_deg: "):
        parse_design(band(text="Mum", position_deg=5.0) | {"stone": {"length_mm": 6.5}})
    model = build(parse_design(band(text="Forever yours", position_deg=120.0) | {"stone": {"length_mm": 6.5}}),
                  PREVIEW)
    assert model.body_count == 1


def test_letters_must_fit_across_the_band():
    with pytest.raises(DesignError, match=r"^engraving\.height_mm: .*make the letters at most (\d\.\d) mm high"):
        parse_design(band(width=3.0, text="Fly", height_mm=2.5))
    with pytest.raises(DesignError, match=r"^engraving\.height_mm: .*make the band at least \d\.\d mm wide"):
        parse_design(band(width=2.0, text="Fly"))
    with pytest.raises(DesignError, match=r"^engraving\.height_mm: "):
        parse_design(band(text="x", height_mm=6.5))  # over the field's own bound
    with pytest.raises(DesignError, match=r"^engraving\.depth_mm: "):
        parse_design(band(text="x", depth_mm=0.35))


def test_characters_no_font_draws_are_refused_by_name_and_symbols_come_from_the_sans():
    for font in ("serif", "sans", "script"):
        with pytest.raises(DesignError, match=rf"^engraving\.text: the {font} font has no letter for U\+7231"):
            parse_design(band(text="Love 爱", font=font))
    assert fonts.covering("Ж", Font.SCRIPT) is Font.SANS  # the script has no Cyrillic: the sans draws it
    parse_design(band(text="Жизнь", font="script"))
    assert fonts.covering("♥", Font.SCRIPT) is Font.SANS  # the script lacks a heart: the sans draws it
    assert parse_design(band(text="A ♥ B", font="script")).engraving.characters == 3


# ---------------------------------------------------------------- documents before engraving was cut


def test_a_document_with_only_its_text_quotes_as_before():
    heirloom = load_design(ROOT / "models" / "heirloom-ring.json")  # {"text": "M & J 1962"}, as stores saved them
    assert heirloom.engraving.cut is False  # engraved by hand after casting, as it was quoted
    without = parse_design({key: value for key, value in heirloom.to_dict().items() if key != "engraving"})
    table = current_price_table()
    engraved, plain = price(heirloom, table), price(without, table)
    assert model_of(heirloom).metal_volume_mm3 == model_of(without).metal_volume_mm3  # nothing cut from the metal
    assert engraved.metal_grams == plain.metal_grams and engraved.rows[0] == plain.rows[0]
    lines = {row.item: row.amount for row in engraved.rows}
    assert lines["labour: engraving 7 characters"] == pytest.approx(7 * table.labour.engraving_per_character)
    assert loads_design(heirloom.to_json()) == heirloom  # saved again, it still reads as engraved by hand
    assert loads_design(json.dumps({**heirloom.to_dict(), "engraving": {"text": "M & J 1962"}})) == heirloom


def test_an_old_document_opens_whatever_its_text():
    # 40 wide letters round a small ring under a head would not fit cut: written before, it opens as it was
    doc = band(width=2.0) | {"stone": {"length_mm": 6.5}, "engraving": {"text": "W" * 40}}
    doc["ring"]["size"] = {"system": "US", "value": 3.0}
    assert parse_design(doc).engraving.cut is False


def test_a_cut_engraving_is_still_charged_per_character():
    design = parse_design(band(text="Forever yours · 2026"))
    table = current_price_table()
    lines = {row.item: row.amount for row in quote(design, 100.0, table).rows}
    assert lines["labour: engraving 17 characters"] == pytest.approx(17 * table.labour.engraving_per_character)


# ---------------------------------------------------------------- the check


def _kinds(design) -> dict[str, object]:
    return {finding.kind: finding for finding in check(design, model_of(design), verify=False)}


def test_script_letters_at_the_least_height_block_and_the_fix_is_the_sans_at_the_height_that_casts():
    design = parse_design(band(text="Forever yours", font="script"))  # a 4 mm band
    found = _kinds(design)
    stroke = found["engraving-stroke"]
    assert "engraving-gap" not in found  # one finding for the letters, naming both measures
    assert stroke.severity is Severity.BLOCKING and stroke.limit_mm == LEAST_WIDTH_MM == 0.30
    assert stroke.value_mm < 0.1 and "gaps between strokes 0.16 mm" in stroke.message
    # no script the band takes casts (5.5 mm would): the sans does, at the least height that casts in it
    assert stroke.changes == (("engraving.font", "sans"), ("engraving.height_mm", 2.1))
    assert stroke.fix == "use the sans font and make the letters 2.1 mm high, the least that casts"
    fixed = apply_fix(design, stroke)
    assert fineness(fixed.engraving).casts and not set(FINE_LETTER_KINDS) & _kinds(fixed).keys()
    assert not measure("Forever yours", Font.SANS, 2.0).casts  # and a tenth of a millimetre less does not cast


def test_the_check_offers_the_least_height_that_casts_and_a_bolder_font():
    design = parse_design(band(width=6.0, text="Forever yours", font="serif", height_mm=2.5))
    stroke = _kinds(design)["engraving-stroke"]
    assert stroke.changes == (("engraving.height_mm", 3.6),)  # in its own font first
    assert stroke.fix == "make the letters 3.6 mm high, the least that casts (or use the sans font)"
    assert [changes for _, changes in castable_letters(design)] == [(("engraving.height_mm", 3.6),),
                                                                    (("engraving.font", "sans"),)]
    for _, changes in castable_letters(design):  # every way offered casts, measured again at its height
        fixed = apply_fix(design, {"changes": dict(changes)})
        assert fineness(fixed.engraving).casts and not set(FINE_LETTER_KINDS) & _kinds(fixed).keys()
    assert not measure("Forever yours", Font.SERIF, 3.5).casts


def test_letters_no_band_takes_castable_are_engraved_by_hand():
    design = parse_design(band(width=3.0, text="Forever yours", font="script"))  # 2.2 mm of the width for letters
    stroke = _kinds(design)["engraving-stroke"]
    assert stroke.severity is Severity.BLOCKING and stroke.changes == (("engraving.cut", False),)
    assert stroke.fix == ("no letters this band takes cast in the script font or a bolder one: have the letters "
                          "engraved by hand after casting (or choose a wider band)")
    by_hand = apply_fix(design, stroke)
    assert by_hand.engraving.cut is False and by_hand.engraving.text == "Forever yours"
    assert not {"engraving-stroke", "engraving-gap", "engraving-under"} & _kinds(by_hand).keys()


def test_the_check_weighs_the_metal_left_under_the_cut():
    design = parse_design(band("flat", thickness=1.1, text="Always", depth_mm=0.15))  # 18k: a 1.0 mm shank
    under = _kinds(design)["engraving-under"]
    assert under.value_mm == pytest.approx(1.1 - 0.15) and under.limit_mm == catalogue.metal("18k-yellow").min_shank_mm
    assert under.changes == (("engraving.depth_mm", 0.1),)
    assert "engraving-under" not in _kinds(apply_fix(design, under))


def test_the_letters_are_not_read_as_gaps_or_a_thin_shank():
    kinds = _kinds(parse_design(band(text="Forever yours · 2026", font="script")))
    assert not {"gap", "shank", "band-top", "thin-detail"} & kinds.keys()


# The least letter height that casts, mm, per font and text (docs/geometry.md's table): measured, then found again here.
LEAST_HEIGHTS = {"FOREVER 12.06.2026": {"sans": 1.7, "serif": 3.3, "script": 4.6},
                 "Forever yours · 2026": {"sans": 2.0, "serif": 3.4, "script": 5.5},
                 "J & E 2022": {"sans": 1.7, "serif": 3.3, "script": 4.9}}


@pytest.mark.parametrize("text", list(LEAST_HEIGHTS))
def test_the_least_height_that_casts_in_each_font(text):
    for font, least in LEAST_HEIGHTS[text].items():
        assert least_height_mm(text, Font(font)) == least, font
        assert measure(text, Font(font), least).casts
        below = measure(text, Font(font), round(least - 0.1, 1))
        assert not below.casts and min(below.stroke_mm, below.gap_mm) < LEAST_WIDTH_MM


def test_stroke_and_gap_widths_of_the_fonts():
    """At 1.5 mm, "FOREVER 12.06.2026": strokes of 0.28 mm in the sans, 0.14 in the serif, 0.10 in the script; the
    sans's gaps 0.30 mm. Strokes scale with the letters exactly (the outline does)."""
    widths = {font: measure("FOREVER 12.06.2026", font, 1.5) for font in Font}
    assert widths[Font.SCRIPT].stroke_mm < widths[Font.SERIF].stroke_mm < widths[Font.SANS].stroke_mm < 0.30
    assert widths[Font.SANS].stroke_mm == pytest.approx(0.281, abs=0.005)
    assert widths[Font.SERIF].stroke_mm == pytest.approx(0.138, abs=0.005)
    assert widths[Font.SCRIPT].stroke_mm == pytest.approx(0.098, abs=0.005)
    for font in Font:
        assert measure("FOREVER 12.06.2026", font, 3.0).stroke_mm == pytest.approx(2 * widths[font].stroke_mm,
                                                                                   rel=1e-6)


def _raster_stroke(area: manifold3d.CrossSection, pixel: float = 0.01) -> float:
    """The width under which a tenth of `area` lies, read off a picture of it `pixel` mm a pixel: each ink pixel's
    local width is the largest disc inside the ink that covers it (an opening: the distance transform's ridge grown
    back by its radius)."""
    from PIL import Image, ImageDraw
    from scipy import ndimage

    low_x, low_y, high_x, high_y = area.bounds()
    size = (int((high_x - low_x) / pixel) + 20, int((high_y - low_y) / pixel) + 20)
    ink = np.zeros(size[::-1], dtype=bool)
    for contour in area.to_polygons():  # the union's contours do not cross: each flips what it encloses
        picture = Image.new("1", size)
        ImageDraw.Draw(picture).polygon([((x - low_x) / pixel + 10, (y - low_y) / pixel + 10) for x, y in contour],
                                        fill=1)
        ink ^= np.asarray(picture, dtype=bool)
    inside = ndimage.distance_transform_edt(ink)

    def taken(radius: float) -> float:
        centres = inside > radius
        opened = ndimage.distance_transform_edt(~centres) <= radius
        return 1 - (opened & ink).sum() / ink.sum()

    low, high = 0.0, 60.0  # pixels
    for _ in range(12):
        middle = (low + high) / 2
        low, high = (middle, high) if taken(middle) < 0.10 else (low, middle)
    return 2 * high * pixel


@pytest.mark.parametrize("font", ["sans", "serif"])
def test_the_stroke_measured_agrees_with_a_picture_of_the_cut(font):
    """The cut into a pendant's back (the plate met by the cutter), sliced half way down and drawn 0.01 mm a pixel: a
    tenth of it lies under the stroke width the check measures on the outline (within two pixels)."""
    design = parse_design(pendant(30.0, text="FOREVER 2026", font=font, height_mm=1.5))
    plate = manifold3d.Manifold.cube((40.0, 40.0, 1.5), center=True).translate((0.0, 0.0, 0.75))
    section = (plate ^ pendant_cutter(design, EXPORT.chord_error_mm)).slice(design.engraving.depth_mm / 2)
    assert section.area() == pytest.approx(lettering(design.engraving, EXPORT.chord_error_mm).area.area(), rel=1e-3)
    assert _raster_stroke(section) == pytest.approx(fineness(design.engraving).stroke_mm, abs=0.02)


def test_a_letter_with_nothing_between_its_strokes_has_no_gap():
    """A bar or a square dot closed on itself fills nothing but the offsets' rounding: no gap to judge (once read
    as a 0.01 mm gap at any height)."""
    design = parse_design(band(text="I · I", font="sans", height_mm=2.5))
    assert fineness(design.engraving).gap_mm == math.inf
    assert not {"engraving-stroke", "engraving-gap"} & _kinds(design).keys()


# ---------------------------------------------------------------- the fonts shipped


def test_the_fonts_ship_with_their_licences():
    folder = ROOT / "assets" / "fonts"
    for name in ("DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf", "DancingScript-Bold.otf", "OFL.txt",
                 "DejaVu-LICENSE.txt"):
        assert (folder / name).is_file(), name
    assert {path.name for path in folder.glob("*.[ot]tf")} == set(fonts.FONT_FILES.values())  # no weight unused
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "SIL Open Font License" in readme and "Bitstream Vera" in readme
    for font in Font:
        assert fonts.face(font).cap_units > 0


def test_the_engraved_preset():
    design = load_design(ROOT / "models" / "engraved-band.json")
    assert design.engraving.cut and design.schema_version == 2
    assert json.loads((ROOT / "models" / "engraved-band.json").read_text())["engraving"]["text"] == design.engraving.text
    assert model_of(design).body_count == 1


def test_the_spec_sheet_says_how_the_text_is_cut():
    import pypdfium2

    from configurator.features.engraving import dimensions as engraving_rows
    from configurator.sheet import spec_sheet

    design = load_design(ROOT / "models" / "engraved-band.json")
    pdf = pypdfium2.PdfDocument(spec_sheet(design))
    text = " ".join(pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    for label, value in engraving_rows(design):
        assert label in text and value in text
    assert "sans, 2.10 mm high, 0.20 mm deep" in text and "inside, 180 degrees from the top" in text
    assert engraving_rows(load_design(ROOT / "models" / "heirloom-ring.json"))[1] == ["engraving letters",
                                                                                     "by hand after casting"]
    assert engraving_rows(parse_design(pendant(text="Mum")))[2] == ["engraving place", "the back, reading from behind"]


# ---------------------------------------------------------------- too fine: no wax


def test_too_fine_letters_block_the_export_with_one_line(tmp_path):
    import subprocess
    import sys

    doc = tmp_path / "script.json"
    doc.write_text(json.dumps(band(text="Forever yours", font="script")), encoding="utf-8")
    out = tmp_path / "wax.stl"
    result = subprocess.run([sys.executable, "-m", "configurator", "export", str(doc), "-o", str(out)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1  # the check's verdict (2 is for bad input)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("export: not castable, nothing written: blocking: engraving.height_mm")
    assert "too fine to cast" in lines[0] and "use the sans font and make the letters 2.1 mm high" in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_the_app_holds_the_wax_back_and_offers_the_height_and_the_bolder_font(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.helpers.apptest import APP, DATABASE_URL, document, download, errors, run_page

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    at = run_page(AppTest.from_file(str(APP), default_timeout=120))
    at.session_state["store_unlocked"] = True
    at = run_page(at.slider(key="width").set_value(6.0))
    at = run_page(at.text_input(key="engraving").input("Forever yours"))
    at = run_page(at.selectbox(key="engraving_font").set_value("serif"))
    at = run_page(at.slider(key="engraving_height").set_value(2.5))
    fine = [e for e in errors(at) if e.startswith("The engraving is too fine to cast")]
    assert len(fine) == 1 and "Make the letters 3.6 mm high, the least that casts (or use the sans font)" in fine[0]
    assert download(at, "download_stl").proto.disabled
    assert any(e.startswith("Wax files are held back until the check passes: the engraving is too fine")
               for e in errors(at))
    ways = {button.label: button for button in at.button if button.key.startswith("fix_")}
    assert {"Fix: make the letters 3.6 mm high", "Or: use the sans font"} <= ways.keys()
    at = run_page(ways["Or: use the sans font"].click())
    assert document(at)["engraving"]["font"] == "sans" and document(at)["engraving"]["height_mm"] == 2.5
    assert not [e for e in errors(at) if "too fine" in e] and not download(at, "download_stl").proto.disabled


def test_a_new_text_in_the_app_is_cut_at_the_least_height_that_casts():
    """The document's 1.5 mm is the trade's least letter; the form cuts a new text no smaller than its font casts, and
    leaves a height the person chose alone."""
    from webapp import form

    doc = json.loads((Path(__file__).resolve().parent.parent / "models" / "comfort-band.json").read_text())
    doc = parse_design({**doc, "ring": {**doc["ring"], "width_mm": 4.0}}).to_dict()
    changed = parse_design(form.change(doc, {}, "engraving", "Forever yours 2026"))
    fine = measure("Forever yours 2026", Font.SANS, changed.engraving.height_mm)
    assert changed.engraving.height_mm > 1.5 and fine.casts
    assert not [f for f in check(changed, model_of(changed)) if f.kind in FINE_LETTER_KINDS]
    chosen = form.change(changed.to_dict(), {}, "engraving_height", 2.3)
    assert parse_design(form.change(chosen, {}, "engraving", "Always")).engraving.height_mm == 2.3
