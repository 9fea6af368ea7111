"""What a crawl costs: requests per work, and wall time against the politeness bound.

The sample archive server (search_cli.demo.server) serves BENCH_CRAWL_WORKS
generated works (default 1,000) on 127.0.0.1 with AO3's markup, 20 to a
listing page, as AO3 does. The real crawler (index.archive.Archive with a
real PoliteClient: robots.txt, one request at a time, jittered delay) crawls
the listing three times, each as a fresh run (a new client, so robots.txt is
read again):

1. the first crawl of the archive;
2. a re-crawl of the unchanged archive;
3. a re-crawl after 10% of the works gained a chapter (and a later date).

Requests are counted by the server. Baselines:
- first crawl: AO3's default layout, one request per chapter (a crawler that
  does not ask for `view_full_work=true`), computed from the works' chapter
  counts plus the same listing pages and robots.txt;
- re-crawls: a crawler that keeps no listing state fetches every work again,
  i.e. what the measured first crawl cost.

Each crawl runs in a child process, so the server (in this process) never
competes with the crawler for the interpreter. Wall time is the whole `crawl`
(fetch, parse, clean, store, index); the
politeness bound is the sum of the gaps the rules required between requests
(crawler.throttle.Throttle.bound). The delay is shortened (BENCH_CRAWL_DELAY,
default 0.02 s) only because the server is on loopback; against AO3's 5 s the
same crawl is bound by the delay alone. A second, short first crawl at a real
delay (BENCH_CRAWL_SLOW_WORKS works, default 100, at BENCH_CRAWL_SLOW_DELAY,
default 1 s) checks that a work's CPU (parse, clean, store, index batches) runs
inside the wait for the next request slot, never after it: goal wall / bound
<= 1.02 (issue 19). Its row also gives the crawl's CPU per work.

    python -m bench.crawl_bench       # prints the rows
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from crawler.config import load_config
from crawler.http import PoliteClient
from index.archive import Archive
from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.generated import generate_works, revised
from search_cli.demo.server import SampleArchiveServer

PER_PAGE = 20  # AO3's listing page size
CHANGED_SHARE = 0.10


def _works() -> int:
    return int(os.environ.get("BENCH_CRAWL_WORKS", "1000"))


def _delay() -> float:
    return float(os.environ.get("BENCH_CRAWL_DELAY", "0.02"))


def _slow() -> tuple[int, float]:
    """The short crawl at a real delay: (works, delay)."""
    return (
        int(os.environ.get("BENCH_CRAWL_SLOW_WORKS", "100")),
        float(os.environ.get("BENCH_CRAWL_SLOW_DELAY", "1.0")),
    )


@dataclass
class Run:
    """One crawl as the server and the client saw it."""

    counts: dict[str, int]
    requests: int  # counted by the server
    listing: int  # of which listing pages
    wall: float
    bound: float
    waited: float
    cpu: float  # the crawling process's CPU seconds during the crawl
    fetching: float = 0.0  # seconds the requests were in flight: the server's time
    late: float = 0.0  # seconds requests started after their slot: work not hidden
    overslept: float = 0.0  # seconds sleeps overran the slot: scheduler or GIL
    head: float = 0.0  # seconds before the first request
    tail: float = 0.0  # seconds after the last answer (the last work, the last batch)
    split: dict[str, float] = field(default_factory=dict)  # CPU seconds by stage


def _config_file(root: Path, base_url: str, works: int, delay: float) -> Path:
    listing = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"
    path = root / "config.toml"
    path.write_text(
        f"""[archive]
path = "archive"
contact = "ficarchive crawl bench"

[politeness]
delay_seconds = {delay}
jitter = 0.5
max_listing_pages = {math.ceil(works / PER_PAGE) + 1}

[sites.ao3]
base_url = "{base_url}"

[[sources]]
name = "bench"
site = "ao3"
start = ["{listing}"]
""",
        encoding="utf-8",
    )
    return path


def child(config_file: str) -> None:
    """One crawl, in its own process; prints what the client saw as JSON."""
    config = load_config(config_file)
    client = PoliteClient(config)
    with Archive(config, client=client) as archive:
        began, cpu = time.monotonic(), time.process_time()
        report = archive.crawl(config.sources)
        ended, cpu = time.monotonic(), time.process_time() - cpu
        stages = archive.recorder.cpu
    stats = client.stats
    split = {
        "requests": stats.cpu,
        "parse": stages.works + stages.listings - stats.cpu,
        "store": stages.store,
        "index": stages.index,
    }
    split["other"] = cpu - sum(split.values())
    first, last = stats.first_start or began, stats.last_end or ended
    seen = {"wall": ended - began, "bound": stats.bound, "waited": stats.waited, "cpu": cpu,
            "fetching": stats.fetching, "late": stats.late, "overslept": stats.overslept,
            "head": first - began, "tail": ended - last, "split": split}  # fmt: skip
    print(json.dumps({"counts": report.counts(), **seen}))


def _crawl(config_file: Path, server: SampleArchiveServer) -> Run:
    server.clear_log()
    out = subprocess.run(
        [sys.executable, "-m", "bench.crawl_bench", str(config_file)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    paths = [r.path for r in server.requests]
    listing = sum(p.startswith("/tags/") for p in paths)
    return Run(requests=len(paths), listing=listing, **seen)


def _check(run: Run, label: str, expected: dict[str, int]) -> None:
    """A bench of a crawl that did the wrong thing would measure nothing: fail loudly."""
    counts = {k: v for k, v in run.counts.items() if v}
    if counts != expected:
        raise RuntimeError(f"crawl bench, {label}: expected {expected}, got {counts}")


def _per_work(requests: float, works: int) -> str:
    return f"{requests / works:.3f} req/work"


def run() -> list[dict]:
    n, delay = _works(), _delay()
    works = generate_works(n)
    changed = works[:: round(1 / CHANGED_SHARE)]
    listing_pages = math.ceil(n / PER_PAGE)
    chapter_by_chapter = 1 + listing_pages + sum(len(w.chapters) for w in works)
    with tempfile.TemporaryDirectory() as tmp, SampleArchiveServer(works, per_page=PER_PAGE) as srv:
        config = _config_file(Path(tmp), srv.base_url, n, delay)
        first = _crawl(config, srv)
        _check(first, "first crawl", {"new": n})
        unchanged = _crawl(config, srv)
        _check(unchanged, "unchanged re-crawl", {"unchanged": n})
        for work in changed:
            srv.update_work(work.work_id, revised(work, "2025-06-01"))
        partly = _crawl(config, srv)
        _check(partly, "10% re-crawl", {"updated": len(changed), "unchanged": n - len(changed)})

    pct = round(100 * len(changed) / n)
    rows = [
        {
            "measure": f"crawl, first crawl of {n:,} works: requests per work",
            "baseline": f"chapter by chapter {_per_work(chapter_by_chapter, n)} (computed)",
            "ficarchive": _per_work(first.requests, n),
            "ratio": f"{first.requests / chapter_by_chapter:.2f}",
        },
        {
            "measure": f"crawl, re-crawl of {n:,} unchanged works: requests per work",
            "baseline": f"refetch all {_per_work(first.requests, n)}",
            "ficarchive": (
                f"{_per_work(unchanged.requests, n)} ({unchanged.listing} listing pages, "
                f"{unchanged.requests - unchanged.listing} other)"
            ),
            "ratio": f"{unchanged.requests / first.requests:.3f}",
        },
        {
            "measure": f"crawl, re-crawl after {pct}% of {n:,} works changed: requests per work",
            "baseline": f"refetch all {_per_work(first.requests, n)}",
            "ficarchive": _per_work(partly.requests, n),
            "ratio": f"{partly.requests / first.requests:.3f}",
        },
    ]
    for label, r in (
        ("first crawl", first),
        ("unchanged re-crawl", unchanged),
        (f"{pct}% re-crawl", partly),
    ):
        rows.append(
            {
                "measure": (
                    f"crawl, {label}: wall time vs politeness bound "
                    f"({r.requests:,} requests, delay {delay:g} s ±50%)"
                ),
                "baseline": f"bound {r.bound:.1f} s",
                "ficarchive": f"wall {r.wall:.1f} s (slept {r.waited:.1f} s)",
                "ratio": f"{r.wall / r.bound:.2f}" if r.bound else "n/a",
            }
        )
    return rows + [_slow_row(first, n)]


def _first_crawl(n: int, delay: float) -> Run:
    """A first crawl of n generated works at this delay, in a fresh archive."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        SampleArchiveServer(generate_works(n), per_page=PER_PAGE) as srv,
    ):
        r = _crawl(_config_file(Path(tmp), srv.base_url, n, delay), srv)
        _check(r, f"first crawl at delay {delay:g} s", {"new": n})
    return r


def _slow_row(fast: Run, fast_n: int) -> dict:
    """The first crawl at a real delay: is each work's processing hidden in the wait?

    Its CPU per work runs cold (each work after a second's sleep, on a machine others
    use meanwhile); the same works crawled back to back (`fast`) give the warm figure.
    """
    n, delay = _slow()
    r = _first_crawl(n, delay)
    return {
        "measure": (
            f"crawl, first crawl of {n:,} works at delay {delay:g} s ±50%: wall time vs "
            f"politeness bound ({r.requests:,} requests; goal <= 1.02)"
        ),
        "baseline": f"bound {r.bound:.1f} s (+ {r.fetching:.1f} s the server took to answer)",
        "ficarchive": (
            f"wall {r.wall:.1f} s: {r.late:.1f} s requests started late (work past the slot), "
            f"{r.overslept:.1f} s woke late (sleep overran), {r.head:.1f} s before the first "
            f"request, {r.tail:.1f} s after the last answer; {_split(r, n)}; back to back "
            f"({fast_n:,} works at {_delay():g} s): {_split(fast, fast_n)}"
        ),
        "ratio": (
            f"{r.wall / r.bound:.3f} of the bound; "
            f"{r.wall / (r.bound + r.fetching):.3f} of bound + answer time"
        )
        if r.bound
        else "n/a",
    }


def _split(r: Run, n: int) -> str:
    """CPU per work, and by stage: each stage's own thread CPU (load does not count)."""
    parts = ", ".join(f"{k} {1000 * v / n:.1f}" for k, v in r.split.items())
    return f"CPU {1000 * r.cpu / n:.1f} ms/work ({parts})"


if __name__ == "__main__":
    if sys.argv[1:] == ["--slow"]:  # the 1 s delay row alone
        works = _slow()[0]
        print(" | ".join(_slow_row(_first_crawl(works, _delay()), works).values()))
    elif len(sys.argv) > 1:
        child(sys.argv[1])
    else:
        for row in run():
            print(" | ".join(row[k] for k in ("measure", "baseline", "ficarchive", "ratio")))
