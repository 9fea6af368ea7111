"""Relevance over the judged set (bench/judged.py): nDCG@10 and recall@10.

The sample archive's works are stored and indexed straight from their records
(no crawl), then every judged query is run as a reader would run it.
Run alone: `python -m bench relevance`.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from bench.judged import JUDGED
from crawler.models import Block, Chapter, Work, WorkMeta
from index.search import SearchRequest
from index.store import Store
from index.whoosh import WhooshBackend
from search_cli.demo import sample_works

K = 10


def as_work(sample) -> Work:
    """A sample work as the record the crawler would have made of it."""
    meta = WorkMeta(
        title=sample.title,
        authors=list(sample.authors),
        fandoms=list(sample.fandoms),
        characters=list(sample.characters),
        relationships=list(sample.relationships),
        tags=list(sample.freeforms),
        rating=sample.rating,
        warnings=list(sample.warnings),
        categories=list(sample.categories),
        language=sample.language,
        status="complete" if sample.complete else "in_progress",
        published=sample.published,
        updated=sample.updated,
        kudos=sample.kudos,
        hits=sample.hits,
    )
    chapters = [
        Chapter(i + 1, c.title, [Block("paragraph", p) for p in c.paragraphs])
        for i, c in enumerate(sample.chapters)
    ]
    work_id = f"ao3:{sample.work_id}"
    url = f"https://archiveofourown.org/works/{sample.work_id}"
    return Work(work_id, "ao3", url, meta, sample.summary, [], chapters)


def ndcg(ranked: list[int], grades: dict[int, int], k: int = K) -> float:
    gain = sum(grades.get(w, 0) / math.log2(i + 2) for i, w in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def recall(ranked: list[int], grades: dict[int, int], k: int = K) -> float:
    relevant = {w for w, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def measure() -> tuple[float, float, list[tuple[str, float, float]]]:
    """Mean nDCG@10, mean recall@10, and each query's own figures."""
    works = [as_work(s) for s in sample_works.WORKS]
    per_query = []
    with tempfile.TemporaryDirectory(prefix="ficarchive-bench-relevance-") as tmp:
        path = Path(tmp)
        with Store(path) as store:
            for w in works:
                store.save_work(w)
            backend = WhooshBackend(path)
            backend.index(works)
            for query, grades in JUDGED:
                result = backend.search(SearchRequest(query=query, limit=K), store)
                ranked = [int(h.id.split(":")[1]) for h in result.hits]
                per_query.append((query, ndcg(ranked, grades), recall(ranked, grades)))
    n = len(per_query)
    return (
        sum(q[1] for q in per_query) / n,
        sum(q[2] for q in per_query) / n,
        per_query,
    )


def run() -> list[dict]:
    """The `make bench` section: two rows, for RESULTS.md and the summary table."""
    mean_ndcg, mean_recall, _ = measure()
    queries = f"{len(JUDGED)} judged queries"
    return [
        {
            "measure": f"nDCG@{K} ({queries})",
            "baseline": "1.0 ideal",
            "ficarchive": f"{mean_ndcg:.3f}",
            "ratio": f"{mean_ndcg:.2f}",
        },
        {
            "measure": f"recall@{K} ({queries})",
            "baseline": "1.0 ideal",
            "ficarchive": f"{mean_recall:.3f}",
            "ratio": f"{mean_recall:.2f}",
        },
    ]


if __name__ == "__main__":
    mean_ndcg, mean_recall, rows = measure()
    for query, n, r in rows:
        print(f"{n:5.3f} {r:5.3f}  {query}")
    print(f"nDCG@{K} {mean_ndcg:.3f}  recall@{K} {mean_recall:.3f}  ({len(rows)} queries)")
