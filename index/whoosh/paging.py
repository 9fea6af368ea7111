"""The works on one page of a search, chosen through the works table (index/whoosh/table.py).

A work ranks by its best matching chapter: highest score first, and at equal scores
the lower document first. The order is the one searcher._works and a stable sort
of its list give (tests/test_search_table.py compares them), found without grouping
every matching chapter into its work:

- by relevance, only the chapters scoring at least the k-th best chapter score are
  sorted (k a few times the page's end, widened when those hold too few works);
- by a sort key, the table's groups of works with equal keys are walked in order,
  and only the groups on the page are put in relevance order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from itertools import chain

from index.whoosh.table import WorksTable

Ranked = tuple[int, float, int]  # (work number, its best chapter's score, that chapter)


def best(table: WorksTable, scores: dict[int, float], w: int) -> tuple[float, int]:
    """(score, document) of the work's best matching chapter (at equal scores the first)."""
    top_score, top_doc = -1.0, -1
    for d in table.docs[w]:  # ascending
        s = scores.get(d)
        if s is not None and (top_doc < 0 or s > top_score):
            top_score, top_doc = s, d
    return top_score, top_doc


def ranked(table: WorksTable, scores: dict[int, float], stop: int | None = None) -> list[Ranked]:
    """The first `stop` works by relevance (None: every matched work)."""
    if stop is None or not scores:
        items = sorted(scores.items(), key=_by_rank)
        return _first_of_works(table, items, None)
    k = max(stop * 4, 64)
    while True:
        if k >= len(scores):
            return _first_of_works(table, sorted(scores.items(), key=_by_rank), stop)
        t = heapq.nlargest(k, scores.values())[-1]
        above = sorted(((d, s) for d, s in scores.items() if s > t), key=_by_rank)
        at = sorted([d for d, s in scores.items() if s == t])
        out = _first_of_works(table, chain(above, ((d, t) for d in at)), stop)
        if len(out) >= stop or len(above) + len(at) == len(scores):
            return out
        k *= 4


def _by_rank(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


def _first_of_works(table: WorksTable, items: Iterable[tuple[int, float]], stop: int | None):
    """Each work at its first (best) chapter in `items` (chapters best first)."""
    work_of = table.work_of
    seen: set[int] = set()
    out: list[Ranked] = []
    for d, s in items:
        w = work_of[d]
        if w in seen:
            continue
        seen.add(w)
        out.append((w, s, d))
        if stop is not None and len(out) >= stop:
            break
    return out


def sorted_page(
    table: WorksTable,
    scores: dict[int, float],
    works: set[int],
    sort: str,
    down: bool,
    start: int,
    stop: int,
) -> list[Ranked]:
    """Works start..stop of `works` by `sort` (most first when `down`), equal keys in
    relevance order, as a stable sort of the ranked works leaves them."""
    groups = table.order(sort)
    out: list[Ranked] = []
    at = 0
    for _, members in reversed(groups) if down else groups:
        inside = [w for w in members if w in works]
        if not inside:
            continue
        if at + len(inside) <= start:
            at += len(inside)
            continue
        bests = {w: best(table, scores, w) for w in inside}
        inside.sort(key=lambda w: (-bests[w][0], bests[w][1]))
        for w in inside:
            if start <= at < stop:
                out.append((w, *bests[w]))
            at += 1
        if at >= stop:
            break
    return out
