"""`import` of EPUBs: FanFicFare's (real sample in ../shared/fixtures/epub), ficarchive's
own (a round trip), and any other EPUB as a generic work."""

from __future__ import annotations

import io
import zipfile

import pytest

from crawler.config import load_config
from index.archive import Archive
from search_cli.export import render
from tests.conftest import shared_fixture

CONFIG = '[archive]\npath = "{path}"\n'


def _archive(tmp_path, name: str) -> Archive:
    cfg = tmp_path / f"{name}.toml"
    cfg.write_text(CONFIG.format(path=name))
    return Archive(load_config(cfg))


def test_fanficfare_epub_from_ao3_gets_the_ao3_id(tmp_path):
    path = shared_fixture("epub/fff_epub_from_ao3_19153414_like_fire_and_water.epub")
    with _archive(tmp_path, "a") as archive:
        report = archive.import_paths([path])
        assert [(o.id, o.result) for o in report.outcomes] == [("ao3:19153414", "new")]
        work = archive.store.get_work("ao3:19153414")
        assert work.meta.title == "Like Fire and Water"
        assert work.meta.authors == ["sussexbound"]
        assert work.meta.fandoms == ["Good Omens - Neil Gaiman & Terry Pratchett"]
        assert work.meta.rating == "Teen And Up Audiences"
        assert "Aziraphale (Good Omens)" in work.meta.characters
        assert work.url == "https://archiveofourown.org/works/19153414"
        assert len(work.chapters) == 1 and work.chapters[0].title == "Like Fire and Water"
        text = " ".join(b.text for b in work.chapters[0].blocks)
        assert "Crowley" in text and "Packaged:" not in text and "Story URL" not in text
        assert "Author's Note" not in text  # FanFicFare's copy of the note is a note
        assert any("dip my toe" in n.text for n in work.chapters[0].notes)
        assert "Aziraphale sits up beside him" in work.summary
        again = archive.import_paths([path]).outcomes[0]
        assert (again.id, again.result) == ("ao3:19153414", "unchanged")


def _normal(work):
    m = work.meta
    meta = (m.title, m.authors, m.fandoms, m.rating, m.warnings, m.relationships,
            m.characters, m.tags, m.language, m.status, m.published, m.updated)  # fmt: skip
    chapters = [
        (c.number, c.title, [(b.kind, b.text) for b in c.blocks],
         [(n.kind, n.position, n.text) for n in c.notes])
        for c in work.chapters
    ]  # fmt: skip
    notes = [(n.kind, n.position, n.text) for n in work.notes]
    return work.id, work.url, meta, " ".join(work.summary.split()), chapters, notes


def test_epub_round_trip_gives_back_the_same_work(tmp_path):
    page = shared_fixture("ao3/ao3_work_multichapter_full_view_explicit.html")
    with _archive(tmp_path, "first") as first:
        first.import_paths([page])
        work = first.store.get_work("ao3:20907563")
    book = tmp_path / "out" / "work.epub"
    book.parent.mkdir()
    book.write_bytes(render(work, "epub"))
    with _archive(tmp_path, "second") as second:
        outcome = second.import_paths([book]).outcomes[0]
        assert (outcome.id, outcome.result) == ("ao3:20907563", "new"), outcome
        back = second.store.get_work("ao3:20907563")
        # the stored raw page is the EPUB: a rebuild reads it with the EPUB reader again
        (rebuilt,) = second.rebuild().outcomes
        assert rebuilt.result == "unchanged", rebuilt
    assert _normal(back) == _normal(work)


def _generic_epub() -> bytes:
    """A minimal EPUB 2 no site made: Dublin Core metadata, two chapters in spine order."""
    opf = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">isbn-0000</dc:identifier><dc:title>The Lighthouse Keeper</dc:title>
<dc:creator>A. Writer</dc:creator><dc:language>en</dc:language></metadata>
<manifest><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/>
<item id="a" href="a.xhtml" media-type="application/xhtml+xml"/>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/></manifest>
<spine toc="ncx"><itemref idref="a"/><itemref idref="b"/></spine></package>"""
    page = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>{t}</title></head><body><h2>{t}</h2><p>{p}</p></body></html>")  # fmt: skip
    container = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
                 'opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" '
                 'media-type="application/oebps-package+xml"/></rootfiles></container>')  # fmt: skip
    ncx = ('<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" '
           'version="2005-1"><head/><docTitle><text>x</text></docTitle><navMap/></ncx>')  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container)
        z.writestr("content.opf", opf)
        z.writestr("toc.ncx", ncx)
        z.writestr("a.xhtml", page.format(t="The Lamp", p="The lamp was lit at dusk."))
        z.writestr("b.xhtml", page.format(t="The Storm", p="The storm came at midnight."))
    return buf.getvalue()


def test_any_other_epub_is_a_generic_work_in_spine_order(tmp_path):
    book = tmp_path / "keeper.epub"
    book.write_bytes(_generic_epub())
    with _archive(tmp_path, "g") as archive:
        outcome = archive.import_paths([book]).outcomes[0]
        assert outcome.id.startswith("file:") and outcome.result == "new", outcome
        work = archive.store.get_work(outcome.id)
    assert (work.meta.title, work.meta.authors) == ("The Lighthouse Keeper", ["A. Writer"])
    assert [c.title for c in work.chapters] == ["The Lamp", "The Storm"]
    assert [b.text for b in work.chapters[1].blocks] == ["The storm came at midnight."]


def test_a_broken_epub_fails_with_one_line(tmp_path):
    book = tmp_path / "broken.epub"
    book.write_bytes(b"PK\x03\x04 not really a zip")
    with _archive(tmp_path, "b") as archive:
        outcome = archive.import_paths([book]).outcomes[0]
    assert outcome.result == "failed" and "EPUB" in outcome.reason
    assert "\n" not in outcome.reason


@pytest.mark.parametrize("name", ["keeper.epub"])
def test_an_epub_in_a_folder_is_walked(tmp_path, name):
    (tmp_path / "lib" / "sub").mkdir(parents=True)
    (tmp_path / "lib" / "sub" / name).write_bytes(_generic_epub())
    with _archive(tmp_path, "w") as archive:
        report = archive.import_paths([tmp_path / "lib"])
    assert [o.result for o in report.outcomes] == ["new"]
