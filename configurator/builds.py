"""The geometry cache: a design built at export resolution and its walls scanned, each once per geometry and shared
by every caller (the app's sessions, the check, the quote, the files), the most recently used kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from .design import Design
from .geometry import Model, build, dressed, geometry_key

if TYPE_CHECKING:
    from .walls import Scan

CACHED_GEOMETRIES = 32
_models: OrderedDict[str, Model] = OrderedDict()
_scans: OrderedDict[str, Scan] = OrderedDict()
_lock = threading.Lock()


_making: dict[tuple[int, str], threading.Lock] = {}


def _remembered(cache: OrderedDict, key: str, make):
    """`cache[key]`, made once and kept among the CACHED_GEOMETRIES most recently used. Sessions asking for the same
    key at once wait for the one making it (twenty clients opening one link build it once, not twenty times)."""
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        making = _making.setdefault((id(cache), key), threading.Lock())
    with making:
        with _lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        try:
            value = make()
        finally:
            with _lock:
                _making.pop((id(cache), key), None)
        with _lock:
            cache[key] = value
            while len(cache) > CACHED_GEOMETRIES:
                cache.popitem(last=False)
    return value


def model_of(design: Design) -> Model:
    """The design built at export resolution. Designs of the same geometry (another metal, colour, clarity,
    stone material) share one build."""
    base = _remembered(_models, geometry_key(design), lambda: build(design))
    return dressed(base, design)


def scan_of(design: Design, model: Model | None = None) -> Scan:
    """The metal's thickness and gaps measured on the mesh, once per geometry (the check's slow part). Given a
    `model` other than the design's remembered export build (another resolution, a test's), it is scanned afresh."""
    from .walls import scan  # ray casting: only where the metal is measured, never to price it

    key = geometry_key(design)
    with _lock:
        remembered = _models.get(key)
    if model is not None and (remembered is None or model.metal is not remembered.metal):
        return scan(model.metal, model.stones)
    return _remembered(_scans, key, lambda: scan(model_of(design).metal, model_of(design).stones))
