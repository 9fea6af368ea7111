"""Shared test fixtures: where ../shared/fixtures lives, and skipping when it is absent."""

from __future__ import annotations

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
