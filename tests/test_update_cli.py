"""The real `ficarchive update` command (a subprocess) against the sample server on
127.0.0.1: the plan line, --dry-run asking nothing, a query choosing the works,
--json carrying plan and checks, and one-line usage errors with exit 2."""

from __future__ import annotations

import pytest

from search_cli.demo.server import SampleArchiveServer
from tests.cli import ficarchive
from tests.servers import clear_proxies
from tests.test_update_checks import library


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def test_update_plans_then_runs_what_the_query_chose(tmp_path):
    works = library(["ann", "ann", "ann", "bo"], complete=True)
    with SampleArchiveServer(works, per_page=20) as srv:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            f'[archive]\npath = "a"\ncontact = "t@example.org"\n[politeness]\n'
            f'delay_seconds = 0.01\n[sites.ao3]\nbase_url = "{srv.base_url}"\nallow_adult = true\n'
        )
        env = {"FICARCHIVE_CONFIG": str(cfg)}
        added = ficarchive("add", *[srv.url(f"/works/{w.work_id}") for w in works], env=env)
        assert added.code == 0, added.err
        srv.clear_log()
        dry = ficarchive("update", "--all", "--dry-run", env=env)
        assert dry.code == 0 and srv.requests == []
        assert "plan: 4 works: about 3 requests" in dry.err
        assert "1 listing pages cover 3 works, 1 checked one by one" in dry.err
        none = ficarchive("update", "--dry-run", env=env)
        assert (
            "plan: 0 works: nothing to ask upstream (works in progress, and completed" in none.err
        )
        one = ficarchive("update", "author:bo", "--json", env=env).json()
        assert [o["id"] for o in one["works"]] == [f"ao3:{works[3].work_id}"]
        assert one["plan"]["works"] == 1 and one["counts"]["unchanged"] == 1
        srv.clear_log()
        every = ficarchive("update", "--all", "--json", env=env).json()
        assert every["checks"]["listing_pages"] == 1 and every["checks"]["unchanged"] == 3
        assert every["plan"]["requests"] == len(srv.requests) == 3  # robots, listing, bo's work
        for args, said in (
            (["--checked-before", "soon"], "--checked-before 'soon': give a duration"),
            (["--all", "author:bo"], "--all re-checks every work"),
            (["--for", "x1"], "--for 'x1'"),
        ):
            bad = ficarchive("update", *args, env=env)
            assert bad.code == 2 and said in bad.err and "Traceback" not in bad.err
