"""Cathedral: the centre in prongs, two arches rising from the shoulders to the underside of its head.

An arch is as long along the finger as the band's top allows (`shoulders.cathedral`), and its ends either keep the
casting gap from the head's prongs or sink into them: an end passing a prong a hair away leaves a crevice the
investment cannot fill (gaps at least 0.3 mm, PRODUCT.md "Casting").
"""

from __future__ import annotations

from dataclasses import replace

import manifold3d
import numpy as np

from ..design import Setting, SettingStyle
from ..heads import Parts, Support
from ..shoulders import BandTop, cathedral
from ..solids import subtract, to_trimesh, union
from ..stone_forms import StoneForm
from . import prong
from .style import Style

ARCH_CLEAR_MM = 0.3  # an arch keeps the casting gap from the head wherever it does not join it (PRODUCT.md)
ARCH_HALF_STEP_MM = 0.1  # arch lengths tried, from the band's own inward, then outward, by this step
ARCH_HALF_MIN_MM = 0.3  # the shortest arch tried: 1.6 mm along the finger with its rounded ends
ARCH_HALF_MORE_MM = 0.6  # the longest: this much past the band's own
AROUND_MM = 1.5  # how far past the arches the head and band are kept for the search's readings


def head(form: StoneForm, setting: Setting, support: Support, precut: bool) -> Parts:
    return prong.head(form, setting, support, precut)  # the prong style's head: count and tips as chosen


def _half(top: BandTop, form: StoneForm) -> float:
    """Half an arch's straight length along the finger, as `shoulders.cathedral` takes it from the band's top."""
    return min(top.width * 0.4, form.stone.length_mm * 0.35)


def _arches(top: BandTop, form: StoneForm, girdle_z: float, half: float) -> list[manifold3d.Manifold]:
    """The arches' segments, each `half` either side of the band's middle (the band's own top, re-measured)."""
    return cathedral(replace(top, width=half / 0.4), form, girdle_z).metal


def _narrowest(arches: list[manifold3d.Manifold], around: manifold3d.Manifold, top: BandTop) -> float:
    """The narrowest gap the arches leave against the head, read off the mesh as the check reads it (`walls.scan`, on
    the mesh cleaned for a file): among faces within the casting gap of the arches' box and outside the band (the
    prongs' feet meet in it). `around` is the head and the ring's own band, cut to the box every arch tried lies in
    (`_around`): an arch's end grazing a prong's foot leaves a crease whose faces, and so its reading, follow the
    band's facets (a plain cylinder of other facets read 0.91 mm where the ring's own band reads 0.003 mm)."""
    from ..walls import narrowest_gap  # ray casting, only for a cathedral's arches

    arch = union(arches)
    mesh = to_trimesh(union([arch, around]))
    box = np.asarray(arch.bounding_box()).reshape(2, 3)
    near = ((mesh.triangles_center >= box[0] - ARCH_CLEAR_MM) & (mesh.triangles_center <= box[1] + ARCH_CLEAR_MM))
    outside = np.hypot(mesh.triangles_center[:, 0], mesh.triangles_center[:, 2]) > top.radius
    return narrowest_gap(mesh, near.all(axis=1) & outside)


def _around(top: BandTop, form: StoneForm, girdle_z: float, held: Parts, halves: list[float]) -> manifold3d.Manifold:
    """The head's metal and the band, cut to the box the shortest and the longest arch lie in, AROUND_MM wider: the
    faces an arch's reading can land on are all inside it (the reading that matters is under ARCH_CLEAR_MM), and
    each arch tried is joined to that piece, not to the whole ring (2.5 times quicker where many are tried, the same
    arch chosen on every shape, profile and size of the matrix)."""
    boxes = np.array([np.asarray(union(_arches(top, form, girdle_z, half)).bounding_box()).reshape(2, 3)
                      for half in (min(halves), max(halves))])
    low, high = boxes[:, 0].min(axis=0) - AROUND_MM, boxes[:, 1].max(axis=0) + AROUND_MM
    box = manifold3d.Manifold.cube(tuple(float(v) for v in high - low)).translate(tuple(float(v) for v in low))
    return manifold3d.Manifold.batch_boolean([union([*held.metal, top.solid]), box], manifold3d.OpType.Intersect)


def fitted_half(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> float:
    """The arch length nearest the band's own, shorter first, whose ends keep the casting gap from the head's prongs
    and rail or sink into them (`_narrowest`); the band's own when none does, or when the band is not given (a
    preview is drawn, not cast: it is spared the search)."""
    own = _half(top, form)
    if top.solid is None:
        return own
    shorter = np.arange(own, ARCH_HALF_MIN_MM - 1e-9, -ARCH_HALF_STEP_MM)
    longer = np.arange(own + ARCH_HALF_STEP_MM, own + ARCH_HALF_MORE_MM + 1e-9, ARCH_HALF_STEP_MM)
    halves = [float(half) for half in (*shorter, *longer)]
    around = _around(top, form, girdle_z, held, halves)
    for half in halves:
        if _narrowest(_arches(top, form, girdle_z, half), around, top) >= ARCH_CLEAR_MM:
            return half
    return own


def shoulders(top: BandTop, form: StoneForm, girdle_z: float, held: Parts) -> Parts:
    arches = _arches(top, form, girdle_z, fitted_half(top, form, girdle_z, held))
    return Parts([subtract(union(arches), held.seats)])  # the arches stop at the stone's seat


STYLE = Style(SettingStyle.CATHEDRAL, head, prongs=4, shoulders=shoulders,
              label="Cathedral", hint="arches rise from the band to the stone")
