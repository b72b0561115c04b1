"""A control's limits: those the design document declares for the field it writes, so that a limit is written once."""

from __future__ import annotations

from pydantic import BaseModel

from configurator.features.feature import Control


def field_range(model: type[BaseModel], field: str) -> tuple[float | None, float | None]:
    """The least and the greatest value the document takes for `model`'s `field`, as its `Field(ge=..., le=...)`
    declares them (None for a side it bounds otherwise, `gt`, or not at all)."""
    metadata = model.model_fields[field].metadata
    low = next((item.ge for item in metadata if getattr(item, "ge", None) is not None), None)
    high = next((item.le for item in metadata if getattr(item, "le", None) is not None), None)
    return low, high


def control_range(control: Control) -> tuple[float | None, float | None]:
    """The limits of `control`: those of the document's field it writes."""
    return field_range(control.model, control.path[-1])
