"""A judged query set over the demo sample archive (search_cli/demo/sample_works.py).

The sample works are ours, so we can say what a reader meant. Each query lists
its relevant works, graded: 2 is what the reader was looking for, 1 is a work a
reader would be glad to see too. Works are named by their sample work id.
"""

from __future__ import annotations

LIGHTHOUSE, LETTER, LONGBOURN, RIVER, HATTER = 71000001, 71000002, 71000003, 71000004, 71000005
CARPATHIANS, CREATURE, SNOWSTORM, TOAD, STAIN = 71000006, 71000007, 71000008, 71000009, 71000010
COLLINS, TURTLE, LANGHAM, THAMES = 71000011, 71000012, 71000013, 71000014

HOLMES = {LIGHTHOUSE: 2, STAIN: 2, THAMES: 2, LANGHAM: 1}
AUSTEN = {LETTER: 2, LONGBOURN: 2, COLLINS: 2}

JUDGED: list[tuple[str, dict[int, int]]] = [
    # titles, as a reader half-remembers them
    ("keeper of scarra point", {LIGHTHOUSE: 2}),
    ("letter unsent", {LETTER: 2}),
    ("tea at longbourn", {LONGBOURN: 2}),
    ("what the river kept", {RIVER: 2}),
    ("hatter inventory", {HATTER: 2}),
    ("letters carpathians", {CARPATHIANS: 2}),
    ("creature learns to read", {CREATURE: 2}),
    ("four sisters snowstorm", {SNOWSTORM: 2}),
    ("toad hall accounts", {TOAD: 2}),
    ("stain on the hearthrug", {STAIN: 2}),
    ("collins sonnet", {COLLINS: 2}),
    ("mock turtle moonrise", {TURTLE: 2}),
    ("engagement at the langham", {LANGHAM: 2}),
    ("moonlight thames", {THAMES: 2}),
    # characters and ships
    ("holmes", HOLMES),
    ("sherlock holmes", HOLMES),
    ("mrs. hudson", {STAIN: 2, LIGHTHOUSE: 1}),
    ("elizabeth bennet", {LETTER: 2, LONGBOURN: 2, COLLINS: 1}),
    ("darcy", {LETTER: 2}),
    ("mina harker", {CARPATHIANS: 2}),
    ("irene adler", {LANGHAM: 2}),
    ("alice", {HATTER: 2, TURTLE: 2}),
    ("mole rat", {RIVER: 2}),
    ("badger toad", {TOAD: 2}),
    ("laurie", {SNOWSTORM: 2}),
    ("relationship:holmes/watson", {THAMES: 2}),
    ('relationship:"Holmes & Watson"', {LIGHTHOUSE: 2}),
    ('relationship:"Elizabeth/Darcy"', {LETTER: 2}),
    # fandoms and tags
    ("pride and prejudice", AUSTEN),
    ("wind in the willows", {RIVER: 2, TOAD: 2}),
    ("frankenstein", {CREATURE: 2}),
    ("dracula", {CARPATHIANS: 2}),
    ("little women", {SNOWSTORM: 2}),
    ("tag:epistolary", {LETTER: 2, CARPATHIANS: 2}),
    ("tag:humor", {HATTER: 2, TOAD: 2, STAIN: 2, COLLINS: 2}),
    ("found family", {CREATURE: 2, SNOWSTORM: 2}),
    ("sisters", {LONGBOURN: 2, SNOWSTORM: 2}),
    # what a story is about
    ("lighthouse keeper", {LIGHTHOUSE: 2}),
    ("rain", {LONGBOURN: 2}),
    ("snowed in christmas", {SNOWSTORM: 2}),
    ("motor cars", {TOAD: 2}),
    ("poem for his wife", {COLLINS: 2}),
    ("teacups", {HATTER: 2}),
    ("picnic oar", {RIVER: 2}),
    ("cornwall", {LIGHTHOUSE: 2}),
    ("westminster bridge", {THAMES: 2}),
    ("alphabet", {CREATURE: 2}),
    ("moon sea gryphon", {TURTLE: 2}),
    # creators, weighed as AO3 weighs them: below titles, above tags and text
    ("marginalia", {LETTER: 2, LONGBOURN: 2}),
    ("bankside", {RIVER: 2, TOAD: 2}),
    ("inkwell_and_fog", {LIGHTHOUSE: 2, STAIN: 2, THAMES: 2}),
    ("tweedledee_writes moonrise", {TURTLE: 2}),
    ("by:marginalia rain", {LONGBOURN: 2}),
    # a word in one work's title and in other works' tags or text: the title first
    ("moonlight", {THAMES: 2, TURTLE: 1}),
    ("tea", {LONGBOURN: 2, HATTER: 1}),
    ("river", {RIVER: 2, THAMES: 1}),
    # tags a reader types as words
    ("night walks", {THAMES: 2}),
    ("chemistry experiments", {STAIN: 2}),
    ("hotels disguise", {LANGHAM: 2}),
    ("tea parties", {HATTER: 2}),
    ("money problems", {TOAD: 2}),
]
