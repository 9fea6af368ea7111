"""How epubcheck is found and run: one place, used by the tests and by `.ci/run`.

Debian's `epubcheck` package installs /usr/bin/epubcheck as a bare jar, which runs only
where binfmt_misc knows jars; other systems ship a shell wrapper. A jar is run through
`java -jar`. `.ci/run` calls `python3 -m tests.epubcheck` after installing the package:
when that finds a working epubcheck it sets FICARCHIVE_REQUIRE_EPUBCHECK=1, and the
tests then fail instead of skipping if they cannot run it, so CI never silently stops
validating EPUBs. Standard library only, so it runs before the venv exists.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REQUIRE_ENV = "FICARCHIVE_REQUIRE_EPUBCHECK"
# A short run: start the JVM fast and small (about a second less per book, half the CPU).
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
CLEAN = re.compile(r"\b0 fatals / 0 errors / 0 warnings\b")


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
    run = subprocess.run(
        [*command, "--failonwarnings", str(path)], capture_output=True, text=True, timeout=300
    )
    report = run.stdout + run.stderr
    return run.returncode == 0 and CLEAN.search(report) is not None, report


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
