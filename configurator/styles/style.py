"""What a setting style of the centre stone is: how it builds, what it adds, what the document may ask of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..design import SettingStyle

if TYPE_CHECKING:
    import numpy as np

    from ..catalogue import Metal
    from ..design import Design, Setting
    from ..findings import Finding
    from ..heads import Parts, Support
    from ..model import Model
    from ..pendants import Plate
    from ..shoulders import BandTop
    from ..stone_forms import StoneForm
    from ..walls import Scan


@dataclass(frozen=True)
class Style:
    """A setting style of the centre stone."""

    name: SettingStyle
    head: Callable[[StoneForm, Setting, Support, bool], Parts]  # (form, setting, support, precut), stone's frame
    prongs: int = 0  # the prong count a document may choose, by default this; 0: none to choose
    prong_mm: bool = True  # its head has prongs whose diameter a document may set
    braced: bool = False  # its prongs are braced (by a rim): they may be thinner than free-standing ones
    shoulders: Callable[[BandTop, StoneForm, float, Parts], Parts] | None = None  # (top, form, girdle z, head)
    border: Callable[[Plate, float], Parts] | None = None  # accent stones round a pendant's plate (plate, keep clear)
    accent_labour: str | None = None  # the price table's labour.accent rate for its accent stones
    abutting: bool = False  # its accent stones touch by design (one channel): the check does not space them
    findings: Callable[[Design, Model, Metal], list[Finding]] | None = None  # what the check measures on it
    # The faces of the metal it raises on the band's top (pavé's beads), given the design, the model and the metal's
    # thickness scan: detail to the check, not the band's walls; a flag a face of the scan. None: it raises none.
    raised: Callable[[Design, Model, Scan], np.ndarray] | None = None
    in_band: bool = False  # its stones sit in the band's top: it needs a flat or rounded one
    least_band_mm: float = 0.0  # the narrowest band it goes on
    flanked: bool = False  # side stones may stand on its shoulders
    named: str = "head"  # what the check calls a point on it: "the head at 3 o'clock"
    rim_milgrain: bool = False  # its head has a rim that a document may bead (`setting.milgrain`)
    label: str = ""  # its name for a client: "Pavé"
    hint: str = ""  # what it looks like, in a few words for a client
    example_band_mm: float | None = None  # the band its picture's example needs to cast (`choices.example`)
