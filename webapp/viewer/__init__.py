"""The live 3D preview: the browser draws the piece from its GLB with model-viewer.

The viewer (this folder: index.html, viewer.js, viewer.css, and model-viewer with three.js's Draco decoder in
node_modules, installed from the npm registry by scripts/setup.sh) is a Streamlit custom component served by the
app itself: nothing comes from a CDN. The server writes each geometry's GLB once to the app's static folder
(`static/glb/<key>.glb`, Streamlit serves it at `app/static/`), named by `glb.glb_key`, and tells the viewer its
URL and the materials to draw it in. A change of metal or centre stone sends only materials; a new geometry sends
a new URL, which the browser fetches once. Any app server that ran a page has that page's file, so a page that
reconnects to another server behind a load balancer finds its GLB there.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent
MODEL_VIEWER = FRONTEND / "node_modules" / "@google" / "model-viewer" / "dist" / "model-viewer.min.js"
STATIC_DIR = FRONTEND.parent.parent / "static"
GLB_DIR = STATIC_DIR / "glb"
GLB_URL = "../../app/static/glb/"  # from the viewer's page at <base>/component/<name>/index.html
KEEP_FILES = 500  # the static folder keeps this many GLB files, the most recent

PREVIEW_HEIGHT = 520
PHONE_PREVIEW_HEIGHT = 340  # on a phone the piece and the price share the first screen
# The views a person picks, as model-viewer camera orbits (azimuth, polar angle, distance). In the GLB's frame a
# ring stands with its stone up (+Y) and the finger along Z; a pendant hangs in XY facing +Z.
RING_VIEWS = {"3/4": "35deg 62deg auto", "top": "0deg 0deg auto", "side": "90deg 90deg auto",
              "front": "0deg 90deg auto"}
PENDANT_VIEWS = {"3/4": "25deg 75deg auto", "front": "0deg 90deg auto", "side": "90deg 90deg auto"}

STUDIO = FRONTEND / "studio.hdr"  # the light the piece is drawn in (webapp/studio.py), made once per install

_component: Callable | None = None


def installed() -> bool:
    """Whether the viewer's scripts are installed (scripts/setup.sh runs `npm ci` in this folder)."""
    return MODEL_VIEWER.exists()


def views(piece: str) -> list[str]:
    """The views offered for a piece."""
    return list(PENDANT_VIEWS if piece == "pendant" else RING_VIEWS)


def orbit(piece: str, view: str) -> str:
    table = PENDANT_VIEWS if piece == "pendant" else RING_VIEWS
    return table.get(view, next(iter(table.values())))


def preview_height(user_agent: str | None) -> int:
    """The preview's height in pixels: shorter on a phone, so the price and the piece share the first screen."""
    return PHONE_PREVIEW_HEIGHT if user_agent and ("Mobi" in user_agent or "Android" in user_agent) else PREVIEW_HEIGHT


def publish(key: str, make: Callable[[], bytes], folder: Path | None = None) -> str:
    """The URL (relative to the viewer's page) of the GLB named `key`, written by `make()` if this server does not
    have it yet (atomically: a browser never reads half a file); the oldest files beyond KEEP_FILES go."""
    folder = folder or GLB_DIR
    target = folder / f"{key}.glb"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        data = make()
        with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".part", delete=False) as part:
            part.write(data)
        os.replace(part.name, target)
        _prune(folder)
    return GLB_URL + target.name


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.glb"), key=lambda path: path.stat().st_mtime)
    for old in files[:-KEEP_FILES]:
        try:
            old.unlink()
        except OSError:
            pass


def show(*, key: str, url: str, looks: dict, metal: str, piece: str, view: str, camera_key: str, height: int,
         name: str, alt: str, widget_key: str = "preview"):
    """The viewer with the piece: the GLB at `url` (by `key`) drawn in `looks` (materials by name) from the view's
    camera, or the person's own for `camera_key`. Returns what the viewer last reported (a GLB it could not load)."""
    global _component
    if _component is None:
        import streamlit.components.v1 as components

        if not STUDIO.exists():
            from webapp.studio import write_studio_hdr

            write_studio_hdr(STUDIO)

        _component = components.declare_component("piece", path=str(FRONTEND))
    looks_key = hashlib.sha256(json.dumps(looks, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return _component(key=widget_key, default=None, url=url, looks=looks, looksKey=looks_key, metal=metal,
                      orbit=orbit(piece, view), cameraKey=camera_key, height=height, name=name, alt=alt, glb=key)


# How tests and benchmarks find the viewer on a page: its frame, and what `window.configuratorViewer()` in it
# reports (the GLB shown, the materials, the camera).
FRAME_SELECTOR = 'iframe[title="webapp.viewer.piece"]'
