"""crawler/http.py: what the fetcher sends, where it refuses to go, and what it makes of answers.

Who it says it is, the hosts it keeps to, redirects, validators, cookies and bot
challenges, proved against real servers on 127.0.0.1. Pacing is in
test_crawler_http_pacing.py, misbehaving transports in test_crawler_http_faults.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from crawler import __version__
from crawler.errors import Challenge, FetchError, OffsiteURL
from crawler.http import host_key, looks_like_challenge
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
