"""The fast writer (index/whoosh/fastwrite.py) writes the index the plain Whoosh writer writes.

Two indexes from the same generated works, one through `writing.SegmentWriter` and one
through `FastSegmentWriter`, compared term by term: every term, its document frequency
and total weight, every posting (document, weight, positions or frequency), every field
length, stored field and column; and the same search results. Text is drawn with
accents, ligatures, digits, apostrophes and dotted words, so the one-pass analysis
has to agree with Whoosh's filter chain on the odd cases too.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from whoosh import index as windex
from whoosh import writing

from bench import corpus
from crawler.models import Block
from index.whoosh.fastwrite import FastSegmentWriter
from index.whoosh.schema import chapter_docs, make_schema
from index.whoosh.scoring import score_all
from tests.searching import whoosh_query

ODD = [
    "déjà",
    "Vu",
    "naïve",
    "Straße",
    "ﬁnal",
    "œuvre",
    "ÅNGSTRÖM",
    "don't",
    "it's",
    "e.g.",
    "U.S.A.",
    "3.14",
    "42",
    "x_y",
    "İstanbul",
    "ǅemal",
    "ﬀ",
    "café's",
    "Zoë",
    "—",
    "...",
    "running",
    "runs",
    "the",
    "of",
    "THE",
]


def _odd(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 8)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(ODD))
    return " ".join(words)


def works(n: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for w in corpus.generate(n, seed=seed, max_words=1200):
        chapters = [
            dataclasses.replace(
                ch, blocks=[Block(b.type, _odd(rng, b.text)) if b.text else b for b in ch.blocks]
            )
            for ch in w.chapters
        ]
        if rng.random() < 0.1:
            chapters[0] = dataclasses.replace(chapters[0], blocks=[])
        w = dataclasses.replace(w, chapters=chapters, summary=_odd(rng, w.meta.title or "x"))
        w.meta.title = _odd(rng, w.meta.title)
        out.append(w)
    return out


def _build(folder, make_writer, batches) -> None:
    ix = windex.create_in(str(folder), make_schema(), indexname="works")
    for i, (batch, remove) in enumerate(batches):
        writer = make_writer(ix)
        for work_id in remove:
            writer.delete_by_term("work_id", work_id)
        for w in batch:
            if i:
                writer.delete_by_term("work_id", w.id)
            for doc in chapter_docs(w):
                writer.add_document(**doc)
        writer.commit(optimize=i == len(batches) - 1 and i > 0)
    ix.close()


def plain(ix):
    return writing.SegmentWriter(ix, compound=False, limitmb=1)


def fast(ix):
    return FastSegmentWriter(ix, compound=False, limitmb=1)


def _contents(reader) -> dict:
    schema = reader.schema
    terms = {}
    for (fieldname, btext), info in reader:
        m = reader.postings(fieldname, btext)
        fmt = schema[fieldname].format
        postings = []
        while m.is_active():
            value = m.value() or b""
            decoded = fmt.decode_positions(value) if fmt.supports("positions") else value
            postings.append((m.id(), m.weight(), decoded))
            m.next()
        stats = (info.doc_frequency(), info.weight(), info.max_weight())
        bounds = (info.min_length(), info.max_length(), info.min_id(), info.max_id())
        terms[fieldname, btext] = (stats, bounds, postings)
    n = reader.doc_count_all()
    lengths = {
        name: [reader.doc_field_length(d, name) for d in range(n)]
        for name, field in schema.items()
        if field.scorable
    }
    columns = {
        name: list(reader.column_reader(name))
        for name, field in schema.items()
        if field.column_type
    }
    return {
        "terms": terms,
        "lengths": lengths,
        "columns": columns,
        "stored": list(reader.all_stored_fields()),
        "deleted": [d for d in range(n) if reader.is_deleted(d)],
    }


def _compare(tmp_path, batches) -> tuple:
    ref, got = tmp_path / "plain", tmp_path / "fast"
    ref.mkdir()
    got.mkdir()
    _build(ref, plain, batches)
    _build(got, fast, batches)
    a = windex.open_dir(str(ref), indexname="works")
    b = windex.open_dir(str(got), indexname="works")
    return a, b


def _assert_same_index(a, b) -> None:
    with a.reader() as ra, b.reader() as rb:
        ca, cb = _contents(ra), _contents(rb)
    assert ca["terms"].keys() == cb["terms"].keys()
    for key, expected in ca["terms"].items():
        assert cb["terms"][key] == expected, key
    for part in ("lengths", "columns", "stored", "deleted"):
        assert ca[part] == cb[part], part


QUERIES = ["the", "déjà vu", '"of the"', '"said the"', "runn*", "naive OR cafe", "e.g", "42"]


def _assert_same_search(a, b) -> None:
    with a.searcher() as sa, b.searcher() as sb:
        for text in QUERIES:
            q = whoosh_query(text, sa.schema, None)
            ra = [(h.docnum, h.score) for h in sa.search(q, limit=None)]
            rb = [(h.docnum, h.score) for h in sb.search(q, limit=None)]
            assert [d for d, _ in ra] == [d for d, _ in rb], text
            assert [s for _, s in ra] == pytest.approx([s for _, s in rb]), text
            assert score_all(sa, q) == pytest.approx(score_all(sb, q)), text


@pytest.mark.parametrize("seed", [1, 2])
def test_one_commit_is_the_plain_writers_index(tmp_path, seed):
    """One rebuild-like commit; limitmb=1 makes both spill to run files."""
    a, b = _compare(tmp_path, [(works(40, seed), [])])
    try:
        with b.reader() as r:
            # The fast path really inlines singletons (else this proves less than it says).
            assert any(info.is_inlined() for _, info in r)
        _assert_same_index(a, b)
        _assert_same_search(a, b)
    finally:
        a.close()
        b.close()


def test_updates_and_merges_read_inlined_postings_back(tmp_path):
    """Later commits delete, re-add and finally merge segments holding inlined terms."""
    first = works(30, 5)
    again = works(8, 5)  # the same ids and texts: replaced in place
    batches = [(first, []), (again[:4], [first[-1].id]), (works(12, 9)[8:], [first[0].id])]
    a, b = _compare(tmp_path, batches)
    try:
        _assert_same_index(a, b)
        _assert_same_search(a, b)
    finally:
        a.close()
        b.close()


def test_spilled_term_table_and_cut_chunks_are_the_plain_writers_index(tmp_path, monkeypatch):
    """The term table's bookkeeping spilled to its file many times, and run-file chunks
    small enough that common words' postings are cut into pieces: the same index."""
    from index.whoosh import termpool, termtable

    monkeypatch.setattr(termtable, "SPILL", 300)
    monkeypatch.setattr(termpool, "CHUNK", 7)
    a, b = _compare(tmp_path, [(works(30, 3), [])])
    try:
        with b.reader() as r:
            assert sum(1 for _ in r.all_terms()) > 10 * termtable.SPILL
        _assert_same_index(a, b)
        _assert_same_search(a, b)
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("end", ["commit", "cancel"])
def test_the_collector_is_off_while_writing_and_back_after(tmp_path, end):
    """The writer turns Python's cyclic GC off for the build and on again at its end;
    a collector already off (a caller's choice) stays off."""
    import gc

    ix = windex.create_in(str(tmp_path), make_schema(), indexname="works")
    assert gc.isenabled()
    writer = fast(ix)
    assert not gc.isenabled()
    for doc in chapter_docs(works(1, 4)[0]):
        writer.add_document(**doc)
    getattr(writer, end)()
    assert gc.isenabled()
    gc.disable()
    try:
        fast(ix).cancel()
        assert not gc.isenabled()
    finally:
        gc.enable()
        ix.close()
