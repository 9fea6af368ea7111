"""FanFiction.net: `/s/ID/N` chapter by chapter; the chapter count from the first page.

FanFiction.net sits behind Cloudflare; a challenge is reported by the fetcher,
never solved.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from crawler.errors import Gone, ParseError
from crawler.models import FetchedPage, RawChapter, RawWork, WorkMeta
from crawler.sites.base import (
    SiteAdapter,
    inner_html,
    parsed_page,
    soup,
    text_of,
    to_int,
    truncated,
)

STORY_RE = re.compile(r"^/s/(\d+)")
GENRES = {
    "Adventure", "Angst", "Crime", "Drama", "Family", "Fantasy", "Friendship", "General",
    "Horror", "Humor", "Hurt/Comfort", "Mystery", "Parody", "Poetry", "Romance", "Sci-Fi",
    "Spiritual", "Supernatural", "Suspense", "Tragedy", "Western",
}  # fmt: skip
RATINGS = {
    "K": "General Audiences",
    "K+": "General Audiences",
    "T": "Teen And Up Audiences",
    "M": "Mature",
}


def parse_genres(text: str) -> list[str] | None:
    """'Hurt/Comfort/Romance' -> ['Hurt/Comfort', 'Romance'], or None if it is not genres."""
    parts = text.replace("Hurt/Comfort", "Hurt\0Comfort").split("/")
    genres = [p.replace("\0", "/").strip() for p in parts]
    return genres if all(g in GENRES for g in genres) else None


def parse_characters(text: str) -> tuple[list[str], list[str]]:
    """'[Harry P., Ginny W.] Ron W.' -> characters and the bracketed pairings."""
    pairings = []
    characters = []
    for group in re.findall(r"\[([^\]]*)\]", text):
        names = [n.strip() for n in group.split(",") if n.strip()]
        pairings.append("/".join(names))
        characters.extend(names)
    rest = re.sub(r"\[[^\]]*\]", ",", text)
    characters.extend(n.strip() for n in rest.split(",") if n.strip())
    return list(dict.fromkeys(characters)), pairings


def _date(span) -> str | None:
    """The date as the page shows it (M/D/YYYY, the site's own day), else from the timestamp."""
    shown = (
        re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text_of(span)) if span is not None else None
    )
    if shown:
        month, day, year = (int(g) for g in shown.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    if span is not None and span.get("data-xutime", "").isdigit():
        return datetime.fromtimestamp(int(span["data-xutime"]), UTC).date().isoformat()
    return None


class FFNAdapter(SiteAdapter):
    """Reads FanFiction.net's current chapter-page layout."""

    name = "ffn"
    default_base_url = "https://www.fanfiction.net"
    default_delay = 6.0  # stricter than AO3, and behind Cloudflare: slower still
    id_prefix = "ffn"
    aliases = ("fanfiction.net",)  # www., m. and the bare domain are one site
    listing_kinds = ()  # no listing reader yet: works come in by `add URL`
    # As on the saved pages in ../shared/fixtures/ffn: the top bar (logo, login), the
    # category menu, the footer, the image modal, text-size controls and the share bar
    # (both div.lc; the fandom breadcrumb is a div.lc-wrapper too, so not that), the
    # chapter jump menus, the Next and Follow/Fav buttons, the review box and ads.
    chrome = (
        "#top",
        "div.zmenu",
        "#p_footer",
        "#img_large",
        "div.lc",
        "#chap_select",
        "button.btn",
        "#review",
        "#review_success",
        "ins.adsbygoogle",
    )

    def entry_url(self, site_id: str) -> str:
        return f"{self.base_url}/s/{site_id}/1/"

    def work_id_from_url(self, url: str) -> str | None:
        m = STORY_RE.match(urlsplit(url).path)
        return m.group(1) if m else None

    def saved_chapter(self, page: FetchedPage) -> int | None:
        m = re.match(r"^/s/\d+/(\d+)", urlsplit(page.url).path)
        return int(m.group(1)) if m else 1

    def work_urls(self, site_id: str) -> list[str]:
        return [f"{self.base_url}/s/{site_id}/1"]

    def more_urls(self, first: FetchedPage) -> list[str]:
        site_id = self.work_id_from_url(first.url)
        options = parsed_page(first.body).select("select#chap_select option")
        numbers = sorted({int(o["value"]) for o in options if o.get("value", "").isdigit()})
        return [f"{self.base_url}/s/{site_id}/{n}" for n in numbers if n > 1]

    def page_fingerprint(self, first: FetchedPage) -> str | None:
        """The story's updated date and chapter count, as its first chapter page shows
        them: when they match what is stored, `update` asks for no other chapter."""
        doc = soup(first.body)
        top = doc.select_one("#profile_top")
        if top is None or doc.select_one("#storytext") is None:
            return None
        meta = self._meta(doc, top)
        options = doc.select("select#chap_select option")  # two menus: above and below
        chapters = len({o.get("value") for o in options if o.get("value", "").isdigit()}) or 1
        status = "complete" if meta.status == "complete" else "in_progress"
        return f"{meta.updated or meta.published or ''}|{chapters}|{status}"

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        first = pages[0]
        site_id = self.work_id_from_url(first.url) or ""
        doc = parsed_page(first.body)
        warning = text_of(doc.select_one("span.gui_warning"))
        if first.status in (404, 410) or "Story Not Found" in warning:
            raise Gone(f"{self.work_id(site_id)} is gone upstream", first.url, first.status)
        top = doc.select_one("#profile_top")
        if top is None or doc.select_one("#storytext") is None:
            raise ParseError(
                f"{first.url}: not a FanFiction.net story page (no #profile_top or #storytext)"
            )
        meta = self._meta(doc, top)
        titles = {
            int(o["value"]): re.sub(r"^\d+\.\s*", "", text_of(o))
            for o in doc.select("select#chap_select option")
            if o.get("value", "").isdigit()
        }
        chapters = []
        for page in pages:
            number = int((re.findall(r"^/s/\d+/(\d+)", urlsplit(page.url).path) or ["1"])[0])
            if truncated(page.body):
                raise ParseError(
                    f"{page.url}: the page was cut off (no closing </html>); not stored"
                )
            body = parsed_page(page.body).select_one("#storytext")
            if body is None:
                raise ParseError(f"{page.url}: chapter {number} has no story text")
            chapters.append(RawChapter(number, titles.get(number, ""), inner_html(body)))
        summary = top.find("div", class_="xcontrast_txt", recursive=False)
        return RawWork(
            self.id_prefix,
            site_id,
            f"{self.base_url}/s/{site_id}",
            meta,
            chapters,
            inner_html(summary) if summary else "",
        )

    def _meta(self, doc, top) -> WorkMeta:
        gray = top.select_one("span.xgray")
        fields = [f.strip() for f in text_of(gray).split(" - ")] if gray else []
        meta = WorkMeta(
            title=text_of(top.select_one("b.xcontrast_txt")),
            authors=[text_of(a) for a in top.select("a[href^='/u/']")][:1],
        )
        crumbs = doc.select("#pre_story_links a")
        if crumbs:
            fandom = text_of(crumbs[-1])
            meta.fandoms = [re.sub(r"\s+Crossover$", "", f) for f in fandom.split(" + ")]
        keyed = {}
        positional = []
        for field in fields:
            key, sep, value = field.partition(":")
            if sep and key.strip() in (
                "Rated", "Chapters", "Words", "Reviews", "Favs", "Follows", "Updated", "Published", "Status", "id",
            ):  # fmt: skip
                keyed[key.strip()] = value.strip()
            else:
                positional.append(field)
        rated = keyed.get("Rated", "").replace("Fiction", "").strip()
        meta.rating = RATINGS.get(rated, rated or None)
        if positional:
            meta.language = positional.pop(0)
        if positional and (genres := parse_genres(positional[0])) is not None:
            meta.tags = genres
            positional.pop(0)
        if positional:
            meta.characters, meta.relationships = parse_characters(positional[0])
        meta.chapters_total = to_int(keyed.get("Chapters")) or 1
        meta.words_upstream = to_int(keyed.get("Words"))
        meta.comments = to_int(keyed.get("Reviews"))
        meta.kudos = to_int(keyed.get("Favs"))
        meta.bookmarks = to_int(keyed.get("Follows"))
        complete = keyed.get("Status") == "Complete"
        meta.status = "complete" if complete else "in_progress"
        if not complete:
            meta.chapters_total = None
        spans = gray.select("span[data-xutime]") if gray else []
        dates = [_date(s) for s in spans]
        if "Updated" in keyed and len(dates) >= 2:
            meta.updated, meta.published = dates[0], dates[1]
        elif dates:
            meta.published = meta.updated = dates[0]
        return meta
