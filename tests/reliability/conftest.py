"""One sample server and one crawled archive for the session; each test gets its own copy."""

from __future__ import annotations

import shutil

import pytest

from search_cli.demo.server import SampleArchiveServer
from tests.reliability.harness import ficarchive, write_config
from tests.servers import clear_proxies


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture(scope="session")
def _sample_server():
    with SampleArchiveServer() as server:
        yield server


@pytest.fixture
def server(_sample_server):
    """The sample archive as it started; whatever a test changes is undone after it."""
    _sample_server.reset()
    _sample_server.clear_log()
    yield _sample_server
    _sample_server.reset()


@pytest.fixture(scope="session")
def _template(tmp_path_factory, _sample_server):
    """The sample archive crawled once, to the end."""
    root = tmp_path_factory.mktemp("template")
    config = write_config(root, _sample_server.base_url, delay=0.01)
    run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    return root / "archive"


@pytest.fixture
def crawled(tmp_path, server, _template):
    """(server, config, archive): a private copy of an archive crawled from `server`."""
    shutil.copytree(_template, tmp_path / "archive")
    config = write_config(tmp_path, server.base_url, delay=0.01)
    return server, config, tmp_path / "archive"
