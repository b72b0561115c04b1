"""Changes to a design document as a dict: dotted fields set, and a group's stone following its centre or a field of
its own. Nothing here validates: `documents.edited` reads the changed document; the features' fixes and follows
use these on the dict they are changing."""

from __future__ import annotations

from enum import Enum
from typing import Any

from .design import Design, Shape, shortest_length_mm


def changed(design: Design, changes: dict[str, Any]) -> dict[str, Any]:
    """`design`'s document with dotted fields set (`{"ring.thickness_mm": 1.9}`); parts missing on the way are made."""
    doc = design.to_dict()
    for dotted, value in changes.items():
        keys = dotted.split(".")
        node = doc
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value.value if isinstance(value, Enum) else value
    return doc


def follow_centre(side: dict[str, Any], before_mm: float, after_mm: float) -> None:
    """A side stone (a document's `side_stones.stone`) after its centre went from `before_mm` to `after_mm` long: it
    keeps its share of the centre's length (its width in proportion), at least 1 mm and long enough for its shape to be
    1 mm wide. Changed in place."""
    if abs(before_mm - after_mm) < 1e-9:
        return
    scale = after_mm / before_mm
    side["length_mm"] = round(max(1.0, shortest_length_mm(Shape(side.get("shape", "round"))),
                                  float(side["length_mm"]) * scale), 2)
    if side.get("width_mm") is not None:
        side["width_mm"] = round(min(float(side["width_mm"]) * scale, side["length_mm"]), 2)


def follow_field(stone: dict[str, Any], field: str) -> None:
    """A group's stone (side stones', a row's) after its `field` changed: a new shape in its usual proportion, long
    enough to be 1 mm wide; a new material with its own grades. Changed in place."""
    if field == "shape":
        stone.pop("width_mm", None)
        stone["length_mm"] = max(float(stone["length_mm"]), shortest_length_mm(Shape(stone["shape"])))
    elif field == "material":
        stone.pop("color", None)
        stone.pop("clarity", None)
