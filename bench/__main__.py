"""Run every benchmark, print one table, and keep it in bench/RESULTS.md."""

from __future__ import annotations

import importlib
import inspect
import os
import platform
import sys
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


def _sections() -> list[tuple[str, object]]:
    sections: list[tuple[str, object]] = [("index", index_bench.run)]
    for name in (
        "crawl",
        "update",
        "clean",
        "versions",
        "import",
        "serve",
        "coldstart",
        "relevance",
    ):
        try:
            # relevance.py measures quality, not speed: its module is not a *_bench
            module = importlib.import_module(
                f"bench.{name}" + ("" if name == "relevance" else "_bench")
            )
        except ImportError:
            continue
        sections.append((name, module.run))
    return sections


def _read_blocks() -> dict[str, str]:
    """RESULTS.md's per-section blocks, so one section can be re-measured alone."""
    blocks: dict[str, str] = {}
    if RESULTS.exists():
        for part in RESULTS.read_text(encoding="utf-8").split("\n## ")[1:]:
            name = part.split("\n", 1)[0].strip()
            blocks[name] = "## " + part.rstrip() + "\n"
    return blocks


def _block(name: str, rows: list[dict], minutes: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = f"BENCH_SIZES={','.join(map(str, index_bench.sizes()))}, " if name == "index" else ""
    return "\n".join(
        [
            f"## {name}",
            "",
            f"Measured {stamp} on {machine()} ({settings}{minutes:.1f} min).",
            "",
            "| measure | baseline | ficarchive | ratio |",
            "|---|---|---|---|",
            *(
                f"| {r['measure']} | {r['baseline']} | {r['ficarchive']} | {r['ratio']} |"
                for r in rows
            ),
            "",
        ]
    )


def main(argv: list[str]) -> None:
    """`python -m bench` runs every section; `python -m bench index` just that one."""
    console = Console(stderr=True)
    sections = _sections()
    wanted = argv or [name for name, _ in sections]
    unknown = set(wanted) - {name for name, _ in sections}
    if unknown:
        raise SystemExit(f"unknown bench section(s): {', '.join(sorted(unknown))}")
    blocks = _read_blocks()
    rows: list[dict] = []
    with console.status("benchmarking") as status:
        for name, fn in sections:
            if name not in wanted:
                continue

            def say(message: str, name: str = name) -> None:
                status.update(f"[bold]{name}[/]: {message}")

            say("starting")
            began = time.perf_counter()
            got = fn(say) if _takes_status(fn) else fn()
            blocks[name] = _block(name, got, (time.perf_counter() - began) / 60)
            rows += got
    table = Table(title="ficarchive benchmarks")
    for col in ("measure", "baseline", "ficarchive", "ratio"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["measure"], r["baseline"], r["ficarchive"], r["ratio"])
    Console().print(table)
    order = [name for name, _ in sections] + sorted(set(blocks) - {n for n, _ in sections})
    RESULTS.write_text(
        "# Benchmark results\n\n`make bench` measures every section below; "
        "`python -m bench SECTION` re-measures one.\nRatios compare against a baseline "
        "measured in the same run.\n\n" + "\n".join(blocks[n] for n in order if n in blocks),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
