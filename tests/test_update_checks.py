"""`update` against the AO3-shaped sample server on 127.0.0.1: which works it
chooses, the cheap checks (an author's works listing tells for many works at
once), the plan's estimate against what ran, and a budget that stops and resumes.
Every request count is the server's own log."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import Config, parse_config
from index.archive import Archive
from index.planning import Budget, Plan, spoken_duration
from search_cli.demo.generated import generate_works, revised
from search_cli.demo.sample_works import SampleWork
from search_cli.demo.server import SampleArchiveServer
from search_cli.durations import parse_duration
from tests.servers import clear_proxies

# 12 works by three authors (one listing page each), and two authors of one work each
AUTHORS = ["alpha"] * 5 + ["beta"] * 4 + ["gamma"] * 3 + ["solo_one", "solo_two"]


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def _complete(work: SampleWork) -> SampleWork:
    return dataclasses.replace(work, complete=True, chapters_expected=len(work.chapters))


def library(authors: list[str], *, complete: bool = False) -> tuple[SampleWork, ...]:
    works = generate_works(len(authors))
    out = tuple(dataclasses.replace(w, authors=(a,)) for w, a in zip(works, authors, strict=True))
    return tuple(_complete(w) for w in out) if complete else out


def config(tmp: Path, base_url: str, **update) -> Config:
    return parse_config(
        {
            "archive": {"path": str(tmp / "archive"), "contact": "tests@example.org"},
            "politeness": {"delay_seconds": 0.01, "jitter": 0.0},
            "sites": {"ao3": {"base_url": base_url, "allow_adult": True}},
            "update": update,
        }
    )


def add_all(cfg: Config, server: SampleArchiveServer) -> None:
    with Archive(cfg) as archive:
        report = archive.add([server.url(f"/works/{w.work_id}") for w in server.works])
    assert report.counts()["new"] == len(server.works)
    server.clear_log()


def update(cfg: Config, budget: Budget | None = None, **choice):
    """One `update` run as the command makes it: a fresh archive and client."""
    with Archive(cfg) as archive:
        prepared = archive.prepare_update(
            archive.choose_update(choice.pop("named", None), **choice)
        )
        return prepared.plan, archive.run_update(prepared, budget)


def fetched(server: SampleArchiveServer) -> list[str]:
    return [r.path.split("?")[0] for r in server.requests if r.path.startswith("/works/")]


@pytest.fixture
def server() -> Iterator[SampleArchiveServer]:
    with SampleArchiveServer(library(AUTHORS), per_page=20) as srv:
        yield srv


def test_listings_tell_for_works_added_by_url_and_every_change_is_found(tmp_path, server):
    cfg = config(tmp_path, server.base_url)
    add_all(cfg, server)
    changed = [server.works[0], server.works[6], server.works[13]]  # alpha, beta, solo_two
    for w in changed:
        server.update_work(w.work_id, revised(w, "2025-06-01"))
    plan, report = update(cfg, everything=True)
    assert sorted(o.id for o in report.outcomes if o.result == "updated") == sorted(
        f"ao3:{w.work_id}" for w in changed
    )
    assert report.counts()["unchanged"] == len(AUTHORS) - 3
    paths = [r.path for r in server.requests]
    assert sorted(p for p in paths if p.startswith("/users/")) == [
        "/users/alpha/works", "/users/beta/works", "/users/gamma/works",
    ]  # fmt: skip
    # the two changed works their listing showed, and the two works no listing covers
    assert sorted(fetched(server)) == sorted(
        f"/works/{i}" for i in (changed[0].work_id, changed[1].work_id,
                                server.works[12].work_id, server.works[13].work_id)
    )  # fmt: skip
    assert report.checks["listing_pages"] == 3 and report.checks["unchanged"] == 10
    assert any(n.startswith("cheap checks: 3 author works pages") for n in report.notes)
    # robots.txt, 3 listing pages, 2 works on their own: what was planned, and ran
    assert plan.requests == 6 and plan.listing_pages == 3 and plan.direct == 2
    assert len(server.requests) == plan.requests + 2  # each changed work listed: its page


def test_the_plan_estimate_is_within_ten_percent_of_what_ran(tmp_path):
    authors = [f"author{n // 4}" for n in range(40)] + [f"single{n}" for n in range(6)]
    with SampleArchiveServer(library(authors), per_page=20) as srv:
        cfg = config(tmp_path, srv.base_url)
        add_all(cfg, srv)
        srv.update_work(srv.works[3].work_id, revised(srv.works[3], "2025-06-01"))
        plan, report = update(cfg, everything=True)
    ran = len(srv.requests)
    assert report.counts()["updated"] == 1
    assert plan.requests == 1 + 10 + 6
    assert abs(ran - plan.requests) <= 0.1 * ran, (plan.requests, ran)


def test_max_requests_stops_cleanly_and_the_next_run_resumes(tmp_path):
    singles = [f"writer{n}" for n in range(8)]  # no listing covers two: one request each
    with SampleArchiveServer(library(singles, complete=True), per_page=20) as srv:
        cfg = config(tmp_path, srv.base_url)
        add_all(cfg, srv)
        _, first = update(cfg, Budget(max_requests=4), everything=True)
        assert len(srv.requests) == 4  # robots.txt and three works, never a fifth
        pending = [o.id for o in first.outcomes if o.result == "pending"]
        assert len(pending) == 5 and first.exit_code == 0
        assert all("--max-requests 4" in o.reason for o in first.outcomes if o.id in pending)
        srv.clear_log()
        # no argument: the works left pending (every work is complete and fresh)
        plan, second = update(cfg)
        assert [o.id for o in second.outcomes] == pending
        assert {o.result for o in second.outcomes} == {"unchanged"}
        assert sorted(fetched(srv)) == sorted(f"/works/{i.split(':')[1]}" for i in pending)
        srv.clear_log()
        _, third = update(cfg)
        assert third.outcomes == [] and srv.requests == []


def test_no_argument_checks_works_in_progress_and_stale_complete_works(tmp_path):
    works = library(["a", "b", "c", "d"], complete=True)
    works = (dataclasses.replace(works[0], complete=False, chapters_expected=None), *works[1:])
    with SampleArchiveServer(works, per_page=20) as srv:
        cfg = config(tmp_path, srv.base_url, recheck_complete_days=7)
        add_all(cfg, srv)
        with Archive(cfg) as archive:
            fresh = archive.choose_update(None)
            later = datetime.now(UTC) + timedelta(days=8)
            from index.choosing import choose

            stale = choose(archive.store, named=None, everything=False, recheck_days=7, now=later)
            week = archive.choose_update(None, checked_before=parse_duration("1d", "x"))
    assert fresh.ids == [f"ao3:{works[0].work_id}"]
    assert "not checked for 7 days" in fresh.said
    assert sorted(stale.ids) == sorted(f"ao3:{w.work_id}" for w in works)
    assert week.ids == []  # all were checked today


def test_durations_budgets_and_plan_words():
    assert parse_duration("30d", "--checked-before") == 30 * 86_400
    assert parse_duration("1h", "--for", "h") == 3600 and parse_duration("2", "--for", "h") == 7200
    with pytest.raises(Exception, match="--for 'soon'"):
        parse_duration("soon", "--for")
    now = [100.0]
    budget = Budget(seconds=60, clock=lambda: now[0])
    assert budget.stop(0, 1, 5.0) is None
    now[0] = 156.0
    assert "--for 60 s reached" in budget.stop(0, 1, 5.0)
    assert Budget(max_requests=3).stop(2, 1, 0) is None
    assert Budget(max_requests=3).stop(3, 1, 0) is not None
    plan = Plan(works=2010)
    plan.add("archiveofourown.org", 430, 5.0)
    assert plan.describe() == "2,010 works: about 430 requests, 36 min at 5 s"
    assert spoken_duration(7500) == "2 h 5 min"


def test_an_unchanged_ffn_story_costs_its_first_page_only(tmp_path):
    from tests.conftest import shared_fixture
    from tests.servers import Reply, ScriptedServer

    body = shared_fixture("ffn/ffn_story_multichapter_ch1_of_2.html").read_bytes()
    html = {"Content-Type": "text/html; charset=utf-8"}
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        srv.route("/s/5853866/1", Reply(200, html, body))
        srv.route("/s/5853866/2", Reply(200, html, body))
        cfg = parse_config(
            {
                "archive": {"path": str(tmp_path / "archive"), "contact": "t@example.org"},
                "politeness": {"delay_seconds": 0, "jitter": 0.0},
                "sites": {"ffn": {"base_url": srv.base_url, "delay_seconds": 0}},
            }
        )
        with Archive(cfg) as archive:
            assert archive.add([srv.url("/s/5853866/1")]).counts()["new"] == 1
        assert len(srv.requests("/s/5853866/2")) == 1
        _, report = update(cfg, everything=True)
        assert [o.result for o in report.outcomes] == ["unchanged"]
        assert len(srv.requests("/s/5853866/1")) == 2 and len(srv.requests("/s/5853866/2")) == 1
        # a new chapter: the first page says so, and every chapter is fetched
        srv.route("/s/5853866/1", Reply(200, html, body.replace(b"Chapters: 2", b"Chapters: 3")
                                        .replace(b"<option value=2>", b"<option value=2><option value=3>")))  # fmt: skip
        srv.route("/s/5853866/3", Reply(200, html, body))
        _, report = update(cfg, everything=True)
        assert len(srv.requests("/s/5853866/3")) == 1 and len(srv.requests("/s/5853866/2")) == 2


def test_a_spent_time_budget_starts_nothing_and_leaves_everything_pending(tmp_path, server):
    cfg = config(tmp_path, server.base_url)
    add_all(cfg, server)
    _, report = update(cfg, Budget(seconds=0), everything=True)
    assert {o.result for o in report.outcomes} == {"pending"} and server.requests == []
    assert "--for 0 s reached" in report.outcomes[0].reason


def test_a_work_its_listing_no_longer_shows_is_asked_and_found_gone(tmp_path, server):
    cfg = config(tmp_path, server.base_url)
    add_all(cfg, server)
    gone = server.works[1]
    server.purge(gone.work_id)  # alpha's: gone from alpha's listing too
    _, report = update(cfg, everything=True)
    assert [o.id for o in report.outcomes if o.result == "gone"] == [f"ao3:{gone.work_id}"]
    assert f"/works/{gone.work_id}" in fetched(server)
