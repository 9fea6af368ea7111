"""Whole crawls through the archive's front door (index.archive.Archive) against the sample archive on
127.0.0.1: every kind of AO3 listing, the listing-page limit, what a re-crawl
costs (counted by the server), and what the crawl does when the server
misbehaves. Timing claims are read off the server's own request log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.config import Config, parse_config
from index.archive import Archive
from index.reports import Report
from index.store import Store
from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.generated import generate_works, revised
from search_cli.demo.server import SampleArchiveServer
from tests.servers import clear_proxies

LISTING = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def config(tmp: Path, base_url: str, start: str, **politeness: Any) -> Config:
    pol = {"delay_seconds": 0.01, "jitter": 0.0, "max_retries": 2} | politeness
    return parse_config(
        {
            "archive": {"path": str(tmp / "archive"), "contact": "tests@example.org"},
            "politeness": pol,
            "sites": {"ao3": {"base_url": base_url, "allow_adult": True}},
            "sources": [{"name": "s", "site": "ao3", "start": [start]}],
        }
    )


def crawl(cfg: Config) -> Report:
    with Archive(cfg) as archive:
        return archive.crawl(cfg.sources)


def results(report: Report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in report.outcomes:
        out.setdefault(o.result, []).append(o.id)
    return out


def paths(server: SampleArchiveServer) -> list[str]:
    return [r.path for r in server.requests]


@pytest.fixture
def generated() -> Iterator[SampleArchiveServer]:
    """30 generated works (all readable), 10 to a listing page."""
    with SampleArchiveServer(generate_works(30), per_page=10) as server:
        yield server


# --- every kind of listing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("/users/inkwell_and_fog/works", ["71000014", "71000001", "71000010"]),
        ("/users/marginalia/bookmarks", ["71000013", "71000008", "71000001"]),
        ("/series/4100001", ["71000001", "71000010"]),
        ("/collections/SampleArchiveWeek2024/works", ["71000003", "71000011", "71000002"]),
    ],
    ids=["user-works", "user-bookmarks", "series", "collection"],
)
def test_a_crawl_from_each_kind_of_listing(tmp_path, start, expected):
    with SampleArchiveServer() as server:
        report = crawl(config(tmp_path, server.base_url, start))
        sent = paths(server)
    assert [o.id for o in report.outcomes] == [f"ao3:{i}" for i in expected]
    assert "failed" not in results(report)
    # robots.txt, the one listing page, then one request per work (a locked work's
    # request is redirected to the login page, which the fetcher follows and reports)
    assert sent[:2] == ["/robots.txt", start]
    works = [p.split("?")[0] for p in sent[2:] if not p.startswith("/users/login")]
    assert works == [f"/works/{i}" for i in expected]


def test_pagination_is_followed_only_up_to_max_listing_pages(tmp_path, generated):
    report = crawl(config(tmp_path, generated.base_url, LISTING, max_listing_pages=2))
    listings = [p for p in paths(generated) if p.startswith("/tags/")]
    assert listings == [LISTING, f"{LISTING}?page=2"]
    assert len(report.outcomes) == 20  # two pages of ten


# --- what a re-crawl costs ------------------------------------------------------------------


def test_recrawl_of_an_unchanged_archive_sends_only_listing_requests(tmp_path, generated):
    cfg = config(tmp_path, generated.base_url, LISTING)
    first = crawl(cfg)
    assert results(first) == {"new": [o.id for o in first.outcomes]}
    assert len(first.outcomes) == 30
    generated.clear_log()
    second = crawl(cfg)
    assert set(results(second)) == {"unchanged"}
    assert paths(generated) == ["/robots.txt", LISTING, f"{LISTING}?page=2", f"{LISTING}?page=3"]
    assert second.requests == 4


def test_recrawl_after_some_works_changed_fetches_exactly_those(tmp_path, generated):
    cfg = config(tmp_path, generated.base_url, LISTING)
    crawl(cfg)
    changed = list(generated.works)[::10]  # 3 of 30
    for work in changed:
        generated.update_work(work.work_id, revised(work, "2025-06-01"))
    generated.clear_log()
    report = crawl(cfg)
    assert sorted(results(report)["updated"]) == sorted(f"ao3:{w.work_id}" for w in changed)
    fetched = sorted(p.split("?")[0] for p in paths(generated) if p.startswith("/works/"))
    assert fetched == sorted(f"/works/{w.work_id}" for w in changed)
    with Store(cfg.archive_dir) as store:
        for work in changed:
            stored = store.get_work(f"ao3:{work.work_id}")
            assert stored is not None and len(stored.chapters) == len(work.chapters) + 1


# --- politeness, proved by the server's clock ---------------------------------------------------


def test_a_crawl_keeps_the_delay_between_requests(tmp_path, generated):
    delay, jitter = 0.05, 0.5
    crawl(config(tmp_path, generated.base_url, LISTING, delay_seconds=delay, jitter=jitter))
    starts = [r.time for r in generated.requests]
    assert len(starts) == 1 + 3 + 30
    # start to start is at least the end-to-start gap the throttle keeps
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= delay * (1 - jitter)


def test_a_429_with_retry_after_mid_crawl_is_waited_out_and_the_crawl_completes(
    tmp_path, generated
):
    target = f"/works/{generated.works[4].work_id}?"
    generated.fail_next(429, {"Retry-After": "1"}, path=target)
    report = crawl(config(tmp_path, generated.base_url, LISTING))
    assert len(results(report)["new"]) == 30
    asked = [r for r in generated.requests if r.path.startswith(target)]
    assert len(asked) == 2
    later = [r for r in generated.requests if r.time > asked[0].time]
    assert later[0] is asked[1]  # nothing else was sent to the host meanwhile
    assert asked[1].time - asked[0].time >= 1.0


def test_a_work_that_keeps_answering_503_fails_with_its_reason_and_the_crawl_goes_on(
    tmp_path, generated
):
    bad = generated.works[7].work_id
    for _ in range(3):  # the first try and both retries
        generated.fail_next(503, path=f"/works/{bad}?")
    report = crawl(config(tmp_path, generated.base_url, LISTING, backoff_base_seconds=0.01))
    outcome = {o.id: o for o in report.outcomes}[f"ao3:{bad}"]
    assert outcome.result == "failed" and "503" in outcome.reason
    assert len(results(report)["new"]) == 29
    assert report.exit_code == 1


# --- never lose what was fetched ----------------------------------------------------------------


def test_a_cut_off_refetch_fails_and_keeps_the_stored_copy(tmp_path, generated):
    cfg = config(tmp_path, generated.base_url, LISTING)
    crawl(cfg)
    work = generated.works[2]
    work_id = f"ao3:{work.work_id}"
    with Store(cfg.archive_dir) as store:
        before = store.get_work(work_id).to_dict()
    generated.update_work(work.work_id, revised(work, "2025-06-01"))
    generated.truncate_next(f"/works/{work.work_id}?")
    report = crawl(cfg)
    outcome = {o.id: o for o in report.outcomes}[work_id]
    assert outcome.result == "failed" and "cut off" in outcome.reason
    with Store(cfg.archive_dir) as store:
        assert store.get_work(work_id).to_dict() == before
    # and the next crawl, with the whole page, brings the new chapter in
    report = crawl(cfg)
    assert {o.id: o.result for o in report.outcomes}[work_id] == "updated"


def test_a_challenge_is_reported_and_the_host_gets_nothing_more_this_run(tmp_path, generated):
    order = [
        f"ao3:{w.work_id}"
        for w in sorted(generated.works, key=lambda w: (w.revised, w.work_id), reverse=True)
    ]
    walled = order[5].split(":")[1]
    generated.fail_next(403, {"cf-mitigated": "challenge"}, path=f"/works/{walled}?")
    report = crawl(config(tmp_path, generated.base_url, LISTING))
    outcomes = [(o.id, o.result) for o in report.outcomes]
    assert outcomes[:5] == [(i, "new") for i in order[:5]]
    assert all(result == "failed" for _, result in outcomes[5:])
    reasons = [o.reason for o in report.outcomes[5:]]
    assert "bot challenge" in reasons[0] and all("not asked" in r for r in reasons[1:])
    sent = [p for p in paths(generated) if p.startswith("/works/")]
    assert len(sent) == 6 and sent[-1].startswith(f"/works/{walled}?")


def test_a_crawl_parsing_in_its_worker_stores_what_an_inline_crawl_stores(
    tmp_path, generated, monkeypatch
):
    """With a wait to fill, a work is parsed by the worker while the next is fetched:
    the same outcomes in the same order, the same stored works, one request at a time."""
    import threading

    from crawler.sites.ao3 import AO3Adapter
    from index import archive as archive_module

    reports, stored, threads = {}, {}, set()
    real = AO3Adapter.parse_work

    def parse_work(self, pages):
        threads.add(threading.current_thread().name)
        return real(self, pages)

    monkeypatch.setattr(AO3Adapter, "parse_work", parse_work)
    for how, least in (("inline", 1e9), ("worker", 0.0)):
        monkeypatch.setattr(archive_module, "OVERLAP_MIN_DELAY", least)
        generated.clear_log()
        cfg = config(tmp_path / how, generated.base_url, LISTING)
        with Archive(cfg) as archive:
            reports[how] = archive.crawl(cfg.sources)
            stored[how] = [archive.store.get_work(o.id) for o in reports[how].outcomes]
        assert len(paths(generated)) == 1 + 3 + 30  # robots.txt, listing pages, works
    assert any(name.startswith("parse") for name in threads)
    assert [(o.id, o.result) for o in reports["worker"].outcomes] == [
        (o.id, o.result) for o in reports["inline"].outcomes
    ]
    assert results(reports["worker"]) == {"new": [o.id for o in reports["inline"].outcomes]}
    assert stored["worker"] == stored["inline"]
