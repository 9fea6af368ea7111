"""Quality gate: labelled cases from every real page in ../shared/fixtures and the seed story.

Like trafilatura's evaluation gate, but 100% or nothing. The labels were read
off the saved pages by hand (dividers counted in the markup, a chapter's first
and last few words, the notes around it), never copied from the cleaner's
output. Each page goes through its own site adapter, then `clean_work`, as the
crawler runs it; listing pages' blurb summaries go through the cleaner alone.

Each new real page is labelled, or listed in WAITING_FOR_ADAPTER with the issue
whose adapter will read it, so the gate stays green and shows what is left.
The machinery (label types, reading a page, comparing) is in tests/clean_gate.py.
"""

from __future__ import annotations

import pytest

from crawler.clean import clean_html, clean_work, html_to_text
from crawler.config import default_sites
from crawler.errors import AdultContent, LoginRequired
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.ao3_tags import parse_tag_page
from crawler.sites.text import TextAdapter
from tests import listing_labels
from tests.clean_gate import (
    AO3_URL,
    ChapterLabel,
    NoteLabel,
    Result,
    WorkLabel,
    body_text,
    check_work,
    failures,
    fiction_page,
    first_words,
    last_words,
    page,
    parse,
    real_pages,
    soup,
    summary,
    threadmarks_index,
    without_lead,
)
from tests.conftest import SHARED_FIXTURES, shared_fixture

SEED = "seed/story_with_ornamental_dividers_and_author_note.txt"
READER = "xenforo/sb_xf2_reader_mode_page1_ANONYMIZED.html"
SV_THREAD = "xenforo/sv_xf2_thread_page1_skitterdoc_2077_BLANKLINES_REMOVED.html"
QQ_INDEX = "xenforo/qq_xf2_threadmarks_index_margin_of_error_TRIMMED.html"
RR_CHAPTER = "royalroad/rr_chapter_page_ANONYMIZED.html"
RR_PARTIAL = "royalroad/rr_chapter_page_reborn_as_a_demonic_rock_ch1_PARTIAL.html"


# --- labels -------------------------------------------------------------------


WORKS = [
    WorkLabel(
        SEED,
        (
            ChapterLabel(
                breaks=3,
                first="I take a deep breath, hold it",
                last="He loves me enough to let go.",
                notes=(
                    NoteLabel(
                        "author_note",
                        "after",
                        "Wow! I grudgingly",
                        "Somehow, I don't think they mind.",
                        paragraphs=6,
                    ),
                ),
            ),
        ),
    ),
    WorkLabel(
        "ao3/ao3_work_single_chapter_unlockedWork.html",
        (
            # 16 "---" rules framing the eight day headings, 12 lone "-" between scenes
            ChapterLabel(
                breaks=28,
                first="1. If you find yourself in a hole,",
                last='says God. "Welcome to the First."',
            ),
        ),
        summary=('"You know I had to do it', "nuclear stockpile of the planet Earth."),
        notes=(
            NoteLabel("work_end_note", "after", "I'm not sourcing all the memes,", "ao rauropi"),
        ),
    ),
    WorkLabel(
        "ao3/ao3_work_multichapter_full_view_explicit.html",
        (
            ChapterLabel(
                0,
                "You tugged against the rope",
                "rope behind at that tree.",
                (summary("Warnings: Bondage, dubcon"),),
            ),
            ChapterLabel(
                0,
                "Your footsteps echoed through the",
                "your team before falling asleep",
                (summary("what kind of monster"),),
            ),
            ChapterLabel(
                0,
                "You hummed as you wandered",
                "the bandage holding the bite closed.",
                (summary("Thank you all for nearly"),),
            ),
            ChapterLabel(
                0,
                "You hummed as you sat",
                "came to rest on your waist.",
                (summary("I'm not so confident"),),
            ),
            ChapterLabel(
                0,
                "You'd checked and checked the",
                "letting yourself drift off to sleep.",
                (summary("I'm on a roll guys."),),
            ),
            ChapterLabel(
                0,
                "It was a slow day,",
                "call and got to packing up.",
                (summary("Idk if spellcasters count"),),
            ),
            ChapterLabel(
                0,
                '"Mm please sir, I want you.',
                "He smiled at you and nodded.",
                (summary("Guys, we've nearly reached"),),
            ),
            ChapterLabel(
                0,
                "The grass crunched under your",
                "You could stay a little longer.",
                (summary("I'm going to warn you"),),
            ),
            ChapterLabel(
                0,
                "You pressed against the stone",
                "losing really wasn't that bad.",
                (summary("See? I'm not dead,"),),
            ),
            ChapterLabel(
                0,
                "For somewhere you'd been warned",
                "with that before you go anywhere.",
                (summary("I am back for now"),),
            ),
        ),  # fmt: skip
        summary=("It's October, the time of monsters", "it WILL be IGNORED"),
    ),
    WorkLabel(
        "ao3/ao3_chapter_page_multichapter_in_series.html",
        (
            # seven screenshots; a "Note that …" paragraph mid-chapter is story
            ChapterLabel(0, "Hey, so there is a new thing", "4: enable it", images=7),
        ),
        summary=("It finally exists.", "3rd party extensions for this!"),
    ),
    WorkLabel(
        "ffn/ffn_story_multichapter_ch1_of_2.html",
        (ChapterLabel(0, 'Skip. "Harry Potter."', "out over the lake for a long time."),),
        summary=("2 connected drabbles.", "2 connected drabbles."),
    ),
    WorkLabel(
        "ffn/ffn_chapter1_potter_club_11987060.html",
        # the bold "Disclaimer: …" line is a disclaimer; a lone "…" opens the story text
        (
            ChapterLabel(
                0,
                '… "GRYFFINDOR!" Harry\'s eyes',
                "Welcome to Potter Club. ...",
                (NoteLabel("disclaimer", "before", "Disclaimer: I do Not own Harry Potter"),),
            ),
        ),
        summary=("Seven years is a long time.", "Potter Club to step up"),
    ),
    WorkLabel(
        "epub/fff_epub_from_ao3_19153414_like_fire_and_water.epub",
        # FanFicFare's title page is metadata, never text; its "Author's Note:" box a note
        (
            ChapterLabel(
                0,
                "“Oh.It’s very tidy, isn’t it.”",
                "see my tailor when all of this is through.”",
                (NoteLabel("chapter_note", "before", "This is me just starting to dip"),),
            ),
        ),
        summary=("Aziraphale sits up beside him,", "“We hide—in plain sight.”"),
    ),
    WorkLabel(
        "efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html",
        (ChapterLabel(0, "If you're like me,", "you will have..."),),
    ),
    WorkLabel(
        READER,
        # three threadmarked posts; the page was anonymised down to one line each
        (
            ChapterLabel(0, "post 1 content", "post 1 content"),
            ChapterLabel(0, "post 2 content", "post 2 content"),
            ChapterLabel(0, "post 3 content", "post 3 content"),
        ),
    ),
    WorkLabel(
        SV_THREAD,
        # the two threadmarked posts of page 1 (readers' replies between them are not story):
        # "---------" once and "---xxxxxx---" five times in the first, the cover art image;
        # "---" once and "---xxxxxx---" twice in the second
        (
            ChapterLabel(
                6,
                "Thanks to Metaphorical Grapevine for the cover art!",
                "sending it to that Alice Newman lady.",
                images=1,
            ),
            ChapterLabel(3, "I know I said I only intended", "unlocked the door and stepped out."),
        ),
        summary=("The premise to this story,", "might be subject to change."),
    ),
    WorkLabel(
        RR_CHAPTER,
        (
            ChapterLabel(
                0,
                "Chapter One content",
                "Chapter One content",
                (
                    NoteLabel("author_note", "before", "Author note top"),
                    NoteLabel("author_note", "after", "Author note bottom"),
                ),
            ),
        ),
    ),
    WorkLabel(
        RR_PARTIAL,
        (
            # its two heading lines ("Chapter One", the title) are the author's own text
            ChapterLabel(
                0,
                "Chapter One Buying New Shoes and Dying?!",
                "[Your story shall continue as... as a rock!]",
                (NoteLabel("author_note", "before", "I'll be posting", "two weeks after that."),),
            ),
        ),
    ),
]

# Threadmarks indexes: (page, rows, the index's count, first and last threadmark).
INDEXES = [
    ("xenforo/sb_xf2_threadmarks_index_ANONYMIZED.html", 11, 81, "My Great Story", "20. Onwards"),
    ("xenforo/sb_xf1_threadmarks_index_ANONYMIZED.html", 3, 66, "threadmark 1", "threadmark 3"),
    (
        "xenforo/sv_xf2_threadmarks_load_range_skitterdoc_2077.html",
        55,
        55,
        "If she was the butterfly then am I just a moth?",
        "An Offer She Couldn't Refuse",
    ),
    (QQ_INDEX, 17, 17, "0000: Prologue", "0016: Fragments"),
]
# Royal Road fiction pages: (page, chapters in the table, first and last, the description).
FICTIONS = [
    (
        "royalroad/rr_fiction_page_worth_the_candle_25137.html",
        111,
        "Chapter 1 - Taking the Fall",
        "Epilogue 8 - Nevermore",
        ("A teenager struggling after the death", "or audiobooks here."),
    ),
    (
        "royalroad/rr_fiction_page_2020_layout_ANONYMIZED.html",
        2,
        "Chapter One",
        "Chapter Two",
        ("Description here, untruncated", "Description here, untruncated"),
    ),
]

# Blurb summaries on the AO3 tag listing: (work id, dividers, first words, last words).
# Several writers open with "Prompt: …", then "-" alone, then an excerpt.
BLURBS = [
    ("29034420", 0, "12 years of being endgame,", "their whole lives and beyond."),
    ("29034339", 0, "12 years of being endgame,", "are understandably quite tired."),
    ("29033190", 0, "12 years of being endgame,", "reflect over their heritage."),
    ("29033079", 0, "12 years of being endgame,", "on each other's PDA."),
    ("29033019", 0, "12 years of being endgame,", "Katara, naturally, freaks out."),
    ("29032944", 0, "12 years of being endgame,", "Aang's mind goes... elsewhere."),
    ("29032887", 0, "12 years of being endgame,", "for survival purposes obviously."),
    ("28473330", 0, "Katara surprises Aang.", "comic-compliant. Ignores LOK."),
    ("25793935", 0, "This is all for Kataang", "of Fate 8. Free Day"),
    ("25704064", 0, '"I see my future', "Day 7 - Free Day"),
    ("25693108", 2, "Prompt: Free Day", "there to keep him steady."),
    ("20326240", 0, "Slice of life moments", "the world helping others."),
    ("25680757", 0, "Written for Kataang Week 2020.", "Ty Lee can see things."),
    ("25669486", 2, "Prompt: Red Thread of Fate", "they need for the ceremony."),
    ("25649776", 2, "Prompt: Napping", "Aang coaxes her to nap."),
    ("25639372", 0, "Their relationship had come", "smol!kataang vignettes."),
    ("25647571", 0, "Written for Kataang Week 2020.", 'comfortable on your lap."'),
    ("25630618", 2, "Prompt: Heritage/Responsibilities", "in over one-hundred years."),
    ("25639408", 0, "Written for Kataang Week 2020.", "and Aang considers loss."),
    ("25616218", 0, "Written for Kataang Week.", 'are Happy First Anniversary."'),
]

LISTING = "ao3/ao3_tag_works_index_kataang_week_2020.html"
SERIES = "ao3/ao3_series_page_counting_drabbles.html"
INTERSTITIAL = "ao3/ao3_adult_content_interstitial.html"
LOGIN = "ao3/ao3_restricted_work_login_required.html"

# --- checking the pages that are not works ------------------------------------


def check_listing() -> list[Result]:
    doc = soup(LISTING)
    out: list[Result] = [("blurbs", len(BLURBS), len(doc.select("li.blurb")))]
    for work_id, breaks, first, last in BLURBS:
        quote = doc.select_one(f"li#work_{work_id} blockquote.userstuff.summary")
        blocks = clean_html(quote.decode_contents()) if quote is not None else []
        text = body_text(blocks)
        out += [
            (f"{work_id}: dividers", breaks, sum(b.type == "scene_break" for b in blocks)),
            (f"{work_id}: first words", first, first_words(text, first)),
            (f"{work_id}: last words", last, last_words(text, last)),
        ]
    return out


def check_series() -> list[Result]:
    quotes = soup(SERIES).select("dl.series.meta blockquote.userstuff")
    texts = [html_to_text(q.decode_contents()) for q in quotes]
    return [
        ("series description and notes", 2, len(texts)),
        ("description", "Implied snarry, but left ambiguous on purpose.", texts[0]),
        ("notes", "thanks to lauriegilbert!", texts[1] if len(texts) > 1 else None),
    ]


def check_interstitial() -> list[Result]:
    """No work to clean behind the notice; its blurb's summary still cleans."""
    refused = None
    try:
        AO3Adapter(default_sites()["ao3"]).parse_work([page(INTERSTITIAL, AO3_URL)])
    except AdultContent as exc:
        refused = type(exc).__name__
    quote = soup(INTERSTITIAL).select_one("blockquote.userstuff.summary")
    return [
        ("refused", "AdultContent", refused),
        (
            "blurb summary",
            "Emmanellain falls to vice; Honoroit catches him.",
            html_to_text(str(quote)),
        ),
    ]


def check_login() -> list[Result]:
    """No work behind the login; the page imported whole keeps its message, not its forms."""
    refused = None
    try:
        AO3Adapter(default_sites()["ao3"]).parse_work([page(LOGIN, AO3_URL)])
    except LoginRequired as exc:
        refused = type(exc).__name__
    text = body_text(clean_html(shared_fixture(LOGIN).read_text(encoding="utf-8")))
    return [
        ("refused", "LoginRequired", refused),
        ("message kept", True, "only available to registered users" in text),
        ("login form dropped", False, "Username or email" in text or "Remember me" in text),
    ]


def check_index(rel: str, rows: int, count: int, first: str, last: str) -> list[Result]:
    """The rows of a threadmarks index, and (Questionable Questing) its cleaned summary."""
    index = threadmarks_index(rel)
    titles = [t.title for t in index.threadmarks]
    out: list[Result] = [
        ("rows", rows, len(titles)),
        ("count", count, index.count),
        ("first threadmark", first, titles[0] if titles else None),
        ("last threadmark", last, titles[-1] if titles else None),
    ]
    if rel == QQ_INDEX:
        text = html_to_text(index.summary_html)
        head, tail = "Marcus Sinclair carries", "pacem, praeparet bellum."
        out += [
            ("summary: first words", head, first_words(text, head)),
            ("summary: last words", tail, last_words(text, tail)),
        ]
    return out


def check_fiction(
    rel: str, chapters: int, first: str, last: str, description: tuple[str, str]
) -> list[Result]:
    """A fiction page's chapter table and its description, cleaned as the summary."""
    rows, summary_html = fiction_page(rel)
    text = html_to_text(summary_html)
    return [
        ("chapters", chapters, len(rows)),
        ("first chapter", first, rows[0].title if rows else None),
        ("last chapter", last, rows[-1].title if rows else None),
        ("description: first words", description[0], first_words(text, description[0])),
        ("description: last words", description[1], last_words(text, description[1])),
    ]


FICTIONPRESS = WorkLabel(
    "fictionpress/fictionpress_chapter1_vampiric_desires_2171761.html",
    # chapter 1 of 4; the underlined "The Vampire Council" line is story text
    (ChapterLabel(0, "1000 years ago… The Vampire Council", "drove off to Exotic Pleasures."),),
    summary=("ClipShiva, I heard theres a new mission.", "willing to take it…”"),
)


def check_fictionpress() -> list[Result]:
    """A FictionPress page read as FanFiction.net's: its metadata, and no site chrome."""
    work = parse(FICTIONPRESS.page)
    text = "\n".join(body_text(c.blocks) for c in work.chapters)
    chrome = [w for w in ("Follow/Fav", "FictionPress", "Rated:", "cookie", "Next >") if w in text]
    return check_work(FICTIONPRESS) + [
        ("id", "fp:2171761", work.id),
        ("title", "Vampiric Desires", work.meta.title),
        ("authors", ["Butterfly's Dust"], work.meta.authors),
        ("rating", "Mature", work.meta.rating),
        ("chrome in the body", [], chrome),
    ]


def check_hidden_line(label: WorkLabel) -> list[Result]:
    """Royal Road's hidden anti-piracy line goes; every visible line stays (the labels)."""
    text = "\n".join(body_text(c.blocks) for c in parse(label.page).chapters)
    return check_work(label) + [("hidden line dropped", False, "Amazon" in text)]


TAG_CANONICAL = "ao3/ao3_tag_canonical_with_synonyms_ever_given.html"
TAG_MERGED = "ao3/ao3_tag_synonym_merged_into_canonical_ever_given.html"


def check_tag_page(
    rel: str, name: str, merged_into: str | None, synonyms: list[str]
) -> list[Result]:
    """An AO3 tag page (crawler/sites/ao3_tags.py): its name, whether it is canonical,
    what it is merged into, and its tags of the same meaning (child and parent tags are none)."""
    tag = parse_tag_page(shared_fixture(rel).read_bytes())
    return [
        ("name", name, tag.name),
        ("canonical", merged_into is None, tag.canonical),
        ("merged into", merged_into, tag.merged_into),
        ("category", "Character", tag.category),
        ("synonyms", len(synonyms), len(tag.synonyms)),
        (
            "first synonym",
            synonyms[0] if synonyms else None,
            tag.synonyms[0] if tag.synonyms else None,
        ),
        (
            "last synonym",
            synonyms[-1] if synonyms else None,
            tag.synonyms[-1] if tag.synonyms else None,
        ),
    ]


CHECKS = {label.page: (lambda label=label: check_work(label)) for label in WORKS} | {
    LISTING: check_listing,
    SERIES: lambda: check_series() + listing_labels.check_series_listing(),
    INTERSTITIAL: check_interstitial,
    LOGIN: check_login,
    TAG_CANONICAL: lambda: check_tag_page(
        TAG_CANONICAL,
        "Ever Given Container Ship (Anthropomorphic)",
        None,
        ["Ever Given", *["…"] * 7, "The Spirit of the Ever Given"],
    ),
    TAG_MERGED: lambda: check_tag_page(
        TAG_MERGED,
        "Ever Given Container Ship - Anthropomorphic",
        "Ever Given Container Ship (Anthropomorphic)",
        [],
    ),
    RR_PARTIAL: lambda: check_hidden_line(next(w for w in WORKS if w.page == RR_PARTIAL)),
    FICTIONPRESS.page: check_fictionpress,
}
CHECKS |= {row[0]: (lambda row=row: check_index(*row)) for row in INDEXES}
CHECKS |= {row[0]: (lambda row=row: check_fiction(*row)) for row in FICTIONS}
CHECKS |= listing_labels.CHECKS


# Real pages that arrived before the adapter that reads them: page -> the issue that
# will label it. A page leaves this list when its labels join CHECKS.
WAITING_FOR_ADAPTER: dict[str, int] = {}


# --- the gate -----------------------------------------------------------------


def test_every_real_page_is_labelled() -> None:
    """Every real page is labelled, or waits, by name, for the issue that labels it."""
    if not SHARED_FIXTURES.exists():
        pytest.skip(f"{SHARED_FIXTURES} is absent")
    assert set(CHECKS).isdisjoint(WAITING_FOR_ADAPTER)  # a labelled page no longer waits
    assert real_pages() == set(CHECKS) | set(WAITING_FOR_ADAPTER)


@pytest.mark.parametrize("rel", list(CHECKS))
def test_page(rel: str) -> None:
    assert failures(CHECKS[rel]()) == []


def test_gate_score_is_100_percent(capsys) -> None:
    results: list[Result] = []
    for rel, check in CHECKS.items():
        if (SHARED_FIXTURES / rel).exists():
            results += [(f"{rel}: {name}", want, got) for name, want, got in check()]
    if not results:
        pytest.skip(f"{SHARED_FIXTURES} is absent")
    failed = failures(results)
    with capsys.disabled():
        print(
            f"\nclean quality gate: {len(results) - len(failed)}/{len(results)} labels,"
            f" {len(WAITING_FOR_ADAPTER)} pages waiting for their adapter"
        )
    assert failed == [], f"{len(failed)}/{len(results)} labels wrong"


def test_seed_scene_breaks_and_closing_note() -> None:
    """The issue's own words: 3 scene breaks, the body's last line, one six-paragraph A/N after it."""
    work = parse(SEED)
    (ch,) = work.chapters
    assert sum(b.type == "scene_break" for b in ch.blocks) == 3
    assert ch.blocks[-1].text.endswith("He loves me enough to let go.")
    (note,) = ch.notes
    assert (note.kind, note.position) == ("author_note", "after")
    assert without_lead(note.text).startswith("Wow! I grudgingly")
    assert note.text.endswith("Somehow, I don't think they mind.")
    assert len(note.text.split("\n\n")) == 6
    # the note's words are not the story's
    assert work.words == sum(len(b.text.split()) for b in ch.blocks)
    assert "grudgingly" not in ch.text


def test_seed_without_body_note_detection() -> None:
    path = shared_fixture(SEED)
    raw = TextAdapter(default_sites()["text"]).parse_work([page(SEED, path.as_uri())])
    (ch,) = clean_work(raw, detect_body_notes=False).chapters
    assert ch.notes == []
    assert ch.blocks[-1].text.endswith("Somehow, I don't think they mind.")


def test_labels_hold_with_html_parser_too() -> None:
    """bench/clean_bench.py times html.parser against lxml; it must clean the same."""
    label = WORKS[1]
    raw = AO3Adapter(default_sites()["ao3"]).parse_work([page(label.page, AO3_URL)])
    lxml, stdlib = clean_work(raw), clean_work(raw, parser="html.parser")
    assert [c.to_dict() for c in lxml.chapters] == [c.to_dict() for c in stdlib.chapters]
