"""Judging a mesh as the workshop gets it: read back from its file (vertices merged as a slicer merges them), its
faults named, and ADMesh's figures (Debian's `admesh`, the outside judge)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import trimesh

from configurator.export import Format

ADMESH = shutil.which("admesh")
needs_admesh = pytest.mark.skipif(ADMESH is None, reason="ADMesh (Debian package admesh) is not installed")


def faults(mesh: trimesh.Trimesh, one_body: bool) -> list[str]:
    """What a slicer would complain of in a mesh read back from a file (vertices merged as it merges them)."""
    found = []
    if not mesh.is_watertight:
        found.append("not watertight")
    _, uses = np.unique(mesh.edges_sorted, axis=0, return_counts=True)
    if (uses != 2).any():
        found.append(f"{int((uses != 2).sum())} edges not shared by exactly two faces")
    if (mesh.area_faces < 1e-12).any():
        found.append(f"{int((mesh.area_faces < 1e-12).sum())} degenerate facets")
    if one_body and mesh.body_count != 1:
        found.append(f"{mesh.body_count} bodies")
    return found


def read_back(data: bytes, fmt: Format) -> trimesh.Trimesh:
    return trimesh.load(io.BytesIO(data), file_type=fmt.value, force="mesh")


def admesh(path: Path) -> dict[str, int]:
    """ADMesh's figures for an STL: degenerate facets, edges fixed, facets removed, normals fixed, facets reversed,
    parts."""
    out = subprocess.run([ADMESH, str(path)], capture_output=True, text=True, check=True, timeout=120).stdout
    figures = {}
    for key, label in (("degenerate", "Degenerate facets"), ("fixed", "Edges fixed"),
                       ("removed", "Facets removed"), ("normals", "Normals fixed"), ("reversed", "Facets reversed"),
                       ("parts", "Number of parts")):
        figures[key] = int(re.search(rf"{label}\s*:\s*(\d+)", out).group(1))
    return figures
