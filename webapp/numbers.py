"""Numbers typed into the page, free of Streamlit: read as people type them, and refused in words.

A browser's number box reads `1,5` as 15 (or as nothing) and drops what it cannot read without a word; the page's
numeric fields are text boxes instead, read by `configurator.reading.read_decimal_in` (a decimal comma is a decimal
point: `1,5` is 1.5) and checked against the field's range here. What cannot be read, or lies outside the range,
is refused with a sentence saying what the field takes, shown next to it, and the design is kept as it was.
"""

from __future__ import annotations

from configurator.reading import NumberError, read_decimal_in


def shown(value: float, decimals: int) -> str:
    """A number as the field shows it: `decimals` places (1.50), or as few as it needs when `decimals` is 0."""
    if decimals == 0:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.{decimals}f}"


def _bound(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".rstrip() if unit else text


def read_field(text: str, label: str, low: float, high: float, unit: str = "") -> tuple[float | None, str | None]:
    """What a person typed in the field `label`: (its value, None), or (None, why not in words). `low` and `high`
    bound the field (inclusive); `unit` is said with them ("ct", "mm", "g")."""
    try:
        value = read_decimal_in(str(text), low, high)
    except NumberError as exc:
        return None, f"{label} {exc}."
    if not low - 1e-9 <= value <= high + 1e-9:
        return None, (f"{label} takes {_bound(low, unit)} to {_bound(high, unit)}; "
                      f"{shown(value, 0)} is outside that.")
    return value, None
