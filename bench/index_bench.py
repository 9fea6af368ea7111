"""Index build rate and query latency, ficarchive's index against plain Whoosh in the same run."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from whoosh import index as windex
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from bench.corpus import generate
from index.indexer import Indexer
from index.search import search
from index.store import Store


def _text_mb(works) -> float:
    return sum(len(c.text.encode()) for w in works for c in w.chapters) / 1e6


def build(n_works: int) -> tuple[list[dict], Path, list]:
    works = generate(n_works)
    mb = _text_mb(works)
    tmp = Path(tempfile.mkdtemp(prefix="ficarchive-bench-"))
    # Baseline: Whoosh with its default analyzer, body only, one doc per chapter.
    base_dir = tmp / "baseline"
    base_dir.mkdir()
    ix = windex.create_in(str(base_dir), Schema(id=ID(stored=True), body=TEXT))
    start = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for w in works:
        for c in w.chapters:
            writer.add_document(id=f"{w.id}#{c.number}", body=c.text)
    writer.commit()
    baseline = time.perf_counter() - start
    # ficarchive: every field, chapter documents with work metadata, one commit.
    archive = tmp / "archive"
    with Store(archive) as store:
        for w in works:
            store.save_work(w)
    start = time.perf_counter()
    Indexer(archive).update(works)
    ours = time.perf_counter() - start
    rows = [
        {
            "measure": f"index build, {n_works} works ({mb:.1f} MB text)",
            "baseline": f"plain Whoosh {mb / baseline:.2f} MB/s",
            "ficarchive": f"{mb / ours:.2f} MB/s",
            "ratio": f"{baseline / ours:.2f}x",
        }
    ]
    return rows, archive, works


def _latency(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def queries(archive: Path, works, repeat: int = 15) -> list[dict]:
    rare = works[0].chapters[0].blocks[0].text.split()[-1].strip(".").lower()
    char = works[1].meta.characters[0].split()[0]
    cases = [
        ("one rare word", rare, {}),
        ("one common word", "time", {}),
        ("two-word phrase of common words", '"of the"', {}),
        ("character filter + word", "time", {"character": [char]}),
        ("word NOT word", "time NOT back", {}),
    ]
    rows = []
    ix = windex.open_dir(str(archive / "index"), indexname="works")
    parser = QueryParser("body", ix.schema)
    with Store(archive) as store:
        base_p50, _ = _latency(lambda: _raw(ix, parser, rare), repeat)
        for label, q, filters in cases:
            p50, p95 = _latency(
                lambda q=q, f=filters: search(archive, q, filters=f, limit=20, store=store), repeat
            )
            rows.append(
                {
                    "measure": f"search: {label} (p50 / p95)",
                    "baseline": f"raw Whoosh rare word {base_p50:.1f} ms",
                    "ficarchive": f"{p50:.1f} / {p95:.1f} ms",
                    "ratio": f"{p50 / base_p50:.1f}x",
                }
            )
    ix.close()
    return rows


def _raw(ix, parser, word: str) -> None:
    with ix.searcher() as s:
        list(s.search(parser.parse(word), limit=20))


def run(n_works: int = 300) -> list[dict]:
    rows, archive, works = build(n_works)
    rows += queries(archive, works)
    return rows
