"""Index build rate, peak memory and query latency: ficarchive against bare Whoosh.

Both sides index the same chapter texts from the same store with the same body
analyzers (stemmed body with positions, common-word pairs), in the same run;
ficarchive also indexes every metadata field, the notes, and streams works
from the store. Each build runs in its own process so its peak memory is its
own. Query latency compares `ficarchive.search` (grouping by work, snippets
from the store) with the bare Whoosh query on the body over the same corpus.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import corpus

QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
LIMITMB = 256


def sizes() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if n.strip()]


# --- the two builds, each in a child process ----------------------------------


def _chapter_texts(archive: Path):
    db = sqlite3.connect(archive / "ficarchive.sqlite3")
    for work_id, number, blocks in db.execute("SELECT work_id, number, blocks FROM chapters"):
        text = "\n\n".join(b["text"] for b in json.loads(blocks) if b.get("text"))
        yield f"{work_id}#{number}", text
    db.close()


def _build_baseline(archive: Path) -> None:
    from whoosh import index as windex
    from whoosh.fields import ID, TEXT, Schema

    from index.whoosh.analysis import PairsAnalyzer, stemming_analyzer

    folder = archive / "baseline-index"
    folder.mkdir(exist_ok=True)
    schema = Schema(
        doc_id=ID(stored=True),
        body=TEXT(analyzer=stemming_analyzer(), phrase=True),
        body_pairs=TEXT(analyzer=PairsAnalyzer(), phrase=False),
    )
    ix = windex.create_in(str(folder), schema)
    writer = ix.writer(limitmb=LIMITMB)
    for doc_id, text in _chapter_texts(archive):
        writer.add_document(doc_id=doc_id, body=text, body_pairs=text)
    writer.commit()


def _build_ours(archive: Path) -> None:
    from index.store import Store
    from index.whoosh.writer import Indexer

    with Store(archive) as store:
        Indexer(archive).rebuild(store.iter_works())


def child(mode: str, archive: str) -> None:
    start = time.perf_counter()
    (_build_baseline if mode == "baseline" else _build_ours)(Path(archive))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def _run_child(mode: str, archive: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.index_bench", mode, str(archive)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def build(n: int, root: Path, status) -> tuple[list[dict], Path]:
    from index.store import Store

    archive = root / f"works-{n}"
    status(f"writing {n:,} generated works into a store")
    with Store(archive) as store:
        mb = corpus.write_store(store, n)
    status(f"indexing {n:,} works ({mb:.0f} MB of text) with bare Whoosh")
    base = _run_child("baseline", archive)
    status(f"indexing {n:,} works ({mb:.0f} MB of text) with ficarchive")
    ours = _run_child("ours", archive)
    rows = [
        {
            "measure": f"index build, {n:,} works ({mb:.0f} MB text), speed",
            "baseline": f"bare Whoosh {mb / base['seconds']:.2f} MB/s",
            "ficarchive": f"{mb / ours['seconds']:.2f} MB/s",
            "ratio": f"{base['seconds'] / ours['seconds']:.2f}x (goal >= 0.8x)",
        },
        {
            "measure": f"index build, {n:,} works, peak memory",
            "baseline": f"bare Whoosh {base['peak_mb']:.0f} MB",
            "ficarchive": f"{ours['peak_mb']:.0f} MB",
            "ratio": f"{ours['peak_mb'] / base['peak_mb']:.2f}x",
        },
    ]
    return rows, archive


# --- queries --------------------------------------------------------------------


def _percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def query_cases(archive: Path, n: int, seed: int = 11) -> dict[str, list[tuple[str, dict]]]:
    """200 different queries per class, drawn from the corpus itself."""
    rng = random.Random(seed)
    texts = [t for _, t in _chapter_texts(archive)]
    rng.shuffle(texts)
    words_by_text = [t.lower().replace(".", "").split() for t in texts[:2000]]
    counts: dict[str, int] = {}
    for words in words_by_text:
        for w in set(words):
            counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts, key=counts.get, reverse=True)
    common = [w for w in ranked[:40] if len(w) > 2]
    middle = ranked[200:2000]
    rare = ranked[-max(50, len(ranked) // 20) :]  # the least frequent twentieth
    phrases = []
    while len(phrases) < QUERIES:
        words = rng.choice(words_by_text)
        if len(words) > 2:
            i = rng.randrange(len(words) - 1)
            phrases.append(f'"{words[i]} {words[i + 1]}"')
    names = [f"{a} {b}" for a in corpus.FIRST for b in corpus.LAST]
    q = range(QUERIES)
    return {
        "one rare word": [(rng.choice(rare), {}) for _ in q],
        "one common word": [(rng.choice(common), {}) for _ in q],
        "two-word phrase": [(p, {}) for p in phrases],
        "character filter + word": [
            (rng.choice(middle), {"character": [rng.choice(names)]}) for _ in q
        ],
        "word NOT word": [(f"{rng.choice(middle)} NOT {rng.choice(middle)}", {}) for _ in q],
    }


def queries(archive: Path, n: int, status) -> list[dict]:
    from whoosh import index as windex
    from whoosh.qparser import QueryParser

    from index.search import SearchRequest
    from index.store import Store
    from index.whoosh import WhooshBackend

    rows = []
    base_ix = windex.open_dir(str(archive / "baseline-index"))
    parser = QueryParser("body", base_ix.schema)
    backend = WhooshBackend(archive)
    with Store(archive) as store, base_ix.searcher() as searcher:
        for label, cases in query_cases(archive, n).items():
            status(f"{len(cases)} queries: {label}")
            base_t, ours_t = [], []
            for text, filters in cases:
                start = time.perf_counter()
                list(searcher.search(parser.parse(text), limit=20))
                base_t.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                backend.search(SearchRequest(text, filters, limit=20), store)
                ours_t.append((time.perf_counter() - start) * 1000)
            b50, b95 = _percentiles(base_t)
            o50, o95 = _percentiles(ours_t)
            goal = "" if label == "one common word" else " (goal p95 < 100 ms)"
            rows.append(
                {
                    "measure": f"search at {n:,} works: {label}, p50 / p95{goal}",
                    "baseline": f"bare Whoosh on body {b50:.1f} / {b95:.1f} ms",
                    "ficarchive": f"{o50:.1f} / {o95:.1f} ms",
                    "ratio": f"{o95 / b95:.2f}x at p95",
                }
            )
    base_ix.close()
    return rows


def run(status=lambda message: None) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ficarchive-bench-") as tmp:
        archive = None
        for n in sizes():
            built, archive = build(n, Path(tmp), status)
            rows += built
        if archive is not None:
            rows += queries(archive, max(sizes()), status)
    return rows


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
