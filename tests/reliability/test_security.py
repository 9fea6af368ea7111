"""The crawler goes only where it was sent, and nothing from a source page acts on the reader:
no requests off the configured hosts, no cookies carried across, no active content in
exports, no terminal escapes or path tricks from story metadata.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from crawler.config import parse_config
from crawler.models import Block, Chapter, Note, Work, WorkMeta
from index.archive import Archive
from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.server import SampleArchiveServer
from tests.reliability.harness import ficarchive, write_config
from tests.servers import Reply, ScriptedServer

WORK = sample_works.LIGHTHOUSE
PAGE = ao3_markup.work_page(WORK, None)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def archiver(root: Path, ao3: str, text: str = "", starts: tuple[str, ...] = ()):
    """The pipeline for an AO3-shaped host (and a text site), as a crawl would build it."""
    sites = {"ao3": {"base_url": ao3, "delay_seconds": 0}}
    if text:
        sites["text"] = {"base_url": text, "delay_seconds": 0}
    sources = [{"name": "s", "site": "ao3", "start": list(starts)}] if starts else []
    config = parse_config(
        {
            "archive": {"path": str(root / "archive")},
            "politeness": {"delay_seconds": 0, "max_retries": 0},
            "sites": sites,
            "sources": sources,
        },
        root / "config.toml",
    )
    archive = Archive(config)
    return archive, archive.store


def listing(hrefs: list[str], next_url: str) -> bytes:
    blurbs = "".join(
        f'<li class="work blurb group"><div class="header module"><h4 class="heading">'
        f'<a href="{h}">Work {i}</a></h4></div></li>'
        for i, h in enumerate(hrefs, 1)
    )
    return (
        f'<html><head><meta http-equiv="refresh" content="0;url={next_url}"></head><body>'
        f'<ol class="work index group">{blurbs}</ol><ol class="pagination actions">'
        f'<li class="next"><a rel="next" href="{next_url}">Next</a></li></ol></body></html>'
    ).encode()


def test_the_crawler_never_leaves_the_configured_host(tmp_path):
    with ScriptedServer() as home, ScriptedServer() as other:
        good = Reply(200, HTML, PAGE.encode())
        home.route(
            "/robots.txt",
            Reply.robots(f"User-agent: *\nAllow: /\nSitemap: {other.url('/sitemap.xml')}\n"),
        )
        home.route(
            "/tags/x/works",
            Reply(200, HTML, listing(
                ["/works/1", other.url("/works/2"), "/works/3", "/works/4", "/works/5",
                 "/works/6", "/works/7", f"//127.0.0.1:{other.port}/works/8"],
                other.url("/tags/x/works?page=2"),
            )),
        )  # fmt: skip
        home.route("/works/1", good)
        home.route("/works/2", Reply.redirect(other.url("/works/2")))
        home.route("/works/3", Reply.redirect("file:///etc/passwd"))
        home.route("/works/4", Reply.redirect(f"http://localhost:{home.port}/works/4", 301))
        home.route(
            "/works/5", Reply.redirect(f"http://u:secret@127.0.0.1:{home.port}/works/5", 307)
        )
        home.route("/works/6", Reply.redirect("ftp://127.0.0.1/works/6"))
        home.route("/works/7", Reply.redirect("/works/7b"))  # same host: followed
        home.route("/works/7b", good)
        home.route("/works/8", Reply.redirect(f"http://[::1]:{home.port}/works/8", 308))
        starts = ("/tags/x/works", other.url("/tags/x/works"))
        arch, store = archiver(tmp_path, home.base_url, starts=starts)
        try:
            report = arch.crawl(arch.config.sources)
        finally:
            arch.close()
            store.close()
        assert other.log == [], "a request reached a host that is not configured"
        assert all(p.startswith(("/robots.txt", "/tags/x/works", "/works/")) for p in home.paths())
        results = {o.id: (o.result, o.reason) for o in report.outcomes}
        assert results["ao3:1"][0] == results["ao3:7"][0] == "new"
        for n in (2, 3, 4, 5, 6, 8):
            result, reason = results[f"ao3:{n}"]
            assert result == "failed", (n, reason)
            assert re.search(r"not a configured archive|only http\(s\)|credentials", reason), reason
        assert any(other.base_url in note for note in report.notes)  # the off-host start


# 127.0.0.1 on another port is another archive too, though RFC 6265 cookies are per host
# name, not per port: the crawler keeps no cookies at all (crawler/http.py).
@pytest.mark.parametrize("other_host", ["localhost", "127.0.0.1"])
def test_no_cookie_or_credential_goes_to_another_host(tmp_path, other_host):
    with ScriptedServer() as home, ScriptedServer() as other:
        cookies = {"Set-Cookie": "_otwarchive_session=SECRET; Path=/; HttpOnly"}
        home.route("/works/1", Reply(200, {**HTML, **cookies}, PAGE.encode()))
        other.route("/story.html", Reply(200, HTML, b"<html><body><p>A story.</p></body></html>"))
        arch, store = archiver(tmp_path, home.base_url, f"http://{other_host}:{other.port}")
        try:
            assert arch.add([home.url("/works/1")]).outcomes[0].result == "new"
            assert (
                arch.add([f"http://{other_host}:{other.port}/story.html"]).outcomes[0].result
                == "new"
            )
        finally:
            arch.close()
            store.close()
        sent = [r.headers for r in other.log]
        assert sent, "the other host was asked for its story"
        assert not any("cookie" in h or "authorization" in h for h in sent), sent


# --- exports ----------------------------------------------------------------------------

HOSTILE = """
<p>Before the storm.<script>alert('s1')</script></p>
<p onclick="alert('s2')" style="background:url(http://evil.example/bg.png)">Clickable lamp.</p>
<img src="http://evil.example/track.png" onerror="alert('s3')" alt="a lamp">
<p><a href="javascript:alert('s4')">a link</a> <a href="JaVa&#x09;ScRiPt:alert('s5')">tab</a></p>
<iframe src="http://evil.example/frame"></iframe>
<object data="http://evil.example/x.swf"></object><embed src="http://evil.example/x.swf">
<svg onload="alert('s6')"><image href="http://evil.example/i.svg"/></svg>
<form action="http://evil.example/post"><input name="q" value="x"><button>Go</button></form>
<style>body { background: url(http://evil.example/css.png) }</style>
<meta http-equiv="refresh" content="0;url=http://evil.example/">
<base href="http://evil.example/">
<link rel="stylesheet" href="http://evil.example/x.css">
<math><mtext><script>alert('s7')</script></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('s8')>">ns</p></noscript>
<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a></p>
<div style="width: expression(alert('s9'))">After the storm.</div>
<p>&lt;script&gt;written by the author&lt;/script&gt;</p>
"""
KEPT = (
    "Before the storm.",
    "Clickable lamp.",
    "After the storm.",
    "<script>written by the author</script>",
)
NEVER = {"script", "iframe", "frame", "object", "embed", "applet", "form", "input", "button",
         "base", "svg", "math", "audio", "video", "source", "img", "image", "portal"}  # fmt: skip
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
}


def hostile_page() -> bytes:
    doc = BeautifulSoup(PAGE, "lxml")
    for spot in (
        doc.select_one("div#chapters div.userstuff"),
        doc.select_one("div.summary blockquote.userstuff"),
        doc.select_one("div.notes blockquote.userstuff"),
    ):
        if spot is not None:
            spot.append(BeautifulSoup(HOSTILE, "html.parser"))
    return str(doc).encode("utf-8")


def active_content(markup: bytes, name: str) -> list[str]:
    """Everything in one exported document that could run, load or send something.

    The source's URLs may survive as text ("[Image: http://…]"): inert. In an
    attribute, other than a link's href, they would be fetched on opening.
    """
    try:
        root = etree.fromstring(markup, etree.XMLParser(recover=False, resolve_entities=False))
    except etree.XMLSyntaxError:
        root = lxml.html.fromstring(markup)
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname.lower()
        if tag in NEVER and not name.endswith((".opf", ".ncx")):  # OPF has <dc:source>
            found.append(f"{name}: <{tag}>")
        if tag == "meta" and el.get("http-equiv", "").lower() == "refresh":
            found.append(f"{name}: meta refresh")
        if tag == "link" and re.match(r"\s*[a-z]+:", el.get("href", ""), re.I):
            found.append(f"{name}: <link href={el.get('href')}>")
        if tag == "style" and re.search(r"url\(|expression|@import", el.text or "", re.I):
            found.append(f"{name}: <style> that loads")
        for key, value in el.attrib.items():
            attr = etree.QName(key).localname.lower() if key.startswith("{") else key.lower()
            if attr.startswith("on"):
                found.append(f"{name}: {attr}=")
            if attr == "style" and re.search(r"url\(|expression", value, re.I):
                found.append(f"{name}: style={value}")
            compact = re.sub(r"[\x00-\x20]+", "", value).lower()
            if attr in URL_ATTRIBUTES and re.match(r"(javascript|vbscript|data|file):", compact):
                found.append(f"{name}: {attr}={value}")
            if "evil.example" in value and not (tag == "a" and attr == "href"):
                found.append(f"{name}: {attr} loads {value}")
    return found


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    with ScriptedServer() as home:
        home.route(f"/works/{WORK.work_id}", Reply(200, HTML, hostile_page()))
        config = root / "config.toml"
        config.write_text(
            f'[archive]\npath = "archive"\n[sites.ao3]\nbase_url = "{home.base_url}"\n'
            "delay_seconds = 0\n[politeness]\nmax_retries = 0\n"
        )
        run = ficarchive("--config", str(config), "add", home.url(f"/works/{WORK.work_id}"))
        assert run.code == 0, run.err
    out = root / "out"
    for fmt in ("html", "epub"):
        run = ficarchive(
            "--config",
            str(config),
            "export",
            "--id",
            f"ao3:{WORK.work_id}",
            "-f",
            fmt,
            "-o",
            str(out),
        )
        assert run.code == 0, run.err
    return out


def test_exported_html_holds_no_active_content_and_keeps_the_story(hostile_exports):
    (path,) = hostile_exports.glob("*.html")
    markup = path.read_bytes()
    assert active_content(markup, path.name) == []
    text = lxml.html.fromstring(markup).text_content()
    assert all(k in text for k in KEPT), [k for k in KEPT if k not in text]


def test_exported_epub_holds_no_active_content_and_keeps_the_story(hostile_exports):
    (path,) = hostile_exports.glob("*.epub")
    found, text = [], ""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith((".xhtml", ".html", ".htm", ".opf", ".ncx", ".svg", ".xml")):
                # our typographic cover is an <svg> by design: what is inside it is checked
                ours = {f"{name}: <svg>"} if name.endswith("/cover.svg") else set()
                found += [f for f in active_content(data, name) if f not in ours]
                if name.endswith((".xhtml", ".html")):
                    text += lxml.html.fromstring(data).text_content()
            elif b"evil.example" in data:  # CSS and anything else a reader loads
                found.append(f"{name}: holds a URL of the source page's resources")
    assert found == []
    assert all(k in text for k in KEPT), [k for k in KEPT if k not in text]


# --- metadata that reaches the terminal and the file system ---------------------------------

EVIL = "../../etc/passwd\x1b[31mRED\x1b[0m\x07\x1b]0;pwned\x07\u202eexe.txt\x9b2J\x00\r\x08"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_works() -> list[Work]:
    meta = WorkMeta(
        title=EVIL + "Title", authors=[EVIL + "Author", "..\\..\\windows"], fandoms=[EVIL],
        characters=[EVIL + "Keeper"], relationships=[EVIL + "Keeper/Lamp"], tags=[EVIL, "keeper"],
        rating=EVIL, warnings=[EVIL], language=EVIL, published="2020-01-01", updated=EVIL,
    )  # fmt: skip
    chapter = Chapter(1, "Chapter " + EVIL, [Block("paragraph", "keeper text " + EVIL)])
    evil = Work(
        "ao3:666", "ao3", "http://127.0.0.1:9/works/666", meta, "Summary " + EVIL,
        [Note("author_note", "before", "Note " + EVIL)], [chapter],
    )  # fmt: skip
    long = Work(
        "ao3:667", "ao3", "http://127.0.0.1:9/works/667",
        WorkMeta(title="L" * 10_000, authors=["A" * 10_000], tags=["keeper"]), "", [],
        [Chapter(1, "C" * 10_000, [Block("paragraph", "keeper " + "word " * 50)])],
    )  # fmt: skip
    return [evil, long]


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory):
    """Metadata as hostile as any adapter could hand over, stored and indexed."""
    root = tmp_path_factory.mktemp("metadata")
    config = root / "config.toml"
    config.write_text('[archive]\npath = "archive"\n[sites.ao3]\nbase_url = "http://127.0.0.1:9"\n')
    cfg = parse_config({"archive": {"path": str(root / "archive")}}, config)
    with Archive(cfg) as archive:
        for work in hostile_works():
            archive.store.save_work(work)
        archive.index_pending()
    return root, config


COMMANDS = {
    "list": ("list",),
    "search": ("search", "keeper"),
    "search by character": ("search", "--character", "Keeper"),
    "show": ("show", "ao3:666"),
    "show a 10,000-character title": ("show", "ao3:667"),
    "stats": ("stats",),
    "export": ("export", "--id", "ao3:666", "--id", "ao3:667", "-f", "txt"),
}


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_terminal_output_never_carries_escapes_from_metadata(hostile_archive, args):
    root, config = hostile_archive
    if args[0] == "export":
        args = (*args, "-o", str(root / "terminal-export"), "--overwrite")
    run = ficarchive("--config", str(config), *args)
    assert run.code == 0, run.err
    assert "RED" in run.out or "L" * 50 in run.out or "keeper" in run.out.lower()
    assert UNSAFE.findall(run.out + run.err) == []


@pytest.mark.parametrize("args", [("show", "ao3:666", "--json"), ("search", "keeper", "--json")])
def test_json_output_never_carries_escapes_from_metadata(hostile_archive, args):
    root, config = hostile_archive
    run = ficarchive("--config", str(config), *args)
    assert run.code == 0, run.err
    assert UNSAFE.findall(run.out) == []


@pytest.mark.parametrize("fmt", ["epub", "html", "md", "txt", "json"])
def test_export_file_names_stay_in_the_folder_and_are_clean(hostile_archive, tmp_path, fmt):
    root, config = hostile_archive
    out = tmp_path / "out"
    before = set(tmp_path.rglob("*"))
    run = ficarchive(
        "--config",
        str(config),
        "export",
        "--id",
        "ao3:666",
        "--id",
        "ao3:667",
        "-f",
        fmt,
        "-o",
        str(out),
    )
    assert run.code == 0, run.err
    written = set(tmp_path.rglob("*")) - before - {out}
    assert len(written) == 2 and all(p.parent == out for p in written), written
    for path in written:
        name = path.name
        assert len(name.encode()) <= 255 and not UNSAFE.search(name)
        assert ".." not in name and not name.startswith((".", "-", " "))
        assert path.resolve().parent == out.resolve()


def test_hostile_metadata_from_a_crawl_is_shown_and_named_safely(tmp_path):
    """The same through the whole pipeline: an AO3 page whose metadata is hostile."""
    evil = dataclasses.replace(
        WORK,
        title="../../" + "\x1b[2J\u202e" + "Keeper " * 1500,
        authors=("..\\..\\win\x1b]0;x\x07",),
        characters=("Keeper\u202e\x9b31m",),
    )
    with SampleArchiveServer(works=[evil]) as server:
        config = write_config(tmp_path, server.base_url, delay=0.01)
        run = ficarchive("--config", str(config), "crawl")
        assert run.code == 0, run.err
        for args in (("list",), ("show", f"ao3:{evil.work_id}"), ("search", "keeper")):
            shown = ficarchive("--config", str(config), *args)
            assert shown.code == 0 and "Keeper" in shown.out, shown.err
            assert UNSAFE.findall(shown.out + shown.err) == []
        out = tmp_path / "out"
        run = ficarchive("--config", str(config), "export", "keeper", "-f", "epub", "-o", str(out))
        assert run.code == 0, run.err
        (path,) = out.iterdir()
        assert len(path.name.encode()) <= 255 and not UNSAFE.search(path.name)


def test_the_active_content_check_sees_the_source_page_for_what_it_is():
    """The check above is not vacuous: on the source page it finds every trick."""
    found = " ".join(active_content(hostile_page(), "source"))
    for trick in ("<script>", "<iframe>", "<object>", "<embed>", "<svg>", "<form>", "<base>",
                  "meta refresh", "<link", "<style>", "onclick=", "onerror=", "onload=",
                  "javascript:", "data:", "style=", "src loads"):  # fmt: skip
        assert trick in found, trick
