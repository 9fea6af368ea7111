"""Paginated listings: a tag's works, a user's works and bookmarks, a collection, a series.

Also the front page, the list of tags a person browsing the sample archive starts from.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from search_cli.demo.ao3.blurbs import blurb_html, bookmark_blurb_html
from search_cli.demo.ao3.chrome import SITE, document
from search_cli.demo.ao3.text import a, count, escape_tag, t, tag_url, user_link
from search_cli.demo.sample_works import SampleWork


def pagination_html(base: str, page: int, pages: int) -> str:
    """ol.pagination, as AO3 draws it above and below a listing at path `base`."""
    items = []
    if page > 1:
        prev = f"{base}?page={page - 1}"
        items.append(
            f'<li class="previous" title="previous"><a rel="prev" href="{a(prev)}">&#8592; Previous</a></li>'
        )
    else:
        items.append(
            '<li class="previous" title="previous"><span class="disabled">&#8592; Previous</span></li>'
        )
    for n in range(1, pages + 1):
        if n == page:
            items.append(f'<li><span class="current">{n}</span></li>')
        else:
            rel = ' rel="next"' if n == page + 1 else ' rel="prev"' if n == page - 1 else ""
            items.append(f'<li><a{rel} href="{a(f"{base}?page={n}")}">{n}</a></li>')
    if page < pages:
        nxt = f"{base}?page={page + 1}"
        items.append(
            f'<li class="next" title="next"><a rel="next" href="{a(nxt)}">Next &#8594;</a></li>'
        )
    else:
        items.append(
            '<li class="next" title="next"><span class="disabled">Next &#8594;</span></li>'
        )
    return (
        '<h4 class="landmark heading">Pages Navigation</h4><ol role="navigation" aria-label="Pagination" '
        f'class="pagination actions" title="pagination">{" ".join(items)}</ol>'
    )


def listing_page(tag: str, works: Sequence[SampleWork], page: int, per_page: int) -> str:
    """/tags/<tag>/works?page=N: one page of blurbs, newest revision first as given."""
    pages = max(1, -(-len(works) // per_page))
    shown = works[(page - 1) * per_page : page * per_page]
    first = (page - 1) * per_page + 1
    last = first + len(shown) - 1
    tag_href = f"/tags/{escape_tag(tag)}"
    pagination = pagination_html(f"{tag_href}/works", page, pages) if pages > 1 else ""
    blurbs = "\n".join(blurb_html(w) for w in shown)
    main = f"""<!--Descriptive page name and system messages, descriptions, and instructions.-->
<h2 class="heading">
   {first} - {last} of {len(works)} Works in <a class="tag" href="{a(tag_href)}">{t(tag)}</a>
</h2>
<!-- /end descriptions-->

<!--Subnavigation, sorting and actions.-->
  <div class="navigation actions module">
    <h3 class="landmark heading">Navigation and Actions</h3>
      <ul class="user navigation actions" role="navigation">
          <li><span class="current">Works</span></li>
          <li><a href="{a(tag_href)}/bookmarks">Bookmarks</a></li>
      </ul>
  </div>
<!---/subnav-->

  {pagination}

<!--main content-->
<h3 class="landmark heading">Listing Works</h3>
<ol class="work index group">
{blurbs}
</ol>

<!--/content-->

  {pagination}
"""
    title = f"{tag} - Works | {SITE}"
    return document(title, "works-index filtered", main, return_to=f"{tag_href}/works")


def _index_page(
    *,
    heading: str,
    title: str,
    base: str,
    items: Sequence[str],
    page: int,
    per_page: int,
    main_class: str,
    list_html: str = '<ol class="work index group">',
    before: str = "",
) -> str:
    """One page of a paginated AO3 index: heading, pagination, the items, pagination."""
    pages = max(1, -(-len(items) // per_page))
    shown = items[(page - 1) * per_page : page * per_page]
    pagination = pagination_html(base, page, pages) if pages > 1 else ""
    close = "</" + list_html[1:3] + ">"
    body = "\n".join(shown)
    main = f"""<!--Descriptive page name and system messages, descriptions, and instructions.-->
<h2 class="heading">
   {heading}
</h2>
<!-- /end descriptions-->
{before}
  {pagination}

<!--main content-->
{list_html}
{body}
{close}

<!--/content-->

  {pagination}
"""
    return document(title, main_class, main, return_to=base)


def _range(total: int, page: int, per_page: int) -> str:
    first = (page - 1) * per_page + 1
    return f"{first} - {min(total, page * per_page)} of {total}"


def user_works_page(user: str, works: Sequence[SampleWork], page: int, per_page: int) -> str:
    """/users/<user>/works: the works a user posted."""
    link = f'<a href="/users/{a(quote(user))}">{t(user)}</a>'
    return _index_page(
        heading=f"{_range(len(works), page, per_page)} Works by {link}",
        title=f"{user} - Works | {SITE}",
        base=f"/users/{quote(user)}/works",
        items=[blurb_html(w) for w in works],
        page=page,
        per_page=per_page,
        main_class="works-index dashboard",
    )


def user_bookmarks_page(
    user: str, bookmarks: Sequence[tuple[SampleWork, str]], page: int, per_page: int
) -> str:
    """/users/<user>/bookmarks: the works a user bookmarked, with the day of each bookmark."""
    link = f'<a href="/users/{a(quote(user))}">{t(user)}</a>'
    return _index_page(
        heading=f"{_range(len(bookmarks), page, per_page)} Bookmarks by {link}",
        title=f"{user} - Bookmarks | {SITE}",
        base=f"/users/{quote(user)}/bookmarks",
        items=[bookmark_blurb_html(w, user, when) for w, when in bookmarks],
        page=page,
        per_page=per_page,
        main_class="bookmarks-index dashboard",
        list_html='<ol class="bookmark index group">',
    )


def collection_works_page(
    name: str, title: str, works: Sequence[SampleWork], page: int, per_page: int
) -> str:
    """/collections/<name>/works: the works in a collection."""
    link = f'<a href="/collections/{a(quote(name))}">{t(title)}</a>'
    return _index_page(
        heading=f"{_range(len(works), page, per_page)} Works in {link}",
        title=f"{title} - Works | {SITE}",
        base=f"/collections/{quote(name)}/works",
        items=[blurb_html(w) for w in works],
        page=page,
        per_page=per_page,
        main_class="works-index collection",
    )


def series_page(
    name: str, series_id: int, works: Sequence[SampleWork], page: int, per_page: int
) -> str:
    """/series/<id>: the series' metadata, then its works in order."""
    creators = sorted({n for w in works for n in w.authors})
    begun = min(w.published for w in works)
    updated = max(w.revised for w in works)
    meta = f"""
<h3 class="landmark heading">Series Metadata</h3>
<div class="wrapper">
  <dl class="series meta group">
    <dt>Creator:</dt>
    <dd>{", ".join(user_link(c) for c in creators)}</dd>
    <dt>Series Begun:</dt>
    <dd>{begun}</dd>
    <dt>Series Updated:</dt>
    <dd>{updated}</dd>
    <dt class="stats">Stats:</dt>
    <dd class="stats">
      <dl class="stats">
        <dt>Words:</dt>
        <dd>{count(sum(w.words for w in works))}</dd>
        <dt>Works:</dt>
        <dd>{len(works)}</dd>
        <dt>Complete:</dt>
        <dd>{"Yes" if all(w.complete for w in works) else "No"}</dd>
      </dl>
    </dd>
  </dl>
</div>
<h3 class="landmark heading">Listing Series</h3>"""
    return _index_page(
        heading=t(name),
        title=f"{name} | {SITE}",
        base=f"/series/{series_id}",
        items=[blurb_html(w) for w in works],
        page=page,
        per_page=per_page,
        main_class="series-show",
        list_html='<ul class="series work index group">',
        before=meta,
    )


def home_page(tags: Sequence[str]) -> str:
    """The front page: a way in for a person browsing the sample archive."""
    links = "\n".join(f'    <li><a href="{a(tag_url(tag))}">{t(tag)}</a></li>' for tag in tags)
    main = f"""<h2 class="heading">The ficarchive sample archive</h2>
  <p>An AO3-shaped archive of short original works in public-domain fandoms, served on this machine only.</p>
  <ul class="tags">
{links}
  </ul>"""
    return document(SITE, "home", main)
