"""`add` takes every form of a work URL readers paste, and sends it to the configured site.

AO3 is the sample archive on 127.0.0.1, FanFiction.net a scripted server answering with
the real saved chapter page (read in place from ../shared/fixtures); the pasted URLs
name the real hosts, their www./m./http: forms, ao3.org and AO3's mirror domains.
"""

from __future__ import annotations

import pytest

from crawler.config import parse_config
from crawler.errors import ConfigError
from crawler.sites import adapter_for_url
from index.archive import Archive
from search_cli.demo.generated import generate_works
from search_cli.demo.server import SampleArchiveServer
from tests.conftest import shared_fixture
from tests.servers import Reply, ScriptedServer, clear_proxies

WORK = generate_works(1)[0]
N = WORK.work_id

AO3_FORMS = [
    f"https://archiveofourown.org/works/{N}",
    f"https://www.archiveofourown.org/works/{N}",
    f"http://archiveofourown.org/works/{N}",
    f"https://ao3.org/works/{N}",
    f"https://archiveofourown.com/works/{N}",
    f"https://archiveofourown.net/works/{N}",
    f"https://archive.transformativeworks.org/works/{N}",
    f"https://archiveofourown.org/works/{N}/chapters/123456",
    f"https://archiveofourown.org/works/{N}?view_adult=true",
    f"https://archiveofourown.org/works/{N}?view_full_work=true#chapter-1",
]
FFN_FORMS = [
    "https://www.fanfiction.net/s/5853866/1/Counting",
    "https://m.fanfiction.net/s/5853866/1/",
    "https://fanfiction.net/s/5853866",
    "http://www.fanfiction.net/s/5853866/1/Counting#top",
]


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def _config(tmp_path, sites: dict):
    return parse_config(
        {
            "archive": {"path": str(tmp_path / "archive"), "contact": "tests@example.org"},
            "politeness": {"delay_seconds": 0.01, "jitter": 0.0, "max_retries": 1},
            "sites": sites,
        }
    )


@pytest.mark.parametrize("url", AO3_FORMS)
def test_every_ao3_url_form_adds_the_work_from_the_configured_site(tmp_path, url):
    with SampleArchiveServer([WORK]) as server:
        cfg = _config(tmp_path, {"ao3": {"base_url": server.base_url, "allow_adult": True}})
        with Archive(cfg) as archive:
            report = archive.add([url])
            stored = archive.store.get_work(f"ao3:{N}")
        sent = [r.path for r in server.requests]
    assert [(o.id, o.result) for o in report.outcomes] == [(f"ao3:{N}", "new")], report.outcomes
    assert stored.meta.title == WORK.title
    assert any(p.startswith(f"/works/{N}") for p in sent)


@pytest.mark.parametrize("url", FFN_FORMS)
def test_every_ffn_url_form_adds_the_story_from_the_configured_site(tmp_path, url):
    body = shared_fixture("ffn/ffn_story_multichapter_ch1_of_2.html").read_bytes()
    with ScriptedServer() as server:
        for chapter in (1, 2):  # the story has two chapters: the same page stands in for both
            page = Reply(200, {"Content-Type": "text/html"}, body=body)
            server.route(f"/s/5853866/{chapter}", page)
        with Archive(_config(tmp_path, {"ffn": {"base_url": server.base_url}})) as archive:
            report = archive.add([url])
            stored = archive.store.get_work("ffn:5853866")
    assert [(o.id, o.result) for o in report.outcomes] == [("ffn:5853866", "new")], report.outcomes
    assert stored.meta.title == "Counting" and len(stored.chapters) == 2


def test_a_host_of_no_configured_site_is_still_refused(tmp_path):
    cfg = _config(tmp_path, {"ao3": {"base_url": "http://127.0.0.1:9"}})
    with pytest.raises(ConfigError, match="not a configured archive"):
        adapter_for_url(cfg, "https://example.org/works/1")


def test_the_exact_host_wins_over_an_alias(tmp_path):
    cfg = _config(tmp_path, {"ffn": {"base_url": "http://127.0.0.1:9"}})
    assert adapter_for_url(cfg, "https://www.archiveofourown.org/works/1").site.name == "ao3"


FP_FORMS = [
    "https://www.fictionpress.com/s/2171761/1/Vampiric-Desires",
    "https://m.fictionpress.com/s/2171761/3/",
    "https://fictionpress.com/s/2171761",
]


@pytest.mark.parametrize("url", FP_FORMS)
def test_fictionpress_is_read_by_the_ffn_family(tmp_path, url):
    """FictionPress is FanFiction.net's markup on its own host, with ids of its own."""
    body = shared_fixture("fictionpress/fictionpress_chapter1_vampiric_desires_2171761.html")
    with ScriptedServer() as server:
        for chapter in (1, 2, 3, 4):  # four chapters: the real first page stands in for each
            page = Reply(200, {"Content-Type": "text/html"}, body=body.read_bytes())
            server.route(f"/s/2171761/{chapter}", page)
        cfg = _config(tmp_path, {"fictionpress": {"base_url": server.base_url}})
        with Archive(cfg) as archive:
            report = archive.add([url])
            stored = archive.store.get_work("fp:2171761")
        sent = [p for p in server.paths() if p != "/robots.txt"]
    assert [(o.id, o.result) for o in report.outcomes] == [("fp:2171761", "new")], report.outcomes
    assert (stored.site, stored.meta.title, stored.meta.authors) == (
        "fp", "Vampiric Desires", ["Butterfly's Dust"])  # fmt: skip
    assert len(stored.chapters) == 4 and sent == [f"/s/2171761/{n}" for n in (1, 2, 3, 4)]
