"""Royal Road: the fiction page (`/fiction/<id>/<slug>`), then one page per chapter.

The fiction page holds the title, author, tags, status, description (the
summary) and the chapter table with each chapter's date (`table#chapters`;
newer pages also carry it as `window.chapters = [...]`). Its chapter count and
last date say whether the fiction changed (`page_fingerprint`), so an unchanged
fiction costs one request. Chapter pages are read by crawler.sites.royalroad_chapter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from crawler.errors import Gone, LoginRequired, ParseError
from crawler.models import FetchedPage, RawChapter, RawWork, WorkMeta
from crawler.sites.base import SiteAdapter, inner_html, soup, text_of, to_int, truncated
from crawler.sites.royalroad_chapter import is_chapter_page, parse_chapter

FICTION_RE = re.compile(r"^/fiction/(\d+)(?:/|$)")
CHAPTER_ID = re.compile(r"/chapter/(\d+)")
_CHAPTERS_JSON = re.compile(r"window\.chapters\s*=\s*(\[.*?\]);", re.S)
_SHOWN_DATE = ("%A, %B %d, %Y %I:%M %p", "%A, %B %d, %Y %I:%M:%S %p")
_WORDS = re.compile(r"calculated from ([\d,]+) words")
STATUSES = {"COMPLETED": "complete", "ONGOING": "in_progress", "HIATUS": "in_progress",
            "STUB": "in_progress", "DROPPED": "in_progress", "INACTIVE": "in_progress"}  # fmt: skip


@dataclass(frozen=True)
class TableRow:
    """One chapter as the fiction page's table lists it."""

    url: str
    title: str
    date: str | None

    @property
    def chapter_id(self) -> str:
        m = CHAPTER_ID.search(self.url)
        return m.group(1) if m else ""


def _row_date(time_tag) -> str | None:
    """`datetime` (2021 on), `unixtime`, else the title ("Sunday, April 5, 2020 3:59 PM")."""
    if time_tag is None:
        return None
    written = str(time_tag.get("datetime") or "")
    if re.match(r"^\d{4}-\d{2}-\d{2}", written):
        return written[:10]
    stamp = str(time_tag.get("unixtime") or "")
    if stamp.isdigit() and len(stamp) >= 9:
        return datetime.fromtimestamp(int(stamp), UTC).date().isoformat()
    shown = " ".join(str(time_tag.get("title") or "").replace("\u202f", " ").split())
    for fmt in _SHOWN_DATE:
        try:
            return datetime.strptime(shown, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def chapter_rows(doc, base: str) -> list[TableRow]:
    """The chapter table, or the page's `window.chapters` when the table is drawn by script."""
    rows = []
    for tr in doc.select("table#chapters tbody tr"):
        link = tr.select_one("a[href]")
        href = tr.get("data-url") or (link["href"] if link is not None else "")
        if href:
            rows.append(
                TableRow(urljoin(base, str(href)), text_of(link), _row_date(tr.find("time")))
            )
    if rows:
        return rows
    for script in doc.find_all("script"):
        m = _CHAPTERS_JSON.search(script.get_text())
        if m is None:
            continue
        try:
            listed = json.loads(m.group(1))
        except ValueError:
            return []
        return [
            TableRow(urljoin(base, str(c.get("url") or "")), str(c.get("title") or "").strip(),
                     str(c.get("date") or "")[:10] or None)
            for c in listed
            if isinstance(c, dict) and c.get("url") and c.get("visible", 1)
        ]  # fmt: skip
    return []


class RoyalRoadAdapter(SiteAdapter):
    """Reads Royal Road's fiction pages (2020 and later layouts) and chapter pages."""

    name = "royalroad"
    default_base_url = "https://www.royalroad.com"
    default_delay = 3.0
    id_prefix = "rr"
    # A [[sources]] may start from a fiction (or one of its chapters): the frontier takes
    # it as the work, and the fiction page it reads first says whether anything changed.
    listing_kinds = ("fiction",)
    # As on the saved pages in ../shared/fixtures/royalroad: the site header and footer,
    # the fiction and chapter page buttons, the statistics box, reviews, advertisements,
    # the chapter navigation, the support box and the comments.
    chrome = (
        ".page-header",
        ".footer",
        ".fic-buttons",
        ".fiction-stats",
        ".review-new",
        ".nav-buttons",
        ".nitropay-ad-placeholder",
        "#donate",
        ".comment-container",
    )

    def entry_url(self, site_id: str) -> str:
        return f"{self.base_url}/fiction/{site_id}"

    def work_id_from_url(self, url: str) -> str | None:
        """Fiction and chapter URLs both name the fiction: /fiction/25137/…/chapter/…"""
        m = FICTION_RE.match(urlsplit(url).path)
        return m.group(1) if m else None

    def work_urls(self, site_id: str) -> list[str]:
        return [self.entry_url(site_id)]

    def more_urls(self, first: FetchedPage) -> list[str]:
        if first.status >= 400:
            return []
        doc = soup(first.body)
        if is_chapter_page(doc):
            return []
        return [row.url for row in chapter_rows(doc, first.final_url or first.url)]

    def page_fingerprint(self, first: FetchedPage) -> str | None:
        """The chapter count and the last chapter's date, in the `updated|chapters` form."""
        if first.status >= 400:
            return None
        doc = soup(first.body)
        if doc.select_one("table#chapters") is None:
            return None
        rows = chapter_rows(doc, first.final_url or first.url)
        dates = [r.date for r in rows if r.date]
        return f"{max(dates) if dates else ''}|{len(rows)}"

    # --- work pages ---------------------------------------------------------------------

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        first = pages[0]
        url = first.final_url or first.url
        site_id = self.work_id_from_url(url) or self.work_id_from_url(first.url) or ""
        work_id = self.work_id(site_id)
        if first.status in (404, 410):
            raise Gone(f"{work_id} is gone upstream (HTTP {first.status})", url, first.status)
        if "/account/login" in url or first.status in (401, 403):
            raise LoginRequired(f"{work_id} is open to signed-in readers only", url, first.status)
        doc = self._page(first)
        if is_chapter_page(doc):
            return self._lone_chapter(first, doc, site_id)
        if doc.select_one(".fic-title h1, h1[property=name]") is None:
            raise ParseError(f"{url}: not a Royal Road fiction page (no title)")
        rows = chapter_rows(doc, url)
        by_id = {row.chapter_id: n for n, row in enumerate(rows, 1)}
        chapters = []
        for page in pages[1:]:
            chapter = parse_chapter(self._page(page, chapter=True))
            asked = CHAPTER_ID.search(urlsplit(page.url).path)
            number = by_id.get(asked.group(1) if asked else "") or len(rows) + len(chapters) + 1
            title = rows[number - 1].title if number <= len(rows) else ""
            chapters.append(RawChapter(number, title or chapter.title, chapter.html, chapter.notes))
        if not chapters:
            raise ParseError(f"{url}: the fiction has no chapters to read")
        chapters.sort(key=lambda c: c.number)
        meta = self._meta(doc, rows)
        description = doc.select_one(".description .hidden-content") or doc.select_one(
            ".description"
        )
        summary = inner_html(description) if description is not None else ""
        return RawWork(self.id_prefix, site_id, self.entry_url(site_id), meta, chapters, summary)

    def _page(self, page: FetchedPage, chapter: bool = False):
        url = page.final_url or page.url
        if page.status >= 400:
            raise ParseError(f"{url}: Royal Road answered HTTP {page.status}; not stored")
        if truncated(page.body):
            raise ParseError(f"{url}: the page was cut off (no closing </html>); not stored")
        doc = soup(page.body)
        if chapter and not is_chapter_page(doc):
            raise ParseError(f"{url}: not a Royal Road chapter page (no chapter text)")
        return doc

    def _lone_chapter(self, page: FetchedPage, doc, site_id: str) -> RawWork:
        """A chapter page on its own (a saved page): one chapter, the header's names."""
        chapter = parse_chapter(doc)
        site_id = site_id or self.work_id_from_url(chapter.fiction_path) or ""
        meta = WorkMeta(
            title=chapter.fiction_title,
            authors=[chapter.author] if chapter.author else [],
            status="in_progress",
        )
        raw = RawChapter(1, chapter.title, chapter.html, chapter.notes)
        return RawWork(self.id_prefix, site_id, self.entry_url(site_id), meta, [raw])

    def _meta(self, doc, rows: list[TableRow]) -> WorkMeta:
        title = text_of(doc.select_one(".fic-title h1, h1[property=name]"))
        author = text_of(doc.select_one(".fic-title h4 a[href*='/profile/']"))
        if not author and (tag := doc.select_one("meta[property='books:author']")):
            author = str(tag.get("content") or "").strip()
        labels = [text_of(s).upper() for s in doc.select(".fiction-info span.label.bg-blue-hoki")]
        status = next((STATUSES[w] for w in labels if w in STATUSES), "in_progress")
        tags = doc.select(".fiction-info .tags a.fiction-tag, .fiction-info .tags span.label")
        warnings = [text_of(li) for li in doc.select(".fiction-info .font-red-sunglo ul li")]
        dates = [r.date for r in rows if r.date]
        complete = status == "complete"
        stats = _stats(doc)
        return WorkMeta(
            title=title,
            authors=[author] if author else [],
            tags=[text_of(t) for t in tags],
            warnings=warnings,
            status="complete" if complete else "in_progress",
            chapters_total=len(rows) if complete else None,
            published=min(dates) if dates else None,
            updated=max(dates) if dates else None,
            hits=stats.get("total views"),
            kudos=stats.get("favorites"),
            bookmarks=stats.get("followers"),
            words_upstream=stats.get("words"),
        )


def _stats(doc) -> dict[str, int | None]:
    """The statistics box: "Total Views :" then its number, and the words behind "Pages"."""
    found: dict[str, int | None] = {}
    items = doc.select(".fiction-stats .stats-content li")
    for label, value in zip(items, items[1:], strict=False):
        name = text_of(label).rstrip(": ").strip().lower()
        if name in ("total views", "followers", "favorites", "ratings"):
            found[name] = to_int(text_of(value))
    hint = doc.select_one(".fiction-stats [data-content*='calculated from']")
    if hint is not None and (m := _WORDS.search(str(hint.get("data-content")))):
        found["words"] = to_int(m.group(1))
    return found
