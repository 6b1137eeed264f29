"""Panel members declare their conflicts of interest with pitches; the panel and its
declarations are fixed once the shortlist is published."""
import pytest
from sqlalchemy import select

from exchange import events
from exchange.audit import AuditEvent
from exchange.extensions import db
from tests.factories import ok
from tests.who_may_world import snapshot


def _conflicts(challenge, user_id):
    return f"/challenges/{challenge['id']}/panel/{user_id}/conflicts"


def _ranking(client, challenge):
    return ok(client.get(f"/challenges/{challenge['id']}/ranking"))


def _user_ref(person):
    me = ok(person.get("/auth/me"))
    return {"id": me["id"], "display_name": me["display_name"]}


def _without_times(body):
    """The answer with each `declared_at` checked for shape and set aside."""
    for conflict in body["conflicts"]:
        assert conflict.pop("declared_at").endswith("Z")
    return body


def _audit(app, action):
    with app.app_context():
        return [(event.actor_id, event.subject_type, event.subject_id, event.detail)
                for event in db.session.scalars(
                    select(AuditEvent).where(AuditEvent.action == action)
                    .order_by(AuditEvent.id))]


@pytest.fixture
def expert(make, officer, challenge):
    """An expert the council invited onto the open challenge's panel."""
    person = make.user("expert")
    ok(officer.post(f"/challenges/{challenge['id']}/panel", json={"user_id": person.id}), 201)
    return person


@pytest.fixture
def second_pitch(make, challenge):
    return make.pitch(challenge["id"], make.supplier(), title="Second idea")


def test_a_panel_member_declares_their_own_conflicts(expert, challenge, pitch, second_pitch):
    body = ok(expert.post(_conflicts(challenge, expert.id),
                          json={"pitch_ids": [second_pitch["id"], pitch["id"], pitch["id"]]}))
    me = _user_ref(expert)
    assert _without_times(body) == {
        "challenge_id": challenge["id"], "user": me,
        "conflicts": [
            {"pitch_id": pitch["id"], "title": pitch["title"], "declared_by": me},
            {"pitch_id": second_pitch["id"], "title": "Second idea", "declared_by": me}]}


def test_an_officer_declares_for_an_expert_and_for_themself(officer, expert, challenge,
                                                           pitch):
    by_officer = ok(officer.post(_conflicts(challenge, expert.id),
                                 json={"pitch_ids": [pitch["id"]]}))
    assert [(c["pitch_id"], c["declared_by"]) for c in by_officer["conflicts"]] == [
        (pitch["id"], _user_ref(officer))]
    # Officers sit on the panel without being invited: they declare their own too.
    own = ok(officer.post(_conflicts(challenge, officer.id), json={"pitch_ids": [pitch["id"]]}))
    assert own["user"]["id"] == officer.id
    assert [c["pitch_id"] for c in own["conflicts"]] == [pitch["id"]]


def test_declaring_adds_to_what_was_declared(expert, challenge, pitch, second_pitch):
    ok(expert.post(_conflicts(challenge, expert.id), json={"pitch_ids": [second_pitch["id"]]}))
    body = ok(expert.post(_conflicts(challenge, expert.id), json={"pitch_ids": [pitch["id"]]}))
    assert [c["pitch_id"] for c in body["conflicts"]] == [pitch["id"], second_pitch["id"]]


def test_declaring_the_same_conflicts_again_changes_nothing(app, expert, challenge, pitch):
    first = ok(expert.post(_conflicts(challenge, expert.id), json={"pitch_ids": [pitch["id"]]}))
    rows = snapshot(app)
    sent = []
    with events.panel_conflicts_changed.connected_to(lambda _sender, **kw: sent.append(kw)):
        again = ok(expert.post(_conflicts(challenge, expert.id),
                               json={"pitch_ids": [pitch["id"], pitch["id"]]}))
    assert again == first
    assert snapshot(app) == rows  # no new row, no second audit event
    assert sent == []


def test_declaring_records_who_declared_what_for_whom(app, officer, expert, challenge, pitch,
                                                      second_pitch):
    ok(officer.post(_conflicts(challenge, expert.id),
                    json={"pitch_ids": [second_pitch["id"], pitch["id"]]}))
    ok(officer.post(_conflicts(challenge, expert.id),
                    json={"pitch_ids": [pitch["id"], second_pitch["id"]]}))  # nothing new
    assert _audit(app, "panel.conflicts_declared") == [
        (officer.id, "challenge", challenge["id"],
         {"user_id": expert.id, "pitch_ids": [pitch["id"], second_pitch["id"]]})]


def test_declaring_tells_voting_once_per_change(expert, challenge, pitch):
    sent = []

    def receiver(_sender, **kwargs):
        sent.append((kwargs["challenge"].id, kwargs["user_id"]))

    with events.panel_conflicts_changed.connected_to(receiver):
        ok(expert.post(_conflicts(challenge, expert.id), json={"pitch_ids": [pitch["id"]]}))
        assert expert.delete(
            f"{_conflicts(challenge, expert.id)}/{pitch['id']}").status_code == 204
    assert sent == [(challenge["id"], expert.id), (challenge["id"], expert.id)]


def test_those_not_on_the_panel_nor_officers_may_not_declare(app, make, expert, challenge,
                                                             pitch, supplier, citizen, admin,
                                                             anon):
    other_officer = make.council(admin=admin).owner
    rows = snapshot(app)
    for person in (supplier, citizen, other_officer, admin):
        response = person.post(_conflicts(challenge, expert.id),
                               json={"pitch_ids": [pitch["id"]]})
        assert response.status_code == 403, person
        assert response.mimetype == "application/problem+json"
    # Nor for themselves: declaring is for those who sit on the panel.
    assert citizen.post(_conflicts(challenge, citizen.id),
                        json={"pitch_ids": [pitch["id"]]}).status_code == 403
    assert anon.post(_conflicts(challenge, expert.id),
                     json={"pitch_ids": [pitch["id"]]}).status_code == 401
    assert snapshot(app) == rows


def test_one_expert_may_not_declare_for_another(app, make, officer, expert, challenge, pitch):
    colleague = make.user("expert")
    ok(officer.post(f"/challenges/{challenge['id']}/panel", json={"user_id": colleague.id}),
       201)
    rows = snapshot(app)
    assert expert.post(_conflicts(challenge, colleague.id),
                       json={"pitch_ids": [pitch["id"]]}).status_code == 403
    assert snapshot(app) == rows


def test_a_pitch_of_another_challenge_or_no_pitch_at_all_is_422_naming_it(
        app, make, council, supplier_org, expert, challenge, pitch):
    elsewhere = make.pitch(make.challenge(council, "open")["id"], supplier_org)
    rows = snapshot(app)
    response = expert.post(_conflicts(challenge, expert.id),
                           json={"pitch_ids": [pitch["id"], 2**31 - 1, elsewhere["id"]]})
    assert response.status_code == 422
    problem = response.get_json()
    named = f"Not pitches of this challenge: {elsewhere['id']}, {2**31 - 1}."
    assert (problem["detail"], problem["errors"]) == (named, {"pitch_ids": [named]})
    assert snapshot(app) == rows  # the good pitch id was not written either


@pytest.mark.parametrize("body", [{}, {"pitch_ids": []}, {"pitch_ids": ["1"]},
                                  {"pitch_ids": [0]}, {"pitch_ids": [2**31]},
                                  {"pitch_ids": 1}, {"pitch_ids": [True]},
                                  {"pitch_ids": [1], "user_id": 1}])
def test_a_malformed_body_is_422_and_changes_nothing(app, expert, challenge, pitch, body):
    rows = snapshot(app)
    response = expert.post(_conflicts(challenge, expert.id), json=body)
    assert response.status_code == 422
    assert snapshot(app) == rows


def test_someone_not_on_the_panel_is_404(app, officer, challenge, pitch, citizen):
    rows = snapshot(app)
    for user_id in (citizen.id, 2**31 - 1):
        response = officer.post(_conflicts(challenge, user_id), json={"pitch_ids": [pitch["id"]]})
        assert response.status_code == 404
        assert officer.get(_conflicts(challenge, user_id)).status_code == 404
    assert snapshot(app) == rows


def test_a_challenge_one_may_not_see_is_404(app, make, council, expert, citizen):
    draft = make.challenge(council, "draft")
    rows = snapshot(app)
    for challenge_id in (draft["id"], 2**31 - 1):
        path = f"/challenges/{challenge_id}/panel/{expert.id}/conflicts"
        assert citizen.post(path, json={"pitch_ids": [1]}).status_code == 404
        assert citizen.get(path).status_code == 404
    assert snapshot(app) == rows


def test_anyone_who_sees_the_challenge_sees_declared_conflicts(anon, officer, expert, challenge,
                                                               pitch):
    assert ok(anon.get(_conflicts(challenge, expert.id)))["conflicts"] == []
    declared = ok(officer.post(_conflicts(challenge, expert.id),
                               json={"pitch_ids": [pitch["id"]]}))
    assert ok(anon.get(_conflicts(challenge, expert.id))) == declared


def test_a_mistaken_declaration_is_withdrawn(app, officer, expert, challenge, pitch,
                                             second_pitch):
    ok(expert.post(_conflicts(challenge, expert.id),
                   json={"pitch_ids": [pitch["id"], second_pitch["id"]]}))
    assert officer.delete(f"{_conflicts(challenge, expert.id)}/{pitch['id']}").status_code == 204
    listed = ok(expert.get(_conflicts(challenge, expert.id)))
    assert [c["pitch_id"] for c in listed["conflicts"]] == [second_pitch["id"]]
    assert _audit(app, "panel.conflict_withdrawn") == [
        (officer.id, "challenge", challenge["id"],
         {"user_id": expert.id, "pitch_ids": [pitch["id"]]})]
    rows = snapshot(app)
    again = expert.delete(f"{_conflicts(challenge, expert.id)}/{pitch['id']}")
    assert again.status_code == 404
    assert snapshot(app) == rows


def test_only_the_member_or_an_officer_withdraws_a_conflict(app, make, admin, expert,
                                                           challenge, pitch, citizen,
                                                           supplier, anon):
    other_officer = make.council(admin=admin).owner
    ok(expert.post(_conflicts(challenge, expert.id), json={"pitch_ids": [pitch["id"]]}))
    rows = snapshot(app)
    path = f"{_conflicts(challenge, expert.id)}/{pitch['id']}"
    for person in (citizen, supplier, other_officer, admin):
        assert person.delete(path).status_code == 403
    assert anon.delete(path).status_code == 401
    assert snapshot(app) == rows


# The panel is fixed once the shortlist is published -----------------------------------------

@pytest.fixture
def rated(make, citizen, officer, expert, pitch, second_pitch):
    """Ratings from the public, an officer and the expert, so the ranking has working."""
    for person, stars in ((citizen, 4), (make.user("rater"), 2), (officer, 5), (expert, 3)):
        ok(person.put(f"/pitches/{pitch['id']}/rating", json={"stars": stars}))
    ok(citizen.put(f"/pitches/{second_pitch['id']}/rating", json={"stars": 5}))


def _fix(make, council, challenge, state):
    make.move(council, challenge["id"], "voting")
    if state == "shortlisted":
        ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    else:
        make.move(council, challenge["id"], "closed")


@pytest.mark.parametrize("state", ["shortlisted", "closed"])
def test_no_conflict_is_declared_or_withdrawn_once_the_panel_is_fixed(
        app, make, council, officer, expert, challenge, pitch, second_pitch, rated, anon,
        state):
    ok(expert.post(_conflicts(challenge, expert.id), json={"pitch_ids": [second_pitch["id"]]}))
    _fix(make, council, challenge, state)
    ranking, rows = _ranking(anon, challenge), snapshot(app)
    for person in (expert, officer):
        declared = person.post(_conflicts(challenge, expert.id), json={"pitch_ids": [pitch["id"]]})
        assert declared.status_code == 409
        assert declared.mimetype == "application/problem+json"
        assert state in declared.get_json()["detail"]
        withdrawn = person.delete(f"{_conflicts(challenge, expert.id)}/{second_pitch['id']}")
        assert withdrawn.status_code == 409
    assert snapshot(app) == rows
    assert _ranking(anon, challenge) == ranking
