"""Characters and relationships as readers think of them.

"Faye V." (FanFiction.net) and "Faye Valentine" (AO3) are one character;
"John Gaius | Necrolord Prime" answers to either side; "Faye/Spike" finds
"Spike Spiegel/Faye Valentine" in either order, and `/` (romantic) stays
distinct from `&` (platonic). Everything here makes keys: the same function
builds them at index time and at query time, so the two cannot drift apart.
"""

from __future__ import annotations

import re

from whoosh.support.charset import accent_map

_PAREN = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"\w+")
REL_SEP = re.compile(r"\s*([/&])\s*")


def words(name: str) -> list[str]:
    """Lowercased, accent-folded words of a name, without AO3's "(Fandom)" qualifier."""
    return _WORD.findall(_PAREN.sub(" ", name).lower().translate(accent_map))


def name_keys(name: str) -> list[str]:
    """Full form and short form ("faye valentine", "faye v") of one name."""
    w = words(name)
    if not w:
        return []
    keys = [" ".join(w)]
    if len(w) >= 2:
        keys.append(f"{w[0]} {w[-1][0]}")
    return keys


def character_keys(tag: str) -> list[str]:
    """Every key a character tag answers to, each side of `|` aliases included."""
    keys: list[str] = []
    for side in tag.split("|"):
        keys += name_keys(side)
    return list(dict.fromkeys(keys))


def _members(tag: str) -> tuple[list[list[str]], str] | None:
    parts = REL_SEP.split(tag)
    if len(parts) < 3:
        return None
    names = parts[0::2]
    seps = set(parts[1::2])
    sep = "&" if seps == {"&"} else "/"
    members = [words(n.split("|")[0]) for n in names]
    if any(not m for m in members):
        return None
    return members, sep


def relationship_keys(tag: str) -> list[str]:
    """Order-free keys: full names, first names, and first name + initial."""
    found = _members(tag)
    if found is None:
        return []
    members, sep = found
    forms = [
        [" ".join(m) for m in members],
        [m[0] for m in members],
        [f"{m[0]} {m[-1][0]}" if len(m) > 1 else m[0] for m in members],
    ]
    return list(dict.fromkeys(sep.join(sorted(f)) for f in forms))


def query_relationship_keys(text: str) -> list[str] | None:
    """Keys for what a user typed ("Faye/Spike"); None if it names no pairing."""
    found = _members(text)
    if found is None:
        return None
    members, sep = found
    full = sep.join(sorted(" ".join(m) for m in members))
    short = sep.join(sorted(f"{m[0]} {m[-1][0]}" if len(m) > 1 else m[0] for m in members))
    return list(dict.fromkeys([full, short]))
