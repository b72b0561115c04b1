"""The features' contract: every registered feature is found on its own example and not on a plain band, prices at
least one line of the quote (or says why it has none), shows its rows on the workshop's sheet (or says why not), has
the check find what it measures and its fix clear it (or says why it measures nothing of its own), has its controls on
the app's form (or says why not), travels through the document and the share link, and its example exports clean
files."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from configurator import catalogue
from configurator.builds import model_of, scan_of
from configurator.checks import apply_fix, check
from configurator.documents import parse_design
from configurator.errors import DesignError
from configurator.export import Format, export
from configurator.families import eternity_band
from configurator.features import FEATURES, BandMetal, CheckContext, PriceContext, SummaryContext, features_of
from configurator.price_table import current_price_table
from configurator.quotes import price, quote_summary
from configurator.share import decode_design, encode_design
from configurator.sheet import spec_sheet

from .conftest import ring_doc
from .helpers.meshes import faults, read_back

# A feature without a facet says here why it needs none; one that neither has it nor is named here fails by name.
NO_PRICE = {"taper": "its metal is the band's, weighed as built: a tapered shank adds no line of its own"}
NO_DIMENSIONS = {"accents": "the setting's row is the centre stone's, and the accents are counted in the gem table",
                 "heirloom": "a credit against the price, not a part of the piece"}
NO_FINDINGS = {"taper": "the band's own findings measure the shank where it is thinnest, a taper's back among them "
                        "(the taper offers bigger steps of a thicker back as fixes)",
               "heirloom": "a credit against the price, nothing built to measure"}

# For each feature with findings, a design the check's own tests know to raise one of its kinds, and the kind.
_RING = {"size": {"system": "US", "value": 7}, "profile": "comfort", "width_mm": 2.5, "thickness_mm": 1.7}
_OVAL = {"shape": "oval", "length_mm": 7.0, "color": "G", "clarity": "VS2"}
RAISES = {
    "stone": ({"piece": "ring", "metal": "18k-yellow", "ring": _RING, "stone": {"length_mm": 6.5},
               "setting": {"style": "prong", "prong_mm": 0.5}}, "prong-table"),
    "milgrain": ({"piece": "ring", "metal": "18k-yellow", "ring": _RING, "stone": {"length_mm": 6.0},
                  "setting": {"style": "bezel", "milgrain": {"bead_mm": 0.3}}}, "milgrain-bead"),
    "accents": ({"piece": "ring", "metal": "18k-yellow", "ring": {**_RING, "profile": "flat", "width_mm": 3.0,
                                                                   "thickness_mm": 1.4},
                 "stone": {"cut": "cabochon", "length_mm": 7.0}, "setting": {"style": "pave"}}, "pave-under"),
    "pendant": ({"piece": "pendant", "metal": "18k-yellow", "pendant": {"outline": "bar", "size_mm": 10},
                 "stone": {"length_mm": 6.0}, "setting": {"style": "bezel"}}, "overhang"),
    "eternity": (eternity_band("princess", "channel", "half", thickness=1.6), "row-under"),
    "side_stones": ({"piece": "ring", "metal": "platinum-950", "ring": {**_RING, "width_mm": 4.0, "thickness_mm": 1.2},
                     "stone": _OVAL, "setting": {"style": "prong", "prongs": 4},
                     "side_stones": {"stone": {**_OVAL, "shape": "round", "length_mm": 2.5}, "style": "channel"}},
                    "row-under"),
    "matching_band": ({"piece": "ring", "metal": "platinum-950", "ring": {**_RING, "thickness_mm": 1.8},
                       "stone": _OVAL, "setting": {"style": "prong", "prongs": 4},
                       "matching_band": {"width_mm": 2.2, "thickness_mm": 0.8}}, "matching-shank"),
    "engraving": ({"piece": "ring", "metal": "18k-yellow", "ring": {**_RING, "width_mm": 4.0, "thickness_mm": 1.8},
                   "engraving": {"cut": True, "text": "Forever yours", "font": "script"}}, "engraving-stroke"),
}

NO_SUMMARY = {"milgrain": "its beading is a line of the price and its length is on the sheet",
              "taper": "its metal is the band's, weighed with the piece",
              "engraving": "its words are the design's own field and its cost a line of the price",
              "heirloom": "a credit: lines of the price"}
NO_CONTROLS = {"accents": "the setting's style adds them: their control is the centre stone's Style"}
# Controls the form shows only once others have values: the control, and the changes that bring it (key, value).
SHOWN_AFTER = {"stone_length": (("size_by", "mm"),), "stone_width": (("shape", "oval"), ("stone_free", True)),
               "stone_depth": (("stone_free", True),),
               "side_grad": (("side_shape", "round"), ("side_length", 3.0), ("side_count", 2))}

# For each feature with a fit rule, a change of its example the rule refuses when the document is read, and the field
# the refusal names; the others say here why the document's schema is all they ask.
def _pave_on_a_knife_edge(doc: dict) -> None:
    doc["setting"] = {"style": "pave"}
    doc["ring"]["profile"] = "knife-edge"


MISFITS = {
    "milgrain": (lambda doc: doc["ring"].update(profile="knife-edge", thickness_mm=0.8), "ring.milgrain.bead_mm"),
    "eternity": (lambda doc: doc["ring"].update(width_mm=1.5), "ring.width_mm"),
    "stone": (lambda doc: doc.update(setting={"style": "bezel", "prongs": 4}), "setting.prongs"),
    "side_stones": (lambda doc: doc["setting"].update(style="halo"), "side_stones"),
    "accents": (_pave_on_a_knife_edge, "setting.style"),
    "engraving": (lambda doc: doc["engraving"].update(text="x" * 40, height_mm=3), "engraving.text"),
}
NO_FIT = {"pendant": "a plate's size and a chain's length are the schema's limits; the check measures the rest",
          "taper": "the schema keeps the back within the top's width and thickness",
          "matching_band": "the schema's limits; the check measures its gap to the ring as built",
          "heirloom": "a credit against the price, nothing built"}

BY_NAME = {feature.name: feature for feature in FEATURES}
named = pytest.mark.parametrize("name", list(BY_NAME))


def example(name: str):
    return parse_design(BY_NAME[name].example())


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_names_are_the_registrys_own():
    assert len(BY_NAME) == len(FEATURES) and all(feature.title for feature in FEATURES)


@named
def test_every_feature_has_its_facets_or_says_why_not(name):
    feature = BY_NAME[name]
    assert (feature.price is not None) != (name in NO_PRICE), f"{name}: a price facet, or a reason in NO_PRICE"
    assert (feature.dimensions is not None) != (name in NO_DIMENSIONS), \
        f"{name}: a dimensions facet, or a reason in NO_DIMENSIONS"
    assert (feature.findings is not None) != (name in NO_FINDINGS), f"{name}: a findings facet, or a reason in NO_FINDINGS"
    assert (feature.findings is None) or name in RAISES, f"{name}: a design in RAISES that raises one of its findings"
    assert bool(feature.controls) != (name in NO_CONTROLS), f"{name}: a controls facet, or a reason in NO_CONTROLS"
    assert (feature.summary is not None) != (name in NO_SUMMARY), f"{name}: a summary facet, or a reason in NO_SUMMARY"
    assert feature.trade_stones is None or feature.summary is not None, f"{name}: its stones need a summary facet"


@named
def test_its_example_has_it_and_a_plain_band_does_not(name):
    assert BY_NAME[name] in features_of(example(name))
    assert not BY_NAME[name].present(parse_design(ring_doc()))


def _context(design) -> PriceContext:
    """The context `quotes.price` prices the design in: its stones as modelled, its beads and band as built."""
    model = model_of(design)
    band = BandMetal(model.matching.volume_mm3, model.matching.fit.contoured) if model.matching is not None else None
    beaded = sum(row.length_mm for row in model.beads if row.count) if model.beads else None
    stones = model.stone_weights()
    workmanship = "Workmanship: design, casting, finishing" + (" and setting" if stones else "")
    return PriceContext(design, current_price_table(), stones, workmanship, milgrain_mm=beaded, band=band)


@named
def test_it_adds_its_lines_to_the_quote(name):
    feature, design = BY_NAME[name], example(name)
    if feature.price is None:
        pytest.skip(NO_PRICE[name])
    quoted = price(design)
    added = feature.price(_context(design))
    items = [line[0] for line in (*added.materials, *added.labour, *added.custom)]
    items += [line[0] for line in added.part.lines] if added.part is not None else []
    items += [line[0] for line in added.credit(quoted.total - quoted.credits).lines] if added.credit else []
    assert items, f"{name}: its price facet adds no line"
    assert set(items) <= {row.item for row in quoted.rows}, f"{name}: its lines are not the quote's"


@named
def test_its_part_of_the_quote_json_is_the_command_lines(name):
    """What the summary facet adds (stone lines, fields) is in the JSON the command line prints for its example, and
    a feature with stones of its own lists them there."""
    feature, design = BY_NAME[name], example(name)
    if feature.summary is None:
        pytest.skip(NO_SUMMARY[name])
    printed = quote_summary(design).to_dict()
    model = model_of(design)
    summed = feature.summary(SummaryContext(design, model, price(design)))
    assert summed.stones or summed.fields, f"{name}: its summary facet adds nothing"
    for line in summed.stones:
        assert line.to_dict() in printed["stones"], f"{name}: its {line.role} line is not in the quote's JSON"
    for key, value in summed.fields.items():
        assert printed[key] == value.to_dict(), f"{name}: its {key} is not the quote's"
    roles = {weight.role for weight in (feature.trade_stones(design) if feature.trade_stones else ())}
    assert roles <= {line.role for line in summed.stones}, f"{name}: its stones are not all listed"


@named
def test_its_rows_are_on_the_workshop_sheet(name):
    feature, design = BY_NAME[name], example(name)
    if feature.dimensions is None:
        pytest.skip(NO_DIMENSIONS[name])
    rows = feature.dimensions(design, model_of(design), quote_summary(design))
    assert rows, f"{name}: its dimensions facet gives no row"
    reader = PdfReader(io.BytesIO(spec_sheet(design, audience="workshop")))
    text = words(" ".join(page.extract_text() for page in reader.pages))
    for label, value in rows:
        assert words(label) in text and words(value) in text, f"{name}: {label} {value} is not on the sheet"


@named
def test_the_check_finds_what_it_measures_and_its_fix_clears_it(name):
    feature = BY_NAME[name]
    if feature.findings is None:
        pytest.skip(NO_FINDINGS[name])
    doc, kind = RAISES[name]
    design = parse_design(doc)
    model = model_of(design)
    assert feature in features_of(design)
    walls = scan_of(design, model)
    own = feature.findings(CheckContext(design, model, catalogue.metal(design.metal), walls))
    assert kind in [finding.kind for finding in own], f"{name}: its findings facet does not find {kind}"
    (finding, *_) = [finding for finding in check(design, model) if finding.kind == kind]
    if finding.changes:
        fixed = apply_fix(design, finding)
        remaining = [other for other in check(fixed, model_of(fixed), verify=False)
                     if (other.kind, other.part) == (kind, finding.part)]
        assert remaining == [], (finding.line(), [other.line() for other in remaining])


@named
def test_a_document_it_cannot_be_made_from_is_refused_when_read(name):
    feature = BY_NAME[name]
    assert (feature.fit is not None) != (name in NO_FIT), f"{name}: a fit rule, or a reason in NO_FIT"
    if feature.fit is None:
        return
    assert feature.fit(example(name)) is None
    change, field = MISFITS[name]
    doc = feature.example()
    change(doc)
    with pytest.raises(DesignError) as refused:
        parse_design(doc)
    assert str(refused.value).startswith(f"{field}: ")


@named
def test_it_travels_through_the_document_and_the_share_link(name):
    design = example(name)
    assert parse_design(design.to_dict()) == design
    assert decode_design(encode_design(design)) == design


@named
@pytest.mark.slow
def test_its_example_exports_clean_files(name, tmp_path):
    design = example(name)
    written = export(model_of(design), tmp_path / "metal.stl", stones_out=tmp_path / "stones.stl",
                     fittings_out=tmp_path / "fittings.stl", band_out=tmp_path / "band.stl")
    for kind in ("metal", "band"):  # one body each; the stones and fittings are several
        if written.get(kind):
            assert not faults(read_back((tmp_path / f"{kind}.stl").read_bytes(), Format.STL), True), kind
    for kind in ("stones", "fittings"):
        if written.get(kind):
            assert not faults(read_back((tmp_path / f"{kind}.stl").read_bytes(), Format.STL), False), kind


def test_each_control_is_one_key_of_the_form():
    from webapp.form import CONTROLS, PIECE_CONTROLS

    keys = [control.key for control in PIECE_CONTROLS] + [control.key for f in FEATURES for control in f.controls]
    assert len(keys) == len(set(keys)) == len(CONTROLS)


@named
def test_its_controls_write_fields_of_the_document_within_their_limits(name):
    from webapp.limits import control_range

    for control in BY_NAME[name].controls:
        assert (control.path or control.does) and control.label, control.key
        if control.model is not None:  # a number: its limits are its field's
            assert control.path[-1] in control.model.model_fields, control.key
            low, high = control_range(control)
            assert high is not None and (low is None or low < high), control.key


def _widgets(at) -> dict:
    """The form's widgets by key."""
    kinds = (at.checkbox, at.radio, at.selectbox, at.slider, at.text_input)
    return {widget.key: widget for kind in kinds for widget in kind if widget.key}


@named
def test_its_controls_are_on_the_apps_form(name, monkeypatch):
    """The app opened on the feature's example shows every control of the feature (those shown only once another
    control has a value, after it has it)."""
    from streamlit.testing.v1 import AppTest

    from tests.helpers.apptest import APP, DATABASE_URL, ROOT, run_page

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONFIGURATOR_PREVIEW", "off")
    monkeypatch.setenv("DATABASE_URL", DATABASE_URL)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["design"] = encode_design(example(name))
    at = run_page(at)
    keys = {control.key for control in BY_NAME[name].controls}
    for key in sorted(keys - set(_widgets(at))):
        assert key in SHOWN_AFTER, f"{name}: the form shows no control {key!r}"
        for before, value in SHOWN_AFTER[key]:
            if key not in _widgets(at):
                at = run_page(_widgets(at)[before].set_value(value))
        assert key in _widgets(at), f"{name}: the form shows no control {key!r} after {SHOWN_AFTER[key]}"
