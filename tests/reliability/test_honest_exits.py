"""A crawl that could not do its work says so in one line and exits 1; the politeness
rules working (robots.txt disallowing a work) are said, not counted as failures.

Each test runs the real CLI against a real server on 127.0.0.1 (or a port where
nothing listens) and fails on the code from before these rules.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from search_cli.demo import ao3_markup, sample_works
from tests.cli import ficarchive
from tests.servers import Reply, ScriptedServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
LISTING = "/tags/Fluff/works"
WORK = sample_works.LIGHTHOUSE


def config(tmp: Path, base_url: str, start: str = LISTING, **politeness) -> Path:
    pol = {"delay_seconds": 0, "max_retries": 0, "backoff_base_seconds": 0.01} | politeness
    lines = "\n".join(f"{k} = {v!r}".replace("'", '"').replace("False", "false").replace(
        "True", "true") for k, v in pol.items())  # fmt: skip
    path = tmp / "config.toml"
    path.write_text(
        f'[archive]\npath = "archive"\ncontact = "tests@example.org"\n'
        f"[politeness]\n{lines}\n"
        f'[sites.ao3]\nbase_url = "{base_url}"\ndelay_seconds = 0\n'
        f'[[sources]]\nname = "s"\nsite = "ao3"\nstart = ["{start}"]\n',
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listing(*work_ids: int) -> bytes:
    blurbs = "".join(
        f'<li class="work blurb group"><div class="header module"><h4 class="heading">'
        f'<a href="/works/{i}">Work {i}</a></h4></div></li>'
        for i in work_ids
    )
    return f'<html><body><ol class="work index group">{blurbs}</ol></body></html>'.encode()


def test_connection_refused_is_exit_1_and_says_nothing_was_crawled(tmp_path):
    run = ficarchive("--config", str(config(tmp_path, f"http://127.0.0.1:{free_port()}")), "crawl")
    assert run.code == 1, run
    assert "nothing crawled" in run.err and "Traceback" not in run.err
    assert "127.0.0.1" in run.err


def test_robots_txt_500_is_exit_1(tmp_path):
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply(500, {"Content-Type": "text/plain"}, b"oops"))
        run = ficarchive("--config", str(config(tmp_path, srv.base_url)), "crawl")
        assert srv.paths() == ["/robots.txt"]  # robots.txt unreadable: nothing else asked
    assert run.code == 1 and "nothing crawled" in run.err, run


def test_a_listing_answering_429_forever_is_exit_1(tmp_path):
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        srv.route(LISTING, *[Reply(429, {"Retry-After": "0"}, b"slow down")] * 20)
        run = ficarchive("--config", str(config(tmp_path, srv.base_url)), "crawl", "--json")
    assert run.code == 1, run
    assert run.err.count("nothing crawled") == 0  # --json: the line is in the JSON
    assert any("nothing crawled" in e for e in json.loads(run.out)["errors"])


def test_a_start_url_off_the_site_is_exit_1(tmp_path):
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        off = "https://elsewhere.example.org/tags/Fluff/works"
        run = ficarchive("--config", str(config(tmp_path, srv.base_url, start=off)), "crawl")
        assert all(not p.startswith("/tags") for p in srv.paths())
    assert run.code == 1 and "nothing crawled" in run.err, run


def test_a_work_robots_txt_disallows_is_skipped_with_exit_0(tmp_path):
    page = ao3_markup.work_page(WORK, None).encode()
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /works/2\n"))
        srv.route(LISTING, Reply(200, HTML, listing(WORK.work_id, 2)))
        srv.route(f"/works/{WORK.work_id}", Reply(200, HTML, page))
        run = ficarchive("--config", str(config(tmp_path, srv.base_url)), "crawl", "--json")
        assert "/works/2" not in srv.paths()
    assert run.code == 0, run
    works = {w["id"]: w for w in json.loads(run.out)["works"]}
    assert works["ao3:2"]["result"] == "skipped"
    assert "robots.txt" in works["ao3:2"]["reason"]
    assert works[f"ao3:{WORK.work_id}"]["result"] == "new"


def test_a_304_for_a_work_never_stored_is_a_failure_not_unchanged(tmp_path):
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        srv.route(f"/works/{WORK.work_id}", Reply(304))
        cfg = config(tmp_path, srv.base_url)
        run = ficarchive("--config", str(cfg), "add", srv.url(f"/works/{WORK.work_id}"), "--json")
    assert run.code == 1, run
    (work,) = json.loads(run.out)["works"]
    assert work["result"] == "failed" and "never stored" in work["reason"]


def test_add_of_a_named_adult_work_not_archived_is_exit_1(tmp_path):
    work = next(w for w in sample_works.WORKS if w.state == "adult")
    from search_cli.demo.server import SampleArchiveServer

    with SampleArchiveServer() as server:
        path = tmp_path / "config.toml"
        path.write_text(
            f'[archive]\npath = "archive"\ncontact = "t@example.org"\n'
            f"[politeness]\ndelay_seconds = 0\nmax_retries = 0\n"
            f'[sites.ao3]\nbase_url = "{server.base_url}"\ndelay_seconds = 0\n',
            encoding="utf-8",
        )
        run = ficarchive("--config", str(path), "add", f"{server.base_url}/works/{work.work_id}")
    assert run.code == 1, run
    assert "allow_adult" in run.out + run.err


def test_a_host_failing_forever_is_given_up_and_its_works_left_pending(tmp_path):
    ids = list(range(1001, 1021))
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        srv.route(LISTING, Reply(200, HTML, listing(*ids)))
        for i in ids:
            srv.route(f"/works/{i}", Reply(503, {"Retry-After": "0"}, b"down"))
        cfg = config(tmp_path, srv.base_url, give_up_after_failures=3)
        run = ficarchive("--config", str(cfg), "crawl", "--json")
        asked = [p for p in srv.paths() if p.startswith("/works/")]
    assert run.code == 1, run
    report = json.loads(run.out)
    assert len(asked) == 3  # three failures in a row, then nothing more to that host
    pending, failed = report["counts"]["pending"], report["counts"]["failed"]
    assert pending + failed == 20 and pending >= 17  # never asked: left for the next run
    assert any("given up" in e and f"{pending} work(s) left" in e for e in report["errors"])
