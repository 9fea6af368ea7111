"""Search over the Whoosh index: chapter hits grouped into one Hit per work.

Chapters are grouped by work through the work_id column, so stored fields are
read once per work shown (or per work matched, to sort or count facets), never
once per matching chapter: a common word matches most chapters.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from dataclasses import replace
from typing import Any

from crawler.errors import QueryError
from index.backend import ChapterTexts
from index.query import Node
from index.search import (
    FACET_FIELDS,
    OVER_BUCKETS,
    WORD_BUCKETS,
    Hit,
    SearchRequest,
    SearchResult,
    word_bucket,
)
from index.whoosh import paging
from index.whoosh.analysis import WORD
from index.whoosh.attribution import attribute
from index.whoosh.columns import column_values
from index.whoosh.compile import compile_query, with_pairs
from index.whoosh.rows import work_fields
from index.whoosh.schema import SEP
from index.whoosh.scoring import score_all
from index.whoosh.snippets import add_note_snippets, add_snippets
from index.whoosh.spelling import as_written, correction
from index.whoosh.table import ranked_facets, works_table


def run(searcher, request: SearchRequest, tree: Node, texts: ChapterTexts) -> SearchResult:
    """One request (its query already parsed to `tree`) against an open Whoosh searcher."""
    schema = searcher.schema  # ix.schema would re-read the table of contents
    plain = compile_query(tree, schema, pairs=False)
    table = works_table(searcher)
    if table is None:
        return _run_hits(
            searcher, request, plain, score_all(searcher, with_pairs(plain, schema)), texts
        )
    if request.facets:  # every matched work's fields
        table.complete(searcher)
    if request.sort != "relevance":  # every work's sort key
        table.ready_to_sort(searcher)
    scores = score_all(searcher, with_pairs(plain, schema), table)
    works = table.works(scores)
    start = max(request.page - 1, 0) * request.limit
    stop = start + request.limit
    if request.sort == "relevance" and request.descending is not False:
        page = paging.ranked(table, scores, stop)[start:stop]
    elif request.sort == "relevance":
        page = paging.ranked(table, scores)[::-1][start:stop]
    else:
        down = request.descending if request.descending is not None else request.sort != "title"
        page = paging.sorted_page(table, scores, works, request.sort, down, start, stop)
    facets = table.facet_counts(works) if request.facets else {}
    if not page:
        suggestion = None if works else suggest(searcher, request, texts)
        return SearchResult(len(works), [], facets, suggestion)
    shown = []
    for w, score, _ in page:
        hit = fill(Hit(table.ids[w], score=score), table.fields_of(searcher, w))
        shown.append((hit, [d for d in table.docs[w] if d in scores]))
    _describe(searcher, shown, plain, request, texts)
    return SearchResult(len(works), [hit for hit, _ in shown], facets)


def _describe(searcher, shown: list[tuple[Hit, list[int]]], plain, request, texts) -> None:
    """The shown works' matching chapters and snippets."""
    attribute(searcher, shown, plain)
    out = [hit for hit, _ in shown]
    if request.scope != "story":
        add_note_snippets(out, plain, texts)
    add_snippets(out, plain, texts, request.snippets_per_work)


def _run_hits(searcher, request: SearchRequest, plain, scores, texts) -> SearchResult:
    """The search with a Hit per matched work, for an index the works table cannot
    name a generation for (and the reference the table is tested against)."""
    ranked = _works(searcher, scores)
    start = max(request.page - 1, 0) * request.limit
    hits: list[_Pending] = []
    reorder = request.sort != "relevance" or request.descending is False
    if reorder or request.facets:  # every matching work's fields
        hits = [_Pending(*work) for work in ranked]
        for hit in hits:
            hit.load(searcher)
        shown = _sorted(hits, request.sort, request.descending)[start : start + request.limit]
    else:
        shown = [_Pending(*work) for work in ranked[start : start + request.limit]]
    facets = facet_counts([p.hit for p in hits]) if request.facets else {}
    if not shown:  # nothing to describe (an empty index has no columns to read)
        suggestion = None if ranked else suggest(searcher, request, texts)
        return SearchResult(len(ranked), [], facets, suggestion)
    for pending in shown:
        pending.load(searcher)
    _describe(searcher, [(p.hit, p.docnums) for p in shown], plain, request, texts)
    return SearchResult(len(ranked), [p.hit for p in shown], facets)


def fill(h: Hit, f: dict[str, Any]) -> Hit:
    """The hit with its work's stored metadata."""
    h.title = f.get("title", "")
    h.authors = split(f.get("authors", ""))
    h.fandoms = split(f.get("fandoms", ""))
    h.words = f.get("words", 0)
    h.status = f.get("status", "")
    h.updated = f.get("updated", "")
    h.fields = f
    return h


class _Pending:
    """A work that matched, its metadata read from its best chapter only when needed."""

    __slots__ = ("hit", "docnum", "docnums", "loaded")

    def __init__(self, work: bytes, score: float, docnum: int, docnums: list[int]) -> None:
        self.hit = Hit(work.decode("utf-8"), score=score)
        self.docnum = docnum
        self.docnums = docnums
        self.loaded = False

    def load(self, searcher) -> None:
        if self.loaded:
            return
        self.loaded = True
        fill(self.hit, work_fields(searcher, self.hit.id, self.docnum))


def suggest(searcher, request: SearchRequest, texts: ChapterTexts) -> str | None:
    """The query with its misspelt words corrected, when that finds something; a stem
    suggested from the story text becomes the word as the best match writes it."""
    fixed = correction(searcher, request.query)
    if fixed is None:
        return None
    try:  # the corrected query's own tree (a resolved read:/mine: belongs to the typed one)
        tree = replace(request, query=fixed.string).tree()
        query = compile_query(tree, searcher.schema)
    except (QueryError, TypeError):  # TypeError: read:/mine: need the archive to resolve
        return None
    scores = score_all(searcher, query)
    if not scores:
        return None
    best = min(scores, key=lambda d: (-scores[d], d))
    f = searcher.stored_fields(best)  # the best chapter's words only, not its whole work
    blocks = texts.chapter_blocks(f.get("work_id", ""), [f.get("chapter", 0)])
    text = [str(f.get(k) or "") for k in ("title", "summary", "authors", "characters", "tags")]
    text += [b.text for found in blocks.values() for b in found if b.text]
    return as_written(fixed, WORD.findall("\n".join(text)))


def split(value: str) -> list[str]:
    return [v for v in (value or "").split(SEP) if v]


@functools.lru_cache(maxsize=100_000)
def _parts(value: str) -> frozenset[str]:
    """A stored list field's distinct values (the same strings come back every search)."""
    return frozenset(split(value))


def facet_counts(hits: list[Hit], top: int = 15) -> dict[str, list[tuple[str, int]]]:
    """Counts by each of FACET_FIELDS over every matched work (most first; word-count
    buckets in their own order, shortest first).

    Each field's stored values are counted as they are (in C: map and Counter), and
    each distinct one split once: a fandom is one value on thousands of works.
    """
    out = {}
    rows = [h.fields for h in hits]
    for name in FACET_FIELDS:
        counter: Counter[str] = Counter()
        if name == "words":
            sizes = Counter(h.words for h in hits)
            for words, count in sizes.items():
                counter[word_bucket(words)] += count
            order = [label for _, label in WORD_BUCKETS] + [OVER_BUCKETS]
            out[name] = [(b, counter[b]) for b in order if counter[b]]
            continue
        for value, count in Counter(map(operator.methodcaller("get", name), rows)).items():
            for part in _parts(str(value or "")):
                counter[part] += count
        out[name] = ranked_facets(counter, top)
    return out


def _works(searcher, scores: dict[int, float]) -> list[tuple[bytes, float, int, list[int]]]:
    """Matching chapters grouped by work, best work first (its best chapter's score):
    (work id, score, best chapter's document, every matching chapter's document).

    Only the work_id column is read for every matching chapter (in one read when
    there are many); titles and the like are read later, for the works shown.
    """
    work_of = column_values(searcher, "work_id", scores)
    best: dict[bytes, list] = {}  # work -> [best score, its document, every document]
    for d, score in scores.items():
        work = work_of[d]
        entry = best.get(work)
        if entry is None:
            best[work] = [score, d, [d]]
            continue
        entry[2].append(d)
        if score > entry[0] or (score == entry[0] and d < entry[1]):
            entry[0], entry[1] = score, d
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))
    return [(work, score, d, docs) for work, (score, d, docs) in ranked]


def _sorted(hits: list[_Pending], sort: str, descending: bool | None = None) -> list[_Pending]:
    """In the sort's own order (titles A to Z, everything else most first), or as asked."""
    down = descending if descending is not None else sort != "title"
    if sort == "relevance":
        return hits if down else hits[::-1]  # already best first

    def field(p: _Pending) -> Any:
        return p.hit.fields.get(sort)

    if sort == "title":
        key: Any = lambda p: p.hit.title.casefold()  # noqa: E731
    elif sort in ("words", "kudos", "hits"):
        key = lambda p: field(p) or 0  # noqa: E731
    else:
        key = lambda p: field(p) or ""  # noqa: E731
    return sorted(hits, key=key, reverse=down)
