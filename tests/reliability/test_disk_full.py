"""A full disk while writing the store or the index: one clear error, the archive as it was.

The store's disk fills for real, inside SQLite (a page limit makes SQLite itself
answer SQLITE_FULL); the index's fills at the file writes Whoosh makes (ENOSPC
from write(2)), so both libraries' own error paths run. No root, no mounts.
"""

from __future__ import annotations

import gc

import pytest

from crawler.errors import IndexingError, StoreError
from index.store import Store
from index.whoosh.writer import Indexer
from tests.reliability.harness import (
    expected_works,
    ficarchive,
    one_line_error,
    problems,
    snapshot,
    store_digest,
    with_new_chapter,
    write_config,
)
from tests.reliability.hooks import patch_disk_full_index
from tests.test_store import make_work, page

LONG = "The lamp burned through the night and the keeper wrote it all down. " * 800


def fill(store: Store, free_pages: int = 0) -> None:
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + free_pages}")


def test_a_work_that_does_not_fit_leaves_the_store_as_it_was(tmp_path):
    with Store(tmp_path) as store:
        store.save_work(make_work(), [page()])
        before = store_digest(tmp_path)
        fill(store)
        with pytest.raises(StoreError, match="the disk is full") as caught:
            store.save_work(make_work(LONG), [page(LONG.encode())])  # an update of ao3:1
        assert "\n" not in str(caught.value) and "ao3:1" in str(caught.value)
        with pytest.raises(StoreError, match="the disk is full"):
            store.save_work(make_work(LONG, work_id="ao3:2"), [page(LONG.encode())])
        assert store_digest(tmp_path) == before
        assert store.get_work("ao3:1").chapters == make_work().chapters
        # space again: the same writes go through
        store.db.execute("PRAGMA max_page_count = 1073741823")
        assert store.save_work(make_work(LONG, work_id="ao3:2"), [page()]) == "new"
    assert snapshot(tmp_path).ok


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.set_state("https://example.org/" + "x" * 20000, "work", "failed", "y" * 20000),
        lambda s: s.touch_fetched("ao3:1", "z" * 20000),
        lambda s: s.touch_source("s" * 20000),
    ],
    ids=["set_state", "touch_fetched", "touch_source"],
)
def test_every_store_write_on_a_full_disk_is_a_store_error(tmp_path, write):
    """Not only works: the crawl's bookkeeping fails as cleanly (once, a raw sqlite3
    error, or SQLite's own rollback hiding the cause behind "no transaction is active")."""
    with Store(tmp_path) as store:
        store.save_work(make_work(), [page()])
        before = store_digest(tmp_path)
        fill(store)
        with pytest.raises(StoreError, match="the disk is full"):
            write(store)
        assert not store.db.in_transaction
        assert store_digest(tmp_path) == before
        assert store.work_ids() == ["ao3:1"]


def test_the_crawl_stops_with_one_line_and_every_work_whole(crawled):
    server, config, archive = crawled
    before = snapshot(archive)
    for n, work in enumerate(w for w in server.works if w.state == "ok"):
        server.update_work(work.work_id, with_new_chapter(work, n))
    run = full_disk_run(config, "disk-full-store", "crawl")
    assert run.code == 1
    assert "the disk is full" in one_line_error(run)
    after = snapshot(archive)
    assert after.ok and set(after.works) == set(before.works)
    # each work is its old self or its new self, never a mix
    assert all(after.works[w] in (before.works[w], before.works[w] + 1) for w in after.works)
    # with space again, the next crawl finishes the job
    assert ficarchive("--config", str(config), "crawl").code == 0
    assert problems(snapshot(archive), expected_works(server.works)) == []


def test_an_import_that_does_not_fit_changes_nothing(crawled, tmp_path):
    server, config, archive = crawled
    before = store_digest(archive)
    story = tmp_path / "long_story.txt"
    story.write_text(LONG)
    run = full_disk_run(config, "disk-full-store", "import", str(story))
    assert run.code == 1
    assert "the disk is full" in one_line_error(run)
    assert store_digest(archive) == before


def full_disk_run(config, fault: str, *args: str):
    return ficarchive("--config", str(config), *args, hook=("--fault", fault))


# --- the index -------------------------------------------------------------------------


@pytest.fixture
def indexed(crawled):
    server, config, archive = crawled
    return config, archive, Store(archive)


# When a write fails inside Whoosh's segment writer it never reaches close() for
# the files it opened; CPython closes them when the writer is collected. Whoosh's
# leak, not ours, and only seen in-process (the CLI exits).
@pytest.fixture
def _collect_garbage():
    """Collect those files here, under the test's filter, not in whichever test runs next."""
    yield
    gc.collect()


@pytest.mark.parametrize("budget", [0, 3000, 60_000])
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("_collect_garbage")
def test_an_index_commit_that_does_not_fit_leaves_the_index_as_it_was(indexed, monkeypatch, budget):
    config, archive, store = indexed
    with store:
        before = sorted(Indexer(archive).documents())
        changed = [store.get_work(w) for w in store.work_ids()[:4]]
        for work in changed:
            work.chapters[0].blocks[0].text += " An added sentence."
        patch_disk_full_index(budget, monkeypatch.setattr)
        with pytest.raises(IndexingError, match="the disk is full") as caught:
            Indexer(archive).update(changed, remove=[store.work_ids()[-1]])
        assert "\n" not in str(caught.value)
        monkeypatch.undo()
        assert sorted(Indexer(archive).documents()) == before
        assert Indexer(archive).leftovers() == []  # the half-written segment is gone
        # the write lock was released: the next writer goes straight through
        Indexer(archive).update(changed)
        assert sorted(Indexer(archive).documents()) == before


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("_collect_garbage")
def test_a_rebuild_that_does_not_fit_keeps_the_old_index(indexed, monkeypatch):
    config, archive, store = indexed
    with store:
        before = sorted(Indexer(archive).documents())
        patch_disk_full_index(20_000, monkeypatch.setattr)
        with pytest.raises(IndexingError, match="the disk is full"):
            Indexer(archive).rebuild(store.iter_works())
        monkeypatch.undo()
        assert sorted(Indexer(archive).documents()) == before


def test_index_rebuild_on_a_full_disk_is_one_line_and_loses_nothing(indexed):
    config, archive, store = indexed
    store.close()
    before_docs = sorted(Indexer(archive).documents())
    before_store = store_digest(archive)
    run = full_disk_run(config, "disk-full-index", "index", "--rebuild")
    assert run.code == 1
    assert "the disk is full" in one_line_error(run)
    assert sorted(Indexer(archive).documents()) == before_docs
    assert store_digest(archive) == before_store
    hits = ficarchive("--config", str(config), "search", "keeper", "--json")
    assert hits.code == 0 and hits.json_lines()


def test_a_crawl_whose_index_does_not_fit_is_caught_up_later(server, tmp_path):
    config = write_config(tmp_path, server.base_url, delay=0.01)
    archive = tmp_path / "archive"
    run = full_disk_run(config, "disk-full-index", "crawl")
    assert run.code == 1
    assert "the disk is full" in one_line_error(run)
    stored = snapshot(archive)
    assert set(stored.works) == set(expected_works(server.works))  # the store kept all
    assert stored.docs == []
    assert ficarchive("--config", str(config), "index").code == 0
    assert problems(snapshot(archive), expected_works(server.works)) == []
