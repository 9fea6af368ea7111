"""An update's plan (what it will ask, how long that takes at the configured delays)
and its budget (`--max-requests`, `--for`), so a big library can be kept current in
runs of a size the reader chooses.

The estimate counts the requests an update makes when nothing changed: robots.txt
once per host, every listing page the cheap checks read, and one request for each
work no listing covers. A changed work costs its own pages on top, which no one
can know before asking; the plan says so.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def spoken_duration(seconds: float) -> str:
    """36 min, 2 h 5 min, 40 s: as a reader would say it."""
    if seconds < 90:
        return f"{max(0, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@dataclass
class HostPlan:
    """One host's share of the plan."""

    requests: int = 0
    delay: float = 0.0


@dataclass
class Plan:
    """What an update is about to do, said before it does it."""

    works: int = 0
    said: str = ""  # what chose the works ("works in progress, and …")
    listing_pages: int = 0  # cheap checks: listing pages to read
    listed: int = 0  # works those pages cover
    direct: int = 0  # works checked one by one (no listing covers them)
    hosts: dict[str, HostPlan] = field(default_factory=dict)

    def add(self, host: str, requests: int, delay: float) -> None:
        share = self.hosts.setdefault(host, HostPlan(delay=delay))
        share.requests += requests

    @property
    def requests(self) -> int:
        return sum(h.requests for h in self.hosts.values())

    @property
    def seconds(self) -> float:
        """Requests to one host go one at a time, a delay apart; hosts go in turn."""
        return sum(h.requests * h.delay for h in self.hosts.values())

    def describe(self) -> str:
        """ "2,010 works: about 430 requests, 36 min at 5 s" """
        delays = sorted({h.delay for h in self.hosts.values()})
        at = " / ".join(f"{d:g} s" for d in delays) or "no delay"
        head = f"{self.works:,} work{'s' if self.works != 1 else ''}"
        if not self.hosts:
            return f"{head}: nothing to ask upstream"
        text = f"{head}: about {self.requests:,} requests, {spoken_duration(self.seconds)} at {at}"
        if self.listing_pages:
            text += (
                f" ({self.listing_pages:,} listing pages cover {self.listed:,} works,"
                f" {self.direct:,} checked one by one; each changed work adds its own pages)"
            )
        return text

    def to_dict(self) -> dict:
        return {
            "works": self.works,
            "chosen": self.said,
            "requests": self.requests,
            "seconds": round(self.seconds, 1),
            "listing_pages": self.listing_pages,
            "listed": self.listed,
            "direct": self.direct,
            "hosts": {
                h: {"requests": p.requests, "delay_seconds": p.delay} for h, p in self.hosts.items()
            },  # fmt: skip
        }


@dataclass
class Budget:
    """How much one run may spend; what is left over waits, pending, for the next run.

    A check is never started when its requests would pass `max_requests` or its
    delays the time left; a changed work already being fetched is finished (its
    extra chapter pages may pass the budget by those pages).
    """

    max_requests: int | None = None
    seconds: float | None = None
    clock: Callable[[], float] = time.monotonic
    began: float = math.nan

    def __post_init__(self) -> None:
        if math.isnan(self.began):
            self.began = self.clock()

    def __bool__(self) -> bool:
        return self.max_requests is not None or self.seconds is not None

    def stop(self, used: int, cost: int, delay: float) -> str | None:
        """Why the next check (`cost` requests, `delay` apart) must wait, or None."""
        if self.max_requests is not None and used + cost > self.max_requests:
            return f"left pending for the next run: --max-requests {self.max_requests:,} reached"
        if self.seconds is not None and (self.clock() - self.began) + cost * delay > self.seconds:
            return f"left pending for the next run: --for {spoken_duration(self.seconds)} reached"
        return None
