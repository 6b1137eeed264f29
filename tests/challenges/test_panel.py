"""The panel: who is on it, what its members declared, and that it is fixed once the
shortlist is published (more in tests/voting/test_ratings.py)."""
import pytest

from tests.contract import statements_of_get
from tests.factories import ok
from tests.who_may_world import snapshot


def _panel(client, challenge):
    return ok(client.get(f"/challenges/{challenge['id']}/panel"))["items"]


def _invite(officer, challenge, person):
    return officer.post(f"/challenges/{challenge['id']}/panel", json={"user_id": person.id})


def _declare(client, challenge, person, pitch_ids):
    return ok(client.post(f"/challenges/{challenge['id']}/panel/{person.id}/conflicts",
                          json={"pitch_ids": pitch_ids}))


def test_the_panel_listing_shows_what_each_member_declared(make, officer, challenge, pitch,
                                                           anon):
    other = make.pitch(challenge["id"], make.supplier())
    first, second = make.user("expert"), make.user("expert")
    for person in (first, second):
        ok(_invite(officer, challenge, person), 201)
    _declare(first, challenge, first, [other["id"], pitch["id"]])
    assert [(m["user"]["id"], m["conflicts"]) for m in _panel(anon, challenge)] == [
        (first.id, [pitch["id"], other["id"]]), (second.id, [])]


def test_an_invited_expert_is_answered_with_what_they_declared_before(make, officer,
                                                                       challenge, pitch):
    expert = make.user("expert")
    ok(_invite(officer, challenge, expert), 201)
    _declare(officer, challenge, expert, [pitch["id"]])
    assert officer.delete(
        f"/challenges/{challenge['id']}/panel/{expert.id}").status_code == 204
    # A declared conflict is a fact about the person and the pitch: it outlasts a removal.
    assert ok(_invite(officer, challenge, expert), 201)["conflicts"] == [pitch["id"]]


def test_the_panel_listing_reads_conflicts_in_one_statement_however_many_members(
        app, make, officer, challenge, pitch, anon):
    path = f"/challenges/{challenge['id']}/panel"
    expert = make.user("expert")
    ok(_invite(officer, challenge, expert), 201)
    _declare(expert, challenge, expert, [pitch["id"]])
    one = statements_of_get(app, anon, path)[0]
    for _ in range(4):
        more = make.user("expert")
        ok(_invite(officer, challenge, more), 201)
        _declare(more, challenge, more, [pitch["id"]])
    assert statements_of_get(app, anon, path)[0] == one
    assert len(_panel(anon, challenge)) == 5


# Fixed once the shortlist is published -----------------------------------------------------

def _fix(make, council, challenge, state):
    make.move(council, challenge["id"], "voting")
    if state == "shortlisted":
        ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    else:
        make.move(council, challenge["id"], "closed")


@pytest.fixture
def rated_by_both(make, officer, challenge, pitch):
    """One expert on the panel and one not, each having rated the pitch with the public."""
    on_panel, outsider = make.user("expert"), make.user("expert")
    ok(_invite(officer, challenge, on_panel), 201)
    for person, stars in ((on_panel, 2), (outsider, 5), (make.user("rater"), 4),
                          (make.user("rater"), 3), (officer, 4)):
        ok(person.put(f"/pitches/{pitch['id']}/rating", json={"stars": stars}))
    return on_panel, outsider


@pytest.mark.parametrize("state", ["shortlisted", "closed"])
def test_nobody_is_invited_onto_a_fixed_panel(app, make, council, officer, challenge,
                                              rated_by_both, anon, state):
    _on_panel, outsider = rated_by_both
    _fix(make, council, challenge, state)
    ranking = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))
    rows = snapshot(app)
    response = _invite(officer, challenge, outsider)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert f"The challenge is {state}" in response.get_json()["detail"]
    # The outsider's rating did not move from public to panel: nothing changed at all.
    assert snapshot(app) == rows
    assert ok(anon.get(f"/challenges/{challenge['id']}/ranking")) == ranking


@pytest.mark.parametrize("state", ["shortlisted", "closed"])
def test_nobody_is_removed_from_a_fixed_panel(app, make, council, officer, challenge,
                                              rated_by_both, anon, state):
    on_panel, _outsider = rated_by_both
    _fix(make, council, challenge, state)
    ranking = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))
    rows = snapshot(app)
    response = officer.delete(f"/challenges/{challenge['id']}/panel/{on_panel.id}")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert f"The challenge is {state}" in response.get_json()["detail"]
    assert snapshot(app) == rows
    assert ok(anon.get(f"/challenges/{challenge['id']}/ranking")) == ranking
    assert [m["user"]["id"] for m in _panel(anon, challenge)] == [on_panel.id]


def test_the_panel_still_changes_while_voting(make, council, officer, challenge,
                                              rated_by_both, pitch, anon):
    on_panel, outsider = rated_by_both
    make.move(council, challenge["id"], "voting")
    ok(_invite(officer, challenge, outsider), 201)
    assert officer.delete(
        f"/challenges/{challenge['id']}/panel/{on_panel.id}").status_code == 204
    tally = ok(anon.get(f"/pitches/{pitch['id']}"))["tally"]
    # Public: on_panel's 2 and two raters' 4 and 3; panel: the officer's 4, outsider's 5.
    assert (tally["public"]["count"], tally["public"]["sum"]) == (3, 9)
    assert (tally["panel"]["count"], tally["panel"]["sum"]) == (2, 9)
