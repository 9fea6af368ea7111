"""Text normalisation: mojibake repaired, NFC, invisible characters gone, spaces collapsed.

Every string the cleaner keeps (block text, notes, summaries) passes through
here, so HTML and plain-text stories read, count and index alike.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.fixes import fix_surrogates

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_HSPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NL = re.compile(r" *\n *")
_MANY_NL = re.compile(r"\n{3,}")
# Text made only of printable ASCII, the typographic punctuation every story
# uses and the cleaner's mark sentinels has nothing for ftfy to repair: mojibake
# needs a UTF-8 lead byte misread as Latin-1/cp1252 (Â-ô), cp1251, cp437 or
# MacRoman, and none of these is one. Skipping ftfy there is most of the
# cleaner's speed.
_NOTHING_TO_FIX = re.compile(
    "[\t\n\x20-\x7e\xa0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\U000f0000-\U000ffffd]*"
)
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, explain=False)
_SURROGATE = re.compile("[\ud800-\udfff]")


def repair(s: str) -> str:
    """Mojibake repaired (typographic quotes kept), NFC, invisible characters dropped.

    Spacing is left alone, so inline-mark sentinels can pass through first.
    """
    if _NOTHING_TO_FIX.fullmatch(s):
        return s
    # unescape_html=False: our text comes out of an HTML parser already, and a
    # second unescape would turn a written "&lt;" into "<".
    s = ftfy.fix_text(s, _FTFY)
    return unicodedata.normalize("NFC", s).translate(_INVISIBLE)


def encodable(s: str) -> str:
    """Surrogates (a pair split in two, or a lone half) cannot be encoded, and
    lxml encodes its input: pairs are joined, lone halves become U+FFFD."""
    return fix_surrogates(s) if _SURROGATE.search(s) else s


def collapse(s: str) -> str:
    """Runs of spaces and tabs to one space, at most one blank line, ends stripped."""
    if "\n" not in s:
        return " ".join(s.split())  # the common case, several times faster than the regexes
    s = _SPACE_AROUND_NL.sub("\n", _HSPACE.sub(" ", s))
    return _MANY_NL.sub("\n\n", s).strip()


def normalize_text(s: str) -> str:
    """Repair mojibake (ftfy, typographic quotes kept), NFC, drop invisible
    characters, collapse spaces and tabs, strip. Line breaks survive."""
    return collapse(repair(s))


def normalize_pre(s: str) -> str:
    """Like normalize_text, but spacing inside preformatted text is the content."""
    lines = [line.rstrip() for line in repair(s).split("\n")]
    return "\n".join(lines).strip("\n")
