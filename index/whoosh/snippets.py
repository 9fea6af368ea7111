"""Snippets: the words of a hit marked «like this» in the chapter they are in.

Re-analysing a whole chapter to highlight it is slow in Python, so only the
paragraphs whose folded text can hold a query term are analysed, with the same
tokenizer and stem memo as the index (index/whoosh/analysis.py).
"""

from __future__ import annotations

from crawler.models import Work
from index.backend import ChapterTexts
from index.search import MARK_CLOSE, MARK_OPEN, Hit
from index.whoosh.analysis import WORD, fold, stem_of
from index.whoosh.compile import phrases_of


def add_snippets(hits: list[Hit], q, texts: ChapterTexts, per_work: int) -> None:
    """A snippet from each matching chapter's text (from the store).

    A match in the work's metadata (chapter 0) has its snippet already
    (index/whoosh/attribution.py).

    Re-analysing a whole chapter to highlight it is slow in Python, so only the
    paragraphs whose folded text contains a query term's stem are analysed.
    """
    terms = {
        t.decode() if isinstance(t, bytes) else t for f, t in q.iter_all_terms() if f == "body"
    }
    phrases = [p for p in phrases_of(q) if len(p) > 1]
    for hit in hits:
        wanted = [m for m in hit.matches if m.chapter and not m.snippet][:per_work] if terms else []
        if wanted:
            chapters = texts.chapter_blocks(hit.id, [m.chapter for m in wanted])
            for match in wanted:
                blocks = chapters.get(match.chapter, [])
                match.snippet = (phrases and _phrase_snippet(blocks, phrases)) or _snippet(
                    blocks, terms
                )


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that the index would file under `terms`."""
    return [m.span() for m in WORD.finditer(text) if stem_of(m.group()) in terms]


def _snippet(blocks, terms: set[str], maxchars: int = 240, before: int = 60) -> str:
    """The window of up to `maxchars` holding the most distinct query words, marked.

    Whoosh's highlighter runs every token through its filter chain (about 1 ms
    a paragraph); this reads only paragraphs that can match, with cached stems.
    """
    # A stem can differ from its word in the last letter (happi/happy): probe without it.
    probes = {t[:-1] if len(t) > 4 else t for t in terms}
    texts = [b.text for b in blocks if b.text]
    # Folded as they are read: a common word's first paragraph already holds it.
    candidates = (t for t in texts if any(p in fold(t) for p in probes))
    best: tuple[int, int, str, list[tuple[int, int]], int] | None = None
    for n, text in enumerate(candidates):
        if n >= 12 and best is not None:
            break
        spans = term_spans(text, terms)
        stems = [stem_of(text[a:b]) for a, b in spans]
        # A window sliding along the paragraph, spans[i:j] with their stems counted:
        # each span enters and leaves once, so a paragraph of 12,000 matching words is
        # read in linear time (a window rebuilt per anchor took 25 s of CPU there).
        counts: dict[str, int] = {}
        j = 0
        for i, (anchor, _) in enumerate(spans):
            if i and j >= i:  # spans[i - 1] was in the window: it leaves
                left = stems[i - 1]
                counts[left] -= 1
                if not counts[left]:
                    del counts[left]
            j = max(j, i)
            while j < len(spans) and spans[j][1] <= anchor + maxchars - before:
                counts[stems[j]] = counts.get(stems[j], 0) + 1
                j += 1
            if best is None or (len(counts), j - i) > (best[0], best[1]):
                best = (len(counts), j - i, text, spans[i:j], anchor)
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


def _phrase_snippet(blocks, phrases: list[tuple[str, ...]], surround: int = 90) -> str:
    """The first paragraph holding one of the phrases, cut around it, phrase marked whole."""
    probes = {w[:-1] if len(w) > 4 else w for p in phrases for w in p}
    for block in blocks:
        text = block.text
        if not text or not all(pr in fold(text) for pr in probes):
            continue
        tokens = [(stem_of(m.group()), *m.span()) for m in WORD.finditer(text)]
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


def add_note_snippets(hits: list[Hit], q, texts: ChapterTexts) -> None:
    """Where the words were found in a chapter's notes, not its text, show the note."""
    terms = {
        t.decode() if isinstance(t, bytes) else t for f, t in q.iter_all_terms() if f == "notes"
    }
    if not terms:
        return
    for hit in hits:
        work = texts.get_work(hit.id)
        if work is None:
            continue
        for match in hit.matches:
            if match.chapter and not match.snippet:
                found = _snippet(_notes_of(work, match.chapter), terms)
                if found:
                    match.snippet, match.source = f"[note] {found}", "notes"


def _notes_of(work: Work, number: int) -> list:
    """The notes indexed with this chapter: the work's notes beside it, then its own."""
    own = next((c.notes for c in work.chapters if c.number == number), [])
    return [*work.notes_beside(number), *own]
