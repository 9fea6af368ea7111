"""What keeping every version costs: store size and rebuild time.

BENCH_VERSION_WORKS generated works (default 1,000) as AO3 pages are read by the
real AO3 adapter and cleaner and stored; then ten times over, 10% of them change
(a chapter rewritten or added; the rest come back with the very same page, as
from a site without validators) and are stored again. The baseline is what a
user would otherwise keep: an archive holding only the newest copy of each work
and its newest page, built from the same final state. Both are VACUUMed before
their files are measured. Then `index --rebuild` of each (re-parse, re-clean,
re-index), timed in the same run.
"""

from __future__ import annotations

import dataclasses
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from crawler.clean import clean_work
from crawler.config import parse_config
from crawler.models import FetchedPage
from crawler.sites import adapter
from index.archive import Archive
from search_cli.demo import ao3_markup
from search_cli.demo.generated import generate_works, revised

ROUNDS = 10
CHANGING = 0.10


def works_count() -> int:
    return int(os.environ.get("BENCH_VERSION_WORKS", "1000"))


def _config(root: Path, base: str = "https://archiveofourown.org"):
    return parse_config({"archive": {"path": str(root)}, "sites": {"ao3": {"base_url": base}}})


def _page(config, sample) -> tuple[FetchedPage, object]:
    url = f"https://archiveofourown.org/works/{sample.work_id}"
    body = ao3_markup.work_page(sample, None).encode()
    page = FetchedPage(url, 200, {"content-type": "text/html"}, body, datetime.now(UTC), url)
    work = clean_work(adapter(config, "ao3").parse_work([page]))
    return page, work


def _rewrite(sample, rng: random.Random):
    """An author's edit: a chapter rewritten, or one more posted."""
    if rng.random() < 0.5 or len(sample.chapters) < 2:
        return revised(sample, f"2031-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    chapters = list(sample.chapters)
    i = rng.randrange(len(chapters))
    words = list(chapters[i].paragraphs)
    words[0] = words[0] + f" Revised in edit {rng.randrange(10**6)}."
    chapters[i] = dataclasses.replace(chapters[i], paragraphs=tuple(words))
    return dataclasses.replace(sample, chapters=tuple(chapters))


def _size(archive_dir: Path) -> int:
    import sqlite3

    db = sqlite3.connect(archive_dir / "ficarchive.sqlite3")
    db.execute("VACUUM")
    db.close()
    return (archive_dir / "ficarchive.sqlite3").stat().st_size


def _rebuild_seconds(config) -> float:
    with Archive(config) as archive:
        began = time.process_time()
        archive.rebuild()
        return time.process_time() - began


def run(status=lambda message: None) -> list[dict]:
    n = works_count()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="ficarchive-bench-versions-") as tmp:
        kept_dir, newest_dir = Path(tmp) / "versions", Path(tmp) / "newest"
        kept_cfg, newest_cfg = _config(kept_dir), _config(newest_dir)
        samples = list(generate_works(n, seed=5))
        pages = {}
        with Archive(kept_cfg) as archive:
            status(f"{n} works, first fetch")
            for s in samples:
                page, work = _page(kept_cfg, s)
                pages[s.work_id] = (page, work)
                archive.store.save(work, [page])
            for round_ in range(1, ROUNDS + 1):
                status(f"round {round_} of {ROUNDS}: {int(n * CHANGING)} works change")
                changed = set(rng.sample(range(n), int(n * CHANGING)))
                for i, s in enumerate(samples):
                    if i in changed:
                        samples[i] = s = _rewrite(s, rng)
                        pages[s.work_id] = _page(kept_cfg, s)
                    page, work = pages[s.work_id]
                    archive.store.save(work, [page])
            versions = archive.store.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        with Archive(newest_cfg) as archive:
            status("the newest copies only")
            for s in samples:
                page, work = pages[s.work_id]
                archive.store.save(work, [page])
        kept, newest = _size(kept_dir), _size(newest_dir)
        status("rebuild with versions")
        with_versions = _rebuild_seconds(kept_cfg)
        status("rebuild without")
        without = _rebuild_seconds(newest_cfg)
    return [
        {
            "measure": f"store, {n:,} works updated {ROUNDS}x, 10% changing ({versions:,} versions)",
            "baseline": f"{newest / 1e6:.1f} MB (newest copy only)",
            "ficarchive": f"{kept / 1e6:.1f} MB (every version)",
            "ratio": f"{kept / newest:.2f}x (goal <= 1.3x)",
        },
        {
            "measure": f"index --rebuild, {n:,} works (CPU)",
            "baseline": f"{without:.1f} s (newest copy only)",
            "ficarchive": f"{with_versions:.1f} s (every version)",
            "ratio": f"{with_versions / without:.2f}x",
        },
    ]


if __name__ == "__main__":
    for row in run(print):
        print(row)
