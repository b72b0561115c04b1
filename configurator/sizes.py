"""Ring sizes: every system converts through the inner circumference in millimetres.

Figures from `shared/PRODUCT.md` (public trade references):

- US/Canada: C = 36.5367 + 2.5535 x size (US 7 -> 54.41 mm).
- UK/Australia: C = 37.5 + 1.25 x i with A = 0, B = 1, ...; a half size adds 0.625 mm.
- EU / ISO 8653: the size is C in millimetres.
- Switzerland: size = C - 40.
- Japan (JIS S 4700): a published lookup table against US sizes, interpolated linearly.

The size is the inner surface of the band; inner diameter = C / pi.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

from .errors import DesignError


class System(str, Enum):
    US = "US"
    UK = "UK"
    EU = "EU"
    JP = "JP"
    CH = "CH"

    def __repr__(self) -> str:
        return f"<System.{self.name}>"


US_BASE_MM = 36.5367
US_STEP_MM = 2.5535
UK_BASE_MM = 37.5
UK_STEP_MM = 1.25
CH_OFFSET_MM = 40.0

# Japan (JIS) size -> US size, from published conversion charts; agrees with PRODUCT.md's anchors
# (US 5 ~ JP 9, 6 ~ 12, 7 ~ 14, 8 ~ 16, 9 ~ 18, 10 ~ 20). Sizes between rows interpolate linearly.
JP_TO_US = (
    (4, 3.0),
    (5, 3.5),
    (7, 4.0),
    (8, 4.5),
    (9, 5.0),
    (10, 5.5),
    (12, 6.0),
    (13, 6.5),
    (14, 7.0),
    (15, 7.5),
    (16, 8.0),
    (17, 8.5),
    (18, 9.0),
    (19, 9.5),
    (20, 10.0),
    (22, 10.5),
    (23, 11.0),
    (24, 11.5),
    (25, 12.0),
    (26, 12.5),
    (27, 13.0),
)
_JP = np.array([row[0] for row in JP_TO_US], dtype=float)
_JP_US = np.array([row[1] for row in JP_TO_US], dtype=float)

# Circumferences a ring can have: US 0 to US 16 (about 14 mm to 24.6 mm inner diameter).
MIN_CIRCUMFERENCE_MM = US_BASE_MM
MAX_CIRCUMFERENCE_MM = US_BASE_MM + US_STEP_MM * 16

_UK_PATTERN = re.compile(r"^ *([A-Za-z]) *(?:(1/2|½|\.5) *)?(?:\+ *([0-9]))? *$")  # ASCII digits and spaces only


def _us_to_circumference(us: float) -> float:
    return US_BASE_MM + US_STEP_MM * us


def _circumference_to_us(circumference: float) -> float:
    return (circumference - US_BASE_MM) / US_STEP_MM


def parse_uk(value: str) -> float:
    """UK letter size as a step count: "A" -> 0, "N 1/2" -> 13.5, "Z+1" -> 26."""
    match = _UK_PATTERN.match(value)
    if not match:
        raise ValueError(f"UK size {value!r} is not a letter A-Z with an optional ' 1/2' (e.g. 'N 1/2')")
    letter, half, plus = match.groups()
    steps = ord(letter.upper()) - ord("A") + (int(plus) if plus else 0)
    return steps + (0.5 if half else 0.0)


def format_uk(steps: float) -> str:
    """Step count back to a UK label, rounded to the nearest half size."""
    halves = round(steps * 2)
    whole, half = divmod(halves, 2)
    extra = max(0, whole - 25)
    letter = chr(ord("A") + min(whole, 25))
    label = letter + (f"+{extra}" if extra else "")
    return label + (" 1/2" if half else "")


def to_circumference(system: System | str, value: float | str) -> float:
    """Inner circumference in mm of a size given in any system.

    Raises:
        ValueError: the value is not a size of that system.
    """
    system = System(system)
    if system is System.UK:
        steps = parse_uk(value) if isinstance(value, str) else float(value)
        return UK_BASE_MM + UK_STEP_MM * steps
    number = _number(value, system)
    if system is System.US:
        return _us_to_circumference(number)
    if system is System.EU:
        return number
    if system is System.CH:
        return number + CH_OFFSET_MM
    if not _JP[0] <= number <= _JP[-1]:
        raise ValueError(f"JP size {number:g} is outside the table ({_JP[0]:g} to {_JP[-1]:g})")
    return _us_to_circumference(float(np.interp(number, _JP, _JP_US)))


def from_circumference(system: System | str, circumference: float) -> float:
    """The exact (unrounded) size in `system` of a ring with this inner circumference in mm."""
    system = System(system)
    if system is System.US:
        return _circumference_to_us(circumference)
    if system is System.UK:
        return (circumference - UK_BASE_MM) / UK_STEP_MM
    if system is System.EU:
        return circumference
    if system is System.CH:
        return circumference - CH_OFFSET_MM
    return float(np.interp(_circumference_to_us(circumference), _JP_US, _JP, left=np.nan, right=np.nan))


def label(system: System | str, circumference: float) -> str:
    """The nearest size a jeweller would name: US to a quarter, UK to a half letter, EU/CH to 0.1 mm, JP whole."""
    system = System(system)
    exact = from_circumference(system, circumference)
    if system is System.UK:
        return format_uk(exact) if exact >= -0.25 else "-"
    if math.isnan(exact):
        return "-"
    step = {System.US: 0.25, System.EU: 0.1, System.CH: 0.1, System.JP: 1.0}[system]
    return f"{round(round(exact / step) * step, 2):g}"


def _number(value: float | str, system: System) -> float:
    if isinstance(value, str) and not re.fullmatch(r" *[-+]?[0-9]*\.?[0-9]+ *", value):
        raise ValueError(f"{system.value} size {value!r} is not a number (ASCII digits, e.g. 7.5)")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{system.value} size {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{system.value} size must be a finite number")
    return number


@dataclass(frozen=True)
class RingSize:
    """A ring size held as its inner circumference (mm), readable in every system."""

    circumference_mm: float

    @classmethod
    def of(cls, system: System | str, value: float | str) -> RingSize:
        """Parse and range-check a size; raises DesignError naming `ring.size.value`."""
        try:
            circumference = to_circumference(system, value)
        except ValueError as exc:
            raise DesignError(f"ring.size.value: {exc}") from None
        if not MIN_CIRCUMFERENCE_MM - 1e-9 <= circumference <= MAX_CIRCUMFERENCE_MM + 1e-9:
            raise DesignError(
                f"ring.size.value: {System(system).value} {value} gives an inner circumference of "
                f"{circumference:.2f} mm, outside {MIN_CIRCUMFERENCE_MM:.1f}-{MAX_CIRCUMFERENCE_MM:.1f} mm "
                "(US 0 to US 16)"
            )
        return cls(circumference)

    @property
    def inner_diameter_mm(self) -> float:
        return self.circumference_mm / math.pi

    @property
    def inner_radius_mm(self) -> float:
        return self.circumference_mm / (2 * math.pi)

    def in_system(self, system: System | str) -> str:
        return label(system, self.circumference_mm)

    def all_systems(self) -> dict[str, str]:
        return {system.value: self.in_system(system) for system in System}


def table(us_sizes: np.ndarray | None = None) -> list[dict[str, str]]:
    """Rows of the size chart, one per US half size from 3 to 13: every system plus diameter."""
    us_sizes = np.arange(3.0, 13.01, 0.5) if us_sizes is None else us_sizes
    rows = []
    for us in us_sizes:
        size = RingSize(_us_to_circumference(float(us)))
        rows.append(
            {
                **size.all_systems(),
                "circumference_mm": f"{size.circumference_mm:.2f}",
                "diameter_mm": f"{size.inner_diameter_mm:.2f}",
            }
        )
    return rows


def choices(system: System | str) -> list[str]:
    """The sizes a person picks from in `system`, smallest first, within US 0 to US 16."""
    system = System(system)
    if system is System.US:
        values = np.arange(0.0, 16.001, 0.25)
    elif system is System.UK:
        return [format_uk(steps / 2) for steps in range(0, 2 * 25 + 1)]
    elif system is System.JP:
        values = np.arange(_JP[0], _JP[-1] + 0.5, 1.0)
    else:
        low = max(0.0, from_circumference(system, MIN_CIRCUMFERENCE_MM))
        high = from_circumference(system, MAX_CIRCUMFERENCE_MM)
        values = np.arange(math.ceil(low * 2) / 2, high + 1e-9, 0.5)
    return [f"{value:g}" for value in values]
