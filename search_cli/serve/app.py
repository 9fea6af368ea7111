"""The web app: the routes of pages, reader and catalog behind one gate.

    make_app(open_archive, token=None, loopback_only=True) -> Starlette

`open_archive` is called once, on the library's own thread (SQLite connections stay
on the thread that opened them). The app is read-only but for the reading marks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crawler.errors import FicarchiveError, QueryError, UsageError
from index.archive import Archive
from search_cli.serve import catalog, pages, reader, versions
from search_cli.serve.forms import form_fields, local_path
from search_cli.serve.gate import SESSION_COOKIE, Gate, Guard
from search_cli.serve.library import Library
from search_cli.serve.markup import STATIC, environment

MONTH = 30 * 24 * 3600


async def login_page(request: Request) -> Response:
    guard: Guard = request.app.state.guard
    wanted = local_path(request.query_params.get("next"))
    if guard.token is None or guard.admits(request):
        return RedirectResponse(wanted, 303)
    return pages.page(request, "login.html", wanted=wanted, error=None)


async def log_in(request: Request) -> Response:
    guard: Guard = request.app.state.guard
    fields = form_fields(await request.body())
    wanted = local_path(fields.get("next"))
    if guard.token is None:
        return RedirectResponse(wanted, 303)
    if not guard.matches(fields.get("token", "").strip()):
        return pages.page(request, "login.html", 401, wanted=wanted, error="That is not the token.")
    response = RedirectResponse(wanted, 303)
    response.set_cookie(
        SESSION_COOKIE, guard.session, max_age=MONTH, httponly=True, samesite="strict"
    )
    return response


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/opds") and "xml" not in request.headers.get(
        "accept", ""
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if not _wants_html(request):
        return PlainTextResponse(exc.detail, exc.status_code)
    title = {404: "Not found", 400: "Not understood"}.get(exc.status_code, "Something went wrong")
    return pages.page(request, "error.html", exc.status_code, title=title, message=exc.detail)


async def library_error(request: Request, exc: Exception) -> Response:
    """A library error is one line for the reader, as it is on the command line."""
    status = 400 if isinstance(exc, QueryError | UsageError) else 500
    if not _wants_html(request):
        return PlainTextResponse(str(exc), status)
    return pages.page(request, "error.html", status, title="The archive said no", message=str(exc))


def make_app(
    open_archive: Callable[[], Archive], *, token: str | None = None, loopback_only: bool = True
) -> Starlette:
    library = Library(open_archive)
    guard = Guard(token)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        library.close()

    routes = [
        *pages.ROUTES,
        *reader.ROUTES,
        *versions.ROUTES,
        *catalog.ROUTES,
        Route("/login", login_page, methods=["GET"]),
        Route("/login", log_in, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Gate, guard=guard, loopback_only=loopback_only)],
        exception_handlers={HTTPException: http_error, FicarchiveError: library_error},
        lifespan=lifespan,
    )
    app.state.library = library
    app.state.guard = guard
    app.state.templates = environment()
    return app
