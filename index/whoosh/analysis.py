"""How text becomes terms: the analyzers, and the one memo of folded stems.

The body field goes through Whoosh's filter chain; everything else that must
tokenize exactly like it (the pair field, the meta pairs, snippets) uses
`WORD` and `stem_of`, one C regex and one memo, proved equal to the chain by
tests/test_index_search.py.
"""

from __future__ import annotations

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
)
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from index.words import WORD

__all__ = ["WORD"]  # re-exported: the index's word, as the body analyzer tokenizes


def accent_fold(text: str) -> str:
    return text.translate(accent_map)


def fold(word: str) -> str:
    """Lowercased and accent-folded, as the folding analyzer leaves a token."""
    return accent_fold(word.lower())


_STEMS: dict[str, str] = {}
_FOLDS: dict[str, str] = {}
_MEMO_LIMIT = 200_000


def stem_of(word: str) -> str:
    """A word as the body field files it: folded, then stemmed (memoised: the same
    few thousand words make up most of any text)."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) > _MEMO_LIMIT:
            _STEMS.clear()
        found = _STEMS[word] = stem(fold(word))
    return found


def fold_of(word: str) -> str:
    """A word as a folding (not stemming) field files it, memoised."""
    found = _FOLDS.get(word)
    if found is None:
        if len(_FOLDS) > _MEMO_LIMIT:
            _FOLDS.clear()
        found = _FOLDS[word] = fold(word)
    return found


def stems(value: str) -> list[str]:
    """The body's tokens, folded and stemmed as its filter chain does."""
    return [stem_of(w) for w in WORD.findall(value)]


def folds(value: str) -> list[str]:
    return [fold_of(w) for w in WORD.findall(value)]


def folding_analyzer():
    """Lowercase and accent-folded, so `deja vu` finds "déjà vu"; no stemming."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def stemming_analyzer():
    """Folded and stemmed, with no stop list: phrases like "see you" need every word."""
    return folding_analyzer() | StemFilter()


# The most frequent English words. A phrase holding one of them makes Whoosh
# walk the positions of nearly every document (MEASUREMENTS.md: p95 6.6 s), so
# each adjacent pair with one of them is also indexed as a single term: Lucene's
# CommonGrams. Measured here (bench/, and 400 works, 150 two-word phrases from
# the text): pairing only two common words indexed 3.7x faster but left phrase
# p95 at 46 ms, growing with the archive (about 1 s at 10,000 works); CommonGrams
# keeps it at 2 ms. Searching is daily and rebuilding rare, so CommonGrams.
COMMON_WORDS = frozenset(
    stem(w)
    for w in (
        "the of and to a in that it was he she his her i you with as for on at be had but "
        "not they by said is what all were we when there one from this so have him them an "
        "would me my up out if no could into then"
    ).split()
)
PAIR_SEP = "\u2423"  # a visible space: cannot come out of the tokenizer


class PairsAnalyzer(Analyzer):
    """Emit `a␣b` for each adjacent pair of body tokens where a or b is a common word.

    It tokenizes, folds and stems exactly as the body field does, but with one C
    regex and the stem memo, and makes Token objects only for the pairs:
    analysing the body a second time through Whoosh's filter chain tripled the
    index time. The common words are part of the schema, saved with the index,
    so queries pair a phrase exactly as its documents were paired.
    """

    def __init__(self, common: frozenset[str] = COMMON_WORDS) -> None:
        self.common = frozenset(common)

    def __getstate__(self) -> dict:
        # Only the common words: Whoosh saves the schema in the index's table of
        # contents, which every search reads.
        return {"common": self.common}

    def __setstate__(self, state: dict) -> None:
        self.common = frozenset(state.get("common", COMMON_WORDS))

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.common == self.common

    def __hash__(self) -> int:
        return hash(self.common)

    def words(self, value: str) -> list[str]:
        """The body's tokens, folded and stemmed as its filter chain does."""
        return stems(value)

    def __call__(self, value, **kwargs):
        words = stems(value)
        common = self.common
        token = Token(**kwargs)
        for a, b in zip(words, words[1:], strict=False):
            if a in common or b in common:
                token.text = f"{a}{PAIR_SEP}{b}"
                token.boost = 1.0
                token.stopped = False
                yield token


def common_pairs(words: list[str], common: frozenset[str] = COMMON_WORDS) -> list[str]:
    """The indexed pairs inside an (analysed) phrase, in order."""
    return [
        f"{a}{PAIR_SEP}{b}"
        for a, b in zip(words, words[1:], strict=False)
        if a in common or b in common
    ]


# Work-level text fields (and the notes) whose adjacent word pairs are indexed as
# single terms in meta_pairs: they are short, but copied onto every chapter, so a
# phrase like "the end" in titles made Whoosh check positions in thousands of
# chapters. The value is the field's analyzer, as the query parser applies it.
META_PAIR_FIELDS = {
    "title": "stem",
    "summary": "stem",
    "notes": "stem",
    "chapter_title": "fold",
    "authors": "fold",
    "fandoms": "fold",
    "characters": "fold",
    "relationships": "fold",
    "tags": "fold",
    "warnings": "fold",
    "categories": "fold",
    "series": "fold",
}


def meta_pair_terms(fields: dict[str, str]) -> list[str]:
    """`field:a␣b` for every adjacent pair of words in these fields' values."""
    out = []
    for name, value in fields.items():
        how = META_PAIR_FIELDS.get(name)
        if not how or not value:
            continue
        words = stems(value) if how == "stem" else folds(value)
        out += [meta_pair(name, a, b) for a, b in zip(words, words[1:], strict=False)]
    return out


def meta_pair(field: str, a: str, b: str) -> str:
    return f"{field}:{a}{PAIR_SEP}{b}"
