"""A work page as AO3 serves it: full view, one chapter, or a one-chapter work.

The work skin and the comment section are kept on purpose: they are the noise
the cleaner must remove.
"""

from __future__ import annotations

from search_cli.demo.ao3.chrome import document, work_title
from search_cli.demo.ao3.text import a, chapter_text_html, paragraphs_html, t, token, user_link
from search_cli.demo.ao3.work_header import meta_html, navigation_html
from search_cli.demo.sample_works import SampleWork


def preface_html(work: SampleWork, *, show_notes: bool, endnotes_href: str) -> str:
    """div.preface.group: title, byline, and (on the first page) summary and notes."""
    parts = [
        f'  <h2 class="title heading">\n    {t(work.title)}\n  </h2>',
        f'  <h3 class="byline heading">\n    {", ".join(user_link(n) for n in work.authors)}\n  </h3>',
    ]
    if show_notes and work.summary:
        parts.append(
            '      <div class="summary module">\n        <h3 class="heading">Summary:</h3>\n'
            f'          <blockquote class="userstuff">\n            {paragraphs_html(work.summary)}\n'
            "          </blockquote>\n      </div>"
        )
    if show_notes and (work.notes or work.end_notes):
        inner = ""
        if work.notes:
            inner += f'\n    <blockquote class="userstuff">\n      {paragraphs_html(work.notes)}\n    </blockquote>'
        if work.end_notes:
            which = "more notes" if work.notes else "notes"
            inner += (
                '\n    <p class="jump">\n        (See the end of the work for '
                f'<a href="{a(endnotes_href)}">{which}</a>.)\n    </p>'
            )
        parts.append(
            f'      <div class="notes module">\n  <h3 class="heading">Notes:</h3>{inner}\n</div>'
        )
    return '<div class="preface group">\n' + "\n\n".join(parts) + "\n</div>"


def chapter_div(work: SampleWork, number: int) -> str:
    """div.chapter#chapter-N: preface (title, summary, notes), text, end notes."""
    chapter = work.chapters[number - 1]
    heading = (
        f'<a href="/works/{work.work_id}/chapters/{work.chapter_id(number)}">Chapter {number}</a>'
    )
    if chapter.title:
        heading += f": {t(chapter.title)}"
    pre = [f'    <h3 class="title">\n      {heading}\n    </h3>']
    pre.append("    <!-- only display byline if different from the main byline -->")
    if chapter.summary:
        pre.append(
            '        <div id="summary" class="summary module">\n          <h3 class="heading">Summary:</h3>\n'
            f'          <blockquote class="userstuff">\n            {paragraphs_html(chapter.summary)}\n'
            "          </blockquote>\n        </div>"
        )
    if chapter.notes or chapter.end_notes:
        anchor = f"#chapter_{number}_endnotes"
        if not chapter.notes:
            inner = f'\n        <p>\n        (See the end of the chapter for  <a href="{anchor}">notes</a>.)\n        </p>'
        else:
            inner = f'\n          <blockquote class="userstuff">{paragraphs_html(chapter.notes)}</blockquote>'
            if chapter.end_notes:
                inner += f'\n            <p>\n            (See the end of the chapter for  <a href="{anchor}">more notes</a>.)\n            </p>'
        pre.append(
            f'      <div id="notes" class="notes module">\n        <h3 class="heading">Notes:</h3>{inner}\n      </div>'
        )
    end = ""
    if chapter.end_notes:
        end = (
            '\n    <div class="chapter preface group">\n'
            f'      <div id="chapter_{number}_endnotes" class="end notes module">\n'
            '        <h3 class="heading">Notes:</h3>\n        <blockquote class="userstuff">\n'
            f"          {paragraphs_html(chapter.end_notes)}\n        </blockquote>\n      </div>\n    </div>\n"
        )
    preface = "\n\n".join(pre)
    return f"""<!-- This partial requires local variable 'chapter' -->
<div class="chapter" id="chapter-{number}">
  <!-- chapter management -->


  <div class="chapter preface group">
{preface}
  </div>

  <!--main content-->
  <div class="userstuff module" role="article">
    <h3 class="landmark heading" id="work">Chapter Text</h3>
    {chapter_text_html(chapter)}
  </div>
  <!--/main-->
{end}

</div>

<!-- end of cache -->
"""


def afterword_html(work: SampleWork) -> str:
    """div.afterword.preface.group: work end notes and series links."""
    parts = []
    if work.end_notes:
        parts.append(
            '<!--work endnotes-->\n<div id="work_endnotes" class="end notes module">\n'
            '  <h3 class="heading">Notes:</h3>\n'
            f'  <blockquote class="userstuff">{paragraphs_html(work.end_notes)}</blockquote>\n'
            "</div>\n<!--/work endnotes-->"
        )
    if work.series:
        items = "\n".join(
            f'      <li><span class="series"><span class="position">Part {part} of '
            f'<a href="/series/{sid}">{t(name)}</a></span></span></li>'
            for name, sid, part in work.series
        )
        parts.append(
            '<!--series links, backwards and forwards-->\n<div id="series" class="series module">\n'
            f'  <h3 class="heading">Series this work belongs to:</h3>\n  <ul>\n{items}\n  </ul>\n</div>'
        )
    if not parts:
        return ""
    body = "\n".join(parts)
    return f'          <!--afterword-->\n          <div class="afterword preface group">\n{body}\n          </div>\n          <!--/afterword-->'


def feedback_html(work: SampleWork, chapter: int | None) -> str:
    """The kudos and comments section after a work (noise to the cleaner)."""
    wid = work.work_id
    target = f"chapter_id={work.chapter_id(chapter)}" if chapter else f"work_id={wid}"
    guests = max(work.kudos - 3, 0)
    return f"""  <!-- BEGIN comment section -->
<div id="feedback" class="feedback">
  <h3 class="landmark heading">Actions</h3>
  <ul class="actions">
      <li><a href="#main">&#8593; Top</a></li>
      <li>
        <form id="new_kudo" action="/kudos" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("kudos", wid)}" autocomplete="off" />
          <input autocomplete="off" value="{wid}" type="hidden" name="kudo[commentable_id]" id="kudo_commentable_id" />
          <input autocomplete="off" value="Work" type="hidden" name="kudo[commentable_type]" id="kudo_commentable_type" />
          <input type="submit" name="commit" value="Kudos ♥" id="kudo_submit" />
</form>      </li>
        <li id="show_comments_link"><a data-remote="true" href="/comments/show_comments?{target}">Comments ({work.comments})</a></li>
  </ul>
  <div id="kudos_message"></div>
    <h3 class="landmark heading">Kudos</h3>
<div id="kudos">
      <p class="kudos">
          <a href="/users/quietreader">quietreader</a>, <a href="/users/lamplighter_22">lamplighter_22</a>, <a href="/users/teaandtoast">teaandtoast</a>
             as well as
          {guests} guests
         left kudos on this work!
      </p>
</div>
  <h3 class="landmark heading"><a id="comments">Comments</a></h3>
    <div id="add_comment_placeholder" title="top level comment">
      <div id="add_comment">
<div class="post comment" id="comment_form_for_{wid}">
  <form class="new_comment" id="comment_for_{wid}" action="/works/{wid}/comments" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("comment", wid)}" autocomplete="off" />
    <fieldset>
      <legend>Post Comment</legend>
        <dl>
          <dt><label for="comment_name_for_{wid}">Guest name</label></dt>
          <dd><input id="comment_name_for_{wid}" type="text" name="comment[name]" /></dd>
          <dt><label for="comment_email_for_{wid}">Guest email</label></dt>
          <dd><input id="comment_email_for_{wid}" type="text" name="comment[email]" /></dd>
        </dl>
      <p>
        <label for="comment_content_for_{wid}" class="landmark">Comment</label>
        <textarea id="comment_content_for_{wid}" class="comment_form observe_textlength" title="Enter Comment" name="comment[comment_content]"></textarea>
      </p>
      <p class="character_counter" tabindex="0"><span id="comment_content_for_{wid}_counter" class="value" data-maxlength="10000">10000</span> characters left</p>
      <p class="submit actions"><input type="submit" name="commit" value="Comment" id="comment_submit_for_{wid}" data-disable-with="Please wait..." /></p>
    </fieldset>
</form></div>
      </div>
    </div>
  <div id="comments_placeholder" style="display:none;">
  </div>
</div>
<!-- END comment section -->"""


def work_page(work: SampleWork, chapter: int | None = None, *, chapter_url: bool = False) -> str:
    """The work page: full view when `chapter` is None, else AO3's view of that one chapter.

    A work of one chapter of one has no chapter layout ("Work Text:" and one div.userstuff).
    `chapter_url`: served at /works/ID/chapters/CID (AO3's chapters#show) rather than /works/ID.
    """
    wid = work.work_id
    if not work.chaptered:
        chapter = None
    first = chapter in (None, 1)
    last = chapter is None or chapter == len(work.chapters)
    if chapter is None:
        endnotes_href = "#work_endnotes"
    else:
        endnotes_href = f"/works/{wid}/chapters/{work.chapter_id(len(work.chapters))}#work_endnotes"
    if not work.chaptered:
        chapters = (
            '        <div id="chapters" role="article">\n'
            '            <h3 class="landmark heading" id="work">Work Text:</h3>\n'
            f'            <div class="userstuff">{chapter_text_html(work.chapters[0])}</div>\n'
            "        </div>\n        <!--/chapter-->\n"
        )
    else:
        numbers = range(1, len(work.chapters) + 1) if chapter is None else [chapter]
        divs = "\n".join(chapter_div(work, n) for n in numbers)
        role = ' role="article"' if chapter is None else ""
        chapters = (
            f'        <div id="chapters"{role}>\n{divs}\n        </div>\n        <!--/chapter-->\n'
        )
    style = f'<style type="text/css">\n{work.work_skin}</style>\n' if work.work_skin else ""
    main = f"""<ul class="landmark skip">
  <li><a name="top">&nbsp;</a></li>
  <li><a href="#work">Skip header</a></li>
</ul>
<!-- BEGIN revealed -->
  <!-- BEGIN work -->
  <div class="work">
    <!--work description, metadata, notes and messages-->
{navigation_html(work, chapter)}

    <h3 class="landmark heading">Work Header</h3>

{meta_html(work)}

    <div id="work-skin" class="wrapper">
      {style}
      <!-- BEGIN section where work skin applies -->
      <div id="workskin">
        {preface_html(work, show_notes=first, endnotes_href=endnotes_href)}

      <!--/descriptions-->

        <!--chapter content-->
{chapters}
{afterword_html(work) if last else ""}
      </div>
      <!-- END work skin -->
    </div>
  </div>
  <!-- END work -->

{feedback_html(work, chapter)}
<!-- END revealed -->"""
    main_class = "chapters-show" if chapter_url else "works-show"
    return document(work_title(work, chapter), main_class, main, return_to=f"/works/{wid}")
