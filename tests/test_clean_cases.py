"""Small hand-written cases for the divider and note rules, half of them traps.

Each case is a chapter body run through `clean_work`, as the crawler runs it:
the body that is left (`***` stands for a scene break) and the notes moved out
of it. A trap is input that tempts a rule it must not fire: words that look like
dividers, time stamps, headings, notes in the middle of a story, dialogue that
starts with "Note".
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from crawler.clean import clean_work
from crawler.models import RawChapter, RawWork, WorkMeta


@dataclass(frozen=True)
class Case:
    name: str
    html: str
    body: tuple[str, ...]
    notes: tuple[tuple[str, str, str], ...] = ()  # (kind, position, text)
    trap: bool = False


def between(name: str, divider: str, *, trap: bool = False, kept: str | None = None) -> Case:
    """`divider` between two paragraphs: a break, or (trap) kept as the paragraph `kept`."""
    body = ("A.", kept if kept is not None else divider, "B.") if trap else ("A.", "***", "B.")
    return Case(name, f"<p>A.</p>{divider if divider.startswith('<') else f'<p>{divider}</p>'}<p>B.</p>", body, trap=trap)  # fmt: skip


def trap(name: str, line: str) -> Case:
    return between(name, line, trap=True, kept=line)


ORNAMENT = "¸,ø¤º°°º¤ø,¸¸,ø¤º°°º¤ø,¸"

DIVIDERS = [
    between("stars spaced", "* * *"),
    between("stars", "***"),
    between("tildes", "~~~"),
    between("dashes", "-----"),
    between("equals", "====="),
    between("pluses", "+++"),
    between("hashes", "###"),
    between("section sign", "§"),
    between("oOo chain", "oOoOo"),
    between("xXx chain", "xXxXx"),
    between("o0o chain", "o0o0o"),
    between("-x- chain", "-x-x-"),
    between("~*~ chain", "~*~*~"),
    between("ornament", ORNAMENT),
    between("ornament, stray spaces", "¸,ø¤º°°º¤ø,¸ ¸,ø¤º° °º¤ø, ¸"),
    between("hr", "<hr>"),
    between("hr with attributes", '<hr class="scene" style="width:40%" />'),
    between("hr in wrappers", '<div class="sep"><p><span><hr/></span></p></div>'),
    between("hr centered", '<center><hr width="50%"></center>'),
    between("centered stars", '<p align="center">* * *</p>'),
    between("styled div", '<div style="text-align:center"><b>~~~</b></div>'),
    between("emphasised stars", "<p><em>* * *</em></p>"),
    between("divider image", '<p><img src="/img/divider.png"></p>'),
    between("image named line", '<p align="center"><img src="https://x.example/line2.gif"></p>'),
    between("image alt", '<img src="a.gif" alt="scene break">'),
    between("three empty paragraphs", "<p>&nbsp;</p><p> </p><p><br></p>"),
    Case("three br", "A.<br><br><br>B.", ("A.", "***", "B.")),
    Case("five br", "<div>A.<br/><br/><br/><br/><br/>B.</div>", ("A.", "***", "B.")),
    between("named scene break", "Scene break"),
    between("named line break", "Line break"),
    between("named POV change", "POV change"),
    between("named break with dashes", "- - - Break - - -"),
    between("named break in ornaments", "xXx Scene Break xXx"),
    between("lone dash between prose", "-"),
    Case(
        "consecutive dividers collapse",
        "<p>A.</p><p>***</p><hr><p>~~~</p><p>&nbsp;</p><p>oOo</p><p>B.</p>",
        ("A.", "***", "B."),
    ),
    Case("divider at the start dropped", "<hr><p>* * *</p><p>A.</p><p>B.</p>", ("A.", "B.")),
    Case("divider at the end dropped", "<p>A.</p><p>B.</p><p>~~~</p><hr>", ("A.", "B.")),
]

DIVIDER_TRAPS = [
    trap("Meanwhile", "Meanwhile…"),
    trap("Later", "Later."),
    trap("Oh", "Oh."),
    trap("ellipsis as dialogue", "…"),
    trap("quoted ellipsis", "“…”"),
    trap("three dots", "..."),
    trap("time stamp", "10:45 p.m."),
    trap("bare time", "3:00"),
    trap("decorated time stamp", "~ 11:59 ~"),
    trap("time stamp between stars", "* * * 3:00 a.m. * * *"),
    trap("chapter heading line", "Chapter 3"),
    trap("part heading", "Part II"),
    trap("interrupted dialogue", "--"),
    trap("roman numeral", "XIX"),
    trap("Epilogue", "Epilogue"),
    trap("a year", "1999"),
    trap("bracketed ellipsis", "(...)"),
    trap("Break alone", "Break"),
    trap("face O_O", "O_O"),
    trap("Break! spoken", "Break!"),
    trap("the scene breaks", "The scene breaks."),
    trap("POV heading", "POV: Harry"),
    trap("whose POV", "Harry's POV"),
    trap("Flashback", "Flashback"),
    trap("exclamation", "?!"),
    trap("action", "*sigh*"),
    trap("Ooo", "Ooo!"),
    trap("quoted Ooo", '"Ooo."'),
    trap("sign-off", "xoxo"),
    trap("face o.O", "o.O"),
    trap("face ^_^", "^_^"),
    trap("face -_-", "-_-"),
    trap("heart", "<3"),
    trap("smiley", ":)"),
    trap("ox", "ox"),
    Case("chapter heading element", "<p>A.</p><h2>Chapter 3</h2><p>B.</p>", ("A.", "Chapter 3", "B."), trap=True),
    Case("two empty paragraphs are spacing", "<p>A.</p><p>&nbsp;</p><p>&nbsp;</p><p>B.</p>", ("A.", "B."), trap=True),
    Case("two br are a paragraph", "A.<br><br>B.", ("A.", "B."), trap=True),
    Case("photo is not a divider", '<p>A.</p><img src="/img/breakfast.jpg"><p>B.</p>', ("A.", "/img/breakfast.jpg", "B."), trap=True),
    Case("online is not a line", '<p>A.</p><img src="https://x.example/online.png"><p>B.</p>', ("A.", "https://x.example/online.png", "B."), trap=True),
    Case("em dash at the end stays", "<p>A.</p><p>B.</p><p>—</p>", ("A.", "B.", "—"), trap=True),
    Case("dash beside a real break stays", "<p>A.</p><p>-</p><hr><p>B.</p>", ("A.", "-", "***", "B."), trap=True),
]  # fmt: skip

STORY = "<p>Story goes on.</p><p>And on.</p>"
STORY_BODY = ("Story goes on.", "And on.")


def before(name: str, lead: str, kind: str = "author_note") -> Case:
    return Case(name, f"<p>{lead}</p>{STORY}", STORY_BODY, ((kind, "before", lead),))


def after(name: str, lead: str, kind: str = "author_note") -> Case:
    return Case(name, f"{STORY}<p>{lead}</p>", STORY_BODY, ((kind, "after", lead),))


def story_kept(name: str, html: str) -> Case:
    """A trap: nothing here is a note."""
    tags = BeautifulSoup(html, "html.parser").find_all(["p", "hr"])
    body = tuple("***" if t.name == "hr" else t.get_text() for t in tags)
    return Case(name, html, body, trap=True)


NOTES = [
    before("A/N", "A/N: thanks for reading!"),
    before("AN colon", "AN: a quick one"),
    before("A.N.", "A.N. I was late, sorry."),
    before("Author's Note", "Author's Note: hello again."),
    before("Author's notes", "Author’s notes: two things."),
    before("Authors Note", "Authors Note - hi"),
    before("lower case", "a/n: lower case lead"),
    before("upper case", "AUTHOR'S NOTE: LOUD"),
    before("Note", "Note: this is an AU."),
    before("Notes", "Notes: see the end."),
    before("Disclaimer", "Disclaimer: I own nothing.", "disclaimer"),
    before("DISCLAIMER dash", "DISCLAIMER - not mine", "disclaimer"),
    before("Beta'd by", "Beta'd by Kim.", "beta_credit"),
    after("thanks for betaing", "Thanks to Sam for betaing!", "beta_credit"),
    after("unbeta'd", "Unbeta'd, all mistakes are mine.", "beta_credit"),
    after("bracketed A/N", "(A/N: review please!)"),
    after("square brackets", "[AN: bracketed one]"),
    after("braces", "{A/N: braced}"),
    Case("bold lead", f"<p><strong>A/N:</strong> bold lead.</p>{STORY}", STORY_BODY, (("author_note", "before", "A/N: bold lead."),)),
    Case("end note owns what follows", f"{STORY}<p>A/N: so,</p><p>second part</p><p>bye!</p>", STORY_BODY, (("author_note", "after", "A/N: so,\n\nsecond part\n\nbye!"),)),
    Case("break before an end note dropped", f"{STORY}<hr><p>A/N: bye</p>", STORY_BODY, (("author_note", "after", "A/N: bye"),)),
    Case("start notes each typed", f"<p>Disclaimer: not mine.</p><p>Beta'd by Kim.</p><p>***</p>{STORY}", STORY_BODY, (("disclaimer", "before", "Disclaimer: not mine."), ("beta_credit", "before", "Beta'd by Kim."))),
    Case("bare lead owns up to the break", f"<p>Author's Note:</p><p>Hi all.</p><p>Enjoy!</p><hr>{STORY}", STORY_BODY, (("author_note", "before", "Author's Note:\n\nHi all.\n\nEnjoy!"),)),
    Case("bare lead before a quote keeps the quote", f"<p>Author's Note:</p><blockquote><p>Quoted.</p></blockquote>{STORY}", ("Quoted.", *STORY_BODY), (("author_note", "before", "Author's Note:"),)),
    Case("bare lead then another lead", f"<p>A/N:</p><p>Disclaimer: not mine.</p><hr>{STORY}", STORY_BODY, (("author_note", "before", "A/N:"), ("disclaimer", "before", "Disclaimer: not mine."))),
    Case("end notes split at each lead", f"{STORY}<p>A/N: one</p><p>still one</p><p>Disclaimer: two</p>", STORY_BODY, (("author_note", "after", "A/N: one\n\nstill one"), ("disclaimer", "after", "Disclaimer: two"))),
    Case("short Note: tail", f"{STORY}<p>Note: updates on Fridays.</p><p>Thanks!</p>", STORY_BODY, (("author_note", "after", "Note: updates on Fridays.\n\nThanks!"),)),
]  # fmt: skip

NOTE_TRAPS = [
    story_kept("Note: in the middle", "<p>Story.</p><p>Note: gone to the shops.</p><hr><p>More story.</p><p>The end.</p>"),
    story_kept("bracketed aside mid-scene", "<p>Story.</p><hr><p>Scene.</p><p>(A/N: a pun, sorry)</p><p>Scene goes on.</p>"),
    story_kept("A/N between scenes", "<p>Story.</p><p>A/N: the next scene is Draco's.</p><hr><p>Draco scowled.</p><p>The end.</p>"),
    story_kept("Disclaimer between scenes", "<p>Story.</p><p>Disclaimer: the events are real.</p><hr><p>More story.</p><p>The end.</p>"),
    story_kept("dialogue starting with Note", '<p>Story.</p><p>The end came.</p><p>"Note this down," she said.</p>'),
    story_kept("Note to self", "<p>Story.</p><p>The end came.</p><p>Note to self: never again.</p>"),
    story_kept("Note how", "<p>Note how the light falls, he thought.</p><p>Story.</p>"),
    story_kept("character's note near the end", "<p>Story.</p><p>Note: back by six.</p><p>She read it twice.</p><p>Then she left.</p><p>The end.</p>"),
    story_kept("A/N early in a chapter without breaks", "<p>Story.</p><p>A/N: sorry for the wait!</p>" + "".join(f"<p>Paragraph {i} of the story goes on.</p>" for i in range(25))),
    story_kept("long A/N-led tail longer than the story", "<p>Story starts.</p><p>Story ends.</p><p>A/N: the scene that follows is a dream.</p><p>It rained for a week, and then it rained some more.</p><p>She counted the drops on the glass.</p><p>Nobody came.</p><p>Not even the postman.</p>"),
    story_kept("Notes were passed", "<p>Notes were passed under the desk.</p><p>Story.</p>"),
    story_kept("An hour later", "<p>An hour later, she left.</p><p>Story.</p>"),
    story_kept("Another day", "<p>Story.</p><p>Another day.</p>"),
    story_kept("Nothing to note", "<p>Story.</p><p>Nothing to note.</p>"),
    story_kept("Thanks to you", "<p>Story.</p><p>Thanks to you, we lived.</p>"),
    story_kept("beta testers", "<p>Story.</p><p>Thanks to the beta testers, the ship flew.</p>"),
    story_kept("beta male", "<p>No beta male would dare.</p><p>Story.</p>"),
    story_kept("Betty", "<p>Betty waved.</p><p>Story.</p>"),
    story_kept("A/N asked", '<p>Story.</p><p>"A/N?" she asked.</p>'),
    story_kept("Authority", "<p>Authority figures again.</p><p>Story.</p>"),
    story_kept("Disclaimers are", "<p>Disclaimers are for cowards, he thought.</p><p>Story.</p>"),
    story_kept("a chapter that is only a note", "<p>A/N: hiatus notice, sorry.</p>"),
    story_kept("only notes stay", "<p>A/N: one</p><p>***</p><p>Disclaimer: two</p>"),
    Case("heading that says Note", "<h3>Note: a heading</h3><p>Story.</p>", ("Note: a heading", "Story."), trap=True),
]  # fmt: skip

CASES = DIVIDERS + DIVIDER_TRAPS + NOTES + NOTE_TRAPS


def run(html: str) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    raw = RawWork(
        "ao3", "1", "https://archiveofourown.org/works/1", WorkMeta(), [RawChapter(1, "", html)]
    )
    (ch,) = clean_work(raw).chapters
    body = tuple("***" if b.type == "scene_break" else b.text for b in ch.blocks)
    return body, tuple((n.kind, n.position, n.text) for n in ch.notes)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    assert run(case.html) == (case.body, case.notes)


def test_enough_cases_half_of_them_traps() -> None:
    traps = sum(c.trap for c in CASES)
    assert len(CASES) >= 60 and traps * 2 >= len(CASES), (len(CASES), traps)
    assert len({c.name for c in CASES}) == len(CASES)
