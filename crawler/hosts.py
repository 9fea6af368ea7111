"""Where the fetcher may go, and what it knows of each host this run.

A URL is fetched only when its origin (scheme, host and port) is exactly a
configured site's: configured_site(). Each host keeps its locks, holds and
failures in a HostState.

A host is given up for the rest of the run when it fails `give_up_after_failures`
times in a row (429/503, timeouts and network errors, each after its backoff) or
asks, in robots.txt, for a Crawl-delay longer than the crawl will wait. Its URLs are
then refused at once, with no request, and stay for the next run; the reason is kept
for the crawl summary.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from crawler.errors import FetchError, OffsiteURL

if TYPE_CHECKING:
    from crawler.config import SiteConfig

DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """The host a URL talks to, normalised: lowercase, default port dropped.

    Pacing, robots.txt and the one-site-per-host rule key on this, so
    `example.org` and `example.org:443` are one host, never two queues. Which
    URLs may be fetched is decided by origin(): scheme and port count there.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    if port is None or port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port, the port spelled out: what a configured site is, exactly.

    `https://example.org` is ("https", "example.org", 443): `http://example.org`
    and `https://example.org:80` are other origins (RFC 6454), never the same site.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1  # no port at all: matches no configured site
    return (
        scheme,
        (parts.hostname or "").lower(),
        DEFAULT_PORTS.get(scheme) if port is None else port,
    )


def configured_site(url: str, sites: dict[str, SiteConfig]) -> SiteConfig:
    """The site (of `sites`, keyed by host_key) this URL belongs to, or OffsiteURL."""
    try:
        parts = urlsplit(url)
        key = host_key(url)
    except ValueError:
        raise OffsiteURL(f"{url}: not a URL ficarchive can fetch", url) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise OffsiteURL(f"{url}: only http(s) URLs are fetched", url)
    if parts.username is not None or parts.password is not None:
        raise OffsiteURL(f"{url}: URLs with credentials in them are not fetched", url)
    site = sites.get(key)
    if site is None:
        raise OffsiteURL(
            f"{url}: host {parts.netloc or '(none)'} is not a configured archive "
            "(add it as base_url under [sites.NAME] in config.toml)",
            url,
        )
    if origin(url) != origin(site.base_url):
        raise OffsiteURL(
            f"{url}: {parts.scheme}://{parts.netloc} is not a configured archive: "
            f"[sites.{site.name}] is {site.base_url}, and a site is its scheme, host "
            "and port, exactly",
            url,
        )
    return site


def redirect_target(url: str, location: str) -> str:
    """Where a Location header points, or a FetchError for one that is not a URL."""
    try:
        target = urljoin(url, location)
        urlsplit(target).port  # noqa: B018 - raises on a malformed host or port
    except ValueError:
        raise FetchError(f"{url}: redirects to a malformed URL {location!r}", url) from None
    return target


@dataclass
class HostState:
    """One host's state for this run."""

    lock: threading.Lock = field(default_factory=threading.Lock)  # one request at a time
    robots_lock: threading.Lock = field(default_factory=threading.Lock)  # one robots.txt fetch
    held_until: float = 0.0  # monotonic time before which nothing is sent (Retry-After)
    failures: int = 0  # failed attempts in a row
    challenged: str = ""  # the URL that drew a bot challenge
    given_up: str = ""  # why nothing more is sent this run


class Hosts:
    """Every host's state, made on first use."""

    def __init__(self, give_up_after: int) -> None:
        self.give_up_after = give_up_after  # 0: never
        self._hosts: dict[str, HostState] = {}
        self._guard = threading.Lock()

    def __getitem__(self, host: str) -> HostState:
        with self._guard:
            return self._hosts.setdefault(host, HostState())

    def succeeded(self, host: str) -> None:
        self[host].failures = 0

    def failed(self, host: str, reason: str) -> str:
        """Count one failed attempt; the reason the host is given up, if this was one too many."""
        state = self[host]
        state.failures += 1
        if self.give_up_after and state.failures >= self.give_up_after and not state.given_up:
            self.give_up(
                host,
                f"failed {state.failures} times in a row (last: {reason}); nothing more is "
                "asked of it this run, and its works are left for the next",
            )
        return state.given_up

    def give_up(self, host: str, why: str) -> None:
        state = self[host]
        if not state.given_up:
            state.given_up = why

    def given_up(self) -> dict[str, str]:
        with self._guard:
            return {host: s.given_up for host, s in self._hosts.items() if s.given_up}
