"""Nothing lost: an upstream work changes in every way an author can change it, and the
archive keeps every version and says what changed.

A real sample server on 127.0.0.1 serves an AO3-shaped work; the test changes it
(new chapter, removed chapter, rewritten chapter, blanked, retitled, orphaned,
deleted, the same page again) and asks the archive what `show`, `versions`,
`diff`, `search` and `export` give afterwards, and that the store grew by no
duplicate raw page or chapter text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crawler.config import parse_config
from index.archive import Archive
from index.search import SearchRequest
from search_cli.demo.sample_works import SampleChapter, SampleWork
from search_cli.demo.server import SampleArchiveServer
from tests.servers import clear_proxies

WORK_ID = 91000001


def chapter(n: int, *words: str) -> SampleChapter:
    text = " ".join(words) or f"Chapter {n} is where the lamplighter counts to {n} again."
    return SampleChapter(title=f"Part {n}", paragraphs=(text, f"The tide came in for part {n}."))


def story(**changes) -> SampleWork:
    base = SampleWork(
        work_id=WORK_ID,
        title="The Lamplighter's Ledger",
        authors=("inkwell_keeper",),
        fandoms=("Original Work",),
        rating="General Audiences",
        warnings=("No Archive Warnings Apply",),
        categories=("Gen",),
        characters=("Ada Lamplighter",),
        summary="A ledger of lamps.",
        published="2024-01-01",
        updated="2024-02-01",
        complete=False,
        chapters_expected=None,
        kudos=5,
        hits=50,
        bookmarks=1,
        comments=0,
        chapters=tuple(chapter(n) for n in range(1, 5)),
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def served(tmp_path: Path):
    with SampleArchiveServer((story(),)) as server:
        config = parse_config(
            {
                "archive": {"path": str(tmp_path / "archive"), "contact": "t@example.org"},
                "politeness": {"delay_seconds": 0, "jitter": 0.0, "max_retries": 0},
                "sites": {"ao3": {"base_url": server.base_url, "delay_seconds": 0}},
            }
        )
        with Archive(config) as archive:
            report = archive.add([f"{server.base_url}/works/{WORK_ID}"])
            assert report.outcomes[0].result == "new", report.outcomes[0]
            yield server, archive


def update(server, archive, work: SampleWork):
    server.update_work(WORK_ID, work)
    (outcome,) = archive.update([f"ao3:{WORK_ID}"]).outcomes
    return outcome


def no_duplicates(archive: Archive) -> None:
    """Every raw page body and every chapter text is stored once; no word is lost."""
    if archive.has(ID):
        every_word_kept(archive)
    db = archive.store.db
    bodies = db.execute("SELECT COUNT(*), COUNT(DISTINCT hash) FROM bodies").fetchone()
    assert bodies[0] == bodies[1]
    rows = db.execute("SELECT COUNT(*), COUNT(DISTINCT body_hash) FROM raw_pages").fetchone()
    per_url = db.execute(
        "SELECT COUNT(*) FROM (SELECT url, body_hash FROM raw_pages GROUP BY url, body_hash"
        " HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert per_url == 0 and rows[0] >= rows[1]
    texts = db.execute("SELECT COUNT(*) FROM texts").fetchone()[0]
    used = db.execute(
        "SELECT COUNT(DISTINCT j.value) FROM versions, json_each(versions.chapters) AS j"
    ).fetchone()[0]
    assert texts == used


def every_word_kept(archive: Archive) -> None:
    """What `show`, `versions`, `diff`, `search --history` and `export` give: every
    chapter of every version can still be read, exported (the shown one) and found."""
    from search_cli.export import render

    versions = archive.versions(ID)
    assert versions and sum(v.shown for v in versions) == 1
    archive.diff(ID)
    shown = archive.get_work(ID)
    html = render(shown, "html").decode()
    for ch in shown.chapters:
        assert ch.text.split(".")[0][:40] in html
    for v in versions:
        for ch in archive.get_work(ID, v.number).chapters:
            words = ch.text.split()[:4]
            if len(words) == 4:
                phrase = '"' + " ".join(words).rstrip(".,;:!?") + '"'
                hits = archive.search(SearchRequest(query=phrase, history=True)).hits
                assert ID in [h.id for h in hits], (v.number, phrase)


def found(archive: Archive, query: str) -> list[str]:
    return [h.id for h in archive.search(SearchRequest(query=query)).hits]


ID = f"ao3:{WORK_ID}"


def test_a_new_chapter_is_a_new_version_and_said(served):
    server, archive = served
    outcome = update(server, archive, story(chapters=(*story().chapters, chapter(5, "Brand",
                     "new", "quillfeather", "verses."))))  # fmt: skip
    assert outcome.result == "updated"
    assert outcome.reason.startswith("+1 chapter (5,") and "words" in outcome.reason
    assert outcome.change["added"][0]["chapter"] == 5
    assert len(archive.get_work(ID).chapters) == 5
    assert [v.number for v in archive.versions(ID)] == [1, 2]
    diff = archive.diff(ID)
    assert [(c.kind, c.new) for c in diff.chapters if c.kind != "same"] == [("added", 5)]
    assert found(archive, "quillfeather") == [ID]
    no_duplicates(archive)


def test_a_chapter_removed_upstream_stays_readable_and_marked(served, tmp_path):
    server, archive = served
    chapters = story().chapters
    outcome = update(server, archive, story(chapters=(chapters[0], chapters[1], chapters[3])))
    assert outcome.result == "updated"
    assert outcome.reason == "chapter 3 removed upstream, kept"
    work = archive.get_work(ID)
    assert [c.title for c in work.chapters] == ["Part 1", "Part 2", "Part 3", "Part 4"]
    gone = work.chapters[2]
    assert gone.removed_at and gone.to_dict()["removed_upstream"] == gone.removed_at
    assert "removed_upstream" not in work.chapters[0].to_dict()
    assert found(archive, '"counts to 3 again"') == [ID]  # its text is still searchable
    assert [v.chapters for v in archive.versions(ID)] == [4, 3]
    # version 2 exactly as it came upstream: three chapters
    assert len(archive.get_work(ID, 2).chapters) == 3
    from search_cli.export import render

    html = render(work, "html").decode()
    assert "removed upstream on" in html and "counts to 3 again" in html
    # a second update with the same upstream changes nothing
    assert update(server, archive, story(chapters=(chapters[0], chapters[1], chapters[3]))
                  ).result == "unchanged"  # fmt: skip
    assert len(archive.versions(ID)) == 2
    no_duplicates(archive)


def test_a_rewritten_chapter_has_a_word_level_diff(served):
    server, archive = served
    chapters = list(story().chapters)
    chapters[1] = chapter(2, "Chapter", "2", "is", "where", "the", "lamplighter", "sings", "to",
                          "2", "again.")  # fmt: skip
    outcome = update(server, archive, story(chapters=tuple(chapters)))
    assert outcome.reason == "chapter 2 rewritten"
    (changed,) = [c for c in archive.diff(ID).chapters if c.kind == "changed"]
    assert changed.new == 2
    assert "[-counts-]" in changed.diff and "{+sings+}" in changed.diff
    assert found(archive, '"lamplighter sings"') == [ID]
    assert found(archive, '"lamplighter counts to 2"') == []  # only in version 1 now
    (hit,) = archive.search(SearchRequest(query='"lamplighter counts to 2"', history=True)).hits
    assert hit.id == ID and [(m.chapter, m.source) for m in hit.matches] == [(2, "history")]
    assert hit.matches[0].snippet.startswith("[version 1]") and "«" in hit.matches[0].snippet
    old = archive.get_work(ID, 1)
    assert "counts to 2" in old.chapters[1].text
    no_duplicates(archive)


def test_a_blanked_work_is_kept_and_held_back(served):
    server, archive = served
    before = archive.get_work(ID)
    blank = story(chapters=(SampleChapter(title="Part 1", paragraphs=("Deleted.",)),))
    outcome = update(server, archive, blank)
    assert outcome.result == "updated" and outcome.change["held"]
    assert outcome.reason.startswith(f"now 1 words, was {before.words:,}; kept version 1")
    assert archive.get_work(ID).to_dict() == before.to_dict()  # readers see the old text
    listed = archive.versions(ID)
    assert [(v.number, v.shown, v.held) for v in listed] == [(1, True, False), (2, False, True)]
    assert archive.get_work(ID, 2).words == 1
    archive.use_version(ID, 2)  # the reader says so
    assert archive.get_work(ID).words == 1
    archive.use_version(ID, 1)
    assert archive.get_work(ID).to_dict()["chapters"] == before.to_dict()["chapters"]
    no_duplicates(archive)


def test_retitled_and_orphaned_works_are_new_versions(served):
    server, archive = served
    outcome = update(server, archive, story(title="The Lamplighter's Book"))
    assert 'retitled, was "The Lamplighter\'s Ledger"' in outcome.reason
    outcome = update(server, archive, story(title="The Lamplighter's Book",
                                            authors=("orphan_account",)))  # fmt: skip
    assert outcome.result == "updated" and outcome.reason == "metadata changed"
    assert archive.get_work(ID).meta.authors == ["orphan_account"]
    assert archive.get_work(ID, 1).meta.authors == ["inkwell_keeper"]
    assert len(archive.versions(ID)) == 3
    no_duplicates(archive)


def test_a_deleted_work_keeps_every_word(served):
    server, archive = served
    before = archive.get_work(ID)
    server.archive.delete(WORK_ID)
    (outcome,) = archive.update([ID]).outcomes
    assert outcome.result == "gone"
    after = archive.get_work(ID)
    assert after.meta.status == "gone" and after.chapters == before.chapters
    assert len(archive.versions(ID)) == 1
    no_duplicates(archive)


def test_the_same_page_again_costs_nothing(served):
    server, archive = served
    db = archive.store.db
    rows = db.execute("SELECT COUNT(*) FROM raw_pages").fetchone()[0]
    for _ in range(3):
        assert update(server, archive, story()).result == "unchanged"
    assert db.execute("SELECT COUNT(*) FROM raw_pages").fetchone()[0] == rows
    assert len(archive.versions(ID)) == 1
    no_duplicates(archive)


# --- a plain scripted server: no ETag, redirects, a second URL ----------------------------

HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(work: SampleWork) -> bytes:
    from search_cli.demo import ao3_markup

    return ao3_markup.work_page(work, None).encode()


def scripted_archive(tmp_path: Path, base_url: str) -> Archive:
    config = parse_config(
        {
            "archive": {"path": str(tmp_path / "archive"), "contact": "t@example.org"},
            "politeness": {"delay_seconds": 0, "jitter": 0.0, "max_retries": 0},
            "sites": {"ao3": {"base_url": base_url, "delay_seconds": 0}},
        }
    )
    return Archive(config)


def test_an_identical_page_with_no_validators_is_stored_once(tmp_path):
    from tests.servers import Reply, ScriptedServer

    with ScriptedServer() as srv, scripted_archive(tmp_path, srv.base_url) as archive:
        srv.route(f"/works/{WORK_ID}", Reply(200, HTML, page(story())))
        for _ in range(4):
            archive.add([srv.url(f"/works/{WORK_ID}")])
        assert len(srv.requests(f"/works/{WORK_ID}")) == 4  # fetched each time: no ETag
        db = archive.store.db
        assert db.execute("SELECT COUNT(*) FROM raw_pages").fetchone()[0] == 1
        assert db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0] == 1
        assert len(archive.versions(ID)) == 1
        no_duplicates(archive)


def test_a_redirect_to_another_work_never_writes_into_the_first(tmp_path):
    from tests.servers import Reply, ScriptedServer

    other = dataclasses.replace(story(title="A Different Work", work_id=WORK_ID + 1),
                                chapters=(chapter(1, "Nothing", "alike", "at", "all."),))  # fmt: skip
    with ScriptedServer() as srv, scripted_archive(tmp_path, srv.base_url) as archive:
        srv.route(
            f"/works/{WORK_ID}",
            Reply(200, HTML, page(story())),
            Reply.redirect(f"/works/{WORK_ID + 1}", 301),
        )
        srv.route(f"/works/{WORK_ID + 1}", Reply(200, HTML, page(other)))
        archive.add([srv.url(f"/works/{WORK_ID}")])
        before = archive.get_work(ID).to_dict()
        (outcome,) = archive.add([srv.url(f"/works/{WORK_ID}")]).outcomes
        assert outcome.id == f"ao3:{WORK_ID + 1}" and outcome.result == "new"
        assert f"{ID} moved or merged upstream into ao3:{WORK_ID + 1}" in outcome.reason
        assert archive.get_work(ID).to_dict() == before
        assert archive.get_work(f"ao3:{WORK_ID + 1}").title == "A Different Work"
        assert len(archive.versions(ID)) == 1


def test_rebuild_after_a_second_url_never_reverts(tmp_path):
    """Pages stored under two URLs (a redirect, a changed base_url or allow_adult): the
    rebuild once re-cleaned from the oldest URL's page and went back to older text."""
    from tests.servers import Reply, ScriptedServer

    newer = story(chapters=(*story().chapters, chapter(5, "The", "fifth", "lamp", "lit.")))
    with ScriptedServer() as srv, scripted_archive(tmp_path, srv.base_url) as archive:
        srv.route(
            f"/works/{WORK_ID}",
            Reply(200, HTML, page(story())),
            Reply.redirect(f"/works/{WORK_ID}/chapters/77", 302),
        )
        srv.route(f"/works/{WORK_ID}/chapters/77", Reply(200, HTML, page(newer)))
        archive.add([srv.url(f"/works/{WORK_ID}")])
        assert archive.add([srv.url(f"/works/{WORK_ID}")]).outcomes[0].result == "updated"
        assert len(archive.get_work(ID).chapters) == 5
        report = archive.rebuild()
        assert [o.result for o in report.outcomes] == ["unchanged"]
        assert len(archive.get_work(ID).chapters) == 5
        assert len(archive.versions(ID)) == 2


def test_an_interrupted_remove_never_shows_the_work_again(served, monkeypatch):
    server, archive = served
    assert found(archive, "lamplighter") == [ID]

    def interrupted(work_id):  # killed after the index lost it, before the store did
        raise KeyboardInterrupt

    monkeypatch.setattr(archive.store, "remove_work", interrupted)
    with pytest.raises(KeyboardInterrupt):
        archive.remove([ID])
    monkeypatch.undo()
    assert found(archive, "lamplighter") == []  # marked: gone for readers already
    assert archive.index_pending() == 0  # the next run finishes the removal
    assert archive.get_work(ID) is None and found(archive, "lamplighter") == []
    db = archive.store.db
    assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM texts").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0] == 0


def test_a_removed_work_stays_removed_until_added_again_by_url(tmp_path):
    with SampleArchiveServer((story(),)) as server:
        tag = "/tags/Original%20Work/works"
        config = parse_config(
            {
                "archive": {"path": str(tmp_path / "archive"), "contact": "t@example.org"},
                "politeness": {"delay_seconds": 0, "jitter": 0.0, "max_retries": 0},
                "sites": {"ao3": {"base_url": server.base_url, "delay_seconds": 0}},
                "sources": [{"name": "s", "site": "ao3", "start": [tag]}],
            }
        )
        with Archive(config) as archive:
            assert [o.result for o in archive.crawl(config.sources).outcomes] == ["new"]
            archive.remove([ID])
            again = archive.crawl(config.sources)
            assert [(o.id, o.result) for o in again.outcomes] == [(ID, "skipped")]
            assert "you removed it" in again.outcomes[0].reason and again.exit_code == 0
            assert archive.get_work(ID) is None
            assert archive.add([f"{server.base_url}/works/{WORK_ID}"]).outcomes[0].result == "new"
            assert archive.crawl(config.sources).outcomes[0].result == "unchanged"
            assert archive.resolve(f"(ao3-{WORK_ID})") == ID  # the id in exported file names
