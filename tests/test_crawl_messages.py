"""What a crawl says while it runs and when it ends (issue 20, crawling): --dry-run names
the works by their listed titles, a 429 is explained and counted down, the summary says
the host throttled the crawl, and the politeness bound reads as a total.

Crawls talk HTTP to the sample archive server on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.config import parse_config
from index.archive import Archive
from index.reports import Progress, Report
from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.generated import generate_works
from search_cli.demo.run import demo_config_text
from search_cli.demo.server import SampleArchiveServer
from tests.cli import ficarchive
from tests.servers import clear_proxies

LISTING = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def test_dry_run_lists_each_work_by_its_title_from_the_listing(tmp_path: Path) -> None:
    with SampleArchiveServer() as server:
        config = tmp_path / "config.toml"
        text = demo_config_text(server.base_url, quote(sample_works.LISTING_TAG))
        no_contact = "\n".join(line for line in text.splitlines() if "contact =" not in line)
        config.write_text(no_contact)
        run = ficarchive("--config", str(config), "crawl", "--dry-run")
        as_json = ficarchive("--config", str(config), "crawl", "--dry-run", "--json")
        asked = [r.path for r in server.requests]
    assert run.code == 0, run.err
    # what to do about the missing contact, exactly: the key, its table, the file
    assert 'add contact = "you@example.org"' in run.err and str(config) in run.err
    assert not any(p.startswith("/works/") for p in asked)  # listings only
    listed = [w for w in sample_works.WORKS if w.title]
    assert listed
    for work in listed:
        line = next(line for line in run.out.splitlines() if f"/works/{work.work_id}" in line)
        assert work.title in line, line
    planned = as_json.json()["planned_works"]
    assert [p["url"] for p in planned] == as_json.json()["planned"]  # the promised list stays
    titles = {p["title"] for p in planned}
    assert {w.title for w in listed} <= titles


class Heard(Progress):
    def __init__(self) -> None:
        self.waits: list[tuple[float, str, str]] = []

    def waiting(self, seconds: float, host: str, reason: str = "") -> None:
        self.waits.append((seconds, host, reason))


def test_a_429_is_explained_counted_down_and_named_in_the_summary(tmp_path: Path) -> None:
    with SampleArchiveServer(generate_works(4), per_page=10) as server:
        target = f"/works/{server.works[1].work_id}?"
        server.fail_next(429, {"Retry-After": "3"}, path=target)
        config = parse_config(
            {
                "archive": {"path": str(tmp_path / "archive"), "contact": "tests@example.org"},
                "politeness": {"delay_seconds": 0.01, "jitter": 0.0, "max_retries": 2},
                "sites": {"ao3": {"base_url": server.base_url}},
                "sources": [{"name": "s", "site": "ao3", "start": [LISTING]}],
            }
        )
        heard = Heard()
        with Archive(config, progress=heard) as archive:
            report = archive.crawl(config.sources)
        asked = [r for r in server.requests if r.path.startswith(target)]
    assert len(asked) == 2 and report.counts()["new"] == 4
    told = [(round(s), reason) for s, _, reason in heard.waits if reason]
    assert told[:3] == [(3, "asked us to wait (429)"), (2, "asked us to wait (429)"),
                        (1, "asked us to wait (429)")]  # fmt: skip
    assert all(reason == "" for s, _, reason in heard.waits if s < 0.5)  # ordinary pacing
    host = heard.waits[0][1]
    note = next(n for n in report.notes if "throttled the crawl" in n)
    assert note.startswith(f"{host} throttled the crawl") and "1 time(s)" in note
    assert "3 s of waiting" in note


def test_the_politeness_bound_reads_as_a_total_not_as_each_gap() -> None:
    line = Report(requests=18, bound=17.0, elapsed=21.0).politeness_line()
    assert "17 s in all" in line and "17 pause(s)" in line and "1.0 s each" in line
    assert "required 17 s between requests" not in line


def test_add_of_an_adult_work_is_exit_1_and_a_crawl_that_skips_one_is_exit_0(tmp_path):
    """An explicit request not carried out is a failure; a listing's skip is not."""
    adult = next(w for w in sample_works.WORKS if w.state == "adult")
    with SampleArchiveServer() as server:
        config = tmp_path / "config.toml"
        text = demo_config_text(server.base_url, quote(sample_works.LISTING_TAG))
        config.write_text(text.replace("allow_adult = true", "allow_adult = false"))
        added = ficarchive(
            "--config", str(config), "add", f"{server.base_url}/works/{adult.work_id}"
        )
        crawled = ficarchive("--config", str(config), "crawl", "--json")
    assert added.code == 1, added.out + added.err
    assert "allow_adult" in added.out + added.err
    assert crawled.code == 0, crawled.err
    skipped = [w for w in crawled.json()["works"] if w["result"] == "skipped"]
    assert f"ao3:{adult.work_id}" in [w["id"] for w in skipped]
