"""Each change made by an officer, owner or admin is recorded with what it changed."""
from exchange.accounts.models import User
from exchange.challenges import service as challenges
from exchange.extensions import db
from tests.audit.trail import events
from tests.discussion.state import post_comment
from tests.factories import ok


def changed(before, after) -> dict:
    return {"before": before, "after": after}


def test_verifying_a_council_records_its_status_change(make, admin, app):
    council = make.council(verified=False)
    ok(admin.post(f"/organisations/{council.id}/verify"))
    [(action, actor, subject, subject_id, challenge_id, detail)] = events(
        app, action="organisation.verified")
    assert (action, actor, subject, subject_id, challenge_id) == (
        "organisation.verified", admin.id, "organisation", council.id, None)
    assert detail["changes"]["status"] == changed("pending", "verified")
    assert detail["changes"]["verified_at"]["before"] is None
    assert detail["changes"]["verified_at"]["after"].endswith("Z")


def test_removing_a_member_records_the_role_they_had(make, supplier_org, app):
    member = make.member(supplier_org, "leaving")
    assert supplier_org.owner.delete(
        f"/organisations/{supplier_org.id}/members/{member.id}").status_code == 204
    assert events(app, action="organisation.member_removed") == [
        ("organisation.member_removed", supplier_org.owner.id, "organisation", supplier_org.id,
         None, {"user_id": member.id, "changes": {"role": changed("member", None)}})]


def test_editing_a_challenge_records_content_and_settings_apart(make, council, officer, app):
    challenge = make.challenge(council, "open", title="Fewer missed bins")
    ok(officer.patch(f"/challenges/{challenge['id']}",
                     json={"title": "No missed bins", "shortlist_size": 2, "tags": ["waste"],
                           "min_ratings": 3}))
    assert events(app, challenge_id=challenge["id"], action="challenge.updated") == [
        ("challenge.updated", officer.id, "challenge", challenge["id"], challenge["id"],
         {"changes": {"title": changed("Fewer missed bins", "No missed bins"),
                      "tags": changed(["budget"], ["waste"])}})]
    # min_ratings was sent but did not change: it is not recorded.
    assert events(app, challenge_id=challenge["id"], action="challenge.settings_changed") == [
        ("challenge.settings_changed", officer.id, "challenge", challenge["id"],
         challenge["id"], {"changes": {"shortlist_size": changed(5, 2)}})]


def test_an_edit_that_changes_nothing_records_nothing(make, council, officer, app):
    challenge = make.challenge(council, "open", title="Same")
    ok(officer.patch(f"/challenges/{challenge['id']}", json={"title": "Same"}))
    assert events(app, action="challenge.updated") == []


def test_the_integrity_setting_is_recorded_as_a_settings_change(make, council, officer, app):
    challenge = make.challenge(council, "open")
    with app.app_context():
        challenges.update(db.session.get(User, officer.id), challenge["id"],
                          {"min_account_age_hours": 48})
    assert events(app, action="challenge.settings_changed") == [
        ("challenge.settings_changed", officer.id, "challenge", challenge["id"],
         challenge["id"], {"changes": {"min_account_age_hours": changed(0, 48)}})]


def test_each_transition_and_the_shortlist_are_recorded(make, council, officer, pitch, app):
    challenge_id = pitch["challenge_id"]
    make.move(council, challenge_id, "voting")
    ok(officer.post(f"/challenges/{challenge_id}/shortlist"), 201)
    make.move(council, challenge_id, "closed")
    lives = [(action, actor, detail) for action, actor, _, _, _, detail
             in events(app, subject_type="challenge", subject_id=challenge_id)]
    assert lives[0][0] == "challenge.created"
    assert lives[1:] == [
        ("challenge.status_changed", officer.id, {"changes": {"status": changed("draft", "open")}}),
        ("challenge.status_changed", officer.id,
         {"changes": {"status": changed("open", "voting")}}),
        ("shortlist.published", officer.id,
         {"shortlisted_pitch_ids": [], "changes": {"status": changed("voting", "shortlisted")}}),
        ("challenge.status_changed", officer.id,
         {"changes": {"status": changed("shortlisted", "closed")}}),
    ]


def test_creating_a_challenge_records_what_it_was_created_with(make, council, officer, app):
    challenge = make.challenge(council, "draft", title="Warm homes", summary="Help",
                               shortlist_size=3)
    [(_, actor, _, _, _, detail)] = events(app, action="challenge.created")
    assert actor == officer.id
    assert detail["changes"]["title"] == changed(None, "Warm homes")
    assert detail["changes"]["status"] == changed(None, "draft")
    assert detail["changes"]["council_id"] == changed(None, council.id)
    assert detail["changes"]["shortlist_size"] == changed(None, 3)
    assert challenge["status"] == "draft"


def test_panel_invitations_and_removals_are_recorded(make, council, officer, challenge, app):
    expert = make.user("expert")
    ok(officer.post(f"/challenges/{challenge['id']}/panel", json={"user_id": expert.id}), 201)
    assert officer.delete(f"/challenges/{challenge['id']}/panel/{expert.id}").status_code == 204
    assert [e for e in events(app, challenge_id=challenge["id"])
            if e[0].startswith("panel.")] == [
        ("panel.invited", officer.id, "challenge", challenge["id"], challenge["id"],
         {"user_id": expert.id, "changes": {"on_panel": changed(False, True)}}),
        ("panel.removed", officer.id, "challenge", challenge["id"], challenge["id"],
         {"user_id": expert.id, "changes": {"on_panel": changed(True, False)}}),
    ]


def test_moderation_is_filed_under_the_comments_challenge(officer, admin, citizen, pitch, app):
    comment = post_comment(citizen, pitch, "Rude words")
    ok(officer.post(f"/comments/{comment['id']}/moderation", json={"action": "hide"}))
    ok(officer.post(f"/comments/{comment['id']}/moderation", json={"action": "restore"}))
    assert admin.delete(f"/comments/{comment['id']}").status_code == 204
    assert events(app, subject_type="comment") == [
        ("comment.hidden", officer.id, "comment", comment["id"], pitch["challenge_id"],
         {"pitch_id": pitch["id"], "changes": {"status": changed("visible", "hidden")}}),
        ("comment.restored", officer.id, "comment", comment["id"], pitch["challenge_id"],
         {"pitch_id": pitch["id"], "changes": {"status": changed("hidden", "visible")}}),
        ("comment.deleted", admin.id, "comment", comment["id"], pitch["challenge_id"],
         {"pitch_id": pitch["id"], "by_author": False,
          "changes": {"deleted": changed(False, True)}}),
    ]


def test_a_pitch_edit_records_before_and_after(supplier, pitch, app):
    ok(supplier.patch(f"/pitches/{pitch['id']}", json={"pricing": "paid",
                                                        "price_note": "£200 a month"}))
    assert events(app, action="pitch.edited") == [
        ("pitch.edited", supplier.id, "pitch", pitch["id"], pitch["challenge_id"],
         {"changes": {"price_note": changed("", "£200 a month"),
                      "pricing": changed("free", "paid")}})]
