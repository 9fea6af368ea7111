"""crawler/hosts.py and its use in the fetcher: giving a failing host up, deadlines, bounds.

Against real servers on 127.0.0.1; the attacks themselves (a host failing forever,
slow-loris answers, Crawl-delay: 1e12) are in tests/reliability/test_hostile_servers.py.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from crawler.config import parse_config
from crawler.errors import DeadlineExceeded, FetchError, HostGivenUp, RateLimited
from crawler.hosts import Hosts
from crawler.http import PoliteClient
from crawler.robots import MAX_CRAWL_DELAY
from tests.http_client import make_client
from tests.servers import Reply, ScriptedServer, clear_proxies


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        yield server


# --- giving up --------------------------------------------------------------------------


def test_hosts_give_up_on_the_nth_failure_in_a_row_and_a_success_resets_the_count():
    hosts = Hosts(give_up_after=3)
    assert hosts.failed("h", "HTTP 503") == ""
    assert hosts.failed("h", "HTTP 503") == ""
    hosts.succeeded("h")
    assert hosts.failed("h", "HTTP 503") == hosts.failed("h", "HTTP 503") == ""
    why = hosts.failed("h", "network error: ReadTimeout")
    assert "3 times in a row" in why and "ReadTimeout" in why
    assert hosts.given_up() == {"h": why}
    assert hosts.failed("other", "HTTP 429") == ""  # each host alone


def test_zero_never_gives_up():
    hosts = Hosts(give_up_after=0)
    assert not any(hosts.failed("h", "HTTP 503") for _ in range(100))


def test_an_answer_between_failures_keeps_the_host(srv):
    srv.route("/busy", Reply(503, body=b"busy"))
    srv.route("/ok", Reply(body=b"ok"))
    with make_client(srv.base_url, max_retries=1, give_up_after_failures=3) as c:
        for _ in range(3):
            with pytest.raises(RateLimited):
                c.get(srv.url("/busy"))  # two failures in a row
            assert c.get(srv.url("/ok")).body == b"ok"  # and the count starts again
        assert c.stats.given_up == {}
    assert len(srv.log) == 9


def test_the_failure_that_gives_up_raises_host_given_up_and_later_urls_send_nothing(srv):
    srv.route("/a", Reply(503, body=b"busy"))
    with make_client(srv.base_url, max_retries=5, give_up_after_failures=2) as c:
        with pytest.raises(HostGivenUp, match="HTTP 503") as first:
            c.get(srv.url("/a"))  # retries remained, but the host had failed twice
        assert first.value.status == 503 and first.value.url == srv.url("/a")
        with pytest.raises(HostGivenUp, match="not asked"):
            c.get(srv.url("/b"))
        assert "2 times in a row" in c.stats.given_up[srv.host]
    assert srv.paths() == ["/a", "/a"]


def test_a_robots_txt_that_keeps_failing_counts_towards_giving_up(srv):
    srv.route("/robots.txt", Reply(503, body=b"busy"))
    with make_client(srv.base_url, respect_robots=True, give_up_after_failures=2) as c:
        with pytest.raises(HostGivenUp):
            c.get(srv.url("/p"))  # robots.txt is tried twice (one retry): given up
        with pytest.raises(HostGivenUp, match="not asked"):
            c.get(srv.url("/q"))
    assert srv.paths() == ["/robots.txt", "/robots.txt"]


def test_a_challenge_is_not_counted_as_a_failure_but_leaves_the_host_alone(srv):
    srv.route("/w", Reply(503, body=b"<script src='/cdn-cgi/challenge-platform/x.js'></script>"))
    with make_client(srv.base_url, give_up_after_failures=1) as c:
        with pytest.raises(FetchError, match="bot challenge"):
            c.get(srv.url("/w"))
        assert c.stats.given_up == {}


# --- the deadline -----------------------------------------------------------------------


def test_a_deadline_is_not_retried_and_counts_as_a_failure(srv):
    srv.route("/slow", Reply(body=b"x" * 40, trickle=0.05, trickle_body=True))
    with make_client(
        srv.base_url, request_deadline_seconds=0.3, max_retries=3, give_up_after_failures=2
    ) as c:
        with pytest.raises(DeadlineExceeded):
            c.get(srv.url("/slow"))
        with pytest.raises(HostGivenUp, match="request deadline"):
            c.get(srv.url("/slow"))
    assert len(srv.log) == 2


def test_a_fast_answer_well_inside_the_deadline_is_untouched(srv):
    srv.route("/p", Reply(body=b"p" * 100_000))
    with make_client(srv.base_url, request_deadline_seconds=5.0) as c:
        for _ in range(3):  # a kept-alive connection carries no old deadline with it
            assert c.get(srv.url("/p")).body == b"p" * 100_000


def test_timeouts_and_deadlines_too_large_for_a_socket_are_bounded(srv):
    # Built past parse_config (which bounds them) to prove nothing here overflows.
    srv.route("/p", Reply(body=b"ok"))
    config = parse_config({"sites": {"text": {"base_url": srv.base_url, "delay_seconds": 0}}})
    huge = replace(
        config.politeness,
        read_timeout_seconds=1e300,
        connect_timeout_seconds=1e300,
        request_deadline_seconds=1e300,
        respect_robots=False,
    )
    with PoliteClient(replace(config, politeness=huge), rng=random.Random(1)) as c:
        assert c.get(srv.url("/p")).body == b"ok"
        assert c.wire.deadline_seconds <= 24 * 3600


def test_a_retry_after_of_a_hundred_digits_is_a_finite_refusal(srv):
    srv.route("/a", Reply(429, {"Retry-After": "9" * 100}))
    with make_client(srv.base_url) as c:
        with pytest.raises(RateLimited, match="asked ficarchive to wait"):
            c.get(srv.url("/a"))
        assert c.stats.bound < float("inf")
    assert srv.paths() == ["/a"]


def test_a_crawl_delay_within_what_the_crawl_waits_is_kept_not_given_up(srv):
    srv.route("/robots.txt", Reply.robots("User-agent: *\nCrawl-delay: 0.3\n"))
    srv.route("/p", Reply(body=b"ok"))
    with make_client(srv.base_url, respect_robots=True, backoff_cap_seconds=1.0) as c:
        c.get(srv.url("/p"))
        c.get(srv.url("/p"))
        assert c.stats.given_up == {} and srv.host not in c.stats.robots_notes
    first, second = srv.requests("/p")
    assert second.start - first.end >= 0.3 * 0.99  # jitter is 0 here
    assert MAX_CRAWL_DELAY == 24 * 3600
