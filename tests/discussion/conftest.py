"""Fixtures for the discussion: one comment on the pitch (see tests/conftest.py)."""
import pytest

from tests.discussion.state import post_comment


@pytest.fixture
def comment(citizen, pitch):
    """A comment by the citizen on the pitch."""
    return post_comment(citizen, pitch, "A first thought")
