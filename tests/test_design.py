"""The design document: the contract's field names load, and bad documents are refused naming the field."""

import json

import pytest
from pydantic import ValidationError

from configurator.design import Cut, Design, Shape
from configurator.documents import MAX_DOCUMENT_BYTES, json_schema, load_design, loads_design, parse_design
from configurator.errors import DesignError
from configurator.styles import prong_count

from .conftest import ROOT, ring_doc

FULL_RING = {
    "schema_version": 1,
    "piece": "ring",
    "metal": "18k-white",
    "ring": {"size": {"system": "UK", "value": "N 1/2"}, "profile": "knife-edge", "width_mm": 2.5, "thickness_mm": 1.7},
    "stone": {
        "shape": "oval",
        "cut": "brilliant",
        "material": "sapphire",
        "length_mm": 8.0,
        "width_mm": 6.0,
        "depth_mm": 4.2,
        "color": "blue",
        "clarity": "eye-clean",
        "client_supplied": True,
    },
    "setting": {"style": "halo", "prongs": 6},
    "heirloom": {"metal": "14k-yellow", "grams": 10.0},
}
PENDANT = {
    "piece": "pendant",
    "metal": "silver-925",
    "pendant": {"outline": "teardrop", "bail": "hinged", "clasp": "spring-ring", "chain": {"length_mm": 500}},
    "stone": {"shape": "pear", "cut": "cabochon", "material": "amethyst", "length_mm": 10, "color": "purple"},
    "setting": {"style": "bezel"},
}


def test_contract_fields_round_trip():
    design = parse_design(FULL_RING)
    again = loads_design(design.to_json())
    assert again == design
    assert again.stone.client_supplied is True
    assert again.ring.size.value == "N 1/2"
    assert prong_count(again.setting) == 6
    assert again.heirloom.grams == 10.0


def test_pendant_document_validates():
    design = parse_design(PENDANT)
    assert design.pendant.clasp.value == "spring-ring"
    assert design.pendant.chain.length_mm == 500
    assert design.stone.shape is Shape.PEAR and design.stone.cut is Cut.CABOCHON


@pytest.mark.parametrize(
    "metal",
    [
        "10k-yellow",
        "14k-yellow",
        "14k-white",
        "14k-rose",
        "18k-yellow",
        "18k-white",
        "18k-rose",
        "22k-yellow",
        "platinum-950",
        "palladium-950",
        "silver-925",
    ],
)
def test_every_contract_metal_is_in_the_catalogue(metal):
    assert parse_design(ring_doc() | {"metal": metal}).metal == metal


@pytest.mark.parametrize("shape", [shape.value for shape in Shape])
@pytest.mark.parametrize("cut", [cut.value for cut in Cut])
def test_every_shape_and_cut_validates(shape, cut):
    doc = ring_doc() | {"stone": {"shape": shape, "cut": cut, "length_mm": 6.0}}
    stone = parse_design(doc).stone
    assert stone.outline_width_mm <= stone.length_mm


@pytest.mark.parametrize(
    "material",
    [
        "diamond",
        "lab-diamond",
        "moissanite",
        "sapphire",
        "ruby",
        "emerald",
        "aquamarine",
        "morganite",
        "amethyst",
        "citrine",
        "topaz",
        "garnet",
        "tanzanite",
        "peridot",
        "cubic-zirconia",
    ],
)
def test_every_contract_material_is_in_the_catalogue(material):
    assert parse_design(ring_doc() | {"stone": {"material": material}}).stone.material == material


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"metal": "14k-green"}, "metal"),
        ({"metal": 14}, "metal"),
        ({"piece": "bracelet"}, "piece"),
        ({"schema_version": 3}, "schema_version"),
        ({"ring": None}, "ring"),
        ({"ring": {"size": {"system": "US", "value": 7}, "width_mm": 40}}, "ring.width_mm"),
        ({"ring": {"size": {"system": "US", "value": 7}, "width_mm": "wide"}}, "ring.width_mm"),
        ({"ring": {"size": {"system": "US", "value": 7}, "width_mm": "4"}}, "ring.width_mm"),
        ({"ring": {"size": {"system": "US", "value": 7}, "thickness_mm": -1}}, "ring.thickness_mm"),
        ({"ring": {"size": {"system": "US", "value": 7}, "thickness_mm": True}}, "ring.thickness_mm"),
        ({"ring": {"size": {"system": "US", "value": 7}, "profile": "square"}}, "ring.profile"),
        ({"ring": {"size": {"system": "FR", "value": 7}}}, "ring.size.system"),
        ({"ring": {"size": {"system": "UK", "value": "N 1/3"}}}, "ring.size.value"),
        ({"ring": {"size": {"system": "US", "value": 99}}}, "ring.size.value"),
        ({"ring": {"size": {"system": "US"}}}, "ring.size.value"),
        ({"ring": {"size": {"system": "US", "value": 7}, "colour": "gold"}}, "ring.colour"),
        ({"stone": {"shape": "hexagon"}}, "stone.shape"),
        ({"stone": {"cut": "old-mine"}}, "stone.cut"),
        ({"stone": {"material": "glass"}}, "stone.material"),
        ({"stone": {"length_mm": 0}}, "stone.length_mm"),
        ({"stone": {"length_mm": 6, "width_mm": 7}}, "stone.width_mm"),
        ({"stone": {"shape": "round", "length_mm": 6, "width_mm": 4}}, "stone.width_mm"),
        ({"stone": {"color": "blue"}}, "stone.color"),
        ({"stone": {"clarity": "VS3"}}, "stone.clarity"),
        ({"stone": {"material": "ruby", "color": "blue"}}, "stone.color"),
        ({"stone": {"material": "ruby", "clarity": "VS1"}}, "stone.clarity"),
        ({"stone": {"length_mm": 6, "depth_mm": 9}}, "stone.depth_mm"),
        ({"stone": {"client_supplied": "maybe"}}, "stone.client_supplied"),
        ({"setting": {"style": "prong"}}, "setting"),
        ({"stone": {}, "setting": {"style": "tension"}}, "setting.style"),
        ({"stone": {}, "setting": {"style": "prong", "prongs": 5}}, "setting.prongs"),
        ({"stone": {}, "setting": {"style": "bezel", "prongs": 4}}, "setting.prongs"),
        ({"stone": {}, "setting": {"style": "bezel", "prong_mm": 1.0}}, "setting.prong_mm"),
        ({"stone": {}, "setting": {"prong_mm": 0.1}}, "setting.prong_mm"),
        ({"stone": {}, "setting": {"prong_mm": 9}}, "setting.prong_mm"),
        ({"heirloom": {"metal": "14k-yellow", "grams": -3}}, "heirloom.grams"),
        ({"piece": "pendant"}, "pendant"),
        ({"piece": "pendant", "pendant": {"clasp": "magnet"}}, "pendant.clasp"),
        ({"piece": "pendant", "pendant": {"chain": {"length_mm": 50}}}, "pendant.chain.length_mm"),
        ({"name": "x" * 500}, "name"),
    ],
)
def test_bad_documents_are_refused_naming_the_field(change, field):
    doc = ring_doc() | change
    with pytest.raises(DesignError) as info:
        parse_design(doc)
    message = str(info.value)
    assert message.startswith(f"{field}: "), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1, 2]", "must be a JSON object"),
        ('"ring"', "must be a JSON object"),
        ("{", "not JSON"),
        ("", "not JSON"),
        ('{"piece": "ring", "metal": NaN}', "NaN"),
        ('{"piece": "ring", "metal": Infinity}', "Infinity"),
        ("[" * 5000 + "]" * 5000, "nested|object"),
        ('{"a":' * 40 + "1" + "}" * 40, "nested"),
        (b"\xff\xfe\x00", "not"),
    ],
    ids=["list", "string", "truncated", "empty", "nan", "infinity", "deep-list", "deep-object", "binary"],
)
def test_bad_json_is_refused_in_one_line(text, words):
    with pytest.raises(DesignError, match=words) as info:
        loads_design(text)
    assert "\n" not in str(info.value)


def test_oversized_document_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(ring_doc() | {"name": "x" * MAX_DOCUMENT_BYTES}))
    with pytest.raises(DesignError, match="larger than"):
        load_design(path)


def test_missing_file_and_directory_are_named(tmp_path):
    with pytest.raises(DesignError, match="no such file"):
        load_design(tmp_path / "nope.json")
    with pytest.raises(DesignError, match="is a directory"):
        load_design(tmp_path)


def test_design_is_immutable():
    design = parse_design(ring_doc())
    with pytest.raises(ValidationError, match="frozen"):
        design.metal = "silver-925"


def test_schema_lists_the_contract():
    schema = json_schema()
    assert set(schema["required"]) == {"piece", "metal"}
    assert {"schema_version", "piece", "metal", "ring", "stone", "setting", "pendant", "heirloom"} <= set(
        schema["properties"]
    )
    assert "14k-yellow" in schema["properties"]["metal"]["enum"]
    ring = schema["$defs"]["Ring"]["properties"]
    assert {"size", "profile", "width_mm", "thickness_mm"} <= set(ring)


@pytest.mark.parametrize("path", sorted((ROOT / "models").glob("*.json")), ids=lambda path: path.name)
def test_every_preset_is_a_valid_design(path):
    assert isinstance(load_design(path), Design)


# ---------------------------------------------------------------- text that means what it shows


@pytest.mark.parametrize("text", [
    "Alice\u3164", "\u115fAlice", "Al\u2800ice", "Alice\u034f", "Alice\ufe0f", "Ali\u200bce", "Alice\u200d",
    "\ue000Alice", "\u0301Alice", "\u00a0\u00a0\u00a0", " ",
])
def test_invisible_text_is_refused_in_names_and_engravings(text):
    from configurator.storage import StorageError, check_client_name

    with pytest.raises(DesignError, match=r"^name: "):
        parse_design(ring_doc() | {"name": text})
    with pytest.raises(DesignError, match=r"^engraving\.text: "):
        parse_design(ring_doc() | {"engraving": {"text": text}})
    with pytest.raises(StorageError, match=r"^client_name: "):
        check_client_name(text)


@pytest.mark.parametrize("text", ["Renée", "Rene\u0301e", "Zoë & Ünal", "מרים", "العربية", "中文 💍", "O'Brien-Smith"])
def test_visible_text_of_any_script_is_kept(text):
    assert parse_design(ring_doc() | {"name": text}).name == text


@pytest.mark.parametrize(("system", "value"), [("UK", "N+٣"), ("US", "٧"), ("EU", "５４"), ("US", "1e1")])
def test_sizes_take_ascii_digits_only(system, value):
    with pytest.raises(DesignError, match=r"^ring\.size\.value: "):
        parse_design(ring_doc(size={"system": system, "value": value}))


def test_a_document_carries_only_the_parts_of_its_piece():
    pendant = {"piece": "pendant", "metal": "18k-yellow", "pendant": {"outline": "round"}}
    with pytest.raises(DesignError, match=r"^ring: a pendant design carries no ring part"):
        parse_design(pendant | {"ring": ring_doc()["ring"]})
    with pytest.raises(DesignError, match=r"^pendant: a ring design carries no pendant part"):
        parse_design(ring_doc() | {"pendant": {"outline": "round"}})


def test_a_share_link_cut_short_or_tampered_is_refused_in_one_line():
    from configurator.share import decode_design, encode_design

    token = encode_design(parse_design(ring_doc()))
    for damaged in (token[:-1], token[:-4], token[:-6], token[:10] + ("A" if token[10] != "A" else "B") + token[11:]):
        with pytest.raises(DesignError, match=r"^design link: damaged") as refused:
            decode_design(damaged)
        assert "\n" not in str(refused.value)
    assert decode_design(token) == parse_design(ring_doc())
