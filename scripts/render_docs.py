"""Render the README's pictures of each piece type into docs/images/ (off-screen, no display needed).

Run from the repository root: `python scripts/render_docs.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyvista as pv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from configurator.design import load_design  # noqa: E402
from configurator.geometry import build  # noqa: E402
from configurator.solids import EXPORT  # noqa: E402
from webapp import preview  # noqa: E402

OUT = ROOT / "docs" / "images"


def scene(design_file: str, camera, size=(900, 700)) -> pv.Plotter:
    """The app's own preview scene of a preset, at export resolution, seen from `camera`."""
    design = load_design(ROOT / "models" / design_file)
    plotter = preview.plotter(design, build(design, EXPORT), "3/4", size=size)
    plotter.camera_position = camera
    plotter.reset_camera()
    plotter.camera.zoom(1.25)
    return plotter


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    ring_view = [(28, -34, 30), (0, 0, 5), (0, 0, 1)]
    shots = {
        "solitaire.png": ("solitaire-ring.json", ring_view, 0),
        "halo-ring.png": ("halo-ring.json", ring_view, 0),
        "channel-ring.png": ("channel-band.json", [(34, -26, 26), (0, 0, 4), (0, 0, 1)], 0),
        "bezel-pendant.png": ("bezel-pendant.json", [(10, -18, 60), (6, 4, 0), (0, 1, 0)], 0),
    }
    for name, (design_file, camera, _) in shots.items():
        plotter = scene(design_file, camera)
        plotter.screenshot(str(OUT / name))
        plotter.close()
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
