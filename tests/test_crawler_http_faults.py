"""crawler/http.py: oversized, cut-off, slow and mislabelled answers, against real servers.

Size caps, connection resets, read and connect timeouts, bodies shorter than their
Content-Length, pages cut off without one, and charsets that lie.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from crawler.config import parse_config
from crawler.errors import FetchError, ParseError, RateLimited
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.text import TextAdapter
from search_cli.demo import ao3_markup
from search_cli.demo.sample_works import LIGHTHOUSE
from tests.http_client import make_client
from tests.servers import MB, Reply, ScriptedServer, clear_proxies, full_backlog_port, zeros


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        yield server


# --- size -----------------------------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_fifty_megabyte_body_is_refused_over_max_page_bytes(srv, declared):
    size = 50 * MB
    srv.route("/huge", Reply(chunks=zeros(size), content_length=size if declared else None))
    with (
        make_client(srv.base_url, max_page_bytes=MB) as c,
        pytest.raises(FetchError, match="byte cap"),
    ):
        c.get(srv.url("/huge"))
    assert len(srv.log) == 1  # a size error is not retried
    ((path, sent),) = srv.sent
    assert sent < size // 3, f"the server got to send {sent:,} bytes"


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


# --- resets, truncation, timeouts ---------------------------------------------------


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


def test_read_timeout_is_retried_then_fails(srv):
    srv.route("/slow", Reply(body=b"late", delay=0.6))
    with (
        make_client(srv.base_url, read_timeout_seconds=0.15, max_retries=1) as c,
        pytest.raises(FetchError, match="Timeout"),
    ):
        c.get(srv.url("/slow"))
    assert len(srv.requests("/slow")) == 2


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
        # two tries of 0.2 s and a short backoff, not two of the 10 s default (a busy
        # machine may add seconds; it cannot add the difference)
        assert time.monotonic() - began < 10


# --- charsets ---------------------------------------------------------------------------


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
