"""The store's sample inventory (assets/sample-stones.csv, 38 stones), as the tests read it."""

from __future__ import annotations

from pathlib import Path

from configurator.inventory import read_csv

SAMPLE = read_csv((Path(__file__).resolve().parents[2] / "assets" / "sample-stones.csv").read_text())
