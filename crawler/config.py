"""Config in two layers: built-in defaults, then config.toml on top, frozen.

An unknown key or a bad value is a ConfigError naming the file and the key,
so a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from crawler.config_sections import TagsConfig, Updating, parse_synonyms
from crawler.errors import ConfigError

# Marks a dataclass field that is not a key of its TOML table (a table's own name).
NOT_A_KEY = {"key": False}


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
    request_deadline_seconds: float = 60.0  # connect + headers + body, robots.txt too
    give_up_after_failures: int = 5  # consecutive 429/503/network errors; 0 never gives up
    proxy: str = ""  # "" goes direct; HTTP(S)_PROXY in the environment is never used


@dataclass(frozen=True)
class Cleaning:
    """Cleaner switches a user may want."""

    detect_body_notes: bool = True


@dataclass(frozen=True)
class SiteConfig:
    """One archive ficarchive may talk to: `[sites.NAME]`, read by the `adapter` family."""

    name: str = field(metadata=NOT_A_KEY)
    base_url: str
    delay_seconds: float
    allow_adult: bool = False
    adapter: str = ""  # "" means the site is named after its adapter: [sites.ao3]
    # XenForo: which threadmark categories make the story (the forum's tab names).
    threadmark_categories: tuple[str, ...] = ("main",)

    def __post_init__(self) -> None:
        if not self.adapter:
            object.__setattr__(self, "adapter", self.name)
        categories = tuple(str(c).strip().lower() for c in self.threadmark_categories)
        object.__setattr__(self, "threadmark_categories", categories or ("main",))

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

    file: Path | None = field(default=None, metadata=NOT_A_KEY)
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    politeness: Politeness = field(default_factory=Politeness)
    cleaning: Cleaning = field(default_factory=Cleaning)
    sites: dict[str, SiteConfig] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    tags: TagsConfig = field(default_factory=TagsConfig)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [synonyms]
    update: Updating = field(default_factory=Updating)

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
    """One site per registered adapter, with that adapter's defaults, before [sites.NAME].

    A site's delay is, first to last: its own `[sites.NAME] delay_seconds` (applied
    by parse_config), else `[politeness] delay_seconds` when the user set it
    (passed here), else the adapter's built-in default (AO3 5 s, FFN 6 s, 3 s
    elsewhere).
    """
    from crawler.sites import FAMILIES  # crawler.sites imports this module

    return {
        name: SiteConfig(
            name,
            family.default_base_url,
            family.default_delay if delay_seconds is None else delay_seconds,
        )
        for name, family in FAMILIES.items()
    }


# --- the schema, read off the dataclasses --------------------------------------------


def _toml_kind(hint: Any) -> type:
    """The TOML value a field's type asks for: a Path is written as a string, a tuple as
    an array, and `X | None` as X (None is "leave it out")."""
    if get_origin(hint) in (Union, UnionType):
        (hint,) = (arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) in (tuple, list):
        return list
    return str if hint is Path else hint


@cache
def table_keys(cls: type) -> dict[str, type]:
    """The keys a TOML table of `cls` may hold, each with its TOML kind, in field order."""
    hints = get_type_hints(cls)
    return {f.name: _toml_kind(hints[f.name]) for f in _key_fields(cls)}


def _key_fields(cls: type) -> list[Field]:
    return [f for f in fields(cls) if f.metadata.get("key", True)]


def _required(cls: type) -> list[str]:
    return [
        f.name for f in _key_fields(cls) if f.default is MISSING and f.default_factory is MISSING
    ]


def _sections() -> dict[str, type]:
    """The plain [section] tables of Config: the fields holding one dataclass each."""
    hints = get_type_hints(Config)
    return {f.name: hints[f.name] for f in _key_fields(Config) if is_dataclass(hints[f.name])}


_TYPE_NAMES = {
    str: "a string",
    float: "a number",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
}


# Bounds a user can read here: every `*_seconds` key (a delay, a timeout, a backoff)
# is at most a day, and every count at most a billion. Beyond them a value is a typo,
# and a huge one would overflow the first sleep or socket timeout.
MAX_SECONDS = 86_400
MAX_COUNT = 1_000_000_000


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
        if kind in (int, float) and key.endswith("_seconds") and value > MAX_SECONDS:
            raise self.fail(
                key, f"must be at most {MAX_SECONDS:,} (a day), got {value!r}: longer is a mistake"
            )
        if kind is int and value > MAX_COUNT:
            raise self.fail(key, f"must be at most {MAX_COUNT:,}, got {value!r}")
        if kind is str and "\x00" in value:
            raise self.fail(key, "must not hold a NUL character")
        return value

    def table(self, key: str, data: Any, cls: type) -> dict[str, Any]:
        """A TOML table checked against the keys of the dataclass `cls`."""
        allowed = table_keys(cls)
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        out = {}
        for k, v in data.items():
            if k not in allowed:
                raise self.fail(f"{key}.{k}", f"unknown key; allowed: {', '.join(allowed)}")
            out[k] = self.value(f"{key}.{k}", v, allowed[k])
        return out


def _check_base_url(check: _Checker, key: str, url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[::1": an unclosed IPv6 bracket
        raise check.fail(key, f"is not a URL ({exc}): {url!r}") from None
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
    known = table_keys(Config)
    for k in data:
        if k not in known:
            raise check.fail(k, f"unknown section; allowed: {', '.join(sorted(known))}")
    sections = {
        name: cls(**check.table(name, data.get(name, {}), cls)) for name, cls in _sections().items()
    }
    base_dir = file.parent if file else Path.cwd()
    archive = sections["archive"]
    contact = archive.contact
    if not (contact.isascii() and contact.isprintable()):
        raise check.fail(
            "archive.contact",
            f"must be plain ASCII (it is sent in the User-Agent header), got {contact!r}",
        )
    archive = replace(archive, path=(base_dir / archive.path).resolve())
    politeness = sections["politeness"]
    if politeness.jitter > 1:
        raise check.fail("politeness.jitter", f"must be between 0 and 1, got {politeness.jitter}")
    if politeness.max_redirects > 20:
        raise check.fail("politeness.max_redirects", "must be 20 or fewer")
    # Only a delay the user wrote becomes every site's default; else each adapter's own.
    shared_delay = (
        politeness.delay_seconds if "delay_seconds" in data.get("politeness", {}) else None
    )
    sites = _parse_sites(check, data.get("sites", {}), default_sites(shared_delay))
    sources = _parse_sources(check, data.get("sources", []), sites)
    synonyms = parse_synonyms(data.get("synonyms", {}), check.fail)
    return Config(file, archive, politeness, sections["cleaning"], sites, sources,
                  tags=sections["tags"], synonyms=synonyms, update=sections["update"])  # fmt: skip


def _parse_sites(check: _Checker, raw: Any, sites: dict[str, SiteConfig]) -> dict[str, SiteConfig]:
    """[sites.NAME] over the defaults: NAME is an adapter's name, or any name with `adapter`."""
    from crawler.sites import FAMILIES as ADAPTERS  # names only: no parser is imported

    if not isinstance(raw, dict):
        raise check.fail("sites", "must be a table of [sites.NAME] tables")
    families = ", ".join(ADAPTERS)
    for name, table in raw.items():
        key = f"sites.{name}"
        vals = check.table(key, table, SiteConfig)
        family = vals.get("adapter") or (name if name in ADAPTERS else "")
        if not family:
            raise check.fail(
                key,
                f"unknown site; allowed: {families} (or any name, with adapter = one of those)",
            )
        if family not in ADAPTERS:
            raise check.fail(f"{key}.adapter", f"unknown adapter {family!r}; allowed: {families}")
        if name in ADAPTERS and family != name:
            raise check.fail(
                f"{key}.adapter",
                f"must be {name!r} for [sites.{name}]; give a {family} archive a name of its own",
            )
        if "base_url" in vals:
            vals["base_url"] = _check_base_url(check, f"{key}.base_url", vals["base_url"])
        site = sites.get(name) or replace(sites[family], name=name, adapter=family)
        sites[name] = site = replace(site, **vals)
        if not site.base_url and name not in ADAPTERS:
            raise check.fail(f"{key}.base_url", f"is required: the address of the {family} archive")
    _refuse_shared_hosts(check, sites)
    return sites


def _refuse_shared_hosts(check: _Checker, sites: dict[str, SiteConfig]) -> None:
    """One site per host and port: ids, pacing and robots.txt are all kept per host."""
    from crawler.hosts import host_key  # the fetcher's own notion of "one host"

    owners: dict[str, str] = {}
    for site in sites.values():
        if not site.base_url:
            continue
        owner = owners.setdefault(host_key(site.base_url), site.name)
        if owner != site.name:
            raise check.fail(
                f"sites.{site.name}.base_url",
                f"{site.host} is already [sites.{owner}]; one site per host",
            )


def _parse_sources(check: _Checker, raw: Any, sites: dict[str, SiteConfig]) -> tuple[Source, ...]:
    from crawler.sites import FAMILIES

    if not isinstance(raw, list):
        raise check.fail("sources", "must be an array of [[sources]] tables")
    crawlable = [n for n, s in sites.items() if FAMILIES[s.adapter].listings]
    sources: list[Source] = []
    for i, table in enumerate(raw):
        key = f"sources[{i}]"
        vals = check.table(key, table, Source)
        for required in _required(Source):
            if required not in vals:
                raise check.fail(f"{key}.{required}", "is required")
        site = sites.get(vals["site"])
        if site is None:
            raise check.fail(
                f"{key}.site", f"unknown site {vals['site']!r}; allowed: {', '.join(crawlable)}"
            )
        if not FAMILIES[site.adapter].listings:
            raise check.fail(
                f"{key}.site",
                f"site {site.name!r} has no listings to crawl; add its works with "
                "`ficarchive add URL`",
            )
        starts = vals["start"]
        if not starts or not all(isinstance(s, str) and s for s in starts):
            raise check.fail(f"{key}.start", "must be a non-empty list of URLs or paths")
        if vals["name"] in {s.name for s in sources}:
            raise check.fail(f"{key}.name", f"duplicate source name {vals['name']!r}")
        sources.append(Source(vals["name"], vals["site"], tuple(starts), vals.get("max_works")))
    return tuple(sources)


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
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    return parse_config(data, path.resolve())
