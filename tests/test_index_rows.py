"""Works' stored fields are kept between searches (index/whoosh/rows.py) but never
outlive the index they were read from: an update's commit, or a rebuild into a fresh
folder that starts its generations again, is read afresh."""

from __future__ import annotations

import copy
import shutil

from index.archive import Archive
from index.search import SearchRequest
from index.store import Store
from tests.serve_library import FERRY, build_archive


def titles(archive: Archive) -> dict[str, str]:
    found = archive.search(SearchRequest("", facets=True, sort="updated", limit=50))
    return {h.id: h.title for h in found.hits}


def retitle(config, title: str) -> None:
    with Store(config.archive_dir) as store:
        work = copy.deepcopy(store.get_work(FERRY))
        work.meta.title = title
        assert store.save_work(work) == "updated"


def test_kept_fields_follow_every_commit(tmp_path):
    config = build_archive(tmp_path)
    with Archive(config) as archive:
        assert titles(archive)[FERRY] == "The Night Ferry"
        assert titles(archive)[FERRY] == "The Night Ferry"  # from what was kept
        retitle(config, "The Morning Ferry")
        archive.index_pending()
        assert titles(archive)[FERRY] == "The Morning Ferry"
        facets = archive.search(SearchRequest("", facets=True)).facets
        assert ("Original Work", 3) in facets["fandoms"]


def test_an_index_made_again_in_the_same_folder_is_read_afresh(tmp_path):
    """Its generation and size can be the very ones kept: its segments are not."""
    config = build_archive(tmp_path)
    with Archive(config) as archive:
        assert titles(archive)[FERRY] == "The Night Ferry"
        retitle(config, "The Evening Ferry")
        shutil.rmtree(config.archive_dir / "index")
        archive.recorder.rebuild_index()
        assert titles(archive)[FERRY] == "The Evening Ferry"


def test_a_chapter_of_its_own_is_never_taken_from_another_search(tmp_path):
    config = build_archive(tmp_path)
    with Archive(config) as archive:
        first = archive.search(SearchRequest("gulls", facets=True))
        second = archive.search(SearchRequest("lantern", facets=True))
    for found in (first, second):
        hit = next(h for h in found.hits if h.id == FERRY)
        assert "chapter" not in hit.fields and "doc_id" not in hit.fields
    assert [m.chapter for m in first.hits[0].matches] != [m.chapter for m in second.hits[0].matches]
