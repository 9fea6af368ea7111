"""Hypothesis against everything that reads untrusted text: adapters, cleaner, query parser.

The property is the archive's: whatever a page or a query holds, it is either refused
with a FicarchiveError (one line, exit code) or it goes all the way through, into
SQLite and into Whoosh, and searches run. Never a traceback.

`make soak` runs these with many more examples (FICARCHIVE_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import RamStorage

from crawler.clean import clean_html, clean_work
from crawler.config import SiteConfig
from crawler.damage import damage
from crawler.errors import FicarchiveError, QueryError
from crawler.models import FetchedPage
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter
from index.store import Store
from index.whoosh.schema import chapter_docs, make_schema
from search_cli.demo import ao3_markup, sample_works
from tests.conftest import SHARED_FIXTURES
from tests.searching import whoosh_query as parse_query

EXAMPLES = int(os.environ.get("FICARCHIVE_FUZZ_EXAMPLES", "60"))
# Found by these fuzzers and fixed in the adapters' soup(): a page that looks like XML
# made BeautifulSoup warn. The cleaner's own parse may still meet one; ignored there.
QUIET = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BLOCK_TYPES = {
    "paragraph", "heading", "quote", "list_item", "preformatted", "scene_break", "image", "media",
}  # fmt: skip

ADAPTERS = {
    "ao3": (AO3Adapter(SiteConfig("ao3", "http://127.0.0.1:9", 0)), "http://127.0.0.1:9/works/1"),
    "ffn": (FFNAdapter(SiteConfig("ffn", "http://127.0.0.1:9", 0)), "http://127.0.0.1:9/s/1/1/x"),
    "efiction": (
        EFictionAdapter(SiteConfig("efiction", "http://127.0.0.1:9", 0)),
        "http://127.0.0.1:9/viewstory.php?sid=1",
    ),
    "text": (TextAdapter(SiteConfig("text", "", 0)), "file:///tmp/story.html"),
}

# --- strategies -----------------------------------------------------------------------

TAGS = ["p", "div", "span", "br", "hr", "b", "i", "em", "blockquote", "ul", "li", "pre", "h2",
        "script", "style", "img", "a", "table", "td", "center", "font", "svg", "noscript"]  # fmt: skip
ATTRS = [' class="userstuff"', ' id="chapters"', ' onclick="x()"', ' src="http://x/divider.png"',
         ' align="center"', ' style="color:red"', ' href="javascript:x()"', ""]  # fmt: skip
NASTY = ["\x00", "\x1b[31m", "\u202e", "\ufffd", "\ud800", "&#0;", "&#xD800;", "&#99999999;",
         "&bogus;", "&amp", "&nbsp;", "<!--", "-->", "<![CDATA[", "]]>", "<?xml ?>", "* * *",
         "~~~", "oOoOo", "\r\n", "\t", "\u200b", "é", "灯", "\U0001f56f"]  # fmt: skip


@st.composite
def html_soup(draw) -> str:
    """Markup as a hurried author or a broken server might make it."""
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(f"<{draw(st.sampled_from(TAGS))}{draw(st.sampled_from(ATTRS))}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(NASTY)))
        else:
            parts.append(draw(st.text(max_size=30)))
    return "".join(parts)


# the three shortest sample works: mutations explore markup, not length
SAMPLE_PAGES = sorted(
    (ao3_markup.work_page(w, None).encode() for w in sample_works.WORKS if w.state == "ok"), key=len
)[:3]


@st.composite
def damaged_page(draw) -> bytes:
    """A real AO3 work page, cut, spliced and scribbled on."""
    body = bytearray(draw(st.sampled_from(SAMPLE_PAGES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(body)))
        what = draw(st.integers(0, 3))
        if what == 0:
            del body[at:]
        elif what == 1:
            del body[at : at + draw(st.integers(1, 2000))]
        elif what == 2:
            body[at:at] = draw(st.binary(max_size=64))
        else:
            body[at:at] = draw(html_soup()).encode("utf-8", "surrogatepass")
    return bytes(body)


def fixture_pages() -> list[bytes]:
    if not SHARED_FIXTURES.exists():
        return []
    return [p.read_bytes() for p in sorted(SHARED_FIXTURES.rglob("*.html"))]


@st.composite
def any_page(draw) -> bytes:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=3000))
    if choice == 1:
        return draw(html_soup()).encode("utf-8", "surrogatepass")
    pages = fixture_pages() if choice == 2 else []
    if pages:
        body = draw(st.sampled_from(pages))
        at = draw(st.integers(0, len(body)))
        return body[:at] + draw(st.binary(max_size=32)) + body[at + draw(st.integers(0, 500)) :]
    return draw(damaged_page())


# --- the whole way in ----------------------------------------------------------------------


class Sink:
    """A real store on disk and a Whoosh index in memory: where a page must be able to go."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.store = Store(Path(self._tmp.name))

    def take(self, work) -> None:
        self.store.save_work(work)
        # A fresh index each time: one example's failure must not hold the next's lock.
        writer = RamStorage().create_index(make_schema()).writer()
        for doc in chapter_docs(work):
            writer.add_document(**doc)
        writer.commit()

    def close(self) -> None:
        self.store.close()
        self._tmp.cleanup()


@pytest.fixture(scope="module")
def sink():
    s = Sink()
    yield s
    s.close()


def read_page(adapter_name: str, body: bytes, status: int, ctype: str, sink: Sink) -> None:
    adapter, url = ADAPTERS[adapter_name]
    page = FetchedPage(url, status, {"content-type": ctype}, body, datetime.now(UTC), url)
    try:
        raw = adapter.parse_work([page])
    except FicarchiveError:
        return  # refused, as it should be: Gone, LoginRequired, ParseError…
    work = clean_work(raw)
    for chapter in work.chapters:
        assert {b.type for b in chapter.blocks} <= BLOCK_TYPES
    if damage(work, [page]) is None:
        sink.take(work)


@QUIET
@FUZZ
@given(
    adapter_name=st.sampled_from(sorted(ADAPTERS)),
    body=any_page(),
    status=st.sampled_from([200, 200, 200, 403, 404, 410, 500]),
    ctype=st.sampled_from(
        [
            "text/html; charset=utf-8",
            "text/html",
            "text/html; charset=latin-1",
            "text/plain",
            "text/html; charset=bogus",
            "",
        ]
    ),  # fmt: skip
)
def test_any_page_is_refused_or_stored_and_indexed(sink, adapter_name, body, status, ctype):
    read_page(adapter_name, body, status, ctype, sink)


@QUIET
@FUZZ
@given(body=damaged_page())
def test_a_damaged_ao3_page_is_refused_or_stored_and_indexed(sink, body):
    read_page("ao3", body, 200, "text/html; charset=utf-8", sink)


@QUIET
@FUZZ
@given(html=html_soup())
def test_the_cleaner_takes_any_markup(html):
    blocks = clean_html(html)
    assert {b.type for b in blocks} <= BLOCK_TYPES
    for b in blocks:
        assert isinstance(b.text, str)
        assert "\x00" not in b.text


@QUIET
@FUZZ
@given(
    listing=st.one_of(
        st.binary(max_size=2000),
        html_soup().map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.just(
            ao3_markup.listing_page(sample_works.LISTING_TAG, sample_works.WORKS, 1, 8).encode()
        ),
    ),
    cut=st.integers(0, 100_000),
)
def test_a_listing_of_any_bytes_is_refused_or_read(listing, cut):
    adapter, _ = ADAPTERS["ao3"]
    url = "http://127.0.0.1:9/tags/x/works"
    page = FetchedPage(url, 200, {}, listing[:cut], datetime.now(UTC), url)
    try:
        result = adapter.parse_listing(page)
    except FicarchiveError:
        return
    for entry in result.entries:
        assert entry.site_id.isdigit() and entry.url.startswith("http://127.0.0.1:9/works/")
    assert result.next_url is None or result.next_url.startswith("http://127.0.0.1:9/")


# --- queries ---------------------------------------------------------------------------

QUERY_BITS = ['"', "(", ")", ":", "*", "?", "~", "^", "-", "+", "AND", "OR", "NOT", "TO", "[", "]",
              "{", "}", "<", ">", "=", "\\", "/", "title:", "character:", "words:", "words:>",
              "ship:", "tag:", "status:", "foo:", "read:", "mine:", "no", "keeper", "lamp", "a",
              "the", " ", "  ", "\x00",
              "\x1b[31m", "\u202e", "é", "灯"]  # fmt: skip
QUERIES = st.one_of(
    st.lists(st.sampled_from(QUERY_BITS), max_size=25).map("".join),
    st.text(max_size=80),
)


@pytest.fixture(scope="module")
def searchable():
    """A small in-memory index of the sample works."""
    from crawler.models import Block, Chapter, Work, WorkMeta

    ix = RamStorage().create_index(make_schema())
    writer = ix.writer()
    for w in sample_works.WORKS:
        meta = WorkMeta(title=w.title, authors=list(w.authors), characters=list(w.characters))
        chapters = [
            Chapter(i, c.title, [Block("paragraph", p) for p in c.paragraphs])
            for i, c in enumerate(w.chapters, 1)
        ]
        for doc in chapter_docs(Work(f"ao3:{w.work_id}", "ao3", "", meta, w.summary, [], chapters)):
            writer.add_document(**doc)
    writer.commit()
    return ix


@QUIET
@FUZZ
@given(query=QUERIES)
def test_any_query_parses_or_is_a_query_error_and_runs(searchable, query):
    try:
        parsed = parse_query(query, searchable.schema)
    except QueryError as exc:
        assert "\n" not in str(exc)
        return
    with searchable.searcher() as searcher:
        searcher.search(parsed, limit=5)


@QUIET
@FUZZ
@given(field=st.sampled_from(["character", "fandom", "tag", "relationship", "words", "status"]),
       value=QUERIES)  # fmt: skip
def test_any_filter_value_parses_or_is_a_query_error_and_runs(searchable, field, value):
    try:
        parsed = parse_query("", searchable.schema, {field: [value]})
    except QueryError:
        return
    with searchable.searcher() as searcher:
        searcher.search(parsed, limit=5)


ATOM_FEED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>AO3 works tagged 'Sample Archive Week'</title><entry><title>The Keeper</title>"
    b'<link href="http://127.0.0.1:9/works/71000001"/></entry></feed>'
)


@pytest.mark.parametrize("what", ["listing", "work"])
def test_an_xml_feed_is_read_without_a_python_warning(what):
    adapter, url = ADAPTERS["ao3"]
    page = FetchedPage(url, 200, {"content-type": "application/atom+xml"}, ATOM_FEED,
                       datetime.now(UTC), url)  # fmt: skip
    with contextlib.suppress(FicarchiveError):  # refusing it is fine; a warning is not
        adapter.parse_listing(page) if what == "listing" else adapter.parse_work([page])


@pytest.mark.parametrize("adapter_name", ["ao3", "ffn", "efiction"])
def test_a_control_character_in_a_declared_charset_is_refused_not_a_crash(adapter_name):
    adapter, url = ADAPTERS[adapter_name]
    body = b'<!DOCTYPE html><html><head><meta charset="\x00"></head><body><p>x</p></body></html>'
    page = FetchedPage(url, 200, {"content-type": "text/html"}, body, datetime.now(UTC), url)
    with contextlib.suppress(FicarchiveError):
        adapter.parse_work([page])
