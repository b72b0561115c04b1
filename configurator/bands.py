"""Ring bands: a profile revolved round the finger so the inside is exactly the ring size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np

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

    def inside_radius_mm(self, half_span: float) -> float:
        """The largest radius of the band's inside within `half_span` of its centre line: a comfort fit's inside
        curves away from the finger toward its edges."""
        points = self.section.points
        inside = points[points[:, 0] < (points[:, 0].min() + points[:, 0].max()) / 2]
        inside = inside[np.argsort(inside[:, 1])]
        within = inside[np.abs(inside[:, 1]) <= half_span, 0]
        ends = np.interp([-half_span, half_span], inside[:, 1], inside[:, 0])
        return float(max(self.inner_radius_mm, *ends, *within))


@lru_cache(maxsize=64)
def build_band(ring: Ring, resolution: Resolution, segments: int | None = None) -> Band:
    """The band of `ring`, finger axis along Y, centred on the origin, in `segments` round the circle (by default
    as the resolution asks for its outer radius; another band's count lines two bands' facets up).

    The inner polygon's vertices sit on a circle chosen so its perimeter equals the size's inner
    circumference (ISO 8653 defines the size by that circumference); its flats are then within
    (pi / n)^2 / 4 of the nominal radius, under 0.002 mm at preview resolution.
    """
    size = ring.size.ring_size()
    outer_radius = size.inner_radius_mm + ring.thickness_mm
    segments = segments or resolution.segments(outer_radius)
    inner_radius = polygon_radius_for_circumference(size.circumference_mm, segments)
    section = band_section(ring.profile, inner_radius, ring.width_mm, ring.thickness_mm, resolution)
    solid = revolve(section.points, segments).rotate((90.0, 0.0, 0.0))
    return Band(solid, section, inner_radius, segments)
