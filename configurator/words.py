"""The document's fields in a person's words: what each is called, and what setting it to a value does.

A refusal or a finding names its field for programs (`ring.width_mm: ...`, a finding's `part` and `changes`); a
person reads words: "Band width: ...", "make the band 2.80 mm wide". Every field a message or a fix can name is
here, once; a fix's words are made from its changes, so they always say what the fix does.
"""

from __future__ import annotations

import re
from typing import Any

# field -> (what it is called, what setting it to {v} does; None where a value alone says it)
FIELDS: dict[str, tuple[str, str | None]] = {
    "name": ("design name", None),
    "metal": ("metal", "make it in {v}"),
    "piece": ("piece", None),
    "ring": ("band", None),
    "ring.size": ("ring size", None),
    "ring.size.value": ("ring size", "make the ring size {v}"),
    "ring.size.system": ("sizing system", None),
    "ring.profile": ("band profile", "make the band {v}"),
    "ring.width_mm": ("band width", "make the band {v:.2f} mm wide"),
    "ring.thickness_mm": ("band thickness", "make the band {v:.2f} mm thick"),
    "ring.taper": ("tapered shank", None),
    "ring.taper.width_back_mm": ("band width at the back", "make the back of the band {v:.2f} mm wide"),
    "ring.taper.thickness_back_mm": ("band thickness at the back", "make the back of the band {v:.2f} mm thick"),
    "ring.milgrain": ("milgrain on the edges", "take the milgrain off the edges"),
    "ring.milgrain.bead_mm": ("milgrain bead size", "make the milgrain beads {v:.2f} mm across"),
    "ring.milgrain.pitch_mm": ("milgrain spacing", "space the milgrain beads {v:.2f} mm apart"),
    "ring.milgrain.edges": ("milgrain edges", None),
    "ring.eternity": ("stones along the band", None),
    "ring.eternity.gap_mm": ("gap between the row's stones", "set the row's stones {v:.2f} mm apart"),
    "ring.eternity.coverage": ("row's length", None),
    "ring.eternity.setting": ("row's setting", None),
    "ring.eternity.stone": ("row's stones", None),
    "ring.eternity.stone.length_mm": ("row stone length", "make the row's stones {v:.2f} mm long"),
    "ring.eternity.stone.shape": ("row stone shape", None),
    "stone": ("centre stone", None),
    "stone.shape": ("stone shape", "make the stone a {v}"),
    "stone.cut": ("cut", "cut the stone {v}"),
    "stone.material": ("stone", None),
    "stone.length_mm": ("stone length", "make the stone {v:.2f} mm long"),
    "stone.width_mm": ("stone width", "make the stone {v:.2f} mm wide"),
    "stone.depth_mm": ("stone depth", "make the stone {v:.2f} mm deep"),
    "stone.color": ("colour", None),
    "stone.clarity": ("clarity", None),
    "stone.stock_number": ("our stone", None),
    "stone.client_supplied": ("the client's own stone", None),
    "setting": ("setting", None),
    "setting.style": ("setting", "make the setting {v}"),
    "setting.prongs": ("prongs", "give it {v} prongs"),
    "setting.tips": ("prong tips", None),
    "setting.prong_mm": ("prong diameter", "make the prongs {v:.2f} mm thick"),
    "setting.milgrain": ("milgrain round the rim", "take the milgrain off the rim"),
    "setting.milgrain.bead_mm": ("rim milgrain bead size", "make the rim's milgrain beads {v:.2f} mm across"),
    "setting.milgrain.pitch_mm": ("rim milgrain spacing", "space the rim's milgrain beads {v:.2f} mm apart"),
    "side_stones": ("side stones", None),
    "side_stones.stone": ("side stones", None),
    "side_stones.stone.length_mm": ("side stone length", "make the side stones {v:.2f} mm long"),
    "side_stones.stone.shape": ("side stone shape", None),
    "side_stones.style": ("side setting", None),
    "side_stones.count": ("stones a side", "set {v} stones a side"),
    "side_stones.graduation": ("graduation", None),
    "side_stones.shared_prongs": ("shared prongs", None),
    "pendant": ("pendant", None),
    "pendant.size_mm": ("pendant length", "make the pendant {v:.1f} mm long"),
    "pendant.thickness_mm": ("plate thickness", "make the plate {v:.2f} mm thick"),
    "pendant.outline": ("pendant outline", None),
    "pendant.chain.length_mm": ("chain length", None),
    "engraving": ("engraving", None),
    "engraving.text": ("engraving text", None),
    "engraving.cut": ("engraving", None),
    "engraving.font": ("font", "use the {v} font"),
    "engraving.place": ("engraving place", None),
    "engraving.height_mm": ("letter height", "make the letters {v:.1f} mm high"),
    "engraving.depth_mm": ("engraving depth", "cut the letters {v:.2f} mm deep"),
    "engraving.position_deg": ("engraving position", None),
    "heirloom": ("the client's own metal", None),
    "heirloom.grams": ("weight of the client's metal", None),
    "matching_band": ("matching band", None),
    "matching_band.width_mm": ("matching band width", "make the matching band {v:.2f} mm wide"),
    "matching_band.thickness_mm": ("matching band thickness", "make the matching band {v:.2f} mm thick"),
    "matching_band.clearance_mm": ("matching band clearance", "keep the matching band {v:.2f} mm clear of the ring"),
    "matching_band.side": ("matching band side", "wear the matching band {v} the ring"),
    "matching_band.profile": ("matching band profile", None),
    "schema_version": ("document version", None),
    # saved designs and the store's records
    "client_name": ("client name", None),
    "contact": ("phone or e-mail", None),
    "notes": ("notes", None),
    "title": ("design name", None),
    "design_json": ("design", None),
}
# Fields a fix clears (a value of None): what clearing them means.
CLEARED = {"ring.milgrain": "take the milgrain off the edges", "setting.milgrain": "take the milgrain off the rim",
           "ring.milgrain.pitch_mm": "space the milgrain beads as usual",
           "setting.milgrain.pitch_mm": "space the rim's milgrain beads as usual",
           "setting.prongs": "give it the style's usual prongs", "setting.prong_mm": "give it the usual prongs"}
# Fields whose values a format cannot say: (field, value) -> what setting it does.
VALUES = {("engraving.cut", False): "have the letters engraved by hand after casting",
          ("engraving.cut", True): "cut the letters into the metal",
          ("side_stones.shared_prongs", False): "give each stone prongs of its own",
          ("side_stones.shared_prongs", True): "let the stones share prongs"}
_FIELD = re.compile(r"^([a-z_]+(?:\.[a-z_0-9]+)*): (.*)$", re.DOTALL)


def label(field: str) -> str:
    """What a field is called: "band width"; an unknown one by its own last word, its underscores as spaces."""
    if field in FIELDS:
        return FIELDS[field][0]
    return field.rsplit(".", 1)[-1].removesuffix("_mm").replace("_", " ")


def change(field: str, value: Any) -> str:
    """What setting `field` to `value` does, in words: "make the band 2.80 mm wide"."""
    if value is None:
        return CLEARED.get(field, f"set the {label(field)} as usual")
    shown = getattr(value, "value", value)
    if isinstance(shown, bool) and (field, shown) in VALUES:
        return VALUES[(field, shown)]
    words = FIELDS.get(field, (label(field), None))[1]
    if words is None:
        return f"set the {label(field)} to {shown}"
    try:
        return words.format(v=shown)
    except (ValueError, TypeError):
        return words.format(v=str(shown)).replace("{v}", str(shown))


def changes(edits) -> str:
    """A fix's edits in words, joined by "and": "make the band 2.80 mm wide and make the band 1.90 mm thick". Fields
    it clears are said only when it sets nothing (a new setting style clears its prongs: the style says it)."""
    items = list(dict(edits).items())
    said = [change(field, value) for field, value in items if value is not None]
    return " and ".join(said or [change(field, None) for field, _ in items])


def sentence(text: str) -> str:
    """A message that begins with its field (`ring.width_mm: ...`) as a person reads it: "Band width: ..."."""
    found = _FIELD.match(str(text))
    if not found or (found.group(1) not in FIELDS and "." not in found.group(1)):
        return str(text)  # not a field's refusal ("storage: database is locked"): as it is
    name = label(found.group(1))
    return f"{name[:1].upper()}{name[1:]}: {found.group(2)}"


def carats(value: float, suffix: str = "ct") -> str:
    """A weight in carats as people read it: two decimals ("1.03 ct"), and three for a stone under a hundredth of a
    carat ("0.004 ct"), which two decimals would show as nothing ("0.00 ct")."""
    places = 3 if 0 < value < 0.00995 else 2
    return f"{value:.{places}f} {suffix}"
