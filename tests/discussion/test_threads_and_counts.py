"""Reading a thread page by page, and the comment counts on pitches and challenges."""

import pytest
from sqlalchemy import func, select

from exchange.challenges.models import Challenge
from exchange.discussion.models import Comment, CommentFlag
from exchange.extensions import db
from exchange.pitches.models import Pitch
from tests.contract import recorded_statements
from tests.discussion.state import counts, delete_comment, post_comment, problem, seen, thread
from tests.factories import ok


def test_pagination_returns_each_comment_once_even_as_comments_arrive(citizen, anon, pitch):
    posted = [post_comment(citizen, pitch, f"Comment {i}")["id"] for i in range(12)]
    served, cursor, pages = [], None, 0
    while True:
        query = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        response = anon.get(f"/pitches/{pitch['id']}/comments", query_string=query)
        page = ok(response)
        served += [c["id"] for c in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            assert "Link" not in response.headers
            break
        assert 'rel="next"' in response.headers["Link"] and cursor in response.headers["Link"]
        if pages == 1:  # a comment arriving mid-way is served once, at the end
            posted.append(post_comment(citizen, pitch, "Late arrival")["id"])
    assert served == posted and len(set(served)) == 13
    assert pages == 3


@pytest.mark.parametrize("query", [{"cursor": "not-a-cursor"}, {"limit": 0},
                                   {"limit": 101}, {"limit": "many"}])
def test_bad_page_arguments_are_refused(anon, comment, pitch, query):
    problem(anon.get(f"/pitches/{pitch['id']}/comments", query_string=query), 422)


def test_listing_takes_the_same_queries_however_many_comments(app, make, officer, pitch):
    post_comment(make.user("first"), pitch, "One")

    def queries_to_list():
        with recorded_statements(app) as statements:
            assert ok(officer.get(f"/pitches/{pitch['id']}/comments"))["items"]
        return len(statements)

    few = queries_to_list()
    assert few > 0
    for i in range(6):
        author = make.user(f"author{i}")
        hidden = post_comment(author, pitch, f"Comment {i}")
        if i % 2:
            ok(officer.post(f"/comments/{hidden['id']}/moderation", json={"action": "hide"}))
    assert queries_to_list() == few


def test_counts_follow_create_delete_hide_restore(make, citizen, officer, challenge,
                                                  supplier_org, pitch):
    other_pitch = make.pitch(challenge["id"], supplier_org)
    first = post_comment(citizen, pitch, "First")
    second = post_comment(citizen, pitch, "Second")
    post_comment(citizen, other_pitch, "Elsewhere")
    assert counts(citizen, pitch) == (2, 3)
    assert counts(citizen, other_pitch) == (1, 3)
    ok(officer.post(f"/comments/{first['id']}/moderation", json={"action": "hide"}))
    assert counts(citizen, pitch) == (1, 2)
    ok(officer.post(f"/comments/{first['id']}/moderation", json={"action": "restore"}))
    assert counts(citizen, pitch) == (2, 3)
    reply = post_comment(make.user("neighbour"), pitch, "Reply", parent=second)
    assert counts(citizen, pitch) == (3, 4)
    delete_comment(citizen, second)  # kept for its reply, no longer counted
    assert counts(citizen, pitch) == (2, 3)
    assert seen(citizen, pitch, reply["id"])["body"] == "Reply"
    delete_comment(citizen, first)
    assert counts(citizen, pitch) == (1, 2)
    assert counts(citizen, other_pitch) == (1, 2)


def test_stored_counts_match_the_comments_after_a_busy_thread(app, make, citizen, officer,
                                                              admin, pitch):
    people = [make.user(f"p{i}") for i in range(3)]
    root = post_comment(people[0], pitch, "Root")
    replies = [post_comment(p, pitch, f"Reply {i}", parent=root) for i, p in enumerate(people)]
    nested = post_comment(citizen, pitch, "Nested", parent=replies[1])
    for p in people[1:]:
        ok(p.post(f"/comments/{root['id']}/flags", json={"reason": "Off topic"}), 201)
    ok(officer.post(f"/comments/{replies[0]['id']}/moderation", json={"action": "hide"}))
    delete_comment(people[1], replies[1])
    delete_comment(admin, replies[2])
    ok(officer.post(f"/comments/{nested['id']}/moderation", json={"action": "hide"}))
    delete_comment(citizen, nested)  # removes its deleted parent too
    assert [c["id"] for c in thread(citizen, pitch)] == [root["id"], replies[0]["id"]]
    with app.app_context():
        comments = db.session.scalars(select(Comment)).all()
        shown = sum(1 for c in comments if c.deleted_at is None and c.status == "visible")
        stored_pitch = db.session.get(Pitch, pitch["id"])
        assert stored_pitch.comment_count == shown == 1
        assert db.session.get(Challenge, pitch["challenge_id"]).comment_count == shown
        for c in comments:
            assert c.reply_count == sum(1 for r in comments if r.parent_id == c.id)
            assert c.flag_count == db.session.scalar(
                select(func.count()).where(CommentFlag.comment_id == c.id))
