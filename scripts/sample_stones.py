"""Write assets/sample-stones.csv: a demo inventory of plausible loose stones (`python scripts/sample_stones.py`).

Each stone's measurements follow its shape's usual proportions and depth; its carat is the trade formula's weight for
those millimetres (PRODUCT.md) within a few percent, to two decimals, as a report gives it. Report numbers are made up
in the labs' formats (GIA ten digits, IGI "LG" and nine for lab-grown). About a third carry the store's own price (the
shipped grid's, rounded, 12 % under to 8 % over it); the rest are priced from the grid. Seeded: the file comes out the same every time.
"""

from __future__ import annotations

import random
from pathlib import Path

from configurator.design import Cut, Shape, Stone
from configurator.inventory import LooseStone, stone_price, write_csv
from configurator.price_table import PRICE_TABLE, load_price_table
from configurator.shapes import shape_of
from configurator.stones import trade_carat

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "assets" / "sample-stones.csv"
# Depth as a share of the width, as well-cut stones of each shape are (round 61-62 %, fancy shapes 58-68 %).
DEPTH_SHARE = {Shape.ROUND: 0.615, Shape.OVAL: 0.60, Shape.CUSHION: 0.66, Shape.PEAR: 0.60, Shape.MARQUISE: 0.60,
               Shape.PRINCESS: 0.70, Shape.EMERALD: 0.64, Shape.ASSCHER: 0.66, Shape.RADIANT: 0.65,
               Shape.HEART: 0.60, Shape.TRILLION: 0.45, Shape.BAGUETTE: 0.62}
GRADES = ["Excellent", "Excellent", "Excellent", "Very Good", "Very Good", "Good"]
FLUORESCENCE = ["None", "None", "None", "Faint", "Faint", "Medium", "Strong"]
# (count, material, shapes, carats, colours, clarities)
BATCHES = [
    (14, "diamond", [Shape.ROUND], (0.30, 1.60), "DEFGHIJK", ["VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2"]),
    (12, "diamond", [Shape.OVAL, Shape.CUSHION, Shape.PEAR, Shape.PRINCESS, Shape.EMERALD, Shape.RADIANT,
                     Shape.MARQUISE, Shape.ASSCHER, Shape.HEART], (0.40, 1.80), "DEFGHIJ",
     ["VVS2", "VS1", "VS2", "SI1"]),
    (5, "lab-diamond", [Shape.ROUND, Shape.OVAL, Shape.EMERALD], (0.90, 2.60), "DEFG", ["VVS2", "VS1", "VS2"]),
    (3, "sapphire", [Shape.OVAL, Shape.CUSHION], (0.80, 2.20), ["blue", "blue", "pink"], ["eye-clean"]),
    (2, "ruby", [Shape.OVAL], (0.50, 1.20), ["red"], ["eye-clean", "slightly-included"]),
    (2, "emerald", [Shape.EMERALD], (0.70, 1.50), ["green"], ["slightly-included"]),
]


def _stone(shape: Shape, material: str, length: float, ratio: float, depth_share: float) -> Stone:
    cut = Cut.STEP if shape in (Shape.EMERALD, Shape.ASSCHER, Shape.BAGUETTE) else Cut.BRILLIANT
    width = round(length / ratio if shape is not Shape.ROUND else length * 0.995, 2)
    return Stone(shape=shape, cut=cut, material=material, length_mm=round(length, 2), width_mm=width,
                 depth_mm=round(width * depth_share, 2))


def make(rng: random.Random, number: int, material: str, shape: Shape, carats, colours, clarities) -> LooseStone:
    rules = shape_of(shape).rules
    low, high = rules.length_to_width_range
    ratio = min(max(rules.length_to_width * rng.uniform(0.96, 1.05), low), high)
    depth_share = DEPTH_SHARE[shape] * rng.uniform(0.97, 1.03)
    target = rng.uniform(*carats)
    shortest, longest = 2.0, 16.0  # the length whose trade weight is the target carat
    for _ in range(40):
        middle = (shortest + longest) / 2
        if trade_carat(_stone(shape, material, middle, ratio, depth_share)) < target:
            shortest = middle
        else:
            longest = middle
    stone = _stone(shape, material, shortest, ratio, depth_share)
    length, width, depth, cut = stone.length_mm, stone.width_mm, stone.depth_mm, stone.cut
    carat = round(trade_carat(stone) * rng.uniform(0.97, 1.03), 2)
    diamond = material in ("diamond", "lab-diamond")
    lab, certificate = None, None
    if material == "lab-diamond":
        lab, certificate = "IGI", f"LG{rng.randrange(10**8, 10**9)}"
    elif diamond and carat >= 0.5:
        lab, certificate = "GIA", str(rng.randrange(10**9, 10**10))
    elif not diamond and carat >= 1.0:
        lab, certificate = "GRS", f"GRS2025-{rng.randrange(10**5, 10**6)}"
    graded = diamond and shape is Shape.ROUND  # labs grade the cut of round brilliants only
    prefix = {"diamond": "D", "lab-diamond": "L"}.get(material, "C")
    record = LooseStone(
        stock_number=f"{prefix}-{24000 + number}", material=material, shape=shape, cut=cut, length_mm=length,
        width_mm=width, depth_mm=depth, carat=carat, color=rng.choice(colours), clarity=rng.choice(clarities),
        cut_grade=rng.choice(GRADES) if graded else None,
        polish=rng.choice(GRADES[:5]) if diamond else None, symmetry=rng.choice(GRADES[:5]) if diamond else None,
        fluorescence=rng.choice(FLUORESCENCE) if diamond else None, lab=lab, certificate=certificate,
        price=None)
    if rng.random() < 0.35:  # the store's own price: the grid's, rounded, a little over or under it
        table = load_price_table(PRICE_TABLE)
        own = round(stone_price(record, table)[0] * rng.uniform(0.88, 1.08), -1)
        record = record.model_copy(update={"price": own})
    return record


def sample() -> list[LooseStone]:
    rng = random.Random(16)
    stones, number = [], 1
    for count, material, shapes, lengths, colours, clarities in BATCHES:
        for index in range(count):
            stones.append(make(rng, number, material, shapes[index % len(shapes)], lengths, colours, clarities))
            number += 1
    return stones


if __name__ == "__main__":
    TARGET.write_text(write_csv(sample()), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(sample())} stones)")
