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


def _members(tag: str) -> tuple[list[list[list[str]]], str] | None:
    """Each member's names (its words, every side of `|`), and the separator."""
    parts = REL_SEP.split(tag)
    if len(parts) < 3:
        return None
    names = parts[0::2]
    seps = set(parts[1::2])
    sep = "&" if seps == {"&"} else "/"
    members = [[w for w in map(words, n.split("|")) if w] for n in names]
    if any(not m for m in members):
        return None
    return members, sep


MAX_SHIP_KEYS = 400  # a pairing of many members would multiply its name forms


def name_forms(names: list[list[str]]) -> list[str]:
    """Every form a character search accepts for one member: the full name in either
    order, each word alone (given name, surname), and the given name plus initial."""
    forms: list[str] = []
    for w in names:
        forms += [" ".join(w), " ".join(reversed(w))]
        forms += [x for x in w if len(x) > 1]
        if len(w) > 1:
            forms.append(f"{w[0]} {w[-1][0]}")
    return list(dict.fromkeys(forms))


def relationship_keys(tag: str) -> list[str]:
    """Order-free keys, one per choice of a name form for each member ("holmes/john")."""
    found = _members(tag)
    if found is None:
        return []
    members, sep = found
    keys: list[list[str]] = [[]]
    for forms in (name_forms(m) for m in members):
        keys = [k + [f] for k in keys for f in forms][:MAX_SHIP_KEYS]
    return list(dict.fromkeys(sep.join(sorted(k)) for k in keys))


def query_relationship_keys(text: str) -> list[str] | None:
    """Keys for what a user typed ("Faye/Spike", "Watson & Holmes"); None if no pairing.

    Each member as typed is one of the index's name forms, or (typed in full) its
    short form is: "Faye Valentine" finds "Faye V.".
    """
    found = _members(text)
    if found is None:
        return None
    members, sep = found
    typed = [m[0] for m in members]
    full = sep.join(sorted(" ".join(m) for m in typed))
    short = sep.join(sorted(f"{m[0]} {m[-1][0]}" if len(m) > 1 else m[0] for m in typed))
    return list(dict.fromkeys([full, short]))
