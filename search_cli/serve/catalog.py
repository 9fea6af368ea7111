"""The OPDS catalog's routes: /opds and the feeds under it, for e-reader apps.

/opds                         the start: a navigation feed of the shelves below
/opds/recent, /opds/updated   recently added (first stored), recently updated
/opds/by/<field>              every fandom, character, relationship, tag or series
/opds/search?q=…&fandom=…     any search, as an acquisition feed (OpenSearch runs it)
/opds/series?name=…           one series, in part order
/opds/shelf/<mark>            to-read, reading, read
/opds/opensearch.xml          the OpenSearch description
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from crawler.errors import QueryError, UsageError
from search_cli.serve.forms import Paging, SearchForm
from search_cli.serve.opds import ACQUISITION, NAVIGATION, Feed, opensearch_description
from search_cli.serve.pages import MARK_LABELS, library

PER_PAGE = 25
NAMES_PER_PAGE = 100
# /opds/by/<field>: the metadata list it reads, its feed title, the filter it links to.
BY = {
    "fandom": ("fandoms", "Fandoms", "fandom"),
    "character": ("characters", "Characters", "character"),
    "relationship": ("relationships", "Relationships", "relationship"),
    "tag": ("tags", "Tags", "tag"),
    "series": ("series", "Series", "series"),
}


def atom(feed: Feed) -> Response:
    return Response(feed.bytes(), media_type=f"{feed.kind};charset=utf-8")


def _page(request: Request) -> int:
    return SearchForm.from_params(request.query_params.multi_items()).page


def _url(path: str, **params: str | int) -> str:
    kept = {k: v for k, v in params.items() if v != "" and not (k == "page" and v == 1)}
    return f"{path}?{urlencode(kept)}" if kept else path


async def start(request: Request) -> Response:
    feed = Feed("/opds", "ficarchive", NAVIGATION, up=None)
    sort_new = "http://opds-spec.org/sort/new"
    feed.navigation(
        "Recently added", "/opds/recent", ACQUISITION, "Newest in the archive first", rel=sort_new
    )
    feed.navigation("Recently updated", "/opds/updated", ACQUISITION, "Latest chapters first")
    for field, (_, title, _) in BY.items():
        feed.navigation(
            f"By {field}", f"/opds/by/{field}", NAVIGATION, f"{title}, most works first"
        )
    for mark, label in MARK_LABELS.items():
        feed.navigation(
            label, f"/opds/shelf/{mark}", ACQUISITION, f"Works you marked {label.lower()}"
        )
    feed.navigation("All works", "/opds/search?sort=title", ACQUISITION, "Every work, by title")
    return atom(feed)


def _books(feed: Feed, shelf, ids: list[str]) -> None:
    added = shelf.marks.first_stored(ids)
    for work in shelf.archive.iter_works(ids):
        feed.book(work, added.get(work.id))


async def _acquisition(
    request: Request,
    path: str,
    title: str,
    load: Callable[[object, int], tuple[list[str], int]],
    **params: str,
) -> Response:
    """One page of works as an acquisition feed: load(shelf, offset) -> (ids, total)."""
    number = _page(request)

    def build(shelf) -> bytes:
        ids, total = load(shelf, (number - 1) * PER_PAGE)
        feed = Feed(_url(path, **params, page=number), title, ACQUISITION)
        feed.paging(Paging(number, PER_PAGE, total), lambda n: _url(path, **params, page=n))
        _books(feed, shelf, ids)
        return feed.bytes()

    return Response(await library(request).run(build), media_type=f"{ACQUISITION};charset=utf-8")


async def recent(request: Request) -> Response:
    return await _acquisition(
        request,
        "/opds/recent",
        "Recently added",
        lambda s, at: s.marks.recently_added(PER_PAGE, at),
    )


async def updated(request: Request) -> Response:
    return await search_feed(
        request, SearchForm(sort="updated", page=_page(request)), "Recently updated"
    )


async def search(request: Request) -> Response:
    form = SearchForm.from_params(request.query_params.multi_items())
    return await search_feed(request, form, f"Search: {form.q}" if form.q else "Works")


async def search_feed(request: Request, form: SearchForm, title: str) -> Response:
    def load(shelf, _offset: int) -> tuple[list[str], int]:
        result = shelf.archive.search(form.request(limit=PER_PAGE, facets=False))
        return [h.id for h in result.hits], result.total

    params = dict(p for p in form.params() if p[0] != "page")
    path = "/opds/updated" if request.url.path == "/opds/updated" else "/opds/search"
    try:
        return await _acquisition(request, path, title, load, **params)
    except (QueryError, UsageError) as exc:
        return PlainTextResponse(str(exc), 400)


async def by_field(request: Request) -> Response:
    field = request.path_params["field"]
    if field not in BY:
        raise HTTPException(404, f"no catalog of {field!r}")
    key, title, filter_name = BY[field]
    number = _page(request)
    values = await library(request).run(lambda shelf: shelf.marks.values(key))
    paging = Paging(number, NAMES_PER_PAGE, len(values))
    path = f"/opds/by/{field}"
    feed = Feed(_url(path, page=number), title, NAVIGATION)
    feed.paging(paging, lambda n: _url(path, page=n))
    for value, count in values[(number - 1) * NAMES_PER_PAGE : number * NAMES_PER_PAGE]:
        if field == "series":
            href = _url("/opds/series", name=value)
        else:
            href = _url("/opds/search", **{filter_name: value, "sort": "title"})
        feed.navigation(value, href, ACQUISITION, f"{count} work(s)")
    return atom(feed)


async def series(request: Request) -> Response:
    name = request.query_params.get("name", "").strip()

    def load(shelf, offset: int) -> tuple[list[str], int]:
        parts = shelf.marks.series_parts(name)
        return [work_id for work_id, _ in parts][offset : offset + PER_PAGE], len(parts)

    return await _acquisition(request, "/opds/series", f"Series: {name}", load, name=name)


async def shelf(request: Request) -> Response:
    mark = request.path_params["mark"]
    if mark not in MARK_LABELS:
        raise HTTPException(404, f"no shelf {mark!r}")
    return await _acquisition(
        request,
        f"/opds/shelf/{mark}",
        MARK_LABELS[mark],
        lambda s, at: s.marks.with_mark(mark, PER_PAGE, at),
    )


async def opensearch(request: Request) -> Response:
    body = opensearch_description(str(request.base_url))
    return Response(body, media_type="application/opensearchdescription+xml;charset=utf-8")


ROUTES = [
    Route("/opds", start),
    Route("/opds/recent", recent),
    Route("/opds/updated", updated),
    Route("/opds/search", search),
    Route("/opds/by/{field}", by_field),
    Route("/opds/series", series),
    Route("/opds/shelf/{mark}", shelf),
    Route("/opds/opensearch.xml", opensearch),
]
