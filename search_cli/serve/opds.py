"""OPDS 1.2 feeds as Atom documents, and the OpenSearch description.

Navigation feeds link to other feeds; acquisition feeds list works, each with a
link that downloads its EPUB. Built with lxml, so every title and tag from a
stranger is escaped as text and characters XML cannot hold are dropped first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

from lxml import etree

from crawler.models import Work
from search_cli.export.common import clean_text, language_code, work_title
from search_cli.serve.forms import Paging, work_path

ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
DC = "http://purl.org/dc/terms/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NSMAP = {None: ATOM, "opds": OPDS, "dc": DC, "opensearch": OPENSEARCH}

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
ACQUIRE = "http://opds-spec.org/acquisition"
EPUB = "application/epub+zip"


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_date(value: str | None, fallback: str) -> str:
    """An RFC 3339 date-time for a site's date (2024-03-16), else the fallback."""
    text = (value or "").strip()
    for shape in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"):
        try:
            stamp = datetime.strptime(text, shape)
        except ValueError:
            continue
        stamp = stamp.replace(tzinfo=stamp.tzinfo or UTC).astimezone(UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return fallback


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: clean_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = clean_text(text)
    return el


def feed_id(path: str) -> str:
    return "urn:ficarchive:feed:" + quote(path, safe="/:=&")


class Feed:
    """One OPDS catalog feed, navigation or acquisition."""

    def __init__(self, path: str, title: str, kind: str, *, up: str | None = "/opds") -> None:
        self.kind = kind
        self.updated = now()
        self.root = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
        _sub(self.root, ATOM, "id", feed_id(path))
        _sub(self.root, ATOM, "title", title)
        _sub(self.root, ATOM, "updated", self.updated)
        author = _sub(self.root, ATOM, "author")
        _sub(author, ATOM, "name", "ficarchive")
        self.link("self", path, kind)
        self.link("start", "/opds", NAVIGATION)
        if up and up != path:
            self.link("up", up, NAVIGATION)
        self.link("search", "/opds/opensearch.xml", OPENSEARCH_TYPE, "Search the archive")

    def link(self, rel: str, href: str, kind: str, title: str | None = None, parent=None) -> None:
        attrs = {"rel": rel, "href": href, "type": kind}
        if title:
            attrs["title"] = title
        _sub(self.root if parent is None else parent, ATOM, "link", **attrs)

    def paging(self, paging: Paging, url_of: Callable[[int], str]) -> None:
        """first / previous / next / last, and OpenSearch's counts."""
        self.link("first", url_of(1), self.kind)
        if paging.previous:
            self.link("previous", url_of(paging.previous), self.kind)
        if paging.next:
            self.link("next", url_of(paging.next), self.kind)
        self.link("last", url_of(paging.pages), self.kind)
        _sub(self.root, OPENSEARCH, "totalResults", str(paging.total))
        _sub(self.root, OPENSEARCH, "itemsPerPage", str(paging.per_page))
        _sub(self.root, OPENSEARCH, "startIndex", str(max(paging.first, 1)))

    def navigation(
        self, title: str, href: str, kind: str, about: str, *, rel: str = "subsection"
    ) -> None:
        entry = _sub(self.root, ATOM, "entry")
        _sub(entry, ATOM, "title", title)
        _sub(entry, ATOM, "id", feed_id(href))
        _sub(entry, ATOM, "updated", self.updated)
        _sub(entry, ATOM, "content", about, type="text")
        self.link(rel, href, kind, parent=entry)

    def book(self, work: Work, added: str | None = None) -> None:
        """One work: who wrote it, what it is, and the links that download it."""
        m = work.meta
        entry = _sub(self.root, ATOM, "entry")
        _sub(entry, ATOM, "title", work_title(work))
        _sub(entry, ATOM, "id", "urn:ficarchive:work:" + quote(work.id, safe=":"))
        _sub(entry, ATOM, "updated", atom_date(m.updated or m.published, added or self.updated))
        for name in [a for a in m.authors if clean_text(a).strip()] or ["Anonymous"]:
            _sub(_sub(entry, ATOM, "author"), ATOM, "name", name)
        if m.published and atom_date(m.published, ""):
            _sub(entry, DC, "issued", m.published[:10])
        _sub(entry, DC, "language", language_code(m.language))
        _sub(entry, DC, "identifier", "urn:ficarchive:work:" + quote(work.id, safe=":"))
        for scheme, values in (
            ("fandom", m.fandoms),
            ("rating", [m.rating] if m.rating else []),
            ("relationship", m.relationships),
            ("character", m.characters),
            ("tag", m.tags),
        ):
            for value in values:
                if clean_text(value).strip():
                    _sub(
                        entry,
                        ATOM,
                        "category",
                        term=value,
                        label=value,
                        scheme=f"urn:ficarchive:{scheme}",
                    )
        if work.summary.strip():
            _sub(entry, ATOM, "summary", work.summary, type="text")
        facts = (
            f"{work.words:,} words, {len(work.chapters)} chapter(s), {m.status.replace('_', ' ')}"
        )
        _sub(entry, ATOM, "content", f"{', '.join(m.fandoms)}. {facts}.", type="text")
        self.link(ACQUIRE, work_path(work.id, "download", "epub"), EPUB, "EPUB", parent=entry)
        self.link(
            ACQUIRE, work_path(work.id, "download", "epub") + "?notes=no", EPUB,
            "EPUB without notes", parent=entry,
        )  # fmt: skip
        self.link("alternate", work_path(work.id), "text/html", "Read in the browser", parent=entry)

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def opensearch_description(base_url: str) -> bytes:
    """The description KOReader and other readers fill in: `q` runs a ficarchive query."""
    ns = "http://a9.com/-/spec/opensearch/1.1/"
    root = etree.Element(f"{{{ns}}}OpenSearchDescription", nsmap={None: ns})
    _sub(root, ns, "ShortName", "ficarchive")
    _sub(root, ns, "Description", 'Search the archive: words, "phrases", fields like tag:fluff')
    _sub(root, ns, "InputEncoding", "UTF-8")
    _sub(root, ns, "OutputEncoding", "UTF-8")
    base = base_url.rstrip("/")
    _sub(
        root,
        ns,
        "Url",
        type=ACQUISITION,
        template=f"{base}/opds/search?q={{searchTerms}}&page={{startPage?}}",
    )
    _sub(
        root,
        ns,
        "Url",
        type="text/html",
        template=f"{base}/search?q={{searchTerms}}&page={{startPage?}}",
    )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
