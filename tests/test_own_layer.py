"""The reader's own layer (index/mine.py, index/ownquery.py): reading marks with
`dropped`, private tags, and the notes of the reader's AO3 bookmarks, crawled from
the sample archive on 127.0.0.1; read:/mine: searches; all of it kept through
`update`, a re-crawl and `index --rebuild`."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.errors import QueryError, UsageError
from index.archive import Archive
from index.search import SearchRequest
from index.store import Store
from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.generated import revised
from search_cli.demo.server import SampleArchiveServer
from tests.serve_library import FERRY, GONE, HOSTILE, LOCKED, NASTY, build_archive
from tests.servers import clear_proxies
from tests.test_crawler_crawl import config
from tests.test_sites_ao3 import _listing_of

BOOKMARKS = "/users/marginalia/bookmarks"
IRENE = f"ao3:{sample_works.IRENE.work_id}"
LIGHTHOUSE = f"ao3:{sample_works.LIGHTHOUSE.work_id}"
SNOWSTORM = f"ao3:{sample_works.SNOWSTORM.work_id}"
EVERY = [FERRY, HOSTILE, GONE, LOCKED, NASTY]


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def archive(tmp_path):
    with Archive(build_archive(tmp_path)) as a:
        yield a


def found(archive: Archive, query: str = "", **filters: str) -> list[str]:
    request = SearchRequest(query, {k: [v] for k, v in filters.items()}, limit=100)
    return sorted(h.id for h in archive.search(request).hits)


# --- read: finds exactly what the marks say -------------------------------------------


def test_read_no_is_exactly_the_works_not_marked_read(archive):
    assert found(archive, "read:no") == sorted(EVERY)  # nothing marked yet
    assert found(archive, "read:yes") == []
    archive.marks.set_mark(FERRY, "read")
    archive.marks.set_mark(GONE, "dropped")
    archive.marks.set_mark(LOCKED, "reading")
    archive.marks.set_mark(NASTY, "to-read")
    assert found(archive, "read:no") == sorted({*EVERY} - {FERRY})
    assert found(archive, "", read="no") == found(archive, "read:no")
    assert found(archive, "read:yes") == found(archive, "read:read") == [FERRY]
    assert found(archive, "read:dropped") == [GONE]
    assert found(archive, "read:reading") == [LOCKED]
    assert found(archive, "read:to-read") == [NASTY]
    assert found(archive, "read:unmarked") == [HOSTILE]
    # with words: the word's works less the read ones, and NOT read:no is read:yes
    harbour = found(archive, "harbour")
    assert FERRY in harbour
    assert found(archive, "harbour read:no") == sorted(set(harbour) - {FERRY})
    assert found(archive, "-read:no") == [FERRY]
    archive.marks.set_mark(FERRY, None)  # marks change without reindexing
    assert found(archive, "read:yes") == []
    assert found(archive, "-read:yes") == sorted(EVERY)


def test_a_read_value_that_is_not_one_is_a_query_error(archive):
    with pytest.raises(QueryError, match="not one of"):
        found(archive, "read:maybe")
    with pytest.raises(QueryError, match="not one of"):
        found(archive, 'read:"maybe"')


# --- private tags -------------------------------------------------------------------------


def test_private_tags_are_added_removed_and_found_by_their_key(archive):
    layer = archive.readers
    assert layer.change_tags(HOSTILE, ["Comfort Read", "angst"], []) == ["angst", "Comfort Read"]
    for query in ("mine:comfort-read", 'mine:"comfort read"', "mine:COMFORT_READ", "mine:comf*"):
        assert found(archive, query) == [HOSTILE], query
    assert found(archive, "", mine="comfort-read") == [HOSTILE]
    assert found(archive, "mine:angst OR read:yes") == [HOSTILE]
    assert found(archive, "-mine:angst") == sorted(set(EVERY) - {HOSTILE})
    assert found(archive, "mine:nothing-so-tagged") == []
    assert found(archive, "-mine:nothing-so-tagged") == sorted(EVERY)
    assert layer.change_tags(HOSTILE, [], ["ANGST"]) == ["Comfort Read"]
    assert found(archive, "mine:angst") == []
    with pytest.raises(UsageError, match="no work"):
        layer.change_tags("ao3:0", ["x"], [])
    with pytest.raises(UsageError, match="empty"):
        layer.change_tags(FERRY, [" - "], [])


# --- the store: migration 3 keeps the old marks ---------------------------------------------


def test_a_store_from_before_dropped_keeps_its_marks_and_takes_dropped(tmp_path):
    cfg = build_archive(tmp_path)
    path = cfg.archive_dir / "ficarchive.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(  # the store as schema 2 left it, with a mark the web library made
        """
        DROP TABLE private_tags; DROP TABLE bookmarks; DROP TABLE reading_marks;
        CREATE TABLE reading_marks (
            work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
            mark TEXT CHECK (mark IS NULL OR mark IN ('to-read', 'reading', 'read')),
            chapter INTEGER, progress REAL NOT NULL DEFAULT 0, updated_at TEXT NOT NULL);
        PRAGMA user_version = 2;
        """
    )
    db.execute("INSERT INTO reading_marks VALUES (?, 'reading', 2, 0.5, '2024-01-01')", (FERRY,))
    db.commit()
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO reading_marks VALUES (?, 'dropped', NULL, 0, 'x')", (GONE,))
    db.close()
    with Archive(cfg) as archive:
        kept = archive.marks.get(FERRY)
        assert (kept.mark, kept.chapter, kept.progress) == ("reading", 2, 0.5)
        archive.marks.set_mark(GONE, "dropped")
        assert found(archive, "read:dropped") == [GONE]
        assert archive.readers.change_tags(FERRY, ["kept"], []) == ["kept"]
    with Store(cfg.archive_dir) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] >= 3


# --- bookmark notes from the reader's bookmarks listing ------------------------------------


def test_a_bookmark_blurb_gives_the_bookmarkers_notes_tags_and_rec():
    marks = [(sample_works.by_id(i), day) for i, day in sample_works.BOOKMARKS["marginalia"]]
    html = ao3_markup.user_bookmarks_page("marginalia", marks, 1, 20)
    entries = {e.site_id: e for e in _listing_of(html, BOOKMARKS).entries}
    irene = entries[IRENE.split(":")[1]].bookmark
    assert irene.by == "marginalia" and irene.rec and not irene.private
    assert irene.tags == ("comfort read", "Reread")
    assert irene.notes == "Reread every winter.\n\nThe letter scene <still> gets me."
    assert irene.bookmarked == "2024-04-12"
    lighthouse = entries[LIGHTHOUSE.split(":")[1]].bookmark
    assert (lighthouse.notes, lighthouse.tags, lighthouse.rec) == ("", ("slow burn",), False)
    # a tag's works listing holds no bookmarks; a tag's bookmarks are other people's
    assert all(e.bookmark is None for e in _listing_of(html, "/tags/Fluff/bookmarks").entries)


def test_bookmark_notes_marks_and_tags_survive_update_recrawl_and_rebuild(tmp_path):
    with SampleArchiveServer() as server:
        cfg = config(tmp_path, server.base_url, BOOKMARKS)
        with Archive(cfg) as archive:
            archive.crawl(cfg.sources)
            assert archive.has(IRENE) and archive.has(LIGHTHOUSE)
            archive.marks.set_mark(IRENE, "read")
            archive.readers.change_tags(LIGHTHOUSE, ["comfort-read"], [])
            before = {w: archive.readers.layer(w) for w in (IRENE, LIGHTHOUSE, SNOWSTORM)}
            assert before[IRENE].bookmarks[0].notes.startswith("Reread every winter.")
            assert found(archive, "mine:rec") == [IRENE]
            assert found(archive, "mine:reread") == [IRENE]
            assert found(archive, "mine:slow-burn") == [LIGHTHOUSE]
            # upstream, Irene gains a chapter: update fetches it, re-crawl sees it changed
            newer = revised(sample_works.IRENE, "2024-05-01")
            server.archive.update_work(newer.work_id, newer)
            outcomes = archive.update([IRENE, LIGHTHOUSE]).outcomes
            assert [o.result for o in outcomes] == ["updated", "unchanged"]
            archive.crawl(cfg.sources)
            archive.rebuild()
            after = {w: archive.readers.layer(w) for w in before}
            assert after == before
            assert len(archive.get_work(IRENE).chapters) == len(newer.chapters)
            assert found(archive, "mine:rec") == [IRENE]
            assert found(archive, "mine:comfort-read") == sorted([IRENE, LIGHTHOUSE])
            assert found(archive, "read:yes") == [IRENE]
            assert IRENE not in found(archive, "read:no")


# --- the web library: its marks are the same marks -------------------------------------


def test_the_web_librarys_marks_are_searched_by_read_and_take_dropped(tmp_path):
    from tests.serve_library import client

    cfg = build_archive(tmp_path)
    with client(cfg) as web:
        for work, mark in ((FERRY, "read"), (GONE, "dropped")):
            done = web.post(f"/works/{work}/mark", data={"mark": mark}, follow_redirects=False)
            assert done.status_code == 303
        assert "The Vanished Harbour" in web.get("/shelf/dropped").text
        assert "The Night Ferry" in web.get("/search", params={"q": "harbour"}).text
        page = web.get("/search", params={"q": "harbour read:no"}).text
        assert "The Vanished Harbour" in page and "The Night Ferry" not in page
        assert "The Night Ferry" in web.get("/search", params={"read": "yes"}).text
    with Archive(cfg) as archive:
        assert archive.marks.get(GONE).mark == "dropped"
        assert found(archive, "read:yes") == [FERRY]
        assert FERRY not in found(archive, "harbour read:no")


def test_many_marked_works_are_found_from_the_work_id_column(tmp_path, monkeypatch):
    from index.whoosh import scoring
    from tests.serve_library import many_works

    read_column = scoring._Segment._work_docs
    calls = []
    monkeypatch.setattr(
        scoring._Segment, "_work_docs", lambda seg, ids: calls.append(ids) or read_column(seg, ids)
    )
    works = many_works(scoring.FEW_WORKS + 8)
    ids = sorted(w.id for w in works)
    with Archive(build_archive(tmp_path, works)) as archive:
        read = ids[: scoring.FEW_WORKS + 3]  # past FEW_WORKS: the column, not a term per work
        for work_id in read:
            archive.marks.set_mark(work_id, "read")
        assert found(archive, "read:yes") == read
        assert found(archive, "read:no") == ids[len(read) :]
        assert found(archive, "ferry read:no") == ids[len(read) :]
        archive.remove([read[0]])  # a deleted document is never found again
        assert found(archive, "ferry read:yes") == read[1:]
    assert calls  # the column was read


def test_a_recrawl_brings_the_bookmarks_new_notes_and_a_removed_work_gets_none(
    tmp_path, monkeypatch
):
    key = ("marginalia", sample_works.LIGHTHOUSE.work_id)
    with SampleArchiveServer() as server:
        cfg = config(tmp_path, server.base_url, BOOKMARKS)
        with Archive(cfg) as archive:
            archive.crawl(cfg.sources)
            archive.remove([IRENE])
            monkeypatch.setitem(sample_works.BOOKMARK_NOTES, key, ("Finally!", ("done",), True))
            archive.crawl(cfg.sources)
            (note,) = archive.readers.layer(LIGHTHOUSE).bookmarks
            assert (note.notes, note.tags, note.rec) == ("Finally!", ("done",), True)
            assert found(archive, "mine:slow-burn") == []
            assert found(archive, "mine:rec") == [LIGHTHOUSE]
            assert not archive.has(IRENE) and found(archive, "mine:reread") == []


def test_a_bookmark_blurb_as_ao3_draws_it_keeps_tags_apart_from_collections():
    from bs4 import BeautifulSoup

    from crawler.sites.ao3_bookmarks import bookmark_of

    html = """<li id="bookmark_1" class="bookmark blurb group work-5 user-9" role="article">
      <p class="status" title="3 Bookmarks"><a class="help symbol question modal"
        href="/help/bookmark-symbols-key.html"><span class="private" title="Private Bookmark">
        <span class="text">Private Bookmark</span></span></a> <span class="count">3</span></p>
      <div class="work module"><p class="datetime">01 Jan 2020</p></div>
      <div class="own user module group">
        <h5 class="byline heading">Bookmarked by <a href="/users/me/pseuds/Me/bookmarks">Me (me)</a></h5>
        <p class="datetime">09 Feb 2024</p>
        <h6 class="meta heading">Bookmarker's Tags:</h6>
        <ul class="meta tags commas"><li><a class="tag" href="/tags/a/bookmarks">to reread</a></li></ul>
        <h6 class="meta heading">Bookmarker's Collections:</h6>
        <ul class="meta commas"><li><a href="/collections/c">Not A Tag</a></li></ul>
        <h6 class="landmark heading">Bookmarker's Notes</h6>
        <blockquote class="userstuff notes"><p>One<br>line</p><p>Two  <i>words</i></p></blockquote>
      </div></li>"""
    blurb = BeautifulSoup(html, "html.parser").select_one("li")
    note = bookmark_of(blurb, "https://archiveofourown.org/users/me/pseuds/Me/bookmarks?page=2")
    assert note.by == "Me (me)" and note.bookmarked == "2024-02-09"
    assert (note.tags, note.private, note.rec) == (("to reread",), True, False)
    assert note.notes == "One line\n\nTwo words"
    assert bookmark_of(blurb, "https://archiveofourown.org/works/5/bookmarks") is None


def test_a_resolved_tree_belongs_to_its_query_and_a_copy_asking_another_parses_afresh():
    from dataclasses import replace

    from index.ownquery import with_own
    from index.query import Ids, parse_query
    from index.search import SearchRequest

    class Marks:
        def marked(self, mark=None):
            return {"ao3:1"}

        def tagged(self, pattern):
            return set()

    typed = with_own(SearchRequest(query="read:yes"), Marks())
    assert typed.tree() == Ids(frozenset({"ao3:1"}))
    assert replace(typed, page=2).tree() == typed.tree()  # paging keeps the resolution
    other = replace(typed, query="holmes")
    assert other.tree() == parse_query("holmes", {})
    assert replace(typed, filters={"fandom": ["Sherlock"]}).tree() != typed.tree()
