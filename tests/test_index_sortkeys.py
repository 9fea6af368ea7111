"""Sort keys kept beside the index (index/whoosh/sortkeys.py) for the next process.

A fresh process sorting every work (`ficarchive list`) loads them instead of reading
every work's stored fields; a new generation, another set of works or a damaged file
means the fields are read again, and the order is the same either way.
"""

from __future__ import annotations

import dataclasses

import pytest

from bench import corpus
from index.search import SORTS, SearchRequest
from index.store import Store
from index.whoosh import rows, sortkeys, table
from index.whoosh.searcher import run
from index.whoosh.writer import Indexer


def fresh_process() -> None:
    """What a new process starts with: no table or fields kept in memory."""
    table._kept.clear()
    rows._kept.clear()


def ids_by(where, sort: str, *, reads: list | None = None, limit: int = 1000) -> list[str]:
    fresh_process()
    ix = Indexer(where).open(create=False)
    try:
        with Store(where) as store, ix.searcher() as searcher:
            if reads is not None:  # count the stored-field reads this search makes
                real = searcher.stored_fields

                def counted(docnum):
                    reads.append(docnum)
                    return real(docnum)

                searcher.stored_fields = counted
            request = SearchRequest(sort=sort, limit=limit)
            return [h.id for h in run(searcher, request, request.tree(), store).hits]
    finally:
        ix.close()


def kept(where) -> list:
    return sorted(p.name for p in (where / "index").glob(f"{sortkeys.PREFIX}*"))


@pytest.fixture
def archive(tmp_path):
    works = corpus.generate(40, seed=5, max_words=300)
    with Store(tmp_path) as store:
        for w in works:
            store.save_work(w)
    Indexer(tmp_path).update(works)
    return tmp_path, works


def test_the_next_process_sorts_from_the_kept_keys_and_reads_only_the_shown_works(archive):
    where, works = archive
    first = {s: ids_by(where, s) for s in SORTS if s != "relevance"}
    assert len(kept(where)) == 1
    for sort, order in first.items():
        reads: list = []
        assert ids_by(where, sort, reads=reads, limit=5) == order[:5]
        assert len(reads) == 5  # the shown works' fields only, not all 40
    (where / "index" / kept(where)[0]).unlink()
    reads = []
    assert ids_by(where, "updated", reads=reads, limit=5) == first["updated"][:5]
    assert len(reads) == len(works)  # without the file every work's fields are read
    assert len(kept(where)) == 1  # and kept again


def test_a_damaged_or_foreign_file_is_read_again_and_a_commit_replaces_it(archive):
    where, works = archive
    order = ids_by(where, "kudos")
    (path,) = (where / "index").glob(f"{sortkeys.PREFIX}*")
    path.write_bytes(b"\x00not marshal")
    assert ids_by(where, "kudos") == order
    assert kept(where) == [path.name]  # written again
    assert order[0] != works[0].id
    changed = dataclasses.replace(works[0], meta=dataclasses.replace(works[0].meta, kudos=10**9))
    Indexer(where).update([changed])
    assert ids_by(where, "kudos")[0] == works[0].id  # most kudos first, after the commit
    assert len(kept(where)) == 1 and kept(where) != [path.name]  # the old generation's gone


def test_a_read_only_index_folder_still_sorts(archive, monkeypatch):
    where, _ = archive

    def refuse(self, data):
        raise PermissionError("read-only")

    monkeypatch.setattr(type(where), "write_bytes", refuse)
    assert len(ids_by(where, "words")) == 40
    assert kept(where) == []
