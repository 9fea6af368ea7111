"""What changed between two versions of a work, and what readers see after it.

An author's edit or deletion never takes a word from the reader: a new version
is compared with what readers see now, chapter by chapter; chapters gone
upstream stay in the reader's view, marked with the day they went; a version
that would leave readers with less than half the words is kept but held back.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from crawler.models import Chapter, Work


def _sha1(text: str) -> str:
    import hashlib  # here: OpenSSL's start-up costs a search or a show 5 ms (issue 19)

    return hashlib.sha1(text.encode()).hexdigest()


def content_hash(work: Work) -> str:
    """The work's text and metadata, less the counts that change daily (kudos, hits)."""
    data = work.to_dict()
    data.pop("status", None)
    for key in ("kudos", "hits", "bookmarks", "comments"):
        data.pop(key, None)
    return _sha1(json.dumps(data, sort_keys=True))


# A new version holding less than this share of the words readers see is held back.
HOLD_BELOW = 0.5


def chapter_hash(chapter: Chapter) -> str:
    """A chapter's content (title, blocks, notes), the key it is stored under once."""
    data = chapter.to_dict()
    data.pop("number", None)
    data.pop("removed_upstream", None)
    return _sha1(json.dumps(data, sort_keys=True))


@dataclass(frozen=True)
class ChapterNote:
    """One chapter as a change names it."""

    number: int
    title: str
    words: int

    def to_dict(self) -> dict[str, Any]:
        return {"chapter": self.number, "title": self.title, "words": self.words}


@dataclass
class Change:
    """How a new version differs from what readers saw."""

    added: list[ChapterNote] = field(default_factory=list)
    removed: list[ChapterNote] = field(default_factory=list)
    changed: list[ChapterNote] = field(default_factory=list)
    retitled: tuple[str, str] | None = None
    words_before: int = 0
    words_after: int = 0
    held: bool = False  # kept as a version, not shown (it loses most of the words)
    version: int = 0
    shown: int = 0  # the version readers see after this change

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.retitled)

    def summary(self) -> str:
        """One line for a person: `+2 chapters (12-13, 8,400 words)`, `chapter 3 removed…`."""
        if self.held:
            return (
                f"now {self.words_after:,} words, was {self.words_before:,};"
                f" kept version {self.shown} as current (version {self.version} is kept too:"
                " `ficarchive versions` shows both)"
            )
        parts = []
        if self.added:
            words = sum(c.words for c in self.added)
            span = _span([c.number for c in self.added])
            noun = "chapter" if len(self.added) == 1 else "chapters"
            parts.append(f"+{len(self.added)} {noun} ({span}, {words:,} words)")
        for c in self.removed:
            parts.append(f"chapter {c.number} removed upstream, kept")
        if self.changed:
            span = _span([c.number for c in self.changed])
            parts.append(f"chapter {span} rewritten" if len(self.changed) == 1 else
                         f"chapters {span} rewritten")  # fmt: skip
        if self.retitled:
            parts.append(f"retitled, was {self.retitled[0]!r}")
        return "; ".join(parts) or "metadata changed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "shown_version": self.shown,
            "held": self.held,
            "added": [c.to_dict() for c in self.added],
            "removed": [c.to_dict() for c in self.removed],
            "changed": [c.to_dict() for c in self.changed],
            "retitled_from": self.retitled[0] if self.retitled else None,
            "words_before": self.words_before,
            "words_after": self.words_after,
            "summary": self.summary(),
        }


def _span(numbers: list[int]) -> str:
    if not numbers:
        return ""
    lo, hi = min(numbers), max(numbers)
    if hi - lo + 1 == len(numbers) and lo != hi:
        return f"{lo}-{hi}"
    return ", ".join(str(n) for n in numbers)


def _note(chapter: Chapter, number: int | None = None) -> ChapterNote:
    return ChapterNote(number if number is not None else chapter.number, chapter.title,
                       chapter.words)  # fmt: skip


def _script(old: list[Chapter], new: list[Chapter]) -> list[tuple[int | None, int | None]]:
    """Old and new chapters in reading order, matched: unchanged ones by content; in a
    stretch that differs, by title, then by position (a rewrite); the rest were added
    (old None) or removed upstream (new None), each where it stood."""
    keys_old = [chapter_hash(c) for c in old]
    keys_new = [chapter_hash(c) for c in new]
    out: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += list(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        partner: dict[int, int] = {}
        free = list(range(j1, j2))
        for a in range(i1, i2):  # the same title: the same chapter, rewritten
            b = next((b for b in free if new[b].title and new[b].title == old[a].title), None)
            if b is not None:
                partner[a] = b
                free.remove(b)
        unpaired = [a for a in range(i1, i2) if a not in partner]
        if len(unpaired) == len(free) or not any(old[a].title for a in unpaired):
            for a, b in zip(unpaired, list(free), strict=False):  # by position
                partner[a] = b
                free.remove(b)
        out += _merge_stretch(range(i1, i2), partner, free)
    return out


def _merge_stretch(
    olds: range, partner: dict[int, int], added: list[int]
) -> list[tuple[int | None, int | None]]:
    """One differing stretch in reading order: new chapters by their order, a removed
    chapter just after the chapter that stood before it."""
    rows: list[tuple[float, int | None, int | None]] = []
    last = float(min([*partner.values(), *added], default=0)) - 1
    for a in olds:
        if a in partner:
            last = float(partner[a])
            rows.append((last, a, partner[a]))
        else:
            rows.append((last + 0.5, a, None))
    rows += [(float(b), None, b) for b in added]
    return [(a, b) for _, a, b in sorted(rows, key=lambda r: r[0])]


def view_after(shown: Work | None, new: Work, today: str) -> tuple[Work, Change]:
    """What readers see once `new` arrives, and the change it makes.

    Chapters gone upstream stay, marked removed on `today`; chapters marked by an
    earlier version stay where they stood. The view is numbered in reading order.
    """
    change = Change(words_after=new.words)
    if shown is None:
        change.added = [_note(c) for c in new.chapters]
        return new, change
    live = [c for c in shown.chapters if not c.removed_at]
    change.words_before = sum(c.words for c in live)
    if change.words_before and new.words < change.words_before * HOLD_BELOW:
        change.held = True
        return shown, change
    if shown.title != new.title:
        change.retitled = (shown.title, new.title)
    earlier = _removed_after(shown)
    ordered: list[tuple[Chapter, str]] = list(earlier.get(None, []))
    for a, b in _script(live, new.chapters):
        if b is None:
            ordered.append((replace(live[a], removed_at=today), "removed"))
        else:
            kind = (
                "added"
                if a is None
                else (
                    "same" if chapter_hash(live[a]) == chapter_hash(new.chapters[b]) else "changed"
                )
            )
            ordered.append((new.chapters[b], kind))
        if a is not None:
            ordered += earlier.get(a, [])
    numbered = []
    for n, (chapter, kind) in enumerate(ordered, 1):
        numbered.append(replace(chapter, number=n))
        if kind in ("added", "changed", "removed"):
            getattr(change, kind).append(_note(chapter, n))
    return replace(new, chapters=numbered), change


def _removed_after(shown: Work) -> dict[int | None, list[tuple[Chapter, str]]]:
    """Chapters an earlier version marked removed, by the live chapter before them."""
    out: dict[int | None, list[tuple[Chapter, str]]] = {}
    live_index: int | None = None
    count = 0
    for chapter in shown.chapters:
        if chapter.removed_at:
            out.setdefault(live_index, []).append((chapter, "kept"))
        else:
            live_index = count
            count += 1
    return out


def word_diff(old: str, new: str, context: int = 8) -> list[str]:
    """Lines of a word-level diff: unchanged runs shortened, `[-gone-]` and `{+new+}`."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            run = a[i1:i2]
            if len(run) > 2 * context:
                run = [*run[:context], "…", *run[-context:]]
            out.append(" ".join(run))
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return out


@dataclass(frozen=True)
class ChapterDiff:
    """One chapter between two versions: added, removed, changed or the same."""

    kind: str
    old: int | None  # its number in the older version
    new: int | None  # its number in the newer one
    title: str
    words_old: int
    words_new: int
    diff: tuple[str, ...] = ()  # a word-level diff, for a changed chapter

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old_chapter": self.old,
            "new_chapter": self.new,
            "title": self.title,
            "words_old": self.words_old,
            "words_new": self.words_new,
            "diff": list(self.diff),
        }


def diff_works(old: Work, new: Work) -> list[ChapterDiff]:
    """Which chapters were added, removed or changed from `old` to `new`, in order."""
    out = []
    for a, b in _script(old.chapters, new.chapters):
        was = old.chapters[a] if a is not None else None
        now = new.chapters[b] if b is not None else None
        if was is None:
            out.append(ChapterDiff("added", None, now.number, now.title, 0, now.words))
        elif now is None:
            out.append(ChapterDiff("removed", was.number, None, was.title, was.words, 0))
        elif chapter_hash(was) == chapter_hash(now):
            out.append(ChapterDiff("same", was.number, now.number, now.title, was.words,
                                   now.words))  # fmt: skip
        else:
            lines = tuple(word_diff(was.text, now.text))
            out.append(ChapterDiff("changed", was.number, now.number, now.title, was.words,
                                   now.words, lines))  # fmt: skip
    return out
