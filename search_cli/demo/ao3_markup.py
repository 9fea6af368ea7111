"""Sample works rendered as AO3 serves them: the one front door to search_cli.demo.ao3.

The element names, classes, ids and nesting follow saved AO3 pages (see
../shared/fixtures/ao3 and otwarchive's views), so the real AO3 adapter reads
these pages exactly as it reads AO3's. The page chrome, navigation, work skin
and comment section are kept on purpose: they are the noise the cleaner must
remove. The server, the tests and bench/ import the pages from here; each page
kind lives in its own module under search_cli/demo/ao3/.
"""

from __future__ import annotations

from search_cli.demo.ao3.blurbs import (
    CATEGORY_CLASS,
    RATING_CLASS,
    blurb_html,
    bookmark_blurb_html,
    required_tags_html,
)
from search_cli.demo.ao3.chrome import SITE, document, work_title
from search_cli.demo.ao3.errors import error_page, not_found_page
from search_cli.demo.ao3.gates import adult_page, login_page
from search_cli.demo.ao3.listings import (
    collection_works_page,
    home_page,
    listing_page,
    pagination_html,
    series_page,
    user_bookmarks_page,
    user_works_page,
)
from search_cli.demo.ao3.text import (
    CHOSE_NOT_CANONICAL,
    a,
    blurb_date,
    chapter_text_html,
    escape_tag,
    paragraph_html,
    paragraphs_html,
    t,
    tag_link,
    tag_url,
    token,
    unescape_tag,
    user_link,
)
from search_cli.demo.ao3.work_header import meta_html, navigation_html
from search_cli.demo.ao3.work_page import (
    afterword_html,
    chapter_div,
    feedback_html,
    preface_html,
    work_page,
)

__all__ = [
    "CATEGORY_CLASS",
    "CHOSE_NOT_CANONICAL",
    "RATING_CLASS",
    "SITE",
    "a",
    "adult_page",
    "afterword_html",
    "blurb_date",
    "blurb_html",
    "bookmark_blurb_html",
    "chapter_div",
    "chapter_text_html",
    "collection_works_page",
    "document",
    "error_page",
    "escape_tag",
    "feedback_html",
    "home_page",
    "listing_page",
    "login_page",
    "meta_html",
    "navigation_html",
    "not_found_page",
    "pagination_html",
    "paragraph_html",
    "paragraphs_html",
    "preface_html",
    "required_tags_html",
    "series_page",
    "t",
    "tag_link",
    "tag_url",
    "token",
    "unescape_tag",
    "user_bookmarks_page",
    "user_link",
    "user_works_page",
    "work_page",
    "work_title",
]
