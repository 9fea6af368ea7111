"""Saved pages: a page the reader's browser saved goes to the site it came from.

`import` of a saved AO3, FanFiction.net or eFiction page stores it as that
site's work, under the site's own id and metadata, exactly as a crawl would:
each configured adapter is asked whether it claims the page (its canonical
link, og:url, the site's markup); the first that does parses it, re-addressed
to the URL it was saved from. A page no adapter claims is a single text page.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from crawler.config import Config
from crawler.models import FetchedPage
from crawler.sites import adapter, configured_adapters
from crawler.sites.base import SiteAdapter

# What a folder walk imports; a file named on the command line is tried whatever it is.
STORY_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".text", ".epub")
# A browser's "save complete" folder holds the page's images, scripts and styles.
# What any saved web page holds near its top; a plain-text story holds none of these.
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|meta|link|div|p)\b", re.I)
SAVED_ASSETS = re.compile(r"_files$|_archivos$|-Dateien$|_fichiers$")


def is_saved_assets(path: Path) -> bool:
    """Whether a path lies in a browser's "Page_files/" folder (never a story)."""
    return any(SAVED_ASSETS.search(part) for part in path.parts)


def story_files(path: Path) -> list[Path]:
    """What `import PATH` reads: a file as it is; a folder as its files, sorted,
    recursively, without browsers' asset folders."""
    if not path.is_dir() or path.is_symlink():
        return [path]
    found = [
        f
        for f in sorted(path.rglob("*"))
        if f.suffix.lower() in STORY_SUFFIXES
        and not f.name.startswith(".")
        and not is_saved_assets(f.relative_to(path))
        and not f.is_dir()
    ]
    return found or [path]  # a folder with no story in it is one failure, not silence


def recognise(config: Config, page: FetchedPage) -> tuple[SiteAdapter, FetchedPage]:
    """The site a saved page belongs to, and the page as if fetched from that site.

    A file with no markup in it (a .txt story) names no site: the text adapter reads it.
    """
    if not _MARKUP.search(page.body[:65536]):
        return adapter(config, "text"), page
    for site in configured_adapters(config):
        if site.single_page:
            continue
        url = site.saved_url(page)
        if url is not None:
            return site, replace(page, url=url, final_url=url)
    return adapter(config, "text"), page


def merged(site: SiteAdapter, page: FetchedPage, stored: list[FetchedPage]) -> list[FetchedPage]:
    """A work's pages once a newly saved page joins those stored.

    A page holding one chapter (SiteAdapter.saved_chapter: FanFiction.net's, AO3's
    chapter view) joins the stored pages, replacing a stored page of the same chapter,
    in chapter order (a stored whole work first: the adapter lets later pages win). A
    page holding the whole work replaces them all.
    """
    number = site.saved_chapter(page)
    if number is None:
        return [page]
    by_chapter = {site.saved_chapter(p) or 0: p for p in stored if site.work_id_from_url(p.url)}
    by_chapter[number] = page
    return [by_chapter[n] for n in sorted(by_chapter)]
