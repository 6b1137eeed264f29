"""Commenting runs at most four SQL statements, signing in by bearer token included, takes
one row lock (its challenge's, by moving its comment count before anything else is written)
and reads back nothing it wrote; a reply, which also counts itself on its parent, at most
five."""
import re

from tests.contract import recorded_statements
from tests.discussion.state import post_comment
from tests.factories import ok

COMMENT_BUDGET = 4
REPLY_BUDGET = 5
LOCK = re.compile(r"\bFOR (NO KEY )?UPDATE\b")


def _posted(app, client, pitch, payload):
    with recorded_statements(app) as seen:
        response = client.post(f"/pitches/{pitch['id']}/comments", json=payload)
    return ok(response, 201), list(seen)


def _assert_within_budget(app, statements, budget):
    assert len(statements) <= budget, "\n\n".join(statements)
    # One lock, the challenge's, the first a comment writer takes: the UPDATE of its count.
    writes = [s for s in statements if not s.lstrip().startswith("SELECT")]
    assert writes[0].lstrip().startswith("UPDATE challenges SET comment_count"), writes
    assert not [s for s in statements if LOCK.search(s)]


def test_a_comment_runs_within_the_budget(app, citizen, pitch):
    body, statements = _posted(app, citizen, pitch, {"body": "Worth a trial"})
    assert (body["body"], body["reply_count"], body["flag_count"]) == ("Worth a trial", 0, None)
    _assert_within_budget(app, statements, COMMENT_BUDGET)


def test_a_moderators_comment_runs_within_the_budget(app, officer, pitch):
    body, statements = _posted(app, officer, pitch, {"body": "Thanks, noted"})
    assert body["flag_count"] == 0
    _assert_within_budget(app, statements, COMMENT_BUDGET)


def test_a_reply_runs_within_the_budget(app, citizen, supplier, pitch):
    first = post_comment(citizen, pitch, "How much?")
    body, statements = _posted(app, supplier, pitch, {"body": "Free", "parent_id": first["id"]})
    assert body["parent_id"] == first["id"]
    _assert_within_budget(app, statements, REPLY_BUDGET)
