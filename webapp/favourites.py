"""The visitor's favourites: designs starred as she goes (in the shop, the variants the consultant pins while they
explore: "try platinum" keeps the first), kept in her session, and with her saved designs once she has an access
code (`configurator.favourites`): held by her code and her browser, so they are there when she comes back with
either, and are no one else's."""

from __future__ import annotations

import streamlit as st

from configurator.favourites import MAX_FAVOURITES, Favourite, Favourites, favourite, favourite_key
from configurator.storage import StorageError, Visitor
from webapp.database import store
from webapp.visitors import visitor

KEY = "favourites"  # the session's favourites, the first starred first
KEPT = "favourites_kept"  # whether they are kept in the database too (she has a code, or her browser kept some)


def _kept() -> Favourites:
    return Favourites(store())


def favourites() -> list[Favourite]:
    """The session's favourites. On the session's first call, those her browser kept before are joined in (a
    browser that kept favourites goes on keeping them)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = []
        st.session_state[KEPT] = False
        own = visitor().owner_hash
        if own:
            try:
                found = _kept().list(Visitor(own))
            except StorageError:
                found = []
            if found:
                st.session_state[KEY] = found
                st.session_state[KEPT] = True
    return st.session_state[KEY]


def key_of(design_json: str) -> str:
    """The key a design (canonical JSON) has as a favourite."""
    return favourite_key(design_json)


def keys() -> set[str]:
    return {item.key for item in favourites()}


def keeps() -> bool:
    """Whether her favourites are kept in the database too (she has a code, or her browser kept some)."""
    return bool(st.session_state.get("codes")) or bool(st.session_state.get(KEPT))


def _merge(found: list[Favourite]) -> None:
    mine = {item.key: item for item in favourites()}
    for item in found:
        mine.setdefault(item.key, item)
    st.session_state[KEY] = sorted(mine.values(), key=lambda item: (item.starred_at, item.key))


def star(design_json: str) -> str | None:
    """Star the design; what went wrong in words, or None."""
    item = favourite(design_json)
    if item.key in keys():
        return None
    if len(favourites()) >= MAX_FAVOURITES:
        return f"You keep {MAX_FAVOURITES} favourites already: remove one (on Favourites) to add another."
    favourites().append(item)
    if keeps():
        try:
            _merge(_kept().star(visitor(), item.design_json))
        except StorageError as exc:
            return f"Starred for this visit, but not kept for the next one ({exc})."
    return None


def unstar(key: str) -> None:
    st.session_state[KEY] = [item for item in favourites() if item.key != key]
    if keeps():
        try:
            _kept().unstar(visitor(), key)
        except StorageError as exc:
            st.session_state.problem = f"Removed for this visit; it could not be removed for the next one ({exc})."


def on_code() -> str | None:
    """She has a code now (a design saved, or opened with its code): her favourites of this visit are kept with it,
    and those kept with it before join this visit's. What went wrong, in words, or None."""
    favourites()
    try:
        found = _kept().keep(visitor(), favourites())
    except StorageError as exc:
        return f"Your favourites are kept for this visit only ({exc})."
    st.session_state[KEPT] = True
    _merge(found)
    return None
