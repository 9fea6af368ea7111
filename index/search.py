"""Search: chapter hits grouped into one row per work, with chapter snippets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight
from whoosh.query import Phrase
from whoosh.support.charset import accent_map

from crawler.errors import IndexingError
from index.indexer import SEP, Indexer
from index.query import check_query, parse_query, with_pairs
from index.store import Store

MARK_OPEN, MARK_CLOSE = "«", "»"
SORTS = ("relevance", "updated", "published", "words", "kudos", "hits", "title")


def accent_fold(text: str) -> str:
    return text.translate(accent_map)


class _MarkFormatter(highlight.Formatter):
    """Marks matched words «like this»: plain text, safe for JSON and terminals."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return f"{MARK_OPEN}{highlight.get_text(text, token, replace)}{MARK_CLOSE}"


@dataclass
class Match:
    chapter: int
    snippet: str = ""


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
            "matches": [{"chapter": m.chapter, "snippet": m.snippet} for m in self.matches],
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
    """Run a query; one Hit per work, best first (or by `sort`)."""
    check_query((query or "").strip())
    indexer = Indexer(archive_dir)
    if not indexer.exists():
        raise IndexingError(
            f"{indexer.dir}: there is no search index yet; run `ficarchive crawl`, "
            "`ficarchive import` or `ficarchive index --rebuild`"
        )
    ix = indexer.open()
    try:
        plain = parse_query(query, ix.schema, filters, pairs=False, in_text=in_text, scope=scope)
        q = with_pairs(plain, ix.schema)
        with ix.searcher() as searcher:
            results = searcher.search(q, limit=None)
            works: dict[str, Hit] = {}
            for r in results:
                f = r.fields()
                hit = works.get(f["work_id"])
                if hit is None:
                    hit = works[f["work_id"]] = Hit(
                        id=f["work_id"],
                        title=f.get("title", ""),
                        authors=_split(f.get("authors", "")),
                        fandoms=_split(f.get("fandoms", "")),
                        score=r.score or 0.0,
                        words=f.get("words", 0),
                        status=f.get("status", ""),
                        updated=f.get("updated", ""),
                        stored=f,
                    )
                hit.matches.append(Match(f["chapter"]))
            hits = _sorted(list(works.values()), sort)
            start = max(page - 1, 0) * limit
            shown = hits[start : start + limit]
            if shown:
                _add_snippets(shown, plain, results, store or Store(archive_dir), snippets_per_work)
                if scope != "story":
                    _add_note_snippets(shown, plain, results, store or Store(archive_dir))
            return SearchResult(len(hits), shown, facet_counts(hits) if facets else {})
    finally:
        ix.close()


def _sorted(hits: list[Hit], sort: str) -> list[Hit]:
    for h in hits:
        h.matches.sort(key=lambda m: m.chapter)
    if sort == "relevance":
        return hits  # Whoosh already returned the best chapter of each work first
    if sort == "title":
        return sorted(hits, key=lambda h: h.title.casefold())
    key = {"words": "words", "kudos": "kudos", "hits": "hits"}.get(sort)
    if key:
        return sorted(hits, key=lambda h: h.stored.get(key) or 0, reverse=True)
    return sorted(hits, key=lambda h: h.stored.get(sort) or "", reverse=True)


def _add_snippets(hits: list[Hit], q, results, store: Store, per_work: int) -> None:
    """A snippet from each matching chapter's text (from the store), or the summary.

    Re-analysing a whole chapter to highlight it is slow in Python, so only the
    paragraphs whose folded text contains a query term's stem are analysed.
    """
    fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
    formatter = _MarkFormatter()
    analyzer = results.searcher.schema["body"].analyzer
    terms = {
        t.decode() if isinstance(t, bytes) else t for f, t in q.iter_all_terms() if f == "body"
    }
    in_text = bool(terms)
    phrases = [p for p in _phrases(q) if len(p) > 1]
    for hit in hits:
        wanted = hit.matches[:per_work] if in_text else hit.matches[:1]
        if not in_text:
            for match in wanted:
                match.snippet = " ".join(hit.stored.get("summary", "").split())[:240]
            continue
        chapters = store.chapter_blocks(hit.id, [m.chapter for m in wanted])
        for match in wanted:
            blocks = chapters.get(match.chapter, [])
            match.snippet = (
                phrases and _phrase_snippet(blocks, phrases, terms, analyzer)
            ) or _snippet(blocks, terms, analyzer, fragmenter, formatter)
        if not any(m.snippet for m in wanted):  # matched on its tags or title, not its text
            wanted[0].snippet = " ".join(hit.stored.get("summary", "").split())[:240]


def _fold(text: str) -> str:
    return accent_fold(text.lower())


def _snippet(blocks, terms: set[str], analyzer, fragmenter, formatter) -> str:
    # A stem can differ from its word in the last letter (happi/happy): probe without it.
    probes = {t[:-1] if len(t) > 4 else t for t in terms}
    texts = [b.text for b in blocks if b.text]
    candidates = [t for t in texts if any(p in _fold(t) for p in probes)] or texts[:50]
    for text in candidates[:6]:
        found = highlight.highlight(text, terms, analyzer, fragmenter, formatter, top=1).strip()
        if found:
            return found
    return ""


def _phrases(q) -> list[tuple[str, ...]]:
    """The body phrases of a query (as analysed words), so a snippet can show
    the phrase itself rather than the paragraph with most of its common words."""
    if isinstance(q, Phrase):
        return [tuple(q.words)] if q.fieldname == "body" else []
    found: list[tuple[str, ...]] = []
    for child in q.children():
        found += _phrases(child)
    return found


def _phrase_snippet(
    blocks, phrases: list[tuple[str, ...]], terms: set[str], analyzer, surround: int = 90
) -> str:
    """The first paragraph holding one of the phrases, cut around it, phrase marked whole."""
    probes = {w[:-1] if len(w) > 4 else w for p in phrases for w in p}
    for block in blocks:
        text = block.text
        if not text or not all(pr in _fold(text) for pr in probes):
            continue
        tokens = [
            (t.text, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True, mode="index")
        ]
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


def _add_note_snippets(hits: list[Hit], q, results, store: Store) -> None:
    """Where the words were found in a chapter's notes, not its text, show the note."""
    terms = {
        t.decode() if isinstance(t, bytes) else t for f, t in q.iter_all_terms() if f == "notes"
    }
    if not terms:
        return
    analyzer = results.searcher.schema["notes"].analyzer
    fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
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
            found = _snippet(notes, terms, analyzer, fragmenter, _MarkFormatter())
            if found:
                match.snippet = f"[note] {found}"
