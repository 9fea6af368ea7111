"""Exporters: every format keeps the story text, notes and scene breaks; EPUBs validate.

Texts here are written for these tests (no fixture text is copied).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from crawler.errors import ExportError
from crawler.models import Block, Chapter, Note, Work, WorkMeta
from search_cli.export import FORMATS, ExportSkipped, export_anthology, export_work
from search_cli.export.markdown import md_escape
from tests.epubcheck import assert_clean

PARAS_1 = [
    "The ferry left the harbour before the gulls woke.",
    "Mira counted the crates twice, then a third time for luck.",
]
PARAS_2 = [
    "Rain found every gap in the old tarpaulin.",
    "By evening the lantern was the only warm thing on deck.",
]
NOTE_BEFORE = "This chapter was written on a train with a dying laptop."
NOTE_AFTER = "Thank you to everyone who left a comment on part one."
WORK_NOTE = "A gift for a friend who loves boats."
WORK_END_NOTE = "The sequel is planned for the spring."
SUMMARY = "Two sisters, one ferry, and a storm nobody forecast."

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML_NS = {"x": "http://www.w3.org/1999/xhtml"}


def make_work(work_id: str = "ao3:1234567", title: str = "The Night Ferry", **meta: object) -> Work:
    return Work(
        id=work_id,
        site=work_id.split(":")[0],
        url=f"https://archiveofourown.org/works/{work_id.split(':')[-1]}",
        meta=WorkMeta(
            title=title,
            authors=["tidewriter"],
            fandoms=["Original Work"],
            rating="Teen And Up Audiences",
            warnings=["No Archive Warnings Apply"],
            categories=["Gen"],
            relationships=["Mira & Sela"],
            characters=["Mira", "Sela"],
            tags=["Sisters", "Storms"],
            language="English",
            chapters_total=2,
            published="2022-06-01",
            updated="2022-07-15",
            series=[{"name": "Harbour Stories", "id": "55", "part": 2}],
            **meta,  # type: ignore[arg-type]
        ),
        summary=SUMMARY,
        notes=[
            Note("work_note", "before", WORK_NOTE),
            Note("work_end_note", "after", WORK_END_NOTE),
        ],
        chapters=[
            Chapter(
                1,
                "Departure",
                [
                    Block("paragraph", PARAS_1[0]),
                    Block("scene_break"),
                    Block("paragraph", PARAS_1[1]),
                ],
                [Note("author_note", "before", NOTE_BEFORE)],
            ),
            Chapter(
                2,
                "Chapter 2: Weather",
                [
                    Block("paragraph", PARAS_2[0]),
                    Block("scene_break"),
                    Block("paragraph", PARAS_2[1]),
                ],
                [Note("end_note", "after", NOTE_AFTER)],
            ),
        ],
    )


def output_text(path: Path) -> str:
    """All the text a reader would see; for an EPUB, the XHTML files joined."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    return path.read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.split())


# -- EPUB structure -----------------------------------------------------------------------


def read_opf(z: zipfile.ZipFile) -> tuple[str, etree._Element]:
    container = etree.fromstring(z.read("META-INF/container.xml"))
    opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    return opf_path, etree.fromstring(z.read(opf_path))


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


def nasty_work() -> Work:
    """Hostile and awkward input: controls, bidi, markup, empty and missing pieces."""
    work = make_work(
        work_id="efiction:fics.example.org:42", title="A <b>bold</b> & \x1b[31mred\u202e title"
    )
    work.meta.language = "Deutsch"
    work.meta.published = "last tuesday"
    work.meta.authors = ["", "A&B <co>"]
    work.summary = "Summary with ]]> and \x00 nul and <script>alert(1)</script>"
    work.chapters.append(Chapter(3, "", []))
    work.chapters.append(Chapter(4, "Image & list", [
        Block("image", "https://example.org/x.png"),
        Block("list_item", "first"), Block("list_item", "second"),
        Block("quote", "a quoted\nline"), Block("preformatted", "  code <x>"),
        Block("heading", "Interlude"), Block("mystery", "unknown block type"),
    ]))  # fmt: skip
    return work


def test_epubcheck_reports_no_errors_or_warnings(tmp_path: Path) -> None:
    assert_clean(export_work(make_work(), "epub", tmp_path))
    assert_clean(export_work(nasty_work(), "epub", tmp_path))
    both = [make_work(), nasty_work()]
    assert_clean(export_anthology(both, "epub", tmp_path / "list.epub", notes=False))


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


# -- every format -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_paragraph_note_and_scene_break_survives(tmp_path: Path, fmt: str) -> None:
    raw = output_text(export_work(make_work(), fmt, tmp_path))
    text = squash(raw)
    for para in PARAS_1 + PARAS_2:
        assert para in text
    for note in (NOTE_BEFORE, NOTE_AFTER, WORK_NOTE, WORK_END_NOTE, SUMMARY):
        assert note in text
    breaks = {
        "epub": 'class="scene-break"',
        "html": 'class="scene-break"',
        "md": "\n* * *\n",
        "txt": "\n" + " " * 33 + "* * *\n",
        "json": '"type": "scene_break"',
    }[fmt]
    assert raw.count(breaks) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_notes_false_leaves_notes_out_but_keeps_summary(tmp_path: Path, fmt: str) -> None:
    text = squash(output_text(export_work(make_work(), fmt, tmp_path, notes=False)))
    for note in (NOTE_BEFORE, NOTE_AFTER, WORK_NOTE, WORK_END_NOTE):
        assert note not in text
    assert SUMMARY in text
    assert PARAS_2[1] in text


def test_notes_stand_where_they_stood(tmp_path: Path) -> None:
    text = squash(output_text(export_work(make_work(), "txt", tmp_path)))
    assert text.index("[Author's note] " + NOTE_BEFORE) < text.index(PARAS_1[0])
    assert text.index(PARAS_2[1]) < text.index("[End notes] " + NOTE_AFTER)
    assert text.index(NOTE_AFTER) < text.index(WORK_END_NOTE)
    md = output_text(export_work(make_work(), "md", tmp_path))
    assert f"> **Author's note:** {md_escape(NOTE_BEFORE)}" in md


def test_html_escapes_markup_and_loads_nothing(tmp_path: Path) -> None:
    work = make_work(title="<script>alert(1)</script>")
    work.chapters[0].blocks.append(Block("paragraph", "<script>alert(1)</script> and more"))
    work.chapters[0].blocks.append(Block("paragraph", "<img src=x onerror=alert(1)>"))
    work.chapters[0].blocks.append(Block("image", "https://example.org/tracker.png"))
    work.chapters[0].notes.append(Note("disclaimer", "before", "<iframe src=//evil>"))
    html = output_text(export_work(work, "html", tmp_path))
    lowered = html.lower()
    for bad in ("<script", "<img", "<iframe"):
        assert bad not in lowered
    assert re.search(r"<[^>]*\b(src|onerror)=", lowered) is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and more" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[Image: https://example.org/tracker.png]" in html
    assert "Content-Security-Policy" in html and "<style>" in html
    assert re.search(r"<(link|iframe|object|embed)\b", lowered) is None
    etree.fromstring(html.split("\n", 1)[1].encode())  # well-formed XHTML too


def test_markdown_escapes_line_starts_in_story_text(tmp_path: Path) -> None:
    work = make_work()
    work.chapters[0].blocks = [
        Block("paragraph", "* * *"),
        Block("paragraph", "# 1"),
        Block("paragraph", "1. not a list"),
        Block("paragraph", "> not a quote"),
        Block("paragraph", "- not a bullet"),
        Block("scene_break"),
    ]
    md = output_text(export_work(work, "md", tmp_path))
    lines = md.splitlines()
    for literal in (r"\* \* \*", r"\# 1", r"1\. not a list", r"\> not a quote", r"\- not a bullet"):
        assert literal in lines
    assert lines.count("* * *") == 2  # the real breaks: one per chapter
    assert "# 1" not in lines


def test_json_is_the_show_json_shape(tmp_path: Path) -> None:
    work = make_work()
    data = json.loads(export_work(work, "json", tmp_path).read_text(encoding="utf-8"))
    assert data == work.to_dict()
    bare = json.loads(export_work(work, "json", tmp_path / "bare", notes=False).read_text())
    assert bare["notes"] == [] and all(c["notes"] == [] for c in bare["chapters"])
    assert bare["summary"] == SUMMARY


def test_json_lines_anthology_has_one_work_per_line(tmp_path: Path) -> None:
    works = [make_work(), make_work("ffn:9", "Line\u2028Separator")]
    path = export_anthology(works, "json", tmp_path / "all.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["ao3:1234567", "ffn:9"]


@pytest.mark.parametrize("fmt", ["html", "md", "txt"])
def test_text_anthologies_hold_both_works_in_order(tmp_path: Path, fmt: str) -> None:
    works = [make_work(), make_work("ffn:9", "Lighthouse Keeping")]
    text = squash(output_text(export_anthology(works, fmt, tmp_path / f"all.{fmt}")))
    assert text.index("The Night Ferry") < text.index("Lighthouse Keeping")
    assert text.count(PARAS_2[1]) == 2


# -- files on disk ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "CON", "nul.txt", "\x1b[31mred\x1b[0m", "evil\u202egpj.exe", "x" * 10_000],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_titles_stay_inside_out_dir(tmp_path: Path, title: str, fmt: str) -> None:
    work = make_work(title=title)
    work.meta.authors = []
    path = export_work(work, fmt, tmp_path)
    assert path.parent == tmp_path and path.exists()
    assert len(path.name) <= 150 and path.name.endswith(f" (ao3-1234567).{fmt}")
    assert "\x1b" not in path.name and "\u202e" not in path.name and ".." not in path.name
    assert path.name.split(".")[0].upper() not in {"CON", "NUL"}


def test_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    work = make_work()
    path = export_work(work, "txt", tmp_path)
    path.write_text("my own edits", encoding="utf-8")
    with pytest.raises(ExportSkipped, match=r"^exists: .* \(use --overwrite\)$"):
        export_work(work, "txt", tmp_path)
    assert path.read_text(encoding="utf-8") == "my own edits"
    assert export_work(work, "txt", tmp_path, overwrite=True) == path
    assert PARAS_1[0] in path.read_text(encoding="utf-8")
    anthology = tmp_path / "all.md"
    anthology.write_text("kept", encoding="utf-8")
    with pytest.raises(ExportSkipped):
        export_anthology([work], "md", anthology)
    assert anthology.read_text(encoding="utf-8") == "kept"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ficarchive-")]


def test_same_title_gets_distinct_names_in_one_run(tmp_path: Path) -> None:
    taken: set[str] = set()
    a = export_work(make_work(), "html", tmp_path, taken=taken)
    b = export_work(make_work(), "html", tmp_path, taken=taken)  # same id, same title
    c = export_work(make_work("ao3:99"), "html", tmp_path, taken=taken)
    assert len({a, b, c}) == 3
    assert b.name == "tidewriter - The Night Ferry (ao3-1234567) (2).html"
    assert taken == {a.name, b.name, c.name}


def test_unknown_format_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export_work(make_work(), "pdf", tmp_path)
    with pytest.raises(ExportError, match="empty"):
        export_anthology([], "epub", tmp_path / "x.epub")


def test_unwritable_target_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="cannot write"):
        export_work(make_work(), "txt", blocker)
