"""The works table (index/whoosh/table.py) answers as a Hit per matched work did.

A search page counts facets and sorts through the table; the old path (one Hit per
matched work, searcher._run_hits) stays as the reference. Over generated works in
several segments, with deleted documents and ties on every sort key, both must give
the same page, total and facet counts; and the table must follow the index when a
commit makes a new generation.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from bench import corpus
from crawler.models import Block, Chapter
from index.search import SORTS, SearchRequest
from index.store import Store
from index.whoosh.compile import compile_query, with_pairs
from index.whoosh.schema import SHARED_FIELDS, _shared_fields, chapter_docs
from index.whoosh.scoring import score_all
from index.whoosh.searcher import _run_hits, run
from index.whoosh.table import works_table
from index.whoosh.writer import Indexer
from tests.searching import search


def generated(n: int = 60) -> list:
    works = corpus.generate(n, seed=3, max_words=5000)
    for i, w in enumerate(works):
        if i % 4 == 0:  # ties on every sort key
            w.meta.kudos, w.meta.hits = 3, 40
            w.meta.published = w.meta.updated = "2020-01-01"
            w.meta.title = "Same Title"
        if i % 9 == 0:
            w.meta.fandoms = ["Zebra Fandom", "Apple Fandom"]  # a tie in fandom counts
    return works


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    where = tmp_path_factory.mktemp("table")
    works = generated()
    with Store(where) as store:
        for w in works:
            store.save_work(w)
    indexer = Indexer(where)
    indexer.update(works[:30])  # three segments, and deleted documents in the first
    indexer.update(works[30:])
    indexer.update([dataclasses.replace(w, url=w.url + "?again") for w in works[:8]])
    words = " ".join(b.text for b in works[5].chapters[0].blocks if b.text).lower().split()
    return where, works, [w.strip(".") for w in words]


def both(where, request: SearchRequest):
    """(the table's result, the Hit-per-work result) of one request."""
    ix = Indexer(where).open(create=False)
    try:
        with Store(where) as store, ix.searcher() as searcher:
            tree = request.tree()
            fast = run(searcher, request, tree, store)
            assert works_table(searcher) is not None  # the table path was taken
            plain = compile_query(tree, searcher.schema, pairs=False)
            scores = score_all(searcher, with_pairs(plain, searcher.schema))
            slow = _run_hits(searcher, request, plain, scores, store)
    finally:
        ix.close()
    return fast, slow


def shape(result):
    return (
        result.total,
        [h.to_dict() | {"fields": h.fields} for h in result.hits],
        result.facets,
        result.suggestion,
    )


def test_table_pages_and_facets_equal_a_hit_per_work(archive):
    where, _, words = archive
    queries = ["", words[0], words[3], f'"{words[1]} {words[2]}"', f"{words[0]} NOT {words[4]}"]
    filters = [{}, {"fandom": ["Sherlock Holmes"]}, {"fandom": ["Zebra Fandom"]}]
    checked = 0
    for query, where_filter, sort in itertools.product(queries, filters, SORTS):
        for descending, page, limit in [(None, 1, 7), (None, 2, 7), (False, 1, 5), (True, 9, 5)]:
            request = SearchRequest(
                query=query,
                filters=where_filter,
                sort=sort,
                descending=descending,
                page=page,
                limit=limit,
                facets=True,
            )
            fast, slow = both(where, request)
            assert shape(fast) == shape(slow), request
            checked += bool(fast.hits)
    assert checked > 100  # most requests found something to compare


def test_facet_ties_come_in_the_values_own_order(archive):
    where, works, _ = archive
    found = dict(both(where, SearchRequest(facets=True))[0].facets)
    counts = dict(found["fandoms"])
    assert counts["Apple Fandom"] == counts["Zebra Fandom"]
    assert found["fandoms"] == sorted(found["fandoms"], key=lambda vc: (-vc[1], vc[0]))
    assert sum(n for _, n in found["words"]) == len(works)


def test_the_table_follows_a_new_generation(tmp_path):
    works = generated(12)
    with Store(tmp_path) as store:
        for w in works:
            store.save_work(w)
    Indexer(tmp_path).update(works[:10])
    before = search(tmp_path, facets=True, sort="kudos")
    assert before.total == 10
    assert "Newly Added" not in dict(before.facets["fandoms"])
    added = dataclasses.replace(works[10], meta=dataclasses.replace(works[10].meta))
    added.meta.fandoms, added.meta.kudos = ["Newly Added"], 10**9
    with Store(tmp_path) as store:
        store.save_work(added)
    Indexer(tmp_path).update([added], remove=[works[0].id])
    after = search(tmp_path, facets=True, sort="kudos")
    assert after.total == 10  # one added, one removed
    assert dict(after.facets["fandoms"])["Newly Added"] == 1
    assert after.hits[0].id == added.id
    assert works[0].id not in {h.id for h in search(tmp_path, limit=50).hits}


def test_shared_fields_are_the_ones_every_chapter_gets_alike():
    work = generated(1)[0]
    other = Chapter(2, "Another Part", [Block("paragraph", "other words")])
    docs = list(chapter_docs(dataclasses.replace(work, chapters=[work.chapters[0], other])))
    assert set(_shared_fields(work)) == SHARED_FIELDS
    assert all(docs[0][k] == docs[1][k] for k in SHARED_FIELDS)
    assert docs[0]["body"] != docs[1]["body"]


def test_a_plain_search_reads_only_the_fields_it_shows(tmp_path):
    works = generated(12)
    Indexer(tmp_path).update(works)
    ix = Indexer(tmp_path).open(create=False)
    try:
        with Store(tmp_path) as store, ix.searcher() as searcher:
            request = SearchRequest(limit=3)  # relevance, no facets: what `search` runs
            assert len(run(searcher, request, request.tree(), store).hits) == 3
            table = works_table(searcher)
            assert sum(f is not None for f in table.fields) == 3
            faceted = SearchRequest(limit=3, facets=True)
            assert run(searcher, faceted, faceted.tree(), store).facets["fandoms"]
            assert all(f is not None for f in table.fields)
    finally:
        ix.close()
