"""The library's pages: search (with its facet sidebar), a work, downloads, shelves."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from crawler.errors import FicarchiveError, QueryError, UsageError
from crawler.models import Note
from search_cli.export import FORMATS, render, safe_filename
from search_cli.serve.forms import (
    FACETS,
    MARK_LABELS,
    PER_PAGE,
    STATUSES,
    WORD_RANGES,
    Paging,
    SearchForm,
    form_fields,
    local_path,
    work_path,
)
from search_cli.serve.markup import notes_markup
from search_cli.serve.prefs import COOKIE as PREFS_COOKIE
from search_cli.serve.prefs import Prefs
from search_cli.serve.suggest import suggestion

MEDIA_TYPES = {
    "epub": "application/epub+zip",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
}


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """A template rendered for this request (escaping on, as every template has it)."""
    templates = request.app.state.templates
    prefs = Prefs.from_cookie(request.cookies.get(PREFS_COOKIE))
    html = templates.get_template(name).render(request=request, prefs=prefs, **context)
    return Response(html, status, media_type="text/html; charset=utf-8")


def library(request: Request):
    return request.app.state.library


# --- search ------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetLink:
    value: str
    count: int | None
    url: str
    active: bool


def toggle(form: SearchForm, name: str, value: str, count: int | None = None) -> FacetLink:
    """A filter link: adds the filter, or drops it when it is on already."""
    on = form.has(name, value)
    target = form.dropping(name, value) if on else form.adding(name, value)
    return FacetLink(value, count, target.url(), on)


def sidebar(form: SearchForm, facets: dict[str, list[tuple[str, int]]]) -> list[tuple[str, list]]:
    """(heading, links) for each facet the backend counted, then word counts and status."""
    groups = []
    for field, (name, heading) in FACETS.items():
        links = [toggle(form, name, value, count) for value, count in facets.get(field) or []]
        if links:
            groups.append((heading, links))
    words = []
    for label, values in WORD_RANGES:
        on = form.filters.get("words") == values
        target = form.dropping("words") if on else form.adding("words", *values)
        words.append(FacetLink(label, None, target.url(), on))
    groups.append(("Word count", words))
    if "status" not in facets:
        statuses = [toggle(form, "status", value) for value, _ in STATUSES]
        groups.append(
            (
                "Status",
                [
                    replace(link, value=label)
                    for link, (_, label) in zip(statuses, STATUSES, strict=True)
                ],
            )
        )
    return groups


def _search(shelf, form: SearchForm) -> dict[str, Any]:
    result = shelf.archive.search(form.request())
    ids = [h.id for h in result.hits]
    return {
        "result": result,
        "suggestion": suggestion(shelf.archive, form, result),
        "marks": shelf.marks.of(ids),
        "flags": shelf.marks.flags(ids),
        "paging": Paging(form.page, PER_PAGE, result.total),
    }


async def search_page(request: Request) -> Response:
    form = SearchForm.from_params(request.query_params.multi_items())
    try:
        found = await library(request).run(_search, form)
    except FicarchiveError as exc:  # a malformed query (400), or no index yet (503)
        status = 400 if isinstance(exc, QueryError | UsageError) else 503
        return page(request, "search.html", status, form=form, error=str(exc), groups=[])
    groups = sidebar(form, found["result"].facets)
    active = [
        (name, value, form.dropping(name, value).url())
        for name, vs in form.filters.items()
        for value in vs
    ]
    return page(
        request,
        "search.html",
        form=form,
        groups=groups,
        active=active,
        page_url=lambda n: form.on_page(n).url(),
        **found,
    )


# --- a work ------------------------------------------------------------------------


def _work(shelf, work_id: str) -> dict[str, Any] | None:
    work = shelf.archive.get_work(work_id)
    if work is None:
        return None
    return {
        "work": work,
        "mark": shelf.marks.get(work_id),
        "flags": shelf.marks.flags([work_id]).get(work_id),
        "archived": shelf.archive.archived_on(work_id),
        "versions": shelf.archive.versions(work_id),
    }


async def found_work(request: Request) -> dict[str, Any]:
    work_id = request.path_params["work_id"]
    found = await library(request).run(_work, work_id)
    if found is None:
        raise HTTPException(404, f"no work {work_id!r} in this archive")
    return found


async def work_page(request: Request) -> Response:
    found = await found_work(request)
    work = found["work"]
    return page(
        request,
        "work.html",
        summary=notes_markup([Note("summary", "before", work.summary)]),
        notes=notes_markup(work.notes),
        **found,
    )


async def download(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise HTTPException(404, f"no export format {fmt!r}")
    found = await found_work(request)
    work, notes = found["work"], request.query_params.get("notes", "yes") != "no"
    data = await run_in_threadpool(render, work, fmt, notes=notes, archived_at=found["archived"])
    name = safe_filename(work, FORMATS[fmt].extension)
    if not notes:
        stem, _, ext = name.rpartition(".")
        name = f"{stem} (no notes).{ext}"
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    media = MEDIA_TYPES.get(fmt, "application/octet-stream")
    return Response(data, media_type=media, headers={"content-disposition": disposition})


async def set_mark(request: Request) -> Response:
    """The one form that writes: read / reading / to-read (or none) for a work."""
    work_id = request.path_params["work_id"]
    fields = form_fields(await request.body())
    mark = fields.get("mark") or None
    if mark == "none":
        mark = None
    if mark is not None and mark not in MARK_LABELS:
        raise HTTPException(400, f"mark {mark!r} is not one of: {', '.join(MARK_LABELS)}")

    def write(shelf) -> bool:
        if not shelf.archive.has(work_id):
            return False
        shelf.marks.set_mark(work_id, mark)
        return True

    if not await library(request).run(write):
        raise HTTPException(404, f"no work {work_id!r} in this archive")
    return RedirectResponse(local_path(fields.get("back"), work_path(work_id)), 303)


# --- shelves: one mark, one series ---------------------------------------------------


def _cards(shelf, ids: list[str]) -> dict[str, Any]:
    return {
        "works": list(shelf.archive.iter_works(ids)),
        "marks": shelf.marks.of(ids),
        "flags": shelf.marks.flags(ids),
    }


async def shelf_page(request: Request) -> Response:
    mark = request.path_params["mark"]
    if mark not in MARK_LABELS:
        raise HTTPException(404, f"no shelf {mark!r}")
    form = SearchForm.from_params(request.query_params.multi_items())

    def load(shelf) -> dict[str, Any]:
        ids, total = shelf.marks.with_mark(mark, PER_PAGE, (form.page - 1) * PER_PAGE)
        return {**_cards(shelf, ids), "paging": Paging(form.page, PER_PAGE, total)}

    found = await library(request).run(load)
    title = MARK_LABELS[mark]
    return page(
        request, "shelf.html", title=title, page_url=lambda n: f"/shelf/{mark}?page={n}", **found
    )


async def series_page(request: Request) -> Response:
    name = request.query_params.get("name", "").strip()

    def load(shelf) -> dict[str, Any]:
        parts = shelf.marks.series_parts(name)
        found = _cards(shelf, [work_id for work_id, _ in parts])
        found["parts"] = dict(parts)
        return found

    found = await library(request).run(load)
    if not found["works"]:
        raise HTTPException(404, f"no series {name!r} in this archive")
    return page(request, "shelf.html", title=f"Series: {name}", paging=None, **found)


ROUTES = [
    Route("/", search_page, name="home"),
    Route("/search", search_page, name="search"),
    Route("/works/{work_id}", work_page, name="work"),
    Route("/works/{work_id}/download/{fmt}", download, name="download"),
    Route("/works/{work_id}/mark", set_mark, methods=["POST"], name="mark"),
    Route("/shelf/{mark}", shelf_page, name="shelf"),
    Route("/series", series_page, name="series"),
]
