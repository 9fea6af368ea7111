"""crawler/robots.py (and its use in the fetcher): RFC 9309, fetched once, obeyed.

Server tests run against a real server on 127.0.0.1; rules_from_response and
user_agent are tested alone.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from crawler import __version__
from crawler.errors import FetchError, RobotsDisallowed
from crawler.robots import (
    AGENT_TOKEN,
    CACHE_SECONDS,
    MAX_CRAWL_DELAY,
    rules_from_response,
    user_agent,
)
from tests.conftest import shared_fixture
from tests.http_client import gaps, make_client
from tests.servers import Reply, ScriptedServer, clear_proxies, closed_port


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def srv() -> Any:
    with ScriptedServer() as server:
        server.route("/p", Reply(body=b"page"))
        server.route("/q", Reply(body=b"page"))
        yield server


def client(srv: ScriptedServer, **politeness: Any):
    return make_client(
        srv.base_url, **({"respect_robots": True, "delay_seconds": 0.01} | politeness)
    )


# --- against a server ---------------------------------------------------------------


def test_robots_txt_is_fetched_once_per_host(srv):
    srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
    with client(srv) as c:
        c.get(srv.url("/p"))
        c.get(srv.url("/q"))
        c.get(srv.url("/p"))
    assert srv.paths() == ["/robots.txt", "/p", "/q", "/p"]


def test_prime_reads_robots_txt_first_and_only_once(srv):
    """A crawl primes its host's robots.txt before its parsers load; nothing else is asked."""
    srv.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /q\n"))
    with client(srv) as c:
        c.prime(srv.url("/"))
        assert srv.paths() == ["/robots.txt"]
        c.get(srv.url("/p"))
        with pytest.raises(RobotsDisallowed):
            c.get(srv.url("/q"))
        c.prime("https://elsewhere.example/")  # not a configured site: asks nothing
    assert srv.paths() == ["/robots.txt", "/p"]


def test_robots_txt_is_fetched_once_even_when_threads_start_together(srv):
    srv.route("/robots.txt", Reply(200, body=b"User-agent: *\nAllow: /\n", delay=0.1))
    with client(srv) as c:
        threads = [threading.Thread(target=c.get, args=(srv.url("/p"),)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert srv.paths().count("/robots.txt") == 1
    assert srv.paths().count("/p") == 4


def test_robots_404_allows_all(srv):
    srv.route("/robots.txt", Reply(404))
    with client(srv) as c:
        assert c.get(srv.url("/p")).status == 200
        assert "allowing all" in c.stats.robots_notes[srv.host]


def test_robots_500_disallows_all_and_says_so(srv):
    srv.route("/robots.txt", Reply(500, body=b"oops"))
    with client(srv) as c:
        with pytest.raises(RobotsDisallowed) as caught:
            c.get(srv.url("/p"))
        assert isinstance(caught.value, FetchError)
        assert "500" in c.stats.robots_notes[srv.host]
        assert "disallowing all" in c.stats.robots_notes[srv.host]
    assert srv.paths() == ["/robots.txt"]  # the page itself was never asked for


def test_robots_unreachable_host_disallows_all():
    base = f"http://127.0.0.1:{closed_port()}"
    with make_client(base, respect_robots=True, max_retries=1) as c:
        with pytest.raises(RobotsDisallowed, match="unreachable"):
            c.get(base + "/p")
        assert "unreachable" in c.stats.robots_notes[base.removeprefix("http://")]


def test_disallowed_path_is_refused_without_being_requested(srv):
    srv.route("/private/1", Reply(body=b"secret"))
    srv.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /private\n"))
    with client(srv) as c:
        with pytest.raises(RobotsDisallowed, match="/private/1"):
            c.get(srv.url("/private/1"))
        assert c.get(srv.url("/p")).status == 200
    assert "/private/1" not in srv.paths()


def test_larger_crawl_delay_wins_over_the_configured_delay(srv):
    srv.route("/robots.txt", Reply.robots("User-agent: *\nCrawl-delay: 0.5\n"))
    with client(srv, delay_seconds=0.05, jitter=0.2) as c:
        c.get(srv.url("/p"))
        c.get(srv.url("/q"))
        c.get(srv.url("/p"))
    page_gaps = gaps(srv.log)[1:]  # robots.txt -> first page still used the old delay
    assert all(g >= 0.5 * (1 - 0.2) for g in page_gaps), page_gaps


def test_rules_for_the_ficarchive_token_apply_and_other_bots_rules_do_not(srv):
    srv.route("/a", Reply(body=b"a"))
    srv.route("/b", Reply(body=b"b"))
    srv.route(
        "/robots.txt",
        Reply.robots(
            "User-agent: OtherBot\nDisallow: /b\n\nUser-agent: ficarchive\nDisallow: /a\n"
        ),
    )
    with client(srv) as c:
        with pytest.raises(RobotsDisallowed):
            c.get(srv.url("/a"))
        assert c.get(srv.url("/b")).status == 200
    assert "/a" not in srv.paths()


def test_a_ficarchive_group_beats_the_star_group(srv):
    srv.route(
        "/robots.txt",
        Reply.robots("User-agent: *\nDisallow: /\n\nUser-agent: ficarchive\nAllow: /\n"),
    )
    with client(srv) as c:
        assert c.get(srv.url("/p")).status == 200


def test_respect_robots_false_never_asks_for_robots_txt(srv):
    srv.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /\n"))
    with make_client(srv.base_url, respect_robots=False) as c:
        assert c.get(srv.url("/p")).status == 200
    assert srv.paths() == ["/p"]


def test_same_host_robots_redirect_is_followed(srv):
    srv.route("/robots.txt", Reply.redirect("/real-robots.txt", 301))
    srv.route("/real-robots.txt", Reply.robots("User-agent: *\nDisallow: /q\n"))
    with client(srv) as c:
        assert c.get(srv.url("/p")).status == 200
        with pytest.raises(RobotsDisallowed):
            c.get(srv.url("/q"))
    assert srv.paths() == ["/robots.txt", "/real-robots.txt", "/p"]


def test_robots_redirect_off_the_host_disallows_all_and_is_not_followed(srv):
    with ScriptedServer() as other:
        other.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        srv.route("/robots.txt", Reply.redirect(other.url("/robots.txt")))
        with client(srv) as c, pytest.raises(RobotsDisallowed, match="off the host"):
            c.get(srv.url("/p"))
        assert other.log == []
    assert srv.paths() == ["/robots.txt"]


def test_robots_is_asked_for_with_the_ficarchive_user_agent(srv):
    srv.route("/robots.txt", Reply(404))
    with client(srv) as c:
        c.get(srv.url("/p"))
    assert srv.requests("/robots.txt")[0].headers["user-agent"].startswith("ficarchive/")


# --- units -----------------------------------------------------------------------------


def test_rules_from_2xx_parse_the_file():
    rules = rules_from_response("h", 200, b"User-agent: *\nDisallow: /x\nCrawl-delay: 4\n")
    assert not rules.disallow_all and rules.reason == ""
    assert not rules.allowed("http://h/x/1")
    assert rules.allowed("http://h/y")
    assert rules.crawl_delay == 4.0
    assert rules.fresh


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 429])
def test_rules_from_4xx_allow_all(status):
    rules = rules_from_response("h", status, b"")
    assert rules.allowed("http://h/anything") and not rules.disallow_all
    assert str(status) in rules.reason and "allowing all" in rules.reason
    assert rules.crawl_delay is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_rules_from_5xx_disallow_all(status):
    rules = rules_from_response("h", status, b"User-agent: *\nAllow: /\n")
    assert not rules.allowed("http://h/") and rules.disallow_all
    assert str(status) in rules.reason and "disallowing all" in rules.reason


def test_rules_from_no_answer_disallow_all():
    rules = rules_from_response("h", None, None)
    assert rules.disallow_all and not rules.allowed("http://h/")
    assert "unreachable" in rules.reason


def test_rules_from_an_empty_2xx_allow_all():
    rules = rules_from_response("h", 200, b"")
    assert rules.allowed("http://h/anything")


def test_rules_from_undecodable_bytes_do_not_raise():
    rules = rules_from_response("h", 200, b"\xff\xfeUser-agent: *\nDisallow: /\x80\n")
    assert rules.allowed("http://h/ok")


def test_user_agent_names_product_version_and_contact():
    assert user_agent("me@example.org") == f"{AGENT_TOKEN}/{__version__} (+me@example.org)"
    assert user_agent("  ") == f"{AGENT_TOKEN}/{__version__} (+no contact configured)"


def test_robots_rules_are_fetched_again_once_older_than_24_hours(srv):
    srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
    with client(srv) as c:
        c.get(srv.url("/p"))
        c.robots[srv.host].fetched_at -= CACHE_SECONDS - 60  # 23 h 59 min old: still fresh
        c.get(srv.url("/q"))
        assert srv.paths().count("/robots.txt") == 1
        c.robots[srv.host].fetched_at -= 120  # now more than 24 h old
        c.get(srv.url("/p"))
    assert srv.paths() == ["/robots.txt", "/p", "/q", "/robots.txt", "/p"]
    assert CACHE_SECONDS == 24 * 3600


def test_a_smaller_crawl_delay_does_not_shorten_the_configured_delay(srv):
    srv.route("/robots.txt", Reply.robots("User-agent: *\nCrawl-delay: 0.01\n"))
    with client(srv, delay_seconds=0.2, jitter=0.0) as c:
        for path in ("/p", "/q", "/p"):
            c.get(srv.url(path))
    assert all(g >= 0.2 for g in gaps(srv.log)), gaps(srv.log)


def test_ao3s_real_robots_txt_as_ficarchive_reads_it():
    body = shared_fixture("robots/ao3_robots.txt").read_bytes()
    rules = rules_from_response("archiveofourown.org", 200, body)
    base = "https://archiveofourown.org"
    for path in (
        "/works/41822007?view_full_work=true",
        "/works/41822007?view_full_work=true&view_adult=true",  # only Googlebot's group bans it
        "/tags/Sherlock%20Holmes/works?page=2",
        "/users/someone/works",
        "/users/someone/bookmarks",
        "/series/3196530",
        "/collections/SomeFest/works",
    ):
        assert rules.allowed(base + path), path
    for path in ("/works?page=2", "/works/search?work_search[query]=x", "/downloads/1/a.epub"):
        assert not rules.allowed(base + path), path
    assert rules.crawl_delay is None  # Slurp's Crawl-delay: 30 is not ours


@pytest.mark.parametrize(
    ("written", "asked", "kept"),
    [("4", 4.0, 4.0), ("1e12", 1e12, 24 * 3600.0), ("inf", None, None), ("-3", None, None)],
)
def test_a_crawl_delay_is_kept_within_a_day_and_what_was_asked_is_remembered(written, asked, kept):
    rules = rules_from_response("h", 200, f"User-agent: *\nCrawl-delay: {written}\n".encode())
    assert rules.asked_crawl_delay == asked
    assert rules.crawl_delay == kept
    assert kept is None or kept <= MAX_CRAWL_DELAY


def test_rules_from_no_answer_say_why_when_told():
    rules = rules_from_response("h", None, None, "no whole answer within the 60 s deadline")
    assert rules.disallow_all
    assert rules.reason == (
        "robots.txt unreachable (no whole answer within the 60 s deadline): disallowing all"
    )
