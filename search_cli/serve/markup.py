"""Story text and snippets as page markup, and the template environment.

Everything from a stranger reaches a page one of two ways: as text, which Jinja
escapes (autoescape is on for every template), or as markup built by the export
writers and passed through the export sanitizer. Nothing else is marked safe.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from crawler.models import Chapter, Note, Work
from index.search import MARK_CLOSE, MARK_OPEN
from search_cli.export import FORMATS
from search_cli.export.common import (
    chapter_heading,
    clean_text,
    language_code,
    split_paragraphs,
)
from search_cli.export.html import blocks_html, notes_html
from search_cli.export.sanitize import sanitize_fragment
from search_cli.serve.forms import MARK_LABELS, SORTS_SHOWN, search_url, work_path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_MARKED = re.compile(f"{MARK_OPEN}([^{MARK_OPEN}{MARK_CLOSE}]*){MARK_CLOSE}")


def safe_markup(fragment: str) -> Markup:
    """Export-writer markup, through the export sanitizer, as markup a template keeps."""
    return Markup(sanitize_fragment(fragment))


def snippet(text: str) -> Markup:
    """A search snippet: escaped, the matched words «like this» marked."""
    escaped = escape(clean_text(text), quote=False)
    return Markup(_MARKED.sub(r"<mark>\1</mark>", escaped))


def paragraphs(text: str) -> list[str]:
    return split_paragraphs(text)


def notes_markup(notes: list[Note]) -> Markup:
    return safe_markup(notes_html([n for n in notes if n.text.strip()]))


def chapter_body(chapter: Chapter) -> Markup:
    return safe_markup(blocks_html(chapter.blocks))


def chapter_notes(work: Work, chapter: Chapter) -> tuple[list[Note], list[Note]]:
    """(before, after): the work's notes beside this chapter and the chapter's own."""

    def after(note: Note) -> bool:
        return note.position == "after" or note.kind in ("end_note", "work_end_note")

    beside = work.notes_beside(chapter.number)
    before = [n for n in beside if not after(n)] + [n for n in chapter.notes if not after(n)]
    late = [n for n in chapter.notes if after(n)] + [n for n in beside if after(n)]
    return [n for n in before if n.text.strip()], [n for n in late if n.text.strip()]


def _finalize(value: object) -> object:
    """Text is cleaned of terminal escapes and characters no page should hold."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean_text(value)
    return "" if value is None else value


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        work_path=work_path,
        search_url=search_url,
        formats=list(FORMATS.values()),
        sorts=SORTS_SHOWN,
        mark_labels=MARK_LABELS,
        chapter_heading=chapter_heading,
        language_code=language_code,
    )
    env.filters.update(snippet=snippet, paragraphs=paragraphs, number=lambda n: f"{n or 0:,}")
    return env
