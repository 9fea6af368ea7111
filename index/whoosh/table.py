"""A table of the index's works, built once per index generation.

The web library's search page counts facets over every work a search matched and
sorts them by date, kudos, words…; its home page matches every work. Done with a
Hit per matched work, that was most of a search page's time at 10,000 works
(bench/RESULTS.md "## serve"). Here each work has a number (in the order of its
first chapter document), and the table holds what a search asks of every matched
work, so a Hit is made only for the works shown:

- work_of: document number -> work number, so the matched chapters become the
  matched works in one C-speed map;
- facets: each value held by many works is a Python int with one bit per work, and
  its count over the matched works is `(mask & matched).bit_count()`; a value held by
  few works is counted from the matched works' own lists (Counter, in C). Masks are
  kept only for values on at least 1/64 of the works, so they take at most 8 bytes
  per (work, value) pair however many distinct tags an archive has;
- sort orders: every work grouped by its sort key (computed once per sort and
  generation); a search walks the groups in order, and only the groups on the page
  shown are put in relevance order (the order a stable sort of the ranked works
  would leave equal keys in).

The table is kept per index folder and rebuilt when the searcher reads another
generation (a commit, a crawl, a rebuild): index/whoosh/rows.py says which. Only its
first part (work numbers, each work's chapters: one read of the work_id column) is
made for every search; the stored fields, facets and sort keys are made by the first
search that asks for facets or a sort, so a one-off `ficarchive search` in its own
process reads the fields of the works it shows and no more.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from operator import itemgetter
from typing import Any

from index.search import FACET_FIELDS, OVER_BUCKETS, WORD_BUCKETS, word_bucket
from index.whoosh import sortkeys
from index.whoosh.columns import all_values
from index.whoosh.rows import CHAPTER_KEYS, per_generation
from index.whoosh.schema import SEP

_BIT = tuple(1 << i for i in range(8))
_lock = threading.RLock()
_kept: dict[str, tuple[tuple, WorksTable]] = {}  # folder -> (version, table)


def mask_of(numbers: Iterable[int], size: int) -> int:
    """The int with bit w set for every w of `numbers` (each below `size`)."""
    buf = bytearray((size + 7) >> 3)
    for w in numbers:
        buf[w >> 3] |= _BIT[w & 7]
    return int.from_bytes(buf, "little")


def ranked_facets(counts: dict[str, int], top: int) -> list[tuple[str, int]]:
    """The `top` values counted most, equal counts in the values' own order (the same
    whatever order the works were counted in). Only values counted at least the
    top-th count are sorted, and in C (by value, then stably by count)."""
    items = list(counts.items())
    if len(items) > top:
        floor = heapq.nlargest(top, counts.values())[-1]
        items = [vc for vc in items if vc[1] >= floor]
    items = [vc for vc in items if vc[1]]
    items.sort()
    items.sort(key=itemgetter(1), reverse=True)
    return items[:top]


class WorksTable:
    """Every live work of one index generation: ids, chapters, and (once a search asks
    for facets or a sort) every work's stored fields, facet masks and sort keys."""

    def __init__(self, ids: list[str], work_of: list[int], docs: list[list[int]], stored) -> None:
        self.ids = ids  # work number -> work id
        self.stored = frozenset(stored)  # the names of the fields kept in `fields`
        self.work_of = work_of  # document number -> work number (-1: deleted)
        self.docs = docs  # work number -> its chapter documents
        self.size = len(ids)
        # work number -> its metadata, read when first asked (a search without facets or
        # a sort, as `ficarchive search` runs once a process, reads only the page's)
        self.fields: list[dict[str, Any] | None] = [None] * self.size
        self.everyone = (1 << self.size) - 1
        self._orders: dict[str, list[tuple[Any, list[int]]]] = {}
        self._keys: dict[str, list[Any]] = {}
        self._all_facets: dict[int, dict[str, list[tuple[str, int]]]] = {}
        self._complete = False  # every work's fields read
        self._faceted = False  # and the facets built from them
        self.version: tuple | None = None  # the generation, once works_table names it

    def fields_of(self, searcher, w: int) -> dict[str, Any]:
        """The work's metadata as stored with its chapters (read once per generation)."""
        f = self.fields[w]
        if f is None:
            f = searcher.stored_fields(self.docs[w][0])
            for key in CHAPTER_KEYS:
                f.pop(key, None)
            self.fields[w] = f
        return f

    def content_key(self, w: int, names: tuple[str, ...]) -> Any:
        """What tells this work's content in these (shared) fields apart: their stored
        values once every work's are read and all of them are stored (works with the
        same values have the same indexed words there), else the work itself."""
        f = self.fields[w] if self._complete else None
        if f is None or not self.stored.issuperset(names):
            return w
        return tuple(f.get(n) for n in names)

    def complete(self, searcher, *, facets: bool = True) -> WorksTable:
        """The table with every work's fields read and (unless told not to) its facets built."""
        if not self._complete or (facets and not self._faceted):
            with _lock:
                if not self._complete:
                    for w in range(self.size):
                        self.fields_of(searcher, w)
                    self._complete = True
                if facets and not self._faceted:
                    self._build_facets()
                    self._faceted = True
        return self

    def ready_to_sort(self, searcher) -> WorksTable:
        """The table with every work's sort keys: from the file the last process kept for
        this generation (index/whoosh/sortkeys.py), else from the fields, then kept."""
        if self._keys:
            return self
        with _lock:
            if self._keys:
                return self
            found = None
            if self.version is not None and not self._complete:
                found = sortkeys.load(self.version, self.ids)
            if found is None:
                self.complete(searcher, facets=False)
                found = {
                    s: [sortkeys.key_of(f, s) for f in self.fields] for s in sortkeys.SORT_KEYS
                }
                if self.version is not None:
                    sortkeys.save(self.version, self.ids, found)
            self._keys = found
        return self

    def _build_facets(self) -> None:
        many = max(8, self.size // 64)
        self.masks: dict[str, list[tuple[str, int]]] = {}
        self.rare_names: list[tuple[str, str]] = []  # rare value id -> (field, value)
        rare_of: list[list[int]] = [[] for _ in range(self.size)]
        parts: dict[str, frozenset[str]] = {}
        for name in FACET_FIELDS:
            if name == "words":
                continue
            holders: dict[str, list[int]] = {}
            for w, f in enumerate(self.fields):
                raw = str(f.get(name) or "")
                found = parts.get(raw)
                if found is None:
                    found = parts[raw] = frozenset(v for v in raw.split(SEP) if v)
                for value in found:
                    holders.setdefault(value, []).append(w)
            self.masks[name] = []
            for value, works in holders.items():
                if len(works) >= many:
                    self.masks[name].append((value, mask_of(works, self.size)))
                    continue
                rid = len(self.rare_names)
                self.rare_names.append((name, value))
                for w in works:
                    rare_of[w].append(rid)
        self.rare_of = [tuple(r) for r in rare_of]
        buckets: dict[str, list[int]] = {}
        for w, f in enumerate(self.fields):
            buckets.setdefault(word_bucket(f.get("words", 0)), []).append(w)
        order = [label for _, label in WORD_BUCKETS] + [OVER_BUCKETS]
        self.buckets = [(b, mask_of(buckets[b], self.size)) for b in order if b in buckets]

    # --- what a search asks ----------------------------------------------------------

    def works(self, docnums: Iterable[int]) -> set[int]:
        """The works these (live) chapter documents belong to."""
        return set(map(self.work_of.__getitem__, docnums))

    def facet_counts(self, works: set[int], top: int = 15) -> dict[str, list[tuple[str, int]]]:
        """What index/whoosh/searcher.facet_counts counts over these works' Hits
        (the table complete)."""
        if len(works) == self.size:  # the home page, every work: counted once
            found = self._all_facets.get(top)
            if found is None:
                found = self._all_facets[top] = self._count(works, self.everyone, top)
            return found
        return self._count(works, mask_of(works, self.size), top)

    def _count(self, works: set[int], matched: int, top: int) -> dict[str, list[tuple[str, int]]]:
        rare = Counter(chain.from_iterable(map(self.rare_of.__getitem__, works)))
        counts: dict[str, dict[str, int]] = {name: {} for name in self.masks}
        for name, values in self.masks.items():
            mine = counts[name]
            for value, mask in values:
                mine[value] = (mask & matched).bit_count()
        for rid, n in rare.items():
            name, value = self.rare_names[rid]
            counts[name][value] = n
        out = {}
        for name in FACET_FIELDS:
            if name == "words":
                found = [(b, (mask & matched).bit_count()) for b, mask in self.buckets]
                out[name] = [(b, n) for b, n in found if n]
            else:
                out[name] = ranked_facets(counts[name], top)
        return out

    def order(self, sort: str) -> list[tuple[Any, list[int]]]:
        """Every work grouped by its `sort` key, least first (works ascending in a group;
        the table ready to sort)."""
        found = self._orders.get(sort)
        if found is not None:
            return found
        keys = self._keys[sort]
        groups: list[tuple[Any, list[int]]] = []
        for w in sorted(range(self.size), key=keys.__getitem__):
            if groups and groups[-1][0] == keys[w]:
                groups[-1][1].append(w)
            else:
                groups.append((keys[w], [w]))
        self._orders[sort] = groups
        return groups


def works_table(searcher) -> WorksTable | None:
    """The table of this searcher's index generation (None: the index cannot say which
    it is, or has no work_id column; the search then reads Hits as before)."""
    return per_generation(searcher, "table", _kept, _lock, lambda v: _build(searcher, v))


def _build(searcher, version: tuple) -> WorksTable | None:
    ids: list[str] = []
    number: dict[bytes, int] = {}
    work_of: list[int] = []
    docs: list[list[int]] = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        count = reader.doc_count_all()
        if not count:
            continue
        if not reader.has_column("work_id"):
            return None
        deleted = set(reader._perdoc.deleted_docs()) if reader.has_deletions() else set()
        values = all_values(reader.column_reader("work_id", translate=False))
        work_of.extend([-1] * (offset + count - len(work_of)))
        for d, value in enumerate(values):
            if d in deleted:
                continue
            w = number.get(value)
            if w is None:
                w = number[value] = len(ids)
                ids.append(value.decode("utf-8"))
                docs.append([])
            work_of[offset + d] = w
            docs[w].append(offset + d)
    stored = [name for name, field in searcher.schema.items() if field.stored]
    table = WorksTable(ids, work_of, docs, stored)
    table.version = version
    return table
