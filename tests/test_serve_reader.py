"""The reader: chapters with next and previous, notes shown, collapsed or hidden (kept in
a cookie), type and theme, the reading position, and a script that is a file."""

from __future__ import annotations

import re

import pytest

from tests.export_works import NOTE_AFTER, NOTE_BEFORE, PARAS_1, PARAS_2, WORK_END_NOTE, WORK_NOTE
from tests.serve_library import (
    FERRY,
    HOSTILE,
    HOSTILE_TEXT,
    assert_escaped,
    build_archive,
    client,
    inline_scripts,
)


@pytest.fixture
def web(tmp_path):
    with client(build_archive(tmp_path)) as c:
        yield c


def chapter(web, number: int, work_id: str = FERRY):
    return web.get(f"/works/{work_id}/chapters/{number}")


def test_chapters_read_one_at_a_time_with_next_and_previous(web):
    first = chapter(web, 1)
    assert first.status_code == 200
    assert PARAS_1[0] in first.text and PARAS_2[0] not in first.text
    assert "Chapter 1 of 2" in first.text
    assert f'<a rel="next" id="next" href="/works/{FERRY}/chapters/2">' in first.text
    assert 'rel="prev"' not in first.text
    second = chapter(web, 2)
    assert PARAS_2[1] in second.text
    assert f'<a rel="prev" id="previous" href="/works/{FERRY}/chapters/1">' in second.text
    assert "Finished: mark as read" in second.text  # the last chapter offers the mark
    for bad in (0, 3, "x", "-1"):
        assert web.get(f"/works/{FERRY}/chapters/{bad}").status_code == 404


def test_a_scene_break_is_one_ornament(web):
    text = chapter(web, 1).text
    assert text.count('class="scene-break"') == 1
    assert "◊ ◊ ◊" in text


def test_notes_stand_where_they_stood(web):
    first, second = chapter(web, 1).text, chapter(web, 2).text
    assert WORK_NOTE in first and NOTE_BEFORE in first
    assert first.index(NOTE_BEFORE) < first.index(PARAS_1[0])
    assert NOTE_AFTER in second and WORK_END_NOTE in second
    assert second.index(PARAS_2[1]) < second.index(NOTE_AFTER)


def test_notes_shown_collapsed_or_hidden_are_remembered(web):
    done = web.post(
        "/prefs",
        data={"notes": "hidden", "back": f"/works/{FERRY}/chapters/1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/works/{FERRY}/chapters/1"
    assert "notes=hidden" in done.headers["set-cookie"]
    assert "httponly" in done.headers["set-cookie"].lower()
    hidden = chapter(web, 1).text
    assert NOTE_BEFORE not in hidden and WORK_NOTE not in hidden
    assert "2 notes hidden." in hidden and PARAS_1[0] in hidden
    web.post("/prefs", data={"notes": "collapsed"})
    collapsed = chapter(web, 1).text
    assert re.search(r'<details class="notes before"><summary>Notes \(2\)</summary>', collapsed)
    assert NOTE_BEFORE in collapsed
    web.post("/prefs", data={"notes": "shown"})
    assert '<div class="notes before">' in chapter(web, 1).text


def test_type_size_font_and_theme(web):
    web.post("/prefs", data={"size": "130", "font": "sans", "theme": "dark"})
    page = chapter(web, 1).text
    assert 'class="theme-dark font-sans size-130 notes-shown"' in page
    assert 'name="size" value="120"' in page and 'name="size" value="140"' in page
    # every page wears the theme; nonsense is ignored, the rest kept
    web.post("/prefs", data={"size": "9999", "font": "comic", "theme": "<x>"})
    assert 'class="theme-dark font-sans size-130' in web.get("/search").text
    css = web.get("/static/style.css").text
    assert "body.size-130 article.chapter" in css and "body.theme-dark" in css


def test_prefs_never_redirect_off_the_site(web):
    for back in ("//evil.example/", "http://evil.example/", "javascript:alert(1)"):
        done = web.post("/prefs", data={"theme": "sepia", "back": back}, follow_redirects=False)
        assert done.headers["location"] == "/"


def test_the_reading_position_is_kept(web):
    assert "Continue at chapter" not in web.get(f"/works/{FERRY}").text
    chapter(web, 2)
    assert "Continue at chapter 2" in web.get(f"/works/{FERRY}").text
    resume = web.get(f"/works/{FERRY}/read", follow_redirects=False)
    assert resume.headers["location"] == f"/works/{FERRY}/chapters/2"
    saved = web.post(f"/works/{FERRY}/position", data={"chapter": "2", "progress": "0.4"})
    assert saved.status_code == 204
    assert 'data-progress="0.4"' in chapter(web, 2).text
    chapter(web, 1)  # a new chapter starts at its top
    assert 'data-progress="0.0"' in chapter(web, 1).text
    assert web.post(f"/works/{FERRY}/position", data={"chapter": "9"}).status_code == 404
    assert web.post(f"/works/{FERRY}/position", data={"chapter": "x"}).status_code == 400
    assert (
        web.post(f"/works/{FERRY}/position", data={"chapter": "1", "progress": "nan"}).status_code
        == 400
    )
    assert web.get("/works/ao3:0/read").status_code == 404


def test_keyboard_navigation_is_a_static_script_not_inline(web):
    page = chapter(web, 1)
    assert '<script src="/static/reader.js" defer></script>' in page.text
    assert inline_scripts(page.text) == []
    assert not re.search(r"<[^>]+\son[a-z]+=", page.text)  # no event-handler attributes
    script = web.get("/static/reader.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "ArrowRight" in script.text and "sendBeacon" in script.text


def test_hostile_story_text_and_links_are_sanitized(web):
    page = chapter(web, 1, HOSTILE)
    assert page.status_code == 200
    assert_escaped(page.text)
    assert "She wrote &lt;script&gt;alert(3)&lt;/script&gt; on the harbour wall." in page.text
    assert HOSTILE_TEXT not in page.text
    assert "javascript:" not in page.text
    assert "Chapter &lt;em&gt;one&lt;/em&gt;" in page.text
