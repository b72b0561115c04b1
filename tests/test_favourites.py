"""Favourites in the store's database (SQLite and PostgreSQL): kept by each of a visitor's secrets, read by any of
them and by no one else, one a design, at most MAX_FAVOURITES; and the comparison's rows, marked where designs
differ."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from configurator.compare import side_by_side
from configurator.documents import parse_design
from configurator.favourites import MAX_FAVOURITES, Favourites, FavouritesFull, favourite, favourite_key
from configurator.quotes import quote_summary
from configurator.storage import StorageError, Store, Visitor, secret_hash

MODELS = Path(__file__).resolve().parent.parent / "models"


def preset(name: str, **changes) -> str:
    doc = json.loads((MODELS / f"{name}.json").read_text())
    doc.update(changes)
    return parse_design(doc).to_json()


@pytest.fixture
def kept(backend):
    store = Store.open(backend.url)
    yield Favourites(store)
    store.close()


BROWSER = Visitor(secret_hash("her-browser-token-000000"))
CODE = Visitor(None, (secret_hash("ABCD-EFGH-2345-JKLM"),))
BOTH = Visitor(BROWSER.owner_hash, CODE.code_hashes)


def test_favourites_are_kept_by_each_secret_and_read_by_either(kept):
    first, second = preset("solitaire-ring"), preset("solitaire-ring", metal="platinum-950")
    kept.keep(BOTH, [favourite(first), favourite(second)])
    assert [item.key for item in kept.list(CODE)] == [favourite_key(first), favourite_key(second)]
    assert [item.design_json for item in kept.list(BROWSER)] == [first, second]
    assert kept.list(Visitor(secret_hash("someone-elses-browser-0000"))) == []
    assert kept.list(Visitor(None, (secret_hash("ZZZZ-ZZZZ-ZZZZ-ZZZZ"),))) == [] and kept.list(Visitor()) == []


def test_a_design_is_starred_once_and_unstarred_only_by_its_holder(kept):
    ring = preset("halo-ring")
    kept.star(BOTH, ring)
    assert len(kept.star(BOTH, ring)) == 1  # pressed twice: once
    stranger = Visitor(secret_hash("someone-elses-browser-0000"))
    assert kept.unstar(stranger, favourite_key(ring)) == 0 and len(kept.list(CODE)) == 1
    assert kept.unstar(BOTH, favourite_key(ring)) == 2  # one row a secret
    assert kept.list(CODE) == []


def test_no_more_than_the_most_and_nothing_written_by_a_refusal(kept):
    designs = [preset("comfort-band", ring={"size": {"system": "US", "value": 3 + index / 4}, "profile": "comfort",
                                            "width_mm": 4.0, "thickness_mm": 1.8}) for index in range(MAX_FAVOURITES)]
    kept.keep(CODE, [favourite(design) for design in designs[:-2]])
    with pytest.raises(FavouritesFull):
        kept.keep(CODE, [favourite(design) for design in designs[-2:]] + [favourite(preset("halo-ring"))])
    assert len(kept.list(CODE)) == MAX_FAVOURITES - 2
    assert len(kept.keep(CODE, [favourite(design) for design in designs[-2:]])) == MAX_FAVOURITES


def test_a_visitor_without_a_secret_keeps_nothing_and_bad_designs_are_refused(kept):
    with pytest.raises(StorageError):
        kept.star(Visitor(), preset("halo-ring"))
    with pytest.raises(StorageError):
        favourite('{"piece": "ring", "metal": "tin"}')


def test_two_servers_starring_the_same_design_at_once_keep_one(kept):
    ring = preset("three-stone")
    barrier = threading.Barrier(6)
    failures = []

    def work() -> None:
        barrier.wait()
        try:
            kept.star(BOTH, ring)
        except Exception as exc:  # noqa: BLE001 - counted below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(kept.list(BOTH)) == 1
    assert kept.unstar(BOTH, favourite_key(ring)) == 2


def test_the_comparison_marks_what_differs():
    designs = [parse_design(json.loads(preset(name, **changes))) for name, changes in
               (("solitaire-ring", {}), ("solitaire-ring", {"metal": "platinum-950"}), ("halo-ring", {}))]
    rows = {row.label: row for row in side_by_side(designs, [quote_summary(design) for design in designs])}
    assert rows["Metal"].values[:2] == ("18k yellow gold", "platinum 950") and rows["Metal"].differs
    assert rows["Total"].differs and rows["Metal weight"].differs
    assert rows["Colour"].values == ("G", "G", "F") and rows["Colour"].differs
    assert rows["Other stones"].values[0] == "none" and rows["Other stones"].values[2].endswith("ct")
    same = side_by_side(designs[:1] * 2, [quote_summary(designs[0])] * 2)
    assert not any(row.differs for row in same)
    with pytest.raises(ValueError):
        side_by_side(designs, [])
