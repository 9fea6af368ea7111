"""A synthetic corpus with AO3-like shape, written straight into a store.

Word counts follow a log-normal fit (median about 2,500 words, long tail),
tags come from pools with Zipf-like popularity, and the text is drawn from a
Zipf vocabulary so common-word phrases behave as they do in real prose.
Nothing is downloaded; the same seed gives the same corpus.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from crawler.models import Block, Chapter, Work, WorkMeta

COMMON = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "it",
    "was",
    "he",
    "she",
    "his",
    "her",
    "i",
    "you",
    "with",
    "as",
    "for",
    "on",
    "at",
    "be",
    "had",
    "but",
    "not",
    "they",
    "by",
    "said",
    "what",
    "all",
    "were",
    "we",
    "when",
    "there",
    "one",
    "from",
    "this",
    "so",
    "have",
    "him",
    "them",
    "an",
    "would",
    "up",
    "out",
    "if",
    "me",
    "could",
    "no",
    "my",
    "into",
    "then",
    "like",
    "about",
    "time",
    "back",
    "know",
    "see",
    "down",
    "now",
    "over",
    "only",
]
FANDOMS = ["Sherlock Holmes", "Pride and Prejudice", "Dracula", "Little Women", "Frankenstein",
           "Alice in Wonderland", "The Wind in the Willows", "Peter Pan", "Jane Eyre", "Emma"]  # fmt: skip
FIRST = ["Anne", "John", "Mary", "Elizabeth", "Jo", "Victor", "Alice", "Mina", "Lucy", "Peter",
         "Wendy", "Jane", "Edward", "Emma", "George", "Toad", "Ratty", "Mole", "Sherlock", "Irene"]  # fmt: skip
LAST = ["Holmes", "Watson", "Bennet", "Darcy", "March", "Laurence", "Harker", "Westenra",
        "Frankenstein", "Liddell", "Darling", "Eyre", "Rochester", "Woodhouse", "Knightley"]  # fmt: skip
TAGS = ["Fluff", "Angst", "Hurt/Comfort", "Slow Burn", "Friendship", "Case Fic", "Rain",
        "Tea", "Letters", "Road Trip", "Found Family", "Humor", "Established Relationship",
        "Pining", "Canon Compliant", "Alternate Universe", "Ghosts", "Winter", "Balls", "Picnics"]  # fmt: skip
RATINGS = ["General Audiences", "Teen And Up Audiences", "Mature", "Explicit", "Not Rated"]


class Vocabulary:
    """Common English words plus invented ones, drawn with Zipf weights."""

    def __init__(self, rng: random.Random, size: int = 20_000) -> None:
        letters = "abcdefghijklmnopqrstuvwxyz"
        invented = {
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size * 2)
        }
        self.words = COMMON + sorted(invented)[: size - len(COMMON)]
        weights = [1 / (rank + 1) ** 1.07 for rank in range(len(self.words))]
        total = sum(weights)
        self.cum = []
        acc = 0.0
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def sample(self, rng: random.Random, n: int) -> list[str]:
        import bisect

        return [
            self.words[min(bisect.bisect(self.cum, rng.random()), len(self.words) - 1)]
            for _ in range(n)
        ]


def pick(rng: random.Random, pool: list[str], k: int) -> list[str]:
    weights = [1 / (i + 1) for i in range(len(pool))]
    return list(dict.fromkeys(rng.choices(pool, weights=weights, k=k)))


def make_work(i: int, rng: random.Random, vocab: Vocabulary, max_words: int = 20_000) -> Work:
    words = min(max_words, max(100, int(math.exp(rng.gauss(7.8, 1.1)))))
    n_chapters = max(1, min(20, words // rng.randint(1500, 4000)))
    chars = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 5))]
    chapters = []
    per = words // n_chapters
    for c in range(n_chapters):
        blocks = []
        left = per
        while left > 0:
            n = min(left, rng.randint(20, 120))
            text = " ".join(vocab.sample(rng, n))
            blocks.append(Block("paragraph", text[:1].upper() + text[1:] + "."))
            left -= n
            if rng.random() < 0.03:
                blocks.append(Block("scene_break"))
        chapters.append(Chapter(c + 1, f"Part {c + 1}", blocks))
    meta = WorkMeta(
        title=" ".join(vocab.sample(rng, rng.randint(1, 4))).title(),
        authors=[f"author{rng.randint(1, 400)}"],
        fandoms=pick(rng, FANDOMS, 1 + (rng.random() < 0.1)),
        characters=list(dict.fromkeys(chars)),
        relationships=[f"{chars[0]}/{chars[-1]}"] if len(chars) > 1 and rng.random() < 0.6 else [],
        tags=pick(rng, TAGS, rng.randint(1, 8)),
        rating=rng.choice(RATINGS),
        language="English",
        status="complete" if rng.random() < 0.7 else "in_progress",
        chapters_total=n_chapters,
        published=f"20{rng.randint(10, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        kudos=int(math.exp(rng.gauss(4, 1.5))),
        hits=int(math.exp(rng.gauss(7, 1.5))),
    )
    meta.updated = meta.published
    return Work(
        f"ao3:{900000 + i}",
        "ao3",
        f"https://example.org/works/{900000 + i}",
        meta,
        "",
        [],
        chapters,
    )


def iter_works(n: int, seed: int = 7, max_words: int = 20_000) -> Iterator[Work]:
    """The corpus one work at a time, so 10,000 works never sit in memory together."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    for i in range(n):
        yield make_work(i, rng, vocab, max_words)


def generate(n: int, seed: int = 7, max_words: int = 20_000) -> list[Work]:
    return list(iter_works(n, seed, max_words))


def write_store(store, n: int, seed: int = 7, max_words: int = 20_000) -> float:
    """Write n works straight into a store; return the MB of body text written."""
    total = 0
    for work in iter_works(n, seed, max_words):
        store.save_work(work)
        total += sum(len(c.text.encode()) for c in work.chapters)
    return total / 1e6
