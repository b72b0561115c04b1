"""What a design adds to a piece: one small module each, one line each in `FEATURES`.

A feature knows whether a design has it, what it adds to the quote (its materials, its labour, and what comes after
the markup: a matching band's own lines, a credit) and its stones' trade weights for a quote made without the
geometry, which rows it writes into the sheets (the workshop's dimensions and "at a glance", the client's "your
piece") and into the quote's summary (its stone lines, its own part of the JSON), what the check finds on it and which
changes it offers to fix a finding (and the faces it judges itself, the stones it holds in prongs), its controls on
the app's form (each a `Control`: its key, label, the field it writes and what follows), and its fit rule: what a
document must meet to be read where the geometry tells. The reader, the quote, the sheets and the check loop over the
features a design has, and the form's changes over the controls; none names a feature. A new feature is a module
here, its line in `FEATURES` and, where its lines must not simply follow the others', its name in `LABOUR_ORDER`,
`DIMENSIONS_BEFORE_HEIGHT`, `FINDINGS_ORDER`, `SHEET_ROWS_BEFORE_SETTING`, `FIT_ORDER` or `SUMMARY_ORDER`. Setting
styles are a registry of their own (`configurator.styles`); the accent stones they add are the feature `accents`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import accents, centre, engraving, eternity, heirloom, matching_band, milgrain, pendant, side_stones, taper
from .feature import (
    DIMENSIONS_BEFORE_HEIGHT,
    FINDINGS_BEFORE_SEATS,
    FINDINGS_ORDER,
    FIT_ORDER,
    LABOUR_ORDER,
    SHEET_ROWS_BEFORE_SETTING,
    SUMMARY_ORDER,
    BandMetal,
    CheckContext,
    Control,
    Credit,
    Edit,
    Feature,
    Held,
    PriceContext,
    PriceLines,
    Row,
    Said,
    SetPart,
    SummaryContext,
    Summed,
    ordered,
)

if TYPE_CHECKING:
    from ..design import Design

__all__ = ["DIMENSIONS_BEFORE_HEIGHT", "FEATURES", "FINDINGS_BEFORE_SEATS", "FINDINGS_ORDER", "FIT_ORDER", "LABOUR_ORDER", "SHEET_ROWS_BEFORE_SETTING",
           "SUMMARY_ORDER", "BandMetal", "CheckContext", "Control", "Credit", "Edit", "Feature", "Held", "PriceContext", "PriceLines", "Row", "Said",
           "SetPart", "Summed", "SummaryContext", "features_of", "ordered"]

# the quote's materials' order: the stones as `pricing.stone_weights` lists them, then a pendant's chain
FEATURES: tuple[Feature, ...] = (centre.FEATURE, side_stones.FEATURE, eternity.FEATURE, accents.FEATURE,
                                 pendant.FEATURE, milgrain.FEATURE, taper.FEATURE, engraving.FEATURE,
                                 matching_band.FEATURE, heirloom.FEATURE)


def features_of(design: Design) -> tuple[Feature, ...]:
    """The features `design` has, in the registry's order."""
    return tuple(feature for feature in FEATURES if feature.present(design))
