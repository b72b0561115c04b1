"""What the orders' tests share: a ring made with one of the sample stones, a plain band, a stand-in for the sheet the
client saw, and an order placed from a saved design in a few words."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from configurator.documents import load_design, loads_design, parse_design
from configurator.inventory import Inventory, with_stock_stone
from configurator.orders import Order, Orders
from configurator.storage import StoneHold, Store

from .stones import SAMPLE

MODELS = Path(__file__).resolve().parents[2] / "models"
STONE = next(stone for stone in SAMPLE if stone.stock_number == "D-24001")  # 0.84 ct round G VVS1
BAND = loads_design((MODELS / "comfort-band.json").read_text()).to_json()  # no stone: quick to build and price
PROMISED = dt.date.today() + timedelta(days=40)
TAKEN = dt.date.today()
# What `Orders.approve` keeps as the sheet she saw; the job bag's tests approve with the real client's sheet.
SHEET = b"%PDF-1.4\n% the client's sheet\n%%EOF\n"


@cache
def solitaire_with_stone() -> str:
    """The classic solitaire made with our stone D-24001, as the app saves it (brought to the stone's record)."""
    return with_stock_stone(load_design(MODELS / "solitaire-ring.json"), STONE).to_json()


@cache
def solitaire_in_white() -> str:
    """The same ring in 18k white gold: a change the client asks for after she approved."""
    design = loads_design(solitaire_with_stone()).to_dict()
    design["metal"] = "18k-white"
    return parse_design(design).to_json()


def stock_the_stone(store: Store) -> Inventory:
    inventory = Inventory(store)
    inventory.import_stones([STONE])
    return inventory


def save(store: Store, design_json: str = BAND, client: str = "Ada Lovelace", code: str | None = None,
         hold: bool = False) -> int:
    """A saved design's id; `hold` reserves its stone for it for a week, as a staff save does."""
    stone = StoneHold(STONE.stock_number, datetime.now(UTC) + timedelta(days=7)) if hold else None
    return store.save(client, design_json, access_code=code, hold=stone).id


def place(orders: Orders, saved_id: int, **changes) -> Order:
    """An order from saved design `saved_id`: a deposit of 500 by card today, promised in 40 days, placed by Ann."""
    details = {"promised": PROMISED, "by": "Ann", "deposit": 500.0, "method": "card", "deposit_date": TAKEN,
               "notes": "size 6.5; polish the gallery"} | changes
    return orders.place(saved_id, **details)


def approved(orders: Orders, saved_id: int, **changes) -> Order:
    """An order placed and its version 1 approved in writing (recorded by Ann)."""
    order = place(orders, saved_id, **changes)
    return orders.approve(order.number, order.version.design_hash, "Ada Lovelace", SHEET, recorded_by="Ann")
