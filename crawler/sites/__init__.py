"""The one site registry: adapter families by name, and the configured site for a
name, a URL or a work id.

Adding a site is one file in crawler/sites/ plus one line in FAMILIES. A family
may be configured several times on different hosts (`[sites.NAME] adapter =
"efiction"`), so everything here goes through the configured sites, never the
family alone.

The registry is lazy: FAMILIES holds what loading a config needs (names, id
prefixes, default hosts and delays, whether a family has listings), so `search`,
`show` and `list` never import a parser (BeautifulSoup, lxml, ftfy) or the HTTP
client. An adapter class is imported the first time ADAPTERS[name] is asked;
tests/test_sites_registry.py checks each family's line against its class.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.errors import ConfigError
from crawler.hosts import host_key  # the fetcher's own notion of "one host"

if TYPE_CHECKING:
    from crawler.config import Config, SiteConfig
    from crawler.sites.base import Listing, ListingEntry, SiteAdapter


@dataclass(frozen=True)
class Family:
    """One adapter family as config loading sees it, without importing its module."""

    name: str
    where: str  # "module:Class" of the adapter
    id_prefix: str
    default_base_url: str = ""
    default_delay: float = 3.0
    listings: bool = False  # whether [[sources]] can crawl it (the class's listing_kinds)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("ao3", "crawler.sites.ao3:AO3Adapter", "ao3", "https://archiveofourown.org",
               5.0, listings=True),
        Family("ffn", "crawler.sites.ffn:FFNAdapter", "ffn", "https://www.fanfiction.net", 6.0),
        Family("efiction", "crawler.sites.efiction:EFictionAdapter", "efiction"),
        Family("text", "crawler.sites.text:TextAdapter", "file"),
        Family("xenforo", "crawler.sites.xenforo:XenForoAdapter", "xf", listings=True),
        Family("royalroad", "crawler.sites.royalroad:RoyalRoadAdapter", "rr",
               "https://www.royalroad.com", listings=True),
        Family("fictionpress", "crawler.sites.fictionpress:FictionPressAdapter", "fp",
               "https://www.fictionpress.com", 6.0),
    )
}  # fmt: skip


class _Adapters(Mapping[str, "type[SiteAdapter]"]):
    """The adapter classes by family name, each imported when first asked for."""

    def __getitem__(self, name: str) -> type[SiteAdapter]:
        module, _, cls = FAMILIES[name].where.partition(":")
        return getattr(importlib.import_module(module), cls)

    def __iter__(self) -> Iterator[str]:
        return iter(FAMILIES)

    def __len__(self) -> int:
        return len(FAMILIES)


ADAPTERS: Mapping[str, type[SiteAdapter]] = _Adapters()


def __getattr__(name: str):  # the base types, re-exported without importing bs4 up front
    if name in {"Listing", "ListingEntry", "SiteAdapter"}:
        from crawler.sites import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ADAPTERS",
    "FAMILIES",
    "Family",
    "Listing",
    "ListingEntry",
    "SiteAdapter",
    "adapter",
    "adapter_for_url",
    "adapter_for_work_id",
    "adapter_of",
    "has_listings",
]


def adapter_of(site: SiteConfig) -> SiteAdapter:
    """The adapter for one configured site, by its `adapter` family."""
    cls = ADAPTERS.get(site.adapter)
    if cls is None:
        raise ConfigError(
            f"site {site.name!r} names adapter {site.adapter!r}; available: {', '.join(ADAPTERS)}"
        )
    return cls(site)


def adapter(config: Config, site_name: str) -> SiteAdapter:
    """The adapter for a configured site name (the NAME of `[sites.NAME]`)."""
    site = config.sites.get(site_name)
    if site is None:
        raise ConfigError(
            f"site {site_name!r} is not configured; configured: {', '.join(config.sites)}"
        )
    return adapter_of(site)


def has_listings(config: Config, site_name: str) -> bool:
    """Whether `[[sources]]` can crawl this site, or its works come by `add` only."""
    return adapter(config, site_name).has_listings()


def adapter_for_url(config: Config, url: str) -> SiteAdapter:
    """The configured site whose base_url has this URL's host and port."""
    key = host_key(url)
    for site in config.sites.values():
        if site.base_url and host_key(site.base_url) == key:
            return adapter_of(site)
    other_form = _alias_site(config, url)
    if other_form is not None:
        return other_form
    host = urlsplit(url).netloc.lower()
    known = _known_archive(url)
    if known is not None:
        from crawler.sites.base import bare_host

        name, family, base_url = known
        lines = f"[sites.{name}]\n" + (f'adapter = "{family}"\n' if family != name else "")
        raise ConfigError(
            f"{url}: {bare_host(base_url)} is a {family} archive that config.toml does not"
            f' configure; add these lines to it:\n{lines}base_url = "{base_url}"'
        )
    others = ", ".join(f'"{name}"' for name in ADAPTERS if name != "text")
    raise ConfigError(
        f"{url}: {host or 'this URL'} is not a configured archive; add it to config.toml as "
        f'[sites.text] base_url = "https://{host or "example.org"}" (or as a [sites.NAME] '
        f"with adapter = {others})"
    )


def adapter_for_work_id(config: Config, work_id: str) -> SiteAdapter:
    """The configured site that owns a work id (`efiction:<host>:<sid>` by its host).

    When one family is configured twice for the same ids (two AO3 mirrors), the
    first configured site answers.
    """
    for site in _configured(config):
        if site.site_id(work_id) is not None:
            return site
    prefix = work_id.partition(":")[0]
    family = next((f for f in FAMILIES.values() if f.id_prefix == prefix), None)
    if family is None:
        known = ", ".join(f"{f.id_prefix}:" for f in FAMILIES.values())
        raise ConfigError(f"{work_id}: not a work id ficarchive knows; ids start with {known}")
    raise ConfigError(
        f"{work_id}: no configured site owns this id; add a [sites.NAME] with "
        f'adapter = "{family.name}" and the base_url of its archive'
    )


def _configured(config: Config) -> Iterator[SiteAdapter]:
    for site in config.sites.values():
        if site.adapter in ADAPTERS:
            yield ADAPTERS[site.adapter](site)


def configured_adapters(config: Config) -> list[SiteAdapter]:
    """Every configured site's adapter, in config order (what `import` asks to claim a page)."""
    return list(_configured(config))


def _alias_site(config: Config, url: str) -> SiteAdapter | None:
    """The configured site a URL names in another form: www., m. or http: of its host
    (the port, when the URL gives one, must agree), or one of its family's `aliases`."""
    from crawler.sites.base import bare_host

    host, port = bare_host(url), _port(url)
    if not host:
        return None
    families = []
    for site in config.sites.values():
        cls = ADAPTERS.get(site.adapter)
        if cls is None or not site.base_url:
            continue
        if bare_host(site.base_url) == host and port in (None, _port(site.base_url)):
            return adapter_of(site)
        families.append((site, cls))
    for site, cls in families:
        if host in {bare_host(f"//{alias}") for alias in cls.aliases}:
            return adapter_of(site)
    return None


def _known_archive(url: str) -> tuple[str, str, str] | None:
    """(site name, family, base_url) of a well-known archive this URL is on: a family's
    own default host and aliases, or one of its known_archives."""
    from crawler.sites.base import bare_host

    host = bare_host(url)
    for family, cls in ADAPTERS.items():
        archives = list(cls.known_archives)
        if cls.default_base_url:
            archives.append((family, cls.default_base_url))
            archives += [(family, f"https://{alias}") for alias in cls.aliases]
        for name, base_url in archives:
            if host and bare_host(base_url) == host:
                return name, family, cls.default_base_url or base_url
    return None


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:
        return None
