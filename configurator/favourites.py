"""Favourites: the designs a client stars as she goes, to weigh them side by side.

A visitor's favourites live in her session. Once she has an access code (she saved a design, or opened one with its
code) they are kept in the store's database too, each held by the hash of every secret she has: her browser's token
and her codes. So they are there when she comes back with the code on another device, or in the same browser, and
are no one else's: a favourite is read, starred and unstarred only through a holder's secret. A design is starred
once however often it is pressed (its key is its content's hash).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .storage import FavouriteRow, StorageError, Store, Visitor, _check_design_json

MAX_FAVOURITES = 24  # a client weighs a handful; more is a list no one compares


class FavouritesFull(StorageError):
    """The visitor already keeps MAX_FAVOURITES: one must go before another comes."""


@dataclass(frozen=True)
class Favourite:
    key: str  # the design's content hash
    design_json: str  # canonical
    starred_at: datetime


def favourite_key(design_json: str) -> str:
    """The key of a design as a favourite: the hash of its canonical text (the same design, the same key)."""
    return hashlib.sha256(design_json.encode("utf-8")).hexdigest()


def favourite(design_json: str, starred_at: datetime | None = None) -> Favourite:
    """A favourite of `design_json` (checked and made canonical, as a saved design is)."""
    canonical = _check_design_json(design_json)
    return Favourite(favourite_key(canonical), canonical, starred_at or datetime.now(UTC))


def holders(visitor: Visitor) -> tuple[str, ...]:
    """The hashes a visitor's favourites are held by: her browser's token's, then her codes'."""
    found = [visitor.owner_hash, *visitor.code_hashes]
    return tuple(dict.fromkeys(holder for holder in found if holder))


def _distinct(rows: Iterable[FavouriteRow]) -> list[Favourite]:
    """One favourite a design, starred when first starred, in the order starred."""
    first: dict[str, Favourite] = {}
    for row in rows:
        if row.design_key not in first or row.starred_at < first[row.design_key].starred_at:
            first[row.design_key] = Favourite(row.design_key, row.design_json, row.starred_at)
    return sorted(first.values(), key=lambda kept: (kept.starred_at, kept.key))


class Favourites:
    """The favourites kept in one store's database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def list(self, visitor: Visitor) -> list[Favourite]:
        """The visitor's favourites, the first starred first; none for a visitor with no secret."""
        held = holders(visitor)
        if not held:
            return []
        with self.store._transaction() as s:
            return _distinct(s.scalars(select(FavouriteRow).where(FavouriteRow.holder_hash.in_(held))))

    def keep(self, visitor: Visitor, kept: Iterable[Favourite]) -> list[Favourite]:
        """Keep `kept` for the visitor, by each of her secrets (those kept already stay as they are); returns her
        favourites. More than MAX_FAVOURITES in all refuses the whole change (FavouritesFull), nothing written."""
        held = holders(visitor)
        if not held:
            raise StorageError("favourites are kept for a visitor with an access code or a browser of her own")
        wanted = {item.key: item for item in kept}
        for attempt in range(3):
            try:
                self._add(held, wanted)
                break
            except StorageError as exc:  # starred at the same moment on another server: it is there now, try again
                if not isinstance(exc.__context__, IntegrityError) or attempt == 2:
                    raise
        return self.list(visitor)

    def _add(self, held: tuple[str, ...], wanted: dict[str, Favourite]) -> None:
        with self.store._transaction(write=True) as s:
            rows = list(s.scalars(select(FavouriteRow).where(FavouriteRow.holder_hash.in_(held))))
            present = {(row.holder_hash, row.design_key) for row in rows}
            if len({row.design_key for row in rows} | set(wanted)) > MAX_FAVOURITES:
                raise FavouritesFull(f"you keep {MAX_FAVOURITES} favourites already: remove one to add another")
            for item in wanted.values():
                for holder in held:
                    if (holder, item.key) not in present:
                        s.add(FavouriteRow(holder_hash=holder, design_key=item.key, design_json=item.design_json,
                                           starred_at=item.starred_at))

    def star(self, visitor: Visitor, design_json: str) -> list[Favourite]:
        """Star one design for the visitor; returns her favourites."""
        return self.keep(visitor, [favourite(design_json)])

    def unstar(self, visitor: Visitor, key: str) -> int:
        """Remove the favourite `key` the visitor holds; the count of rows removed (0: it was not hers)."""
        held = holders(visitor)
        if not held:
            return 0
        with self.store._transaction(write=True) as s:
            result = s.execute(delete(FavouriteRow).where(FavouriteRow.holder_hash.in_(held),
                                                          FavouriteRow.design_key == str(key)))
            return int(result.rowcount or 0)
