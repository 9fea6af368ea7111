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
    merge_css,
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
EPUB_CSS = merge_css(
    BASE_CSS,
    """
body { margin: 0; padding: 0; }
p.scene-break { margin: 1.5em 0; }
nav#toc ol { list-style-type: none; padding-left: 1em; }
nav.toc ol { list-style-type: none; padding-left: 1em; }
""",
)


def _wrap(text: str, width: int, most: int) -> list[str]:
    """Words in lines of about `width` characters, at most `most` lines (the last cut short)."""
    lines: list[str] = []
    for word in " ".join(clean_text(text).split()).split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word[: width * 2])
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1] + "…"
    return [line for line in lines if line]


def cover_svg(title: str, author: str, fandom: str) -> bytes:
    """A typographic cover: the title large, the author and the fandom under it."""
    rows, y = [], 260
    for line in _wrap(title, 16, 5):
        rows.append(f'<text x="300" y="{y}" font-size="54" font-weight="bold">{esc(line)}</text>')
        y += 66
    y += 40
    for line in _wrap(author, 26, 2):
        rows.append(f'<text x="300" y="{y}" font-size="34" font-style="italic">{esc(line)}</text>')
        y += 44
    for i, line in enumerate(_wrap(fandom, 30, 2)):
        rows.append(f'<text x="300" y="{760 + 38 * i}" font-size="28">{esc(line)}</text>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="600" height="900" '
        'viewBox="0 0 600 900">\n<rect width="600" height="900" fill="#f4efe4"/>\n'
        '<rect x="30" y="30" width="540" height="840" fill="none" stroke="#3a3a3a" '
        'stroke-width="3"/>\n<g font-family="Georgia, serif" fill="#222" text-anchor="middle">\n'
        + "\n".join(rows)
        + "\n</g>\n</svg>\n"
    ).encode()


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


def _finish(book: epub.EpubBook, spine: list, css, cover: bytes) -> bytes:
    # A typographic cover image: e-reader libraries show a title, not a blank tile. The
    # book still opens on its title page, which says all the cover does and more.
    book.set_cover("cover.svg", cover, create_page=False)
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
    cover = cover_svg(work_title(work), byline(work), ", ".join(work.meta.fandoms))
    return _finish(book, [part.title_page, "nav", *part.chapters], css, cover)


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
    _add_series(book, work.meta.series)


def _add_series(book: epub.EpubBook, series: list[dict]) -> None:
    """calibre's series meta (for the first series) and EPUB 3 collections (for each)."""
    named = [s for s in series if " ".join(clean_text(str(s.get("name") or "")).split())]
    for i, entry in enumerate(named, 1):
        name = " ".join(clean_text(str(entry["name"])).split())
        part = str(entry.get("part") or entry.get("position") or "").strip()
        position = part if re.fullmatch(r"\d+(\.\d+)?", part) else ""
        if i == 1:
            book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": name})
            if position:
                book.add_metadata(
                    None, "meta", "", {"name": "calibre:series_index", "content": position}
                )
        uid = f"series{i}"
        book.add_metadata(None, "meta", name, {"property": "belongs-to-collection", "id": uid})
        book.add_metadata(
            None, "meta", "series", {"property": "collection-type", "refines": f"#{uid}"}
        )
        if position:
            book.add_metadata(
                None, "meta", position, {"property": "group-position", "refines": f"#{uid}"}
            )


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
    return _finish(book, spine, css, cover_svg(title, f"{len(works)} works", ""))


FORMAT = ExportFormat(
    name="epub",
    extension="epub",
    description="EPUB 3 e-book for e-readers",
    render=render_epub,
    render_anthology=render_epub_anthology,
)
