"""The pages standing between a crawler and a work: the adult-content notice, the login page."""

from __future__ import annotations

from urllib.parse import quote

from search_cli.demo.ao3.blurbs import blurb_html
from search_cli.demo.ao3.chrome import SITE, document, work_title
from search_cli.demo.ao3.text import a, token
from search_cli.demo.sample_works import SampleWork


def adult_page(work: SampleWork, path: str) -> str:
    """AO3's "This work could have adult content" notice, with the work's blurb."""
    sep = "&" if "?" in path else "?"
    main = f"""<h2 class="landmark heading">Adult Content Warning</h2>
<p class="caution">
This work could have adult content. If you continue, you have agreed that you are willing to see such content.
</p>
<ul class="actions" role="navigation">
<li>
<a href="{a(path + sep + "view_adult=true")}">Yes, Continue</a>
</li>
<li>
<a href="javascript:history.back()">No, Go Back</a>
</li>
</ul>
<p class="message footnote">
If you accept cookies from our site and you choose &quot;Yes, Continue&quot;, you will not be asked again during this session (that is, until you close your browser). If you log in you can store your preference and never be asked again.
</p>
<div class="clear"></div>
<ol class="work index group">
{blurb_html(work)}
</ol>
"""
    return document(work_title(work), "works-show", main, return_to=path)


def login_page(return_to: str) -> str:
    """The login page AO3 answers with for a work open to registered users only."""
    back = a(quote(return_to, safe=""))
    main = f"""          <div id="signin">
              <h3 class="heading">Sorry!</h3>
  <p>
    This work is only available to registered users of the Archive.
    If you already have an Archive of Our Own account, log in now.
      If you don't have an account, you can <a href="/invite_requests">request an invitation to join</a>.
  </p>

<div id="loginform">
  <form class="new_user" id="new_user" action="/users/login?return_to={back}" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("signin", return_to)}" autocomplete="off" />
  <dl>
    <dt><label for="user_login">Username or email:</label></dt>
    <dd><input type="text" name="user[login]" id="user_login" /></dd>
    <dt><label for="user_password">Password:</label></dt>
    <dd><input type="password" name="user[password]" id="user_password" /></dd>
    <dt class="landmark">Submit</dt>
    <dd class="submit actions">
      <input type="submit" name="commit" value="Log in" class="submit" />
    </dd>
  </dl>
</form>
</div>

<p>
  Forgot your password or username? <a href="/users/password/new">Reset your password</a>.
    <br />Don't have an account? <a href="/invite_requests">Request an invitation to join</a>.
</p>
          </div>"""
    return document(
        f"New Session | {SITE}", "sessions-new system session", main, return_to=return_to
    )
