"""Bands are exact watertight solids: volumes against analytic formulas, inside diameter against the size."""

import math

import numpy as np
import pytest

from configurator.bands import build_band
from configurator.design import Profile
from configurator.geometry import build
from configurator.profiles import COMFORT_INSIDE_SHARE, EDGE_SHARE
from configurator.solids import EXPORT, PREVIEW, polygon_area, polygon_centroid, to_trimesh

from .conftest import polygon_factor, radial_distances, ring_design

SIZES = [("US", 3), ("US", 7), ("UK", "N 1/2"), ("EU", 62), ("JP", 20), ("CH", 24.5), ("US", 14.75)]


@pytest.mark.parametrize("profile", [profile.value for profile in Profile])
@pytest.mark.parametrize(("system", "value"), SIZES)
@pytest.mark.parametrize("resolution", [PREVIEW, EXPORT], ids=["preview", "export"])
def test_every_profile_and_size_is_one_watertight_body(profile, system, value, resolution):
    design = ring_design(size={"system": system, "value": value}, profile=profile, width_mm=3.5, thickness_mm=1.6)
    mesh = build(design, resolution).metal
    assert mesh.is_volume  # watertight, consistently wound, positive volume
    assert mesh.body_count == 1
    assert mesh.metadata["profile"] == profile


@pytest.mark.parametrize("profile", [profile.value for profile in Profile])
def test_volume_is_the_revolved_polygon_exactly(profile):
    """Mesh volume = 2 pi x area x centroid radius (Pappus) x the n-gon factor of the revolve."""
    band = build_band(ring_design(profile=profile).ring, PREVIEW)
    points = band.section.points
    expected = 2 * math.pi * polygon_area(points) * polygon_centroid(points)[0] * polygon_factor(band.segments)
    assert to_trimesh(band.solid).volume == pytest.approx(expected, rel=1e-6)  # float32 vertices


@pytest.mark.parametrize("resolution", [PREVIEW, EXPORT], ids=["preview", "export"])
@pytest.mark.parametrize(("width", "thickness", "us"), [(4.0, 1.8, 7), (2.0, 1.2, 4), (8.0, 2.5, 12)])
def test_flat_band_volume_is_the_annulus_formula(resolution, width, thickness, us):
    r = (36.5367 + 2.5535 * us) / (2 * math.pi)
    expected = math.pi * ((r + thickness) ** 2 - r**2) * width
    mesh = build(
        ring_design(profile="flat", width_mm=width, thickness_mm=thickness, size={"system": "US", "value": us}),
        resolution,
    ).metal
    assert mesh.volume == pytest.approx(expected, rel=0.005)


def _half_round_pappus(r: float, w: float, t: float) -> float:
    """Rectangle of the edge wall plus a half ellipse (semi-axes t - edge, w / 2), by Pappus' theorem."""
    edge = EDGE_SHARE * t
    dome = t - edge
    parts = [
        (w * edge, r + edge / 2),
        (math.pi * dome * (w / 2) / 2, r + edge + 4 * dome / (3 * math.pi)),
    ]
    return 2 * math.pi * sum(area * radius for area, radius in parts)


@pytest.mark.parametrize("resolution", [PREVIEW, EXPORT], ids=["preview", "export"])
@pytest.mark.parametrize(("width", "thickness"), [(4.0, 1.8), (2.5, 1.4), (6.0, 2.2)])
def test_half_round_volume_follows_pappus(resolution, width, thickness):
    r = (36.5367 + 2.5535 * 7) / (2 * math.pi)
    expected = _half_round_pappus(r, width, thickness)
    mesh = build(ring_design(profile="half-round", width_mm=width, thickness_mm=thickness), resolution).metal
    # Chord error and the n-gon factor put the mesh just under the curve: 0.6 % at preview, 0.15 % at export.
    tolerance = 0.006 if resolution is PREVIEW else 0.0015
    assert mesh.volume == pytest.approx(expected, rel=tolerance)
    assert mesh.volume < expected


def test_comfort_volume_follows_pappus():
    r, w, t = (36.5367 + 2.5535 * 7) / (2 * math.pi), 4.0, 1.8
    inside, edge = COMFORT_INSIDE_SHARE * t, EDGE_SHARE * t
    dome = t - inside - edge
    # Rectangle (inside .. inside + edge), outer half ellipse, minus nothing, plus inner half ellipse bulge.
    parts = [
        (w * edge, r + inside + edge / 2),
        (math.pi * dome * (w / 2) / 2, r + inside + edge + 4 * dome / (3 * math.pi)),
        (math.pi * inside * (w / 2) / 2, r + inside - 4 * inside / (3 * math.pi)),
    ]
    expected = 2 * math.pi * sum(area * radius for area, radius in parts)
    volume = build(ring_design(profile="comfort", width_mm=w, thickness_mm=t), EXPORT).metal.volume
    # Two curved faces, each inscribed by its chords, and the n-gon factor: 0.3 % under the curve at most.
    assert volume == pytest.approx(expected, rel=0.003)
    assert volume < expected


@pytest.mark.parametrize("profile", [profile.value for profile in Profile])
@pytest.mark.parametrize(
    ("system", "value"), [("US", 7), ("UK", "N 1/2"), ("EU", 54.4), ("CH", 14.4), ("JP", 14), ("US", 11.5)]
)
def test_inner_diameter_matches_the_size(profile, system, value):
    design = ring_design(size={"system": system, "value": value}, profile=profile)
    nominal = design.ring_size.inner_diameter_mm
    mesh = build(design, PREVIEW).metal
    radii = radial_distances(mesh)
    inner_vertices = radii.min()
    segments = build(design, PREVIEW).band.segments
    flats = inner_vertices * math.cos(math.pi / segments)  # inscribed circle of the inner polygon
    assert 2 * inner_vertices == pytest.approx(nominal, abs=0.02)
    assert 2 * flats == pytest.approx(nominal, abs=0.02)


def test_inner_polygon_perimeter_is_the_size_circumference():
    design = ring_design(size={"system": "US", "value": 7})
    band = build(design, EXPORT).band
    n = band.segments
    assert 2 * n * band.inner_radius_mm * math.sin(math.pi / n) == pytest.approx(
        design.ring_size.circumference_mm, abs=1e-9
    )


@pytest.mark.parametrize("profile", [profile.value for profile in Profile])
def test_band_spans_its_width_and_thickness(profile):
    design = ring_design(profile=profile, width_mm=5.0, thickness_mm=2.0)
    mesh = build(design, EXPORT).metal
    assert mesh.extents[1] == pytest.approx(5.0, abs=1e-6)  # along the finger
    radii = radial_distances(mesh)
    thickness = radii.max() - radii.min()
    # Flat tops sit on vertices; a dished top's thickest point is its edge.
    assert thickness == pytest.approx(2.0, abs=0.01)


def test_export_chord_error_is_under_0_01_mm():
    design = ring_design(size={"system": "US", "value": 16}, thickness_mm=4.0)
    band = build(design, EXPORT).band
    outer = band.inner_radius_mm + 4.0
    assert outer * (1 - math.cos(math.pi / band.segments)) < 0.01


@pytest.mark.parametrize("profile", ["half-round", "comfort"])
def test_rounded_profiles_are_smooth(profile):
    """No two neighbouring profile edges turn by more than 15 degrees on the curved part."""
    for resolution in (PREVIEW, EXPORT):
        points = build_band(ring_design(profile=profile).ring, resolution).section.points
        edges = np.diff(np.vstack([points, points[:1]]), axis=0)
        angles = np.degrees(np.arctan2(edges[:, 1], edges[:, 0]))
        turns = np.abs((np.diff(np.append(angles, angles[0])) + 180) % 360 - 180)
        corners = np.sum(turns > 15)
        assert corners <= 2  # only the flat inside's two corners of a half-round band
        if profile == "comfort":
            assert corners == 0
