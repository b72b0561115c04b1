"""A design built into meshes: the metal as one body, and each stone as its own part."""

from __future__ import annotations

from dataclasses import dataclass, field

import trimesh

from .bands import Band, build_band
from .design import Design, Piece
from .errors import ConfiguratorError
from .solids import EXPORT, Resolution, to_trimesh


@dataclass(frozen=True)
class Model:
    """The meshes of one design at one resolution, in millimetres."""

    design: Design
    resolution: Resolution
    metal: trimesh.Trimesh
    stones: tuple[trimesh.Trimesh, ...] = ()
    band: Band | None = field(default=None, compare=False)

    @property
    def metal_volume_mm3(self) -> float:
        return float(self.metal.volume)


def build(design: Design, resolution: Resolution = EXPORT) -> Model:
    """Build the meshes of `design`; raises ConfiguratorError for a piece that cannot be built."""
    if design.piece is Piece.RING:
        band = build_band(design.ring, resolution)
        metal = to_trimesh(band.solid, part="band", profile=design.ring.profile.value)
        return Model(design, resolution, metal, (), band)
    raise ConfiguratorError("pendant: pendant geometry is not available in this version; only rings build")
