"""Free words weigh by where they are found, as AO3's search weighs them (issue 18):
title above creators above tags above the summary and the story text."""

from __future__ import annotations

import pytest

from crawler.models import Block, Chapter, Work, WorkMeta
from index.store import Store
from index.whoosh.writer import Indexer
from tests.searching import search

FILL = "The rain came down on the town and the people went about their day. " * 8


def work(number: int, *, title="A Story", authors=("someone",), tags=("Drama",),
         characters=("Jane Doe",), summary="Things happen.", body=FILL) -> Work:  # fmt: skip
    meta = WorkMeta(title=title, authors=list(authors), tags=list(tags),
                    characters=list(characters), fandoms=["Original Work"])  # fmt: skip
    chapters = [Chapter(1, "", [Block("paragraph", body)])]
    return Work(
        f"ao3:{number}", "ao3", f"https://example.org/{number}", meta, summary, [], chapters
    )


# "lantern", once, in a different place of each work (and three times in the text of one)
WORKS = [
    work(1, title="The Lantern Keeper"),
    work(2, authors=["lantern"]),
    work(3, tags=["Lantern"]),
    work(4, characters=["Lantern (Original Character)"]),
    work(5, summary="A lantern, and things happen."),
    work(6, body=FILL + " She lit the lantern. " + FILL),
    work(7, body=FILL + " The lantern. The lantern again. The lantern glowed. " + FILL),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("weighting")
    with Store(path) as store:
        for w in WORKS:
            store.save_work(w)
        Indexer(path).update(WORKS)
        yield path, store


@pytest.mark.parametrize("query", ["lantern", "lantern rain", '"the lantern"'])
def test_title_then_creators_then_tags_then_text(archive, query):
    path, store = archive
    ranked = [h.id for h in search(path, query, store=store, limit=10).hits]
    if query == '"the lantern"':  # a phrase: only the title and the text hold it
        assert ranked[0] == "ao3:1" and set(ranked[1:]) == {"ao3:6", "ao3:7"}
        return
    assert ranked[:2] == ["ao3:1", "ao3:2"]  # the title, then the creator
    assert set(ranked[2:4]) == {"ao3:3", "ao3:4"}  # then the tags (freeform, character)
    assert set(ranked[4:]) == {"ao3:5", "ao3:6", "ao3:7"}  # then summary and story text
