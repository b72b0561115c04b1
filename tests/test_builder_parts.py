"""The builder never makes what its own check refuses: no gap between its own parts, no metal thinner than castable,
where no control of the person's made it so (PRODUCT.md, "Casting": gaps at least 0.3 mm)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import trimesh

from bench.matrix import BUILDER_KINDS, CHECK_SIZES, checked_designs, describe, sort_findings
from configurator.builds import model_of, scan_of
from configurator.checks import Severity, check
from configurator.design import Profile, SettingStyle, Shape
from configurator.documents import parse_design
from configurator.styles.cathedral import ARCH_CLEAR_MM
from tests.helpers.designs import DEEP


def cathedral(shape: str, profile: str, us: float = 7) -> dict:
    return {"piece": "ring", "metal": "18k-yellow",
            "ring": {"size": {"system": "US", "value": us}, "profile": profile, "width_mm": 2.2, "thickness_mm": 1.7},
            "stone": {"shape": shape, "length_mm": 6.5}, "setting": {"style": "cathedral"}}


# Refused before for a crevice between an arch's end and a prong's foot: 0.01 mm at the prong at 4 o'clock (round),
# 0.09 mm (cushion), 0.00 mm (oval), 0.08 mm at the gallery (princess).
# Then, read against a plain cylinder for the band, 0.00 mm at the prong at 2 o'clock (oval, US 7) and 0.10-0.12 mm at
# the prongs at 8 and 10 o'clock (asscher, US 4): the arches' search reads the ring's own band.
ARCH_CASES = [("round", "flat", 7), ("round", "comfort", 4), ("cushion", "flat", 4), ("cushion", "comfort", 4),
              ("oval", "flat", 10), ("princess", "flat", 4), ("princess", "comfort", 4), ("asscher", "flat", 7),
              ("oval", "flat", 7), ("oval", "comfort", 7), ("oval", "bevelled", 7), ("asscher", "comfort", 4),
              ("asscher", "concave", 4)]


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "profile", "us"), ARCH_CASES, ids=lambda value: str(value))
def test_cathedral_arches_keep_the_casting_gap_from_the_head(shape, profile, us):
    design = parse_design(cathedral(shape, profile, us))
    model = model_of(design)
    blocking = [finding for finding in check(design, model, verify=False) if finding.severity is Severity.BLOCKING]
    assert blocking == []
    assert scan_of(design, model).narrowest()[0] >= ARCH_CLEAR_MM - 0.05  # the mesh's facets, not a crevice
    assert model.body_count == 1


def test_the_colleague_s_cathedral_ring_exports_one_watertight_body_with_no_gap():
    design = parse_design(cathedral("round", "flat", 7))
    model = model_of(design)
    buffer = io.BytesIO()
    model.metal.export(buffer, file_type="stl")
    mesh = trimesh.load(io.BytesIO(buffer.getvalue()), file_type="stl")  # float32, as the workshop reads it
    assert mesh.is_watertight and mesh.is_volume
    assert len(mesh.split(only_watertight=False)) == 1
    assert not [finding for finding in check(design, model, verify=False) if finding.kind == "gap"
                and finding.severity is Severity.BLOCKING]
    assert np.isclose(mesh.volume, model.metal.volume, rtol=1e-3)


def swept(doc: dict) -> bool:
    """Whether the sweep below builds this cathedral ring: every shape on every profile, each pair at one of the
    matrix's sizes in turn (so each shape meets every size twice); DEEP, every size of every pair. The cases that
    failed once are ARCH_CASES, each tested above."""
    shapes, profiles = [shape.value for shape in Shape], [profile.value for profile in Profile]
    turn = shapes.index(doc["stone"]["shape"]) + profiles.index(doc["ring"]["profile"])
    return DEEP or doc["ring"]["size"]["value"] == CHECK_SIZES[turn % len(CHECK_SIZES)]


@pytest.mark.slow
def test_no_cathedral_ring_of_the_matrix_is_refused_for_the_builder_s_own_parts():
    refused, built = [], 0
    for doc in checked_designs():
        if doc["piece"] != "ring" or doc["setting"]["style"] != SettingStyle.CATHEDRAL.value or not swept(doc):
            continue
        built += 1
        sort, blocking = sort_findings(doc)
        if sort == "builder":
            refused.append(f"{describe(doc)}: " + ", ".join(f"{finding.kind} at {finding.where}"
                                                            for finding in blocking if finding.kind in BUILDER_KINDS))
    assert refused == []
    assert built == len(Shape) * len(Profile) * (len(CHECK_SIZES) if DEEP else 1)


def builder_findings(design, model) -> list:
    """The blocking findings at the builder's own parts (`bench.matrix.BUILDER_KINDS`)."""
    return [f"{finding.kind}: {finding.message}" for finding in check(design, model, verify=False)
            if finding.severity is Severity.BLOCKING and finding.kind in BUILDER_KINDS]


def exported(model) -> trimesh.Trimesh:
    """The metal as the workshop reads it: written to STL (float32) and read back."""
    buffer = io.BytesIO()
    model.metal.export(buffer, file_type="stl")
    return trimesh.load(io.BytesIO(buffer.getvalue()), file_type="stl")


def halo_ring(shape: str, profile: str, us: float = 7) -> dict:
    return {**cathedral(shape, profile, us), "setting": {"style": "halo"}}


# Refused before: "metal 0.01 mm thin at the halo at 12 o'clock beside the seats". The post at 12 o'clock stood under
# an accent's seat, not between two, and its drilled hole hollowed the post's top into a shell.
@pytest.mark.parametrize("profile", ["flat", "comfort", "concave"])
def test_a_cushion_halo_s_posts_stand_between_its_accents_not_under_their_holes(profile):
    design = parse_design(halo_ring("cushion", profile))
    model = model_of(design)
    assert builder_findings(design, model) == []
    walls = scan_of(design, model)
    head = walls.centres[:, 2] > model.band.inner_radius_mm + design.ring.thickness_mm + 0.5
    assert walls.thinnest(head & ~walls.seat)[0] >= 0.3  # was 0.01 mm
    assert model.body_count == 1


def pendant(outline: str, style: str, shape: str, length: float) -> dict:
    return {"piece": "pendant", "metal": "18k-yellow", "pendant": {"outline": outline, "size_mm": 18.0},
            "stone": {"shape": shape, "length_mm": length}, "setting": {"style": style}}


# Refused before: a gallery rail 0.08 mm over the plate's face (prongs, 8 mm round), a bezel's cup 0.13 mm over it.
@pytest.mark.slow
@pytest.mark.parametrize(("outline", "style", "shape", "length"),
                         [("round", "prong", "round", 8.0), ("round", "bezel", "round", 8.0),
                          ("heart", "prong", "round", 8.0), ("round", "halo", "round", 5.0)],
                         ids=lambda value: str(value))
def test_a_pendant_s_head_keeps_the_casting_gap_over_its_plate_or_enters_it(outline, style, shape, length):
    design = parse_design(pendant(outline, style, shape, length))
    model = model_of(design)
    assert builder_findings(design, model) == []
    mesh = exported(model)
    assert mesh.is_watertight and mesh.is_volume
    assert len(mesh.split(only_watertight=False)) == 1
    from configurator.walls import scan

    assert scan(mesh, [part.mesh for part in model.stone_parts]).narrowest()[0] >= 0.3 - 0.02
    # The faces looking down onto the plate's face from less than the casting gap over it: none.
    face = design.pendant.thickness_mm
    down = (mesh.face_normals[:, 2] < -0.95) & (mesh.triangles_center[:, 2] > face + 1e-3)
    assert not (down & (mesh.triangles_center[:, 2] < face + 0.3 - 1e-3)).any()


# Refused before: "the plate measures 0.07 mm at the plate's edge at 8 o'clock", a piece of the halo's rim hanging
# beside the 6 mm bar (the halo reaches 4.6 mm either side of it), its seats' holes cut into it.
@pytest.mark.slow
@pytest.mark.parametrize(("shape", "length"), [("round", 5.0), ("oval", 7.0), ("pear", 8.0), ("emerald", 7.0)])
def test_a_halo_wider_than_a_bar_rests_on_the_plate_grown_under_it(shape, length):
    design = parse_design(pendant("bar", "halo", shape, length))
    model = model_of(design)
    assert builder_findings(design, model) == []
    mesh = exported(model)
    assert mesh.is_watertight and mesh.is_volume
    assert len(mesh.split(only_watertight=False)) == 1
    face = design.pendant.thickness_mm
    bar = float(model.plate.outline[:, 0].max())  # the bar's own half-width: 3 mm
    plate = mesh.section(plane_origin=(0.0, 0.0, face / 2), plane_normal=(0.0, 0.0, 1.0))
    halo = mesh.section(plane_origin=(0.0, 0.0, face + 0.2), plane_normal=(0.0, 0.0, 1.0))
    assert plate.bounds[1][0] > bar + 1.0  # the plate grows under the halo...
    assert plate.bounds[1][0] >= halo.bounds[1][0] + 0.3  # ...to a ledge past its rim
    beside = plate.vertices[np.abs(plate.vertices[:, 0]) > bar + 0.01]
    assert np.abs(beside[:, 1]).max() <= np.abs(halo.bounds[:, 1]).max() + 0.4  # only where the halo is
