"""Run every benchmark, print one table, and keep it in bench/RESULTS.md."""

from __future__ import annotations

import inspect
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import index_bench

RESULTS = Path(__file__).with_name("RESULTS.md")


def _takes_status(fn) -> bool:
    return bool(inspect.signature(fn).parameters)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    console = Console(stderr=True)
    rows = []
    sections = [("index", index_bench.run)]
    try:
        from bench import crawl_bench

        sections.append(("crawl", crawl_bench.run))
    except ImportError:
        pass
    try:
        from bench import clean_bench

        sections.append(("clean", clean_bench.run))
    except ImportError:
        pass
    began = time.perf_counter()
    with console.status("benchmarking") as status:
        for name, fn in sections:

            def say(message: str, name: str = name) -> None:
                status.update(f"[bold]{name}[/]: {message}")

            say("starting")
            rows += fn(say) if _takes_status(fn) else fn()
    minutes = (time.perf_counter() - began) / 60
    table = Table(title="ficarchive benchmarks")
    for col in ("measure", "baseline", "ficarchive", "ratio"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["measure"], r["baseline"], r["ficarchive"], r["ratio"])
    Console().print(table)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {stamp} on {machine()} with `make bench`"
        f" (BENCH_SIZES={','.join(map(str, index_bench.sizes()))}, {minutes:.0f} min).",
        "Ratios compare against a baseline measured in the same run.",
        "",
        "| measure | baseline | ficarchive | ratio |",
        "|---|---|---|---|",
        *(f"| {r['measure']} | {r['baseline']} | {r['ficarchive']} | {r['ratio']} |" for r in rows),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
