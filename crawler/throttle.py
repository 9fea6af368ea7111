"""Per-host pacing: one request at a time, a jittered delay, backoff after 429s."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# The longest single wait: more than any validated config asks for (a day's delay,
# doubled to 8x), far less than time.sleep() overflows at (about 1e10 s).
MAX_WAIT_SECONDS = 30 * 24 * 3600.0
# A wait longer than this is slept a second at a time, telling on_wait what is left.
COUNTDOWN_AFTER_SECONDS = 2.0


@dataclass
class HostPace:
    """The pacing state of one host."""

    delay: float
    next_allowed: float = 0.0
    last_end: float | None = None  # when the last request to the host finished
    slowdown: float = 1.0  # grows with each 429/503, never shrinks during a crawl
    lock: threading.Lock = field(default_factory=threading.Lock)


class Throttle:
    """Waits before each request so a host never sees more than the user allowed."""

    def __init__(
        self,
        jitter: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.jitter = jitter
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.hosts: dict[str, HostPace] = {}
        self.waited = 0.0
        # The politeness bound: the sum of the gaps each request had to keep after
        # the one before it (jittered delays, Retry-After holds, backoffs). A crawl
        # of one host cannot take less wall time than this.
        self.bound = 0.0
        # How late requests started after their slot opened: the crawler's own work
        # (parsing, storing, indexing) that did not fit in the wait. Ideally 0.
        self.late = 0.0
        # How long sleeps overran their slot: the process not scheduled in time, or
        # another thread (an index batch) holding the interpreter when a request is due.
        self.overslept = 0.0
        # When the first request started and the last one finished: what a crawl spends
        # before its first request and after its last answer is neither bound nor late.
        self.first_start: float | None = None
        self.last_end: float | None = None
        self._guard = threading.Lock()

    def pace(self, host: str, delay: float) -> HostPace:
        with self._guard:
            pace = self.hosts.get(host)
            if pace is None:
                pace = self.hosts[host] = HostPace(delay)
            elif delay > pace.delay:
                pace.delay = delay
            return pace

    def jittered(self, delay: float) -> float:
        return delay * self.rng.uniform(1 - self.jitter, 1 + self.jitter)

    def wait(
        self, host: str, delay: float, on_wait: Callable[[float], None] | None = None
    ) -> float:
        """Block until the host may be asked again (call with the host's lock held).

        Returns the seconds slept, so callers need not diff the shared total.
        """
        pace = self.pace(host, delay)
        if pace.last_end is not None:
            with self._guard:
                self.bound += max(0.0, pace.next_allowed - pace.last_end)
        remaining = min(pace.next_allowed - self.clock(), MAX_WAIT_SECONDS)
        if remaining <= 0:
            if pace.last_end is not None:
                with self._guard:
                    self.late -= remaining
            self._started()
            return 0.0
        if on_wait and remaining > COUNTDOWN_AFTER_SECONDS:
            left = remaining  # told again each second, so the screen counts down
            while left > 0:
                on_wait(left)
                self.sleep(min(left, 1.0))
                left -= 1.0
        else:
            if on_wait:
                on_wait(remaining)
            self.sleep(remaining)
        with self._guard:
            self.waited += remaining
            self.overslept += max(0.0, self.clock() - pace.next_allowed)
        self._started()
        return remaining

    def _started(self) -> None:
        if self.first_start is None:
            self.first_start = self.clock()

    def done(self, host: str) -> None:
        """A request finished: the next one waits a jittered delay from now."""
        pace = self.hosts[host]
        pace.last_end = self.last_end = self.clock()
        pace.next_allowed = pace.last_end + self.jittered(pace.delay * pace.slowdown)

    def hold(self, host: str, seconds: float) -> None:
        """Retry-After or backoff: nothing goes to this host for `seconds`."""
        pace = self.hosts[host]
        pace.next_allowed = max(pace.next_allowed, self.clock() + min(seconds, MAX_WAIT_SECONDS))

    def slow_down(self, host: str) -> None:
        """A 429 run means the host wants less: double its delay, up to 8x."""
        pace = self.hosts[host]
        pace.slowdown = min(pace.slowdown * 2, 8.0)
