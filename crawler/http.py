"""The polite fetcher: every request ficarchive sends goes through PoliteClient.

It enforces, in this order: configured hosts only (by link and by redirect),
http(s) only, robots.txt, one request at a time per host with a jittered
delay, Retry-After and backoff on 429/503, a size cap, and timeouts. It never
solves challenges or logs in: those are reported, not circumvented, and a host
that answered with a challenge is sent nothing more for the rest of the run.
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
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.config import Config, SiteConfig
from crawler.errors import Challenge, FetchError, OffsiteURL, RateLimited, RobotsDisallowed
from crawler.models import FetchedPage
from crawler.robots import RobotsRules, rules_from_response, user_agent
from crawler.throttle import Throttle

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 503)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class FetchStats:
    """What the crawl cost: requests sent, seconds spent waiting to be polite.

    `bound` is the politeness bound: the sum of the gaps the rules required
    between requests (see Throttle.bound); wall time / bound shows how close to
    the rules' own limit a crawl ran.
    """

    requests: int = 0
    waited: float = 0.0
    bound: float = 0.0
    retries: int = 0
    robots_notes: dict[str, str] = field(default_factory=dict)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in either form: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
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


def host_key(url: str) -> str:
    """The host a URL talks to, normalised: lowercase, default port dropped.

    Pacing, robots.txt and the configured-hosts check all key on this, so
    `example.org` and `example.org:443` are one host, never two queues.
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
        self.allowed_hosts = {host_key(s.base_url): s for s in config.sites.values() if s.base_url}
        self.robots: dict[str, RobotsRules] = {}
        self.held_until: dict[str, float] = {}
        # A host that answered with a bot challenge gets nothing more this run:
        # asking again would only look more like the bot it suspects.
        self.challenged: dict[str, str] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.client = httpx.Client(
            headers={"User-Agent": user_agent(config.archive.contact)},
            # No cookies kept: ficarchive never logs in, and a jar keyed by host name
            # (RFC 6265 ignores ports) would hand one archive's session to another.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
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
            host = host_key(current)
            if host in self.challenged:
                raise Challenge(
                    f"{current}: not asked; {host} answered an earlier request with a bot "
                    "challenge, so ficarchive leaves it alone for the rest of this run",
                    current,
                )
            status, resp_headers, body = self._request(current, headers)
            if status in REDIRECT_STATUSES and "location" in resp_headers:
                current = urljoin(current, resp_headers["location"])
                continue
            if looks_like_challenge(status, resp_headers, body):
                self.challenged[host] = current
                raise Challenge(
                    f"{current}: the site answered with a bot challenge (HTTP {status}); "
                    "ficarchive does not get past challenges, and sends this host nothing "
                    "more this run (try again later, or save the page by hand and import it)",
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

    def _site_for(self, url: str) -> SiteConfig:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            raise OffsiteURL(f"{url}: only http(s) URLs are fetched", url)
        if parts.username is not None or parts.password is not None:
            raise OffsiteURL(f"{url}: URLs with credentials in them are not fetched", url)
        site = self.allowed_hosts.get(host_key(url))
        if site is None:
            raise OffsiteURL(
                f"{url}: host {parts.netloc or '(none)'} is not a configured archive "
                "(add it as base_url under [sites.NAME] in config.toml)",
                url,
            )
        return site

    def _check_allowed(self, url: str) -> None:
        self._site_for(url)
        if not self.pol.respect_robots:
            return
        rules = self._robots_for(host_key(url), url)
        if not rules.allowed(url):
            why = rules.reason or "robots.txt disallows it"
            raise RobotsDisallowed(f"{url}: {why} for ficarchive", url)

    def _robots_for(self, host: str, url: str) -> RobotsRules:
        rules = self.robots.get(host)
        if rules is not None and rules.fresh:
            return rules
        # One fetch per host even when several threads arrive at once.
        with self._named_lock(self._robots_locks, host):
            rules = self.robots.get(host)
            if rules is not None and rules.fresh:
                return rules
            rules = self._fetch_robots(host, url)
            self.robots[host] = rules
        if rules.reason:
            self.stats.robots_notes[host] = rules.reason
            log.warning("%s: %s", host, rules.reason)
        return rules

    def _fetch_robots(self, host: str, url: str) -> RobotsRules:
        """RFC 9309 2.3.1.2: follow redirects, but never off the configured host."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        for _ in range(self.pol.max_redirects + 1):
            try:
                status, headers, body = self._request(robots_url, {}, retries=1)
            except FetchError:
                return rules_from_response(host, None, None)
            if status not in REDIRECT_STATUSES or "location" not in headers:
                return rules_from_response(host, status, body)
            target = urljoin(robots_url, headers["location"])
            if urlsplit(target).scheme.lower() not in ("http", "https") or host_key(target) != host:
                why = f"robots.txt redirects off the host (to {target}): disallowing all"
                return RobotsRules(host, None, True, why, time.monotonic())
            robots_url = target
        why = f"robots.txt redirects more than {self.pol.max_redirects} times: disallowing all"
        return RobotsRules(host, None, True, why, time.monotonic())

    def _named_lock(self, locks: dict[str, threading.Lock], host: str) -> threading.Lock:
        with self._guard:
            return locks.setdefault(host, threading.Lock())

    def _lock(self, host: str) -> threading.Lock:
        return self._named_lock(self._host_locks, host)

    def _delay(self, host: str) -> float:
        site = self.allowed_hosts.get(host)
        delay = site.delay_seconds if site else self.pol.delay_seconds
        rules = self.robots.get(host)
        crawl_delay = rules.crawl_delay if rules else None
        return max(delay, crawl_delay or 0.0)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (AWS architecture blog); attempt counts from 1."""
        ceiling = min(
            self.pol.backoff_cap_seconds, self.pol.backoff_base_seconds * 2 ** (attempt - 1)
        )
        return self.rng.uniform(0, ceiling)

    def _check_held(self, url: str, host: str) -> None:
        held = self.held_until.get(host, 0.0) - time.monotonic()
        if held > self.pol.backoff_cap_seconds:
            raise RateLimited(f"{url}: {host} asked ficarchive to wait {held:.0f} s more", url, 429)

    def _request(
        self, url: str, headers: dict[str, str], retries: int | None = None
    ) -> tuple[int, httpx.Headers, bytes]:
        host = host_key(url)
        retries = self.pol.max_retries if retries is None else retries
        attempt = 0
        while True:
            status: int | None = None
            error: Exception | None = None
            resp_headers = httpx.Headers()
            body = b""
            self._check_held(url, host)  # fail fast, without queueing for the lock
            # Everything that reads or changes the host's pacing happens under its
            # lock, so a Retry-After seen by one thread holds back all the others.
            with self._lock(host):
                self._check_held(url, host)
                self.stats.waited += self.throttle.wait(
                    host, self._delay(host), self._report_wait(host)
                )
                self.stats.bound = self.throttle.bound
                try:
                    status, resp_headers, body = self._send(url, headers)
                except httpx.TransportError as exc:
                    error = exc
                finally:
                    self.stats.requests += 1
                    self.throttle.done(host)
                if error is None and status not in RETRY_STATUSES:
                    return status, resp_headers, body
                if error is None and looks_like_challenge(status, resp_headers, body):
                    return status, resp_headers, body
                attempt += 1
                reason = (
                    f"HTTP {status}" if error is None else f"network error: {type(error).__name__}"
                )
                if attempt > retries:
                    if error is not None:
                        raise FetchError(f"{url}: {reason} after {retries} retries", url)
                    raise RateLimited(f"{url}: {reason} after {retries} retries", url, status)
                wait = parse_retry_after(resp_headers.get("retry-after")) if error is None else None
                if wait is None:
                    wait = self._backoff(attempt)
                if status in RETRY_STATUSES:
                    self.throttle.slow_down(host)
                self.held_until[host] = max(self.held_until.get(host, 0.0), time.monotonic() + wait)
                self.throttle.hold(host, wait)
                if wait > self.pol.backoff_cap_seconds:
                    raise RateLimited(
                        f"{url}: {host} asked ficarchive to wait {wait:.0f} s", url, status
                    )
                self.stats.retries += 1
                log.info("%s: %s, retrying in %.1f s", url, reason, wait)

    def _report_wait(self, host: str) -> Callable[[float], None] | None:
        if self.on_wait is None:
            return None
        callback = self.on_wait
        return lambda seconds: callback(seconds, host)

    def _send(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        cap = self.pol.max_page_bytes
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                declared = resp.headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared) > cap:
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
        except httpx.TransportError:
            raise  # network trouble: the caller retries
        except httpx.HTTPError as exc:
            # e.g. a body that does not decode as its Content-Encoding says
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}", url) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: invalid URL: {exc}", url) from exc
