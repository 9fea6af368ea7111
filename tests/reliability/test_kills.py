"""SIGKILL a crawl anywhere: run again and nothing is lost, doubled or broken.

Kills land at random moments (seeded) and, for the moments that matter most,
exactly there: inside a store transaction and at each step of an index commit.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index.lock import LOCK_FILE
from index.whoosh.writer import Indexer
from search_cli.demo import sample_works
from tests.reliability.harness import (
    ROOT,
    expected_works,
    ficarchive,
    kill,
    pause_at,
    problems,
    snapshot,
    with_new_chapter,
)
from tests.reliability.killing import run_archive

SEED = 20240607
# 12 kills in all, each at a chosen request of a running crawl (tests/reliability/killing.py);
# `make soak` runs 100 and more.
ARCHIVES, TRIALS_EACH = 4, 3


def test_random_sigkills_lose_and_double_nothing(tmp_path):
    # The archives run side by side, as `make soak --jobs` runs them: each crawl spends
    # most of its life waiting out the politeness delay, so four at once take about the
    # wall time of one, and each archive keeps its own seeded moments and its own server.
    def one(i: int):
        return run_archive(tmp_path / f"archive-{i}", TRIALS_EACH, random.Random(SEED + i))

    with ThreadPoolExecutor(max_workers=ARCHIVES) as pool:
        runs = list(pool.map(one, range(ARCHIVES)))
    assert sum(len(r.trials) for r in runs) == ARCHIVES * TRIALS_EACH
    # The kills must have hit running crawls, or this proves nothing. Paced by the
    # server's log, a kill misses only a crawl that ended within its last moments.
    assert sum(r.killed for r in runs) >= 9, [t for r in runs for t in r.trials]
    for run in runs:
        assert run.final_code == 0, run.final_err
        assert run.integrity_failures == 0, run.trials
        assert run.lost == set()
        assert run.problems == []
        assert run.works_found == len(run.expected) == 12
        assert run.doctor.get("healthy") is True, run.doctor


# --- kills at chosen moments -----------------------------------------------------------


def kill_at(point: str, config: Path, *args: str, nth: int = 1) -> int:
    """Run `ficarchive args` until it reaches `point`, SIGKILL it there; return its pid."""
    proc = pause_at(point, config, *args, nth=nth)
    kill(proc)
    return proc.pid


def doctor(config: Path, *args: str) -> dict:
    run = ficarchive("--config", str(config), "doctor", *args, "--json")
    assert "Traceback" not in run.err, run.err
    report = json.loads(run.out)
    assert run.code == (0 if report["healthy"] else 1)
    return report


def check(report: dict, name: str) -> dict:
    return next(c for c in report["checks"] if c["name"] == name)


@pytest.mark.parametrize("point", ["index-segment", "index-before-toc", "index-after-toc"])
def test_kill_during_an_index_commit(crawled, point):
    server, config, archive = crawled
    before = {doc for _, doc in snapshot(archive).docs}
    for work in sample_works.WORKS[:3]:
        server.update_work(work.work_id, with_new_chapter(work, 1))
    pid = kill_at(point, config, "crawl")

    # The index still opens and searches, with the old generation or the new one.
    after = snapshot(archive)
    assert after.ok and not after.index_error
    docs = {doc for _, doc in after.docs}
    new_docs = {f"ao3:{w.work_id}#{len(w.chapters) + 1}" for w in sample_works.WORKS[:3]}
    assert docs == (before | new_docs if point == "index-after-toc" else before)
    hits = ficarchive("--config", str(config), "search", "keeper", "--json")
    assert hits.code == 0, hits.err
    assert f"ao3:{sample_works.LIGHTHOUSE.work_id}" in {h["id"] for h in hits.json_lines()}

    # What the dead process left is seen for what it is...
    report = doctor(config, "--check-only")
    assert not report["healthy"]
    assert str(pid) in check(report, "crawl lock")["detail"]
    assert not check(report, "index and store agree")["ok"]
    if point != "index-after-toc":
        assert not check(report, "index leftovers")["ok"]  # the half-made segment
    # ...and the next crawl takes over both locks and catches the index up.
    run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    assert f"pid {pid}" in run.err and "cleared" in run.err
    assert problems(snapshot(archive), expected_works(server.works)) == []
    assert (archive / LOCK_FILE).read_text() == ""
    assert doctor(config, "--check-only")["healthy"]


def test_kill_during_a_rebuild_keeps_the_old_index(crawled):
    server, config, archive = crawled
    before = snapshot(archive).docs
    assert len({w for w, _ in before}) == 12
    kill_at("index-before-toc", config, "index", "--rebuild")
    # Until a rebuild commits, searches see the whole old index, never an empty one.
    assert sorted(snapshot(archive).docs) == sorted(before)
    run = ficarchive("--config", str(config), "search", "keeper", "--json")
    assert run.code == 0 and run.json_lines(), run.err
    assert leftovers(archive), "the killed rebuild's segment is there to be found"
    report = doctor(config)
    assert report["healthy"] and check(report, "index leftovers")["repaired"]
    assert leftovers(archive) == []
    assert problems(snapshot(archive), expected_works(server.works)) == []


def leftovers(archive: Path) -> list[str]:
    return [p.name for p in Indexer(archive).leftovers()]


def test_kill_inside_a_store_transaction_keeps_the_old_work(crawled):
    server, config, archive = crawled
    changed = [w for w in sample_works.WORKS if w.state == "ok"][:3]
    for work in changed:
        server.update_work(work.work_id, with_new_chapter(work, 2))
    before = snapshot(archive)
    pid = kill_at("store-in-transaction", config, "crawl", nth=2)

    after = snapshot(archive)
    assert after.ok
    # One work was committed whole, the second was being written: it is its old self,
    # chapters, raw pages and all; no work is lost or half written.
    assert set(after.works) == set(before.works)
    grown = [w for w in after.works if after.works[w] != before.works[w]]
    assert len(grown) == 1
    assert all(after.raw_pages[w] == before.raw_pages[w] for w in after.works if w not in grown)
    assert (archive / LOCK_FILE).read_text() == str(pid)

    run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    assert problems(snapshot(archive), expected_works(server.works)) == []


def test_a_stale_crawl_lock_is_cleared_and_a_live_one_never(crawled):
    server, config, archive = crawled
    holder = start_lock_holder(archive)
    try:
        run = ficarchive("--config", str(config), "crawl")
        assert run.code == 1, run.err
        assert f"pid {holder.pid}" in run.err and "already running" in run.err
        assert (archive / LOCK_FILE).read_text() == str(holder.pid)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    # The holder died without a word: its pid is still in the file, its lock is not.
    assert (archive / LOCK_FILE).read_text() == str(holder.pid)
    report = doctor(config, "--check-only")
    assert str(holder.pid) in check(report, "crawl lock")["detail"]
    run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    assert f"pid {holder.pid}" in run.err and "cleared" in run.err
    assert (archive / LOCK_FILE).read_text() == ""
    assert problems(snapshot(archive), expected_works(server.works)) == []


def start_lock_holder(archive: Path) -> subprocess.Popen:
    """Another process holding the crawl lock the way a crawl does."""
    code = (
        "import sys, time; from pathlib import Path; from index.lock import crawl_lock\n"
        "with crawl_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True); time.sleep(120)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(archive)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_an_index_lost_entirely_comes_back_on_the_next_run(crawled):
    server, config, archive = crawled
    shutil.rmtree(archive / "index")
    run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    assert problems(snapshot(archive), expected_works(server.works)) == []
