"""How epubcheck is found and run: one place, used by the tests and by `.ci/run`.

Debian's `epubcheck` package installs /usr/bin/epubcheck as a bare jar, which runs only
where binfmt_misc knows jars; other systems ship a shell wrapper. A jar is run through
`java -jar`. `.ci/run` calls `python3 -m tests.epubcheck` after installing the package:
when that finds a working epubcheck it sets FICARCHIVE_REQUIRE_EPUBCHECK=1, and the
tests then fail instead of skipping if they cannot run it, so CI never silently stops
validating EPUBs. Standard library only, so it runs before the venv exists.

A JVM with epubcheck loaded costs about 5 s of CPU to start and a fraction of that per
small book, so each test process keeps one (tests/EpubCheckServer.java, run by Java's
source launcher where the JDK's compiler is installed) and hands it one path at a time;
each book still gets the whole `epubcheck --failonwarnings` run and its own report.
Where the launcher cannot run (a JRE alone), every book gets its own `java -jar`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

REQUIRE_ENV = "FICARCHIVE_REQUIRE_EPUBCHECK"
# A short run: start the JVM fast and small (about a second less per book, half the CPU).
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
CLEAN = re.compile(r"\b0 fatals / 0 errors / 0 warnings\b")
SERVER_SOURCE = Path(__file__).with_name("EpubCheckServer.java")
EXIT_LINE = re.compile(r"=== exit (-?\d+)")


@functools.cache
def find() -> tuple[tuple[str, ...], str]:
    """(command, version) of a working epubcheck, or ((), why there is none)."""
    exe = shutil.which("epubcheck")
    if exe is None:
        return (), "epubcheck is not on PATH (apt-get install epubcheck)"
    with open(exe, "rb") as fh:
        is_jar = fh.read(2) == b"PK"
    if is_jar:
        java = shutil.which("java")
        if java is None:
            return (), f"{exe} is a jar and java is not on PATH"
        command: tuple[str, ...] = (java, *JVM_FLAGS, "-jar", exe)
    else:
        command = (exe,)
    try:
        probe = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return (), f"{' '.join(command)} does not run: {exc}"
    version = re.search(r"EPUBCheck v\S+", probe.stdout + probe.stderr)
    if version is None:
        return (), f"{' '.join(command)} --version printed no version: {probe.stderr[:200]}"
    return command, version.group(0)


def check(path: Path) -> tuple[bool, str]:
    """Run epubcheck on one EPUB: (no fatals, errors or warnings, the full report)."""
    command, why = find()
    if not command:
        raise RuntimeError(why)
    server = _server(command)
    if server is not None and "\n" not in str(path):
        code, report = server.check(path)
    else:
        run = subprocess.run(
            [*command, "--failonwarnings", str(path)], capture_output=True, text=True, timeout=300
        )
        code, report = run.returncode, run.stdout + run.stderr
    return code == 0 and CLEAN.search(report) is not None, report


class _Server:
    """One long-lived JVM running tests/EpubCheckServer.java: a path in, a report out."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.lock = threading.Lock()

    def check(self, path: Path) -> tuple[int, str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        lines: list[str] = []
        # The same bound as a one-book run's timeout: a JVM that hangs is killed, not waited on.
        with self.lock, _killed_after(300, self.proc):
            self.proc.stdin.write(f"{path}\n")
            self.proc.stdin.flush()
            for line in self.proc.stdout:
                found = EXIT_LINE.fullmatch(line.rstrip("\n"))
                if found:
                    return int(found.group(1)), "".join(lines)
                lines.append(line)
        raise RuntimeError(f"the epubcheck JVM died checking {path}:\n{''.join(lines)[-2000:]}")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def _killed_after(seconds: float, proc: subprocess.Popen) -> Iterator[None]:
    timer = threading.Timer(seconds, proc.kill)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@functools.cache
def _server(command: tuple[str, ...]) -> _Server | None:
    """This process's epubcheck JVM, started on first use; None where it cannot start."""
    if len(command) < 2 or command[-2] != "-jar" or not SERVER_SOURCE.exists():
        return None  # a wrapper script, not a jar: no class path to run our launcher with
    java, *flags, _, jar = command
    try:
        proc = subprocess.Popen(
            [java, *flags, "-cp", jar, str(SERVER_SOURCE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError:
        return None
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "=== ready":  # no compiler: a JRE without the JDK
        proc.kill()
        proc.wait()
        return None
    server = _Server(proc)
    atexit.register(server.close)
    return server


def command_or_skip() -> tuple[str, ...]:
    """For tests: the command, else a skip (a failure when CI asked for epubcheck)."""
    import pytest

    command, why = find()
    if not command:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but epubcheck cannot run: {why}")
        pytest.skip(why)
    return command


def assert_clean(path: Path) -> None:
    """For tests: epubcheck reports no fatals, errors or warnings on path."""
    command_or_skip()
    clean, report = check(path)
    assert clean, f"epubcheck on {path.name}:\n{report}"


if __name__ == "__main__":
    found, detail = find()
    print(f"epubcheck: {' '.join(found)} ({detail})" if found else f"epubcheck: {detail}")
    sys.exit(0 if found else 1)
