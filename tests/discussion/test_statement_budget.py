"""Commenting runs at most six SQL statements, signing in by bearer token included, and
reads back nothing it wrote; a reply, which also counts itself on its parent, at most
seven."""
from tests.contract import recorded_statements
from tests.discussion.state import post_comment
from tests.factories import ok

COMMENT_BUDGET = 6
REPLY_BUDGET = 7


def _posted(app, client, pitch, payload):
    with recorded_statements(app) as seen:
        response = client.post(f"/pitches/{pitch['id']}/comments", json=payload)
    return ok(response, 201), list(seen)


def test_a_comment_runs_within_the_budget(app, citizen, pitch):
    body, statements = _posted(app, citizen, pitch, {"body": "Worth a trial"})
    assert (body["body"], body["reply_count"], body["flag_count"]) == ("Worth a trial", 0, None)
    assert len(statements) <= COMMENT_BUDGET, "\n\n".join(statements)


def test_a_moderators_comment_runs_within_the_budget(app, officer, pitch):
    body, statements = _posted(app, officer, pitch, {"body": "Thanks, noted"})
    assert body["flag_count"] == 0
    assert len(statements) <= COMMENT_BUDGET, "\n\n".join(statements)


def test_a_reply_runs_within_the_budget(app, citizen, supplier, pitch):
    first = post_comment(citizen, pitch, "How much?")
    body, statements = _posted(app, supplier, pitch, {"body": "Free", "parent_id": first["id"]})
    assert body["parent_id"] == first["id"]
    assert len(statements) <= REPLY_BUDGET, "\n\n".join(statements)
