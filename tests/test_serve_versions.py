"""Versions on the web: the work page lists every kept version with its date and what
changed; each can be read as it was, and two can be compared word by word."""

from __future__ import annotations

import copy
import re
from html import unescape

import pytest

from crawler.models import Block, Chapter
from index.store import Store
from tests.export_works import PARAS_1, PARAS_2
from tests.serve_library import FERRY, HOSTILE, assert_escaped, build_archive, client

REWRITTEN = "The ferry left the harbour long after the gulls had gone to sleep."
NEW_CHAPTER = "Morning came up grey over the breakwater and the sisters slept."


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """The ferry stored three times: as it was, with chapter 1 rewritten, then a third
    chapter added; the hostile work twice, so its versions table is on its page too."""
    config = build_archive(tmp_path_factory.mktemp("serve-versions"))
    with Store(config.archive_dir) as store:
        work = store.get_work(FERRY)
        rewritten = copy.deepcopy(work)
        rewritten.chapters[0].blocks[0] = Block("paragraph", REWRITTEN)
        assert store.save_work(rewritten) == "updated"
        longer = copy.deepcopy(rewritten)
        longer.chapters.append(Chapter(3, "Landfall", [Block("paragraph", NEW_CHAPTER)]))
        assert store.save_work(longer) == "updated"
        hostile = store.get_work(HOSTILE)
        hostile.chapters.append(Chapter(3, "<b>Three</b>", [Block("paragraph", "Third.")]))
        assert store.save_work(hostile) == "updated"
    return config


@pytest.fixture
def web(config):
    with client(config) as c:
        yield c


def versions_rows(body: str) -> list[str]:
    section = re.search(r'<section class="versions">(.*?)</section>', body, re.S)
    assert section, "no versions section on the work page"
    return re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", section.group(1), re.S)


def test_the_work_page_lists_versions_newest_first_with_dates_and_changes(web):
    page = web.get(f"/works/{FERRY}")
    assert page.status_code == 200
    rows = versions_rows(page.text)
    assert len(rows) == 3
    assert ">3</a>" in rows[0] and "shown" in rows[0]
    assert "+1 chapter (3," in rows[0]
    assert "chapter 1 rewritten" in rows[1]
    assert "first kept" in rows[2]
    assert all(re.search(r"<td>\d{4}-\d\d-\d\d</td>", row) for row in rows)
    assert f'href="/works/{FERRY}/versions/1"' in rows[2]
    assert f'href="/works/{FERRY}/diff?old=2&amp;new=3"' in rows[0]


def test_a_work_with_one_version_has_no_versions_table(web):
    from tests.serve_library import LOCKED

    assert '<section class="versions">' not in web.get(f"/works/{LOCKED}").text


def test_a_past_version_reads_as_it_was_and_keeps_the_reading_position(web):
    before = web.get(f"/works/{FERRY}/versions/1")
    assert before.status_code == 200
    assert PARAS_1[0] in before.text and REWRITTEN not in before.text
    assert "version 1" in before.text and "Chapter 1 of 2" in before.text.replace(
        "chapter", "Chapter"
    )
    assert f'href="/works/{FERRY}/versions/1/chapters/2"' in before.text
    second = web.get(f"/works/{FERRY}/versions/1/chapters/2")
    assert PARAS_2[0] in second.text
    assert web.get(f"/works/{FERRY}/versions/1/chapters/3").status_code == 404
    now = web.get(f"/works/{FERRY}/versions/3/chapters/3")
    assert NEW_CHAPTER in now.text and "the one readers see" in now.text
    # reading old versions moved nobody's place: /read still starts at chapter 1
    assert (
        web.get(f"/works/{FERRY}/read", follow_redirects=False)
        .headers["location"]
        .endswith("/chapters/1")
    )


def test_the_diff_page_shows_words_removed_and_added(web):
    page = web.get(f"/works/{FERRY}/diff?old=1&new=2")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "version 1 → 2" in text
    assert "<span>The ferry left the harbour</span> <del>before</del> <ins>long after</ins>" in text
    assert "<del>woke.</del> <ins>had gone to sleep.</ins>" in text
    added = unescape(web.get(f"/works/{FERRY}/diff").text)  # default: newest vs the one before
    assert "version 2 → 3" in added and "Landfall" in added and "added" in added


def test_unknown_versions_and_bad_numbers(web):
    assert web.get(f"/works/{FERRY}/versions/9").status_code == 404
    assert web.get(f"/works/{FERRY}/versions/x").status_code == 404
    assert web.get("/works/ao3:404404/versions/1").status_code == 404
    missing = web.get(f"/works/{FERRY}/diff?old=1&new=9")
    assert missing.status_code == 404 and "has no version 9" in missing.text
    assert web.get(f"/works/{FERRY}/diff?old=one").status_code == 400


def test_hostile_versions_are_escaped(web):
    for path in (f"/works/{HOSTILE}", f"/works/{HOSTILE}/versions/1", f"/works/{HOSTILE}/diff"):
        page = web.get(path)
        assert page.status_code == 200, path
        assert_escaped(page.text)
        assert "<b>Three</b>" not in page.text
