"""DELETE /auth/me: erasing an account, with its password."""
from sqlalchemy import func, select

from exchange.audit import AuditEvent
from exchange.extensions import db
from exchange.voting.recount import recount
from tests.discussion.state import thread
from tests.factories import Client, ok

PASSWORD = "correct horse"  # every factory-made person's password


def _erase(client, password=PASSWORD, **kwargs):
    return client.delete("/auth/me", json={"password": password}, **kwargs)


def _public(client, pitch) -> tuple[int, int]:
    tally = ok(client.get(f"/pitches/{pitch['id']}"))["tally"]["public"]
    return tally["count"], tally["sum"]


def _stats(client, challenge) -> tuple[int, int, int]:
    stats = ok(client.get(f"/challenges/{challenge['id']}/stats"))
    return stats["ratings"], stats["raters"], stats["comments"]


def test_erasure_takes_ratings_out_of_the_tallies_and_leaves_no_drift(make, council, anon,
                                                                      app):
    challenge = make.challenge(council, "open")
    first = make.pitch(challenge["id"], make.supplier())
    second = make.pitch(challenge["id"], make.supplier())
    leaving, staying = make.user("leaving"), make.user("staying")
    ok(leaving.put(f"/pitches/{first['id']}/rating", json={"stars": 5}))
    ok(leaving.put(f"/pitches/{second['id']}/rating", json={"stars": 2}))
    ok(staying.put(f"/pitches/{first['id']}/rating", json={"stars": 3}))
    ok(staying.put(f"/pitches/{second['id']}/rating", json={"stars": 4}))
    assert (_public(anon, first), _public(anon, second)) == ((2, 8), (2, 6))
    assert _stats(anon, challenge) == (4, 2, 0)

    assert _erase(leaving).status_code == 204

    assert (_public(anon, first), _public(anon, second)) == ((1, 3), (1, 4))
    assert _stats(anon, challenge) == (2, 1, 0)
    assert ok(anon.get(f"/challenges/{challenge['id']}"))["rating_count"] == 2
    histogram = ok(anon.get(f"/pitches/{first['id']}"))["tally"]["public"]["histogram"]
    assert histogram == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0}
    with app.app_context():
        assert recount() == []


def test_a_published_shortlist_is_unchanged_by_erasure(make, council, anon, app):
    challenge = make.challenge(council, "open", min_ratings=1)
    rated = make.pitch(challenge["id"], make.supplier())
    leaving = make.user("leaving")
    ok(leaving.put(f"/pitches/{rated['id']}/rating", json={"stars": 5}))
    ok(make.user("other").put(f"/pitches/{rated['id']}/rating", json={"stars": 1}))
    make.move(council, challenge["id"], "voting")
    ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    before = ok(anon.get(f"/challenges/{challenge['id']}/shortlist"))
    assert (before["entries"][0]["n"], before["entries"][0]["S"]) == (2, 6)

    assert _erase(leaving).status_code == 204

    assert ok(anon.get(f"/challenges/{challenge['id']}/shortlist")) == before
    assert _public(anon, rated) == (1, 1)
    with app.app_context():
        assert recount() == []


def test_comments_stay_in_their_threads_as_from_a_deleted_person_without_text(
        make, pitch, council, anon):
    leaving, replier = make.user("leaving"), make.user("replier")
    asked = ok(leaving.post(f"/pitches/{pitch['id']}/comments", json={"body": "Is it free?"}),
               201)
    ok(replier.post(f"/pitches/{pitch['id']}/comments",
                    json={"body": "Yes it is.", "parent_id": asked["id"]}), 201)
    alone = ok(leaving.post(f"/pitches/{pitch['id']}/comments", json={"body": "Also..."}),
               201)
    assert (ok(anon.get(f"/pitches/{pitch['id']}"))["comment_count"],
            _stats(anon, {"id": pitch["challenge_id"]})[2]) == (3, 3)

    assert _erase(leaving).status_code == 204

    for viewer in (anon, council.owner):  # a moderator sees no more than anyone
        comments = {c["id"]: c for c in thread(viewer, pitch)}
        assert set(comments) == {asked["id"], asked["id"] + 1, alone["id"]}
        for gone in (asked["id"], alone["id"]):
            assert (comments[gone]["author"], comments[gone]["body"], comments[gone]["deleted"],
                    comments[gone]["withheld"]) == (None, None, True, True)
        assert comments[asked["id"]]["reply_count"] == 1
        assert comments[asked["id"] + 1]["body"] == "Yes it is."
    assert ok(anon.get(f"/pitches/{pitch['id']}"))["comment_count"] == 1
    assert _stats(anon, {"id": pitch["challenge_id"]})[2] == 1


def test_flags_leave_with_the_account(make, pitch, council, app):
    author, leaving = make.user("author"), make.user("leaving")
    said = ok(author.post(f"/pitches/{pitch['id']}/comments", json={"body": "Buy now"}), 201)
    ok(leaving.post(f"/comments/{said['id']}/flags", json={"reason": "Advertising"}), 201)
    ok(make.user("second").post(f"/comments/{said['id']}/flags", json={"reason": "Spam"}), 201)
    moderator_view = {c["id"]: c for c in thread(council.owner, pitch)}
    assert moderator_view[said["id"]]["flag_count"] == 2

    assert _erase(leaving).status_code == 204

    moderator_view = {c["id"]: c for c in thread(council.owner, pitch)}
    assert moderator_view[said["id"]]["flag_count"] == 1


def test_tokens_and_sessions_die_and_the_email_may_register_again(make, app):
    leaving = make.user("leaving")
    browser = Client(app)
    ok(browser.post("/auth/login", json={"email": leaving.email, "password": PASSWORD}))
    csrf = ok(browser.get("/auth/csrf"))["csrf_token"]

    assert _erase(browser, headers={"X-CSRF-Token": csrf}).status_code == 204

    assert browser.get("/auth/me").status_code == 401
    assert leaving.get("/auth/me").status_code == 401
    again = ok(Client(app).post("/auth/register", json={
        "email": leaving.email, "password": "another passphrase",
        "display_name": "Someone New"}), 201)
    assert (again["email"], again["display_name"]) == (leaving.email, "Someone New")
    newcomer = Client(app)
    ok(newcomer.post("/auth/login", json={"email": leaving.email,
                                          "password": "another passphrase"}))
    export = ok(newcomer.get("/auth/me/export"))
    assert (export["memberships"], export["ratings"], export["tokens"]) == ([], [], [])


def test_the_audit_trail_keeps_the_erasure_without_personal_data(make, council, app):
    leaving = make.user("leaving", display_name="Zed Leaving")
    member = make.member(council, "member")
    pitch = make.pitch(make.challenge(council)["id"], make.supplier())
    ok(member.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    assert _erase(leaving).status_code == 204
    assert _erase(member).status_code == 204
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "account.erased").order_by(AuditEvent.id)).all()
        erased = [(e.actor_id, e.subject_type, e.subject_id, e.detail) for e in events]
        left = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "organisation.member_removed")).all()
        removals = [(e.actor_id, e.subject_id, e.detail) for e in left]
    assert erased == [
        (None, "user", leaving.id, {"memberships_ended": 0, "ratings_removed": 0,
                                    "comments_anonymised": 0, "flags_removed": 0}),
        (None, "user", member.id, {"memberships_ended": 1, "ratings_removed": 1,
                                   "comments_anonymised": 0, "flags_removed": 0})]
    assert removals == [(None, council.id, {
        "user_id": member.id, "reason": "account_erased",
        "changes": {"role": {"before": "member", "after": None}}})]
    assert "Zed" not in str(erased) and leaving.email not in str(erased)


def test_erasure_ends_memberships_and_invitations(make, supplier_org, council, app):
    leaving = make.member(supplier_org, "leaving", role="owner")
    ok(council.owner.post(f"/organisations/{council.id}/members",
                          json={"email": leaving.email}), 202)
    assert _erase(leaving).status_code == 204
    members = ok(supplier_org.owner.get(f"/organisations/{supplier_org.id}"))["members"]
    assert [(m["user_id"], m["role"]) for m in members] == [(supplier_org.owner.id, "owner")]
    newcomer = make.user("newcomer", email=leaving.email)
    assert ok(newcomer.get("/auth/me/invitations"))["items"] == []
    assert ok(newcomer.get("/auth/me"))["memberships"] == []


def _everything(client, pitch) -> tuple:
    return (ok(client.get("/auth/me")), ok(client.get("/auth/me/export"))["ratings"],
            _public(client, pitch), [(c["id"], c["body"]) for c in thread(client, pitch)])


def test_the_last_owner_must_hand_over_first_and_nothing_changes(make, supplier_org, pitch,
                                                                   council, app):
    owner = supplier_org.owner
    ok(owner.put(f"/pitches/{make.pitch(pitch['challenge_id'], make.supplier())['id']}/rating",
                 json={"stars": 4}))
    ok(owner.post(f"/pitches/{pitch['id']}/comments", json={"body": "Ask me anything"}), 201)
    make.member(supplier_org, "plain")
    before = _everything(owner, pitch)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    refused = _erase(owner)

    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert "last owner" in refused.get_json()["detail"]
    assert _everything(owner, pitch) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_wrong_or_missing_password_erases_nothing(make, citizen, pitch):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))
    before = _everything(citizen, pitch)
    wrong = _erase(citizen, "not my password")
    assert wrong.status_code == 403 and wrong.mimetype == "application/problem+json"
    assert citizen.delete("/auth/me").status_code in (400, 415, 422)
    assert citizen.delete("/auth/me", json={}).status_code == 422
    assert citizen.delete("/auth/me", json={"password": PASSWORD, "now": True}
                          ).status_code == 422
    assert _everything(citizen, pitch) == before
    assert make.anonymous().delete("/auth/me", json={"password": PASSWORD}).status_code == 401
