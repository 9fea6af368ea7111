"""Config in two layers: built-in defaults, then config.toml on top, frozen.

An unknown key or a bad value is a ConfigError naming the file and the key,
so a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import ConfigError

SITES = ("ao3", "ffn", "efiction", "text")

DEFAULT_BASE_URLS = {
    "ao3": "https://archiveofourown.org",
    "ffn": "https://www.fanfiction.net",
    "efiction": "",
    "text": "",
}
# AO3 throttles at about 60 requests a minute per IP; FanFiction.net is stricter.
# These apply only when the user set no delay: see resolve order in default_sites().
DEFAULT_SITE_DELAYS = {"ao3": 5.0, "ffn": 6.0, "efiction": 3.0, "text": 3.0}


@dataclass(frozen=True)
class ArchiveConfig:
    """Where the archive lives and who runs the crawler."""

    path: Path = Path("archive")
    contact: str = ""


@dataclass(frozen=True)
class Politeness:
    """How gently to crawl: delays, retries, robots.txt, limits."""

    delay_seconds: float = 3.0
    jitter: float = 0.5
    max_retries: int = 3
    respect_robots: bool = True
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 300.0
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 30.0
    max_page_bytes: int = 20_000_000
    max_redirects: int = 5
    max_listing_pages: int = 10


@dataclass(frozen=True)
class Cleaning:
    """Cleaner switches a user may want."""

    detect_body_notes: bool = True


@dataclass(frozen=True)
class SiteConfig:
    """One archive ficarchive may talk to."""

    name: str
    base_url: str
    delay_seconds: float
    allow_adult: bool = False

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc.lower()


@dataclass(frozen=True)
class Source:
    """A named starting point for `ficarchive crawl`."""

    name: str
    site: str
    start: tuple[str, ...]
    max_works: int | None = None


@dataclass(frozen=True)
class Config:
    """The whole configuration, loaded once."""

    file: Path | None = None
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    politeness: Politeness = field(default_factory=Politeness)
    cleaning: Cleaning = field(default_factory=Cleaning)
    sites: dict[str, SiteConfig] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    @property
    def archive_dir(self) -> Path:
        return self.archive.path

    def site(self, name: str) -> SiteConfig:
        try:
            return self.sites[name]
        except KeyError:
            raise ConfigError(f"no [sites.{name}] is configured") from None

    def with_site(self, site: SiteConfig) -> Config:
        return replace(self, sites={**self.sites, site.name: site})


def default_sites(delay_seconds: float | None = None) -> dict[str, SiteConfig]:
    """Every known site before [sites.NAME] is applied.

    A site's delay is, first to last: its own `[sites.NAME] delay_seconds` (applied
    by parse_config), else `[politeness] delay_seconds` when the user set it
    (passed here), else the built-in per-site default (AO3 5 s, FFN 6 s, 3 s
    elsewhere).
    """
    return {
        name: SiteConfig(
            name,
            DEFAULT_BASE_URLS[name],
            DEFAULT_SITE_DELAYS[name] if delay_seconds is None else delay_seconds,
        )
        for name in SITES
    }


# --- validation ---------------------------------------------------------------

_SECTION_KEYS = {
    "archive": {"path": str, "contact": str},
    "politeness": {
        "delay_seconds": float,
        "jitter": float,
        "max_retries": int,
        "respect_robots": bool,
        "backoff_base_seconds": float,
        "backoff_cap_seconds": float,
        "connect_timeout_seconds": float,
        "read_timeout_seconds": float,
        "max_page_bytes": int,
        "max_redirects": int,
        "max_listing_pages": int,
    },
    "cleaning": {"detect_body_notes": bool},
}
_SITE_KEYS = {"base_url": str, "delay_seconds": float, "allow_adult": bool}
_SOURCE_KEYS = {"name": str, "site": str, "start": list, "max_works": int}
_TYPE_NAMES = {
    str: "a string",
    float: "a number",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
}


class _Checker:
    def __init__(self, file: Path | None) -> None:
        self.where = str(file) if file else "built-in config"

    def fail(self, key: str, allowed: str) -> ConfigError:
        return ConfigError(f"{self.where}: {key}: {allowed}")

    def value(self, key: str, value: Any, kind: type) -> Any:
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok, value = True, float(value)
        if not ok:
            raise self.fail(key, f"must be {_TYPE_NAMES[kind]}, got {value!r}")
        if kind is float and not math.isfinite(value):
            raise self.fail(key, f"must be a finite number, got {value!r}")
        if kind in (int, float) and value < 0:
            raise self.fail(key, f"must be 0 or more, got {value!r}")
        return value

    def table(self, key: str, data: Any, allowed: dict[str, type]) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        out = {}
        for k, v in data.items():
            if k not in allowed:
                raise self.fail(f"{key}.{k}", f"unknown key; allowed: {', '.join(allowed)}")
            out[k] = self.value(f"{key}.{k}", v, allowed[k])
        return out


def _check_base_url(check: _Checker, key: str, url: str) -> str:
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise check.fail(key, f"must be an http(s) URL like https://example.org, got {url!r}")
    if parts.username or parts.password:
        raise check.fail(key, "must not hold a user name or password (ficarchive never logs in)")
    try:
        parts.port  # noqa: B018 - raises on a port outside 0-65535
    except ValueError:
        raise check.fail(key, f"has a port outside 1-65535: {url!r}") from None
    return url.rstrip("/")


def parse_config(data: dict[str, Any], file: Path | None = None) -> Config:
    """Validate a TOML document against the defaults; raise ConfigError on the first problem."""
    check = _Checker(file)
    base_dir = file.parent if file else Path.cwd()
    known = {*_SECTION_KEYS, "sites", "sources"}
    for k in data:
        if k not in known:
            raise check.fail(k, f"unknown section; allowed: {', '.join(sorted(known))}")

    arch = check.table("archive", data.get("archive", {}), _SECTION_KEYS["archive"])
    archive = ArchiveConfig(
        path=(base_dir / arch.get("path", "archive")).resolve(),
        contact=arch.get("contact", ""),
    )
    pol = check.table("politeness", data.get("politeness", {}), _SECTION_KEYS["politeness"])
    politeness = Politeness(**pol)
    if politeness.jitter > 1:
        raise check.fail("politeness.jitter", f"must be between 0 and 1, got {politeness.jitter}")
    if politeness.max_redirects > 20:
        raise check.fail("politeness.max_redirects", "must be 20 or fewer")
    cleaning = Cleaning(
        **check.table("cleaning", data.get("cleaning", {}), _SECTION_KEYS["cleaning"])
    )

    sites = default_sites(pol.get("delay_seconds"))
    raw_sites = data.get("sites", {})
    if not isinstance(raw_sites, dict):
        raise check.fail("sites", "must be a table of [sites.NAME] tables")
    for name, table in raw_sites.items():
        if name not in SITES:
            raise check.fail(f"sites.{name}", f"unknown site; allowed: {', '.join(SITES)}")
        vals = check.table(f"sites.{name}", table, _SITE_KEYS)
        if "base_url" in vals:
            vals["base_url"] = _check_base_url(check, f"sites.{name}.base_url", vals["base_url"])
        sites[name] = replace(sites[name], **vals)

    sources = []
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise check.fail("sources", "must be an array of [[sources]] tables")
    for i, table in enumerate(raw_sources):
        key = f"sources[{i}]"
        vals = check.table(key, table, _SOURCE_KEYS)
        for required in ("name", "site", "start"):
            if required not in vals:
                raise check.fail(f"{key}.{required}", "is required")
        if vals["site"] not in SITES:
            raise check.fail(
                f"{key}.site", f"unknown site {vals['site']!r}; allowed: {', '.join(SITES)}"
            )
        starts = vals["start"]
        if not starts or not all(isinstance(s, str) and s for s in starts):
            raise check.fail(f"{key}.start", "must be a non-empty list of URLs or paths")
        if vals["name"] in {s.name for s in sources}:
            raise check.fail(f"{key}.name", f"duplicate source name {vals['name']!r}")
        sources.append(Source(vals["name"], vals["site"], tuple(starts), vals.get("max_works")))

    return Config(file, archive, politeness, cleaning, sites, tuple(sources))


def find_config_file(explicit: str | Path | None) -> Path | None:
    """--config, then $FICARCHIVE_CONFIG, then ./config.toml; None means built-in defaults."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("FICARCHIVE_CONFIG")
    if env:
        return Path(env)
    local = Path("config.toml")
    return local if local.exists() else None


def load_config(explicit: str | Path | None = None) -> Config:
    """Load and validate the config the user pointed at (or the defaults)."""
    path = find_config_file(explicit)
    if path is None:
        return parse_config({}, None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (use --config PATH)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, path.resolve())
