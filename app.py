"""The configurator in the browser: a thin Streamlit shell over the `configurator` library.

Run with `streamlit run app.py`. Geometry, sizes, prices, checks and storage come from `configurator`; this file
lays out the controls in the order a consultant talks, caches results by the design, and shows them.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path

import streamlit as st

from configurator import catalogue, sizes
from configurator.budget import fit
from configurator.checks import Severity, check
from configurator.design import (
    DIAMOND_CLARITIES,
    DIAMOND_COLORS,
    STONE_CLARITIES,
    Bail,
    Clasp,
    Cut,
    Design,
    DesignError,
    Outline,
    Profile,
    SettingStyle,
    Shape,
    loads_design,
    parse_design,
)
from configurator.errors import ConfiguratorError
from configurator.export import Format, encode, scene_glb, stones_mesh, wax_pattern
from configurator.geometry import build
from configurator.passwords import verify_password
from configurator.pricing import current_price_table, price_table_stamp, update_price_table
from configurator.quotes import model_of, quote_document
from configurator.share import decode_design, encode_design
from configurator.sheet import spec_sheet
from configurator.solids import PREVIEW
from configurator.stones import modelled_carat
from configurator.storage import StorageError, Store
from webapp import preview

ROOT = Path(__file__).resolve().parent
MODELS = ROOT / "models"
DEFAULT_DESIGN = MODELS / "comfort-band.json"
VIEWS = list(preview.VIEWS)
# Widgets whose state follows the design: cleared when another design is loaded so they show its values.
DESIGN_WIDGETS = (
    "piece", "metal", "profile", "width", "thickness", "size_system", "outline", "pendant_size", "plate_thickness",
    "bail", "clasp", "chain_length", "stone_on", "shape", "cut", "material", "stone_length", "stone_width", "color",
    "clarity", "client_stone", "stone_depth", "style", "prongs", "tips", "engraving", "heirloom_on",
    "heirloom_metal", "heirloom_grams",
)


# ---------------------------------------------------------------- cached results, keyed by the design


@st.cache_data(max_entries=256, show_spinner=False)
def priced(design_json: str, prices: str) -> dict:
    """The quote; `prices` (the price table's stamp) keys the cache so a store's edit shows at once."""
    return quote_document(loads_design(design_json))


@st.cache_data(max_entries=256, show_spinner=False)
def findings(design_json: str) -> list[dict]:
    design = loads_design(design_json)
    return [finding.to_dict() for finding in check(design, model_of(design))]


@st.cache_data(max_entries=64, show_spinner=False)
def budget_changes(design_json: str, budget: float, prices: str) -> list[dict]:
    return [suggestion.to_dict() for suggestion in fit(loads_design(design_json), budget)]


@st.cache_data(max_entries=32, show_spinner=False)
def wax_file(design_json: str, shrinkage: bool, fmt: str) -> bytes:
    design = loads_design(design_json)
    pattern = wax_pattern(model_of(design), None if shrinkage else 0.0)
    return encode(pattern, Format(fmt), catalogue.metal(design.metal).color_hex)


@st.cache_data(max_entries=32, show_spinner=False)
def stones_file(design_json: str) -> bytes | None:
    stones = stones_mesh(model_of(loads_design(design_json)))
    return None if stones is None else encode(stones, Format.STL)


@st.cache_data(max_entries=16, show_spinner=False)
def sheet_file(design_json: str) -> bytes:
    """The spec sheet, made when the button is pressed (about 2 s: three renders and the export-mesh check)."""
    return spec_sheet(loads_design(design_json))


@st.cache_data(max_entries=32, show_spinner=False)
def glb_file(design_json: str) -> bytes:
    return scene_glb(model_of(loads_design(design_json)))


@st.cache_data(max_entries=64, show_spinner=False)
def preview_html(design_json: str, view: str) -> str:
    """The self-contained vtk.js page of a design's preview (no internet needed to show it)."""
    design = loads_design(design_json)
    return preview.guarded_trame_html(preview.plotter(design, build(design, PREVIEW), view))


@st.cache_data(max_entries=128, show_spinner=False)
def stone_carat(stone_json: str) -> float:
    from configurator.design import Stone

    return modelled_carat(Stone.model_validate_json(stone_json))


@st.cache_resource
def store() -> Store:
    """The saved-designs database, shared by every session (the engine is thread-safe)."""
    return Store.open()


# ---------------------------------------------------------------- loading designs


def _preset_names() -> dict[str, Path]:
    presets = {}
    for path in sorted(MODELS.glob("*.json")):
        try:
            presets[json.loads(path.read_text(encoding="utf-8")).get("name") or path.stem] = path
        except (OSError, ValueError):
            continue
    return presets


def load_into_session(doc: dict) -> None:
    """Make `doc` the design on screen: the controls forget their own state and show its values."""
    for key in DESIGN_WIDGETS:
        st.session_state.pop(key, None)
    for key in list(st.session_state):
        if str(key).startswith("size_value_"):
            del st.session_state[key]
    st.session_state.design = doc


def _initial_design() -> dict:
    token = st.query_params.get("design")
    if token:
        try:
            return decode_design(token).to_dict()
        except DesignError as exc:
            st.session_state.link_problem = str(exc)
    return json.loads(DEFAULT_DESIGN.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- controls


def _pick(label: str, options: list, current, key: str, **kwargs):
    index = options.index(current) if current in options else 0
    return st.selectbox(label, options, index=index, key=key, **kwargs)


def _size_controls(ring: dict) -> dict:
    current = sizes.to_circumference(ring["size"]["system"], ring["size"]["value"])
    systems = [system.value for system in sizes.System]
    system = st.radio(
        "Size system", systems, index=systems.index(ring["size"]["system"]), horizontal=True, key="size_system",
        help="US/Canada, UK/Australia (letters), EU (inner circumference in mm, ISO 8653), Japan, Switzerland",
    )
    options = sizes.choices(system)
    wanted = sizes.nearest_choice(system, current)
    value = st.selectbox("Ring size", options, index=options.index(wanted), key=f"size_value_{system}")
    if system != ring["size"]["system"] and value == wanted:
        kept = ring["size"]  # only the display system changed: keep the exact size, no drift
        _size_caption(sizes.RingSize.of(kept["system"], kept["value"]))
        return kept
    parsed: float | str = value if system == "UK" else float(value)
    _size_caption(sizes.RingSize.of(system, parsed))
    return {"system": system, "value": parsed}


def _size_caption(size: sizes.RingSize) -> None:
    st.caption(
        " · ".join(f"{name} {label}" for name, label in size.all_systems().items())
        + f" · inner diameter {size.inner_diameter_mm:.2f} mm"
    )


def band_controls(ring: dict) -> dict:
    st.subheader("Band")
    profiles = [profile.value for profile in Profile]
    ring["profile"] = _pick("Profile", profiles, ring["profile"], "profile",
                            help="Cross-section of the band: comfort (court) is domed inside and out")
    ring["width_mm"] = st.slider("Width (mm)", 1.5, 12.0, float(ring["width_mm"]), 0.1, key="width",
                                 help="Along the finger")
    ring["thickness_mm"] = st.slider("Thickness (mm)", 0.6, 3.5, float(ring["thickness_mm"]), 0.05, key="thickness",
                                     help="Inside to outside; casting needs at least 1.0-1.2 mm by alloy")
    ring["size"] = _size_controls(ring)
    return ring


def pendant_controls(pendant: dict) -> dict:
    st.subheader("Pendant")
    pendant["outline"] = _pick("Outline", [o.value for o in Outline], pendant.get("outline", "round"), "outline",
                               help="The shape of the plate; a teardrop hangs point up")
    pendant["size_mm"] = st.slider("Length (mm)", 8.0, 40.0, float(pendant.get("size_mm", 16.0)), 0.5,
                                   key="pendant_size", help="The plate's length, bail excluded")
    pendant["thickness_mm"] = st.slider("Plate thickness (mm)", 0.8, 3.0, float(pendant.get("thickness_mm", 1.5)),
                                        0.1, key="plate_thickness", help="At least 0.8 mm to cast")
    cols = st.columns(2)
    with cols[0]:
        pendant["bail"] = _pick("Bail", [b.value for b in Bail], pendant.get("bail", "fixed"), "bail",
                                help="Fixed loop, or hinged so the pendant turns to face out")
    with cols[1]:
        pendant["clasp"] = _pick("Clasp", [c.value for c in Clasp], pendant.get("clasp", "lobster"), "clasp",
                                 help="Cast as its own part with the jump ring")
    chain = pendant.get("chain", {}).get("length_mm", 450.0)
    pendant["chain"] = {"length_mm": st.slider("Chain length (mm)", 300.0, 1000.0, float(chain), 10.0,
                                               key="chain_length", help="Clasp included; 450 mm sits at the collarbone")}
    return pendant


def stone_controls(doc: dict) -> None:
    st.subheader("Stone")
    stone = doc.get("stone")
    if not st.checkbox("Centre stone", value=stone is not None, key="stone_on"):
        doc.pop("stone", None)
        doc.pop("setting", None)
        return
    stone = dict(stone or {"shape": "round", "cut": "brilliant", "material": "diamond", "length_mm": 5.0})
    cols = st.columns(2)
    with cols[0]:
        stone["shape"] = _pick("Shape", [s.value for s in Shape], stone.get("shape", "round"), "shape",
                               help="The outline seen from above; pointed shapes point along the finger")
    with cols[1]:
        stone["cut"] = _pick("Cut", [c.value for c in Cut], stone.get("cut", "brilliant"), "cut",
                             help="Brilliant sparkles, step is calm and clear, rose is flat-backed, cabochon domed")
    gems = catalogue.gemstones()  # the materials' names are long: a full row
    stone["material"] = _pick("Material", list(gems), stone.get("material", "diamond"), "material",
                              format_func=lambda key: gems[key].name,
                              help="Density sets the carat weight of a given size")
    gem = catalogue.gemstone(stone["material"])
    stone["length_mm"] = st.slider("Length (mm)", 2.0, 16.0, float(stone.get("length_mm", 5.0)), 0.05,
                                   key="stone_length", help="The longest outline dimension")
    if stone["shape"] in ("round", "asscher"):
        stone.pop("width_mm", None)
    else:
        default = stone.get("width_mm") or stone["length_mm"] / 1.35
        stone["width_mm"] = st.slider("Width (mm)", 1.0, float(stone["length_mm"]), min(float(default),
                                      float(stone["length_mm"])), 0.05, key="stone_width")
    colors = list(DIAMOND_COLORS if gem.is_diamond else gem.colors)
    clarities = list(DIAMOND_CLARITIES if gem.is_diamond else STONE_CLARITIES)
    cols = st.columns(2)
    with cols[0]:
        stone["color"] = _pick("Colour", colors, stone.get("color", "G" if gem.is_diamond else colors[0]), "color",
                               help="Diamonds D (colourless) to Z; other stones by colour name")
    with cols[1]:
        stone["clarity"] = _pick("Clarity", clarities, stone.get("clarity", "VS2" if gem.is_diamond else
                                                                  "eye-clean"), "clarity",
                                 help="Diamonds FL (flawless) to I3; other stones by how clean they look")
    stone["client_supplied"] = st.checkbox("The client's own stone", value=bool(stone.get("client_supplied")),
                                           key="client_stone", help="Measured by the store: no stone cost")
    if stone["client_supplied"]:
        stone["depth_mm"] = st.number_input("Measured depth (mm)", 0.4, 20.0, float(stone.get("depth_mm") or
                                            round(stone["length_mm"] * 0.6, 2)), 0.05, key="stone_depth")
    else:
        stone.pop("depth_mm", None)
    doc["stone"] = stone
    try:
        st.caption(f"{stone_carat(json.dumps(stone)):.2f} ct by its modelled volume")
    except (ValueError, DesignError):
        pass
    setting = dict(doc.get("setting") or {"style": "prong"})
    st.subheader("Setting")
    styles = [s.value for s in SettingStyle]
    setting["style"] = _pick("Style", styles, setting.get("style", "prong"), "style",
                             help="Channel and pavé set accent stones in the shoulders")
    if setting["style"] in ("prong", "halo", "cathedral"):
        cols = st.columns(2)
        with cols[0]:
            setting["prongs"] = _pick("Prongs", [3, 4, 6], setting.get("prongs") or 4, "prongs")
        with cols[1]:
            setting["tips"] = _pick("Tips", ["round", "claw"], setting.get("tips", "round"), "tips")
    else:
        setting.pop("prongs", None)
    doc["setting"] = setting


def extras_controls(doc: dict) -> None:
    with st.expander("Extras: engraving, the client's own metal"):
        text = st.text_input("Engraving", value=(doc.get("engraving") or {}).get("text", ""), max_chars=40,
                             key="engraving", help="Up to 40 characters, charged per character")
        if text.strip():
            doc["engraving"] = {"text": text}
        else:
            doc.pop("engraving", None)
        heirloom = doc.get("heirloom")
        if st.checkbox("Credit the client's own metal", value=heirloom is not None, key="heirloom_on"):
            metals = catalogue.metals()
            doc["heirloom"] = {
                "metal": _pick("Their metal", list(metals), (heirloom or {}).get("metal", "14k-yellow"),
                               "heirloom_metal", format_func=lambda key: metals[key].name),
                "grams": st.number_input("Weight (g)", 0.1, 1000.0, float((heirloom or {}).get("grams", 5.0)), 0.1,
                                         key="heirloom_grams"),
            }
        else:
            doc.pop("heirloom", None)


def controls(doc: dict) -> dict:
    """The design form, in the order a consultant talks: piece, metal, band or pendant, stone, setting, extras."""
    pieces = ["ring", "pendant"]
    doc["piece"] = st.radio("Piece", pieces, index=pieces.index(doc.get("piece", "ring")), horizontal=True,
                            key="piece")
    metals = catalogue.metals()
    doc["metal"] = _pick("Metal", list(metals), doc["metal"], "metal", format_func=lambda key: metals[key].name,
                         help="The alloy sets the colour, the weight (density) and the metal price")
    if doc["piece"] == "ring":
        doc["ring"] = band_controls(dict(doc.get("ring") or json.loads(DEFAULT_DESIGN.read_text())["ring"]))
    else:
        doc["pendant"] = pendant_controls(dict(doc.get("pendant") or {}))
    stone_controls(doc)
    extras_controls(doc)
    return doc


# ---------------------------------------------------------------- results


def price_panel(design_json: str, quote: dict) -> None:
    price = quote["price"]
    st.metric("Price", f"{price['currency']} {price['total']:,.2f}", help=f"Price table of {price['table_date']}")
    cols = st.columns(3)
    cols[0].metric("Metal", f"{quote['metal_grams']:.2f} g")
    cols[1].metric("Volume", f"{quote['metal_volume_mm3']:.0f} mm³")
    if "inner_diameter_mm" in quote:
        cols[2].metric("Inner diameter", f"{quote['inner_diameter_mm']:.2f} mm")
    elif quote["stones"]:
        cols[2].metric("Carats", f"{quote['total_carat']:.2f} ct")
    st.dataframe(
        [{"item": line["item"], "amount": f"{line['amount']:,.2f}"} for line in price["lines"]],
        hide_index=True, width="stretch",
    )
    catalogue_price = price["catalogue"]
    st.caption(
        f"The same metal and stones as a mass-produced catalogue piece: {price['currency']} "
        f"{catalogue_price['total']:,.2f} (custom design and finishing add {catalogue_price['difference']:,.2f})."
    )
    budget_helper(design_json, price)


def budget_helper(design_json: str, price: dict) -> None:
    """The client's budget, and the single changes that bring the design within it."""
    budget = st.number_input(
        f"Client's budget ({price['currency']})", min_value=0.0, max_value=10_000_000.0, value=0.0, step=100.0,
        key="budget", help="Leave at 0 for no budget. Each suggestion changes one thing and shows its new price.",
    )
    if budget <= 0:
        return
    if price["total"] <= budget:
        st.success(f"Within budget: {price['currency']} {price['total']:,.2f} of {budget:,.2f}.")
        return
    changes = budget_changes(design_json, budget, price_table_stamp())
    if not changes:
        st.info("No single change brings this design within the budget.")
        return
    st.table([{"change": change["change"], "price": f"{change['total']:,.2f}"} for change in changes])
    labels = [change["change"] for change in changes]
    chosen = st.selectbox("Try a suggestion", labels, key="suggestion")
    st.button("Apply this change", key="apply_suggestion", on_click=load_into_session,
              args=(changes[labels.index(chosen)]["design"],))


def checks_panel(issues: list[dict]) -> None:
    for issue in issues:
        show = st.error if issue["severity"] == Severity.BLOCKING.value else st.warning
        show(f"{issue['part']}: {issue['message']} ({issue['value_mm']:.2f} mm, minimum {issue['limit_mm']:.2f} mm). "
             f"Fix: {issue['fix']}.")
    if not issues:
        st.success("Ready to cast: walls, gaps, prongs and seats measured on the mesh meet the casting minimums.")


def downloads(design: Design, design_json: str, blocked: bool) -> None:
    shrink = st.checkbox(
        f"Scale the wax for casting shrinkage ({catalogue.metal(design.metal).shrinkage_pct:g} %)", value=True,
        key="shrinkage",
    )
    name = re.sub(r"[^a-z0-9]+", "-", (design.name or "design").lower()).strip("-")[:40] or "design"
    cols = st.columns(3)
    cols[0].download_button("Download wax STL", wax_file(design_json, shrink, "stl"), file_name=f"{name}-wax.stl",
                            mime="model/stl", key="download_stl", disabled=blocked,
                            help="Blocked while the check finds a problem" if blocked else "Binary STL in mm")
    stones = stones_file(design_json) if design.stone is not None else None
    cols[1].download_button("Download stones STL", stones or b"", file_name=f"{name}-stones.stl", mime="model/stl",
                            key="download_stones", disabled=stones is None)
    # OBJ, GLB and the sheet are made when their button is pressed: no run pays for a file nobody asked for.
    cols[2].download_button("Download GLB", functools.partial(glb_file, design_json), file_name=f"{name}.glb",
                            mime="model/gltf-binary", key="download_glb")
    cols = st.columns(3)
    cols[0].download_button("Download OBJ", functools.partial(wax_file, design_json, False, "obj"),
                            file_name=f"{name}.obj",
                            mime="text/plain", key="download_obj")
    cols[1].download_button("Download design JSON", design_json, file_name=f"{name}.json", mime="application/json",
                            key="download_json")
    cols[2].download_button("Download spec sheet (PDF)", functools.partial(sheet_file, design_json),
                            file_name=f"{name}-spec.pdf", mime="application/pdf", key="download_sheet",
                            help="Three views, sizes, weights in every alloy, gem table, check and price")


def share_and_save(design: Design) -> None:
    token = encode_design(design)
    st.query_params["design"] = token  # the address bar always reopens this design
    base = str(getattr(st.context, "url", "") or "").split("?")[0]
    # A keyed input keeps the value it was first drawn with: set its state each run so it follows the design.
    st.session_state["share_link"] = f"{base}?design={token}"
    st.text_input("Share link", key="share_link", help="Opens this same design on another device")
    with st.form("save_form", clear_on_submit=False):
        st.markdown("**Save for the client**")
        client = st.text_input("Client name", max_chars=120, key="client_name")
        title = st.text_input("Title", max_chars=120, key="title", placeholder=design.name or "",
                              help="Left empty, the design's own name is used")
        notes = st.text_area("Notes", max_chars=2000, key="notes")
        if st.form_submit_button("Save design"):
            try:
                picture = preview.thumbnail_png(design, build(design, PREVIEW))
            except Exception:  # noqa: BLE001 - a design is saved even when no picture can be made
                picture = None
            try:
                saved = store().save(client, design.to_json(), title=title or design.name or "", notes=notes,
                                     preview_png=picture)
                st.success(f"Saved as #{saved.id} for {saved.client_name}.")
            except StorageError as exc:
                st.error(str(exc))


def upload_and_presets() -> None:
    with st.expander("Start from a preset, or open a design file"):
        presets = _preset_names()
        cols = st.columns([3, 1])
        chosen = cols[0].selectbox("Preset", list(presets), key="preset")
        cols[1].button("Open", key="open_preset", on_click=load_into_session,
                       args=(json.loads(presets[chosen].read_text(encoding="utf-8")),))
        upload = st.file_uploader("Design file (JSON, up to 256 KiB)", type=["json"], key="upload")
        if upload is not None and st.session_state.get("uploaded_id") != upload.file_id:
            st.session_state.uploaded_id = upload.file_id
            try:
                design = loads_design(upload.getvalue())
            except DesignError as exc:
                st.error(f"That file is not a design this configurator can open: {exc}")
            else:
                load_into_session(design.to_dict())
                st.rerun()


def design_page() -> None:
    if "design" not in st.session_state:
        st.session_state.design = _initial_design()
    if st.session_state.get("link_problem"):
        st.warning(f"The link could not be opened ({st.session_state.pop('link_problem')}); showing a preset.")
    st.title("Design your piece")
    left, right = st.columns([1, 2], gap="large")
    with left:
        upload_and_presets()
        doc = controls(copy.deepcopy(st.session_state.design))
    try:
        design = parse_design(doc)
    except DesignError as exc:
        with left:
            st.error(f"This combination cannot be made: {exc}")
        return
    st.session_state.design = design.to_dict()
    design_json = design.to_json()
    with right:
        view = st.radio("View", VIEWS, horizontal=True, key="view")
        preview_slot = st.container()  # filled last, so the price never waits for the 3D export
        try:
            quote = priced(design_json, price_table_stamp())
            issues = findings(design_json)
        except ConfiguratorError as exc:
            st.error(str(exc))
            return
        price_panel(design_json, quote)
        checks_panel(issues)
        downloads(design, design_json, blocked=any(i["severity"] == "blocking" for i in issues))
        share_and_save(design)
    if os.environ.get("CONFIGURATOR_PREVIEW") != "off":  # tests of the logic alone switch it off
        with preview_slot:
            try:
                preview.show(preview_html(design_json, view), key=f"preview-{view}")
            except Exception as exc:  # noqa: BLE001 - the preview must never take the page down
                st.warning(f"The 3D view is not available right now ({exc}). The design and price are unaffected.")


# ---------------------------------------------------------------- saved designs and store settings


def _load_saved(design_json: str) -> None:
    load_into_session(json.loads(design_json))
    st.session_state.section = "Design"


def saved_page() -> None:
    st.title("Saved designs")
    search = st.text_input("Client", key="search_client", placeholder="Search by client name")
    try:
        rows = store().list(client=search or None)
    except StorageError as exc:
        st.error(str(exc))
        return
    if not rows:
        st.info("No saved designs yet." if not search else f"No saved designs for '{search}'.")
    for row in rows:
        cols = st.columns([1, 3, 1, 1, 1])
        if row.preview_png:
            cols[0].image(row.preview_png, width=96)
        cols[1].markdown(f"**{row.title or 'untitled'}** · {row.client_name}  \n"
                         f"saved {row.updated_at:%Y-%m-%d %H:%M} UTC · #{row.id}")
        if row.notes:
            cols[1].caption(row.notes)
        cols[2].button("Load", key=f"load_{row.id}", on_click=_load_saved, args=(row.design_json,))
        if cols[3].button("Duplicate", key=f"duplicate_{row.id}"):
            store().duplicate(row.id)
            st.rerun()
        if cols[4].button("Delete", key=f"delete_{row.id}"):
            store().delete(row.id)
            st.rerun()


def _password_hash() -> str | None:
    stored = os.environ.get("CONFIGURATOR_STORE_PASSWORD_HASH")
    if stored:
        return stored
    try:
        return st.secrets.get("store_password_hash")
    except Exception:  # noqa: BLE001 - no secrets file is the usual case
        return None


def store_page() -> None:
    st.title("Store settings")
    stored = _password_hash()
    if stored is None:
        st.info("Store settings are locked: set CONFIGURATOR_STORE_PASSWORD_HASH (make one with "
                "`python -m configurator hash-password`) or store_password_hash in Streamlit secrets.")
        return
    if not st.session_state.get("store_unlocked"):
        password = st.text_input("Store password", type="password", key="store_password")
        if st.button("Unlock", key="unlock"):
            if verify_password(password, stored):
                st.session_state.store_unlocked = True
                st.rerun()
            st.error("That password is not right.")
        return
    table = current_price_table()
    st.caption(f"Price table of {table.date.isoformat()} ({table.currency})")
    with st.form("prices_form"):
        changes: dict[str, float] = {}
        cols = st.columns(2)
        changes["markup"] = cols[0].number_input("Markup", 1.0, 10.0, table.markup, 0.05, key="markup")
        changes["catalogue_markup"] = cols[1].number_input("Catalogue markup", 1.0, 10.0, table.catalogue_markup,
                                                           0.05, key="catalogue_markup")
        for metal_id, amount in table.metal_per_gram.items():
            changes[f"metal_per_gram.{metal_id}"] = st.number_input(
                f"{catalogue.metal(metal_id).name} per gram", 0.0, 10_000.0, float(amount), 0.5,
                key=f"price_{metal_id}")
        if st.form_submit_button("Save prices"):
            try:
                saved = update_price_table(changes)
                st.success(f"Prices saved, dated {saved.date.isoformat()}; the next quote uses them.")
            except ConfiguratorError as exc:
                st.error(str(exc))


def main() -> None:
    st.set_page_config(page_title="Jewelry configurator", page_icon="💍", layout="wide")
    sections = {"Design": design_page, "Saved designs": saved_page, "Store settings": store_page}
    section = st.sidebar.radio("Go to", list(sections), key="section")
    sections[section]()


main()
