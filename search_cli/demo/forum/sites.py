"""The two sample sites' state and URL shapes: a XenForo forum and a Royal Road-shaped site.

Each site holds its stories, which tests change while the server runs (a new
threadmark, a new chapter, a thread made members-only), and logs every
request; `handle` answers one request. The pages themselves are
search_cli.demo.forum.xenforo_pages and royalroad_pages.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from search_cli.demo.archive import RequestRecord
from search_cli.demo.forum import royalroad_pages as rr
from search_cli.demo.forum import xenforo_pages as xf
from search_cli.demo.forum.stories import FICTIONS, THREADS, Fiction, ForumThread
from search_cli.demo.responses import HTML, Response

FORUM_ROBOTS = """\
# robots.txt of the ficarchive sample forum, shaped like the XenForo forums' own.
User-agent: *
Disallow: /search/
Disallow: /members/
Disallow: /login/
Disallow: /account/
"""
ROYALROAD_ROBOTS = """\
# robots.txt of the ficarchive sample Royal Road-shaped site.
User-agent: *
Disallow: /account/
Disallow: /fictions/search
"""
THREAD = re.compile(r"^/threads/(?:([^/]*)\.)?(\d+)(?:/(.*))?$")
READER = re.compile(r"^(?:reader/?|reader/page-(\d+))$")
FICTION = re.compile(r"^/fiction/(\d+)(?:/[^/]+)?(?:/chapter/(\d+)(?:/[^/]*)?)?/?$")


def _text(status: int, text: str) -> Response:
    return Response(status, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})


def _html(status: int, markup: str) -> Response:
    """No ETag or Last-Modified: like the real forums and Royal Road, whose pages are made
    per request, so a re-crawl learns nothing from a conditional GET."""
    return Response(status, markup.encode(), {"Content-Type": HTML, "Cache-Control": "no-cache"})


class SampleSite:
    """The request log and lock both sites share."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._log: list[RequestRecord] = []

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def handle(self, method: str, target: str, headers: dict[str, str], base_url: str) -> Response:
        with self._lock:
            self._log.append(RequestRecord(time.monotonic(), method, target, dict(headers)))
            return self.route(target, headers)

    def route(self, target: str, headers: dict[str, str]) -> Response:
        raise NotImplementedError


class ForumSite(SampleSite):
    """A XenForo 2 forum: threads with threadmarks, reader mode, members-only threads."""

    def __init__(self, threads: Iterable[ForumThread] = THREADS) -> None:
        super().__init__()
        self.threads = {t.thread_id: t for t in threads}

    def update_thread(self, thread: ForumThread) -> None:
        with self._lock:
            self.threads[thread.thread_id] = thread

    def members_only(self, thread_id: int) -> None:
        with self._lock:
            self.threads[thread_id] = dataclasses.replace(self.threads[thread_id], state="members")

    def route(self, target: str, headers: dict[str, str]) -> Response:
        path = urlsplit(target).path
        if path == "/robots.txt":
            return _text(200, FORUM_ROBOTS)
        m = THREAD.match(path)
        thread = self.threads.get(int(m.group(2))) if m else None
        if m is None or thread is None or thread.state == "deleted":
            return _html(404, xf.error_page())
        if thread.state == "members":
            return _html(403, xf.login_page())
        slug, asked = m.group(1), m.group(3) or ""
        rest = asked.rstrip("/")
        if rest == "threadmarks":
            return _html(200, xf.threadmarks_page(thread))
        if slug != thread.slug:  # XenForo sends the thread's own address elsewhere
            location = f"{xf.thread_path(thread)}{asked}"
            return Response(301, b"", {"Location": location, "Content-Type": HTML})
        if rest == "" or rest.startswith("post-"):
            return _html(200, xf.thread_page(thread))
        if r := READER.match(asked):
            number = int(r.group(1) or 1)
            if number > xf.reader_pages(thread):
                return _html(404, xf.error_page("The requested page could not be found."))
            return _html(200, xf.reader_page(thread, number))
        return _html(404, xf.error_page("The requested page could not be found."))


class RoyalRoadSite(SampleSite):
    """Royal Road's shapes: fiction pages and chapter pages."""

    def __init__(self, fictions: Iterable[Fiction] = FICTIONS) -> None:
        super().__init__()
        self.fictions = {f.fiction_id: f for f in fictions}

    def update_fiction(self, fiction: Fiction) -> None:
        with self._lock:
            self.fictions[fiction.fiction_id] = fiction

    def delete(self, fiction_id: int) -> None:
        with self._lock:
            self.fictions[fiction_id] = dataclasses.replace(
                self.fictions[fiction_id], state="deleted"
            )

    def route(self, target: str, headers: dict[str, str]) -> Response:
        path = urlsplit(target).path
        if path == "/robots.txt":
            return _text(200, ROYALROAD_ROBOTS)
        m = FICTION.match(path)
        fiction = self.fictions.get(int(m.group(1))) if m else None
        if m is None or fiction is None or fiction.state == "deleted":
            return _html(404, rr.not_found_page())
        if m.group(2) is None:
            return _html(200, rr.fiction_page(fiction))
        chapter = next((c for c in fiction.chapters if c.chapter_id == int(m.group(2))), None)
        if chapter is None:
            return _html(404, rr.not_found_page())
        return _html(200, rr.chapter_page(fiction, chapter))
