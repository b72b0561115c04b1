"""What the Design page shows of a design, computed once and cached by the design: the quote, the check's findings,
the budget's suggestions, the ways to make an engraving fit."""

from __future__ import annotations

import json

import streamlit as st

from configurator.budget import fit
from configurator.builds import model_of
from configurator.checks import check
from configurator.documents import loads_design
from configurator.quotes import quote_summary
from configurator.storage import StorageError
from configurator.summary import QuoteSummary
from webapp import form
from webapp.database import inventory, stock_list, this_minute


@st.cache_data(max_entries=256, show_spinner=False)
def priced(design_json: str, prices: str) -> QuoteSummary:
    """The quote; `prices` (the price table's stamp) keys the cache so a store's edit shows at once. The cache
    keeps it pickled: each rerun reads its own copy."""
    return quote_summary(loads_design(design_json))


@st.cache_data(max_entries=256, show_spinner=False)
def findings(design_json: str) -> list[dict]:
    design = loads_design(design_json)
    return [finding.to_dict() for finding in check(design, model_of(design))]


@st.cache_data(max_entries=64, show_spinner=False)
def budget_changes(design_json: str, budget: float, prices: str) -> list[dict]:
    """The budget's suggestions; `prices` (the price table's and the inventory's stamps) keys the cache. The store's
    available stones are proposed too."""
    design = loads_design(design_json)
    try:
        available = [record for record in stock_list(inventory().stamp(), this_minute()) if record.available]
    except StorageError:
        available = []  # the suggestions of the grid still help
    return [suggestion.to_dict() for suggestion in fit(design, budget, selection=available)]


@st.cache_data(max_entries=32, show_spinner=False)
def engraving_ways_for(doc_json: str, text: str, draft_json: str) -> list[tuple[str, dict]]:
    """The ways to make a text fit that does not (`form.engraving_ways`: a hundred designs tried), found once for a
    design, text and choice: a refusal stands across the runs other controls make."""
    return form.engraving_ways(json.loads(doc_json), text, json.loads(draft_json))

