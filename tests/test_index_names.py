"""Characters and relationships found the way readers name them."""

from __future__ import annotations

import pytest

from index.store import Store
from index.whoosh.names import character_keys, query_relationship_keys, relationship_keys
from index.whoosh.writer import Indexer
from tests.searching import search
from tests.test_index_search import work


def test_keys():
    assert character_keys("Faye Valentine") == ["faye valentine", "faye v"]
    assert character_keys("Faye V.") == ["faye v"]
    assert "necrolord prime" in character_keys("John Gaius | Necrolord Prime")
    assert character_keys("Gideon the First (Locked Tomb Series)")[0] == "gideon the first"
    assert "faye/spike" in relationship_keys("Spike Spiegel/Faye Valentine")
    assert "faye/spike" in query_relationship_keys("Faye/Spike")
    assert "faye&spike" not in relationship_keys("Spike Spiegel/Faye Valentine")
    assert query_relationship_keys("Faye") is None


WORKS = [
    work(
        "ao3:1",
        "Bebop Blues",
        [["The ship hummed."]],
        characters=["Faye Valentine", "Spike Spiegel"],
        relationships=["Spike Spiegel/Faye Valentine"],
    ),  # fmt: skip
    work(
        "ffn:2",
        "Red Eye",
        [["Jet fixed the bonsai."]],
        characters=["Faye V.", "Jet B."],
        relationships=["Faye V./Jet B."],
    ),  # fmt: skip
    work(
        "ao3:3",
        "Crew",
        [["They ate bell peppers."]],
        characters=["Spike Spiegel", "Faye Valentine"],
        relationships=["Faye Valentine & Spike Spiegel"],
    ),  # fmt: skip
    work("ao3:4", "Tomb", [["Bones."]], characters=["John Gaius | Necrolord Prime"]),
    work("file:aaaaaaaaaaaa", "Untagged", [["Faye Valentine lit a cigarette and lost at cards."]]),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("names")
    with Store(path) as store:
        for w in WORKS:
            store.save_work(w)
        Indexer(path).update(WORKS)
        yield path, store


def ids(path, store, query="", **filters):
    in_text = filters.pop("in_text", False)
    return sorted(
        h.id for h in search(path, query, filters=filters, store=store, in_text=in_text).hits
    )


def test_one_name_finds_the_full_tag(archive):
    assert ids(*archive, "character:spike") == ["ao3:1", "ao3:3"]


def test_ffn_short_names_and_ao3_full_names_are_one_character(archive):
    expected = ["ao3:1", "ao3:3", "ffn:2"]
    assert ids(*archive, 'character:"faye valentine"') == expected
    assert ids(*archive, character=["Faye Valentine"]) == expected
    assert ids(*archive, character=["Faye V."]) == expected


def test_alias_either_side(archive):
    assert ids(*archive, character=["Necrolord Prime"]) == ["ao3:4"]
    assert ids(*archive, character=["John Gaius"]) == ["ao3:4"]


def test_relationships_either_order_and_kind_kept(archive):
    assert ids(*archive, relationship=["Faye/Spike"]) == ["ao3:1"]
    assert ids(*archive, relationship=["Spike/Faye"]) == ["ao3:1"]
    assert ids(*archive, 'relationship:"Faye & Spike"') == ["ao3:3"]
    assert ids(*archive, relationship=["Faye Valentine/Jet Black"]) == ["ffn:2"]
    assert ids(*archive, "relationship:faye") == ["ao3:1", "ao3:3", "ffn:2"]


def test_untagged_work_found_by_name_in_text_only_when_asked(archive):
    assert "file:aaaaaaaaaaaa" not in ids(*archive, character=["Faye Valentine"])
    assert "file:aaaaaaaaaaaa" in ids(*archive, character=["Faye Valentine"], in_text=True)
