"""crawler/sites/css.py selects what soupsieve selects: every selector the adapters
that use it write, on every saved real page and on the demo's generated AO3 pages, from the
document and from its subtrees, the same elements in the same order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from crawler.sites import css
from crawler.sites.base import soup
from search_cli.demo import ao3_markup
from search_cli.demo.generated import generate_works
from tests.conftest import SHARED_FIXTURES, shared_fixture

SITES = Path(__file__).resolve().parent.parent / "crawler" / "sites"
LITERAL = re.compile(r"""select(?:_one)?\((?:\w+, )?\s*f?("[^"]+"|'[^']+')""")
# The f-string selectors, as the adapters fill them in.
AO3_FIELDS = ("rating warning category fandom relationship character freeform language "
              "series collections stats chapters words kudos hits bookmarks comments status "
              "published").split()  # fmt: skip


def adapter_selectors() -> list[str]:
    found: set[str] = set()
    for path in SITES.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "from crawler.sites.css import" not in source:
            continue  # soupsieve's own select: nothing to compare
        for m in LITERAL.finditer(source):
            text = m.group(1)[1:-1]
            if "{cls}" in text:
                found.update(text.replace("{cls}", f) for f in AO3_FIELDS)
            elif "{" not in text and not text.rstrip().endswith(","):  # not a joined half
                found.add(text)
    return sorted(found)


SELECTORS = adapter_selectors()
EXTRA = [  # what the adapters do not use today, but the grammar reads
    "div > p", "a[href^='http']", "a[href$='.html']", "a[class~=tag]", "[id]", "p.a.b",
    "blockquote div p", "ul li a", "a[rel=AUTHOR]", "a[href=\"\"]", "div.x > p, p.y",
]  # fmt: skip


def pages() -> list[tuple[str, BeautifulSoup]]:
    if not SHARED_FIXTURES.exists():
        shared_fixture("ao3")  # skips, saying why
    found = [(str(p), soup(p.read_bytes())) for p in sorted(SHARED_FIXTURES.rglob("*.htm*"))]
    works = generate_works(20)
    for work in works[:3]:
        found.append((str(work.work_id), soup(ao3_markup.work_page(work).encode())))
    listing = ao3_markup.listing_page("Tag", works, 1, 20)
    found.append(("generated listing", soup(listing.encode())))
    return found


@pytest.fixture(scope="module")
def docs() -> list[tuple[str, BeautifulSoup]]:
    return pages()


def test_the_adapters_selectors_are_found_and_compiled() -> None:
    assert len(SELECTORS) > 40  # the scan found the adapters' selectors
    assert "h3.byline a[rel=author]" in SELECTORS
    ao3 = (SITES / "ao3.py").read_text(encoding="utf-8")
    for text in re.findall(r"""select(?:_one)?\(\w+, "([^"{]+)"\)""", ao3):
        assert css._compiled(text) is not None, text  # AO3's own never falls back


@pytest.mark.parametrize("selector", SELECTORS + EXTRA)
def test_select_matches_soupsieve_on_every_page(selector: str, docs) -> None:
    for name, doc in docs:
        want = doc.select(selector)
        got = css.select(doc, selector)
        assert [id(t) for t in got] == [id(t) for t in want], (name, selector)
        assert css.select_one(doc, selector) is (want[0] if want else None)
        if "ao3" not in name and "/" in name:
            continue  # subtrees: on AO3's pages (saved and generated), whose selectors these are
        for root in (want[:2] + doc.find_all(["dl", "li", "blockquote"], limit=3))[:4]:
            inner = root.select(selector)
            assert [id(t) for t in css.select(root, selector)] == [id(t) for t in inner], (
                name,
                selector,
                root.name,
            )


def test_what_the_grammar_does_not_read_goes_to_soupsieve() -> None:
    doc = soup(b"<ul><li class='a'>1</li><li>2</li></ul>")
    for selector in ("li:not(.a)", "li + li", "ul > li:first-child", "li ~ li"):
        assert css._compiled(selector) is None
        assert css.select(doc, selector) == doc.select(selector)
