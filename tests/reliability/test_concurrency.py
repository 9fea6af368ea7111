"""Two processes on one archive: one crawl at a time, and reading never waits for it."""

from __future__ import annotations

import json

from index.lock import lock_holder
from search_cli.demo import sample_works
from tests.reliability.harness import (
    expected_works,
    ficarchive,
    kill,
    one_line_error,
    pause_at,
    problems,
    snapshot,
    start,
    wait_for,
    with_new_chapter,
    write_config,
)


def test_while_a_crawl_runs(crawled, tmp_path):
    """A second crawl is refused, doctor repairs nothing, and reading goes on as usual."""
    server, config, archive = crawled
    for n, work in enumerate(server.works):
        if work.state == "ok":
            server.update_work(work.work_id, with_new_chapter(work, n))
    # Every work rewritten; the server holds the crawl's first work request until the
    # reads below have run, so they overlap it however slow this machine is.
    write_config(tmp_path, server.base_url, delay=0.05, read_timeout=600.0)
    gate = server.archive.hold("/works/")
    crawl = start("--config", str(config), "crawl", stderr_path=tmp_path / "crawl.err")
    try:
        assert wait_for(lambda: lock_holder(archive) == crawl.pid, timeout=60)
        assert wait_for(lambda: any(r.path.startswith("/works/") for r in server.requests), 60)

        second = ficarchive("--config", str(config), "crawl")
        assert second.code == 1
        line = one_line_error(second)
        assert f"pid {crawl.pid}" in line and "already running" in line

        run = ficarchive("--config", str(config), "doctor", "--json")
        assert "Traceback" not in run.err
        agree = next(
            c for c in json.loads(run.out)["checks"] if c["name"] == "index and store agree"
        )
        assert not agree["ok"] and not agree["repaired"]
        assert f"pid {crawl.pid}" in agree["detail"]

        read_everything(config, tmp_path / "export-held")  # the crawl is waiting on the server
        assert crawl.poll() is None
        gate.set()
        rounds = 0
        # Reads while the crawl writes: at least one round, at most three (on a slow
        # machine the crawl outlasts many rounds, and more prove nothing new).
        while rounds < 1 or (crawl.poll() is None and rounds < 3):
            read_everything(config, tmp_path / f"export-{rounds}")
            rounds += 1
        crawl.wait(timeout=300)
    finally:
        gate.set()  # never leave the shared server holding requests
        if crawl.poll() is None:
            kill(crawl)
    assert crawl.returncode == 0, (tmp_path / "crawl.err").read_text()
    assert problems(snapshot(archive), expected_works(server.works)) == []


def read_everything(config, out) -> None:
    work_id = f"ao3:{sample_works.LIGHTHOUSE.work_id}"
    found = ficarchive("--config", str(config), "search", "keeper", "--json")
    assert found.code == 0, found.err
    assert work_id in {h["id"] for h in found.json_lines()}
    shown = ficarchive("--config", str(config), "show", work_id, "--json")
    assert shown.code == 0, shown.err
    assert shown.json()["title"] == sample_works.LIGHTHOUSE.title
    exported = ficarchive(
        "--config", str(config), "export", "--id", work_id, "-f", "html", "-o", str(out)
    )
    assert exported.code == 0, exported.err
    assert sample_works.LIGHTHOUSE.title in next(out.glob("*.html")).read_text()
    listed = ficarchive("--config", str(config), "list", "--json")
    assert listed.code == 0 and len(listed.json_lines()) == 12, listed.err


def test_an_index_writer_waits_for_another_instead_of_failing(crawled, tmp_path):
    server, config, archive = crawled
    holder = pause_at("index-before-toc", config, "index", "--rebuild")
    try:
        # `remove` has to write the index too; while the rebuild holds the writer
        # lock it waits (Whoosh alone would raise LockError at once).
        victim = f"ao3:{sample_works.LIGHTHOUSE.work_id}"
        busy = tmp_path / "remove-found-the-lock-taken"
        remove = start(
            "--config",
            str(config),
            "remove",
            "--yes",
            victim,
            stderr_path=tmp_path / "rm.err",
            hook=("--note", "index-lock-busy", "--flag", str(busy)),
        )
        # Paced by the process itself: once it has found the lock taken, it is waiting.
        assert wait_for(lambda: busy.exists() or remove.poll() is not None, timeout=60)
        assert busy.exists() and remove.poll() is None, (tmp_path / "rm.err").read_text()
    finally:
        kill(holder)
    assert remove.wait(timeout=60) == 0, (tmp_path / "rm.err").read_text()
    expected = expected_works(server.works)
    del expected[victim]
    assert problems(snapshot(archive), expected) == []
