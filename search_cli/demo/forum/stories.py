"""The forum's and the Royal Road-shaped site's stories: written for ficarchive, our own text.

A forum story is a thread whose threadmarked posts are its chapters (with
readers' replies between them that are not story); a Royal Road fiction is a
list of chapters with author notes. A paragraph equal to DIVIDER is a scene
break; QUOTE and SPOILER paragraphs become the forum's quote and spoiler boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

DIVIDER = "* * *"
QUOTE = "quote:"  # "quote:Who said it|what they said"
SPOILER = "spoiler:"  # "spoiler:Its title|what is inside"


@dataclass(frozen=True, kw_only=True)
class ForumPost:
    """One post. A threadmarked post (label set) is a chapter; the others are replies."""

    post_id: int
    author: str
    day: str  # YYYY-MM-DD
    paragraphs: tuple[str, ...]
    label: str = ""  # the threadmark's label; "" for a reader's reply

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs if p != DIVIDER)


@dataclass(frozen=True, kw_only=True)
class ForumThread:
    """A story thread on the sample forum."""

    thread_id: int
    slug: str
    title: str
    prefix: str  # the thread prefix label, e.g. "Complete"
    starter: str
    forum: tuple[str, int]  # (name, node id) of the forum it is in
    tags: tuple[str, ...]
    summary: str
    posts: tuple[ForumPost, ...]
    state: str = "ok"  # "ok", "members" (members only) or "deleted"

    @property
    def threadmarks(self) -> tuple[ForumPost, ...]:
        return tuple(p for p in self.posts if p.label)


@dataclass(frozen=True, kw_only=True)
class RoyalChapter:
    chapter_id: int
    slug: str
    title: str
    day: str
    paragraphs: tuple[str, ...]
    note_before: str = ""
    note_after: str = ""


@dataclass(frozen=True, kw_only=True)
class Fiction:
    """A fiction on the Royal Road-shaped site."""

    fiction_id: int
    slug: str
    title: str
    author: str
    author_id: int
    status: str  # "ONGOING", "COMPLETED", "HIATUS"
    tags: tuple[str, ...]
    description: str
    chapters: tuple[RoyalChapter, ...] = field(default_factory=tuple)
    # The line Royal Road hides in chapter text, with the class its <style> hides.
    hidden_line: str = (
        "This story is posted on the sample site; a copy elsewhere is not the author's."
    )
    state: str = "ok"  # "ok" or "deleted"


def _tm(post_id: int, day: str, label: str, *paragraphs: str) -> ForumPost:
    return ForumPost(post_id=post_id, author="tidewright", day=day, label=label,
                     paragraphs=paragraphs)  # fmt: skip


def _reply(post_id: int, author: str, day: str, text: str) -> ForumPost:
    return ForumPost(post_id=post_id, author=author, day=day, paragraphs=(text,))


TIDE_CLOCK = ForumThread(
    thread_id=4242,
    slug="the-tide-clock-at-whitby",
    title="The Tide-Clock at Whitby",
    prefix="Complete",
    starter="tidewright",
    forum=("Sherlock Holmes", 77),
    tags=("case fic", "victorian", "whitby"),
    summary="A clock that keeps the tides instead of the hours, and a harbour-master who swears "
    "it has started to keep them wrong.",
    posts=(
        _tm(
            900101,
            "2024-05-01",
            "1. A Letter Smelling of Brine",
            "The letter came by the second post, and it smelled so strongly of the sea that Mrs. "
            "Hudson carried it upstairs at arm's length.",
            "Holmes read it twice, held it to the window, and announced that the harbour-master "
            "of Whitby was either a liar or a very frightened honest man.",
            "A/N: First chapter of my first fic on this forum. Be gentle!",
        ),
        _reply(
            900102, "gull_watcher", "2024-05-01", "Watched! Whitby in the fog is perfect for this."
        ),
        _tm(
            900103,
            "2024-05-03",
            "2. The Night Train North",
            "We took the night train, which Holmes preferred, because nobody on a night train "
            "expects to be observed.",
            DIVIDER,
            "By dawn the moors had given way to a grey line of sea, and Holmes was asleep with his "
            "hat over his eyes.",
        ),
        _tm(
            900104,
            "2024-05-06",
            "3. The Clock in the Harbour Office",
            "The tide-clock stood in a corner of the harbour office, taller than a man, its single "
            "hand pointing at the words HIGH WATER.",
            "quote:Harbour-master Pell|It has kept the tides for forty years, sir, and this week it "
            "is an hour out.",
            "Holmes wound nothing and touched nothing. He only looked, for a long time.",
        ),
        _tm(
            900105,
            "2024-05-09",
            "4. Pell's Ledger",
            "Pell kept a ledger of every tide since his father's day, in three colours of ink.",
            "spoiler:What Holmes found in the margin|A column of small pencil ticks, one for every "
            "night the clock was wrong, in a hand that was not Pell's.",
            "Holmes closed the ledger gently and asked who else had a key.",
        ),
        _reply(900106, "quietquill", "2024-05-09", "The pencil ticks! I knew the ledger mattered."),
        _tm(
            900107,
            "2024-05-12",
            "5. The Boy with the Key",
            "The key belonged to a boy called Amos who swept the office, and who had never in his "
            "life seen a tide-table.",
            "He wept when Holmes asked him about the pencil, and then, quite suddenly, he laughed.",
        ),
        _tm(
            900108,
            "2024-05-15",
            "6. A Walk on the Scar",
            "At low water the rocks below the abbey lie bare for half a mile, and Holmes walked them "
            "as if he were reading a page.",
            DIVIDER,
            "He came back wet to the knee, holding a brass weight the size of a hen's egg.",
        ),
        _tm(
            900109,
            "2024-05-18",
            "7. The Weight",
            "The weight had been filed. Someone had taken a sliver of brass from it, no more than a "
            "shilling's worth, and the clock had lost an hour a week ever since.",
        ),
        _tm(
            900110,
            "2024-05-21",
            "8. Mrs. Pell Makes Tea",
            "Mrs. Pell made tea as though it were a duty to the Crown, and answered every question "
            "with another cup.",
            "Watson drank four. Holmes drank none and watched her hands.",
        ),
        _tm(
            900111,
            "2024-05-24",
            "9. The Fishing Fleet",
            "Nine boats had gone out on the false tide and come home safe; the tenth had not gone "
            "out at all, because its master could not read a clock.",
        ),
        _tm(
            900112,
            "2024-05-27",
            "10. What the Tenth Boat Carried",
            "The tenth boat carried brandy that had paid no duty, and its master had needed the "
            "harbour empty of honest men for one hour a week.",
        ),
        _tm(
            900113,
            "2024-05-30",
            "11. High Water",
            "Holmes set the weight back on its chain himself, and the single hand swung round to "
            "HIGH WATER as the sea came up under the office floor.",
            "A/N: That's the end! Thank you all for reading and for the lovely replies.",
        ),
        _reply(900114, "gull_watcher", "2024-05-30", "What an ending. Thank you for writing it!"),
    ),
)

# What a later crawl finds: an epilogue threadmarked after the story ended.
EPILOGUE = _tm(900120, "2024-06-10", "Epilogue: The Clock Keeps Time",
               "A year later a postcard came from Whitby with no message on it at all, only a "
               "drawing of a clock whose hand pointed at HIGH WATER.")  # fmt: skip

MEMBERS_ONLY = replace(
    TIDE_CLOCK,
    thread_id=4343,
    slug="the-locked-room-at-scarborough",
    title="The Locked Room at Scarborough",
    prefix="",
    posts=TIDE_CLOCK.posts[:1],
    state="members",
)

THREADS: tuple[ForumThread, ...] = (TIDE_CLOCK, MEMBERS_ONLY)


def with_epilogue(thread: ForumThread) -> ForumThread:
    """The thread after its author threadmarked one more post."""
    return replace(thread, posts=thread.posts + (EPILOGUE,))


def _chapter(chapter_id: int, slug: str, title: str, day: str, *paragraphs: str,
             before: str = "", after: str = "") -> RoyalChapter:  # fmt: skip
    return RoyalChapter(chapter_id=chapter_id, slug=slug, title=title, day=day,
                        paragraphs=paragraphs, note_before=before, note_after=after)  # fmt: skip


CLOCKWORK_ORCHARD = Fiction(
    fiction_id=9001,
    slug="the-clockwork-orchard",
    title="The Clockwork Orchard",
    author="Marrow Quill",
    author_id=5150,
    status="ONGOING",
    tags=("Fantasy", "Steampunk", "Slice of Life", "Female Lead"),
    description="Ilse inherits an orchard whose apple trees are made of brass and tick in the "
    "wind. Someone has been winding them at night.",
    chapters=(
        _chapter(
            70001,
            "chapter-1-the-inheritance",
            "Chapter 1 - The Inheritance",
            "2024-07-01",
            "The lawyer's letter said orchard, and Ilse had pictured apples. She had not "
            "pictured the ticking.",
            "Row upon row of brass trees stood on the hill, their leaves turning slowly, "
            "each one catching the light like a coin.",
            before="Hello and welcome! New chapters every Monday.",
        ),
        _chapter(
            70002,
            "chapter-2-the-key-under-the-roots",
            "Chapter 2 - The Key Under the Roots",
            "2024-07-08",
            "Under the oldest tree, where the roots went into the ground like cogs into a "
            "wheel, she found a key as long as her hand.",
            DIVIDER,
            "That night she heard it: a slow, patient winding, somewhere in the dark rows.",
            after="Thank you for reading! What do you think is winding the trees?",
        ),
        _chapter(
            70003,
            "chapter-3-the-night-gardener",
            "Chapter 3 - The Night Gardener",
            "2024-07-15",
            "The night gardener was a woman of wire and walnut wood, and she was not at all "
            "surprised to be found.",
            "She said the trees had been waiting for someone to inherit them, and that the "
            "apples would come in autumn, if Ilse kept them wound.",
        ),
    ),
)

NEW_CHAPTER = _chapter(70004, "chapter-4-the-first-apple", "Chapter 4 - The First Apple",
                       "2024-07-22",
                       "The first apple was brass, and warm, and when Ilse held it to her ear "
                       "it ticked like a small heart.")  # fmt: skip

FICTIONS: tuple[Fiction, ...] = (CLOCKWORK_ORCHARD,)


def with_new_chapter(fiction: Fiction) -> Fiction:
    return replace(fiction, chapters=fiction.chapters + (NEW_CHAPTER,))
