"""A real browser and a real server for the web library's end-to-end test.

Debian's chromium and chromium-driver, driven by selenium; `.ci/run` installs them
and then sets FICARCHIVE_REQUIRE_BROWSER=1, so CI fails rather than skips when the
browser cannot start. `ficarchive serve --port 0` runs as its own process; the port
it got is read from the line it prints.

    python3 -m tests.serve_browser    # says whether a browser is there (stdlib only)
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REQUIRE_ENV = "FICARCHIVE_REQUIRE_BROWSER"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
    "--disable-dev-shm-usage",
    "--window-size=1100,1300",
)


def find() -> tuple[str, str] | str:
    """(browser, driver) paths, or why there are none."""
    browser = next((p for p in map(shutil.which, BROWSERS) if p), None)
    driver = next((p for p in map(shutil.which, DRIVERS) if p), None)
    if browser is None or driver is None:
        missing = "chromium" if browser is None else "chromium-driver"
        return f"no {missing} on PATH (apt-get install chromium chromium-driver)"
    for program in (browser, driver):
        try:
            probe = subprocess.run(
                [program, "--version"], capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{program} does not run: {exc}"
        if probe.returncode != 0:
            return f"{program} --version failed: {probe.stderr.strip()[:200]}"
    return browser, driver


def browser_or_skip() -> tuple[str, str]:
    """For tests: the paths, else a skip (a failure when CI asked for a browser)."""
    import pytest

    found = find()
    why = found if isinstance(found, str) else ""
    if not why:
        try:
            import selenium  # noqa: F401
        except ImportError:
            why = "selenium is not installed (pip install -e '.[test]')"
    if why:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but {why}")
        pytest.skip(why)
    assert not isinstance(found, str)
    return found


@contextlib.contextmanager
def chromium(profile: Path, downloads: Path) -> Iterator[object]:
    """A headless Debian chromium with a fresh profile, saving downloads to `downloads`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = browser_or_skip()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def wait_for_file(folder: Path, suffix: str, timeout: float = 30) -> Path:
    """The finished download in folder (Chrome writes .crdownload until it is done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.is_file()]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file arrived in {folder}: {sorted(folder.iterdir())}")


URL_LINE = re.compile(r"at (http://127\.0\.0\.1:\d+)/")


@contextlib.contextmanager
def serving(
    config: Path | None, *, timeout: float = 60, args: list[str] | None = None
) -> Iterator[str]:
    """`ficarchive --config CONFIG serve --port 0` (or `args`) as a process; yields its
    base URL."""
    env = {**os.environ, "FICARCHIVE_CONFIG": "", "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    args = args or ["--config", str(config), "serve", "--port", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "search_cli.app", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        yield _read_url(proc, timeout)
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C: uvicorn shuts down and the archive closes
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _read_url(proc: subprocess.Popen, timeout: float) -> str:
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=0.5):
            if proc.poll() is not None:
                break
            continue
        line = proc.stdout.readline()
        if not line:
            break
        seen += line
        found = URL_LINE.search(line)
        if found:
            return found.group(1)
    why = proc.stderr.read()[:2000] if proc.poll() is not None else "(still running)"
    raise AssertionError(f"serve printed no URL: {seen!r}; stderr: {why!r}")


if __name__ == "__main__":
    found = find()
    print(f"browser: {' '.join(found)}" if not isinstance(found, str) else f"browser: {found}")
    sys.exit(0 if not isinstance(found, str) else 1)
