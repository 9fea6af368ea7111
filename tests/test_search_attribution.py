"""A chapter is listed only when the match is in it; a metadata match is labelled once.

Every chapter document carries its work's metadata, so a phrase in the summary
once listed every chapter, with snippets that did not hold it (issue 18).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.models import Block, Chapter, Work, WorkMeta
from index.search import MARK_CLOSE, MARK_OPEN
from index.store import Store
from index.whoosh.writer import Indexer
from tests.searching import search


def work(work_id, title, chapters, summary="", **meta) -> Work:
    m = WorkMeta(title=title, authors=meta.pop("authors", ["Writer"]), **meta)
    chs = [
        Chapter(i + 1, "", [Block("paragraph", p) for p in paras])
        for i, paras in enumerate(chapters)
    ]
    return Work(work_id, "ao3", f"https://example.org/{work_id}", m, summary, [], chs)


TRAIN = work(
    "ao3:1",
    "Sleeper",
    [
        ["The station was cold."],
        ["Every night she counted the carriages."],
        ["A train whistled somewhere in the dark."],
    ],
    summary="Nobody sleeps on the night train to Penzance.",
    characters=["Mrs. Hudson", "Mr. Tregarthen"],
    tags=["Mrs. Hudson Being Awesome"],
)
ALSO = work(
    "ao3:2",
    "Returns",
    [["Nothing at all."], ["They took the night train home at last."]],
)


def _index(tmp_path, works):
    store = Store(tmp_path)
    for w in works:
        store.save_work(w)
    Indexer(tmp_path).update(works)
    return store


def _marked(snippet: str) -> list[str]:
    return re.findall(f"{MARK_OPEN}(.*?){MARK_CLOSE}", snippet)


def test_a_phrase_in_the_summary_lists_no_chapter_and_is_labelled_once(tmp_path):
    with _index(tmp_path, [TRAIN, ALSO]) as store:
        result = search(tmp_path, '"night train"', store=store)
    by_id = {h.id: h for h in result.hits}
    sleeper = by_id["ao3:1"]
    assert sleeper.chapters == []
    (match,) = sleeper.matches
    assert (match.chapter, match.source) == (0, "summary")
    assert _marked(match.snippet) == ["night", "train"]
    # the work whose text holds it names that chapter, the phrase in its snippet
    returns = by_id["ao3:2"]
    assert returns.chapters == [2]
    assert "«night train»" in returns.matches[0].snippet


def test_a_phrase_in_the_tags_does_not_show_a_near_miss_from_the_text(tmp_path):
    with _index(tmp_path, [TRAIN]) as store:
        (hit,) = search(tmp_path, '"mrs. hudson"', store=store).hits
    assert hit.chapters == []
    (match,) = hit.matches
    assert match.source in ("tags", "characters")
    assert "Tregarthen" not in match.snippet and "«Mrs»" in match.snippet
    assert hit.to_dict()["matches"] == [
        {"chapter": 0, "snippet": match.snippet, "source": match.source}
    ]


def test_words_split_between_metadata_and_text_list_only_chapters_holding_them(tmp_path):
    with _index(tmp_path, [TRAIN]) as store:
        (hit,) = search(tmp_path, "train whistled", store=store).hits
        assert hit.chapters == [3]
        (title,) = search(tmp_path, "sleeper", store=store).hits
        assert title.chapters == [] and title.matches[0].source == "title"
        assert _marked(title.matches[0].snippet) == ["Sleeper"]


# --- the property: every listed chapter holds the query, and its snippet shows it

VOCAB = ["amber", "birch", "cobalt", "delta", "ember", "fjord", "garnet", "harbor"]
paragraph = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=8).map(" ".join)
chapter = st.lists(paragraph, min_size=1, max_size=3)
generated = st.builds(
    lambda chs, title, summary, tags: work("ao3:7", title, chs, summary=summary, tags=tags),
    st.lists(chapter, min_size=1, max_size=4),
    paragraph,
    paragraph,
    st.lists(st.sampled_from(VOCAB), max_size=2),
)
queries = st.one_of(
    st.sampled_from(VOCAB),
    st.tuples(st.sampled_from(VOCAB), st.sampled_from(VOCAB)).map(" ".join),
    st.tuples(st.sampled_from(VOCAB), st.sampled_from(VOCAB)).map(lambda p: f'"{p[0]} {p[1]}"'),
)


def _holds(text: str, query: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    if query.startswith('"'):
        phrase = query.strip('"').split()
        n = len(phrase)
        return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))
    return all(w in words for w in query.split())


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(w=generated, query=queries)
def test_every_listed_chapter_holds_the_query_and_its_snippet_shows_it(tmp_path_factory, w, query):
    path = tmp_path_factory.mktemp("attr")
    with _index(path, [w]) as store:
        result = search(path, query, store=store, snippets_per_work=10)
    texts = {c.number: c.text for c in w.chapters}
    wanted = set(query.strip('"').split())
    for hit in result.hits:
        for match in hit.matches:
            if match.chapter:
                assert _holds(texts[match.chapter], query), (query, match)
            shown = {w.lower() for m in _marked(match.snippet) for w in m.split()}
            assert shown & wanted, (query, match)
        expected = [n for n, text in texts.items() if _holds(text, query)]
        assert hit.chapters == expected
