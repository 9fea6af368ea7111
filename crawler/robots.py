"""robots.txt as RFC 9309 says, parsed by protego, cached per host.

Do better than Scrapy: an unreachable robots.txt (5xx or a network error)
means "disallow all" for that host, and the crawl summary says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from protego import Protego

from crawler import __version__

AGENT_TOKEN = "ficarchive"
CACHE_SECONDS = 24 * 3600


@dataclass
class RobotsRules:
    """The rules for one host, with why they are what they are."""

    host: str
    parser: Protego | None
    disallow_all: bool = False
    reason: str = ""
    fetched_at: float = 0.0

    def allowed(self, url: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return self.parser.can_fetch(url, AGENT_TOKEN)

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(AGENT_TOKEN)
        return float(delay) if delay is not None else None

    @property
    def fresh(self) -> bool:
        return time.monotonic() - self.fetched_at < CACHE_SECONDS


def rules_from_response(host: str, status: int | None, body: bytes | None) -> RobotsRules:
    """RFC 9309 section 2.3.1: 2xx parse, 4xx allow all, 5xx/unreachable disallow all."""
    now = time.monotonic()
    if status is None:
        return RobotsRules(host, None, True, "robots.txt unreachable: disallowing all", now)
    if 200 <= status < 300:
        text = (body or b"")[:500_000].decode("utf-8", errors="replace")
        return RobotsRules(host, Protego.parse(text), False, "", now)
    if 400 <= status < 500:
        return RobotsRules(host, None, False, f"robots.txt answered {status}: allowing all", now)
    return RobotsRules(host, None, True, f"robots.txt answered {status}: disallowing all", now)


def user_agent(contact: str) -> str:
    """The honest User-Agent: product/version and how to reach whoever runs it."""
    contact = contact.strip() or "no contact configured"
    return f"{AGENT_TOKEN}/{__version__} (+{contact})"
