"""`ficarchive doctor` on archives hurt in ways a crash cannot: a damaged store file and an
index that holds a work twice. It repairs what is safe and never writes to a damaged store.
"""

from __future__ import annotations

import hashlib
import json
import os
import random

import pytest

from index.store import STORE_FILE, Store
from index.whoosh.schema import chapter_docs
from index.whoosh.writer import Indexer
from tests.reliability.harness import expected_works, ficarchive, one_line_error, problems, snapshot


def damage_store(archive) -> str:
    """Scribble over the b-tree pages after the schema page; return the file's digest."""
    path = archive / STORE_FILE
    rng = random.Random(3)
    with path.open("r+b") as f:
        for page in range(2, 7):
            f.seek(4096 * (page - 1) + 8)
            f.write(rng.randbytes(4000))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def damaged(crawled):
    server, config, archive = crawled
    for leftover in ("-wal", "-shm"):
        assert not os.path.exists(f"{archive / STORE_FILE}{leftover}")
    return config, archive, damage_store(archive)


@pytest.mark.parametrize(
    "args",
    [("show", "ao3:71000001"), ("search", "keeper"), ("stats",), ("crawl",), ("export", "keeper")],
    ids=["show", "search", "stats", "crawl", "export"],
)
def test_a_damaged_store_is_one_line_from_every_command(damaged, args):
    config, archive, _ = damaged
    run = ficarchive("--config", str(config), *args)
    assert run.code == 1
    line = one_line_error(run)
    assert "the archive store is damaged" in line and "doctor" in line


def test_doctor_says_what_is_wrong_and_writes_nothing(damaged):
    config, archive, digest = damaged
    for args in (("--check-only",), ()):
        run = ficarchive("--config", str(config), "doctor", *args, "--json")
        assert run.code == 1 and "Traceback" not in run.err, run.err
        report = json.loads(run.out)
        integrity = report["checks"][0]
        assert integrity["name"] == "store integrity" and not integrity["ok"]
        assert "damaged" in integrity["detail"] and "nothing repaired" in integrity["detail"]
        assert not any(c["repaired"] for c in report["checks"])
    path = archive / STORE_FILE
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_doctor_finds_and_repairs_a_work_indexed_twice(crawled):
    server, config, archive = crawled
    work_id = "ao3:71000001"
    with Store(archive) as store:
        work = store.get_work(work_id)
    ix = Indexer(archive).open()
    writer = ix.writer()
    for doc in chapter_docs(work):  # added again, without deleting the first copy
        writer.add_document(**doc)
    writer.commit()
    ix.close()
    assert problems(snapshot(archive), expected_works(server.works)) != []

    report = json.loads(ficarchive("--config", str(config), "doctor", "--check-only", "--json").out)
    agree = next(c for c in report["checks"] if c["name"] == "index and store agree")
    assert not agree["ok"] and "1 with chapters indexed more or fewer times" in agree["detail"]
    run = ficarchive("--config", str(config), "doctor", "--json")
    assert run.code == 0 and json.loads(run.out)["healthy"], run.out
    assert problems(snapshot(archive), expected_works(server.works)) == []
