"""Config: defaults, the example file, and one clear error per bad key or value."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from crawler.config import (
    ArchiveConfig,
    Cleaning,
    Config,
    Politeness,
    SiteConfig,
    Source,
    default_sites,
    load_config,
    parse_config,
    table_keys,
)
from crawler.errors import ConfigError
from crawler.sites import ADAPTERS
from tests.cli import ficarchive

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FICARCHIVE_CONFIG", raising=False)
    config = load_config(None)
    assert config.file is None
    assert config.politeness.respect_robots is True
    assert config.sites["ao3"].delay_seconds == 5.0
    assert config.sites["ffn"].delay_seconds == 6.0
    assert config.sites["efiction"].delay_seconds == 3.0
    assert config.sites["ao3"].allow_adult is False


def test_example_config_is_valid_and_commented():
    text = (ROOT / "config.toml").read_text()
    config = parse_config(tomllib.loads(text), ROOT / "config.toml")
    assert config.archive.path == ROOT / "archive"
    assert config.archive.contact
    assert len(config.sources) == 1 and config.sources[0].site == "ao3"
    assert config.sources[0].max_works and config.sources[0].max_works <= 20
    assert text.count("#") > 15  # a commented example for a user, not a bare file


def test_env_then_local_file(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text('[archive]\npath = "from-env"\n')
    (tmp_path / "config.toml").write_text('[archive]\npath = "local"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FICARCHIVE_CONFIG", str(tmp_path / "a.toml"))
    assert load_config(None).archive.path.name == "from-env"
    monkeypatch.delenv("FICARCHIVE_CONFIG")
    assert load_config(None).archive.path.name == "local"
    assert load_config(tmp_path / "a.toml").archive.path.name == "from-env"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[politeness]\ndelay_secs = 3\n", "politeness.delay_secs: unknown key"),
        ("[politeness]\ndelay_seconds = -1\n", "politeness.delay_seconds: must be 0 or more"),
        ('[politeness]\ndelay_seconds = "slow"\n', "politeness.delay_seconds: must be a number"),
        ("[politeness]\nrespect_robots = 1\n", "politeness.respect_robots: must be true or false"),
        ("[politeness]\njitter = 3\n", "politeness.jitter: must be between 0 and 1"),
        ("[sites.wattpad]\nbase_url = 'https://x.org'\n", "sites.wattpad: unknown site"),
        ("[sites.ao3]\nbase_url = 'ftp://x.org'\n", "sites.ao3.base_url: must be an http(s) URL"),
        ("[archives]\npath = 'x'\n", "archives: unknown section"),
        ("[[sources]]\nname = 'a'\nsite = 'ao3'\n", "sources[0].start: is required"),
        (
            "[[sources]]\nname = 'a'\nsite = 'nope'\nstart = ['/x']\n",
            "sources[0].site: unknown site",
        ),
        (
            "[[sources]]\nname = 'a'\nsite = 'ao3'\nstart = []\n",
            "sources[0].start: must be a non-empty",
        ),
    ],
)
def test_bad_values_name_file_and_key(tmp_path, toml, expected):
    path = tmp_path / "config.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message and expected in message
    assert "\n" not in message
    assert info.value.exit_code == 2


def test_invalid_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[archive\npath = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


# --- which delay a site gets -------------------------------------------------------------


def delays(toml: str) -> dict[str, float]:
    config = parse_config(tomllib.loads(toml))
    return {name: site.delay_seconds for name, site in config.sites.items()}


def test_without_any_delay_set_each_site_has_its_built_in_default():
    assert delays("") == {
        "ao3": 5.0,
        "ffn": 6.0,
        "efiction": 3.0,
        "text": 3.0,
        "xenforo": 3.0,
        "royalroad": 3.0,
        "fictionpress": 6.0,
    }


def test_politeness_delay_is_the_default_for_every_site_without_its_own():
    # The bug this pins: [politeness] delay_seconds used to change nothing at all.
    assert delays("[politeness]\ndelay_seconds = 9\n") == {
        "ao3": 9.0,
        "ffn": 9.0,
        "efiction": 9.0,
        "text": 9.0,
        "xenforo": 9.0,
        "royalroad": 9.0,
        "fictionpress": 9.0,
    }


def test_a_sites_own_delay_wins_over_the_politeness_delay():
    toml = "[politeness]\ndelay_seconds = 9\n[sites.ao3]\ndelay_seconds = 12\n"
    assert delays(toml) == {
        "ao3": 12.0,
        "ffn": 9.0,
        "efiction": 9.0,
        "text": 9.0,
        "xenforo": 9.0,
        "royalroad": 9.0,
        "fictionpress": 9.0,
    }


def test_a_sites_own_delay_wins_over_its_built_in_default():
    toml = "[sites.ffn]\ndelay_seconds = 10\n[sites.efiction]\ndelay_seconds = 1.5\n"
    assert delays(toml) == {
        "ao3": 5.0,
        "ffn": 10.0,
        "efiction": 1.5,
        "text": 3.0,
        "xenforo": 3.0,
        "royalroad": 3.0,
        "fictionpress": 6.0,
    }


def test_setting_a_base_url_alone_keeps_the_sites_default_delay():
    config = parse_config(tomllib.loads("[sites.efiction]\nbase_url = 'https://ef.example.org/'\n"))
    site = config.sites["efiction"]
    assert (site.base_url, site.host, site.delay_seconds) == (
        "https://ef.example.org",
        "ef.example.org",
        3.0,
    )


def test_the_example_config_gives_ao3_and_ffn_their_documented_delays():
    text = (ROOT / "config.toml").read_text()
    config = parse_config(tomllib.loads(text), ROOT / "config.toml")
    assert config.sites["ao3"].delay_seconds == 5.0
    assert config.sites["ffn"].delay_seconds == 6.0
    assert config.sites["efiction"].delay_seconds == 3.0
    # the resolution order is written down where users read it
    for phrase in ("[sites.NAME]", "built-in default: 5 for ao3, 6 for ffn, 3 for"):
        assert phrase in text


def test_politeness_defaults_match_the_issue():
    pol = parse_config({}).politeness
    assert (pol.jitter, pol.max_redirects, pol.max_page_bytes) == (0.5, 5, 20_000_000)
    assert pol.respect_robots is True
    assert pol.connect_timeout_seconds > 0 and pol.read_timeout_seconds > 0


# --- [sites.NAME] with an adapter: several archives of one kind -----------------------------


def test_a_site_may_have_any_name_when_it_names_its_adapter():
    config = parse_config(
        tomllib.loads(
            "[politeness]\ndelay_seconds = 4\n"
            "[sites.fics]\nadapter = 'efiction'\nbase_url = 'https://fics.example.net/'\n"
            "[sites.second]\nadapter = 'efiction'\nbase_url = 'https://second.example'\n"
            "delay_seconds = 8\nallow_adult = true\n"
        )
    )
    fics, second = config.sites["fics"], config.sites["second"]
    assert (fics.adapter, fics.base_url, fics.host, fics.delay_seconds, fics.allow_adult) == (
        "efiction",
        "https://fics.example.net",
        "fics.example.net",
        4.0,
        False,
    )
    assert (second.adapter, second.delay_seconds, second.allow_adult) == ("efiction", 8.0, True)
    # the built-in sites stay, each named after its adapter
    assert [(s.name, s.adapter) for s in config.sites.values()][:6] == [
        ("ao3", "ao3"),
        ("ffn", "ffn"),
        ("efiction", "efiction"),
        ("text", "text"),
        ("xenforo", "xenforo"),
        ("royalroad", "royalroad"),
    ]


def test_a_xenforo_site_reads_its_threadmark_categories():
    config = parse_config(
        tomllib.loads(
            '[sites.sv]\nadapter = "xenforo"\n'
            'base_url = "https://forums.sufficientvelocity.com"\n'
            'threadmark_categories = ["main", "sidestory"]\n'
        )
    )
    sv = config.sites["sv"]
    assert (sv.adapter, sv.host) == ("xenforo", "forums.sufficientvelocity.com")
    assert sv.threadmark_categories == ("main", "sidestory")
    # a site that does not set the key keeps the default
    assert config.sites["xenforo"].threadmark_categories == ("main",)


def test_a_named_site_takes_its_adapters_default_delay():
    config = parse_config(
        tomllib.loads("[sites.mirror]\nadapter = 'ao3'\nbase_url = 'http://127.0.0.1:8000'\n")
    )
    assert (config.sites["mirror"].adapter, config.sites["mirror"].delay_seconds) == ("ao3", 5.0)


def test_site_config_built_by_hand_is_named_after_its_adapter_unless_told():
    assert SiteConfig("ao3", "https://archiveofourown.org", 5.0).adapter == "ao3"
    site = SiteConfig("fics", "https://fics.example.net", 3.0, False, "efiction")
    assert (site.name, site.adapter, site.allow_adult) == ("fics", "efiction", False)
    assert SiteConfig("fics", "https://x.org", 3.0, adapter="efiction").adapter == "efiction"


def test_default_sites_are_one_per_registered_adapter_with_its_defaults():
    sites = default_sites()
    assert list(sites) == list(ADAPTERS)
    for name, cls in ADAPTERS.items():
        assert (sites[name].adapter, sites[name].base_url, sites[name].delay_seconds) == (
            name,
            cls.default_base_url,
            cls.default_delay,
        )
    assert {s.delay_seconds for s in default_sites(9.0).values()} == {9.0}


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[sites.fics]\nbase_url = 'https://fics.example.net'\n",
            "sites.fics: unknown site; allowed: ao3, ffn, efiction, text, xenforo, royalroad, "
            "fictionpress "
            "(or any name, with adapter = one of those)",
        ),
        (
            "[sites.fics]\nadapter = 'efic'\nbase_url = 'https://fics.example.net'\n",
            "sites.fics.adapter: unknown adapter 'efic'; allowed: ao3, ffn, efiction, text, "
            "xenforo, royalroad, fictionpress",
        ),
        (
            "[sites.ao3]\nadapter = 'ffn'\n",
            "sites.ao3.adapter: must be 'ao3' for [sites.ao3]; give a ffn archive a name of its own",
        ),
        (
            "[sites.fics]\nadapter = 'efiction'\n",
            "sites.fics.base_url: is required: the address of the efiction archive",
        ),
        ("[sites.fics]\nadapter = 3\n", "sites.fics.adapter: must be a string, got 3"),
        (
            # no base_url: it would be AO3's own, which [sites.ao3] already is
            "[sites.mirror]\nadapter = 'ao3'\n",
            "sites.mirror.base_url: archiveofourown.org is already [sites.ao3]; one site per host",
        ),
        (
            "[sites.efiction]\nbase_url = 'https://ef.example.org'\n"
            "[sites.other]\nadapter = 'efiction'\nbase_url = 'https://EF.example.org:443/'\n",
            "sites.other.base_url: ef.example.org:443 is already [sites.efiction]; one site per host",
        ),
        (
            "[sites.text]\nbase_url = 'http://127.0.0.1:8000'\n"
            "[sites.ao3]\nbase_url = 'http://127.0.0.1:8000'\n",
            "sites.text.base_url: 127.0.0.1:8000 is already [sites.ao3]; one site per host",
        ),
    ],
)
def test_bad_sites_are_one_line_naming_file_and_key(tmp_path, toml, expected):
    path = tmp_path / "config.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: {expected}"
    assert info.value.exit_code == 2


def test_the_same_host_on_another_port_is_another_site():
    config = parse_config(
        tomllib.loads(
            "[sites.ao3]\nbase_url = 'http://127.0.0.1:8000'\n"
            "[sites.efiction]\nbase_url = 'http://127.0.0.1:8001'\n"
        )
    )
    assert config.sites["efiction"].host == "127.0.0.1:8001"


# --- [[sources]] only on sites that have listings ----------------------------------------------


@pytest.mark.parametrize("site", ["ffn", "efiction", "fics", "text"])
def test_a_source_on_a_site_without_listings_is_a_config_error(tmp_path, site):
    path = tmp_path / "config.toml"
    path.write_text(
        "[sites.fics]\nadapter = 'efiction'\nbase_url = 'https://fics.example.net'\n"
        f"[[sources]]\nname = 'a'\nsite = '{site}'\nstart = ['/s/5853866/1']\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"{path}: sources[0].site: site '{site}' has no listings to crawl; "
        "add its works with `ficarchive add URL`"
    )


def test_a_source_on_a_named_site_with_listings_is_accepted():
    config = parse_config(
        tomllib.loads(
            "[sites.mirror]\nadapter = 'ao3'\nbase_url = 'http://127.0.0.1:8000'\n"
            "[[sources]]\nname = 'm'\nsite = 'mirror'\nstart = ['/tags/Fluff/works']\n"
        )
    )
    assert config.sources[0].site == "mirror"


def test_an_unknown_source_site_lists_the_sites_that_can_be_crawled(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[sites.mirror]\nadapter = 'ao3'\nbase_url = 'http://127.0.0.1:8000'\n"
        "[[sources]]\nname = 'a'\nsite = 'nope'\nstart = ['/x']\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert (
        str(info.value)
        == f"{path}: sources[0].site: unknown site 'nope'; allowed: ao3, xenforo, royalroad, mirror"
    )


def test_crawl_dry_run_of_a_source_without_listings_is_one_line_exit_2(tmp_path):
    # The bug this pins: it passed validation, then crashed with a NotImplementedError
    # traceback from parse_listing, --dry-run included.
    path = tmp_path / "config.toml"
    path.write_text(
        f'[archive]\npath = "{tmp_path / "archive"}"\n'
        "[[sources]]\nname = 'counting'\nsite = 'ffn'\nstart = ['/s/5853866/1/Counting']\n"
    )
    run = ficarchive("--config", str(path), "crawl", "--dry-run")
    assert run.code == 2, run.err
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1
    assert "sources[0].site: site 'ffn' has no listings to crawl" in run.err
    assert str(path) in run.err
    assert not (tmp_path / "archive").exists()


# --- the schema is the dataclasses ----------------------------------------------------------


def test_every_dataclass_field_is_a_key_and_nothing_else_is():
    assert table_keys(SiteConfig) == {
        "base_url": str,
        "delay_seconds": float,
        "allow_adult": bool,
        "adapter": str,
        "threadmark_categories": list,
    }
    assert table_keys(Source) == {"name": str, "site": str, "start": list, "max_works": int}
    assert table_keys(ArchiveConfig) == {"path": str, "contact": str}
    assert list(table_keys(Config)) == [
        "archive",
        "politeness",
        "cleaning",
        "sites",
        "sources",
        "tags",
        "synonyms",
        "update",
    ]
    # every Politeness field, written out at its default, reads back as the default
    pol = Politeness()
    lines = [
        f"{f.name} = "
        + (json.dumps(v) if isinstance(v := getattr(pol, f.name), str) else str(v).lower())
        for f in fields(Politeness)
    ]
    toml = "[politeness]\n" + "\n".join(lines) + "\n"
    assert parse_config(tomllib.loads(toml)).politeness == pol
    assert parse_config(tomllib.loads("[cleaning]\ndetect_body_notes = false\n")).cleaning == (
        Cleaning(detect_body_notes=False)
    )


def test_the_example_configs_commented_sites_are_valid_when_uncommented():
    text = (ROOT / "config.toml").read_text()
    uncommented = re.sub(r"(?m)^# (\[sites\.\w+\]|\w+ = .*)$", r"\1", text)
    config = parse_config(tomllib.loads(uncommented), ROOT / "config.toml")
    assert config.sites["efiction"].base_url == "https://efiction.example.org"
    fics = config.sites["fics"]
    assert (fics.adapter, fics.host) == ("efiction", "fics.example.net")
    assert "efiction:fics.example.net:42" in text  # the id form, written where users read
