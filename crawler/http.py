"""The polite fetcher: every request ficarchive sends goes through PoliteClient.

It enforces, in this order: configured sites only (scheme, host and port, by link
and by redirect), http(s) only, robots.txt, one request at a time per host with a
jittered delay, Retry-After and backoff on 429/503, a total deadline per request,
a size cap after every decoding layer (crawler/transport.py), and timeouts. It
never solves challenges or logs in: those are reported, not circumvented. A host
that answered with a challenge, kept failing, or asks for a longer Crawl-delay
than the crawl will wait is sent nothing more for the rest of the run
(crawler/hosts.py).
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from crawler.answers import (
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    looks_like_challenge,
    network_reason,
    parse_retry_after,
)
from crawler.config import Config
from crawler.errors import (
    Challenge,
    DeadlineExceeded,
    FetchError,
    HostGivenUp,
    RateLimited,
    RobotsDisallowed,
)
from crawler.hosts import (
    DEFAULT_PORTS,
    Hosts,
    configured_site,
    host_key,
    origin,
    redirect_target,
)
from crawler.models import FetchedPage
from crawler.robots import MAX_CRAWL_DELAY, RobotsRules, rules_from_response, user_agent
from crawler.throttle import Throttle
from crawler.transport import Wire, shown_proxy

__all__ = ["DEFAULT_PORTS", "FetchStats", "PoliteClient", "host_key", "looks_like_challenge",
           "origin", "parse_retry_after"]  # fmt: skip

log = logging.getLogger(__name__)


@dataclass
class FetchStats:
    """What the crawl cost: requests sent, seconds spent waiting to be polite.

    `bound` is the politeness bound: the sum of the gaps the rules required
    between requests (see Throttle.bound); wall time / bound shows how close to
    the rules' own limit a crawl ran. `given_up` holds, per host, why it was sent
    nothing more this run; `proxy` the proxy every request went through ("" when
    none), without credentials.
    """

    requests: int = 0
    waited: float = 0.0
    bound: float = 0.0
    retries: int = 0
    fetching: float = 0.0  # seconds requests were in flight (the servers' time, not the rules')
    late: float = 0.0  # seconds requests started after their slot opened (Throttle.late)
    overslept: float = 0.0  # seconds sleeps ran past the slot (Throttle.overslept)
    first_start: float | None = None  # time.monotonic() the first request started, and
    last_end: float | None = None  # the last ended: a crawl's head and tail lie outside
    cpu: float = 0.0  # this thread's CPU seconds sending requests and reading answers
    # host -> [times it answered 429/503, seconds it asked for in all]: said in the summary
    throttled: dict[str, list[float]] = field(default_factory=dict)
    robots_notes: dict[str, str] = field(default_factory=dict)
    given_up: dict[str, str] = field(default_factory=dict)
    proxy: str = ""


class PoliteClient:
    """An httpx client that cannot be impolite."""

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_wait: Callable[[float, str, str], None] | None = None,
    ) -> None:
        self.config = config
        self.pol = config.politeness
        self.rng = rng or random.Random()
        self.throttle = Throttle(self.pol.jitter, sleep=sleep, rng=self.rng)
        self.sleep = sleep
        self.on_wait = on_wait  # (seconds left, host, why it is held or "")
        self._held_why: dict[str, str] = {}
        self.allowed_hosts = {host_key(s.base_url): s for s in config.sites.values() if s.base_url}
        self.robots: dict[str, RobotsRules] = {}
        self.hosts = Hosts(self.pol.give_up_after_failures)
        self.wire = Wire(
            self.pol,
            user_agent(config.archive.contact),
            where=str(config.file) if config.file else "built-in config",
            transport=transport,
        )
        self.client = self.wire.client
        self.stats = FetchStats(proxy=shown_proxy(self.wire.proxy))

    def close(self) -> None:
        self.wire.close()

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
        retries), Challenge, HostGivenUp, DeadlineExceeded, or FetchError
        (network, size, redirects).
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
            status, resp_headers, body = self._request(current, headers)
            if status in REDIRECT_STATUSES and "location" in resp_headers:
                current = redirect_target(current, resp_headers["location"])
                continue
            if looks_like_challenge(status, resp_headers, body):
                self.hosts[host].challenged = current
                raise Challenge(
                    f"{current}: the site answered with a bot challenge (HTTP {status}); "
                    "ficarchive does not get past challenges, and sends this host nothing "
                    "more this run; what works: open the story in your browser, save each of"
                    " its chapter pages (File > Save Page As), and `ficarchive import` the saved"
                    " files (chapters saved apart join into one work, under the site's own id)",
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

    def prime(self, url: str) -> None:
        """Read a configured host's robots.txt now, the request a crawl of it starts with
        anyway, so what the crawl loads meanwhile (the parsers) runs in the wait after it."""
        with contextlib.suppress(FetchError):
            configured_site(url, self.allowed_hosts)
            if self.pol.respect_robots:
                self._robots_for(host_key(url), url)

    def robots_note(self, host: str) -> str:
        rules = self.robots.get(host)
        return rules.reason if rules else ""

    # --- where a request may go -------------------------------------------

    def _check_allowed(self, url: str) -> None:
        configured_site(url, self.allowed_hosts)
        host = host_key(url)
        self._refuse_left_alone(url, host)
        if not self.pol.respect_robots:
            return
        rules = self._robots_for(host, url)
        self._refuse_left_alone(url, host)  # robots.txt may ask for too long a Crawl-delay
        if not rules.allowed(url):
            why = rules.reason or "robots.txt disallows it"
            raise RobotsDisallowed(f"{url}: {why} for ficarchive", url)

    def _refuse_left_alone(self, url: str, host: str) -> None:
        state = self.hosts[host]
        if state.challenged:
            raise Challenge(
                f"{url}: not asked; {host} answered an earlier request with a bot "
                "challenge, so ficarchive leaves it alone for the rest of this run",
                url,
            )
        if state.given_up:
            raise HostGivenUp(f"{url}: not asked; {host} {state.given_up}", url)

    def _give_up(self, host: str, why: str) -> None:
        self.hosts.give_up(host, why)
        self.stats.given_up[host] = why
        log.warning("%s: %s", host, why)

    # --- robots.txt -------------------------------------------------------

    def _robots_for(self, host: str, url: str) -> RobotsRules:
        rules = self.robots.get(host)
        if rules is not None and rules.fresh:
            return rules
        # One fetch per host even when several threads arrive at once.
        with self.hosts[host].robots_lock:
            rules = self.robots.get(host)
            if rules is not None and rules.fresh:
                return rules
            rules = self._fetch_robots(host, url)
            self.robots[host] = rules
        if rules.reason:
            self.stats.robots_notes[host] = rules.reason
            log.warning("%s: %s", host, rules.reason)
        self._check_crawl_delay(host, rules)
        return rules

    def _check_crawl_delay(self, host: str, rules: RobotsRules) -> None:
        """A Crawl-delay longer than the crawl will wait: leave the host, never go faster."""
        asked = rules.asked_crawl_delay
        most = self._longest_wait(host)
        if asked is None or asked <= most:
            return
        note = (
            f"robots.txt asks for a Crawl-delay of {asked:g} s, more than this crawl will "
            f"wait between requests ({most:g} s: [politeness] backoff_cap_seconds)"
        )
        self.stats.robots_notes[host] = note
        self._give_up(host, f"{note}; nothing more is asked of it this run")

    def _longest_wait(self, host: str) -> float:
        site = self.allowed_hosts.get(host)
        own = site.delay_seconds if site else self.pol.delay_seconds
        return min(MAX_CRAWL_DELAY, max(self.pol.backoff_cap_seconds, own))

    def _fetch_robots(self, host: str, url: str) -> RobotsRules:
        """RFC 9309 2.3.1.2: follow redirects, but never off the configured site."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        for _ in range(self.pol.max_redirects + 1):
            try:
                status, headers, body = self._request(robots_url, {}, retries=1)
            except HostGivenUp:
                raise
            except FetchError as exc:
                why = str(exc).removeprefix(f"{robots_url}: ")
                return rules_from_response(host, None, None, why)
            if status not in REDIRECT_STATUSES or "location" not in headers:
                return rules_from_response(host, status, body)
            try:
                target = redirect_target(robots_url, headers["location"])
            except FetchError:
                target = headers["location"]
            if origin(target) != origin(robots_url):
                why = f"robots.txt redirects off the host (to {target}): disallowing all"
                return RobotsRules(host, None, True, why, time.monotonic())
            robots_url = target
        why = f"robots.txt redirects more than {self.pol.max_redirects} times: disallowing all"
        return RobotsRules(host, None, True, why, time.monotonic())

    # --- pacing, retries, giving up ------------------------------------------

    def _delay(self, host: str) -> float:
        site = self.allowed_hosts.get(host)
        delay = site.delay_seconds if site else self.pol.delay_seconds
        rules = self.robots.get(host)
        crawl_delay = rules.crawl_delay if rules else None
        return max(delay, crawl_delay or 0.0)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (AWS architecture blog); attempt counts from 1."""
        ceiling = min(
            self.pol.backoff_cap_seconds, self.pol.backoff_base_seconds * 2 ** min(attempt - 1, 60)
        )
        return self.rng.uniform(0, ceiling)

    def _check_held(self, url: str, host: str) -> None:
        held = self.hosts[host].held_until - time.monotonic()
        if held > self.pol.backoff_cap_seconds:
            raise RateLimited(f"{url}: {host} asked ficarchive to wait {held:.0f} s more", url, 429)

    def _request(
        self, url: str, headers: dict[str, str], retries: int | None = None
    ) -> tuple[int, httpx.Headers, bytes]:
        host = host_key(url)
        retries = self.pol.max_retries if retries is None else retries
        attempt = 0
        while True:
            self._check_held(url, host)  # fail fast, without queueing for the lock
            # Everything that reads or changes the host's pacing happens under its
            # lock, so a Retry-After seen by one thread holds back all the others.
            with self.hosts[host].lock:
                self._refuse_left_alone(url, host)
                self._check_held(url, host)
                status, resp_headers, body, error = self._attempt(url, host, headers)
                if error is None and (
                    status not in RETRY_STATUSES or looks_like_challenge(status, resp_headers, body)
                ):
                    self.hosts.succeeded(host)
                    return status, resp_headers, body
                attempt += 1
                reason = f"HTTP {status}" if error is None else network_reason(error)
                self._count_failure(url, host, reason, status)
                if isinstance(error, DeadlineExceeded):
                    raise error  # it had the whole deadline: asking again costs another
                if attempt > retries:
                    if error is not None:
                        raise FetchError(f"{url}: {reason} after {retries} retries", url)
                    raise RateLimited(f"{url}: {reason} after {retries} retries", url, status)
                self._back_off(url, host, reason, attempt, status, resp_headers)

    def _attempt(
        self, url: str, host: str, headers: dict[str, str]
    ) -> tuple[int, httpx.Headers, bytes, Exception | None]:
        """One paced request (with the host's lock held); network trouble is returned."""
        self.stats.waited += self.throttle.wait(host, self._delay(host), self._report_wait(host))
        began, cpu = time.monotonic(), time.thread_time()
        try:
            return (*self.wire.send(url, host, headers), None)
        except (httpx.TransportError, DeadlineExceeded) as exc:
            return 0, httpx.Headers(), b"", exc
        finally:
            self.throttle.done(host)
            self._count(began, cpu)

    def _count(self, began: float, cpu: float) -> None:
        stats, th = self.stats, self.throttle
        stats.requests += 1
        stats.fetching, stats.cpu = (
            stats.fetching + time.monotonic() - began,
            stats.cpu + time.thread_time() - cpu,
        )
        stats.bound, stats.late, stats.overslept = th.bound, th.late, th.overslept
        stats.first_start, stats.last_end = th.first_start, th.last_end

    def _count_failure(self, url: str, host: str, reason: str, status: int) -> None:
        """One more failure in a row; the Nth gives the host up for the rest of the run."""
        why = self.hosts.failed(host, reason)
        if why:
            self.stats.given_up[host] = why
            log.warning("%s: %s", host, why)
            raise HostGivenUp(f"{url}: {reason}; {host} {why}", url, status or None)

    def _back_off(
        self, url: str, host: str, reason: str, attempt: int, status: int, answer: httpx.Headers
    ) -> None:
        """Hold the host for Retry-After (or a backoff) before the next attempt.

        `status` is 0 after a network error (and `answer` empty).
        """
        wait = parse_retry_after(answer.get("retry-after")) if status else None
        if wait is None:
            wait = self._backoff(attempt)
        if status in RETRY_STATUSES:
            self.throttle.slow_down(host)
            seen = self.stats.throttled.setdefault(host, [0, 0.0])
            seen[0] += 1
            seen[1] += wait
        self._held_why[host] = (
            f"asked us to wait ({status})" if status == 429
            else f"is unavailable ({status})" if status else f"did not answer ({reason})"
        )  # fmt: skip
        state = self.hosts[host]
        state.held_until = max(state.held_until, time.monotonic() + wait)
        self.throttle.hold(host, wait)
        if wait > self.pol.backoff_cap_seconds:
            raise RateLimited(f"{url}: {host} asked ficarchive to wait {wait:.0f} s", url, status)
        self.stats.retries += 1
        log.info("%s: %s, retrying in %.1f s", url, reason, wait)

    def _report_wait(self, host: str) -> Callable[[float], None] | None:
        if self.on_wait is None:
            return None
        callback = self.on_wait

        def told(seconds: float) -> None:  # the reason only while a host's hold lasts
            held = self.hosts[host].held_until > time.monotonic()
            callback(seconds, host, self._held_why.get(host, "") if held else "")

        return told
