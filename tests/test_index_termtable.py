"""The fast writer's term table and pool hold a bounded amount in memory (issue 19's peak
memory grew with the number of terms) and still write what Whoosh writes.

Whoosh's `OrderedHashWriter` keeps a Python tuple per key until it closes; `TermTable`
spills its hashes and positions past `SPILL` keys and must write the same bytes. The
pool's run files are read back a chunk per run at commit, so a chunk must stay small
however common a term is.
"""

from __future__ import annotations

import random

import pytest
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

from index.whoosh import termpool, termtable
from index.whoosh.termpool import TermPool
from index.whoosh.termtable import TermTable


def _write(make, keys) -> bytes:
    storage = RamStorage()
    t = make(storage.create_file("t"))
    t.extras["fieldmap"] = {"body": 0}
    for i, key in enumerate(keys):
        t.add(key, b"v" * (i % 40))
    t.close()
    return storage.open_file("t").read()


@pytest.mark.parametrize("count", [0, 1, 300, 9000])
def test_the_same_bytes_as_whooshs_table(monkeypatch, count):
    """9,000 keys pass 64 KB, so the position index changes type as Whoosh's does."""
    monkeypatch.setattr(termtable, "SPILL", 128)
    rng = random.Random(count)
    keys = sorted({rng.randbytes(rng.randrange(1, 12)) for _ in range(count)})
    expected = _write(OrderedHashWriter, keys)
    assert _write(TermTable, keys) == expected
    storage = RamStorage()
    f = storage.create_file("t")
    f.write(expected)
    f.close()
    reader = OrderedHashReader.open(storage, "t")
    assert list(reader.keys()) == keys
    assert all(reader[k] == b"v" * (i % 40) for i, k in enumerate(keys))


def test_memory_held_stays_under_the_spill_limit(monkeypatch):
    monkeypatch.setattr(termtable, "SPILL", 100)
    storage = RamStorage()
    t = TermTable(storage.create_file("t"))
    held = 0
    for i in range(2_500):
        t.add(b"%08d" % i, b"x")
        held = max(held, len(t._order), sum(map(len, t._hashes)), sum(map(len, t._poses)))
    assert held < termtable.SPILL
    assert len(t) == 2_500
    t.close()


def test_a_run_chunk_is_bounded_and_cut_terms_come_back_whole(tmp_path, monkeypatch):
    """A term with far more postings than a chunk holds is cut, and rejoined in order."""
    monkeypatch.setattr(termpool, "CHUNK", 10)
    storage = FileStorage(str(tmp_path))
    pool = TermPool(storage, limitmb=0)  # every add goes to a run file
    loaded: list[int] = []
    real_load = termpool.marshal.load

    def load(f):
        chunk = real_load(f)
        loaded.append(sum(len(flat) for _, flat in chunk))
        return chunk

    monkeypatch.setattr(termpool.marshal, "load", load)
    expected: dict = {}
    for doc in range(60):
        items = [(("body", b"the"), 1.0, b"%d" % doc)]
        if doc % 7 == 0:
            items.append((("body", b"rare%d" % doc), 2.0, b""))
        for key, weight, vbytes in items:
            expected.setdefault(key, []).extend([doc, weight, vbytes])
        pool.add_many(doc, items, 1)
    assert len(pool.runs) > 1
    got = dict(pool.iter_terms())
    assert got == expected
    assert loaded and max(loaded) <= 3 * termpool.CHUNK
