"""End to end in a real browser: the sample archive crawled from the demo's server,
`ficarchive serve` started as a process, headless Debian chromium driving it.

Search a phrase, follow a facet, open the work, read chapter 2, toggle the notes,
page with the keyboard (the static script, under the CSP), download the EPUB (and
epubcheck it where epubcheck runs), and keep a screenshot of the reader in the
test's tmp dir.
"""

from __future__ import annotations

import os
import re
import zipfile
from urllib.parse import quote

import pytest

from search_cli.demo import sample_works
from search_cli.demo.run import demo_config_text
from search_cli.demo.server import SampleArchiveServer
from tests import epubcheck
from tests.cli import ficarchive
from tests.serve_browser import browser_or_skip, chromium, serving, wait_for_file
from tests.servers import clear_proxies

WORK = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
SECOND = WORK.chapters[1]


@pytest.fixture(scope="module")
def sample_config(tmp_path_factory):
    """The whole sample archive, crawled once over loopback like `make demo` does."""
    browser_or_skip()  # no crawl for a test that will skip
    root = tmp_path_factory.mktemp("serve-e2e")
    config = root / "config.toml"
    with SampleArchiveServer() as server:
        config.write_text(demo_config_text(server.base_url, quote(sample_works.LISTING_TAG)))
        run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    return config


@pytest.fixture
def browser(tmp_path, monkeypatch):
    clear_proxies(monkeypatch)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with chromium(tmp_path / "profile", downloads) as driver:
        driver.downloads = downloads
        yield driver


def csp_violations(driver) -> list[str]:
    return [
        e["message"]
        for e in driver.get_log("browser")
        if "Content Security Policy" in e["message"] or "Refused to" in e["message"]
    ]


def _saved_progress(driver, url: str) -> float:
    """How far down chapter 2 the server says the reader got (asked by a fresh request)."""
    import httpx

    page = httpx.get(f"{url}/works/ao3:{WORK.work_id}/chapters/2", timeout=30).text
    found = re.search(r'data-progress="([0-9.]+)"', page)
    return float(found.group(1)) if found else 0.0


def test_search_facet_work_reader_notes_and_epub(sample_config, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    def wait(condition):
        return WebDriverWait(browser, 20).until(condition)

    with serving(sample_config) as url:
        # 1. search for a phrase: one work, the phrase marked in chapter 2's snippet
        browser.get(url + "/")
        box = browser.find_element(By.ID, "q")
        box.send_keys(f'"{sample_works.DEMO_PHRASE}"', Keys.ENTER)
        wait(ready.url_contains("/search?"))
        hits = browser.find_elements(By.CSS_SELECTOR, "ol.hits > li h3 > a")
        assert [h.text for h in hits] == [WORK.title]
        marked = browser.find_element(By.CSS_SELECTOR, "ol.hits .snippet mark").text
        assert marked.lower() in sample_works.DEMO_PHRASE
        assert "Chapter 2" in browser.find_element(By.CSS_SELECTOR, "ul.matches").text

        # 2. follow a facet: the character, counted, then shown as an active filter
        character = WORK.characters[0]
        browser.find_element(By.LINK_TEXT, character).click()
        wait(ready.url_contains("character="))
        active = browser.find_element(By.CSS_SELECTOR, ".active-filters").text
        assert character in active
        assert [h.text for h in browser.find_elements(By.CSS_SELECTOR, "ol.hits > li h3 > a")] == [
            WORK.title
        ]

        # 3. open the work
        browser.find_element(By.LINK_TEXT, WORK.title).click()
        wait(ready.presence_of_element_located((By.CSS_SELECTOR, "h1.title")))
        assert browser.find_element(By.CSS_SELECTOR, "h1.title").text == WORK.title
        work_url = browser.current_url

        # 4. read chapter 2
        browser.find_element(By.PARTIAL_LINK_TEXT, SECOND.title).click()
        wait(ready.url_contains("/chapters/2"))
        article = browser.find_element(By.CSS_SELECTOR, "article.chapter")
        assert SECOND.title in article.find_element(By.TAG_NAME, "h1").text
        assert sample_works.DEMO_PHRASE in article.text
        assert SECOND.summary in article.text  # the chapter summary, shown
        assert len(article.find_elements(By.CSS_SELECTOR, "p.scene-break")) == 1

        # 5. toggle the notes: hidden (remembered across pages), then collapsed, then shown
        browser.find_element(By.ID, "notes-hidden").click()
        wait(ready.presence_of_element_located((By.CSS_SELECTOR, "p.notes-hidden")))
        assert SECOND.summary not in browser.find_element(By.CSS_SELECTOR, "article.chapter").text
        browser.get(browser.current_url)
        assert browser.find_elements(By.CSS_SELECTOR, "p.notes-hidden")
        browser.find_element(By.ID, "notes-collapsed").click()
        summary = wait(
            ready.presence_of_element_located((By.CSS_SELECTOR, "details.notes summary"))
        )
        summary.click()
        assert SECOND.summary in browser.find_element(By.CSS_SELECTOR, "details.notes").text
        browser.find_element(By.ID, "notes-shown").click()
        wait(ready.presence_of_element_located((By.CSS_SELECTOR, "div.notes.before")))

        # the keyboard, by the static script: → to chapter 3, ← back to 2
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        wait(ready.url_contains("/chapters/3"))
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
        wait(ready.url_contains("/chapters/2"))
        browser.find_element(By.XPATH, "//button[normalize-space()='Sepia']").click()
        wait(ready.presence_of_element_located((By.CSS_SELECTOR, "body.theme-sepia")))
        shot = tmp_path / "reader-chapter-2.png"
        assert browser.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
        # the script keeps how far down the chapter you read (a beacon to this server)
        browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
        wait(lambda d: _saved_progress(d, url) > 0.5)
        assert csp_violations(browser) == []

        # 6. the reading position, and the EPUB download
        browser.get(work_url)
        assert (
            "Continue at chapter 2" in browser.find_element(By.CSS_SELECTOR, "section.reading").text
        )
        row = browser.find_element(By.XPATH, "//section[@class='downloads']//tr[th='EPUB']")
        row.find_element(By.LINK_TEXT, "with notes").click()
        book = wait_for_file(browser.downloads, ".epub")
    with zipfile.ZipFile(book) as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
        text = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert "curious incident of the lighthouse keeper" in text
    print(f"reader screenshot: {shot}")
    command, why = epubcheck.find()
    if command or os.environ.get(epubcheck.REQUIRE_ENV):  # else: the book is checked above
        epubcheck.assert_clean(book)
    else:
        print(f"epubcheck not run: {why}")
