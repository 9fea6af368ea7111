"""A spelling suggestion for a query that matched nothing (Whoosh's correct_query).

The reader's query string is read by Whoosh's own parser only to find its words
and where they stand, so that the corrected string is the reader's query with
just the misspelt words replaced: operators, quotes and fields stay as typed,
and the suggestion is a query that can be pasted back. A word is misspelt when
no field it is looked for in holds it (as that field analyses it); the nearest
word in those fields replaces it, the most frequent among equally near ones.
Whoosh's ReaderCorrector ranks by frequency alone, so "holmse" could become a
common word two edits away before "holmes" one edit away; _Nearest ranks by
distance first (Levenshtein), over the words sharing the typed word's first letter. A suggestion is offered only when it matches something.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from whoosh import qparser
from whoosh.fields import TEXT
from whoosh.highlight import NullFormatter
from whoosh.spelling import Corrector

from index.querycheck import DEFAULT_FIELDS, FIELD_ALIASES
from index.whoosh.analysis import fold_of, stem_of

_WORD = re.compile(r"^[^\W\d_]{2,}$")  # a word of letters, as a reader misspells one
_FREE = "_free"  # the field Whoosh's parser gives a word the reader typed without one
MAX_DISTANCE = 2
# Suggestions keep the first letter: readers rarely mistype it, and walking only the
# words that share it makes a suggestion ten times cheaper over a large archive.
PREFIX = 1


class _Nearest(Corrector):
    """Words of several fields within `maxdist` edits: nearest first, then most frequent."""

    def __init__(self, reader, fields: tuple[str, ...]) -> None:
        self.reader = reader
        self.fields = fields

    def _suggestions(self, text, maxdist, prefix):
        # Whoosh's correct_query passes neither maxdist nor prefix on; ours are its own.
        # Walking the words that share the first letter (one sequential read of the
        # term table) is far cheaper than Whoosh's terms_within, which seeks the table
        # once per step of a Levenshtein automaton (seconds over a large archive).
        word = fold_of(text)
        found: dict[str, float] = {}
        for name in self.fields:
            for raw in self.reader.expand_prefix(name, word[:PREFIX]):
                sug = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if abs(len(sug) - len(word)) > MAX_DISTANCE or sug == word:
                    continue
                distance = _distance(word, sug, MAX_DISTANCE)
                if distance > MAX_DISTANCE or not _WORD.match(sug):
                    continue
                freq = self.reader.frequency(name, sug) or 1
                score = -distance + 0.5 * (1 - 1 / (1 + freq))
                found[sug] = max(score, found.get(sug, score))
        return [(score, sug) for sug, score in found.items()]


def _fields_of(fieldname: str, schema) -> tuple[str, ...]:
    """The indexed text fields a word typed in `fieldname` is looked for in."""
    if fieldname == _FREE:
        names = DEFAULT_FIELDS
    else:
        target = FIELD_ALIASES.get(fieldname.lower())
        names = [target] if target else []
    return tuple(n for n in names if n in schema and isinstance(schema[n], TEXT))


def _known(reader, schema, word: str, fields: tuple[str, ...]) -> bool:
    """The word, as each field analyses it, is in one of them (or analyses to nothing)."""
    for name in fields:
        terms = [t.text for t in schema[name].analyzer(word, mode="query")]
        if not terms or any((name, t) in reader for t in terms):
            return True
    return False


def correction(searcher, text: str):
    """Whoosh's Correction of the query string (`.string`: each misspelt word
    replaced), or None when no word is misspelt or none has a near word."""
    if not text.strip():
        return None
    schema, reader = searcher.schema, searcher.reader()
    parsed = qparser.QueryParser(_FREE, None, group=qparser.AndGroup).parse(text)
    terms, correctors = [], {}
    for token in parsed.all_tokens():
        fields = _fields_of(token.fieldname, schema)
        if not fields or not _WORD.match(token.text):
            continue
        if _known(reader, schema, token.text, fields):
            continue
        terms.append((token.fieldname, token.text))
        correctors.setdefault(token.fieldname, _Nearest(reader, fields))
    if not terms:
        return None
    fixed = searcher.correct_query(parsed, text, correctors=correctors, terms=terms)
    return fixed if fixed.tokens and fixed.string != text else None


def as_written(fixed, words: Iterable[str]) -> str:
    """The corrected string with each stem a stemmed field suggested ("holm") made the
    word it stands for in `words` (a matching work's text): of the words with that
    stem, the nearest to what the reader typed ("holmes" for "holmse")."""
    by_stem: dict[str, set[str]] = {}
    for word in words:
        by_stem.setdefault(stem_of(word), set()).add(fold_of(word))
    for token in fixed.tokens:
        forms = by_stem.get(stem_of(token.text), set())
        if forms and token.text not in forms:
            typed = fold_of(token.original)
            token.text = min(sorted(forms), key=lambda w: _distance(typed, w))
    return fixed.format_string(NullFormatter())


def _distance(a: str, b: str, most: int = 99) -> int:
    """Levenshtein distance, or more than `most` as soon as it must be (short words)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > most:
            return most + 1
    return row[-1]


__all__ = ["as_written", "correction"]
