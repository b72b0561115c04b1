"""Stones: every shape and cut is a closed solid whose modelled carat agrees with the trade formulas."""

import pytest

from configurator import catalogue
from configurator.design import Cut, Shape, Stone
from configurator.shapes import shape_of, stone_outline
from configurator.solids import polygon_area, to_trimesh
from configurator.stones import CARAT_GRAMS, modelled_carat, stone_solid, trade_carat

# Each shape at its usual proportion and at the ends of the ratios its trade factor covers.
RATIOS = {
    Shape.ROUND: (1.0,), Shape.ASSCHER: (1.0,), Shape.PRINCESS: (1.0, 1.1), Shape.CUSHION: (1.0, 1.2),
    Shape.HEART: (1.0, 1.1), Shape.TRILLION: (1.0,), Shape.OVAL: (1.25, 1.35, 1.5), Shape.PEAR: (1.25, 1.6, 2.0),
    Shape.MARQUISE: (1.5, 2.0, 3.0), Shape.EMERALD: (1.0, 1.5, 2.0), Shape.RADIANT: (1.0, 1.2, 1.5),
    Shape.BAGUETTE: (2.0, 3.0),
}
CASES = [(shape, ratio) for shape, ratios in RATIOS.items() for ratio in ratios]


def stone(shape: Shape, ratio: float, cut: Cut = Cut.BRILLIANT, material: str = "diamond", length: float = 8.0):
    return Stone(shape=shape, cut=cut, material=material, length_mm=length, width_mm=length / ratio)


def test_a_6_5_mm_round_brilliant_diamond_is_about_one_carat():
    assert modelled_carat(Stone(shape=Shape.ROUND, length_mm=6.5)) == pytest.approx(1.00, abs=0.05)


@pytest.mark.parametrize(("shape", "ratio"), CASES, ids=lambda value: getattr(value, "value", value))
@pytest.mark.parametrize("cut", list(Cut), ids=lambda cut: cut.value)
@pytest.mark.slow
def test_modelled_carat_agrees_with_the_trade_formula(shape, ratio, cut):
    gem = stone(shape, ratio, cut)
    assert modelled_carat(gem) == pytest.approx(trade_carat(gem), rel=0.10)


@pytest.mark.parametrize(("shape", "ratio"), CASES, ids=lambda value: getattr(value, "value", value))
def test_brilliant_factor_falls_in_the_trade_range(shape, ratio):
    """carat / (L x W x D) of the model lies within the shape's published factors (5 % margin)."""
    gem = stone(shape, ratio)
    length, width = gem.length_mm, gem.outline_width_mm
    from configurator.stones import depth_mm

    if shape is Shape.ROUND:
        factor = modelled_carat(gem) / (((length + width) / 2) ** 2 * depth_mm(gem))
    else:
        factor = modelled_carat(gem) / (length * width * depth_mm(gem))
    published = [point[1] for point in shape_of(shape).trade_factors]
    assert min(published) * 0.95 <= factor <= max(published) * 1.05
    assert factor == pytest.approx(shape_of(shape).trade_factor(length / width), rel=0.05)


@pytest.mark.parametrize("material", list(catalogue.gemstones()))
def test_volume_times_density_is_carat_times_0_2_g(material):
    gem = Stone(shape=Shape.OVAL, material=material, length_mm=8.0, width_mm=6.0)
    volume_cm3 = stone_solid(gem).volume() / 1000
    density = catalogue.gemstone(material).density_g_cm3
    assert volume_cm3 * density == pytest.approx(modelled_carat(gem) * CARAT_GRAMS, rel=1e-9)
    # Heavier materials weigh more for the same size: carat scales with density / 3.52.
    diamond = modelled_carat(Stone(shape=Shape.OVAL, length_mm=8.0, width_mm=6.0))
    assert modelled_carat(gem) == pytest.approx(diamond * density / 3.52, rel=1e-9)


@pytest.mark.parametrize("shape", list(Shape), ids=lambda shape: shape.value)
@pytest.mark.parametrize("cut", list(Cut), ids=lambda cut: cut.value)
def test_every_stone_is_a_closed_solid_of_its_measured_size(shape, cut):
    ratio = RATIOS[shape][0]
    gem = stone(shape, ratio, cut, length=7.0)
    mesh = to_trimesh(stone_solid(gem))
    assert mesh.is_volume and mesh.body_count == 1
    assert mesh.extents[1] == pytest.approx(7.0, abs=0.02)  # length along Y
    assert mesh.extents[0] == pytest.approx(gem.outline_width_mm, abs=0.02)
    from configurator.stones import depth_mm

    assert mesh.extents[2] == pytest.approx(depth_mm(gem), abs=0.02)
    # The girdle lies on z = 0: the widest cross-section of the stone is there.
    assert mesh.bounds[0][2] < 0 < mesh.bounds[1][2]


def test_a_clients_stone_keeps_its_measured_size():
    gem = Stone(shape=Shape.CUSHION, length_mm=7.3, width_mm=6.9, depth_mm=4.6, client_supplied=True)
    assert to_trimesh(stone_solid(gem)).extents == pytest.approx([6.9, 7.3, 4.6], abs=0.02)


@pytest.mark.parametrize("shape", list(Shape), ids=lambda shape: shape.value)
def test_outlines_are_counter_clockwise_and_fill_their_box(shape):
    outline = stone_outline(shape, 8.0, 6.0 if shape not in (Shape.ROUND, Shape.ASSCHER) else 8.0)
    width = 6.0 if shape not in (Shape.ROUND, Shape.ASSCHER) else 8.0
    assert polygon_area(outline) > 0
    assert outline.max(axis=0) - outline.min(axis=0) == pytest.approx([width, 8.0], abs=0.02)
    # A trillion is the sparest shape (a bowed triangle), a princess fills its box.
    assert 0.45 * width * 8.0 < polygon_area(outline) <= width * 8.0 + 1e-9


@pytest.mark.parametrize("shape", list(Shape), ids=lambda shape: shape.value)
def test_a_carat_picks_the_size_that_models_it(shape):
    from configurator.stones import stone_for_carat

    sized = stone_for_carat(Stone(shape=shape, length_mm=5.0), 1.00)
    assert modelled_carat(sized) == pytest.approx(1.00, abs=0.01)
    rules = shape_of(shape).rules
    low, high = rules.length_to_width_range
    ratio = sized.length_mm / sized.outline_width_mm
    assert low - 1e-9 <= ratio <= high + 1e-9
    assert low <= rules.length_to_width <= high  # the usual ratio is one the trade cuts


@pytest.mark.parametrize("material", ["diamond", "sapphire", "cubic-zirconia"])
def test_a_denser_stone_of_the_same_carat_is_smaller(material):
    from configurator.stones import stone_for_carat

    sized = stone_for_carat(Stone(shape=Shape.OVAL, material=material, length_mm=5.0), 2.0)
    assert modelled_carat(sized) == pytest.approx(2.0, abs=0.01)
    diamond = stone_for_carat(Stone(shape=Shape.OVAL, length_mm=5.0), 2.0)
    density = catalogue.gemstone(material).density_g_cm3
    assert (sized.length_mm < diamond.length_mm) == (density > 3.52)


def test_an_unreachable_carat_is_refused_in_words():
    from configurator.errors import DesignError
    from configurator.stones import stone_for_carat

    with pytest.raises(DesignError, match=r"^stone\.carat: .* weighs .* not 500 ct"):
        stone_for_carat(Stone(shape=Shape.ROUND, length_mm=5.0), 500.0)


def test_a_narrow_stone_keeps_its_proportions_when_scaled_to_a_carat():
    from configurator.stones import stone_for_carat

    marquise = Stone(shape=Shape.MARQUISE, length_mm=6.5, width_mm=2.5)
    sized = stone_for_carat(marquise, 0.25)
    assert sized.outline_width_mm >= 1.0
    assert sized.length_mm / sized.outline_width_mm == pytest.approx(6.5 / 2.5, rel=0.02)


@pytest.mark.slow
def test_the_shipped_fullness_table_is_what_the_solver_finds():
    from configurator.design import Cut, Shape
    from configurator.stones import fullness_table, solved_fullness

    table = fullness_table()
    assert len(table) == len(Shape) * 4 * 3  # every shape, the four fitted cuts, centre, eternity and accent girdles
    for (shape, cut, ratio, points), fullness in table.items():
        assert solved_fullness(Shape(shape), Cut(cut), ratio, points) == pytest.approx(fullness, abs=1e-6)


def test_the_solver_agrees_with_scipys_brentq():
    from scipy.optimize import brentq

    from configurator.design import Cut, Shape, Stone
    from configurator.stones import DIAMOND_DENSITY, _carat_of, _solid, solved_fullness, trade_carat

    for shape, cut, ratio in [(Shape.OVAL, Cut.BRILLIANT, 1.4), (Shape.EMERALD, Cut.STEP, 1.5),
                              (Shape.HEART, Cut.ROSE, 1.0), (Shape.PEAR, Cut.CABOCHON, 1.6)]:
        probe = Stone(shape=shape, cut=cut, length_mm=10.0, width_mm=10.0 / ratio, depth_mm=6.0 / ratio)
        target = trade_carat(probe)
        expected = brentq(lambda f, probe=probe, target=target: _carat_of(_solid(probe, f, 64), DIAMOND_DENSITY)
                          - target, -1.0, 1.0, xtol=1e-9)
        assert solved_fullness(shape, cut, ratio, 64) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("shape", ["round", "cushion", "princess", "emerald", "asscher", "radiant", "baguette",
                                   "trillion", "oval", "pear", "marquise"])
@pytest.mark.parametrize("cut", ["brilliant", "step", "rose", "cabochon"])
def test_a_stone_is_the_hull_through_its_corners_alone(shape, cut):
    """hull_corners keeps the hull's corners and drops points along its edges or inside its facets, as Qhull's
    vertices do: the hull through them is the same solid, with the same smallest facet."""
    import manifold3d
    import numpy as np
    from scipy.spatial import ConvexHull

    from configurator.design import Cut, Shape, Stone
    from configurator.stones import hull_corners, stone_points

    def hull(corners):
        solid = manifold3d.Manifold.hull_points(np.ascontiguousarray(corners))
        mesh = solid.to_mesh64()
        triangles = np.asarray(mesh.vert_properties)[:, :3][np.asarray(mesh.tri_verts)]
        doubled = np.linalg.norm(np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0]), axis=1)
        return solid.volume(), doubled.min() / 2

    for length in (3.0, 6.5, 14.0):
        points = stone_points(Stone(shape=Shape(shape), cut=Cut(cut), length_mm=length), 0.3, 64)
        corners = hull_corners(points)
        assert len(corners) <= len(points)
        mine, qhull = hull(corners), hull(points[ConvexHull(points).vertices])
        assert mine[0] == pytest.approx(qhull[0], rel=1e-9)
        assert mine[1] >= 0.5 * qhull[1]  # no facet smaller than Qhull's (the triangulation may differ)
