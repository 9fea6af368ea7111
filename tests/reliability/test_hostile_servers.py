"""Servers that attack the fetcher, each on 127.0.0.1, each test named after its attack.

Slow-loris answers (headers or body a byte at a time, a chunked body that never
ends, robots.txt included), a nested gzip bomb, a host that fails forever,
proxy variables in the environment, redirects to another scheme or port, and a
robots.txt Crawl-delay of 1e12. Each is judged by what the server saw: how
many requests, how many bytes it got to write before the client hung up.
"""

from __future__ import annotations

import functools
import tracemalloc
import zlib
from typing import Any

import pytest

from crawler import errors
from crawler.errors import ConfigError, FetchError, OffsiteURL, RobotsDisallowed
from tests.http_client import make_client
from tests.servers import MB, PROXY_VARIABLES, Reply, ScriptedServer, drip

TRICKLE = 0.05  # seconds per byte: a whole answer takes the server several seconds
DEADLINE = 0.5


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        yield server


def whole_answer(reply: Reply) -> int:
    """Bytes a trickled reply would write if the client waited for all of it."""
    head = f"HTTP/1.1 {reply.status} OK\r\nContent-Length: {len(reply.body)}\r\n\r\n"
    return len(head) + len(reply.body)


# --- slow loris: every request has a total deadline ------------------------------------


@pytest.mark.parametrize("body_only", [False, True], ids=["headers", "body"])
def test_an_answer_trickled_a_byte_at_a_time_is_cut_off_at_the_deadline(srv, body_only):
    reply = Reply(body=b"x" * 60, trickle=TRICKLE, trickle_body=body_only)
    srv.route("/slow", reply)
    with (
        make_client(srv.base_url, request_deadline_seconds=DEADLINE, read_timeout_seconds=2.0) as c,
        pytest.raises(FetchError, match="request deadline") as caught,
    ):
        c.get(srv.url("/slow"))
    assert isinstance(caught.value, errors.DeadlineExceeded)
    assert srv.host in str(caught.value) and f"{DEADLINE:g} s" in str(caught.value)
    assert "\n" not in str(caught.value)
    ((path, sent),) = srv.sent  # one request: the deadline is not retried
    assert path == "/slow"
    assert sent < whole_answer(reply) // 2, f"the server wrote {sent} bytes before the hang-up"


def test_an_endless_chunked_body_is_cut_off_at_the_deadline(srv):
    srv.route("/endless", Reply(chunks=drip(piece=1024, every=0.01, lasting=10.0)))
    with (
        make_client(srv.base_url, request_deadline_seconds=DEADLINE) as c,
        pytest.raises(FetchError, match="request deadline"),
    ):
        c.get(srv.url("/endless"))
    ((_, sent),) = srv.sent
    # Ten seconds of drip is up to a megabyte; half a second of it is far less.
    assert sent < 300 * 1024, f"the server wrote {sent:,} bytes before the hang-up"


def test_a_trickled_robots_txt_is_cut_off_and_disallows_all(srv):
    robots = Reply.robots("User-agent: *\nAllow: /\n")
    srv.route("/robots.txt", Reply(200, robots.headers, robots.body, trickle=TRICKLE))
    srv.route("/p", Reply(body=b"page"))
    with make_client(srv.base_url, respect_robots=True, request_deadline_seconds=DEADLINE) as c:
        with pytest.raises(RobotsDisallowed, match="unreachable"):
            c.get(srv.url("/p"))
        assert "request deadline" in c.stats.robots_notes[srv.host]
    assert srv.paths() == ["/robots.txt"]
    ((_, sent),) = srv.sent
    assert sent < 40


# --- decompression bombs: every layer is capped, streaming ----------------------------


@functools.cache
def nested_gzip_bomb(megabytes: int = 256) -> bytes:
    """gzip of gzip of zeros: a few kilobytes that unpack to `megabytes` MB."""
    inner = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = bytes(MB)
    layer = b"".join(inner.compress(block) for _ in range(megabytes)) + inner.flush()
    outer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return outer.compress(layer) + outer.flush()


def test_a_nested_gzip_bomb_stops_at_the_cap_without_being_held(srv):
    bomb = nested_gzip_bomb()
    assert len(bomb) < 16 * 1024
    srv.route("/bomb", Reply(headers={"Content-Encoding": "gzip, gzip"}, body=bomb))
    cap = MB
    with make_client(srv.base_url, max_page_bytes=cap) as c:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as caught:
                c.get(srv.url("/bomb"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 8 * cap, f"{peak:,} bytes held to refuse a {cap:,} byte page"
    message = str(caught.value)
    assert "byte cap once gzip-decoded (Content-Encoding: gzip, gzip)" in message
    assert "\n" not in message
    assert len(srv.log) == 1  # a bomb is not retried


def test_an_encoding_ficarchive_did_not_ask_for_is_refused_not_kept_raw(srv):
    srv.route("/br", Reply(headers={"Content-Encoding": "br"}, body=b"\x1b\x03\x00\xf8"))
    with make_client(srv.base_url) as c, pytest.raises(FetchError, match="'br' is not one"):
        c.get(srv.url("/br"))
    assert srv.log[0].headers["accept-encoding"] == "gzip, deflate"


# --- a host that never recovers is given up -------------------------------------------


@pytest.mark.parametrize(
    ("reply", "politeness"),
    [
        (Reply(503, body=b"busy"), {}),
        (Reply(429, {"Retry-After": "0"}, b"slow down"), {}),
        (Reply(body=b"z" * 2000, reset_mid_body=True), {}),
        (Reply(body=b"late", delay=0.3), {"read_timeout_seconds": 0.1}),
    ],
    ids=["503-forever", "429-forever", "reset-forever", "timeout-forever"],
)
def test_a_host_failing_forever_costs_n_requests_not_n_per_url(srv, reply, politeness):
    urls = [srv.url(f"/works/{n}") for n in range(20)]
    for url in urls:
        srv.route(url.removeprefix(srv.base_url), reply)
    raised = []
    with make_client(srv.base_url, give_up_after_failures=5, **politeness) as c:
        for url in urls:
            with pytest.raises(FetchError) as caught:
                c.get(url)
            raised.append(caught.value)
        given_up = dict(getattr(c.stats, "given_up", {}))
    assert len(srv.log) == 5, f"{len(srv.log)} requests to a host that failed every one"
    assert isinstance(raised[-1], errors.HostGivenUp) and "not asked" in str(raised[-1])
    assert sum(isinstance(e, errors.HostGivenUp) for e in raised) == 19  # all but the first
    assert list(given_up) == [srv.host] and "5 times in a row" in given_up[srv.host]


# --- proxies: the environment is ignored, the config is obeyed ------------------------


def test_proxy_variables_in_the_environment_are_ignored(srv, monkeypatch):
    srv.route("/p", Reply(body=b"direct"))
    with ScriptedServer() as proxy:
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, proxy.base_url)
        with make_client(srv.base_url, respect_robots=True) as c:
            assert c.get(srv.url("/p")).body == b"direct"
            assert c.stats.proxy == ""
        assert proxy.log == [], "a request went to the proxy named in the environment"
    assert srv.paths() == ["/robots.txt", "/p"]


def test_a_configured_proxy_carries_every_request_and_is_named(srv):
    with ScriptedServer() as proxy:
        proxy.route(srv.url("/robots.txt"), Reply.robots("User-agent: *\nAllow: /\n"))
        proxy.route(srv.url("/p"), Reply(body=b"via the proxy"))
        configured = f"http://user:secret@127.0.0.1:{proxy.port}"
        with make_client(srv.base_url, respect_robots=True, proxy=configured) as c:
            assert c.get(srv.url("/p")).body == b"via the proxy"
            assert c.stats.proxy == proxy.base_url  # named, without the password
        assert proxy.paths() == [srv.url("/robots.txt"), srv.url("/p")]
        assert all("proxy-authorization" in r.headers for r in proxy.log)
    assert srv.log == []


@pytest.mark.parametrize("value", ["socks5://127.0.0.1:1080", "127.0.0.1:3128", "http://"])
def test_a_proxy_that_is_not_an_http_url_is_a_config_error(value):
    with pytest.raises(ConfigError, match="politeness.proxy"):
        make_client("http://127.0.0.1:9", proxy=value)


# --- a site is its scheme, host and port ----------------------------------------------


def test_a_redirect_to_another_scheme_or_port_of_the_same_host_is_refused(srv):
    with ScriptedServer() as other:
        other.route("/x", Reply(body=b"elsewhere"))
        srv.route("/to-https", Reply.redirect(f"https://127.0.0.1:{srv.port}/x"))
        srv.route("/to-other-port", Reply.redirect(other.url("/x")))
        with make_client(srv.base_url, max_retries=0) as c:
            with pytest.raises(OffsiteURL, match="scheme, host and port"):
                c.get(srv.url("/to-https"))
            with pytest.raises(OffsiteURL):
                c.get(srv.url("/to-other-port"))
        assert other.log == []
    assert srv.paths() == ["/to-https", "/to-other-port"]


# --- robots.txt Crawl-delay: 1e12 ---------------------------------------------------


@pytest.mark.parametrize("asked", ["1e12", "5"])
def test_a_crawl_delay_longer_than_the_crawl_waits_leaves_the_host_for_the_next_run(srv, asked):
    srv.route("/robots.txt", Reply.robots(f"User-agent: *\nCrawl-delay: {asked}\n"))
    srv.route("/p", Reply(body=b"page"))
    srv.route("/q", Reply(body=b"page"))
    with make_client(srv.base_url, respect_robots=True, backoff_cap_seconds=2.0) as c:
        for path in ("/p", "/q"):
            with pytest.raises(FetchError, match="Crawl-delay") as caught:
                c.get(srv.url(path))
            assert isinstance(caught.value, errors.HostGivenUp)
        note = c.stats.robots_notes[srv.host]
        assert f"Crawl-delay of {float(asked):g} s" in note
        assert "more than this crawl will wait" in note
        assert srv.host in c.stats.given_up
    assert srv.paths() == ["/robots.txt"]  # asked nothing, slept on nothing
