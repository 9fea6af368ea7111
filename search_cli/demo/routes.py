"""AO3's URL shapes: which page answers which path, read from the archive as it stands.

Routing only reads (a Catalogue); what tests change while the server runs
(deleted, locked, updated works; queued failures) lives in search_cli.demo.archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

from search_cli.demo import ao3_markup
from search_cli.demo.responses import HTML, Response, not_found, page
from search_cli.demo.sample_works import LISTING_TAG, SampleWork

ROBOTS_TXT = """\
# robots.txt of the ficarchive sample archive, shaped like AO3's own.
# Work pages (/works/123?view_full_work=true) are allowed; the works index,
# searches and downloads are not.

User-agent: *
Disallow: /works?
Disallow: /autocomplete/
Disallow: /downloads/
Disallow: /external_works/
Disallow: /bookmarks/search?
Disallow: /people/search?
Disallow: /tags/search?
Disallow: /works/search?

User-agent: GPTBot
Disallow: /

User-agent: CCBot
Disallow: /
"""

WORK_PATH = re.compile(r"^/works/(\d+)(?:/chapters/(\d+))?/?$")
TAG_PATH = re.compile(r"^/tags/([^/]+)/works/?$")
USER_PATH = re.compile(r"^/users/([^/]+)(?:/pseuds/[^/]+)?/(works|bookmarks)/?$")
SERIES_PATH = re.compile(r"^/series/(\d+)/?$")
COLLECTION_PATH = re.compile(r"^/collections/([^/]+)/works/?$")

Query = dict[str, list[str]]


class Catalogue(Protocol):
    """What routing reads from the archive."""

    @property
    def per_page(self) -> int: ...

    @property
    def bookmarks(self) -> Mapping[str, tuple[tuple[int, str], ...]]: ...

    @property
    def collections(self) -> Mapping[str, tuple[str, tuple[int, ...]]]: ...

    @property
    def works(self) -> tuple[SampleWork, ...]: ...

    def find(self, work_id: int) -> SampleWork | None: ...


def route(archive: Catalogue, target: str, headers: dict[str, str], base_url: str) -> Response:
    """The answer to a GET of `target` (path and query). `headers` keys are lower-case."""
    url = urlsplit(target)
    query = parse_qs(url.query)
    path = url.path
    if path == "/robots.txt":
        return Response(200, ROBOTS_TXT.encode(), {"Content-Type": "text/plain; charset=utf-8"})
    if path in ("/", ""):
        tags = [LISTING_TAG] + sorted({f for w in archive.works for f in w.fandoms})
        return page(ao3_markup.home_page(tags), headers)
    if path == "/users/login":
        return_to = query.get("return_to", ["/"])[0]
        return page(ao3_markup.login_page(return_to), headers)
    if m := TAG_PATH.match(path):
        return _listing(archive, ao3_markup.unescape_tag(m.group(1)), query, headers)
    if m := USER_PATH.match(path):
        return _user_listing(archive, unquote(m.group(1)), m.group(2), query, headers)
    if m := SERIES_PATH.match(path):
        return _series(archive, int(m.group(1)), query, headers)
    if m := COLLECTION_PATH.match(path):
        return _collection(archive, unquote(m.group(1)), query, headers)
    if m := WORK_PATH.match(path):
        return _work(archive, int(m.group(1)), m.group(2), target, query, headers, base_url)
    return not_found()


def _newest_first(works: Iterable[SampleWork]) -> list[SampleWork]:
    """AO3's default order: most recently revised first (ties: newest id first)."""
    return sorted(works, key=lambda w: (w.revised, w.work_id), reverse=True)


def _tag_works(archive: Catalogue, tag: str) -> list[SampleWork]:
    works = archive.works
    if tag != LISTING_TAG:
        works = tuple(
            w
            for w in works
            if tag == w.rating
            or tag in w.warnings
            or tag in w.categories
            or tag in w.fandoms
            or tag in w.relationships
            or tag in w.characters
            or tag in w.freeforms
        )
    return _newest_first(works)


def _page_number(archive: Catalogue, query: Query, count: int) -> int | None:
    """The ?page= asked for, or None when there is no such page."""
    try:
        number = int(query.get("page", ["1"])[0])
    except ValueError:
        number = 1
    pages = max(1, -(-count // archive.per_page))
    return number if 1 <= number <= pages else None


def _listing(archive: Catalogue, tag: str, query: Query, headers: dict[str, str]) -> Response:
    works = _tag_works(archive, tag)
    number = _page_number(archive, query, len(works))
    if not works or number is None:
        return not_found()
    html = ao3_markup.listing_page(tag, works, number, archive.per_page)
    return page(html, headers, max(w.revised for w in works))


def _user_listing(
    archive: Catalogue, user: str, kind: str, query: Query, headers: dict[str, str]
) -> Response:
    by_id = {w.work_id: w for w in archive.works}
    if kind == "works":
        works = _newest_first(w for w in by_id.values() if user in w.authors)
        number = _page_number(archive, query, len(works))
        if not works or number is None:
            return not_found()
        html = ao3_markup.user_works_page(user, works, number, archive.per_page)
        return page(html, headers, max(w.revised for w in works))
    marks = [(by_id[i], day) for i, day in archive.bookmarks.get(user, ()) if i in by_id]
    number = _page_number(archive, query, len(marks))
    if not marks or number is None:
        return not_found()
    html = ao3_markup.user_bookmarks_page(user, marks, number, archive.per_page)
    return page(html, headers)


def _series(archive: Catalogue, series_id: int, query: Query, headers: dict[str, str]) -> Response:
    parts = sorted(
        ((part, w) for w in archive.works for _, sid, part in w.series if sid == series_id),
        key=lambda pw: (pw[0], pw[1].work_id),
    )
    works = [w for _, w in parts]
    number = _page_number(archive, query, len(works))
    if not works or number is None:
        return not_found()
    name = next(n for n, sid, _ in works[0].series if sid == series_id)
    html = ao3_markup.series_page(name, series_id, works, number, archive.per_page)
    return page(html, headers, max(w.revised for w in works))


def _collection(archive: Catalogue, name: str, query: Query, headers: dict[str, str]) -> Response:
    if name not in archive.collections:
        return not_found()
    title, ids = archive.collections[name]
    by_id = {w.work_id: w for w in archive.works}
    works = _newest_first(by_id[i] for i in ids if i in by_id)
    number = _page_number(archive, query, len(works))
    if not works or number is None:
        return not_found()
    html = ao3_markup.collection_works_page(name, title, works, number, archive.per_page)
    return page(html, headers, max(w.revised for w in works))


def _work(
    archive: Catalogue,
    work_id: int,
    chapter_id: str | None,
    target: str,
    query: Query,
    headers: dict[str, str],
    base_url: str,
) -> Response:
    work = archive.find(work_id)
    if work is None or work.state == "deleted":
        return not_found()
    if work.state == "locked":
        back = quote(target, safe="")
        location = f"{base_url}/users/login?restricted=true&return_to={back}"
        return Response(302, b"", {"Location": location, "Content-Type": HTML})
    if work.state == "adult" and query.get("view_adult") != ["true"]:
        return page(ao3_markup.adult_page(work, target), headers)
    chapter: int | None = None
    if chapter_id is not None:
        ids = [work.chapter_id(n) for n in range(1, len(work.chapters) + 1)]
        if int(chapter_id) not in ids:
            return not_found()
        chapter = ids.index(int(chapter_id)) + 1
    elif query.get("view_full_work") != ["true"] and work.chaptered:
        chapter = 1  # AO3 shows a chaptered work one chapter at a time by default
    html = ao3_markup.work_page(work, chapter, chapter_url=chapter_id is not None)
    return page(html, headers, work.revised)
