"""SIGKILL trials: crawl, kill at a random moment, look, repeat; then one crawl to the end.

Shared by tests/reliability/test_kills.py (20 trials) and `make soak` (many more).
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
    with_new_chapter,
    write_config,
)

# Seconds after start: the CLI needs ~0.4 s to import, a full crawl of the sample
# archive 18 requests at KILL_DELAY (~2.5 s) more, so kills land before, during and
# after listings, work fetches, store commits and the index commit, however fast
# the machine parses and indexes (the delay, not the CPU, sets the crawl's length).
KILL_WINDOW = (0.3, 2.2)
KILL_DELAY = 0.12


@dataclass
class Trial:
    number: int
    kill_after: float
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


def run_archive(
    root: Path, trials: int, rng: random.Random, window: tuple[float, float] = KILL_WINDOW
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
            kill_after = rng.uniform(*window)
            proc = start("--config", str(config), "crawl", "--json")
            try:
                proc.wait(timeout=kill_after)
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
            run.trials.append(Trial(number, kill_after, killed, len(snap.works), snap.ok))
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
