"""Authors edit and delete their comments; a deleted comment with replies keeps its place."""
import pytest

from exchange.audit import AuditEvent
from exchange.discussion.models import Comment, CommentFlag
from exchange.extensions import db
from tests.discussion.state import counts, delete_comment, post_comment, problem, seen, thread
from tests.factories import ok


def test_author_edits_their_comment_and_edited_at_is_set(citizen, comment, pitch):
    edited = ok(citizen.patch(f"/comments/{comment['id']}", json={"body": " Second thought "}))
    assert edited["body"] == "Second thought"
    assert edited["edited_at"] is not None and edited["created_at"] == comment["created_at"]
    assert seen(citizen, pitch, comment["id"]) == edited
    assert counts(citizen, pitch) == (1, 1)


@pytest.mark.parametrize("who", ["stranger", "officer", "admin", "supplier"])
def test_only_the_author_may_edit_and_the_body_stays_unchanged(make, officer, admin, supplier,
                                                              comment, pitch, who):
    editor = {"stranger": make.user("stranger"), "officer": officer, "admin": admin,
              "supplier": supplier}[who]
    response = editor.patch(f"/comments/{comment['id']}", json={"body": "Not mine"})
    problem(response, 403)
    after = seen(editor, pitch, comment["id"])
    assert after["body"] == "A first thought" and after["edited_at"] is None


def test_signed_out_visitor_cannot_edit(anon, comment, pitch):
    problem(anon.patch(f"/comments/{comment['id']}", json={"body": "Anonymous"}), 401)
    assert seen(anon, pitch, comment["id"])["body"] == "A first thought"


def test_editing_an_unknown_comment_is_not_found(citizen):
    problem(citizen.patch("/comments/999999", json={"body": "Hello"}), 404)


@pytest.mark.parametrize("payload, field", [
    ({}, "body"), ({"body": "  "}, "body"), ({"body": "x" * 5001}, "body"),
    ({"body": 7}, "body"), ({"body": "ok", "parent_id": 3}, "parent_id"),
])
def test_bad_edits_are_refused_and_change_nothing(citizen, comment, pitch, payload, field):
    response = citizen.patch(f"/comments/{comment['id']}", json=payload)
    assert field in problem(response, 422)["errors"]
    after = seen(citizen, pitch, comment["id"])
    assert after["body"] == "A first thought" and after["edited_at"] is None


def test_a_hidden_comment_cannot_be_edited(citizen, officer, comment, pitch):
    ok(officer.post(f"/comments/{comment['id']}/moderation", json={"action": "hide"}))
    problem(citizen.patch(f"/comments/{comment['id']}", json={"body": "Sneaky"}), 409)
    after = seen(officer, pitch, comment["id"])
    assert after["body"] == "A first thought" and after["edited_at"] is None


def test_a_deleted_comment_cannot_be_edited(citizen, make, comment, pitch):
    post_comment(make.user("neighbour"), pitch, "Reply", parent=comment)
    delete_comment(citizen, comment)
    problem(citizen.patch(f"/comments/{comment['id']}", json={"body": "Back"}), 409)
    assert seen(citizen, pitch, comment["id"])["body"] is None


def test_comments_cannot_be_edited_once_the_challenge_is_closed(make, council, citizen,
                                                                comment, pitch):
    make.move(council, pitch["challenge_id"], "closed")
    problem(citizen.patch(f"/comments/{comment['id']}", json={"body": "Late"}), 409)
    assert seen(citizen, pitch, comment["id"])["body"] == "A first thought"


def test_deleting_a_comment_without_replies_removes_it(citizen, comment, pitch):
    delete_comment(citizen, comment)
    assert thread(citizen, pitch) == []
    assert counts(citizen, pitch) == (0, 0)
    problem(citizen.delete(f"/comments/{comment['id']}"), 404)


def test_deleting_a_reply_decrements_its_parents_reply_count(citizen, make, comment, pitch):
    other = make.user("neighbour")
    reply = post_comment(other, pitch, "Agreed", parent=comment)
    delete_comment(other, reply)
    assert [c["id"] for c in thread(citizen, pitch)] == [comment["id"]]
    assert seen(citizen, pitch, comment["id"])["reply_count"] == 0
    assert counts(citizen, pitch) == (1, 1)


def test_deleted_comment_with_replies_keeps_its_place(app, citizen, make, officer, comment,
                                                      pitch):
    other = make.user("neighbour")
    reply = post_comment(other, pitch, "Agreed", parent=comment)
    delete_comment(citizen, comment)
    for reader in (citizen, other, officer):
        kept = seen(reader, pitch, comment["id"])
        assert kept["deleted"] is True and kept["withheld"] is True
        assert kept["body"] is None and kept["author"] is None
        assert kept["reply_count"] == 1
    assert [c["id"] for c in thread(other, pitch)] == [comment["id"], reply["id"]]
    assert seen(other, pitch, reply["id"])["body"] == "Agreed"
    assert counts(citizen, pitch) == (1, 1)
    with app.app_context():
        assert db.session.get(Comment, comment["id"]).body == ""
    problem(citizen.delete(f"/comments/{comment['id']}"), 409)
    assert counts(citizen, pitch) == (1, 1)


def test_deleting_the_last_reply_of_a_deleted_comment_removes_both(citizen, make, comment,
                                                                   pitch):
    other = make.user("neighbour")
    reply = post_comment(other, pitch, "Agreed", parent=comment)
    delete_comment(citizen, comment)
    delete_comment(other, reply)
    assert thread(citizen, pitch) == []
    assert counts(citizen, pitch) == (0, 0)


def test_removing_a_deleted_chain_stops_at_a_comment_still_standing(citizen, make, comment,
                                                                     pitch):
    other = make.user("neighbour")
    middle = post_comment(other, pitch, "Middle", parent=comment)
    leaf = post_comment(citizen, pitch, "Leaf", parent=middle)
    delete_comment(other, middle)
    delete_comment(citizen, leaf)
    assert [c["id"] for c in thread(citizen, pitch)] == [comment["id"]]
    assert seen(citizen, pitch, comment["id"])["reply_count"] == 0
    assert counts(citizen, pitch) == (1, 1)


def test_removing_a_flagged_comment_removes_its_flags(app, citizen, make, comment):
    ok(make.user("flagger").post(f"/comments/{comment['id']}/flags", json={"reason": "Rude"}),
       201)
    delete_comment(citizen, comment)
    with app.app_context():
        assert db.session.query(CommentFlag).count() == 0


@pytest.mark.parametrize("who", ["stranger", "officer", "supplier"])
def test_only_the_author_or_an_admin_may_delete(make, officer, supplier, comment, pitch, who):
    deleter = {"stranger": make.user("stranger"), "officer": officer,
               "supplier": supplier}[who]
    problem(deleter.delete(f"/comments/{comment['id']}"), 403)
    assert seen(deleter, pitch, comment["id"])["body"] == "A first thought"
    assert counts(deleter, pitch) == (1, 1)


def test_signed_out_visitor_cannot_delete(anon, comment, pitch):
    problem(anon.delete(f"/comments/{comment['id']}"), 401)
    assert counts(anon, pitch) == (1, 1)


def test_admin_deletes_anyones_comment_and_it_is_audited(app, admin, comment, pitch):
    delete_comment(admin, comment)
    assert thread(admin, pitch) == []
    assert counts(admin, pitch) == (0, 0)
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="comment.deleted").one()
        assert event.actor_id == admin.id and event.subject_id == comment["id"]
        assert event.detail == {"pitch_id": pitch["id"], "by_author": False,
                                "changes": {"deleted": {"before": False, "after": True}}}


def test_author_may_delete_after_the_challenge_closes(make, council, citizen, comment, pitch):
    make.move(council, pitch["challenge_id"], "closed")
    delete_comment(citizen, comment)
    assert counts(citizen, pitch) == (0, 0)


def test_deleting_a_hidden_comment_leaves_the_counts_as_they_are(citizen, officer, comment,
                                                                 pitch):
    post_comment(citizen, pitch, "Another")
    ok(officer.post(f"/comments/{comment['id']}/moderation", json={"action": "hide"}))
    assert counts(citizen, pitch) == (1, 1)
    delete_comment(citizen, comment)
    assert counts(citizen, pitch) == (1, 1)
    assert seen(officer, pitch, comment["id"]) is None
