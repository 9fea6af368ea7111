"""search_cli/demo/server.py and archive.py: the server's life, and the state tests change.

Conditional GETs, the request log, injected failures, works changed, deleted or
locked while serving, pages cut short; starting and stopping the server.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import httpx
import pytest

from search_cli.demo.sample_works import WORKS, SampleChapter
from search_cli.demo.server import SampleArchiveServer
from tests.demo_pages import LISTING, listed_ids, soup


@pytest.fixture(scope="module")
def server() -> Iterator[SampleArchiveServer]:
    with SampleArchiveServer() as srv:
        yield srv


@pytest.fixture
def srv(server: SampleArchiveServer) -> Iterator[SampleArchiveServer]:
    """The shared server, reset to the pristine archive around each test."""
    server.reset()
    server.clear_log()
    yield server
    server.reset()


@pytest.fixture
def client(srv: SampleArchiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.base_url, timeout=10) as c:
        yield c


def test_conditional_get(client: httpx.Client) -> None:
    path = f"/works/{WORKS[0].work_id}?view_full_work=true"
    r = client.get(path)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert modified == "Sat, 16 Mar 2024 00:00:00 GMT"
    assert client.get(path).headers["etag"] == etag, "the ETag must be stable"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    old = "Fri, 01 Mar 2024 00:00:00 GMT"
    assert client.get(path, headers={"If-Modified-Since": old}).status_code == 200
    stale = client.get(path, headers={"If-None-Match": '"nope"', "If-Modified-Since": modified})
    assert stale.status_code == 200, "If-None-Match wins over If-Modified-Since"
    listing = client.get(LISTING)
    assert (
        client.get(LISTING, headers={"If-None-Match": listing.headers["etag"]}).status_code == 304
    )


def test_request_log(srv: SampleArchiveServer, client: httpx.Client) -> None:
    client.get("/robots.txt")
    client.get(f"{LISTING}?page=2", headers={"User-Agent": "ficarchive-test"})
    log = srv.requests
    assert [r.path for r in log] == ["/robots.txt", f"{LISTING}?page=2"]
    assert log[1].method == "GET" and log[1].headers["user-agent"] == "ficarchive-test"
    assert log[0].time <= log[1].time
    srv.clear_log()
    assert srv.requests == []


def test_failures_can_be_injected(srv: SampleArchiveServer, client: httpx.Client) -> None:
    srv.fail_next(429, {"Retry-After": "7"})
    r = client.get("/robots.txt")
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert client.get("/robots.txt").status_code == 200
    srv.fail_next(503, path="/works/")
    assert client.get(LISTING).status_code == 200
    assert client.get(f"/works/{WORKS[0].work_id}").status_code == 503
    assert client.get(f"/works/{WORKS[0].work_id}").status_code == 200


def test_works_can_change_while_serving(srv: SampleArchiveServer, client: httpx.Client) -> None:
    wip = next(w for w in WORKS if w.chapters_label == "2/?")
    before = client.get(f"/works/{wip.work_id}?view_full_work=true")
    third = SampleChapter(title="The Third Day", paragraphs=("The rain stopped at last.",))
    srv.update_work(
        wip.work_id,
        dataclasses.replace(wip, chapters=(*wip.chapters, third), updated="2024-04-02"),
    )
    after = client.get(
        f"/works/{wip.work_id}?view_full_work=true",
        headers={"If-None-Match": before.headers["etag"]},
    )
    assert after.status_code == 200 and "The rain stopped at last." in after.text
    assert after.headers["last-modified"] == "Tue, 02 Apr 2024 00:00:00 GMT"
    first = soup(client.get(LISTING).text).select("li.work.blurb")[0]
    assert first["id"] == f"work_{wip.work_id}"
    assert first.select_one("p.datetime").get_text() == "02 Apr 2024"
    assert first.select_one("dd.chapters").get_text() == "3/?"

    victim, locked = WORKS[0], WORKS[1]
    srv.delete(victim.work_id)
    srv.lock(locked.work_id)
    assert client.get(f"/works/{victim.work_id}").status_code == 404
    assert client.get(f"/works/{locked.work_id}").status_code == 302
    assert victim.work_id in listed_ids(
        client.get(LISTING).text + client.get(f"{LISTING}?page=2").text
    )
    srv.reset()
    assert client.get(f"/works/{victim.work_id}").status_code == 200


def test_a_page_can_be_cut_off_once(srv: SampleArchiveServer, client: httpx.Client) -> None:
    path = f"/works/{WORKS[0].work_id}?view_full_work=true"
    whole = client.get(path).content
    srv.truncate_next(f"/works/{WORKS[0].work_id}?")
    cut = client.get(path)
    assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]
    assert b"</html>" not in cut.content
    assert client.get(path).content == whole


def test_server_lifecycle() -> None:
    srv = SampleArchiveServer()
    with pytest.raises(RuntimeError):
        _ = srv.base_url
    srv.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", srv.base_url)
        assert httpx.get(srv.url("/robots.txt")).status_code == 200
    finally:
        srv.stop()
    srv.stop()  # idempotent
