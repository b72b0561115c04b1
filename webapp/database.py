"""The store's database as every session shares it: the saved designs and the loose stones, and what a quote
depends on besides the design (the price table's stamp, and the stones' when the centre stone is the store's)."""

from __future__ import annotations

import streamlit as st

from configurator.errors import ConfiguratorError
from configurator.inventory import Inventory, StockStone, open_store_with_sample
from configurator.price_table import price_table_stamp
from configurator.storage import Store


@st.cache_resource
def store() -> Store:
    """The saved-designs database, shared by every session (the engine is thread-safe); a new embedded one starts
    with the sample stones."""
    return open_store_with_sample()


def inventory() -> Inventory:
    """The store's loose stones, in the saved designs' database."""
    return Inventory(store())


def this_minute() -> int:
    """A reservation runs out on its own, with no write to say so: lists are kept a minute at most."""
    import time

    return int(time.time() // 60)


@st.cache_data(max_entries=8, show_spinner=False)
def stock_list(stamp: str, minute: int) -> list[StockStone]:
    """Every stone of the inventory; `stamp` (which changes with any stone's record or status) keys the cache."""
    return inventory().list()


def prices_key(design) -> str:
    """What a quote of `design` depends on besides the design: the price table, and the store's stones when its
    centre stone is one of them."""
    try:
        key = price_table_stamp()
        if design.stone is not None and design.stone.stock_number is not None:
            key += f"|stones {inventory().stamp()}"
    except ConfiguratorError:  # the database is busy: the quote itself will say so in one line
        key = "unavailable"
    return key

