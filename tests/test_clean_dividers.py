"""crawler.dividers: which lines are scene dividers, and which only look terse."""

from __future__ import annotations

import pytest

from crawler.dividers import is_divider_text, is_weak_divider

DIVIDERS = [
    "* * *",
    "***",
    "  *  *  *  ",
    "~~~",
    "-----",
    "- - -",
    "=====",
    "+++",
    "###",
    "§",
    "oOoOo",
    "xXxXx",
    "o0o0o",
    "OoOoO",
    "xxxxx",
    "xox",
    "-x-x-",
    "~*~*~",
    "-o-o-",
    "~o~o~",
    "o.O.o",
    "———",
    "___",
    "❦ ❦ ❦",
    "¸,ø¤°º¤ø,¸¸,ø¤º°",  # a hand-made ornament of the copied-from-the-web kind
    "°º¤ø,¸ ¸,ø¤º°",  # with stray spaces inside
    "Scene break",
    "SCENE BREAK",
    "scene break",
    "Line break",
    "Page break",
    "POV change",
    "pov switch",
    "- - - Break - - -",
    "~Break~",
    "(break)",
    "[Break]",
    "xXx Scene Break xXx",
    "*~*~* line break *~*~*",
]

NOT_DIVIDERS = [
    "",
    "   ",
    "Meanwhile…",
    "Later.",
    "Oh.",
    "No!",
    "…",
    "...",
    "…?",
    "?!",
    "???",
    "-",
    "--",
    "—",
    "—?",
    '"',
    "“”",
    "'…'",
    "(...)",
    "10:45 p.m.",
    "3:00",
    "Chapter 3",
    "Part II",
    "Epilogue",
    "1.",
    "2",
    "II",
    "ox",
    "O.",
    "x!",
    "-o-",
    "Break!",
    "Break.",
    "Break",
    "*sigh*",
    ":)",
    "<3",
    "POV: Harry",
    "Time to go.",
    "The scene breaks.",
]


@pytest.mark.parametrize("line", DIVIDERS)
def test_divider(line: str) -> None:
    assert is_divider_text(line)


@pytest.mark.parametrize("line", NOT_DIVIDERS)
def test_not_divider(line: str) -> None:
    assert not is_divider_text(line)


@pytest.mark.parametrize("line", ["-", " – ", "—"])
def test_lone_dash_is_weak_only(line: str) -> None:
    assert is_weak_divider(line)
    assert not is_divider_text(line)


@pytest.mark.parametrize("line", ["--", "---", "- x", "", "a"])
def test_not_weak(line: str) -> None:
    assert not is_weak_divider(line)


def test_seed_story_ornaments_are_dividers(seed_story) -> None:
    """The seed's three ornamental lines (read in place) are dividers; its prose is not."""
    lines = [line for line in seed_story.read_text(encoding="utf-8").splitlines() if line.strip()]
    dividers = [line for line in lines if is_divider_text(line)]
    assert len(dividers) == 3
    assert all("ø" in line and " " in line.strip() for line in dividers)
