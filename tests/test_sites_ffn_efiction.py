"""FanFiction.net and eFiction adapters on real saved pages, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.config import SiteConfig, default_sites
from crawler.errors import Gone, ParseError
from crawler.models import FetchedPage
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter, parse_characters, parse_genres
from tests.conftest import shared_fixture

FFN_URL = "https://www.fanfiction.net/s/5853866/1/Counting"


def page(rel: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, shared_fixture(rel).read_bytes(), datetime.now(UTC), url)


def test_ffn_chapter_page_metadata():
    ffn = FFNAdapter(default_sites()["ffn"])
    first = page("ffn/ffn_story_multichapter_ch1_of_2.html", FFN_URL)
    assert ffn.work_id_from_url(FFN_URL) == "5853866"
    assert ffn.work_urls("5853866") == ["https://www.fanfiction.net/s/5853866/1"]
    assert ffn.more_urls(first) == ["https://www.fanfiction.net/s/5853866/2"]
    raw = ffn.parse_work([first])
    m = raw.meta
    assert raw.id == "ffn:5853866"
    assert (m.title, m.authors, m.fandoms) == ("Counting", ["ambtus"], ["Harry Potter"])
    assert (m.rating, m.language, m.tags) == (
        "Teen And Up Audiences",
        "English",
        ["Angst", "Romance"],
    )
    assert m.characters == ["Harry P."]
    assert (m.chapters_total, m.words_upstream, m.status) == (2, 204, "complete")
    assert (m.published, m.updated) == ("2010-03-29", "2010-03-29")
    assert raw.chapters[0].title == "Skipping Stones"
    assert "Skip." in raw.chapters[0].html
    assert "2 connected drabbles." in raw.summary_html


def test_ffn_metadata_pieces():
    assert parse_genres("Hurt/Comfort/Romance") == ["Hurt/Comfort", "Romance"]
    assert parse_genres("Harry P.") is None
    chars, pairs = parse_characters("[Harry P., Ginny W.] Ron W., Hermione G.")
    assert chars == ["Harry P.", "Ginny W.", "Ron W.", "Hermione G."]
    assert pairs == ["Harry P./Ginny W."]


def test_ffn_story_not_found_is_gone():
    ffn = FFNAdapter(default_sites()["ffn"])
    body = b"<html><body><span class='gui_warning'>Story Not Found<br>Unable to locate story.</span></body></html>"
    with pytest.raises(Gone):
        ffn.parse_work([FetchedPage(FFN_URL, 200, {}, body, datetime.now(UTC), FFN_URL)])
    with pytest.raises(ParseError):
        ffn.parse_work(
            [FetchedPage(FFN_URL, 200, {}, b"<html>hello</html>", datetime.now(UTC), FFN_URL)]
        )


def test_efiction_viewstory_page():
    site = SiteConfig("efiction", "http://fanfiction.mugglenet.com", 3.0)
    ef = EFictionAdapter(site)
    url = "http://fanfiction.mugglenet.com/viewstory.php?sid=123456&chapter=2"
    first = page("efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html", url)
    assert ef.work_id_from_url(url) == "fanfiction.mugglenet.com:123456"
    assert len(ef.more_urls(first)) == 4 and url not in ef.more_urls(first)
    raw = ef.parse_work([first])
    assert raw.id == "efiction:fanfiction.mugglenet.com:123456"
    assert raw.meta.title == "Web to Epub"
    assert raw.meta.authors == ["David & Teviotdale"]
    assert raw.chapters[0].number == 2
    assert raw.chapters[0].title.startswith("Using the Code")
    assert "like me" in raw.chapters[0].html
