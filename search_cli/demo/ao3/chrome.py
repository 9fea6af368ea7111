"""The page chrome around every AO3 page: head, header with the small login form, footer.

Kept on purpose: it is the noise the cleaner must remove.
"""

from __future__ import annotations

from urllib.parse import quote

from search_cli.demo.ao3.text import a, t, token
from search_cli.demo.sample_works import SampleWork

SITE = "Archive of Our Own"

_NAVIGATION = """  <h3 class="landmark heading">Site Navigation</h3>
  <ul class="primary navigation actions">
    <li class="dropdown"><a href="/menu/fandoms">Fandoms</a></li>
    <li class="dropdown"><a href="/menu/browse">Browse</a></li>
    <li class="dropdown"><a href="/menu/search">Search</a></li>
    <li class="dropdown"><a href="/menu/about">About</a></li>
    <li class="search"><form class="search" id="search" action="/works/search" accept-charset="UTF-8" method="get"><input class="text" id="site_search" type="text" name="work_search[query]" /><input type="submit" value="Search" class="button" /></form></li>
  </ul>
  <div class="clear"></div>
</header>
<!-- END header -->
"""

_FOOTER = """<div id="footer" role="contentinfo" class="region">
  <h3 class="landmark heading">Footer</h3>
  <ul class="navigation actions">
    <li class="module group">
      <h4 class="heading">About the Archive</h4>
      <ul class="menu">
        <li><a href="/site_map">Site Map</a></li>
        <li><a href="/tos">Terms of Service</a></li>
        <li><a href="/content">Content Policy</a></li>
        <li><a href="/privacy">Privacy Policy</a></li>
      </ul>
    </li>
    <li class="module group">
      <h4 class="heading">Contact Us</h4>
      <ul class="menu"><li><a href="/support">Technical Support &amp; Feedback</a></li></ul>
    </li>
  </ul>
</div>
<!-- END footer -->
  </div>
  <script src="/javascripts/application.js"></script>
  <script type="text/javascript">$j = jQuery.noConflict();</script>
  </body>
</html>
"""


def _head(title: str) -> str:
    """From the doctype to the skip links: the same on every page but for the title."""
    return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="x-ua-compatible" content="ie=edge" />
    <meta name="description" content="An Archive of Our Own, a project of the Organization for Transformative Works" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
    <title>{t(title)}</title>
    <link rel="stylesheet" type="text/css" media="screen" href="/stylesheets/skins/skin_1_default/1_site_screen_.css" />
    <script src="/javascripts/livevalidation_standalone.js"></script>
  </head>
  <body class="logged-out">
  <div id="outer" class="wrapper">
    <ul id="skiplinks"><li><a href="#main">Main Content</a></li></ul>
"""


def _header(return_to: str) -> str:
    """The site header with its small login form, which comes back to `return_to`."""
    back = a(quote(return_to, safe=""))
    return f"""<header id="header" class="region">
  <h1 class="heading">
    <a href="/"><span>{SITE}</span><img alt="{SITE}" class="logo" src="/images/ao3_logos/logo_42.png" /></a>
  </h1>
  <div id="login" class="dropdown">
    <p class="user actions"><a id="login-dropdown" href="/users/login?return_to={back}">Log In</a></p>
    <div id="small_login" class="simple login">
      <form class="new_user" id="new_user_session_small" action="/users/login?return_to={back}" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("login", return_to)}" autocomplete="off" />
        <dl>
          <dt><label for="user_session_login_small">Username or email:</label></dt>
          <dd><input autocomplete="on" id="user_session_login_small" type="text" name="user[login]" /></dd>
          <dt><label for="user_session_password_small">Password:</label></dt>
          <dd><input id="user_session_password_small" type="password" name="user[password]" /></dd>
        </dl>
        <p class="submit actions"><input type="submit" name="commit" value="Log In" /></p>
      </form>
    </div>
  </div>
"""


def _main(main_class: str, main: str) -> str:
    """div#main, the one part that differs from page to page."""
    return f"""      <div id="inner" class="wrapper">
        <!-- BEGIN main -->
        <div id="main" class="{a(main_class)} region" role="main">
          <div class="flash"></div>
{main}
          <div class="clear"><!--presentational--></div>
        </div>
        <!-- END main -->
      </div>
"""


def document(title: str, main_class: str, main: str, *, return_to: str = "/") -> str:
    """A whole AO3 page: head, header with the small login form, main, footer, scripts."""
    return _head(title) + _header(return_to) + _NAVIGATION + _main(main_class, main) + _FOOTER


def work_title(work: SampleWork, chapter: int | None = None) -> str:
    """The <title> AO3 gives a work page."""
    parts = [work.title]
    if chapter is not None:
        parts.append(f"Chapter {chapter}")
    parts += [", ".join(work.authors), ", ".join(work.fandoms)]
    return " - ".join(parts) + f" [{SITE}]"
