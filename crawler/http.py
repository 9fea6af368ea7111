"""The polite fetcher: every request ficarchive sends goes through PoliteClient.

It enforces, in this order: configured hosts only (by link and by redirect),
http(s) only, robots.txt, one request at a time per host with a jittered
delay, Retry-After and backoff on 429/503, a size cap, and timeouts. It never
solves challenges or logs in: those are reported, not circumvented.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.config import Config
from crawler.errors import Challenge, FetchError, OffsiteURL, RateLimited, RobotsDisallowed
from crawler.models import FetchedPage
from crawler.robots import RobotsRules, rules_from_response, user_agent
from crawler.throttle import Throttle

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 503)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


@dataclass
class FetchStats:
    """What the crawl cost: requests sent, seconds spent waiting to be polite."""

    requests: int = 0
    waited: float = 0.0
    retries: int = 0
    robots_notes: dict[str, str] = field(default_factory=dict)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in either form: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def looks_like_challenge(status: int, headers: httpx.Headers, body: bytes) -> bool:
    """Cloudflare and similar bot walls: detect and report, never solve."""
    if headers.get("cf-mitigated") == "challenge":
        return True
    if status in (403, 429, 503):
        head = body[:20_000].lower()
        return b"just a moment" in head or b"cf-chl" in head or b"challenge-platform" in head
    return False


class PoliteClient:
    """An httpx client that cannot be impolite."""

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        self.config = config
        self.pol = config.politeness
        self.rng = rng or random.Random()
        self.throttle = Throttle(self.pol.jitter, sleep=sleep, rng=self.rng)
        self.sleep = sleep
        self.on_wait = on_wait
        self.stats = FetchStats()
        self.allowed_hosts = {s.host: s for s in config.sites.values() if s.base_url}
        self.robots: dict[str, RobotsRules] = {}
        self.held_until: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.client = httpx.Client(
            headers={"User-Agent": user_agent(config.archive.contact)},
            timeout=httpx.Timeout(
                self.pol.read_timeout_seconds, connect=self.pol.connect_timeout_seconds
            ),
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public -----------------------------------------------------------

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchedPage:
        """Fetch one URL politely; 4xx/5xx pages are returned, not raised (but see below).

        Raises OffsiteURL, RobotsDisallowed, RateLimited (429/503 beyond the
        retries), Challenge, or FetchError (network, size, redirects).
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(self.pol.max_redirects + 1):
            self._check_allowed(current)
            status, resp_headers, body = self._request(current, headers)
            if status in REDIRECT_STATUSES and "location" in resp_headers:
                current = urljoin(current, resp_headers["location"])
                continue
            if looks_like_challenge(status, resp_headers, body):
                raise Challenge(
                    f"{current}: the site answered with a bot challenge; ficarchive does not "
                    "get past challenges (try again later or save the page by hand and import it)",
                    current,
                    status,
                )
            return FetchedPage(
                url=url,
                status=status,
                headers={k.lower(): v for k, v in resp_headers.items()},
                body=body,
                fetched_at=datetime.now(UTC),
                final_url=current,
            )
        raise FetchError(f"{url}: more than {self.pol.max_redirects} redirects", url)

    def robots_note(self, host: str) -> str:
        rules = self.robots.get(host)
        return rules.reason if rules else ""

    # --- internals --------------------------------------------------------

    def _site_for(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise OffsiteURL(f"{url}: only http(s) URLs are fetched", url)
        site = self.allowed_hosts.get(parts.netloc.lower())
        if site is None:
            raise OffsiteURL(
                f"{url}: host {parts.netloc or '(none)'} is not a configured archive "
                "(add it as base_url under [sites.NAME] in config.toml)",
                url,
            )
        return site

    def _check_allowed(self, url: str) -> None:
        site = self._site_for(url)
        if not self.pol.respect_robots:
            return
        rules = self._robots_for(site.host, url)
        if not rules.allowed(url):
            why = rules.reason or "robots.txt disallows it"
            raise RobotsDisallowed(f"{url}: {why} for ficarchive", url)

    def _robots_for(self, host: str, url: str) -> RobotsRules:
        rules = self.robots.get(host)
        if rules is not None and rules.fresh:
            return rules
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            status, _, body = self._request(robots_url, {}, retries=1)
        except FetchError:
            status, body = None, None
        rules = rules_from_response(host, status, body)
        self.robots[host] = rules
        if rules.reason:
            self.stats.robots_notes[host] = rules.reason
            log.warning("%s: %s", host, rules.reason)
        return rules

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._host_locks.setdefault(host, threading.Lock())

    def _delay(self, host: str) -> float:
        site = self.allowed_hosts.get(host)
        delay = site.delay_seconds if site else self.pol.delay_seconds
        rules = self.robots.get(host)
        crawl_delay = rules.crawl_delay if rules else None
        return max(delay, crawl_delay or 0.0)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (AWS architecture blog)."""
        ceiling = min(self.pol.backoff_cap_seconds, self.pol.backoff_base_seconds * 2**attempt)
        return self.rng.uniform(0, ceiling)

    def _request(
        self, url: str, headers: dict[str, str], retries: int | None = None
    ) -> tuple[int, httpx.Headers, bytes]:
        host = urlsplit(url).netloc.lower()
        retries = self.pol.max_retries if retries is None else retries
        attempt = 0
        while True:
            held = self.held_until.get(host, 0.0) - time.monotonic()
            if held > self.pol.backoff_cap_seconds:
                raise RateLimited(
                    f"{url}: {host} asked ficarchive to wait {held:.0f} s more", url, 429
                )
            status: int | None = None
            error: Exception | None = None
            resp_headers = httpx.Headers()
            body = b""
            with self._lock(host):
                before = self.throttle.waited
                self.throttle.wait(host, self._delay(host), self._report_wait(host))
                self.stats.waited += self.throttle.waited - before
                try:
                    status, resp_headers, body = self._send(url, headers)
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    error = exc
                finally:
                    self.stats.requests += 1
                    self.throttle.done(host)
            if error is None and status not in RETRY_STATUSES:
                return status, resp_headers, body
            if error is None and looks_like_challenge(status, resp_headers, body):
                return status, resp_headers, body
            attempt += 1
            reason = f"HTTP {status}" if error is None else f"network error: {type(error).__name__}"
            if attempt > retries:
                if error is not None:
                    raise FetchError(f"{url}: {reason} after {retries} retries", url)
                raise RateLimited(f"{url}: {reason} after {retries} retries", url, status)
            wait = parse_retry_after(resp_headers.get("retry-after")) if error is None else None
            if wait is None:
                wait = self._backoff(attempt)
            if status == 429:
                self.throttle.slow_down(host)
            self.stats.retries += 1
            self.held_until[host] = time.monotonic() + wait
            if wait > self.pol.backoff_cap_seconds:
                raise RateLimited(
                    f"{url}: {host} asked ficarchive to wait {wait:.0f} s", url, status
                )
            self.throttle.hold(host, wait)

    def _report_wait(self, host: str) -> Callable[[float], None] | None:
        if self.on_wait is None:
            return None
        callback = self.on_wait
        return lambda seconds: callback(seconds, host)

    def _send(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        cap = self.pol.max_page_bytes
        with self.client.stream("GET", url, headers=headers) as resp:
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise FetchError(
                    f"{url}: page of {int(declared):,} bytes is over the {cap:,} byte cap", url
                )
            chunks = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"{url}: page is over the {cap:,} byte cap", url)
                chunks.append(chunk)
            return resp.status_code, resp.headers, b"".join(chunks)
