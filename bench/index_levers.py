"""The index build's levers (issue 19), each measured against bare Whoosh + stemming.

`python -m bench.index_levers [ARCHIVE]` builds, each in its own process, bare Whoosh
with a `StemmingAnalyzer` body (bench/index_bench.py's plain baseline) before every
variant of ficarchive's build, interleaved, and prints one JSON line per build: CPU
(user + system, the children's too: Whoosh's MpWriter works in sub-processes), wall,
peak RSS, and the index's terms and postings per field. ARCHIVE is a store written by
bench/index_bench.py (BENCH_DIR keeps one); LEVERS picks variants by name.

The variants change one thing each, by patching the build in the child process only:
`limitmb` of the fast writer's pool, committing in batches of works, the metadata
fields not stored, Whoosh's MpWriter with two processes, and pairing a common word only
with common words or the K most frequent body stems (K = 2,000; the top stems are counted
before the clock starts, as a schema holding K would have them).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench import index_bench

BATCH = 250
TOP_K = 2_000
KEEP_STORED = {"doc_id", "work_id", "chapter"}


def _fast(**override):
    """Patch the writer the Indexer makes (limitmb=256, compound=False) with `override`."""
    from index.whoosh import writer
    from index.whoosh.fastwrite import FastSegmentWriter

    def make(ix, **kwargs):
        return FastSegmentWriter(ix, **{**kwargs, **override})

    writer.FastSegmentWriter = make


def _ours(archive: Path) -> None:
    index_bench._build_ours(archive)


def _batches(archive: Path) -> None:
    from index.store import Store
    from index.whoosh.writer import Indexer

    with Store(archive) as store:
        ids = store.work_ids()
        indexer = Indexer(archive)
        indexer.rebuild(store.iter_works(ids[:BATCH]))
        for i in range(BATCH, len(ids), BATCH):
            indexer.update(store.iter_works(ids[i : i + BATCH]))


def _fewer_stored(archive: Path) -> None:
    from index.whoosh import schema as wschema
    from index.whoosh import writer

    def make_schema(*args):
        schema = wschema.make_schema(*args)
        for name, field in schema.items():
            if name not in KEEP_STORED:
                field.stored = False
        return schema

    writer.make_schema = make_schema
    index_bench._build_ours(archive)


def _mpwriter(archive: Path) -> None:
    from whoosh import multiproc

    from index.whoosh import writer
    from index.whoosh.fastwrite import FastSegmentWriter
    from index.whoosh.termpool import TermPool

    real_run = multiproc.SubWriterTask.run

    def run(task):  # in each forked sub-process: its writer is the fast one
        multiproc.SegmentWriter = FastSegmentWriter
        real_run(task)

    multiproc.SubWriterTask.run = run
    TermPool.fieldnames = frozenset()  # read (and unused) by multisegment sub-tasks

    def make(ix, **kwargs):
        sub = {k: v for k, v in kwargs.items() if k != "_lk"}
        return multiproc.MpWriter(ix, procs=2, multisegment=True, subargs=sub, **kwargs)

    writer.FastSegmentWriter = make
    index_bench._build_ours(archive)


def _top_stems(archive: Path, k: int) -> frozenset[str]:
    from index.whoosh.analysis import stems

    counts: Counter = Counter()
    for _, text in index_bench._chapter_texts(archive):
        counts.update(stems(text))
    return frozenset(w for w, _ in counts.most_common(k))


def _pairs_top_k(archive: Path) -> None:
    from index.whoosh import fastwrite

    top = _top_stems(archive, TOP_K)
    real = fastwrite.FastSegmentWriter._postings

    def postings(self, name, field, value, boost, memo):
        if self._how.get(name) != "pairs" or not isinstance(value, str):
            return real(self, name, field, value, boost, memo)
        words = self._words("pairs", value, memo)
        common = field.analyzer.common
        partner = common | top
        pairs = [
            f"{a}\u2423{b}"
            for a, b in zip(words, words[1:], strict=False)
            if (a in common and b in partner) or (b in common and a in partner)
        ]
        return fastwrite._frequencies(pairs, field.format.field_boost, boost)

    fastwrite.FastSegmentWriter._postings = postings
    start = time.process_time()
    index_bench._build_ours(archive)
    print(json.dumps({"build_cpu_without_top_k": time.process_time() - start}))


def _gc_on(archive: Path) -> None:
    """The fast writer as it was before it turned the cyclic collector off."""
    from index.whoosh import fastwrite

    keep = {"isenabled": staticmethod(lambda: False), "disable": staticmethod(lambda: None)}
    fastwrite.gc = type("KeepGC", (), keep)
    index_bench._build_ours(archive)


LEVERS = {
    "ours": _ours,
    "ours-gc-on": _gc_on,
    "limitmb=64": lambda a: (_fast(limitmb=64), _ours(a)),
    "limitmb=1024": lambda a: (_fast(limitmb=1024), _ours(a)),
    f"batches of {BATCH}": _batches,
    "fewer stored fields": _fewer_stored,
    "MpWriter procs=2": _mpwriter,
    f"pairs top {TOP_K}": _pairs_top_k,
}


def _counts(folder: Path, indexname: str | None) -> dict:
    from whoosh import index as windex

    ix = windex.open_dir(str(folder), **({"indexname": indexname} if indexname else {}))
    terms: Counter = Counter()
    postings: Counter = Counter()
    with ix.reader() as r:
        for (fieldname, _), info in r:
            terms[fieldname] += 1
            postings[fieldname] += info.doc_frequency()
    ix.close()
    top = ("body", "body_pairs")
    return {
        "terms": sum(terms.values()),
        "postings": sum(postings.values()),
        **{f"terms.{f}": terms[f] for f in top if f in terms},
        **{f"postings.{f}": postings[f] for f in top if f in postings},
    }


def child(name: str, archive: Path) -> None:
    start = time.perf_counter()
    if name == "stemming":
        index_bench._build_stemming(archive)
    else:
        LEVERS[name](archive)
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = {
        "build": name,
        "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "wall": wall,
        "peak_mb": max(own.ru_maxrss, kids.ru_maxrss) / 1024,
    }
    if name == "stemming":
        found.update(_counts(archive / "stemming-index", None))
    else:
        found.update(_counts(archive / "index", "works"))
    print(json.dumps(found), flush=True)


def main(archive: Path) -> None:
    wanted = [n for n in os.environ.get("LEVERS", ",".join(LEVERS)).split(",") if n]
    for name in wanted:
        for build in ("stemming", name):
            out = subprocess.run(
                [sys.executable, "-m", "bench.index_levers", "--child", build, str(archive)],
                check=True,
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
            ).stdout
            for line in out.strip().splitlines():
                print(line, flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bs-bench/works-1000"))
