"""The OPDS 1.2 catalog: every feed validates against the RELAX NG schema kept in
tests/opds/, acquisition entries download EPUBs, paging works, and the OpenSearch
template runs a ficarchive query."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import etree

from tests.serve_library import (
    FERRY,
    HOSTILE,
    HOSTILE_TAG,
    HOSTILE_TITLE,
    build_archive,
    client,
    many_works,
)

SCHEMA = Path(__file__).parent / "opds" / "opds-1.2.rng"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
ACQUIRE = "http://opds-spec.org/acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("serve-opds"))


@pytest.fixture
def web(config):
    with client(config) as c:
        yield c


def feed(web, schema, path: str, kind: str | None = None) -> etree._Element:
    answer = web.get(path)
    assert answer.status_code == 200, f"{path}: {answer.text[:200]}"
    if kind:
        assert answer.headers["content-type"].startswith(kind)
    root = etree.fromstring(answer.content)
    assert schema.validate(root), f"{path}: {schema.error_log}"
    return root


def titles(root) -> list[str]:
    return root.xpath("atom:entry/atom:title/text()", namespaces=NS)


def hrefs(node, rel: str) -> list[str]:
    return node.xpath(f"atom:link[@rel='{rel}']/@href", namespaces=NS)


FEEDS = [
    ("/opds", NAVIGATION),
    ("/opds/recent", ACQUISITION),
    ("/opds/updated", ACQUISITION),
    ("/opds/by/fandom", NAVIGATION),
    ("/opds/by/character", NAVIGATION),
    ("/opds/by/relationship", NAVIGATION),
    ("/opds/by/tag", NAVIGATION),
    ("/opds/by/series", NAVIGATION),
    ("/opds/search?q=ferry", ACQUISITION),
    ("/opds/search?sort=title", ACQUISITION),
    ("/opds/series?name=Harbour+Stories", ACQUISITION),
    ("/opds/shelf/to-read", ACQUISITION),
    ("/opds/shelf/reading", ACQUISITION),
    ("/opds/shelf/read", ACQUISITION),
]


@pytest.mark.parametrize(("path", "kind"), FEEDS)
def test_every_feed_validates(web, schema, path, kind):
    root = feed(web, schema, path, kind)
    assert hrefs(root, "self") and hrefs(root, "start") == ["/opds"]
    assert root.xpath("atom:link[@rel='search']/@type", namespaces=NS) == [
        "application/opensearchdescription+xml"
    ]


def test_the_start_feed_links_every_shelf(web, schema):
    root = feed(web, schema, "/opds")
    links = set(root.xpath("atom:entry/atom:link/@href", namespaces=NS))
    for path in ("/opds/recent", "/opds/updated", "/opds/shelf/to-read", "/opds/by/series"):
        assert path in links
    for field in ("fandom", "character", "relationship", "tag"):
        assert f"/opds/by/{field}" in links


def test_navigation_by_fandom_leads_to_its_works(web, schema):
    root = feed(web, schema, "/opds/by/fandom")
    entry = root.xpath("atom:entry[atom:title='Locked Fandom']", namespaces=NS)[0]
    assert entry.findtext("atom:content", namespaces=NS) == "1 work(s)"
    works = feed(web, schema, hrefs(entry, "subsection")[0], ACQUISITION)
    assert titles(works) == ["Behind the Lock"]


def test_acquisition_entries_download_the_epub(web, schema):
    root = feed(web, schema, "/opds/search?q=ferry")
    entry = root.xpath(f"atom:entry[atom:id='urn:ficarchive:work:{FERRY}']", namespaces=NS)[0]
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "tidewriter"
    assert entry.findtext("{http://purl.org/dc/terms/}language") == "en"
    terms = entry.xpath("atom:category/@term", namespaces=NS)
    assert "Original Work" in terms and "Sisters" in terms
    links = entry.xpath(f"atom:link[@rel='{ACQUIRE}']", namespaces=NS)
    assert {link.get("type") for link in links} == {"application/epub+zip"}
    book = web.get(links[0].get("href"))
    assert book.status_code == 200 and book.headers["content-type"] == "application/epub+zip"
    assert book.content[:2] == b"PK"
    assert entry.findtext("atom:updated", namespaces=NS) == "2022-07-15T00:00:00Z"


def test_hostile_titles_and_tags_arrive_as_text(web, schema):
    root = feed(web, schema, "/opds/search?q=harbour")
    entry = root.xpath(f"atom:entry[atom:id='urn:ficarchive:work:{HOSTILE}']", namespaces=NS)[0]
    assert entry.findtext("atom:title", namespaces=NS) == HOSTILE_TITLE
    assert HOSTILE_TAG in entry.xpath("atom:category/@term", namespaces=NS)
    assert b"<script>" not in web.get("/opds/search?q=harbour").content
    assert not root.xpath("//*[local-name()='script' or local-name()='img']")
    tags = feed(web, schema, "/opds/by/tag")
    assert HOSTILE_TAG in titles(tags)
    # the nasty work's control characters are dropped, not an error
    feed(web, schema, "/opds/search?sort=title")


def test_a_shelf_feed_lists_what_was_marked(web, schema):
    web.post(f"/works/{FERRY}/mark", data={"mark": "to-read"})
    assert titles(feed(web, schema, "/opds/shelf/to-read")) == ["The Night Ferry"]
    assert web.get("/opds/shelf/loved").status_code == 404
    assert web.get("/opds/by/planet").status_code == 404


def test_paging(tmp_path, schema):
    config = build_archive(tmp_path, many_works(60))
    with client(config) as web:
        first = feed(web, schema, "/opds/search?sort=title")
        assert len(titles(first)) == 25 and titles(first)[0] == "Ferry number 000"
        assert first.findtext("os:totalResults", namespaces=NS) == "60"
        assert first.findtext("os:startIndex", namespaces=NS) == "1"
        assert not hrefs(first, "previous")
        last = feed(web, schema, hrefs(first, "last")[0])
        assert titles(last)[-1] == "Ferry number 059" and not hrefs(last, "next")
        second = feed(web, schema, hrefs(first, "next")[0])
        assert titles(second)[0] == "Ferry number 025"
        assert second.findtext("os:startIndex", namespaces=NS) == "26"
        assert hrefs(second, "previous") == ["/opds/search?sort=title"]
        recent = feed(web, schema, "/opds/recent?page=3")
        assert len(titles(recent)) == 10


def test_the_opensearch_template_answers_a_query(web, schema):
    answer = web.get("/opds/opensearch.xml")
    assert answer.headers["content-type"].startswith("application/opensearchdescription+xml")
    description = etree.fromstring(answer.content)
    url = description.xpath(f"os:Url[@type='{ACQUISITION}']", namespaces=NS)[0]
    template = url.get("template")
    assert template.startswith("http://127.0.0.1:8080/opds/search?")
    query = 'tag:sisters "the lantern"'
    filled = template.replace("{searchTerms}", query).replace("{startPage?}", "1")
    root = feed(web, schema, filled, ACQUISITION)
    assert "The Night Ferry" in titles(root)
    assert "Behind the Lock" not in titles(root)
    bad = web.get(urljoin(template, "/opds/search?q=%22unclosed"))
    assert bad.status_code == 400 and "unbalanced quote" in bad.text


def test_the_schema_refuses_what_opds_forbids(schema):
    """The schema is not a rubber stamp: each broken feed below fails it."""
    good = """<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>t</title>
      <updated>2024-01-01T00:00:00Z</updated>{extra}<entry><id>urn:e</id><title>e</title>
      <updated>2024-01-01T00:00:00Z</updated>{link}</entry></feed>"""
    acquire = f'<link rel="{ACQUIRE}" href="/b.epub" type="application/epub+zip"/>'
    navigate = f'<link rel="subsection" href="/f" type="{NAVIGATION}"/>'

    def valid(text: str) -> bool:
        return schema.validate(etree.fromstring(text))

    assert valid(good.format(extra="", link=acquire))
    assert valid(good.format(extra="", link=navigate))
    assert not valid(good.format(extra="", link='<link rel="alternate" href="/x"/>'))
    assert not valid(good.format(extra="", link=""))
    assert not valid(good.format(extra="<id>urn:again</id>", link=acquire))
    assert not valid(
        good.format(extra="", link=acquire).replace("2024-01-01T00:00:00Z", "2024-01-01")
    )
    assert not valid(good.format(extra="", link=acquire.replace(' href="/b.epub"', "")))
    assert not valid(good.format(extra='<link rel="self" href="/" bogus="1"/>', link=acquire))
