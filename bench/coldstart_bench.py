"""What a reader pays per command: `search`, `show` and `list` as whole processes.

Each command runs as the installed `ficarchive` would (a fresh interpreter, the real
entry point) on a generated archive of BENCH_COLDSTART_WORKS works (default 10,000;
each work short, BENCH_COLDSTART_WORDS words, default 100, so the archive builds in
minutes: the number of works, not their length, is what opening the index and grouping
chapters by work scales with). The baseline is `python -c 'import whoosh'`: the least
a Whoosh search process can cost. Runs are interleaved (baseline, search, show, list,
baseline, ...), CPU time (user + system) of each child is read from wait4, and the
median of BENCH_COLDSTART_RUNS runs (default 7) is reported. Goal (issue 19): each
command at most 6x the baseline. A second baseline, measured in the same rounds, is
what bare Whoosh itself costs as a whole process on the same index: open it, parse
the word with Whoosh's QueryParser, take the top 20 and read their stored work ids
(opening it unpickles the schema, which names ficarchive's analyzers: that much of
ficarchive it cannot do without).

Before measuring, the project's modules are compiled to bytecode, as installing
them does (pip compiles every module it installs): a checkout run with
PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module from source in every
process, about 100 ms that no installed copy pays.

The archive is kept in the temp folder and reused while its size and word count agree.

    python -m bench coldstart      # this section alone, into bench/RESULTS.md
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import corpus

GOAL = 6.0
ROOT = Path(__file__).resolve().parents[1]

# Bare Whoosh: open, parse, search, read the hits' stored ids (argv: index dir, word).
BARE = """
import sys
from whoosh import index
from whoosh.qparser import QueryParser
ix = index.open_dir(sys.argv[1], indexname="works")
with ix.searcher() as searcher:
    query = QueryParser("body", ix.schema).parse(sys.argv[2])
    for hit in searcher.search(query, limit=20):
        print(hit["work_id"])
"""


def _works() -> int:
    return int(os.environ.get("BENCH_COLDSTART_WORKS", "10000"))


def _words() -> int:
    return int(os.environ.get("BENCH_COLDSTART_WORDS", "100"))


def _runs() -> int:
    return int(os.environ.get("BENCH_COLDSTART_RUNS", "7"))


def archive_for(n: int, words: int, status) -> Path:
    """A config whose archive holds n generated works, built once and then reused."""
    root = Path(tempfile.gettempdir()) / f"ficarchive-coldstart-{n}-{words}"
    config, done = root / "config.toml", root / "built"
    if done.exists():
        return config
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    from index.store import Store
    from index.whoosh.writer import Indexer

    status(f"writing {n:,} generated works ({words} words each) into a store")
    with Store(root / "archive") as store:
        corpus.write_store(store, n, max_words=words)
        status(f"indexing {n:,} works (built once, reused by later runs)")
        Indexer(root / "archive").rebuild(store.iter_works())
    config.write_text('[archive]\npath = "archive"\n', encoding="utf-8")
    done.touch()
    return config


def _cpu(argv: list[str]) -> float:
    """CPU seconds (user + system) of one child process, from the kernel's own count."""
    env = {**os.environ, "FICARCHIVE_CONFIG": "", "COLUMNS": "100", "PAGER": "cat"}
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {err.strip()[-300:]}")
    return usage.ru_utime + usage.ru_stime


def commands(config: Path) -> dict[str, list[str]]:
    """The measured commands, each with a word and an id that the archive holds."""
    from index.store import Store

    exe = Path(sys.executable).with_name("ficarchive")
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "search_cli.app"]
    with Store(config.parent / "archive") as store:
        ids = store.work_ids()
    word = corpus.Vocabulary(random.Random(7)).words[400]  # a mid-frequency word
    base = [*cli, "--config", str(config)]
    bare = [sys.executable, "-c", BARE, str(config.parent / "archive" / "index"), word]
    return {
        "import whoosh": [sys.executable, "-c", "import whoosh"],
        f"bare Whoosh search {word}": bare,
        f"search {word}": [*base, "search", word],
        "show ID": [*base, "show", ids[len(ids) // 2]],
        "list": [*base, "list"],
    }


def compiled() -> None:
    """The project's modules as bytecode, as an installed copy has them."""
    packages = [str(ROOT / name) for name in ("crawler", "index", "search_cli")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True)


def measure(config: Path, runs: int, status) -> dict[str, float]:
    """The median CPU of each command over `runs` interleaved rounds."""
    compiled()
    argvs = commands(config)
    seen: dict[str, list[float]] = {name: [] for name in argvs}
    for i in range(runs):
        status(f"round {i + 1} of {runs}")
        for name, argv in argvs.items():
            seen[name].append(_cpu(argv))
    return {name: statistics.median(times) for name, times in seen.items()}


def run(status=lambda message: None) -> list[dict]:
    n, words, runs = _works(), _words(), _runs()
    config = archive_for(n, words, status)
    medians = measure(config, runs, status)
    base = medians.pop("import whoosh")
    load = os.getloadavg()[0]
    rows = []
    for name, cpu in medians.items():
        bare = name.startswith("bare")
        rows.append(
            {
                "measure": f"cold {name}, {n:,} works of {words} words "
                f"(CPU, median of {runs}; load average {load:.1f} at the end)",
                "baseline": f"import whoosh {base * 1000:.0f} ms",
                "ficarchive": ("(baseline) " if bare else "") + f"{cpu * 1000:.0f} ms",
                "ratio": f"{cpu / base:.1f}x" + ("" if bare else f" (goal <= {GOAL:.0f}x)"),
            }
        )
    return rows


if __name__ == "__main__":
    for row in run(lambda message: print(message, file=sys.stderr)):
        print(" | ".join(row.values()))
