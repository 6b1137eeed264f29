"""Fixtures for the discussion: an open challenge, one pitch on it, one comment."""
import pytest

from tests.discussion.state import post_comment


@pytest.fixture
def challenge(make, council):
    return make.challenge(council, "open")


@pytest.fixture
def pitch(make, challenge, supplier_org):
    return make.pitch(challenge["id"], supplier_org)


@pytest.fixture
def comment(citizen, pitch):
    """A comment by the citizen on the pitch."""
    return post_comment(citizen, pitch, "A first thought")
