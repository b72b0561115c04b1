"""The configurator in the browser: a thin Streamlit shell over the `configurator` library.

Run with `streamlit run app.py`. Geometry, sizes, prices and checks come from `configurator`; this file only
lays out controls, caches results by the design, and turns meshes into the 3D preview.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import tempfile
import time

import numpy as np
import streamlit as st

from configurator import catalogue, sizes
from configurator.budget import fit
from configurator.checks import Severity, check
from configurator.cli import quote_document
from configurator.design import Design, DesignError, Profile, loads_design, parse_design
from configurator.errors import ConfiguratorError
from configurator.export import Format, encode, wax_pattern
from configurator.geometry import build
from configurator.quotes import model_of
from configurator.solids import PREVIEW

PREVIEW_TIMEOUT_S = 45.0
PREVIEW_SIZE = (720, 520)
BACKGROUND = "#f5f3ef"
VIEWS = {"3/4": "iso", "top": "xy", "side": "yz", "front": "xz"}
DEFAULT_DESIGN = "models/comfort-band.json"

# The preview's export child looks for VTK's WebAssembly build; point it at an empty folder so it never
# tries to download one (the app must work with no internet).
os.environ.setdefault("VTK_WASM_DIR_OVERRIDE", tempfile.mkdtemp(prefix="vtk-wasm-"))


# ---------------------------------------------------------------- cached results, keyed by the design


@st.cache_data(max_entries=256, show_spinner=False)
def priced(design_json: str) -> dict:
    return quote_document(loads_design(design_json))


@st.cache_data(max_entries=256, show_spinner=False)
def findings(design_json: str) -> list[dict]:
    design = loads_design(design_json)
    return [finding.to_dict() | {"line": finding.line()} for finding in check(design, model_of(design))]


@st.cache_data(max_entries=64, show_spinner=False)
def budget_changes(design_json: str, budget: float) -> list[dict]:
    return [suggestion.to_dict() for suggestion in fit(loads_design(design_json), budget)]


@st.cache_data(max_entries=32, show_spinner=False)
def wax_file(design_json: str, shrinkage: bool, fmt: str) -> bytes:
    design = loads_design(design_json)
    model = build(design)
    pattern = wax_pattern(model, None if shrinkage else 0.0)
    return encode(pattern, Format(fmt), catalogue.metal(design.metal).color_hex)


def _export_child(results, plotter) -> None:
    try:
        results.put(("ok", plotter.trame.export_html(filename=None).read()))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never a silent death
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def guarded_trame_html(plotter, timeout: float = PREVIEW_TIMEOUT_S) -> str:
    """stpyvista's trame export in a child process, with a time limit instead of an endless wait."""
    context = multiprocessing.get_context("fork")
    results = context.Queue(maxsize=1)
    child = context.Process(target=_export_child, args=(results, plotter), daemon=True)
    child.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                status, payload = results.get(timeout=0.25)
                break
            except queue.Empty:
                if not child.is_alive():
                    try:
                        status, payload = results.get(timeout=0.5)
                        break
                    except queue.Empty:
                        raise RuntimeError(f"the 3D view exporter stopped (exit code {child.exitcode})") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the 3D view took longer than {timeout:.0f} s") from None
    finally:
        child.join(timeout=2)
        if child.is_alive():
            child.kill()
            child.join()
    if status != "ok":
        raise RuntimeError(f"the 3D view could not be made: {payload}")
    return payload


def _polydata(mesh):
    import pyvista as pv

    faces = np.column_stack([np.full(len(mesh.faces), 3), mesh.faces]).ravel()
    return pv.PolyData(np.asarray(mesh.vertices), faces)


def _plotter(design: Design, view: str):
    import pyvista as pv

    model = build(design, PREVIEW)
    plotter = pv.Plotter(off_screen=True, window_size=PREVIEW_SIZE)
    plotter.background_color = BACKGROUND
    metal = catalogue.metal(design.metal)
    plotter.add_mesh(
        _polydata(model.metal),
        color=metal.color_hex,
        smooth_shading=True,
        split_sharp_edges=True,
        feature_angle=35,
        ambient=0.25,
        diffuse=0.6,
        specular=1.0,
        specular_power=60,
    )
    for stone in model.stones:
        gem = catalogue.gemstone(design.stone.material)
        plotter.add_mesh(_polydata(stone), color=gem.color_hex, opacity=0.75, specular=1.0, specular_power=100)
    plotter.enable_lightkit()
    plotter.camera_position = VIEWS[view]
    if view == "3/4":
        plotter.camera.elevation = 20
        plotter.camera.azimuth = 25
    plotter.reset_camera()
    plotter.camera.zoom(1.15)
    return plotter


@st.cache_data(max_entries=64, show_spinner=False)
def preview_html(design_json: str, view: str) -> str:
    """The self-contained vtk.js page of a design's preview (no internet needed to show it)."""
    return guarded_trame_html(_plotter(loads_design(design_json), view))


def show_preview(design: Design, view: str) -> None:
    """The 3D preview through stpyvista's trame backend, cached by design and view."""
    import pyvista as pv
    import stpyvista  # works only inside a Streamlit run

    html = preview_html(design.to_json(), view)
    # stpyvista exports the plotter it is given; hand it the cached page instead of exporting again.
    stpyvista._trame_html = lambda plotter, **_: (
        getattr(plotter, "_configurator_html", None) or guarded_trame_html(plotter)
    )
    carrier = pv.Plotter(off_screen=True, window_size=PREVIEW_SIZE)
    carrier._configurator_html = html
    stpyvista.stpyvista(carrier, backend="trame", key=f"preview-{view}")


# ---------------------------------------------------------------- the page


def _initial_design() -> dict:
    with open(DEFAULT_DESIGN, encoding="utf-8") as handle:
        return json.load(handle)


def _size_controls(ring: dict) -> dict:
    current = sizes.to_circumference(ring["size"]["system"], ring["size"]["value"])
    systems = [system.value for system in sizes.System]
    system = st.radio(
        "Size system",
        systems,
        index=systems.index(ring["size"]["system"]),
        horizontal=True,
        key="size_system",
        help="US/Canada, UK/Australia (letters), EU (inner circumference in mm, ISO 8653), Japan, Switzerland",
    )
    options = sizes.choices(system)
    wanted = sizes.nearest_choice(system, current)
    value = st.selectbox("Ring size", options, index=options.index(wanted), key=f"size_value_{system}")
    if system != ring["size"]["system"] and value == wanted:
        value_kept = ring["size"]  # only the display system changed: keep the exact size, no drift
        _caption(sizes.RingSize.of(value_kept["system"], value_kept["value"]))
        return value_kept
    parsed: float | str = value if system == "UK" else float(value)
    _caption(sizes.RingSize.of(system, parsed))
    return {"system": system, "value": parsed}


def _caption(size: sizes.RingSize) -> None:
    st.caption(
        " · ".join(f"{name} {label}" for name, label in size.all_systems().items())
        + f" · inner diameter {size.inner_diameter_mm:.2f} mm"
    )


def controls(doc: dict) -> dict:
    """The design form, in the order a consultant talks: piece, metal, band."""
    st.radio("Piece", ["ring"], horizontal=True, key="piece", help="Pendants arrive with the next release")
    metals = catalogue.metals()
    doc["metal"] = st.selectbox(
        "Metal",
        list(metals),
        index=list(metals).index(doc["metal"]),
        format_func=lambda key: metals[key].name,
        key="metal",
        help="The alloy sets the colour, the weight (density) and the metal price",
    )
    ring = doc["ring"]
    st.subheader("Band")
    profiles = [profile.value for profile in Profile]
    ring["profile"] = st.selectbox(
        "Profile",
        profiles,
        index=profiles.index(ring["profile"]),
        key="profile",
        help="Cross-section of the band: comfort (court) is domed inside and out",
    )
    ring["width_mm"] = st.slider(
        "Width (mm)", 1.5, 12.0, float(ring["width_mm"]), 0.1, key="width", help="Along the finger"
    )
    ring["thickness_mm"] = st.slider(
        "Thickness (mm)",
        0.6,
        3.5,
        float(ring["thickness_mm"]),
        0.05,
        key="thickness",
        help="Inside to outside; casting needs at least 1.0-1.2 mm by alloy",
    )
    ring["size"] = _size_controls(ring)
    return doc


def budget_helper(design_json: str, price: dict) -> None:
    """The client's budget, and the single changes that bring the design within it."""
    budget = st.number_input(
        f"Client's budget ({price['currency']})",
        min_value=0.0,
        max_value=10_000_000.0,
        value=0.0,
        step=100.0,
        key="budget",
        help="Leave at 0 for no budget. Each suggestion changes one thing and shows its new price.",
    )
    if budget <= 0:
        return
    if price["total"] <= budget:
        st.success(f"Within budget: {price['currency']} {price['total']:,.2f} of {budget:,.2f}.")
        return
    changes = budget_changes(design_json, budget)
    if not changes:
        st.info("No single change brings this design within the budget.")
        return
    st.table([{"change": change["change"], "price": f"{change['total']:,.2f}"} for change in changes])


def main() -> None:
    st.set_page_config(page_title="Jewelry configurator", page_icon="💍", layout="wide")
    if "design" not in st.session_state:
        st.session_state.design = _initial_design()
    st.title("Design your ring")
    left, right = st.columns([1, 2], gap="large")
    with left:
        doc = controls(json.loads(json.dumps(st.session_state.design)))
    try:
        design = parse_design(doc)
    except DesignError as exc:
        with left:
            st.error(f"This combination cannot be made: {exc}")
        return
    st.session_state.design = design.to_dict()
    design_json = design.to_json()

    with right:
        view = st.radio("View", list(VIEWS), horizontal=True, key="view")
        preview_slot = st.container()  # filled last, so the price never waits for the 3D export
        try:
            quote = priced(design_json)
            issues = findings(design_json)
        except ConfiguratorError as exc:
            st.error(str(exc))
            return
        price = quote["price"]
        st.metric("Price", f"{price['currency']} {price['total']:,.2f}", help=f"Price table of {price['table_date']}")
        cols = st.columns(3)
        cols[0].metric("Metal", f"{quote['metal_grams']:.2f} g")
        cols[1].metric("Volume", f"{quote['metal_volume_mm3']:.0f} mm³")
        cols[2].metric("Inner diameter", f"{quote['inner_diameter_mm']:.2f} mm")
        st.dataframe(
            [{"item": line["item"], "amount": f"{line['amount']:,.2f}"} for line in price["lines"]],
            hide_index=True,
            width="stretch",
        )
        catalogue_price = price["catalogue"]
        st.caption(
            f"The same metal and stones as a mass-produced catalogue piece: {price['currency']} "
            f"{catalogue_price['total']:,.2f} (custom design and finishing add "
            f"{catalogue_price['difference']:,.2f})."
        )
        budget_helper(design_json, price)
        for issue in issues:
            (st.error if issue["severity"] == Severity.BLOCKING.value else st.warning)(
                f"{issue['part']}: {issue['message']} ({issue['value_mm']:.2f} mm, minimum {issue['limit_mm']:.2f} mm). "
                f"Fix: {issue['fix']}."
            )
        if not issues:
            st.success("Ready to cast: the band meets the alloy's minimum thickness.")
        shrink = st.checkbox(
            f"Scale the wax for casting shrinkage ({catalogue.metal(design.metal).shrinkage_pct:g} %)",
            value=True,
            key="shrinkage",
        )
        cols = st.columns(2)
        cols[0].download_button(
            "Download wax STL",
            wax_file(design_json, shrink, "stl"),
            file_name="design-wax.stl",
            mime="model/stl",
            key="download_stl",
            disabled=any(i["severity"] == "blocking" for i in issues),
        )
        cols[1].download_button(
            "Download design JSON", design_json, file_name="design.json", mime="application/json", key="download_json"
        )
    if os.environ.get("CONFIGURATOR_PREVIEW") != "off":  # tests of the logic alone switch it off
        with preview_slot:
            try:
                show_preview(design, view)
            except Exception as exc:  # noqa: BLE001 - the preview must never take the page down
                st.warning(f"The 3D view is not available right now ({exc}). The design and price are unaffected.")


main()
