"""The guided way's library pieces and what they cost: every choice picture cold and warm (from the presets, and from a
client's own designs), and the starting points within a few budgets, the first budget cold (a fresh process: nothing
built yet), then each again (remembered) and a budget after another. Figures only, no asserts.

    python -m bench.guided
"""

from __future__ import annotations

import time

BUDGETS = (3000.0, 6000.0, 1500.0, 12000.0, 900.0, 25000.0, 50.0)  # the first in a fresh process; 50: none comes within


def _timed(make):
    start = time.perf_counter()
    value = make()
    return value, time.perf_counter() - start


def _pictures(kind: str, design=None) -> list[float]:
    """Each choice of `kind`'s picture, timed."""
    from configurator import choices

    times = []
    for value in choices.options(kind):
        start = time.perf_counter()
        choices.picture(kind, value, design=design)
        times.append(time.perf_counter() - start)
    return times


def pictures() -> None:
    from configurator import choices
    from configurator.presets import preset

    print(f"{'choice pictures':40} {'cold s':>7} {'slowest s':>10} {'warm ms':>8}")
    for kind in choices.KINDS:
        cold, warm = _pictures(kind), _pictures(kind)
        print(f"  {kind + 's, the presets':38} {sum(cold):7.2f} {max(cold):10.2f} {sum(warm) * 1000:8.2f}")
    for stem in ("halo-ring", "three-stone", "milgrain-solitaire", "bezel-pendant"):
        for kind in choices.KINDS:
            cold = _pictures(kind, preset(stem))
            print(f"  {kind + 's from ' + stem:38} {sum(cold):7.2f} {max(cold):10.2f}")


def starting_points() -> None:
    from configurator.budget import starting_points
    from configurator.presets import presets
    from configurator.price_table import current_price_table

    table = current_price_table()
    chosen = presets()
    print(f"{'starting points':40} {'s':>7}  found (preset: change, total)")
    for index, budget in enumerate(BUDGETS):
        starts, cold = _timed(lambda budget=budget: starting_points(budget, chosen, table))
        _, again = _timed(lambda budget=budget: starting_points(budget, chosen, table))
        said = "; ".join(f"{start.preset}: {start.change}, {start.total:.0f}" for start in starts[:3])
        first = "first, in a fresh process" if index == 0 else "after the budgets above"
        print(f"  {budget:8.0f} {first:29} {cold:7.2f}  {len(starts)}: {said}{'; ...' if len(starts) > 3 else ''}")
        print(f"  {budget:8.0f} {'the same again':29} {again:7.4f}")


def fit_times() -> None:
    """The budget helper on the Design page: each preset with a stone at half its price, its own builds (the geometry
    cache emptied first, so that the starting points above do not lend it theirs)."""
    from configurator import builds
    from configurator.budget import fit
    from configurator.presets import presets
    from configurator.price_table import current_price_table
    from configurator.quotes import price

    table = current_price_table()
    print(f"{'fit, half the price (the Design page)':40} {'s':>7}  suggestions")
    for name, design in presets().items():
        if design.stone is None:
            continue
        budget = round(price(design, table).total / 2, 2)
        builds._models.clear()
        builds._scans.clear()
        found, seconds = _timed(lambda design=design, budget=budget: fit(design, budget, table))
        print(f"  {name[:38]:38} {seconds:7.2f}  {len(found)}")


def main() -> None:
    start = time.perf_counter()
    import configurator.budget  # noqa: F401 - the imports, apart from the figures
    import configurator.choices  # noqa: F401

    print(f"imports {time.perf_counter() - start:.2f} s")
    starting_points()
    pictures()
    fit_times()


if __name__ == "__main__":
    main()
