"""Random design documents for hypothesis: of the right shape, with values in their ranges or (`beyond`) past them
and parts missing; and the settings that make a property's run the same every time."""

from __future__ import annotations

import functools
import os
import typing

from hypothesis import HealthCheck
from hypothesis import strategies as st

from configurator import catalogue
from configurator.design import (
    DIAMOND_CLARITIES,
    DIAMOND_COLORS,
    STONE_CLARITIES,
    Bail,
    Clasp,
    Cut,
    Outline,
    Piece,
    Profile,
    ProngTip,
    SettingStyle,
    Shape,
)
from configurator.sizes import System

REPRODUCIBLE = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}

# The whole depth of the heaviest properties (CONFIGURATOR_DEEP_TESTS=1: every matrix design, the most examples) is for
# a change to the builders; the test command's run samples by risk, within its time.
DEEP = os.environ.get("CONFIGURATOR_DEEP_TESTS", "").strip() == "1"


@functools.cache  # strategies are built once: hypothesis spends its time drawing, not validating strategies
def _numbers(low: float, high: float, beyond: bool) -> st.SearchStrategy[float]:
    """Inside the range, exactly on its ends, and (when `beyond`) up to a third of the range past either end."""
    inside = [st.floats(low, high), st.sampled_from([low, high])]
    if not beyond:
        return st.one_of(*inside)
    margin = (high - low) / 3
    return st.one_of(*inside, st.floats(low - margin, high + margin), st.floats(-1e6, 1e6))


@functools.cache
def _cached(factory, *args) -> st.SearchStrategy:
    return factory(*args)


@functools.cache
def _texts(alphabet: st.SearchStrategy, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def choice(values: typing.Iterable) -> st.SearchStrategy:
    """One of `values`, drawn."""
    return _sampled(tuple(values))


@functools.cache
def _sampled(values: tuple) -> st.SearchStrategy:
    return st.sampled_from(values)


_UK_VALUES = [f"{letter}{half}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for half in ("", " 1/2")]


_SIZE_RANGES = {System.US: (0.0, 16.0), System.EU: (36.6, 77.3), System.CH: (-3.4, 37.3), System.JP: (1.0, 27.0)}


@st.composite
def sizes(draw, beyond: bool) -> dict:
    system = draw(choice(list(System)))
    if system is System.UK:
        choices = _UK_VALUES + (["N 1/3", "AA", "", "n+1", "Z 1/2 1/2"] if beyond else [])
        value: typing.Any = draw(choice(choices))
    else:
        low, high = _SIZE_RANGES[system]
        value = draw(_numbers(low, high, beyond))
        if draw(st.booleans()):
            value = round(value)
        if beyond and draw(st.integers(0, 9)) == 0:
            value = draw(st.sampled_from([str(value), "seven", " 7 ", "7.5"]))
    return {"system": system.value, "value": value}


@st.composite
def rings(draw, beyond: bool) -> dict:
    ring = {"size": draw(_cached(sizes, beyond))}
    if draw(st.booleans()):
        ring["profile"] = draw(choice([profile.value for profile in Profile]))
    if draw(st.booleans()):
        ring["width_mm"] = draw(_numbers(1.0, 15.0, beyond))
    if draw(st.booleans()):
        ring["thickness_mm"] = draw(_numbers(0.4, 4.0, beyond))
    return ring


_ALL_COLOURS = sorted({colour for gem in catalogue.gemstones().values() for colour in gem.colors} | set(DIAMOND_COLORS))


@st.composite
def stones(draw, beyond: bool, longest: float = 25.0) -> dict:
    material = draw(choice(list(catalogue.gemstones())))
    gem = catalogue.gemstone(material)
    stone: dict = {"material": material}
    for key, choices in (("shape", Shape), ("cut", Cut)):
        if draw(st.booleans()):
            stone[key] = draw(choice([choice.value for choice in choices]))
    length = draw(_numbers(1.0, longest, beyond))
    stone["length_mm"] = length
    if draw(st.integers(0, 3)) == 0:  # an explicit width: usually no more than the length
        width = draw(_numbers(1.0, 25.0, beyond)) if beyond else draw(st.floats(min(1.0, length), length))
        stone["width_mm"] = width
    if draw(st.integers(0, 3)) == 0:
        stone["depth_mm"] = draw(_numbers(0.4, 20.0, beyond)) if beyond else draw(st.floats(0.4, max(0.4, length / 3)))
    colours = DIAMOND_COLORS if gem.is_diamond else gem.colors
    clarities = DIAMOND_CLARITIES if gem.is_diamond else STONE_CLARITIES
    if draw(st.booleans()):
        stone["color"] = draw(choice(_ALL_COLOURS if beyond else list(colours)))
    if draw(st.booleans()):
        stone["clarity"] = draw(choice(DIAMOND_CLARITIES + STONE_CLARITIES if beyond else clarities))
    if draw(st.booleans()):
        stone["client_supplied"] = draw(st.booleans())
    return stone


@st.composite
def settings_parts(draw, beyond: bool) -> dict:
    style = draw(choice(list(SettingStyle)))
    setting: dict = {"style": style.value}
    prong_styles = (SettingStyle.PRONG, SettingStyle.HALO, SettingStyle.CATHEDRAL)
    if (beyond or style in prong_styles) and draw(st.booleans()):
        setting["prongs"] = draw(choice([3, 4, 6, 5] if beyond else [3, 4, 6]))
    if draw(st.booleans()):
        setting["tips"] = draw(choice([tip.value for tip in ProngTip]))
    if (beyond or style is not SettingStyle.BEZEL) and draw(st.integers(0, 3)) == 0:
        setting["prong_mm"] = draw(_numbers(0.3, 2.5, beyond))
    return setting


@st.composite
def pendants(draw, beyond: bool) -> dict:
    pendant: dict = {}
    for key, choices in (("outline", Outline), ("bail", Bail), ("clasp", Clasp)):
        if draw(st.booleans()):
            pendant[key] = draw(choice([choice.value for choice in choices]))
    if draw(st.booleans()):
        pendant["size_mm"] = draw(_numbers(6.0, 50.0, beyond))
    if draw(st.booleans()):
        pendant["thickness_mm"] = draw(_numbers(0.4, 5.0, beyond))
    if draw(st.booleans()):
        pendant["chain"] = {"length_mm": draw(_numbers(300.0, 1000.0, beyond))}
    return pendant


_PRINTABLE = st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"])


_ANY_CHARACTER = st.characters(codec="utf-8")


@st.composite
def design_documents(draw, beyond: bool, longest_stone: float = 25.0) -> dict:
    """A design document of the right shape; with `beyond`, values also past their ranges and parts missing."""
    piece = draw(choice(list(Piece)))
    doc: dict = {"piece": piece.value, "metal": draw(choice(list(catalogue.metals())))}
    if draw(st.booleans()):
        doc["schema_version"] = 1
    if draw(st.integers(0, 3)) == 0:
        alphabet = _ANY_CHARACTER if beyond else _PRINTABLE
        doc["name"] = draw(_texts(alphabet, 0, 130 if beyond else 60))
    if piece is Piece.RING or draw(st.integers(0, 5)) == 0:
        if not (beyond and piece is Piece.RING and draw(st.integers(0, 20)) == 0):
            doc["ring"] = draw(_cached(rings, beyond))
    if piece is Piece.PENDANT or draw(st.integers(0, 5)) == 0:
        if not (beyond and piece is Piece.PENDANT and draw(st.integers(0, 20)) == 0):
            doc["pendant"] = draw(_cached(pendants, beyond))
    if draw(st.integers(0, 4)) > 0:
        doc["stone"] = draw(_cached(stones, beyond, longest_stone))
    if ("stone" in doc or (beyond and draw(st.integers(0, 10)) == 0)) and draw(st.integers(0, 4)) > 0:
        doc["setting"] = draw(_cached(settings_parts, beyond))
    if draw(st.integers(0, 4)) == 0:
        doc["heirloom"] = {"metal": draw(choice(list(catalogue.metals()))),
                           "grams": draw(_numbers(0.01, 1000.0, beyond))}
    if draw(st.integers(0, 4)) == 0:
        alphabet = _ANY_CHARACTER if beyond else _PRINTABLE
        text = draw(_texts(alphabet, 0 if beyond else 1, 45 if beyond else 40))
        doc["engraving"] = {"text": text}
    return doc
