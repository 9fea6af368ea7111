"""The sample archive over real HTTP on 127.0.0.1, with AO3's URL shapes.

The demo and the crawler's tests talk to it exactly as they would to AO3:
robots.txt, listings with pagination (tag works, series, a user's works and
bookmarks, collections), work pages (full or by chapter),
deleted works (404), works for registered users only (302 to the login page),
the adult-content notice, conditional GETs (ETag / Last-Modified -> 304).
Tests can change it while it runs (delete, lock, update a work, inject a
failure such as 429 with Retry-After, cut a page short) and read a log of every
request. Any works can be served, e.g. a thousand generated ones for the crawl
benchmark (search_cli.demo.generated), `per_page` to a listing page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, quote, unquote, urlsplit

from search_cli.demo import ao3_markup
from search_cli.demo.sample_works import BOOKMARKS, COLLECTIONS, LISTING_TAG, WORKS, SampleWork

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

PER_PAGE = 8
HTML = "text/html; charset=utf-8"
WORK_PATH = re.compile(r"^/works/(\d+)(?:/chapters/(\d+))?/?$")
TAG_PATH = re.compile(r"^/tags/([^/]+)/works/?$")
USER_PATH = re.compile(r"^/users/([^/]+)(?:/pseuds/[^/]+)?/(works|bookmarks)/?$")
SERIES_PATH = re.compile(r"^/series/(\d+)/?$")
COLLECTION_PATH = re.compile(r"^/collections/([^/]+)/works/?$")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server received it."""

    time: float  # time.monotonic()
    method: str
    path: str  # with the query string
    headers: dict[str, str]


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Failure:
    status: int
    headers: dict[str, str]
    path: str | None  # only a request whose path starts with this consumes it


def _http_date(iso: str) -> str:
    day = datetime.fromisoformat(iso).replace(tzinfo=UTC)
    return format_datetime(day, usegmt=True)


def _not_modified(request_headers: dict[str, str], etag: str, last_modified: str | None) -> bool:
    """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only when it is absent."""
    inm = request_headers.get("if-none-match")
    if inm is not None:
        tags = [x.strip().removeprefix("W/") for x in inm.split(",")]
        return "*" in tags or etag in tags
    ims = request_headers.get("if-modified-since")
    if ims and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


class SampleArchive:
    """The archive's state and routing, without sockets (thread-safe)."""

    def __init__(
        self,
        works: Iterable[SampleWork] = WORKS,
        per_page: int = PER_PAGE,
        *,
        bookmarks: dict[str, tuple[tuple[int, str], ...]] = BOOKMARKS,
        collections: dict[str, tuple[str, tuple[int, ...]]] = COLLECTIONS,
    ) -> None:
        self._original = tuple(works)
        self.per_page = per_page
        self.bookmarks = dict(bookmarks)
        self.collections = dict(collections)
        self._lock = threading.RLock()
        self._works: dict[int, SampleWork] = {w.work_id: w for w in self._original}
        self._failures: list[_Failure] = []
        self._truncations: list[str] = []
        self._log: list[RequestRecord] = []

    # --- state tests can change -------------------------------------------------

    @property
    def works(self) -> tuple[SampleWork, ...]:
        with self._lock:
            return tuple(self._works.values())

    def work(self, work_id: int) -> SampleWork:
        with self._lock:
            return self._works[int(work_id)]

    def delete(self, work_id: int) -> None:
        """The work is deleted upstream: its pages answer 404 (listings keep it, as saved ones do)."""
        self._set_state(work_id, "deleted")

    def lock(self, work_id: int) -> None:
        """The work becomes open to registered users only."""
        self._set_state(work_id, "locked")

    def _set_state(self, work_id: int, state: str) -> None:
        with self._lock:
            self._works[int(work_id)] = dataclasses.replace(self.work(work_id), state=state)

    def update_work(self, work_id: int, work: SampleWork) -> None:
        """Replace (or add) a work, e.g. with a new chapter and a later `updated` date."""
        with self._lock:
            self._works[int(work_id)] = work

    def reset(self) -> None:
        """Back to the works the archive started with; queued failures dropped."""
        with self._lock:
            self._works = {w.work_id: w for w in self._original}
            self._failures.clear()
            self._truncations.clear()

    def fail_next(
        self, status: int, headers: dict[str, str] | None = None, *, path: str | None = None
    ) -> None:
        """Queue one failure: the next request (whose path starts with `path`, if given) gets it."""
        with self._lock:
            self._failures.append(_Failure(int(status), dict(headers or {}), path))

    def truncate_next(self, path: str) -> None:
        """The next 200 answer to a request whose path starts with `path` carries only the
        first half of its page (as a broken proxy or a dropped connection would leave it)."""
        with self._lock:
            self._truncations.append(path)

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # --- routing -------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], base_url: str) -> Response:
        """Answer one request. `headers` keys are lower-case."""
        response = self._route(method, target, headers, base_url)
        if response.status == 200:
            with self._lock:
                cut = next((p for p in self._truncations if target.startswith(p)), None)
                if cut is not None:
                    self._truncations.remove(cut)
                    response = Response(
                        200, response.body[: len(response.body) // 2], response.headers
                    )
        return response

    def _route(self, method: str, target: str, headers: dict[str, str], base_url: str) -> Response:
        with self._lock:
            self._log.append(RequestRecord(time.monotonic(), method, target, dict(headers)))
            failure = self._pop_failure(target)
        if failure is not None:
            try:
                reason = HTTPStatus(failure.status).phrase
            except ValueError:
                reason = "Error"
            body = ao3_markup.error_page(failure.status, reason).encode()
            return Response(failure.status, body, {"Content-Type": HTML, **failure.headers})
        url = urlsplit(target)
        query = parse_qs(url.query)
        path = url.path
        if path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), {"Content-Type": "text/plain; charset=utf-8"})
        if path in ("/", ""):
            tags = [LISTING_TAG] + sorted({f for w in self.works for f in w.fandoms})
            return self._page(ao3_markup.home_page(tags), headers)
        if path == "/users/login":
            return_to = query.get("return_to", ["/"])[0]
            return self._page(ao3_markup.login_page(return_to), headers)
        if m := TAG_PATH.match(path):
            return self._listing(ao3_markup.unescape_tag(m.group(1)), query, headers)
        if m := USER_PATH.match(path):
            return self._user_listing(unquote(m.group(1)), m.group(2), query, headers)
        if m := SERIES_PATH.match(path):
            return self._series(int(m.group(1)), query, headers)
        if m := COLLECTION_PATH.match(path):
            return self._collection(unquote(m.group(1)), query, headers)
        if m := WORK_PATH.match(path):
            return self._work(int(m.group(1)), m.group(2), target, query, headers, base_url)
        return self._not_found()

    def _pop_failure(self, target: str) -> _Failure | None:
        for i, failure in enumerate(self._failures):
            if failure.path is None or target.startswith(failure.path):
                return self._failures.pop(i)
        return None

    def _page(
        self, html: str, request_headers: dict[str, str], last_modified: str | None = None
    ) -> Response:
        """A 200 with a stable ETag, or 304 when the client's copy is current."""
        body = html.encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"Content-Type": HTML, "ETag": etag, "Cache-Control": "private, max-age=0"}
        if last_modified:
            headers["Last-Modified"] = _http_date(last_modified)
        if _not_modified(request_headers, etag, headers.get("Last-Modified")):
            return Response(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
        return Response(200, body, headers)

    def _not_found(self) -> Response:
        return Response(404, ao3_markup.not_found_page().encode(), {"Content-Type": HTML})

    def _tag_works(self, tag: str) -> list[SampleWork]:
        works = self.works
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
        # AO3's default order: most recently revised first (ties: newest id first)
        return sorted(works, key=lambda w: (w.revised, w.work_id), reverse=True)

    def _page_number(self, query: dict[str, list[str]], count: int) -> int | None:
        """The ?page= asked for, or None when there is no such page."""
        try:
            page = int(query.get("page", ["1"])[0])
        except ValueError:
            page = 1
        pages = max(1, -(-count // self.per_page))
        return page if 1 <= page <= pages else None

    def _listing(self, tag: str, query: dict[str, list[str]], headers: dict[str, str]) -> Response:
        works = self._tag_works(tag)
        page = self._page_number(query, len(works))
        if not works or page is None:
            return self._not_found()
        html = ao3_markup.listing_page(tag, works, page, self.per_page)
        return self._page(html, headers, max(w.revised for w in works))

    def _user_listing(
        self, user: str, kind: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> Response:
        by_id = {w.work_id: w for w in self.works}
        if kind == "works":
            works = sorted(
                (w for w in by_id.values() if user in w.authors),
                key=lambda w: (w.revised, w.work_id),
                reverse=True,
            )
            page = self._page_number(query, len(works))
            if not works or page is None:
                return self._not_found()
            html = ao3_markup.user_works_page(user, works, page, self.per_page)
            return self._page(html, headers, max(w.revised for w in works))
        marks = [(by_id[i], day) for i, day in self.bookmarks.get(user, ()) if i in by_id]
        page = self._page_number(query, len(marks))
        if not marks or page is None:
            return self._not_found()
        html = ao3_markup.user_bookmarks_page(user, marks, page, self.per_page)
        return self._page(html, headers)

    def _series(
        self, series_id: int, query: dict[str, list[str]], headers: dict[str, str]
    ) -> Response:
        parts = sorted(
            ((part, w) for w in self.works for _, sid, part in w.series if sid == series_id),
            key=lambda pw: (pw[0], pw[1].work_id),
        )
        works = [w for _, w in parts]
        page = self._page_number(query, len(works))
        if not works or page is None:
            return self._not_found()
        name = next(n for n, sid, _ in works[0].series if sid == series_id)
        html = ao3_markup.series_page(name, series_id, works, page, self.per_page)
        return self._page(html, headers, max(w.revised for w in works))

    def _collection(
        self, name: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> Response:
        if name not in self.collections:
            return self._not_found()
        title, ids = self.collections[name]
        by_id = {w.work_id: w for w in self.works}
        works = sorted(
            (by_id[i] for i in ids if i in by_id),
            key=lambda w: (w.revised, w.work_id),
            reverse=True,
        )
        page = self._page_number(query, len(works))
        if not works or page is None:
            return self._not_found()
        html = ao3_markup.collection_works_page(name, title, works, page, self.per_page)
        return self._page(html, headers, max(w.revised for w in works))

    def _work(
        self,
        work_id: int,
        chapter_id: str | None,
        target: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        base_url: str,
    ) -> Response:
        with self._lock:
            work = self._works.get(work_id)
        if work is None or work.state == "deleted":
            return self._not_found()
        if work.state == "locked":
            back = quote(target, safe="")
            location = f"{base_url}/users/login?restricted=true&return_to={back}"
            return Response(302, b"", {"Location": location, "Content-Type": HTML})
        if work.state == "adult" and query.get("view_adult") != ["true"]:
            return self._page(ao3_markup.adult_page(work, target), headers)
        chapter: int | None = None
        if chapter_id is not None:
            ids = [work.chapter_id(n) for n in range(1, len(work.chapters) + 1)]
            if int(chapter_id) not in ids:
                return self._not_found()
            chapter = ids.index(int(chapter_id)) + 1
        elif query.get("view_full_work") != ["true"] and work.chaptered:
            chapter = 1  # AO3 shows a chaptered work one chapter at a time by default
        html = ao3_markup.work_page(work, chapter, chapter_url=chapter_id is not None)
        return self._page(html, headers, work.revised)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body
    # would wait for the client's delayed ACK (tens of ms per response on loopback).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = self.server.archive.handle(
            self.command, self.path, headers, self.server.base_url
        )
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body and response.body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests read `requests` instead of stderr."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    archive: SampleArchive
    base_url: str


class SampleArchiveServer:
    """The sample archive served on 127.0.0.1 (a free port) from a daemon thread.

    `with SampleArchiveServer() as srv: httpx.get(srv.base_url + "/robots.txt")`
    """

    def __init__(
        self,
        works: Iterable[SampleWork] = WORKS,
        *,
        per_page: int = PER_PAGE,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """`works` may be any works, e.g. search_cli.demo.generated.generate_works(1000);
        the LISTING_TAG listing always lists them all, `per_page` to a page."""
        self.archive = SampleArchive(works, per_page)
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sample archive server is not running (call start())")
        return self._httpd.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(self._address, _Handler)
        host, port = httpd.server_address[:2]
        httpd.archive = self.archive
        httpd.base_url = f"http://{host}:{port}"
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the archive's controls, for tests --------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        return self.archive.requests

    @property
    def works(self) -> tuple[SampleWork, ...]:
        return self.archive.works

    def clear_log(self) -> None:
        self.archive.clear_log()

    def delete(self, work_id: int) -> None:
        self.archive.delete(work_id)

    def lock(self, work_id: int) -> None:
        self.archive.lock(work_id)

    def update_work(self, work_id: int, work: SampleWork) -> None:
        self.archive.update_work(work_id, work)

    def reset(self) -> None:
        self.archive.reset()

    def fail_next(
        self, status: int, headers: dict[str, str] | None = None, *, path: str | None = None
    ) -> None:
        self.archive.fail_next(status, headers, path=path)

    def truncate_next(self, path: str) -> None:
        self.archive.truncate_next(path)
