"""Write assets/metal-optics.csv: each alloy's glTF base colour (its normal-incidence reflectance F0, linear sRGB),
metalness and roughness, computed from published optical constants (`python3 scripts/metal_optics.py`;
`--check` exits 1 when the file differs from what this computes, `--print` shows the table and the reference metals).

Method (assets/metal-optics.md has the sources and the reasoning):

1. n(lambda) and k(lambda) of the pure metals (assets/metal-optical-constants.csv: Johnson & Christy 1972 for Au, Ag,
   Cu; Johnson & Christy 1974 for Pd; Rakic et al. 1998 (Brendel-Bormann fit) for Pt; Weaver et al. 1977 for Rh),
   interpolated linearly to 380-780 nm every 5 nm.
2. An alloy of gold, silver and copper: its dielectric function is the atomic-fraction-weighted mean of its metals'
   (eps = (n + ik)^2), a model, not a measurement: checked against the measured Au-Ag alloys of Rioux et al. 2014 it
   is within Delta E*ab 6 (assets/metal-optics.md). White golds are drawn as rhodium plating. An alloy whose colour
   has been measured can be given by its CIELAB coordinates instead (Recipe.lab: L*a*b* -> XYZ -> linear sRGB).
3. Normal-incidence reflectance R = |(N - 1) / (N + 1)|^2, N = n + ik, i.e. ((n-1)^2 + k^2) / ((n+1)^2 + k^2).
4. XYZ = sum of R x D65 x CIE 1931 2-degree colour matching functions (assets/cie-1931-d65.csv), normalised so that a
   perfect reflector has Y = 1; then linear sRGB (IEC 61966-2-1 matrix; D65 white, so no adaptation), clipped to
   [0, 1]. CIELAB (D65, 2 degrees) of the unclipped colour is written beside it for comparison with gold-colour
   standards (ISO 8654 measures polished alloys under D65, 2 degrees, specular included).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
TARGET = ASSETS / "metal-optics.csv"
CONSTANTS = ASSETS / "metal-optical-constants.csv"
OBSERVER = ASSETS / "cie-1931-d65.csv"
METALS = ASSETS / "metals.csv"

WAVELENGTHS_NM = np.arange(380.0, 781.0, 5.0)
# XYZ -> linear sRGB, IEC 61966-2-1:1999 (the sRGB standard's own matrix, D65 white point).
XYZ_TO_SRGB = np.array([[3.2406, -1.5372, -0.4986],
                        [-0.9689, 1.8758, 0.0415],
                        [0.0557, -0.2040, 1.0570]])
ATOMIC_WEIGHT = {"Au": 196.967, "Ag": 107.868, "Cu": 63.546}  # g/mol (IUPAC standard atomic weights)
METALLIC = 1.0
# A polished piece (rouge-finished, as the workshop delivers it): mirror-like, but never a perfect mirror. glTF's
# roughness is perceptual (GGX alpha = roughness^2): 0.08 gives alpha 0.0064, so a soft box's reflection keeps a crisp
# edge while the finest polishing lines still spread a highlight a little; 0 would alias in a browser's
# prefiltered environment and look like chrome plating, 0.2 and up reads as satin.
ROUGHNESS = 0.08
DECIMALS = 4
COLUMNS = ["id", "base_color_linear_r", "base_color_linear_g", "base_color_linear_b", "metallic", "roughness",
           "source", "basis", "cielab_l", "cielab_a", "cielab_b"]


@dataclass(frozen=True)
class Recipe:
    """How one alloy's colour is had: from one metal's constants, a blend of Au, Ag and Cu by weight, or (for an
    alloy whose colour has been measured) its published CIELAB coordinates under D65, 2-degree observer."""

    source: str  # a key of assets/metal-optics.md's sources
    metal: str | None = None  # a material of metal-optical-constants.csv, drawn as it is
    weight_pct: tuple[tuple[str, float], ...] = ()  # a blend: (element, wt%) pairs
    lab: tuple[float, float, float] | None = None  # measured L*, a*, b* (D65, 2 degrees, specular included)
    basis: str = ""


def blend(source: str, basis: str, **weight_pct: float) -> Recipe:
    return Recipe(source=source, weight_pct=tuple(weight_pct.items()), basis=basis)


# Every id of assets/metals.csv, and nothing else (the script refuses to write otherwise). Compositions in wt%; where
# an alloy has zinc (22k), the zinc is left out and the rest renormalised (no optical constants are used for it).
RECIPES: dict[str, Recipe] = {
    # Yellow golds: silver and copper in the proportions the sources give; 10k takes 3N's 1:1 (assumed).
    "22k-yellow": blend("jc1972-blend", "Au 91.67 Ag 5 Cu 2 (Zn 1.33 left out)", Au=91.67, Ag=5.0, Cu=2.0),
    "18k-yellow": blend("jc1972-blend", "Au 75 Ag 12.5 Cu 12.5 (ISO 8654 3N)", Au=75.0, Ag=12.5, Cu=12.5),
    "14k-yellow": blend("jc1972-blend", "Au 58.5 Ag 25 Cu 16.5", Au=58.5, Ag=25.0, Cu=16.5),
    "10k-yellow": blend("jc1972-blend", "Au 41.7 Ag 29.15 Cu 29.15 (assumed: Ag:Cu 1:1 as 3N)",
                        Au=41.7, Ag=29.15, Cu=29.15),
    # Rose golds: 18k as the source gives it (Ag 11 %, Cu 89 % of the balance); 14k and 10k the same balance (assumed).
    "18k-rose": blend("jc1972-blend", "Au 75 Ag 2.75 Cu 22.25", Au=75.0, Ag=2.75, Cu=22.25),
    "14k-rose": blend("jc1972-blend", "Au 58.5 Ag 4.6 Cu 36.9 (assumed: 18k rose's Ag:Cu)", Au=58.5, Ag=4.6, Cu=36.9),
    "10k-rose": blend("jc1972-blend", "Au 41.7 Ag 6.4 Cu 51.9 (assumed: 18k rose's Ag:Cu)", Au=41.7, Ag=6.4, Cu=51.9),
    # White golds as sold: rhodium-plated, so what is seen is rhodium (the alloy under it does not show).
    "18k-white": Recipe(source="weaver1977-rh", metal="Rh", basis="rhodium plating"),
    "14k-white": Recipe(source="weaver1977-rh", metal="Rh", basis="rhodium plating"),
    "10k-white": Recipe(source="weaver1977-rh", metal="Rh", basis="rhodium plating"),
    # 950 platinum and palladium: the pure metal (the 5 % of ruthenium, cobalt or iridium is left out).
    "platinum-950": Recipe(source="rakic1998-pt", metal="Pt", basis="Pt (5 % alloying metal left out)"),
    "palladium-950": Recipe(source="jc1974-pd", metal="Pd", basis="Pd (5 % alloying metal left out)"),
    "silver-925": blend("jc1972-blend", "Ag 92.5 Cu 7.5 (sterling)", Ag=92.5, Cu=7.5),
}
# Shown by --print beside the table, not written: the pure metals the alloys are measured against.
REFERENCES: dict[str, Recipe] = {
    "fine gold (24k)": Recipe(source="jc1972", metal="Au", basis="Au"),
    "fine silver": Recipe(source="jc1972", metal="Ag", basis="Ag"),
    "copper": Recipe(source="jc1972", metal="Cu", basis="Cu"),
    "rhodium": Recipe(source="weaver1977-rh", metal="Rh", basis="Rh"),
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def observer() -> np.ndarray:
    """Weights (81 x 3): D65 x CIE 1931 x-bar, y-bar, z-bar at 380..780 nm every 5 nm, scaled so sum(Y) = 1."""
    rows = _read(OBSERVER)
    wavelengths = np.array([float(row["wavelength_nm"]) for row in rows])
    if not np.array_equal(wavelengths, WAVELENGTHS_NM):
        raise ValueError(f"{OBSERVER.name}: expected 380-780 nm every 5 nm")
    cmf = np.array([[float(row[key]) for key in ("x_bar", "y_bar", "z_bar")] for row in rows])
    weights = cmf * np.array([float(row["d65"]) for row in rows])[:, None]
    return weights / weights[:, 1].sum()


def optical_constants() -> dict[str, np.ndarray]:
    """Complex index N = n + ik of each material at WAVELENGTHS_NM (linear interpolation of the tabulated n and k)."""
    table: dict[str, list[tuple[float, float, float]]] = {}
    for row in _read(CONSTANTS):
        table.setdefault(row["material"], []).append((float(row["wavelength_nm"]), float(row["n"]), float(row["k"])))
    result = {}
    for material, rows in table.items():
        data = np.array(sorted(rows))
        if data[0, 0] > WAVELENGTHS_NM[0] or data[-1, 0] < WAVELENGTHS_NM[-1]:
            raise ValueError(f"{CONSTANTS.name}: {material} does not cover 380-780 nm")
        result[material] = (np.interp(WAVELENGTHS_NM, data[:, 0], data[:, 1])
                            + 1j * np.interp(WAVELENGTHS_NM, data[:, 0], data[:, 2]))
    return result


def reflectance(index: np.ndarray) -> np.ndarray:
    """Normal-incidence reflectance of a bulk metal in air: |(N - 1)/(N + 1)|^2."""
    return np.abs((index - 1) / (index + 1)) ** 2


def blended_index(weight_pct: tuple[tuple[str, float], ...], indices: dict[str, np.ndarray]) -> np.ndarray:
    """N of an alloy: the square root (k >= 0) of its metals' dielectric functions averaged by atomic fraction."""
    moles = {element: pct / ATOMIC_WEIGHT[element] for element, pct in weight_pct}
    total = sum(moles.values())
    epsilon = sum(moles[element] / total * indices[element] ** 2 for element in moles)
    index = np.sqrt(epsilon)
    return np.where(index.imag < 0, -index, index)


def spectrum(recipe: Recipe, indices: dict[str, np.ndarray]) -> np.ndarray:
    if recipe.metal is not None:
        return reflectance(indices[recipe.metal])
    return reflectance(blended_index(recipe.weight_pct, indices))


def cielab(xyz: np.ndarray, white: np.ndarray) -> tuple[float, float, float]:
    """CIE 1976 L*a*b* of XYZ relative to the white (ISO/CIE 11664-4)."""
    ratio = xyz / white
    delta = 6 / 29
    f = np.where(ratio > delta ** 3, np.cbrt(ratio), ratio / (3 * delta ** 2) + 4 / 29)
    return float(116 * f[1] - 16), float(500 * (f[0] - f[1])), float(200 * (f[1] - f[2]))


def cielab_to_xyz(lab: tuple[float, float, float], white: np.ndarray) -> np.ndarray:
    """XYZ of CIE 1976 L*a*b* relative to the white (the inverse of `cielab`)."""
    lightness, a, b = lab
    fy = (lightness + 16) / 116
    f = np.array([fy + a / 500, fy, fy - b / 200])
    delta = 6 / 29
    return white * np.where(f > delta, f ** 3, 3 * delta ** 2 * (f - 4 / 29))


def colour(recipe: Recipe, indices: dict[str, np.ndarray], weights: np.ndarray) -> dict[str, float]:
    """The linear sRGB base colour (clipped to [0, 1]) and CIELAB (unclipped) of a recipe's reflectance."""
    white = weights.sum(axis=0)
    xyz = cielab_to_xyz(recipe.lab, white) if recipe.lab is not None else spectrum(recipe, indices) @ weights
    rgb = np.clip(XYZ_TO_SRGB @ xyz, 0.0, 1.0)
    lab = cielab(xyz, white)
    return {"r": float(rgb[0]), "g": float(rgb[1]), "b": float(rgb[2]), "L": lab[0], "a": lab[1], "b*": lab[2]}


def compute_rows() -> list[dict[str, str]]:
    """The rows of metal-optics.csv, in the order of metals.csv, as text."""
    metal_ids = [row["id"] for row in _read(METALS)]
    missing, extra = set(metal_ids) - set(RECIPES), set(RECIPES) - set(metal_ids)
    if missing or extra:
        raise ValueError(f"recipes and metals.csv differ: missing {sorted(missing)}, not in metals.csv {sorted(extra)}")
    indices, weights = optical_constants(), observer()
    rows = []
    for metal_id in metal_ids:
        recipe = RECIPES[metal_id]
        values = colour(recipe, indices, weights)
        rows.append({"id": metal_id,
                     "base_color_linear_r": f"{values['r']:.{DECIMALS}f}",
                     "base_color_linear_g": f"{values['g']:.{DECIMALS}f}",
                     "base_color_linear_b": f"{values['b']:.{DECIMALS}f}",
                     "metallic": f"{METALLIC:.1f}", "roughness": f"{ROUGHNESS:.2f}",
                     "source": recipe.source, "basis": recipe.basis,
                     "cielab_l": f"{values['L']:.1f}", "cielab_a": f"{values['a']:.1f}",
                     "cielab_b": f"{values['b*']:.1f}"})
    return rows


def render(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def differences(expected: list[dict[str, str]], path: Path = TARGET) -> list[str]:
    """What differs between the file and the computed rows (numbers compared to the last written decimal)."""
    try:
        actual = _read(path)
    except OSError as exc:
        return [f"cannot read {path}: {exc.strerror}"]
    found = []
    if len(actual) != len(expected) or (actual and list(actual[0]) != COLUMNS):
        found.append(f"{path.name}: expected columns {COLUMNS} and {len(expected)} rows")
    for have, want in zip(actual, expected, strict=False):
        for column in COLUMNS:
            a, b = have.get(column, ""), want[column]
            try:
                same = abs(float(a) - float(b)) <= 0.6 * 10 ** -DECIMALS
            except ValueError:
                same = a == b
            if not same:
                found.append(f"{want['id']}: {column} is {a!r}, computed {b!r}")
    return found


def print_table(rows: list[dict[str, str]]) -> None:
    indices, weights = optical_constants(), observer()
    print(f"{'id':16} {'r':>7} {'g':>7} {'b':>7}   L*     a*     b*   basis")
    for row in rows:
        print(f"{row['id']:16} {row['base_color_linear_r']:>7} {row['base_color_linear_g']:>7} "
              f"{row['base_color_linear_b']:>7} {row['cielab_l']:>6} {row['cielab_a']:>6} {row['cielab_b']:>6}   "
              f"{row['basis']}")
    print("references (not written):")
    for name, recipe in REFERENCES.items():
        values = colour(recipe, indices, weights)
        print(f"{name:16} {values['r']:7.4f} {values['g']:7.4f} {values['b']:7.4f} {values['L']:6.1f} "
              f"{values['a']:6.1f} {values['b*']:6.1f}   {recipe.source}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if assets/metal-optics.csv differs")
    parser.add_argument("--print", action="store_true", help="print the table and the pure reference metals")
    args = parser.parse_args(argv)
    rows = compute_rows()
    if args.print:
        print_table(rows)
        return 0
    if args.check:
        found = differences(rows)
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    sys.path.insert(0, str(ROOT))
    from configurator.files import write_atomically

    write_atomically({TARGET: render(rows).encode("utf-8")})
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(rows)} metals)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
