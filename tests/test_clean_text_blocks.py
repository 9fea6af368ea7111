"""crawler.text_blocks (through crawler.clean): a plain-text story -> blocks.

Hand-written cases and the seed story, then Hypothesis: breaks never stand at
the edges or twice, and no word character is lost except a divider's.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.clean import clean_text, normalize_text
from crawler.dividers import is_divider_text
from crawler.models import Block
from crawler.notes import split_body_notes

P = "paragraph"


def texts(blocks: list[Block]) -> list[str]:
    return [b.text if b.type == P else b.type for b in blocks]


# --- clean_text ---------------------------------------------------------------


def test_text_blank_line_paragraphs() -> None:
    text = "First para\nstill first.\n\nSecond.\n\n\n\nThird.\n"
    assert texts(clean_text(text)) == ["First para\nstill first.", "Second.", "Third."]


def test_text_one_paragraph_per_line() -> None:
    text = "\n".join(f"Line number {i} of the story." for i in range(12))
    assert len(clean_text(text)) == 12
    assert texts(clean_text("One.\nTwo.\nThree.")) == ["One.", "Two.", "Three."]


def test_text_hard_wrapped_paragraphs_are_unwrapped() -> None:
    line = "word " * 14  # ~70 columns
    text = f"{line}\n{line}\nend of one.\n\n{line}\n{line}\nend of two.\n"
    blocks = clean_text(text)
    assert len(blocks) == 2
    assert "\n" not in blocks[0].text and blocks[0].text.endswith("end of one.")


def test_text_dividers() -> None:
    text = "A.\n\n* * *\n\nB.\n\nScene break\n\nC.\n\n-\n\nD."
    assert texts(clean_text(text)) == [
        "A.",
        "scene_break",
        "B.",
        "scene_break",
        "C.",
        "scene_break",
        "D.",
    ]


def test_text_crlf_and_edges() -> None:
    assert texts(clean_text("~~~\r\n\r\nA.\r\n\r\n***\r\n\r\nB.\r\n\r\n***\r\n")) == [
        "A.",
        "scene_break",
        "B.",
    ]


def test_seed_story_blocks(seed_story) -> None:
    blocks = clean_text(seed_story.read_text(encoding="utf-8"))
    assert sum(b.type == "scene_break" for b in blocks) == 3
    assert blocks[0].type == P and blocks[-1].type == P
    assert not any(b.type == "scene_break" for b in (blocks[0], blocks[-1]))
    assert not any("¸" in b.text or "ø" in b.text for b in blocks)
    assert any("déjà vu" in b.text for b in blocks)


# --- properties ---------------------------------------------------------------

LINES = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            ["", "", "* * *", "***", "-", "oOo", "Scene break", "A/N: note", "Note: x"]
        ),
        st.sampled_from(["Disclaimer: mine", "(A/N: aside)", "dÃ©jÃ ", "\u00ad", "  ", "\t"]),
    ),
    max_size=30,
)


def word_chars(s: str) -> Counter[str]:
    return Counter(ch for ch in s if ch.isalnum() or ch == "_")


def expected_chars(text: str) -> tuple[Counter[str], Counter[str]]:
    """(chars that must survive, chars that may survive): divider lines may lose theirs."""
    must: Counter[str] = Counter()
    may: Counter[str] = Counter()
    for line in text.splitlines():
        norm = normalize_text(line)
        may += word_chars(norm)
        if not is_divider_text(norm):
            must += word_chars(norm)
    return must, may


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_clean_text_properties(lines: list[str]) -> None:
    text = "\n".join(lines)
    blocks = clean_text(text)
    types = [b.type for b in blocks]
    assert not types or (types[0] != "scene_break" and types[-1] != "scene_break")
    assert all(not (a == b == "scene_break") for a, b in pairwise(types))
    assert all(b.text for b in blocks if b.type != "scene_break")

    body, notes = split_body_notes(blocks)
    out = word_chars("".join(b.text for b in body) + "".join(n.text for n in notes))
    must, may = expected_chars(text)
    assert must <= out <= may


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_clean_text_never_raises(text: str) -> None:
    clean_text(text)
