"""Thickness and gaps measured on the mesh: walls read from both sides, sharp edges and seats left out."""

import numpy as np
import pytest
import trimesh

from configurator.documents import parse_design
from configurator.geometry import build
from configurator.solids import EXPORT
from configurator.walls import scan

from .conftest import ring_doc


def boxes(*spans):
    """Boxes 10 x 10 mm across, stacked along Z over the given (bottom, top) spans."""
    return trimesh.util.concatenate([trimesh.creation.box(bounds=[[0, 0, low], [10, 10, high]]) for low, high in spans])


def test_a_plate_reads_its_thickness_and_the_gap_to_its_neighbour():
    walls = scan(boxes((0.0, 0.5), (0.7, 2.0)))
    assert walls.thinnest()[0] == pytest.approx(0.5, abs=1e-3)
    assert walls.narrowest()[0] == pytest.approx(0.2, abs=1e-3)


def test_a_sharp_edge_is_not_read_as_a_thin_wall():
    corners = [(x, y, z) for x, y in [(0, 0), (2, 0), (1, 1.75)] for z in (0.0, 5.0)]  # 60 degree edges
    wedge = trimesh.convex.convex_hull(np.array(corners, dtype=float))
    thinnest, _ = scan(wedge).thinnest()
    assert thinnest == pytest.approx(5.0, abs=1e-3)  # only the two parallel ends face each other
    assert scan(trimesh.creation.box((2.0, 3.0, 10.0))).thinnest()[0] == pytest.approx(2.0, abs=1e-3)  # corners


@pytest.mark.parametrize("thickness", [1.2, 1.8, 2.5])
def test_a_flat_band_measures_its_thickness_parameter(thickness):
    design = parse_design(ring_doc(profile="flat", thickness_mm=thickness))
    model = build(design, EXPORT)
    walls = scan(model.metal)
    measured, where = walls.thinnest()
    assert measured == pytest.approx(thickness, abs=0.02)
    assert np.hypot(where[0], where[2]) >= model.band.inner_radius_mm - 0.01  # on the band, not a crumb


def test_seats_are_left_out_but_the_stone_is_held():
    design = parse_design(ring_doc(width_mm=2.5, thickness_mm=1.7) | {"stone": {"length_mm": 6.5}})
    model = build(design, EXPORT)
    walls = scan(model.metal, model.stones)
    assert walls.seat.sum() > 50  # the prongs' notches and the gallery round the stone
    assert np.isinf(walls.thickness[walls.seat]).all()
    assert walls.thinnest()[0] >= 0.8  # prongs 1.0 mm, rail 0.8 mm tall
