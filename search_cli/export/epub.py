"""EPUB 3 (with an NCX for older readers), built with ebooklib; epubcheck-clean.

Layout: a title page (metadata, summary, front notes), one XHTML file per chapter, the
work's end notes after the last chapter. An anthology repeats that per work, and its TOC
nests each work's chapters under the work.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ebooklib import epub

from crawler.models import Work
from search_cli.export.common import (
    byline,
    chapter_heading,
    clean_text,
    language_code,
    work_notes,
    work_title,
)
from search_cli.export.format import ExportFormat
from search_cli.export.html import BASE_CSS, chapter_html, esc, notes_html, title_page_html
from search_cli.export.sanitize import sanitize_fragment

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class _Part:
    """A work's files inside the book: its title page and its chapters, in order."""

    title_page: epub.EpubHtml
    chapters: list[epub.EpubHtml]


# The reader sets margins, width and (on e-ink) contrast; the book only adds structure.
EPUB_CSS = (
    BASE_CSS
    + """
body { margin: 0; padding: 0; }
p.scene-break { margin: 1.5em 0; }
nav#toc ol, nav.toc ol { list-style-type: none; padding-left: 1em; }
"""
)


def _css() -> epub.EpubItem:
    return epub.EpubItem(
        uid="style", file_name="style/book.css", media_type="text/css", content=EPUB_CSS.encode()
    )


def _page(uid: str, file_name: str, title: str, lang: str, body: str, css) -> epub.EpubHtml:
    page = epub.EpubHtml(uid=uid, title=title, file_name=file_name, lang=lang)
    # ebooklib refuses an empty body; every page has at least its heading, but be sure.
    page.content = f"<section>{sanitize_fragment(body) or '<p></p>'}</section>"
    page.add_item(css)
    return page


def _work_pages(
    book: epub.EpubBook, work: Work, *, prefix: str, notes: bool, archived_at: str | None, css
) -> _Part:
    lang = language_code(work.meta.language)
    nested = bool(prefix)
    title_page = _page(
        f"{prefix}title",
        f"{prefix}title.xhtml",
        work_title(work) if nested else "Title page",
        lang,
        title_page_html(work, notes=notes, archived_at=archived_at, level=1),
        css,
    )
    book.add_item(title_page)
    chapters = []
    _, back = work_notes(work, notes)
    for i, ch in enumerate(work.chapters, 1):
        body = chapter_html(ch, notes=notes, level=2)
        if i == len(work.chapters) and back:
            body += "\n" + notes_html(back)
        page = _page(
            f"{prefix}c{i:03d}",
            f"{prefix}chapter_{i:03d}.xhtml",
            chapter_heading(ch),
            lang,
            body,
            css,
        )
        book.add_item(page)
        chapters.append(page)
    if back and not work.chapters:
        title_page.content = title_page.content.replace(
            "</section>", notes_html(back) + "</section>"
        )
    return _Part(title_page, chapters)


def _new_book(identifier: str, title: str, lang: str, authors: list[str]) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(lang)
    names = dict.fromkeys(" ".join(clean_text(a).split()) for a in authors)
    for i, name in enumerate(n for n in names if n):
        # ebooklib's default uid "creator" repeats, and duplicate ids fail epubcheck.
        book.add_author(name, uid=f"creator{i + 1}")
    return book


def _finish(book: epub.EpubBook, spine: list, css) -> bytes:
    book.add_item(css)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="Contents")
    nav.add_item(css)
    book.add_item(nav)
    book.spine = spine
    buf = io.BytesIO()
    epub.write_epub(buf, book, {"epub3_pages": False})
    return buf.getvalue()


def _identifier(work_id: str) -> str:
    return "urn:ficarchive:" + re.sub(r"[^A-Za-z0-9:._-]", "_", work_id)


def render_epub(work: Work, *, notes: bool = True, archived_at: str | None = None) -> bytes:
    """One work as an EPUB: title page, then a TOC entry and a file per chapter."""
    book = _new_book(
        _identifier(work.id),
        work_title(work),
        language_code(work.meta.language),
        list(work.meta.authors),
    )
    _add_dc(book, work)
    css = _css()
    part = _work_pages(book, work, prefix="", notes=notes, archived_at=archived_at, css=css)
    # A TOC must not be empty: a work without chapters lists its title page.
    book.toc = part.chapters or [part.title_page]
    return _finish(book, [part.title_page, "nav", *part.chapters], css)


def _add_dc(book: epub.EpubBook, work: Work) -> None:
    if work.summary.strip():
        book.add_metadata("DC", "description", " ".join(clean_text(work.summary).split()))
    for subject in [*work.meta.fandoms, *work.meta.tags][:50]:
        book.add_metadata("DC", "subject", clean_text(subject))
    if work.url:
        book.add_metadata("DC", "source", clean_text(work.url))
    date = work.meta.published or ""
    if _DATE.match(date):
        book.add_metadata("DC", "date", date)
    book.add_metadata("DC", "publisher", "ficarchive (personal offline copy)")


def render_epub_anthology(
    works: list[Work],
    *,
    notes: bool = True,
    title: str,
    archived: Mapping[str, str] | None = None,
) -> bytes:
    """Many works in one EPUB; the TOC nests each work's chapters under its title."""
    digest = hashlib.sha1("\n".join(w.id for w in works).encode()).hexdigest()[:16]
    langs = Counter(language_code(w.meta.language) for w in works)
    lang = langs.most_common(1)[0][0] if langs else "en"
    authors = [a for w in works for a in w.meta.authors]
    title = " ".join(clean_text(title).split()) or "ficarchive reading list"
    book = _new_book(f"urn:ficarchive:anthology:{digest}", title, lang, authors)
    css = _css()
    contents = "".join(
        f"<li>{esc(work_title(w))} <span>by {esc(byline(w))}</span></li>" for w in works
    )
    cover = _page(
        "anthology", "anthology.xhtml", title, lang,
        f"<h1>{esc(title)}</h1>\n<ol>{contents}</ol>", css,
    )  # fmt: skip
    book.add_item(cover)
    spine: list = [cover, "nav"]
    toc: list = []
    for i, work in enumerate(works, 1):
        archived_at = (archived or {}).get(work.id)
        part = _work_pages(
            book, work, prefix=f"w{i:03d}_", notes=notes, archived_at=archived_at, css=css
        )
        spine += [part.title_page, *part.chapters]
        section = epub.Section(work_title(work), href=part.title_page.file_name)
        toc.append((section, part.chapters or [part.title_page]))
    book.toc = toc or [cover]
    return _finish(book, spine, css)


FORMAT = ExportFormat(
    name="epub",
    extension="epub",
    description="EPUB 3 e-book for e-readers",
    render=render_epub,
    render_anthology=render_epub_anthology,
)
