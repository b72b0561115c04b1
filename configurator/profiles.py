"""Band cross-sections: the six profiles drawn as (radius, height) polygons ready to revolve.

The inner edge of every profile lies at `inner_radius`, the size's radius; the band is `width` along the
finger (height -w/2 to +w/2) and `thickness` from inside to outside at its thickest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .design import Profile
from .solids import Resolution, ellipse_arc

# Edge wall of the domed and knife-edge profiles, as a share of the thickness: keeps the band's edges
# castable (PRODUCT.md: raised detail at least 0.35 mm) instead of running out to nothing.
EDGE_SHARE = 0.25
# Comfort (court) fit: the inside bulges toward the finger by this share of the thickness.
COMFORT_INSIDE_SHARE = 0.25
# Bevelled: 45-degree chamfers of this share of the thickness (at most a fifth of the width).
BEVEL_SHARE = 0.4
# Concave: the outside is dished by this share of the thickness at the centre line.
CONCAVE_SHARE = 0.25


@dataclass(frozen=True)
class BandSection:
    """A band's cross-section and the figures the checks need."""

    points: np.ndarray  # (N, 2) counter-clockwise (radius, height), mm
    min_wall_mm: float  # thinnest radial wall anywhere across the width
    edge_mm: float  # radial thickness at the band's edges


def band_section(
    profile: Profile, inner_radius: float, width: float, thickness: float, resolution: Resolution
) -> BandSection:
    """The cross-section of a band of `profile`.

    Args:
        profile: one of the six band profiles.
        inner_radius: radius of the inside at its innermost point, mm.
        width: along the finger, mm.
        thickness: radial, inside to outside at the thickest point, mm.
        resolution: how finely the curved profiles are sampled.
    """
    r0, hw, t = inner_radius, width / 2, thickness
    edge = EDGE_SHARE * t
    if profile is Profile.FLAT:
        points = [(r0, -hw), (r0 + t, -hw), (r0 + t, hw), (r0, hw)]
        return BandSection(np.array(points), t, t)
    if profile is Profile.HALF_ROUND:
        dome = ellipse_arc((r0 + edge, 0.0), (t - edge, hw), -np.pi / 2, np.pi / 2, resolution)
        points = np.vstack([[(r0, -hw)], dome, [(r0, hw)]])
        return BandSection(points, t, edge)
    if profile is Profile.COMFORT:
        inside = COMFORT_INSIDE_SHARE * t
        outer_base = r0 + inside + edge
        dome = ellipse_arc((outer_base, 0.0), (t - inside - edge, hw), -np.pi / 2, np.pi / 2, resolution)
        bulge = ellipse_arc((r0 + inside, 0.0), (inside, hw), np.pi / 2, 3 * np.pi / 2, resolution)
        return BandSection(np.vstack([dome, bulge[1:-1]]), t, edge)
    if profile is Profile.KNIFE_EDGE:
        points = [(r0, -hw), (r0 + edge, -hw), (r0 + t, 0.0), (r0 + edge, hw), (r0, hw)]
        return BandSection(np.array(points), t, edge)
    if profile is Profile.BEVELLED:
        bevel = min(BEVEL_SHARE * t, 0.2 * width)
        points = [
            (r0, -hw),
            (r0 + t - bevel, -hw),
            (r0 + t, -hw + bevel),
            (r0 + t, hw - bevel),
            (r0 + t - bevel, hw),
            (r0, hw),
        ]
        return BandSection(np.array(points), t, t - bevel)
    if profile is Profile.CONCAVE:
        dish = CONCAVE_SHARE * t
        count = resolution.segments(width, 180)
        z = np.linspace(-hw, hw, count + 1)
        outer = np.column_stack([r0 + t - dish * (1 - (z / hw) ** 2), z])
        return BandSection(np.vstack([[(r0, -hw)], outer, [(r0, hw)]]), t - dish, t)
    raise ValueError(f"unknown profile {profile!r}")
