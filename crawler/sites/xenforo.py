"""XenForo forums (SpaceBattles, Sufficient Velocity, Questionable Questing): a story is
a thread's threadmarks.

A work is read in as few requests as the forum allows: the threadmarks index
(`/threads/<id>/threadmarks`: the chapters, their words and dates), then reader
mode (`/threads/<slug>.<id>/reader/page-N`, ten threadmarked posts a page). The
index alone says whether the story changed (its threadmark count and last
threadmark date, `page_fingerprint`), so an unchanged story costs one request.
Both XenForo 1 and XenForo 2 markup are read (crawler.sites.xenforo_index,
crawler.sites.xenforo_posts, crawler.sites.xenforo_page). A members-only forum
answers with a login page: that is reported, never logged into.

Work ids are `xf:<host>:<thread id>`: each forum is its own
`[sites.NAME] adapter = "xenforo"` with its base_url.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit, urlunsplit

from crawler.errors import ConfigError, ParseError
from crawler.models import FetchedPage, RawChapter, RawWork, WorkMeta
from crawler.sites.base import SiteAdapter, soup, truncated
from crawler.sites.xenforo_index import MAIN, ThreadmarkIndex, is_index, parse_index
from crawler.sites.xenforo_page import ThreadHead, base_href, refuse, thread_head
from crawler.sites.xenforo_posts import BODY_FURNITURE, Post, threadmarked_posts

THREAD_RE = re.compile(r"/threads/(?:[^/?#]*\.)?(\d+)(?=[/?#]|$)")
THREAD_URL = re.compile(r"^(.*?/threads/[^/?#]+/)")
CATEGORY_READER = re.compile(r"/threads/[^/?#]+/(\d+)/reader")
CATEGORY_PARAM = re.compile(r"(?:threadmark_category|category_id)=(\d+)")
POSTS = "article.message--post, li.message[id^='post-']"
READER_PAGE = 10  # threadmarked posts on one reader-mode page (SpaceBattles: 81 -> 9 pages)


class XenForoAdapter(SiteAdapter):
    """Reads threadmarked stories of one XenForo forum."""

    name = "xenforo"
    default_base_url = ""  # many forums run XenForo: each is its own [sites.NAME]
    known_archives = (
        ("spacebattles", "https://forums.spacebattles.com"),
        ("sufficientvelocity", "https://forums.sufficientvelocity.com"),
        ("questionablequesting", "https://forum.questionablequesting.com"),
    )
    default_delay = 3.0
    id_prefix = "xf"
    # A [[sources]] may start from a thread or its threadmarks (any thread, reader or post
    # URL of it): the frontier takes such a URL as the work itself, and the index it reads
    # first says whether the story changed.
    listing_kinds = ("threadmarks",)
    # As on the saved pages in ../shared/fixtures/xenforo: XF2 header, navigation, notices,
    # breadcrumbs, page navigation, footer and off-canvas menu; around each post the
    # author's card, the date and share links, edit stamps, reactions and threadmark
    # controls; XF1 login bar, header, breadcrumbs and the hidden login form; and the
    # furniture inside a post body (crawler.sites.xenforo_posts.BODY_FURNITURE).
    chrome = (
        ".p-header",
        ".p-navSticky",
        ".p-sectionLinks",
        ".p-breadcrumbs",
        ".p-notices",
        ".pageNavWrapper",
        ".p-footer",
        ".offCanvasMenu",
        ".message-cell--user",
        ".message-attribution",
        ".message-lastEdit",
        ".message-footer",
        ".threadmark-control",
        "#loginBar",
        "#navigation",
        ".breadBoxTop",
        ".breadBoxBottom",
        "form#login",
        *BODY_FURNITURE,
    )

    def __init__(self, site) -> None:
        super().__init__(site)
        # Which threadmark categories make the story: `[sites.NAME] threadmark_categories`
        # once the config has that key; the main story alone until then.
        wanted = site.threadmark_categories or (MAIN,)
        self.categories: tuple[str, ...] = tuple(wanted)

    # --- ids and URLs -------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self.site.host

    def work_id(self, site_id: str) -> str:
        """`xf:<host>:<thread id>`; a bare thread id is taken to be on this forum."""
        if site_id.isdigit():
            return f"{self.id_prefix}:{self.host}:{site_id}"
        return super().work_id(site_id)

    def site_id(self, work_id: str) -> str | None:
        """`<host>:<thread id>`, only for this forum's host: other forums' ids are theirs."""
        rest = super().site_id(work_id)
        host, _, tid = (rest or "").rpartition(":")
        if self.host and host.lower() == self.host and tid.isdigit():
            return f"{self.host}:{tid}"
        return None

    def _thread_id(self, site_id: str) -> str:
        host, _, tid = site_id.rpartition(":")
        if host and host.lower() != self.host:
            raise ConfigError(
                f"xf:{site_id} belongs to {host}, not to [sites.{self.site.name}] ({self.host})"
            )
        return tid

    def entry_url(self, site_id: str) -> str:
        return f"{self.base_url}/threads/{self._thread_id(site_id)}/"

    def work_id_from_url(self, url: str) -> str | None:
        """Thread, threadmarks, reader and post URLs of a thread all name it:
        /threads/slug.555/, /threads/555/threadmarks, …/reader/page-2, …/post-880."""
        parts = urlsplit(url)
        path = parts.path
        if path.endswith("index.php") and parts.query.startswith("threads/"):
            path = "/" + parts.query.split("&", 1)[0]  # a forum without friendly URLs
        m = THREAD_RE.search(path)
        return f"{self.host}:{m.group(1)}" if m else None

    def work_urls(self, site_id: str) -> list[str]:
        return [f"{self.base_url}/threads/{self._thread_id(site_id)}/threadmarks"]

    def more_urls(self, first: FetchedPage) -> list[str]:
        """Reader mode for the main story, ten threadmarks a page; page 1 of each other
        category that counts (its own count is on its own index only)."""
        if first.status >= 400:
            return []
        doc = soup(first.body)
        if not is_index(doc):
            return []
        index = parse_index(first, doc, self.site_name(doc))
        thread = self._thread_url(index, first)
        pages = math.ceil(index.count / READER_PAGE)
        urls = [_reader_page(f"{thread}reader/", n, index.xf1) for n in range(1, pages + 1)]
        for name in self.categories:
            href = index.categories.get(name)
            ident = CATEGORY_PARAM.search(href or "")
            if name != MAIN and ident is not None:
                urls.append(f"{thread}{ident.group(1)}/reader" + ("" if index.xf1 else "/"))
        return urls

    def page_fingerprint(self, first: FetchedPage) -> str | None:
        """The index's threadmark count and last date: equal means unchanged, one request."""
        if first.status >= 400:
            return None
        doc = soup(first.body)
        return parse_index(first, doc, self.site_name(doc)).fingerprint if is_index(doc) else None

    @staticmethod
    def site_name(doc) -> str:
        tag = doc.select_one("meta[property='og:site_name']")
        return str(tag.get("content") or "") if tag is not None else ""

    def _thread_url(self, index: ThreadmarkIndex, first: FetchedPage) -> str:
        """The thread's own address with its slug (/threads/my-great-story.555/), so that
        reader pages are asked for where they are, not through a redirect."""
        for url in (index.reader_url, *index.categories.values(), first.final_url, first.url):
            if url and (m := THREAD_URL.match(url)) and THREAD_RE.search(m.group(1)):
                return self._here(m.group(1))
        tid = self.work_id_from_url(first.url) or ""
        return f"{self.base_url}/threads/{tid.rpartition(':')[2]}/"

    def _here(self, url: str) -> str:
        """The same address on the configured host: a page's links never lead elsewhere."""
        parts, ours = urlsplit(url), urlsplit(self.base_url)
        if parts.netloc.lower() == ours.netloc.lower():
            return url
        return urlunsplit((ours.scheme, ours.netloc, parts.path, parts.query, ""))

    # --- work pages ---------------------------------------------------------------------

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        first = pages[0]
        # The thread the forum answered with: a merged thread redirects to the one it joined.
        site_id = self.work_id_from_url(first.final_url or first.url) or (
            self.work_id_from_url(first.url) or ""
        )
        work_id = self.work_id(site_id)
        index: ThreadmarkIndex | None = None
        heads: list[ThreadHead] = []
        summaries: list[str] = []
        posts: dict[str, tuple[str, Post]] = {}  # post id -> (category, post)
        for number, page in enumerate(pages):
            doc = self._read(page, number, work_id)
            name = self.site_name(doc)
            if not doc.select(POSTS):  # the index; a thread page may embed one: posts win
                index = index or parse_index(page, doc, name)
                continue
            heads.append(thread_head(doc, name))
            summary = doc.select_one(".threadmarkListingHeader-extraInfo .bbWrapper")
            if summary is not None:
                summaries.append(summary.decode_contents())
            self._one_page_of_category(page, doc)
            for post in threadmarked_posts(doc, base_href(doc, page)):
                posts.setdefault(post.post_id or f"{number}:{len(posts)}", (_category(page), post))
        if not posts:
            raise ParseError(
                f"{first.url}: no threadmarked posts to read "
                "(a thread without threadmarks is not read as a story)"
            )
        main = [p for category, p in posts.values() if category == MAIN]
        if index is not None and index.category == MAIN and len(main) < index.count:
            raise ParseError(
                f"{first.url}: the reader pages held {len(main)} of the {index.count} "
                "threadmarks the index lists; not stored"
            )
        chosen = main + [p for category, p in posts.values() if category != MAIN]
        meta = self._meta(index, heads, chosen)
        thread = self._thread_url(index, first) if index else self._url_of(first)
        chapters = [
            RawChapter(n, post.label or _index_title(index, post), post.html)
            for n, post in enumerate(chosen, 1)
        ]
        summary_html = (index.summary_html if index else "") or next(iter(summaries), "")
        return RawWork(self.id_prefix, site_id, thread, meta, chapters, summary_html)

    def _read(self, page: FetchedPage, number: int, work_id: str):
        """A page of the work, or why it is none: gone or members-only (the first page),
        an error or a cut-off page (any page: never store half a story)."""
        url = page.final_url or page.url
        doc = soup(page.body)
        if number == 0 and (page.status >= 400 or not (is_index(doc) or doc.select(POSTS))):
            refuse(doc, page, work_id)
        if page.status >= 400:
            raise ParseError(f"{url}: the forum answered HTTP {page.status}; not stored")
        if not (is_index(doc) or doc.select(POSTS)):
            refuse(doc, page, work_id)
            raise ParseError(f"{url}: not a XenForo threadmarks, reader or thread page")
        if truncated(page.body):
            raise ParseError(f"{url}: the page was cut off (no closing </html>); not stored")
        return doc

    @staticmethod
    def _one_page_of_category(page: FetchedPage, doc) -> None:
        """Another category's reader page 1 is all that is read of it: say so if it has more."""
        if _category(page) == MAIN:
            return
        later = doc.select_one(".pageNav-jump--next, .PageNav a[rel=next]")
        if later is not None:
            raise ParseError(
                f"{page.url}: this threadmark category runs over more than one reader "
                f"page; ficarchive reads {READER_PAGE} threadmarks of a category besides "
                "the main story"
            )

    def _url_of(self, page: FetchedPage) -> str:
        m = THREAD_URL.match(page.final_url or page.url)
        return self._here(m.group(1)) if m else page.url

    def _meta(self, index: ThreadmarkIndex | None, heads: list[ThreadHead], posts) -> WorkMeta:
        own = index.head if index else ThreadHead()
        every = [*heads, own]
        title = next((h.title for h in every if h.title), "")
        author = next((h.author for h in every if h.author), "") or posts[0].author
        status = (index.status if index else None) or next(
            (h.status for h in every if h.status), None
        )
        tags = list(dict.fromkeys(t for h in every for t in (*h.tags, *h.prefixes)))
        dates = [p.date for p in posts if p.date] + (
            [index.updated] if index and index.updated else []
        )
        complete = status == "complete"
        return WorkMeta(
            title=title,
            authors=[author] if author else [],
            fandoms=next((h.fandoms for h in every if h.forums), []),
            tags=tags,
            status="complete" if complete else "in_progress",
            chapters_total=len(posts) if complete else None,
            published=min(dates) if dates else next((h.started for h in every if h.started), None),
            updated=max(dates) if dates else None,
            words_upstream=index.words if index else None,
        )


def _reader_page(reader: str, number: int, xf1: bool) -> str:
    """XenForo 2: reader/, reader/page-2; XenForo 1: reader, reader?page=2."""
    if xf1:
        return reader.rstrip("/") + ("" if number == 1 else f"?page={number}")
    return reader if number == 1 else f"{reader}page-{number}"


def _category(page: FetchedPage) -> str:
    """Which category a reader page is of, by its address: /threads/x.1/16/reader is not main."""
    m = CATEGORY_READER.search(urlsplit(page.url).path)
    return f"category {m.group(1)}" if m else MAIN


def _index_title(index: ThreadmarkIndex | None, post: Post) -> str:
    if index is None:
        return ""
    return next((t.title for t in index.threadmarks if t.post_id == post.post_id), "")
