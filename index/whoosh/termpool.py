"""The fast writer's pool of postings, kept by term (index/whoosh/fastwrite.py)."""

from __future__ import annotations

import contextlib
import heapq
import marshal
import operator

from whoosh.system import emptybytes
from whoosh.util import random_name

# Postings per marshalled chunk of a run file (a longer term is cut into pieces). At
# commit every run has one chunk in memory, so this, not the run's size, bounds the merge:
# chunks of 20,000 terms held a run's whole body field (its common words' positions) each.
CHUNK = 16_384
_KEY = operator.itemgetter(0)


class TermPool:
    """The postings of a segment, kept by term: `{(fieldname, btext): [docnum, weight,
    vbytes, ...]}`, so nothing at commit is sorted or handled per posting.

    Whoosh's `PostingPool` holds a tuple per posting and sorts them all; past `limitmb`
    it pickles each one alone into a run file. Here, past `limitmb` (estimated as
    Whoosh estimates it), the terms are sorted and written to a run file in marshalled
    chunks; at commit the runs are merged a term at a time. A term's postings stay in
    the order they were added, which is document order.
    """

    def __init__(self, tempstore, limitmb: int) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.terms: dict[tuple[str, bytes], list] = {}
        self.runs: list[str] = []

    def add(self, item: tuple) -> None:
        """One posting (fieldname, btext, docnum, weight, vbytes), from a merged segment."""
        fieldname, btext, docnum, weight, vbytes = item
        # An inlined Existence posting reads back as '' (ListMatcher), not b''.
        self.add_many(docnum, [((fieldname, btext), weight, vbytes or emptybytes)], 200)

    def add_many(self, docnum: int, items: list[tuple], size: int) -> None:
        terms = self.terms
        for key, weight, vbytes in items:
            found = terms.get(key)
            if found is None:
                terms[key] = [docnum, weight, vbytes]
                size += 150
            else:
                found += (docnum, weight, vbytes)
        self.size += size
        if self.size > self.limit:
            self._save()

    def _save(self) -> None:
        path = f"{random_name()}.run"
        f = self.tempstore.create_file(path).raw_file()
        for chunk in _chunks(sorted(self.terms.items()), 3 * CHUNK):
            marshal.dump(chunk, f)
        f.close()
        self.runs.append(path)
        self.terms, self.size = {}, 0

    def _read(self, path: str):
        f = self.tempstore.open_file(path).raw_file()
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self.tempstore.delete_file(path)

    def iter_terms(self):
        if not self.runs:
            yield from sorted(self.terms.items())
            return
        if self.terms:
            self._save()
        runs, self.runs = self.runs, []
        merged = heapq.merge(*(self._read(p) for p in runs), key=_KEY)
        last, flat = None, None
        for key, more in merged:
            if key == last:
                flat += more  # runs merge in the order written: documents stay in order
                continue
            if last is not None:
                yield last, flat
            last, flat = key, more
        if last is not None:
            yield last, flat

    def cleanup(self) -> None:
        for path in self.runs:
            with contextlib.suppress(OSError):
                self.tempstore.delete_file(path)
        self.runs = []


def _chunks(items: list, limit: int):
    """Lists of (key, flat) holding about `limit` flat entries each, a long flat in pieces
    (consecutive, so the merge joins them back in document order)."""
    chunk: list = []
    held = 0
    for key, flat in items:
        for i in range(0, len(flat), limit):
            piece = flat[i : i + limit] if len(flat) > limit else flat
            chunk.append((key, piece))
            held += len(piece)
            if held >= limit:
                yield chunk
                chunk, held = [], 0
    if chunk:
        yield chunk
