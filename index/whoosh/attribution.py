"""Which chapters a match is really in, and where a work-level match came from.

Every chapter document carries its work's metadata, so a phrase in the summary
matches every chapter. A chapter is listed only when the chapter's own part of
the query (its text, chapter title and notes fields) matches that document: the
query is restricted to those fields (a metadata leaf is dropped: under AND it
was already satisfied, since the document matched; under OR it is not chapter
evidence) and evaluated on the work's matching documents.

A work matched only by its metadata gets one Match, chapter 0 ("the work
itself", never a chapter number), labelled with the first field whose part of
the query matches ("title", "summary", "tags", "characters", …), its snippet
that field's text with the matched words marked.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import And, AndNot, Every, Not, Or, Query, Term

from index.search import MARK_CLOSE, MARK_OPEN, Hit, Match
from index.whoosh.compile import with_pairs
from index.whoosh.postings import read_block
from index.whoosh.schema import SEP
from index.whoosh.scoring import along

# The fields a chapter document holds of its own (the rest is its work's).
CHAPTER_FIELDS = frozenset({"body", "body_pairs", "notes", "chapter_title"})
METADATA_MATCH = 0  # Match.chapter of a match in the work's metadata, not a chapter
# Where a metadata match is labelled from, most telling first.
_SOURCES = (
    "title",
    "summary",
    "tags",
    "characters",
    "relationships",
    "fandoms",
    "authors",
    "series",
    "warnings",
    "categories",
)


def restrict(query: Query, keep=CHAPTER_FIELDS.__contains__) -> Query | None:
    """The part of `query` in the fields `keep` accepts (None: no such part)."""
    if isinstance(query, Not):
        return None  # a NOT only filters; it is nobody's evidence
    if isinstance(query, AndNot):
        return restrict(query.a, keep)
    if isinstance(query, (And, Or)):
        parts = [p for p in (restrict(c, keep) for c in query.subqueries) if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else type(query)(parts)
    if isinstance(query, Every):
        return None
    field = getattr(query, "fieldname", None)
    if field is None:  # some other compound (Whoosh's Require, DisjunctionMax, …)
        subs = list(query.children())
        if not subs:
            return None
        parts = [p for p in (restrict(c, keep) for c in subs) if p is not None]
        return None if not parts else parts[0] if len(parts) == 1 else And(parts)
    return query if keep(field) else None


def matching(searcher, query: Query | None, docnums: list[int]) -> set[int]:
    """Which of `docnums` `query` matches (a matcher skipped along them, not a full scan)."""
    if query is None or not docnums:
        return set()
    if isinstance(query, Term):
        return _terms_among(searcher, [query], docnums)
    terms = query.subqueries if isinstance(query, Or) else []
    if terms and all(isinstance(s, Term) for s in terms) and not getattr(query, "minmatch", 0):
        return _terms_among(searcher, terms, docnums)
    return set(along(query.matcher(searcher), docnums))


def _terms_among(searcher, terms: list[Term], docnums: list[int]) -> set[int]:
    """Which of `docnums` any of `terms` is in: a term's blocks are passed by their last
    id, and a block is read for its ids only (index/whoosh/postings.py), where Whoosh's
    matcher would unpickle every position in it (a common word's blocks are mostly that)."""
    wanted = sorted(set(docnums))
    found: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        end = offset + reader.doc_count_all()
        local = [d - offset for d in wanted if offset <= d < end]
        for term in terms if local else ():
            matcher = _matcher(reader, searcher.schema, term)
            if matcher is not None:
                found.update(offset + d for d in _among(matcher, local))
    return found


def _matcher(reader, schema, term: Term):
    if term.fieldname not in schema:
        return None
    field = schema[term.fieldname]
    try:
        text = field.to_bytes(term.text)
    except ValueError:
        return None
    if (term.fieldname, text) not in reader:
        return None
    # The segment's own postings (the documents asked about are live ones).
    return reader._terms.matcher(term.fieldname, text, field.format)


def _among(matcher, local: list[int]):
    """The documents of `local` (ascending) the term's matcher matches."""
    if not isinstance(matcher, W3LeafMatcher):
        yield from along(matcher, local)
        return
    ids = None
    for d in local:
        while matcher.is_active() and matcher._maxid < d:
            matcher._next_block()
            ids = None
        if not matcher.is_active():
            return
        if ids is None:
            read_block(matcher, weights=False)
            ids = frozenset(matcher._ids)
        if d in ids:
            yield d


def attribute(searcher, hits_docs: list[tuple[Hit, list[int]]], plain: Query) -> None:
    """Set each hit's matches: the chapters the chapter part matched, else one metadata match."""
    chapter_part = restrict(plain)
    if chapter_part is not None:  # phrases as pair terms, as the search found them
        chapter_part = with_pairs(chapter_part, searcher.schema)
    chapter_col = searcher.reader().column_reader("chapter")
    # One matcher walked along every shown work's documents, not one per work.
    in_chapters = matching(searcher, chapter_part, [d for _, docs in hits_docs for d in docs])
    for hit, docnums in hits_docs:
        own = in_chapters.intersection(docnums)
        if own:
            chapters = sorted({chapter_col[d] for d in own})
            hit.matches = [Match(c) for c in chapters]
            continue
        hit.matches = [_metadata_match(searcher, hit, plain, min(docnums))]


def _metadata_match(searcher, hit: Hit, plain: Query, docnum: int) -> Match:
    """One match for the work itself, labelled with the metadata field that matched.

    The field is the first (of _SOURCES) where any of the query's words or phrases
    is found: `amber birch` may find one word in the title and one in the summary.
    """
    for field in _SOURCES:
        found = [p for p in _leaves(plain, field) if matching(searcher, p, [docnum])]
        if found:
            text = " ".join(str(hit.fields.get(field, "")).replace(SEP, ", ").split())
            terms = {
                t.decode() if isinstance(t, bytes) else t
                for leaf in found
                for _, t in leaf.iter_all_terms()
            }
            analyzer = searcher.schema[field].analyzer
            return Match(METADATA_MATCH, mark(text, terms, analyzer), field)
    summary = " ".join(str(hit.fields.get("summary", "")).split())[:240]
    return Match(METADATA_MATCH, summary, "summary")  # a filter matched (fandom:, words:, …)


def _leaves(query: Query, field: str) -> list[Query]:
    """The query's leaves in `field`, outside any NOT."""
    if isinstance(query, Not):
        return []
    if isinstance(query, AndNot):
        return _leaves(query.a, field)
    if getattr(query, "fieldname", None) is not None and not list(query.children()):
        return [query] if query.fieldname == field else []
    return [leaf for c in query.children() for leaf in _leaves(c, field)]


def mark(text: str, terms: set[str], analyzer, maxchars: int = 240) -> str:
    """`text` with the words `analyzer` files under `terms` marked, cut around the first."""
    spans = [
        (t.startchar, t.endchar)
        for t in analyzer(text, chars=True, positions=True, mode="query")
        if t.text in terms
    ]
    if not spans:
        return text[:maxchars]
    lo = max(0, spans[0][0] - 60)
    lo = 0 if lo == 0 else (text.rfind(" ", 0, lo) + 1)
    hi = min(len(text), lo + maxchars)
    hi = max(hi, spans[0][1])
    out, at = [], lo
    for a, b in spans:
        if a < lo or b > hi:
            continue
        out += [text[at:a], MARK_OPEN, text[a:b], MARK_CLOSE]
        at = b
    out.append(text[at:hi])
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")
