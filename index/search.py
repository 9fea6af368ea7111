"""Search: chapter hits grouped into one row per work, with chapter snippets."""

from __future__ import annotations

import pickle
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filetables import FileFormatError
from whoosh.lang.porter import stem
from whoosh.query import Phrase
from whoosh.support.charset import accent_map

from crawler.errors import FicarchiveError, IndexingError
from index.indexer import SEP, WORD, Indexer
from index.query import check_query, parse_query, with_pairs
from index.scoring import column_values, score_all
from index.store import Store

MARK_OPEN, MARK_CLOSE = "«", "»"
SORTS = ("relevance", "updated", "published", "words", "kudos", "hits", "title")


def accent_fold(text: str) -> str:
    return text.translate(accent_map)


@dataclass
class Match:
    chapter: int
    snippet: str = ""
    source: str = "text"  # where the snippet is from: text, notes, or the work's summary


@dataclass
class Hit:
    """One work that matched, with the chapters that matched and their snippets."""

    id: str
    title: str
    authors: list[str]
    fandoms: list[str]
    score: float
    words: int
    status: str
    updated: str
    matches: list[Match] = field(default_factory=list)
    stored: dict[str, Any] = field(default_factory=dict)
    docnum: int | None = None  # the best chapter's document, whose stored fields describe the work
    docnums: list[int] = field(default_factory=list, repr=False)  # every matching chapter's

    def load(self, searcher) -> None:
        """Fill in the work's metadata from its best chapter's stored fields (once)."""
        if self.stored or self.docnum is None:
            return
        f = self.stored = searcher.stored_fields(self.docnum)
        self.title = f.get("title", "")
        self.authors = _split(f.get("authors", ""))
        self.fandoms = _split(f.get("fandoms", ""))
        self.words = f.get("words", 0)
        self.status = f.get("status", "")
        self.updated = f.get("updated", "")

    @property
    def chapters(self) -> list[int]:
        return [m.chapter for m in self.matches]

    def to_dict(self) -> dict[str, Any]:
        """The `search --json` line (a promise: extend, never break)."""
        return {
            "id": self.id,
            "title": self.title,
            "authors": self.authors,
            "fandoms": self.fandoms,
            "score": round(self.score, 4),
            "chapters": self.chapters,
            "snippets": [m.snippet for m in self.matches if m.snippet],
            "matches": [
                {"chapter": m.chapter, "snippet": m.snippet, "source": m.source}
                for m in self.matches
            ],
            "words": self.words,
            "status": self.status,
            "updated": self.updated or None,
        }


FACET_FIELDS = ("fandoms", "characters", "relationships", "rating")


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def facet_counts(hits: list[Hit], top: int = 15) -> dict[str, list[tuple[str, int]]]:
    """Counts by fandom, character, relationship and rating over every matched work."""
    from collections import Counter

    out = {}
    for name in FACET_FIELDS:
        counter: Counter[str] = Counter()
        for h in hits:
            counter.update(set(_split(h.stored.get(name, ""))))
        out[name] = counter.most_common(top)
    return out


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(SEP) if v]


def search(
    archive_dir: Path,
    query: str,
    *,
    filters: dict[str, list[str]] | None = None,
    limit: int = 20,
    page: int = 1,
    sort: str = "relevance",
    snippets_per_work: int = 3,
    store: Store | None = None,
    in_text: bool = False,
    facets: bool = False,
    scope: str = "story",
) -> SearchResult:
    """Run a query; one Hit per work, best first (or by `sort`).

    Chapters are grouped by work through the work_id column, so stored fields
    are read once per work shown (or per work matched, to sort or count facets),
    never once per matching chapter: a common word matches most chapters.
    """
    check_query((query or "").strip())
    indexer = Indexer(archive_dir)
    ix = indexer.open(create=False)
    try:
        return _search(ix, archive_dir, query, filters, limit, page, sort, snippets_per_work,
                       store, in_text, facets, scope)  # fmt: skip
    except FicarchiveError:
        raise
    except (
        OSError,
        EOFError,
        struct.error,
        zlib.error,
        pickle.UnpicklingError,
        FileFormatError,
    ) as exc:
        raise IndexingError(
            f"{indexer.dir}: the search index is damaged ({type(exc).__name__}: {exc});"
            " run `ficarchive doctor` to repair it (the store is not touched)"
        ) from None
    finally:
        ix.close()


def _search(ix, archive_dir, query, filters, limit, page, sort, snippets_per_work, store,
            in_text, facets, scope) -> SearchResult:  # fmt: skip
    with ix.searcher() as searcher:
        schema = searcher.schema  # ix.schema would re-read the table of contents
        plain = parse_query(query, schema, filters, pairs=False, in_text=in_text, scope=scope)
        q = with_pairs(plain, schema)
        ranked = _works(searcher, score_all(searcher, q))
        start = max(page - 1, 0) * limit
        hits: list[Hit] = []
        if sort != "relevance" or facets:  # every matching work's fields are needed
            hits = [_hit(*work) for work in ranked]
            for hit in hits:
                hit.load(searcher)
            shown = _sorted(hits, sort)[start : start + limit]
        else:
            shown = [_hit(*work) for work in ranked[start : start + limit]]
        chapter_col = searcher.reader().column_reader("chapter")
        for hit in shown:
            hit.load(searcher)
            hit.matches = sorted((Match(chapter_col[d]) for d in hit.docnums), key=_by_chapter)
        if shown:
            store = store or Store(archive_dir)
            if scope != "story":
                _add_note_snippets(shown, plain, schema, store)
            _add_snippets(shown, plain, schema, store, snippets_per_work)
        return SearchResult(len(ranked), shown, facet_counts(hits) if facets else {})


def _by_chapter(match: Match) -> int:
    return match.chapter


def _hit(work: bytes, score: float, docnum: int, docnums: list[int]) -> Hit:
    return Hit(work.decode("utf-8"), "", [], [], score, 0, "", "", docnum=docnum, docnums=docnums)


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


def _sorted(hits: list[Hit], sort: str) -> list[Hit]:
    if sort == "relevance":
        return hits  # already best first
    if sort == "title":
        return sorted(hits, key=lambda h: h.title.casefold())
    key = {"words": "words", "kudos": "kudos", "hits": "hits"}.get(sort)
    if key:
        return sorted(hits, key=lambda h: h.stored.get(key) or 0, reverse=True)
    return sorted(hits, key=lambda h: h.stored.get(sort) or "", reverse=True)


def _add_snippets(hits: list[Hit], q, schema, store: Store, per_work: int) -> None:
    """A snippet from each matching chapter's text (from the store), or the summary.

    Re-analysing a whole chapter to highlight it is slow in Python, so only the
    paragraphs whose folded text contains a query term's stem are analysed.
    """
    terms = {
        t.decode() if isinstance(t, bytes) else t for f, t in q.iter_all_terms() if f == "body"
    }
    phrases = [p for p in _phrases(q) if len(p) > 1]
    for hit in hits:
        wanted = [m for m in hit.matches if not m.snippet][:per_work] if terms else []
        if wanted:
            chapters = store.chapter_blocks(hit.id, [m.chapter for m in wanted])
            for match in wanted:
                blocks = chapters.get(match.chapter, [])
                match.snippet = (phrases and _phrase_snippet(blocks, phrases)) or _snippet(
                    blocks, terms
                )
        if hit.matches and not any(m.snippet for m in hit.matches):
            # matched on its tags or title, not its text: the summary says what it is
            hit.matches[0].snippet = " ".join(hit.stored.get("summary", "").split())[:240]
            hit.matches[0].source = "summary"


def _fold(text: str) -> str:
    return accent_fold(text.lower())


# The body analyzer's tokens, made fast: one C regex and a memo of stems (the
# same tokenizer and folding as the index; tests/test_index_search.py proves it).
_STEMS: dict[str, str] = {}


def _stem_of(word: str) -> str:
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) > 200_000:
            _STEMS.clear()
        found = _STEMS[word] = stem(accent_fold(word.lower()))
    return found


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that the index would file under `terms`."""
    return [m.span() for m in WORD.finditer(text) if _stem_of(m.group()) in terms]


def _snippet(blocks, terms: set[str], maxchars: int = 240, before: int = 60) -> str:
    """The window of up to `maxchars` holding the most distinct query words, marked.

    Whoosh's highlighter runs every token through its filter chain (about 1 ms
    a paragraph); this reads only paragraphs that can match, with cached stems.
    """
    # A stem can differ from its word in the last letter (happi/happy): probe without it.
    probes = {t[:-1] if len(t) > 4 else t for t in terms}
    texts = [b.text for b in blocks if b.text]
    candidates = [t for t in texts if any(p in _fold(t) for p in probes)]
    best: tuple[int, int, str, list[tuple[int, int]], int] | None = None
    for text in candidates[:12]:
        spans = term_spans(text, terms)
        for i, (anchor, _) in enumerate(spans):
            inside = [sp for sp in spans[i:] if sp[1] <= anchor + maxchars - before]
            distinct = len({_stem_of(text[a:b]) for a, b in inside})
            if best is None or (distinct, len(inside)) > (best[0], best[1]):
                best = (distinct, len(inside), text, inside, anchor)
        if best is not None and best[0] >= len(terms):
            break  # every query word is in view: no later paragraph can do better
    if best is None:
        return ""
    _, _, text, inside, anchor = best
    lo = _cut(text, max(0, anchor - before), forward=False)
    hi = _cut(text, min(len(text), lo + maxchars), forward=True)
    out, at = [], lo
    for a, b in inside:
        if b > hi:
            break
        out += [text[at:a], MARK_OPEN, text[a:b], MARK_CLOSE]
        at = b
    out.append(text[at:hi])
    return (("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")).strip()


def _phrases(q) -> list[tuple[str, ...]]:
    """The body phrases of a query (as analysed words), so a snippet can show
    the phrase itself rather than the paragraph with most of its common words."""
    if isinstance(q, Phrase):
        return [tuple(q.words)] if q.fieldname == "body" else []
    found: list[tuple[str, ...]] = []
    for child in q.children():
        found += _phrases(child)
    return found


def _phrase_snippet(blocks, phrases: list[tuple[str, ...]], surround: int = 90) -> str:
    """The first paragraph holding one of the phrases, cut around it, phrase marked whole."""
    probes = {w[:-1] if len(w) > 4 else w for p in phrases for w in p}
    for block in blocks:
        text = block.text
        if not text or not all(pr in _fold(text) for pr in probes):
            continue
        tokens = [(_stem_of(m.group()), *m.span()) for m in WORD.finditer(text)]
        words = [t[0] for t in tokens]
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i : i + n]) != phrase:
                    continue
                start, end = tokens[i][1], tokens[i + n - 1][2]
                lo = _cut(text, max(0, start - surround), forward=False)
                hi = _cut(text, min(len(text), end + surround), forward=True)
                return (
                    ("…" if lo > 0 else "")
                    + text[lo:start]
                    + MARK_OPEN
                    + text[start:end]
                    + MARK_CLOSE
                    + text[end:hi]
                    + ("…" if hi < len(text) else "")
                ).strip()
    return ""


def _cut(text: str, at: int, *, forward: bool) -> int:
    """Move a cut point to the nearest space so no word is split."""
    if at <= 0 or at >= len(text):
        return max(0, min(at, len(text)))
    if forward:
        nxt = text.find(" ", at)
        return len(text) if nxt == -1 else nxt
    prev = text.rfind(" ", 0, at)
    return 0 if prev == -1 else prev + 1


def _add_note_snippets(hits: list[Hit], q, schema, store: Store) -> None:
    """Where the words were found in a chapter's notes, not its text, show the note."""
    terms = {
        t.decode() if isinstance(t, bytes) else t for f, t in q.iter_all_terms() if f == "notes"
    }
    if not terms:
        return
    for hit in hits:
        work = store.get_work(hit.id)
        if work is None:
            continue
        last = len(work.chapters)
        for match in hit.matches:
            if match.snippet:
                continue
            notes = [
                n
                for n in work.notes
                if n.kind != "summary"
                and (
                    (n.position != "after" and match.chapter == 1)
                    or (n.position == "after" and match.chapter == last)
                )
            ]
            notes += next((c.notes for c in work.chapters if c.number == match.chapter), [])
            found = _snippet(notes, terms)
            if found:
                match.snippet, match.source = f"[note] {found}", "notes"
