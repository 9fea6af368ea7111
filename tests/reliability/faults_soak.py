"""`make soak`, network faults: each hostile-server attack, many times, through the real
command, with the time each crawl was held and whether the archive stayed intact.

Every trial seeds an archive with one good work, then crawls a listing whose works
all answer with the attack. Held: the longest crawl of the attack (wall seconds),
against the bound the config allows (deadline and give-up budget). Intact: the
seeded work unchanged, `doctor` healthy, and the crawl's exit one line, never a
traceback.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from rich.table import Table

from search_cli.demo import ao3_markup, sample_works
from tests.reliability.harness import ficarchive
from tests.servers import Reply, ScriptedServer, drip

HTML = {"Content-Type": "text/html; charset=utf-8"}
LISTING = "/tags/Fluff/works"
WORK = sample_works.LIGHTHOUSE
DEADLINE = 2.0
GIVE_UP = 2
ATTACKED = (2, 3, 4)
MB = 1024 * 1024


def _bomb() -> bytes:
    inner = zlib.compressobj(1, zlib.DEFLATED, 31)
    layer = b"".join(inner.compress(bytes(MB)) for _ in range(64)) + inner.flush()
    outer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return outer.compress(layer) + outer.flush()


ATTACKS: dict[str, Callable[[], Reply]] = {
    "headers trickled a byte a second": lambda: Reply(200, HTML, b"<html></html>", trickle=1.0),
    "body trickled a byte a second": lambda: Reply(
        200, HTML, b"<html>" + b"x" * 200 + b"</html>", trickle=1.0, trickle_body=True
    ),
    "endless chunked body": lambda: Reply(200, HTML, chunks=drip(lasting=DEADLINE * 4)),
    "gzip inside gzip bomb": lambda: Reply(
        200, {**HTML, "Content-Encoding": "gzip, gzip"}, _bomb()
    ),
    "503 forever": lambda: Reply(503, {"Retry-After": "0"}, b"down"),
    "429 forever": lambda: Reply(429, {"Retry-After": "0"}, b"slow down"),
    "reset mid-body": lambda: Reply(200, HTML, b"<html>" + b"y" * 5000, reset_mid_body=True),
}


def _listing() -> bytes:
    blurbs = "".join(
        f'<li class="work blurb group"><div class="header module"><h4 class="heading">'
        f'<a href="/works/{i}">Work {i}</a></h4></div></li>'
        for i in (WORK.work_id, *ATTACKED)
    )
    return f'<html><body><ol class="work index group">{blurbs}</ol></body></html>'.encode()


def _config(root: Path, base_url: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "config.toml"
    path.write_text(
        f'[archive]\npath = "archive"\ncontact = "soak@example.org"\n'
        f"[politeness]\ndelay_seconds = 0\nmax_retries = 1\nbackoff_base_seconds = 0.01\n"
        f"request_deadline_seconds = {DEADLINE}\nread_timeout_seconds = {DEADLINE}\n"
        f"give_up_after_failures = {GIVE_UP}\n"
        f'[sites.ao3]\nbase_url = "{base_url}"\ndelay_seconds = 0\n'
        f'[[sources]]\nname = "s"\nsite = "ao3"\nstart = ["{LISTING}"]\n',
        encoding="utf-8",
    )
    return path


def _trial(root: Path, attack: Callable[[], Reply]) -> tuple[float, str]:
    """One seeded archive, one attacked crawl: (seconds held, "" or what went wrong)."""
    page = ao3_markup.work_page(WORK, None).encode()
    with ScriptedServer() as srv:
        srv.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        srv.route(LISTING, Reply(200, HTML, _listing()))
        srv.route(f"/works/{WORK.work_id}", Reply(200, HTML, page), attack())
        for i in ATTACKED:
            srv.route(f"/works/{i}", attack())
        config = _config(root, srv.base_url)
        seed = ficarchive("--config", str(config), "add", srv.url(f"/works/{WORK.work_id}"))
        if seed.code != 0:
            return 0.0, f"seeding failed: {seed.err.strip()[-80:]}"
        before = ficarchive("--config", str(config), "show", f"ao3:{WORK.work_id}", "--json")
        began = time.monotonic()
        run = ficarchive("--config", str(config), "crawl", "--json")
        held = time.monotonic() - began
    after = ficarchive("--config", str(config), "show", f"ao3:{WORK.work_id}", "--json")
    doctor = ficarchive("--config", str(config), "doctor", "--json")
    if "Traceback" in run.err or run.code not in (0, 1):
        return held, f"crawl exit {run.code}: {run.err.strip()[-80:]}"
    if after.out != before.out:
        return held, "the seeded work changed"
    if doctor.code != 0 or not json.loads(doctor.out).get("healthy"):
        return held, "doctor found a problem"
    return held, ""


def bound_seconds() -> float:
    """The most a crawl of this listing may take: give-up budget, each try at its deadline,
    plus process start-up, robots.txt and the listing."""
    return (GIVE_UP + 2) * (DEADLINE + 1) * 2 + 20


def network_faults(root: Path, trials: int) -> tuple[Table, bool]:
    table = Table(
        title="network faults (hostile servers on 127.0.0.1)",
        caption=f"held: the longest crawl; bound {bound_seconds():.0f} s"
        f" (deadline {DEADLINE:.0f} s, give up after {GIVE_UP})",
    )
    for name in ("attack", "trials", "held (s)", "bounded", "archive intact"):
        table.add_column(name, justify="left" if name == "attack" else "right")
    ok = True
    for n, (name, attack) in enumerate(ATTACKS.items()):
        worst, problems = 0.0, []
        for t in range(trials):
            held, problem = _trial(root / f"{n:02d}-{t:03d}", attack)
            worst = max(worst, held)
            if problem:
                problems.append(problem)
        bounded = worst <= bound_seconds()
        intact = not problems
        ok &= bounded and intact
        table.add_row(
            name,
            str(trials),
            f"{worst:.1f}",
            "[green]yes[/]" if bounded else "[red]no[/]",
            "[green]yes[/]" if intact else f"[red]{problems[0]}[/]",
        )
    return table, ok
