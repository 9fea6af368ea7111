"""What read: and mine: cost a search: the same queries with the reader's marks read
as a term per work and as one read of the work_id column, interleaved, CPU time.

    .venv/bin/python -m bench.own_bench 2000

A synthetic archive (bench/corpus.py) of N works, 30% marked read, 10% tagged
comfort-read; each query runs 9 times per mode, the median printed. Standalone
(not part of `make bench`): indexing is most of its time.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import corpus
from crawler.config import parse_config
from index.archive import Archive
from index.search import SearchRequest
from index.store import Store
from index.whoosh import scoring

QUERIES = ("the", "the read:no", "read:no", "the mine:comfort-read", "the -mine:comfort-read")
MODES = (("a term per work", 10**9), ("the work_id column", scoring.FEW_WORKS))


def main(n: int) -> None:
    cfg = parse_config({"archive": {"path": str(Path(tempfile.mkdtemp()) / "a")}})
    with Store(cfg.archive_dir) as store:
        corpus.write_store(store, n, max_words=3000)
    with Archive(cfg) as archive:
        archive.index_pending()
        rng = random.Random(1)
        ids = archive.work_ids()
        for work_id in rng.sample(ids, int(n * 0.3)):
            archive.marks.set_mark(work_id, "read")
        for work_id in rng.sample(ids, int(n * 0.1)):
            archive.readers.change_tags(work_id, ["comfort-read"], [])
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(9):
            for mode, few in MODES:
                scoring.FEW_WORKS = few
                for query in QUERIES:
                    began = time.process_time()
                    archive.search(SearchRequest(query))
                    times.setdefault((query, mode), []).append(time.process_time() - began)
        scoring.FEW_WORKS = MODES[1][1]
    print(f"{n} works, {int(n * 0.3)} read, {int(n * 0.1)} tagged; CPU ms, median of 9")
    for query in QUERIES:
        row = "  ".join(
            f"{m}: {statistics.median(times[(query, m)]) * 1000:6.1f}" for m, _ in MODES
        )
        print(f"{query!r:28} {row}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
