"""EPUBs on the reader's machine: AO3's downloads, FanFicFare's, ficarchive's own, any other.

Each becomes a RawWork the cleaner reads like a crawled one. The id is the
site's (`ao3:N`, `ffn:N`) when the book names its source URL (dc:source, a URL
identifier, AO3's "Posted originally on…" preface, FanFicFare's title page)
and that site is configured; an EPUB ficarchive exported carries its own id
(`urn:ficarchive:<id>`); any other is `file:<sha1 prefix>` of its bytes.
Chapters are the spine's documents in order; title pages, prefaces and
tables of contents are read for metadata and never become chapters.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile

from crawler.config import Config
from crawler.errors import FicarchiveError, ParseError
from crawler.models import FetchedPage, RawChapter, RawNote, RawWork, WorkMeta
from crawler.sites import adapter, adapter_for_url, adapter_for_work_id
from crawler.sites.base import SiteAdapter, inner_html, soup, text_of, to_int
from crawler.sites.text import file_id

OURS = "urn:ficarchive:"
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch"}
# Title-page labels (ficarchive's, FanFicFare's, AO3's preface) -> WorkMeta fields.
LABELS = {
    "authors": "authors", "fandoms": "fandoms", "fandom": "fandoms", "category": "fandoms",
    "rating": "rating", "warnings": "warnings", "archive warning": "warnings",
    "categories": "categories", "relationships": "relationships", "relationship": "relationships",
    "characters": "characters", "character": "characters", "tags": "tags", "genre": "tags",
    "additional tags": "tags", "language": "language", "status": "status",
    "published": "published", "updated": "updated", "source": "source", "story url": "source",
    "id": "id",
}  # fmt: skip
LISTS = ("authors", "fandoms", "warnings", "categories", "relationships", "characters", "tags")
STATUS = {"complete": "complete", "completed": "complete", "in progress": "in_progress",
          "in-progress": "in_progress", "gone from the site": "gone"}  # fmt: skip
HEADING = re.compile(r"^Chapter\s+\d+\s*(?::\s*|$)", re.I)


def read(config: Config, page: FetchedPage) -> tuple[SiteAdapter, list[FetchedPage], RawWork]:
    """The work an EPUB holds, the site it belongs to, and the page to keep (the EPUB)."""
    docs, dc = _open(page)
    fields: dict[str, str] = {}
    summary, notes, chapters = "", [], []
    for doc in docs:
        kind = _kind(doc)
        if kind == "front":
            fields.update(_fields(doc))
            summary = summary or _summary(doc)
            notes += _front_notes(doc)
        elif kind == "chapter":
            chapters.append(_chapter(len(chapters) + 1, doc))
    if not chapters:
        raise ParseError(f"{page.url}: the EPUB holds no chapter text")
    meta = _meta(dc, fields)
    site, site_id, url = _identity(config, page, dc, fields, docs)
    summary = summary or next(iter(dc.get("description", [])), "")
    raw = RawWork(site.id_prefix, site_id, url, meta, chapters, summary, notes)
    return site, [page], raw


def _open(page: FetchedPage) -> tuple[list, dict[str, list[str]]]:
    """The spine's documents, parsed, and the Dublin Core metadata."""
    from ebooklib import ITEM_DOCUMENT, epub  # only an EPUB import pays for it

    broken = (zipfile.BadZipFile, epub.EpubException, KeyError, ValueError, AttributeError)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = epub.read_epub(io.BytesIO(page.body), {"ignore_ncx": True})
    except (*broken, OSError) as exc:
        raise ParseError(f"{page.url}: not a readable EPUB ({exc})") from exc
    dc = {
        name: [str(value) for value, _ in book.get_metadata("DC", name) if value]
        for name in ("title", "creator", "language", "description", "subject", "source",
                     "identifier", "date")
    }  # fmt: skip
    docs = []
    for idref, *_ in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        docs.append(soup(item.content))  # as written: get_content() rebuilds <head> and <body>
    return docs, dc


def _kind(doc) -> str:
    """front (title page, preface), skip (a table of contents, an afterword) or chapter."""
    body = doc.find("body") or doc
    classes = body.get("class", []) if body is not doc else []
    if "fff_titlepage" in classes or doc.select_one("dl.meta, div#preface") is not None:
        return "front"
    if "fff_tocpage" in classes or doc.select_one("nav[epub\\:type=toc], div#afterword"):
        return "skip"
    if not text_of(body):
        return "skip"
    return "chapter"


def _fields(doc) -> dict[str, str]:
    """label -> value of a title page: `<dt>/<dd>` rows or FanFicFare's `<b>Label:</b> v<br>`."""
    found: dict[str, str] = {}
    for dt in doc.select("dt"):
        dd = dt.find_next_sibling("dd")
        key = LABELS.get(text_of(dt).rstrip(":").strip().casefold())
        if key and dd is not None:
            found.setdefault(key, _value(dd))
    for b in doc.select("b"):
        key = LABELS.get(text_of(b).rstrip(":").strip().casefold())
        if key is None:
            continue
        parts, node = [], b.next_sibling
        while node is not None and getattr(node, "name", None) not in ("br", "b", "div"):
            parts.append(node.get_text(" ") if hasattr(node, "get_text") else str(node))
            node = node.next_sibling
        found.setdefault(key, " ".join("".join(parts).split()))
    return found


def _value(dd) -> str:
    """A row's value; AO3's preface lists tags as links, ficarchive's as one string."""
    links = [text_of(a) for a in dd.select("a")]
    if len(links) > 1:
        return ", ".join(links)
    return text_of(dd)


def _summary(doc) -> str:
    aside = doc.select_one("aside.note-summary")
    if aside is not None:
        return _note_body(aside)
    for b in doc.select("b"):
        if text_of(b).rstrip(":").casefold() == "summary":
            div = b.find_next_sibling("div")
            return inner_html(div) if div is not None else ""
    quote = doc.select_one("div#preface blockquote.userstuff")
    return inner_html(quote) if quote is not None else ""


def _front_notes(doc) -> list[RawNote]:
    """ficarchive's work notes on its title page (what stood before the work)."""
    return [_note(a, "before") for a in doc.select("aside.note") if _kind_of(a) != "summary"]


def _kind_of(aside) -> str:
    return next((c[5:] for c in aside.get("class", []) if c.startswith("note-")), "author_note")


def _note_body(aside) -> str:
    parts = [
        str(c) for c in aside.children if "note-label" not in getattr(c, "get", dict)("class", [])
    ]
    return "".join(parts)


def _note(aside, position: str) -> RawNote:
    return RawNote(_kind_of(aside), position, _note_body(aside))  # type: ignore[arg-type]


def _chapter(number: int, doc) -> RawChapter:
    """One spine document: its first heading is the title; ficarchive's notes come apart."""
    body = doc.find("body") or doc
    heading = body.find(re.compile(r"^h[1-3]$"))
    title = ""
    if heading is not None:
        title = HEADING.sub("", text_of(heading)).strip()
        heading.decompose()
    notes, seen_text = [], False
    for div in body.select("div.fff_chapter_notes"):  # FanFicFare's copy of the site's notes
        quote = div.select_one("blockquote") or div
        where = "after" if "fff_foot_notes" in div.get("class", []) else "before"
        notes.append(RawNote("chapter_note" if where == "before" else "end_note", where,
                             inner_html(quote)))  # fmt: skip
        div.decompose()
    for child in list(body.find_all(["aside", "p", "div", "hr", "blockquote"], recursive=True)):
        if child.name == "aside" and "note" in child.get("class", []):
            notes.append(_note(child, "after" if seen_text else "before"))
            child.decompose()
        elif child.parent is not None and child.name != "aside" and text_of(child):
            seen_text = True
    return RawChapter(number, title, inner_html(body), notes)


def _meta(dc: dict[str, list[str]], fields: dict[str, str]) -> WorkMeta:
    meta = WorkMeta(title=(dc.get("title") or ["Untitled"])[0].strip())
    meta.authors = [a.strip() for a in dc.get("creator", []) if a.strip()]
    for key in LISTS:
        if fields.get(key):
            setattr(meta, key, [v.strip() for v in fields[key].split(",") if v.strip()])
    language = fields.get("language") or (dc.get("language") or [""])[0]
    meta.language = LANGUAGES.get(language.casefold(), language) or None
    meta.rating = fields.get("rating") or None
    meta.status = STATUS.get(fields.get("status", "").casefold(), "complete")
    for key in ("published", "updated"):
        setattr(meta, key, fields.get(key) or None)
    chapters = fields.get("chapters", "")
    meta.chapters_total = to_int(chapters.partition("/")[2]) if "/" in chapters else None
    return meta


def _identity(config, page, dc, fields, docs) -> tuple[SiteAdapter, str, str]:
    """The site, site id and URL of the work: its own id, else its source URL, else the file."""
    ours = fields.get("id") or next(
        (i[len(OURS) :] for i in dc.get("identifier", []) if i.startswith(OURS)), ""
    )
    if ours:
        try:
            site = adapter_for_work_id(config, ours)
            site_id = site.site_id(ours)
            if site_id:
                return site, site_id, fields.get("source") or page.url
        except FicarchiveError:
            pass
    for url in _source_urls(dc, fields, docs):
        try:
            site = adapter_for_url(config, url)
        except FicarchiveError:
            continue
        site_id = site.work_id_from_url(url)
        if site_id and not site.single_page:
            return site, site_id, site.entry_url(site_id)
    return adapter(config, "text"), file_id(page.body), page.url


def _source_urls(dc, fields, docs) -> list[str]:
    urls = [*dc.get("source", []), fields.get("source", "")]
    urls += [i for i in dc.get("identifier", []) if re.match(r"^https?://", i)]
    for doc in docs[:2]:  # AO3's preface: "Posted originally on the Archive of Our Own at …"
        urls += [a["href"] for a in doc.select("div#preface a[href*='/works/']")]
    return [u.strip() for u in urls if u and re.match(r"^https?://", u.strip())]
