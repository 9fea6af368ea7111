"""`add` errors say what happened and what to do: a work that does not exist is exit 1
("no such work"), a known archive that is not configured gets its config lines (exit
2), and a Cloudflare challenge names the route that works (save the pages, import them).

Each runs the real `ficarchive` command against a scripted server on 127.0.0.1.
"""

from __future__ import annotations

import pytest

from tests.cli import ficarchive
from tests.conftest import shared_fixture
from tests.servers import Reply, ScriptedServer, clear_proxies

CHALLENGE = b"<html><head><title>Just a moment...</title></head><body>cf-chl</body></html>"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def _config(tmp_path, site: str, base_url: str):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[archive]\npath = "arch"\ncontact = "tests@example.org"\n'
        f"[politeness]\ndelay_seconds = 0.01\njitter = 0.0\nmax_retries = 0\n"
        f'[sites.{site}]\nbase_url = "{base_url}"\n'
    )
    return cfg


def test_a_work_that_does_not_exist_is_exit_1_no_such_work(tmp_path):
    with ScriptedServer() as server:
        server.route("/works/999", Reply(404, {"Content-Type": "text/html"}, body=b"Not found"))
        cfg = _config(tmp_path, "ao3", server.base_url)
        run = ficarchive("--config", str(cfg), "add", "--json", f"{server.base_url}/works/999")
        listed = ficarchive("--config", str(cfg), "list", "--json")
    assert run.code == 1, (run.out, run.err)
    (work,) = run.json()["works"]
    assert (work["id"], work["result"]) == ("ao3:999", "failed")
    assert work["reason"].startswith("no such work") and run.json()["counts"]["gone"] == 0
    assert listed.out.strip() == ""  # nothing stored


def test_a_known_archive_not_configured_gets_its_config_lines(tmp_path):
    cfg = _config(tmp_path, "ao3", "http://127.0.0.1:9")
    run = ficarchive(
        "--config", str(cfg), "add", "https://forums.spacebattles.com/threads/a-story.123/"
    )
    assert run.code == 2, (run.out, run.err)
    assert "[sites.text]" not in run.err
    lines = run.err.splitlines()
    assert "[sites.spacebattles]" in lines and 'adapter = "xenforo"' in lines
    assert 'base_url = "https://forums.spacebattles.com"' in lines
    assert "Traceback" not in run.err


def test_the_challenge_message_names_saving_and_importing(tmp_path):
    with ScriptedServer() as server:
        wall = Reply(503, {"Content-Type": "text/html", "cf-mitigated": "challenge"}, CHALLENGE)
        server.route("/s/5853866/1", wall)
        cfg = _config(tmp_path, "ffn", server.base_url)
        run = ficarchive("--config", str(cfg), "add", f"{server.base_url}/s/5853866/1/Counting")
    assert run.code == 1, (run.out, run.err)
    said = run.out + run.err
    assert "bot challenge" in said and "`ficarchive import`" in said
    assert "save each of its chapter pages" in said
    # ... and the route it names works: the saved page imports as the FFN story
    saved = shared_fixture("ffn/ffn_story_multichapter_ch1_of_2.html")
    cfg = _config(tmp_path, "ffn", "https://www.fanfiction.net")  # as a reader's config has it
    imported = ficarchive("--config", str(cfg), "import", str(saved))
    assert imported.code == 0 and "ffn:5853866" in imported.out
