"""The sample archive over real HTTP on 127.0.0.1, with AO3's URL shapes.

The demo and the crawler's tests talk to it exactly as they would to AO3:
robots.txt, listings with pagination (tag works, series, a user's works and
bookmarks, collections), work pages (full or by chapter),
deleted works (404), works for registered users only (302 to the login page),
the adult-content notice, conditional GETs (ETag / Last-Modified -> 304).
Tests can change it while it runs and read a log of every request
(search_cli.demo.archive); which page answers which path is search_cli.demo.routes.
Any works can be served, e.g. a thousand generated ones for the crawl
benchmark (search_cli.demo.generated), `per_page` to a listing page.
"""

from __future__ import annotations

from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from search_cli.demo.archive import PER_PAGE, RequestRecord, SampleArchive
from search_cli.demo.loopback import LoopbackServer
from search_cli.demo.responses import HTML, Response
from search_cli.demo.routes import ROBOTS_TXT
from search_cli.demo.sample_works import WORKS, SampleWork

__all__ = [
    "HTML",
    "PER_PAGE",
    "ROBOTS_TXT",
    "RequestRecord",
    "Response",
    "SampleArchive",
    "SampleArchiveServer",
]


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


class SampleArchiveServer(LoopbackServer):
    """The sample archive served on 127.0.0.1 (a free port) from a daemon thread.

    `with SampleArchiveServer() as srv: httpx.get(srv.base_url + "/robots.txt")`
    """

    handler = _Handler
    server_class = _HTTPServer
    what = "the sample archive server"

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
        super().__init__(host, port)
        self.archive = SampleArchive(works, per_page)

    def _bind(self, httpd: _HTTPServer) -> None:
        httpd.archive = self.archive

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

    def purge(self, work_id: int) -> None:
        self.archive.purge(work_id)

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
