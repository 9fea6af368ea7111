"""A thread's threadmarks index, XenForo 1 and 2: how many chapters, their words and dates.

XenForo 2 (the Threadmarks add-on SpaceBattles, Sufficient Velocity and
Questionable Questing run): one `div.structItem--threadmark` row per threadmark
(label, post link, `Words`, `time.structItem-latestDate`), category tabs
(`a.tabs-tab`, "Threadmarks" is the main story), a "Statistics (81 threadmarks,
150k words)" header, and on newer themes a `threadmarkListingHeader` with the
story's status, tags and summary. XenForo 1: `li.threadmarkListItem` rows
carrying `data-words` and `data-content-date`, tabs in `ol.tabs`, and
"66 threadmarks, Word Count: 110k" in `.threadmarkCategoryStats`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

from crawler.models import FetchedPage
from crawler.sites.base import inner_html, text_of
from crawler.sites.xenforo_page import (
    ThreadHead,
    base_href,
    count_words,
    day_of,
    is_xf1,
    stamp_of,
    status_word,
    thread_head,
)

MAIN = "main"  # the category the forum calls "Threadmarks": the story itself
_POST_ID = re.compile(r"(?:#post-|/post-|posts/)(\d+)")
_STATS_XF2 = re.compile(r"([\d,]+)\s+threadmarks?,\s*([\d.,]+\s*[kKmM]?)\s+words", re.I)
_STATS_XF1 = re.compile(r"([\d,]+)\s+threadmarks?,\s*Word Count:\s*([\d.,]+\s*[kKmM]?)", re.I)
_CATEGORY_ID = re.compile(r"(?:threadmark-category-|ThreadmarkCategory_)(\d+)")


@dataclass(frozen=True)
class Threadmark:
    """One row of the index."""

    post_id: str
    title: str
    stamp: int | None  # when the post was made, epoch seconds
    words: int | None

    @property
    def date(self) -> str | None:
        return day_of(self.stamp)


@dataclass
class ThreadmarkIndex:
    """One category's threadmarks index page, as far as a crawl needs it."""

    head: ThreadHead
    threadmarks: list[Threadmark] = field(default_factory=list)
    count: int = 0  # as the index counts them (a paged index lists only some rows)
    words: int | None = None
    status: str | None = None
    summary_html: str = ""
    category: str = MAIN
    categories: dict[str, str] = field(default_factory=dict)  # name -> index URL
    reader_url: str = ""
    xf1: bool = False

    @property
    def updated(self) -> str | None:
        stamps = [t.stamp for t in self.threadmarks if t.stamp]
        return day_of(max(stamps)) if stamps else None

    @property
    def fingerprint(self) -> str:
        """What must differ for the story to have changed: the last threadmark's date and
        the threadmark count, in the `updated|chapters` form listings use."""
        return f"{self.updated or ''}|{self.count}"


def category_name(label: str, ident: str | None = None) -> str:
    """ "Threadmarks" (category 1) is the main story; others by their label: "sidestory"."""
    name = re.sub(r"\W+", "_", label.strip().lower()).strip("_")
    return MAIN if ident == "1" or name in ("threadmarks", "") else name


def is_index(doc) -> bool:
    return doc.select_one("div.structItem--threadmark, li.threadmarkListItem") is not None


def parse_index(page: FetchedPage, doc, site_name: str = "") -> ThreadmarkIndex:
    """The index page as read: rows, counts, categories, the reader-mode link."""
    base = base_href(doc, page)
    xf1 = is_xf1(doc)
    index = ThreadmarkIndex(head=thread_head(doc, site_name), xf1=xf1)
    index.threadmarks = _xf1_rows(doc) if xf1 else _xf2_rows(doc)
    stated, words = _stats(doc)
    index.count = max(stated or 0, len(index.threadmarks))
    rows_words = [t.words for t in index.threadmarks if t.words is not None]
    index.words = words if words is not None else (sum(rows_words) if rows_words else None)
    index.status = _header_status(doc) or index.head.status
    summary = doc.select_one(".threadmarkListingHeader-extraInfo .bbWrapper")
    index.summary_html = inner_html(summary) if summary is not None else ""
    index.categories, index.category = _categories(doc, base)
    reader = doc.select_one("a.block--threadmark-control.reader") or doc.select_one(
        "a[href*='/reader']"
    )
    index.reader_url = urljoin(base, reader["href"]) if reader is not None else ""
    if not index.head.author:
        index.head.author = _most_marks(doc)
    if index.head.tags == [] and (tags := doc.select(".threadmarkListingHeader-tags a.tagItem")):
        index.head.tags = [text_of(a) for a in tags]
    return index


def _post_id(*hrefs: str | None) -> str:
    for href in hrefs:
        if href and (m := _POST_ID.search(href)):
            return m.group(1)
    return ""


def _xf2_rows(doc) -> list[Threadmark]:
    rows = []
    for row in doc.select("div.structItem--threadmark"):
        if "structItem--threadmark-filler" in (row.get("class") or []):
            continue  # "… 47 hidden": a button that loads more rows
        link = row.select_one(".structItem-title a[href]")
        if link is None:
            continue
        words = None
        for dt in row.select(".structItem-cell--meta dt"):
            if text_of(dt).lower() == "words":
                words = count_words(text_of(dt.find_next_sibling("dd")))
        stamp = stamp_of(row.select_one("time")) or stamp_of(row)
        post = _post_id(link.get("href"), link.get("data-preview-url"))
        rows.append(Threadmark(post, text_of(link), stamp, words))
    return rows


def _xf1_rows(doc) -> list[Threadmark]:
    rows = []
    for item in doc.select("li.threadmarkListItem"):
        link = item.select_one("a[href]")
        if link is None:
            continue
        words = item.get("data-words")
        stamp = stamp_of(item) or stamp_of(item.select_one(".DateTime"))
        post = _post_id(link.get("href"), link.get("data-previewurl"))
        shown = int(words) if str(words or "").isdigit() else None
        rows.append(Threadmark(post, text_of(link), stamp, shown))
    return rows


def _stats(doc) -> tuple[int | None, int | None]:
    """The category's own totals: "(81 threadmarks, 150k words)", or the header's count."""
    for tag in doc.select(".block-formSectionHeader, .threadmarkCategoryStats .statsSecondary"):
        text = text_of(tag)
        if m := (_STATS_XF2.search(text) or _STATS_XF1.search(text)):
            return int(m.group(1).replace(",", "")), count_words(m.group(2))
    for dt in doc.select(".threadmarkListingHeader-stats dt"):
        if text_of(dt).lower() == "threadmarks":
            shown = text_of(dt.find_next_sibling("dd")).replace(",", "")
            return (int(shown) if shown.isdigit() else None), None
    return None, None


def _header_status(doc) -> str | None:
    """Questionable Questing's "Status: Incomplete", Sufficient Velocity's "Index progress"."""
    for dt in doc.select(".threadmarkListingHeader-stats dt"):
        if text_of(dt).lower() in ("status", "index progress", "progress"):
            return status_word(text_of(dt.find_next_sibling("dd")))
    return None


def _categories(doc, base: str) -> tuple[dict[str, str], str]:
    """Every category tab (name -> its index URL) and the category this page shows."""
    found: dict[str, str] = {}
    shown = MAIN
    tabs = doc.select("a.tabs-tab[href]") or doc.select(".threadmarks ol.tabs li a[href]")
    for tab in tabs:
        ident = _CATEGORY_ID.search(" ".join([str(tab.get("id") or "")] + (tab.get("class") or [])))
        name = category_name(text_of(tab), ident.group(1) if ident else None)
        found.setdefault(name, urljoin(base, tab["href"]))
        active = "is-active" in (tab.get("class") or []) or "active" in (
            tab.find_parent("li") or {}
        ).get("class", [])
        if active:
            shown = name
    return found, shown


def _most_marks(doc) -> str:
    """Who wrote the story when no thread starter is shown: who made most threadmarks."""
    authors = Counter(
        str(row.get("data-content-author") or "").strip()
        for row in doc.select("div.structItem--threadmark, li.threadmarkListItem")
    )
    authors.pop("", None)
    if authors:
        return authors.most_common(1)[0][0]
    best, most = "", -1
    for item in doc.select(".threadmarkAuthorList li, .dataList-row"):
        name = text_of(item.select_one("a.username"))
        counts = re.findall(r"\d+", text_of(item).replace(name, "")) if name else []
        if name and counts and int(counts[-1]) > most:
            best, most = name, int(counts[-1])
    return best
