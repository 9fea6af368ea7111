"""The web library's pages through Starlette's test client: search, facets, a work,
downloads, marks and shelves; every page escapes what strangers wrote."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from search_cli.export import FORMATS
from tests.export_works import NOTE_AFTER, NOTE_BEFORE, PARAS_2, WORK_NOTE
from tests.serve_library import (
    FERRY,
    GONE,
    HOSTILE,
    HOSTILE_CHARACTER,
    HOSTILE_TAG,
    HOSTILE_TITLE,
    LOCKED,
    NASTY,
    assert_escaped,
    build_archive,
    client,
    inline_scripts,
    many_works,
)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("serve-pages"))


@pytest.fixture
def web(config):
    with client(config) as c:
        yield c


def links(body: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', body)]


def test_home_lists_every_work_with_security_headers(web):
    page = web.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for title in ("The Night Ferry", "The Vanished Harbour", "Behind the Lock"):
        assert title in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert inline_scripts(page.text) == []
    assert_escaped(page.text)


def test_a_phrase_finds_its_chapter_with_the_match_marked(web):
    page = web.get("/search", params={"q": '"the lantern was the only warm"'})
    assert page.status_code == 200
    assert "1–2 of 2 works" in page.text  # the ferry, and the nasty work made from it
    assert f'href="/works/{FERRY}/chapters/2">Chapter 2</a>' in page.text
    assert "<mark>" in page.text and "lantern" in page.text.split("<mark>", 1)[1][:80]


def test_gone_and_locked_works_wear_badges(web):
    page = web.get("/search", params={"q": "ferry OR harbour OR lock"})
    blurbs = {
        m.group(1): m.group(0)
        for m in re.finditer(r'href="/works/([^"/]+)">.*?</li>\n', page.text, re.S)
    }
    assert "gone upstream" in blurbs[GONE]
    assert "locked" in blurbs[LOCKED]
    assert "gone upstream" not in blurbs[FERRY] and 'class="badge locked"' not in blurbs[FERRY]


def test_facets_are_counted_links_that_filter(web):
    page = web.get("/search", params={"q": "ferry"})
    fandom_link = next(h for h in links(page.text) if "fandom=Locked+Fandom" in h)
    assert re.search(r"Locked Fandom</a> <span class=\"count\">\(1\)</span>", page.text)
    filtered = web.get(fandom_link)
    assert filtered.status_code == 200
    assert "Behind the Lock" in filtered.text and "The Night Ferry" not in filtered.text
    assert "Filtered by" in filtered.text
    # the active filter links back to the search without it
    drop = next(
        h
        for h in links(filtered.text)
        if h.startswith("/search") and "fandom" not in h and "q=ferry" in h
    )
    assert "The Night Ferry" in web.get(drop).text


def test_word_count_ranges_and_status_filter(web):
    page = web.get("/search")
    under = next(h for h in links(page.text) if "words=%3C1000" in h)
    assert "The Night Ferry" in web.get(under).text
    over = next(h for h in links(page.text) if "words=%3E%3D50000" in h)
    assert "No works found." in web.get(over).text
    gone = web.get("/search", params={"status": "gone"})
    assert "The Vanished Harbour" in gone.text and "The Night Ferry" not in gone.text


def test_sorts_are_links_and_the_current_one_is_marked(web):
    page = web.get("/search", params={"q": "ferry", "sort": "title"})
    assert "<strong>Title</strong>" in page.text
    sorts = [h for h in links(page.text) if "sort=" in h]
    assert {parse_qs(urlsplit(h).query)["sort"][0] for h in sorts} >= {
        "relevance",
        "words",
        "updated",
    }
    titles = re.findall(r'<h3><a href="/works/[^"]+">([^<]+)</a>', page.text)
    assert titles == sorted(titles, key=str.casefold)


def test_a_bad_query_is_one_line_not_a_traceback(web):
    page = web.get("/search", params={"q": 'unclosed "phrase'})
    assert page.status_code == 400
    assert "unbalanced quote" in page.text
    page = web.get("/search", params={"q": "nosuchfield:x <script>"})
    assert page.status_code == 400 and "unknown field" in page.text
    assert "<script>" not in page.text.replace(
        '<script src="/static/reader.js" defer></script>', ""
    )


def test_paging(tmp_path):
    config = build_archive(tmp_path, many_works(45))
    with client(config) as web:
        first = web.get("/search", params={"sort": "title"})
        assert "1–20 of 45 works" in first.text
        assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
        third = web.get("/search", params={"sort": "title", "page": 3})
        assert "41–45 of 45 works" in third.text and "Ferry number 044" in third.text
        assert "Ferry number 000" not in third.text
        beyond = web.get("/search", params={"sort": "title", "page": "x"})
        assert "1–20 of 45" in beyond.text


def test_work_page_links_every_tag_to_a_search(web):
    page = web.get(f"/works/{FERRY}")
    assert page.status_code == 200
    hrefs = links(page.text)
    for expected in (
        "/search?fandom=Original+Work",
        "/search?character=Mira",
        "/search?relationship=Mira+%26+Sela",
        "/search?tag=Sisters",
        "/search?rating=Teen+And+Up+Audiences",
        "/search?warning=No+Archive+Warnings+Apply",
        "/search?category=Gen",
        "/search?author=tidewriter",
        "/search?lang=English",
    ):
        assert expected in hrefs, expected
    assert "Part 2 of" in page.text and "/series?name=Harbour+Stories" in hrefs
    assert WORK_NOTE in page.text
    tag = web.get("/search?tag=Sisters")
    assert "The Night Ferry" in tag.text


def test_work_page_offers_every_format_with_and_without_notes(web):
    hrefs = links(web.get(f"/works/{FERRY}").text)
    for fmt in FORMATS:
        assert f"/works/{FERRY}/download/{fmt}" in hrefs
        assert f"/works/{FERRY}/download/{fmt}?notes=no" in hrefs


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_downloads(web, fmt):
    with_notes = web.get(f"/works/{FERRY}/download/{fmt}")
    assert with_notes.status_code == 200
    disposition = with_notes.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f".{FORMATS[fmt].extension}" in disposition
    without = web.get(f"/works/{FERRY}/download/{fmt}", params={"notes": "no"})
    assert "no notes" in without.headers["content-disposition"]
    if fmt == "epub":
        assert with_notes.headers["content-type"] == "application/epub+zip"
        with zipfile.ZipFile(io.BytesIO(with_notes.content)) as book:
            assert book.read("mimetype") == b"application/epub+zip"
        return
    assert NOTE_BEFORE in with_notes.text and NOTE_AFTER in with_notes.text
    assert NOTE_BEFORE not in without.text and PARAS_2[0] in without.text


def test_unknown_work_format_and_chapter_are_404(web):
    assert web.get("/works/ao3:0").status_code == 404
    assert web.get(f"/works/{FERRY}/download/pdf").status_code == 404
    missing = web.get("/works/<script>alert(1)</script>")
    assert missing.status_code == 404 and "<script>alert" not in missing.text


def test_hostile_titles_and_tags_are_escaped_everywhere(web):
    pages = [
        web.get("/"),
        web.get("/search", params={"q": "harbour"}),
        web.get("/search", params={"tag": HOSTILE_TAG}),
        web.get(f"/works/{HOSTILE}"),
        web.get(f"/works/{HOSTILE}/chapters/1"),
        web.get(f"/works/{NASTY}"),
        web.get("/series", params={"name": "Series <script>"}),
    ]
    for page in pages:
        assert page.status_code == 200, page.url
        assert_escaped(page.text)
        assert inline_scripts(page.text) == []
    work = pages[3].text
    assert (
        "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in work
    )
    tag_link = next(h for h in links(work) if h.startswith("/search?tag=") and "img" in h)
    assert parse_qs(urlsplit(tag_link).query)["tag"] == [HOSTILE_TAG]
    assert "Harbour" in pages[2].text or HOSTILE_TITLE not in pages[2].text
    assert f"/search?character={HOSTILE_CHARACTER}" not in work  # quoted in the URL
    assert "javascript:" not in pages[4].text


def test_marks_and_shelves(tmp_path):
    config = build_archive(tmp_path)
    with client(config) as web:
        assert "Nothing here yet" in web.get("/shelf/to-read").text
        done = web.post(f"/works/{FERRY}/mark", data={"mark": "to-read"}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/works/{FERRY}"
        assert 'value="to-read" aria-pressed="true"' in web.get(f"/works/{FERRY}").text
        shelf = web.get("/shelf/to-read")
        assert "The Night Ferry" in shelf.text and "1 work" in shelf.text
        assert "To read" in web.get("/search", params={"q": "ferry"}).text
        web.post(f"/works/{FERRY}/mark", data={"mark": "read", "back": "//evil.example/x"})
        assert "The Night Ferry" not in web.get("/shelf/to-read").text
        assert "The Night Ferry" in web.get("/shelf/read").text
        web.post(f"/works/{FERRY}/mark", data={"mark": "none"})
        assert "Nothing here yet" in web.get("/shelf/read").text
        assert web.post(f"/works/{FERRY}/mark", data={"mark": "loved"}).status_code == 400
        assert web.post("/works/ao3:0/mark", data={"mark": "read"}).status_code == 404
        assert web.get("/shelf/loved").status_code == 404


def test_a_redirect_never_leaves_the_site(tmp_path):
    config = build_archive(tmp_path, many_works(1))
    with client(config) as web:
        for back in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            done = web.post(
                "/works/ao3:9000/mark", data={"mark": "read", "back": back}, follow_redirects=False
            )
            assert done.headers["location"] == "/works/ao3:9000"


def test_series_page_lists_parts_in_order(web):
    page = web.get("/series", params={"name": "Harbour Stories"})
    assert page.status_code == 200 and "Part 2" in page.text
    assert web.get("/series", params={"name": "No Such Series"}).status_code == 404


def test_an_archive_with_no_index_yet_says_so(tmp_path):
    config = build_archive(tmp_path, [])
    with client(config) as web:
        page = web.get("/")
        assert page.status_code == 503 and "no search index yet" in page.text
        assert 'name="q"' in page.text
        assert "Nothing here yet" in web.get("/shelf/to-read").text
