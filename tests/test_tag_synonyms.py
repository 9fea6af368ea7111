"""Tag synonyms (issue 18): AO3's real tag pages, served on 127.0.0.1, and [synonyms].

The two saved pages of ../shared/fixtures/ao3 say it both ways: the canonical tag
"Ever Given Container Ship (Anthropomorphic)" lists nine tags of the same meaning;
"Ever Given Container Ship - Anthropomorphic" says it was made a synonym of it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crawler.config import parse_config
from crawler.errors import ConfigError
from crawler.http import PoliteClient
from crawler.models import Block, Chapter, Work, WorkMeta
from crawler.sites.ao3_tags import parse_tag_page, tag_url
from index.archive import Archive
from index.search import SearchRequest
from index.tagcache import TagCache
from tests.cli import ficarchive
from tests.conftest import shared_fixture
from tests.servers import Reply, ScriptedServer, clear_proxies

CANONICAL = "Ever Given Container Ship (Anthropomorphic)"
MERGED = "Ever Given Container Ship - Anthropomorphic"
CANONICAL_PAGE = "ao3/ao3_tag_canonical_with_synonyms_ever_given.html"
MERGED_PAGE = "ao3/ao3_tag_synonym_merged_into_canonical_ever_given.html"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def work(number: int, characters=(), tags=()) -> Work:
    meta = WorkMeta(title=f"Work {number}", authors=["Writer"], characters=list(characters))
    meta.tags = list(tags)
    chapters = [Chapter(1, "", [Block("paragraph", "The ship sat in the canal for days.")])]
    return Work(
        f"ao3:{number}", "ao3", f"https://example.org/works/{number}", meta, "", [], chapters
    )


WORKS = [
    work(1, characters=[MERGED]),
    work(2, characters=["The Spirit of the Ever Given"]),
    work(3, characters=[CANONICAL]),
    work(4, characters=["Suez Canal (Anthropomorphic)"], tags=["Chosen Family"]),
    work(5, tags=["Found Family", "Fluff"]),
]


def config(tmp_path, base_url: str, **extra):
    return parse_config(
        {
            "archive": {"path": str(tmp_path / "archive"), "contact": "tests@example.org"},
            "politeness": {"delay_seconds": 0.01, "jitter": 0.0, "max_retries": 1},
            "sites": {"ao3": {"base_url": base_url}},
            **extra,
        }
    )


def tag_server() -> ScriptedServer:
    srv = ScriptedServer()
    for name, rel in ((CANONICAL, CANONICAL_PAGE), (MERGED, MERGED_PAGE)):
        path = tag_url("", name)
        srv.route(path, Reply(200, {"Content-Type": "text/html; charset=utf-8"},
                              shared_fixture(rel).read_bytes()))  # fmt: skip
    return srv


def stored(cfg) -> Archive:
    archive = Archive(cfg)
    for w in WORKS:
        archive.store.save_work(w)
    archive.backend.index(WORKS)
    return archive


def ids(archive: Archive, query: str = "", **filters: str) -> list[str]:
    request = SearchRequest(query=query, filters={k: [v] for k, v in filters.items()})
    return sorted(h.id for h in archive.search(request).hits)


def test_the_real_pages_say_canonical_and_synonym():
    canonical = parse_tag_page(shared_fixture(CANONICAL_PAGE).read_bytes())
    assert (canonical.name, canonical.canonical, canonical.merged_into) == (CANONICAL, True, None)
    assert canonical.category == "Character"
    assert len(canonical.synonyms) == 9 and MERGED in canonical.synonyms
    assert "The Spirit of the Ever Given" in canonical.synonyms
    assert CANONICAL not in canonical.synonyms  # a child tag or parent tag is no synonym
    assert "Water Vehicles (Anthropomorphic)" not in canonical.synonyms
    merged = parse_tag_page(shared_fixture(MERGED_PAGE).read_bytes())
    assert (merged.name, merged.canonical, merged.merged_into) == (MERGED, False, CANONICAL)
    assert merged.synonyms == ()


def test_tag_urls_are_ao3s_own():
    # as the canonical page links its child tags: "/" is *s*, "&" is *a*
    assert tag_url("https://a.org", "A (B)/C D") == "https://a.org/tags/A%20(B)*s*C%20D"
    assert tag_url("https://a.org", "A & B") == "https://a.org/tags/A%20*a*%20B"


def test_refresh_fetches_each_tag_page_politely_once_and_caches_it(tmp_path):
    with tag_server() as srv:
        cfg = config(tmp_path, srv.base_url)
        with stored(cfg) as archive, PoliteClient(cfg) as client:
            before = ids(archive, 'character:"the spirit of the ever given"')
            report = archive.tags.refresh(client)
            assert report.errors == []
            assert CANONICAL in report.fetched and MERGED in report.fetched
            # every archived AO3 tag was asked once, robots.txt first, never two at a time
            paths = srv.paths()
            assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
            assert len(paths) == len(set(paths))
            log = sorted(srv.log, key=lambda r: r.start)
            assert all(a.end <= b.start for a, b in zip(log, log[1:], strict=False))
            # a synonym filter now finds every name of its tag, with no reindex
            assert before == ["ao3:2"]
            assert ids(archive, f'character:"{CANONICAL}"') == ["ao3:1", "ao3:2", "ao3:3"]
            assert ids(archive, character=MERGED) == ["ao3:1", "ao3:2", "ao3:3"]
            assert ids(archive, 'character:"the spirit of the ever given"') == [
                "ao3:1",
                "ao3:2",
                "ao3:3",
            ]
            # cached: a second refresh asks nothing
            asked = len(srv.log)
            again = archive.tags.refresh(client)
            assert again.fetched == [] and again.fresh >= 2 and len(srv.log) == asked
            rows = {c.page.name: c for c in TagCache(archive.store.db).all() if c.page}
            assert datetime.fromisoformat(rows[CANONICAL].fetched_at) <= datetime.now(UTC)


def test_a_page_older_than_refresh_after_days_is_fetched_again(tmp_path):
    with tag_server() as srv:
        cfg = config(tmp_path, srv.base_url, tags={"refresh_after_days": 7})
        with stored(cfg) as archive, PoliteClient(cfg) as client:
            archive.tags.refresh(client)
            asked = srv.paths().count(tag_url("", CANONICAL))
            later = datetime.now(UTC) + timedelta(days=8)
            from index.tagcache import refresh

            report = refresh(archive.store, cfg, client, now=later)
            assert CANONICAL in report.fetched
            assert srv.paths().count(tag_url("", CANONICAL)) == asked + 1


def test_a_tag_ao3_does_not_know_is_kept_as_unknown(tmp_path):
    with tag_server() as srv:
        cfg = config(tmp_path, srv.base_url)
        with stored(cfg) as archive, PoliteClient(cfg) as client:
            report = archive.tags.refresh(client)
            assert "Found Family" in report.unknown  # the server answers 404
            found = archive.tags.resolve("Found Family")
            assert (found.canonical, found.synonyms, found.source) == ("Found Family", (), "none")


def test_config_synonyms_work_for_any_tag_offline(tmp_path):
    cfg = config(tmp_path, "https://archiveofourown.org",
                 synonyms={"Found Family": ["Chosen Family"]})  # fmt: skip
    with stored(cfg) as archive:
        assert ids(archive, 'tag:"found family"') == ["ao3:4", "ao3:5"]
        assert ids(archive, tag="Chosen Family") == ["ao3:4", "ao3:5"]
        assert ids(archive, 'NOT tag:"chosen family"') == ["ao3:1", "ao3:2", "ao3:3"]
        found = archive.tags.resolve("chosen family")
        assert (found.canonical, found.synonyms, found.source) == (
            "Found Family",
            ("Chosen Family",),
            "config",
        )
    plain = config(tmp_path / "plain", "https://archiveofourown.org")
    with stored(plain) as archive:  # without the synonym, each finds its own
        assert ids(archive, 'tag:"found family"') == ["ao3:5"]


def test_bad_synonyms_config_is_one_line():
    with pytest.raises(ConfigError, match="synonyms.fluff: must be a list of tag names"):
        parse_config({"synonyms": {"fluff": 3}})
    with pytest.raises(ConfigError, match="tags.refresh_after_days: must be a whole number"):
        parse_config({"tags": {"refresh_after_days": "soon"}})


def test_tags_command_refreshes_then_resolves(tmp_path):
    with tag_server() as srv:
        cfg = config(tmp_path, srv.base_url)
        stored(cfg).close()
        path = tmp_path / "config.toml"
        path.write_text(
            f'[archive]\npath = "{tmp_path / "archive"}"\ncontact = "t@example.org"\n'
            f'[politeness]\ndelay_seconds = 0.01\njitter = 0.0\n[sites.ao3]\nbase_url = "{srv.base_url}"\n'
            '[synonyms]\n"Ever Given" = ["Big Boat"]\n'
        )
        run = ficarchive("--config", str(path), "tags", MERGED, "--refresh", "--json")
        assert run.code == 0, run.err
        data = json.loads(run.out)
        assert data["refresh"]["errors"] == [] and data["refresh"]["fetched"] >= 2
        assert data["canonical"] == CANONICAL and data["source"] == "site+config"
        assert "Big Boat" in data["synonyms"] and MERGED in data["synonyms"]
        assert data["sites"] == ["ao3"] and data["category"] == "Character"
        text = ficarchive("--config", str(path), "tags", "big boat")
        assert text.code == 0 and f"canonical: {CANONICAL}" in text.out
        assert "from: AO3 tag page and [synonyms] in the config" in text.out
        search = ficarchive("--config", str(path), "search", "--character", "Big Boat", "--json")
        assert sorted(h["id"] for h in search.json_lines()) == ["ao3:1", "ao3:2", "ao3:3"]
        assert ficarchive("--config", str(path), "tags").code == 2


@pytest.mark.parametrize("after_crawl", [True, False])
def test_refresh_after_crawl_asks_only_for_new_tags(tmp_path, after_crawl):
    from search_cli.demo import ao3_markup, sample_works
    from search_cli.demo.generated import generate_works
    from search_cli.demo.server import SampleArchiveServer

    listing = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"
    with SampleArchiveServer(generate_works(2)) as srv:
        cfg = config(tmp_path, srv.base_url, tags={"refresh_after_crawl": after_crawl},
                     sources=[{"name": "s", "site": "ao3", "start": [listing]}])  # fmt: skip

        def tag_pages() -> list[str]:
            return [r.path for r in srv.requests if r.path.startswith("/tags/")
                    and not r.path.endswith("/works")]  # fmt: skip

        with Archive(cfg) as archive:
            report = archive.crawl(cfg.sources)
            asked = tag_pages()
            if not after_crawl:
                assert asked == [] and not any("tag synonyms" in n for n in report.notes)
                return
            tags = {n for w in archive.iter_works() for n in (*w.meta.characters, *w.meta.tags)}
            assert len(asked) >= len(tags) > 0 and len(asked) == len(set(asked))
            assert f"tag synonyms: {len(asked)} tag page(s) fetched" in report.notes
            assert report.exit_code == 0
            again = archive.crawl(cfg.sources)
            assert tag_pages() == asked  # each was asked once; the next crawl asks none
            assert "tag synonyms: 0 tag page(s) fetched" in again.notes
