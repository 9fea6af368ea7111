"""The one small interface every site adapter implements.

An adapter knows its site's URLs and pages: how to find works in a listing,
which pages make up a work, how to turn them into a RawWork, and what its
"gone", "login required" and "adult interstitial" pages look like. Adding a
site is one new file here plus one line in the registry (crawler/sites/__init__.py).
"""

from __future__ import annotations

import functools
import re
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from crawler.config import SiteConfig
from crawler.models import BookmarkNote, FetchedPage, RawWork  # noqa: F401  (BookmarkNote: re-exported)


@dataclass(frozen=True)
class ListingEntry:
    """A work as a listing page shows it: enough to tell whether it changed."""

    site_id: str
    url: str
    title: str = ""
    updated: str | None = None
    chapters: str | None = None  # as shown, e.g. "3/10" or "2/?"
    bookmark: BookmarkNote | None = None  # a bookmarks listing: what the bookmarker added
    part: int | None = None  # on a series page: the work's part number

    @property
    def fingerprint(self) -> str:
        """What must differ for a work to count as changed upstream."""
        return f"{self.updated or ''}|{self.chapters or ''}"


@dataclass(frozen=True)
class Listing:
    """One listing page: the works on it and the next page, if any."""

    entries: tuple[ListingEntry, ...]
    next_url: str | None = None
    # How many works the whole listing holds, as the page says ("1 - 20 of 245 Works",
    # "714,297 Found", a series' "Works: 12"), so a listing cut short says what it left.
    total: int | None = None
    series: tuple[str, str] | None = None  # a series page: (series id, name)


class SiteAdapter(ABC):
    """Plugin interface: one subclass per adapter family, one instance per configured site.

    The class attributes are everything the rest of ficarchive knows about a
    site: config defaults, the id prefix, what can be crawled and what on its
    pages is never story text. The registry (crawler/sites/__init__.py) and the
    config read them; nothing outside crawler/sites/ keeps its own list.
    """

    name: ClassVar[str] = ""  # the adapter family, `adapter = NAME` in [sites.X]
    default_base_url: ClassVar[str] = ""  # "" when every archive of the kind has its own
    default_delay: ClassVar[float] = 3.0  # seconds between requests unless the config says
    id_prefix: ClassVar[str] = ""  # Work.id is `<id_prefix>:<site id>`
    listing_kinds: ClassVar[tuple[str, ...]] = ()  # listing pages a [[sources]] may start from
    # CSS selectors of the site's own menus, header, footer, login box...: never story text.
    chrome: ClassVar[tuple[str, ...]] = ()
    # A URL is a whole story and its id comes from the text (a single page, a file):
    # such works are added page by page and never re-checked by `update`.
    single_page: ClassVar[bool] = False
    # Other hosts readers reach the site by (its mirrors, a short domain): a URL on one
    # of them goes to the configured site of this family. www. and m. need no entry.
    aliases: ClassVar[tuple[str, ...]] = ()
    # Well-known archives of a family that runs on many hosts, as (site name, base_url):
    # a URL of one that is not configured gets the config lines to add for it.
    known_archives: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Works on one listing page (AO3: 20): what a cheap update check plans by.
    listing_page_size: ClassVar[int] = 20

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.base_url = site.base_url.rstrip("/")

    @classmethod
    def has_listings(cls) -> bool:
        """Whether a [[sources]] entry can crawl this site (else works come by `add`)."""
        return bool(cls.listing_kinds)

    # --- ids and URLs ---------------------------------------------------------------

    def work_id(self, site_id: str) -> str:
        """The archive-wide Work.id of one of this site's works (RawWork.id says the same)."""
        return f"{self.id_prefix}:{site_id}"

    def site_id(self, work_id: str) -> str | None:
        """The inverse of work_id: None when the id belongs to another site."""
        prefix, sep, rest = work_id.partition(":")
        return rest if sep and prefix == self.id_prefix and rest else None

    @abstractmethod
    def entry_url(self, site_id: str) -> str:
        """The absolute URL a work id stands for: where a reader (or `add`) would go."""

    @abstractmethod
    def work_id_from_url(self, url: str) -> str | None:
        """The site's id of the work a URL points at, or None if it is not a work URL."""

    def is_listing_url(self, url: str) -> bool:
        return False

    def parse_listing(self, page: FetchedPage) -> Listing:
        # Config refuses a [[sources]] on a site without listing_kinds, so this is a bug.
        raise NotImplementedError(f"{self.name} has no listings")

    def covering_listings(self, authors: list[str], series: list[dict]) -> list[str]:
        """Listings that show this work's updated date and chapter count among others
        (AO3: its author's works, its series), so `update` can check many works with
        one request; none by default."""
        return []

    def listed_fingerprint(
        self, updated: str | None, chapters: int, total: int | None
    ) -> str | None:
        """The fingerprint a listing would show for a work stored with this updated
        date and chapter count (ListingEntry.fingerprint's form), or None."""
        return None

    @abstractmethod
    def work_urls(self, site_id: str) -> list[str]:
        """The URLs whose pages together make up the whole work (as few as the site allows)."""

    def more_urls(self, first: FetchedPage) -> list[str]:
        """Pages still to fetch once the first is read (e.g. FanFiction.net's chapters 2..N)."""
        return []

    @abstractmethod
    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        """Turn a work's pages into a RawWork; raise Gone, LoginRequired, AdultContent or ParseError."""

    def page_fingerprint(self, first: FetchedPage) -> str | None:
        """What a work's first page says must differ for it to have changed (XenForo's
        threadmarks index, Royal Road's fiction page), or None when it cannot tell."""
        return None

    # --- saved pages (`import` of a page the reader's browser saved) ---------------------

    def claims(self, page: FetchedPage) -> bool:
        """Whether a saved page belongs to this site (its canonical link, og:url, markup)."""
        return self.saved_url(page) is not None

    def saved_url(self, page: FetchedPage) -> str | None:
        """The URL on this site a saved page was saved from, or None when it is not ours.

        The default reads the page's canonical link and og:url; an adapter whose pages
        carry neither adds what its own markup says.
        """
        for url in declared_urls(parsed_page(page.body)):
            if same_host(url, self.base_url) and self.work_id_from_url(url):
                return self.absolute(urlsplit(url)._replace(scheme="", netloc="").geturl())
        return None

    def saved_chapter(self, page: FetchedPage) -> int | None:
        """Which chapter a saved page holds, for a site whose chapters are saved one page
        each (FanFiction.net, AO3's chapter view); None when the page is the whole work.
        Saved chapters of one work merge (crawler/saved.py)."""
        return None

    def absolute(self, url_or_path: str) -> str:
        if re.match(r"^https?://", url_or_path):
            return url_or_path
        return f"{self.base_url}/{url_or_path.lstrip('/')}"


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def soup(html: str | bytes) -> BeautifulSoup:
    """Every adapter parses with lxml: fast and forgiving of broken markup.

    An XML page (AO3 offers an Atom feed per tag) is read as HTML without bs4's
    multi-line warning: the adapter then finds no story in it and says so. A
    declared charset lxml cannot take (a control character in <meta charset>)
    falls back to UTF-8 text with the control characters dropped.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            return BeautifulSoup(html, "lxml")
        except ValueError:
            text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
            return BeautifulSoup(_XML_UNSAFE.sub("", text), "lxml")


@functools.lru_cache(maxsize=2)
def parsed_page(body: bytes) -> BeautifulSoup:
    """A page parsed once however many readers ask: every adapter asked whether it
    claims a saved page, which chapter it holds, then parse_work. Read only: a caller
    that changes the tree parses its own copy with soup()."""
    return soup(body)


def declared_urls(doc) -> list[str]:
    """The URLs a page says it is: canonical link, og:url (scheme-relative made https)."""
    found = []
    for tag, attr in (
        ("link[rel~=canonical][href]", "href"),
        ("meta[property='og:url']", "content"),
    ):
        for node in doc.select(tag):
            url = (node.get(attr) or "").strip()
            if url.startswith("//"):
                url = "https:" + url
            if re.match(r"^https?://", url):
                found.append(url)
    return found


def bare_host(url: str) -> str:
    """A URL's host without www./m. (the same site a reader reaches either way)."""
    host = (urlsplit(url).hostname or "").lower()
    return re.sub(r"^(www\.|m\.)", "", host)


def same_host(url: str, base_url: str) -> bool:
    return bool(base_url) and bare_host(url) == bare_host(base_url)


def inner_html(tag) -> str:
    return "".join(str(c) for c in tag.contents) if tag is not None else ""


def text_of(tag) -> str:
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""


def to_int(text: str | None) -> int | None:
    if not text:
        return None
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits else None


def truncated(body: bytes) -> bool:
    """A page cut off in transit: every AO3 and FanFiction.net page ends with </html>.

    HTTP itself cannot always tell (a close-delimited body just stops), and a
    work stored from half a page would replace a whole one.
    """
    return b"</html>" not in body[-4096:].lower()
