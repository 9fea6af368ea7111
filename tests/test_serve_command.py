"""`ficarchive serve` as a user runs it: the address it prints, the token it makes off
loopback, a taken port as one line of error."""

from __future__ import annotations

import base64
import os
import re
import socket

import httpx
import pytest

from tests.cli import ficarchive
from tests.serve_browser import serving
from tests.serve_library import build_archive
from tests.servers import clear_proxies


@pytest.fixture
def config_file(tmp_path):
    build_archive(tmp_path)
    path = tmp_path / "config.toml"
    path.write_text(f'[archive]\npath = "{tmp_path / "archive"}"\n')
    return path


def test_serve_prints_where_it_listens_and_answers_there(config_file, monkeypatch):
    clear_proxies(monkeypatch)
    with serving(config_file) as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        page = httpx.get(url + "/search", params={"q": "ferry"}, timeout=30)
        assert page.status_code == 200 and "The Night Ferry" in page.text
        assert page.headers.get("server") is None  # uvicorn's banner is off


def test_off_loopback_a_token_is_made_printed_and_required(config_file, monkeypatch):
    import subprocess
    import sys

    clear_proxies(monkeypatch)
    proc = subprocess.Popen(
        [sys.executable, "-m", "search_cli.app", "--config", str(config_file), "serve",
         "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**{k: v for k, v in os.environ.items() if k != "FICARCHIVE_TOKEN"},
             "FICARCHIVE_CONFIG": "", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )  # fmt: skip
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        port = re.search(r":(\d+)/", lines[0]).group(1)
        token = re.search(r"token: (\S+)", "".join(lines)).group(1)
        url = f"http://127.0.0.1:{port}/opds"
        assert httpx.get(url, timeout=30).status_code == 401
        auth = base64.b64encode(f"reader:{token}".encode()).decode()
        ok = httpx.get(url, headers={"authorization": f"Basic {auth}"}, timeout=30)
        assert ok.status_code == 200 and b"opds-catalog" in ok.content
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        proc.stdout.close()
        proc.stderr.close()


def test_a_taken_port_is_one_line_of_error(config_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        run = ficarchive("--config", str(config_file), "serve", "--port", str(port))
    assert run.code == 1
    assert run.err.strip().startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err


def test_an_unknown_host_is_a_usage_error(config_file):
    run = ficarchive("--config", str(config_file), "serve", "--host", "no-such-host.invalid")
    assert run.code == 2 and "not an address this machine knows" in run.err


def test_serve_has_help():
    run = ficarchive("serve", "--help")
    assert run.code == 0 and "--host" in run.out and "--token" in run.out


def test_demo_serve_runs_the_demo_then_serves_its_archive(tmp_path, monkeypatch):
    clear_proxies(monkeypatch)
    args = ["demo", "--dir", str(tmp_path / "demo"), "--serve", "--port", "0"]
    with serving(None, args=args, timeout=180) as url:
        page = httpx.get(url + "/search", params={"q": "lighthouse"}, timeout=30)
        assert page.status_code == 200 and "Scarra Point" in page.text
