"""What `update` costs on a big library: requests per work, against one per work.

The sample archive server (search_cli.demo.server) serves BENCH_UPDATE_WORKS
generated works (default 2,000) by BENCH_UPDATE_AUTHORS authors (default 600) on
127.0.0.1 with AO3's markup, 20 to a listing page. Every author has a work; the
rest go to authors by a Zipf-like weight (a few prolific authors, many with one or
two works), and an author's first works (up to five) of three or more form a series.
Two libraries are made of it, each by the real `ficarchive` command in its own
process:

1. every work added by URL (`ficarchive add URL…`), then `update --all`;
2. every work crawled from a tag listing source (`ficarchive crawl`), then `update --all`.

Before each update 5% of the works gain a chapter and a later date. Requests are
counted by the server. Baseline: one request per work (what `update --all` cost
before the cheap checks, plus robots.txt). The update must find every changed
work and nothing else, or the bench fails. The plan's estimate is compared with
what the unchanged part of the run cost (the estimate counts no changed work's page).

    python -m bench update
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.generated import SERIES_FIRST_ID, generate_works, revised
from search_cli.demo.server import SampleArchiveServer

ROOT = Path(__file__).resolve().parent.parent
CHANGED_EVERY = 20  # 5%


def _size() -> tuple[int, int]:
    works = int(os.environ.get("BENCH_UPDATE_WORKS", "2000"))
    authors = int(os.environ.get("BENCH_UPDATE_AUTHORS", str(max(1, works * 3 // 10))))
    return works, min(authors, works)


def library(count: int, authors: int, seed: int = 17) -> tuple:
    """`count` generated works by `authors` authors, some in series (same every run)."""
    rng = random.Random(seed)
    names = [f"writer{i:04d}" for i in range(authors)]
    weights = [1 / (k + 1) ** 0.9 for k in range(authors)]
    owners = names + rng.choices(names, weights=weights, k=count - authors)
    rng.shuffle(owners)
    works = [
        dataclasses.replace(w, authors=(a,))
        for w, a in zip(generate_works(count), owners, strict=True)
    ]
    by_author: dict[str, list[int]] = {}
    for i, w in enumerate(works):
        by_author.setdefault(w.authors[0], []).append(i)
    for n, (author, idx) in enumerate(sorted(by_author.items())):
        if len(idx) >= 3:
            name = f"Series of {author}"
            for part, i in enumerate(idx[:5], start=1):
                works[i] = dataclasses.replace(
                    works[i], series=((name, SERIES_FIRST_ID + n, part),)
                )
    return tuple(works)


def _config(root: Path, base_url: str, count: int, source: bool) -> Path:
    listing = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"
    sources = f'\n[[sources]]\nname = "bench"\nsite = "ao3"\nstart = ["{listing}"]\n'
    path = root / "config.toml"
    path.write_text(
        f"""[archive]
path = "archive"
contact = "ficarchive update bench"

[politeness]
delay_seconds = 0.01
jitter = 0.5
max_listing_pages = {math.ceil(count / 20) + 1}

[sites.ao3]
base_url = "{base_url}"
allow_adult = true
{sources if source else ""}""",
        encoding="utf-8",
    )
    return path


def _ficarchive(config: Path, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "search_cli.app", "--config", str(config), *args, "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=3600,
    )  # fmt: skip
    if out.returncode not in (0, 1):
        raise RuntimeError(f"ficarchive {args[0]}: exit {out.returncode}: {out.stderr[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure(label: str, srv: SampleArchiveServer, config: Path, works: tuple) -> dict:
    """Change 5%, run `update --all`, check it found exactly those, count requests."""
    changed = works[::CHANGED_EVERY]
    for w in changed:
        srv.update_work(w.work_id, revised(w, "2025-06-01"))
    srv.clear_log()
    report = _ficarchive(config, "update", "--all")
    updated = sorted(o["id"] for o in report["works"] if o["result"] == "updated")
    expected = sorted(f"ao3:{w.work_id}" for w in changed)
    if updated != expected:
        raise RuntimeError(
            f"update bench, {label}: {len(updated)} updated, {len(expected)} changed"
        )
    paths = [r.path for r in srv.requests]
    listing = sum(not p.startswith(("/works/", "/robots.txt")) for p in paths)
    srv.reset()
    return {"requests": len(paths), "listing": listing, "found": len(updated),
            "planned": report["plan"]["requests"], "changed": len(changed)}  # fmt: skip


def run() -> list[dict]:
    count, authors = _size()
    works = library(count, authors)
    rows = []
    with SampleArchiveServer(works, per_page=20) as srv:
        for label, source in (("added by URL", False), ("from a listing source", True)):
            with tempfile.TemporaryDirectory() as tmp:
                config = _config(Path(tmp), srv.base_url, count, source)
                if source:
                    _ficarchive(config, "crawl")
                else:
                    urls = [srv.url(f"/works/{w.work_id}") for w in works]
                    for start in range(0, len(urls), 500):
                        _ficarchive(config, "add", *urls[start : start + 500])
                got = _measure(label, srv, config, works)
            per_work = got["requests"] / count
            goal = "goal <= 0.35" if not source else "listing pages goal <= 0.06"
            rows.append({
                "measure": (f"update --all, {count:,} works {label} ({authors:,} authors, 5% changed):"
                            " requests per work"),
                "baseline": f"one per work {(count + 1) / count:.3f} req/work",
                "ficarchive": (f"{per_work:.3f} req/work ({got['listing']:,} listing pages ="
                               f" {got['listing'] / count:.3f}/work, {got['requests'] - got['listing']:,}"
                               f" other); {got['found']}/{got['changed']} changed found"),
                "ratio": f"{got['requests'] / (count + 1):.3f} ({goal})",
            })  # fmt: skip
            rows.append({
                "measure": (f"update plan, {label}: estimated requests vs ran (the estimate"
                            " counts no changed work's own page)"),
                "baseline": f"ran {got['requests']:,}",
                "ficarchive": f"planned {got['planned']:,}",
                "ratio": f"{got['planned'] / got['requests']:.3f}",
            })  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row[k] for k in ("measure", "baseline", "ficarchive", "ratio")))
