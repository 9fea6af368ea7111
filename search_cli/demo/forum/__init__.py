"""A forum-shaped (XenForo 2) and a Royal Road-shaped sample site, for the demo and the tests.

stories (our own sample text) · xenforo_pages and royalroad_pages (the markup,
modelled on the saved real pages) · sites (each site's state and URL shapes) ·
server (each on its own port of 127.0.0.1). `config_text` is what the demo's
config.toml adds to crawl them.
"""

from __future__ import annotations

FORUM_SITE = "sampleforum"  # [sites.sampleforum] adapter = "xenforo"
FORUM_START = "/threads/4242/threadmarks"
ROYALROAD_START = "/fiction/9001/the-clockwork-orchard"


def config_text(forum_url: str, royalroad_url: str, delay: float) -> str:
    """The [sites.*] and [[sources]] that crawl both sample sites (TOML, to append)."""
    return f"""
[sites.{FORUM_SITE}]
adapter = "xenforo"
base_url = "{forum_url}"     # the sample forum served on 127.0.0.1 during the demo
delay_seconds = {delay}

[sites.royalroad]
base_url = "{royalroad_url}"     # the Royal Road-shaped sample site on 127.0.0.1
delay_seconds = {delay}

[[sources]]
name = "forum"
site = "{FORUM_SITE}"
start = ["{FORUM_START}"]

[[sources]]
name = "royalroad"
site = "royalroad"
start = ["{ROYALROAD_START}"]
"""
