"""Single-page stories: a local .txt/.html file (`import`) or one web page (`add`).

A file's id is `file:` + the first 12 hex digits of the SHA-1 of its bytes, so
importing the same story twice refreshes one work instead of making two.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawler.errors import Gone, ParseError, UsageError
from crawler.models import FetchedPage, RawChapter, RawWork, WorkMeta
from crawler.sites.base import SiteAdapter, inner_html, soup, text_of

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def file_id(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()[:12]


def decode(body: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252, the usual other habit."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace")


def title_from_name(name: str) -> str:
    stem = re.sub(r"[_\-]+", " ", Path(name).stem).strip()
    return stem[:1].upper() + stem[1:] if stem else "Untitled"


class TextAdapter(SiteAdapter):
    """One page is one work with one chapter; the cleaner does the rest."""

    name = "text"
    default_base_url = ""  # files need none; set one to `add` pages from a web host
    default_delay = 3.0
    id_prefix = "file"
    listing_kinds = ()
    # Any page or file at all: no menus known in advance, and a guess (<nav>, <header>)
    # could take the story's own title or headings with it.
    chrome = ()
    single_page = True

    def entry_url(self, site_id: str) -> str:
        """A URL given as the id is its own entry; a content hash has no URL to go back to."""
        if re.match(r"^(https?|file)://", site_id):
            return site_id
        raise UsageError(
            f"{self.work_id(site_id)} came from a file or a single page and has no URL to "
            "fetch; import or add it again to refresh it"
        )

    def work_id_from_url(self, url: str) -> str | None:
        return None  # ids come from the content, not the URL

    def work_urls(self, site_id: str) -> list[str]:
        return [site_id]

    def parse_work(self, pages: list[FetchedPage]) -> RawWork:
        page = pages[0]
        if page.status in (404, 410):
            raise Gone(f"{page.url} is gone (HTTP {page.status})", page.url, page.status)
        if page.status >= 400:
            raise ParseError(f"{page.url}: answered HTTP {page.status}")
        name = unquote(urlsplit(page.url).path.rsplit("/", 1)[-1]) or page.url
        ctype = page.headers.get("content-type", "")
        is_html = name.lower().endswith(HTML_SUFFIXES) or "html" in ctype
        if (
            not is_html
            and not name.lower().endswith(TEXT_SUFFIXES)
            and b"<html" in page.body[:2000].lower()
        ):
            is_html = True
        text = decode(page.body)
        if not text.strip():
            raise ParseError(f"{page.url}: the file is empty")
        meta = WorkMeta(title=title_from_name(name), status="complete", chapters_total=1)
        if is_html:
            doc = soup(text)
            title = text_of(doc.find("title")) or text_of(doc.find("h1"))
            if title:
                meta.title = title
            author = doc.find("meta", attrs={"name": "author"})
            if author and author.get("content"):
                meta.authors = [author["content"].strip()]
            body = doc.find("body") or doc
            chapter = RawChapter(1, "", inner_html(body))
        else:
            chapter = RawChapter(1, "", text, [], format="text")
        meta.language = "English"
        return RawWork(self.id_prefix, file_id(page.body), page.url, meta, [chapter])
