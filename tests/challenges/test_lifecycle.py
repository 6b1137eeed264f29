"""Every move of the challenge life, allowed and forbidden."""
import pytest

from exchange.challenges.lifecycle import TRANSITIONS
from tests.factories import ok

STATES = ["draft", "open", "voting", "shortlisted", "closed"]


def _challenge_in(make, council, state):
    if state == "shortlisted":
        challenge = make.challenge(council, "voting")
        ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
        return ok(council.owner.get(f"/challenges/{challenge['id']}"))
    return make.challenge(council, state)


@pytest.mark.parametrize("start", STATES)
@pytest.mark.parametrize("target", ["draft", "open", "voting", "shortlisted", "closed"])
def test_status_moves_follow_the_life_and_forbidden_ones_are_409(make, council, start, target):
    challenge = _challenge_in(make, council, start)
    response = council.owner.post(f"/challenges/{challenge['id']}/status",
                                  json={"status": target})
    allowed = target in TRANSITIONS[start] and target != "shortlisted"
    if allowed:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == target
    else:
        assert response.status_code == 409, response.get_json()
        assert response.mimetype == "application/problem+json"
        # The moves a frontend may offer instead, as a list, never a string to parse.
        assert response.get_json()["allowed"] == sorted(TRANSITIONS[start] - {"shortlisted"})
    after = ok(council.owner.get(f"/challenges/{challenge['id']}"))["status"]
    assert after == (target if allowed else start)


def test_a_refused_move_names_the_allowed_ones_as_a_list(make, council):
    draft = make.challenge(council, "draft")
    body = council.owner.post(f"/challenges/{draft['id']}/status",
                              json={"status": "voting"}).get_json()
    assert body["allowed"] == ["closed", "open"]
    assert body["errors"] == {"status": ["Allowed from draft: closed, open."]}
    closed = make.challenge(council, "closed")
    body = council.owner.post(f"/challenges/{closed['id']}/status",
                              json={"status": "open"}).get_json()
    assert body["status"] == 409 and body["allowed"] == []


def test_shortlisted_is_reached_only_by_publishing(make, council):
    challenge = make.challenge(council, "voting")
    response = council.owner.post(f"/challenges/{challenge['id']}/status",
                                  json={"status": "shortlisted"})
    assert response.status_code == 409
    assert "publishing" in response.get_json()["detail"]
    assert ok(council.owner.get(f"/challenges/{challenge['id']}"))["status"] == "voting"
    bogus = council.owner.post(f"/challenges/{challenge['id']}/status", json={"status": "won"})
    assert bogus.status_code == 422


def test_only_officers_move_a_challenge(make, council, citizen, supplier):
    challenge = make.challenge(council, "open")
    colleague = make.member(council, "colleague")
    for person, status in ((citizen, 403), (supplier, 403), (make.council().owner, 403),
                           (make.anonymous(), 401)):
        response = person.post(f"/challenges/{challenge['id']}/status",
                               json={"status": "voting"})
        assert response.status_code == status
    assert ok(citizen.get(f"/challenges/{challenge['id']}"))["status"] == "open"
    assert ok(colleague.post(f"/challenges/{challenge['id']}/status",
                             json={"status": "voting"}))["status"] == "voting"


def test_every_state_but_closed_may_be_cancelled(make, council):
    for state in ("draft", "open", "voting", "shortlisted"):
        challenge = _challenge_in(make, council, state)
        moved = ok(council.owner.post(f"/challenges/{challenge['id']}/status",
                                      json={"status": "closed"}))
        assert moved["status"] == "closed"
