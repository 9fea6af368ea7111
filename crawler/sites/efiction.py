"""eFiction archives (`viewstory.php`): chapter by chapter from the jump menu.

Work ids are `efiction:<host>:<sid>`, since many archives run eFiction.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.errors import Gone, LoginRequired, ParseError
from crawler.models import FetchedPage, RawChapter, RawNote, RawWork, WorkMeta
from crawler.sites.base import SiteAdapter, inner_html, soup, text_of, to_int

LABELS = {
    "Rated": "rating",
    "Categories": "fandoms",
    "Characters": "characters",
    "Warnings": "warnings",
    "Genres": "tags",
    "Series": "series",
    "Word count": "words",
    "Completed": "completed",
    "Published": "published",
    "Updated": "updated",
    "Summary": "summary",
}


class EFictionAdapter(SiteAdapter):
    """Reads eFiction 3 `viewstory.php` pages."""

    name = "efiction"

    @property
    def host(self) -> str:
        return self.site.host

    def _sid(self, url: str) -> str | None:
        parts = urlsplit(url)
        if not parts.path.endswith("viewstory.php"):
            return None
        sid = parse_qs(parts.query).get("sid", [""])[0]
        return sid if sid.isdigit() else None

    def work_id_from_url(self, url: str) -> str | None:
        sid = self._sid(url)
        return f"{self.host}:{sid}" if sid else None

    def work_urls(self, site_id: str) -> list[str]:
        sid = site_id.rsplit(":", 1)[-1]
        return [f"{self.base_url}/viewstory.php?sid={sid}&chapter=1"]

    def more_urls(self, first: FetchedPage) -> list[str]:
        sid = self._sid(first.url)
        current = parse_qs(urlsplit(first.url).query).get("chapter", ["1"])[0]
        numbers = sorted(
            {
                int(o["value"])
                for o in soup(first.body).select("select[name=chapter] option")
                if o.get("value", "").isdigit()
            }
        )
        return [
            f"{self.base_url}/viewstory.php?sid={sid}&chapter={n}"
            for n in numbers
            if str(n) != current
        ]

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        first = pages[0]
        sid = self._sid(first.url) or ""
        doc = soup(first.body)
        if first.status in (404, 410):
            raise Gone(f"efiction:{self.host}:{sid} is gone upstream", first.url, first.status)
        main_text = text_of(doc.body)[:2000].lower() if doc.body else ""
        if doc.select_one("#story") is None:
            if "registered users" in main_text or "must be logged in" in main_text:
                raise LoginRequired(
                    f"efiction:{self.host}:{sid} is for registered users only", first.url
                )
            if "not found" in main_text or "does not exist" in main_text:
                raise Gone(f"efiction:{self.host}:{sid} is gone upstream", first.url, first.status)
            raise ParseError(f"{first.url}: not an eFiction story page (no #story)")
        meta = WorkMeta()
        title_div = doc.select_one("#pagetitle")
        links = title_div.find_all("a") if title_div else []
        meta.title = text_of(links[0]) if links else text_of(title_div)
        meta.authors = [text_of(a) for a in links if "viewuser.php" in a.get("href", "")]
        summary_html = ""
        for label in doc.select("span.label"):
            name = text_of(label).rstrip(":").strip()
            key = LABELS.get(name)
            if key is None:
                continue
            values, node = [], label.next_sibling
            while node is not None and getattr(node, "name", None) not in ("span", "br"):
                values.append(node.get_text(" ") if hasattr(node, "get_text") else str(node))
                node = node.next_sibling
            value = " ".join("".join(values).split()).strip()
            if key == "summary":
                summary_html = value
            elif key in ("fandoms", "characters", "warnings", "tags"):
                setattr(meta, key, [v.strip() for v in value.split(",") if v.strip()])
            elif key == "rating":
                meta.rating = value or None
            elif key == "words":
                meta.words_upstream = to_int(value)
            elif key == "completed":
                meta.status = "complete" if value.lower().startswith("yes") else "in_progress"
            elif key in ("published", "updated"):
                setattr(meta, key, value or None)
            elif key == "series" and value and value.lower() != "none":
                meta.series = [{"name": value, "id": None, "part": None}]
        options = {
            int(o["value"]): re.sub(r"^\d+\.\s*", "", text_of(o))
            for o in doc.select("select[name=chapter] option")
            if o.get("value", "").isdigit()
        }
        meta.chapters_total = len(options) or 1 if meta.status == "complete" else None
        chapters = []
        for page in pages:
            number = int(parse_qs(urlsplit(page.url).query).get("chapter", ["1"])[0] or 1)
            pdoc = soup(page.body)
            story = pdoc.select_one("#story")
            if story is None:
                raise ParseError(f"{page.url}: chapter {number} has no #story")
            notes = [
                RawNote("chapter_note", "before", inner_html(n)) for n in pdoc.select("div.notes")
            ]
            chapters.append(RawChapter(number, options.get(number, ""), inner_html(story), notes))
        return RawWork(
            "efiction",
            f"{self.host}:{sid}",
            f"{self.base_url}/viewstory.php?sid={sid}",
            meta,
            chapters,
            summary_html,
        )
