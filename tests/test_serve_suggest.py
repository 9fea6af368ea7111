"""A search that finds nothing offers a corrected spelling, as a link, when the
correction finds works; a search that finds something offers none."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.serve_library import assert_escaped, build_archive, client


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("serve-suggest"))


@pytest.fixture
def web(config):
    with client(config) as c:
        yield c


def offered(body: str) -> tuple[str, str] | None:
    found = re.search(r'<p class="suggestion">Did you mean <a href="([^"]*)">([^<]*)</a>', body)
    return (unescape(found.group(1)), unescape(found.group(2))) if found else None


def test_a_misspelt_word_is_offered_its_correction(web):
    page = web.get("/search?q=harbuor")
    assert page.status_code == 200 and "No works found." in page.text
    assert offered(page.text) == ("/search?q=harbour", "harbour")
    fixed = web.get("/search?q=harbour")
    assert "The Night Ferry" in fixed.text and offered(fixed.text) is None


def test_the_correction_keeps_the_filters(web):
    page = web.get("/search?q=lanturn&fandom=Original+Work")
    link, query = offered(page.text)
    assert query == "lantern" and "fandom=Original+Work" in link
    assert "The Night Ferry" in web.get(link).text


def test_no_suggestion_when_something_matched_or_nothing_is_close(web):
    assert offered(web.get("/search?q=ferry").text) is None
    assert offered(web.get("/search?q=zqxjvw").text) is None
    assert offered(web.get("/").text) is None


def test_a_hostile_query_is_escaped_on_the_empty_page(web):
    page = web.get('/search?q=<script>alert("harbuor")</script>')
    assert page.status_code in (200, 400)
    assert "<script>alert" not in page.text
    assert_escaped(page.text)
