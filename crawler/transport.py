"""The wire under PoliteClient: one request, bounded in time and in size.

httpx's timeouts are per socket operation, so a server that sends a byte a
second never trips them. Here every socket operation gets at most what is left
of the request's deadline and fails once nothing is left: connect, headers and
body together end by `request_deadline_seconds`. Bodies are read raw and
decoded in crawler/decoding.py, capped after every layer. Proxies come from the
config only: HTTP_PROXY and friends in the environment are never used.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from crawler.config import Politeness
from crawler.decoding import ACCEPT_ENCODING, BodyError, OverCap, codings, decoded
from crawler.errors import ConfigError, DeadlineExceeded, FetchError

# Sockets and sleeps overflow somewhere past 1e9 s; no request needs more than a day.
MAX_TIMEOUT_SECONDS = 24 * 3600.0
MIN_TIMEOUT_SECONDS = 0.01  # a timeout of 0 would make sockets non-blocking


class Deadline:
    """When one request must be over.

    `binding` says the last socket operation was given the rest of the deadline
    (shorter than its own timeout), so its timeout is the deadline's.
    """

    def __init__(self, seconds: float, url: str, host: str) -> None:
        self.seconds = seconds
        self.url = url
        self.host = host
        self.ends = time.monotonic() + seconds
        self.binding = False

    def left(self) -> float:
        return self.ends - time.monotonic()

    def bound(self, timeout: float | None) -> float | None:
        """The timeout for one socket operation: never past the deadline."""
        left = self.left()
        self.binding = timeout is None or left <= timeout
        return left if self.binding else timeout

    def error(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"{self.url}: {self.host} sent no whole answer within the {self.seconds:g} s "
            "request deadline ([politeness] request_deadline_seconds)",
            self.url,
        )


class _Passed(Exception):
    """The deadline passed between two pieces of a body."""


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sockets, each operation held to the calling thread's request deadline."""

    def __init__(self) -> None:
        self._sync = httpcore.SyncBackend()
        self._local = threading.local()

    @contextlib.contextmanager
    def within(self, deadline: Deadline) -> Iterator[None]:
        self._local.deadline = deadline
        try:
            yield
        finally:
            self._local.deadline = None

    def bounded(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """The timeout for one operation: never past the deadline; raise once it has passed."""
        deadline: Deadline | None = getattr(self._local, "deadline", None)
        if deadline is None:
            return timeout
        bounded = deadline.bound(timeout)
        if bounded is not None and bounded <= 0:
            raise expired("the request deadline has passed")
        return bounded

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kw: Any):
        timeout = self.bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._sync.connect_tcp(host, port, timeout, **kw), self)

    def connect_unix_socket(self, path: str, timeout: float | None = None, **kw: Any):
        raise httpcore.UnsupportedProtocol("ficarchive fetches over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, MAX_TIMEOUT_SECONDS))


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: DeadlineBackend) -> None:
        self.stream = stream
        self.backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, self.backend.bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, self.backend.bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # noqa: ANN001
        timeout = self.backend.bounded(timeout, httpcore.ConnectTimeout)
        tls = self.stream.start_tls(ssl_context, server_hostname, timeout)
        return _DeadlineStream(tls, self.backend)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool whose sockets keep the deadline."""

    def __init__(self, proxy: str = "") -> None:
        super().__init__(trust_env=False)
        self.backend = DeadlineBackend()
        ssl_context = httpx.create_ssl_context(trust_env=False)
        limits: dict[str, Any] = {
            "max_connections": 100,
            "max_keepalive_connections": 20,
            "keepalive_expiry": 5.0,
            "network_backend": self.backend,
        }
        # httpx takes no network backend, so its pool is swapped for one built the same
        # way (httpx/_transports/default.py), with ours: the deadline tests prove it holds.
        if not proxy:
            self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, **limits)
            return
        via = httpx.Proxy(proxy)
        self._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=via.url.raw_scheme,
                host=via.url.raw_host,
                port=via.url.port,
                target=via.url.raw_path,
            ),
            proxy_auth=via.raw_auth,
            proxy_headers=via.headers.raw,
            ssl_context=ssl_context,
            proxy_ssl_context=via.ssl_context,
            **limits,
        )


def checked_proxy(proxy: str, where: str) -> str:
    """The configured proxy, or a ConfigError naming the file and key."""
    if not proxy:
        return ""
    try:
        parts = urlsplit(proxy)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{where}: politeness.proxy: must be an http(s) URL like "
            f"http://127.0.0.1:3128, got {proxy!r}"
        )
    return proxy


def shown_proxy(proxy: str) -> str:
    """The proxy as a summary may name it: no user name or password."""
    if not proxy:
        return ""
    parts = urlsplit(proxy)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


class Wire:
    """Sends one GET and reads its answer within the deadline and the size cap."""

    def __init__(
        self,
        pol: Politeness,
        user_agent: str,
        *,
        where: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.cap = pol.max_page_bytes
        self.deadline_seconds = min(pol.request_deadline_seconds, MAX_TIMEOUT_SECONDS)
        self.proxy = checked_proxy(pol.proxy, where)
        if transport is None:
            transport = DeadlineTransport(self.proxy)
        self.backend: DeadlineBackend | None = getattr(transport, "backend", None)
        limit = max(self.deadline_seconds, MIN_TIMEOUT_SECONDS)
        self.client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            # No cookies kept: ficarchive never logs in, and a jar keyed by host name
            # (RFC 6265 ignores ports) would hand one archive's session to another.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            timeout=httpx.Timeout(
                max(min(pol.read_timeout_seconds, limit), MIN_TIMEOUT_SECONDS),
                connect=max(min(pol.connect_timeout_seconds, limit), MIN_TIMEOUT_SECONDS),
            ),
            follow_redirects=False,
            transport=transport,
            trust_env=False,  # no HTTP_PROXY, no .netrc: only what config.toml says
        )

    def close(self) -> None:
        self.client.close()

    def send(
        self, url: str, host: str, headers: dict[str, str]
    ) -> tuple[int, httpx.Headers, bytes]:
        """One GET; httpx.TransportError for network trouble (the caller retries)."""
        deadline = Deadline(self.deadline_seconds, url, host)
        bounded = self.backend.within(deadline) if self.backend else contextlib.nullcontext()
        try:
            with bounded, self.client.stream("GET", url, headers=headers) as resp:
                return resp.status_code, resp.headers, self._body(resp, url, deadline)
        except _Passed:
            raise deadline.error() from None
        except httpx.TimeoutException:
            if deadline.binding:
                raise deadline.error() from None
            raise
        except httpx.TransportError:
            raise
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}", url) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: invalid URL: {exc}", url) from exc

    def _body(self, resp: httpx.Response, url: str, deadline: Deadline) -> bytes:
        cap = self.cap
        declared = resp.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"{url}: page of {int(declared):,} bytes is over the {cap:,} byte cap", url
            )
        encoding = resp.headers.get("content-encoding", "")
        try:
            body = bytearray()
            for piece in decoded(_raw(resp, cap, deadline), codings(encoding), cap):
                body += piece
                if len(body) > cap:
                    raise OverCap(f"over the {cap:,} byte cap")
        except OverCap as exc:
            said = f" (Content-Encoding: {encoding})" if encoding.strip() else ""
            raise FetchError(f"{url}: page is {exc}{said}", url) from None
        except BodyError as exc:
            raise FetchError(f"{url}: {exc}", url) from None
        return bytes(body)


def _raw(resp: httpx.Response, cap: int, deadline: Deadline) -> Iterator[bytes]:
    """The body as sent, before any decoding: capped too, and checked against the deadline."""
    size = 0
    for piece in resp.iter_raw():
        if deadline.left() <= 0:
            raise _Passed
        size += len(piece)
        if size > cap:
            raise OverCap(f"over the {cap:,} byte cap")
        yield piece
