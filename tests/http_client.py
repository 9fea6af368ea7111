"""A PoliteClient for one site on a ScriptedServer: the set-up the fetcher tests share."""

from __future__ import annotations

import random
from typing import Any

import httpx

from crawler.config import parse_config
from crawler.http import PoliteClient

CONTACT = "tester@example.org"


def make_client(
    base_url: str,
    *,
    rng: random.Random | None = None,
    transport: httpx.BaseTransport | None = None,
    **politeness: Any,
):
    """A client for one site at base_url; robots.txt off unless a test turns it on.

    `transport` (an httpx.MockTransport) is for the few tests that need a host name
    or a default port no loopback server can have.
    """
    pol = {
        "delay_seconds": 0.05,
        "jitter": 0.0,
        "max_retries": 2,
        "respect_robots": False,
        "backoff_base_seconds": 0.02,
        "backoff_cap_seconds": 2.0,
        "connect_timeout_seconds": 2.0,
        "read_timeout_seconds": 2.0,
    } | politeness
    config = parse_config(
        {
            "archive": {"contact": CONTACT},
            "politeness": pol,
            # The per-site delay wins over [politeness], so set both.
            "sites": {"text": {"base_url": base_url, "delay_seconds": pol["delay_seconds"]}},
        }
    )
    return PoliteClient(config, rng=rng or random.Random(1), transport=transport)


def gaps(log: list) -> list[float]:
    """Idle time the server saw between the end of one request and the start of the next."""
    ordered = sorted(log, key=lambda r: r.start)
    return [b.start - a.end for a, b in zip(ordered, ordered[1:], strict=False)]
