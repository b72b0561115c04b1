"""Stone shapes: every `Shape` has one record, and each record's facts agree with its outline and with PRODUCT.md."""

import manifold3d
import numpy as np
import pytest

from configurator.design import SHAPE_RULES, Shape, Stone
from configurator.outlines import girdle_distance
from configurator.shapes import SHAPES, shape_of, stone_outline
from configurator.solids import polygon_area
from configurator.stones import trade_carat

# One figure a shape from PRODUCT.md's carat table (diamond, carat = L x W x D x factor; a round's D_avg^2 x D x 0.0061):
# (length / width, factor). A baguette is not in it and takes an emerald cut's factor.
PRODUCT_FACTORS = {
    Shape.ROUND: (1.0, 0.0061), Shape.OVAL: (1.35, 0.0062), Shape.CUSHION: (1.0, 0.00815), Shape.HEART: (1.0, 0.0059),
    Shape.PRINCESS: (1.0, 0.0082), Shape.RADIANT: (1.5, 0.0084), Shape.EMERALD: (1.5, 0.0092),
    Shape.ASSCHER: (1.0, 0.0080), Shape.PEAR: (2.0, 0.00575), Shape.TRILLION: (1.0, 0.0057),
    Shape.MARQUISE: (1.5, 0.00565), Shape.BAGUETTE: (2.0, 0.0100),
}
REFERENCE_LENGTH_MM = 8.0
SHAPE_IDS = {"ids": lambda shape: shape.value}


def _crosses(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Whether segments ab and cd cross at a point inside both."""
    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _is_simple(outline: np.ndarray) -> bool:
    """No two edges of the closed polygon cross (neighbours share an end, which is no crossing)."""
    count = len(outline)
    edges = [(outline[i], outline[(i + 1) % count]) for i in range(count)]
    return not any(_crosses(*edges[i], *edges[j]) for i in range(count) for j in range(i + 2, count)
                   if not (i == 0 and j == count - 1))


def test_every_shape_has_one_record_and_one_row_of_rules():
    assert set(SHAPES) == set(Shape) == set(SHAPE_RULES)
    for shape, record in SHAPES.items():
        assert record.name is shape and shape_of(shape) is record
        assert record.rules is SHAPE_RULES[shape]


@pytest.mark.parametrize("shape", list(Shape), **SHAPE_IDS)
def test_the_rules_agree_with_themselves(shape):
    rules = shape_of(shape).rules
    low, high = rules.length_to_width_range
    assert 1.0 <= low <= rules.length_to_width <= high
    assert not rules.square or rules.length_to_width_range == (1.0, 1.0)
    assert not rules.sharing_offered or rules.shares_as_side  # the app offers only what the document accepts


@pytest.mark.parametrize("shape", list(Shape), **SHAPE_IDS)
@pytest.mark.parametrize("count", [16, 64])
def test_the_outline_is_a_closed_simple_polygon_of_the_usual_ratio(shape, count):
    ratio = shape_of(shape).rules.length_to_width
    outline = stone_outline(shape, REFERENCE_LENGTH_MM, REFERENCE_LENGTH_MM / ratio, count)
    assert outline.shape[1] == 2 and len(outline) >= 4
    assert np.all(np.linalg.norm(outline - np.roll(outline, 1, axis=0), axis=1) > 1e-9)  # no point twice, no closing one
    assert polygon_area(outline) > 0  # counter-clockwise
    assert _is_simple(outline)
    width, length = outline.max(axis=0) - outline.min(axis=0)
    assert length == pytest.approx(REFERENCE_LENGTH_MM, rel=0.01)
    assert length / width == pytest.approx(ratio, rel=0.01)


@pytest.mark.parametrize("shape", list(Shape), **SHAPE_IDS)
def test_a_convex_record_has_a_convex_outline(shape):
    """A heart's cleft is a hollow: its hull is larger than it by more than the 1 % a polygon's facets make."""
    low, high = shape_of(shape).rules.length_to_width_range
    for ratio in (low, high):
        outline = stone_outline(shape, REFERENCE_LENGTH_MM, REFERENCE_LENGTH_MM / ratio, 64)
        hull = manifold3d.CrossSection.hull_points(np.ascontiguousarray(outline)).area()
        assert (hull <= 1.01 * polygon_area(outline)) is shape_of(shape).convex


@pytest.mark.parametrize("shape", list(Shape), **SHAPE_IDS)
def test_the_trade_factor_gives_product_md_carat(shape):
    ratio, factor = PRODUCT_FACTORS[shape]
    length, width = REFERENCE_LENGTH_MM, REFERENCE_LENGTH_MM / ratio
    depth = round(0.6 * width, 2)
    stone = Stone(shape=shape, length_mm=length, width_mm=width, depth_mm=depth)
    if shape_of(shape).by_diameter:
        expected = ((length + width) / 2) ** 2 * depth * factor
    else:
        expected = length * width * depth * factor
    assert trade_carat(stone) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("shape", list(Shape), **SHAPE_IDS)
def test_the_corners_lie_on_the_outline(shape):
    """Each corner is the outline's farthest point that way (a cut corner's middle, as `holds` finds it): on the
    girdle, and in the corner of its box (a cut corner within its cut of it)."""
    record = shape_of(shape)
    low, high = record.rules.length_to_width_range
    for ratio in (low, high):
        length, width = REFERENCE_LENGTH_MM, REFERENCE_LENGTH_MM / ratio
        outline = stone_outline(shape, length, width, 256)
        for dx, dy in record.corners:
            reach = outline @ np.array([dx / width, dy / length])
            corner = outline[reach >= reach.max() - 1e-3 * float(np.abs(reach).max())].mean(axis=0)
            assert girdle_distance(outline, *corner) < 1e-4 * length  # a rounded point's middle, a hair inside
            boxed = np.array([dx * width / 2, dy * length / 2])
            assert np.linalg.norm(corner - boxed) < 0.25 * width  # an asscher's cut, the largest, is 0.22 wide


def test_pointed_shapes_point_up_and_each_prong_layout_places_every_prong():
    for record in SHAPES.values():
        assert not record.pointed or record.tipped  # a point is guarded at +Y, where the head's first prong stands
        for count, angles in record.prong_layouts:
            assert len(angles) == count
