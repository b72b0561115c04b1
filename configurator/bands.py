"""Ring bands: a profile revolved round the finger so the inside is exactly the ring size; a tapered shank's sections
lofted round it, narrowing and thinning from the top to the back.

Ring coordinates: finger axis Y, the top of the band +Z; angles round the finger are measured from +Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import manifold3d
import numpy as np

from .design import Profile, Ring
from .profiles import BandSection, band_section
from .solids import Resolution, loft, polygon_radius_for_circumference, revolve, union


@dataclass(frozen=True)
class Band:
    """A band solid with the numbers it was built from. A tapered band's `section` is its top's (under the head),
    `back` its back's; `hold` is the angle either side of the top over which it keeps the top's section (under what
    is set on it) before it narrows."""

    solid: manifold3d.Manifold
    section: BandSection
    inner_radius_mm: float  # radius of the inner polygon's vertices
    segments: int
    back: BandSection | None = None  # a tapered band's section at the back (None: the same all round)
    hold: float = 0.0  # radians
    width_mm: float = 0.0  # the top's width and thickness, and the back's (the same for a band of one section)
    thickness_mm: float = 0.0
    width_back_mm: float = 0.0
    thickness_back_mm: float = 0.0
    profile: Profile = Profile.FLAT
    resolution: Resolution | None = None

    def inside_radius_mm(self, half_span: float) -> float:
        """The largest radius of the band's inside within `half_span` of its centre line: a comfort fit's inside
        curves away from the finger toward its edges."""
        points = self.section.points
        inside = points[points[:, 0] < (points[:, 0].min() + points[:, 0].max()) / 2]
        inside = inside[np.argsort(inside[:, 1])]
        within = inside[np.abs(inside[:, 1]) <= half_span, 0]
        ends = np.interp([-half_span, half_span], inside[:, 1], inside[:, 0])
        return float(max(self.inner_radius_mm, *ends, *within))

    def _crossing_radii(self, across: float) -> np.ndarray:
        """The radii at which the section's edges cross the line `across` mm off its centre line (within the band)."""
        across = min(abs(across), 0.999 * float(np.abs(self.section.points[:, 1]).max()))
        radius, height = self.section.points[:, 0], self.section.points[:, 1]
        to_radius, to_height = np.roll(radius, -1), np.roll(height, -1)
        crossed = (np.minimum(height, to_height) <= across) & (across <= np.maximum(height, to_height)) & (
            height != to_height)
        share = (across - height[crossed]) / (to_height[crossed] - height[crossed])
        return radius[crossed] + share * (to_radius[crossed] - radius[crossed])

    def outside_radius_mm(self, across: float) -> float:
        """The radius of the band's outside `across` mm off its centre line (a domed top's falls toward its edges)."""
        return float(self._crossing_radii(across).max())

    def thickness_at(self, across: float) -> float:
        """The band's radial thickness `across` mm off its centre line, from its outside to its inside there."""
        radii = self._crossing_radii(across)
        return float(radii.max() - radii.min())

    @property
    def thinnest(self) -> BandSection:
        """The section with the least metal: the back's, on a tapered band."""
        return self.back if self.back is not None else self.section

    def share(self, angle: float | np.ndarray) -> float | np.ndarray:
        """How far the section at `angle` (radians from the top) has gone from the top's to the back's: 0 over the
        held top, 1 at the back."""
        return taper_share(angle, self.hold)

    def size_at(self, angle: float | np.ndarray) -> tuple:
        """The band's width and thickness at `angle` (radians from the top), mm."""
        return self.size_for(self.share(angle))

    def size_for(self, share: float | np.ndarray) -> tuple:
        """The band's width and thickness `share` of the way from the top's to the back's, mm."""
        return (self.width_mm + (self.width_back_mm - self.width_mm) * share,
                self.thickness_mm + (self.thickness_back_mm - self.thickness_mm) * share)

    def points_at(self, angle: float) -> np.ndarray:
        """The section at `angle` (radians from the top): see `points_for`."""
        return self.points_for(float(self.share(angle)))

    def points_for(self, share: float) -> np.ndarray:
        """The section `share` of the way from the top's to the back's, with the top's points one for one (a loft
        joins them so): a curved profile's points scaled from the top's (the same curve, sampled alike), a
        straight-sided one drawn anew for the width and thickness there (a bevel's chamfers stay at 45 degrees)."""
        if self.back is None:
            return self.section.points
        width, thickness = (float(value) for value in self.size_for(share))
        if self.profile not in SCALED_PROFILES:
            drawn = band_section(self.profile, self.inner_radius_mm, width, thickness, self.resolution).points
            assert len(drawn) == len(self.section.points), "a straight-sided profile has its corners at every size"
            return drawn
        scaled = self.section.points.copy()
        scaled[:, 0] = self.inner_radius_mm + (scaled[:, 0] - self.inner_radius_mm) * thickness / self.thickness_mm
        scaled[:, 1] *= width / self.width_mm
        return scaled


def taper_share(angle: float | np.ndarray, hold: float = 0.0) -> float | np.ndarray:
    """A cosine blend from the top's section (0) to the back's (1) round the finger (`angle` in radians from the top,
    either way, any number of turns): 0 within `hold` of the top, then (1 - cos) / 2 of the angle past it, so the
    sides meet the held top and the back without a crease (no slope at either end)."""
    wrapped = (np.asarray(angle, dtype=float) + math.pi) % (2 * math.pi) - math.pi  # any turn: -pi to pi
    past = np.clip((np.abs(wrapped) - hold) / (math.pi - hold), 0.0, 1.0)
    share = (1 - np.cos(math.pi * past)) / 2
    return float(share) if np.ndim(share) == 0 else share


@lru_cache(maxsize=64)
def build_band(ring: Ring, resolution: Resolution, hold: float = 0.0, segments: int | None = None) -> Band:
    """The band of `ring`, finger axis along Y, centred on the origin, in `segments` round the circle (by default
    as the resolution asks for its outer radius; another band's count lines two bands' facets up).

    The inner polygon's vertices sit on a circle chosen so its perimeter equals the size's inner
    circumference (ISO 8653 defines the size by that circumference); its flats are then within
    (pi / n)^2 / 4 of the nominal radius, under 0.002 mm at preview resolution.

    A tapered band (`ring.taper`) has a section of its own at each of the revolve's n angles: the profile drawn for
    the width and thickness there (`taper_share` of the way from the top's to the back's, held at the top's within
    `hold` radians of the top), its inside on the same polygon, so the size is the same circumference; the sections
    are lofted round the finger.
    """
    size = ring.size.ring_size()
    outer_radius = size.inner_radius_mm + ring.thickness_mm
    segments = segments or resolution.segments(outer_radius)
    inner_radius = polygon_radius_for_circumference(size.circumference_mm, segments)
    section = band_section(ring.profile, inner_radius, ring.width_mm, ring.thickness_mm, resolution)
    figures = {"width_mm": ring.width_mm, "thickness_mm": ring.thickness_mm, "width_back_mm": ring.width_back_mm,
               "thickness_back_mm": ring.thickness_back_mm, "profile": ring.profile, "resolution": resolution}
    if ring.taper is None:
        solid = revolve(section.points, segments).rotate((90.0, 0.0, 0.0))
        return Band(solid, section, inner_radius, segments, **figures)
    back = band_section(ring.profile, inner_radius, ring.width_back_mm, ring.thickness_back_mm, resolution)
    band = Band(manifold3d.Manifold(), section, inner_radius, segments, back, hold, **figures)
    # Station k of the loft stands 2 pi k / n from +X toward +Y round Z; turned as a revolve is (X 90 degrees), +Y goes
    # to +Z, the top: station k is pi / 2 - 2 pi k / n from the top, -pi to pi.
    angles = (1.5 * math.pi - 2 * math.pi * np.arange(segments) / segments) % (2 * math.pi) - math.pi
    sections = np.stack([band.points_at(float(angle)) for angle in angles])
    return replace(band, solid=loft(sections).rotate((90.0, 0.0, 0.0)))


# Profiles whose curves are drawn to the width and thickness alone (their edge walls, domes and dishes are shares of
# them): the curve of another width and thickness is the top's, scaled across and out from the inside.
SCALED_PROFILES = (Profile.HALF_ROUND, Profile.COMFORT, Profile.CONCAVE)



def reach_angle(solids: list[manifold3d.Manifold], zones: list[np.ndarray]) -> float:
    """How far round from the top, either way (radians), any of `solids` comes into the space that `zones` sweep round
    the finger: each a closed polygon of (radius, y) points, mm. 0 when none does."""
    if not solids or not zones:
        return 0.0
    swept = union([revolve(np.column_stack([zone[:, 0], -zone[:, 1]]), REACH_SEGMENTS).rotate((90.0, 0.0, 0.0))
                   for zone in zones])  # turned as a band is: the revolve's height -y becomes y
    reach = 0.0
    for solid in solids:  # each apart: their union would be one more boolean
        inside = manifold3d.Manifold.batch_boolean([solid, swept], manifold3d.OpType.Intersect)
        if not inside.is_empty():
            points = np.asarray(inside.to_mesh().vert_properties)[:, :3]
            reach = max(reach, float(np.abs(np.arctan2(points[:, 0], points[:, 2])).max()))
    return reach


REACH_SEGMENTS = 180  # the zones' polygon round the finger: 2 degrees a side, finer than any part set on the band
