"""Plain text: a metadata header, underlined chapter headings, "[Label] …" notes.

Paragraphs are not hard-wrapped: phones and e-readers reflow them, and grep still finds
a phrase. Only the scene break is centred, within 72 columns.
"""

from __future__ import annotations

from collections.abc import Mapping

from crawler.models import Block, Chapter, Note, Work
from search_cli.export.common import (
    byline,
    chapter_heading,
    chapter_notes,
    clean_text,
    meta_lines,
    shown_label,
    split_paragraphs,
    work_notes,
    work_title,
)
from search_cli.export.format import ExportFormat

WIDTH = 72
SCENE_BREAK = "* * *".center(WIDTH).rstrip()


def _text(text: str) -> str:
    return "\n".join(line.rstrip() for line in clean_text(text).strip().split("\n"))


def _underline(text: str, char: str) -> str:
    return f"{text}\n{char * min(max(len(text), 3), WIDTH)}"


def _block(block: Block) -> str:
    kind, text = block.type, block.text
    if kind == "scene_break":
        return SCENE_BREAK
    if kind == "heading":
        return _text(text).upper()
    if kind == "quote":
        return "\n".join(f"    {line}" for line in _text(text).split("\n"))
    if kind == "list_item":
        return f"  - {_text(text)}"
    if kind == "preformatted":
        return clean_text(text).rstrip()
    if kind == "image":
        return f"[Image: {_text(text) or 'untitled'}]"
    return _text(text)


def _note(note: Note) -> str:
    paras = split_paragraphs(note.text)
    name = shown_label(note)
    return (f"[{name}] " if name else "") + "\n\n".join(paras)


def _notes(notes: list[Note]) -> list[str]:
    return [_note(n) for n in notes if n.text.strip()]


def _chapter(chapter: Chapter, *, notes: bool) -> list[str]:
    before, after = chapter_notes(chapter, notes)
    out = [_underline(chapter_heading(chapter), "-"), *_notes(before)]
    out += [_block(b) for b in chapter.blocks]
    return out + _notes(after)


def _work(work: Work, *, notes: bool, archived_at: str | None) -> list[str]:
    rows = meta_lines(work, archived_at)
    width = max((len(k) for k, _ in rows), default=0) + 1
    out = [
        _underline(work_title(work), "="),
        f"by {byline(work)}",
        "\n".join(f"{k + ':':<{width}} {' '.join(v.split())}" for k, v in rows),
    ]
    if work.summary.strip():
        out.append(_note(Note("summary", "before", work.summary)))
    front, back = work_notes(work, notes)
    out += _notes(front)
    for ch in work.chapters:
        out += _chapter(ch, notes=notes)
    return out + _notes(back)


def render_text(work: Work, *, notes: bool = True, archived_at: str | None = None) -> str:
    return "\n\n".join(p for p in _work(work, notes=notes, archived_at=archived_at) if p) + "\n"


def render_text_anthology(
    works: list[Work],
    *,
    notes: bool = True,
    title: str,
    archived: Mapping[str, str] | None = None,
) -> str:
    parts = [_underline(" ".join(clean_text(title).split()), "#")]
    for work in works:
        parts += ["=" * WIDTH, *_work(work, notes=notes, archived_at=(archived or {}).get(work.id))]
    return "\n\n".join(p for p in parts if p) + "\n"


FORMAT = ExportFormat(
    name="txt",
    extension="txt",
    description="plain text: a metadata header, then the chapters",
    render=render_text,
    render_anthology=render_text_anthology,
)
