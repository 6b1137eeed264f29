import pytest

from tests.factories import ok


def _tally(client, pitch_id):
    return ok(client.get(f"/pitches/{pitch_id}"))["tally"]


def _state(client, pitch, challenge):
    """Everything a refused rating must leave as it was."""
    stats = ok(client.get(f"/challenges/{challenge['id']}/stats"))
    stats.pop("views")
    return _tally(client, pitch["id"]), stats


def test_rating_is_one_per_person_and_changing_it_replaces_it(citizen, pitch, challenge):
    first = ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))
    assert (first["stars"], first["is_panel"]) == (2, False)
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}))
    assert ok(citizen.get(f"/pitches/{pitch['id']}/rating"))["stars"] == 5
    public = _tally(citizen, pitch["id"])["public"]
    assert (public["count"], public["sum"], public["mean"]) == (1, 5, 5.0)
    assert public["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    stats = ok(citizen.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (1, 1)


def test_deleting_a_rating_removes_it_from_the_tallies(citizen, pitch, challenge):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    assert citizen.delete(f"/pitches/{pitch['id']}/rating").status_code == 204
    assert citizen.get(f"/pitches/{pitch['id']}/rating").status_code == 404
    assert _tally(citizen, pitch["id"])["public"]["count"] == 0
    stats = ok(citizen.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (0, 0)
    assert citizen.delete(f"/pitches/{pitch['id']}/rating").status_code == 404


@pytest.mark.parametrize("stars", [0, 6, 3.5, "3", None, True, [], {}, -1, 10**12])
def test_invalid_stars_are_422_and_change_nothing(citizen, pitch, challenge, stars):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    before = _state(citizen, pitch, challenge)
    response = citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": stars})
    assert response.status_code == 422
    assert "stars" in response.get_json()["errors"]
    assert ok(citizen.get(f"/pitches/{pitch['id']}/rating"))["stars"] == 3
    assert _state(citizen, pitch, challenge) == before


def test_missing_or_extra_fields_are_422(citizen, pitch, challenge):
    before = _state(citizen, pitch, challenge)
    for body in ({}, {"stars": 4, "weight": 2}):
        assert citizen.put(f"/pitches/{pitch['id']}/rating", json=body).status_code == 422
    assert citizen.put(f"/pitches/{pitch['id']}/rating", data="{",
                       content_type="application/json").status_code == 400
    assert _state(citizen, pitch, challenge) == before


def test_nobody_rates_a_pitch_of_their_own_organisation(make, supplier_org, pitch, challenge):
    colleague = make.member(supplier_org)
    before = _state(colleague, pitch, challenge)
    for person in (supplier_org.owner, colleague):
        response = person.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5})
        assert response.status_code == 403
    assert _state(colleague, pitch, challenge) == before


def test_rivals_may_rate_as_the_public(make, pitch):
    rival = make.supplier().owner
    assert ok(rival.put(f"/pitches/{pitch['id']}/rating", json={"stars": 1}))["is_panel"] is False


def test_signed_out_rating_is_401(anon, pitch, challenge, citizen):
    before = _state(citizen, pitch, challenge)
    assert anon.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}).status_code == 401
    assert _state(citizen, pitch, challenge) == before


@pytest.mark.parametrize("state", ["shortlisted", "closed"])
def test_ratings_are_taken_only_while_open_or_voting(make, council, citizen, pitch, challenge,
                                                     state):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    make.move(council, challenge["id"], "voting")
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))  # voting: still fine
    if state == "shortlisted":
        ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    else:
        make.move(council, challenge["id"], "closed")
    before = _state(citizen, pitch, challenge)
    assert citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}).status_code == 409
    assert citizen.delete(f"/pitches/{pitch['id']}/rating").status_code == 409
    assert ok(citizen.get(f"/pitches/{pitch['id']}/rating"))["stars"] == 3
    assert _state(citizen, pitch, challenge) == before


def test_withdrawn_pitches_cannot_be_rated(make, citizen, supplier_org, pitch, challenge):
    ok(supplier_org.owner.post(f"/pitches/{pitch['id']}/withdraw"))
    before = _state(citizen, pitch, challenge)
    assert citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}).status_code == 409
    assert _state(citizen, pitch, challenge) == before


def test_officers_and_invited_experts_rate_as_the_panel(make, council, pitch, challenge,
                                                       citizen):
    expert = make.user("expert")
    ok(expert.put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))  # public, for now
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel",
                          json={"email": expert.email}), 201)
    assert ok(expert.get(f"/pitches/{pitch['id']}/rating"))["is_panel"] is True
    assert ok(council.owner.put(f"/pitches/{pitch['id']}/rating",
                                json={"stars": 5}))["is_panel"] is True
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    tally = _tally(citizen, pitch["id"])
    assert (tally["public"]["count"], tally["public"]["sum"]) == (1, 4)
    assert (tally["panel"]["count"], tally["panel"]["sum"]) == (2, 7)
    assert tally["panel"]["histogram"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    stats = ok(citizen.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["panel_ratings"], stats["raters"]) == (1, 2, 3)
    # Leaving the panel turns the expert's rating back into a public one.
    assert council.owner.delete(
        f"/challenges/{challenge['id']}/panel/{expert.id}").status_code == 204
    tally = _tally(citizen, pitch["id"])
    assert (tally["public"]["count"], tally["panel"]["count"]) == (2, 1)


def test_only_officers_manage_the_panel(make, council, challenge, citizen, supplier):
    expert = make.user("expert")
    for person in (citizen, supplier, make.council().owner):
        response = person.post(f"/challenges/{challenge['id']}/panel",
                               json={"user_id": expert.id})
        assert response.status_code == 403
    assert ok(citizen.get(f"/challenges/{challenge['id']}/panel"))["items"] == []
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel", json={"user_id": expert.id}),
       201)
    again = council.owner.post(f"/challenges/{challenge['id']}/panel", json={"user_id": expert.id})
    assert again.status_code == 409
    assert council.owner.post(f"/challenges/{challenge['id']}/panel",
                              json={"user_id": council.owner.id}).status_code == 409
    for body in ({}, {"user_id": expert.id, "email": expert.email}, {"user_id": 999999}):
        assert council.owner.post(f"/challenges/{challenge['id']}/panel",
                                  json=body).status_code == 422
    assert citizen.delete(
        f"/challenges/{challenge['id']}/panel/{expert.id}").status_code == 403
    listed = ok(citizen.get(f"/challenges/{challenge['id']}/panel"))["items"]
    assert [m["user"]["id"] for m in listed] == [expert.id]
