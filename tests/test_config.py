"""Config: defaults, the example file, and one clear error per bad key or value."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.config import load_config, parse_config
from crawler.errors import ConfigError

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
    assert delays("") == {"ao3": 5.0, "ffn": 6.0, "efiction": 3.0, "text": 3.0}


def test_politeness_delay_is_the_default_for_every_site_without_its_own():
    # The bug this pins: [politeness] delay_seconds used to change nothing at all.
    assert delays("[politeness]\ndelay_seconds = 9\n") == {
        "ao3": 9.0,
        "ffn": 9.0,
        "efiction": 9.0,
        "text": 9.0,
    }


def test_a_sites_own_delay_wins_over_the_politeness_delay():
    toml = "[politeness]\ndelay_seconds = 9\n[sites.ao3]\ndelay_seconds = 12\n"
    assert delays(toml) == {"ao3": 12.0, "ffn": 9.0, "efiction": 9.0, "text": 9.0}


def test_a_sites_own_delay_wins_over_its_built_in_default():
    toml = "[sites.ffn]\ndelay_seconds = 10\n[sites.efiction]\ndelay_seconds = 1.5\n"
    assert delays(toml) == {"ao3": 5.0, "ffn": 10.0, "efiction": 1.5, "text": 3.0}


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
