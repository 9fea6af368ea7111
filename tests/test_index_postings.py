"""A posting block's ids and weights read without its positions equal Whoosh's own read,
and the documents attribution finds with them are the ones Whoosh's matcher finds."""

from __future__ import annotations

import random

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import Or, Term

from crawler.models import Block, Chapter, Work, WorkMeta
from index.whoosh import postings
from index.whoosh.attribution import matching
from index.whoosh.scoring import along
from index.whoosh.writer import Indexer

WORDS = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far", "tea", "rain"]


def work(i: int, rng: random.Random) -> Work:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 400)))
    chapters = [Chapter(1, "One", [Block("paragraph", text)])]
    meta = WorkMeta(title=f"Work {i}", authors=["Writer"], tags=["Fluff"])
    return Work(f"ao3:{i}", "ao3", f"https://example.org/{i}", meta, "", [], chapters)


def test_ids_and_weights_equal_whooshs_read(tmp_path):
    rng = random.Random(4)
    Indexer(tmp_path).update([work(i, rng) for i in range(300)])  # several blocks a term
    ix = Indexer(tmp_path).open(create=False)
    blocks = 0
    body_blocks = short = 0
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field in ("body", "title", "tags", "body_pairs"):
            fmt = searcher.schema[field].format
            for text in list(reader.lexicon(field)):
                ours = reader._terms.matcher(field, text, fmt)
                theirs = reader._terms.matcher(field, text, fmt)
                if not isinstance(ours, W3LeafMatcher):
                    continue
                while ours.is_active():
                    if field == "body":
                        short += postings._head(ours) is not None
                        body_blocks += 1
                    postings.read_block(ours)
                    theirs._read_ids()
                    theirs._read_weights()
                    assert tuple(ours._ids) == tuple(theirs._ids), (field, text)
                    assert list(ours._weights) == list(theirs._weights), (field, text)
                    assert ours._values is None  # the positions were not read
                    blocks += 1
                    ours._next_block()
                    theirs._next_block()
                assert not theirs.is_active()
    ix.close()
    assert blocks > 20
    assert body_blocks > 12
    assert short == body_blocks  # every block of the text took the short read


def test_attribution_finds_the_documents_whooshs_matcher_finds(tmp_path):
    rng = random.Random(5)
    works = [work(i, rng) for i in range(300)]
    indexer = Indexer(tmp_path)
    indexer.update(works[:200])
    indexer.update(works[200:])  # two segments
    indexer.update(works[:20])  # and deleted documents
    ix = indexer.open(create=False)
    with ix.searcher() as searcher:
        live = list(searcher.reader().all_doc_ids())
        for query in [Term("body", "the"), Term("body", "rain"), Term("body", "absent")]:
            for k in (1, 5, 60, len(live)):
                docs = rng.sample(live, min(k, len(live)))
                theirs = set(along(query.matcher(searcher), docs))
                assert matching(searcher, query, docs) == theirs, (query, k)
        either = Or([Term("body", "rain"), Term("chapter_title", "one"), Term("title", "work")])
        assert matching(searcher, either, live) == set(along(either.matcher(searcher), live))
    ix.close()
