"""The sample archive's works: the ground truth the demo and the tests assert against.

Every story here was written for ficarchive, in public-domain fandoms. The
server (search_cli.demo.server) renders them with AO3's markup
(search_cli.demo.ao3_markup), so the real crawler, cleaner and index can be
exercised end to end without touching the network.

A paragraph equal to one of the DIVIDERS is a scene break in that author's
habitual style; everything else is plain text (escaped when rendered).
"""

from __future__ import annotations

from dataclasses import dataclass

# Scene-break styles, as writers type them. HR is rendered as `<hr />`; the
# others as a paragraph of their own (the CENTRED ones with align="center").
HR = "<hr>"
STARS = "* * *"
TILDES = "~~~"
O_CHAIN = "oOoOo"
X_CHAIN = "xXxXx"
ORNAMENT = "¸,ø¤º°°º¤ø,¸¸,ø¤º°°º¤ø,¸"
DASHES = "-----"
DIVIDERS: tuple[str, ...] = (HR, STARS, TILDES, O_CHAIN, X_CHAIN, ORNAMENT, DASHES)
CENTRED_DIVIDERS: frozenset[str] = frozenset({STARS, O_CHAIN, ORNAMENT})

LISTING_TAG = "Sample Archive Week"  # its /tags/…/works listing lists every work

RATINGS = ("General Audiences", "Teen And Up Audiences", "Mature", "Explicit", "Not Rated")
NO_WARNINGS = ("No Archive Warnings Apply",)
CHOSE_NOT = ("Creator Chose Not To Use Archive Warnings",)


@dataclass(frozen=True, kw_only=True)
class SampleChapter:
    """One chapter: text paragraphs plus the notes AO3 shows around it."""

    title: str = ""  # "" when untitled
    paragraphs: tuple[str, ...]
    summary: str = ""  # AO3 chapter preface summary
    notes: str = ""  # AO3 chapter preface "Notes:" (before the text)
    end_notes: str = ""  # AO3 div#chapter_N_endnotes (after the text)

    @property
    def words(self) -> int:
        """Words of story text, as AO3 counts them (scene-break markers aside)."""
        return sum(len(p.split()) for p in self.paragraphs if p not in DIVIDERS)


@dataclass(frozen=True, kw_only=True)
class SampleWork:
    """A work as AO3 would hold it. Summaries and notes: paragraphs split by a blank line."""

    work_id: int
    title: str
    authors: tuple[str, ...]
    fandoms: tuple[str, ...]
    rating: str
    warnings: tuple[str, ...]
    categories: tuple[str, ...]
    relationships: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    freeforms: tuple[str, ...] = ()
    language: str = "English"
    summary: str
    notes: str = ""
    end_notes: str = ""
    published: str  # YYYY-MM-DD
    updated: str | None = None
    complete: bool
    chapters_expected: int | None  # None renders "N/?"
    kudos: int
    hits: int
    bookmarks: int
    comments: int
    series: tuple[tuple[str, int, int], ...] = ()  # (name, series id, part)
    chapters: tuple[SampleChapter, ...]
    state: str = "ok"  # "ok", "deleted", "locked" or "adult"
    work_skin: str = ""  # CSS of the creator's work skin, if any

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)

    @property
    def chapters_label(self) -> str:
        """AO3’s chapter count: "3/3", "2/?"."""
        expected = "?" if self.chapters_expected is None else str(self.chapters_expected)
        return f"{len(self.chapters)}/{expected}"

    @property
    def chaptered(self) -> bool:
        """AO3 lays a work out by chapter unless it is one chapter of one."""
        return len(self.chapters) > 1 or self.chapters_expected != 1

    @property
    def revised(self) -> str:
        """The date a listing shows: last update, else publication."""
        return self.updated or self.published

    def chapter_id(self, number: int) -> int:
        """AO3-like chapter id of chapter `number` (1-based)."""
        return chapter_id(self.work_id, number)


def chapter_id(work_id: int, number: int) -> int:
    """Chapter ids are unique across the archive, like AO3's."""
    return work_id * 100 + number


# --- the works -----------------------------------------------------------------

LIGHTHOUSE = SampleWork(
    work_id=71000001,
    title="The Keeper of Scarra Point",
    authors=("inkwell_and_fog",),
    fandoms=("Sherlock Holmes - Arthur Conan Doyle",),
    rating="Teen And Up Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Sherlock Holmes & John Watson",),
    characters=("Sherlock Holmes", "John Watson", "Mrs. Hudson", "Original Male Character"),
    freeforms=("Case Fic", "Friendship", "Lighthouses", "Cornwall", "Victorian Era"),
    summary=(
        "The light at Scarra Point has gone dark three nights running, and the keeper swears on "
        "his mother’s Bible that he lit it every evening at sundown.\n\n"
        "Holmes is bored enough to take the night train to Cornwall."
    ),
    notes="Written for the Sample Archive Week prompt “light”. My thanks to a very patient beta.",
    end_notes=(
        "Thank you for reading! Scarra Point is invented, though the Cornish coast has more than "
        "enough real lighthouses to make up for it."
    ),
    published="2024-03-02",
    updated="2024-03-16",
    complete=True,
    chapters_expected=3,
    kudos=412,
    hits=5381,
    bookmarks=57,
    comments=38,
    series=(("Baker Street Winters", 4100001, 1),),
    work_skin="#workskin .letter {\n  font-family: Georgia, serif;\n  margin: 1em 3em;\n}\n",
    chapters=(
        SampleChapter(
            title="A Letter from Cornwall",
            notes="Chapter titles are borrowed from the headings in Watson’s notebook.",
            paragraphs=(
                "The letter came on a Tuesday, which Holmes held against it. Tuesdays, he said, were for correspondence of no consequence: bills, invitations, and the complaints of men who had lost umbrellas.",
                "“It is from the Board of Trinity House,” I said, turning the envelope over. “A Mr. Pellow, secretary to the district superintendent.”",
                "“Then it concerns a light that has failed, a keeper who has failed it, or a secretary who wishes to be thought diligent. Read it, Watson, and tell me which.”",
                "I read it aloud. The light at Scarra Point, a lonely tower on a granite knuckle west of the Lizard, had gone dark on three consecutive nights in the middle of February. On each occasion the keeper, one Jacob Tregarthen, had been found the next morning asleep in his chair, the lamp cold, the oil reservoir full. On each occasion he had sworn that he lit the lamp at sundown and wound the clockwork himself.",
                "“A drunkard,” I offered.",
                "“A drunkard empties the reservoir, he does not leave it full.” Holmes had put down his pipe, which in him is the equivalent of another man rising to his feet. “Three nights. Not one, which is an accident, nor two, which is a coincidence. Three is a habit, and habits belong to people.”",
                STARS,
                "Mrs. Hudson received the news of our departure with the resignation of a woman who has packed for Holmes before. She pressed upon me a parcel of sandwiches and a flask of something she described as medicinal, and she told Holmes to keep his feet dry, which he promised with a solemnity I did not believe for a moment.",
                "The night train to Penzance was cold and half empty. Holmes spent the first hour reading the letter again and the second hour staring at the dark glass of the window, where there was nothing to see but his own reflection and, beyond it, the occasional lamp of a farmhouse sliding away into the night.",
                "“You are thinking about the keeper,” I said.",
                "“I am thinking about the clockwork,” he replied. “The keeper will tell us what he believes. The clockwork will tell us what happened.”",
            ),
        ),
        SampleChapter(
            title="The Lamp Room",
            summary="Holmes climbs a great many stairs, and Watson takes notes.",
            paragraphs=(
                "Scarra Point is reached at low tide by a causeway of weed-slick stone, and at high tide not at all. We crossed it in a wind that seemed determined to return us to the mainland, Holmes walking ahead with his coat flapping like the wings of some ungainly sea bird.",
                "Jacob Tregarthen met us at the door of the tower. He was a broad, grey man of sixty with the hands of a sailor and the eyes of someone who has not slept properly in a fortnight.",
                "“I lit it, sir,” he said, before either of us had spoken. “Every night. I’ll swear it before any magistrate in Cornwall.”",
                "“I do not doubt that you lit it,” said Holmes, and the old man’s shoulders dropped as though a weight had been lifted from them. “I should like to know who put it out.”",
                HR,
                "The lamp room was a cage of glass at the top of one hundred and twelve steps. Holmes examined the great lens, the brass burner, the chain and weights of the clockwork that turned the light, and finally the floor, on his hands and knees, with his lens an inch from the boards.",
                "“Soot,” he said at last, holding up a fingertip. “Fresh, and in the wrong place. The flame was not starved of oil, Watson. It was starved of air.”",
                "I have since filed my notes on the matter under the heading the curious incident of the lighthouse keeper, though Holmes insists that the keeper was the least curious thing about it. The curious thing, he says, was the ventilator cowl on the roof, which had been turned to face the wind when it ought to have faced away from it.",
                "“Someone climbed up there,” I said, looking at the iron ladder bolted to the outside of the lantern, and at the drop beneath it, and feeling faintly ill.",
                "“Someone who knew exactly how a lamp of this pattern breathes,” said Holmes. “Which narrows the field to keepers, engineers, and the men who trained them. Mr. Tregarthen, who had your post before you?”",
                "The old man’s face changed. “Sam Rowe,” he said slowly. “He was relief keeper here eleven years. The Board gave the post to me instead.”",
            ),
        ),
        SampleChapter(
            title="Light Restored",
            end_notes="One more work in this series is planned, in which Holmes is made to attend a village fête. He will not enjoy it.",
            paragraphs=(
                "We did not have long to wait. The fourth night came in with a flat calm and a thin moon, and Holmes and I sat in the dark at the foot of the lantern stair while Tregarthen lit the lamp above us as though nothing were amiss.",
                "At a little after one o’clock we heard the ring of a boot on iron. Somebody was climbing the outside ladder.",
                "Holmes was through the gallery door before I had found my revolver. There was a short, breathless scuffle, a cry, and then Holmes’s voice, perfectly level: “Mr. Rowe, I presume. Do mind the rail. It is a long way down, and I should hate to lose you before you have explained yourself.”",
                STARS,
                "Sam Rowe’s explanation, delivered in the keeper’s kitchen over a pot of strong tea, was a simple one. A dark light meant an inquiry; an inquiry meant a keeper found wanting; a keeper found wanting meant a vacancy, and Sam Rowe had been waiting eleven years for a vacancy.",
                "“You might have drowned a ship’s company,” I said.",
                "“There’s been no ship on this stretch at night since November,” he muttered, but he did not look at either of us when he said it.",
                "Holmes left him to the constable from St. Keverne and walked out onto the causeway to watch the dawn. I found him there some minutes later, his hands in his pockets, the great lamp still turning above us, pale now against the brightening sky.",
                "“You were right about the clockwork,” I said.",
                "“I was right about the habit,” he said. “Habits belong to people, Watson. It is the one thing in this profession I am entirely sure of.” He looked up at the light. “Come. If we hurry we shall make the morning train, and Mrs. Hudson will have something hot waiting.”",
            ),
        ),
    ),
)

LETTER_UNSENT = SampleWork(
    work_id=71000002,
    title="A Letter Unsent",
    authors=("marginalia",),
    fandoms=("Pride and Prejudice - Jane Austen",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("F/M",),
    relationships=("Elizabeth Bennet/Fitzwilliam Darcy",),
    characters=("Elizabeth Bennet", "Fitzwilliam Darcy", "Charlotte Lucas"),
    freeforms=("Fluff", "Missing Scene", "Epistolary", "Hunsford"),
    summary="After Hunsford, Elizabeth writes a reply to a certain letter. She does not send it.",
    notes="Set between the proposal at Hunsford and the visit to Pemberley.",
    published="2024-03-04",
    complete=True,
    chapters_expected=1,
    kudos=268,
    hits=2960,
    bookmarks=31,
    comments=14,
    chapters=(
        SampleChapter(
            paragraphs=(
                "Elizabeth had begun the letter four times, and four times she had folded the page and put it in the fire, and Charlotte had begun to remark on the quantity of paper Hunsford parsonage was consuming.",
                "“You are very industrious this morning, Eliza.”",
                "“I am very stupid this morning,” said Elizabeth, “which requires more paper than industry does.”",
                TILDES,
                "Sir, it began, the fifth time. You will think it strange that I write at all, when I told you so plainly that I wished never to be troubled by you again. I think it strange myself.",
                "She stopped, and read the line back, and found that she did not hate it.",
                "I have read your letter more times than I will own. I have read it angrily and I have read it fairly, and I find, to my great discomfort, that the second reading is the worse. You were not kind to my family. But you were honest with me, and I was not honest with myself, and of the two faults I begin to think mine the greater.",
                "Outside, Mr. Collins could be heard instructing the gardener in the correct management of a cucumber frame. Elizabeth dipped her pen again.",
                "I do not ask you to think well of me. I only find that I cannot bear for you to think I have learned nothing.",
                TILDES,
                "She did not sign it. She sat with it in her lap until the ink was quite dry, and then she folded it very small and put it, not into the fire, but into the back of her writing box, beneath a ribbon and a pressed violet from Longbourn.",
                "It stayed there through the spring, and through the journey north with her aunt and uncle, and through a certain afternoon at Pemberley when she looked up from a portrait and found its subject standing in the doorway, as startled as herself.",
                "Much later, when there was no longer any reason to keep it, she gave it to him. He read it standing at the window of the library, and when he had finished he did not say anything for a long moment, and then he said, “You might have sent this.”",
                "“I might,” Elizabeth agreed. “But then I should have had nothing to give you now.”",
            ),
        ),
    ),
)

TEA_AT_LONGBOURN = SampleWork(
    work_id=71000003,
    title="Tea at Longbourn, Rain Expected",
    authors=("marginalia",),
    fandoms=("Pride and Prejudice - Jane Austen",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Elizabeth Bennet & Jane Bennet",),
    characters=("Elizabeth Bennet", "Jane Bennet", "Mrs. Bennet", "Mr. Bennet", "Mary Bennet"),
    freeforms=("Fluff", "Sisters", "Domestic", "Rainy Days", "Work In Progress"),
    summary="Five sisters, one parlour, and a great deal of rain. A series of small afternoons.",
    notes="Updates whenever it rains where I live, which should be often.",
    published="2024-03-05",
    updated="2024-03-19",
    complete=False,
    chapters_expected=None,
    kudos=133,
    hits=1874,
    bookmarks=22,
    comments=19,
    chapters=(
        SampleChapter(
            title="The Parlour",
            summary="It is raining, and Mrs. Bennet has opinions about it.",
            paragraphs=(
                "It had rained at Longbourn since breakfast, a steady, companionable rain that ran down the windows of the parlour and made the fire seem twice as bright.",
                "“It will spoil the roads for a week,” said Mrs. Bennet, “and Mrs. Long has promised to call, and now she will not, and I shall never hear what was said at the Lucases’ on Thursday.”",
                "“You might ask Lady Lucas herself, Mama,” said Jane.",
                "“Lady Lucas will tell me what she wishes me to know. Mrs. Long will tell me everything.”",
                O_CHAIN,
                "Elizabeth and Jane had taken the window seat, which was the coldest place in the room and therefore the most private. Jane was mending a glove. Elizabeth was pretending to read.",
                "“You have been on that page since the clock struck two,” said Jane, without looking up.",
                "“It is a very good page.”",
                "“It is the table of contents.”",
                "Elizabeth closed the book and laughed, and leaned her head against the cold glass. “I was thinking how pleasant it is to have nothing whatever to do, and nobody whatever to see, and to be obliged to stay exactly where one is.”",
                "“You would be wild with boredom by Thursday.”",
                "“By Wednesday,” Elizabeth admitted. “But today I am perfectly content.”",
            ),
        ),
        SampleChapter(
            title="Mary Plays",
            end_notes="Mary deserves more good afternoons than canon gave her. I intend to write her several.",
            paragraphs=(
                "On the second day of rain, Mary brought her music down to the parlour and announced that she would practise, since nobody could object to the noise when nobody could go out to escape it.",
                "Kitty groaned. Lydia put a cushion over her head. Mr. Bennet, who had come in search of his spectacles, found them on his own forehead and stayed.",
                "Mary played a sonata, not well, but with great determination, and then she played it again, a little better, and then she played something Elizabeth did not know, something slow and plain and rather sad, and did not look up once from the keys.",
                O_CHAIN,
                "When she had finished there was a short silence, and then Mr. Bennet said, “That will do extremely well, child,” in a voice that was not quite his usual one.",
                "Mary coloured to the roots of her hair. “It is only an exercise.”",
                "“Then exercise it again tomorrow,” said her father, “and I shall come down to hear it.”",
                "Elizabeth caught Jane’s eye across the room, and Jane smiled, and outside the rain went on and on, as though it had no intention of ever stopping, and for once nobody at Longbourn minded in the least.",
            ),
        ),
    ),
)

RIVER_KEPT = SampleWork(
    work_id=71000004,
    title="What the River Kept",
    authors=("bankside",),
    fandoms=("The Wind in the Willows - Kenneth Grahame",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Mole & Water Rat",),
    characters=("Mole (Wind in the Willows)", "Water Rat", "Otter (Wind in the Willows)"),
    freeforms=("Fluff", "Friendship", "Boats", "Picnics", "Autumn"),
    summary="The last picnic of the year, a lost oar, and what the Rat says about rivers.",
    published="2024-03-07",
    complete=True,
    chapters_expected=1,
    kudos=301,
    hits=2511,
    bookmarks=44,
    comments=21,
    work_skin="#workskin p.river {\n  font-style: italic;\n  color: #335577;\n}\n",
    chapters=(
        SampleChapter(
            paragraphs=(
                "It was the last warm day of October, and the Rat declared that it would be a crime against the river to waste it.",
                "“One more,” he said, hauling the hamper down to the boat. “One more picnic, Moly, and then we’ll put her up for the winter and toast our toes till March.”",
                "The Mole did not need persuading. He had never in his life been persuaded to anything so easily as he was persuaded, every time, to the river.",
                X_CHAIN,
                "They went upstream, past the willows gone yellow and the alders gone bare, past the Otter’s holt, where the Otter put his head out and wished them good day and said he might join them later if the fishing was poor, which it never was.",
                "They ate on a bank of dry reeds in a patch of thin sunshine: cold chicken and bread and a jar of the Badger’s honey and a bottle of ginger beer that the Rat had been keeping for a special occasion.",
                "“Is this a special occasion?” asked the Mole.",
                "“Every last day is,” said the Rat.",
                X_CHAIN,
                "It was on the way home, with the light going gold and low, that the Mole lost the oar. He was never afterwards sure how. One moment it was in his paw, and the next it was turning slowly away on the current, like a leaf, like something that had never belonged to him at all.",
                "“Oh, Ratty,” he said. “Oh, I am sorry.”",
                "The Rat watched it go. Then he laughed, quite gently, and took the other oar and began to paddle them home on one side and then the other, zig-zagging across the water like a beetle.",
                "“The river takes things,” he said. “Oars and hats and ginger beer bottles and once, I’m sorry to say, a very good pair of boots. You mustn’t mind it. It gives them back, mostly, further down, when it’s ready.”",
                "“And when it doesn’t?”",
                "The Rat considered this. “Then it keeps them,” he said, “and that’s its business. It gave us today. I call that a fair exchange.”",
                "The Otter brought the oar back to the boathouse in the first week of November, a little scratched and smelling strongly of weed, and would not say where he had found it.",
                "A/N: This one is for my grandmother, who taught me to row and who lost more oars than anyone I have ever known. Thank you for reading, and do go and sit by a river if you can.",
            ),
        ),
    ),
)

HATTER_INVENTORY = SampleWork(
    work_id=71000005,
    title="The Hatter's Inventory",
    authors=("tweedledee_writes",),
    fandoms=("Alice in Wonderland - Lewis Carroll",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Alice & Mad Hatter",),
    characters=("Alice (Alice in Wonderland)", "Mad Hatter", "March Hare", "Dormouse"),
    freeforms=("Humor", "Crack", "Tea Parties", "Lists"),
    summary="Alice is asked to help count the teacups. This is more difficult than it sounds.",
    end_notes="The Dormouse’s teacup is, canonically, still missing.",
    published="2024-03-08",
    complete=True,
    chapters_expected=1,
    kudos=187,
    hits=1650,
    bookmarks=12,
    comments=9,
    chapters=(
        SampleChapter(
            paragraphs=(
                "“Once a year,” said the Hatter, “we take stock. It is the law.”",
                "“Whose law?” asked Alice.",
                "“Ours. We made it at six o’clock, which is when we make everything.” He produced a ledger the size of a tombstone and dropped it on the table, upsetting the milk jug, which apologised. “You may count the cups. The Hare will count the saucers. The Dormouse will count sheep, because that is the only thing he can count asleep.”",
                DASHES,
                "Alice counted the cups. There were forty-one. She counted them again and there were thirty-nine, and the third time there were forty-one again, and one of them was laughing at her.",
                "“Cups are notoriously hard to pin down,” said the March Hare, who had stacked the saucers into a tower and was now counting the tower, which he said was quicker. “They move round the table, you see. It’s the clean-cup rule.”",
                "“But surely the cups don’t move by themselves?”",
                "“Not by themselves,” agreed the Hatter. “By ourselves. Nobody ever moves by themselves. It would be very lonely.”",
                DASHES,
                "By the time the inventory was finished the ledger recorded: forty cups, give or take; one hundred and six saucers; one teapot with a Dormouse in it; one teapot without; eleven spoons, three of them silver and eight of them opinionated; and a butter knife that the Hatter said was a family heirloom and the Hare said was his.",
                "“Splendid,” said the Hatter, closing the book with a bang. “Same again next year. You’ll come, of course?”",
                "Alice thought about the cups, and the laughing one, and the milk jug’s apology, and found, somewhat to her surprise, that she would like to very much.",
            ),
        ),
    ),
)

CARPATHIAN_LETTERS = SampleWork(
    work_id=71000006,
    title="Letters from the Carpathians",
    authors=("nightjar_press",),
    fandoms=("Dracula - Bram Stoker",),
    rating="Mature",
    warnings=CHOSE_NOT,
    categories=("F/M",),
    relationships=("Jonathan Harker/Mina Harker",),
    characters=("Mina Harker", "Jonathan Harker", "Count Dracula", "Lucy Westenra"),
    freeforms=("Epistolary", "Gothic", "Horror", "Slow Burn", "Canon Compliant"),
    summary="Jonathan writes home from the castle. Mina reads between the lines.",
    notes="Rated for atmosphere and for what the Count is implied to have in his cellars.",
    end_notes="Complete. The rest, as they say, is in the novel.",
    published="2024-03-09",
    updated="2024-03-13",
    complete=True,
    chapters_expected=2,
    kudos=356,
    hits=4129,
    bookmarks=61,
    comments=27,
    state="adult",
    chapters=(
        SampleChapter(
            title="Bistritz",
            summary="The first letter is cheerful. Mina does not quite believe it.",
            paragraphs=(
                "My dearest Mina, the letter began, the food here is extraordinary and the people are very kind, though they cross themselves when I say where I am going, which I am choosing to find charming.",
                "Mina read it at the window of her lodgings with the lamp turned low, and then she read it again, and then she laid it on the table and looked at it for a long while.",
                "Jonathan did not find things charming. Jonathan found things satisfactory, or unsatisfactory, or on one memorable occasion at a seaside concert, “rather loud”. If Jonathan said something was charming, he was trying to reassure someone, and the someone was not her.",
                ORNAMENT,
                "She wrote back the same night, in shorthand, because it was their private joke and because it was faster, and because something in her did not want the words legible to any eye but his.",
                "Tell me about the Count, she wrote. Tell me what he eats at dinner and what he says and whether he looks you in the eye. Tell me the truth, my love, and I shall tell you in return that I miss you more than is sensible.",
            ),
        ),
        SampleChapter(
            title="The Castle",
            notes="This chapter is a little darker. Nothing happens on the page; a great deal is suggested.",
            end_notes="Thank you to everyone who has commented. I read every one, usually at night, with the lamp on.",
            paragraphs=(
                "The second letter was shorter, and the handwriting was not quite Jonathan’s.",
                "It was his, of course. She knew the loops of his y’s and the way he crossed his t’s too far to the right, as though in a hurry to get on. But it was his hand as it might be if he had written with someone standing at his shoulder.",
                "The Count is a most attentive host, it said. He does not dine with me, having eaten earlier. We talk late into the night about England. He is very interested in England.",
                ORNAMENT,
                "Mina did not sleep that night. She sat up with Lucy’s letters and Jonathan’s, side by side, and a railway timetable, and a map of the Continent borrowed from the schoolroom, and by dawn she had written to the firm of Hawkins and to the British consul in Buda-Pesth and, after a great deal of hesitation, to a Dutch physician whose name Lucy’s doctor had once mentioned in passing.",
                "She did not know yet what she was afraid of. She only knew that she had learned to read her husband the way sailors read weather, and that the sky over the Carpathians was very dark indeed.",
                "When the third letter did not come, she packed a bag.",
            ),
        ),
    ),
)

CREATURE_READS = SampleWork(
    work_id=71000007,
    title="The Creature Learns to Read",
    authors=("galvanic",),
    fandoms=("Frankenstein - Mary Shelley",),
    rating="Teen And Up Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("The Creature | Frankenstein's Monster & De Lacey",),
    characters=("The Creature | Frankenstein's Monster", "De Lacey", "Felix De Lacey", "Safie"),
    freeforms=("Hurt/Comfort", "Found Family", "Books", "Canon Divergence"),
    summary=(
        "Behind the cottage wall, the creature learns the alphabet one word at a time.\n\n"
        "What if the old man had been the one to teach him?"
    ),
    notes="A small canon divergence in the cottage chapters. Title is exactly what it says on the tin.",
    end_notes="I like to think they read Plutarch together all winter.",
    published="2024-03-10",
    complete=True,
    chapters_expected=1,
    kudos=522,
    hits=6020,
    bookmarks=88,
    comments=46,
    chapters=(
        SampleChapter(
            paragraphs=(
                "The first word he learned was fire, because it was the first thing the old man asked for every morning, and because the young man always answered it by bringing wood.",
                "The second word was good. The old man said it often: to the girl when she brought him bread, to the young man when he came in from the fields, to the music when he finished playing. Good, good. The creature, crouched in the lean-to against the cottage wall with his ear to a crack in the boards, said it over to himself in the dark until it stopped sounding like a word and started sounding like a kind of warmth.",
                HR,
                "He learned letters from the girl’s lessons. She was a stranger too, he understood, and the young man taught her to read from an old book with a broken spine, and the creature learned alongside her, scratching shapes in the dirt with a stick and rubbing them out again before dawn.",
                "He learned that A was a house with a beam across it. He learned that O was a mouth, and also the moon. He learned that words could be carried away in a book and opened again somewhere else, like seeds.",
                HR,
                "It was in the dead of winter, with the young people gone to market, that the old man spoke to the wall.",
                "“I know you are there,” he said, quite gently, in the tongue the creature had spent all autumn stealing. “You have been there since the leaves turned. You took the wood to the door the week my son was ill. You leave the path swept.”",
                "The creature did not breathe.",
                "“I cannot see you,” said the old man. “I have not seen anything for many years. So you need not be afraid of what I will think of your face. Come in and sit by the fire, and tell me what you have been reading.”",
                "The creature came in. He had to stoop very low to pass the door, and the chair creaked alarmingly when he sat, and the old man only laughed and said it had always creaked, and asked again what he had been reading.",
                "“I do not have a book,” said the creature. His voice was terrible in the small room, too large and too rough. But the old man only nodded and reached behind him, to the shelf.",
                "“Then we shall start with mine,” he said. “Good.”",
            ),
        ),
    ),
)

SNOWSTORM = SampleWork(
    work_id=71000008,
    title="Four Sisters and a Snowstorm",
    authors=("orchard_house", "pickwick_portfolio"),
    fandoms=("Little Women - Louisa May Alcott",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen", "F/M"),
    relationships=('Jo March & Theodore "Laurie" Laurence', "Meg March/John Brooke"),
    characters=(
        "Jo March",
        "Meg March",
        "Beth March",
        "Amy March",
        'Theodore "Laurie" Laurence',
        "Marmee (Little Women)",
    ),
    freeforms=("Fluff", "Sisters", "Christmas", "Snow", "Found Family"),
    summary="The March girls are snowed in three days before Christmas. Laurie is snowed in with them. Nobody is sorry.",
    notes="Co-written over a very long weekend. Chapters alternate between us.",
    end_notes="Merry Christmas, whenever you are reading this.",
    published="2024-03-11",
    updated="2024-03-20",
    complete=True,
    chapters_expected=3,
    kudos=640,
    hits=7102,
    bookmarks=97,
    comments=52,
    series=(("Orchard House Seasons", 4100002, 2),),
    chapters=(
        SampleChapter(
            title="The First Day",
            summary="Snow, and an unexpected guest.",
            notes="Chapter one is mine (orchard_house). Blame me for the puns.",
            paragraphs=(
                "The snow began on the twenty-second of December, and by the evening of the twenty-second it had swallowed the front steps, the garden gate and most of Hannah’s temper.",
                "“We shall be buried alive,” said Amy, with deep satisfaction. “Like the people in the Alps. They will find us in the spring, perfectly preserved.”",
                "“They will find you perfectly preserved,” said Jo. “The rest of us will have eaten each other by Twelfth Night.”",
                "There was a thump at the back door and a great deal of stamping, and Laurie came in out of the storm looking like a snowman who had lost an argument with a hedge.",
                "“Grandfather’s cook has given notice,” he said, “and the drive is impassable, and I have brought a goose as a peace offering. May I stay until it stops?”",
                ORNAMENT,
                "Marmee gave him the little room over the kitchen and a pair of Father’s old slippers, and Beth gave him the cat for company, which was the highest honour in her gift.",
            ),
        ),
        SampleChapter(
            title="The Second Day",
            notes="Chapter two is mine (pickwick_portfolio). Meg gets her turn.",
            paragraphs=(
                "On the second day the snow stopped for an hour and Mr. Brooke appeared at the front door with a shovel, having dug his way across from the Laurences’ in what he claimed was the ordinary course of his duties.",
                "Nobody believed him. Meg least of all, though she was the one who brought him tea, and the one who noticed his hands were blue, and the one who sat with him in the front parlour for a full quarter of an hour while the rest of the household became remarkably busy elsewhere.",
                "“Do you suppose they are talking about the weather?” whispered Amy, from the stairs.",
                "“I suppose,” said Jo darkly, “that they are not talking at all.”",
                STARS,
                "In the evening they put on a play in the attic, written by Jo and directed by Jo and starring, for reasons nobody could afterwards explain, Laurie as a lovesick dragon. Beth played the piano. Amy designed the costumes out of two bedsheets and a lampshade. Meg laughed until she cried, and Mr. Brooke, who had been persuaded to stay for supper, laughed until Meg looked at him, and then he only smiled.",
            ),
        ),
        SampleChapter(
            title="Christmas Eve",
            summary="The snow stops. Nobody is in a hurry to dig out.",
            end_notes="Thank you for reading our snowed-in Christmas! The next part of the series is set in spring.",
            paragraphs=(
                "By Christmas Eve the snow had stopped, and the road was clear, and Laurie’s grandfather had sent a sleigh and a note that said, in its entirety, Come home when you are ready, my boy, and not before.",
                "“He is a good old gentleman,” said Beth, reading it over Laurie’s shoulder.",
                "“He is,” said Laurie. He folded the note and put it in his pocket and did not get up. “I think I shall be ready on the twenty-sixth.”",
                ORNAMENT,
                "They hung the greenery and roasted the goose and sang until Hannah banged on the ceiling with a broom, and afterwards, when the younger girls were asleep, Jo and Laurie sat on the back step in their coats and watched the stars come out over the buried garden.",
                "“This has been the best Christmas I can remember,” said Laurie.",
                "“It isn’t Christmas yet,” said Jo.",
                "“It is in eleven minutes.”",
                "Jo leaned against his shoulder, companionably, the way she might have leaned against a gatepost or a brother. “Then we shall just have to wait,” she said, “and see if it lives up to the rest.”",
            ),
        ),
    ),
)

TOAD_ACCOUNTS = SampleWork(
    work_id=71000009,
    title="Toad Hall Accounts, Audited",
    authors=("bankside",),
    fandoms=("The Wind in the Willows - Kenneth Grahame",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Badger & Toad",),
    characters=("Toad (Wind in the Willows)", "Badger (Wind in the Willows)"),
    freeforms=("Humor", "Money Problems", "Motor Cars"),
    summary="The Badger goes through Toad’s household accounts. There are a great many motor cars in them.",
    published="2024-03-12",
    complete=True,
    chapters_expected=1,
    kudos=95,
    hits=980,
    bookmarks=6,
    comments=4,
    state="deleted",
    chapters=(
        SampleChapter(
            paragraphs=(
                "The Badger sat at the great table in the library of Toad Hall with the household accounts open before him and his spectacles on the very end of his nose.",
                "“Item,” he read. “One motor car, red. Item, one motor car, also red, to replace the first. Item, one motor car, green, because red was unlucky.”",
                "“Green,” said Toad, from the depths of an armchair, “is a very restful colour.”",
                "“Item,” said the Badger, turning the page, “one pond, to be dredged, for the recovery of the green motor car.”",
                "Toad said nothing at all, which for Toad was very nearly an apology.",
            ),
        ),
    ),
)

SECOND_STAIN = SampleWork(
    work_id=71000010,
    title="A Stain on the Hearthrug",
    authors=("inkwell_and_fog",),
    fandoms=("Sherlock Holmes - Arthur Conan Doyle",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Mrs. Hudson & Sherlock Holmes",),
    characters=("Sherlock Holmes", "Mrs. Hudson", "John Watson"),
    freeforms=("Humor", "Domestic", "Chemistry Experiments"),
    summary="Mrs. Hudson has found something on the hearthrug. Holmes would rather not discuss it.",
    published="2024-03-14",
    complete=True,
    chapters_expected=1,
    kudos=150,
    hits=1320,
    bookmarks=10,
    comments=8,
    series=(("Baker Street Winters", 4100001, 2),),
    state="locked",
    chapters=(
        SampleChapter(
            paragraphs=(
                "“It was blue,” said Mrs. Hudson, “when I went up with the breakfast tray. By luncheon it was green. I should like to know, Mr. Holmes, what colour I may expect it to be by supper.”",
                "Holmes, who was lying on the sofa with his eyes closed, said that he could not possibly speculate in the absence of data.",
                "“Then I shall supply some,” said Mrs. Hudson, “in the form of the bill from the carpet-cleaner.”",
                "I retreated behind the Times and did not emerge until it was safe, which was some time after supper. The stain, for the record, was purple.",
            ),
        ),
    ),
)

COLLINS_SONNET = SampleWork(
    work_id=71000011,
    title="Mr. Collins Attempts a Sonnet",
    authors=("netherfield_gazette",),
    fandoms=("Pride and Prejudice - Jane Austen",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("F/M",),
    relationships=("Charlotte Lucas/William Collins",),
    characters=(
        "William Collins",
        "Charlotte Lucas",
        "Elizabeth Bennet",
        "Lady Catherine de Bourgh",
    ),
    freeforms=("Humor", "Poetry", "Marriage", "Lady Catherine Is Consulted"),
    summary="Mr. Collins wishes to write his wife a poem. He consults the proper authorities.",
    notes="Pure silliness. No rectors were harmed.",
    published="2024-03-15",
    complete=True,
    chapters_expected=1,
    kudos=244,
    hits=2205,
    bookmarks=19,
    comments=23,
    chapters=(
        SampleChapter(
            paragraphs=(
                "It had come to Mr. Collins’s attention, by way of a volume left behind at the parsonage by his cousin Elizabeth, that gentlemen of sensibility were in the habit of composing sonnets to their wives.",
                "He resolved at once to compose one, and, being a man of method, to compose it properly. He therefore consulted Lady Catherine.",
                "“A sonnet,” said Lady Catherine, “has fourteen lines. I have always said so. If I had ever learned to write poetry I should have been a great poet. Anne would have been, too, if her health had allowed it.”",
                "Mr. Collins wrote down fourteen on a slip of paper and thanked her ladyship with great sincerity for her guidance.",
                "Upon returning home he counted his lines and found that he had nineteen, of which eleven rhymed with Rosings.",
                "Charlotte found the poem on her pillow that evening. She read it twice, with an expression nobody was present to observe, and then she put it carefully into the drawer where she kept her letters from Elizabeth.",
                "“Did you like it, my dear?” asked Mr. Collins, hovering in the doorway.",
                "“Very much,” said Charlotte, and found, slightly to her own surprise, that it was not entirely untrue.",
            ),
        ),
    ),
)

MOCK_TURTLE = SampleWork(
    work_id=71000012,
    title="Moonrise at the Mock Turtle's Shore",
    authors=("tweedledee_writes",),
    fandoms=("Alice in Wonderland - Lewis Carroll",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("Gen",),
    relationships=("Alice & Mock Turtle",),
    characters=("Alice (Alice in Wonderland)", "Mock Turtle", "Gryphon"),
    freeforms=("Fluff", "Beaches", "Moonlight", "Songs"),
    summary="The Mock Turtle sings, the Gryphon falls asleep, and Alice watches the moon come up out of the sea.",
    published="2024-03-17",
    complete=True,
    chapters_expected=1,
    kudos=118,
    hits=990,
    bookmarks=14,
    comments=5,
    chapters=(
        SampleChapter(
            paragraphs=(
                "The sea at the Mock Turtle’s shore was the colour of weak tea, and the sand was warm, and the moon, when it rose, came up slowly and sideways, as though it were not sure it was wanted.",
                "“It always does that,” said the Gryphon, yawning. “Shy, you know. Been like it since it was a boy.”",
                "“Was the moon ever a boy?” asked Alice.",
                "“Everybody was, once,” said the Mock Turtle mournfully, “except those who were girls, and those who were turtles, and those who were not yet anything in particular.” And he sighed a deep sigh and began, without being asked, to sing.",
                STARS,
                "It was a long song, about a lobster who wanted to be a lighthouse and a lighthouse who wanted to be a lobster, and it went on so long that the Gryphon fell asleep against Alice’s shoulder, purring like a great feathered kettle.",
                "Alice did not mind. The moon had made up its mind at last and was climbing properly now, laying a path of silver on the tea-coloured water all the way to her feet.",
                "“That was lovely,” she said, when the song finally ended.",
                "The Mock Turtle looked so astonished that he nearly stopped being sad. “Do you think so?”",
                "“I do,” said Alice. “Sing it again?”",
                "And he did.",
            ),
        ),
    ),
)

IRENE = SampleWork(
    work_id=71000013,
    title="An Engagement at the Langham",
    authors=("bohemian_scandals",),
    fandoms=("Sherlock Holmes - Arthur Conan Doyle",),
    rating="Teen And Up Audiences",
    warnings=NO_WARNINGS,
    categories=("F/F",),
    relationships=("Irene Adler/Mary Morstan",),
    characters=("Irene Adler", "Mary Morstan", "Sherlock Holmes"),
    freeforms=("Alternate Universe - Canon Divergence", "Disguise", "Hotels", "Flirting"),
    summary="Irene Adler is back in London under another name. Mary Morstan sees through it in four minutes flat.",
    notes="Set before The Sign of Four. Mary is not yet engaged to anyone, and has opinions.",
    end_notes="Holmes, for the record, took eleven minutes.",
    published="2024-03-18",
    complete=True,
    chapters_expected=1,
    kudos=377,
    hits=3544,
    bookmarks=50,
    comments=29,
    chapters=(
        SampleChapter(
            paragraphs=(
                "The lady in the grey travelling dress called herself Mrs. Norton at the desk of the Langham Hotel, and Mrs. Norton in the tea room, and Mrs. Norton to the young woman who sat down at her table uninvited and asked if the seat was taken.",
                "“It is now,” said Mrs. Norton.",
                "“I’m Mary Morstan,” said the young woman. “I’m a governess. I notice things about people for a living, mostly whether they have hidden frogs in the piano. You have been an actress, you sing, you are not a widow, and you are not Mrs. Norton, or at least not only.”",
                ORNAMENT,
                "Irene Adler set down her teacup with great care. “That took you how long?”",
                "“About four minutes. It was the gloves. Nobody in mourning buys gloves that colour.”",
                "“Most people in London would not know that.”",
                "“Most people in London are not governesses,” said Mary. “We are poorly paid and very badly treated and there is nothing whatever to do in the evenings except look at people.”",
                ORNAMENT,
                "They took tea together the next day, and the day after that, and on the fourth day Irene said, with the air of a woman making a considerable concession, that Mary might call her by her name.",
                "“Which one?” said Mary.",
                "Irene laughed, properly, for the first time since she had come back to London. “Whichever you like best,” she said.",
            ),
        ),
    ),
)

THAMES = SampleWork(
    work_id=71000014,
    title="Moonlight on the Thames",
    authors=("inkwell_and_fog",),
    fandoms=("Sherlock Holmes - Arthur Conan Doyle",),
    rating="General Audiences",
    warnings=NO_WARNINGS,
    categories=("M/M",),
    relationships=("Sherlock Holmes/John Watson",),
    characters=("Sherlock Holmes", "John Watson"),
    freeforms=("Fluff", "Pining", "Rowing", "Night Walks"),
    summary="A case ends at two in the morning on Westminster Bridge. Neither of them is in a hurry to go home.",
    published="2024-03-21",
    complete=True,
    chapters_expected=1,
    kudos=498,
    hits=4480,
    bookmarks=73,
    comments=33,
    chapters=(
        SampleChapter(
            paragraphs=(
                "The case ended, as the best of them do, at an unreasonable hour and in an unexpected place: on the middle of Westminster Bridge, with the river running black beneath us and the policemen’s lanterns dwindling away towards the Embankment.",
                "“Well,” I said. “That is that.”",
                "“That is that,” Holmes agreed. He did not move. Neither did I.",
                HR,
                "The moon was up over Lambeth, very large and very yellow, and the water under the bridge had caught it and broken it into a thousand small pieces that kept trying to come together and failing.",
                "“We ought to find a cab,” I said.",
                "“We ought,” said Holmes. “There are none at this hour.”",
                "“Then we ought to walk.”",
                "“Presently.” He leaned his elbows on the parapet. After a moment I leaned beside him, close enough that our shoulders touched through two thicknesses of wool, and he did not move away, and neither did I, and the river went on breaking and remaking the moon beneath us until the sky over the city began, very faintly, to turn grey.",
            ),
        ),
    ),
)

WORKS: tuple[SampleWork, ...] = (
    LIGHTHOUSE,
    LETTER_UNSENT,
    TEA_AT_LONGBOURN,
    RIVER_KEPT,
    HATTER_INVENTORY,
    CARPATHIAN_LETTERS,
    CREATURE_READS,
    SNOWSTORM,
    TOAD_ACCOUNTS,
    SECOND_STAIN,
    COLLINS_SONNET,
    MOCK_TURTLE,
    IRENE,
    THAMES,
)

# --- the other listings: bookmarks and collections -----------------------------

# /users/<name>/bookmarks: (work id, the day it was bookmarked), newest first.
BOOKMARKS: dict[str, tuple[tuple[int, str], ...]] = {
    "marginalia": (
        (IRENE.work_id, "2024-04-12"),
        (SNOWSTORM.work_id, "2024-04-02"),
        (LIGHTHOUSE.work_id, "2024-03-20"),
    ),
}
# What a bookmarker added, by (user, work id): notes (paragraphs apart), tags, rec.
BOOKMARK_NOTES: dict[tuple[str, int], tuple[str, tuple[str, ...], bool]] = {
    ("marginalia", IRENE.work_id): (
        "Reread every winter.\n\nThe letter scene <still> gets me.",
        ("comfort read", "Reread"),
        True,
    ),
    ("marginalia", LIGHTHOUSE.work_id): ("", ("slow burn",), False),
}
# /collections/<name>/works: (title, work ids).
COLLECTIONS: dict[str, tuple[str, tuple[int, ...]]] = {
    "SampleArchiveWeek2024": (
        "Sample Archive Week 2024",
        (LETTER_UNSENT.work_id, TEA_AT_LONGBOURN.work_id, COLLINS_SONNET.work_id),
    ),
}

# --- what the demo and the tests search for ------------------------------------

DEMO_PHRASE = "the curious incident of the lighthouse keeper"
DEMO_PHRASE_WORK_ID = LIGHTHOUSE.work_id
DEMO_PHRASE_CHAPTER = 2  # 1-based
DEMO_CHARACTER = "Elizabeth Bennet"
DEMO_TAG = "Fluff"
IN_BODY_NOTE_WORK_ID = RIVER_KEPT.work_id  # its last paragraph is an "A/N:" note

_BY_ID = {w.work_id: w for w in WORKS}


def by_id(work_id: int) -> SampleWork:
    """The sample work with this id (KeyError if there is none)."""
    return _BY_ID[int(work_id)]
