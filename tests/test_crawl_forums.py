"""Whole crawls of forum fiction (XenForo) and Royal Road through the archive's front door,
against loopback servers shaped like each site, through the real adapters: what a first
crawl, an unchanged re-crawl, an update and a new chapter cost, counted by the server.

The sample sites (search_cli.demo.forum) hold our own text; the last tests serve the
real saved pages of ../shared/fixtures from a scripted server in the sites' own URL shapes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.config import Config, parse_config
from index.archive import Archive
from index.reports import Report
from search_cli.demo.forum import FORUM_SITE, FORUM_START, ROYALROAD_START
from search_cli.demo.forum import xenforo_pages as xf
from search_cli.demo.forum.server import forum_server, royalroad_server
from search_cli.demo.forum.stories import (
    CLOCKWORK_ORCHARD,
    TIDE_CLOCK,
    ForumPost,
    ForumThread,
    with_epilogue,
    with_new_chapter,
)
from tests.conftest import shared_fixture
from tests.servers import Reply, ScriptedServer, clear_proxies

READER = "/threads/the-tide-clock-at-whitby.4242/reader/"
FICTION = "/fiction/9001/the-clockwork-orchard"
CHAPTERS = [
    f"{FICTION}/chapter/70001/chapter-1-the-inheritance",
    f"{FICTION}/chapter/70002/chapter-2-the-key-under-the-roots",
    f"{FICTION}/chapter/70003/chapter-3-the-night-gardener",
]


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def config(tmp: Path, sites: dict[str, dict[str, Any]], sources: list[dict]) -> Config:
    return parse_config(
        {
            "archive": {"path": str(tmp / "archive"), "contact": "tests@example.org"},
            "politeness": {"delay_seconds": 0.01, "jitter": 0.0, "max_retries": 1},
            "sites": sites,
            "sources": sources,
        }
    )


def forum_config(tmp: Path, base_url: str, start: str = FORUM_START) -> Config:
    sites = {FORUM_SITE: {"adapter": "xenforo", "base_url": base_url}}
    return config(tmp, sites, [{"name": "forum", "site": FORUM_SITE, "start": [start]}])


def road_config(tmp: Path, base_url: str, start: str = ROYALROAD_START) -> Config:
    sites = {"royalroad": {"base_url": base_url}}
    return config(tmp, sites, [{"name": "road", "site": "royalroad", "start": [start]}])


def crawl(cfg: Config) -> Report:
    with Archive(cfg) as archive:
        return archive.crawl(cfg.sources)


def results(report: Report) -> list[tuple[str, str]]:
    return [(o.id, o.result) for o in report.outcomes]


# --- a forum story: threadmarks index, then reader mode -------------------------------------------


def test_a_forum_story_costs_its_index_and_reader_pages_and_unchanged_costs_one_request(tmp_path):
    with forum_server() as forum:
        cfg = forum_config(tmp_path, forum.base_url)
        work_id = f"xf:{forum.base_url.removeprefix('http://')}:4242"
        first = crawl(cfg)
        assert results(first) == [(work_id, "new")]
        # 11 threadmarks, ten a reader page: the index and two reader pages, nothing else
        assert forum.paths() == ["/robots.txt", FORUM_START, READER, f"{READER}page-2"]
        assert first.requests == 4
        forum.clear_log()
        again = crawl(cfg)
        assert results(again) == [(work_id, "unchanged")]
        assert forum.paths() == ["/robots.txt", FORUM_START]  # the index said: no change
        assert again.requests == 2
        with Archive(cfg) as archive:
            work = archive.get_work(work_id)
    assert work is not None
    m = work.meta
    assert (m.title, m.authors, m.fandoms) == ("The Tide-Clock at Whitby", ["tidewright"],
                                               ["Sherlock Holmes"])  # fmt: skip
    assert (m.status, m.chapters_total, m.tags) == ("complete", 11,
                                                    ["case fic", "victorian", "whitby"])  # fmt: skip
    assert (m.published, m.updated) == ("2024-05-01", "2024-05-30")
    assert work.summary.startswith("A clock that keeps the tides")
    assert [c.title for c in work.chapters][:2] == ["1. A Letter Smelling of Brine",
                                                    "2. The Night Train North"]  # fmt: skip
    text = "\n".join(c.text for c in work.chapters)
    assert "Watched! Whitby in the fog" not in text  # a reader's reply is not story
    assert "Share" not in text.split() and "Reactions" not in text
    one, two, three, four = work.chapters[:4]
    assert [(n.kind, n.position) for n in one.notes] == [("author_note", "after")]
    assert [b.type for b in two.blocks] == ["paragraph", "scene_break", "paragraph"]
    assert ("quote", "It has kept the tides for forty years, sir, and this week it is an hour "
            "out.") in [(b.type, b.text) for b in three.blocks]  # fmt: skip
    assert "Spoiler: What Holmes found in the margin" in [b.text for b in four.blocks]


def test_a_new_threadmark_is_fetched_and_an_unchanged_update_costs_one_request(tmp_path):
    with forum_server() as forum:
        cfg = forum_config(tmp_path, forum.base_url)
        crawl(cfg)
        forum.site.update_thread(with_epilogue(TIDE_CLOCK))
        forum.clear_log()
        report = crawl(cfg)
        (outcome,) = report.outcomes
        assert outcome.result == "updated"
        assert forum.paths() == ["/robots.txt", FORUM_START, READER, f"{READER}page-2"]
        forum.clear_log()
        with Archive(cfg) as archive:
            work = archive.get_work(outcome.id)
            assert [c.title for c in work.chapters][-1] == "Epilogue: The Clock Keeps Time"
            assert len(work.chapters) == 12
            update = archive.update(archive.work_ids())
    assert [(o.result, o.reason) for o in update.outcomes] == [
        ("unchanged", "its first page shows no change")
    ]
    assert forum.paths() == ["/robots.txt", "/threads/4242/threadmarks"]


def test_a_members_only_thread_is_reported_and_never_logged_into(tmp_path):
    with forum_server() as forum:
        report = crawl(forum_config(tmp_path, forum.base_url, "/threads/4343/threadmarks"))
        assert forum.paths() == ["/robots.txt", "/threads/4343/threadmarks"]
    (outcome,) = report.outcomes
    assert outcome.result == "locked" and "registered users only" in outcome.reason
    with Archive(forum_config(tmp_path, "http://127.0.0.1:1")) as archive:
        assert archive.work_ids() == []


def test_add_takes_thread_reader_and_post_urls_as_one_story(tmp_path):
    with forum_server() as forum:
        cfg = forum_config(tmp_path, forum.base_url)
        with Archive(cfg) as archive:
            first = archive.add([forum.base_url + f"{READER}page-2"])
            forum.clear_log()
            second = archive.add(
                [forum.base_url + "/threads/the-tide-clock-at-whitby.4242/post-900107"]
            )
            again = forum.paths()
            assert len(archive.work_ids()) == 1
    assert [o.result for o in first.outcomes] == ["new"]
    assert [o.id for o in second.outcomes] == [o.id for o in first.outcomes]
    assert [o.result for o in second.outcomes] == ["unchanged"]
    assert again == ["/threads/4242/threadmarks"]  # one request: the index said no change


# --- Royal Road: the fiction page, then its chapters ----------------------------------------------


def test_a_fiction_costs_its_page_and_chapters_and_unchanged_costs_one_request(tmp_path):
    with royalroad_server() as road:
        cfg = road_config(tmp_path, road.base_url)
        first = crawl(cfg)
        assert results(first) == [("rr:9001", "new")]
        assert road.paths() == ["/robots.txt", "/fiction/9001", *CHAPTERS]
        road.clear_log()
        assert results(crawl(cfg)) == [("rr:9001", "unchanged")]
        assert road.paths() == ["/robots.txt", "/fiction/9001"]
        road.site.update_fiction(with_new_chapter(CLOCKWORK_ORCHARD))
        road.clear_log()
        assert results(crawl(cfg)) == [("rr:9001", "updated")]
        fourth = f"{FICTION}/chapter/70004/chapter-4-the-first-apple"
        assert road.paths() == ["/robots.txt", "/fiction/9001", *CHAPTERS, fourth]
        with Archive(cfg) as archive:
            work = archive.get_work("rr:9001")
    assert work is not None
    assert (work.meta.title, work.meta.authors, work.meta.status) == (
        "The Clockwork Orchard", ["Marrow Quill"], "in_progress",
    )  # fmt: skip
    assert [c.title for c in work.chapters][-1] == "Chapter 4 - The First Apple"
    text = "\n".join(c.text for c in work.chapters)
    assert "a copy elsewhere is not the author's" not in text  # the hidden line, every chapter
    assert [(n.position, n.text) for n in work.chapters[0].notes] == [
        ("before", "Hello and welcome! New chapters every Monday.")
    ]
    assert [n.position for n in work.chapters[1].notes] == ["after"]


def test_a_deleted_fiction_is_gone_and_its_copy_kept(tmp_path):
    with royalroad_server() as road:
        cfg = road_config(tmp_path, road.base_url)
        crawl(cfg)
        road.site.delete(9001)
        report = crawl(cfg)
        with Archive(cfg) as archive:
            kept = archive.get_work("rr:9001")
    assert results(report) == [("rr:9001", "gone")]
    assert kept is not None and len(kept.chapters) == 3


# --- the real saved pages, served in the sites' own URL shapes ------------------------------------

GREAT = "/fiction/555/great-story"


def test_the_real_royal_road_pages_crawled(tmp_path):
    fiction = shared_fixture("royalroad/rr_fiction_page_2020_layout_ANONYMIZED.html").read_bytes()
    one = shared_fixture("royalroad/rr_chapter_page_ANONYMIZED.html").read_bytes()
    two = shared_fixture("royalroad/rr_chapter_page_reborn_as_a_demonic_rock_ch1_PARTIAL.html")
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /account/\n"))
        srv.route("/fiction/555", Reply(200, {"Content-Type": "text/html"}, fiction))
        srv.route(f"{GREAT}/chapter/771/chapter-one", Reply(200, body=one))
        srv.route(f"{GREAT}/chapter/772/chapter-two", Reply(200, body=two.read_bytes()))
        cfg = road_config(tmp_path, srv.base_url, GREAT)
        first = crawl(cfg)
        assert srv.paths() == ["/robots.txt", "/fiction/555", f"{GREAT}/chapter/771/chapter-one",
                               f"{GREAT}/chapter/772/chapter-two"]  # fmt: skip
        again = crawl(cfg)
        assert srv.paths()[4:] == ["/robots.txt", "/fiction/555"]
        with Archive(cfg) as archive:
            work = archive.get_work("rr:555")
    assert results(first) == [("rr:555", "new")] and results(again) == [("rr:555", "unchanged")]
    assert [c.title for c in work.chapters] == ["Chapter One", "Chapter Two"]
    assert work.chapters[0].text == "Chapter One content"
    assert [n.text for n in work.chapters[0].notes] == ["Author note top", "Author note bottom"]
    assert "stolen" not in work.chapters[1].text
    assert work.chapters[1].text.endswith("[Your story shall continue as... as a rock!]")


def _our_reader_pages() -> dict[int, bytes]:
    """Reader pages 2-9 of SpaceBattles' thread 555, with our own posts: the saved page 1
    holds 3 of its 81 threadmarks (the page was anonymised), these the other 78."""
    posts = tuple(
        ForumPost(post_id=600 + n, author="User 1", day=f"2019-0{1 + n % 9}-1{n % 10}",
                  label=f"Interlude {n}",
                  paragraphs=(f"Our own stand-in text for threadmark {n}: the lamps were lit.",))
        for n in range(4, 82)
    )  # fmt: skip
    thread = ForumThread(thread_id=555, slug="my-great-story", title="My Great Story", prefix="",
                         starter="User 1", forum=("Worm", 115), tags=(), summary="", posts=posts)  # fmt: skip
    return {
        number: xf.reader_page_of(
            thread, posts[(number - 2) * 10 : (number - 1) * 10], number, 9
        ).encode()
        for number in range(2, 10)
    }


def real_forum(srv: ScriptedServer, pages: dict[int, bytes]) -> None:
    index = shared_fixture("xenforo/sb_xf2_threadmarks_index_ANONYMIZED.html").read_bytes()
    reader = shared_fixture("xenforo/sb_xf2_reader_mode_page1_ANONYMIZED.html").read_bytes()
    srv.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /search/\n"))
    srv.route("/threads/555/threadmarks", Reply(200, body=index))
    srv.route("/threads/my-great-story.555/reader/", Reply(200, body=reader))
    for number, body in pages.items():
        srv.route(f"/threads/my-great-story.555/reader/page-{number}", Reply(200, body=body))


def test_the_real_spacebattles_index_and_reader_page_crawled(tmp_path):
    with ScriptedServer() as srv:
        real_forum(srv, _our_reader_pages())
        cfg = forum_config(tmp_path, srv.base_url, "/threads/555/threadmarks")
        first = crawl(cfg)
        reader = "/threads/my-great-story.555/reader/"
        assert srv.paths() == ["/robots.txt", "/threads/555/threadmarks", reader] + [
            f"{reader}page-{n}" for n in range(2, 10)
        ]
        assert first.requests == 11  # 81 threadmarks in 9 reader pages, plus index and robots
        again = crawl(cfg)
        assert srv.paths()[11:] == ["/robots.txt", "/threads/555/threadmarks"]
        with Archive(cfg) as archive:
            (work_id,) = archive.work_ids()
            work = archive.get_work(work_id)
    assert [o.result for o in first.outcomes + again.outcomes] == ["new", "unchanged"]
    assert (work.meta.title, work.meta.authors, work.meta.fandoms) == ("My Great Story",
                                                                      ["User 1"], ["Worm"])  # fmt: skip
    assert work.meta.words_upstream == 150_000  # "Statistics (81 threadmarks, 150k words)"
    assert len(work.chapters) == 81
    assert [c.title for c in work.chapters[:4]] == [
        "threadmark description 771", "1 Threadmark 1", "2 Threadmark 2", "Interlude 4",
    ]  # fmt: skip
    assert work.chapters[0].text == "post 1 content"


def test_a_reader_page_that_fails_leaves_nothing_stored(tmp_path):
    pages = _our_reader_pages()
    del pages[9]
    with ScriptedServer() as srv:
        real_forum(srv, pages)
        report = crawl(forum_config(tmp_path, srv.base_url, "/threads/555/threadmarks"))
        assert len(srv.paths()) == 11  # every page was asked for once
        with Archive(forum_config(tmp_path, srv.base_url)) as archive:
            assert archive.work_ids() == []
    (outcome,) = report.outcomes
    assert outcome.result == "failed" and "HTTP 404" in outcome.reason
