"""The sample forum and the Royal Road-shaped site over real HTTP on 127.0.0.1.

    with forum_server() as forum, royalroad_server() as road:
        ...  # crawl forum.base_url and road.base_url; read forum.requests

Each runs on its own port (ficarchive keeps one site per host and port), from a
daemon thread, like search_cli.demo.server does for the AO3-shaped archive.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from search_cli.demo.archive import RequestRecord
from search_cli.demo.forum.sites import ForumSite, RoyalRoadSite, SampleSite
from search_cli.demo.loopback import LoopbackServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body in two writes: no delayed-ACK stall
    server: _HTTPServer

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = self.server.site.handle(self.command, self.path, headers, self.server.base_url)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests read `requests` instead of stderr."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    site: SampleSite
    base_url: str


class SampleSiteServer(LoopbackServer):
    """One sample site served on 127.0.0.1 (a free port)."""

    handler = _Handler
    server_class = _HTTPServer
    what = "the sample site"

    def __init__(self, site: SampleSite, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.site = site

    def _bind(self, httpd: _HTTPServer) -> None:
        httpd.site = self.site

    @property
    def requests(self) -> list[RequestRecord]:
        return self.site.requests

    def paths(self) -> list[str]:
        return [r.path for r in self.site.requests]

    def clear_log(self) -> None:
        self.site.clear_log()


def forum_server(site: ForumSite | None = None, *, port: int = 0) -> SampleSiteServer:
    """The sample XenForo forum (search_cli.demo.forum.stories.THREADS)."""
    return SampleSiteServer(site or ForumSite(), port=port)


def royalroad_server(site: RoyalRoadSite | None = None, *, port: int = 0) -> SampleSiteServer:
    """The sample Royal Road-shaped site (search_cli.demo.forum.stories.FICTIONS)."""
    return SampleSiteServer(site or RoyalRoadSite(), port=port)
