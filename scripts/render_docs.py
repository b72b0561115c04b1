"""Render the README's pictures of each piece type into docs/images/ (off-screen, no display needed).

Run from the repository root: `python scripts/render_docs.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
import pyvista as pv
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from configurator import gem_map  # noqa: E402
from configurator.documents import load_design  # noqa: E402
from configurator.geometry import build  # noqa: E402
from configurator.sheet import spec_sheet  # noqa: E402
from configurator.solids import EXPORT  # noqa: E402
from webapp import pictures  # noqa: E402

OUT = ROOT / "docs" / "images"


def scene(design_file: str, camera, size=(900, 700)) -> pv.Plotter:
    """The app's own preview scene of a preset, at export resolution, seen from `camera`."""
    design = load_design(ROOT / "models" / design_file)
    plotter = pictures.plotter(design, build(design, EXPORT), "3/4", size=size)
    plotter.camera_position = camera
    plotter.reset_camera()
    plotter.camera.zoom(1.25)
    return plotter


def sheet_pages(design_file: str, name: str, scale: float = 1.25) -> None:
    """The spec sheet of a preset, its pages side by side in one PNG."""
    pdf = pypdfium2.PdfDocument(spec_sheet(load_design(ROOT / "models" / design_file)))
    pages = [pdf[index].render(scale=scale).to_pil().convert("RGB") for index in range(len(pdf))]
    gap = 16
    sheet = Image.new("RGB", (sum(page.width for page in pages) + gap * (len(pages) + 1), pages[0].height + 2 * gap),
                      (200, 200, 196))
    for index, page in enumerate(pages):
        sheet.paste(page, (gap + index * (page.width + gap), gap))
    sheet.save(OUT / name)
    print(f"wrote {OUT / name}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    ring_view = [(28, -34, 30), (0, 0, 5), (0, 0, 1)]
    shots = {
        "solitaire.png": ("solitaire-ring.json", ring_view, 0),
        "halo-ring.png": ("halo-ring.json", ring_view, 0),
        "channel-ring.png": ("channel-band.json", [(34, -26, 26), (0, 0, 4), (0, 0, 1)], 0),
        "bezel-pendant.png": ("bezel-pendant.json", [(10, -18, 60), (6, 4, 0), (0, 1, 0)], 0),
        "half-eternity.png": ("half-eternity.json", ring_view, 0),
        "three-stone.png": ("three-stone.json", ring_view, 0),
        "side-stone-ring.png": ("side-stone-ring.json", ring_view, 0),
        "milgrain-solitaire.png": ("milgrain-solitaire.json", [(26, -30, 22), (0, 0, 4), (0, 0, 1)], 0),
        "tapered-solitaire.png": ("tapered-solitaire.json", [(36, -22, 14), (0, 0, 3), (0, 0, 1)], 0),
        "bridal-set.png": ("bridal-set.json", [(20, -36, 36), (0, -1.2, 7), (0, 0, 1)], 0),
        # from above the band's back, looking down through it at the inside of the shank, where the text is cut
        "engraved-band.png": ("engraved-band.json", [(0, -17, 16), (0, 0, -6.5), (0, 0.7, 0.7)], 0),
    }
    only = set(sys.argv[1:])  # e.g. `python scripts/render_docs.py half-eternity.png`: just those
    for name, (design_file, camera, _) in shots.items():
        if only and name not in only:
            continue
        plotter = scene(design_file, camera)
        plotter.screenshot(str(OUT / name))
        plotter.close()
        print(f"wrote {OUT / name}")
    if not only or "halo-ring-sheet.png" in only:
        sheet_pages("halo-ring.json", "halo-ring-sheet.png")
    if not only or "gem-map.png" in only:  # the sheet's gem map of the graduated side-stone ring
        gem_map.draw(build(load_design(ROOT / "models" / "side-stone-ring.json"), EXPORT)).save(OUT / "gem-map.png")
        print(f"wrote {OUT / 'gem-map.png'}")


if __name__ == "__main__":
    main()
