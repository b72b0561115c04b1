"""The files the design page offers, each made when its button is pressed and cached by the design.

The workshop's files (the wax patterns, the GLB) pass the same gate as the command line's export
(`configurator.export.gate`): the download buttons are greyed out while the check blocks, and a file asked for
anyway, or whose mesh is not one watertight body, is refused rather than made."""

from __future__ import annotations

import re

import streamlit as st

from configurator import catalogue, glb
from configurator.builds import model_of
from configurator.documents import loads_design
from configurator.export import Format, band_pattern, encode, gate, stones_mesh, wax_pattern
from configurator.sheet import spec_sheet


@st.cache_data(max_entries=32, show_spinner=False)
def wax_file(design_json: str, shrinkage: bool, fmt: str) -> bytes:
    """The metal's wax pattern in `fmt`, scaled for the alloy's shrinkage or not."""
    design = loads_design(design_json)
    model = model_of(design)
    pattern = wax_pattern(model, None if shrinkage else 0.0)
    gate(model, pattern)
    return encode(pattern, Format(fmt), catalogue.metal(design.metal).color_hex)


@st.cache_data(max_entries=32, show_spinner=False)
def band_file(design_json: str, shrinkage: bool) -> bytes:
    """A ring's matching band: its own wax STL, scaled like the ring's."""
    design = loads_design(design_json)
    model = model_of(design)
    pattern = band_pattern(model, None if shrinkage else 0.0)
    gate(model, band=pattern)
    return encode(pattern, Format.STL, catalogue.metal(design.metal).color_hex)


@st.cache_data(max_entries=32, show_spinner=False)
def stones_file(design_json: str) -> bytes | None:
    """The stones at their true size (they do not shrink), for the setter; None for a design without stones."""
    stones = stones_mesh(model_of(loads_design(design_json)))
    return None if stones is None else encode(stones, Format.STL)


@st.cache_data(max_entries=16, show_spinner=False)
def sheet_file(design_json: str, client: str | None, prices: str = "", audience: str = "client",
               code: str | None = None) -> bytes:
    """The sheet for `audience` (client, workshop, store), made when the button is pressed (about 2 s: three
    renders and, but the client's, the export-mesh check); the client's carries her access code when known."""
    return spec_sheet(loads_design(design_json), client=client, audience=audience, code=code)


@st.cache_data(max_entries=32, show_spinner=False)
def glb_file(design_json: str) -> bytes:
    """The GLB download: the same file the viewer draws, in this design's materials."""
    model = model_of(loads_design(design_json))
    gate(model)
    return glb.glb(model)


def download_name(design, suffix: str) -> str:
    """A download's name from the design's: "Anna's band" -> "annas-band-wax-1pct-shrinkage.stl"."""
    words = re.sub(r"['’]", "", design.name or design.piece.value).lower()
    name = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:40]
    return f"{name or 'design'}{suffix}"

