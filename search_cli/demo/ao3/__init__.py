"""AO3's markup, one module per page kind; search_cli.demo.ao3_markup is the front door.

text (escaping, tag URLs, links) · chrome (head, header, footer) · work_header and
work_page (a work, full or by chapter) · blurbs and listings (tag, user, bookmark,
collection and series indexes) · gates (adult notice, login) · errors (404, 5xx).
"""
