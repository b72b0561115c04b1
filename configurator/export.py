"""Files for the workshop: the metal (the wax pattern, scaled for shrinkage), the stones, the fittings and a ring's
matching band (its own wax pattern), written atomically: all of them or none.

Shrinkage: the metal shrinks about 1.0-2.0 % linear from the wax, so the pattern is scaled by 1 / (1 - s)
and the casting comes out at nominal size (PRODUCT.md).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import numpy as np
import trimesh

from . import catalogue
from .errors import ConfiguratorError
from .files import write_atomically
from .geometry import Model

MAX_SHRINKAGE_PCT = 5.0


class Format(str, Enum):
    STL = "stl"
    OBJ = "obj"
    GLB = "glb"
    THREEMF = "3mf"

    def __repr__(self) -> str:
        return f"<Format.{self.name}>"

    @classmethod
    def of_path(cls, path: Path) -> Format:
        suffix = path.suffix.lower().lstrip(".")
        try:
            return cls(suffix)
        except ValueError:
            raise ConfiguratorError(
                f"{path.name}: cannot tell the format from the extension; use --format stl|obj|glb|3mf"
            ) from None


def shrinkage_scale(shrinkage_pct: float) -> float:
    """Scale factor of the wax pattern for a linear casting shrinkage in percent."""
    if not 0 <= shrinkage_pct < MAX_SHRINKAGE_PCT:
        raise ConfiguratorError(f"--shrinkage: {shrinkage_pct:g} % is outside 0-{MAX_SHRINKAGE_PCT:g} %")
    return 1.0 / (1.0 - shrinkage_pct / 100.0)


def _hex_rgba(color_hex: str, alpha: int = 255) -> list[int]:
    return [int(color_hex[i : i + 2], 16) for i in (1, 3, 5)] + [alpha]


def wax_pattern(model: Model, shrinkage_pct: float | None = None) -> trimesh.Trimesh:
    """The metal scaled for casting shrinkage (the alloy's own when `shrinkage_pct` is None)."""
    metal = catalogue.metal(model.design.metal)
    pct = metal.shrinkage_pct if shrinkage_pct is None else shrinkage_pct
    scale = shrinkage_scale(pct)
    pattern = trimesh.Trimesh(model.metal.vertices * scale, model.metal.faces, process=False)
    pattern.metadata.update({**model.metal.metadata, "shrinkage_pct": pct, "scale": scale, "units": "mm"})
    return pattern


def stones_mesh(model: Model) -> trimesh.Trimesh | None:
    """All stones as one mesh at their true size (stones do not shrink: they match the cast metal),
    or None for a design without stones."""
    if not model.stones:
        return None
    return trimesh.util.concatenate(list(model.stones))


def encode(mesh: trimesh.Trimesh, fmt: Format, color_hex: str = "#d4af37", metallic: bool = True) -> bytes:
    """The bytes of `mesh` in `fmt`; GLB carries a PBR material in the given colour."""
    if fmt is Format.GLB:
        mesh = mesh.copy()
        mesh.visual = trimesh.visual.TextureVisuals(
            material=trimesh.visual.material.PBRMaterial(
                baseColorFactor=_hex_rgba(color_hex),
                metallicFactor=1.0 if metallic else 0.0,
                roughnessFactor=0.25 if metallic else 0.05,
            )
        )
        return trimesh.Scene(mesh).export(file_type="glb")
    data = mesh.export(file_type=fmt.value)
    return data.encode("utf-8") if isinstance(data, str) else data


def fittings_pattern(model: Model, shrinkage_pct: float | None = None) -> trimesh.Trimesh | None:
    """The fittings cast beside the piece (jump ring, clasp parts, a hinged bail's loop), scaled like the
    pattern; each stays its own body. None when the design has none."""
    if not model.fitting_parts:
        return None
    metal = catalogue.metal(model.design.metal)
    pct = metal.shrinkage_pct if shrinkage_pct is None else shrinkage_pct
    parts = trimesh.util.concatenate(list(model.fittings.values()))
    parts.apply_scale(shrinkage_scale(pct))
    return parts


def band_pattern(model: Model, shrinkage_pct: float | None = None) -> trimesh.Trimesh | None:
    """A ring's matching band as its own wax pattern, scaled like the ring's; None when the design has none."""
    if model.matching is None:
        return None
    metal = catalogue.metal(model.design.metal)
    pct = metal.shrinkage_pct if shrinkage_pct is None else shrinkage_pct
    scale = shrinkage_scale(pct)
    band = model.matching.mesh
    pattern = trimesh.Trimesh(band.vertices * scale, band.faces, process=False)
    pattern.metadata.update({**band.metadata, "shrinkage_pct": pct, "scale": scale, "units": "mm"})
    return pattern


class NotCastable(ConfiguratorError):
    """The check finds the design cannot be cast: nothing is exported (unless forced)."""

    def __init__(self, finding) -> None:
        super().__init__(finding.line())
        self.finding = finding


def export(
    model: Model,
    out: Path,
    stones_out: Path | None = None,
    shrinkage_pct: float | None = None,
    fmt: Format | None = None,
    fittings_out: Path | None = None,
    force: bool = False,
    band_out: Path | None = None,
) -> dict[str, object]:
    """Write the wax pattern (and the stones, the fittings, a ring's matching band) and return what was written.

    The check's verdict is the export's: a design with a blocking finding raises NotCastable and nothing is
    written, unless `force` (a workshop's own decision). A metal that is not one watertight body is never written,
    nor a matching band that is not."""
    from .checks import Severity, check

    if not force:
        blocking = [finding for finding in check(model.design, model, verify=False)
                    if finding.severity is Severity.BLOCKING]
        if blocking:
            raise NotCastable(blocking[0])
    fmt = fmt or Format.of_path(out)
    if fmt is Format.GLB:  # the piece to look at, as the app's viewer and download have it: true size, metres
        from .glb import glb

        if not (model.metal.is_watertight and model.body_count == 1):
            raise ConfiguratorError("the metal is not one watertight body; nothing was written")
        write_atomically({out: glb(model)})
        return {"metal": str(out), "stones": None, "fittings": None, "format": fmt.value, "units": "m",
                "shrinkage_pct": 0.0, "scale": 1.0, "volume_mm3": model.metal_volume_mm3,
                "bounds_mm": np.round(model.metal.bounds, 3).tolist()}
    metal = catalogue.metal(model.design.metal)
    pattern = wax_pattern(model, shrinkage_pct)
    if not (pattern.is_watertight and model.body_count == 1):
        raise ConfiguratorError("the metal is not one watertight body; nothing was written")
    files = {out: encode(pattern, fmt, metal.color_hex)}
    stones = stones_mesh(model)
    if stones_out is not None and stones is not None:
        gem = catalogue.gemstone(model.stone_parts[0].material)
        stones_fmt = Format.of_path(stones_out) if stones_out.suffix else fmt
        files[stones_out] = encode(stones, stones_fmt, gem.color_hex, metallic=False)
    fittings = fittings_pattern(model, shrinkage_pct)
    if fittings_out is not None and fittings is not None:
        files[fittings_out] = encode(fittings, Format.of_path(fittings_out) if fittings_out.suffix else fmt,
                                     metal.color_hex)
    band = band_pattern(model, shrinkage_pct)
    if band_out is not None and band is not None:
        if not (band.is_watertight and model.matching.body_count == 1):
            raise ConfiguratorError("the matching band is not one watertight body; nothing was written")
        files[band_out] = encode(band, Format.of_path(band_out) if band_out.suffix else fmt, metal.color_hex)
    write_atomically(files)
    return {
        "metal": str(out),
        "stones": str(stones_out) if stones_out in files else None,
        "fittings": str(fittings_out) if fittings_out in files else None,
        **({"band": str(band_out) if band_out in files else None} if band_out is not None else {}),
        "format": fmt.value,
        "shrinkage_pct": pattern.metadata["shrinkage_pct"],
        "scale": pattern.metadata["scale"],
        "volume_mm3": model.metal_volume_mm3 * pattern.metadata["scale"] ** 3,
        "bounds_mm": np.round(pattern.bounds, 3).tolist(),
    }
