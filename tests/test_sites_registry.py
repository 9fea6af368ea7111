"""crawler/sites/__init__.py, the one site registry: what each adapter declares, the
configured site for a name, a URL or a work id, and several eFiction archives at once."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

from crawler.config import SiteConfig, parse_config
from crawler.errors import ConfigError
from crawler.models import FetchedPage
from crawler.sites import (
    ADAPTERS,
    adapter,
    adapter_for_url,
    adapter_for_work_id,
    adapter_of,
    has_listings,
)
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.base import soup
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter, file_id
from tests.conftest import SHARED_FIXTURES, shared_fixture

EF_PAGE = "efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html"
TWO_EFICTIONS = (
    "[sites.efiction]\nbase_url = 'http://fanfiction.mugglenet.com'\n"
    "[sites.fics]\nadapter = 'efiction'\nbase_url = 'https://fics.example.net/'\n"
)


def config_with(toml: str = ""):
    return parse_config(tomllib.loads(toml))


def page(rel: str, url: str) -> FetchedPage:
    body = shared_fixture(rel).read_bytes()
    return FetchedPage(url, 200, {}, body, datetime.now(UTC), url)


# --- what each adapter declares --------------------------------------------------------------


def test_every_adapter_declares_its_site():
    assert list(ADAPTERS) == [
        "ao3",
        "ffn",
        "efiction",
        "text",
        "xenforo",
        "royalroad",
        "fictionpress",
    ]
    declared = {
        name: (cls.default_base_url, cls.default_delay, cls.id_prefix, cls.listing_kinds)
        for name, cls in ADAPTERS.items()
    }
    assert declared == {
        "ao3": (
            "https://archiveofourown.org",
            5.0,
            "ao3",
            ("tag", "series", "user", "bookmarks", "collection"),
        ),
        "ffn": ("https://www.fanfiction.net", 6.0, "ffn", ()),
        "efiction": ("", 3.0, "efiction", ()),
        "text": ("", 3.0, "file", ()),
        "xenforo": ("", 3.0, "xf", ("threadmarks",)),
        "royalroad": ("https://www.royalroad.com", 3.0, "rr", ("fiction",)),
        "fictionpress": ("https://www.fictionpress.com", 6.0, "fp", ()),
    }
    assert all(cls.name == name for name, cls in ADAPTERS.items())
    assert [name for name, cls in ADAPTERS.items() if cls.single_page] == ["text"]


def test_each_family_line_agrees_with_its_adapter_class():
    """FAMILIES is what config loading reads without importing a parser: it must say
    exactly what each class declares."""
    from crawler.sites import FAMILIES

    assert list(FAMILIES) == list(ADAPTERS)
    for name, family in FAMILIES.items():
        cls = ADAPTERS[name]
        assert (family.name, family.id_prefix) == (cls.name, cls.id_prefix), name
        assert (family.default_base_url, family.default_delay) == (
            cls.default_base_url,
            cls.default_delay,
        ), name
        assert family.listings == cls.has_listings(), name


def test_only_sites_with_listing_kinds_have_listings():
    config = config_with(TWO_EFICTIONS)
    assert [n for n in config.sites if has_listings(config, n)] == [
        "ao3",
        "xenforo",
        "royalroad",
    ]


# --- ids: work_id and site_id are inverses, and equal what parse_work says -----------------


def test_ids_round_trip_and_match_parse_work():
    config = config_with(TWO_EFICTIONS)
    ao3, ffn = adapter(config, "ao3"), adapter(config, "ffn")
    cases = [
        (ao3, page("ao3/ao3_work_single_chapter_unlockedWork.html", ao3.entry_url("41822007"))),
        (ffn, page("ffn/ffn_story_multichapter_ch1_of_2.html", ffn.entry_url("5853866"))),
    ]
    for name in ("efiction", "fics"):
        ef = adapter(config, name)
        cases.append((ef, page(EF_PAGE, ef.entry_url("123456") + "&chapter=2")))
    seed = "seed/story_with_ornamental_dividers_and_author_note.txt"
    cases.append((adapter(config, "text"), page(seed, shared_fixture(seed).as_uri())))
    ids = []
    for site, first in cases:
        raw = site.parse_work([first])
        assert site.work_id(raw.site_id) == raw.id
        assert site.site_id(raw.id) == raw.site_id
        ids.append(raw.id)
    assert ids == [
        "ao3:41822007",
        "ffn:5853866",
        "efiction:fanfiction.mugglenet.com:123456",
        "efiction:fics.example.net:123456",
        f"file:{file_id(shared_fixture(seed).read_bytes())}",
    ]


def test_site_id_is_none_for_another_sites_id():
    config = config_with(TWO_EFICTIONS)
    ao3, fics = adapter(config, "ao3"), adapter(config, "fics")
    assert ao3.site_id("ao3:7") == "7"
    assert ao3.site_id("ffn:7") is None and ao3.site_id("ao3:") is None
    assert fics.site_id("efiction:fics.example.net:7") == "fics.example.net:7"
    assert fics.site_id("efiction:FICS.Example.net:7") == "fics.example.net:7"
    assert fics.site_id("efiction:fanfiction.mugglenet.com:7") is None
    assert fics.work_id("7") == fics.work_id("fics.example.net:7") == "efiction:fics.example.net:7"
    # the built-in [sites.efiction] without a base_url owns no ids at all
    assert adapter(config_with(), "efiction").site_id("efiction::7") is None


# --- two eFiction archives at once ------------------------------------------------------------


def test_two_efiction_archives_give_distinct_ids_and_each_id_finds_its_own_site():
    config = config_with(TWO_EFICTIONS)
    mugglenet = adapter_for_url(config, "http://fanfiction.mugglenet.com/viewstory.php?sid=123456")
    fics = adapter_for_url(config, "https://fics.example.net/viewstory.php?sid=123456")
    assert (mugglenet.site.name, fics.site.name) == ("efiction", "fics")
    assert isinstance(mugglenet, EFictionAdapter) and isinstance(fics, EFictionAdapter)
    ids = [
        site.parse_work([page(EF_PAGE, site.entry_url("123456") + "&chapter=2")]).id
        for site in (mugglenet, fics)
    ]
    assert ids == [
        "efiction:fanfiction.mugglenet.com:123456",
        "efiction:fics.example.net:123456",
    ]
    owners = [adapter_for_work_id(config, work_id) for work_id in ids]
    assert [o.site.name for o in owners] == ["efiction", "fics"]
    assert owners[1].entry_url(owners[1].site_id(ids[1]) or "") == (
        "https://fics.example.net/viewstory.php?sid=123456"
    )


def test_adapter_for_work_id_picks_the_site_that_owns_the_id():
    config = config_with(
        TWO_EFICTIONS + "[sites.mirror]\nadapter = 'ao3'\nbase_url = 'http://127.0.0.1:8000'\n"
    )
    assert adapter_for_work_id(config, "ao3:7").site.name == "ao3"  # the first AO3 site
    assert isinstance(adapter_for_work_id(config, "ffn:7"), FFNAdapter)
    text = adapter_for_work_id(config, "file:0123456789ab")
    assert isinstance(text, TextAdapter) and text.site.name == "text"
    with pytest.raises(ConfigError) as caught:
        adapter_for_work_id(config, "efiction:ef.example.org:4")
    assert str(caught.value) == (
        "efiction:ef.example.org:4: no configured site owns this id; add a [sites.NAME] with "
        'adapter = "efiction" and the base_url of its archive'
    )
    with pytest.raises(ConfigError, match=r"ids start with ao3:, ffn:, efiction:, file:, xf:, rr:"):
        adapter_for_work_id(config, "wattpad:4")


def test_adapter_for_url_takes_default_ports_as_the_same_host():
    config = config_with("[sites.efiction]\nbase_url = 'https://ef.example.org'\n")
    site = adapter_for_url(config, "https://ef.example.org:443/viewstory.php?sid=4")
    assert site.site.name == "efiction"
    assert isinstance(adapter_for_url(config, "https://archiveofourown.org/works/1"), AO3Adapter)


def test_an_unknown_site_name_or_adapter_is_a_one_line_error():
    config = config_with()
    with pytest.raises(ConfigError) as caught:
        adapter(config, "wattpad")
    assert str(caught.value) == (
        "site 'wattpad' is not configured; configured: ao3, ffn, efiction, text, xenforo,"
        " royalroad, fictionpress"
    )
    with pytest.raises(ConfigError, match=r"names adapter 'wattpad'; available: ao3, ffn"):
        adapter_of(SiteConfig("w", "https://w.example", 3.0, adapter="wattpad"))


# --- chrome: the site's own page furniture, read off the real saved pages ----------------------

STORY = {"ao3": "#chapters p", "ffn": "#storytext", "efiction": "#story"}


def saved_pages(site: str) -> list:
    folder = SHARED_FIXTURES / site
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared fixtures live beside the clone")
    return [soup(path.read_bytes()) for path in sorted(folder.glob("*.html"))]


@pytest.mark.parametrize("site", ["ao3", "ffn"])
def test_every_chrome_selector_is_on_a_real_saved_page(site):
    docs = saved_pages(site)
    for selector in ADAPTERS[site].chrome:
        assert any(doc.select(selector) for doc in docs), selector


def test_efiction_chrome_is_on_the_saved_page_and_the_default_template():
    (doc,) = saved_pages("efiction")
    assert doc.select_one(", ".join(EFictionAdapter.chrome)) is not None
    # eFiction 3.5's default viewstory.tpl around a story, filled in with our own words
    template = soup(
        "<html><body><div id='banner'>Archive</div><div id='pagetitle'>Fog by moor</div>"
        "<div class='storyinfo'>[Reviews - 2] Print</div><div class='jumpmenu'>menu</div>"
        "<div id='story'><p>The wind came over the moor.</p></div>"
        "<div id='prev'>prev</div><div id='next'>next</div><div class='jumpmenu2'>menu</div>"
        "<div class='respond'>Add to favourites</div><div id='pagelinks'>1 2</div>"
        "<div id='footer'>footer</div></body></html>"
    )
    for selector in EFictionAdapter.chrome:
        assert template.select(selector), selector


@pytest.mark.parametrize("site", ["ao3", "ffn", "efiction"])
def test_removing_the_chrome_keeps_every_word_of_the_story(site):
    checked = 0
    for doc in saved_pages(site):
        before = [node.get_text() for node in doc.select(STORY[site])]
        if not before:
            continue  # a listing or an interstitial: no story on it
        for node in doc.select(", ".join(ADAPTERS[site].chrome)):
            node.decompose()
        assert [node.get_text() for node in doc.select(STORY[site])] == before
        checked += 1
    assert checked


def test_text_declares_no_chrome():
    # Any page at all: a guessed <header> or <nav> could be the story's own.
    assert TextAdapter.chrome == ()
