"""Index build rate, peak memory and query latency: ficarchive against bare Whoosh.

In the same run and from the same store, the chapter texts are indexed by: bare
Whoosh with one `StemmingAnalyzer` body field (the plain baseline, goal ratio >= 1),
bare Whoosh with ficarchive's own body analyzers (stemmed body with positions and
common-word pairs), and SQLite FTS5 with the porter stemmer (the limit a compiled
engine reaches); ficarchive also indexes every metadata field and the notes, and
streams works from the store. Ratios are of CPU seconds (user + system). Each build
runs in its own process so its peak memory (max RSS) is its own. Query latency compares `ficarchive.search` (grouping by work, snippets
from the store) with the bare Whoosh query on the body over the same corpus.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import corpus

QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
LIMITMB = 256


def sizes() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if n.strip()]


# --- the builds, each in a child process ----------------------------------------


def _chapter_texts(archive: Path):
    db = sqlite3.connect(archive / "ficarchive.sqlite3")
    for work_id, number, blocks in db.execute("SELECT work_id, number, blocks FROM chapters"):
        text = "\n\n".join(b["text"] for b in json.loads(blocks) if b.get("text"))
        yield f"{work_id}#{number}", text
    db.close()


def _build_whoosh(archive: Path, folder: str, schema) -> None:
    from whoosh import index as windex

    path = archive / folder
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    ix = windex.create_in(str(path), schema)
    writer = ix.writer(limitmb=LIMITMB)
    names = set(schema.names())
    for doc_id, text in _chapter_texts(archive):
        doc = {"doc_id": doc_id, "body": text, "body_pairs": text}
        writer.add_document(**{k: v for k, v in doc.items() if k in names})
    writer.commit()


def _build_stemming(archive: Path) -> None:
    """The plain baseline: one stemmed body field, as Whoosh's docs set it up."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(doc_id=ID(stored=True), body=TEXT(analyzer=StemmingAnalyzer()))
    _build_whoosh(archive, "stemming-index", schema)


def _build_baseline(archive: Path) -> None:
    """Bare Whoosh with ficarchive's own body analyzers: stemmed body and common-word pairs."""
    from whoosh.fields import ID, TEXT, Schema

    from index.whoosh.analysis import PairsAnalyzer, stemming_analyzer

    schema = Schema(
        doc_id=ID(stored=True),
        body=TEXT(analyzer=stemming_analyzer(), phrase=True),
        body_pairs=TEXT(analyzer=PairsAnalyzer(), phrase=False),
    )
    _build_whoosh(archive, "baseline-index", schema)


def _build_fts5(archive: Path) -> None:
    """SQLite FTS5 with the porter stemmer: what a compiled engine reaches."""
    (archive / "fts5.sqlite3").unlink(missing_ok=True)
    db = sqlite3.connect(archive / "fts5.sqlite3")
    db.execute(
        "CREATE VIRTUAL TABLE chapters USING fts5(doc_id UNINDEXED, body,"
        " tokenize='porter unicode61')"
    )
    db.executemany("INSERT INTO chapters VALUES (?, ?)", _chapter_texts(archive))
    db.commit()
    db.close()


def _build_ours(archive: Path) -> None:
    from index.store import Store
    from index.whoosh.writer import Indexer

    with Store(archive) as store:
        Indexer(archive).rebuild(store.iter_works())


BUILDS = {
    "stemming": _build_stemming,
    "baseline": _build_baseline,
    "fts5": _build_fts5,
    "ours": _build_ours,
}


def child(mode: str, archive: str) -> None:
    start = time.perf_counter()
    BUILDS[mode](Path(archive))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak}))


def _run_child(mode: str, archive: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.index_bench", mode, str(archive)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    if os.environ.get("BENCH_LOG"):  # each build as it ends, for a run cut short
        with open(os.environ["BENCH_LOG"], "a") as log:
            print(json.dumps({"mode": mode, "archive": str(archive), **found}), file=log)
    return found


def _speed(mb: float, run: dict) -> str:
    return f"{run['cpu']:.1f} s CPU, {mb / run['cpu']:.2f} MB/s, {run['peak_mb']:.0f} MB peak"


def builds() -> list[str]:
    """BENCH_BUILDS: which builds to run (ficarchive's always runs)."""
    wanted = os.environ.get("BENCH_BUILDS", "stemming,baseline,fts5").split(",")
    return [mode for mode in BUILDS if mode in wanted or mode == "ours"]


def _store(n: int, root: Path, status) -> tuple[Path, float]:
    """The generated store of n works, kept under BENCH_DIR between runs when it is set."""
    from index.store import Store

    archive = root / f"works-{n}"
    marker = archive / "corpus.json"
    if marker.exists():
        return archive, json.loads(marker.read_text())["mb"]
    status(f"writing {n:,} generated works into a store")
    with Store(archive) as store:
        mb = corpus.write_store(store, n)
    marker.write_text(json.dumps({"n": n, "mb": mb}))
    return archive, mb


def _run_all(modes: list[str], archive: Path) -> dict[str, dict]:
    """Each build in its own process; BENCH_JOBS=2 runs two at once (CPU is per process)."""
    jobs = max(1, int(os.environ.get("BENCH_JOBS", "1")))
    with ThreadPoolExecutor(jobs) as pool:
        return dict(zip(modes, pool.map(lambda m: _run_child(m, archive), modes), strict=True))


def build(n: int, root: Path, status) -> tuple[list[dict], Path]:
    archive, mb = _store(n, root, status)
    # The plain baseline and ficarchive first, next to each other; then the others.
    modes = sorted(builds(), key=["stemming", "ours", "baseline", "fts5"].index)
    status(f"indexing {n:,} works ({mb:.0f} MB of text): {', '.join(modes)}")
    runs = _run_all(modes, archive)
    ours = runs["ours"]
    label = f"index build, {n:,} works ({mb:.0f} MB body text), CPU"
    against = {
        "stemming": ("bare Whoosh, StemmingAnalyzer body", " (goal >= 1.0x)"),
        "baseline": ("bare Whoosh, ficarchive's body analyzers + pairs", ""),
        "fts5": ("SQLite FTS5 (porter)", ""),
    }
    rows = [
        {
            "measure": f"{label}: vs {name}",
            "baseline": _speed(mb, runs[mode]),
            "ficarchive": _speed(mb, ours),
            "ratio": f"{runs[mode]['cpu'] / ours['cpu']:.3f}x{goal}",
        }
        for mode, (name, goal) in against.items()
        if mode in runs
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
    # The same-analyzers index when it was built, else the plain stemming one.
    folder = archive / "baseline-index"
    base_ix = windex.open_dir(str(folder if folder.exists() else archive / "stemming-index"))
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
        tmp = os.environ.get("BENCH_DIR") or tmp
        archive = None
        for n in sizes():
            built, archive = build(n, Path(tmp), status)
            rows += built
        if archive is not None:
            rows += queries(archive, max(sizes()), status)
    return rows


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
