"""Config values that once passed validation and crashed later with a traceback
(OverflowError at the first sleep, UnicodeEncodeError in the User-Agent, ValueError
from a URL or a path, RecursionError from TOML): each is now one line naming the
file and the key, with exit code 2, before any work starts."""

from __future__ import annotations

import pytest

from tests.cli import ficarchive

CASES = {
    "a delay of 1e12 seconds": ("[politeness]\ndelay_seconds = 1e12\n", "politeness.delay_seconds"),
    "a read timeout of 1e300": (
        "[politeness]\nread_timeout_seconds = 1e300\n",
        "politeness.read_timeout_seconds",
    ),
    "a site delay of a year": (
        "[sites.ao3]\ndelay_seconds = 31536000\n",
        "sites.ao3.delay_seconds",
    ),
    "a non-ASCII contact": ('[archive]\ncontact = "Zoë <z@example.org>"\n', "archive.contact"),
    "a contact with a newline": ('[archive]\ncontact = "a\\nX-Evil: 1"\n', "archive.contact"),
    "an unclosed IPv6 base_url": ('[sites.ao3]\nbase_url = "http://[::1"\n', "sites.ao3.base_url"),
    "a NUL in the archive path": ('[archive]\npath = "arch\\u0000ive"\n', "archive.path"),
    "deeply nested TOML": ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    "ten billion retries": ("[politeness]\nmax_retries = 10000000000\n", "politeness.max_retries"),
}


@pytest.mark.parametrize("text,key", CASES.values(), ids=CASES.keys())
def test_a_bad_config_value_is_one_line_and_exit_2(tmp_path, text, key):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    run = ficarchive("--config", str(path), "crawl", "--dry-run")
    assert run.code == 2, run
    assert "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and key in lines[0], run.err


def test_the_bounds_leave_every_real_value_alone(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[archive]\ncontact = "reader@example.org"\n'
        "[politeness]\ndelay_seconds = 86400\nread_timeout_seconds = 600\nmax_retries = 10\n",
        encoding="utf-8",
    )
    assert ficarchive("--config", str(path), "stats").code == 0
