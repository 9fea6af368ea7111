"""Markdown: metadata header, chapters as headings, notes as labelled blockquotes.

Story text is escaped so a line like "* * *", "# 1" or "<b>" in the prose stays prose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from crawler.models import Block, Chapter, Note, Work
from search_cli.export.common import (
    byline,
    chapter_heading,
    chapter_notes,
    clean_text,
    meta_lines,
    note_label,
    split_paragraphs,
    work_notes,
    work_title,
)

SCENE_BREAK = "* * *"
# Characters with meaning anywhere on a line (emphasis, code, links, raw HTML).
_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
# Line starts that open a block: headings, quotes, lists, rules, setext underlines.
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")


def md_escape(line: str) -> str:
    """Escape one line of plain text so Markdown shows it literally."""
    line = _INLINE.sub(r"\\\1", clean_text(line).strip())
    return _LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], line)


def _para(text: str, prefix: str = "") -> str:
    lines = [md_escape(line) for line in text.split("\n") if line.strip()]
    # A backslash at the end of a line is a hard break that survives editors trimming spaces.
    return "\\\n".join(f"{prefix}{line}" if i else line for i, line in enumerate(lines))


def _block(block: Block) -> str:
    kind, text = block.type, block.text
    if kind == "scene_break":
        return SCENE_BREAK
    if kind == "heading":
        return f"### {md_escape(' '.join(text.split()))}"
    if kind == "quote":
        return "\n".join(f"> {md_escape(line)}" for line in text.split("\n") if line.strip())
    if kind == "list_item":
        return f"- {_para(text, '  ')}"
    if kind == "preformatted":
        longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}text\n{clean_text(text)}\n{fence}"
    if kind == "image":
        return f"\\[Image: {md_escape(text) or 'untitled'}\\]"
    return _para(text)


def _note(note: Note) -> str:
    paras = split_paragraphs(note.text) or [""]
    first = f"> **{note_label(note.kind)}:** {_para(paras[0], '> ')}".rstrip()
    rest = [f">\n> {_para(p, '> ')}" for p in paras[1:]]
    return "\n".join([first, *rest])


def _notes(notes: list[Note]) -> list[str]:
    return [_note(n) for n in notes if n.text.strip()]


def _chapter(chapter: Chapter, *, notes: bool, level: int) -> list[str]:
    before, after = chapter_notes(chapter, notes)
    out = [f"{'#' * level} {md_escape(chapter_heading(chapter))}", *_notes(before)]
    out += [_block(b) for b in chapter.blocks]
    out += _notes(after)
    return out


def _work(work: Work, *, notes: bool, archived_at: str | None, level: int) -> list[str]:
    out = [f"{'#' * level} {md_escape(work_title(work))}", f"by {md_escape(byline(work))}"]
    out.append("\n".join(f"- **{k}:** {md_escape(v)}" for k, v in meta_lines(work, archived_at)))
    if work.summary.strip():
        out.append(_note(Note("summary", "before", work.summary)))
    front, back = work_notes(work, notes)
    out += _notes(front)
    for ch in work.chapters:
        out += _chapter(ch, notes=notes, level=level + 1)
    out += _notes(back)
    return out


def render_markdown(work: Work, *, notes: bool = True, archived_at: str | None = None) -> str:
    return (
        "\n\n".join(p for p in _work(work, notes=notes, archived_at=archived_at, level=1) if p)
        + "\n"
    )


def render_markdown_anthology(
    works: list[Work],
    *,
    notes: bool = True,
    title: str,
    archived: Mapping[str, str] | None = None,
) -> str:
    parts = [f"# {md_escape(title)}"]
    for work in works:
        parts.append("---")
        parts += _work(work, notes=notes, archived_at=(archived or {}).get(work.id), level=2)
    return "\n\n".join(p for p in parts if p) + "\n"
