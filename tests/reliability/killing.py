"""SIGKILL trials: crawl, kill at a random moment, look, repeat; then one crawl to the end.

Shared by tests/reliability/test_kills.py (12 trials) and `make soak` (many more).
Each archive has its own sample server; between trials its authors update a few
works, so every crawl after the first has real rewriting to be killed in.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from search_cli.demo.server import SampleArchiveServer
from tests.reliability.harness import (
    Snapshot,
    expected_works,
    ficarchive,
    problems,
    snapshot,
    start,
    wait_for,
    with_new_chapter,
    write_config,
)

# Kills are paced by what the server saw, not by a clock: a trial picks the nth request
# of its crawl (every crawl of the sample archive makes at least 8: robots.txt, two
# listing pages, the works it must fetch or re-check) and, once the server has logged
# it, a moment within the next couple of politeness delays. So kills land during
# listings, work fetches, store commits and (after the last request) the index commit,
# and a crawl is always still running at the nth request, however fast the machine
# is: a kill window in seconds from the start found fast machines' short crawls done.
KILL_AT_REQUEST = (1, 8)
KILL_DELAY = 0.12
KILL_AFTER_REQUEST = (0.0, 2.5 * KILL_DELAY)  # seconds after the chosen request arrived


@dataclass
class Trial:
    number: int
    kill_at: str  # "request N + S s"
    killed: bool  # False: the crawl had already finished
    works_after: int
    integrity_ok: bool


@dataclass
class ArchiveRun:
    """The trials of one archive and what its final crawl left."""

    name: str
    trials: list[Trial] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)
    final: Snapshot | None = None
    final_code: int | None = None
    final_err: str = ""
    problems: list[str] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)  # stored works or raw pages that vanished
    doctor: dict = field(default_factory=dict)

    @property
    def killed(self) -> int:
        return sum(t.killed for t in self.trials)

    @property
    def integrity_failures(self) -> int:
        failures = sum(not t.integrity_ok for t in self.trials)
        return failures + (0 if self.final is None or self.final.ok else 1)

    @property
    def works_found(self) -> int:
        if self.final is None:
            return 0
        return len(set(self.final.works) & set(self.expected))


def _update_upstream(server: SampleArchiveServer, rng: random.Random, n: int) -> None:
    works = [w for w in server.works if w.state == "ok"]
    for work in rng.sample(works, k=min(len(works), rng.randint(1, 4))):
        server.update_work(work.work_id, with_new_chapter(work, n))


def _at_request(server: SampleArchiveServer, n: int, proc: subprocess.Popen):
    """True once the server has logged its nth request, or the crawl has ended."""
    return lambda: len(server.requests) >= n or proc.poll() is not None


def run_archive(
    root: Path, trials: int, rng: random.Random, window: tuple[int, int] = KILL_AT_REQUEST
) -> ArchiveRun:
    """`trials` killed crawls of one archive, then a crawl to the end, then the checks."""
    run = ArchiveRun(root.name)
    archive = root / "archive"
    seen_pages: dict[str, int] = {}
    with SampleArchiveServer() as server:
        # A crawler killed mid-request resets its connection: expected, not worth a traceback.
        server._httpd.handle_error = lambda request, client_address: None
        config = write_config(root, server.base_url, delay=KILL_DELAY)
        for number in range(1, trials + 1):
            if number > 1:
                _update_upstream(server, rng, number)
            nth, after = rng.randint(*window), rng.uniform(*KILL_AFTER_REQUEST)
            seen = len(server.requests)
            proc = start("--config", str(config), "crawl", "--json")
            arrived = wait_for(_at_request(server, seen + nth, proc), timeout=120)
            try:
                proc.wait(timeout=after if arrived else 0)
                killed = False
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                killed = True
            snap = snapshot(archive)
            # Nothing once stored may vanish: works and their raw pages only ever grow.
            run.lost |= {w for w in seen_pages if w not in snap.works}
            run.lost |= {
                f"{w} (raw pages)" for w, n in seen_pages.items() if snap.raw_pages.get(w, 0) < n
            }
            seen_pages = {**seen_pages, **snap.raw_pages}
            kill_at = f"request {nth} + {after:.2f} s"
            run.trials.append(Trial(number, kill_at, killed, len(snap.works), snap.ok))
        final = ficarchive("--config", str(config), "crawl", "--json")
        run.final_code, run.final_err = final.code, final.err
        run.expected = expected_works(server.works)
    run.final = snapshot(archive)
    run.lost |= {w for w in seen_pages if w not in run.final.works}
    run.problems = problems(run.final, run.expected)
    doctor = ficarchive("--config", str(config), "doctor", "--check-only", "--json")
    try:
        run.doctor = json.loads(doctor.out)
    except ValueError:
        run.doctor = {"healthy": False, "error": doctor.err.strip()[-300:]}
    return run
