"""Ring bands: a profile revolved round the finger so the inside is exactly the ring size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import manifold3d

from .design import Ring
from .profiles import BandSection, band_section
from .solids import Resolution, polygon_radius_for_circumference, revolve


@dataclass(frozen=True)
class Band:
    """A band solid with the numbers it was built from."""

    solid: manifold3d.Manifold
    section: BandSection
    inner_radius_mm: float  # radius of the inner polygon's vertices
    segments: int


@lru_cache(maxsize=64)
def build_band(ring: Ring, resolution: Resolution) -> Band:
    """The band of `ring`, finger axis along Y, centred on the origin.

    The inner polygon's vertices sit on a circle chosen so its perimeter equals the size's inner
    circumference (ISO 8653 defines the size by that circumference); its flats are then within
    (pi / n)^2 / 4 of the nominal radius, under 0.002 mm at preview resolution.
    """
    size = ring.size.ring_size()
    outer_radius = size.inner_radius_mm + ring.thickness_mm
    segments = resolution.segments(outer_radius)
    inner_radius = polygon_radius_for_circumference(size.circumference_mm, segments)
    section = band_section(ring.profile, inner_radius, ring.width_mm, ring.thickness_mm, resolution)
    solid = revolve(section.points, segments).rotate((90.0, 0.0, 0.0))
    return Band(solid, section, inner_radius, segments)
