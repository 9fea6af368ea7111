"""eFiction archives (`viewstory.php`): the whole story in one request where the
site offers it, else chapter by chapter from the jump menu.

eFiction 3 serves every chapter of a story, with the story's metadata, at
`viewstory.php?action=printable&sid=N&chapter=all` (its "print the story"
page: `default_tpls/printstory.tpl`). A site that does not answer that with
the printable layout answers with an ordinary chapter page, and the adapter
falls back to fetching the other chapters one by one.

Work ids are `efiction:<host>:<sid>`, since many archives run eFiction: each is
configured as its own `[sites.NAME] adapter = "efiction"` with its base_url.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from crawler.errors import AdultContent, ConfigError, Gone, LoginRequired, ParseError
from crawler.models import FetchedPage, Position, RawChapter, RawNote, RawWork, WorkMeta
from crawler.sites.base import (
    SiteAdapter,
    inner_html,
    parsed_page,
    same_host,
    soup,
    text_of,
    to_int,
)

LABELS = {
    "Rated": "rating",
    "Rating": "rating",
    "Categories": "fandoms",
    "Category": "fandoms",
    "Characters": "characters",
    "Warnings": "warnings",
    "Genre": "tags",
    "Genres": "tags",
    "Series": "series",
    "Chapters": "chapters",
    "Word count": "words",
    "Completed": "completed",
    "Published": "published",
    "Updated": "updated",
    "Summary": "summary",
}
_LIST_KEYS = ("fandoms", "characters", "warnings", "tags")
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y")


def _iso_date(text: str) -> str | None:
    """A date the site shows, as YYYY-MM-DD when it is unambiguous; else as shown.

    "03/04/10" could be either day first or month first, and the site's format
    setting is not on the page, so such dates are kept as they are.
    """
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text or None


def _label_value(label) -> tuple[str, str]:
    """The text after a `span.label`, up to the next label (or line break, but a
    summary may hold line breaks of its own)."""
    name = text_of(label).rstrip(":").strip()
    summary = LABELS.get(name) == "summary"
    values, node = [], label.next_sibling
    while node is not None and not _ends_value(node, summary):
        values.append(node.get_text(" ") if hasattr(node, "get_text") else str(node))
        node = node.next_sibling
    return name, " ".join("".join(values).split()).strip()


def _ends_value(node, summary: bool) -> bool:
    tag = getattr(node, "name", None)
    if tag == "span" and "label" in node.get("class", []):
        return True
    return not summary and tag in ("span", "br")


def _note(div) -> tuple[str, Position, str]:
    """(kind, position, html) of an eFiction `div.notes`, by the label it carries."""
    label = text_of(div.select_one(".title") or div.select_one("span.label")).lower()
    body = div.select_one("div.noteinfo")
    html = inner_html(body) if body is not None else inner_html(div)
    if "story notes" in label:
        return "work_note", "before", html
    if "end notes" in label:
        return "end_note", "after", html
    return "chapter_note", "before", html


class EFictionAdapter(SiteAdapter):
    """Reads eFiction 3 `viewstory.php` pages: printable whole stories and chapter pages."""

    name = "efiction"
    default_base_url = ""  # many archives run eFiction: each is its own [sites.NAME]
    default_delay = 3.0
    id_prefix = "efiction"
    listing_kinds = ()  # no listing reader yet: stories come in by `add URL`
    # The jump menu of the saved page in ../shared/fixtures/efiction; the rest from
    # eFiction 3.5's default_tpls (header.tpl, viewstory.tpl, footer.tpl): banner,
    # story info box (reviews, print and report links), prev/next links, the review
    # and favourite links, and the footer.
    chrome = (
        "div.jumpmenu",
        "div.jumpmenu2",
        "#pagelinks",
        "div.storyinfo",
        "#prev",
        "#next",
        "div.respond",
        "#banner",
        "#footer",
    )

    @property
    def host(self) -> str:
        return self.site.host

    def work_id(self, site_id: str) -> str:
        """`efiction:<host>:<sid>`; a bare sid is taken to be on this site's host."""
        return (
            f"{self.id_prefix}:{self.host}:{site_id}"
            if site_id.isdigit()
            else super().work_id(site_id)
        )

    def site_id(self, work_id: str) -> str | None:
        """`<host>:<sid>`, but only for this site's host: ids of other archives are theirs."""
        rest = super().site_id(work_id)
        host, _, sid = (rest or "").rpartition(":")
        return f"{self.host}:{sid}" if self.host and host.lower() == self.host and sid else None

    def entry_url(self, site_id: str) -> str:
        return self._url(self._own_sid(site_id))

    def _own_sid(self, site_id: str) -> str:
        """The sid of a `<host>:<sid>` (or bare sid) of this site; another host's is refused
        so that a story is never fetched from the wrong archive."""
        host, _, sid = site_id.rpartition(":")
        if host and host.lower() != self.host:
            raise ConfigError(
                f"efiction:{site_id} belongs to {host}, not to [sites.{self.site.name}] ({self.host})"
            )
        return sid

    def _sid(self, url: str) -> str | None:
        parts = urlsplit(url)
        if not parts.path.endswith("viewstory.php"):
            return None
        sid = parse_qs(parts.query).get("sid", [""])[0]
        return sid if sid.isdigit() else None

    def _url(self, sid: str, **params: str) -> str:
        return f"{self.base_url}/viewstory.php?{urlencode({'sid': sid, **params})}"

    def work_id_from_url(self, url: str) -> str | None:
        sid = self._sid(url)
        return f"{self.host}:{sid}" if sid else None

    def saved_url(self, page: FetchedPage) -> str | None:
        """A saved eFiction story page of this host: its markup, and a link to one of this
        archive's viewstory.php pages (absolute, so the page names the archive)."""
        found = super().saved_url(page)
        if found is not None:
            return found
        doc = parsed_page(page.body)
        if doc.select_one("#story") is None or doc.select_one("#pagetitle") is None:
            return None
        for a in doc.select("a[href*='viewstory.php']"):
            href = a["href"]
            if same_host(href, self.base_url) and (sid := self._sid(href)):
                return self._url(sid)  # the chapter shown is read from the page itself
        return None

    def work_urls(self, site_id: str) -> list[str]:
        sid = self._own_sid(site_id)
        return [self._url(sid, action="printable", chapter="all")]

    def more_urls(self, first: FetchedPage) -> list[str]:
        sid = self._sid(first.url) or ""
        doc = soup(first.body)
        if _is_printable(doc):
            return []
        consent = _consent_link(doc)
        if consent is not None:
            if not self.site.allow_adult:
                return []  # parse_work says why
            # The consent link's own parameters, on the whole-story page.
            query = parse_qs(urlsplit(urljoin(first.url, consent)).query)
            extra = {k: v[0] for k, v in query.items() if k in ("ageconsent", "warning")}
            return [self._url(sid, action="printable", chapter="all", **extra)]
        shown = _chapter_shown(doc, first.url)
        return [self._url(sid, chapter=str(n)) for n in sorted(_chapter_titles(doc)) if n != shown]

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        first = pages[0]
        sid = self._sid(first.url) or ""
        work_id = self.work_id(f"{self.host}:{sid}")
        if first.status in (404, 410):
            raise Gone(f"{work_id} is gone upstream", first.url, first.status)
        docs = [(p, soup(p.body)) for p in pages]
        # An age-consent page followed by the page it unlocked: read the latter.
        while len(docs) > 1 and _consent_link(docs[0][1]) is not None:
            docs.pop(0)
        page, doc = docs[0]
        printable = _is_printable(doc)
        if doc.select_one("#story") is None and not printable:
            self._refuse(doc, work_id, page)
        meta, summary_html = self._meta(doc)
        titles = _chapter_titles(doc)
        work_notes: list[RawNote] = []
        if printable:
            chapters = self._printable_chapters(doc, meta.authors, work_notes)
        else:
            chapters = []
            for p, pdoc in docs:
                chapters.append(self._chapter_page(p, pdoc, titles, work_notes))
            chapters.sort(key=lambda c: c.number)
        if not chapters:
            raise ParseError(f"{page.url}: the eFiction page has no chapter text")
        if meta.status == "complete":
            meta.chapters_total = meta.chapters_total or len(titles) or len(chapters)
        else:
            meta.chapters_total = None
        return RawWork(
            self.id_prefix,
            f"{self.host}:{sid}",
            self._url(sid),
            meta,
            chapters,
            summary_html,
            work_notes,
        )

    # --- pieces ----------------------------------------------------------------------

    def _refuse(self, doc, work_id: str, page: FetchedPage) -> None:
        main_text = text_of(doc.body)[:2000].lower() if doc.body else ""
        if "registered users" in main_text or "must be logged in" in main_text:
            raise LoginRequired(f"{work_id} is for registered users only", page.url)
        if _consent_link(doc) is not None:
            raise AdultContent(
                f"{work_id} is behind the archive's age or content warning "
                f"(set allow_adult = true under [sites.{self.site.name}] to archive it)",
                page.url,
                page.status,
            )
        if (
            "not found" in main_text
            or "does not exist" in main_text
            or "invalid story" in main_text
        ):
            raise Gone(f"{work_id} is gone upstream", page.url, page.status)
        raise ParseError(f"{page.url}: not an eFiction story page (no #story)")

    def _meta(self, doc) -> tuple[WorkMeta, str]:
        meta = WorkMeta(status="in_progress")  # unless the page says "Completed: Yes"
        title_div = doc.select_one("#pagetitle")
        links = title_div.find_all("a") if title_div else []
        meta.title = text_of(links[0]) if links else text_of(title_div)
        meta.authors = [text_of(a) for a in links if "viewuser.php" in a.get("href", "")]
        if not links and " by " in meta.title:
            meta.title, _, author = meta.title.rpartition(" by ")
            meta.authors = [author]
        summary_html = ""
        for label in doc.select("span.label"):
            name, value = _label_value(label)
            key = LABELS.get(name)
            if key is None:
                continue
            if key == "summary":
                summary_html = value
            elif key in _LIST_KEYS:
                values = [v.strip() for v in value.split(",") if v.strip()]
                setattr(meta, key, [] if values == ["None"] else values)
            elif key == "rating":
                meta.rating = value or None
            elif key == "words":
                meta.words_upstream = to_int(value)
            elif key == "chapters":
                meta.chapters_total = to_int(value)
            elif key == "completed":
                meta.status = "complete" if value.lower().startswith("yes") else "in_progress"
            elif key in ("published", "updated"):
                setattr(meta, key, _iso_date(value))
            elif key == "series" and value and value.lower() != "none":
                meta.series = [{"name": value, "id": None, "part": None}]
        return meta, summary_html

    def _printable_chapters(
        self, doc, authors: list[str], work_notes: list[RawNote]
    ) -> list[RawChapter]:
        """printstory.tpl: story notes, then per chapter a title, notes, text, end notes."""
        chapters: list[RawChapter] = []
        current: RawChapter | None = None
        for node in doc.select("div.chaptertitle, div.chapter, div.notes"):
            classes = node.get("class", [])
            if "chaptertitle" in classes:
                anchor = node.find("a", attrs={"name": True})
                number = (
                    int(anchor["name"])
                    if anchor is not None and anchor["name"].isdigit()
                    else len(chapters) + 1
                )
                current = RawChapter(number, _strip_byline(text_of(node), authors), "")
                chapters.append(current)
            elif "chapter" in classes and current is not None:
                current.html = inner_html(node)
            elif "notes" in classes:
                kind, position, html = _note(node)
                if current is None or kind == "work_note":
                    work_notes.append(RawNote("work_note", "before", html))
                else:
                    if kind == "chapter_note" and current.html:
                        kind, position = "end_note", "after"
                    current.notes.append(RawNote(kind, position, html))
        return [c for c in chapters if c.html.strip()]

    def _chapter_page(
        self, page: FetchedPage, doc, titles: dict[int, str], work_notes: list[RawNote]
    ) -> RawChapter:
        number = _chapter_shown(doc, page.url)
        story = doc.select_one("#story")
        if story is None:
            raise ParseError(f"{page.url}: chapter {number} has no #story")
        notes = []
        for div in doc.select("div.notes"):
            kind, position, html = _note(div)
            if kind == "work_note":
                if not any(n.html == html for n in work_notes):
                    work_notes.append(RawNote(kind, position, html))
            else:
                notes.append(RawNote(kind, position, html))
        return RawChapter(number, titles.get(number, ""), inner_html(story), notes)


def _is_printable(doc) -> bool:
    return bool(doc.select_one("div.chaptertitle")) and bool(doc.select_one("div.chapter"))


def _consent_link(doc) -> str | None:
    """The "I am old enough" / "continue past the warning" link of an interstitial."""
    if doc.select_one("#story") is not None or _is_printable(doc):
        return None
    link = doc.select_one("a[href*='ageconsent=ok'], a[href*='warning=']")
    return link["href"] if link is not None else None


def _chapter_titles(doc) -> dict[int, str]:
    return {
        int(o["value"]): re.sub(r"^\d+\.\s*", "", text_of(o))
        for o in doc.select("select[name=chapter] option")
        if o.get("value", "").isdigit()
    }


def _chapter_shown(doc, url: str) -> int:
    """The chapter a page shows: the jump menu's selected one, else the URL's, else 1."""
    selected = doc.select_one("select[name=chapter] option[selected]")
    if selected is not None and selected.get("value", "").isdigit():
        return int(selected["value"])
    asked = parse_qs(urlsplit(url).query).get("chapter", ["1"])[0]
    return int(asked) if asked.isdigit() else 1


def _strip_byline(title: str, authors: list[str]) -> str:
    """printstory.tpl writes "Title by Author" for each chapter."""
    head, sep, who = title.rpartition(" by ")
    return head.strip() if sep and (not authors or who.strip() in authors) else title
