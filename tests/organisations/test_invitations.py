"""Membership by consent: an owner invites an email, and only the person who accepts joins."""
from sqlalchemy import func, select

from exchange.audit import AuditEvent
from exchange.extensions import db
from exchange.organisations.models import Invitation, MembershipPeriod
from tests.factories import ok


def _invite(org, email, role="member"):
    return org.owner.post(f"/organisations/{org.id}/members", json={"email": email, "role": role})


def _member_ids(client, org) -> list[int]:
    return sorted(m["user_id"] for m in ok(client.get(f"/organisations/{org.id}"))["members"])


def _invitation_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Invitation))


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(make, supplier_org):
    registered = make.user("registered")
    already = make.member(supplier_org, "already")
    answers = [_invite(supplier_org, email) for email in
               (registered.email, "nobody-here@example.org", already.email)]
    assert [a.status_code for a in answers] == [202, 202, 202]
    bodies = [a.get_json() for a in answers]
    assert [set(b) for b in bodies] == [
        {"id", "organisation_id", "email", "role", "status", "created_at"}] * 3
    assert [(b["organisation_id"], b["role"], b["status"]) for b in bodies] == [
        (supplier_org.id, "member", "pending")] * 3
    assert [b["email"] for b in bodies] == [registered.email, "nobody-here@example.org",
                                            already.email]
    assert [b["id"] for b in bodies] == [bodies[0]["id"], bodies[0]["id"] + 1,
                                         bodies[0]["id"] + 2]


def test_an_invited_person_is_not_a_member_until_they_accept(make, council, supplier_org):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    critic = make.user("critic")
    invitation = ok(_invite(supplier_org, critic.email), 202)
    assert _member_ids(critic, supplier_org) == [supplier_org.owner.id]
    assert ok(critic.get("/auth/me"))["memberships"] == []
    # Not a member, so not bound by members' rules: the critic may still rate the pitch.
    ok(critic.put(f"/pitches/{pitch['id']}/rating", json={"stars": 1}))

    accepted = ok(critic.post(f"/auth/me/invitations/{invitation['id']}/accept"))
    assert (accepted["status"], accepted["organisation"], accepted["role"]) == (
        "accepted", {"id": supplier_org.id, "name": ok(critic.get(
            f"/organisations/{supplier_org.id}"))["name"]}, "member")
    assert accepted["responded_at"] is not None
    assert _member_ids(critic, supplier_org) == sorted([supplier_org.owner.id, critic.id])
    refused = critic.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5})
    assert refused.status_code == 403
    assert ok(critic.get(f"/pitches/{pitch['id']}/rating"))["stars"] == 1


def test_the_invited_person_sees_their_invitations_a_page_at_a_time(make, supplier_org):
    person = make.user("sought")
    other = make.supplier()
    first = ok(_invite(supplier_org, person.email, "owner"), 202)
    second = ok(_invite(other, person.email), 202)
    page = person.get("/auth/me/invitations?limit=1")
    body = ok(page)
    assert [i["id"] for i in body["items"]] == [first["id"]]
    assert body["items"][0]["role"] == "owner" and body["items"][0]["status"] == "pending"
    assert body["items"][0]["invited_by"] == {
        "id": supplier_org.owner.id,
        "display_name": ok(supplier_org.owner.get("/auth/me"))["display_name"]}
    assert body["items"][0]["kind"] == "supplier"
    assert body["next_cursor"] and 'rel="next"' in page.headers["Link"]
    rest = ok(person.get(f"/auth/me/invitations?limit=1&cursor={body['next_cursor']}"))
    assert [i["id"] for i in rest["items"]] == [second["id"]] and rest["next_cursor"] is None
    ok(person.post(f"/auth/me/invitations/{second['id']}/decline"))
    pending = ok(person.get("/auth/me/invitations?status=pending"))["items"]
    assert [i["id"] for i in pending] == [first["id"]]
    assert ok(make.user("stranger").get("/auth/me/invitations"))["items"] == []


def test_an_invitation_to_an_email_registered_later_is_theirs_once_they_register(
        make, supplier_org):
    invitation = ok(_invite(supplier_org, "Late.Comer@Example.org"), 202)
    assert invitation["email"] == "late.comer@example.org"
    newcomer = make.user("late", email="late.comer@example.org")
    assert [i["id"] for i in ok(newcomer.get("/auth/me/invitations"))["items"]] == [
        invitation["id"]]
    ok(newcomer.post(f"/auth/me/invitations/{invitation['id']}/accept"))
    assert newcomer.id in _member_ids(newcomer, supplier_org)


def test_someone_elses_invitation_is_not_found_and_stays_pending(make, supplier_org):
    invited = make.user("invited")
    invitation = ok(_invite(supplier_org, invited.email), 202)
    intruder = make.user("intruder")
    for action in ("accept", "decline"):
        response = intruder.post(f"/auth/me/invitations/{invitation['id']}/{action}")
        assert response.status_code == 404
    assert intruder.post("/auth/me/invitations/999999/accept").status_code == 404
    assert ok(invited.get("/auth/me/invitations"))["items"][0]["status"] == "pending"
    assert _member_ids(invited, supplier_org) == [supplier_org.owner.id]


def test_accepting_twice_or_after_declining_is_a_conflict(make, supplier_org):
    person = make.user("twice")
    accepted = ok(_invite(supplier_org, person.email), 202)
    ok(person.post(f"/auth/me/invitations/{accepted['id']}/accept"))
    again = person.post(f"/auth/me/invitations/{accepted['id']}/accept")
    assert again.status_code == 409
    assert person.post(f"/auth/me/invitations/{accepted['id']}/decline").status_code == 409

    other = make.supplier()
    declined = ok(_invite(other, person.email), 202)
    ok(person.post(f"/auth/me/invitations/{declined['id']}/decline"))
    late = person.post(f"/auth/me/invitations/{declined['id']}/accept")
    assert late.status_code == 409 and "declined" in late.get_json()["detail"]
    assert _member_ids(person, other) == [other.owner.id]
    assert [m["organisation_id"] for m in ok(person.get("/auth/me"))["memberships"]] == [
        supplier_org.id]


def test_a_new_invitation_withdraws_the_pending_one(make, supplier_org):
    person = make.user("promoted")
    old = ok(_invite(supplier_org, person.email, "member"), 202)
    new = ok(_invite(supplier_org, person.email, "owner"), 202)
    statuses = {i["id"]: i["status"] for i in ok(person.get("/auth/me/invitations"))["items"]}
    assert statuses == {old["id"]: "withdrawn", new["id"]: "pending"}
    response = person.post(f"/auth/me/invitations/{old['id']}/accept")
    assert response.status_code == 409 and "withdrawn" in response.get_json()["detail"]
    assert _member_ids(person, supplier_org) == [supplier_org.owner.id]
    ok(person.post(f"/auth/me/invitations/{new['id']}/accept"))
    roles = {m["user_id"]: m["role"]
             for m in ok(person.get(f"/organisations/{supplier_org.id}"))["members"]}
    assert roles == {supplier_org.owner.id: "owner", person.id: "owner"}


def test_a_member_accepting_another_invitation_is_a_conflict_and_changes_nothing(
        make, supplier_org, app):
    member = make.member(supplier_org, "member")
    invitation = ok(_invite(supplier_org, member.email, "owner"), 202)
    response = member.post(f"/auth/me/invitations/{invitation['id']}/accept")
    assert response.status_code == 409
    roles = {m["user_id"]: m["role"]
             for m in ok(member.get(f"/organisations/{supplier_org.id}"))["members"]}
    assert roles == {supplier_org.owner.id: "owner", member.id: "member"}
    pending = ok(member.get("/auth/me/invitations?status=pending"))["items"]
    assert [i["id"] for i in pending] == [invitation["id"]]
    ok(member.post(f"/auth/me/invitations/{invitation['id']}/decline"))


def test_only_owners_invite(make, supplier_org, admin, app):
    plain = make.member(supplier_org, "plain")
    outsider = make.user("outsider")
    before = _invitation_count(app)
    for person in (plain, outsider, admin):
        response = person.post(f"/organisations/{supplier_org.id}/members",
                               json={"email": "friend@example.org"})
        assert response.status_code == 403
    assert _invitation_count(app) == before
    assert outsider.post("/organisations/999999/members",
                         json={"email": "friend@example.org"}).status_code == 404
    ok(supplier_org.owner.post(f"/organisations/{supplier_org.id}/members",
                               json={"email": "friend@example.org"}), 202)
    assert _invitation_count(app) == before + 1


def test_each_step_is_audited_without_the_email(make, supplier_org, app):
    yes = make.user("yes")
    no = make.user("no")
    accepted = ok(_invite(supplier_org, yes.email), 202)
    declined = ok(_invite(supplier_org, no.email), 202)
    ok(yes.post(f"/auth/me/invitations/{accepted['id']}/accept"))
    ok(no.post(f"/auth/me/invitations/{declined['id']}/decline"))
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "organisation",
            AuditEvent.subject_id == supplier_org.id,
            AuditEvent.action != "organisation.created").order_by(AuditEvent.id)).all()
        steps = [(e.action, e.actor_id, e.detail) for e in events]
    invited = {"invitation_status": {"before": None, "after": "pending"}}
    assert steps == [
        ("organisation.member_invited", supplier_org.owner.id,
         {"invitation_id": accepted["id"], "role": "member", "changes": invited}),
        ("organisation.member_invited", supplier_org.owner.id,
         {"invitation_id": declined["id"], "role": "member", "changes": invited}),
        ("organisation.invitation_accepted", yes.id,
         {"invitation_id": accepted["id"], "user_id": yes.id, "role": "member",
          "changes": {"invitation_status": {"before": "pending", "after": "accepted"},
                      "role": {"before": None, "after": "member"}}}),
        ("organisation.invitation_declined", no.id,
         {"invitation_id": declined["id"],
          "changes": {"invitation_status": {"before": "pending", "after": "declined"}}}),
    ]


def test_membership_history_keeps_when_each_person_joined_and_left(make, supplier_org, app):
    person = make.member(supplier_org, "passing")
    assert person.delete(f"/organisations/{supplier_org.id}/members/{person.id}"
                         ).status_code == 204
    invitation = ok(_invite(supplier_org, person.email), 202)
    ok(person.post(f"/auth/me/invitations/{invitation['id']}/accept"))
    with app.app_context():
        periods = db.session.scalars(select(MembershipPeriod).where(
            MembershipPeriod.organisation_id == supplier_org.id)
            .order_by(MembershipPeriod.id)).all()
        history = [(p.user_id, p.role, p.left_at is None) for p in periods]
        first, second = periods[1], periods[2]
        assert first.joined_at <= first.left_at <= second.joined_at
    assert history == [(supplier_org.owner.id, "owner", True), (person.id, "member", False),
                       (person.id, "member", True)]


def test_invitation_bodies_are_checked(make, supplier_org, app):
    before = _invitation_count(app)
    for body in ({}, {"email": "not-an-email"}, {"email": "a@example.org", "role": "admin"},
                 {"email": "a@example.org", "extra": 1}):
        response = supplier_org.owner.post(f"/organisations/{supplier_org.id}/members",
                                           json=body)
        assert response.status_code == 422, body
    assert _invitation_count(app) == before
    person = make.user("filter")
    assert person.get("/auth/me/invitations?status=maybe").status_code == 422
