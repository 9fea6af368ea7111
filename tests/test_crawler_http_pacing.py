"""crawler/http.py: the fetcher keeps its pace, proved against real servers on 127.0.0.1.

Delays with jitter, one request at a time per host, Retry-After, exponential backoff
and slowing down after a 429. Every timing claim is read off the server's own
request log, not the client's say-so. Delays are kept to tenths of a second so the
file runs in seconds.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.answers import MAX_RETRY_AFTER_SECONDS
from crawler.errors import RateLimited
from crawler.http import parse_retry_after
from crawler.throttle import MAX_WAIT_SECONDS, Throttle
from tests.http_client import gaps, make_client
from tests.servers import Reply, ScriptedServer, clear_proxies


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        yield server


class DrawsRecorded(random.Random):
    """A seeded Random that remembers every range asked for and every value drawn."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.ranges: list[tuple[float, float]] = []
        self.drawn: list[float] = []

    def uniform(self, a: float, b: float) -> float:
        self.ranges.append((a, b))
        self.drawn.append(super().uniform(a, b))
        return self.drawn[-1]


class UpperBoundRandom(random.Random):
    """Always draws the top of the range, and remembers every range asked for."""

    def __init__(self) -> None:
        super().__init__(0)
        self.ranges: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.ranges.append((a, b))
        return b


# --- pacing -------------------------------------------------------------------


def test_gap_between_requests_is_at_least_delay_times_one_minus_jitter_and_varies(srv):
    srv.route("/p", Reply(body=b"ok"))
    delay, jitter = 0.1, 0.5
    rng = DrawsRecorded(3)
    with make_client(srv.base_url, delay_seconds=delay, jitter=jitter, rng=rng) as c:
        for _ in range(6):
            assert c.get(srv.url("/p")).status == 200
    seen = gaps(srv.log)
    assert len(seen) == 5
    assert min(seen) >= delay * (1 - jitter)
    # Polite, not idle: every planned wait is within the jitter (what the clock then
    # gives depends on how busy the machine is, so the gaps seen bound only from below).
    assert rng.ranges and all(r == (1 - jitter, 1 + jitter) for r in rng.ranges)
    assert max(rng.drawn) - min(rng.drawn) > 0.05, f"jitter did not vary the waits: {rng.drawn}"


def test_threads_never_overlap_requests_to_one_host(srv):
    srv.route("/slow", Reply(body=b"ok", delay=0.03))
    errors: list[BaseException] = []
    with make_client(srv.base_url, delay_seconds=0.01) as c:

        def work() -> None:
            try:
                for _ in range(3):
                    c.get(srv.url("/slow"))
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert len(srv.log) == 12
    ordered = sorted(srv.log, key=lambda r: r.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert a.end <= b.start, "two requests to one host were in flight at once"


def test_stats_bound_is_the_sum_of_the_gaps_the_server_saw_at_least(srv):
    srv.route("/p", Reply(body=b"ok"))
    with make_client(srv.base_url, delay_seconds=0.05, jitter=0.5, rng=random.Random(5)) as c:
        for _ in range(5):
            c.get(srv.url("/p"))
        bound = c.stats.bound
    seen = gaps(srv.log)
    assert 4 * 0.05 * 0.5 <= bound <= 4 * 0.05 * 1.5
    assert sum(seen) >= bound - 0.01  # the server saw every required gap kept


# --- Retry-After, backoff, slowing down ------------------------------------------


def test_429_retry_after_seconds_is_obeyed(srv):
    srv.route("/a", Reply(429, {"Retry-After": "1"}), Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        page = c.get(srv.url("/a"))
        assert c.stats.retries == 1
    assert page.status == 200 and page.body == b"ok"
    first, second = srv.requests("/a")
    assert second.start - first.end >= 1.0


def test_429_retry_after_http_date_is_obeyed(srv):
    target = int(time.time()) + 2  # a whole second, as HTTP-dates are
    date = email.utils.formatdate(target, usegmt=True)
    srv.route("/a", Reply(429, {"Retry-After": date}), Reply(body=b"ok"))
    wall = time.time() - time.monotonic()  # the server logs monotonic times
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/a")).status == 200
    _, second = srv.requests("/a")
    # The date is the bound, however long the first answer took: the retry came after it.
    assert second.start + wall >= target - 0.01


def test_503_retry_after_seconds_is_obeyed(srv):
    srv.route("/a", Reply(503, {"Retry-After": "1"}, b"down for a moment"), Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/a")).body == b"ok"
    first, second = srv.requests("/a")
    assert second.start - first.end >= 1.0


def test_503_backs_off_exponentially_with_full_jitter_then_raises_rate_limited(srv):
    srv.route("/busy", Reply(503, body=b"busy"))
    rng = UpperBoundRandom()
    url = srv.url("/busy")
    with (
        make_client(
            srv.base_url, rng=rng, max_retries=3, backoff_base_seconds=0.05, delay_seconds=0.01
        ) as c,
        pytest.raises(RateLimited) as caught,
    ):
        c.get(url)
    assert url in str(caught.value) and caught.value.url == url and caught.value.status == 503
    assert len(srv.requests("/busy")) == 4  # the first try and max_retries more
    backoffs = [r for r in rng.ranges if r[0] == 0]
    assert backoffs == [(0, 0.05), (0, 0.1), (0, 0.2)]  # full jitter: from 0 to base * 2^n
    for seen, ceiling in zip(gaps(srv.log), [0.05, 0.1, 0.2], strict=True):
        assert seen >= ceiling


def test_429_run_slows_the_host_for_later_requests(srv):
    srv.route("/a", Reply(429, {"Retry-After": "0"}), Reply(body=b"ok"))
    srv.route("/b", Reply(body=b"ok"))
    delay = 0.1
    with make_client(srv.base_url, delay_seconds=delay) as c:
        c.get(srv.url("/a"))
        c.get(srv.url("/b"))
        c.get(srv.url("/b"))
    later = gaps(srv.log)[1:]
    assert all(g >= 2 * delay for g in later), later  # doubled after one 429


def test_retry_after_beyond_the_cap_raises_at_once_and_the_host_fails_fast(srv):
    srv.route("/a", Reply(429, {"Retry-After": "120"}))
    srv.route("/b", Reply(body=b"ok"))
    with make_client(srv.base_url, backoff_cap_seconds=1.0) as c:
        began = time.monotonic()
        with pytest.raises(RateLimited, match="/a"):
            c.get(srv.url("/a"))
        with pytest.raises(RateLimited, match="/b"):
            c.get(srv.url("/b"))
        assert time.monotonic() - began < 60  # no two-minute sleep, however busy the machine
    assert srv.paths() == ["/a"]  # /b was never sent


def test_a_long_retry_after_also_stops_threads_already_queued_for_the_host(srv):
    # The 429 answer is slow, so the second thread is queued on the host when it lands.
    srv.route("/a", Reply(429, {"Retry-After": "120"}, delay=0.2))
    srv.route("/b", Reply(body=b"ok"))
    results: dict[str, BaseException | int] = {}
    with make_client(srv.base_url, backoff_cap_seconds=1.0) as c:

        def fetch(path: str) -> None:
            try:
                results[path] = c.get(srv.url(path)).status
            except BaseException as exc:
                results[path] = exc

        first = threading.Thread(target=fetch, args=("/a",))
        first.start()
        time.sleep(0.05)
        second = threading.Thread(target=fetch, args=("/b",))
        second.start()
        first.join()
        second.join()
    assert isinstance(results["/a"], RateLimited)
    assert isinstance(results["/b"], RateLimited)
    assert srv.paths() == ["/a"]


def test_retry_after_holds_the_whole_host_not_just_the_url(srv):
    srv.route("/a", Reply(429, {"Retry-After": "1"}), Reply(body=b"ok"))
    srv.route("/b", Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        threads = [threading.Thread(target=c.get, args=(srv.url(p),)) for p in ("/a", "/b", "/b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    limited = next(r for r in srv.log if r.path == "/a")
    after = [r for r in srv.log if r.start > limited.start]
    assert after and all(r.start - limited.end >= 1.0 for r in after)


# --- parsing Retry-After: no server -------------------------------------------------


NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 11:00:00 GMT", 0.0),  # in the past
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("²", None),  # str.isdigit() says yes, float() says no
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


def test_parse_retry_after_date_without_now_uses_the_clock():
    soon = datetime.now(UTC) + timedelta(seconds=60)
    wait = parse_retry_after(email.utils.format_datetime(soon, usegmt=True))
    assert wait is not None and 55 <= wait <= 60


@given(st.text())
def test_parse_retry_after_never_raises(text):
    wait = parse_retry_after(text, now=NOW)
    assert wait is None or wait >= 0


# --- waits too long for time.sleep -----------------------------------------------------


def test_no_wait_is_longer_than_time_sleep_can_take():
    slept: list[float] = []
    th = Throttle(0.0, clock=lambda: 1000.0, sleep=slept.append)
    th.wait("h", 1e12)
    th.done("h")  # the next request is due 1e12 s from now
    th.hold("h", float("inf"))
    th.wait("h", 1e12)
    assert slept == [MAX_WAIT_SECONDS]


def test_a_retry_after_far_in_the_future_is_finite():
    assert parse_retry_after("9" * 400) == MAX_RETRY_AFTER_SECONDS
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=NOW) == MAX_RETRY_AFTER_SECONDS
