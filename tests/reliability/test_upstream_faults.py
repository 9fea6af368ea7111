"""Upstream misbehaves: a stored work is never replaced by a damaged page, and a work that
goes away or behind a login keeps its stored copy.

Each case serves a real AO3-shaped page from a loopback server, first as it should be,
then damaged, and runs the real pipeline over HTTP twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from crawler.config import parse_config
from index.archive import Archive
from index.store import Store
from search_cli.demo import ao3_markup, sample_works
from tests.reliability.harness import (
    expected_works,
    ficarchive,
    problems,
    snapshot,
    with_new_chapter,
)
from tests.servers import Reply, ScriptedServer

WORK = sample_works.LIGHTHOUSE
WORK_ID = f"ao3:{WORK.work_id}"
PATH = f"/works/{WORK.work_id}"
UTF8 = {"Content-Type": "text/html; charset=utf-8"}
# The kudos heart is the one character of the page outside Windows-1252.
PAGE = ao3_markup.work_page(WORK, None).replace("♥", "&#9829;")
GOOD = PAGE.encode("utf-8")
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='cf-chl-widget'>Checking your browser before accessing the site.</div>"
    b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>"
)


def storyless(page: str) -> bytes:
    """The same work page with every chapter's text emptied: a page with no story in it."""
    doc = BeautifulSoup(page, "lxml")
    for body in doc.select("div#chapters div.userstuff"):
        body.clear()
        body.append(doc.new_tag("p"))
    return str(doc).encode("utf-8")


def archiver(base_url: str, root: Path) -> tuple[Archive, Store]:
    config = parse_config(
        {
            "archive": {"path": str(root / "archive")},
            "politeness": {"delay_seconds": 0, "max_retries": 1, "backoff_base_seconds": 0.01},
            "sites": {"ao3": {"base_url": base_url, "delay_seconds": 0}},
        },
        root / "config.toml",
    )
    archive = Archive(config)
    return archive, archive.store


def fetch_twice(tmp_path: Path, first: Reply, second: Reply):
    """Fetch the work once as `first`, once as `second`; the outcomes and what is stored."""
    with ScriptedServer() as srv:
        srv.route(PATH, first, second)
        arch, store = archiver(srv.base_url, tmp_path)
        try:
            one = arch.add([srv.url(PATH)]).outcomes[0]
            kept = store.get_work(WORK_ID)
            pages = len(store.raw_pages(WORK_ID))
            two = arch.add([srv.url(PATH)]).outcomes[0]
            return one, kept, pages, two, store.get_work(WORK_ID), len(store.raw_pages(WORK_ID))
        finally:
            arch.close()
            store.close()


def same_text(a, b) -> bool:
    return (a.title, a.summary, a.notes, a.chapters) == (b.title, b.summary, b.notes, b.chapters)


DAMAGED = {
    "cut at 60%": Reply(200, UTF8, GOOD[: len(GOOD) * 6 // 10]),
    "cut at 95%": Reply(200, UTF8, GOOD[: len(GOOD) * 95 // 100]),
    "cut by a reset connection": Reply(200, UTF8, GOOD, reset_mid_body=True),
    "Windows-1252 labelled UTF-8": Reply(200, UTF8, PAGE.encode("cp1252")),
    "UTF-16 labelled UTF-8": Reply(200, UTF8, PAGE.encode("utf-16")),
    "Cloudflare 403": Reply(403, {"Content-Type": "text/html"}, CHALLENGE),
    "Cloudflare 503": Reply(503, {"Content-Type": "text/html"}, CHALLENGE),
    "Cloudflare 200": Reply(
        200, {"Content-Type": "text/html", "cf-mitigated": "challenge"}, CHALLENGE
    ),
    "challenge without a header": Reply(200, {"Content-Type": "text/html"}, CHALLENGE),
    "server error": Reply(500, UTF8, ao3_markup.error_page(500, "Internal Server Error").encode()),
    "empty 200": Reply(200, UTF8, b""),
    "a page with no story": Reply(200, UTF8, storyless(PAGE)),
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_page_never_replaces_the_stored_text(tmp_path, damage):
    one, kept, pages, two, after, pages_after = fetch_twice(
        tmp_path, Reply(200, UTF8, GOOD), damage
    )
    assert one.result == "new" and kept.chapters and kept.words > 500
    assert two.result == "failed", two
    assert same_text(after, kept)
    assert after.meta.status == kept.meta.status != "gone"
    assert pages_after == pages  # the damaged page is not kept as the work's raw page


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_page_is_never_stored_as_a_new_work(tmp_path, damage):
    one, kept, *_ = fetch_twice(tmp_path, damage, damage)
    assert one.result == "failed", one
    assert kept is None


def without_stats(page: str) -> bytes:
    doc = BeautifulSoup(page, "lxml")
    doc.select_one("dl.stats").decompose()
    return str(doc).encode("utf-8")


def test_a_work_page_without_its_stats_block_is_no_traceback(tmp_path):
    reply = Reply(200, UTF8, without_stats(PAGE))
    one, kept, _, two, after, _ = fetch_twice(tmp_path, Reply(200, UTF8, GOOD), reply)
    assert two.result in ("failed", "updated", "unchanged")
    assert same_text(after, kept)


HONEST = {
    "the header says Latin-1, the page says UTF-8": Reply(
        200, {"Content-Type": "text/html; charset=iso-8859-1"}, GOOD
    ),
    "the header says UTF-16, the page says UTF-8": Reply(
        200, {"Content-Type": "text/html; charset=utf-16"}, GOOD
    ),
    "Windows-1252, declared": Reply(
        200,
        {"Content-Type": "text/html; charset=windows-1252"},
        PAGE.replace('<meta charset="utf-8" />', '<meta charset="windows-1252" />').encode(
            "cp1252"
        ),
    ),
}


@pytest.mark.parametrize("reply", HONEST.values(), ids=HONEST.keys())
def test_a_page_that_decodes_right_is_not_refused(tmp_path, reply):
    """The guard refuses damage, not every oddity: the same text, decoded right, is kept."""
    one, kept, _, two, after, _ = fetch_twice(tmp_path, Reply(200, UTF8, GOOD), reply)
    assert two.result in ("unchanged", "updated"), two
    assert same_text(after, kept)


GONE_OR_LOCKED = {
    "404": (Reply(404, UTF8, ao3_markup.not_found_page().encode()), "gone"),
    "410": (Reply(410, UTF8, b"<html><body>Gone</body></html>"), "gone"),
    "deleted-work page with 200": (Reply(200, UTF8, ao3_markup.not_found_page().encode()), "gone"),
    "login page with 200": (Reply(200, UTF8, ao3_markup.login_page(PATH).encode()), "locked"),
    "redirect to the login page": (Reply.redirect(f"/users/login?return_to={PATH}"), "locked"),
}


@pytest.mark.parametrize("reply,result", GONE_OR_LOCKED.values(), ids=GONE_OR_LOCKED.keys())
def test_gone_or_locked_upstream_keeps_the_stored_copy(tmp_path, reply, result):
    with ScriptedServer() as srv:
        srv.route(PATH, Reply(200, UTF8, GOOD), reply, Reply(200, UTF8, GOOD))
        srv.route("/users/login", Reply(200, UTF8, ao3_markup.login_page(PATH).encode()))
        arch, store = archiver(srv.base_url, tmp_path)
        try:
            arch.add([srv.url(PATH)])
            kept = store.get_work(WORK_ID)
            outcome = arch.add([srv.url(PATH)]).outcomes[0]
            assert outcome.result == result and "stored copy is kept" in outcome.reason
            after = store.get_work(WORK_ID)
            assert same_text(after, kept)
            row = store.work_state(WORK_ID)
            if result == "gone":
                assert after.meta.status == "gone" and row.gone_at
            else:
                assert row.locked and not row.gone_at
            # back upstream: the marks go, the text stays
            assert arch.add([srv.url(PATH)]).outcomes[0].result == "unchanged"
            row = store.work_state(WORK_ID)
            assert not row.gone_at and not row.locked
        finally:
            arch.close()
            store.close()


def test_a_work_fails_damaged_then_updates_when_the_page_is_whole_again(tmp_path):
    newer = ao3_markup.work_page(with_new_chapter(WORK, 1), None).encode()
    with ScriptedServer() as srv:
        srv.route(
            PATH,
            Reply(200, UTF8, GOOD),
            Reply(200, UTF8, newer[: len(newer) // 2]),
            Reply(200, UTF8, newer),
        )
        arch, store = archiver(srv.base_url, tmp_path)
        try:
            results = [arch.add([srv.url(PATH)]).outcomes[0].result for _ in range(3)]
            assert results == ["new", "failed", "updated"]
            assert len(store.get_work(WORK_ID).chapters) == len(WORK.chapters) + 1
        finally:
            arch.close()
            store.close()


def test_deleted_410_and_locked_works_through_the_cli(crawled):
    """The sample archive loses three works; `update --all --one-by-one` marks them and
    keeps every word."""
    server, config, archive = crawled
    deleted, vanished, locked = [w for w in sample_works.WORKS if w.state == "ok"][:3]

    def show(work) -> dict:
        return ficarchive("--config", str(config), "show", f"ao3:{work.work_id}", "--json").json()

    before = {w.work_id: show(w) for w in (deleted, vanished, locked)}
    server.delete(deleted.work_id)
    server.fail_next(410, path=f"/works/{vanished.work_id}")
    server.lock(locked.work_id)
    # --one-by-one: a 410 only the work's own page gives is not on any listing
    run = ficarchive("--config", str(config), "update", "--all", "--one-by-one", "--json")
    assert run.code == 0, run.err
    results = {w["id"]: w["result"] for w in run.json()["works"]}
    assert results[f"ao3:{deleted.work_id}"] == results[f"ao3:{vanished.work_id}"] == "gone"
    assert results[f"ao3:{locked.work_id}"] == "locked"
    for work in (deleted, vanished, locked):
        now = show(work)
        assert now["chapters"] == before[work.work_id]["chapters"]
        assert (now["status"] == "gone") is (work is not locked)
    gone = ficarchive("--config", str(config), "search", "status:gone", "--json").json_lines()
    assert {h["id"] for h in gone} == {f"ao3:{deleted.work_id}", f"ao3:{vanished.work_id}"}
    snap = snapshot(archive)
    assert snap.gone == {f"ao3:{deleted.work_id}", f"ao3:{vanished.work_id}"}
    assert snap.locked == {f"ao3:{locked.work_id}"}
    # nothing lost: every work ever stored is still there, in the index too
    assert problems(snap, expected_works(sample_works.WORKS)) == []
