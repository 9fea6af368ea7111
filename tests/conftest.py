"""Shared test fixtures: where ../shared/fixtures lives, and skipping when it is absent."""

from __future__ import annotations

import random
import resource
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


def shared_fixture(relpath: str) -> Path:
    """Path of a real saved page under ../shared/fixtures; skip the test where it is absent."""
    path = SHARED_FIXTURES / relpath
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared fixtures live beside the clone, not in it")
    return path


@pytest.fixture
def seed_story() -> Path:
    return shared_fixture("seed/story_with_ornamental_dividers_and_author_note.txt")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shuffle",
        type=int,
        metavar="SEED",
        help="run the tests in an order shuffled by SEED, to find tests that lean on others"
        " (every xdist worker shuffles alike, so they agree on the collection)",
    )
    parser.addoption(
        "--cpu-top",
        type=int,
        metavar="N",
        help="after the run, the CPU seconds of all tests and the N most costly",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --shuffle: the files in a shuffled order, and the tests within each file.

    A file's tests stay together (as pytest-randomly keeps them) so its module-scoped
    fixtures are built once, not once per test.
    """
    seed = config.getoption("--shuffle")
    if seed is None:
        return
    rng = random.Random(seed)
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    groups = list(files.values())
    rng.shuffle(groups)
    for group in groups:
        rng.shuffle(group)
    items[:] = [item for group in groups for item in group]


# --- what each test costs in CPU ----------------------------------------------------------
# Wall time on a shared machine says little; CPU seconds (the test's process and every
# command it ran and waited for) say what a test costs. Each test's teardown report
# carries them as the user property cpu_s (so --junitxml records them, from every xdist
# worker), and --cpu-top N prints the sum and the N most costly tests.


def _cpu_now() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    if call.when == "setup":
        item.stash[_CPU_START] = _cpu_now()
    outcome = yield
    if call.when == "teardown" and _CPU_START in item.stash:
        spent = _cpu_now() - item.stash[_CPU_START]
        outcome.get_result().user_properties.append(("cpu_s", round(spent, 3)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "teardown":
        for name, value in report.user_properties:
            if name == "cpu_s":
                _CPU_SPENT[report.nodeid] = float(value)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    top = config.getoption("--cpu-top")
    if not top or not _CPU_SPENT:
        return
    write = terminalreporter.write_line
    terminalreporter.section(f"CPU seconds, the {top} most costly tests")
    for nodeid, spent in sorted(_CPU_SPENT.items(), key=lambda kv: -kv[1])[:top]:
        write(f"{spent:8.2f}s  {nodeid}")
    write(f"{sum(_CPU_SPENT.values()):8.1f}s  in all, {len(_CPU_SPENT)} tests")


_CPU_START = pytest.StashKey[float]()
_CPU_SPENT: dict[str, float] = {}
