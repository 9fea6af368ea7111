"""`search --history`: text that readers no longer see, found in older versions.

Chapter texts found only in older versions are indexed apart, in
`<archive>/index-history`, as documents of their work whose chapter number says
which version and chapter they were (version * STRIDE + chapter), so the main
index and every ordinary search stay exactly as they were.
"""

from __future__ import annotations

from dataclasses import replace

from crawler.models import Block, Chapter, Work
from index.backend import ChapterTexts
from index.search import Hit, Match, SearchRequest, SearchResult

HISTORY_DIR = "index-history"
STRIDE = 100_000


def history_work(work: Work, texts: list[tuple[int, int, Chapter]]) -> Work:
    """The work as the history index keeps it: its older chapters, numbered by version."""
    chapters = [replace(c, number=v * STRIDE + n, notes=[]) for v, n, c in texts]
    return replace(work, chapters=chapters, notes=[])


class HistoryTexts:
    """Snippets for history hits are cut from the older versions' own texts."""

    def __init__(self, texts: ChapterTexts) -> None:
        self.texts = texts

    def chapter_blocks(self, work_id: str, numbers: list[int]) -> dict[int, list[Block]]:
        found = {v * STRIDE + n: c.blocks for v, n, c in self.texts.history_texts(work_id)}
        return {n: found[n] for n in numbers if n in found}

    def get_work(self, work_id: str) -> Work | None:
        return None


def merge(main: SearchResult, old: SearchResult, request: SearchRequest) -> SearchResult:
    """One result: works that match now, and works that matched in an older version, each
    history match saying which version and chapter it is from."""
    hits: dict[str, Hit] = {h.id: h for h in main.hits}
    extra = 0
    for hit in old.hits:
        matches = [_from_history(m) for m in hit.matches]
        if hit.id in hits:
            hits[hit.id].matches += matches
            continue
        extra += 1
        hits[hit.id] = replace(hit, matches=matches)
    ranked = sorted(hits.values(), key=lambda h: -h.score)
    found = SearchResult(main.total + extra, ranked[: request.limit], main.facets)
    found.suggestion = None if found.total else main.suggestion
    return found


def _from_history(match: Match) -> Match:
    version, chapter = divmod(match.chapter, STRIDE)
    snippet = f"[version {version}] {match.snippet}" if match.snippet else ""
    return Match(chapter, snippet, "history")
