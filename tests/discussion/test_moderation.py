"""The owning council's officers and admins hide and restore comments."""
import pytest

from exchange.audit import AuditEvent
from exchange.extensions import db
from tests.discussion.state import counts, delete_comment, post_comment, problem, seen, thread
from tests.factories import ok


def moderate(client, comment, action):
    return client.post(f"/comments/{comment['id']}/moderation", json={"action": action})


def test_officer_hides_a_comment_and_the_counts_follow(officer, citizen, comment, pitch):
    hidden = ok(moderate(officer, comment, "hide"))
    assert hidden["status"] == "hidden" and hidden["withheld"] is False
    assert hidden["body"] == "A first thought" and hidden["author"]["id"] == citizen.id
    assert hidden["flag_count"] == 0
    assert counts(citizen, pitch) == (0, 0)


def test_hidden_comment_keeps_its_place_with_text_withheld_except_for_moderators(
        make, anon, citizen, officer, admin, supplier, comment, pitch):
    later = post_comment(make.user("neighbour"), pitch, "After it")
    ok(moderate(officer, comment, "hide"))
    for reader in (anon, citizen, supplier, make.council(admin=admin).owner):
        listed = thread(reader, pitch)
        assert [c["id"] for c in listed] == [comment["id"], later["id"]]
        kept = listed[0]
        assert kept["status"] == "hidden" and kept["withheld"] is True
        assert kept["body"] is None and kept["author"] is None
        assert kept["deleted"] is False and kept["flag_count"] is None
    for moderator in (officer, admin):
        kept = seen(moderator, pitch, comment["id"])
        assert kept["withheld"] is False and kept["body"] == "A first thought"
        assert kept["author"]["id"] == citizen.id


def test_restoring_shows_the_comment_again(officer, citizen, comment, pitch):
    ok(moderate(officer, comment, "hide"))
    restored = ok(moderate(officer, comment, "restore"))
    assert restored["status"] == "visible"
    assert seen(citizen, pitch, comment["id"])["body"] == "A first thought"
    assert counts(citizen, pitch) == (1, 1)


def test_admin_moderates_any_comment(admin, citizen, comment, pitch):
    ok(moderate(admin, comment, "hide"))
    assert counts(citizen, pitch) == (0, 0)
    ok(moderate(admin, comment, "restore"))
    assert counts(citizen, pitch) == (1, 1)


def test_another_member_of_the_owning_council_moderates(make, council, comment, pitch):
    colleague = make.member(council, "colleague")
    ok(moderate(colleague, comment, "hide"))
    assert counts(colleague, pitch) == (0, 0)


@pytest.mark.parametrize("who", ["citizen", "author", "supplier"])
def test_citizen_cannot_hide_a_comment(make, citizen, supplier, comment, pitch, who):
    caller = {"citizen": make.user("bystander"), "author": citizen, "supplier": supplier}[who]
    problem(moderate(caller, comment, "hide"), 403)
    assert seen(caller, pitch, comment["id"])["body"] == "A first thought"
    assert counts(caller, pitch) == (1, 1)


def test_officer_of_another_council_cannot_moderate(make, admin, officer, comment, pitch):
    stranger = make.council(admin=admin).owner
    problem(moderate(stranger, comment, "hide"), 403)
    assert seen(stranger, pitch, comment["id"])["status"] == "visible"
    assert counts(stranger, pitch) == (1, 1)
    ok(moderate(officer, comment, "hide"))
    problem(moderate(stranger, comment, "restore"), 403)
    assert seen(officer, pitch, comment["id"])["status"] == "hidden"
    assert counts(officer, pitch) == (0, 0)


def test_members_of_an_unverified_council_are_not_officers(make, council, comment, pitch):
    unverified = make.council(verified=False).owner
    problem(moderate(unverified, comment, "hide"), 403)
    assert counts(unverified, pitch) == (1, 1)


def test_signed_out_visitor_cannot_moderate(anon, comment, pitch):
    problem(moderate(anon, comment, "hide"), 401)
    assert seen(anon, pitch, comment["id"])["status"] == "visible"


def test_hiding_a_hidden_comment_conflicts(officer, citizen, comment, pitch):
    ok(moderate(officer, comment, "hide"))
    problem(moderate(officer, comment, "hide"), 409)
    assert seen(officer, pitch, comment["id"])["status"] == "hidden"
    assert counts(citizen, pitch) == (0, 0)


def test_restoring_a_visible_comment_conflicts(officer, citizen, comment, pitch):
    problem(moderate(officer, comment, "restore"), 409)
    assert seen(officer, pitch, comment["id"])["status"] == "visible"
    assert counts(citizen, pitch) == (1, 1)


def test_a_deleted_comment_cannot_be_moderated(make, officer, citizen, comment, pitch):
    post_comment(make.user("neighbour"), pitch, "Reply", parent=comment)
    delete_comment(citizen, comment)
    problem(moderate(officer, comment, "hide"), 409)
    kept = seen(officer, pitch, comment["id"])
    assert kept["status"] == "visible" and kept["deleted"] is True
    assert counts(citizen, pitch) == (1, 1)


def test_moderating_an_unknown_comment_is_not_found(officer):
    problem(officer.post("/comments/999999/moderation", json={"action": "hide"}), 404)


@pytest.mark.parametrize("payload", [{}, {"action": "delete"}, {"action": "HIDE"},
                                     {"action": 1}, {"action": "hide", "why": "rude"}])
def test_bad_moderation_requests_are_refused(officer, citizen, comment, pitch, payload):
    problem(officer.post(f"/comments/{comment['id']}/moderation", json=payload), 422)
    assert seen(officer, pitch, comment["id"])["status"] == "visible"
    assert counts(citizen, pitch) == (1, 1)


def test_moderation_is_recorded_in_the_audit_trail(app, officer, comment, pitch):
    ok(moderate(officer, comment, "hide"))
    ok(moderate(officer, comment, "restore"))
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(
            subject_type="comment", subject_id=comment["id"]).order_by(AuditEvent.id).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("comment.hidden", officer.id), ("comment.restored", officer.id)]
    assert events[0].detail == {
        "pitch_id": pitch["id"], "changes": {"status": {"before": "visible", "after": "hidden"}}}


def test_refused_moderation_leaves_no_audit_record(app, make, comment):
    problem(moderate(make.user("bystander"), comment, "hide"), 403)
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(subject_type="comment").count() == 0


def test_moderation_goes_on_after_the_challenge_closes(make, council, officer, citizen,
                                                       comment, pitch):
    make.move(council, pitch["challenge_id"], "closed")
    ok(moderate(officer, comment, "hide"))
    assert counts(citizen, pitch) == (0, 0)
