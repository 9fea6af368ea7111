"""crawler.notes: author notes typed into the body, at its start or end only."""

from __future__ import annotations

import pytest

from crawler.clean import clean_text
from crawler.models import Block, Note
from crawler.notes import note_kind, split_body_notes


def paras(*texts: str) -> list[Block]:
    return [Block("scene_break") if t == "***" else Block("paragraph", t) for t in texts]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A/N: thanks for reading", "author_note"),
        ("a/n - short one", "author_note"),
        ("AN: quick note", "author_note"),
        ("A.N. I was late", "author_note"),
        ("Author's Note: hello", "author_note"),
        ("Author’s notes: hello", "author_note"),
        ("Authors Note - hi", "author_note"),
        ("AUTHOR'S NOTE", "author_note"),
        ("Note: this is AU", "author_note"),
        ("Notes: see end", "author_note"),
        ("(A/N: a bracketed aside)", "author_note"),
        ("[A/N so long]", "author_note"),
        ("**A/N:** bold lead", "author_note"),
        ("Disclaimer: I own nothing.", "disclaimer"),
        ("DISCLAIMER - not mine", "disclaimer"),
        ("Beta'd by Someone.", "beta_credit"),
        ("Betaed by a friend", "beta_credit"),
        ("Beta: a friend", "beta_credit"),
        ("Unbeta'd, all mistakes mine", "beta_credit"),
        ("Thanks to Sam for betaing!", "beta_credit"),
        ("Many thanks to my sister for the beta read.", "beta_credit"),
    ],
)
def test_note_kind(text: str, kind: str) -> None:
    assert note_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "An hour later, she left.",
        "Another day.",
        "Notes were passed under the desk.",
        "Nothing to note.",
        "Thanks to you, we lived.",
        "Betty waved.",
        "Authority figures again.",
        '"A/N?" she asked.',
    ],
)
def test_story_is_not_a_note(text: str) -> None:
    assert note_kind(text) is None


def test_start_note_takes_its_paragraph_only() -> None:
    blocks, notes = split_body_notes(paras("A/N: hi all", "Story begins.", "It goes on."))
    assert notes == [Note("author_note", "before", "A/N: hi all")]
    assert [b.text for b in blocks] == ["Story begins.", "It goes on."]


def test_start_notes_following_each_other_are_each_typed() -> None:
    blocks, notes = split_body_notes(
        paras("Disclaimer: not mine.", "Beta'd by Kim.", "***", "Story begins.", "More.")
    )
    assert [(n.kind, n.position) for n in notes] == [
        ("disclaimer", "before"),
        ("beta_credit", "before"),
    ]
    # the break after the start notes separated them from the story: dropped
    assert blocks == paras("Story begins.", "More.")


def test_end_note_takes_every_paragraph_after_its_lead() -> None:
    blocks, notes = split_body_notes(
        paras("Story.", "***", "Last scene.", "The end.", "A/N: so,", "second part", "bye!")
    )
    assert blocks == paras("Story.", "***", "Last scene.", "The end.")
    assert notes == [Note("author_note", "after", "A/N: so,\n\nsecond part\n\nbye!")]


def test_break_before_end_note_is_dropped() -> None:
    blocks, notes = split_body_notes(paras("Story.", "More.", "***", "Author's note: thanks"))
    assert blocks == paras("Story.", "More.")
    assert notes[0].text == "Author's note: thanks"


def test_end_notes_split_at_each_lead() -> None:
    _, notes = split_body_notes(
        paras("Story.", "More.", "A/N: one", "still one", "Disclaimer: two")
    )
    assert [(n.kind, n.text) for n in notes] == [
        ("author_note", "A/N: one\n\nstill one"),
        ("disclaimer", "Disclaimer: two"),
    ]


def test_no_notes_in_the_middle() -> None:
    src = paras("Story.", "Note: gone to the shops.", "***", "More story.", "The end.")
    assert split_body_notes(src) == (src, [])


def test_bracketed_aside_in_last_scene_stays_story() -> None:
    src = paras("Story.", "***", "Scene.", "(A/N: a pun, sorry)", "Scene goes on.")
    assert split_body_notes(src) == (src, [])


def test_bracketed_note_at_the_very_end_is_a_note() -> None:
    blocks, notes = split_body_notes(paras("Story.", "More.", "(A/N: review please!)"))
    assert blocks == paras("Story.", "More.")
    assert notes == [Note("author_note", "after", "(A/N: review please!)")]


def test_never_the_whole_chapter() -> None:
    src = paras("A/N: this chapter is only a note.")
    assert split_body_notes(src) == (src, [])
    src = paras("A/N: hiatus notice.", "Disclaimer: still not mine.")
    assert split_body_notes(src) == (src, [])
    src = paras("A/N: one", "***", "Disclaimer: two")
    assert split_body_notes(src) == (src, [])


def test_before_and_after_together() -> None:
    blocks, notes = split_body_notes(paras("A/N: hi", "Story.", "More.", "A/N: bye"))
    assert blocks == paras("Story.", "More.")
    assert [n.position for n in notes] == ["before", "after"]


def test_only_paragraphs_lead() -> None:
    src = [Block("heading", "Note: a heading"), Block("paragraph", "Story.")]
    assert split_body_notes(src) == (src, [])


def test_empty() -> None:
    assert split_body_notes([]) == ([], [])


def test_seed_story_closing_note(seed_story) -> None:
    """The seed's six-paragraph closing A/N becomes one note; the story's last line stays."""
    blocks, notes = split_body_notes(clean_text(seed_story.read_text(encoding="utf-8")))
    assert len(notes) == 1
    note = notes[0]
    assert (note.kind, note.position) == ("author_note", "after")
    assert note.text.startswith("A/N:")
    assert note.text.endswith("Somehow, I don't think they mind.")
    assert len(note.text.split("\n\n")) == 6
    assert blocks[-1].type == "paragraph"
    assert not blocks[-1].text.startswith("A/N")
    assert not any("A/N" in b.text for b in blocks)
    assert sum(b.type == "scene_break" for b in blocks) == 3
