"""Ring sizes agree with PRODUCT.md's trade formulas in every system, both ways."""

import math

import pytest

from configurator import sizes
from configurator.errors import DesignError
from configurator.sizes import RingSize

US7_CIRCUMFERENCE = 36.5367 + 2.5535 * 7  # 54.41 mm


@pytest.mark.parametrize(
    ("system", "value", "circumference"),
    [
        ("US", 7, US7_CIRCUMFERENCE),
        ("US", 4.25, 36.5367 + 2.5535 * 4.25),
        ("UK", "A", 37.5),
        ("UK", "N", 37.5 + 1.25 * 13),
        ("UK", "N 1/2", 37.5 + 1.25 * 13 + 0.625),
        ("UK", "z", 37.5 + 1.25 * 25),
        ("EU", 54.4, 54.4),
        ("CH", 14.4, 54.4),
        ("JP", 9, 36.5367 + 2.5535 * 5),
        ("JP", 12, 36.5367 + 2.5535 * 6),
        ("JP", 14, US7_CIRCUMFERENCE),
        ("JP", 16, 36.5367 + 2.5535 * 8),
        ("JP", 18, 36.5367 + 2.5535 * 9),
        ("JP", 20, 36.5367 + 2.5535 * 10),
    ],
)
def test_circumference_follows_the_trade_formula(system, value, circumference):
    size = RingSize.of(system, value)
    assert size.circumference_mm == pytest.approx(circumference, abs=1e-9)
    assert size.inner_diameter_mm == pytest.approx(circumference / math.pi, abs=1e-9)


def test_us7_is_17_32_mm_across():
    assert RingSize.of("US", 7).inner_diameter_mm == pytest.approx(17.32, abs=0.005)


def test_uk_n_half_is_about_us_7():
    assert sizes.from_circumference("US", RingSize.of("UK", "N 1/2").circumference_mm) == pytest.approx(7, abs=0.1)


@pytest.mark.parametrize("system", ["US", "UK", "EU", "CH", "JP"])
@pytest.mark.parametrize("circumference", [44.2, 49.3, 54.41, 57.0, 62.07])
def test_round_trip_through_every_system(system, circumference):
    value = sizes.from_circumference(system, circumference)
    assert sizes.to_circumference(system, value) == pytest.approx(circumference, abs=1e-9)


def test_every_system_labels_us_7():
    assert RingSize.of("US", 7).all_systems() == {"US": "7", "UK": "N 1/2", "EU": "54.4", "JP": "14", "CH": "14.4"}


@pytest.mark.parametrize(("label", "steps"), [("A", 0), ("N 1/2", 13.5), ("n1/2", 13.5), ("Z+1", 26), ("M.5", 12.5)])
def test_uk_letters_parse(label, steps):
    assert sizes.parse_uk(label) == steps
    assert sizes.parse_uk(sizes.format_uk(steps)) == steps


@pytest.mark.parametrize(
    ("system", "value", "words"),
    [
        ("UK", "N 1/3", "not a letter"),
        ("UK", "", "not a letter"),
        ("US", "seven", "not a number"),
        ("US", 40, "outside"),
        ("EU", 20, "outside"),
        ("JP", 40, "outside the table"),
        ("US", float("nan"), "finite"),
    ],
)
def test_bad_sizes_are_refused_naming_the_field(system, value, words):
    with pytest.raises(DesignError, match="ring.size.value") as info:
        RingSize.of(system, value)
    assert words in str(info.value)


def test_size_table_has_every_system():
    rows = sizes.table()
    assert len(rows) == 21  # US 3 to 13 in half sizes
    us7 = next(row for row in rows if row["US"] == "7")
    assert us7["diameter_mm"] == "17.32" and us7["UK"] == "N 1/2" and us7["JP"] == "14"
