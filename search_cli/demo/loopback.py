"""A sample site on 127.0.0.1, served from a daemon thread: what the sample AO3
archive and the sample forums share (start, stop, `with`, base_url), so each server
module holds only its own routes and controls."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self


class LoopbackServer:
    """Subclasses name their handler and server classes and give the server what it
    serves in `_bind`; port 0 takes a free port."""

    handler: ClassVar[type[BaseHTTPRequestHandler]]
    server_class: ClassVar[type[ThreadingHTTPServer]]
    what: ClassVar[str] = "the sample server"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._httpd: Any = None
        self._thread: threading.Thread | None = None

    def _bind(self, httpd: Any) -> None:
        """Hand the server what its handler reads (the archive, the site)."""

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"{self.what} is not running (call start())")
        return self._httpd.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        httpd = self.server_class(self._address, self.handler)
        host, port = httpd.server_address[:2]
        self._bind(httpd)
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
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
