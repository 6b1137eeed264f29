"""Parallel comments keep every count true (PostgreSQL: real row locks and parallel
sessions): a comment reads what its rules need only after its challenge's lock."""
import pytest

from tests.conftest import DATABASE_URL
from tests.discussion.state import counts, post_comment, seen
from tests.factories import Client
from tests.parallel import in_parallel

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                                reason="needs PostgreSQL's concurrent sessions")


def test_thirty_people_commenting_at_once_count_once_each(make, wide_app, pitch):
    people = [Client(wide_app, p.token) for p in (make.user("rater") for _ in range(30))]
    responses = in_parallel([
        (lambda p=p, i=i: p.post(f"/pitches/{pitch['id']}/comments", json={"body": f"No {i}"}))
        for i, p in enumerate(people)])
    assert [r.status_code for r in responses] == [201] * 30
    assert len({r.get_json()["id"] for r in responses}) == 30
    assert counts(people[0], pitch) == (30, 30)


def test_replies_racing_their_parents_deletion_keep_the_counts_true(make, wide_app, citizen,
                                                                    pitch):
    parent = post_comment(citizen, pitch, "Does it work offline?")
    people = [Client(wide_app, p.token) for p in (make.user("rater") for _ in range(12))]
    author = Client(wide_app, citizen.token)
    calls = [(lambda p=p: p.post(f"/pitches/{pitch['id']}/comments",
                                 json={"body": "Yes", "parent_id": parent["id"]}))
             for p in people]
    calls.append(lambda: author.delete(f"/comments/{parent['id']}"))
    responses = in_parallel(calls)
    *replies, deletion = responses
    assert deletion.status_code == 204
    assert {r.status_code for r in replies} <= {201, 422}
    answered = sum(r.status_code == 201 for r in replies)
    now = seen(citizen, pitch, parent["id"])
    if answered == 0:
        assert now is None  # deleted before any reply: gone with no trace
    else:
        assert (now["deleted"], now["reply_count"]) == (True, answered)
    assert counts(citizen, pitch) == (answered, answered)
