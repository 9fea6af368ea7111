"""crawler/http.py: what the fetcher sends, where it refuses to go, and what it makes of answers.

Who it says it is, the hosts it keeps to, redirects, validators, cookies and bot
challenges, proved against real servers on 127.0.0.1. Pacing is in
test_crawler_http_pacing.py, misbehaving transports in test_crawler_http_faults.py.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import httpx
import pytest

from crawler import __version__
from crawler.errors import Challenge, FetchError, OffsiteURL, RobotsDisallowed
from crawler.http import host_key, looks_like_challenge, origin
from tests.http_client import CONTACT, make_client
from tests.servers import Reply, ScriptedServer, clear_proxies


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        yield server


# --- who we say we are ------------------------------------------------------------


def test_user_agent_is_product_version_and_contact(srv):
    srv.route("/p", Reply(body=b"ok"))
    with make_client(srv.base_url, respect_robots=True) as c:
        c.get(srv.url("/p"))
    agents = {r.path: r.headers["user-agent"] for r in srv.log}
    expected = f"ficarchive/{__version__} (+{CONTACT})"
    assert agents == {"/robots.txt": expected, "/p": expected}


def test_no_cookie_is_kept_or_sent_back(srv):
    srv.route("/a", Reply(headers={"Set-Cookie": "_session=SECRET; Path=/"}, body=b"ok"))
    srv.route("/b", Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        c.get(srv.url("/a"))
        c.get(srv.url("/b"))
        assert len(c.client.cookies.jar) == 0
    assert "cookie" not in srv.requests("/b")[0].headers


# --- never leaving the configured hosts ----------------------------------------------


def test_redirect_to_another_host_raises_offsite_and_the_other_host_sees_nothing(srv):
    with ScriptedServer() as other:
        other.route("/", Reply(body=b"elsewhere"))
        srv.route("/away", Reply.redirect(other.url("/")))
        srv.route("/alias", Reply.redirect(f"http://localhost:{srv.port}/secret"))
        with make_client(srv.base_url) as c:
            with pytest.raises(OffsiteURL):
                c.get(srv.url("/away"))
            with pytest.raises(OffsiteURL):
                c.get(srv.url("/alias"))  # same port, but not the configured host name
        assert other.log == []
    assert srv.paths() == ["/away", "/alias"]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/pub/x", "javascript:alert(1)", "/relative/path"],
)
def test_non_http_urls_raise_offsite(srv, url):
    with make_client(srv.base_url) as c, pytest.raises(OffsiteURL):
        c.get(url)
    assert srv.log == []


def test_redirect_to_a_non_http_scheme_raises_offsite(srv):
    srv.route("/r", Reply.redirect("file:///etc/passwd"))
    with make_client(srv.base_url) as c, pytest.raises(OffsiteURL):
        c.get(srv.url("/r"))


def test_url_with_credentials_is_not_fetched(srv):
    with make_client(srv.base_url) as c, pytest.raises(OffsiteURL):
        c.get(f"http://user:pw@{srv.host}/p")
    assert srv.log == []


def test_redirect_loop_raises_after_at_most_five_redirects(srv):
    srv.redirect_loop("/loop")
    with make_client(srv.base_url, delay_seconds=0.01) as c, pytest.raises(FetchError) as caught:
        c.get(srv.url("/loop"))
    assert "redirects" in str(caught.value)
    assert len(srv.requests("/loop")) == 6  # the first request and five redirects


def test_same_host_redirect_is_followed(srv):
    srv.route("/old", Reply.redirect("/new", 301))
    srv.route("/new", Reply(body=b"moved here"))
    with make_client(srv.base_url) as c:
        page = c.get(srv.url("/old"))
    assert (page.status, page.body) == (200, b"moved here")
    assert page.url == srv.url("/old") and page.final_url == srv.url("/new")


def test_host_key_normalises_case_and_default_ports():
    assert host_key("http://Example.ORG:80/x") == "example.org"
    assert host_key("https://example.org:443/") == "example.org"
    assert host_key("https://example.org:8443/") == "example.org:8443"
    assert host_key("http://127.0.0.1:8080/") == "127.0.0.1:8080"


# --- conditional GET, challenges --------------------------------------------------------


def test_conditional_get_sends_validators_and_returns_304(srv):
    srv.route("/w", Reply(304, {"ETag": '"v1"'}))
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    with make_client(srv.base_url) as c:
        page = c.get(srv.url("/w"), etag='"v1"', last_modified=stamp)
    assert page.status == 304 and page.body == b""
    sent = srv.log[0].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp


def test_plain_get_sends_no_validators(srv):
    srv.route("/w", Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        c.get(srv.url("/w"))
    assert "if-none-match" not in srv.log[0].headers
    assert "if-modified-since" not in srv.log[0].headers


@pytest.mark.parametrize(
    "reply",
    [
        Reply(403, body=b"<html><title>Just a moment...</title></html>"),
        Reply(403, {"cf-mitigated": "challenge"}, b"<html></html>"),
        Reply(503, body=b"<script src='/cdn-cgi/challenge-platform/x.js'></script>"),
    ],
    ids=["just-a-moment", "cf-mitigated", "503-challenge"],
)
def test_challenge_page_raises_and_is_not_retried(srv, reply):
    srv.route("/w", reply)
    with make_client(srv.base_url) as c, pytest.raises(Challenge):
        c.get(srv.url("/w"))
    assert len(srv.log) == 1


def test_ordinary_403_is_returned_not_raised(srv):
    srv.route("/w", Reply(403, body=b"forbidden"))
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/w")).status == 403


def test_after_a_challenge_the_host_is_left_alone_for_the_rest_of_the_run(srv):
    srv.route("/a", Reply(403, {"cf-mitigated": "challenge"}, b"<html></html>"))
    srv.route("/b", Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        with pytest.raises(Challenge, match="bot challenge") as first:
            c.get(srv.url("/a"))
        assert first.value.status == 403 and "sends this host nothing more" in str(first.value)
        with pytest.raises(Challenge, match="not asked"):
            c.get(srv.url("/b"))
    assert srv.paths() == ["/a"]


def test_looks_like_challenge():
    headers = httpx.Headers()
    assert looks_like_challenge(403, headers, b"<title>Just a moment...</title>")
    assert looks_like_challenge(200, httpx.Headers({"cf-mitigated": "challenge"}), b"")
    assert not looks_like_challenge(200, headers, b"Just a moment, said the heroine.")
    assert not looks_like_challenge(403, headers, b"forbidden")


# --- a site is its scheme, host and port, exactly -----------------------------------------


def test_origin_spells_out_the_default_port_and_keeps_the_scheme():
    assert origin("https://Example.org/x") == ("https", "example.org", 443)
    assert origin("https://example.org:443/") == origin("https://example.org")
    assert origin("http://example.org/") == ("http", "example.org", 80)
    assert origin("http://example.org:443/") != origin("https://example.org/")
    assert origin("https://example.org:80/") != origin("http://example.org/")
    assert origin("http://[::1]:8080/")[1:] == ("::1", 8080)


class Recorder:
    """A MockTransport handler for hosts and default ports no loopback server can have."""

    def __init__(self, redirects: dict[str, str]) -> None:
        self.redirects = redirects  # URL -> where it moved to; every other URL answers 200
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.seen.append(url)
        if url in self.redirects:
            return httpx.Response(
                301, headers={"Location": self.redirects[url]}, stream=Streamed(b"")
            )
        return httpx.Response(200, stream=Streamed(b"ok"))


class Streamed(httpx.SyncByteStream):
    """A body read as it streams, like a real server's (content=... arrives already read)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self):
        yield self.body


@pytest.mark.parametrize(
    ("site", "start", "target"),
    [
        ("https://archive.example", "https://archive.example/a", "http://archive.example/a"),
        ("https://archive.example", "https://archive.example/a", "https://archive.example:80/a"),
        ("https://archive.example", "https://archive.example/a", "http://archive.example:443/a"),
        ("http://plain.example", "http://plain.example/a", "https://plain.example/a"),
        ("http://plain.example", "http://plain.example/a", "https://plain.example:80/a"),
    ],
)
def test_a_redirect_to_another_scheme_or_default_port_is_offsite(site, start, target):
    seen = Recorder({start: target})
    with (
        make_client(site, transport=httpx.MockTransport(seen)) as c,
        pytest.raises(OffsiteURL, match="is not a configured archive"),
    ):
        c.get(start)
    assert seen.seen == [start]


@pytest.mark.parametrize(
    ("site", "url"),
    [
        ("https://archive.example", "http://archive.example/works/1"),
        ("http://plain.example", "https://plain.example/works/1"),
        ("http://plain.example", "http://plain.example:443/works/1"),
    ],
)
def test_a_link_to_another_scheme_or_port_of_a_site_is_not_fetched(site, url):
    seen = Recorder({})
    with make_client(site, transport=httpx.MockTransport(seen)) as c, pytest.raises(OffsiteURL):
        c.get(url)
    assert seen.seen == []


def test_the_explicit_default_port_is_the_same_site():
    seen = Recorder({})
    with make_client("https://archive.example", transport=httpx.MockTransport(seen)) as c:
        assert c.get("https://archive.example:443/a").status == 200


def test_a_robots_txt_redirect_to_plain_http_disallows_all():
    site = "https://archive.example"
    seen = Recorder({f"{site}/robots.txt": "http://archive.example/robots.txt"})
    with (
        make_client(site, respect_robots=True, transport=httpx.MockTransport(seen)) as c,
        pytest.raises(RobotsDisallowed, match="off the host"),
    ):
        c.get(f"{site}/a")
    assert seen.seen == [f"{site}/robots.txt"]


# --- bodies: asked for gzip/deflate, decoded here ------------------------------------------


@pytest.mark.parametrize(
    ("coding", "encode"), [("gzip", gzip.compress), ("deflate", zlib.compress)]
)
def test_a_compressed_page_is_decoded_and_only_gzip_and_deflate_are_asked_for(srv, coding, encode):
    page = b"<html><body><p>The lamp was lit.</p></body></html>" * 50
    srv.route("/w", Reply(headers={"Content-Encoding": coding}, body=encode(page)))
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/w")).body == page
    assert srv.log[0].headers["accept-encoding"] == "gzip, deflate"


def test_a_body_that_does_not_decode_as_it_says_is_one_fetch_error(srv):
    srv.route("/w", Reply(headers={"Content-Encoding": "gzip"}, body=b"<html>plain</html>"))
    with make_client(srv.base_url) as c, pytest.raises(FetchError, match="does not decode"):
        c.get(srv.url("/w"))
    assert len(srv.log) == 1
