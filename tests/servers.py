"""A real, scripted, misbehaving HTTP server on 127.0.0.1 for testing the fetcher.

    with ScriptedServer() as srv:
        srv.route("/a", Reply(429, {"Retry-After": "1"}), Reply(200, body=b"ok"))
        ...  # fetch srv.url("/a")
        assert [r.path for r in srv.log] == ["/a", "/a"]

Each path answers its replies in order and repeats the last one; an unscripted
path answers 404. Every request is logged with monotonic start and end times so
tests can prove spacing and that requests never overlap.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

import pytest

MB = 1024 * 1024


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    delay: seconds to sleep before the status line (a slow server, for read timeouts).
    chunks: a factory of body pieces, streamed as they are made (for huge bodies);
        without content_length they go out with Transfer-Encoding: chunked.
    content_length: the Content-Length to declare (it may lie, see reset_mid_body).
    reset_mid_body: send the headers and half the body, then reset the connection.
    close: send the body, then close the connection cleanly; the body is delimited by
        the close (HTTP/1.0 style) unless content_length declares a length (which may lie).
    trickle: seconds between single bytes: the status line, headers and body go out one
        byte at a time (with trickle_body, only the body does), as slowly as a hostile
        server likes. `sent` then counts every byte written, headers included.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    reset_mid_body: bool = False
    chunks: Callable[[], Iterable[bytes]] | None = None
    content_length: int | None = None
    close: bool = False
    trickle: float = 0.0
    trickle_body: bool = False

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status, {"Location": location})

    @classmethod
    def robots(cls, text: str) -> Reply:
        return cls(200, {"Content-Type": "text/plain"}, text.encode())


def drip(piece: int = 1024, every: float = 0.01, lasting: float = 8.0):
    """A body that keeps coming, `piece` bytes every `every` seconds, for `lasting`
    seconds: endless for any client that does not hang up first."""

    def generate() -> Iterator[bytes]:
        end = time.monotonic() + lasting
        block = b"x" * piece
        while time.monotonic() < end:
            time.sleep(every)
            yield block

    return generate


def zeros(total: int, piece: int = 64 * 1024) -> Callable[[], Iterator[bytes]]:
    """A body of `total` bytes made on the fly, never held in memory at once."""

    def generate() -> Iterator[bytes]:
        block = b"x" * piece
        left = total
        while left > 0:
            yield block[: min(piece, left)]
            left -= piece

    return generate


class Request(NamedTuple):
    """One request as the server saw it."""

    start: float
    end: float  # just before the answer's last bytes went out (see _finish)
    method: str
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    script: ScriptedServer  # whose routes and log the handler uses

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-answer is what these tests are about


class ScriptedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1, port chosen by the OS."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self._log: list[Request] = []
        self._sent: list[tuple[str, int]] = []  # (path, body bytes actually written)
        self._in_flight = 0
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._httpd = _QuietServer(("127.0.0.1", 0), _ScriptedHandler)
        self._httpd.script = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- set-up -------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *replies: Reply) -> ScriptedServer:
        if not replies:
            raise ValueError("route() needs at least one Reply")
        with self._lock:
            self.routes[path] = list(replies)
        return self

    def redirect_loop(self, path: str = "/loop") -> ScriptedServer:
        """`path` redirects to itself forever."""
        return self.route(path, Reply.redirect(path))

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- what happened ------------------------------------------------------

    @property
    def log(self) -> list[Request]:
        """Every request so far, once the ones in flight have finished.

        A client may have its answer a moment before the handler logs it, so
        reading the log waits (briefly) for handlers still running.
        """
        with self._done:
            self._done.wait_for(lambda: self._in_flight == 0, timeout=5.0)
            return list(self._log)

    @property
    def sent(self) -> list[tuple[str, int]]:
        """(path, body bytes written) per request: proof a client stopped reading."""
        self.log  # noqa: B018 - settle first
        with self._lock:
            return list(self._sent)

    def paths(self) -> list[str]:
        return [r.path for r in self.log]

    def requests(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    # --- serving ------------------------------------------------------------

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            replies = self.routes.get(path)
            if not replies:
                return Reply(404, body=b"not found")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _begin(self) -> None:
        with self._lock:
            self._in_flight += 1

    def _record(self, request: Request, sent: int) -> None:
        with self._done:
            self._log.append(request)
            self._sent.append((request.path, sent))
            self._in_flight -= 1
            self._done.notify_all()


class _ScriptedHandler(BaseHTTPRequestHandler):
    """Answers each request with the next Reply its path has scripted."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no delayed-ACK stalls between headers and body
    server: _QuietServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        start = time.monotonic()
        script = self.server.script
        script._begin()
        path = self.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        sent = 0
        self.finishing: float | None = None
        try:
            sent = self._answer(script._next_reply(path))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client hung up: that is the test
        finally:
            end = self.finishing or time.monotonic()
            script._record(Request(start, end, self.command, path, headers), sent)

    def _answer(self, reply: Reply) -> int:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.trickle:
            return self._trickle(reply)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.reset_mid_body:
            return self._reset(reply)
        if reply.close:
            return self._close(reply)
        if reply.chunks is not None:
            return self._stream(reply)
        length = reply.content_length if reply.content_length is not None else len(reply.body)
        if reply.status != 304:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self._finish(reply.body)
        return len(reply.body)

    def _finish(self, last: bytes) -> None:
        """Write the last bytes of an answer, noting the time just before: a Request's
        `end`, so a client can never have read the whole answer before its `end`, and a
        gap measured from it is never longer than the one the client kept."""
        self.finishing = time.monotonic()
        self.wfile.write(last)

    def _stream(self, reply: Reply) -> int:
        assert reply.chunks is not None
        chunked = reply.content_length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(reply.content_length))
        self.end_headers()
        sent = 0
        try:
            for piece in reply.chunks():
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                sent += len(piece)
            if chunked:
                self._finish(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        return sent

    def _trickle(self, reply: Reply) -> int:
        phrase = self.responses.get(reply.status, ("",))[0]
        fields = {"Content-Length": str(len(reply.body)), **reply.headers}
        head = f"HTTP/1.1 {reply.status} {phrase}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        slow = reply.body
        if reply.trickle_body:
            self.wfile.write(head.encode("latin-1"))
        else:
            slow = head.encode("latin-1") + slow
        sent = 0
        self.close_connection = True
        try:
            for i in range(len(slow)):
                time.sleep(reply.trickle)
                self.wfile.write(slow[i : i + 1])
                sent += 1
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the client hung up: how many bytes it took first is the test
        return sent

    def _close(self, reply: Reply) -> int:
        self.send_header("Connection", "close")
        if reply.content_length is not None:
            self.send_header("Content-Length", str(reply.content_length))
        self.end_headers()
        self._finish(reply.body)
        self.wfile.flush()
        self.close_connection = True
        return len(reply.body)

    def _reset(self, reply: Reply) -> int:
        body = reply.body or b"y" * 2000
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        half = body[: len(body) // 2]
        self.wfile.write(half)
        self.wfile.flush()
        # SO_LINGER 0: close() sends a RST, not a polite FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self.connection.close()
        self.close_connection = True
        return len(half)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


def clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No environment proxy may carry a loopback test request off the machine."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@contextlib.contextmanager
def full_backlog_port() -> Iterator[int]:
    """A port on 127.0.0.1 that listens but never accepts, its queue already full:
    new connections hang in the handshake, so only a connect timeout ends them."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(3):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.1)
        yield port
    finally:
        for s in fillers:
            s.close()
        listener.close()
