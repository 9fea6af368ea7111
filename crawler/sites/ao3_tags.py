"""AO3 tag pages: which tag is canonical, and which tags mean the same.

AO3's tag wranglers make one tag of each meaning canonical and merge every
other spelling into it as a synonym. A canonical tag's page lists them under
"Tags with the same meaning"; a synonym's page says "has been made a synonym
of <canonical>" (the two real saved pages in ../shared/fixtures/ao3 show both).
The archive fetches these pages (`ficarchive tags --refresh`) through the
polite client like every other fetch, and keeps what they say in its store.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from crawler.errors import ParseError
from crawler.http import PoliteClient
from crawler.models import FetchedPage, TagPage  # noqa: F401  (TagPage: re-exported)
from crawler.sites.base import soup, text_of

# AO3 writes these characters of a tag's name as *x* in its URL (/tags/A*s*B is "A/B").
_URL_ESCAPES = {"/": "*s*", "&": "*a*", ".": "*d*", "#": "*h*", "?": "*q*"}
_CATEGORY_RE = re.compile(r"belongs to the (\w+) Category", re.I)


def tag_url(base_url: str, name: str) -> str:
    """The address of a tag's page on an AO3 archive at `base_url`."""
    escaped = "".join(_URL_ESCAPES.get(ch, ch) for ch in name)
    return f"{base_url.rstrip('/')}/tags/{quote(escaped, safe='()*,!-_~')}"


def parse_tag_page(html: str | bytes, url: str = "") -> TagPage:
    """A tag page read: raises ParseError when the page holds no tag (a login wall,
    an error page) so that nothing wrong is ever cached as "no synonyms"."""
    doc = soup(html)
    home = doc.select_one("div.tag.home")
    heading = home.select_one("h2.heading") if home else None
    if heading is None:
        raise ParseError(f"{url or 'the page'}: no AO3 tag on this page (not a tag page?)")
    name = text_of(heading)
    said = " ".join(text_of(p) for p in home.find_all("p", recursive=False))
    category = _CATEGORY_RE.search(said)
    synonyms = tuple(
        text_of(a) for a in home.select("div.synonym.listbox ul.tags a.tag") if text_of(a)
    )
    merger = home.select_one("div.merger a.tag")
    merged_into = text_of(merger) if merger is not None else None
    canonical = "canonical tag" in said or (bool(synonyms) and merged_into is None)
    return TagPage(
        name=name,
        canonical=canonical and merged_into is None,
        merged_into=merged_into or None,
        synonyms=synonyms,
        category=category.group(1) if category else None,
    )


def fetch_tag(client: PoliteClient, base_url: str, name: str) -> TagPage | None:
    """One tag's page fetched politely (robots, the delay, one at a time, as every
    fetch); None when AO3 has no such tag (404). Other failures raise the client's
    own errors (FetchError and its kin) or ParseError."""
    url = tag_url(base_url, name)
    page: FetchedPage = client.get(url)
    if page.status == 404:
        return None
    if page.status != 200:
        raise ParseError(f"{url}: HTTP {page.status} for a tag page")
    return parse_tag_page(page.text, url)


__all__ = ["TagPage", "fetch_tag", "parse_tag_page", "tag_url"]
