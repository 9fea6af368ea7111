"""search_cli/export/epub.py: a valid EPUB 3 with spine, nav and title page; epubcheck is clean.

Texts here are written for these tests (no fixture text is copied).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from search_cli.export import export_anthology, export_work
from tests import epubcheck
from tests.epubcheck import assert_clean
from tests.export_works import make_work, nasty_work

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML_NS = {"x": "http://www.w3.org/1999/xhtml"}


def read_opf(z: zipfile.ZipFile) -> tuple[str, etree._Element]:
    container = etree.fromstring(z.read("META-INF/container.xml"))
    opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    return opf_path, etree.fromstring(z.read(opf_path))


def epub_pages(path: Path) -> dict[str, etree._Element]:
    """The book's XHTML files by name (without the OPF folder), parsed."""
    with zipfile.ZipFile(path) as z:
        opf_path, _ = read_opf(z)
        base = opf_path.rsplit("/", 1)[0] + "/"
        return {
            n.removeprefix(base): etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.endswith(".xhtml")
        }


def test_epub_is_a_valid_zip_with_opf_spine_and_nav(tmp_path: Path) -> None:
    work = make_work()
    path = export_work(work, "epub", tmp_path, archived_at="2024-05-01")
    assert (
        path.parent == tmp_path and path.name == "tidewriter - The Night Ferry (ao3-1234567).epub"
    )
    with zipfile.ZipFile(path) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        opf_path, opf = read_opf(z)
        base = opf_path.rsplit("/", 1)[0] + "/"
        assert opf.xpath("//dc:title/text()", namespaces=OPF_NS) == ["The Night Ferry"]
        assert opf.xpath("//dc:language/text()", namespaces=OPF_NS) == ["en"]
        uid = opf.get("unique-identifier")
        ident = opf.xpath(f"//dc:identifier[@id='{uid}']/text()", namespaces=OPF_NS)
        assert ident == ["urn:ficarchive:ao3:1234567"]
        manifest = {
            i.get("id"): i.get("href")
            for i in opf.xpath("//opf:manifest/opf:item", namespaces=OPF_NS)
        }
        spine = [
            manifest[r] for r in opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=OPF_NS)
        ]
        assert spine == ["title.xhtml", "nav.xhtml", "chapter_001.xhtml", "chapter_002.xhtml"]
        nav_href = opf.xpath("//opf:item[@properties='nav']/@href", namespaces=OPF_NS)[0]
        nav = etree.fromstring(z.read(base + nav_href))
        entries = nav.xpath("//x:nav[@role='doc-toc']//x:a", namespaces=XHTML_NS)
        assert [a.text for a in entries] == ["Chapter 1: Departure", "Chapter 2: Weather"]
        assert [a.get("href") for a in entries] == ["chapter_001.xhtml", "chapter_002.xhtml"]
        ncx = z.read(base + "toc.ncx").decode()
        assert ncx.count("<navPoint") == 2
        title_page = z.read(base + "title.xhtml").decode()
        css = z.read(base + "style/book.css").decode()
    assert "Part 2 of Harbour Stories" in title_page and "2024-05-01" in title_page
    assert "serif" in css and "color" not in css


def test_epub_title_page_holds_every_metadata_field(tmp_path: Path) -> None:
    path = export_work(make_work(), "epub", tmp_path, archived_at="2024-05-01")
    page = epub_pages(path)["title.xhtml"]
    labels = page.xpath("//x:dl[@class='meta']/x:dt/text()", namespaces=XHTML_NS)
    values = ["".join(dd.itertext()) for dd in page.xpath("//x:dd", namespaces=XHTML_NS)]
    meta = dict(zip(labels, values, strict=True))
    assert meta == {
        "Authors": "tidewriter",
        "Fandoms": "Original Work",
        "Rating": "Teen And Up Audiences",
        "Warnings": "No Archive Warnings Apply",
        "Categories": "Gen",
        "Relationships": "Mira & Sela",
        "Characters": "Mira, Sela",
        "Tags": "Sisters, Storms",
        "Series": "Part 2 of Harbour Stories",
        "Language": "English",
        "Words": "39",
        "Chapters": "2/2",
        "Status": "Complete",
        "Published": "2022-06-01",
        "Updated": "2022-07-15",
        "Source": "https://archiveofourown.org/works/1234567",
        "ID": "ao3:1234567",
        "Archived": "2024-05-01",
    }
    link = page.xpath("//x:dd/x:a/@href", namespaces=XHTML_NS)
    assert link == ["https://archiveofourown.org/works/1234567"]


def test_epub_scene_breaks_are_centred_ornaments_and_notes_styled_asides(tmp_path: Path) -> None:
    pages = epub_pages(export_work(make_work(), "epub", tmp_path))
    with zipfile.ZipFile(next(tmp_path.glob("*.epub"))) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    assert re.search(r"p\.scene-break \{[^}]*text-align: center", css)
    assert re.search(r"aside\.note \{[^}]*border-left", css)
    one = pages["chapter_001.xhtml"]
    body = one.xpath("//x:section/*", namespaces=XHTML_NS)
    kinds = [(el.tag.split("}")[1], el.get("class")) for el in body]
    # heading, the note that stood before the text, paragraph, ornament, paragraph
    assert kinds == [
        ("h2", None), ("aside", "note note-author_note"),
        ("p", None), ("p", "scene-break"), ("p", None),
    ]  # fmt: skip
    assert body[3].text == "◊ ◊ ◊"
    two = pages["chapter_002.xhtml"].xpath("//x:section/*", namespaces=XHTML_NS)
    # the chapter's end note, then (last chapter) the work's end note, after the text
    assert [el.get("class") for el in two[-2:]] == ["note note-end_note", "note note-work_end_note"]
    bare = epub_pages(export_work(make_work(), "epub", tmp_path / "bare", notes=False))
    classes = [el.get("class") for p in bare.values() for el in p.iter("{*}aside")]
    assert classes == ["note note-summary"]  # the summary is metadata, kept without notes


def test_epubcheck_reports_no_errors_or_warnings(tmp_path: Path) -> None:
    assert_clean(export_work(make_work(), "epub", tmp_path))
    assert_clean(export_work(nasty_work(), "epub", tmp_path))
    both = [make_work(), nasty_work()]
    assert_clean(export_anthology(both, "epub", tmp_path / "list.epub", notes=False))


def test_epubcheck_catches_a_broken_book_and_then_passes_a_good_one(tmp_path: Path) -> None:
    """The checker the tests share (one JVM, many books) fails a bad book, forgets it after."""
    epubcheck.command_or_skip()
    good = export_work(make_work(), "epub", tmp_path)
    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(bad, "w") as out:
        for name in z.namelist():  # the mimetype first and stored, as in the good book
            data = z.read(name)
            if name.endswith(".opf"):
                data = data.replace(b"<dc:title", b"<dc:bogus>x</dc:bogus><dc:title", 1)
            out.writestr(z.getinfo(name), data)
    clean, report = epubcheck.check(bad)
    assert not clean and "dc:bogus" in report, report
    clean, report = epubcheck.check(good)
    assert clean and "dc:bogus" not in report, report


def test_epub_of_a_work_without_chapters_is_valid(tmp_path: Path) -> None:
    work = make_work()
    work.chapters = []
    assert_clean(export_work(work, "epub", tmp_path))


def test_epub_language_mapped_from_site_name(tmp_path: Path) -> None:
    with zipfile.ZipFile(export_work(nasty_work(), "epub", tmp_path)) as z:
        _, opf = read_opf(z)
    assert opf.xpath("//dc:language/text()", namespaces=OPF_NS) == ["de"]
    assert opf.xpath("//dc:date", namespaces=OPF_NS) == []  # "last tuesday" is not a date


def test_anthology_epub_nav_nests_works_and_chapters(tmp_path: Path) -> None:
    one, two = make_work(), make_work("ffn:777", "Lighthouse Keeping")
    path = export_anthology([one, two], "epub", tmp_path / "list.epub", title="Sea stories")
    with zipfile.ZipFile(path) as z:
        opf_path, opf = read_opf(z)
        base = opf_path.rsplit("/", 1)[0] + "/"
        nav = etree.fromstring(z.read(base + "nav.xhtml"))
    assert opf.xpath("//dc:title/text()", namespaces=OPF_NS) == ["Sea stories"]
    top = nav.xpath("//x:nav[@role='doc-toc']/x:ol/x:li", namespaces=XHTML_NS)
    assert [li.xpath("./x:a/text()", namespaces=XHTML_NS)[0] for li in top] == [
        "The Night Ferry",
        "Lighthouse Keeping",
    ]
    for li in top:
        nested = li.xpath("./x:ol/x:li/x:a/text()", namespaces=XHTML_NS)
        assert nested == ["Chapter 1: Departure", "Chapter 2: Weather"]
