"""The store's presets: the design documents in `models/`, each read once a process, by its file's stem or by its name.

They are the designs a client starts from (the app's Preset list, the guided way's starting points within a budget)
and the ones the choice pictures are made from (`choices`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from .documents import load_design

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .design import Design

MODELS = Path(__file__).resolve().parent.parent / "models"


@functools.cache
def preset(stem: str) -> Design:
    """The preset `models/<stem>.json` (DesignError if it is not a valid design; OSError if there is none)."""
    return load_design(MODELS / f"{stem}.json")


@functools.cache
def presets() -> Mapping[str, Design]:
    """Every preset by the name it gives itself (its file's stem where it has none), in the files' order."""
    found = {}
    for path in sorted(MODELS.glob("*.json")):
        design = preset(path.stem)
        found[design.name or path.stem] = design
    return MappingProxyType(found)
