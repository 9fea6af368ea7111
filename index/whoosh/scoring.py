"""Score every matching chapter a block of postings at a time.

Whoosh scores document by document through a tree of matcher objects, about
5 µs a document. A common word, or a word NOT another, matches most chapters of
a large archive, and a result that lists every matching chapter of a work must
score them all: at 10,000 works that alone cost 60-150 ms a query
(bench/RESULTS.md). Here a term's postings are read a block at a time and scored
in one comprehension (BM25F with the field lengths read once), and And, Or and
Not combine dictionaries of scores. Phrases go through Whoosh's own matcher
(only at the documents the rest of the query allows). The result is Whoosh's:
the same documents with the same scores (tests/test_index_scoring.py compares
them), except that prefixes and wildcards score a constant, as they ask to.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.query import (
    And,
    ConstantScoreQuery,
    Every,
    Not,
    NullQuery,
    NumericRange,
    Or,
    Query,
    Term,
)
from whoosh.query.terms import MultiTerm
from whoosh.util.numeric import byte_to_length

from index.whoosh.columns import all_values
from index.whoosh.compile import WorkIds
from index.whoosh.postings import read_block
from index.whoosh.schema import SHARED_FIELDS

# A field length is stored as one byte; this turns every byte into its length.
_LENGTH_OF_BYTE = [byte_to_length(b) or 1 for b in range(256)]
# Up to this many works, a term per work is cheaper than reading the work_id column.
FEW_WORKS = 32


def along(matcher, docnums) -> Iterator[int]:
    """The documents of `docnums` the matcher matches, each yielded with the matcher
    standing on it (skipped to, never a full scan)."""
    for d in sorted(docnums):
        if not matcher.is_active():
            return
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                return
        if matcher.id() == d:
            yield d


def score_all(searcher, q: Query, works=None) -> dict[int, float]:
    """{document number: score} of every live document matching `q`. `works` (the
    works table, index/whoosh/table.py: `work_of`, `content_key`) lets a phrase in a
    work's shared metadata be asked once per distinct content, not per chapter."""
    out: dict[int, float] = {}
    for sub, offset in searcher.leaf_searchers():
        scores = _Segment(sub, searcher.weighting, works, offset).evaluate(q)
        if offset:
            out.update({d + offset: s for d, s in scores.items()})
        else:
            out.update(scores)
    return out


class _Segment:
    """Evaluates a query over one segment (document numbers local to it)."""

    def __init__(self, searcher, weighting, works=None, offset: int = 0) -> None:
        self.searcher = searcher
        self.works, self.offset = works, offset
        self.reader = searcher.reader()
        self.weighting = weighting
        self.schema = searcher.schema
        self._lengths: dict[str, list[int]] = {}
        deleted = self.reader._perdoc.deleted_docs() if self.reader.has_deletions() else ()
        self.deleted = frozenset(deleted)

    def live(self) -> Iterator[int]:
        deleted = self.deleted
        return (d for d in range(self.reader.doc_count_all()) if d not in deleted)

    def evaluate(self, q: Query) -> dict[int, float]:
        """{document: score} of the documents matching `q`, as Whoosh scores them."""
        if isinstance(q, (And, Or)) and len(q.subqueries) == 1:
            return self.evaluate(q.subqueries[0])  # Whoosh drops the boost here too
        if isinstance(q, Term):
            return self._term(q)  # its boost is applied as each posting is scored
        elif isinstance(q, And) and q.subqueries:
            scores = self._and(q)
        elif isinstance(q, Or) and q.subqueries and not _has_not(q) and _plain_or(q):
            scores = self._or(q)
        elif isinstance(q, Not):
            # Whoosh's InverseMatcher: every live document the child misses, scored 1.0.
            child = self.docs(q.query)
            return {d: 1.0 for d in self.live() if d not in child}
        elif isinstance(q, Every) and not q.fieldname:
            return dict.fromkeys(self.live(), q.boost)
        elif q is NullQuery:
            return {}
        elif isinstance(q, WorkIds) and len(q.ids) > FEW_WORKS:
            return dict.fromkeys(self._work_docs(q.ids), q.score)
        elif isinstance(q, ConstantScoreQuery):
            # Searched without needing the current match, Whoosh gives each the constant.
            return dict.fromkeys(self.docs(q.child), q.score)
        elif isinstance(q, NumericRange):
            return self.evaluate(q._compile_query(self.reader))
        elif isinstance(q, MultiTerm):
            # A prefix, wildcard or range filters and does not rank: each match scores
            # the query's boost, as its constantscore says. (Whoosh instead sums every
            # expanded term's score, or not, depending on the archive's size.)
            return dict.fromkeys(self.docs(_expanded(q, self.reader)), q.boost)
        else:
            return self._whoosh(q)
        if q.boost != 1.0:
            boost = q.boost
            return {d: s * boost for d, s in scores.items()}
        return scores

    def docs(self, q: Query) -> set[int]:
        """The documents matching `q`, unscored (for NOT): terms need no scoring."""
        if isinstance(q, (And, Or)) and len(q.subqueries) == 1:
            return self.docs(q.subqueries[0])
        if isinstance(q, Term):
            found: set[int] = set()
            matcher = self._matcher(q)
            if matcher is not None:
                for ids, _ in _blocks(matcher, weights=False):
                    found.update(ids)
            return found - self.deleted
        if isinstance(q, Or) and q.subqueries and not _has_not(q):
            return set().union(*(self.docs(s) for s in q.subqueries))
        if isinstance(q, And) and not any(isinstance(s, Not) for s in q.subqueries):
            if not q.subqueries:
                return set()
            parts = sorted((self.docs(s) for s in q.subqueries), key=len)
            return parts[0].intersection(*parts[1:])
        return set(self.evaluate(q))

    def _work_docs(self, ids: frozenset[str]) -> set[int]:
        """The documents of these works, from one read of the work_id column."""
        if not self.reader.has_column("work_id"):
            return set()
        wanted = {i.encode("utf-8") for i in ids}
        values = all_values(self.reader.column_reader("work_id", translate=False))
        deleted = self.deleted
        return {d for d, v in enumerate(values) if v in wanted and d not in deleted}

    # --- compound queries: what Whoosh's Intersection, Union and Inverse matchers do

    def _and(self, q: And) -> dict[int, float]:
        nots = [s for s in q.subqueries if isinstance(s, Not)]
        positive = [s for s in q.subqueries if not isinstance(s, Not)]
        if not positive:
            return self._whoosh(q)
        # Whoosh's own matchers (phrases) are slow: ask them only about the candidates
        fast = [s for s in positive if _native(s)]
        slow = [s for s in positive if not _native(s)]
        if not fast:
            fast, slow = slow[:1], slow[1:]
        parts = sorted((self.evaluate(s) for s in fast), key=len)
        scores = parts[0]
        for other in parts[1:]:
            scores = {d: s + other[d] for d, s in scores.items() if d in other}
            if not scores:
                return {}
        for s in slow:
            other = self._within(s, scores)
            scores = {d: v + other[d] for d, v in scores.items() if d in other}
            if not scores:
                return {}
        if nots:
            excluded: set[int] = set()
            for n in nots:
                excluded.update(self.docs(n.query))
            bonus = float(len(nots))  # each Not matches as an InverseMatcher scoring 1.0
            scores = {d: s + bonus for d, s in scores.items() if d not in excluded}
        return scores

    def _within(self, q: Query, within: dict[int, float]) -> dict[int, float]:
        """Scores of `q` at the documents `within` only: a phrase (or an Or holding
        one) is asked about the candidates the rest of an And left, not the archive."""
        if _native(q):
            return {d: s for d, s in self.evaluate(q).items() if d in within}
        if isinstance(q, (And, Or)) and len(q.subqueries) == 1:
            return self._within(q.subqueries[0], within)
        if isinstance(q, Or) and q.subqueries and not _has_not(q) and _plain_or(q):
            scores: dict[int, float] = {}
            for child in q.subqueries:
                for d, s in self._within(child, within).items():
                    scores[d] = scores.get(d, 0.0) + s
            if q.boost != 1.0:
                return {d: s * q.boost for d, s in scores.items()}
            return scores
        if (
            isinstance(q, And)
            and q.subqueries
            and not any(isinstance(s, Not) for s in q.subqueries)
        ):
            # An And of a phrase and its pair terms (a fandom filter): the terms narrow first.
            scores = dict.fromkeys(within, 0.0)
            for child in sorted(q.subqueries, key=lambda s: not _native(s)):
                other = self._within(child, scores)
                scores = {d: v + other[d] for d, v in scores.items() if d in other}
                if not scores:
                    return {}
            return {d: v * q.boost for d, v in scores.items()} if q.boost != 1.0 else scores
        if self.works is not None and _shared_only(q):
            return self._per_content(q, within)
        return self._whoosh(q, within=within)

    def _per_content(self, q: Query, within: dict[int, float]) -> dict[int, float]:
        """`q`, in fields a work's chapters all share, asked at one candidate per distinct
        content of those fields (one per work, or one per stored value: two works whose
        fandoms read the same match a fandom phrase alike, with the same score), its
        answer copied to the other candidates."""
        works, offset = self.works, self.offset
        names = tuple(sorted({leaf.fieldname for leaf in q.leaves()}))
        key_of = {}
        first: dict = {}
        for d in within:
            key = key_of[d] = works.content_key(works.work_of[offset + d], names)
            first.setdefault(key, d)
        found = self._whoosh(q, within=dict.fromkeys(first.values()))
        out = {}
        for d in within:
            s = found.get(first[key_of[d]])
            if s is not None:
                out[d] = s
        return out

    def _or(self, q: Or) -> dict[int, float]:
        parts = sorted((self.evaluate(s) for s in q.subqueries), key=len, reverse=True)
        scores = dict(parts[0])
        for other in parts[1:]:
            get = scores.get
            for d, s in other.items():
                scores[d] = get(d, 0.0) + s
        return scores

    # --- terms: postings a block at a time

    def _matcher(self, q: Term):
        """The term's own postings (deleted documents are dropped by the caller)."""
        if q.fieldname not in self.schema:
            return None
        field = self.schema[q.fieldname]
        try:
            text = field.to_bytes(q.text)
        except ValueError:
            return None
        if (q.fieldname, text) not in self.reader:
            return None
        scorer = self.weighting.scorer(self.searcher, q.fieldname, text)
        return self.reader._terms.matcher(q.fieldname, text, field.format, scorer=scorer)

    def _term(self, q: Term) -> dict[int, float]:
        matcher = self._matcher(q)
        if matcher is None:
            return {}
        # A block matcher names it `scorer`; an inlined term's ListMatcher `_scorer`.
        scorer = getattr(matcher, "scorer", None) or matcher._scorer
        deleted = self.deleted
        boost = q.boost
        out: dict[int, float] = {}
        if isinstance(scorer, scoring.BM25FScorer) and type(scorer)._score is _BM25_SCORE:
            length = self._field_lengths(q.fieldname)
            # BM25 is linear in idf: a boosted term is scored at once, not in a second pass
            idf, avgfl, b, k1 = scorer.idf * boost, scorer.avgfl, scorer.B, scorer.K1
            k1p, omb = k1 + 1, 1 - b
            for ids, weights in _blocks(matcher):
                # whoosh.scoring.bm25 written out (the same operations in the same order,
                # so the same floats), without a call per posting
                out.update(
                    (d, idf * ((w * k1p) / (w + k1 * (omb + b * length[d] / avgfl))))
                    for d, w in zip(ids, weights, strict=True)
                    if d not in deleted
                )
        elif type(scorer) is scoring.WeightScorer:
            for ids, weights in _blocks(matcher):
                out.update(
                    (d, float(w) * boost)
                    for d, w in zip(ids, weights, strict=True)
                    if d not in deleted
                )
        else:
            while matcher.is_active():
                d = matcher.id()
                if d not in deleted:
                    out[d] = matcher.score() * boost
                matcher.next()
        return out

    def _field_lengths(self, fieldname: str) -> list[int]:
        """Every document's length in this field, from one read of its lengths column."""
        found = self._lengths.get(fieldname)
        if found is None:
            count = self.reader.doc_count_all()
            column = self.reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            raw = b"" if column is None else column._dbfile.get(column._basepos, column._count)
            raw += bytes(max(0, count - len(raw)))
            found = self._lengths[fieldname] = [_LENGTH_OF_BYTE[b] for b in raw]
        return found

    # --- anything else: Whoosh's own matcher, document by document

    def _whoosh(self, q: Query, within: dict[int, float] | None = None) -> dict[int, float]:
        """Whoosh's matcher for `q`; asked only about the documents `within`, when given."""
        matcher = q.matcher(self.searcher, self.searcher.context())
        out: dict[int, float] = {}
        if within is None:
            while matcher.is_active():
                out[matcher.id()] = matcher.score()
                matcher.next()
            return out
        for d in along(matcher, within):
            out[d] = matcher.score()
        return out


_BM25_SCORE = scoring.BM25FScorer._score


def _has_not(q: Or) -> bool:
    return any(isinstance(s, Not) for s in q.subqueries)


def _plain_or(q: Or) -> bool:
    """An Or that sums its children's scores (no coordination bonus, no minimum)."""
    return not getattr(q, "scale", None) and not getattr(q, "minmatch", 0)


def _shared_only(q: Query) -> bool:
    """Whether every leaf of `q` is in a field a work's chapters all share."""
    return all(getattr(leaf, "fieldname", None) in SHARED_FIELDS for leaf in q.leaves())


def _native(q: Query) -> bool:
    """Whether `q` is evaluated here without Whoosh's document-by-document matchers."""
    if isinstance(q, (And, Or)):
        return all(_native(s) for s in q.subqueries)
    if isinstance(q, Not):
        return _native(q.query)
    if isinstance(q, Every):
        return not q.fieldname
    return isinstance(q, (Term, NumericRange, MultiTerm, ConstantScoreQuery))


def _expanded(q: MultiTerm, reader) -> Query:
    """A prefix, wildcard or range as the terms it stands for, as Whoosh's matcher builds it."""
    words = [w for w in q._btexts(reader) if w]
    if not words:
        return NullQuery
    if len(words) == 1:
        return Term(q.field(), words[0])
    return Or([Term(q.field(), w) for w in words], boost=q.boost)


def _blocks(matcher, weights: bool = True) -> Iterator[tuple]:
    """(document ids, weights) of a term's postings, a block at a time."""
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            read_block(matcher, weights)  # ids and weights only, not the positions
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    ids, found = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.weight())
        matcher.next()
    yield ids, found
