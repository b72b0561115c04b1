"""A design built: its metal as one body, each stone as its own part, fittings and a matching band apart, and what
they weigh (`geometry` builds it; the check, the price and the files read it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import manifold3d

from .bands import Band
from .design import Design, Stone
from .matching import Fit
from .milgrain import BeadRow
from .pendants import Plate
from .solids import Resolution, cleaned, to_trimesh
from .stones import StoneWeight

if TYPE_CHECKING:
    import trimesh


class Meshed:
    """A solid, cleaned once for a file, and its trimesh made on first use: what weighs and prices a design needs no
    mesh library, and the copies of a model (`dressed`) share one mesh.

    Args:
        solid: the solid as built.
        for_file: whether it may be written to a file (an export build): then it is cleaned of what a float32 file
            would merge; a preview's is drawn as built.
        clean: False for a solid cleaned already (a stone's form).
    """

    __slots__ = ("solid", "metadata", "for_file", "_mesh")

    def __init__(self, solid: manifold3d.Manifold, for_file: bool = True, clean: bool = True, **metadata) -> None:
        self.solid = cleaned(solid) if clean and for_file else solid
        self.for_file = for_file
        self.metadata = metadata
        self._mesh: trimesh.Trimesh | None = None

    @property
    def mesh(self) -> trimesh.Trimesh:
        if self._mesh is None:
            self._mesh = to_trimesh(self.solid, clean=False, for_file=self.for_file, **self.metadata)
        return self._mesh

    @property
    def volume_mm3(self) -> float:
        return float(self.solid.volume())


@dataclass(frozen=True)
class StonePart:
    """A placed stone with what it weighs by its modelled volume."""

    shape: Meshed = field(repr=False, compare=False)
    material: str
    carat: float
    role: str  # "centre", "accent", "side" or "eternity"
    size_mm: float
    solid: manifold3d.Manifold = field(repr=False, compare=False)  # as modelled, before cleaning
    stone: Stone | None = field(default=None, repr=False, compare=False)  # its record (shape, sizes) for the check

    @property
    def mesh(self) -> trimesh.Trimesh:
        return self.shape.mesh


@dataclass(frozen=True)
class MatchingPart:
    """A ring's matching band: its metal (a body of its own, cast and priced apart, never united with the ring) and
    how it fits the ring."""

    body: Meshed = field(repr=False, compare=False)
    fit: Fit = field(compare=False)

    @property
    def solid(self) -> manifold3d.Manifold:
        return self.body.solid

    @property
    def mesh(self) -> trimesh.Trimesh:
        return self.body.mesh

    @property
    def volume_mm3(self) -> float:
        return self.body.volume_mm3

    @property
    def body_count(self) -> int:
        return len(self.solid.decompose())


@dataclass(frozen=True)
class Model:
    """The solids of one design at one resolution, in millimetres, and their meshes (made when first asked for)."""

    design: Design
    resolution: Resolution
    body: Meshed = field(repr=False, compare=False)
    stone_parts: tuple[StonePart, ...] = ()
    fitting_parts: dict[str, Meshed] = field(default_factory=dict, repr=False, compare=False)
    band: Band | None = field(default=None, compare=False)
    plate: Plate | None = field(default=None, compare=False)
    girdle_z: float | None = None
    beads: tuple[BeadRow, ...] = field(default=(), compare=False)  # milgrain rows, as laid out (for the check)
    matching: MatchingPart | None = field(default=None, repr=False, compare=False)

    @property
    def solid(self) -> manifold3d.Manifold:
        """The metal as a manifold solid (cleaned: the same surface as `metal`)."""
        return self.body.solid

    @property
    def metal(self) -> trimesh.Trimesh:
        return self.body.mesh

    @property
    def body_count(self) -> int:
        """How many separate pieces the metal is (one for anything that can be cast)."""
        return len(self.solid.decompose())

    @property
    def fittings(self) -> dict[str, trimesh.Trimesh]:
        """Metal cast apart from the piece: clasp parts, jump ring, a hinged bail's loop."""
        return {name: part.mesh for name, part in self.fitting_parts.items()}

    @property
    def metal_volume_mm3(self) -> float:
        """The piece's own metal (the wax pattern's volume)."""
        return self.body.volume_mm3

    @property
    def fittings_volume_mm3(self) -> float:
        """Metal cast apart from the piece in the same alloy: clasp parts, jump ring, a hinged bail's loop."""
        return float(sum(part.volume_mm3 for part in self.fitting_parts.values()))

    @property
    def cast_volume_mm3(self) -> float:
        """All the metal cast for the design: the piece and its fittings (not the chain, which is drawn wire)."""
        return self.metal_volume_mm3 + self.fittings_volume_mm3

    @property
    def stones(self) -> tuple[trimesh.Trimesh, ...]:
        """Every stone's mesh, centre first."""
        return tuple(part.mesh for part in self.stone_parts)

    def stone_weights(self) -> tuple[StoneWeight, ...]:
        """The stones grouped for pricing: the centre, then accents by material and size."""
        groups: dict[tuple[str, str, float], list[float]] = {}
        for part in self.stone_parts:
            groups.setdefault((part.role, part.material, round(part.size_mm, 3)), []).append(part.carat)
        return tuple(StoneWeight(role, material, len(carats), sum(carats))
                     for (role, material, _), carats in groups.items())
