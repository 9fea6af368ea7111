"""An archive for the web library's tests, and a client over it.

Works written for these tests: the export tests' ferry story, a hostile work whose
title, tags, names, summary and text are markup and script, a gone one, a locked
one, and the export tests' nasty work (controls, bidi, an id with colons).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from starlette.testclient import TestClient

from crawler.config import Config, parse_config
from crawler.models import Block, Chapter, Mark, Note, Work
from index.archive import Archive
from index.store import Store
from search_cli.serve import make_app
from tests.export_works import make_work, nasty_work

BASE_URL = "http://127.0.0.1:8080"
FERRY = "ao3:1234567"
HOSTILE = "ao3:666"
GONE = "ao3:2001"
LOCKED = "ao3:2002"
NASTY = "efiction:fics.example.org:42"
HOSTILE_TITLE = '<script>alert("title")</script> & <b>bold</b>'
HOSTILE_TAG = '"><img src=x onerror=alert(1)>'
HOSTILE_CHARACTER = '<i>Mira</i>\'s "twin"'
HOSTILE_FANDOM = "Fandom <svg onload=alert(2)>"
HOSTILE_TEXT = "She wrote <script>alert(3)</script> on the harbour wall."
HOSTILE_NOTE = "A note with <iframe src=//evil.example></iframe> inside."
# Strings that must never reach a page unescaped.
RAW_HOSTILE = (
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<iframe",
    "<i>Mira</i>",
    "<b>bold</b>",
)


def hostile_work() -> Work:
    work = make_work(HOSTILE, HOSTILE_TITLE)
    work.meta.tags = [HOSTILE_TAG, "Storms"]
    work.meta.characters = [HOSTILE_CHARACTER]
    work.meta.fandoms = [HOSTILE_FANDOM]
    work.meta.authors = ["<u>author</u>"]
    work.meta.series = [{"name": "Series <script>", "id": "9", "part": 1}]
    work.summary = "Summary <script>alert(4)</script>"
    work.notes = [Note("work_note", "before", HOSTILE_NOTE)]
    link = Mark("link", 0, 3, "javascript:alert(5)")
    work.chapters = [
        Chapter(1, "Chapter <em>one</em>", [Block("paragraph", HOSTILE_TEXT, (link,))]),
        Chapter(2, "", [Block("paragraph", "The second <b>chapter</b>.")]),
    ]
    return work


def sample_works() -> list[Work]:
    gone = make_work(GONE, "The Vanished Harbour")
    locked = make_work(LOCKED, "Behind the Lock")
    locked.meta.fandoms = ["Locked Fandom"]
    gone.chapters = [Chapter(1, "", [Block("paragraph", "The harbour was empty at dawn.")])]
    locked.chapters = [Chapter(1, "", [Block("paragraph", "The lock held all winter.")])]
    return [make_work(FERRY), hostile_work(), gone, locked, nasty_work()]


def config_for(root: Path) -> Config:
    return parse_config({"archive": {"path": str(root / "archive")}})


def build_archive(root: Path, works: list[Work] | None = None) -> Config:
    """Store and index the works under root; mark the gone and the locked one."""
    config = config_for(root)
    with Store(config.archive_dir) as store:
        for work in sample_works() if works is None else works:
            store.save_work(work)
        store.mark_gone(GONE)
        store.mark_locked(LOCKED)
    with Archive(config) as archive:
        archive.index_pending()
    return config


def many_works(count: int) -> list[Work]:
    """count small works, titles in order: for paging."""
    return [
        replace(make_work(f"ao3:{9000 + n}", f"Ferry number {n:03d}"), notes=[])
        for n in range(count)
    ]


def client(
    config: Config, *, token: str | None = None, loopback_only: bool = True, **options
) -> TestClient:
    """A test client over a fresh app; use it in a `with` block (closes the archive)."""
    app = make_app(lambda: Archive(config), token=token, loopback_only=loopback_only)
    return TestClient(app, base_url=options.pop("base_url", BASE_URL), **options)


def assert_escaped(body: str) -> None:
    """No hostile string arrived as markup."""
    found = [raw for raw in RAW_HOSTILE if raw in body]
    assert not found, f"unescaped on the page: {found}"


def inline_scripts(body: str) -> list[str]:
    """<script> elements with content or without src (the CSP forbids them)."""
    import re

    return [
        m.group(0)
        for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", body, re.S | re.I)
        if "src=" not in m.group(1) or m.group(2).strip()
    ]
