"""The XenForo adapter (crawler/sites/xenforo*.py): the real saved pages of SpaceBattles,
Sufficient Velocity and Questionable Questing field by field, XenForo 1 and 2, and tiny
hand-written pages (our own words, XenForo's markup) for what the saved pages lack."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.clean import clean_work
from crawler.config import SiteConfig
from crawler.errors import ConfigError, Gone, LoginRequired, ParseError
from crawler.models import FetchedPage
from crawler.sites import ADAPTERS
from crawler.sites.base import soup
from crawler.sites.xenforo import XenForoAdapter
from crawler.sites.xenforo_index import parse_index
from crawler.sites.xenforo_page import count_words, thread_head
from crawler.sites.xenforo_posts import threadmarked_posts
from tests.conftest import shared_fixture

SB, SV, QQ = (
    "https://forums.spacebattles.com",
    "https://forums.sufficientvelocity.com",
    "https://forum.questionablequesting.com",
)
SB_XF2_INDEX = "xenforo/sb_xf2_threadmarks_index_ANONYMIZED.html"
SB_XF1_INDEX = "xenforo/sb_xf1_threadmarks_index_ANONYMIZED.html"
SB_READER = "xenforo/sb_xf2_reader_mode_page1_ANONYMIZED.html"
SV_ROWS = "xenforo/sv_xf2_threadmarks_load_range_skitterdoc_2077.html"
SV_THREAD = "xenforo/sv_xf2_thread_page1_skitterdoc_2077_BLANKLINES_REMOVED.html"
QQ_INDEX = "xenforo/qq_xf2_threadmarks_index_margin_of_error_TRIMMED.html"


def forum(base: str = SB, name: str = "spacebattles") -> XenForoAdapter:
    return XenForoAdapter(SiteConfig(name, base, 3.0, adapter="xenforo"))


def page(rel: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, shared_fixture(rel).read_bytes(), datetime.now(UTC), url)


def html_page(html: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, html.encode(), datetime.now(UTC), url)


def index_of(rel: str, url: str, base: str = SB):
    site, first = forum(base), page(rel, url)
    doc = soup(first.body)
    return site, first, parse_index(first, doc, site.site_name(doc))


# --- what the adapter declares, ids and URLs --------------------------------------------------


def test_the_adapter_declares_its_family():
    assert ADAPTERS["xenforo"] is XenForoAdapter
    cls = XenForoAdapter
    assert (cls.name, cls.id_prefix, cls.default_base_url, cls.default_delay) == (
        "xenforo", "xf", "", 3.0,
    )  # fmt: skip
    assert cls.listing_kinds == ("threadmarks",) and not cls.single_page
    assert forum().categories == ("main",)  # the main story only, until the config says more


@pytest.mark.parametrize(
    "url",
    [
        "https://forums.spacebattles.com/threads/my-great-story.555/",
        "https://forums.spacebattles.com/threads/my-great-story.555",
        "https://forums.spacebattles.com/threads/555/threadmarks?category_id=1",
        "https://forums.spacebattles.com/threads/my-great-story.555/threadmarks",
        "https://forums.spacebattles.com/threads/my-great-story.555/reader/",
        "https://forums.spacebattles.com/threads/my-great-story.555/reader/page-4",
        "https://forums.spacebattles.com/threads/my-great-story.555/16/reader",
        "https://forums.spacebattles.com/threads/my-great-story.555/reader?page=2",
        "https://forums.spacebattles.com/threads/my-great-story.555/post-880",
        "https://forums.spacebattles.com/threads/my-great-story.555/page-3#post-880",
        "https://forums.spacebattles.com/threads/my-great-story.555/#post-880",
        "https://forums.spacebattles.com/index.php?threads/my-great-story.555/",
        "https://forums.spacebattles.com/threads/v2-0-is-out.555/",
    ],
)
def test_thread_threadmarks_reader_and_post_urls_all_name_the_thread(url):
    assert forum().work_id_from_url(url) == "forums.spacebattles.com:555"


@pytest.mark.parametrize(
    "url",
    [
        "https://forums.spacebattles.com/posts/880/",  # names no thread: not a work URL
        "https://forums.spacebattles.com/forums/worm.115/",
        "https://forums.spacebattles.com/members/user1.111/",
        "https://forums.spacebattles.com/threads/",
    ],
)
def test_urls_that_name_no_thread(url):
    assert forum().work_id_from_url(url) is None


def test_ids_are_per_forum_and_round_trip():
    sb, sv = forum(), forum(SV, "sufficientvelocity")
    assert sb.work_id("555") == sb.work_id("forums.spacebattles.com:555")
    assert sb.work_id("555") == "xf:forums.spacebattles.com:555"
    assert sb.site_id("xf:forums.spacebattles.com:555") == "forums.spacebattles.com:555"
    assert sb.site_id("xf:FORUMS.spacebattles.com:555") == "forums.spacebattles.com:555"
    assert sv.site_id("xf:forums.spacebattles.com:555") is None  # another forum's thread
    assert sb.site_id("efiction:forums.spacebattles.com:555") is None
    assert sb.entry_url("forums.spacebattles.com:555") == f"{SB}/threads/555/"
    assert sb.work_urls("forums.spacebattles.com:555") == [f"{SB}/threads/555/threadmarks"]
    with pytest.raises(ConfigError, match="belongs to forums.spacebattles.com"):
        sv.work_urls("forums.spacebattles.com:555")


# --- threadmarks indexes, field by field ------------------------------------------------------


def test_spacebattles_xf2_index_every_field():
    site, first, index = index_of(SB_XF2_INDEX, f"{SB}/threads/555/threadmarks")
    head = index.head
    assert (head.title, head.author, head.forums) == ("My Great Story", "User 1",
                                                      ["Creative Writing", "Worm"])  # fmt: skip
    assert head.fandoms == ["Worm"]  # "Creative Writing" is no fandom; its sub-forum is
    assert (index.xf1, index.category, index.count, index.words) == (False, "main", 81, 150_000)
    assert len(index.threadmarks) == 11
    first_mark, last_mark = index.threadmarks[0], index.threadmarks[-1]
    assert (first_mark.post_id, first_mark.title, first_mark.date, first_mark.words) == (
        "880", "My Great Story", "2018-06-10", 330,
    )  # fmt: skip
    assert (index.threadmarks[1].title, index.threadmarks[1].words) == ("1 Trouble", 2200)
    assert (last_mark.title, last_mark.date, last_mark.words) == ("20. Onwards", "2019-10-02", 2600)
    assert index.status is None and index.summary_html == ""
    assert index.categories == {
        "main": f"{SB}/threads/my-great-story.555/threadmarks",
        "sidestory": f"{SB}/threads/my-great-story.555/threadmarks?threadmark_category=19",
        "informational": f"{SB}/threads/my-great-story.555/threadmarks?threadmark_category=19",
        "staff_post": f"{SB}/threads/my-great-story.555/threadmarks?threadmark_category=7",
    }
    assert index.reader_url == f"{SB}/threads/my-great-story.555/reader/"
    assert index.fingerprint == site.page_fingerprint(first) == "2019-10-02|81"
    # 81 threadmarks, ten a reader page: nine pages, asked for where they are (no redirect)
    reader = f"{SB}/threads/my-great-story.555/reader/"
    assert site.more_urls(first) == [reader] + [f"{reader}page-{n}" for n in range(2, 10)]


def test_spacebattles_xf1_index_every_field():
    url = f"{SB}/threads/my-great-story.555/threadmarks?category_id=16"
    site, first, index = index_of(SB_XF1_INDEX, url)
    assert (index.xf1, index.category, index.count, index.words) == (True, "sidestory", 66, 110_000)
    assert index.head.title == "My Great Story"  # "Threadmarks for: My Great Story"
    assert index.head.forums == ["Creative Writing"] and index.head.fandoms == []
    assert index.head.author == "user3"  # no thread starter shown: who made most threadmarks
    assert [(t.post_id, t.title, t.words, t.date) for t in index.threadmarks] == [
        ("770", "threadmark 1", 822, "2019-07-31"),
        ("771", "threadmark 2", 1815, "2019-07-31"),
        ("772", "threadmark 3", 1239, "2019-07-31"),
    ]
    assert list(index.categories) == ["main", "sidestory", "apocrypha", "media", "informational"]
    assert index.categories["main"] == f"{SB}/threads/my-great-story.555/threadmarks?category_id=1"
    # relative links resolve through XenForo 1's <base href>
    assert index.reader_url == f"{SB}/threads/my-great-story.555/16/reader"
    reader = f"{SB}/threads/my-great-story.555/reader"
    assert site.more_urls(first)[:3] == [reader, f"{reader}?page=2", f"{reader}?page=3"]


def test_questionable_questing_index_every_field():
    url = f"{QQ}/threads/margin-of-error.39359/threadmarks?per_page=100"
    site, first, index = index_of(QQ_INDEX, url, QQ)
    head = index.head
    assert (head.title, head.author, head.fandoms) == ("Margin of Error", "USSExplorer", [])
    assert head.tags == [
        "genius protagonist", "male human protagonist", "mass effect au", "pre-canon",
        "self-aware mc", "slow burn", "world building",
    ]  # fmt: skip
    assert (index.count, index.words, index.status) == (17, 57_000, "in_progress")  # Incomplete
    assert [t.title for t in index.threadmarks[:2]] == ["0000: Prologue", "0001: The Academy"]
    last = index.threadmarks[-1]
    # "Yesterday at 7:19 PM" as shown; the date is the one the markup carries
    assert (last.title, last.post_id, last.date, last.words) == (
        "0016: Fragments", "13562987", "2026-09-10", 3600,
    )  # fmt: skip
    assert index.summary_html.startswith("Marcus Sinclair carries memories of a future")
    assert index.fingerprint == "2026-09-10|17"
    reader = f"{QQ}/threads/margin-of-error.39359/reader/"
    assert site.more_urls(first) == [reader, f"{reader}page-2"]


def test_sufficient_velocity_rows_page():
    url = f"{SV}/threads/skitterdoc-2077.109765/threadmarks-load-range?threadmark_category_id=1"
    _, _, index = index_of(SV_ROWS, url, SV)
    assert index.head.title == ""  # the rows page carries only the forum's name
    assert index.count == len(index.threadmarks) == 55  # the "… hidden" filler row is no chapter
    first, last = index.threadmarks[0], index.threadmarks[-1]
    assert (first.title, first.date, first.words) == (
        "If she was the butterfly then am I just a moth?", "2022-10-24", 5800,
    )  # fmt: skip
    assert (last.title, last.date, last.words) == ("An Offer She Couldn't Refuse", "2023-07-14",
                                                   10_000)  # fmt: skip
    assert index.head.author == "SpiraSpira"
    assert index.words == sum(t.words for t in index.threadmarks)


@pytest.mark.parametrize(
    ("shown", "words"),
    [("822", 822), ("1,815", 1815), ("2.2k", 2200), ("110k", 110_000), ("1.3m", 1_300_000),
     ("", None)],
)  # fmt: skip
def test_word_counts_as_xenforo_writes_them(shown, words):
    assert count_words(shown) == words


# --- reader mode and thread pages ----------------------------------------------------------------


def test_spacebattles_reader_page_every_field():
    raw = forum().parse_work([page(SB_READER, f"{SB}/threads/my-great-story.555/reader/")])
    m = raw.meta
    assert (raw.id, raw.url) == ("xf:forums.spacebattles.com:555",
                                 f"{SB}/threads/my-great-story.555/")  # fmt: skip
    assert (m.title, m.authors, m.fandoms, m.tags) == ("My Great Story", ["User 1"], ["Worm"], [])
    assert (m.status, m.chapters_total) == ("in_progress", None)
    assert (m.published, m.updated, m.words_upstream) == ("2018-04-01", "2018-04-02", None)
    assert [c.title for c in raw.chapters] == [
        "threadmark description 771", "1 Threadmark 1", "2 Threadmark 2",
    ]  # fmt: skip
    work = clean_work(raw)
    assert [c.text for c in work.chapters] == ["post 1 content", "post 2 content", "post 3 content"]


def test_sufficient_velocity_thread_page_keeps_threadmarked_posts_only():
    raw = forum(SV).parse_work([page(SV_THREAD, f"{SV}/threads/skitterdoc-2077.109765/")])
    m = raw.meta
    assert (m.title, m.authors, m.fandoms) == ("Skitterdoc 2077", ["SpiraSpira"], ["Worm"])
    # thread tags, then the thread's prefix
    assert m.tags == ["cross over", "cyberpunk", "lazy minx approved", "worm", "Crossover"]
    assert (m.published, m.updated) == ("2022-10-24", "2022-10-25")
    assert [c.title for c in raw.chapters] == [
        "If she was the butterfly then am I just a moth?",
        "A Moth's Wings and a Tyger's Claws",
    ]
    assert raw.summary_html.startswith("The premise to this story")
    work = clean_work(raw)
    text = "\n".join(c.text for c in work.chapters)
    # readers' replies between the threadmarks are not story
    assert "Watched, wonderful to see" not in text and "Click to expand" not in text
    for furniture in ("Last edited", "Share", "#1", "Reply", "Like"):
        assert furniture not in text.split()
    (image,) = [b for b in work.chapters[0].blocks if b.type == "image"]
    assert image.text == "https://spiraspira.boondollars.com/skitterdoc-lowres.jpeg"  # not data:
    assert work.chapters[0].text.endswith("sending it to that Alice Newman lady.")


def test_a_thread_head_strips_prefixes_and_reads_status_from_them():
    doc = soup(
        "<html id='XF'><body><div class='p-title'><h1 class='p-title-value'>"
        "<a class='labelLink'><span class='label label--green'>Complete</span></a>"
        "<span class='label-append'>&nbsp;</span><a class='labelLink'><span class='label'>"
        "Alt-Power</span></a>[Hiatus] Lanterns Over the Weir (Worm AU)</h1></div></body></html>"
    )
    head = thread_head(doc)
    assert head.title == "Lanterns Over the Weir (Worm AU)"  # only status words leave the title
    assert head.prefixes == ["Alt-Power"]
    assert head.status == "in_progress"  # the bracket comes last: "Hiatus" wins
    bare = thread_head(soup("<h1 class='p-title-value'>Lanterns [Complete]</h1>"))
    assert (bare.title, bare.status) == ("Lanterns", "complete")


# --- post bodies: what goes, what stays ------------------------------------------------------------

XF2_POST = """<html id="XF"><body>
<article class="message message--post hasThreadmark" data-author="weirwright" data-content="post-71" id="js-post-71">
<div class="message-cell message-cell--threadmark-header"><span class="threadmarkLabel">Part One</span></div>
<header class="message-attribution"><ul class="message-attribution-main"><li><a href="/threads/lanterns.9/post-71">
<time class="u-dt" datetime="2024-02-03T10:00:00+0000" data-time="1706954400">Feb 3, 2024</time></a></li></ul></header>
<article class="message-body js-selectToQuote"><div class="bbWrapper">The weir was quiet.<br />
<br />
<blockquote class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote" data-quote="Ferryman">
<div class="bbCodeBlock-title"><a class="bbCodeBlock-sourceJump">Ferryman said:</a></div>
<div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent">Mind the lanterns.</div>
<div class="bbCodeBlock-expandLink"><a>Click to expand...</a></div></div></blockquote>
<div class="bbCodeSpoiler"><button class="bbCodeSpoiler-button button"><span class="button-text">
<span>Spoiler: <span class="bbCodeSpoiler-button-title">The map</span></span></span></button>
<div class="bbCodeSpoiler-content"><div class="bbCodeBlock bbCodeBlock--spoiler">
<div class="bbCodeBlock-content">Three lanterns, then the weir.</div></div></div></div>
She smiled <img src="/styles/smilies/smile.png" class="smilie" alt=":)" /> and went on.<br />
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP" data-src="https://img.example/weir.jpg" class="bbImage lazyload" />
</div><div class="js-selectToQuoteEnd">&nbsp;</div></article>
<aside class="message-signature"><div class="bbWrapper">Read my other fics!</div></aside>
<div class="message-lastEdit">Last edited: Feb 4, 2024</div>
<footer class="message-footer"><div class="reactionsBar">Like 12</div></footer>
</article>
<article class="message message--post" data-author="reader" data-content="post-72" id="js-post-72">
<article class="message-body"><div class="bbWrapper">Great chapter!</div></article></article>
</body></html>"""

XF1_POST = """<html id="XenForo"><head><base href="https://old.example/" /></head><body>
<ol id="messageList"><li id="post-81" class="message" data-author="weirwright">
<div class="threadmarker"><span class="label">Threadmark: <span class="title">Part Two</span></span></div>
<div class="messageContent"><article><blockquote class="messageText SelectQuoteContainer ugc baseHtml">
The ferry came at dusk.<br /><br />
<div class="bbCodeQuote" data-author="Ferryman"><aside><div class="attribution type">Ferryman said:</div>
<blockquote class="quoteContainer"><div class="quote">Late again.</div>
<div class="quoteExpand">Click to expand...</div></blockquote></aside></div>
<div class="bbCodeSpoilerContainer"><button class="bbCodeSpoilerButton button"><span>Spoiler: The fare</span></button>
<div class="SpoilerTarget bbCodeSpoilerText">Two coins and a lantern.</div></div>
<img src="data/attachments/1/ferry.jpg" class="bbCodeImage LbImage" alt="[IMG]" />
<div class="messageTextEndMarker">&nbsp;</div></blockquote></article></div>
<div class="messageMeta"><a class="datePermalink"><span class="DateTime" title="Mar 5, 2015 at 4:39 AM">Mar 5, 2015</span></a></div>
<div class="signature">My other stories</div>
</li></ol></body></html>"""


def test_xf2_post_body_quotes_spoilers_images_and_furniture():
    doc = soup(XF2_POST)
    (post,) = threadmarked_posts(doc, "https://forum.example/threads/lanterns.9/")
    assert (post.post_id, post.label, post.author, post.date) == (
        "71", "Part One", "weirwright", "2024-02-03",
    )  # fmt: skip
    raw = forum("https://forum.example").parse_work(
        [html_page(XF2_POST + " ", "https://forum.example/threads/lanterns.9/reader/")]
    )
    blocks = clean_work(raw).chapters[0].blocks
    kinds = [(b.type, b.text) for b in blocks]
    assert ("quote", "Mind the lanterns.") in kinds  # without "Ferryman said:"
    assert ("paragraph", "Spoiler: The map") in kinds  # the box opened, its title kept
    assert ("paragraph", "Three lanterns, then the weir.") in kinds
    assert ("image", "https://img.example/weir.jpg") in kinds  # the lazy image's real address
    text = " ".join(t for _, t in kinds)
    assert "She smiled :) and went on." in text
    for gone in ("Click to expand", "said:", "Read my other fics", "Last edited", "Like 12",
                 "Great chapter"):  # fmt: skip
        assert gone not in text


def test_xf1_post_body():
    doc = soup(XF1_POST)
    (post,) = threadmarked_posts(doc, "https://old.example/")
    assert (post.post_id, post.label, post.date) == ("81", "Part Two", "2015-03-05")
    raw = forum("https://old.example").parse_work(
        [html_page(XF1_POST, "https://old.example/threads/ferry.12/reader")]
    )
    blocks = [(b.type, b.text) for b in clean_work(raw).chapters[0].blocks]
    assert blocks == [
        ("paragraph", "The ferry came at dusk."),
        ("quote", "Late again."),
        ("paragraph", "Spoiler: The fare"),
        ("paragraph", "Two coins and a lantern."),
        ("image", "https://old.example/data/attachments/1/ferry.jpg"),  # through <base href>
    ]


# --- what is not a story, and never half a story ----------------------------------------------------

LOGIN_XF2 = """<html id="XF" data-template="login"><body><div class="blockMessage">
You must be logged-in to do that.</div><form action="/login/login" method="post"></form></body></html>"""
NO_PERMISSION_XF1 = """<html id="XenForo"><body><div id="content"><div class="errorPanel">
You do not have permission to view this page or perform this action.</div></div>
<form action="login/login" id="login" style="display:none"></form></body></html>"""
NOT_FOUND_XF2 = """<html id="XF" data-template="error"><body><div class="blockMessage">
The requested thread could not be found.</div></body></html>"""


@pytest.mark.parametrize(
    ("html", "status", "error"),
    [
        (LOGIN_XF2, 403, LoginRequired),
        (LOGIN_XF2, 200, LoginRequired),
        (NO_PERMISSION_XF1, 403, LoginRequired),
        (NOT_FOUND_XF2, 404, Gone),
    ],
)
def test_members_only_and_missing_threads_are_reported(html, status, error):
    first = html_page(html, f"{SB}/threads/555/threadmarks", status)
    with pytest.raises(error):
        forum().parse_work([first])
    assert forum().page_fingerprint(first) is None
    assert forum().more_urls(first) == []


def test_a_redirect_to_the_login_page_is_members_only():
    first = html_page("<html id='XF'><body>Log in</body></html>", f"{SB}/threads/555/threadmarks")
    first = FetchedPage(first.url, 200, {}, first.body, first.fetched_at, f"{SB}/login/")
    with pytest.raises(LoginRequired, match="never logs in"):
        forum().parse_work([first])


def test_reader_pages_short_of_the_index_count_are_never_stored():
    index = page(SB_XF2_INDEX, f"{SB}/threads/555/threadmarks")
    reader = page(SB_READER, f"{SB}/threads/my-great-story.555/reader/")
    with pytest.raises(ParseError, match="held 3 of the 81 threadmarks"):
        forum().parse_work([index, reader])


def test_a_failed_or_cut_off_reader_page_is_never_stored_and_is_not_gone():
    index = page(SB_XF2_INDEX, f"{SB}/threads/555/threadmarks")
    later = html_page(NOT_FOUND_XF2, f"{SB}/threads/my-great-story.555/reader/page-2", 404)
    with pytest.raises(ParseError, match="HTTP 404"):
        forum().parse_work([index, later])
    body = shared_fixture(SB_READER).read_bytes()
    cut = FetchedPage(f"{SB}/threads/my-great-story.555/reader/", 200, {}, body[:30000],
                      datetime.now(UTC))  # fmt: skip
    with pytest.raises(ParseError, match="cut off"):
        forum().parse_work([index, cut])


def test_a_thread_without_threadmarks_is_not_a_story():
    doc = XF2_POST.replace('class="message-cell message-cell--threadmark-header"', 'class="x"')
    doc = doc.replace('<span class="threadmarkLabel">Part One</span>', "")
    with pytest.raises(ParseError, match="no threadmarked posts"):
        forum("https://forum.example").parse_work(
            [html_page(doc, "https://forum.example/threads/lanterns.9/")]
        )


# --- chrome ----------------------------------------------------------------------------------------


def test_every_chrome_selector_is_on_a_real_page_or_in_xenforos_post_markup():
    docs = [soup(shared_fixture(rel).read_bytes()) for rel in (
        SB_XF2_INDEX, SB_XF1_INDEX, SB_READER, SV_THREAD, QQ_INDEX)] + [soup(XF2_POST),
        soup(XF1_POST)]  # fmt: skip
    for selector in XenForoAdapter.chrome:
        assert any(doc.select(selector) for doc in docs), selector


def test_removing_the_chrome_keeps_every_word_of_every_post_body():
    doc = soup(shared_fixture(SV_THREAD).read_bytes())
    bodies = [b.get_text() for b in doc.select("article.message-body .bbWrapper")]
    outside = [
        s
        for s in XenForoAdapter.chrome
        if s not in (".bbCodeBlock-expandLink", ".bbCodeBlock-shrinkLink")
    ]  # fmt: skip  (the expand links sit inside quotes: taken out with the quote's furniture)
    for node in doc.select(", ".join(outside)):
        node.decompose()
    assert [b.get_text() for b in doc.select("article.message-body .bbWrapper")] == bodies


def test_reader_pages_are_asked_for_on_the_configured_host_whatever_base_href_says():
    site = forum("http://127.0.0.1:8000")
    first = page(SB_XF1_INDEX, "http://127.0.0.1:8000/threads/555/threadmarks")
    # the saved page's <base href> is https://forums.spacebattles.com/
    assert site.more_urls(first)[:2] == [
        "http://127.0.0.1:8000/threads/my-great-story.555/reader",
        "http://127.0.0.1:8000/threads/my-great-story.555/reader?page=2",
    ]


def test_another_category_that_counts_is_read_from_its_first_reader_page():
    site = forum()
    site.categories = ("main", "sidestory")  # `[sites.NAME] threadmark_categories`, once kept
    first = page(SB_XF2_INDEX, f"{SB}/threads/555/threadmarks")
    assert site.more_urls(first)[-1] == f"{SB}/threads/my-great-story.555/19/reader/"
    more = XF2_POST.replace("</body>", "<a class='pageNav-jump pageNav-jump--next'>Next</a></body>")
    side = html_page(more, "https://forum.example/threads/lanterns.9/19/reader/")
    with pytest.raises(ParseError, match="more than one reader page"):
        forum("https://forum.example").parse_work([side])
