"""Block-at-a-time scoring gives exactly Whoosh's matches and scores; pair terms
give exactly the phrase's matches; the archive's common words live in the index."""

from __future__ import annotations

import pickle
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import writing
from whoosh.query.terms import MultiTerm

from bench import corpus
from index.store import Store
from index.whoosh.analysis import COMMON_WORDS, PairsAnalyzer
from index.whoosh.columns import column_values
from index.whoosh.compile import with_pairs
from index.whoosh.schema import chapter_docs, make_schema
from index.whoosh.scoring import score_all
from index.whoosh.writer import INDEX_NAME, Indexer
from tests.searching import search
from tests.searching import whoosh_query as parse_query

WORKS = corpus.generate(60, seed=3, max_words=1500)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """60 generated works; then 10 re-added in a second segment, so the first has deletions."""
    root = tmp_path_factory.mktemp("scoring")
    with Store(root) as store:
        for w in WORKS:
            store.save_work(w)
    indexer = Indexer(root)
    indexer.rebuild(WORKS)
    ix = indexer.open()
    writer = writing.SegmentWriter(ix, compound=False)
    for w in WORKS[:10]:
        writer.delete_by_term("work_id", w.id)
        for doc in chapter_docs(w):
            writer.add_document(**doc)
    writer.commit(merge=False)
    ix.close()
    return root


@pytest.fixture(scope="module")
def searcher(archive):
    ix = Indexer(archive).open(create=False)
    with ix.searcher() as s:
        yield s
    ix.close()


def whoosh_scores(searcher, q) -> dict[int, float]:
    return {docnum: score for score, docnum in searcher.search(q, limit=None).top_n}


def assert_same(searcher, text: str, filters=None) -> None:
    """The same documents as Whoosh, with the same scores (prefixes and wildcards
    score a constant here: Whoosh's scores for them depend on the index's size)."""
    plain = parse_query(text, searcher.schema, filters, pairs=False)
    for q in (plain, with_pairs(plain, searcher.schema)):
        expected, got = whoosh_scores(searcher, q), score_all(searcher, q)
        assert got.keys() == expected.keys(), text
        if any(isinstance(node, MultiTerm) for node in q.leaves()):
            continue
        for d, score in expected.items():
            assert got[d] == pytest.approx(score, rel=1e-9, abs=1e-12), (text, d)


def test_the_index_under_test_has_segments_and_deletions(searcher):
    leaves = searcher.leaf_searchers()
    assert len(leaves) >= 2
    assert any(sub.reader().has_deletions() for sub, _ in leaves)


def vocabulary() -> list[str]:
    rng = random.Random(5)
    words = [w for work in WORKS for ch in work.chapters for w in ch.text.lower().split()]
    words = [w.strip(".,;:!?\"'") for w in words]
    return sorted({w for w in rng.sample(words, 400) if w.isalpha()})


VOCAB = vocabulary()
NAMES = [f"{a} {b}" for a in corpus.FIRST[:4] for b in corpus.LAST[:4]]


@pytest.mark.parametrize(
    "text, filters",
    [
        ("the", None),
        ('"the end"', None),
        ("the NOT and", None),
        ("NOT the", None),
        (f"{VOCAB[0]} OR {VOCAB[1]}", None),
        (f"({VOCAB[2]} OR {VOCAB[3]}) NOT {VOCAB[4]}", None),
        (f'"{VOCAB[5]} the"', None),
        ("words:>1000 the", None),
        ("chapters:1", None),
        ("updated:2020", None),
        ("th*", None),
        ("title:the", None),
        ("", {"character": [NAMES[0]]}),
        ("the", {"character": [NAMES[1]], "complete": ["yes"]}),
        ("", {"words": [">2000"], "rating": ["teen"]}),
        ("status:complete -the", None),
        (f'"{VOCAB[6]} {VOCAB[7]}" {VOCAB[8]}', None),  # a phrase in an Or, inside an And
        (f'{VOCAB[9]} -"{VOCAB[10]} the"', None),
    ],
)
def test_scores_are_whooshs(searcher, text, filters):
    assert_same(searcher, text, filters)


OPS = st.sampled_from([" ", " OR ", " NOT "])


WORD = st.sampled_from(VOCAB + ["the", "and", "of"])
TERM = st.one_of(WORD, st.builds(lambda a, b: f'"{a} {b}"', WORD, WORD))


@st.composite
def queries(draw) -> str:
    """Words and phrases joined by AND (a space), OR or NOT, maybe in parentheses."""
    terms = draw(st.lists(TERM, min_size=1, max_size=4))
    text = terms[0]
    for term in terms[1:]:
        text += draw(OPS) + term
    if draw(st.booleans()):
        text = f"({text}) {draw(TERM)}"
    return text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=queries())
def test_scores_are_whooshs_for_any_boolean_query(searcher, text):
    assert_same(searcher, text)


def phrases_from_the_works() -> list[tuple[str, str]]:
    """(field, two or three adjacent words) from titles, summaries, tags, names and text."""
    rng = random.Random(9)
    found = []
    for w in WORKS[:30]:
        for field, value in (
            ("title", w.meta.title),
            ("summary", w.summary),
            ("characters", " ".join(w.meta.characters)),
            ("tags", " ".join(w.meta.tags)),
            ("body", w.chapters[0].text),
        ):
            words = value.split()
            if len(words) >= 3:
                i = rng.randrange(len(words) - 2)
                found.append((field, " ".join(words[i : i + rng.choice((2, 3))])))
    return found


@pytest.mark.parametrize("field, phrase", phrases_from_the_works())
def test_pair_terms_find_exactly_what_the_phrase_finds(searcher, field, phrase):
    """A phrase answered from pair terms matches the same chapters as Whoosh's phrase."""
    phrase = phrase.replace('"', "")
    text = f'{field}:"{phrase}"'
    plain = parse_query(text, searcher.schema, pairs=False)
    paired = with_pairs(plain, searcher.schema)
    if field != "body":  # body phrases are paired only where they hold a common word
        assert paired != plain, "a phrase of these fields is answered from pair terms"
    expected = set(whoosh_scores(searcher, plain))
    assert expected, "the phrase is in the works it was taken from"
    assert set(score_all(searcher, paired)) == expected


def test_a_title_phrase_of_common_words_is_one_term(searcher):
    q = with_pairs(parse_query('"the of"', searcher.schema, pairs=False), searcher.schema)
    fields = {f for f, _ in q.iter_all_terms()}
    assert "meta_pairs" in fields and "body_pairs" in fields
    assert "title" not in fields and "body" not in fields


def test_columns_read_in_bulk_equal_document_by_document(searcher):
    docs = list(score_all(searcher, parse_query("the", searcher.schema)))
    column = searcher.reader().column_reader("work_id", translate=False)
    many = column_values(searcher, "work_id", docs * 40)  # over the bulk threshold
    few = column_values(searcher, "work_id", docs[:5])
    assert {d: many[d] for d in docs} == {d: column[d] for d in docs}
    assert few == {d: column[d] for d in docs[:5]}


def test_search_groups_chapters_by_work_best_first(archive):
    with Store(archive) as store:
        result = search(archive, "the", limit=100, store=store)
    assert result.total == len(WORKS)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    for hit in result.hits:
        chapters = hit.chapters
        assert chapters == sorted(chapters) and len(set(chapters)) == len(chapters)
        assert len(chapters) == len(next(w for w in WORKS if w.id == hit.id).chapters)


# --- the common words belong to the index ----------------------------------------


def test_queries_pair_phrases_with_the_common_words_saved_in_the_index(tmp_path):
    """The common words are part of the saved schema: an index made with other ones
    (an older or newer ficarchive) is still queried exactly as it was paired."""
    works = corpus.generate(20, seed=4, max_words=900)
    for w in works:
        w.chapters[0].blocks[0].text = "Quillon Vantaar looked up. " + w.chapters[0].blocks[0].text
    indexer = Indexer(tmp_path)
    indexer.open(schema=make_schema(COMMON_WORDS | {"quillon"})).close()
    indexer.update(works)
    ix = indexer.open(create=False)
    try:
        assert "quillon" in ix.schema["body_pairs"].analyzer.common
        q = with_pairs(parse_query('"quillon vantaar"', ix.schema, pairs=False), ix.schema)
        assert ("body_pairs", "quillon\u2423vantaar") in set(q.iter_all_terms())
    finally:
        ix.close()
    assert search(tmp_path, '"quillon vantaar"', limit=50).total == len(works)
    assert search(tmp_path, '"vantaar quillon"', limit=50).total == 0


def test_the_stem_memo_is_not_saved_in_the_table_of_contents(tmp_path):
    analyzer = PairsAnalyzer(COMMON_WORDS | {"zorblax"})
    list(analyzer("a long text with many different words " * 50))
    assert analyzer.__getstate__() == {"common": analyzer.common}  # no memo in it
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer and vars(copy) == {"common": analyzer.common}
    assert "zorblax" in copy.common
    Indexer(tmp_path).rebuild(corpus.generate(20, seed=2, max_words=900))
    toc = next((tmp_path / "index").glob(f"_{INDEX_NAME}_*.toc"))
    assert toc.stat().st_size < 200_000
