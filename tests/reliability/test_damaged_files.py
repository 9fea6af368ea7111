"""Damaged index files: every search says so in one line, and doctor finds and rebuilds them.

Whoosh keeps no checksums, so each attack damages one real segment file of an archive
crawled from the sample server (truncates it, zeroes it, scribbles over or flips bytes
of it) and runs the real command against it.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from index.store import Store
from index.whoosh.writer import Indexer
from tests.reliability.harness import (
    expected_works,
    ficarchive,
    one_line_error,
    problems,
    snapshot,
)


def damage_index(archive: Path, suffix: str, how: str) -> Path:
    """Damage the index file whose name ends with `suffix` (of the largest segment, when a
    crawl's batches left several); return it."""
    found = [p for p in (archive / "index").iterdir() if p.name.endswith(suffix)]
    assert found, f"no index file ends with {suffix}"
    path = max(found, key=lambda p: (p.stat().st_size, p.name))
    data = bytearray(path.read_bytes())
    if how == "truncate":
        data = data[: len(data) // 2]
    elif how == "zero":
        data = bytearray(len(data))
    elif how == "scribble":
        rng = random.Random(1)
        for i in range(len(data) // 4, len(data) * 3 // 4):
            data[i] = rng.randrange(256)
    elif how == "flip":  # one byte in the middle: what a bad sector or a bit flip leaves
        data[len(data) // 2] ^= 0x55
    elif how == "flip a key":  # a bit flip inside one term's key (where the middle byte of
        # the term table falls moves with the schema: it may land on a byte nothing reads)
        data[data.index(b"lighthouse") + 3] ^= 0x01
    path.write_bytes(bytes(data))
    return path


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


# What made every search a Whoosh traceback: a bare Exception ("Block tag error"),
# ValueError ("bad typecode"), UnicodeDecodeError, an UnpicklingError at open.
CRASHING = [
    ("postings zeroed", ".pst", "zero"),
    ("postings truncated", ".pst", "truncate"),
    ("stored fields truncated", "._stored.col", "truncate"),
    ("work id column zeroed", ".work_id.col", "zero"),
    ("table of contents truncated", ".toc", "truncate"),
]
SEARCHES = {
    "search": ("search", "keeper"),
    "search-sorted": ("search", "tag:fluff", "--sort", "words"),
    "list": ("list",),
}


def one_line_naming_the_repair(run) -> None:
    assert run.code == 1
    line = one_line_error(run)
    assert "the search index is damaged" in line
    assert "ficarchive doctor" in line and "ficarchive index --rebuild" in line


@pytest.mark.parametrize(("suffix", "how"), [c[1:] for c in CRASHING], ids=[c[0] for c in CRASHING])
def test_a_damaged_index_file_is_one_line_from_every_search(crawled, suffix, how):
    server, config, archive = crawled
    damage_index(archive, suffix, how)
    # a listing reads no postings: damaged postings fail only the searches that read them
    searches = ("search", "search-sorted") if suffix == ".pst" else SEARCHES
    for search in searches:
        one_line_naming_the_repair(ficarchive("--config", str(config), *SEARCHES[search]))


def test_a_scribbled_column_is_one_line_from_the_searches_that_read_it(crawled):
    """Work ids that no longer decode: a plain search may miss them, a listing reads them all."""
    server, config, archive = crawled
    damage_index(archive, ".work_id.col", "scribble")
    for search in ("search-sorted", "list"):
        one_line_naming_the_repair(ficarchive("--config", str(config), *SEARCHES[search]))


# Damage no search trips over (a wrong length, a wrong weight in the term table, garbage
# where a posting list was) still ranks wrongly or silently misses works: doctor must see it.
SILENT = [
    ("length column truncated", "._body_len.col", "truncate"),
    ("length column flipped", "._title_len.col", "flip"),
    ("postings scribbled", ".pst", "scribble"),
    ("term table flipped", ".trm", "flip a key"),
    ("chapter column flipped", ".chapter.col", "flip"),
    ("work id column scribbled", ".work_id.col", "scribble"),
    ("stored fields truncated", "._stored.col", "truncate"),
    ("table of contents truncated", ".toc", "truncate"),
]


@pytest.mark.parametrize(("suffix", "how"), [c[1:] for c in SILENT], ids=[c[0] for c in SILENT])
def test_doctor_reads_every_segment_and_rebuilds_a_damaged_one(crawled, suffix, how):
    server, config, archive = crawled
    damage_index(archive, suffix, how)
    before = digest(archive / "index")

    run = ficarchive("--config", str(config), "doctor", "--check-only", "--json")
    assert run.code == 1 and "Traceback" not in run.err, run.err
    report = json.loads(run.out)
    assert not report["healthy"] and not any(c["repaired"] for c in report["checks"])
    files = next(c for c in report["checks"] if c["name"] == "index files")
    assert not files["ok"] and "the index is damaged" in files["detail"]
    assert digest(archive / "index") == before  # --check-only wrote nothing

    run = ficarchive("--config", str(config), "doctor", "--json")
    assert run.code == 0 and json.loads(run.out)["healthy"], run.out + run.err
    assert problems(snapshot(archive), expected_works(server.works)) == []
    assert Indexer(archive).verify() == []


def test_doctor_passes_an_index_of_many_commits_and_deletions(crawled):
    """No false alarm: segments with deleted documents, merged or not, read whole."""
    server, config, archive = crawled
    with Store(archive) as store:
        ids = store.work_ids()
        for n in range(8):
            work = store.get_work(ids[n % 3])
            work.chapters[0].blocks[0].text += f" A sentence added, number {n}."
            Indexer(archive).update([work], remove=[ids[-1]] if n == 5 else [])
            assert Indexer(archive).verify() == []
    run = ficarchive("--config", str(config), "doctor", "--check-only", "--json")
    files = next(c for c in json.loads(run.out)["checks"] if c["name"] == "index files")
    assert files["ok"], files


def test_an_import_into_a_damaged_index_keeps_the_work_and_says_doctor(crawled, tmp_path):
    server, config, archive = crawled
    damage_index(archive, ".pst", "zero")
    story = tmp_path / "story.txt"
    story.write_text("A Lighthouse Story\n\nThe keeper wrote it all down, night after night.\n")
    run = ficarchive("--config", str(config), "import", str(story))
    assert "Traceback" not in run.err, run.err
    if run.code:
        assert "ficarchive doctor" in one_line_error(run)
    assert ficarchive("--config", str(config), "doctor").code == 0
    listed = ficarchive("--config", str(config), "search", "lighthouse", "--json")
    assert listed.code == 0 and listed.json_lines(), listed.err
