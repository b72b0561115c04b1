"""Accent stones: the small round stones a setting style adds (a halo, pavé, a channel along the shoulders, or round
a pendant's plate), priced by the carat at the melee rate and set at the style's rate each (`styles`), and judged
far enough apart to be set and by the style's own measures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import catalogue, words
from ..findings import MIN_ACCENT_GAP_MM, TOLERANCE_MM, Finding, Severity
from ..places import place
from ..styles import refusal as styles_refusal
from ..styles import style_of
from ..summary import StoneLine
from .feature import CheckContext, Feature, PriceContext, PriceLines, SummaryContext, Summed

if TYPE_CHECKING:
    from ..design import Design
    from ..geometry import Model
    from ..walls import Scan


def present(design: Design) -> bool:
    setting = design.effective_setting
    return setting is not None and style_of(setting.style).accent_labour is not None


def example() -> dict:
    return {"piece": "ring", "metal": "platinum-950",
            "ring": {"size": {"system": "US", "value": 6}, "profile": "comfort", "width_mm": 2.2,
                     "thickness_mm": 1.7},
            "stone": {"shape": "cushion", "length_mm": 6.0, "color": "F", "clarity": "VS1"},
            "setting": {"style": "halo", "prongs": 4}}


def price(context: PriceContext) -> PriceLines:
    """Each size of accent at the melee rate, and the setting of them at the style's accent rate."""
    table, style = context.table, context.design.effective_setting.style
    materials, labour = [], []
    for weight in context.weights("accent"):
        name = catalogue.gemstone(weight.material).name
        materials.append((f"accent stones: {weight.count} round {name}, {words.carats(weight.carat)} in all",
                          weight.carat * table.melee_per_carat, "stone",
                          f"Accent stones: {weight.count} round {name}, {words.carats(weight.carat)} in all"))
        rate = getattr(table.labour.accent, style_of(style).accent_labour)
        labour.append((f"labour: setting {weight.count} accent stones ({style.value})", rate * weight.count, "labour",
                       context.workmanship))
    return PriceLines(materials=tuple(materials), labour=tuple(labour))


# No dimension rows: the setting's row is the centre stone's, and the accents are in the gem table.
def _gap_findings(design: Design, model: Model) -> list[Finding]:
    """Accent stones set so close together that setting one would chip its neighbour (a channel's stones
    abut by design and are left out)."""
    accents = [part for part in model.stone_parts if part.role == "accent"]
    if len(accents) < 2 or style_of(design.effective_setting.style).abutting:
        return []
    centres = np.array([part.mesh.bounds.mean(axis=0) for part in accents])
    apart = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(apart, np.inf)
    pairs = [(accents[i].solid.min_gap(accents[j].solid, MIN_ACCENT_GAP_MM), i)
             for i in range(len(accents)) for j in np.argsort(apart[i])[:2]]
    closest, index = min(pairs)
    if closest < MIN_ACCENT_GAP_MM - TOLERANCE_MM:
        return [Finding(Severity.BLOCKING, "setting.style", closest, MIN_ACCENT_GAP_MM,
                        f"accent stones {closest:.2f} mm apart would chip each other when set",
                        "choose a larger piece or fewer, smaller accent stones (prong)",
                        (("setting.style", "prong"),), place(design, model, centres[index]), kind="accent-gap")]
    return []


def findings(context: CheckContext) -> list[Finding]:
    """Accent stones far enough apart to be set, then what the setting style measures of its own (a channel's walls,
    the metal under pavé)."""
    design = context.design
    found = _gap_findings(design, context.model)
    if (measure := style_of(design.effective_setting.style).findings) is not None:
        found += measure(design, context.model, context.metal)
    return found


def raised(design: Design, model: Model, walls: Scan) -> np.ndarray:
    """The faces of what the setting style raises on the band's top (pavé's beads): detail, not the band's walls."""
    measure = style_of(design.effective_setting.style).raised
    return measure(design, model, walls) if measure is not None else np.zeros(len(walls.centres), dtype=bool)


def summary(context: SummaryContext) -> Summed:
    """The accents' line: round brilliants of their size, counted and weighed as built."""
    model = context.model
    lines = []
    for weight in model.stone_weights():
        if weight.role == "accent":
            size = next(part.size_mm for part in model.stone_parts if part.role == "accent")
            lines.append(StoneLine(role="accent", shape="round", cut="brilliant", material=weight.material,
                                   length_mm=size, count=weight.count, carat=round(weight.carat, 3),
                                   carat_each=round(weight.carat / weight.count, 4)))
    return Summed(tuple(lines))


FEATURE = Feature("accents", "accent stones (halo, pavé, channel)", present, example, price, findings=findings,
                  fit=styles_refusal, summary=summary, drilled=raised)  # the centre style on the band or plate: its shoulders' top and width, a border's bar
