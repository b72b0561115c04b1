"""Render the README's pictures of each piece type into docs/images/ (off-screen, no display needed).

Run from the repository root: `python scripts/render_docs.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyvista as pv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from configurator import catalogue  # noqa: E402
from configurator.design import load_design  # noqa: E402
from configurator.geometry import build, chain_of  # noqa: E402
from configurator.solids import EXPORT  # noqa: E402

OUT = ROOT / "docs" / "images"
BACKGROUND = "#f5f3ef"


def polydata(mesh) -> pv.PolyData:
    faces = np.column_stack([np.full(len(mesh.faces), 3), mesh.faces]).ravel()
    return pv.PolyData(np.asarray(mesh.vertices), faces)


def scene(design_file: str, camera, chain_links: int = 0, size=(900, 700)) -> pv.Plotter:
    design = load_design(ROOT / "models" / design_file)
    model = build(design, EXPORT)
    plotter = pv.Plotter(off_screen=True, window_size=size)
    plotter.background_color = BACKGROUND
    metal = catalogue.metal(design.metal)
    shine = {"smooth_shading": True, "split_sharp_edges": True, "feature_angle": 35, "ambient": 0.2,
             "diffuse": 0.65, "specular": 1.0, "specular_power": 40}
    plotter.add_mesh(polydata(model.metal), color=metal.color_hex, **shine)
    for mesh in model.findings.values():
        plotter.add_mesh(polydata(mesh), color=metal.color_hex, **shine)
    for part in model.stone_parts:
        gem = catalogue.gemstone(part.material)
        plotter.add_mesh(polydata(part.mesh), color=gem.color_hex, opacity=0.85, specular=1.0, specular_power=90,
                         ambient=0.3, diffuse=0.7, show_edges=False)
    if chain_links:
        chain = chain_of(design)
        link_faces = len(chain.faces) // chain.metadata["links"]
        piece = chain.submesh([np.arange(link_faces * chain_links)], append=True)
        top = model.findings["jump-ring"].bounds[1][1]
        piece.apply_translation((-piece.bounds[0][0], top + 1.0, model.plate.thickness / 2))
        piece.apply_transform(_swing())
        plotter.add_mesh(polydata(piece), color=metal.color_hex, **shine)
    plotter.enable_lightkit()
    plotter.camera_position = camera
    plotter.reset_camera()
    plotter.camera.zoom(1.25)
    return plotter


def _swing() -> np.ndarray:
    """Lay a straight run of chain up and away from the bail."""
    import trimesh

    return trimesh.transformations.rotation_matrix(np.radians(70), [0, 0, 1], point=[0, 14, 0])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    ring_view = [(28, -34, 30), (0, 0, 5), (0, 0, 1)]
    shots = {
        "solitaire.png": ("solitaire-ring.json", ring_view, 0),
        "halo-ring.png": ("halo-ring.json", ring_view, 0),
        "channel-ring.png": ("channel-band.json", [(34, -26, 26), (0, 0, 4), (0, 0, 1)], 0),
        "bezel-pendant.png": ("bezel-pendant.json", [(10, -18, 60), (6, 4, 0), (0, 1, 0)], 0),
    }
    for name, (design_file, camera, links) in shots.items():
        plotter = scene(design_file, camera, links)
        plotter.screenshot(str(OUT / name))
        plotter.close()
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
