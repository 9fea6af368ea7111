"""Archive of Our Own: work pages (full view, chapter view) and listings.

A whole work costs one request (`view_full_work=true`, plus `view_adult=true`
only when the config allows adult works). Listing blurbs (tag works, series,
a user's works and bookmarks, collections) carry each work's updated date and
chapter count, so a re-crawl fetches only what changed.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from crawler.errors import AdultContent, Gone, LoginRequired, NotAStory, ParseError
from crawler.models import FetchedPage, Position, RawChapter, RawNote, RawWork, WorkMeta
from crawler.sites.ao3_listings import AO3Listings, chapters_shown
from crawler.sites.base import (
    SiteAdapter,
    inner_html,
    parsed_page,
    text_of,
    to_int,
    truncated,
)
from crawler.sites.css import select, select_one

WORK_RE = re.compile(r"/works/(\d+)")
CHAPTER_TITLE_RE = re.compile(r"^\s*Chapter\s+\d+\s*:?\s*", re.I)
SERIES_RE = re.compile(r"Part\s+(\d+)\s+of", re.I)


def _tags(meta, cls: str) -> list[str]:
    dd = select_one(meta, f"dd.{cls}")
    return [text_of(a) for a in select(dd, "a.tag")] if dd else []


def _not_a_work(doc) -> str:
    """What a saved AO3 page holding no work is, and which page to save instead."""
    main = (
        " ".join(select_one(doc, "div#main").get("class", []))
        if select_one(doc, "div#main")
        else ""
    )
    if select_one(doc, "p.caution") is not None:
        return ("a saved AO3 adult-content notice, not the work; choose 'Yes, Continue' in"
                " your browser and save the work page it opens")  # fmt: skip
    if "sessions-new" in main:
        return ("a saved AO3 log-in page (the work is for registered users only); log in in"
                " your browser, open the work and save its page")  # fmt: skip
    if "works-navigate" in main:
        return "a saved AO3 chapter index, not the work; open 'Entire Work' and save that page"
    return ("a saved AO3 page listing works (a series, tag or search), not a work; save each"
            " work's page ('Entire Work') and import those")  # fmt: skip


def _chapter_position(doc) -> tuple[int, str] | None:
    """(place in the work, AO3's chapter id) of a chapter page, from its chapter menu;
    None for a page holding the whole work (it has no menu)."""
    options = select(doc, "select#selected_id option[value]")
    for place, option in enumerate(options, 1):
        if option.has_attr("selected") and option["value"].isdigit():
            return place, option["value"]
    return None


def _userstuff_html(module) -> str:
    """A note or summary module's content, without its heading or AO3's jump links."""
    if module is None:
        return ""
    quote = select_one(module, "blockquote.userstuff")
    return inner_html(quote) if quote is not None else ""


def _add_note(notes: list[RawNote], kind: str, position: Position, module) -> None:
    """A note only when the module holds one: a lone "(See the end of the chapter for
    more notes.)" jump link is AO3's navigation, not a note."""
    html = _userstuff_html(module)
    if html.strip():
        notes.append(RawNote(kind, position, html))


class AO3Adapter(AO3Listings, SiteAdapter):
    """Reads AO3's markup as the saved pages in ../shared/fixtures/ao3 show it."""

    name = "ao3"
    default_base_url = "https://archiveofourown.org"
    # AO3 throttles at about 60 requests a minute per IP: one every 5 s stays well under.
    default_delay = 5.0
    id_prefix = "ao3"
    # What is_listing_url takes and parse_listing reads: /tags/T/works, /series/N,
    # /users/U[/pseuds/P]/works, /users/U/bookmarks, /collections/C/works.
    # AO3's own short domain and official mirror domains (the OTW's list).
    aliases = (
        "archiveofourown.org",
        "ao3.org",
        "archiveofourown.com",
        "archiveofourown.net",
        "archive.transformativeworks.org",
    )
    listing_kinds = ("tag", "series", "user", "bookmarks", "collection")
    # As on the saved pages in ../shared/fixtures/ao3: the site header (menus, login box),
    # footer, skip links, flash notices, the work's action bar (chapter index, download),
    # kudos/comments/bookmark forms, hidden landmark headings, "see the end" jump links
    # and listing pagination.
    chrome = (
        "#skiplinks",
        "#header",
        "#footer",
        "ul.landmark.skip",
        "div.flash",
        "ul.work.navigation.actions",
        "#feedback",
        "#bookmark_form_placement",
        "h3.landmark",
        "p.jump",
        "ol.pagination",
    )

    def entry_url(self, site_id: str) -> str:
        return f"{self.base_url}/works/{site_id}"

    def work_id_from_url(self, url: str) -> str | None:
        m = WORK_RE.search(urlsplit(url).path)
        return m.group(1) if m else None

    def saved_url(self, page: FetchedPage) -> str | None:
        """A saved work page: its canonical link, else the work its own links name.

        AO3 pages carry no canonical link; the work's id is in the chapter index,
        kudos and share links, and AO3's download HTML names the work in its preface
        ("Posted originally on the Archive of Our Own at …/works/N").
        """
        found = super().saved_url(page)
        if found is not None:
            return found
        doc = parsed_page(page.body)
        ao3 = select_one(doc, "#header a[href='/'], #header h1.heading") is not None
        if select_one(doc, "dl.work.meta.group") is None or select_one(doc, "div#chapters") is None:
            found = self._download_url(doc)
            if found is None and ao3:  # AO3's own page, but no work on it: never a text work
                name = unquote(urlsplit(page.url).path.rpartition("/")[2]) or page.url
                raise NotAStory(f"{name}: {_not_a_work(doc)}")
            return found
        if not ao3:
            return None  # AO3's markup without AO3's header: another site's copy of it
        kudos = doc.find(id="kudo_commentable_id")  # find, not select: once per saved page
        if kudos is not None and str(kudos.get("value", "")).isdigit():
            site_id = str(kudos["value"])
        else:
            counts: dict[str, int] = {}
            for a in doc.find_all("a", href=True):
                m = WORK_RE.match(urlsplit(a["href"]).path)
                if m:
                    counts[m.group(1)] = counts.get(m.group(1), 0) + 1
            if not counts:
                return None
            site_id = max(counts, key=counts.get)
        position = _chapter_position(doc)
        if position is None:
            return self.entry_url(site_id)
        return f"{self.entry_url(site_id)}/chapters/{position[1]}"  # one chapter, saved alone

    def saved_chapter(self, page: FetchedPage) -> int | None:
        """A chapter page's place in its work (its chapter menu's selection); None for a
        whole work (full view, a one-chapter work, the download HTML)."""
        position = _chapter_position(parsed_page(page.body))
        return position[0] if position is not None else None

    def _download_url(self, doc) -> str | None:
        preface = select_one(doc, "#preface")
        if preface is None:
            return None
        for a in select(preface, "a[href]"):
            if "archiveofourown" in a["href"] and (m := WORK_RE.search(a["href"])):
                return self.entry_url(m.group(1))
        return None

    def work_urls(self, site_id: str) -> list[str]:
        query = "view_full_work=true"
        if self.site.allow_adult:
            query += "&view_adult=true"
        return [f"{self.base_url}/works/{site_id}?{query}"]

    # --- work pages -----------------------------------------------------------

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        page = pages[0]
        url = page.final_url or page.url
        doc = parsed_page(page.body)
        # The id of the page that answered: a work redirected to another is that other work.
        site_id = self.work_id_from_url(url) or self.work_id_from_url(page.url) or ""
        work_id = self.work_id(site_id)
        if page.status in (404, 410) or (select_one(doc, "div#main.error-404") is not None):
            raise Gone(f"{work_id} is gone upstream (HTTP {page.status})", url, page.status)
        if "/users/login" in url or select_one(doc, "div#signin") is not None:
            raise LoginRequired(f"{work_id} is open to registered users only", url, page.status)
        if page.status >= 400:
            raise ParseError(f"{url}: AO3 answered HTTP {page.status}")
        meta_dl = select_one(doc, "dl.work.meta.group")
        chapters_div = select_one(doc, "div#chapters")
        if meta_dl is None or chapters_div is None:
            if select_one(doc, "p.caution") is not None:
                why = (
                    "AO3 still showed its adult-content notice although allow_adult = true;"
                    " not archived this time"
                    if self.site.allow_adult
                    else f"set allow_adult = true under [sites.{self.site.name}] to archive it"
                )
                raise AdultContent(f"{work_id} is behind the adult-content notice ({why})",
                                   url, page.status)  # fmt: skip
            if "deleted" in text_of(select_one(doc, "div#main"))[:500].lower():
                raise Gone(f"{work_id} has been deleted upstream", url, page.status)
            raise ParseError(f"{url}: not an AO3 work page (no work metadata or chapters found)")
        if truncated(page.body):
            raise ParseError(f"{url}: the page was cut off (no closing </html>); not stored")

        meta = self._meta(doc, meta_dl)
        docs = [doc] + [self._chapter_doc(p) for p in pages[1:]]
        # Saved chapter by chapter: the work's preface is on chapter 1, its end notes on
        # the last chapter; a later page of the same chapter replaces an earlier one.
        head = next((d for d in docs if (_chapter_position(d) or (1,))[0] == 1), doc)
        preface = select_one(head, "div#workskin > div.preface.group") or select_one(
            head, "div.preface.group"
        )
        summary_html = _userstuff_html(select_one(preface, "div.summary.module")) if preface else ""
        notes: list[RawNote] = []
        if preface is not None:
            _add_note(notes, "work_note", "before", select_one(preface, "div.notes.module"))
        ends = [select_one(d, "div#work_endnotes") for d in docs]
        _add_note(notes, "work_end_note", "after", next((e for e in reversed(ends) if e), None))
        by_number = {c.number: c for d in docs for c in self._page_chapters(d)}
        chapters = [by_number[n] for n in sorted(by_number)]
        if not chapters:
            raise ParseError(f"{url}: the AO3 work page has no chapter text")
        return RawWork(
            self.id_prefix, site_id, self.entry_url(site_id), meta, chapters, summary_html, notes
        )

    def _meta(self, doc, meta_dl) -> WorkMeta:
        title = text_of(select_one(doc, "h2.title.heading"))
        authors = [text_of(a) for a in select(doc, "h3.byline a[rel=author]")]
        if not authors:
            byline = text_of(select_one(doc, "h3.byline"))
            authors = [byline] if byline else []
        stats = select_one(meta_dl, "dl.stats")

        def stat(cls: str) -> str:
            return text_of(select_one(stats, f"dd.{cls}")) if stats else ""

        done, _, total = (
            chapters_shown(select_one(stats, "dd.chapters") if stats else None) or ""
        ).partition("/")
        chapters_total = to_int(total) if total.strip() not in ("", "?") else None
        complete = chapters_total is not None and to_int(done) == chapters_total
        status_label = text_of(select_one(stats, "dt.status")) if stats else ""
        updated = stat("status") or stat("published") or None
        series = []
        for span in select(meta_dl, "dd.series span.position"):
            link = select_one(span, "a[href*='/series/']")
            part = SERIES_RE.search(text_of(span))
            if link is not None:
                series.append(
                    {
                        "name": text_of(link),
                        "id": (re.findall(r"/series/(\d+)", link["href"]) or [None])[0],
                        "part": int(part.group(1)) if part else None,
                    }
                )
        rating = _tags(meta_dl, "rating")
        return WorkMeta(
            title=title,
            authors=authors,
            fandoms=_tags(meta_dl, "fandom"),
            characters=_tags(meta_dl, "character"),
            relationships=_tags(meta_dl, "relationship"),
            tags=_tags(meta_dl, "freeform"),
            rating=rating[0] if rating else None,
            warnings=_tags(meta_dl, "warning"),
            categories=_tags(meta_dl, "category"),
            language=text_of(select_one(meta_dl, "dd.language")) or None,
            status="complete"
            if complete or status_label.startswith("Completed")
            else "in_progress",
            chapters_total=chapters_total,
            published=stat("published") or None,
            updated=updated,
            series=series,
            kudos=to_int(stat("kudos")),
            hits=to_int(stat("hits")),
            bookmarks=to_int(stat("bookmarks")),
            comments=to_int(stat("comments")),
            collections=[text_of(a) for a in select(meta_dl, "dd.collections a")],
            words_upstream=to_int(stat("words")),
        )

    def _chapter_doc(self, page: FetchedPage):
        doc = parsed_page(page.body)
        if select_one(doc, "div#chapters") is None or truncated(page.body):
            raise ParseError(f"{page.url}: not a whole AO3 chapter page; not stored")
        return doc

    def _page_chapters(self, doc) -> list[RawChapter]:
        """A page's chapters, a chapter page's one numbered by its place in the work."""
        chapters = self._chapters(select_one(doc, "div#chapters"))
        position = _chapter_position(doc)
        if position is not None and len(chapters) == 1:
            chapters[0].number = position[0]
        return chapters

    def _chapters(self, chapters_div) -> list[RawChapter]:
        divs = chapters_div.find_all("div", class_="chapter", id=re.compile(r"^chapter-\d+$"))
        if not divs:
            body = chapters_div.find("div", class_="userstuff")
            return [RawChapter(1, "", inner_html(body))] if body is not None else []
        chapters = []
        for div in divs:
            number = int(div["id"].split("-")[1])
            title_tag = select_one(div, "div.chapter.preface h3.title")
            title = CHAPTER_TITLE_RE.sub("", text_of(title_tag)) if title_tag else ""
            notes: list[RawNote] = []
            for preface in select(div, "div.chapter.preface"):
                for module in select(preface, "div.summary.module"):
                    _add_note(notes, "chapter_summary", "before", module)
                for module in select(preface, "div.notes.module"):
                    if "end" in module.get("class", []):
                        _add_note(notes, "end_note", "after", module)
                    else:
                        _add_note(notes, "chapter_note", "before", module)
            body = select_one(div, "div.userstuff")
            chapters.append(RawChapter(number, title, inner_html(body), notes))
        return chapters
