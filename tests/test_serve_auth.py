"""Who may read: loopback needs no token but a loopback Host; any other address needs
the token, as HTTP basic auth or the cookie the login page sets; no other site may post."""

from __future__ import annotations

import base64

import pytest

from search_cli.serve.gate import SESSION_COOKIE, is_loopback
from tests.serve_library import FERRY, build_archive, client

TOKEN = "correct-horse-battery-staple"
HTML = {"accept": "text/html,application/xhtml+xml"}


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"authorization": f"Basic {raw}"}


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("serve-auth"))


@pytest.fixture
def remote(config):
    """The app as `serve --host 0.0.0.0 --token …` runs it."""
    with client(config, token=TOKEN, loopback_only=False, base_url="http://192.0.2.7:8080") as c:
        yield c


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_loopback_needs_no_token(config):
    with client(config) as web:
        assert web.get("/").status_code == 200
        assert web.get("/opds").status_code == 200
    with client(config, base_url="http://localhost:8080") as web:
        assert web.get("/").status_code == 200


def test_loopback_refuses_a_foreign_host_name(config):
    """A page elsewhere that rebinds its own name to 127.0.0.1 cannot read the library."""
    with client(config, base_url="http://rebound.example:8080") as web:
        page = web.get("/")
        assert page.status_code == 421
        assert "Behind the Lock" not in page.text


@pytest.mark.parametrize(
    "path", ["/", "/search?q=ferry", f"/works/{FERRY}", "/opds", "/opds/recent"]
)
def test_without_the_token_nothing_is_shown(remote, path):
    page = remote.get(path, follow_redirects=False)
    assert page.status_code in (401, 303)
    assert "Ferry" not in page.text
    assert remote.get(
        path, headers=basic("reader", "wrong"), follow_redirects=False
    ).status_code in (401, 303)


def test_a_browser_is_sent_to_the_login_page_and_an_e_reader_asked_for_basic_auth(remote):
    page = remote.get("/search?q=ferry", headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fsearch%3Fq%3Dferry"
    feed = remote.get("/opds", headers=HTML, follow_redirects=False)
    assert feed.status_code == 401
    assert feed.headers["www-authenticate"].startswith('Basic realm="ficarchive"')


def test_basic_auth_with_the_token(remote):
    for headers in (basic("koreader", TOKEN), basic(TOKEN, "")):
        assert remote.get("/opds", headers=headers).status_code == 200
        assert (
            "The Night Ferry" in remote.get("/search", params={"q": "ferry"}, headers=headers).text
        )
    epub = remote.get(f"/works/{FERRY}/download/epub", headers=basic("k", TOKEN))
    assert epub.status_code == 200 and epub.content[:2] == b"PK"
    assert remote.get("/opds", headers={"authorization": "Basic !!!"}).status_code == 401


def test_one_login_then_a_cookie(remote):
    login = remote.get("/login", params={"next": "/search?q=ferry"}, headers=HTML)
    assert login.status_code == 200 and 'name="token"' in login.text
    assert 'value="/search?q=ferry"' in login.text
    wrong = remote.post("/login", data={"token": "nope", "next": "/search"})
    assert wrong.status_code == 401 and "not the token" in wrong.text
    right = remote.post(
        "/login", data={"token": TOKEN, "next": "/search?q=ferry"}, follow_redirects=False
    )
    assert right.status_code == 303 and right.headers["location"] == "/search?q=ferry"
    cookie = right.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and TOKEN not in cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert "The Night Ferry" in remote.get("/search", params={"q": "ferry"}).text
    assert remote.get("/opds").status_code == 200


def test_the_login_page_never_redirects_off_the_site(remote):
    done = remote.post(
        "/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False
    )
    assert done.headers["location"] == "/"


def test_the_stylesheet_is_open_for_the_login_page(remote):
    assert remote.get("/static/style.css").status_code == 200


def test_no_other_site_can_post(config):
    with client(config) as web:
        for headers in (
            {"origin": "http://evil.example"},
            {"origin": "null"},
            {"sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:8080"},
        ):
            refused = web.post(f"/works/{FERRY}/mark", data={"mark": "read"}, headers=headers)
            assert refused.status_code == 403
            assert web.post("/prefs", data={"theme": "dark"}, headers=headers).status_code == 403
        assert "Nothing here yet" in web.get("/shelf/read").text
        same = web.post(
            f"/works/{FERRY}/mark",
            data={"mark": "read"},
            headers={"origin": "http://127.0.0.1:8080", "sec-fetch-site": "same-origin"},
        )
        assert same.status_code == 200 and "The Night Ferry" in web.get("/shelf/read").text


def test_every_answer_carries_the_security_headers(remote):
    for answer in (remote.get("/opds"), remote.get("/login"), remote.get("/static/style.css")):
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
