"""FanFiction.net and eFiction adapters: the real saved pages field by field, and
tiny hand-written pages (our own words, the sites' markup) for what they lack."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crawler.config import SiteConfig, default_sites
from crawler.errors import AdultContent, ConfigError, Gone, LoginRequired, ParseError
from crawler.models import FetchedPage
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter, parse_characters, parse_genres
from tests.conftest import shared_fixture

FFN_URL = "https://www.fanfiction.net/s/5853866/1/Counting"


def page(rel: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, shared_fixture(rel).read_bytes(), datetime.now(UTC), url)


def html_page(html: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, html.encode(), datetime.now(UTC), url)


# --- FanFiction.net -----------------------------------------------------------------------


def test_ffn_chapter_page_every_field():
    ffn = FFNAdapter(default_sites()["ffn"])
    first = page("ffn/ffn_story_multichapter_ch1_of_2.html", FFN_URL)
    assert ffn.work_id_from_url(FFN_URL) == "5853866"
    assert ffn.work_urls("5853866") == ["https://www.fanfiction.net/s/5853866/1"]
    assert ffn.more_urls(first) == ["https://www.fanfiction.net/s/5853866/2"]
    raw = ffn.parse_work([first])
    m = raw.meta
    assert (raw.id, raw.url) == ("ffn:5853866", "https://www.fanfiction.net/s/5853866")
    assert (m.title, m.authors, m.fandoms) == ("Counting", ["ambtus"], ["Harry Potter"])
    assert (m.rating, m.language, m.tags) == (
        "Teen And Up Audiences",
        "English",
        ["Angst", "Romance"],
    )
    assert (m.characters, m.relationships) == (["Harry P."], [])
    assert (m.chapters_total, m.words_upstream, m.status) == (2, 204, "complete")
    assert (m.published, m.updated) == ("2010-03-29", "2010-03-29")
    # this story shows no reviews, favs or follows: none is invented
    assert (m.comments, m.kudos, m.bookmarks, m.hits) == (None, None, None, None)
    assert (m.warnings, m.categories, m.series) == ([], [], [])
    assert [(c.number, c.title) for c in raw.chapters] == [(1, "Skipping Stones")]
    assert "Skip." in raw.chapters[0].html
    assert "2 connected drabbles." in raw.summary_html


def test_ffn_cut_off_page_is_refused():
    ffn = FFNAdapter(default_sites()["ffn"])
    whole = page("ffn/ffn_story_multichapter_ch1_of_2.html", FFN_URL)
    cut = replace(whole, body=whole.body[: whole.body.index(b"Skip.") + 200])
    with pytest.raises(ParseError, match="cut off"):
        ffn.parse_work([cut])


FFN_HEADER = """<html><body>
<div id="pre_story_links"><span class="lc-left">
<a class="xcontrast_txt" href="/crossovers/">Crossover</a>
<span class="xcontrast_txt"><a class="xcontrast_txt" href="/x/">Sherlock Holmes + Pride and Prejudice Crossover</a></span>
</span></div>
<div id="profile_top">
<b class="xcontrast_txt">A Walk to Meryton</b> By:
<a class="xcontrast_txt" href="/u/42/quillpen">quillpen</a>
<div class="xcontrast_txt" style="margin-top:2px">Two detectives, one muddy lane.</div>
<span class="xgray xcontrast_txt">Rated: <a class="xcontrast_txt" href="#">Fiction  K+</a> - Spanish -
Hurt/Comfort/Humor - [Sherlock H., Elizabeth B.] John W. - Chapters: 12 - Words: 45,678 -
Reviews: <a href="/r/1/">1,234</a> - Favs: 2,345 - Follows: 3,456 -
Updated: <span data-xutime="1700000000">11/14/2023</span> -
Published: <span data-xutime="1600000000">9/13/2020</span> - id: 777</span>
</div>
<select id="chap_select"><option value="1" selected>1. Lane</option><option value="12">12. Home</option></select>
<div id="storytext"><p>They walked.</p></div>
</body></html>"""


def test_ffn_metadata_string_every_field():
    url = "https://www.fanfiction.net/s/777/1"
    raw = FFNAdapter(default_sites()["ffn"]).parse_work([html_page(FFN_HEADER, url)])
    m = raw.meta
    assert (m.title, m.authors) == ("A Walk to Meryton", ["quillpen"])
    assert m.fandoms == ["Sherlock Holmes", "Pride and Prejudice"]
    assert (m.rating, m.language) == ("General Audiences", "Spanish")
    assert m.tags == ["Hurt/Comfort", "Humor"]
    assert m.characters == ["Sherlock H.", "Elizabeth B.", "John W."]
    assert m.relationships == ["Sherlock H./Elizabeth B."]
    assert (m.words_upstream, m.comments, m.kudos, m.bookmarks) == (45678, 1234, 2345, 3456)
    assert (m.updated, m.published) == ("2023-11-14", "2020-09-13")
    assert (m.status, m.chapters_total) == ("in_progress", None)  # no "Status: Complete"
    assert raw.chapters[0].title == "Lane"


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


def test_ffn_entry_url_is_a_story_url_not_ao3s_works_path():
    # The bug this pins: the crawl built AO3's /works/<id> for every site, so an FFN
    # start URL became https://www.fanfiction.net/works/5853866.
    ffn = FFNAdapter(default_sites()["ffn"])
    assert ffn.entry_url("5853866") == "https://www.fanfiction.net/s/5853866/1/"
    assert ffn.work_id_from_url(ffn.entry_url("5853866")) == "5853866"
    assert not ffn.is_listing_url(ffn.entry_url("5853866"))


# --- eFiction -------------------------------------------------------------------------------

EF_BASE = "http://fanfiction.mugglenet.com"


def ef(allow_adult: bool = False) -> EFictionAdapter:
    return EFictionAdapter(SiteConfig("efiction", EF_BASE, 3.0, allow_adult))


def test_efiction_chapter_page_every_field_it_shows():
    url = f"{EF_BASE}/viewstory.php?sid=123456&chapter=2"
    first = page("efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html", url)
    adapter = ef()
    assert adapter.work_id_from_url(url) == "fanfiction.mugglenet.com:123456"
    assert adapter.more_urls(first) == [
        f"{EF_BASE}/viewstory.php?sid=123456&chapter={n}" for n in (1, 3, 4, 5)
    ]
    raw = adapter.parse_work([first])
    m = raw.meta
    assert (raw.id, raw.url) == (
        "efiction:fanfiction.mugglenet.com:123456",
        f"{EF_BASE}/viewstory.php?sid=123456",
    )
    assert (m.title, m.authors) == ("Web to Epub", ["David & Teviotdale"])
    # The trimmed page carries no labels: nothing is made up for them.
    assert (m.rating, m.fandoms, m.characters, m.warnings, m.tags, m.series) == (
        None,
        [],
        [],
        [],
        [],
        [],
    )
    assert (m.words_upstream, m.published, m.updated) == (None, None, None)
    assert (m.status, m.chapters_total) == ("in_progress", None)  # completion not shown
    assert raw.summary_html == "" and raw.notes == []
    assert [c.number for c in raw.chapters] == [2]
    assert raw.chapters[0].title.startswith("Using the Code")
    assert "like me" in raw.chapters[0].html


def test_efiction_entry_url_is_on_its_own_host():
    fics = EFictionAdapter(SiteConfig("fics", "https://fics.example.net/", 3.0, adapter="efiction"))
    assert fics.entry_url("fics.example.net:42") == "https://fics.example.net/viewstory.php?sid=42"
    assert fics.entry_url("42") == "https://fics.example.net/viewstory.php?sid=42"
    assert fics.work_id_from_url(fics.entry_url("42")) == "fics.example.net:42"
    assert ef().entry_url("fanfiction.mugglenet.com:9") == f"{EF_BASE}/viewstory.php?sid=9"
    # never another archive's story number on this archive
    with pytest.raises(
        ConfigError, match=r"belongs to fanfiction.mugglenet.com, not to \[sites.fics\]"
    ):
        fics.entry_url("fanfiction.mugglenet.com:42")
    with pytest.raises(ConfigError):
        fics.work_urls("fanfiction.mugglenet.com:42")


def test_efiction_asks_for_the_whole_story_in_one_request():
    assert ef().work_urls("fanfiction.mugglenet.com:9") == [
        f"{EF_BASE}/viewstory.php?sid=9&action=printable&chapter=all"
    ]


# eFiction 3's printstory.tpl, filled in with our own story.
PRINTABLE = """<html><head><title>Printable</title></head><body>
<div id="pagetitle"><a href="viewstory.php?sid=9">Fog on the Moor</a> by <a href="viewuser.php?uid=3">moorland</a></div>
<div class="infobox"><div class="content"><span class="label">Summary: </span>A lost dog.<br />Two people look for it.<br />
<span class="label">Rated:</span> PG <br />
<span class="label">Categories:</span> <a href="x">Sherlock Holmes</a>, <a href="y">Hound of the Baskervilles</a> <span class="label">Characters: </span> <a>Watson</a>, <a>Sir Henry</a><br />
<span class='label'>Genre: </span> Mystery, Drama<br /><span class='label'>Warnings: </span> None<br />
<span class="label">Challenges:</span> None<br /> <span class="label">Series:</span> Moor Tales<br />
<span class="label">Chapters: </span> 2 <span class="label">Completed:</span> Yes
<span class="label">Word count:</span> 1,203 <span class="label">Read:</span> 77
<span class="label"> Published: </span>March 29, 2010 <span class="label">Updated:</span> April 02, 2010 </div>
</div>
<div class='notes'><div class='title'><span class='label'>Story Notes:</span></div><div class='noteinfo'>For a friend who likes dogs.</div></div>
<p><b>1.</b> <a href='#1'>The Howl</a> by moorland</p>
<p><b>2.</b> <a href='#2'>The Lantern</a> by moorland</p>
<div class='chaptertitle'><a name='1'></a>The Howl by moorland</div>
<div class='notes'><div class='title'><span class='label'>Author's Notes:</div><div class='noteinfo'>Set in autumn.</div></div>
<div class='chapter'><p>The wind came over the moor.</p></div>
<div class='toplink'><a href='#1'>Back to index</a></div>
<div class='chaptertitle'><a name='2'></a>The Lantern by moorland</div>
<div class='chapter'><p>A light bobbed in the mist.</p></div>
<div class='notes'><div class='title'><span class='label'>End Notes:</div><div class='noteinfo'>The dog was fine.</div></div>
<div class='toplink'><a href='#1'>Back to index</a></div>
<div id="archivedat">Archived at x</div>
</body></html>"""


def test_efiction_printable_whole_story_every_field():
    url = f"{EF_BASE}/viewstory.php?sid=9&action=printable&chapter=all"
    first = html_page(PRINTABLE, url)
    adapter = ef()
    assert adapter.more_urls(first) == []  # nothing more to fetch: one request per story
    raw = adapter.parse_work([first])
    m = raw.meta
    assert raw.id == "efiction:fanfiction.mugglenet.com:9"
    assert (m.title, m.authors, m.rating) == ("Fog on the Moor", ["moorland"], "PG")
    assert m.fandoms == ["Sherlock Holmes", "Hound of the Baskervilles"]
    assert m.characters == ["Watson", "Sir Henry"]
    assert (m.tags, m.warnings) == (["Mystery", "Drama"], [])
    assert m.series == [{"name": "Moor Tales", "id": None, "part": None}]
    assert (m.status, m.chapters_total, m.words_upstream) == ("complete", 2, 1203)
    assert (m.published, m.updated) == ("2010-03-29", "2010-04-02")
    assert "A lost dog." in raw.summary_html and "Two people look for it." in raw.summary_html
    assert [(n.kind, n.position) for n in raw.notes] == [("work_note", "before")]
    assert "likes dogs" in raw.notes[0].html
    assert [(c.number, c.title) for c in raw.chapters] == [(1, "The Howl"), (2, "The Lantern")]
    assert [[(n.kind, n.position) for n in c.notes] for c in raw.chapters] == [
        [("chapter_note", "before")],
        [("end_note", "after")],
    ]
    assert "Set in autumn." in raw.chapters[0].notes[0].html
    assert "Author's Notes" not in raw.chapters[0].notes[0].html
    assert "The wind came over the moor." in raw.chapters[0].html
    assert "A light bobbed" in raw.chapters[1].html


def test_efiction_falls_back_to_chapters_when_there_is_no_printable_page():
    # The site answered the printable URL with an ordinary chapter page (chapter 2 shown).
    url = f"{EF_BASE}/viewstory.php?sid=123456&action=printable&chapter=all"
    first = page("efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html", url)
    more = ef().more_urls(first)
    assert more == [f"{EF_BASE}/viewstory.php?sid=123456&chapter={n}" for n in (1, 3, 4, 5)]
    chapter_one = (
        first.body.replace(b'<option value="1">', b'<option value="1" selected="">')
        .replace(b'value="2" selected=""', b'value="2"')
        .replace(b"If you're like me", b"Chapter one text")
    )
    pages = [first, replace(first, url=more[0], final_url=more[0], body=chapter_one)]
    raw = ef().parse_work(pages)
    assert [c.number for c in raw.chapters] == [1, 2]
    assert "Chapter one text" in raw.chapters[0].html and "like me" in raw.chapters[1].html


AGE_CHECK = """<html><body><div id="pagetitle">Fog on the Moor</div>
<div class="errortext">Age Consent Required<br />
<a href='viewstory.php?sid=9&amp;ageconsent=ok&amp;warning=4'>Ages 18+</a></div></body></html>"""


def test_efiction_age_check_is_reported_or_passed_only_when_allowed():
    url = f"{EF_BASE}/viewstory.php?sid=9&action=printable&chapter=all"
    gate = html_page(AGE_CHECK, url)
    assert ef().more_urls(gate) == []
    with pytest.raises(AdultContent, match="allow_adult"):
        ef().parse_work([gate])
    more = ef(allow_adult=True).more_urls(gate)
    assert more == [
        f"{EF_BASE}/viewstory.php?sid=9&action=printable&chapter=all&ageconsent=ok&warning=4"
    ]
    raw = ef(allow_adult=True).parse_work([gate, html_page(PRINTABLE, more[0])])
    assert raw.meta.title == "Fog on the Moor" and len(raw.chapters) == 2


def test_efiction_registered_only_and_missing_stories():
    url = f"{EF_BASE}/viewstory.php?sid=9&action=printable&chapter=all"
    locked = "<html><body><div id='pagetitle'>X</div>Registered Users Only.</body></html>"
    with pytest.raises(LoginRequired):
        ef().parse_work([html_page(locked, url)])
    with pytest.raises(Gone):
        ef().parse_work([html_page("<html>nope</html>", url, status=404)])
    with pytest.raises(ParseError, match="not an eFiction story page"):
        ef().parse_work([html_page("<html><body>hello</body></html>", url)])
