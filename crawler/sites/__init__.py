"""Site adapters, chosen by a URL's host against the configured archives."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.config import Config
from crawler.errors import ConfigError
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.base import Listing, ListingEntry, SiteAdapter
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter

ADAPTERS: dict[str, type[SiteAdapter]] = {
    "ao3": AO3Adapter,
    "ffn": FFNAdapter,
    "efiction": EFictionAdapter,
    "text": TextAdapter,
}

__all__ = ["ADAPTERS", "Listing", "ListingEntry", "SiteAdapter", "adapter", "adapter_for_url"]


def adapter(config: Config, name: str) -> SiteAdapter:
    """The adapter for a configured site name."""
    cls = ADAPTERS.get(name)
    if cls is None:
        raise ConfigError(f"site {name!r} has no adapter yet; available: {', '.join(ADAPTERS)}")
    return cls(config.site(name))


def adapter_for_url(config: Config, url: str) -> SiteAdapter:
    """Pick the adapter whose configured base_url has this URL's host."""
    host = urlsplit(url).netloc.lower()
    for name, site in config.sites.items():
        if site.base_url and site.host == host and name in ADAPTERS:
            return ADAPTERS[name](site)
    raise ConfigError(
        f"{url}: {host or 'this URL'} is not a configured archive; add it to config.toml as "
        f'[sites.text] base_url = "https://{host or "example.org"}" (or ao3/ffn/efiction)'
    )
