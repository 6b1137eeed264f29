"""Posting comments and replies, and the rules on what may be posted where."""
import pytest

from tests.discussion.state import counts, delete_comment, post_comment, problem, seen, thread
from tests.factories import ok


def test_citizen_comments_on_a_pitch_and_the_counts_follow(citizen, pitch):
    created = ok(citizen.post(f"/pitches/{pitch['id']}/comments",
                              json={"body": "  Would this work offline?  "}), 201)
    assert created["body"] == "Would this work offline?"
    assert created["author"] == {"id": citizen.id, "roles": [], "display_name": created["author"]
                                 ["display_name"]}
    assert created["pitch_id"] == pitch["id"] and created["parent_id"] is None
    assert created["status"] == "visible"
    assert created["deleted"] is False and created["withheld"] is False
    assert created["reply_count"] == 0 and created["edited_at"] is None
    assert created["created_at"].endswith("Z")
    assert counts(citizen, pitch) == (1, 1)
    assert thread(citizen, pitch) == [created]


def test_flag_count_is_shown_to_moderators_only(citizen, officer, anon, comment, pitch):
    assert comment["flag_count"] is None
    assert seen(anon, pitch, comment["id"])["flag_count"] is None
    assert seen(officer, pitch, comment["id"])["flag_count"] == 0


def test_anyone_reads_the_comments_signed_out(anon, comment, pitch):
    listed = thread(anon, pitch)
    assert [c["body"] for c in listed] == ["A first thought"]
    assert listed[0]["author"]["id"] == comment["author"]["id"]


def test_signed_out_visitor_cannot_comment(anon, citizen, pitch):
    response = anon.post(f"/pitches/{pitch['id']}/comments", json={"body": "Hello"})
    problem(response, 401)
    assert thread(citizen, pitch) == []
    assert counts(citizen, pitch) == (0, 0)


def test_comments_of_an_unknown_pitch_are_not_found(citizen, anon):
    problem(anon.get("/pitches/999999/comments"), 404)
    problem(citizen.post("/pitches/999999/comments", json={"body": "Hello"}), 404)


def test_replies_are_threaded_and_counted_on_their_parent(citizen, make, comment, pitch):
    other = make.user("neighbour")
    reply = post_comment(other, pitch, "Agreed", parent=comment)
    nested = post_comment(citizen, pitch, "Thanks", parent=reply)
    assert reply["parent_id"] == comment["id"] and nested["parent_id"] == reply["id"]
    listed = thread(citizen, pitch)
    assert [c["id"] for c in listed] == [comment["id"], reply["id"], nested["id"]]
    assert [c["reply_count"] for c in listed] == [1, 1, 0]
    assert counts(citizen, pitch) == (3, 3)


def test_reply_to_a_comment_on_another_pitch_is_refused(make, citizen, challenge,
                                                        supplier_org, comment, pitch):
    elsewhere = make.pitch(challenge["id"], supplier_org)
    response = citizen.post(f"/pitches/{elsewhere['id']}/comments",
                            json={"body": "Lost reply", "parent_id": comment["id"]})
    assert "parent_id" in problem(response, 422)["errors"]
    assert thread(citizen, elsewhere) == []
    assert seen(citizen, pitch, comment["id"])["reply_count"] == 0
    assert counts(citizen, elsewhere) == (0, 1)


def test_reply_to_an_unknown_comment_is_refused(citizen, pitch):
    response = citizen.post(f"/pitches/{pitch['id']}/comments",
                            json={"body": "Reply", "parent_id": 424242})
    assert "parent_id" in problem(response, 422)["errors"]
    assert thread(citizen, pitch) == []


def test_reply_to_a_deleted_comment_is_refused(citizen, make, comment, pitch):
    other = make.user("neighbour")
    post_comment(other, pitch, "Keeps the deleted one in place", parent=comment)
    delete_comment(citizen, comment)
    response = other.post(f"/pitches/{pitch['id']}/comments",
                          json={"body": "Too late", "parent_id": comment["id"]})
    assert "parent_id" in problem(response, 422)["errors"]
    assert seen(citizen, pitch, comment["id"])["reply_count"] == 1
    assert counts(citizen, pitch) == (1, 1)


def test_a_comment_may_reply_to_a_hidden_one(citizen, officer, comment, pitch):
    ok(officer.post(f"/comments/{comment['id']}/moderation", json={"action": "hide"}))
    reply = post_comment(citizen, pitch, "Still answering", parent=comment)
    assert reply["parent_id"] == comment["id"]
    assert seen(citizen, pitch, comment["id"])["reply_count"] == 1


@pytest.mark.parametrize("payload, field", [
    ({}, "body"),
    ({"body": ""}, "body"),
    ({"body": "   \n\t "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"body": 42}, "body"),
    ({"body": ["a"]}, "body"),
    ({"body": None}, "body"),
    ({"body": "nul \x00 inside"}, "body"),
    ({"body": "ok", "parent_id": "1"}, "parent_id"),
    ({"body": "ok", "parent_id": 1.5}, "parent_id"),
    ({"body": "ok", "parent_id": True}, "parent_id"),
    ({"body": "ok", "parent_id": 0}, "parent_id"),
    ({"body": "ok", "parent_id": 2**40}, "parent_id"),
    ({"body": "ok", "author_id": 1}, "author_id"),
    ({"body": "ok", "status": "hidden"}, "status"),
])
def test_bad_comment_bodies_are_refused_and_change_nothing(citizen, comment, pitch,
                                                           payload, field):
    response = citizen.post(f"/pitches/{pitch['id']}/comments", json=payload)
    assert field in problem(response, 422)["errors"]
    assert [c["id"] for c in thread(citizen, pitch)] == [comment["id"]]
    assert counts(citizen, pitch) == (1, 1)


@pytest.mark.parametrize("raw", ['["body"]', '"text"', "{not json"])
def test_a_body_that_is_not_a_json_object_is_refused(citizen, pitch, raw):
    response = citizen.post(f"/pitches/{pitch['id']}/comments", data=raw,
                            content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert thread(citizen, pitch) == []


def test_a_comment_of_5000_characters_is_accepted(citizen, pitch):
    created = post_comment(citizen, pitch, "é" * 5000)
    assert len(created["body"]) == 5000


@pytest.mark.parametrize("status", ["voting", "shortlisted"])
def test_comments_are_taken_while_voting_and_once_shortlisted(make, council, citizen,
                                                              supplier_org, status):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    make.move(council, challenge["id"], "voting")
    if status == "shortlisted":
        ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    post_comment(citizen, pitch, "Still talking")
    assert counts(citizen, pitch) == (1, 1)


def test_no_comments_once_the_challenge_is_closed(make, council, citizen, comment, pitch):
    make.move(council, pitch["challenge_id"], "closed")
    response = citizen.post(f"/pitches/{pitch['id']}/comments", json={"body": "Late"})
    problem(response, 409)
    assert [c["id"] for c in thread(citizen, pitch)] == [comment["id"]]
    assert counts(citizen, pitch) == (1, 1)


def test_no_comments_on_a_withdrawn_pitch(supplier, citizen, comment, pitch):
    ok(supplier.post(f"/pitches/{pitch['id']}/withdraw"))
    response = citizen.post(f"/pitches/{pitch['id']}/comments", json={"body": "Late"})
    problem(response, 409)
    assert [c["id"] for c in thread(citizen, pitch)] == [comment["id"]]
    assert counts(citizen, pitch) == (1, 1)


def test_cookie_signed_comment_without_csrf_token_is_refused(anon, pitch):
    ok(anon.post("/auth/register", json={"email": "cookie@example.org",
                                         "password": "password-1", "display_name": "C"}), 201)
    ok(anon.post("/auth/login", json={"email": "cookie@example.org",
                                      "password": "password-1"}))
    problem(anon.post(f"/pitches/{pitch['id']}/comments", json={"body": "Forged"}), 403)
    assert thread(anon, pitch) == []
    token = ok(anon.get("/auth/csrf"))["csrf_token"]
    ok(anon.post(f"/pitches/{pitch['id']}/comments", json={"body": "Real"},
                 headers={"X-CSRF-Token": token}), 201)
