"""robots.txt as RFC 9309 says, parsed by protego, cached per host.

Do better than Scrapy: an unreachable robots.txt (5xx or a network error)
means "disallow all" for that host, and the crawl summary says so.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from protego import Protego

from crawler import __version__

AGENT_TOKEN = "ficarchive"
CACHE_SECONDS = 24 * 3600
# The longest Crawl-delay ever slept on: a host asking for more (1e12 s) is asking for
# something no crawl will do, and the fetcher leaves it alone instead (see http.py).
MAX_CRAWL_DELAY = 24 * 3600.0


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
    def asked_crawl_delay(self) -> float | None:
        """The Crawl-delay robots.txt asks of ficarchive, as written (it may be 1e12)."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(AGENT_TOKEN)
        if delay is None or not math.isfinite(float(delay)) or float(delay) < 0:
            return None
        return float(delay)

    @property
    def crawl_delay(self) -> float | None:
        """The Crawl-delay to keep, never more than MAX_CRAWL_DELAY: safe to sleep on."""
        asked = self.asked_crawl_delay
        return None if asked is None else min(asked, MAX_CRAWL_DELAY)

    @property
    def fresh(self) -> bool:
        return time.monotonic() - self.fetched_at < CACHE_SECONDS


def rules_from_response(
    host: str, status: int | None, body: bytes | None, why: str = ""
) -> RobotsRules:
    """RFC 9309 section 2.3.1: 2xx parse, 4xx allow all, 5xx/unreachable disallow all.

    `why` says what made it unreachable (a deadline, a refused connection), for the notes.
    """
    now = time.monotonic()
    if status is None:
        detail = f" ({why})" if why else ""
        return RobotsRules(
            host, None, True, f"robots.txt unreachable{detail}: disallowing all", now
        )
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
