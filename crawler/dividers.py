"""Is this line a scene divider? Pure functions, no parsing.

Authors mark scene changes with runs of symbols (`* * *`, `~~~`, `-----`),
letter ornaments (`oOoOo`, `xXxXx`, `-x-x-`), decorative strings copied from
the web (`¸,ø¤º°°º¤ø,¸`) or by naming the break (`Scene break`, `~Break~`).
Dialogue and prose can look terse too (`…`, `?!`, `Oh.`, `--`, `3:00`), so the
rules below say yes only when no real word, number or sentence is left.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that decorate rather than spell: the o/x ornaments and the letters
# inside the classic `¸,ø¤º°°º¤ø,¸` string.
ORNAMENT_LETTERS = frozenset("oO0xXøØºª")
# Runs made only of these spell nothing (oOo, xXx, o0o) once three long.
OX_LETTERS = frozenset("oO0xX")
# Punctuation that ends or frames sentences: alone it is dialogue, not a divider.
SENTENCE_PUNCT = frozenset(".…?!¿¡,;:'\"“”‘’‚„«»‹›()[]{}")
DASHES = frozenset("-‐‑‒–—―−")
QUOTES = frozenset("'\"“”‘’‚„«»‹›")
# Faces people type on a line of their own (chat fics, texting): they only
# look like ornaments.
EMOTICONS = frozenset(
    {"^_^", "^^", "^.^", "^-^", "-_-", "-.-", ">_<", ">.<", "*_*", "=)", "=(", "=/", "=]"}
    | {"o_o", "O_O", "o_O", "O_o", "o.o", "O.O", "o.O", "O.o", "0_0", "0.0", "0_o", "o_0"}
    | {"x_x", "X_X", "x.x", "X.X", "x_X", "X_x", "x_o", "o_x"}
)
# Letters of the o/x set that spell something: a sign-off ("xoxo", "XOXO")
# or an exclamation ("Ooo", "Oooo!").
_SPELLED = re.compile(r"(?:xo)+|(?:XO)+|(?:Xo)+|Oo+")
# A single dash alone in a paragraph: see is_weak_divider.
WEAK_DIVIDERS = frozenset("-–—")

_NAMED_BREAKS = frozenset(
    {
        "scene break",
        "scenebreak",
        "scene change",
        "line break",
        "linebreak",
        "page break",
        "pagebreak",
        "section break",
        "pov change",
        "pov switch",
        "pov shift",
        "p o v change",
        "time skip",
        "timeskip",
    }
)
NAMED_BREAK_MAX = 120  # "*~*~*~* Scene Break *~*~*~*" can be long; prose is longer
_WORD = re.compile(r"[^\W_]+")


def _is_ornament_letter(ch: str) -> bool:
    return ch in ORNAMENT_LETTERS


def _has_spelling_char(text: str) -> bool:
    """A letter or digit that is not an ornament: the line says something."""
    return any(ch.isalnum() and not _is_ornament_letter(ch) for ch in text)


def _is_named_break(stripped: str) -> bool:
    """`Scene break`, `POV change`, `~Break~`, `(break)`: a break said in words."""
    words = [w for w in _WORD.findall(stripped.lower()) if not set(w) <= set("ox0")]
    if not words:
        return False
    phrase = " ".join(words)
    if phrase in _NAMED_BREAKS:
        return True
    if phrase == "break":
        # "Break!" or "Break." is someone talking; "~Break~" or "(break)" is not.
        decoration = [
            ch
            for ch in stripped
            if not ch.isalnum() and not ch.isspace() and ch not in ".!?,;:'\"…“”‘’"
        ]
        ornaments = len(_WORD.findall(stripped.lower())) > len(words)
        return bool(decoration) or ornaments
    return False


def _is_symbol_run(compact: str) -> bool:
    """Only symbols, punctuation and ornament letters, and not a bit of dialogue."""
    if not compact or _has_spelling_char(compact) or compact in EMOTICONS:
        return False
    letters_only = "".join(ch for ch in compact if ch not in SENTENCE_PUNCT)
    if _SPELLED.fullmatch(letters_only):
        return False
    if any(ch in QUOTES for ch in compact) and any(ch.isalnum() for ch in compact):
        return False  # '"Ooo!"' or "'xXx'" is someone speaking
    if set(compact) <= OX_LETTERS:
        return len(compact) >= 3
    letters = sum(1 for ch in compact if _is_ornament_letter(ch))
    if set(compact) <= DASHES:
        # "-" and "--" interrupt dialogue; three or more are a rule.
        return len(compact) >= 3
    if all(ch in SENTENCE_PUNCT or ch in DASHES or _is_ornament_letter(ch) for ch in compact):
        # "…", "?!", "—?" are speech; "O." or "x!" could be too. Only a longer
        # run with at least two ornament letters ("o.O.o") decorates.
        return letters >= 2 and len(compact) >= 3
    return all(_is_ornament_letter(ch) or unicodedata.category(ch)[0] in "PSM" for ch in compact)


def is_divider_text(line: str) -> bool:
    """True when a line (or a paragraph's text) marks a scene break."""
    stripped = line.strip()
    if not stripped:
        return False
    if _has_spelling_char(stripped):  # prose finds its first letter at once
        return len(stripped) <= NAMED_BREAK_MAX and _is_named_break(stripped)
    return _is_symbol_run("".join(stripped.split()))


def is_weak_divider(line: str) -> bool:
    """A lone dash (`-`, `–`, `—`) alone in a paragraph.

    Not a divider by itself (`is_divider_text("-")` is False): the cleaner makes
    it a scene break only when text stands on both sides of it (AO3 authors use
    `<p>-</p>` as a soft break between two runs of prose); elsewhere it separates
    nothing, so it is kept as written rather than guessed at.
    """
    return line.strip() in WEAK_DIVIDERS
