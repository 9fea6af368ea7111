"""crawler/sites/text.py: one page or file is one work; and crawler/sites/__init__.py:
the adapter is chosen by the URL's host against the configured archives."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

from crawler.config import parse_config
from crawler.errors import ConfigError, Gone, ParseError, UsageError
from crawler.models import FetchedPage
from crawler.sites import adapter, adapter_for_url
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter, file_id

TEXT = TextAdapter(parse_config({}).site("text"))


def as_page(body: bytes, url: str, status: int = 200, ctype: str = "") -> FetchedPage:
    headers = {"content-type": ctype} if ctype else {}
    return FetchedPage(url, status, headers, body, datetime.now(UTC), url)


def test_the_seed_story_file_is_one_plain_text_chapter(seed_story):
    body = seed_story.read_bytes()
    raw = TEXT.parse_work([as_page(body, seed_story.resolve().as_uri())])
    assert raw.id == f"file:{file_id(body)}" and len(raw.site_id) == 12
    assert raw.meta.title == "Story with ornamental dividers and author note"
    assert (raw.meta.status, raw.meta.chapters_total, raw.meta.language) == (
        "complete",
        1,
        "English",
    )
    (chapter,) = raw.chapters
    assert chapter.format == "text" and chapter.html == body.decode("utf-8")
    assert "A/N:" in chapter.html  # the cleaner moves it out, not the adapter


def test_the_same_bytes_are_the_same_work_wherever_they_come_from():
    body = b"Once upon a time.\n\nThe end.\n"
    a = TEXT.parse_work([as_page(body, "file:///tmp/a.txt")])
    b = TEXT.parse_work([as_page(body, "https://example.org/stories/b.txt")])
    assert a.id == b.id


def test_an_html_page_gives_its_title_author_and_body():
    html = (
        b"<html><head><title>The Brass Key</title><meta name='author' content='cobble'></head>"
        b"<body><h1>The Brass Key</h1><p>It turned.</p></body></html>"
    )
    raw = TEXT.parse_work([as_page(html, "https://example.org/story", ctype="text/html")])
    assert (raw.meta.title, raw.meta.authors) == ("The Brass Key", ["cobble"])
    assert raw.chapters[0].format == "html" and "<p>It turned.</p>" in raw.chapters[0].html


def test_windows_1252_text_is_read_as_such():
    story = "“Mind the step,” she said. It’s late."
    raw = TEXT.parse_work([as_page(story.encode("cp1252"), "file:///tmp/old_story.txt")])
    assert raw.chapters[0].html == story
    assert raw.meta.title == "Old story"


def test_empty_missing_and_failing_pages():
    with pytest.raises(ParseError, match="empty"):
        TEXT.parse_work([as_page(b"  \n", "file:///tmp/empty.txt")])
    with pytest.raises(Gone):
        TEXT.parse_work([as_page(b"gone", "https://example.org/x.html", status=404)])
    with pytest.raises(ParseError, match="HTTP 500"):
        TEXT.parse_work([as_page(b"oops", "https://example.org/x.html", status=500)])


def test_entry_url_is_the_page_itself_and_a_hash_has_none():
    assert TEXT.entry_url("https://example.org/story.html") == "https://example.org/story.html"
    assert TEXT.entry_url("file:///tmp/story.txt") == "file:///tmp/story.txt"
    with pytest.raises(UsageError, match=r"file:0123456789ab came from a file"):
        TEXT.entry_url("0123456789ab")


# --- choosing the adapter -------------------------------------------------------------------


def config_with(toml: str):
    return parse_config(tomllib.loads(toml))


def test_the_adapter_is_chosen_by_host_including_mirrors_and_test_servers():
    config = config_with(
        "[sites.ao3]\nbase_url = 'http://127.0.0.1:8123'\n"
        "[sites.efiction]\nbase_url = 'https://ef.example.org'\n"
        "[sites.text]\nbase_url = 'https://stories.example.net'\n"
    )
    assert isinstance(adapter_for_url(config, "http://127.0.0.1:8123/works/1"), AO3Adapter)
    assert isinstance(
        adapter_for_url(config, "https://www.fanfiction.net/s/5853866/1/Counting"), FFNAdapter
    )
    ef = adapter_for_url(config, "https://EF.example.org/viewstory.php?sid=4")
    assert isinstance(ef, EFictionAdapter) and ef.work_id_from_url(
        "https://ef.example.org/viewstory.php?sid=4"
    ) == ("ef.example.org:4")
    assert isinstance(adapter_for_url(config, "https://stories.example.net/a.html"), TextAdapter)
    assert isinstance(adapter(config, "ffn"), FFNAdapter)


def test_an_unknown_host_is_an_error_that_says_how_to_configure_it():
    with pytest.raises(ConfigError) as caught:
        adapter_for_url(parse_config({}), "https://fics.example.com/story/9")
    message = str(caught.value)
    assert "fics.example.com is not a configured archive" in message
    assert '[sites.text] base_url = "https://fics.example.com"' in message
