"""Ships by any name: surname, given name, either order; `/` and `&` kept apart (issue 18)."""

from __future__ import annotations

import pytest

from crawler.models import Block, Chapter, Work, WorkMeta
from index.store import Store
from index.whoosh.names import query_relationship_keys, relationship_keys
from index.whoosh.writer import Indexer
from tests.searching import search


def work(work_id, relationships, characters) -> Work:
    m = WorkMeta(
        title=work_id, authors=["Writer"], relationships=relationships, characters=characters
    )
    ch = [Chapter(1, "", [Block("paragraph", "Tea was had.")])]
    return Work(work_id, "ao3", f"https://example.org/{work_id}", m, "", [], ch)


WORKS = [
    work("ao3:1", ["Sherlock Holmes/John Watson"], ["Sherlock Holmes", "John Watson"]),
    work("ao3:2", ["Sherlock Holmes & John Watson"], ["Sherlock Holmes", "John Watson"]),
    work("ao3:3", ["Elizabeth Bennet/Fitzwilliam Darcy"], ["Elizabeth Bennet"]),
    work("ffn:4", ["Faye V./Spike S."], ["Faye V.", "Spike S."]),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("ships")
    with Store(path) as store:
        for w in WORKS:
            store.save_work(w)
        Indexer(path).update(WORKS)
        yield path, store


def ids(path, store, query="", **filters):
    got = search(path, query, filters={k: [v] for k, v in filters.items()}, store=store)
    return sorted(h.id for h in got.hits)


@pytest.mark.parametrize(
    "query",
    [
        'relationship:"holmes/watson"',
        "relationship:holmes/watson",
        "relationship:Watson/Holmes",
        'ship:"Watson / Sherlock"',
        'relationship:"John Watson/Sherlock Holmes"',
        'relationship:"Watson John/Holmes Sherlock"',
    ],
)
def test_a_romantic_ship_by_surname_given_name_or_either_order(archive, query):
    assert ids(*archive, query) == ["ao3:1"]


def test_the_cli_filter_takes_any_name_form(archive):
    assert ids(*archive, relationship="Holmes/Watson") == ["ao3:1"]
    assert ids(*archive, relationship="Watson/Holmes") == ["ao3:1"]
    assert ids(*archive, relationship="Holmes & Watson") == ["ao3:2"]
    assert ids(*archive, relationship="Elizabeth/Darcy") == ["ao3:3"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('relationship:"Holmes & Watson"', ["ao3:2"]),
        ("relationship:holmes&watson", ["ao3:2"]),
        ('relationship:"Elizabeth/Darcy"', ["ao3:3"]),
        ('relationship:"Darcy/Bennet"', ["ao3:3"]),
        ('relationship:"Faye Valentine/Spike Spiegel"', ["ffn:4"]),
        ('relationship:"Spike/Faye"', ["ffn:4"]),
        ('relationship:"Elizabeth & Darcy"', []),
    ],
)
def test_slash_and_ampersand_stay_apart_quoted_or_not(archive, query, expected):
    assert ids(*archive, query) == expected


def test_keys_are_the_same_in_either_order():
    assert set(relationship_keys("Sherlock Holmes/John Watson")) == set(
        relationship_keys("John Watson/Sherlock Holmes")
    )
    assert query_relationship_keys("Holmes/Watson") == query_relationship_keys("Watson/Holmes")
    assert "holmes/watson" in relationship_keys("Sherlock Holmes/John Watson")
    assert "holmes&watson" not in relationship_keys("Sherlock Holmes/John Watson")
