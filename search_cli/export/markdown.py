"""Markdown: metadata header, chapters as headings, notes as labelled blockquotes.

Story text is escaped so a line like "* * *", "# 1" or "<b>" in the prose stays prose.
Inline marks come back as `*em*`, `**strong**`, `~~strike~~`, `` `code` `` and
`[text](href)` (see md_inline), underline, sup and sub as inline HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from crawler.models import Block, Chapter, Mark, Note, Work
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
from search_cli.export.inline import usable_marks
from search_cli.export.md_inline import escape_run, md_inline

SCENE_BREAK = "* * *"


def md_escape(line: str) -> str:
    """Escape one line of plain text so Markdown shows it literally."""
    return escape_run(clean_text(line).strip(), line_start=True, line_end=True)


def _lines(text: str, marks: tuple[Mark, ...]) -> list[str]:
    """Each non-blank line of text, stripped, escaped and with its marks."""
    pending = sorted(usable_marks(text, marks), key=lambda m: m.start, reverse=True)
    out: list[str] = []
    live: list[Mark] = []  # the marks that reach the current line: a sweep, not a search
    lo = 0
    for line in text.split("\n"):
        hi = lo + len(line)
        while pending and pending[-1].start < hi:
            live.append(pending.pop())
        live = [m for m in live if m.end > lo]
        start, end = lo + len(line) - len(line.lstrip()), lo + len(line.rstrip())
        if start < end:
            out.append(md_inline(text, live, start, end))
        lo = hi + 1
    return out


def _para(text: str, prefix: str = "", marks: tuple[Mark, ...] = ()) -> str:
    lines = _lines(text, marks)
    # A backslash at the end of a line is a hard break that survives editors trimming spaces.
    return "\\\n".join(f"{prefix}{line}" if i else line for i, line in enumerate(lines))


def _squash(text: str, marks: tuple[Mark, ...]) -> tuple[str, tuple[Mark, ...]]:
    """Whitespace runs as one space, ends stripped, marks moved to match."""
    out: list[str] = []
    at = [0] * (len(text) + 1)  # old offset -> new offset
    for i, ch in enumerate(text):
        at[i] = len(out)
        if not ch.isspace():
            out.append(ch)
        elif out and out[-1] != " ":
            out.append(" ")
    if out and out[-1] == " ":
        out.pop()
    at = [min(a, len(out)) for a in at[: len(text)]] + [len(out)]
    moved = tuple(
        Mark(m.kind, at[m.start], at[m.end], m.href)
        for m in marks
        if isinstance(m.start, int) and isinstance(m.end, int) and 0 <= m.start < m.end <= len(text)
    )
    return "".join(out), moved


def block_markdown(block: Block) -> str:
    """One story block as Markdown, inline marks restored; unknown types read as paragraphs."""
    kind, text, marks = block.type, block.text, tuple(block.marks or ())
    if kind == "scene_break":
        return SCENE_BREAK
    if kind == "heading":
        line, moved = _squash(text, marks)
        return f"### {md_inline(line, moved, 0, len(line))}"
    if kind == "quote":
        body = _para(text, "> ", marks)  # hard breaks, as the HTML export shows the lines
        return f"> {body}" if body else ""
    if kind == "list_item":
        return f"- {_para(text, '  ', marks)}"
    if kind == "preformatted":
        longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}text\n{clean_text(text)}\n{fence}"
    if kind == "image":
        return f"\\[Image: {md_escape(text) or 'untitled'}\\]"
    return _para(text, marks=marks)


def _note(note: Note) -> str:
    paras = split_paragraphs(note.text) or [""]
    name = shown_label(note)
    label = f"**{name}:** " if name else ""
    first = f"> {label}{_para(paras[0], '> ')}".rstrip()
    rest = [f">\n> {_para(p, '> ')}" for p in paras[1:]]
    return "\n".join([first, *rest])


def _notes(notes: list[Note]) -> list[str]:
    return [_note(n) for n in notes if n.text.strip()]


def _chapter(chapter: Chapter, *, notes: bool, level: int) -> list[str]:
    before, after = chapter_notes(chapter, notes)
    out = [f"{'#' * level} {md_escape(chapter_heading(chapter))}", *_notes(before)]
    out += [block_markdown(b) for b in chapter.blocks]
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


FORMAT = ExportFormat(
    name="md",
    extension="md",
    description="Markdown",
    render=render_markdown,
    render_anthology=render_markdown_anthology,
)
