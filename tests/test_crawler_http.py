"""crawler/http.py: the fetcher is polite, proved against real servers on 127.0.0.1.

Every timing claim is read off the server's own request log, not the client's
say-so. Delays are kept to tenths of a second so the file runs in seconds.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler import __version__
from crawler.config import parse_config
from crawler.errors import Challenge, FetchError, OffsiteURL, ParseError, RateLimited
from crawler.http import PoliteClient, host_key, looks_like_challenge, parse_retry_after
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.text import TextAdapter
from search_cli.demo import ao3_markup
from search_cli.demo.sample_works import LIGHTHOUSE
from tests.servers import MB, Reply, ScriptedServer, clear_proxies, full_backlog_port, zeros

CONTACT = "tester@example.org"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        yield server


def make_client(base_url: str, *, rng: random.Random | None = None, **politeness: Any):
    """A client for one site at base_url; robots.txt off unless a test turns it on."""
    pol = {
        "delay_seconds": 0.05,
        "jitter": 0.0,
        "max_retries": 2,
        "respect_robots": False,
        "backoff_base_seconds": 0.02,
        "backoff_cap_seconds": 2.0,
        "connect_timeout_seconds": 2.0,
        "read_timeout_seconds": 2.0,
    } | politeness
    config = parse_config(
        {
            "archive": {"contact": CONTACT},
            "politeness": pol,
            # The per-site delay wins over [politeness], so set both.
            "sites": {"text": {"base_url": base_url, "delay_seconds": pol["delay_seconds"]}},
        }
    )
    return PoliteClient(config, rng=rng or random.Random(1))


def gaps(log: list) -> list[float]:
    """Idle time the server saw between the end of one request and the start of the next."""
    ordered = sorted(log, key=lambda r: r.start)
    return [b.start - a.end for a, b in zip(ordered, ordered[1:], strict=False)]


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
    with make_client(srv.base_url, delay_seconds=delay, jitter=jitter, rng=random.Random(3)) as c:
        for _ in range(6):
            assert c.get(srv.url("/p")).status == 200
    seen = gaps(srv.log)
    assert len(seen) == 5
    assert min(seen) >= delay * (1 - jitter)
    assert max(seen) <= delay * (1 + jitter) + 0.1  # polite, not idle
    assert max(seen) - min(seen) > 0.005, f"jitter did not vary the gaps: {seen}"


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
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/a")).status == 200
    assert time.time() >= target - 0.01
    first, second = srv.requests("/a")
    assert second.start - first.end >= 0.95


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
        assert time.monotonic() - began < 0.5  # no two-minute sleep
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


# --- who we say we are ------------------------------------------------------------


def test_user_agent_is_product_version_and_contact(srv):
    srv.route("/p", Reply(body=b"ok"))
    with make_client(srv.base_url, respect_robots=True) as c:
        c.get(srv.url("/p"))
    agents = {r.path: r.headers["user-agent"] for r in srv.log}
    expected = f"ficarchive/{__version__} (+{CONTACT})"
    assert agents == {"/robots.txt": expected, "/p": expected}


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


# --- size, resets, timeouts -------------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_fifty_megabyte_body_is_refused_over_max_page_bytes(srv, declared):
    size = 50 * MB
    srv.route("/huge", Reply(chunks=zeros(size), content_length=size if declared else None))
    with make_client(srv.base_url, max_page_bytes=MB) as c:
        began = time.monotonic()
        with pytest.raises(FetchError, match="byte cap"):
            c.get(srv.url("/huge"))
        assert time.monotonic() - began < 3
    assert len(srv.log) == 1  # a size error is not retried
    ((path, sent),) = srv.sent
    assert sent < size // 3, f"the server got to send {sent:,} bytes"


def test_connection_reset_mid_body_is_retried_then_fails(srv):
    srv.route("/cut", Reply(body=b"z" * 10_000, reset_mid_body=True))
    with make_client(srv.base_url, max_retries=2) as c, pytest.raises(FetchError) as caught:
        c.get(srv.url("/cut"))
    assert not isinstance(caught.value, RateLimited)
    assert "network error" in str(caught.value)
    assert len(srv.requests("/cut")) == 3


def test_connection_reset_then_success_returns_the_page(srv):
    srv.route("/cut", Reply(reset_mid_body=True), Reply(body=b"whole"))
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/cut")).body == b"whole"
        assert c.stats.retries == 1


def test_read_timeout_is_retried_then_fails(srv):
    srv.route("/slow", Reply(body=b"late", delay=0.6))
    with (
        make_client(srv.base_url, read_timeout_seconds=0.15, max_retries=1) as c,
        pytest.raises(FetchError, match="Timeout"),
    ):
        c.get(srv.url("/slow"))
    assert len(srv.requests("/slow")) == 2


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


# --- units: no server -------------------------------------------------------------------


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


def test_looks_like_challenge():
    headers = httpx.Headers()
    assert looks_like_challenge(403, headers, b"<title>Just a moment...</title>")
    assert looks_like_challenge(200, httpx.Headers({"cf-mitigated": "challenge"}), b"")
    assert not looks_like_challenge(200, headers, b"Just a moment, said the heroine.")
    assert not looks_like_challenge(403, headers, b"forbidden")


# --- more misbehaviour: truncation, charsets, 503 with Retry-After, the default cap -------


def test_body_shorter_than_its_content_length_is_a_network_error_and_retried(srv):
    srv.route("/cut", Reply(body=b"<html><body><p>half a pa", content_length=5000, close=True))
    with make_client(srv.base_url, max_retries=1) as c, pytest.raises(FetchError) as caught:
        c.get(srv.url("/cut"))
    assert "network error" in str(caught.value)
    assert len(srv.requests("/cut")) == 2


def test_truncated_html_without_a_length_is_fetched_but_the_adapter_refuses_it(srv):

    whole = ao3_markup.work_page(LIGHTHOUSE).encode()
    cut = whole[: whole.index(b'id="chapter-2"')]  # chapter 1 arrived, the rest did not
    srv.route("/works/71000001", Reply(body=cut, close=True))
    with make_client(srv.base_url) as c:
        page = c.get(srv.url("/works/71000001"))
        site = c.allowed_hosts[srv.host]
    assert page.status == 200 and page.body == cut  # HTTP cannot tell: the close ends it
    with pytest.raises(ParseError, match="cut off"):
        AO3Adapter(replace(site, name="ao3")).parse_work([page])


def test_a_wrong_declared_charset_does_not_garble_the_text(srv):

    # UTF-8 bytes (the page's <meta charset> says so) under a header that says Latin-1.
    body = ao3_markup.work_page(LIGHTHOUSE).encode("utf-8")
    srv.route(
        "/works/71000001",
        Reply(headers={"Content-Type": "text/html; charset=iso-8859-1"}, body=body),
    )
    # Windows-1252 bytes under a header that says UTF-8.
    story = "“Mind the step,” said Mrs. Hudson. It’s late."
    srv.route(
        "/story.txt",
        Reply(headers={"Content-Type": "text/plain; charset=utf-8"}, body=story.encode("cp1252")),
    )
    with make_client(srv.base_url) as c:
        work_page = c.get(srv.url("/works/71000001"))
        text_page = c.get(srv.url("/story.txt"))
        site = c.allowed_hosts[srv.host]
    raw = AO3Adapter(replace(site, name="ao3")).parse_work([work_page])
    assert "his mother’s Bible" in raw.summary_html
    assert "â€" not in raw.summary_html  # the mojibake Latin-1 decoding would give
    assert "“I lit it, sir,”" in raw.chapters[0].html + raw.chapters[1].html + raw.chapters[2].html
    text = TextAdapter(site).parse_work([text_page])
    assert text.chapters[0].html == story


def test_503_retry_after_seconds_is_obeyed(srv):
    srv.route("/a", Reply(503, {"Retry-After": "1"}, b"down for a moment"), Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        assert c.get(srv.url("/a")).body == b"ok"
    first, second = srv.requests("/a")
    assert second.start - first.end >= 1.0


def test_the_default_cap_refuses_a_fifty_megabyte_body(srv):
    size = 50 * MB
    srv.route("/huge", Reply(chunks=zeros(size)))  # chunked: no length to refuse up front
    config_cap = parse_config({}).politeness.max_page_bytes
    assert config_cap == 20_000_000
    with (
        make_client(srv.base_url, max_page_bytes=config_cap) as c,
        pytest.raises(FetchError, match="20,000,000 byte cap"),
    ):
        c.get(srv.url("/huge"))
    ((_, sent),) = srv.sent
    assert sent < size  # the client hung up; the server never got to send it all


def test_stats_bound_is_the_sum_of_the_gaps_the_server_saw_at_least(srv):
    srv.route("/p", Reply(body=b"ok"))
    with make_client(srv.base_url, delay_seconds=0.05, jitter=0.5, rng=random.Random(5)) as c:
        for _ in range(5):
            c.get(srv.url("/p"))
        bound = c.stats.bound
    seen = gaps(srv.log)
    assert 4 * 0.05 * 0.5 <= bound <= 4 * 0.05 * 1.5
    assert sum(seen) >= bound - 0.01  # the server saw every required gap kept


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


def test_connect_timeout_is_retried_then_fails():
    with full_backlog_port() as port:
        base = f"http://127.0.0.1:{port}"
        with (
            make_client(base, connect_timeout_seconds=0.2, max_retries=1) as c,
            pytest.raises(FetchError, match="ConnectTimeout") as caught,
        ):
            began = time.monotonic()
            c.get(base + "/p")
        assert "after 1 retries" in str(caught.value)
        assert time.monotonic() - began < 3  # two tries of 0.2 s and a short backoff, not 10 s


def test_no_cookie_is_kept_or_sent_back(srv):
    srv.route("/a", Reply(headers={"Set-Cookie": "_session=SECRET; Path=/"}, body=b"ok"))
    srv.route("/b", Reply(body=b"ok"))
    with make_client(srv.base_url) as c:
        c.get(srv.url("/a"))
        c.get(srv.url("/b"))
        assert len(c.client.cookies.jar) == 0
    assert "cookie" not in srv.requests("/b")[0].headers
