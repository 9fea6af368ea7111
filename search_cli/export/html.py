"""Self-contained HTML: one file per work, inline CSS, no scripts, nothing fetched.

The fragment builders here are XHTML-clean (escaped text, self-closed voids) so the EPUB
writer reuses them for its chapter files.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import urlsplit

from crawler.models import Block, Chapter, Note, Work
from search_cli.export.common import (
    byline,
    chapter_heading,
    chapter_notes,
    clean_text,
    language_code,
    list_runs,
    merge_css,
    meta_lines,
    shown_label,
    split_paragraphs,
    work_notes,
    work_title,
)
from search_cli.export.format import ExportFormat
from search_cli.export.inline import marks_html
from search_cli.export.sanitize import sanitize_fragment

# A lozenge is in WGL4, so every e-reader and browser font draws it (U+2042 "⁂" is not).
SCENE_BREAK = '<p class="scene-break" role="separator">◊ ◊ ◊</p>'

# Serif, inherited colours (dark themes and e-ink both work), sizes in em, no floats or
# generated content for the shared part: readers' CSS support is uneven.
BASE_CSS = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; }
h1, h2, h3 { line-height: 1.25; font-weight: bold; page-break-after: avoid; }
h1 { font-size: 1.6em; text-align: center; margin: 1em 0 0.25em; }
h2 { font-size: 1.3em; margin: 1.5em 0 0.75em; }
h3 { font-size: 1.1em; }
p { margin: 0 0 0.8em; orphans: 2; widows: 2; }
p.byline { text-align: center; font-style: italic; margin-bottom: 1.5em; }
p.scene-break { text-align: center; margin: 1.2em 0; text-indent: 0; page-break-inside: avoid; }
aside.note { border-left: 0.2em solid; padding: 0.2em 0 0.2em 0.8em; margin: 1em 0;
  font-size: 0.95em; }
aside.note p.note-label { font-weight: bold; margin-bottom: 0.3em; }
dl.meta { margin: 1em 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0 0 0.4em 1.5em; }
blockquote { margin: 1em 1.5em; }
pre { white-space: pre-wrap; font-family: monospace; }
p.image { font-style: italic; text-align: center; }
nav.toc ol { padding-left: 1.5em; }
"""
# A browser window is wide: cap the line length and set the labels beside their values.
CSS = merge_css(
    BASE_CSS,
    """
body { margin: 0 auto; padding: 0 1em; max-width: 40em; }
dl.meta dt { float: left; clear: left; margin-right: 0.5em; }
dl.meta dt::after { content: ":"; }
dl.meta dd { margin: 0 0 0.3em 0; }
article.work { margin-bottom: 3em; }
""",
)


def esc(text: str) -> str:
    """Escape text for an element body (quotes are safe there; titles stay readable)."""
    return escape(clean_text(text), quote=False)


def attr(text: str) -> str:
    return escape(clean_text(text), quote=True)


def _lines(text: str) -> str:
    return "<br/>".join(esc(line) for line in text.split("\n"))


def block_html(block: Block) -> str:
    """One story block as XHTML, inline marks restored; unknown types read as paragraphs."""
    kind, text = block.type, block.text
    if kind == "scene_break":
        return SCENE_BREAK
    if kind == "image":
        # Remote images are never loaded: a reading copy must not phone home.
        return f'<p class="image">[Image: {esc(text) or "untitled"}]</p>'
    if kind == "heading":
        return f"<h3>{marks_html(text, block.marks, breaks=False)}</h3>"
    if kind == "preformatted":
        return f"<pre>{marks_html(text, block.marks, breaks=False)}</pre>"
    body = marks_html(text, block.marks)
    if kind == "quote":
        return f"<blockquote><p>{body}</p></blockquote>"
    if kind == "list_item":
        return f"<ul><li>{body}</li></ul>"
    return f"<p>{body}</p>"


def blocks_html(blocks: list[Block]) -> str:
    out = []
    for is_list, run in list_runs(blocks):
        if is_list:
            items = "".join(f"<li>{marks_html(b.text, b.marks)}</li>" for b in run)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(block_html(run[0]))
    return "\n".join(out)


def note_html(note: Note) -> str:
    paras = "".join(f"<p>{_lines(p)}</p>" for p in split_paragraphs(note.text))
    name = shown_label(note)
    label = f'<p class="note-label">{esc(name)}</p>' if name else ""
    return f'<aside class="note note-{attr(note.kind)}">{label}{paras}</aside>'


def notes_html(notes: list[Note]) -> str:
    return "\n".join(note_html(n) for n in notes if n.text.strip())


def _link(url: str) -> str:
    if urlsplit(url).scheme in ("http", "https"):
        return f'<a href="{attr(url)}">{esc(url)}</a>'
    return esc(url)


def title_page_html(work: Work, *, notes: bool, archived_at: str | None, level: int = 1) -> str:
    """Title, byline, metadata list, summary and the work's front notes."""
    rows = "".join(
        f"<dt>{esc(k)}</dt><dd>{_link(v) if k == 'Source' else esc(v)}</dd>"
        for k, v in meta_lines(work, archived_at)
    )
    parts = [
        f"<h{level}>{esc(work_title(work))}</h{level}>",
        f'<p class="byline">by {esc(byline(work))}</p>',
        f'<dl class="meta">{rows}</dl>',
    ]
    if work.summary.strip():
        parts.append(note_html(Note("summary", "before", work.summary)))
    front, _ = work_notes(work, notes)
    parts.append(notes_html(front))
    return "\n".join(p for p in parts if p)


def chapter_html(chapter: Chapter, *, notes: bool, anchor: str = "", level: int = 2) -> str:
    """Heading, notes that stood before, the text, notes that stood after."""
    before, after = chapter_notes(chapter, notes)
    ident = f' id="{attr(anchor)}"' if anchor else ""
    return "\n".join(
        p
        for p in (
            f"<h{level}{ident}>{esc(chapter_heading(chapter))}</h{level}>",
            notes_html(before),
            blocks_html(chapter.blocks),
            notes_html(after),
        )
        if p
    )


def _work_article(work: Work, *, notes: bool, archived_at: str | None, prefix: str) -> str:
    level = 2 if prefix else 1
    toc = "".join(
        f'<li><a href="#{prefix}c{c.number}">{esc(chapter_heading(c))}</a></li>'
        for c in work.chapters
    )
    parts = [title_page_html(work, notes=notes, archived_at=archived_at, level=level)]
    if len(work.chapters) > 1:
        parts.append(f'<nav class="toc"><ol>{toc}</ol></nav>')
    for ch in work.chapters:
        parts.append(chapter_html(ch, notes=notes, anchor=f"{prefix}c{ch.number}", level=level + 1))
    parts.append(notes_html(work_notes(work, notes)[1]))
    return "\n".join(p for p in parts if p)


def _document(title: str, lang: str, body: str) -> str:
    body = sanitize_fragment(body)
    # The CSP forbids scripts and any fetch, a second lock behind the sanitizer.
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{attr(lang)}">\n<head>\n<meta charset="utf-8"/>\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\"/>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def render_html(work: Work, *, notes: bool = True, archived_at: str | None = None) -> str:
    body = _work_article(work, notes=notes, archived_at=archived_at, prefix="")
    return _document(work_title(work), language_code(work.meta.language), body)


def render_html_anthology(
    works: list[Work],
    *,
    notes: bool = True,
    title: str,
    archived: Mapping[str, str] | None = None,
) -> str:
    toc = "".join(
        f'<li><a href="#w{i}">{esc(work_title(w))}</a> by {esc(byline(w))}</li>'
        for i, w in enumerate(works, 1)
    )
    dates = archived or {}
    articles = "\n".join(
        f'<article class="work" id="w{i}">\n'
        + _work_article(w, notes=notes, archived_at=dates.get(w.id), prefix=f"w{i}-")
        + "\n</article>"
        for i, w in enumerate(works, 1)
    )
    body = f'<h1>{esc(title)}</h1>\n<nav class="toc"><ol>{toc}</ol></nav>\n{articles}'
    langs = {language_code(w.meta.language) for w in works}
    return _document(title, langs.pop() if len(langs) == 1 else "und", body)


FORMAT = ExportFormat(
    name="html",
    extension="html",
    description="one self-contained web page, no scripts",
    render=render_html,
    render_anthology=render_html_anthology,
)
