"""`import` of what is not a story file: a FIFO, a device, a folder, a file longer than its size.

Each was read whole (`read_bytes()`): a FIFO no one writes to hung the import, and
/dev/zero filled memory until a MemoryError traceback. Each must be one line, at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import Run
from tests.reliability.harness import ROOT, cli_env, one_line_error

# An import that reads nothing needs a fraction of this; one reading /dev/zero fails inside it.
MEMORY_LIMIT = 2 * 1024**3
# The CLI with its address space bounded (set in the child itself: no preexec_fn, which
# is not safe beside the threads a test session runs).
BOUNDED = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
    "sys.argv = ['ficarchive', *sys.argv[1:]]; "
    "runpy.run_module('search_cli.app', run_name='__main__')"
)


def run_import(config: Path, *paths: str, timeout: float = 60) -> tuple[Run, float]:
    """The real command, with its memory bounded, timed."""
    began = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", BOUNDED, "--config", str(config), "import", *paths],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr), time.monotonic() - began


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[archive]\npath = "archive"\n[politeness]\nmax_page_bytes = 4096\n')
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_import_of_a_fifo_nobody_writes_to_is_refused_at_once(config, tmp_path):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)
    run, took = run_import(config, str(fifo))
    assert run.code == 1 and took < 30
    assert "is a named pipe; only a regular file can be imported" in one_line_error(run)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_import_of_a_device_is_refused_without_reading_it(config, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    run, took = run_import(config, device)
    assert run.code == 1 and took < 30
    assert f"{device} is a device" in one_line_error(run)


def test_import_of_a_folder_is_one_line(config, tmp_path):
    folder = tmp_path / "stories.txt"
    folder.mkdir()
    run, _ = run_import(config, str(folder))
    assert run.code == 1
    assert "is a folder" in one_line_error(run)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_a_file_longer_than_its_size_is_read_only_to_the_cap(config):
    """/proc files say they are empty and read on: the cap holds on what is read."""
    run, _ = run_import(config, "/proc/self/maps")
    assert run.code == 1
    assert "holds more than its size said, over the 4,096 byte limit" in one_line_error(run)


def test_a_story_beside_the_special_files_is_still_imported(config, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("A Story\n\nThe keeper wrote it all down.\n")
    run, _ = run_import(config, "/dev/zero", str(story))
    assert run.code == 1 and "/dev/zero is a device" in run.err
    assert run.out.strip().startswith("file:"), run.out
