"""AO3's listings: tag, series, user, bookmark and collection pages of work blurbs,
and what a cheap update check asks of them (covering listings, blurb fingerprints,
the chapter index). AO3Adapter inherits this; it lives apart to keep each module
one job. Markup as the saved pages in ../shared/fixtures/ao3 show it.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote, urljoin, urlsplit

from crawler.models import FetchedPage
from crawler.sites.ao3_bookmarks import bookmark_of
from crawler.sites.base import Listing, ListingEntry, soup, text_of, to_int
from crawler.sites.css import select, select_one

SERIES_PATH = re.compile(r"^/series/\d+/?$")
TOTAL_RE = re.compile(r"(?:\bof\s+([\d,]+)\s+(?:Works|Bookmarks)|([\d,]+)\s+Found)", re.I)
PSEUD_OF_USER = re.compile(r"^(?P<pseud>.+?)\s+\((?P<user>[^()\s]+)\)$")

# Bylines no one user's works listing covers (and orphan_account's lists thousands).
NO_LISTING = {"anonymous", "orphan_account", ""}


def chapters_shown(tag) -> str | None:
    """ "3 /3" (a link, then text) -> "3/3": the listing fingerprint must not depend on markup."""
    text = re.sub(r"\s+", "", text_of(tag))
    return text or None


def _listing_date(text: str) -> str | None:
    try:
        return datetime.strptime(text.strip(), "%d %b %Y").date().isoformat()
    except ValueError:
        return None


def _listing_total(doc) -> int | None:
    """ "1 - 20 of 245 Works by …", "714,297 Found", or a series' "Works: 12"."""
    for heading in select(doc, "#main h2.heading, #main h3.heading"):
        m = TOTAL_RE.search(text_of(heading))
        if m:
            return to_int(m.group(1) or m.group(2))
    stats = select_one(doc, "dl.series.meta dl.stats")
    if stats is not None:
        for dt in select(stats, "dt"):
            if text_of(dt).startswith("Works"):
                return to_int(text_of(dt.find_next_sibling("dd")))
    return None


class AO3Listings:
    """The listing half of AO3Adapter (which supplies base_url, site, entry_url,
    work_id_from_url and listing_page_size)."""

    def is_listing_url(self, url: str) -> bool:
        path = urlsplit(url).path
        # /tags/T/works, /users/U[/pseuds/P]/works and /bookmarks, /collections/C/works,
        # /series/N: every AO3 listing of works ends in one of these.
        return path.rstrip("/").endswith(("/works", "/bookmarks")) or bool(SERIES_PATH.match(path))

    def covering_listings(self, authors: list[str], series: list[dict]) -> list[str]:
        """The author's works listing (`/users/NAME/works`: every pseud, newest first,
        20 a page, allowed by AO3's robots.txt) and each series page the work is part of.
        A byline "Pseud (user)" is the user's pseud: the user's listing covers it."""
        urls = []
        for author in authors:
            m = PSEUD_OF_USER.match(author.strip())
            user = m.group("user") if m else author.strip()
            if user.casefold() not in NO_LISTING and "/" not in user:
                urls.append(f"{self.base_url}/users/{quote(user)}/works")
        for entry in series:
            sid = str(entry.get("id") or "")
            if sid.isdigit():
                urls.append(f"{self.base_url}/series/{sid}")
        return urls

    def listed_fingerprint(
        self, updated: str | None, chapters: int, total: int | None
    ) -> str | None:
        """A blurb shows the updated date and "3/10" (or "3/?"): so would this work."""
        if not updated or chapters < 1:
            return None
        return f"{updated}|{chapters}/{total if total is not None else '?'}"

    def parse_listing(self, page: FetchedPage) -> Listing:
        doc = soup(page.body)
        entries = []
        series = self._series_of(doc, page)
        first_part = 1 + (self._page_number(page) - 1) * self.listing_page_size
        for blurb in select(doc, "li.blurb"):
            link = select_one(blurb, "h4.heading a[href*='/works/']")
            if link is None:
                continue
            site_id = self.work_id_from_url(link["href"])
            if site_id is None:
                continue
            # A bookmark blurb has a second p.datetime (when it was bookmarked): the
            # work's own date is the one in its header.
            date = select_one(blurb, "div.header p.datetime") or select_one(blurb, "p.datetime")
            chapters = select_one(blurb, "dl.stats dd.chapters")
            entries.append(
                ListingEntry(
                    site_id=site_id,
                    url=self.entry_url(site_id),
                    title=text_of(link),
                    updated=_listing_date(date.get_text()) if date else None,
                    chapters=chapters_shown(chapters),
                    bookmark=bookmark_of(blurb, page.final_url or page.url),
                    part=first_part + len(entries) if series else None,
                )
            )
        nxt = select_one(doc, "ol.pagination li.next a[href]")
        next_url = urljoin(page.final_url or page.url, nxt["href"]) if nxt else None
        if next_url and urlsplit(next_url).netloc.lower() != self.site.host:
            next_url = None  # never leave the configured host by a link
        return Listing(tuple(entries), next_url, _listing_total(doc), series)

    def _series_of(self, doc, page: FetchedPage) -> tuple[str, str] | None:
        """A series page's id (from its URL) and name (its heading); else None."""
        m = re.match(r"^/series/(\d+)", urlsplit(page.final_url or page.url).path)
        if m is None or select_one(doc, "dl.series.meta") is None:
            return None
        return m.group(1), text_of(select_one(doc, "#main h2.heading"))

    @staticmethod
    def _page_number(page: FetchedPage) -> int:
        m = re.search(r"(?:^|&)page=(\d+)", urlsplit(page.final_url or page.url).query)
        return int(m.group(1)) if m else 1

    def chapter_index(self, page: FetchedPage) -> list[tuple[int, str, str | None]]:
        """A work's chapter index (`/works/N/navigate`): (number, title, posted date) of
        each chapter, from a page a fraction of the work's size."""
        out = []
        for n, li in enumerate(select(soup(page.body), "ol.chapter.index li"), start=1):
            link, date = select_one(li, "a"), select_one(li, "span.datetime")
            title = re.sub(r"^\d+\.\s*", "", text_of(link))
            when = text_of(date).strip("()") or None if date else None
            out.append((n, title, when))
        return out
